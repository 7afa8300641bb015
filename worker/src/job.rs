//! Running one region job: open the sample (header and index, cached per worker), read the
//! reference slice, plan and fetch the region's bytes, query them, count, call. This module
//! sits on top of the others: it uses [`crate::source`], [`crate::slice`],
//! [`crate::reference`], [`crate::cram_reference`] and [`crate::pileup`]; only the daemon uses
//! it.

use crate::bisect::{bisect_start, bisected_chunks, BamFile};
use crate::cram_query::{count_cram, CramError};
use crate::cram_reference::cram_repository;
use crate::error::{storage_failure, JobError};
use crate::integrity::check_index_fits;
pub use crate::pileup::RecordSink;
use crate::pileup::RegionCounter;
use crate::reference::{read_reference, ReferenceCache};
use crate::slice::plan_slice;
use crate::source::{AlignmentSource, Located, SourceCache, SourceIndex};
use crate::storage::{pinned_version, LocalStorage, Storage};
use crate::streamed::{SharedStats, StreamedSlice};
use esr1_proto::{FileStamp, RegionJob, RegionResult};
use esr1_science::calling::call_region;
use noodles::bgzf::VirtualPosition;
use noodles::core::region::Interval;
use noodles::csi::{self, binning_index::index::reference_sequence::bin::Chunk};
use noodles::sam::alignment::Record as _;
use noodles::{bam, core::Position, cram};

/// What a worker keeps between jobs: opened alignment files and reference indexes. The daemon
/// holds one for its life, the embedded runner one per run; nothing is cached process-wide.
#[derive(Default)]
pub struct Caches {
    /// Headers and indexes of alignment files.
    pub sources: SourceCache,
    /// Indexes of reference FASTAs.
    pub references: ReferenceCache,
}

/// Extra reference bases read after the region, so deletions at its end get their REF.
const REFERENCE_PADDING: u64 = 200;

/// Longest region a job may count (its counts are held in memory).
pub const MAX_REGION_LEN: u64 = 20_000_000;

/// Largest position a SAM, BAM or CRAM record can have (2^31 - 1).
pub const MAX_POSITION: u64 = i32::MAX as u64;

/// Runs a job, reading the alignment slice and reference slice through `storage` (local
/// paths or `s3://` URIs alike), with what `caches` already holds.
pub fn run_job(
    job: &RegionJob,
    storage: &dyn Storage,
    caches: &Caches,
) -> Result<RegionResult, JobError> {
    let opened = open_job(job, storage, caches)?;
    let mut counter = RegionCounter::new(
        job.region.clone(),
        opened.reference_sequence_id,
        opened.reference.clone(),
        job.params.clone(),
        job.report_sites.clone(),
    );
    let read = read_job(job, storage, caches, &opened, &mut counter)?;
    Ok(finish_result(job, counter, &opened.reference, read))
}

/// A job's inputs, checked against its plan and opened: the sample's header and index, the
/// reference bases from the region's start (with [`REFERENCE_PADDING`] after its end) and the
/// contig's reference sequence in the header (`None`: absent, so no record is read).
pub struct OpenedJob {
    /// The alignment file's header and index (cached per worker).
    pub source: std::sync::Arc<AlignmentSource>,
    /// Reference bases from the region's start.
    pub reference: Vec<u8>,
    /// The contig's index in the header.
    pub reference_sequence_id: Option<usize>,
}

