#!/usr/bin/env bash
# Pileup speed and memory against samtools on the same files and regions, interleaved in one run.
#   scripts/bench-pileup.sh [--runs N] [--deep-depth D] [--work DIR]
# Simulates (release build, once per DIR) a ~30x BAM over the whole ESR1 gene and a ~20,000x
# cfDNA-like BAM over exons 7-8 (over a million records), then times on each, N times in turn:
#   mpileup  samtools mpileup -B -d 0 -Q 20 -q 20 -f REF -r REGION   (htslib's pileup)
#   view-c   samtools view -c BAM REGION                              (htslib's decode floor)
#   ours     esr1-coordinator run --workers 1 on a one-sample sheet   (plan + job + merge:
#            one job, as one in-process worker plans a sample)
#   shared   the same with --workers 2: the sample cut into jobs two workers share (its CPU
#            seconds, summed over both: what sharing costs beyond one job)
#   count    the same records read as a job reads them, and counted   (decode_floor count)
#   floor    the same records read as a job reads them, only decoded  (decode_floor decode)
# and prints median CPU seconds (user + sys), peak RSS, and the ratios the README reports:
# of the medians, and the median of each run's own ratio (steadier on a drifting machine).
# Then the deep BAM as CRAM (samtools view -C against the same reference, once per DIR):
# view-c and ours, for CRAM's CPU time and peak RSS.
# Needs Debian's samtools and time (installed when missing). NO_BUILD=1 skips the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3; deep=20000; work=""
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --deep-depth) deep=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
# shellcheck source=scripts/services.sh
source scripts/services.sh
command -v samtools >/dev/null 2>&1 || apt_install samtools
[ -x /usr/bin/time ] || apt_install time
if [ -z "${NO_BUILD:-}" ]; then # NO_BUILD=1: use the release binaries already built
  # Binaries and the example in two builds: naming an example alone builds no binary.
  cargo build --release -q -p esr1-coordinator --bins
  cargo build --release -q -p esr1-worker --example decode_floor
  cargo build --release -q -p esr1-simulate --example bench_bams
fi
target=${CARGO_TARGET_DIR:-target}
bin=$target/release/esr1-coordinator
floor=$target/release/examples/decode_floor
if [ -z "$work" ]; then work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work"
if [ ! -s "$work/inputs.txt" ] || ! grep -q "^deep_exons_7_8 " "$work/inputs.txt"; then
  echo "simulating the benchmark BAMs into $work …" >&2
  "$target/release/examples/bench_bams" "$work/inputs" "$deep" > "$work/inputs.txt"
fi
ref=$(awk '$1 == "reference" {print $2}' "$work/inputs.txt")

measure() { # label command… → appends "label cpu_s rss_kb" to $work/times
  local label=$1; shift
  /usr/bin/time -f "%U %S %M" -o "$work/t" "$@" >"$work/out" 2>"$work/err" \
    || { echo "$label failed:" >&2; cat "$work/err" >&2; exit 1; }
  read -r user sys rss < "$work/t"
  echo "$label $(echo "$user + $sys" | bc -l) $rss" >> "$work/times"
}

