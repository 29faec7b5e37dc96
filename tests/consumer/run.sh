#!/bin/sh
# run.sh SRC BUILD CMAKE CC [CONFIG] — installs the build into a temporary prefix, then builds and
# runs tests/consumer/main.c five ways: find_package (libbrain.so), find_package (libbrain.a,
# BRAIN_USE_STATIC_LIBS), pkg-config (shared), pkg-config --static (libbrain.a), and
# add_subdirectory of the source tree.  Each program trains a small model and checks it learned.
set -eu
src=$1 bin=$2 cmake=$3 cc=$4 config=${5:-Release}
[ -n "$config" ] || config=Release
here=$src/tests/consumer
tmp=$(mktemp -d "${TMPDIR:-/tmp}/brain-consumer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
export OMP_NUM_THREADS=1
# run a build step quietly, showing its output only when it fails
quiet() { "$@" >"$tmp/log" 2>&1 || { cat "$tmp/log"; echo "failed: $*"; exit 1; }; }

quiet "$cmake" --install "$bin" --prefix "$prefix"
libdir=$(cd "$prefix" && ls -d lib*/pkgconfig | head -1 | xargs dirname)
for f in include/brain.h "$libdir/libbrain.a" "$libdir/libbrain.so" "$libdir/libbrain.so.0" \
         "$libdir/cmake/brain/brainConfig.cmake" "$libdir/cmake/brain/brainConfigVersion.cmake" \
         "$libdir/pkgconfig/brain.pc" $([ -e "$bin/brain" ] && echo bin/brain); do
  [ -e "$prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done

needs_libbrain() { readelf -d "$1" | grep -q 'NEEDED.*libbrain\.so'; }

echo "== find_package, shared"
quiet "$cmake" -S "$here" -B "$tmp/fp-shared" -DCMAKE_BUILD_TYPE="$config" -DCMAKE_PREFIX_PATH="$prefix"
quiet "$cmake" --build "$tmp/fp-shared"
"$tmp/fp-shared/consumer"
needs_libbrain "$tmp/fp-shared/consumer" || { echo "not linked to libbrain.so"; exit 1; }

echo "== find_package, static"
quiet "$cmake" -S "$here" -B "$tmp/fp-static" -DCMAKE_BUILD_TYPE="$config" -DCMAKE_PREFIX_PATH="$prefix" \
  -DBRAIN_USE_STATIC_LIBS=ON
quiet "$cmake" --build "$tmp/fp-static"
"$tmp/fp-static/consumer"
! needs_libbrain "$tmp/fp-static/consumer" || { echo "linked to libbrain.so, not libbrain.a"; exit 1; }

export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
echo "== pkg-config, shared: $(pkg-config --libs brain)"
# shellcheck disable=SC2046
"$cc" -o "$tmp/pc-shared" "$here/main.c" $(pkg-config --cflags --libs brain) -Wl,-rpath,"$prefix/$libdir"
"$tmp/pc-shared"
needs_libbrain "$tmp/pc-shared" || { echo "not linked to libbrain.so"; exit 1; }

echo "== pkg-config --static: $(pkg-config --static --libs brain)"
# libbrain.a rather than the libbrain.so beside it: -l:libbrain.a names the file
static_libs=$(pkg-config --static --libs brain | sed 's/-lbrain\( \|$\)/-l:libbrain.a\1/')
# shellcheck disable=SC2046
"$cc" -o "$tmp/pc-static" "$here/main.c" $(pkg-config --cflags brain) $static_libs
"$tmp/pc-static"
! needs_libbrain "$tmp/pc-static" || { echo "linked to libbrain.so, not libbrain.a"; exit 1; }

echo "== add_subdirectory"
# no optimisation: this variant checks the wiring, and compiling the library again is its cost
quiet "$cmake" -S "$here" -B "$tmp/subdir" -DCMAKE_BUILD_TYPE=None -DBRAIN_SOURCE_DIR="$src"
quiet "$cmake" --build "$tmp/subdir" -j2
"$tmp/subdir/consumer"
[ ! -e "$tmp/subdir/brain/CTestTestfile.cmake" ] && [ ! -e "$tmp/subdir/brain/brain" ] ||
  { echo "the subproject built its tests or program"; exit 1; }
echo "consumer: all five ways passed"
