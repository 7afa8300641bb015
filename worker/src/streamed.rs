//! A `Read + Seek` view of planned byte ranges of an object in storage, fetched in bounded
//! windows as the reader advances: a job holds one window of compressed bytes at a time, not
//! its whole slice, and bytes after the point where reading stops are never fetched.
//!
//! As with [`crate::sparse::SparseFile`], reading a byte outside the planned ranges is an
//! error, never a silent end of file. A storage failure is kept in the shared
//! [`StreamStats`], so the job reports it as a storage failure (transient or not), not as a
//! corrupt file.

use crate::sparse::seek_to;
use crate::storage::{Storage, StorageError, StorageErrorKind};
use std::cell::RefCell;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;
use std::rc::Rc;

/// Largest window fetched in one request: a job's resident compressed bytes.
pub const WINDOW: u64 = 1 << 20;

/// What a [`StreamedSlice`] fetched, and the storage failure that stopped it.
#[derive(Debug, Default)]
pub struct StreamStats {
    /// Bytes fetched.
    pub bytes: u64,
    /// Requests made.
    pub requests: u64,
    /// The storage failure behind an I/O error, if any.
    pub failure: Option<StorageError>,
}

/// Shared handle on a slice's [`StreamStats`] (the reader owns the slice).
pub type SharedStats = Rc<RefCell<StreamStats>>;

/// Planned ranges of one object, read window by window.
pub struct StreamedSlice<'a> {
    storage: &'a dyn Storage,
    uri: &'a str,
    /// The version every read must match (`If-Match` on S3), if known.
    version: Option<&'a str>,
    /// Permitted ranges, sorted and disjoint.
    ranges: Vec<Range<u64>>,
    size: u64,
    pos: u64,
    /// The window held: its offset and bytes.
    window: (u64, Vec<u8>),
    stats: SharedStats,
}

impl<'a> StreamedSlice<'a> {
    /// A view of `uri` (of `size` bytes, pinned to `version` when given) that may read only
    /// `ranges`; fetches are counted in `stats`.
    pub fn new(
        storage: &'a dyn Storage,
        (uri, version): (&'a str, Option<&'a str>),
        mut ranges: Vec<Range<u64>>,
        size: u64,
        stats: SharedStats,
    ) -> Self {
        ranges.sort_by_key(|r| r.start);
        Self {
            storage,
            uri,
            version,
            ranges,
            size,
            pos: 0,
            window: (0, Vec::new()),
            stats,
        }
    }

    /// Fetches the window starting at `self.pos`, within its planned range.
    fn fill(&mut self) -> io::Result<()> {
        let i = self.ranges.partition_point(|r| r.start <= self.pos);
        let Some(range) = i
            .checked_sub(1)
            .and_then(|i| self.ranges.get(i))
            .filter(|r| self.pos < r.end)
        else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "read at byte {} outside the planned ranges (a slice-planning bug)",
                    self.pos
                ),
            ));
        };
        let end = range.end.min(self.pos + WINDOW).min(self.size);
        let wanted = self.pos..end;
        let result = self
            .storage
            .get_range_if(self.uri, wanted.clone(), self.version);
        let mut stats = self.stats.borrow_mut();
        stats.requests += 1;
        let bytes = match result {
            Ok(bytes) if bytes.len() as u64 == end - wanted.start => bytes,
            Ok(bytes) => {
                let e = StorageError::new(
                    StorageErrorKind::Transient,
                    self.uri,
                    format!(
                        "short read of bytes {}-{}: got {} of {} bytes",
                        wanted.start,
                        end - 1,
                        bytes.len(),
                        end - wanted.start
                    ),
                );
                return Err(keep(&mut stats, e));
            }
            Err(e) => return Err(keep(&mut stats, e)),
        };
        stats.bytes += bytes.len() as u64;
        self.window = (wanted.start, bytes);
        Ok(())
    }
}

/// Records a storage failure and turns it into the I/O error the reader sees.
fn keep(stats: &mut StreamStats, e: StorageError) -> io::Error {
    let message = e.to_string();
    stats.failure = Some(e);
    io::Error::other(message)
}

impl Read for StreamedSlice<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.size || buf.is_empty() {
            return Ok(0);
        }
        let (offset, bytes) = &self.window;
        if self.pos < *offset || self.pos >= offset + bytes.len() as u64 {
            self.fill()?;
        }
        let (offset, bytes) = &self.window;
        let start = (self.pos - offset) as usize;
        let n = buf.len().min(bytes.len() - start);
        buf[..n].copy_from_slice(&bytes[start..start + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for StreamedSlice<'_> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.pos = seek_to(pos, self.pos, self.size)?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::LocalStorage;

    #[test]
    fn reads_planned_ranges_window_by_window_and_refuses_the_rest() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        let data: Vec<u8> = (0..(WINDOW as usize * 2 + 100))
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(&path, &data).expect("write");
        let uri = path.to_string_lossy().into_owned();
        let stats = SharedStats::default();
        let size = data.len() as u64;
        let mut f = StreamedSlice::new(
            &LocalStorage,
            (&uri, None),
            std::iter::once(10..WINDOW * 2 + 50).collect(),
            size,
            stats.clone(),
        );
        f.seek(SeekFrom::Start(10)).expect("seek");
        let mut all = Vec::new();
        let mut buf = vec![0u8; 70_000];
        loop {
            match f.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => all.extend_from_slice(&buf[..n]),
                Err(e) => {
                    assert!(e.to_string().contains("outside the planned ranges"), "{e}");
                    break;
                }
            }
        }
        assert_eq!(all, data[10..(WINDOW * 2 + 50) as usize]);
        let s = stats.borrow();
        assert_eq!(
            s.bytes,
            WINDOW * 2 + 40,
            "every planned byte once, no other"
        );
        assert_eq!(s.requests, 3);
        assert!(s.failure.is_none());
    }

    #[test]
    fn a_storage_failure_is_kept_for_the_job_to_report() {
        let stats = SharedStats::default();
        let mut f = StreamedSlice::new(
            &LocalStorage,
            ("/no/such/file", None),
            std::iter::once(0..10).collect(),
            10,
            stats.clone(),
        );
        assert!(f.read(&mut [0u8; 4]).is_err());
        let failure = stats.borrow_mut().failure.take().expect("kept");
        assert_eq!(failure.kind, StorageErrorKind::NotFound);
    }
}
