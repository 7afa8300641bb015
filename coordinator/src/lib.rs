//! ESR1 cohort coordinator: samplesheet, planning, embedded and distributed runs, the cohort
//! merge, statistics and reports.
//!
//! Orchestration, top down (no module names one above it): [`run`] reads the
//! [`samplesheet`], [`plan`]s the jobs, writes the [`manifest`], runs the jobs on the
//! [`embedded`] or [`distributed`] backend (both report through [`progress`] and the worker's
//! result store), then merges and writes the reports. [`status`] reads a run back from its
//! manifest, its result store and the broker. Every stage has a typed error; `anyhow` lives
//! only in the binary.

pub mod distributed;
pub mod embedded;
pub mod html;
pub mod manifest;
pub mod merge;
pub mod plan;
pub mod progress;
pub mod report;
pub mod run;
pub mod samplesheet;
pub mod status;
pub mod vcf;
