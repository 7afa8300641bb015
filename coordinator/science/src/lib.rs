//! The pure science of the ESR1 cohort analysis, apart from every queue, store and file
//! format of the plumbing: what makes a call, a status and a frequency.
//!
//! Arrows run one way, from the bottom of this list up:
//!
//! * [`esr1`] — the ESR1 transcript model (NM_000125.4), verified exons and hotspots;
//!   [`hgvs`] — HGVS `c.`/`p.` names on it; [`annotation`] — GTF/GFF3 exons checked against
//!   it; [`consequence`] — what a variant does to the protein and which ones the headline
//!   counts; [`naming`] — the names every output uses.
//! * [`stats`] — Wilson intervals, Fisher's exact test, Benjamini–Hochberg, binomial tails.
//! * [`calling`] — the per-sample quality-aware test against sequencing error (run by the
//!   worker on each region).
//! * [`sample`] — one sample's merged evidence; [`background`] — the beta-binomial cohort
//!   background; [`recall`] — every candidate re-tested against it with FDR control and
//!   filters; [`coverage`] — whether a sample is deep enough at the hotspots to count;
//!   [`identity`] — whether a sample shares its patient's germline genotype;
//!   [`deamination`] — a sample's formalin-damage signature.
//! * [`classify`] — the patient-status rule; [`cohort`] — cohort frequencies and arm
//!   comparisons.

pub mod annotation;
pub mod background;
pub mod calling;
pub mod classify;
pub mod cohort;
pub mod consequence;
pub mod coverage;
pub mod deamination;
pub mod esr1;
pub mod hgvs;
pub mod identity;
pub mod naming;
pub mod recall;
pub mod sample;
pub mod stats;
