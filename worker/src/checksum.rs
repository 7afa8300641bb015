//! Content checksums of a job's inputs (`--verify-inputs`): SHA-256 of an alignment file's two
//! ends (its first and last [`END_BYTES`]: the header and the last records with the end-of-file
//! marker) and of its whole index. What a size and a modification time cannot see — a file
//! replaced by another of the same size whose time was restored (`touch -d`, `cp -p`,
//! `rsync -t`) — these see, for two small reads per sample.

use sha2::{Digest, Sha256};
use std::ops::Range;

/// Bytes hashed at each end of an alignment file.
pub const END_BYTES: u64 = 65_536;

/// Label of an alignment file's checksum: SHA-256 of its first and last 64 KiB.
pub const ENDS_LABEL: &str = "sha256-ends-64k";

/// Label of an index's checksum: SHA-256 of the whole file.
pub const WHOLE_LABEL: &str = "sha256";

/// The head of a file of `size` bytes: its first [`END_BYTES`].
pub fn head_range(size: u64) -> Range<u64> {
    0..END_BYTES.min(size)
}

/// The tail of a file of `size` bytes: its last [`END_BYTES`], without the bytes the head
/// already holds (so each byte is hashed once).
pub fn tail_range(size: u64) -> Range<u64> {
    size.saturating_sub(END_BYTES).max(head_range(size).end)..size
}

/// The hash state after a file's head, kept with an opened file until its tail is needed.
#[derive(Clone, Default)]
pub struct HeadHash(Sha256);

impl HeadHash {
    /// The state after `head` (the bytes of [`head_range`]).
    pub fn new(head: &[u8]) -> Self {
        Self(Sha256::new_with_prefix(head))
    }

    /// The file's checksum, given its tail (the bytes of [`tail_range`]).
    pub fn finish(&self, tail: &[u8]) -> String {
        let digest = self.0.clone().chain_update(tail).finalize();
        format!("{ENDS_LABEL}:{}", hex(&digest))
    }
}

/// The checksum of a whole file (an index).
pub fn whole_checksum(bytes: &[u8]) -> String {
    format!("{WHOLE_LABEL}:{}", hex(&Sha256::digest(bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checksum of `file` as a worker computes it: head, then tail.
    fn ends(file: &[u8]) -> String {
        let size = file.len() as u64;
        let (h, t) = (head_range(size), tail_range(size));
        HeadHash::new(&file[h.start as usize..h.end as usize])
            .finish(&file[t.start as usize..t.end as usize])
    }

    #[test]
    fn the_ends_checksum_sees_both_ends_and_only_them() {
        // SHA-256 of "abc", a published test vector.
        assert_eq!(
            whole_checksum(b"abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // A small file is hashed whole, each byte once.
        assert_eq!(head_range(10), 0..10);
        assert_eq!(tail_range(10), 10..10);
        assert_eq!(
            ends(b"abc"),
            format!("{ENDS_LABEL}:{}", &whole_checksum(b"abc")[7..])
        );
        // Between one and two ends long: the tail is what the head does not hold.
        assert_eq!(tail_range(END_BYTES + 100), END_BYTES..END_BYTES + 100);
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        assert_eq!(tail_range(300_000), 300_000 - END_BYTES..300_000);
        let base = ends(&big);
        assert!(
            base.starts_with("sha256-ends-64k:") && base.len() == 16 + 64,
            "{base}"
        );
        for (at, seen) in [(10, true), (299_990, true), (150_000, false)] {
            let mut changed = big.clone();
            changed[at] ^= 1;
            assert_eq!(ends(&changed) != base, seen, "a change at byte {at}");
        }
    }
}
