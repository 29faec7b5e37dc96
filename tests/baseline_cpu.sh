#!/bin/sh
# baseline_cpu.sh PROGRAM... — runs each program on an emulated x86-64 baseline CPU (qemu's
# "qemu64": SSE2 and SSE3, no SSSE3/SSE4/AVX): the default build must run on every x86-64 CPU
# Debian supports, its wide kernels chosen only where the CPU has them.  An instruction the CPU
# lacks ends the program with SIGILL.  Skipped (77) without qemu-x86_64 (Debian: qemu-user).
command -v qemu-x86_64 >/dev/null 2>&1 || { echo "qemu-x86_64 not installed: skipped"; exit 77; }
for prog in "$@"; do
  BRAIN_QUICK=1 qemu-x86_64 -cpu qemu64 "$prog" > /dev/null || { echo "$prog failed on the baseline CPU (status $?)"; exit 1; }
  echo "$prog: ok on qemu64"
done
