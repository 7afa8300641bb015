//! Running one region job against local files: locate the index, read the reference slice,
//! query the region, count, call.

use crate::calling::call_site;
use crate::pileup::RegionCounter;
use esr1_proto::{RegionJob, RegionResult};
use noodles::{bam, core::Position, core::Region, csi, fasta, sam};
use std::fmt;
use std::path::{Path, PathBuf};

/// Whether retrying a failed job can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The input is wrong (missing, corrupt, wrong build): retrying cannot help.
    Permanent,
    /// Something outside the input failed (storage timeout …): retry.
    Transient,
}

/// Why a job failed, with a message that names the file and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError {
    /// Retry or give up.
    pub kind: FailureKind,
    /// For the user.
    pub message: String,
}

impl JobError {
    /// A failure that retrying cannot fix.
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            kind: FailureKind::Permanent,
            message: message.into(),
        }
    }

    /// A failure that a retry may fix.
    pub fn transient(message: impl Into<String>) -> Self {
        Self {
            kind: FailureKind::Transient,
            message: message.into(),
        }
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JobError {}

/// Extra reference bases read after the region, so deletions at its end get their REF.
const REFERENCE_PADDING: u64 = 200;

/// The index files tried, in order, for an alignment file without an explicit index.
pub fn index_candidates(alignments: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let s = alignments.as_os_str().to_owned();
    for ext in [".bai", ".csi"] {
        let mut p = s.clone();
        p.push(ext);
        out.push(PathBuf::from(p));
    }
    if alignments.extension().is_some_and(|e| e == "bam") {
        out.insert(1, alignments.with_extension("bai"));
    }
    out
}

/// Finds the index of a local alignment file: the explicit one or the first candidate that
/// exists. The error names every path tried.
pub fn locate_index(alignments: &Path, explicit: Option<&Path>) -> Result<PathBuf, JobError> {
    if let Some(p) = explicit {
        return if p.is_file() {
            Ok(p.to_owned())
        } else {
            Err(JobError::permanent(format!(
                "index {} of {} not found",
                p.display(),
                alignments.display()
            )))
        };
    }
    let candidates = index_candidates(alignments);
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| {
            let tried: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
            JobError::permanent(format!(
                "no index for {} (tried {})",
                alignments.display(),
                tried.join(", ")
            ))
        })
}

fn open_indexed_bam(
    path: &Path,
    index: &Path,
) -> Result<bam::io::IndexedReader<noodles::bgzf::io::Reader<std::fs::File>>, JobError> {
    let is_csi = index.extension().is_some_and(|e| e == "csi");
    let builder = if is_csi {
        let idx = csi::fs::read(index).map_err(|e| {
            JobError::permanent(format!("cannot read CSI index {}: {e}", index.display()))
        })?;
        bam::io::indexed_reader::Builder::default().set_index(idx)
    } else {
        let idx = bam::bai::fs::read(index).map_err(|e| {
            JobError::permanent(format!("cannot read BAI index {}: {e}", index.display()))
        })?;
        bam::io::indexed_reader::Builder::default().set_index(idx)
    };
    builder
        .build_from_path(path)
        .map_err(|e| JobError::permanent(format!("cannot open {}: {e}", path.display())))
}

/// Contig names that mean the same chromosome in the common naming schemes.
pub fn contig_aliases(name: &str) -> Vec<String> {
    let bare = name.strip_prefix("chr").unwrap_or(name);
    let mut v = vec![name.to_owned(), bare.to_owned(), format!("chr{bare}")];
    if bare == "6" {
        v.push("NC_000006.12".into());
        v.push("NC_000006.11".into());
    }
    if name.starts_with("NC_000006") {
        v.extend(["chr6".to_owned(), "6".to_owned()]);
    }
    v.dedup();
    v
}