middle() { # numbers on stdin → their median
  sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

median() { # label field → median of that field over the label's rows
  awk -v l="$1" -v f="$2" '$1 == l {print $f}' "$work/times" | middle
}

paired() { # label-a label-b → median over the runs of a's CPU seconds over b's in the same run
  awk -v a="$1" -v b="$2" '$1 == a {x[++na] = $2} $1 == b {y[++nb] = $2}
    END {for (i = 1; i <= na && i <= nb; i++) if (y[i] > 0) print x[i] / y[i]}' "$work/times" | middle
}

printf '%-16s %-8s %9s %10s %12s\n' sample tool records "cpu s" "peak RSS MB"
while read -r name bam sheet region records; do
  [ "$name" = reference ] && continue
  : > "$work/times"
  for i in $(seq 1 "$runs"); do
    measure mpileup samtools mpileup -B -d 0 -Q 20 -q 20 -f "$ref" -r "$region" -o /dev/null "$bam"
    measure view-c samtools view -c "$bam" "$region"
    rm -rf "$work/run"
    measure ours "$bin" run --quiet --workers 1 --samplesheet "$sheet" --reference "$ref" --out "$work/run"
    rm -rf "$work/run"
    measure shared "$bin" run --quiet --workers 2 --samplesheet "$sheet" --reference "$ref" --out "$work/run"
    measure count "$floor" count "$bam" "$ref" "$region"
    measure floor "$floor" decode "$bam" "$ref" "$region"
    echo "  $name: run $i of $runs done" >&2
  done
  for tool in mpileup view-c ours shared count floor; do
    printf '%-16s %-8s %9s %10.2f %12.1f\n' "$name" "$tool" "$records" \
      "$(median "$tool" 2)" "$(echo "$(median "$tool" 3) / 1024" | bc -l)"
  done
  ours=$(median ours 2); count=$(median count 2)
  printf '%-16s ratios: ours/mpileup %.2f  ours/view-c %.2f  ours/floor %.2f  count/floor %.2f  (median of %d)\n' \
    "$name" "$(echo "$ours / $(median mpileup 2)" | bc -l)" "$(echo "$ours / $(median view-c 2)" | bc -l)" \
    "$(echo "$ours / $(median floor 2)" | bc -l)" "$(echo "$count / $(median floor 2)" | bc -l)" "$runs"
  # The same ratios taken within each run, then their median: a machine whose speed drifts
  # from minute to minute moves both sides of a run's ratio alike.
  printf '%-16s per-run ratios: ours/mpileup %.2f  ours/view-c %.2f  ours/floor %.2f  count/floor %.2f  (median of %d)\n' \
    "$name" "$(paired ours mpileup)" "$(paired ours view-c)" "$(paired ours floor)" "$(paired count floor)" "$runs"
  printf '%-16s shared (cut for two workers): shared/floor %.2f  shared/view-c %.2f  shared/ours %.2f  (per run, median of %d)\n' \
    "$name" "$(paired shared floor)" "$(paired shared view-c)" "$(paired shared ours)" "$runs"
done < "$work/inputs.txt"

# The deep sample as CRAM: what decoding CRAM costs, and the peak RSS of a CRAM run (the
# reference a CRAM job holds is as long as the contig, its untouched pages free).
read -r _ deep_bam deep_sheet deep_region deep_records < <(grep "^deep_exons_7_8 " "$work/inputs.txt")
cram=${deep_bam%.bam}.cram
if [ ! -s "$cram.crai" ]; then
  echo "writing the deep BAM as CRAM …" >&2
  samtools view -C -T "$ref" -o "$cram" "$deep_bam"
  samtools index "$cram"
fi
cram_sheet=$work/deep_cram.csv
sed -e "s#$deep_bam.bai#$cram.crai#; s#$deep_bam#$cram#" "$deep_sheet" > "$cram_sheet"
: > "$work/times"
for i in $(seq 1 "$runs"); do
  measure view-c samtools view -c -T "$ref" "$cram" "$deep_region"
  rm -rf "$work/run"
  measure ours "$bin" run --quiet --workers 1 --samplesheet "$cram_sheet" --reference "$ref" --out "$work/run"
  echo "  deep CRAM: run $i of $runs done" >&2
done
for tool in view-c ours; do
  printf '%-16s %-8s %9s %10.2f %12.1f\n' "deep_cram" "$tool" "$deep_records" \
    "$(median "$tool" 2)" "$(echo "$(median "$tool" 3) / 1024" | bc -l)"
done
printf '%-16s ratios: ours/view-c %.2f  (median of %d)\n' deep_cram \
  "$(echo "$(median ours 2) / $(median view-c 2)" | bc -l)" "$runs"
printf '%-16s per-run ratios: ours/view-c %.2f  (median of %d)\n' deep_cram "$(paired ours view-c)" "$runs"
