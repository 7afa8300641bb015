//! The slice reader: the bytes of one region of a BAM in storage, and nothing more.
//!
//! Per sample (cached per worker): the header, fetched with growing bounded ranges until it
//! parses, and the index (`.bai` or `.csi`). Per job: the index chunks of the region, merged
//! when close, each fetched as one bounded ranged read from the chunk's block start to the
//! end of the block holding the chunk end (a BGZF block is at most 64 KiB); then noodles'
//! own indexed query runs over those bytes ([`SparseFile`]), so the records are exactly those
//! of a local indexed query of the same file — and a read outside the fetched bytes is an
//! error, never silently missing records.

use crate::job::JobError;
use crate::sparse::SparseFile;
use crate::storage::{Storage, StorageError, StorageErrorKind};
use noodles::core::region::Interval;
use noodles::csi::{self, BinningIndex};
use noodles::sam;
use noodles::{bam, cram};
use std::collections::HashMap;
use std::io::Cursor;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

/// Largest BGZF block (compressed), the slack after a chunk end.
pub const MAX_BLOCK: u64 = 65_536;
/// Ranges closer than this are fetched in one request (0: only overlapping or adjacent
/// ranges merge, so no byte between chunks is fetched needlessly).
pub const MERGE_GAP: u64 = 0;
/// First header request; doubled until the header parses.
const HEADER_FIRST: u64 = 65_536;

/// A BAI or CSI index.
pub type Index = Box<dyn BinningIndex + Send + Sync>;

/// What is known of one alignment file: its size, header and index.
pub struct AlignmentSource {
    /// The alignment file.
    pub uri: String,
    /// The index used.
    pub index_uri: String,
    /// Size in bytes.
    pub size: u64,
    /// The parsed header.
    pub header: sam::Header,
    /// The parsed index.
    pub index: SourceIndex,
}

/// The index of an alignment file.
pub enum SourceIndex {
    /// BAI or CSI of a BAM.
    Binning(Index),
    /// CRAI of a CRAM.
    Crai(cram::crai::Index),
}

impl AlignmentSource {
    /// Whether the file is a CRAM.
    pub fn is_cram(&self) -> bool {
        matches!(self.index, SourceIndex::Crai(_))
    }
}

/// Whether a path or URI names a CRAM file.
pub fn is_cram(uri: &str) -> bool {
    uri.ends_with(".cram")
}

/// Maps a storage error on a sample's file to a job error with a clear message.
pub fn storage_failure(what: &str, e: &StorageError) -> JobError {
    let msg = match e.kind {
        StorageErrorKind::NotFound => format!("{what} {} not found", e.uri),
        StorageErrorKind::AccessDenied => {
            format!("access denied to {what} {} ({})", e.uri, e.message)
        }
        StorageErrorKind::NotPermitted => format!("{what} {} is {}", e.uri, e.message),
        _ => format!("cannot read {what} {}: {}", e.uri, e.message),
    };
    if e.is_transient() {
        JobError::transient(msg)
    } else {
        JobError::permanent(msg)
    }
}

/// Index locations tried for an alignment file without an explicit index, in order.
pub fn index_candidates(alignments: &str) -> Vec<String> {
    if is_cram(alignments) {
        let mut v = vec![format!("{alignments}.crai")];
        if let Some(stem) = alignments.strip_suffix(".cram") {
            v.push(format!("{stem}.crai"));
        }
        return v;
    }
    let mut v = vec![format!("{alignments}.bai")];
    if let Some(stem) = alignments.strip_suffix(".bam") {
        v.push(format!("{stem}.bai"));
    }
    v.push(format!("{alignments}.csi"));
    v
}

fn parse_index(uri: &str, bytes: &[u8]) -> Result<SourceIndex, JobError> {
    let invalid =
        |e: std::io::Error| JobError::permanent(format!("{uri} is not a valid index: {e}"));
    if uri.ends_with(".crai") {
        let idx = cram::crai::io::Reader::new(Cursor::new(bytes))
            .read_index()
            .map_err(invalid)?;
        Ok(SourceIndex::Crai(idx))
    } else if uri.ends_with(".csi") {
        let idx = csi::io::Reader::new(Cursor::new(bytes))
            .read_index()
            .map_err(invalid)?;
        Ok(SourceIndex::Binning(Box::new(idx)))
    } else {
        let idx = bam::bai::io::Reader::new(Cursor::new(bytes))
            .read_index()
            .map_err(invalid)?;
        Ok(SourceIndex::Binning(Box::new(idx)))
    }
}

