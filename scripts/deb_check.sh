#!/usr/bin/env bash
# deb_check.sh — makes the Debian packages (cpack -G DEB in build-deb/), installs them as a user
# would (apt-get install ./libbrain*.deb), builds and runs tests/consumer/main.c against the
# installed /usr four ways (CMake find_package shared and static, pkg-config shared and
# static), runs the installed `brain` program, then purges the packages.  Debian 12, root or
# sudo.  The .deb files stay in build-deb/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
bash scripts/setup.sh
dpkg-query -W -f='${Status}' dpkg-dev 2>/dev/null | grep -q "install ok installed" ||
  $SUDO apt-get install -y -qq --no-install-recommends dpkg-dev  # dpkg-shlibdeps, for libbrain0's Depends
if dpkg-query -W libbrain0 libbrain-dev libbrain-tools >/dev/null 2>&1 &&
   dpkg-query -W -f='${Status}\n' libbrain0 libbrain-dev libbrain-tools 2>/dev/null | grep -q "install ok installed"; then
  echo "libbrain packages are installed already: remove them first (apt-get purge libbrain0 libbrain-dev libbrain-tools)"
  exit 1
fi

cmake -S . -B build-deb -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DBRAIN_BUILD_TESTS=OFF \
  -DBRAIN_BUILD_BENCH=OFF >/dev/null
cmake --build build-deb -j"$(nproc)" >/dev/null
rm -f build-deb/*.deb
(cd build-deb && cpack -G DEB >/dev/null)
for f in build-deb/*.deb; do echo "== $f"; dpkg-deb -f "$f" Package Version Depends; done

tmp=$(mktemp -d)
cleanup() {
  rm -rf "$tmp"
  $SUDO apt-get purge -y -qq libbrain0 libbrain-dev libbrain-tools >/dev/null 2>&1 || true
}
trap cleanup EXIT
$SUDO apt-get install -y -qq ./build-deb/libbrain*.deb >/dev/null

main=$root/tests/consumer/main.c
echo "== pkg-config, shared";  cc -o "$tmp/a" "$main" $(pkg-config --cflags --libs brain) && "$tmp/a"
echo "== pkg-config, static"
cc -o "$tmp/b" "$main" $(pkg-config --cflags brain) $(pkg-config --static --libs brain | sed 's/-lbrain /-l:libbrain.a /')
"$tmp/b"
echo "== find_package, shared"
cmake -S tests/consumer -B "$tmp/c" >/dev/null && cmake --build "$tmp/c" >/dev/null && "$tmp/c/consumer"
echo "== find_package, static"
cmake -S tests/consumer -B "$tmp/d" -DBRAIN_USE_STATIC_LIBS=ON >/dev/null && cmake --build "$tmp/d" >/dev/null && "$tmp/d/consumer"
echo "== brain program: $(command -v brain)"; brain version
readelf -d /usr/lib/*/libbrain.so.0 | grep SONAME
echo "deb_check: installed, used and removed"
