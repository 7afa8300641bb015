//! Running one region job against local files: locate the index, read the reference slice,
//! query the region, count, call.

use crate::pileup::RegionCounter;
use crate::reference::read_reference;
use crate::slice::{cached_source, fetch, plan_slice, SourceIndex};
use crate::storage::{LocalStorage, Storage};
use esr1_proto::{RegionJob, RegionResult};
use esr1_science::calling::call_region;
use noodles::core::region::Interval;
use noodles::{bam, core::Position, core::Region, cram, fasta};
use std::fmt;

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

/// Longest region a job may count (its counts are held in memory).
pub const MAX_REGION_LEN: u64 = 20_000_000;

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

/// Runs a job, reading the alignment slice and reference slice through `storage` (local
/// paths or `s3://` URIs alike).
pub fn run_job(job: &RegionJob, storage: &dyn Storage) -> Result<RegionResult, JobError> {
    let r = &job.region;
    if r.start == 0 || r.end < r.start || r.len() > MAX_REGION_LEN {
        return Err(JobError::permanent(format!(
            "invalid region {r}: expected 1-based start ≤ end and at most {MAX_REGION_LEN} bp"
        )));
    }
    let source = cached_source(storage, &job.sample.alignments, job.sample.index.as_deref())?;
    let region = &job.region;
    let (reference, _) = read_reference(
        storage,
        &job.reference,
        &region.contig,
        region.start,
        region.end + REFERENCE_PADDING,
    )?;
    let header = &source.header;
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
    let (mut chunk_span, mut bytes, mut requests) = (0, 0, 0);
    if let Some(rid) = rid {
        let (Ok(s), Ok(e)) = (
            Position::try_from(region.start as usize),
            Position::try_from(region.end as usize),
        ) else {
            return Err(JobError::permanent(format!("invalid region {region}")));
        };
        let plan = plan_slice(&source, rid, Interval::from(s..=e))?;
        chunk_span = plan.chunk_span;
        requests = plan.ranges.len() as u64;
        if plan.ranges.is_empty() {
            // Nothing indexed overlaps the region: no bytes to fetch, no records to count.
            return Ok(finish_result(
                job,
                counter,
                &reference,
                (plan.chunk_span, 0, 0),
            ));
        }
        let sparse = fetch(storage, &source, &plan)?;
        bytes = sparse.held();
        let query_region = Region::new(region.contig.as_str(), s..=e);
        let corrupt = |e: std::io::Error| {
            JobError::permanent(format!(
                "corrupt {} {} while reading {region}: {e}",
                if source.is_cram() { "CRAM" } else { "BAM" },
                source.uri
            ))
        };
        let cannot_query = |e: std::io::Error| {
            JobError::permanent(format!("cannot query {region} in {}: {e}", source.uri))
        };
        let invalid_record = |e: std::io::Error| {
            JobError::permanent(format!("invalid record in {} at {region}: {e}", source.uri))
        };
        match &source.index {
            SourceIndex::Binning(index) => {
                let mut reader = bam::io::Reader::new(sparse);
                let query = reader
                    .query(header, index, &query_region)
                    .map_err(cannot_query)?;
                count_all(
                    &mut counter,
                    header,
                    query.records(),
                    corrupt,
                    invalid_record,
                )?;
            }
            SourceIndex::Crai(index) => {
                let repository = cram_repository(storage, job, header, rid, index)?;
                let mut reader = cram::io::reader::Builder::default()
                    .set_reference_sequence_repository(repository)
                    .build_from_reader(sparse);
                let query = reader
                    .query(header, index, &query_region)
                    .map_err(cannot_query)?;
                count_all(
                    &mut counter,
                    header,
                    query.records(),
                    corrupt,
                    invalid_record,
                )?;
            }
        }
    }
    Ok(finish_result(
        job,
        counter,
        &reference,
        (chunk_span, bytes, requests),
    ))
}

/// Feeds every record of a query to the counter; a decoding error is `corrupt`, a record the
/// counter cannot read is `invalid`.
fn count_all<R: noodles::sam::alignment::Record>(
    counter: &mut RegionCounter,
    header: &noodles::sam::Header,
    records: impl Iterator<Item = std::io::Result<R>>,
    corrupt: impl Fn(std::io::Error) -> JobError,
    invalid: impl Fn(std::io::Error) -> JobError,
) -> Result<(), JobError> {
    for record in records {
        counter
            .add_record(header, &record.map_err(&corrupt)?)
            .map_err(&invalid)?;
    }
    Ok(())
}

/// The job's result with its byte accounting: (chunk span, slice bytes, requests). Slice
/// bytes only: the header and index are fetched once per sample per worker, so counting
/// them per job would make the totals depend on scheduling.
fn finish_result(
    job: &RegionJob,
    counter: RegionCounter,
    reference: &[u8],
    (chunk_span, bytes, requests): (u64, u64, u64),
) -> RegionResult {
    let mut result = build_result(job, counter, reference);
    result.qc.bytes_fetched = bytes;
    result.qc.requests = requests;
    result.qc.chunk_span_bytes = chunk_span;
    result
}

