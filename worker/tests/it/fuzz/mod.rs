//! Fuzzing on stable Rust: property tests (`proptest`) drive the parsers that read untrusted
//! bytes — job and event messages, the slice reader on mutated BAM/BAI/CRAM/CRAI bytes, the
//! FASTA indexes (`.fai`, `.gzi`) — with a fixed number of cases each, so the suite stays
//! fast and `scripts/test.sh` (hence `.ci/run`) runs them every time. A target passes when
//! every input gives `Ok` or an error, never a panic; `ESR1_FUZZ_CASES` raises the count for
//! a longer local session.

mod alignments;
mod fasta_index;
mod messages;
mod storage;

use proptest::prelude::*;
use proptest::test_runner::Config;

/// Cases per target: `ESR1_FUZZ_CASES`, else `default`.
pub fn cases(default: u32) -> Config {
    let n = std::env::var("ESR1_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    Config {
        cases: n,
        // No files of persisted failures next to the sources: a failure prints its minimal
        // input, which becomes a named regression test.
        failure_persistence: None,
        ..Config::default()
    }
}

/// One edit of a byte string.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Overwrite the byte at (position mod length).
    Set(usize, u8),
    /// Flip one bit of the byte at (position mod length).
    Flip(usize, u8),
    /// Insert bytes at (position mod length + 1).
    Insert(usize, Vec<u8>),
    /// Delete up to `n` bytes from (position mod length).
    Delete(usize, usize),
    /// Cut the bytes at (position mod length + 1).
    Truncate(usize),
    /// Write a little-endian 32-bit value at (position mod length): lengths and counts.
    Int(usize, u32),
}

/// Edits that keep most of the input intact: a fuzzer's mutations of a valid seed.
pub fn mutation() -> impl Strategy<Value = Mutation> {
    let interesting = prop_oneof![
        Just(0u32),
        Just(1),
        Just(0x7fff_ffff),
        Just(0xffff_ffff),
        Just(0x8000_0000),
        Just(65_536),
        any::<u32>()
    ];
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Set(p, b)),
        4 => (any::<usize>(), 0u8..8).prop_map(|(p, b)| Mutation::Flip(p, b)),
        1 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(p, b)| Mutation::Insert(p, b)),
        1 => (any::<usize>(), 1usize..64).prop_map(|(p, n)| Mutation::Delete(p, n)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        2 => (any::<usize>(), interesting).prop_map(|(p, v)| Mutation::Int(p, v)),
    ]
}

/// Applies edits in order.
pub fn mutate(bytes: &[u8], edits: &[Mutation]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for m in edits {
        if b.is_empty() {
            break;
        }
        let at = |p: usize| p % b.len();
        match m {
            Mutation::Set(p, v) => {
                let i = at(*p);
                b[i] = *v;
            }
            Mutation::Flip(p, bit) => {
                let i = at(*p);
                b[i] ^= 1 << bit;
            }
            Mutation::Insert(p, v) => {
                let i = at(*p) + 1;
                b.splice(i..i, v.iter().copied());
            }
            Mutation::Delete(p, n) => {
                let i = at(*p);
                let j = (i + n).min(b.len());
                b.drain(i..j);
            }
            Mutation::Truncate(p) => {
                let i = at(*p) + 1;
                b.truncate(i);
            }
            Mutation::Int(p, v) => {
                let i = at(*p);
                for (k, byte) in v.to_le_bytes().into_iter().enumerate() {
                    if let Some(x) = b.get_mut(i + k) {
                        *x = byte;
                    }
                }
            }
        }
    }
    b
}

/// Up to `n` edits.
pub fn mutations(n: usize) -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec(mutation(), 1..=n)
}
