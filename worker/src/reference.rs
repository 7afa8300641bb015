//! Reference slices from a FASTA in storage (plain or bgzip), reading only the bytes of the
//! requested interval through its `.fai` (and `.gzi` for bgzip). The indexes are read once
//! per worker and held in a [`ReferenceCache`], with the last few slices read (a cohort's
//! jobs ask for the same few regions again and again).

use crate::cache::KeyedCache;
use crate::contig::find_contig;
use crate::error::{storage_failure, JobError};
use crate::sparse::{SparseFile, MAX_BLOCK};
use crate::storage::{pinned_version, Storage};
use esr1_proto::FileStamp;
use noodles::bgzf;
use noodles::bgzf::io::Seek as _;
use noodles::fasta::fai;
use std::io::{Cursor, Read, SeekFrom};

/// The indexes of one reference FASTA.
struct ReferenceIndex {
    fai: fai::Index,
    gzi: Option<bgzf::gzi::Index>,
    size: u64,
}

/// Per-worker cache of the indexes (`.fai`, `.gzi`) of reference FASTAs, by URI, with the
/// stamps of the files they were read from (see [`ReferenceCache::refresh`]).
pub struct ReferenceCache(
    KeyedCache<String, ReferenceIndex>,
    std::sync::Mutex<std::collections::HashMap<String, Vec<FileStamp>>>,
    std::sync::Mutex<RecentSlices>,
);

impl Default for ReferenceCache {
    fn default() -> Self {
        Self(KeyedCache::new(8), Default::default(), Default::default())
    }
}

/// A slice read: the FASTA, the version its reads were pinned to, the contig asked for and
/// the interval.
type SliceKey = (String, String, String, u64, u64);

/// The slices read last, the newest at the back: at most [`RECENT_SLICES`].
#[derive(Default)]
struct RecentSlices(std::collections::VecDeque<(SliceKey, Vec<u8>)>);

/// Slices kept per worker: a cohort's jobs cover a few regions (the gene's span, its
/// exons), each at most the gene's length.
const RECENT_SLICES: usize = 4;

impl ReferenceCache {
    /// Records that the reference `uri`'s files now have `stamps` (as a job checked them);
    /// when they differ from those last recorded (or none were), its cached indexes are
    /// dropped, so a
    /// reference replaced at the same path is read again.
    pub fn refresh(&self, uri: &str, stamps: &[FileStamp]) {
        if stamps.is_empty() {
            return;
        }
        let Ok(mut seen) = self.1.lock() else {
            return;
        };
        if seen.get(uri).map(Vec::as_slice) != Some(stamps) {
            seen.insert(uri.to_owned(), stamps.to_vec());
            self.0.remove(&uri.to_owned());
            if let Ok(mut recent) = self.2.lock() {
                recent.0.retain(|((u, ..), _)| u != uri);
            }
        }
    }
}

impl ReferenceCache {
    /// The version reads of the FASTA `uri` are pinned to: the one last recorded by
    /// [`ReferenceCache::refresh`] (as a job checked it), none when nothing was recorded.
    fn pinned(&self, uri: &str) -> Option<String> {
        let seen = self.1.lock().ok()?;
        let stamp = seen.get(uri)?.iter().find(|s| s.uri == uri)?;
        pinned_version(stamp).map(str::to_owned)
    }

    /// The bases of a slice read before from the same version of the FASTA.
    fn recent(&self, key: &SliceKey) -> Option<Vec<u8>> {
        let recent = self.2.lock().ok()?;
        let (_, bases) = recent.0.iter().find(|(k, _)| k == key)?;
        Some(bases.clone())
    }

    /// Keeps a slice read (the oldest kept goes when there are [`RECENT_SLICES`]).
    fn keep(&self, key: SliceKey, bases: &[u8]) {
        let Ok(mut recent) = self.2.lock() else {
            return;
        };
        recent.0.retain(|(k, _)| *k != key);
        if recent.0.len() >= RECENT_SLICES {
            recent.0.pop_front();
        }
        recent.0.push_back((key, bases.to_vec()));
    }
}

/// Checks that a reference FASTA can be read as jobs read it: the file, its `.fai` and, when
/// bgzip-compressed, its `.gzi` are there and parse.
pub fn check_reference(storage: &dyn Storage, uri: &str) -> Result<(), JobError> {
    load_index(storage, uri).map(|_| ())
}

