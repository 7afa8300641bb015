//! A synthetic ESR1 cohort with known truth: reference, indexed BAMs, samplesheet and truth
//! tables (calls, per-patient statuses, cohort frequencies), deterministic for a given seed.
//!
//! The default scenario has fixed roles for the first seven patients (acquired D538G,
//! polyclonal Y537S + E380Q, pre-existing Y537N, a too-shallow baseline, a tamoxifen Y537C and
//! two patients without somatic mutations) and random patients after them; the accuracy
//! scenario ([`Scenario::Accuracy`]) spreads single low-VAF hotspot mutations evenly over a
//! list of allele fractions. Optional position-specific artefacts ([`artefacts`]) add the
//! recurrent errors a cohort background model has to remove.
//!
//! Module map: [`options`] (what to simulate) → [`scenario`] (checks the options and builds
//! the truth: [`roles`] or [`accuracy`], from [`variants`], [`sites`] and [`truth`]) →
//! [`cohort`] (writes everything: [`reference`], [`alignments`] through [`reads`] and [`cram`] and
//! [`artefacts`], then [`tables`]). [`rng`] gives every part its own random stream.
//! [`art`] makes cohorts whose reads `art_illumina` simulates; [`bench`] writes the pileup
//! benchmark's BAMs.

pub mod accuracy;
pub mod alignments;
pub mod art;
pub mod artefacts;
pub mod bench;
pub mod cohort;
pub mod cram;
pub mod error;
pub mod options;
pub mod reads;
pub mod reference;
pub mod rng;
pub mod roles;
pub mod scenario;
pub mod sites;
pub mod tables;
#[cfg(test)]
mod test_util;
pub mod truth;
pub mod variants;

pub use cohort::{simulate, SimulatedCohort};
pub use error::SimulateError;
pub use options::{
    AlignmentFormat, Scenario, SimulateOptions, ACCURACY_DEPTH, ACCURACY_VAFS, MAX_PATIENTS,
};
pub use roles::{CFDNA_DEPTH, SHALLOW_BASELINE_DEPTH, TUMOR_DEPTH};
pub use scenario::scenario;
pub use sites::{capture_targets, TARGET_PADDING};
pub use tables::truth_frequencies;
pub use truth::{TruthPatient, TruthSample, TruthVariant, VariantKind};
pub use variants::MIN_BASELINE_DEPTH;
