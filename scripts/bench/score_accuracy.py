#!/usr/bin/env python3
"""Scores calls of a simulated accuracy cohort against its truth (standard library only).

  score_accuracy.py --cohort DIR --targets chr6:a-b,chr6:c-d --tool NAME=FILE [--tool ...]
                    [--label TEXT] [--time NAME=SECONDS ...] [--header]

A tool's FILE is either the product's calls.tsv (PASS rows are calls) or a VCF from
`bcftools call` (a sample has a call where its GT holds a non-reference allele). Prints one
TSV row per tool: sensitivity per VAF bin of the truth's somatic mutations (k/n), false
positives per sample (calls inside the targets that truth_calls.tsv does not list for that
sample, germline SNPs counting as truth), the part of them at truth_artefacts.tsv sites,
and the wall time given with --time.
"""
import argparse
import csv
import gzip
import os
import sys


def read_tsv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def parse_targets(text):
    out = []
    for part in text.split(","):
        chrom, span = part.split(":")
        start, end = span.split("-")
        out.append((chrom, int(start), int(end)))
    return out


def in_targets(targets, chrom, pos):
    return any(c == chrom and s <= pos <= e for c, s, e in targets)


def product_calls(path):
    """(sample, chrom, pos, ref, alt) of PASS rows of calls.tsv (ref/alt or ref_allele/alt_allele)."""
    calls = set()
    for row in read_tsv(path):
        if row["filter"] == "PASS":
            ref = row.get("ref", row.get("ref_allele"))
            alt = row.get("alt", row.get("alt_allele"))
            calls.add((row["sample"], row["chrom"], int(row["pos"]), ref, alt))
    return calls


def vcf_calls(path):
    """(sample, chrom, pos, ref, alt) for every sample whose GT holds an alt allele."""
    opener = gzip.open if path.endswith(".gz") else open
    calls = set()
    samples = []
    with opener(path, "rt") as f:
        for line in f:
            if line.startswith("##"):
                continue
            fields = line.rstrip("\n").split("\t")
            if line.startswith("#"):
                samples = fields[9:]
                continue
            chrom, pos, ref, alts = fields[0], int(fields[1]), fields[3], fields[4].split(",")
            keys = fields[8].split(":")
            if "GT" not in keys:
                continue
            gt_at = keys.index("GT")
            for sample, value in zip(samples, fields[9:]):
                parts = value.split(":")
                gt = parts[gt_at] if gt_at < len(parts) else "."
                for allele in gt.replace("|", "/").split("/"):
                    if allele not in (".", "0"):
                        calls.add((sample, chrom, pos, ref, alts[int(allele) - 1]))
    return calls


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cohort", required=True)
    ap.add_argument("--targets", required=True)
    ap.add_argument("--tool", action="append", default=[], help="NAME=calls.tsv|calls.vcf")
    ap.add_argument("--time", action="append", default=[], help="NAME=SECONDS")
    ap.add_argument("--label", default="")
    ap.add_argument("--header", action="store_true")
    a = ap.parse_args()

    targets = parse_targets(a.targets)
    truth = read_tsv(os.path.join(a.cohort, "truth_calls.tsv"))
    truth_keys = {(r["sample"], r["chrom"], int(r["pos"]), r["ref"], r["alt"]) for r in truth}
    somatic = [r for r in truth if r["kind"] == "somatic"]
    bins = sorted({float(r["vaf"]) for r in somatic})
    with open(os.path.join(a.cohort, "samplesheet.csv"), newline="") as f:
        samples = [r["sample"] for r in csv.DictReader(f)]
    artefact_path = os.path.join(a.cohort, "truth_artefacts.tsv")
    artefact_pos = set()
    if os.path.exists(artefact_path):
        artefact_pos = {(r["chrom"], int(r["pos"])) for r in read_tsv(artefact_path)}
    times = dict(t.split("=", 1) for t in a.time)

    if a.header:
        cols = ["cohort", "tool"] + [f"sens@{100 * b:g}%" for b in bins]
        cols += ["FP/sample", "FP@artefact/sample", "wall_s"]
        print("\t".join(cols))
    for spec in a.tool:
        name, path = spec.split("=", 1)
        calls = vcf_calls(path) if ".vcf" in path else product_calls(path)
        row = [a.label, name]
        for b in bins:
            cases = [r for r in somatic if float(r["vaf"]) == b]
            hit = sum((r["sample"], r["chrom"], int(r["pos"]), r["ref"], r["alt"]) in calls
                      for r in cases)
            row.append(f"{hit}/{len(cases)}")
        fps = [c for c in calls
               if c not in truth_keys and c[0] in samples and in_targets(targets, c[1], c[2])]
        at_artefacts = [c for c in fps if (c[1], c[2]) in artefact_pos]
        n = max(len(samples), 1)
        row += [f"{len(fps) / n:.2f}", f"{len(at_artefacts) / n:.2f}", times.get(name, "")]
        print("\t".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