fn load_index(storage: &dyn Storage, uri: &str) -> Result<ReferenceIndex, JobError> {
    let size = storage
        .head(uri)
        .map_err(|e| storage_failure("reference", &e))?
        .size;
    let fai_uri = format!("{uri}.fai");
    let fai_bytes = storage
        .get(&fai_uri)
        .map_err(|e| storage_failure("reference index (create it with samtools faidx)", &e))?;
    let fai = fai::io::Reader::new(Cursor::new(fai_bytes))
        .read_index()
        .map_err(|e| JobError::permanent(format!("{fai_uri} is not a valid FASTA index: {e}")))?;
    let gzi = if uri.ends_with(".gz") || uri.ends_with(".bgz") {
        let gzi_uri = format!("{uri}.gzi");
        let bytes = storage.get(&gzi_uri).map_err(|e| {
            storage_failure(
                "bgzip index of the reference (samtools faidx writes it)",
                &e,
            )
        })?;
        Some(
            bgzf::gzi::io::Reader::new(Cursor::new(bytes))
                .read_index()
                .map_err(|e| JobError::permanent(format!("{gzi_uri} is not a valid .gzi: {e}")))?,
        )
    } else {
        None
    };
    Ok(ReferenceIndex { fai, gzi, size })
}

/// Bases `start..=end` (1-based) of `contig` (or one of its aliases), upper case, clamped to
/// the contig; returns the bases and the number of bytes read from storage. The FASTA's
/// indexes come from `cache` (read through `storage` on first use), and so does a slice read
/// before from the same version of the FASTA (the version a job checked,
/// [`ReferenceCache::refresh`]; nothing is kept of a FASTA whose version is not pinned).
pub fn read_reference(
    storage: &dyn Storage,
    cache: &ReferenceCache,
    uri: &str,
    contig: &str,
    start: u64,
    end: u64,
) -> Result<(Vec<u8>, u64), JobError> {
    let key = cache
        .pinned(uri)
        .map(|version| (uri.to_owned(), version, contig.to_owned(), start, end));
    if let Some(bases) = key.as_ref().and_then(|key| cache.recent(key)) {
        return Ok((bases, 0));
    }
    let (bases, fetched) = read_slice(storage, cache, uri, contig, (start, end))?;
    if let Some(key) = key {
        cache.keep(key, &bases);
    }
    Ok((bases, fetched))
}

/// [`read_reference`] from storage.
fn read_slice(
    storage: &dyn Storage,
    cache: &ReferenceCache,
    uri: &str,
    contig: &str,
    (start, end): (u64, u64),
) -> Result<(Vec<u8>, u64), JobError> {
    let ix = cache
        .0
        .get_or_load(uri.to_owned(), || load_index(storage, uri))?;
    let records = ix.fai.as_ref();
    let record = find_contig(contig, records.iter().map(|r| <&[u8]>::from(r.name())))
        .and_then(|i| records.get(i))
        .ok_or_else(|| {
            JobError::permanent(format!(
                "reference {uri} has no contig {contig} (or its aliases)"
            ))
        })?;
    let end = end.min(record.length());
    if start == 0 || start > end {
        return Ok((Vec::new(), 0));
    }
    let (u_start, u_end) = fasta_offsets(uri, record, start, end)?;
    // Only from the version the job checked: a FASTA replaced meanwhile fails the job.
    let version = cache.pinned(uri);
    let (raw, fetched) = match &ix.gzi {
        None => {
            let bytes = storage
                .get_range_if(uri, u_start..u_end, version.as_deref())
                .map_err(|e| storage_failure("reference", &e))?;
            let n = bytes.len() as u64;
            (bytes, n)
        }
        Some(gzi) => {
            let first = gzi
                .query(u_start)
                .map_err(|e| JobError::permanent(format!("{uri}.gzi: {e}")))?;
            let last = gzi
                .query(u_end - 1)
                .map_err(|e| JobError::permanent(format!("{uri}.gzi: {e}")))?;
            if first.compressed() >= ix.size || last.compressed() < first.compressed() {
                return Err(JobError::permanent(format!(
                    "{uri}.gzi places bases {u_start}-{u_end} at compressed bytes {}-{} of a \
                     {}-byte file: it is another file's index or corrupt (re-create it with \
                     bgzip -r)",
                    first.compressed(),
                    last.compressed(),
                    ix.size
                )));
            }
            let range = first.compressed()..(last.compressed() + MAX_BLOCK).min(ix.size);
            let bytes = storage
                .get_range_if(uri, range.clone(), version.as_deref())
                .map_err(|e| storage_failure("reference", &e))?;
            let n = bytes.len() as u64;
            let mut reader =
                bgzf::io::Reader::new(SparseFile::new(vec![(range.start, bytes)], ix.size));
            reader
                .seek_with_index(gzi, SeekFrom::Start(u_start))
                .map_err(|e| JobError::permanent(format!("cannot seek in reference {uri}: {e}")))?;
            let mut out = vec![0; (u_end - u_start) as usize];
            reader.read_exact(&mut out).map_err(|e| {
                JobError::permanent(format!(
                    "cannot read reference {uri} at {contig}:{start}-{end}: {e}"
                ))
            })?;
            (out, n)
        }
    };
    let bases: Vec<u8> = raw
        .into_iter()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| b.to_ascii_uppercase())
        .collect();
    Ok((bases, fetched))
}

