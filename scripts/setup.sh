#!/usr/bin/env bash
# Installs the Debian 12 packages brain needs, only those missing (root, or sudo).
#   scripts/setup.sh            build dependencies
#   scripts/setup.sh --test     plus what the test job uses (valgrind, qemu-user; clang and its libFuzzer)
set -euo pipefail
pkgs=(gcc make cmake libdnnl-dev libc6-dev zlib1g-dev libzip-dev libcjson-dev libhdf5-dev pkg-config
      libcairo2-dev libprotobuf-c-dev protobuf-c-compiler   # protobuf-c: ONNX export, TensorBoard callback
      dataset-fashion-mnist libpng-dev libturbojpeg0-dev libtiff-dev libopenmpi-dev openmpi-bin)
[ "${1:-}" = "--test" ] && pkgs+=(valgrind qemu-user clang libclang-rt-14-dev)  # qemu-user: the baseline-CPU test; clang: the fuzz targets (scripts/fuzz.sh)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