/// Checks a job's region and inputs ([`check_inputs`], [`check_contents`], the index against
/// the file) and reads its reference slice.
pub fn open_job(
    job: &RegionJob,
    storage: &dyn Storage,
    caches: &Caches,
) -> Result<OpenedJob, JobError> {
    let r = &job.region;
    if r.start == 0 || r.end < r.start || r.len() > MAX_REGION_LEN || r.end > MAX_POSITION {
        return Err(JobError::permanent(format!(
            "invalid region {r}: expected 1-based start ≤ end ≤ {MAX_POSITION} (the SAM \
             maximum) and at most {MAX_REGION_LEN} bp"
        )));
    }
    let source =
        caches
            .sources
            .get(storage, &job.sample.alignments, job.sample.index.as_deref())?;
    check_inputs(job, storage, &source.stamps)?;
    check_contents(job, storage, &source)?;
    check_index_fits(&source)?;
    caches
        .references
        .refresh(&job.reference, &job.inputs.reference);
    let (reference, _) = read_reference(
        storage,
        &caches.references,
        &job.reference,
        &r.contig,
        r.start,
        r.end + REFERENCE_PADDING,
    )?;
    let reference_sequence_id = source
        .header
        .reference_sequences()
        .get_index_of(r.contig.as_bytes());
    Ok(OpenedJob {
        source,
        reference,
        reference_sequence_id,
    })
}

/// Reads the records of an opened job's region into `sink`, as every job reads them: only
/// the byte ranges the index gives for the region, a long BAM chunk entered by bisection, a
/// BAM read up to the first record past the region. Returns the byte accounting (chunk span,
/// slice bytes, requests) of [`finish_result`].
pub fn read_job<S: RecordSink>(
    job: &RegionJob,
    storage: &dyn Storage,
    caches: &Caches,
    opened: &OpenedJob,
    sink: &mut S,
) -> Result<(u64, u64, u64), JobError> {
    let (region, source) = (&job.region, &opened.source);
    let header = &source.header;
    let Some(rid) = opened.reference_sequence_id else {
        return Ok((0, 0, 0));
    };
    let (Ok(s), Ok(e)) = (
        Position::try_from(region.start as usize),
        Position::try_from(region.end as usize),
    ) else {
        return Err(JobError::permanent(format!("invalid region {region}")));
    };
    let interval = Interval::from(s..=e);
    let plan = plan_slice(source, rid, interval)?;
    if plan.ranges.is_empty() {
        // Nothing indexed overlaps the region: no bytes to fetch, no records to count.
        return Ok((plan.chunk_span, 0, 0));
    }
    let (chunks, probed) = match &source.index {
        SourceIndex::Binning(index) if plan.chunk_span >= BISECT_MIN_SPAN => {
            let first = plan.chunks[0].0;
            let last = plan.chunks.iter().map(|c| c.1.compressed()).max();
            let found = bisect_start(
                BamFile::of(storage, source),
                (first, last.unwrap_or(first.compressed())),
                (rid, region.start),
            )
            .map_err(|e| storage_failure("alignment file", &e))?;
            let crossing = index.crossing_chunks(rid, region.start, region.end);
            (
                bisected_chunks(&plan.chunks, &crossing, found.start),
                (found.bytes, found.requests),
            )
        }
        _ => (plan.chunks.clone(), (0, 0)),
    };
    let stats = SharedStats::default();
    let slice = StreamedSlice::new(
        storage,
        (&source.uri, pinned_version(&source.stamps.alignments)),
        plan.ranges.clone(),
        source.size,
        stats.clone(),
    );
    let corrupt = |e: std::io::Error| match stats.borrow_mut().failure.take() {
        Some(failure) => storage_failure("alignment file", &failure),
        None => JobError::permanent(format!(
            "corrupt {} {} while reading {region}: {e}",
            if source.is_cram() { "CRAM" } else { "BAM" },
            source.uri
        )),
    };
    let invalid_record = |e: std::io::Error| {
        JobError::permanent(format!("invalid record in {} at {region}: {e}", source.uri))
    };
    match &source.index {
        SourceIndex::Binning(_) => {
            count_sorted(
                sink,
                header,
                slice,
                &chunks,
                (rid, s, e),
                corrupt,
                invalid_record,
            )?;
        }
        SourceIndex::Crai(index) => {
            let repository = cram_repository(
                storage,
                &caches.references,
                &job.reference,
                header,
                rid,
                index,
                interval,
            )?;
            let mut reader = cram::io::Reader::new(slice);
            count_cram(
                &mut reader,
                &repository,
                (header, index),
                (rid, interval),
                sink,
            )
            .map_err(|e| match e {
                CramError::Corrupt(e) => corrupt(e),
                CramError::Invalid(e) => invalid_record(e),
            })?;
        }
    }
    let stats = stats.borrow();
    Ok((
        plan.chunk_span,
        stats.bytes + probed.0,
        stats.requests + probed.1,
    ))
}

