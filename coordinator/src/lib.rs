//! ESR1 cohort coordinator: samplesheet, planning, embedded and distributed runs, the cohort
//! merge, statistics and reports.

pub mod annotation;
pub mod background;
pub mod cohort;
pub mod distributed;
pub mod embedded;
pub mod esr1;
pub mod hgvs;
pub mod html;
pub mod merge;
pub mod plan;
pub mod progress;
pub mod recall;
pub mod report;
pub mod run;
pub mod samplesheet;
pub mod simulate;
pub mod stats;
pub mod vcf;
