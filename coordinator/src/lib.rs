//! ESR1 cohort coordinator: samplesheet, planning, embedded and distributed runs, the cohort
//! merge, statistics and reports.

pub mod distributed;
pub mod embedded;
pub mod merge;
pub mod plan;
pub mod progress;
pub mod report;
pub mod run;
pub mod samplesheet;
