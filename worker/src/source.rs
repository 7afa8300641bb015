//! Opening an alignment file in storage: its size, header and index (`.bai`, `.csi` or
//! `.crai`), found beside it or named explicitly, and [`SourceCache`], the per-worker cache of
//! opened files (a worker fetches a sample's header and index once, not once per job).
//!
//! The header is fetched with growing bounded ranges until it parses: never an open-ended read.

mod checks;

use crate::cache::KeyedCache;
use crate::checksum::{head_range, tail_range, whole_checksum, HeadHash};
use crate::error::{storage_failure, JobError};
use crate::sparse::SparseFile;
use crate::storage::{pinned_version, ObjectMeta, Storage, StorageErrorKind};
use checks::{check_bai_counts, check_bins, check_csi_counts};
use esr1_proto::FileStamp;
use noodles::bgzf::VirtualPosition;
use noodles::core::Position;
use noodles::csi::binning_index::index::reference_sequence::bin::Chunk;
use noodles::csi::{self, BinningIndex};
use noodles::sam;
use noodles::{bam, cram};
use std::io::Cursor;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// First header request (the file's head, hashed for its checksum); grown until the header
/// parses.
const HEADER_FIRST: u64 = crate::checksum::END_BYTES;

/// A BAI or CSI index.
pub type Index = Box<dyn CrossingIndex>;

/// A binning index that also gives where the records crossing a window boundary lie.
///
/// A record goes to the smallest bin that holds it whole, so a finest-level bin (a 16-kb
/// window in a BAI) holds only records that start and end in its window; every record that
/// starts in an earlier window and reaches into a later one lies in a coarser bin. Reading the
/// coarser bins' chunks beside a bisected start ([`crate::bisect`]) is what keeps such a
/// record, however long, in the job.
pub trait CrossingIndex: BinningIndex + Send + Sync {
    /// The chunks of the bins above the finest level that overlap 1-based `start..=end` of
    /// reference sequence `rid`, merged, from the linear index's first offset for `start` on
    /// (as [`BinningIndex::query`] gives its chunks).
    fn crossing_chunks(&self, rid: usize, start: u64, end: u64) -> Vec<Chunk>;
}

impl<I> CrossingIndex for csi::binning_index::Index<I>
where
    I: csi::binning_index::index::reference_sequence::Index + Send + Sync,
{
    fn crossing_chunks(&self, rid: usize, start: u64, end: u64) -> Vec<Chunk> {
        let Some(rs) = self.reference_sequences().get(rid) else {
            return Vec::new();
        };
        let (min_shift, depth) = (self.min_shift(), self.depth());
        let (beg, last) = (
            start.saturating_sub(1),
            end.saturating_sub(1).max(start.saturating_sub(1)),
        );
        let mut chunks = Vec::new();
        for level in 0..u32::from(depth) {
            // Bins of a level are numbered from (8^level - 1) / 7; an index of an impossible
            // depth (checked when it was read) gives no bins rather than an overflow.
            let (Some(first_id), Some(shift)) = (
                1u64.checked_shl(3 * level).map(|n| (n - 1) / 7),
                Some(u32::from(min_shift) + 3 * (u32::from(depth) - level)).filter(|&s| s < 64),
            ) else {
                break;
            };
            for id in first_id.saturating_add(beg >> shift)..=first_id.saturating_add(last >> shift)
            {
                let bin = usize::try_from(id).ok().and_then(|id| rs.bins().get(&id));
                chunks.extend(bin.into_iter().flat_map(|b| b.chunks()).copied());
            }
        }
        let min_offset = Position::try_from(usize::try_from(start).unwrap_or(usize::MAX))
            .map_or(VirtualPosition::default(), |p| {
                rs.min_offset(min_shift, depth, p)
            });
        csi::binning_index::optimize_chunks(&chunks, min_offset)
    }
}

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
    /// Stamps of the file and its index when they were read.
    pub stamps: Located,
    /// The index's content checksum (of the bytes parsed above).
    pub index_checksum: String,
    /// The hash of the file's first 64 KiB (the header's first read), for its checksum.
    head_hash: HeadHash,
    /// The file's content checksum once its tail was read (once per stamp: the cache holds
    /// one source per stamp).
    ends_checksum: OnceLock<String>,
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

    /// The file's content checksum (SHA-256 of its first and last 64 KiB): the head was
    /// hashed when the header was read, the tail is read (pinned to the stamped version) on
    /// the first call only.
    pub fn ends_checksum(&self, storage: &dyn Storage) -> Result<String, JobError> {
        if let Some(c) = self.ends_checksum.get() {
            return Ok(c.clone());
        }
        let tail = storage
            .get_range_if(
                &self.uri,
                tail_range(self.size),
                pinned_version(&self.stamps.alignments),
            )
            .map_err(|e| storage_failure("alignment file", &e))?;
        let c = self.head_hash.finish(&tail);
        Ok(self.ends_checksum.get_or_init(|| c).clone())
    }
}

