//! A `Read + Seek` view of a file of which only some byte ranges were fetched.
//!
//! Reading a byte that was not fetched is an error, never a silent end of file: a reader that
//! stopped early would drop records without a trace (the failure mode of htslib's S3 bug).

use std::io::{self, Read, Seek, SeekFrom};

/// Largest BGZF block (compressed): the slack a ranged read takes after the last byte it must
/// decode (a chunk end in a BAM, a position in a bgzip FASTA).
pub const MAX_BLOCK: u64 = 65_536;

/// Fetched byte ranges of a file of known size.
#[derive(Debug, Clone, Default)]
pub struct SparseFile {
    /// `(offset, bytes)`, sorted, non-overlapping.
    pieces: Vec<(u64, Vec<u8>)>,
    size: u64,
    pos: u64,
}

impl SparseFile {
    /// A view of a file of `size` bytes holding the given pieces.
    pub fn new(mut pieces: Vec<(u64, Vec<u8>)>, size: u64) -> Self {
        pieces.sort_by_key(|(o, _)| *o);
        Self {
            pieces,
            size,
            pos: 0,
        }
    }

    /// Bytes held.
    pub fn held(&self) -> u64 {
        self.pieces.iter().map(|(_, b)| b.len() as u64).sum()
    }
}

impl Read for SparseFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.size || buf.is_empty() {
            return Ok(0);
        }
        let i = self.pieces.partition_point(|(o, _)| *o <= self.pos);
        let piece = i.checked_sub(1).and_then(|i| self.pieces.get(i));
        let Some((offset, bytes)) = piece.filter(|(o, b)| self.pos < o + b.len() as u64) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "read at byte {} outside the fetched ranges (a slice-planning bug)",
                    self.pos
                ),
            ));
        };
        let start = (self.pos - offset) as usize;
        let n = buf.len().min(bytes.len() - start);
        buf[..n].copy_from_slice(&bytes[start..start + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for SparseFile {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.pos = seek_to(pos, self.pos, self.size)?;
        Ok(self.pos)
    }
}

/// Where a seek from `current` in a file of `size` bytes lands (any position at or after the
/// start; reading past the end is the reader's end of file).
pub fn seek_to(pos: SeekFrom, current: u64, size: u64) -> io::Result<u64> {
    match pos {
        SeekFrom::Start(p) => Some(p),
        SeekFrom::End(d) => size.checked_add_signed(d),
        SeekFrom::Current(d) => current.checked_add_signed(d),
    }
    .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inside_pieces_and_refuses_gaps() {
        let mut f = SparseFile::new(vec![(10, b"abcdef".to_vec()), (0, b"01".to_vec())], 100);
        let mut buf = [0u8; 4];
        f.seek(SeekFrom::Start(12)).ok();
        assert_eq!(f.read(&mut buf).ok(), Some(4));
        assert_eq!(&buf, b"cdef");
        assert!(f.read(&mut buf).is_err(), "byte 16 was not fetched");
        f.seek(SeekFrom::Start(100)).ok();
        assert_eq!(f.read(&mut buf).ok(), Some(0), "end of file is a real end");
        assert_eq!(f.held(), 8);
    }
}
