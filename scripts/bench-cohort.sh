#!/usr/bin/env bash
# How a run's cost grows with the cohort: plan, jobs and merge timed apart, and peak memory.
#   scripts/bench-cohort.sh [--patients 100,300,1000] [--depth-scale X] [--workers N]
#                           [--job-bytes B] [--work DIR]
# (the simulator makes up to 9,999 patients; default depth scale 0.1: biopsies ~70x, plasma ~300x)
# For each size: `esr1-coordinator simulate --patients N --depth-scale X` (roles scenario, 3
# samples per patient: baseline biopsy, later biopsy, later plasma; kept in DIR/cohort-N and
# reused), then `esr1-coordinator run --workers N` embedded (default 2: with one in-process
# worker `auto` keeps every sample one job, so jobs are planned for sharing only with two or
# more, as they are for worker daemons) into a fresh output,
# under /usr/bin/time -v. The coordinator logs each phase's wall and CPU seconds (JSON log
# lines of target esr1_coordinator::phases); this prints per size: patients, samples, jobs,
# plan / jobs / merge wall and CPU seconds, the run's CPU seconds, peak RSS, and the growth
# exponent of the merge's wall and CPU time between consecutive sizes (log t2/t1 ÷ log n2/n1
# in samples: 1 is linear, n·log n is a little above 1, 2 quadratic), and the largest job's
# estimated compressed bytes over the median job's (from jobs.json). --job-bytes passes the
# planner's job size target (default auto: the largest power of two that keeps the largest job
# within 1.75 times the median one, which cuts these cohorts' plasma samples in two or three;
# 8388608 leaves every sample one job).
# Needs Debian's time (installed when missing). NO_BUILD=1 uses the release binaries as built.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=100,300,1000; scale=0.1; workers=2; work=""; job_bytes=()
while [ $# -gt 0 ]; do
  case $1 in
    --patients) sizes=$2; shift 2 ;;
    --depth-scale) scale=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --job-bytes) job_bytes=(--job-bytes "$2"); shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
# shellcheck source=scripts/services.sh
source scripts/services.sh
[ -x /usr/bin/time ] || apt_install time
if [ -z "${NO_BUILD:-}" ]; then
  cargo build --release -q -p esr1-coordinator
fi
bin=${CARGO_TARGET_DIR:-target}/release/esr1-coordinator
if [ -z "$work" ]; then work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work"
rows=$work/rows.tsv
: > "$rows"
for n in ${sizes//,/ }; do
  cohort=$work/cohort-$n
  if [ ! -s "$cohort/samplesheet.csv" ]; then
    echo "simulating $n patients (depth scale $scale) into $cohort …" >&2
    rm -rf "$cohort"
    /usr/bin/time -f "%e" -o "$work/sim-$n.time" \
      "$bin" simulate --quiet --out "$cohort" --patients "$n" --depth-scale "$scale" >/dev/null
  fi
  run=$work/run-$n
  rm -rf "$run"
  echo "running $n patients with $workers worker(s) …" >&2
  status=0
  RUST_LOG=warn,esr1_coordinator::phases=info \
    /usr/bin/time -v -o "$work/run-$n.time" "$bin" run --log-format json --workers "$workers" \
    --samplesheet "$cohort/samplesheet.csv" --reference "$cohort/reference/chr6_esr1.fa.gz" \
    --out "$run" "${job_bytes[@]}" >"$work/run-$n.out" 2>"$work/run-$n.log" || status=$?
  if [ "$status" -gt 1 ]; then
    echo "run of $n patients failed (exit $status):" >&2; tail -20 "$work/run-$n.log" >&2; exit 1
  fi
  python3 scripts/bench/cohort_row.py "$n" "$run/summary.json" "$work/run-$n.log" \
    "$work/run-$n.time" "$run/jobs.json" >> "$rows"
done
python3 scripts/bench/cohort_row.py --table "$rows"
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)," \
  "$(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo); $(date -u +%F)"