/// Opens an alignment file in storage: size, index (explicit or the first candidate that
/// exists; an index older than its BAM is refused), and the header.
pub fn open_source(
    storage: &dyn Storage,
    alignments: &str,
    explicit_index: Option<&str>,
) -> Result<AlignmentSource, JobError> {
    let meta = storage
        .head(alignments)
        .map_err(|e| storage_failure("alignment file", &e))?;
    let (index_uri, index_meta) = match explicit_index {
        Some(ix) => (
            ix.to_owned(),
            storage.head(ix).map_err(|e| storage_failure("index", &e))?,
        ),
        None => {
            let candidates = index_candidates(alignments);
            let mut found = None;
            for c in &candidates {
                match storage.head(c) {
                    Ok(m) => {
                        found = Some((c.clone(), m));
                        break;
                    }
                    Err(e) if e.kind == StorageErrorKind::NotFound => {}
                    Err(e) => return Err(storage_failure("index", &e)),
                }
            }
            found.ok_or_else(|| {
                JobError::permanent(format!(
                    "no index for {alignments} (tried {})",
                    candidates.join(", ")
                ))
            })?
        }
    };
    if let (Some(bam_time), Some(ix_time)) = (meta.modified, index_meta.modified) {
        if ix_time < bam_time {
            return Err(JobError::permanent(format!(
                "index {index_uri} is older than {alignments}: the BAM changed after it was indexed; re-index it"
            )));
        }
    }
    let index_bytes = storage
        .get(&index_uri)
        .map_err(|e| storage_failure("index", &e))?;
    let index = parse_index(&index_uri, &index_bytes)?;
    let header = read_header(storage, alignments, meta.size)?;
    Ok(AlignmentSource {
        uri: alignments.to_owned(),
        index_uri,
        size: meta.size,
        header,
        index,
    })
}

/// Fetches growing bounded prefixes of the file until its header parses.
fn read_header(storage: &dyn Storage, uri: &str, size: u64) -> Result<sam::Header, JobError> {
    let mut len = HEADER_FIRST.min(size);
    loop {
        let bytes = storage
            .get_range(uri, 0..len)
            .map_err(|e| storage_failure("alignment file", &e))?;
        let complete = len >= size;
        let sparse = SparseFile::new(vec![(0, bytes)], size);
        let parsed = if is_cram(uri) {
            cram::io::Reader::new(sparse).read_header()
        } else {
            bam::io::Reader::new(sparse).read_header()
        };
        match parsed {
            Ok(h) => return Ok(h),
            Err(e) if !complete && is_truncation(&e) => len = (len * 4).min(size),
            Err(e) => {
                return Err(JobError::permanent(format!(
                    "{uri} is not a readable {} (header): {e}",
                    if is_cram(uri) { "CRAM" } else { "BAM" }
                )))
            }
        }
    }
}

fn is_truncation(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::UnexpectedEof
        || e.to_string().contains("outside the fetched ranges")
}

/// The byte ranges a region needs, and the minimal span of its chunks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlicePlan {
    /// Bounded ranges to fetch, sorted and disjoint.
    pub ranges: Vec<Range<u64>>,
    /// The minimal span: compressed bytes covered by the union of the chunks.
    pub chunk_span: u64,
}

/// Plans the ranged reads of `region` of reference sequence `rid`.
pub fn plan_slice(
    source: &AlignmentSource,
    rid: usize,
    interval: Interval,
) -> Result<SlicePlan, JobError> {
    match &source.index {
        SourceIndex::Binning(index) => {
            let chunks = index.query(rid, interval).map_err(|e| {
                JobError::permanent(format!("cannot query the index {}: {e}", source.index_uri))
            })?;
            Ok(plan_ranges(
                chunks.iter().map(|c| (c.start(), c.end())),
                source.size,
            ))
        }
        SourceIndex::Crai(index) => Ok(plan_containers(index, rid, interval, source.size)),
    }
}

