//! ESR1 cohort coordinator: samplesheet, planning, embedded and distributed runs, the cohort
//! merge, statistics and reports.

pub mod cohort;
pub mod esr1;
pub mod stats;
