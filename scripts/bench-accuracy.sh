#!/usr/bin/env bash
# Low-VAF accuracy benchmark (not a test): per depth, simulates an accuracy cohort (baseline
# and later cfDNA per patient, one hotspot mutation per positive patient spread evenly over
# VAF bins, position-specific artefacts on), runs the product and bcftools on the same BAMs,
# and prints per tool sensitivity per VAF bin, false-positive calls per sample inside the ESR1
# exon targets (germline SNPs count as truth), the part of them at artefact sites, and wall time.
#
#   scripts/bench-accuracy.sh [--depths 2000,4000,10000] [--patients N] [--seed S]
#                             [--vafs 0.001,...] [--no-artefacts] [--work DIR] [--keep]
# The same settings as environment variables: DEPTHS, PATIENTS, SEED, VAFS, ARTEFACTS=0,
# WORK, KEEP=1, WORKERS (product's in-process workers), NO_BUILD=1 (use the existing binary).
# Default: depths 2000, 4000, 10000 with 6 patients (13 samples, one mutation per VAF bin,
# about five minutes on two cores, mostly bcftools); `--patients 30` gives four mutations
# per bin and six negatives (bcftools then takes ~3 min at 2000x, ~12 min at 10000x).
#
# bcftools: ONE multi-sample `bcftools mpileup -d 100000 -q 20 -Q 20 -a AD,DP -f REF
# -r <targets> <all BAMs> | bcftools call -mv` per depth; a sample has a call where its GT
# holds the alt allele. The product: PASS rows of calls.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."

depths=${DEPTHS:-2000,4000,10000}
patients=${PATIENTS:-6}
seed=${SEED:-1}
vafs=${VAFS:-0.001,0.0025,0.005,0.01,0.02,0.05}
artefacts=${ARTEFACTS:-1}
work=${WORK:-}
keep=${KEEP:-0}
workers=${WORKERS:-}
while [ $# -gt 0 ]; do
  case $1 in
    --depths) depths=$2; shift 2 ;;
    --patients) patients=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --vafs) vafs=$2; shift 2 ;;
    --no-artefacts) artefacts=0; shift ;;
    --work) work=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in bcftools python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is required" >&2; exit 1; }
done

if [ "${NO_BUILD:-0}" != 1 ]; then
  cargo build --release -q -p esr1-coordinator
fi
bin=target/release/esr1-coordinator
[ -x "$bin" ] || { echo "$bin is missing (build it or unset NO_BUILD)" >&2; exit 1; }

if [ -z "$work" ]; then
  work=$(mktemp -d)
  [ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"

now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }

artefact_flag=()
[ "$artefacts" = 1 ] && artefact_flag=(--artefacts)
worker_flag=()
[ -n "$workers" ] && worker_flag=(--workers "$workers")

results=$work/results.tsv
: > "$results"
header=--header
for depth in ${depths//,/ }; do
  dir=$work/depth-$depth
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "== depth ${depth}x: $patients patients, seed $seed, artefacts=$artefacts" >&2

  t0=$(now)
  "$bin" simulate --out "$dir/cohort" --scenario accuracy --cfdna-depth "$depth" \
    --vafs "$vafs" --patients "$patients" --seed "$seed" "${artefact_flag[@]}" > "$dir/simulate.out"
  t_sim=$(since "$t0")
  targets=$(sed -n 's/^targets: *//p' "$dir/simulate.out")
  ref=$dir/cohort/reference/chr6_esr1.fa.gz
  n_samples=$(($(wc -l < "$dir/cohort/samplesheet.csv") - 1))
  echo "   simulate: ${t_sim}s, $n_samples samples, targets $targets" >&2

  t0=$(now)
  "$bin" run --samplesheet "$dir/cohort/samplesheet.csv" --reference "$ref" \
    --out "$dir/run" --quiet "${worker_flag[@]}" > "$dir/run.out" 2> "$dir/run.err"
  t_product=$(since "$t0")
  echo "   esr1-coordinator run: ${t_product}s" >&2

  t0=$(now)
  # BAMs in samplesheet order (column 6, relative to the cohort directory).
  mapfile -t bams < <(tail -n +2 "$dir/cohort/samplesheet.csv" | cut -d, -f6 | sed "s|^|$dir/cohort/|")
  bcftools mpileup -d 100000 -q 20 -Q 20 -a AD,DP -f "$ref" -r "$targets" "${bams[@]}" \
    2> "$dir/mpileup.err" | bcftools call -mv -Ov -o "$dir/bcftools.vcf" 2> "$dir/call.err"
  t_bcftools=$(since "$t0")
  echo "   bcftools mpileup | call: ${t_bcftools}s" >&2

  python3 scripts/bench/score_accuracy.py $header --cohort "$dir/cohort" --targets "$targets" \
    --label "${depth}x" \
    --tool "esr1-coordinator=$dir/run/calls.tsv" --time "esr1-coordinator=$t_product" \
    --tool "bcftools=$dir/bcftools.vcf" --time "bcftools=$t_bcftools" >> "$results"
  header=
done

echo
echo "accuracy: $patients patients/depth, seed $seed, VAFs $vafs, artefacts=$artefacts"
echo "sens = detected/simulated somatic mutations per VAF bin; FP = calls per sample in targets"
echo "not in truth_calls.tsv (germline SNPs are truth); wall_s = the tool's wall time"
column -t -s $'\t' "$results"
[ "$keep" = 1 ] && echo "files kept in $work"
exit 0