/// CRAM: the containers whose index records overlap the region, each fetched whole (from its
/// offset to the next container's), adjacent containers in one request.
pub fn plan_containers(
    index: &cram::crai::Index,
    rid: usize,
    interval: Interval,
    size: u64,
) -> SlicePlan {
    let mut offsets: Vec<u64> = index.iter().map(|r| r.offset()).collect();
    offsets.sort_unstable();
    offsets.dedup();
    let (start, end) = (
        interval.start().map_or(1, usize::from),
        interval.end().map_or(usize::MAX, usize::from),
    );
    let mut wanted: Vec<u64> = index
        .iter()
        .filter(|r| r.reference_sequence_id() == Some(rid))
        .filter(|r| {
            r.alignment_start().is_some_and(|s| {
                let s = usize::from(s);
                s <= end && s + r.alignment_span() > start
            })
        })
        .map(|r| r.offset())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut ranges: Vec<Range<u64>> = Vec::new();
    for off in wanted {
        let i = offsets.partition_point(|&o| o <= off);
        let next = offsets.get(i).copied().unwrap_or(size).min(size);
        match ranges.last_mut() {
            Some(last) if last.end == off => last.end = next,
            _ => ranges.push(off..next),
        }
    }
    let chunk_span = ranges.iter().map(|r| r.end - r.start).sum();
    SlicePlan { ranges, chunk_span }
}

/// Turns chunks (virtual positions) into merged, bounded byte ranges of a file of `size`.
pub fn plan_ranges(
    chunks: impl Iterator<
        Item = (
            noodles::bgzf::VirtualPosition,
            noodles::bgzf::VirtualPosition,
        ),
    >,
    size: u64,
) -> SlicePlan {
    let chunks: Vec<(
        noodles::bgzf::VirtualPosition,
        noodles::bgzf::VirtualPosition,
    )> = chunks.collect();
    // The minimal span: the union of the chunks' compressed extents.
    let mut extents: Vec<(u64, u64)> = chunks
        .iter()
        .map(|(s, e)| (s.compressed(), e.compressed()))
        .collect();
    extents.sort_unstable();
    let mut chunk_span = 0;
    let mut current: Option<(u64, u64)> = None;
    for (s, e) in extents {
        match &mut current {
            Some((_, ce)) if s <= *ce => *ce = (*ce).max(e),
            _ => {
                if let Some((cs, ce)) = current.take() {
                    chunk_span += ce - cs;
                }
                current = Some((s, e));
            }
        }
    }
    if let Some((cs, ce)) = current {
        chunk_span += ce - cs;
    }
    // The bytes to fetch: each chunk through the end of the block holding its end (not
    // needed when the chunk ends on a block boundary), overlapping ranges merged.
    let mut spans: Vec<(u64, u64)> = chunks
        .iter()
        .map(|(s, e)| {
            let end = if e.uncompressed() == 0 {
                e.compressed()
            } else {
                e.compressed() + MAX_BLOCK
            };
            (s.compressed(), end.min(size))
        })
        .filter(|(s, e)| e > s)
        .collect();
    spans.sort_unstable();
    let mut ranges: Vec<Range<u64>> = Vec::new();
    for (s, e) in spans {
        match ranges.last_mut() {
            Some(last) if s <= last.end + MERGE_GAP => last.end = last.end.max(e),
            _ => ranges.push(s..e),
        }
    }
    SlicePlan { ranges, chunk_span }
}

/// Fetches the planned ranges.
pub fn fetch(
    storage: &dyn Storage,
    source: &AlignmentSource,
    plan: &SlicePlan,
) -> Result<SparseFile, JobError> {
    let mut pieces = Vec::with_capacity(plan.ranges.len());
    for r in &plan.ranges {
        let bytes = storage
            .get_range(&source.uri, r.clone())
            .map_err(|e| storage_failure("alignment file", &e))?;
        let expected = r.end.min(source.size) - r.start;
        if bytes.len() as u64 != expected {
            return Err(JobError::transient(format!(
                "short read of {} bytes {}-{}: got {} of {expected} bytes",
                source.uri,
                r.start,
                r.end - 1,
                bytes.len()
            )));
        }
        pieces.push((r.start, bytes));
    }
    Ok(SparseFile::new(pieces, source.size))
}

/// Per-worker cache of opened sources, keyed by alignment and index URI.
pub fn cached_source(
    storage: &dyn Storage,
    alignments: &str,
    explicit_index: Option<&str>,
) -> Result<Arc<AlignmentSource>, JobError> {
    type Cache = Mutex<HashMap<(String, Option<String>), Arc<AlignmentSource>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    const CAPACITY: usize = 32;
    let key = (alignments.to_owned(), explicit_index.map(str::to_owned));
    let cache = CACHE.get_or_init(Cache::default);
    if let Some(s) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(s);
    }
    let source = Arc::new(open_source(storage, alignments, explicit_index)?);
    if let Ok(mut c) = cache.lock() {
        if c.len() >= CAPACITY {
            c.clear();
        }
        c.insert(key, Arc::clone(&source));
    }
    Ok(source)
}
