#!/usr/bin/env bash
# ART/bwa accuracy benchmark (not a test): a cohort whose reads art_illumina simulates
# (HiSeq 2500 profiles; a third of samples from a noisier run), aligned by bwa mem and
# duplicate-marked by samtools, with serial plasma at 3,500 unique fragments and 15 %
# duplicates, pre-existing subclones in baselines, a strand-specific artefact on a hotspot
# allele, PCR jackpots, an in-frame deletion, an MNV and formalin deamination in later
# biopsies (design: coordinator/simulate/src/art/design.rs). Runs the product on it and
# prints the score table (sensitivity per plasma VAF bin, calls at artefacts, statuses, arms).
#
#   scripts/bench-art.sh [--patients N] [--seed S] [--depth D] [--build GRCh38|GRCh37] [--work DIR]
# (--build GRCh37 writes the cohort on contig `6` of GRCh37, Ensembl-style.)
# Needs Debian's art-nextgen-simulation-tools, bwa and samtools (installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/services.sh
source scripts/services.sh
ensure_art_tools

while [ $# -gt 0 ]; do
  case $1 in
    --patients) export ESR1_ART_PATIENTS=$2; shift 2 ;;
    --seed) export ESR1_ART_SEED=$2; shift 2 ;;
    --depth) export ESR1_ART_CFDNA_DEPTH=$2; shift 2 ;;
    --build) export ESR1_ART_BUILD=$2; shift 2 ;;
    --work) export ESR1_ART_WORK=$2; mkdir -p "$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
# The dev profile builds dependencies optimised (Cargo.toml), fast enough here, and shares
# the test suite's build.
cargo test -p esr1-coordinator --test it art::art_benchmark -- --ignored --nocapture --exact
