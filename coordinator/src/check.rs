//! `check`: whether a cohort can run, before any job does. The samplesheet is validated as
//! `run` validates it; then every sample's alignment file and index are opened as the planner
//! and the workers open them (reachable, header and index parse, index not older than the
//! file), the index is checked to be the file's own and the file to be whole
//! ([`check_integrity`]), and chromosome 6 is found in the header. With a reference, its
//! files are checked as a job reads them, and every sample's build and chromosome-6 name are
//! compared with it: another build fails (the planner refuses it), another name (`6` for
//! `chr6`) is a warning — `run` matches the names, but the files and the reference disagree.

use crate::plan::{reference_build, sample_build, PlanError};
use crate::run::{absolute, RunError};
use crate::samplesheet::{Samplesheet, SheetSample};
use esr1_science::esr1::Build;
use esr1_worker::integrity::check_integrity;
use esr1_worker::reference::check_reference;
use esr1_worker::source::SourceCache;
use esr1_worker::storage::Storage;
use esr1_worker::JobError;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The samplesheet.
    pub samplesheet: PathBuf,
    /// The reference FASTA the samples should be aligned to, if known.
    pub reference: Option<PathBuf>,
}

/// Why nothing could be checked: the samplesheet or the reference is unusable.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The samplesheet is invalid, or the reference's `.fai` unusable (as `run` says it).
    #[error(transparent)]
    Run(#[from] RunError),
    /// The reference FASTA or its `.gzi` cannot be read (every job would fail).
    #[error("reference {reference}: {error}")]
    Reference {
        /// The reference FASTA.
        reference: String,
        /// What is wrong, naming the file, and whether a retry may help.
        error: JobError,
    },
}

/// The verdict on one sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    /// Everything checked agrees.
    Ok,
    /// The sample would run, but disagrees with the reference (contig naming).
    Warning,
    /// The sample would fail.
    Fail,
}

impl CheckStatus {
    /// As printed in the table.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Warning => "warning",
            Self::Fail => "fail",
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleCheck {
    /// Sample id.
    pub sample: String,
    /// The alignment file (resolved against the samplesheet's directory).
    pub file: String,
    /// The index used (explicit or found beside the file), when known.
    pub index: Option<String>,
    /// The build of the header's chromosome 6, when read.
    pub build: Option<Build>,
    /// The header's name for chromosome 6, when found.
    pub contig: Option<String>,
    /// The verdict.
    pub status: CheckStatus,
    /// What is wrong (empty when nothing is).
    pub problem: String,
}

/// The reference as checked: its path, chromosome-6 name and build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedReference {
    /// The FASTA (absolute).
    pub path: String,
    /// Its chromosome-6 name.
    pub chrom: String,
    /// Its build.
    pub build: Build,
}

/// Everything `check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// The reference, when given.
    pub reference: Option<CheckedReference>,
    /// One row per sample, in samplesheet order.
    pub samples: Vec<SampleCheck>,
    /// The samplesheet's notes (patients without a baseline …; its problems are in the rows).
    pub warnings: Vec<String>,
}

impl CheckReport {
    /// Samples with `status`.
    pub fn count(&self, status: CheckStatus) -> usize {
        self.samples.iter().filter(|s| s.status == status).count()
    }
}

/// Checks the samplesheet of `options` and every sample's files, through `storage`.
pub fn check(options: &CheckOptions, storage: &dyn Storage) -> Result<CheckReport, CheckError> {
    let sheet = Samplesheet::read(&options.samplesheet).map_err(RunError::from)?;
    let reference = match &options.reference {
        Some(path) => Some(checked_reference(storage, path)?),
        None => None,
    };
    let sources = SourceCache::default();
    let samples = sheet
        .samples
        .iter()
        .map(|s| check_sample(storage, &sources, s, &sheet.path, reference.as_ref()))
        .collect();
    Ok(CheckReport {
        reference,
        samples,
        warnings: sheet.notes(),
    })
}

/// The reference's build and chromosome-6 name (from its `.fai`), its files readable.
fn checked_reference(storage: &dyn Storage, path: &Path) -> Result<CheckedReference, CheckError> {
    let uri = absolute(path).to_string_lossy().into_owned();
    let (chrom, build) = reference_build(storage, &uri).map_err(RunError::from)?;
    check_reference(storage, &uri).map_err(|error| CheckError::Reference {
        reference: uri.clone(),
        error,
    })?;
    Ok(CheckedReference {
        path: uri,
        chrom,
        build,
    })
}

