#!/usr/bin/env bash
# outputs-diff.sh BEFORE AFTER: compares every report of two scripts/outputs.sh trees, each
# tree's own absolute path replaced by ROOT; CRAMs by their records (samtools view), as
# noodles' CRAM writer is not byte-deterministic. Prints nothing when identical.
set -uo pipefail
a=$(cd "$1" && pwd); b=$(cd "$2" && pwd)
status=0
for f in $(cd "$a" && find . -type f \( -name '*.tsv' -o -name '*.json' -o -name '*.html' -o -name '*.txt' -o -name '*.stdout' -o -name '*.csv' -o -name '*.fa.gz' -o -name '*.fai' -o -name '*.gzi' -o -name '*.bam' -o -name '*.bai' -o -name '*.cram' -o -name '*.crai' \) -not -path '*/results/*' | sort); do
  if [ ! -f "$b/$f" ]; then echo "missing in $2: $f"; status=1; continue; fi
  case "$f" in
    *.cram)
      # noodles' CRAM writer is not byte-deterministic run to run: compare the records.
      ra=$(dirname "$(dirname "$a/$f")")/reference/chr6_esr1.fa.gz; rb=$(dirname "$(dirname "$b/$f")")/reference/chr6_esr1.fa.gz
      cmp -s <(samtools view --no-PG -T "$ra" "$a/$f") <(samtools view --no-PG -T "$rb" "$b/$f") || { echo "differs (records): $f"; status=1; } ;;
    *.crai) ;;
    *.bam|*.bai|*.fa.gz|*.fai|*.gzi)
      cmp -s "$a/$f" "$b/$f" || { echo "differs (binary): $f"; status=1; } ;;
    *)
      if ! diff -q <(sed "s#$a#ROOT#g" "$a/$f") <(sed "s#$b#ROOT#g" "$b/$f") >/dev/null; then
        echo "differs: $f"; diff <(sed "s#$a#ROOT#g" "$a/$f") <(sed "s#$b#ROOT#g" "$b/$f") | head -10; status=1
      fi ;;
  esac
done
for f in $(cd "$b" && find . -type f -not -path '*/results/*' | sort); do
  [ -f "$a/$f" ] || { echo "new in $2: $f"; }
done
exit $status
