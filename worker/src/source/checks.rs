//! Checks of an index's bytes before noodles reads them, and of what it read: noodles reserves
//! room for as many entries as a count says and indexes tables by bin id, so a mutated index
//! would otherwise abort or panic the worker, or the coordinator planning the cohort (found
//! by fuzzing).

use crate::error::JobError;
use noodles::csi::{self, BinningIndex};
use std::io::Read;

/// Most bytes a CSI may inflate to: far above any real one (a whole-genome CSI is a few MB),
/// so a small file that inflates without end is refused, not read into memory.
pub const MAX_CSI_BYTES: u64 = 256 << 20;

/// Reads counts at positions of an index's (uncompressed) bytes.
struct Counts<'a> {
    uri: &'a str,
    bytes: &'a [u8],
}

impl Counts<'_> {
    fn invalid(&self, what: String) -> JobError {
        JobError::permanent(format!("{} is not a valid index: {what}", self.uri))
    }

    /// The count (an `int32`) at `at` of entries of at least `each` bytes, and where the
    /// entries start; a count the bytes that follow cannot hold is refused.
    fn count(&self, at: usize, what: &str, each: usize) -> Result<(usize, usize), JobError> {
        let raw = self
            .bytes
            .get(at..at.saturating_add(4))
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .ok_or_else(|| self.invalid(format!("it ends before its {what}")))?;
        let n = i32::from_le_bytes(raw);
        let n = usize::try_from(n).map_err(|_| self.invalid(format!("its {what} is {n}")))?;
        let left = self.bytes.len().saturating_sub(at + 4);
        if n.saturating_mul(each) > left {
            return Err(self.invalid(format!(
                "its {what} is {n}, more than the {left} bytes that follow can hold"
            )));
        }
        Ok((n, at + 4))
    }
}

/// Walks a BAI's counts: every count must be one the bytes that follow can hold (a mutated
/// count made noodles reserve 247 GB).
pub fn check_bai_counts(uri: &str, bytes: &[u8]) -> Result<(), JobError> {
    // After the magic (noodles checks it): the reference sequences, each its bins (an id,
    // then chunks of 16 bytes) and its linear index (8 bytes an interval).
    let bai = Layout {
        reference_bytes: 8,
        bin_bytes: 8,
        chunks_at: 4,
        intervals: true,
    };
    bai.walk(&Counts { uri, bytes }, 4)
}

/// Inflates a CSI (BGZF) and walks its counts as [`check_bai_counts`] does a BAI's; a CSI that
/// does not inflate, or inflates past [`MAX_CSI_BYTES`], is refused. noodles inflates it
/// again to read it (its reader of inflated bytes is private): once per sample and worker,
/// a few MB at most.
pub fn check_csi_counts(uri: &str, compressed: &[u8]) -> Result<(), JobError> {
    check_csi_within(uri, compressed, MAX_CSI_BYTES)
}

fn check_csi_within(uri: &str, compressed: &[u8], most: u64) -> Result<(), JobError> {
    let mut bytes = Vec::new();
    noodles::bgzf::io::Reader::new(compressed)
        .take(most + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| JobError::permanent(format!("{uri} is not a valid index: {e}")))?;
    if bytes.len() as u64 > most {
        return Err(JobError::permanent(format!(
            "{uri} is not a valid index: it inflates to more than {most} bytes"
        )));
    }
    let c = Counts { uri, bytes: &bytes };
    // After the magic, minimum shift and depth: the auxiliary data, then the reference
    // sequences, each its bins (an id, an offset, then chunks of 16 bytes).
    let (aux, at) = c.count(12, "auxiliary data length", 1)?;
    let csi = Layout {
        reference_bytes: 4,
        bin_bytes: 16,
        chunks_at: 12,
        intervals: false,
    };
    csi.walk(&c, at + aux)
}

/// Where a binning index's counts lie in a reference sequence's entry.
struct Layout {
    /// Fewest bytes of a reference sequence (its counts).
    reference_bytes: usize,
    /// Fewest bytes of a bin (before its chunks).
    bin_bytes: usize,
    /// Offset of a bin's chunk count in the bin.
    chunks_at: usize,
    /// Whether a linear index (8 bytes an interval) follows the bins.
    intervals: bool,
}

impl Layout {
    /// Walks the reference sequences from their count at `at`.
    fn walk(&self, c: &Counts<'_>, at: usize) -> Result<(), JobError> {
        let (references, mut at) =
            c.count(at, "number of reference sequences", self.reference_bytes)?;
        for _ in 0..references {
            let (bins, next) = c.count(at, "number of bins", self.bin_bytes)?;
            at = next;
            for _ in 0..bins {
                let (chunks, next) = c.count(at + self.chunks_at, "number of chunks", 16)?;
                at = next + chunks * 16;
            }
            if self.intervals {
                let (intervals, next) = c.count(at, "number of intervals", 8)?;
                at = next + intervals * 8;
            }
        }
        Ok(())
    }
}

