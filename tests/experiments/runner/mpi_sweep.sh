#!/usr/bin/env bash
# Sweeps and figures across MPI ranks on this one machine (mpirun -np 3) against the local run:
#  - a sweep, a mnist sweep and a reproduce --quick subset give the same rows, losses and
#    layers, bit for bit;
#  - a worker rank killed mid-sweep loses no finished job, and --resume completes the rest,
#    to the rows of an uninterrupted sweep.
# Exits 77 (CTest: skipped) with a message when mpirun is not installed.
#   tests/experiments/runner/mpi_sweep.sh BUILD_DIR
set -euo pipefail
overparam=$1/overparam
if ! command -v mpirun > /dev/null; then
  echo "mpi_sweep: mpirun not found; skipped (scripts/install-deps.sh installs OpenMPI)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mpirun=(mpirun --allow-run-as-root --oversubscribe -np 3)
fail() {
  echo "mpi_sweep: FAIL: $*" >&2
  exit 1
}
rows() { cut -d, -f1-9 "$1"; }  # a sweep's rows without the seconds and folder columns
finished() { find "$1" -mindepth 1 -maxdepth 1 -type d ! -name '.partial-*' 2> /dev/null | wc -l; }
# same_sweeps LOCAL RANKS JOBS PATTERN...: the sweeps in $work/LOCAL and $work/RANKS have the
# same rows and summary, JOBS job folders each, and every job's files matching a PATTERN equal.
same_sweeps() {
  local local_dir=$work/$1 ranks_dir=$work/$2 expected=$3 dir id pattern file count=0
  shift 3
  [[ "$(rows "$local_dir/sweep.csv")" == "$(rows "$ranks_dir/sweep.csv")" ]] ||
    fail "$(basename "$ranks_dir")/sweep.csv differs: $(diff <(rows "$local_dir/sweep.csv") <(rows "$ranks_dir/sweep.csv"))"
  cmp "$local_dir/summary.csv" "$ranks_dir/summary.csv" || fail "$(basename "$ranks_dir")/summary.csv differs"
  for dir in "$local_dir"/jobs/*/; do
    id=$(basename "$dir")
    for pattern in "$@"; do
      for file in "$dir"$pattern; do
        file=$(basename "$file")
        cmp "$dir$file" "$ranks_dir/jobs/$id/$file" || fail "$(basename "$ranks_dir")/jobs/$id/$file differs"
      done
    done
    count=$((count + 1))
  done
  [[ $count -eq $expected ]] || fail "expected $expected job folders in $(basename "$ranks_dir"), found $count"
}

echo "== a sweep: 3 ranks against 1 thread"
sweep=(sweep linear --vary depth=1,2,3 --vary lr=1e-3,1e-2 --seeds 2 --width 8 --iterations 3000
  --no-progress --no-plot)
"$overparam" "${sweep[@]}" --jobs 1 --out "$work/local" > "$work/local.log"
"${mpirun[@]}" "$overparam" "${sweep[@]}" --out "$work/ranks" > "$work/ranks.log" 2>&1 ||
  fail "the sweep under mpirun failed: $(cat "$work/ranks.log")"
grep -q "3 MPI ranks" "$work/ranks.log" || fail "the sweep did not run on 3 ranks: $(cat "$work/ranks.log")"
grep -Eq "rank [12]\)" "$work/ranks.log" || fail "no job ran on a worker rank"
same_sweeps local ranks 12 'losses*.csv' 'W*.npy'

echo "== a mnist sweep: 3 ranks against 1 thread"
tiny="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/bad_inputs/mnist_tiny"
msweep=(sweep mnist --vary variant=original,overparam --seeds 2 --steps 4 --batch-size 8
  --validation-size 5 --eval-every 2 --mnist-dir "$tiny" --no-progress --no-plot)
"$overparam" "${msweep[@]}" --threads 1 --out "$work/mlocal" > "$work/mlocal.log"
"${mpirun[@]}" "$overparam" "${msweep[@]}" --out "$work/mranks" > "$work/mranks.log" 2>&1 ||
  fail "the mnist sweep under mpirun failed: $(cat "$work/mranks.log")"
grep -Eq "rank [12]\)" "$work/mranks.log" || fail "no mnist job ran on a worker rank"
same_sweeps mlocal mranks 4 batch_loss.csv eval.csv

echo "== reproduce --quick (linear figures, short): 3 ranks against 1 thread"
reproduce=(reproduce --quick --iterations 200 --no-sensitivity --no-mnist --no-progress)
"$overparam" "${reproduce[@]}" --jobs 1 --out "$work/rl" --report "$work/rl/R.md" > /dev/null
"${mpirun[@]}" "$overparam" "${reproduce[@]}" --out "$work/rr" --report "$work/rr/R.md" \
  > "$work/rr.log" 2>&1 || fail "reproduce under mpirun failed: $(cat "$work/rr.log")"
grep -q "3 MPI ranks" "$work/rr/R.md" || fail "the report does not say it ran on 3 ranks"
csvs=0
while IFS= read -r file; do
  cmp "$work/rl/$file" "$work/rr/$file" || fail "reproduce: $file differs"
  csvs=$((csvs + 1))
done < <(cd "$work/rl" && find . -name '*.csv')
[[ $csvs -gt 20 ]] || fail "reproduce wrote only $csvs CSV files"

echo "== a worker rank killed mid-sweep; --resume completes the rest"
long=(sweep linear --vary depth=1,2,3 --vary lr=1e-3,5e-3,1e-2 --width 20 --iterations 40000
  --no-progress --no-plot)
"$overparam" "${long[@]}" --out "$work/whole" > /dev/null
"${mpirun[@]}" "$overparam" "${long[@]}" --out "$work/killed" > "$work/killed.log" 2>&1 &
launcher=$!
for _ in $(seq 1200); do
  [[ $(finished "$work/killed/jobs") -ge 2 ]] && break
  sleep 0.05
done
victim=
for pid in $(pgrep -f "overparam sweep linear .*$work/killed" || true); do
  if tr '\0' '\n' < "/proc/$pid/environ" 2> /dev/null | grep -qx "OMPI_COMM_WORLD_RANK=1"; then
    victim=$pid
  fi
done
[[ -n $victim ]] || fail "rank 1 of the sweep was not found"
kill -KILL "$victim"
if wait "$launcher"; then
  echo "mpi_sweep: the sweep ended before rank 1 was killed; the resume below has nothing to do"
fi
kept=$(finished "$work/killed/jobs")
echo "kept $kept finished jobs of 9"
[[ $kept -ge 2 ]] || fail "finished jobs were lost: $kept kept"
"${mpirun[@]}" "$overparam" "${long[@]}" --out "$work/killed" --resume > "$work/resumed.log" 2>&1 ||
  fail "the resumed sweep failed: $(cat "$work/resumed.log")"
if [[ $kept -lt 9 ]]; then
  grep -q "resumed: $kept finished jobs" "$work/resumed.log" || fail "the resume did not read the $kept kept jobs"
  trained=$(grep -c " done: depth" "$work/resumed.log" || true)
  [[ $trained -eq $((9 - kept)) ]] || fail "the resume trained $trained jobs, expected $((9 - kept))"
fi
[[ "$(rows "$work/killed/sweep.csv")" == "$(rows "$work/whole/sweep.csv")" ]] ||
  fail "the resumed sweep's rows differ from an uninterrupted one's"
[[ $(find "$work/killed/jobs" -name '.partial-*' | wc -l) -eq 0 ]] || fail "a half-written folder was left"
echo "mpi_sweep: all checks passed"
