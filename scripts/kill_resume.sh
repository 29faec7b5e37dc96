#!/usr/bin/env bash
# Crash consistency under load (issue 16, docs/reliability.md): a training run that writes a
# BackupAndRestore backup and a ModelCheckpoint every epoch is killed with SIGKILL at random
# moments, KILLS times in all, and started again each time; every run that completes must end
# with bitwise the weights of an uninterrupted run, and after every kill the checkpoint must load.
#   scripts/kill_resume.sh [WORKER] [KILLS]    (defaults: build/test_backup_restore, 50)
# ctest runs a short version (kill_resume_short, 6 kills).
set -euo pipefail
worker=${1:-build/test_backup_restore}
kills_wanted=${2:-50}
[ -x "$worker" ] || { echo "kill_resume: no worker program at $worker (build first)" >&2; exit 2; }
tmp=$(mktemp -d /tmp/brain_kill_resume.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
ms() { echo $(( $(date +%s%N) / 1000000 )); }

t0=$(ms)
"$worker" train "$tmp/ref" "$tmp/ref.bin"
span=$(( $(ms) - t0 ))
[ "$span" -ge 20 ] || span=20
echo "uninterrupted run: ${span} ms"

kills=0 rounds=0 resumes=0
while [ "$kills" -lt "$kills_wanted" ]; do
  rounds=$((rounds + 1))
  rm -rf "$tmp/run" "$tmp/out.bin"
  mkdir -p "$tmp/run"
  while :; do
    "$worker" train "$tmp/run" "$tmp/out.bin" &
    pid=$!
    delay=$(( RANDOM % span ))
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    if [ "$kills" -lt "$kills_wanted" ] && kill -9 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      kills=$((kills + 1))
      "$worker" check "$tmp/run" || { echo "kill_resume: the checkpoint does not load after kill $kills" >&2; exit 1; }
      resumes=$((resumes + 1))
      continue
    fi
    wait "$pid" || { echo "kill_resume: a resumed run failed (round $rounds)" >&2; exit 1; }
    cmp -s "$tmp/out.bin" "$tmp/ref.bin" || { echo "kill_resume: round $rounds ended with weights that differ from the uninterrupted run" >&2; exit 1; }
    break
  done
done
echo "kill_resume: $kills kills (SIGKILL at random moments), $rounds completed runs, all bitwise equal to the uninterrupted run"