/// One sample's row: the first problem found fails it.
fn check_sample(
    storage: &dyn Storage,
    sources: &SourceCache,
    s: &SheetSample,
    sheet: &Path,
    reference: Option<&CheckedReference>,
) -> SampleCheck {
    let sample = &s.sample;
    let mut row = SampleCheck {
        sample: sample.sample.clone(),
        file: sample.alignments.clone(),
        index: sample.index.clone(),
        build: None,
        contig: None,
        status: CheckStatus::Fail,
        problem: String::new(),
    };
    if let Some(p) = &s.problem {
        row.problem = format!("{}: {p}", sheet.display());
        return row;
    }
    // The planner's own check: file and index located, opened, chromosome 6 found.
    let (contig, build, source) = match sample_build(storage, sources, sample) {
        Ok(found) => found,
        Err(e) => {
            row.problem = e.to_string();
            return row;
        }
    };
    row.index = Some(source.stamps.index.uri.clone());
    row.build = Some(build);
    row.contig = Some(contig.clone());
    if let Err(e) = check_integrity(storage, &source) {
        row.problem = e.message;
        return row;
    }
    if let Some(r) = reference {
        if build != r.build {
            row.problem = PlanError::SampleBuild {
                alignments: sample.alignments.clone(),
                sample_build: build,
                contig,
                run_build: r.build,
            }
            .to_string();
            return row;
        }
        if contig != r.chrom {
            row.status = CheckStatus::Warning;
            row.problem = format!(
                "chromosome 6 is '{contig}' here but '{}' in the reference: run matches the \
                 two, but tools given these files with this reference may not; the reports \
                 name it '{}'",
                r.chrom, r.chrom
            );
            return row;
        }
    }
    row.status = CheckStatus::Ok;
    row
}

/// The per-sample table (columns aligned; the problem last, unpadded) and a count line.
pub fn check_table(report: &CheckReport) -> String {
    let header = [
        "sample", "file", "index", "build", "contig", "status", "problem",
    ];
    let rows: Vec<[String; 7]> = report
        .samples
        .iter()
        .map(|s| {
            let or_dash = |v: Option<String>| v.unwrap_or_else(|| "-".into());
            [
                s.sample.clone(),
                s.file.clone(),
                or_dash(s.index.clone()),
                or_dash(s.build.map(|b| b.to_string())),
                or_dash(s.contig.clone()),
                s.status.as_str().to_owned(),
                s.problem.clone(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        let mut l = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                l.push_str(cell);
            } else {
                let _ = write!(l, "{cell:<w$}  ", w = widths[i]);
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&header);
    for r in &rows {
        line(&r.each_ref().map(String::as_str));
    }
    let _ = writeln!(
        out,
        "{} samples: {} ok, {} with a warning, {} would fail",
        report.samples.len(),
        report.count(CheckStatus::Ok),
        report.count(CheckStatus::Warning),
        report.count(CheckStatus::Fail)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(sample: &str, status: CheckStatus, problem: &str) -> SampleCheck {
        SampleCheck {
            sample: sample.into(),
            file: format!("/data/{sample}.bam"),
            index: (status != CheckStatus::Fail).then(|| format!("/data/{sample}.bam.bai")),
            build: Some(Build::Grch38),
            contig: Some("chr6".into()),
            status,
            problem: problem.into(),
        }
    }

    #[test]
    fn the_table_aligns_columns_and_counts_verdicts() {
        let report = CheckReport {
            reference: None,
            samples: vec![
                row("P01_T0", CheckStatus::Ok, ""),
                row("P1", CheckStatus::Fail, "no index for /data/P1.bam"),
            ],
            warnings: Vec::new(),
        };
        let t = check_table(&report);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 4, "{t}");
        assert!(lines[0].starts_with("sample  file "), "{t}");
        assert_eq!(lines[0].find("status"), lines[1].rfind("ok"), "{t}");
        assert!(lines[1].ends_with("ok"), "{t}");
        assert!(
            lines[2].contains(" -  ") && lines[2].ends_with("fail    no index for /data/P1.bam"),
            "{t}"
        );
        assert_eq!(lines[3], "2 samples: 1 ok, 0 with a warning, 1 would fail");
    }
}
