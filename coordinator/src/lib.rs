//! ESR1 cohort coordinator: samplesheet, planning, embedded and distributed runs, the cohort
//! merge and the reports. The science lives in `esr1-science`, the simulator in
//! `esr1-simulate`; this crate is the plumbing around them.
//!
//! Orchestration, top down (no module names one above it): [`run`] reads the
//! [`samplesheet`], [`plan`]s the jobs, writes the [`manifest`], runs the jobs on the
//! [`embedded`] or [`distributed`] backend (both report through [`progress`] and the worker's
//! result store), [`merge`]s the job results into one typed report model and writes it with
//! the [`report`] renderers (TSV, JSON, VCF, HTML). [`rebuild`] writes the reports again from
//! a finished run's stored plan and results (the `report` verb); [`check`] opens every
//! sample's files before a run as the planner would; [`status`] reads a run back
//! from its manifest, its result store and the broker; [`metrics`] is what a run and
//! `status --watch` export to Prometheus, [`phases`] the logged cost of each of its phases. [`exit`] maps a run's outcome to the
//! binary's exit code; [`help`] holds the command line's examples and version line. Every
//! stage has a typed error; `anyhow` lives only in the binary.

pub mod check;
pub mod distributed;
pub mod embedded;
pub mod exit;
pub mod help;
pub mod manifest;
pub mod merge;
pub mod metrics;
pub mod phases;
pub mod plan;
pub mod progress;
pub mod rebuild;
pub mod report;
pub mod run;
pub mod samplesheet;
pub mod status;
