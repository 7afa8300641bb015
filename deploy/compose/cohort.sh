#!/bin/sh
# The local stack's cohort loader (image target `tools` of deploy/docker/Dockerfile).
#
#   esr1-cohort load   simulate the demo cohort into $COHORT_DIR (once), wait for the bucket
#                      (creating it when the server lets this key), upload the cohort
#                      (alignments and FASTA before their indexes) and write
#                      $COHORT_DIR/samplesheet-s3.csv, the samplesheet with s3:// locations
#   esr1-cohort check  compare the run's frequencies.tsv in the bucket with the simulation's
#                      truth_frequencies.tsv (exit 1 when they differ)
#
# Environment: ESR1_BUCKET, ESR1_RUN_ID, AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, AWS_REGION; optional COHORT_DIR (/cohort), ESR1_PATIENTS (12),
# ESR1_SEED (1).
set -eu

dir=${COHORT_DIR:-/cohort}
bucket=${ESR1_BUCKET:?ESR1_BUCKET is not set}
endpoint=${AWS_ENDPOINT_URL:?AWS_ENDPOINT_URL is not set}
prefix="s3://$bucket/cohort"

s3() {
  aws --endpoint-url "$endpoint" "$@"
}

wait_for_bucket() {
  tries=0
  until s3 s3api head-bucket --bucket "$bucket" >/dev/null 2>&1; do
    # Garage creates it itself (--default-bucket); other servers may let the key create it.
    s3 s3api create-bucket --bucket "$bucket" >/dev/null 2>&1 || true
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
      echo "esr1-cohort: bucket $bucket not reachable at $endpoint after 120 s" >&2
      exit 1
    fi
    sleep 2
  done
}

load() {
  if [ ! -f "$dir/samplesheet.csv" ]; then
    esr1-coordinator simulate --out "$dir" --patients "${ESR1_PATIENTS:-12}" \
      --seed "${ESR1_SEED:-1}" --artefacts
  fi
  wait_for_bucket
  # Indexes after the files they index: a BAM newer than its index by more than 5 s is refused.
  s3 s3 cp --recursive --only-show-errors \
    --exclude '*.bai' --exclude '*.csi' --exclude '*.crai' --exclude '*.fai' --exclude '*.gzi' \
    "$dir/" "$prefix/"
  s3 s3 cp --recursive --only-show-errors --exclude '*' \
    --include '*.bai' --include '*.csi' --include '*.crai' --include '*.fai' --include '*.gzi' \
    "$dir/" "$prefix/"
  # The same samplesheet with the alignment and index columns pointing into the bucket.
  awk -F, -v OFS=, -v prefix="$prefix" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == "alignments" || $i == "index") col[i] = 1; print; next }
    { for (i in col) if ($i != "" && $i !~ /:\/\// && $i !~ /^\//) $i = prefix "/" $i; print }
  ' "$dir/samplesheet.csv" > "$dir/samplesheet-s3.csv"
  echo "esr1-cohort: cohort uploaded to $prefix/; samplesheet $dir/samplesheet-s3.csv"
}

check() {
  run=${ESR1_RUN_ID:?ESR1_RUN_ID is not set}
  got="s3://$bucket/runs/$run/frequencies.tsv"
  if s3 s3 cp --only-show-errors "$got" - | diff -u "$dir/truth_frequencies.tsv" -; then
    echo "esr1-cohort: $got equals the simulation's truth"
  else
    echo "esr1-cohort: $got DIFFERS from the simulation's truth (above)" >&2
    exit 1
  fi
}

case "${1:-load}" in
  load) load ;;
  check) check ;;
  *) echo "usage: esr1-cohort load|check" >&2; exit 2 ;;
esac
