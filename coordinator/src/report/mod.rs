//! The reports of a run, all rendered from one typed model ([`model::CohortReport`] and
//! [`summary::Summary`]): `calls.tsv`, `patients.tsv`, `frequencies.tsv`, `qc.tsv`,
//! `summary.json`, `report.html` and `cohort.vcf.gz` (+ `.tbi`).
//!
//! Layers, each naming only those below it: [`format`](mod@format) and the models ([`model`],
//! [`summary`], [`vcf`]'s plain data) at the bottom; the renderers ([`tsv`], [`json`],
//! [`html`], [`vcf`], [`console`]) above them; this module on top, writing every file.

pub mod console;
pub mod format;
pub mod html;
pub mod json;
pub mod model;
pub mod summary;
pub mod tsv;
pub mod vcf;
pub mod vcf_matrix;

#[cfg(test)]
mod fixtures;

pub use console::{arm_table, comparison_lines};
pub use tsv::frequencies_tsv;

use crate::plan::Plan;
use esr1_science::esr1::{Build, CHR6_LEN_GRCH37, CHR6_LEN_GRCH38};
use esr1_worker::storage::{join, Storage, StorageError, StorageErrorKind};
use model::CohortReport;
use summary::{Summary, TOOL};
use vcf::{cohort_vcf_bytes, CohortVcf};

/// Why the reports could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The output location refused a file (or the VCF could not be built for it).
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A TSV could not be built.
    #[error(transparent)]
    Tsv(#[from] tsv::TsvError),
    /// `summary.json` could not be built.
    #[error("cannot write summary.json: {0}")]
    Json(#[from] serde_json::Error),
}

fn write(storage: &dyn Storage, out: &str, name: &str, text: &str) -> Result<String, StorageError> {
    let uri = join(out, name);
    storage.put(&uri, text.as_bytes())?;
    Ok(uri)
}

/// Writes every report into the output location `out` (a directory or `s3://` prefix);
/// returns the URIs written.
pub fn write_reports(
    storage: &dyn Storage,
    out: &str,
    plan: &Plan,
    r: &CohortReport,
    warnings: &[String],
) -> Result<Vec<String>, ReportError> {
    let summary = Summary::new(plan, r, warnings);
    let files = [
        ("calls.tsv", tsv::calls_tsv(&r.calls)?),
        ("patients.tsv", tsv::patients_tsv(&r.patients)?),
        ("frequencies.tsv", frequencies_tsv(&r.frequencies)),
        ("qc.tsv", tsv::qc_tsv(&r.qc, &r.hotspot_columns)?),
        ("summary.json", json::summary_json(&summary)?),
        ("report.html", html::report_html(&summary, r)),
    ];
    let mut written = files
        .iter()
        .map(|(name, text)| write(storage, out, name, text))
        .collect::<Result<Vec<_>, _>>()?;
    let uri = join(out, "cohort.vcf.gz");
    let (gz, tbi) = cohort_vcf_bytes(&cohort_vcf(plan, r))
        .map_err(|e| StorageError::new(StorageErrorKind::Other, &uri, e.to_string()))?;
    storage.put(&uri, &gz)?;
    storage.put(&format!("{uri}.tbi"), &tbi)?;
    written.push(uri.clone());
    written.push(format!("{uri}.tbi"));
    Ok(written)
}

/// The cohort VCF of a run: its header facts and the merge's variant matrix.
fn cohort_vcf(plan: &Plan, r: &CohortReport) -> CohortVcf {
    CohortVcf {
        chrom: r.chrom.clone(),
        chrom_length: match r.build {
            Build::Grch38 => CHR6_LEN_GRCH38,
            Build::Grch37 => CHR6_LEN_GRCH37,
        },
        build: r.build.to_string(),
        reference_uri: plan.reference.clone(),
        source: TOOL.to_owned(),
        file_date: None,
        samples: r.vcf_samples.clone(),
        variants: r.vcf_variants.clone(),
    }
}
