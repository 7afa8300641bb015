#!/usr/bin/env bash
# Distributed throughput: the same cohort run through RabbitMQ by 1, then 2 (…) worker processes.
#   scripts/bench-distributed.sh [--patients 20] [--depth-scale 1] [--workers 1,2]
#                                [--region-size BP] [--prefetch N] [--runs N] [--no-queue-bench]
#                                [--work DIR]
# Simulates one cohort (roles scenario, default depth: biopsies ~700x, plasma ~3,000x; kept in
# DIR/cohort and reused), then N rounds of each worker count in turn: starts that many `esr1-worker`
# daemons (queue prefix esr1bench, so nothing of another run's queues is touched), waits until
# each consumes, runs `esr1-coordinator run --amqp-url …` into a fresh output and stops the
# workers (SIGTERM, by pid); --prefetch is each worker's (default 2, as esr1-worker's). Jobs are planned as `run` plans them by default (by compressed
# bytes: every job holds data, and a plasma sample is cut into a few equal jobs, the largest within 1.75 times the median);
# --region-size 500000 gives one job per sample over the whole ESR1 span instead (jobs of
# unequal sizes, as the benches before the twelfth session ran). Prints per worker count
# the jobs, the jobs phase's wall seconds (from publishing to the last result, from the
# coordinator's phase log line), the coordinator's CPU seconds in it, the workers' CPU seconds
# (from their start to the run's end) and the broker's over the run (the process listening on
# the broker's port, read from /proc; 0 when it cannot be told), jobs/s (median of N) and the
# speed-up over the first count (the median of the rounds' ratios: runs go in rounds of every
# count in turn, so a machine's drift between minutes hits every count), and the bound the cores set on it (the first count's phase over
# this count's CPU seconds of workers, coordinator and broker spread over min(workers, cores)
# cores with none idle; the workers' CPU includes their start, so it errs low), and the
# phase's lead (its start to the first job started: connecting, declaring, publishing, the
# first delivery) and tail (the last job done to its end: the last event), from the logs, and
# how many messages carried the jobs (small jobs share one: job bundles);
# then `cargo bench -p esr1-worker --bench queue_overhead` (publish with confirm → delivery →
# event → ack: sequential round trips and pipelined throughput, with the broker's CPU per job)
# unless --no-queue-bench.
# Needs a broker on ESR1_AMQP_URL (default amqp://guest:guest@127.0.0.1:5672/%2f; started with
# scripts/services.sh when none answers). NO_BUILD=1 uses the release binaries as built.
set -euo pipefail
cd "$(dirname "$0")/.."
patients=20; scale=1; counts=1,2; region=""; prefetch=2; runs=1; queue_bench=1; work=""
while [ $# -gt 0 ]; do
  case $1 in
    --patients) patients=$2; shift 2 ;;
    --depth-scale) scale=$2; shift 2 ;;
    --workers) counts=$2; shift 2 ;;
    --region-size) region=$2; shift 2 ;;
    --prefetch) prefetch=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --no-queue-bench) queue_bench=""; shift ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
url=${ESR1_AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/%2f}
prefix=esr1bench
url_port=$(echo "$url" | sed -E 's#^amqps?://([^@/]*@)?[^:/]*:?([0-9]*).*#\2#')
url_port=${url_port:-5672}
# shellcheck source=scripts/services.sh
source scripts/services.sh
port_open 5672 || ensure_rabbitmq
if [ -z "${NO_BUILD:-}" ]; then
  cargo build --release -q -p esr1-coordinator -p esr1-worker --bins
fi
target=${CARGO_TARGET_DIR:-target}
pids=()
hz=$(getconf CLK_TCK)
ticks_of() { # user + system CPU ticks of a process, 0 when it is gone
  awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}