/// Checks that the files the job reads are those it was planned on: the alignment file and
/// index as just located, the reference files by a HEAD each. A changed file fails the job
/// permanently (its stored result would describe the old file).
pub fn check_inputs(
    job: &RegionJob,
    storage: &dyn Storage,
    located: &Located,
) -> Result<(), JobError> {
    let changed = |planned: &FileStamp, now: &FileStamp| {
        JobError::permanent(format!(
            "{} changed since the run was planned (planned {} bytes, version {}; now {} bytes, \
             version {}): rerun to plan it again",
            planned.uri, planned.size, planned.version, now.size, now.version
        ))
    };
    for (planned, now) in [
        (&job.inputs.alignments, &located.alignments),
        (&job.inputs.index, &located.index),
    ] {
        if let Some(planned) = planned {
            if !planned.same_version(now) {
                return Err(changed(planned, now));
            }
        }
    }
    for planned in &job.inputs.reference {
        let now = storage
            .head(&planned.uri)
            .map_err(|e| storage_failure("reference file", &e))?
            .stamp(&planned.uri);
        if !planned.same_version(&now) {
            return Err(changed(planned, &now));
        }
    }
    Ok(())
}

/// With `--verify-inputs` (checksums in the job's stamps): checks that the alignment file and
/// index have the contents they had when planned, though their size and version are the same
/// (a file replaced by another of its size whose time was restored). The index's checksum is
/// that of the bytes the worker parsed; the file's needs its last 64 KiB once per stamp.
pub fn check_contents(
    job: &RegionJob,
    storage: &dyn Storage,
    source: &AlignmentSource,
) -> Result<(), JobError> {
    let differs = |planned: &FileStamp, want: &str, now: &str| {
        JobError::permanent(format!(
            "{} has other contents than when the run was planned (checksum {want}, now {now}) \
             though its size and version are unchanged: it was replaced; rerun to plan it \
             again",
            planned.uri
        ))
    };
    if let Some(planned) = &job.inputs.index {
        if let Some(want) = &planned.checksum {
            if *want != source.index_checksum {
                return Err(differs(planned, want, &source.index_checksum));
            }
        }
    }
    if let Some(planned) = &job.inputs.alignments {
        if let Some(want) = &planned.checksum {
            let now = source.ends_checksum(storage)?;
            if *want != now {
                return Err(differs(planned, want, &now));
            }
        }
    }
    Ok(())
}

/// Index chunks of at least this compressed span are entered by bisection
/// ([`crate::bisect`]) rather than read from their start: a 10-bp hotspot of a 20,000× sample
/// then reads ~1 MB of a chunk of tens of MB. Below it the probes would cost about what they
/// save.
pub const BISECT_MIN_SPAN: u64 = 1 << 20;