/// Refuses a BAI/CSI holding a bin beyond its depth's last bin: noodles' query indexes a
/// table by bin id and would panic on it (found by fuzzing a mutated BAI).
pub fn check_bins<I>(uri: &str, idx: &csi::binning_index::Index<I>) -> Result<(), JobError>
where
    I: csi::binning_index::index::reference_sequence::Index,
{
    let max =
        csi::binning_index::index::reference_sequence::bin::Bin::max_id(idx.depth()).unwrap_or(0);
    for (rid, rs) in idx.reference_sequences().iter().enumerate() {
        if let Some(bin) = rs.bins().keys().find(|&&id| id > max) {
            return Err(JobError::permanent(format!(
                "{uri} is not a valid index: reference sequence {rid} has bin {bin}, beyond \
                 the last bin ({max}) of its depth"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A BAI whose counts claim more entries than its bytes hold is refused with what is
    /// wrong, before noodles reserves memory for them (it aborted on 247 GB).
    #[test]
    fn a_bai_counting_more_entries_than_its_bytes_hold_is_refused() {
        let bai = |references: i32, bins: i32, chunks: i32| {
            let mut b = b"BAI\x01".to_vec();
            for n in [references, bins, 4681, chunks] {
                b.extend(n.to_le_bytes());
            }
            b.extend([0; 16]); // one chunk
            b.extend(0i32.to_le_bytes()); // no intervals
            b
        };
        assert!(super::super::parse_index("a.bam.bai", &bai(1, 1, 1)).is_ok());
        for (bytes, what) in [
            (
                bai(i32::MAX, 1, 1),
                "number of reference sequences is 2147483647",
            ),
            (bai(1, 1 << 30, 1), "number of bins"),
            (bai(1, 1, 1 << 28), "number of chunks"),
            (bai(-1, 1, 1), "is -1"),
            (b"BAI\x01\x01".to_vec(), "ends before"),
        ] {
            match super::super::parse_index("a.bam.bai", &bytes) {
                Ok(_) => panic!("accepted: {what}"),
                Err(e) => assert!(
                    e.message.contains(what) && e.message.contains("a.bam.bai"),
                    "{e}"
                ),
            }
        }
    }

    /// A CSI of one reference sequence with one bin of `chunks` chunks (their count as
    /// written: `claimed`), BGZF-compressed.
    fn csi(aux: i32, references: i32, bins: i32, claimed: i32) -> Vec<u8> {
        let mut b = b"CSI\x01".to_vec();
        for n in [14, 5, aux, references, bins] {
            b.extend(i32::to_le_bytes(n));
        }
        b.extend(4681u32.to_le_bytes()); // bin id
        b.extend(0u64.to_le_bytes()); // its offset
        b.extend(claimed.to_le_bytes());
        b.extend([0; 16]); // one chunk
        let mut w = noodles::bgzf::io::Writer::new(Vec::new());
        w.write_all(&b).expect("in memory");
        w.finish().expect("in memory")
    }

    /// The same for a CSI, inflated first: a count its bytes cannot hold, or bytes that
    /// inflate past the bound, are refused before noodles reads it.
    #[test]
    fn a_csi_counting_more_entries_than_its_bytes_hold_is_refused() {
        assert!(super::super::parse_index("a.bam.csi", &csi(0, 1, 1, 1)).is_ok());
        for (bytes, what) in [
            (csi(0, 1, i32::MAX, 1), "number of bins is 2147483647"),
            (csi(0, 1, 1, 1 << 28), "number of chunks"),
            (csi(0, 1 << 30, 1, 1), "number of reference sequences"),
            (csi(1 << 30, 1, 1, 1), "auxiliary data length"),
            (csi(0, -5, 1, 1), "is -5"),
            (
                b"not bgzf at all".to_vec(),
                "a.bam.csi is not a valid index",
            ),
        ] {
            match super::super::parse_index("a.bam.csi", &bytes) {
                Ok(_) => panic!("accepted: {what}"),
                Err(e) => assert!(
                    e.message.contains(what) && e.message.contains("a.bam.csi"),
                    "{e}"
                ),
            }
        }
        let zeros = {
            let mut w = noodles::bgzf::io::Writer::new(Vec::new());
            w.write_all(&[0; 1 << 16]).expect("in memory");
            w.finish().expect("in memory")
        };
        let e = check_csi_within("big.csi", &zeros, 1 << 12).expect_err("past the bound");
        assert!(
            e.message.contains("inflates to more than 4096 bytes"),
            "{e}"
        );
    }
}