worker_ticks() { # of the workers this script started (from their start: idle waits cost nothing)
  local t=0
  for pid in "${pids[@]}"; do t=$((t + $(ticks_of "$pid"))); done
  echo "$t"
}
broker_pid() { # of the process listening on the broker's port, when it can be told (else empty)
  ss -Hltnp "sport = :${url_port}" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true
}
broker_ticks() { # of the broker (broker_pid), 0 when it cannot be told
  local pid
  pid=$(broker_pid)
  if [ -n "$pid" ]; then ticks_of "$pid"; else echo 0; fi
}
stop_workers() { # the workers this script started, by pid (SIGTERM: each finishes its job)
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
tmp=""
if [ -z "$work" ]; then work=$(mktemp -d); tmp=$work; fi
trap 'stop_workers; [ -z "$tmp" ] || rm -rf "$tmp"' EXIT
mkdir -p "$work"

cohort=$work/cohort
if [ ! -s "$cohort/samplesheet.csv" ]; then
  echo "simulating $patients patients (depth scale $scale) into $cohort …" >&2
  rm -rf "$cohort"
  "$target/release/esr1-coordinator" simulate --quiet --out "$cohort" --patients "$patients" \
    --depth-scale "$scale" >/dev/null
fi

rows=$work/rows.tsv
: > "$rows"
for r in $(seq 1 "$runs"); do # rounds: every worker count once per round, so drift hits all
  for w in ${counts//,/ }; do
    for i in $(seq 1 "$w"); do
      RUST_LOG=warn,esr1_worker=info "$target/release/esr1-worker" --amqp-url "$url" \
        --queue-prefix "$prefix" --prefetch "$prefetch" >"$work/worker-$w-$r-$i.log" 2>&1 &
      pids+=($!)
    done
    for i in $(seq 1 "$w"); do # every worker consuming before the first job is published
      for _ in $(seq 1 600); do
        grep -q "consuming jobs" "$work/worker-$w-$r-$i.log" && break
        sleep 0.1
      done
      grep -q "consuming jobs" "$work/worker-$w-$r-$i.log" \
        || { echo "worker $i did not start:" >&2; cat "$work/worker-$w-$r-$i.log" >&2; exit 1; }
    done
    out=$work/run-$w-$r
    rm -rf "$out"
    echo "run $r of $runs with $w worker process(es) …" >&2
    status=0
    broker_before=$(broker_ticks)
    RUST_LOG=warn,esr1_coordinator::phases=info,esr1_coordinator::distributed=info \
      "$target/release/esr1-coordinator" run \
      --log-format json --samplesheet "$cohort/samplesheet.csv" \
      --reference "$cohort/reference/chr6_esr1.fa.gz" --out "$out" ${region:+--region-size "$region"} \
      --amqp-url "$url" --queue-prefix "$prefix" --run-id "bench-$w-$r-$$" \
      >"$out.out" 2>"$out.log" || status=$?
    broker_cpu=$(echo "($(broker_ticks) - $broker_before) / $hz" | bc -l)
    workers_cpu=$(echo "$(worker_ticks) / $hz" | bc -l)
    stop_workers
    if [ "$status" -gt 1 ]; then
      echo "run with $w workers failed (exit $status):" >&2; tail -20 "$out.log" >&2; exit 1
    fi
    python3 - "$w" "$out/summary.json" "$out.log" "$workers_cpu" "$broker_cpu" \
      "$work"/worker-"$w-$r"-*.log >> "$rows" <<'EOF'
import datetime, json, sys
w, summary, log, workers_cpu, broker_cpu = sys.argv[1:6]
jobs = json.load(open(summary))["jobs"]
wall = cpu = end = None
for line in open(log):
    if line.startswith("{"):
        e = json.loads(line)
        if e.get("phase") == "jobs":
            wall, cpu, end = e["wall_seconds"], e["cpu_seconds"], e.get("timestamp")
if wall is None:
    sys.exit(f"{log}: no jobs phase line")
def at(stamp):  # an RFC 3339 UTC time stamp (as logged), in seconds
    return datetime.datetime.fromisoformat(stamp[:26].rstrip("Z")).timestamp()
# From the workers' logs: the first job started and the last one done. The phase's lead is
# the time from its start to the first job started (connecting, declaring, publishing, the
# first delivery); its tail the time from the last job done to its end (the last event).
starts, dones = [], []
for worker_log in sys.argv[6:]:
    for line in open(worker_log):
        if " job started" in line:
            starts.append(at(line))
        elif " job done" in line:
            dones.append(at(line))
lead = tail = float("nan")
if end and starts and dones:
    lead = min(starts) - (at(end) - wall)
    tail = at(end) - max(dones)
print(w, jobs["total"], jobs["failed"], wall, cpu, workers_cpu, broker_cpu, lead, tail, sep="\t")
EOF
  done
done
python3 - "$rows" <<'EOF'
import os, statistics, sys
rows = [line.split("\t") for line in open(sys.argv[1]) if line.strip()]
by = {}
for w, jobs, failed, wall, cpu, workers_cpu, broker_cpu, lead, tail in rows:
    by.setdefault(int(w), []).append(
        (int(jobs), int(failed), float(wall), float(cpu), float(workers_cpu), float(broker_cpu),
         float(lead), float(tail)))
print(f"{'workers':>7} {'jobs':>5} {'failed':>6} {'jobs phase s':>12} {'coord CPU s':>11} "
      f"{'workers CPU s':>13} {'broker CPU s':>12} {'lead s':>6} {'tail s':>6} {'jobs/s':>7} "
      f"{'speed-up':>8} {'bound':>6}"
      f"   (median of {len(next(iter(by.values())))}; speed-up: of the rounds' ratios)")
first_wall = None
by_round = []
for w in sorted(by):
    jobs, failed = by[w][0][0], by[w][0][1]
    wall = statistics.median(r[2] for r in by[w])
    cpu = statistics.median(r[3] for r in by[w])
    workers_cpu = statistics.median(r[4] for r in by[w])
    broker_cpu = statistics.median(r[5] for r in by[w])
    lead = statistics.median(r[6] for r in by[w])
    tail = statistics.median(r[7] for r in by[w])
    rate = jobs / wall
    first_wall = first_wall or wall
    # Each round ran every count once, in turn: its ratio compares runs minutes apart at most.
    ratios = [f[2] / r[2] for f, r in zip(by[min(by)], by[w])]
    speedup = statistics.median(ratios)
    by_round.append((w, ratios))
    # The speed-up the cores allow: the first count's phase over this one's CPU (workers,
    # coordinator, broker) spread over min(workers, cores) cores with none idle.
    busy = min(w, os.cpu_count() or 1)
    bound = f"{first_wall / ((workers_cpu + cpu + broker_cpu) / busy):.2f}" if w > 1 else "-"
    print(f"{w:>7} {jobs:>5} {failed:>6} {wall:>12.2f} {cpu:>11.2f} {workers_cpu:>13.2f} "
          f"{broker_cpu:>12.2f} {lead:>6.3f} {tail:>6.3f} {rate:>7.2f} {speedup:>8.2f} {bound:>6}")
for w, ratios in by_round[1:]:
    print(f"speed-up of {w} workers by round: {', '.join(f'{r:.2f}' for r in ratios)}")
EOF
# How the jobs travelled: the coordinator's "published N of M jobs in K messages" (round 1;
# every round publishes the same plan), fewer messages than jobs where small jobs share one.
for w in ${counts//,/ }; do
  published=$(grep -ho 'published [0-9]* of [0-9]* jobs in [0-9]* messages' "$work/run-$w-1.log" | head -1 || true)
  echo "$w worker(s): ${published:-no publishing line in $work/run-$w-1.log}"
done
if [ -n "$queue_bench" ]; then
  echo "queue overhead (cargo bench -p esr1-worker --bench queue_overhead):"
  ESR1_BENCH_AMQP_URL=$url ESR1_BENCH_BROKER_PID=$(broker_pid) \
    cargo bench -q -p esr1-worker --bench queue_overhead 2>&1 \
    | grep -v '^\s*$'
fi
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)," \
  "$(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo); $(date -u +%F)"