/// The uncompressed byte range holding bases `start..=end` (1-based, within the contig) of
/// a `.fai` record. A record whose lines are not its bases plus a line end (1 or 2 bytes), or
/// whose offsets overflow, is refused: such a `.fai` is another file's or corrupt, and
/// trusting it could ask for any amount of memory.
fn fasta_offsets(
    uri: &str,
    record: &fai::Record,
    start: u64,
    end: u64,
) -> Result<(u64, u64), JobError> {
    let line_bases = record.line_base_count().get();
    let line_width = record.line_width().get();
    let name = String::from_utf8_lossy(record.name().as_ref()).into_owned();
    if line_width < line_bases || line_width > line_bases.saturating_add(2) {
        return Err(JobError::permanent(format!(
            "{uri}.fai: contig {name} has lines of {line_width} bytes for {line_bases} bases \
             (expected {line_bases} plus a line end): the index is not this FASTA's or is \
             corrupt; rebuild it with samtools faidx"
        )));
    }
    let offset = |p: u64| {
        let (line, col) = ((p - 1) / line_bases, (p - 1) % line_bases);
        line.checked_mul(line_width)
            .and_then(|o| o.checked_add(col))
            .and_then(|o| o.checked_add(record.position()))
    };
    match (offset(start), offset(end).and_then(|o| o.checked_add(1))) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(JobError::permanent(format!(
            "{uri}.fai: the offsets of contig {name} overflow: the index is corrupt; rebuild \
             it with samtools faidx"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::LocalStorage;

    fn write_reference(dir: &std::path::Path, seq: &str) -> Vec<FileStamp> {
        let fa = dir.join("ref.fa");
        std::fs::write(&fa, format!(">chr6\n{seq}\n")).unwrap_or_else(|e| panic!("{e}"));
        let fai = format!("chr6\t{}\t6\t{}\t{}\n", seq.len(), seq.len(), seq.len() + 1);
        std::fs::write(dir.join("ref.fa.fai"), fai).unwrap_or_else(|e| panic!("{e}"));
        ["ref.fa", "ref.fa.fai"]
            .iter()
            .map(|n| {
                let uri = dir.join(n).to_string_lossy().into_owned();
                let m = LocalStorage.head(&uri).unwrap_or_else(|e| panic!("{e}"));
                m.stamp(&uri)
            })
            .collect()
    }

    #[test]
    fn a_reference_replaced_at_the_same_path_is_read_again_once_its_stamps_change() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let uri = dir.path().join("ref.fa").to_string_lossy().into_owned();
        let cache = ReferenceCache::default();
        let first = write_reference(dir.path(), "ACGT");
        cache.refresh(&uri, &first);
        let read = |cache: &ReferenceCache| {
            read_reference(&LocalStorage, cache, &uri, "chr6", 1, 8)
                .map(|(b, _)| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(read(&cache), "ACGT");
        let second = write_reference(dir.path(), "GGGGCCCC");
        assert_ne!(first, second);
        cache.refresh(&uri, &second);
        assert_eq!(read(&cache), "GGGGCCCC");
    }

    #[test]
    fn reads_of_a_reference_are_pinned_to_the_version_a_job_checked() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let uri = dir.path().join("ref.fa").to_string_lossy().into_owned();
        let cache = ReferenceCache::default();
        let checked = write_reference(dir.path(), "ACGT");
        cache.refresh(&uri, &checked);
        let read = |end| read_reference(&LocalStorage, &cache, &uri, "chr6", 1, end);
        assert_eq!(read(4).map(|(b, _)| b), Ok(b"ACGT".to_vec()));
        // Replaced (same size, a second newer) after the job checked it, before it read it.
        std::fs::write(&uri, ">chr6\nTTTT\n").unwrap_or_else(|e| panic!("{e}"));
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(1);
        std::fs::File::options()
            .write(true)
            .open(&uri)
            .and_then(|f| f.set_modified(later))
            .unwrap_or_else(|e| panic!("{e}"));
        // The slice read before is the checked version's, kept: the same again, from
        // storage nothing.
        assert_eq!(read(4), Ok((b"ACGT".to_vec(), 0)));
        // Another slice is read from storage, pinned to the checked version: refused.
        let e = read(3).unwrap_err();
        assert_eq!(e.kind, crate::FailureKind::Permanent, "{e}");
        assert!(e.message.contains("changed while it was read"), "{e}");
    }
}