/// Reads `contig:start-end` (plus padding, clamped to the contig) from an indexed FASTA
/// (plain or bgzip with `.fai` and `.gzi`), trying the contig's aliases.
pub fn read_reference_slice(
    fasta_path: &Path,
    contig: &str,
    start: u64,
    end: u64,
) -> Result<Vec<u8>, JobError> {
    let mut reader = fasta::io::indexed_reader::Builder::default()
        .build_from_path(fasta_path)
        .map_err(|e| {
            JobError::permanent(format!(
                "cannot open reference {} (needs .fai, and .gzi when bgzip-compressed): {e}",
                fasta_path.display()
            ))
        })?;
    let names: Vec<String> = contig_aliases(contig);
    let record = reader
        .index()
        .as_ref()
        .iter()
        .find(|r| {
            names
                .iter()
                .any(|n| n.as_bytes() == <&[u8]>::from(r.name()))
        })
        .map(|r| (r.name().to_vec(), r.length()));
    let Some((name, length)) = record else {
        return Err(JobError::permanent(format!(
            "reference {} has no contig {contig} (or its aliases)",
            fasta_path.display()
        )));
    };
    let end = (end + REFERENCE_PADDING).min(length);
    if start > end {
        return Ok(Vec::new());
    }
    let (Ok(s), Ok(e)) = (
        Position::try_from(start as usize),
        Position::try_from(end as usize),
    ) else {
        return Err(JobError::permanent(format!(
            "invalid region {contig}:{start}-{end}"
        )));
    };
    let region = Region::new(name, s..=e);
    let rec = reader.query(&region).map_err(|e| {
        JobError::permanent(format!(
            "cannot read {contig}:{start}-{end} from reference {}: {e}",
            fasta_path.display()
        ))
    })?;
    Ok(rec.sequence().as_ref().to_vec())
}

/// Runs a job whose alignment and reference are local paths.
pub fn run_local_job(job: &RegionJob) -> Result<RegionResult, JobError> {
    let alignments = PathBuf::from(&job.sample.alignments);
    if !alignments.is_file() {
        return Err(JobError::permanent(format!(
            "alignment file {} not found",
            alignments.display()
        )));
    }
    let index = locate_index(&alignments, job.sample.index.as_deref().map(Path::new))?;
    let mut reader = open_indexed_bam(&alignments, &index)?;
    let header: sam::Header = reader.read_header().map_err(|e| {
        JobError::permanent(format!(
            "{} is not a readable BAM (header): {e}",
            alignments.display()
        ))
    })?;
    let region = &job.region;
    let reference = read_reference_slice(
        Path::new(&job.reference),
        &region.contig,
        region.start,
        region.end,
    )?;
    let rid = header
        .reference_sequences()
        .get_index_of(region.contig.as_bytes());
    let mut counter = RegionCounter::new(
        region.clone(),
        rid,
        reference.clone(),
        job.params.clone(),
        job.report_sites.clone(),
    );
    if rid.is_some() {
        let (Ok(s), Ok(e)) = (
            Position::try_from(region.start as usize),
            Position::try_from(region.end as usize),
        ) else {
            return Err(JobError::permanent(format!("invalid region {region}")));
        };
        let query_region = Region::new(region.contig.as_str(), s..=e);
        let query = reader.query(&header, &query_region).map_err(|e| {
            JobError::permanent(format!(
                "cannot query {region} in {}: {e}",
                alignments.display()
            ))
        })?;
        for record in query.records() {
            let record = record.map_err(|e| {
                JobError::permanent(format!(
                    "corrupt BAM {} while reading {region}: {e}",
                    alignments.display()
                ))
            })?;
            counter.add_record(&header, &record).map_err(|e| {
                JobError::permanent(format!(
                    "invalid record in {} at {region}: {e}",
                    alignments.display()
                ))
            })?;
        }
    }
    Ok(build_result(job, counter, &reference))
}

/// Turns a finished counter into the job's result, with calls.
pub fn build_result(job: &RegionJob, counter: RegionCounter, reference: &[u8]) -> RegionResult {
    let (sites, blocks, qc) = counter.finish();
    let mut result = RegionResult::new(&job.job_id, &job.sample.sample, job.region.clone());
    for site in &sites {
        let offset = (site.pos - job.region.start + 1) as usize;
        let after = reference.get(offset..).unwrap_or_default();
        result.calls.extend(call_site(site, after, &job.params));
    }
    result.sites = sites;
    result.blocks = blocks;
    result.qc = qc;
    result
}

/// Reads the header of a local BAM file.
pub fn read_alignment_header(path: &Path) -> Result<sam::Header, JobError> {
    let file = std::fs::File::open(path)
        .map_err(|e| JobError::permanent(format!("cannot open {}: {e}", path.display())))?;
    let mut reader = bam::io::Reader::new(file);
    reader.read_header().map_err(|e| {
        JobError::permanent(format!(
            "{} is not a readable BAM (header): {e}",
            path.display()
        ))
    })
}
