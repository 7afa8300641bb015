//! The slice reader: the bytes of one region of an alignment file in storage, and nothing
//! more.
//!
//! Per job: the index chunks of the region (BAI/CSI) or the containers overlapping it (CRAI),
//! merged when close, each fetched as one bounded ranged read from the chunk's block start to
//! the end of the block holding the chunk end (a BGZF block is at most [`MAX_BLOCK`]); then
//! noodles' own indexed query runs over those bytes ([`SparseFile`]), so the records are
//! exactly those of a local indexed query of the same file — and a read outside the fetched
//! bytes is an error, never silently missing records. Opening the file (header, index) is
//! [`crate::source`]'s job.

use crate::error::{storage_failure, JobError};
use crate::source::{AlignmentSource, SourceIndex};
use crate::sparse::{SparseFile, MAX_BLOCK};
use crate::storage::{pinned_version, Storage};
use noodles::bgzf::VirtualPosition;
use noodles::core::region::Interval;
use noodles::cram;
use std::ops::Range;

/// Ranges closer than this are fetched in one request (0: only overlapping or adjacent
/// ranges merge, so no byte between chunks is fetched needlessly).
pub const MERGE_GAP: u64 = 0;

/// The byte ranges a region needs, and the minimal span of its chunks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlicePlan {
    /// Bounded ranges to fetch, sorted and disjoint.
    pub ranges: Vec<Range<u64>>,
    /// The minimal span: compressed bytes covered by the union of the chunks.
    pub chunk_span: u64,
    /// The index chunks (BAM), in file order: where the query reads records; empty for CRAM.
    pub chunks: Vec<(VirtualPosition, VirtualPosition)>,
}

/// Plans the ranged reads of `region` of reference sequence `rid`. An index that points
/// past the end of the file, or holds a chunk that ends before it starts, fails the job: the
/// file is truncated or the index is another file's, and reading on would silently drop
/// records.
pub fn plan_slice(
    source: &AlignmentSource,
    rid: usize,
    interval: Interval,
) -> Result<SlicePlan, JobError> {
    let past_end = |offset: u64| {
        JobError::permanent(format!(
            "index {} points to byte {offset} but {} has {} bytes: the file is truncated or \
             the index is another file's (re-index it)",
            source.index_uri, source.uri, source.size
        ))
    };
    match &source.index {
        SourceIndex::Binning(index) => {
            let chunks = index.query(rid, interval).map_err(|e| {
                JobError::permanent(format!("cannot query the index {}: {e}", source.index_uri))
            })?;
            for c in &chunks {
                let (start, end) = (c.start(), c.end());
                if start.compressed() >= source.size || end.compressed() > source.size {
                    return Err(past_end(start.compressed().max(end.compressed())));
                }
                if end < start {
                    return Err(JobError::permanent(format!(
                        "index {} holds a chunk that ends ({}) before it starts ({}): it is \
                         corrupt (re-index {})",
                        source.index_uri,
                        u64::from(end),
                        u64::from(start),
                        source.uri
                    )));
                }
            }
            Ok(plan_ranges(
                chunks.iter().map(|c| (c.start(), c.end())),
                source.size,
            ))
        }
        SourceIndex::Crai(index) => {
            if let Some(r) = index.iter().find(|r| r.offset() >= source.size) {
                return Err(past_end(r.offset()));
            }
            Ok(plan_containers(index, rid, interval, source.size))
        }
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
                s <= end && s.saturating_add(r.alignment_span()) > start
            })
        })
        .map(|r| r.offset())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut ranges: Vec<Range<u64>> = Vec::new();
    for off in wanted.into_iter().filter(|&o| o < size) {
        let i = offsets.partition_point(|&o| o <= off);
        let next = offsets.get(i).copied().unwrap_or(size).min(size);
        match ranges.last_mut() {
            Some(last) if last.end == off => last.end = next,
            _ => ranges.push(off..next),
        }
    }
    let chunk_span = ranges.iter().map(|r| r.end - r.start).sum();
    SlicePlan {
        ranges,
        chunk_span,
        chunks: Vec::new(),
    }
}

/// Turns chunks (virtual positions) into merged, bounded byte ranges of a file of `size`.
pub fn plan_ranges(
    chunks: impl Iterator<Item = (VirtualPosition, VirtualPosition)>,
    size: u64,
) -> SlicePlan {
    let mut chunks: Vec<(VirtualPosition, VirtualPosition)> = chunks.collect();
    chunks.sort_unstable();
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
    SlicePlan {
        ranges,
        chunk_span,
        chunks,
    }
}

/// Fetches the planned ranges, each only from the version of the file whose header and index
/// were read (`If-Match` on S3): a file replaced meanwhile fails the job, never mixes bytes.
pub fn fetch(
    storage: &dyn Storage,
    source: &AlignmentSource,
    plan: &SlicePlan,
) -> Result<SparseFile, JobError> {
    let version = pinned_version(&source.stamps.alignments);
    let mut pieces = Vec::with_capacity(plan.ranges.len());
    for r in &plan.ranges {
        let bytes = storage
            .get_range_if(&source.uri, r.clone(), version)
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
