#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer + UndefinedBehaviorSanitizer) and runs each
# for SECONDS seconds on its seed corpus (docs/fuzzing.md):
#   scripts/fuzz.sh [SECONDS]        (default 30; CI runs it with 15 from scripts/test.sh)
#   FUZZ_TARGETS="config keras" scripts/fuzz.sh 60    only those targets
# One target per reader: csv, npy, npz, idx, config (config.json), keras (.keras zip), weights
# (.weights.h5 image), legacy (.h5 through the sandbox).  Growing corpora and any finding stay
# under build-fuzz/; a finding makes the script fail, naming the target and the artifact.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
command -v clang >/dev/null || { echo "fuzz.sh: clang is needed (scripts/setup.sh --test installs it)" >&2; exit 2; }
out=build-fuzz
mkdir -p "$out/obj"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-std=c11 -g -O1 -D_POSIX_C_SOURCE=200809L -DBRAIN_SGEMM_PORTABLE -Iinclude -Isrc -I/usr/include/hdf5/serial"
libs="-L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5_serial -lzip -lcjson -lz -lm -lpthread"
# the library once, instrumented for coverage (fuzzer-no-link)
objs=()
for src in $(find src -name '*.c' | sort); do
  o="$out/obj/$(echo "$src" | tr / _).o"
  isa=""  # the per-instruction-set kernels get their flags, as CMakeLists.txt gives them
  case "$src" in
    */kernels/sgemm_avx2.c) isa="-mavx2 -mfma" ;;
    */kernels/sgemm_avx512.c) isa="-mavx512f -mavx512vl -mavx512dq -mavx512bw -mavx2 -mfma" ;;
  esac
  if [ ! -f "$o" ] || [ "$src" -nt "$o" ] || [ src/internal.h -nt "$o" ]; then
    clang $cflags $san $isa -fsanitize=fuzzer-no-link -c "$src" -o "$o"
  fi
  objs+=("$o")
done
rm -f "$out/libbrain_fuzz.a"
ar rcs "$out/libbrain_fuzz.a" "${objs[@]}"

build() { # name source [defines]
  clang $cflags $san -fsanitize=fuzzer ${3:-} "tests/fuzz/$2" "$out/libbrain_fuzz.a" $libs -o "$out/fuzz_$1"
}
build csv fuzz_csv.c
build npy fuzz_npy.c
build npz fuzz_npz.c
build idx fuzz_idx.c
build config fuzz_keras.c -DFUZZ_READER=0
build keras fuzz_keras.c -DFUZZ_READER=1
build legacy fuzz_keras.c -DFUZZ_READER=2
build weights fuzz_keras.c -DFUZZ_READER=3

seeds() { case $1 in csv) echo tests/fuzz/corpus ;; npy|npz|idx) echo "tests/fuzz/corpus_$1" ;; *) echo tests/fuzz/corpus_keras ;; esac; }
export ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp
status=0
printf '%-8s %10s %8s %s\n' target runs seconds result
for t in ${FUZZ_TARGETS:-csv npy npz idx config keras weights legacy}; do
  mkdir -p "$out/corpus_$t" "$out/artifacts_$t"
  log="$out/fuzz_$t.log"
  len=4096; [ "$t" = keras ] || [ "$t" = weights ] || [ "$t" = legacy ] || [ "$t" = config ] && len=70000
  if "$out/fuzz_$t" -max_total_time="$secs" -max_len=$len -timeout=25 -rss_limit_mb=4096 -print_final_stats=1 \
       -artifact_prefix="$out/artifacts_$t/" "$out/corpus_$t" "$(seeds $t)" >"$log" 2>&1; then
    result="no finding"
  else
    result="FINDING: see $log and $out/artifacts_$t/"; status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  printf '%-8s %10s %8s %s\n' "$t" "$runs" "$secs" "$result"
done
exit $status
