#!/usr/bin/env bash
# outputs.sh BIN OUT: every user-facing output of a fixed set of runs (demo, roles cohort with
# artefacts, accuracy cohort, CRAM cohort, a cohort with a failed sample), for before/after
# diffs of a refactoring with scripts/outputs-diff.sh. Cohorts are simulated with BIN too.
set -euo pipefail
bin=$(realpath "$1"); out=$(realpath -m "$2")
# Job ids, the run id and CRAM headers hold absolute paths: every tree is made in one fixed
# folder (one at a time), then moved to OUT.
exec 9>/tmp/esr1-outputs.lock
flock 9
work=/tmp/esr1-outputs-work
rm -rf "$work" "$out"; mkdir -p "$work"; cd "$work"
"$bin" demo --out demo --workers 2 > demo.stdout 2> demo.stderr || echo "demo exit $?" >> demo.stdout
"$bin" simulate --out roles --patients 12 --seed 7 --artefacts > /dev/null
"$bin" run --samplesheet roles/samplesheet.csv --reference roles/reference/chr6_esr1.fa.gz --out roles-run --quiet --workers 2 --run-id roles > roles-run.stdout 2>&1
"$bin" simulate --out acc --scenario accuracy --patients 8 --cfdna-depth 1500 --seed 3 --artefacts > /dev/null
"$bin" run --samplesheet acc/samplesheet.csv --reference acc/reference/chr6_esr1.fa.gz --out acc-run --quiet --workers 2 --run-id acc > acc-run.stdout 2>&1
"$bin" simulate --out cram --patients 8 --seed 5 --format cram --depth-scale 0.3 > /dev/null
"$bin" run --samplesheet cram/samplesheet.csv --reference cram/reference/chr6_esr1.fa.gz --out cram-run --quiet --workers 2 --run-id cram > cram-run.stdout 2>&1
# A failed sample: one BAM missing.
cp -a roles roles-fail
first_bam=$(awk -F, 'NR==2{print $6}' roles-fail/samplesheet.csv)
rm -f "roles-fail/$first_bam"
"$bin" run --samplesheet roles-fail/samplesheet.csv --reference roles-fail/reference/chr6_esr1.fa.gz --out fail-run --quiet --workers 2 --run-id fail > fail-run.stdout 2>&1 || true
# Decompressed VCFs for readable diffs.
for v in */cohort.vcf.gz demo/run/cohort.vcf.gz; do [ -f "$v" ] && zcat "$v" > "$v.txt"; done
cd /; mkdir -p "$(dirname "$out")"; mv "$work" "$out"
echo "outputs in $out"
