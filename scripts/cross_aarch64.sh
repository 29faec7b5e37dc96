#!/usr/bin/env bash
# Cross-compiles brain (library, tests, examples, the brain program) for AArch64 with Debian's
# gcc-aarch64-linux-gnu, and runs the tests under qemu-aarch64 (qemu-user).  Debian 12, root
# or sudo.
#   scripts/cross_aarch64.sh                 build in build-aarch64/ and run every test
#   scripts/cross_aarch64.sh -R test_sgemm   extra arguments go to ctest
# The whole suite takes 15–20 minutes under qemu on 2 cores (fashion_cnn alone about 10).
#
# Dependencies are Debian's arm64 packages, through multiarch (dpkg --add-architecture arm64):
# zlib, libzip, cJSON and HDF5's shared libraries install beside the amd64 ones.  libhdf5-dev is
# the exception: it is not co-installable (installing libhdf5-dev:arm64 removes the amd64
# libhdf5-dev the native build needs), so its arm64 headers and link symlink are unpacked into
# build-aarch64/sysroot instead, and pkg-config is pointed there.  The sgemm backend is the
# portable one (oneDNN is an x86 choice here); OpenMP is the cross compiler's libgomp.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/build-aarch64
triple=aarch64-linux-gnu
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

# ---- packages
native=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user pkg-config cmake)
arm64=(libc6:arm64 libgomp1:arm64 zlib1g-dev:arm64 libzip-dev:arm64 libcjson-dev:arm64 libhdf5-103-1:arm64)
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
  $SUDO apt-get update -qq
fi
missing=()
for p in "${native[@]}" "${arm64[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# ---- HDF5's arm64 development files, unpacked (see above)
sysroot=$out/sysroot
mkdir -p "$out"
if [ ! -f "$sysroot/usr/include/hdf5/serial/hdf5.h" ]; then
  rm -rf "$sysroot" "$out/debs" && mkdir -p "$sysroot" "$out/debs"
  (cd "$out/debs" && apt-get download -qq libhdf5-dev:arm64)
  dpkg-deb -x "$out"/debs/libhdf5-dev_*_arm64.deb "$sysroot"
fi
hdf5lib=$sysroot/usr/lib/$triple/hdf5/serial
# its libhdf5.so is a relative link to the shared library, which lives in the real /usr/lib/$triple
ln -sf "$(readlink -f /usr/lib/$triple/libhdf5_serial.so.103)" "$hdf5lib/libhdf5.so"
mkdir -p "$out/pkgconfig"
cat > "$out/pkgconfig/hdf5.pc" <<PC
Name: HDF5
Description: HDF5 (arm64 headers unpacked by scripts/cross_aarch64.sh)
Version: 1.10.8
Cflags: -I$sysroot/usr/include/hdf5/serial
Libs: -L$hdf5lib -lhdf5
PC

# ---- toolchain: CMake runs the test programs through qemu (CMAKE_CROSSCOMPILING_EMULATOR)
cat > "$out/toolchain.cmake" <<TC
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER $triple-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE $triple)
set(CMAKE_FIND_ROOT_PATH /usr/$triple)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)
TC
export PKG_CONFIG_LIBDIR=$out/pkgconfig:/usr/lib/$triple/pkgconfig:/usr/share/pkgconfig
unset PKG_CONFIG_PATH

# ---- build and test
cmake -S "$root" -B "$out/build" -DCMAKE_TOOLCHAIN_FILE="$out/toolchain.cmake" -DCMAKE_BUILD_TYPE=Release \
  -DBRAIN_SGEMM=portable -DBRAIN_BUILD_BENCH=OFF -DBRAIN_TEST_TIMEOUT=3600 >/dev/null
cmake --build "$out/build" -j"$(nproc)" >/dev/null
file -L "$out/build/libbrain.so.0" | grep -q aarch64
echo "built for $(file -Lb "$out/build/libbrain.so.0" | cut -d, -f1-2)"
export QEMU_LD_PREFIX=/  # the arm64 loader and libraries are installed through multiarch
ctest --test-dir "$out/build" --output-on-failure -j"$(nproc)" -E '^consumer$' "$@"