/// The reference a CRAM query needs: the bases spanned by the containers it will decode,
/// read through the FASTA's index, placed in an otherwise-`N` contig of the header's length
/// (noodles addresses the reference by absolute position).
fn cram_repository(
    storage: &dyn Storage,
    job: &RegionJob,
    header: &noodles::sam::Header,
    rid: usize,
    index: &cram::crai::Index,
) -> Result<fasta::Repository, JobError> {
    let Some((name, map)) = header.reference_sequences().get_index(rid) else {
        return Err(JobError::permanent(format!(
            "no reference sequence {rid} in the header"
        )));
    };
    let length = usize::from(map.length());
    let region = &job.region;
    let spans = index
        .iter()
        .filter(|r| r.reference_sequence_id() == Some(rid))
        .filter_map(|r| {
            let s = usize::from(r.alignment_start()?) as u64;
            let e = s + r.alignment_span() as u64;
            (s <= region.end && e > region.start).then_some((s, e))
        });
    let (lo, hi) = spans.fold((u64::MAX, 0), |(lo, hi), (s, e)| (lo.min(s), hi.max(e)));
    let name_str = String::from_utf8_lossy(name).into_owned();
    let key = (job.reference.clone(), name_str.clone(), length);
    let mut cache = CRAM_REFERENCE
        .lock()
        .map_err(|_| JobError::transient("reference cache poisoned"))?;
    if let Some(c) = cache.as_ref().filter(|c| c.key == key) {
        if lo > hi || c.filled.iter().any(|&(a, b)| a <= lo && hi <= b) {
            return Ok(c.repository.clone());
        }
    }
    // Rebuild with the new window added to what this worker already holds for the contig.
    let mut filled: Vec<(u64, u64)> = cache
        .as_ref()
        .filter(|c| c.key == key)
        .map(|c| c.filled.clone())
        .unwrap_or_default();
    if lo <= hi {
        filled.push((lo, hi));
    }
    let mut sequence = vec![b'N'; length];
    for &(a, b) in &filled {
        let (bases, _) = read_reference(storage, &job.reference, &name_str, a, b)?;
        let start = (a - 1) as usize;
        let end = (start + bases.len()).min(length);
        sequence[start..end].copy_from_slice(&bases[..end - start]);
    }
    let record = fasta::Record::new(
        fasta::record::Definition::new(name.to_vec(), None),
        fasta::record::Sequence::from(sequence),
    );
    let repository = fasta::Repository::new(vec![record]);
    *cache = Some(CachedReference {
        key,
        filled,
        repository: repository.clone(),
    });
    Ok(repository)
}

/// The CRAM reference of the last contig used by this worker, with the windows it holds.
struct CachedReference {
    key: (String, String, usize),
    filled: Vec<(u64, u64)>,
    repository: fasta::Repository,
}

static CRAM_REFERENCE: std::sync::Mutex<Option<CachedReference>> = std::sync::Mutex::new(None);

/// Runs a job whose files are local paths.
pub fn run_local_job(job: &RegionJob) -> Result<RegionResult, JobError> {
    run_job(job, &LocalStorage)
}

/// Turns a finished counter into the job's result, with calls.
pub fn build_result(job: &RegionJob, counter: RegionCounter, reference: &[u8]) -> RegionResult {
    let (sites, blocks, qc) = counter.finish();
    let mut result = RegionResult::new(&job.job_id, &job.sample.sample, job.region.clone());
    result.calls = call_region(&sites, reference, job.region.start, &job.params);
    result.sites = sites;
    result.blocks = blocks;
    result.qc = qc;
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use esr1_proto::{CallingParams, GenomicRegion, Material, RunContext, SampleRef};

    #[test]
    fn an_absurd_region_from_the_queue_is_a_permanent_error_not_a_crash() {
        let job = RegionJob::new(
            &RunContext {
                run_id: "r".into(),
                reference: "/nonexistent.fa".into(),
                params: CallingParams::default(),
                model_version: "m".into(),
                output: "/nonexistent".into(),
            },
            SampleRef {
                patient: "P".into(),
                sample: "S".into(),
                day: 0,
                material: Material::Tumor,
                therapy: "AI".into(),
                alignments: "/nonexistent.bam".into(),
                index: None,
            },
            GenomicRegion {
                contig: "chr6".into(),
                start: 1,
                end: u64::MAX - 1,
            },
            vec![],
        );
        let e = run_local_job(&job).unwrap_err();
        assert_eq!(e.kind, FailureKind::Permanent);
        assert!(e.message.contains("invalid region"), "{e}");
    }
}
