#!/usr/bin/env bash
# deploy_arm.sh — the lecture models on ARM: exported to C by brain (float32 and int8), cross-compiled
# for a Cortex-M4 (arm-none-eabi-gcc, hard float) and for Linux on ARM (arm-linux-gnueabihf-gcc),
# run under QEMU (mps2-an386 with semihosting; qemu-arm) and compared with the same program built
# for this machine.  Prints, per model: the model's flash (code + weights) and RAM (arena) from
# arm-none-eabi-size on its object file, the whole test firmware's sizes, and the largest
# difference of the device outputs from the x86 ones and from brain_predict's.
#
#   scripts/deploy_arm.sh [model ...]     (default: every lecture model; e.g. ecg_lstm breast_cancer)
#
# Installs what is missing (gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm, qemu-user,
# gcc-arm-linux-gnueabihf) with apt-get.  BUILD_DIR (default build/) holds brain's build;
# DEPLOY_DIR (default $BUILD_DIR/deploy-arm) the generated files.  Exit status 1 when a device
# output differs from x86 by more than 1e-6 (relative above 1) or a run fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
out=${DEPLOY_DIR:-$build/deploy-arm}
fw=$root/scripts/deploy_arm

pkgs=(gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm qemu-user gcc-arm-linux-gnueabihf libc6-dev-armhf-cross)
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

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$build" --target deploy_models -j2 > /dev/null
case "$out" in /|"") echo "deploy_arm.sh: DEPLOY_DIR '$out' is not a directory to fill" >&2; exit 2 ;; esac
rm -rf "${out:?}"/*/
mkdir -p "$out"
echo "== exporting (brain_export_c) into $out"
"$build/deploy_models" "$out" "$@"

CFLAGS=(-std=c99 -O2 -Wall -Wextra -Werror -pedantic)
M4=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16)
arm-none-eabi-gcc "${M4[@]}" -O2 -std=c99 -c -o "$out/startup.o" "$fw/startup.c"

# largest |a - b| / max(1, |b|) over the "sample" lines of two run logs
maxdiff() {
  awk 'FNR == NR { if ($1 == "sample") for (i = 3; i <= NF; i++) ref[$2, i] = $i; next }
       $1 == "sample" { for (i = 3; i <= NF; i++) { d = $i - ref[$2, i]; if (d < 0) d = -d; r = ref[$2, i]; if (r < 0) r = -r;
                        if (r > 1) d /= r; if (d > m) m = d; n++ } }
       END { if (n == 0) print "none"; else printf "%.3g\n", m }' "$1" "$2"
}
brain_diff() { grep -o 'max |device - brain| = [^ ]*' "$1" | awk '{print $NF}'; }

status=0
printf '\n%-22s %10s %9s %7s | %10s %9s | %12s %12s | %12s %12s\n' model "flash B" "arena B" "stack" "fw flash" "fw RAM" \
  "|M4 - x86|" "|A7 - x86|" "|x86-brain|" "|M4-brain|"
one() { # one model's directory: build for x86, the Cortex-M4 and the Cortex-A7, run, compare
  local d=$1 name
  name=$(basename "$d")
  # this machine: the reference run
  cc "${CFLAGS[@]}" -I"$d" -o "$d/x86" "$d/$name.c" "$fw/main.c" -lm || return 1
  "$d/x86" > "$d/x86.txt" || return 1
  # Cortex-M4: the model alone (its flash and RAM), then the test firmware under QEMU
  arm-none-eabi-gcc "${CFLAGS[@]}" "${M4[@]}" -ffunction-sections -fdata-sections -fstack-usage -c -o "$d/$name.m4.o" \
    "$d/$name.c" || return 1
  # stack: no recursion, so the sum of every function's frame (but the batch loop's) bounds it
  local stack
  stack=$(awk -F'\t' '$1 !~ /_predict_batch$/ { s += $2 } END { print s + 0 }' "$d/$name.m4.su")
  arm-none-eabi-gcc "${CFLAGS[@]}" "${M4[@]}" -I"$d" -c -o "$d/main.m4.o" "$fw/main.c" || return 1
  read -r text data bss _ < <(arm-none-eabi-size "$d/$name.m4.o" | tail -1)
  arm-none-eabi-gcc "${M4[@]}" --specs=rdimon.specs -nostartfiles -T "$fw/mps2_an386.ld" -Wl,--gc-sections \
    -o "$d/fw.elf" "$out/startup.o" "$d/main.m4.o" "$d/$name.m4.o" -lm || return 1
  read -r ftext fdata fbss _ < <(arm-none-eabi-size "$d/fw.elf" | tail -1)
  timeout 600 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
    -semihosting-config enable=on,target=native -kernel "$d/fw.elf" > "$d/m4.txt" 2>&1 || true
  # Linux on a Cortex-A7 (armhf), static, under qemu-arm
  arm-linux-gnueabihf-gcc "${CFLAGS[@]}" -static -mcpu=cortex-a7 -I"$d" -o "$d/a7" "$d/$name.c" "$fw/main.c" -lm || return 1
  qemu-arm "$d/a7" > "$d/a7.txt" 2>&1 || true
  local m4 a7
  m4=$(maxdiff "$d/x86.txt" "$d/m4.txt")
  a7=$(maxdiff "$d/x86.txt" "$d/a7.txt")
  printf '%-22s %10d %9d %7s | %10d %9d | %12s %12s | %12s %12s\n' "$name" $((text + data)) $((data + bss)) "≤$stack" \
    $((ftext + fdata)) $((fdata + fbss)) "$m4" "$a7" "$(brain_diff "$d/x86.txt")" "$(brain_diff "$d/m4.txt")"
  for v in "$m4" "$a7"; do
    if [ "$v" = none ] || awk -v v="$v" 'BEGIN { exit !(v > 1e-6) }'; then echo "  $name: an ARM run differs or failed (see $d)"; return 1; fi
  done
}
for d in "$out"/*/; do
  one "$d" || { status=1; echo "  $(basename "$d"): FAILED"; }
done
echo
echo "flash = text + data of the model's object file (code and const weights); arena = its data + bss;"
echo "stack = an upper bound for a call of NAME_predict (the sum of the file's frames, -fstack-usage)."
echo "fw = the whole test firmware (startup, newlib's printf through semihosting, the samples, the model)."
echo "|x86-brain| and |M4-brain|: against brain_predict (int8 rows: the quantisation error, not a failure)."
exit $status
