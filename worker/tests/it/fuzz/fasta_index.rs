//! Fuzz targets: the reference FASTA's indexes as a job reads them — the `.fai` text (mutated
//! bytes and records with arbitrary numbers) over a plain FASTA, and the `.gzi` (mutated bytes
//! and entries with arbitrary offsets) over the seed bgzip FASTA — queried at arbitrary
//! intervals. Every case must end in bases or an error, never a panic or a huge allocation.

use super::alignments::seeds;
use super::storage::MemoryStorage;
use super::{cases, mutate, mutations};
use esr1_worker::reference::{read_reference, ReferenceCache};
use proptest::prelude::*;

const PLAIN: &str = ">chr6 test\nACGTACGTAC\nGTACGTACGT\nACG\n>chr7\nTTTT\n";
const PLAIN_FAI: &str = "chr6\t23\t11\t10\t11\nchr7\t4\t52\t4\t5\n";

fn query(files: [(&str, Vec<u8>); 3], contig: &str, start: u64, end: u64) {
    let storage = MemoryStorage::default();
    for (uri, bytes) in files {
        storage.insert(uri, bytes);
    }
    let _ = read_reference(
        &storage,
        &ReferenceCache::default(),
        files_uri(),
        contig,
        start,
        end,
    );
}

fn files_uri() -> &'static str {
    "mem/ref.fa.gz"
}

fn plain(fai: Vec<u8>, contig: &str, start: u64, end: u64) {
    let storage = MemoryStorage::default();
    storage.insert("mem/ref.fa", PLAIN.as_bytes().to_vec());
    storage.insert("mem/ref.fa.fai", fai);
    let r = read_reference(
        &storage,
        &ReferenceCache::default(),
        "mem/ref.fa",
        contig,
        start,
        end,
    );
    if let Ok((bases, _)) = r {
        assert!(bases.len() as u64 <= end.saturating_sub(start) + 1 + PLAIN.len() as u64);
    }
}

/// Positions: small ones inside the seed contigs, and anything.
fn position() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..40, 152_000_000u64..152_100_000, any::<u64>()]
}

proptest! {
    #![proptest_config(cases(1000))]

    #[test]
    fn mutated_fai_bytes_give_bases_or_an_error(
        edits in mutations(6),
        start in position(),
        len in 0u64..100,
    ) {
        plain(mutate(PLAIN_FAI.as_bytes(), &edits), "chr6", start, start.saturating_add(len));
    }

    #[test]
    fn fai_records_with_arbitrary_numbers_give_bases_or_an_error(
        numbers in prop::collection::vec(
            prop_oneof![0u64..64, any::<u64>(), Just(u64::MAX), Just(i64::MAX as u64)], 4),
        start in position(),
        len in 0u64..100,
    ) {
        let fai = format!(
            "chr6\t{}\t{}\t{}\t{}\n",
            numbers[0], numbers[1], numbers[2], numbers[3]
        );
        plain(fai.into_bytes(), "chr6", start, start.saturating_add(len));
    }

    #[test]
    fn mutated_gzi_bytes_give_bases_or_an_error(
        edits in mutations(6),
        start in position(),
        len in 0u64..400,
    ) {
        let s = seeds();
        query(
            [
                (files_uri(), s.reference[0].clone()),
                ("mem/ref.fa.gz.fai", s.reference[1].clone()),
                ("mem/ref.fa.gz.gzi", mutate(&s.reference[2], &edits)),
            ],
            "chr6",
            start,
            start.saturating_add(len),
        );
    }

    #[test]
    fn gzi_entries_with_arbitrary_offsets_give_bases_or_an_error(
        entries in prop::collection::vec((any::<u64>(), any::<u64>()), 0..6),
        keep in any::<bool>(),
        start in position(),
        len in 0u64..400,
    ) {
        let s = seeds();
        let mut gzi = Vec::new();
        let seed_n = u64::from_le_bytes(s.reference[2][..8].try_into().unwrap_or_default());
        let n = entries.len() as u64 + if keep { seed_n } else { 0 };
        gzi.extend_from_slice(&n.to_le_bytes());
        if keep {
            gzi.extend_from_slice(&s.reference[2][8..]);
        }
        for (c, u) in &entries {
            gzi.extend_from_slice(&c.to_le_bytes());
            gzi.extend_from_slice(&u.to_le_bytes());
        }
        query(
            [
                (files_uri(), s.reference[0].clone()),
                ("mem/ref.fa.gz.fai", s.reference[1].clone()),
                ("mem/ref.fa.gz.gzi", gzi),
            ],
            "chr6",
            start,
            start.saturating_add(len),
        );
    }
}

#[test]
fn the_seed_indexes_read_bases() {
    let storage = MemoryStorage::default();
    storage.insert("mem/ref.fa", PLAIN.as_bytes().to_vec());
    storage.insert("mem/ref.fa.fai", PLAIN_FAI.as_bytes().to_vec());
    let r = read_reference(
        &storage,
        &ReferenceCache::default(),
        "mem/ref.fa",
        "chr6",
        9,
        13,
    );
    assert_eq!(r.map(|(b, _)| b), Ok(b"ACGTA".to_vec()));
}

/// Found by `fai_records_with_arbitrary_numbers…` (minimal input: a contig of
/// 3234983045734782642 bases, offset 0, 1 base per 6-byte line, read at
/// 3074457345618258568): the byte offset overflowed (a panic), and a line width far above
/// the bases per line could ask for any amount of memory.
#[test]
fn regression_a_fai_with_impossible_lines_or_offsets_is_an_error() {
    let read = |fai: &str, start: u64| {
        let storage = MemoryStorage::default();
        storage.insert("mem/ref.fa", PLAIN.as_bytes().to_vec());
        storage.insert("mem/ref.fa.fai", fai.as_bytes().to_vec());
        read_reference(
            &storage,
            &ReferenceCache::default(),
            "mem/ref.fa",
            "chr6",
            start,
            start + 36,
        )
        .unwrap_err()
        .message
    };
    let e = read(
        "chr6\t3234983045734782642\t0\t1\t6\n",
        3_074_457_345_618_258_568,
    );
    assert!(e.contains("lines of 6 bytes for 1 bases"), "{e}");
    let e = read("chr6\t100\t18446744073709551600\t10\t11\n", 50);
    assert!(e.contains("overflow"), "{e}");
}

/// Found by `mutated_gzi_bytes…` (a mutated `.gzi` placing the bases at compressed byte
/// 269,586,519 of a 1.3-MB file): the reader asked storage for an inverted byte range. Such
/// an index now fails the job, naming it.
#[test]
fn regression_a_gzi_pointing_past_the_end_of_the_fasta_is_an_error() {
    let s = seeds();
    let mut gzi = s.reference[2].clone();
    // Every entry's compressed offset far past the end of the file.
    for entry in gzi[8..].chunks_exact_mut(16) {
        entry[..8].copy_from_slice(&269_586_519u64.to_le_bytes());
    }
    let storage = MemoryStorage::default();
    storage.insert(files_uri(), s.reference[0].clone());
    storage.insert("mem/ref.fa.gz.fai", s.reference[1].clone());
    storage.insert("mem/ref.fa.gz.gzi", gzi);
    let e = read_reference(
        &storage,
        &ReferenceCache::default(),
        files_uri(),
        "chr6",
        152_094_400,
        152_094_500,
    )
    .expect_err("refused");
    assert!(e.message.contains(".gzi places bases"), "{e}");
}