/// Whether a path or URI names a CRAM file.
pub fn is_cram(uri: &str) -> bool {
    uri.ends_with(".cram")
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
        check_csi_counts(uri, bytes)?;
        let idx = csi::io::Reader::new(Cursor::new(bytes))
            .read_index()
            .map_err(invalid)?;
        check_bins(uri, &idx)?;
        Ok(SourceIndex::Binning(Box::new(idx)))
    } else {
        check_bai_counts(uri, bytes)?;
        let idx = bam::bai::io::Reader::new(Cursor::new(bytes))
            .read_index()
            .map_err(invalid)?;
        check_bins(uri, &idx)?;
        Ok(SourceIndex::Binning(Box::new(idx)))
    }
}

/// An alignment file and its index located in storage, with their stamps (size and version)
/// at that moment: two HEAD requests, no content read.
#[derive(Debug, Clone)]
pub struct Located {
    /// Stamp of the alignment file.
    pub alignments: FileStamp,
    /// Stamp of the index used (explicit, or the first candidate that exists).
    pub index: FileStamp,
}

/// Finds an alignment file's index (explicit or the first candidate that exists) and stamps
/// both; an index older than its BAM by more than [`INDEX_AGE_TOLERANCE`] is refused.
pub fn locate(
    storage: &dyn Storage,
    alignments: &str,
    explicit_index: Option<&str>,
) -> Result<Located, JobError> {
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
    check_index_age(alignments, &meta, &index_uri, &index_meta)?;
    Ok(Located {
        alignments: meta.stamp(alignments),
        index: index_meta.stamp(&index_uri),
    })
}

/// How much older than its alignment file an index may be before it is refused as stale.
/// Copies (`cp -r`, `rsync` without `-t`, object-store uploads) write the two files one after
/// the other, so a copied index is often older by the time it took to write the other file;
/// and some filesystems keep modification times to 1–2 s only. A BAM rewritten after it was
/// indexed (re-sorted, re-aligned) is normally so minutes or more later, beyond this bound.
pub const INDEX_AGE_TOLERANCE: Duration = Duration::from_secs(5);

fn check_index_age(
    alignments: &str,
    meta: &ObjectMeta,
    index_uri: &str,
    index_meta: &ObjectMeta,
) -> Result<(), JobError> {
    let (Some(bam_time), Some(ix_time)) = (meta.modified, index_meta.modified) else {
        return Ok(());
    };
    match bam_time.duration_since(ix_time) {
        Ok(age) if age > INDEX_AGE_TOLERANCE => Err(JobError::permanent(format!(
            "index {index_uri} is older than {alignments} by {:.1} s: the alignment file \
             changed after it was indexed; re-index it (samtools index {alignments}), or, if \
             the files were only copied, touch the index ({index_uri})",
            age.as_secs_f64()
        ))),
        _ => Ok(()),
    }
}

/// Opens an alignment file in storage: locates and stamps it and its index, then reads the
/// index and the header.
pub fn open_source(
    storage: &dyn Storage,
    alignments: &str,
    explicit_index: Option<&str>,
) -> Result<AlignmentSource, JobError> {
    load(storage, locate(storage, alignments, explicit_index)?)
}

