#!/usr/bin/env bash
# Pileup speed and memory against samtools mpileup on the same files in the same run.
#   scripts/bench-pileup.sh [PATIENTS] [DEPTH_SCALE]
# Simulates a cohort (release build), then per sample times
#   - esr1-coordinator run (embedded, 1 worker: fragment-aware counting of the whole ESR1 span)
#   - samtools mpileup -B -Q 20 -q 20 over the same span and reference (counts per site)
# and prints wall time, CPU time and peak memory of both, and their ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
patients=${1:-12}
scale=${2:-1.0}
# shellcheck source=scripts/services.sh
source scripts/services.sh
command -v samtools >/dev/null 2>&1 || apt_install samtools
command -v /usr/bin/time >/dev/null 2>&1 || apt_install time
cargo build --release -q -p esr1-coordinator
bin=target/release/esr1-coordinator
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$bin simulate --out "$work/cohort" --patients "$patients" --depth-scale "$scale" >/dev/null
ref="$work/cohort/reference/chr6_esr1.fa.gz"
span="chr6:151656691-152129619"

measure() { # label, command… → "label wall_s cpu_s maxrss_kb"
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r wall user sys rss < "$work/t"
  echo "$label $wall $(echo "$user + $sys" | bc -l) $rss"
}

ours=$(measure esr1 $bin run --quiet --workers 1 --samplesheet "$work/cohort/samplesheet.csv" --reference "$ref" --out "$work/run")
sam_wall=0; sam_cpu=0; sam_rss=0
for bam in "$work"/cohort/bams/*.bam; do
  read -r _ w c r <<< "$(measure samtools samtools mpileup -B -Q 20 -q 20 -d 0 -f "$ref" -r "$span" "$bam")"
  sam_wall=$(echo "$sam_wall + $w" | bc -l); sam_cpu=$(echo "$sam_cpu + $c" | bc -l)
  [ "$r" -gt "$sam_rss" ] && sam_rss=$r
done
read -r _ ow oc orss <<< "$ours"
n=$(ls "$work"/cohort/bams/*.bam | wc -l)
size=$(du -cb "$work"/cohort/bams/*.bam | tail -1 | cut -f1)
printf 'samples %d, BAM bytes %d\n' "$n" "$size"
printf '%-28s %10s %10s %12s\n' "" "wall s" "cpu s" "peak RSS MB"
printf '%-28s %10.2f %10.2f %12.1f\n' "esr1-coordinator (1 worker)" "$ow" "$oc" "$(echo "$orss/1024" | bc -l)"
printf '%-28s %10.2f %10.2f %12.1f\n' "samtools mpileup (sum)" "$sam_wall" "$sam_cpu" "$(echo "$sam_rss/1024" | bc -l)"
printf 'ratio esr1/samtools: wall %.2f, cpu %.2f\n' "$(echo "$ow/$sam_wall" | bc -l)" "$(echo "$oc/$sam_cpu" | bc -l)"