/// Feeds the records of a coordinate-sorted BAM that overlap `rid:start-end` to the counter,
/// reading the index `chunks` in order through `slice` and stopping at the first record that
/// starts past the region (every later record starts later still), so the bytes after it are
/// never fetched. The records counted are those of noodles' indexed query of the region.
fn count_sorted<S: RecordSink>(
    counter: &mut S,
    header: &noodles::sam::Header,
    slice: StreamedSlice<'_>,
    chunks: &[(VirtualPosition, VirtualPosition)],
    (rid, start, end): (usize, Position, Position),
    corrupt: impl Fn(std::io::Error) -> JobError,
    invalid: impl Fn(std::io::Error) -> JobError,
) -> Result<(), JobError> {
    let mut bgzf = crate::blocks::BlockReader::new(slice);
    let chunks = chunks.iter().map(|&(s, e)| Chunk::new(s, e)).collect();
    let mut reader = bam::io::Reader::from(csi::io::Query::new(&mut bgzf, chunks));
    let mut record = bam::Record::default();
    while reader.read_record(&mut record).map_err(&corrupt)? != 0 {
        let Some(id) = record
            .reference_sequence_id()
            .transpose()
            .map_err(&invalid)?
        else {
            continue;
        };
        let Some(first) = record.alignment_start().transpose().map_err(&invalid)? else {
            continue;
        };
        if id > rid || (id == rid && first > end) {
            break;
        }
        if id != rid {
            continue;
        }
        // It starts at or before the region's end: it overlaps the region when it starts
        // inside it, or ends inside it (its CIGAR walked only then: the counter decodes it
        // anyway).
        let reaches = first >= start
            || record
                .alignment_end()
                .transpose()
                .map_err(&invalid)?
                .is_some_and(|last| last >= start);
        if reaches {
            counter.add_record(header, &record).map_err(&invalid)?;
        }
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

/// Runs a job whose files are local paths, with caches of its own.
pub fn run_local_job(job: &RegionJob) -> Result<RegionResult, JobError> {
    run_job(job, &LocalStorage, &Caches::default())
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
    use crate::error::FailureKind;

    /// A job of sample S over chr6:1-`end` of `alignments`, against `reference`.
    fn job(reference: &str, alignments: &str, end: u64) -> RegionJob {
        crate::testing::job((reference, alignments), "S", (1, end))
    }

    #[test]
    fn an_absurd_region_from_the_queue_is_a_permanent_error_not_a_crash() {
        let job = job("/nonexistent.fa", "/nonexistent.bam", u64::MAX - 1);
        let e = run_local_job(&job).unwrap_err();
        assert_eq!(e.kind, FailureKind::Permanent);
        assert!(e.message.contains("invalid region"), "{e}");
        // Short, but beyond any position a SAM record can have (read events store positions
        // in 32 bits).
        let mut far = job;
        far.region.start = 3_000_000_000;
        far.region.end = 3_000_000_010;
        let e = run_local_job(&far).unwrap_err();
        assert_eq!(e.kind, FailureKind::Permanent);
        assert!(e.message.contains("invalid region"), "{e}");
    }

    #[test]
    fn a_file_changed_since_planning_fails_the_job_naming_it() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let fasta = dir.path().join("ref.fa");
        std::fs::write(&fasta, ">chr6\nACGT\n").unwrap_or_else(|e| panic!("{e}"));
        let fasta = fasta.to_string_lossy().into_owned();
        let stamp = |uri: &str, version: &str| FileStamp {
            uri: uri.into(),
            size: 4,
            version: version.into(),
            checksum: None,
        };
        let located = Located {
            alignments: stamp("/s.bam", "2"),
            index: stamp("/s.bam.bai", "1"),
        };
        let now = LocalStorage
            .head(&fasta)
            .map(|m| m.stamp(&fasta))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut job = job(&fasta, "/s.bam", 4);
        job.inputs.index = Some(stamp("/s.bam.bai", "1"));
        job.inputs.reference = vec![now.clone()];
        assert_eq!(check_inputs(&job, &LocalStorage, &located), Ok(()));
        job.inputs.alignments = Some(stamp("/s.bam", "1"));
        let e = check_inputs(&job, &LocalStorage, &located).unwrap_err();
        assert_eq!(e.kind, FailureKind::Permanent);
        assert!(
            e.message.contains("/s.bam changed") && e.message.contains("rerun"),
            "{e}"
        );
        job.inputs.alignments = None;
        job.inputs.reference = vec![FileStamp {
            size: now.size + 1,
            ..now
        }];
        let e = check_inputs(&job, &LocalStorage, &located).unwrap_err();
        assert!(e.message.contains("ref.fa changed"), "{e}");
    }
}
