#!/usr/bin/env bash
# The test job: install what is missing, then
#   1. build and run every test (ctest) — unit tests, gradient checks, examples;
#   2. the same suite under AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. a build without optional dependencies (no oneDNN, no OpenMP): its tests, then the main
#      example under valgrind (memcheck), which must report no errors and no leaks;
#   and test_concurrency built with ThreadSanitizer, which must report no data race; and each
#   reader's fuzz target for 60 s (scripts/fuzz.sh), which must find nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
jobs=$(nproc)

echo "== 1/3 tests (Release)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs" >/dev/null
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== crash consistency: a training run killed 50 times at random moments resumes to the same weights"
bash scripts/kill_resume.sh build/test_backup_restore 50

echo "== 2/3 tests under AddressSanitizer and UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DBRAIN_SANITIZE=ON -DBRAIN_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j"$jobs" >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"

echo "== threads: test_concurrency under ThreadSanitizer (docs/reliability.md)"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DBRAIN_TSAN=ON -DBRAIN_BUILD_BENCH=OFF >/dev/null
cmake --build build-tsan -j"$jobs" --target test_concurrency >/dev/null
TSAN_OPTIONS=halt_on_error=1:exitcode=66:suppressions=$PWD/tests/tsan.supp ./build-tsan/test_concurrency

echo "== fuzzing: every reader's libFuzzer target for ${FUZZ_SECONDS:-60} s, one per core at a time (docs/fuzzing.md)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}"

echo "== 3/3 without optional dependencies (no oneDNN, no OpenMP), and the main example under valgrind"
# The portable build: the plain-C sgemm, one thread.  valgrind does not know AVX-512, and its
# CPU reports none, so the kernels chosen at run time there are AVX2's (or generic).
cmake -S . -B build-vg -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBRAIN_SGEMM=portable -DBRAIN_OPENMP=OFF \
  -DBRAIN_BUILD_BENCH=OFF >/dev/null
cmake --build build-vg -j"$jobs" >/dev/null
# a subset, to keep the job short: the matrix kernels, training, each kind of layer, files
ctest --test-dir build-vg --output-on-failure -j"$jobs" \
  -R '^(test_sgemm|test_fit|test_optimizers|test_conv_layers|test_recurrent|test_saving|symbols|example_breast_cancer)$'
BRAIN_QUICK=1 valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
  --show-leak-kinds=definite,indirect -q ./build-vg/breast_cancer >/dev/null
echo "valgrind: no errors, no leaks"

# The exported models on ARM (docs/deploy.md), when the cross tools are installed
# (scripts/deploy_arm.sh installs them; it is not part of setup.sh because of their size).
if command -v arm-none-eabi-gcc >/dev/null && command -v qemu-system-arm >/dev/null && command -v qemu-arm >/dev/null &&
   command -v arm-linux-gnueabihf-gcc >/dev/null; then
  echo "== exported models on a Cortex-M4 (QEMU) and Linux/ARM"
  bash scripts/deploy_arm.sh breast_cancer ecg_lstm ecg_conv1d
else
  echo "== ARM deployment check skipped (run scripts/deploy_arm.sh to install the tools and run it)"
fi
