#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer + UndefinedBehaviorSanitizer) and runs each
# for SECONDS seconds on its seed corpus (docs/fuzzing.md):
#   scripts/fuzz.sh [SECONDS]        (default 30; CI runs it with 60 from scripts/test.sh, FUZZ_JOBS at a time)
#   FUZZ_TARGETS="config keras" scripts/fuzz.sh 60    only those targets
# One target per reader: csv, npy, npz, idx, config (config.json), keras (.keras zip), weights
# (.weights.h5 image), legacy (.h5 through the sandbox), preprocessing (brain_preprocessing.json),
# dataset (memory-mapped .npy, batched CSV, PNG/JPEG/TIFF image folders).  Growing corpora and any finding stay
# under build-fuzz/; a finding makes the script fail, naming the target and the artifact.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
command -v clang >/dev/null || { echo "fuzz.sh: clang is needed (scripts/setup.sh --test installs it)" >&2; exit 2; }
out=${FUZZ_OUT:-build-fuzz}   # FUZZ_OUT: another folder, for a second run beside this one
mkdir -p "$out/obj"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-std=c11 -g -O1 -D_POSIX_C_SOURCE=200809L -DBRAIN_SGEMM_PORTABLE -Iinclude -Isrc -I/usr/include/hdf5/serial"
libs="-L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5_serial -lzip -lcjson -lz -lm -lpthread"
# the image decoders the dataset target reaches, where their headers are installed (as CMake finds them)
[ -f /usr/include/png.h ] && { cflags="$cflags -DBRAIN_HAVE_PNG"; libs="$libs -lpng"; }
[ -f /usr/include/turbojpeg.h ] && { cflags="$cflags -DBRAIN_HAVE_JPEG"; libs="$libs -lturbojpeg"; }
[ -f /usr/include/x86_64-linux-gnu/tiffio.h ] || [ -f /usr/include/tiffio.h ] && { cflags="$cflags -DBRAIN_HAVE_TIFF"; libs="$libs -ltiff"; }
# a changed set of definitions rebuilds the objects
echo "$cflags" | cmp -s - "$out/obj/flags" || { rm -f "$out"/obj/*.o; echo "$cflags" >"$out/obj/flags"; }
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
build preprocessing fuzz_preprocessing.c
build dataset fuzz_dataset.c

seeds() { case $1 in csv) echo tests/fuzz/corpus ;; npy|npz|idx|preprocessing|dataset) echo "tests/fuzz/corpus_$1" ;; *) echo tests/fuzz/corpus_keras ;; esac; }
export ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp
# one target: run_target NAME; prints its line of the table, and leaves $out/status_NAME
run_target() {
  local t=$1 log="$out/fuzz_$1.log" len=4096 result
  mkdir -p "$out/corpus_$t" "$out/artifacts_$t"
  case $t in keras|weights|legacy|config) len=70000 ;; esac
  TIMEFORMAT='%U %S'   # the CPU time the target used (user + system), for docs/fuzzing.md's totals
  if { time "$out/fuzz_$t" -max_total_time="$secs" -max_len=$len -timeout=25 -rss_limit_mb=4096 -print_final_stats=1 \
       -artifact_prefix="$out/artifacts_$t/" "$out/corpus_$t" "$(seeds $t)" >"$log" 2>&1; } 2>"$out/cpu_$t"; then
    result="no finding"; echo 0 >"$out/status_$t"
  else
    result="FINDING: see $log and $out/artifacts_$t/"; echo 1 >"$out/status_$t"
  fi
  local runs cpu
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || echo "?")
  cpu=$(awk '{printf "%.0f", $1 + $2}' "$out/cpu_$t" 2>/dev/null || echo "?")
  printf '%-13s %10s %8s %8s %s\n' "$t" "$runs" "$secs" "$cpu" "$result"
}
# FUZZ_JOBS targets at a time (default: one per core)
jobs=${FUZZ_JOBS:-$(nproc)}
printf '%-13s %10s %8s %8s %s\n' target runs seconds cpu_s result
running=0
for t in ${FUZZ_TARGETS:-csv npy npz idx config keras weights legacy preprocessing dataset}; do
  rm -f "$out/status_$t"
  run_target "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait
status=0
for t in ${FUZZ_TARGETS:-csv npy npz idx config keras weights legacy preprocessing dataset}; do
  [ "$(cat "$out/status_$t" 2>/dev/null)" = 0 ] || status=1
done
exit $status
