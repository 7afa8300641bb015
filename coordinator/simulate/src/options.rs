//! What to simulate: output directory, size, seed, depth scale, file format and scenario.

use esr1_science::consequence::CountRule;
use std::path::PathBuf;

/// What to simulate and where.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulateOptions {
    /// Output directory (created if missing).
    pub out: PathBuf,
    /// Number of patients (roles: at least 7; accuracy: at least one per VAF).
    pub patients: usize,
    /// Seed of every random draw.
    pub seed: u64,
    /// Multiplies every depth (except P04's deliberately shallow baseline).
    pub depth_scale: f64,
    /// BAM (+ BAI) or CRAM (+ CRAI) alignment files.
    pub format: AlignmentFormat,
    /// Position-specific artefacts in every sample (and a deamination-like C>T / G>A
    /// background), written to `truth_artefacts.tsv`; off by default.
    pub artefacts: bool,
    /// Which patients and samples to simulate.
    pub scenario: Scenario,
    /// Which acquired variants `truth_frequencies.tsv` counts (as `run --count`).
    pub count: CountRule,
}

/// Which cohort to simulate.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Scenario {
    /// Seven fixed-role patients (tumour T0, T1 and cfDNA C1 each), then random ones.
    #[default]
    Roles,
    /// Per patient a baseline cfDNA sample (`C0`) without somatic mutations and a later one
    /// (`C1`) at the same depth; every fifth patient also a normal (`N`). Later samples carry
    /// one hotspot mutation each, with the same number of mutations at every VAF in `vafs`;
    /// the other patients (about one in six) carry none.
    Accuracy {
        /// Fragment depth of every sample (before `depth_scale`).
        cfdna_depth: u32,
        /// The allele fractions of the later samples' mutations.
        vafs: Vec<f64>,
    },
}

/// Most patients a simulated cohort may have: a trial of a few thousand (a 1,000-patient trial
/// with serial plasma is 4,000–6,000 samples), not more, so that a mistyped count cannot
/// start hours of writing.
pub const MAX_PATIENTS: usize = 9_999;

/// The allele fractions of the default accuracy scenario.
pub const ACCURACY_VAFS: [f64; 6] = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05];
/// The cfDNA fragment depth of the default accuracy scenario.
pub const ACCURACY_DEPTH: u32 = 4000;

impl Scenario {
    /// The accuracy scenario with the default depth and allele fractions.
    pub fn accuracy() -> Self {
        Self::Accuracy {
            cfdna_depth: ACCURACY_DEPTH,
            vafs: ACCURACY_VAFS.to_vec(),
        }
    }
}

/// The alignment file format written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AlignmentFormat {
    /// BAM with a BAI index.
    #[default]
    Bam,
    /// CRAM 3 (reference-based, against the simulated reference) with a CRAI index.
    Cram,
}

impl std::str::FromStr for AlignmentFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "bam" => Ok(Self::Bam),
            "cram" => Ok(Self::Cram),
            other => Err(format!("unknown format '{other}', expected bam or cram")),
        }
    }
}

impl SimulateOptions {
    /// Default options writing to `out`: 12 patients, seed 1, full depth.
    pub fn new(out: impl Into<PathBuf>) -> Self {
        Self {
            out: out.into(),
            patients: 12,
            seed: 1,
            depth_scale: 1.0,
            format: AlignmentFormat::Bam,
            artefacts: false,
            scenario: Scenario::Roles,
            count: CountRule::default(),
        }
    }
}

impl Default for SimulateOptions {
    fn default() -> Self {
        Self::new("simulated-cohort")
    }
}

/// A depth multiplied by the depth scale, rounded, at least 1.
pub(crate) fn scaled_depth(depth: f64, scale: f64) -> u32 {
    ((depth * scale).round() as u32).max(1)
}