/// Reads the index and header of a located alignment file, each only from the version just
/// stamped (a file replaced since its HEAD fails, never gives another file's bytes).
fn load(storage: &dyn Storage, located: Located) -> Result<AlignmentSource, JobError> {
    let index_uri = located.index.uri.clone();
    let alignments = located.alignments.uri.clone();
    let index_bytes = storage
        .get_range_if(
            &index_uri,
            0..located.index.size,
            pinned_version(&located.index),
        )
        .map_err(|e| storage_failure("index", &e))?;
    let index = parse_index(&index_uri, &index_bytes)?;
    let (header, head_hash) = read_header(storage, &located.alignments)?;
    Ok(AlignmentSource {
        uri: alignments,
        index_uri,
        size: located.alignments.size,
        header,
        index,
        stamps: located,
        index_checksum: whole_checksum(&index_bytes),
        head_hash,
        ends_checksum: OnceLock::new(),
    })
}

/// Fetches growing bounded prefixes of the file (of its stamped version) until its header
/// parses; also returns the hash of the file's head (the first read holds it).
fn read_header(
    storage: &dyn Storage,
    stamp: &FileStamp,
) -> Result<(sam::Header, HeadHash), JobError> {
    let (uri, size) = (stamp.uri.as_str(), stamp.size);
    let mut len = HEADER_FIRST.min(size);
    let mut first = None;
    loop {
        let bytes = storage
            .get_range_if(uri, 0..len, pinned_version(stamp))
            .map_err(|e| storage_failure("alignment file", &e))?;
        let head = &bytes[..bytes.len().min(head_range(size).end as usize)];
        let head_hash = first.get_or_insert_with(|| HeadHash::new(head));
        let complete = len >= size;
        let sparse = SparseFile::new(vec![(0, bytes)], size);
        let parsed = if is_cram(uri) {
            cram::io::Reader::new(sparse).read_header()
        } else {
            bam::io::Reader::new(sparse).read_header()
        };
        match parsed {
            Ok(h) => return Ok((h, head_hash.clone())),
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

/// Per-worker cache of opened sources, keyed by the stamps (URI, size, version) of the
/// alignment file and its index: a file replaced at the same path is opened again.
pub struct SourceCache(KeyedCache<(FileStamp, FileStamp), AlignmentSource>);

impl Default for SourceCache {
    fn default() -> Self {
        Self(KeyedCache::new(32))
    }
}

impl SourceCache {
    /// The opened source of `alignments` (with its explicit index, if any), as the files are
    /// now: located and stamped on every call (two HEAD requests), read through `storage`
    /// when these stamps were not seen before.
    pub fn get(
        &self,
        storage: &dyn Storage,
        alignments: &str,
        explicit_index: Option<&str>,
    ) -> Result<Arc<AlignmentSource>, JobError> {
        let located = locate(storage, alignments, explicit_index)?;
        let key = (located.alignments.clone(), located.index.clone());
        self.0.get_or_load(key, || load(storage, located))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn meta(modified: SystemTime) -> ObjectMeta {
        ObjectMeta {
            size: 1,
            modified: Some(modified),
            etag: None,
        }
    }

    #[test]
    fn an_index_a_moment_older_is_accepted_and_a_stale_one_refused_with_what_to_do() {
        let bam = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let within = bam - INDEX_AGE_TOLERANCE;
        assert_eq!(
            check_index_age("a.bam", &meta(bam), "a.bam.bai", &meta(within)),
            Ok(())
        );
        let newer = bam + Duration::from_secs(3600);
        assert_eq!(
            check_index_age("a.bam", &meta(bam), "a.bam.bai", &meta(newer)),
            Ok(())
        );
        let stale = bam - INDEX_AGE_TOLERANCE - Duration::from_millis(1);
        let e = check_index_age("a.bam", &meta(bam), "a.bam.bai", &meta(stale)).unwrap_err();
        assert!(
            e.message.contains("samtools index a.bam") && e.message.contains("touch the index"),
            "{e}"
        );
    }
}
