#!/usr/bin/env python3
"""One row of scripts/bench-cohort.sh from a run's outputs, or the table of all rows.

  cohort_row.py PATIENTS SUMMARY_JSON JSON_LOG TIME_V_OUTPUT [JOBS_JSON]  -> one row
  cohort_row.py --table ROWS_TSV                               -> the table with merge growth

The log holds the coordinator's phase lines (target esr1_coordinator::phases: fields phase,
wall_seconds, cpu_seconds); the time file is /usr/bin/time -v's report of the whole run; jobs.json (the run's manifest) gives each job's estimated compressed bytes,
whose largest / median the row reports (NA when the run was planned by base pairs).
Python standard library only.
"""

import json
import math
import sys

FIELDS = ["patients", "samples", "jobs", "plan_s", "jobs_s", "merge_s", "cpu_s",
          "merge_cpu_s", "peak_rss_mb", "wall_s", "plan_cpu_s", "jobs_cpu_s", "largest_median"]


def largest_over_median(jobs_path):
    """Largest / median of the jobs' estimated compressed bytes in jobs.json, or 'NA'."""
    if not jobs_path:
        return "NA"
    with open(jobs_path) as f:
        manifest = json.load(f)
    sizes = sorted(b for s in manifest["run"]["plan"]["samples"] for b in s.get("job_bytes", []))
    if not sizes or sizes[len(sizes) // 2] == 0:
        return "NA"
    return f"{sizes[-1] / sizes[len(sizes) // 2]:.2f}"


def phases(log_path):
    """{phase: (wall, cpu)} from the JSON log lines that carry a phase."""
    out = {}
    with open(log_path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if "phase" in event and "wall_seconds" in event:
                out[event["phase"]] = (float(event["wall_seconds"]), float(event["cpu_seconds"]))
    return out


def time_v(path):
    """(user + sys seconds, peak RSS in MB, elapsed seconds) from /usr/bin/time -v."""
    values = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.strip().rpartition(": ")
            values[key] = value
    cpu = float(values["User time (seconds)"]) + float(values["System time (seconds)"])
    rss = int(values["Maximum resident set size (kbytes)"]) / 1024
    elapsed = 0.0
    for part in values["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"):
        elapsed = elapsed * 60 + float(part)
    return cpu, rss, elapsed


def row(patients, summary_path, log_path, time_path, jobs_path=None):
    with open(summary_path) as f:
        summary = json.load(f)
    p = phases(log_path)
    missing = [name for name in ("plan", "jobs", "merge") if name not in p]
    if missing:
        sys.exit(f"{log_path}: no phase line for {', '.join(missing)}")
    cpu, rss, elapsed = time_v(time_path)
    values = [patients, summary["samples"]["total"], summary["jobs"]["total"],
              p["plan"][0], p["jobs"][0], p["merge"][0], cpu, p["merge"][1], rss, elapsed,
              p["plan"][1], p["jobs"][1], largest_over_median(jobs_path)]
    print("\t".join(str(v) for v in values))


def exponent(samples, value, previous):
    """log(v2 / v1) / log(n2 / n1) against the previous (samples, value), or '-'."""
    if not previous or samples == previous[0] or value <= 0 or previous[1] <= 0:
        return "-"
    return f"{math.log(value / previous[1]) / math.log(samples / previous[0]):.2f}"


def table(rows_path):
    with open(rows_path) as f:
        rows = [dict(zip(FIELDS, line.split("\t"))) for line in f if line.strip()]
    print(f"{'patients':>8} {'samples':>7} {'jobs':>6} {'plan s':>13} {'jobs s':>15} "
          f"{'merge s':>13} {'run CPU s':>9} {'peak RSS MB':>11} "
          f"{'merge growth (wall, CPU)':>24} {'job bytes largest/median':>24}")
    print(f"{'':>8} {'':>7} {'':>6} {'wall / CPU':>13} {'wall / CPU':>15} {'wall / CPU':>13}")
    previous = None
    for r in rows:
        samples, merge, merge_cpu = int(r["samples"]), float(r["merge_s"]), float(r["merge_cpu_s"])
        growth = (f"{exponent(samples, merge, previous and previous[:2])}, "
                  f"{exponent(samples, merge_cpu, previous and (previous[0], previous[2]))}")
        plan = f"{float(r['plan_s']):.2f} / {float(r['plan_cpu_s']):.2f}"
        jobs = f"{float(r['jobs_s']):.2f} / {float(r['jobs_cpu_s']):.2f}"
        merged = f"{merge:.2f} / {merge_cpu:.2f}"
        print(f"{r['patients']:>8} {samples:>7} {r['jobs']:>6} {plan:>13} {jobs:>15} "
              f"{merged:>13} {float(r['cpu_s']):>9.2f} {float(r['peak_rss_mb']):>11.1f} "
              f"{growth:>24} {r.get('largest_median', 'NA').strip():>24}")
        previous = (samples, merge, merge_cpu)


if __name__ == "__main__":
    if sys.argv[1] == "--table":
        table(sys.argv[2])
    else:
        row(*sys.argv[1:6])
