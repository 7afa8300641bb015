//! Indel left-alignment, alone and across mates.

use super::util::*;

#[test]
fn a_homopolymer_deletion_is_anchored_before_the_run_however_it_was_aligned() {
    // One A of AAAA (109-112) deleted: aligned at 112 by one read, at 110 by another.
    let mut seq = repeat_seq(101, 11);
    seq.extend(repeat_seq(113, 10));
    let at_112 = single("a", 0, 101, "11M1D10M", &seq);
    let at_110 = single("b", 0x10, 101, "9M1D12M", &seq);
    let (sites, _, _) = count_on(REPEATS, &[at_112, at_110]);
    assert_eq!(indels_at(&sites, 108), vec![("-1".to_owned(), 1, 1)]);
    for pos in [109, 110, 111, 112] {
        assert!(indels_at(&sites, pos).is_empty(), "position {pos}");
    }
    // The deletion now spans 109; the read's A moved to 112.
    let s109 = sites.iter().find(|s| s.pos == 109).expect("deleted site");
    assert_eq!(
        (s109.forward.del, s109.reverse.del, s109.depth()),
        (1, 1, 2)
    );
    assert!(sites.iter().all(|s| s.pos != 112), "112 reads A in both");
}

#[test]
fn a_dinucleotide_repeat_insertion_moves_left_and_rotates() {
    // CA inserted after 123 (the last A of CACACACA): bcftools norm gives C>CCA at 115.
    let mut seq = repeat_seq(101, 23);
    seq.extend_from_slice(b"CA");
    seq.extend(repeat_seq(124, 10));
    let r = single("i", 0, 101, "23M2I10M", &seq);
    // The same insertion written as AC after 122.
    let mut seq2 = repeat_seq(101, 22);
    seq2.extend_from_slice(b"AC");
    seq2.extend(repeat_seq(123, 11));
    let r2 = single("j", 0x10, 101, "22M2I11M", &seq2);
    let (sites, _, _) = count_on(REPEATS, &[r, r2]);
    assert_eq!(indels_at(&sites, 115), vec![("+CA".to_owned(), 1, 1)]);
    assert_eq!(sites.iter().map(|s| s.pos).collect::<Vec<_>>(), vec![115]);
}

#[test]
fn indels_outside_repeats_do_not_move() {
    // T deleted at 114 after G (bcftools norm keeps 113 GT>G); GG inserted after A at 105.
    let mut del = repeat_seq(101, 13);
    del.extend(repeat_seq(115, 10));
    let mut ins = repeat_seq(101, 5);
    ins.extend_from_slice(b"GG");
    ins.extend(repeat_seq(106, 10));
    let (sites, _, _) = count_on(
        REPEATS,
        &[
            single("d", 0, 101, "13M1D10M", &del),
            single("i", 0, 101, "5M2I10M", &ins),
        ],
    );
    assert_eq!(indels_at(&sites, 113), vec![("-1".to_owned(), 1, 0)]);
    assert_eq!(indels_at(&sites, 105), vec![("+GG".to_owned(), 1, 0)]);
}

#[test]
fn left_alignment_stops_at_the_region_start() {
    // AAAA at 101-104: the deletion of 104 would move before the region; it stops at 101.
    let mut reference = REPEATS.to_vec();
    reference[..4].copy_from_slice(b"AAAA");
    let mut seq = reference[..3].to_vec();
    seq.extend_from_slice(&reference[4..14]);
    let (sites, _, _) = count_on(&reference, &[single("d", 0, 101, "3M1D10M", &seq)]);
    assert_eq!(indels_at(&sites, 101), vec![("-1".to_owned(), 1, 0)]);
}

#[test]
fn mates_showing_one_deletion_aligned_differently_count_once() {
    let mut s1 = repeat_seq(101, 11);
    s1.extend(repeat_seq(113, 10));
    let r1 = record(Read {
        name: "p",
        flags: PAIRED_FWD,
        start: 101,
        cigar: "11M1D10M",
        seq: &s1,
        qual: 30,
        mapq: 60,
        mate_start: Some(105),
    });
    let mut s2 = repeat_seq(105, 5);
    s2.extend(repeat_seq(111, 15));
    let r2 = record(Read {
        name: "p",
        flags: PAIRED_REV,
        start: 105,
        cigar: "5M1D15M",
        seq: &s2,
        qual: 30,
        mapq: 60,
        mate_start: Some(101),
    });
    let (sites, _, qc) = count_on(REPEATS, &[r1, r2]);
    assert_eq!(indels_at(&sites, 108), vec![("-1".to_owned(), 1, 0)]);
    assert_eq!(qc.discordant_mate_bases, 0);
    let s109 = sites.iter().find(|s| s.pos == 109).expect("deleted site");
    assert_eq!(s109.depth(), 1);
}

#[test]
fn a_deletion_both_mates_carry_takes_the_strand_of_the_mate_whose_anchor_base_is_kept() {
    // 5M3D5M from 101 (deletion of 106–108) in both mates of one fragment; the reverse mate
    // has the better anchor base, so the fragment counts on the reverse strand, as its
    // bases there do (it was always the first mate's forward strand: a strand bias made
    // by the merge, not by the sample).
    let mut del = ref_seq(101, 5);
    del.extend(ref_seq(109, 5));
    let mate = |flags, qual, mate_start| {
        record(Read {
            name: "d",
            flags,
            start: 101,
            cigar: "5M3D5M",
            seq: &del,
            qual,
            mapq: 60,
            mate_start: Some(mate_start),
        })
    };
    let (sites, _, qc) = count(&[mate(PAIRED_FWD, 25, 101), mate(PAIRED_REV, 35, 101)]);
    assert_eq!(qc.discordant_mate_bases, 0);
    assert_eq!(indels_at(&sites, 105), vec![("-3".to_owned(), 0, 1)]);
    let anchor = sites.iter().find(|s| s.pos == 105).expect("anchor site");
    assert_eq!((anchor.forward.total(), anchor.reverse.total()), (0, 1));
    // With the forward mate better, it counts forward.
    let (sites, _, _) = count(&[mate(PAIRED_FWD, 35, 101), mate(PAIRED_REV, 25, 101)]);
    assert_eq!(indels_at(&sites, 105), vec![("-3".to_owned(), 1, 0)]);
}
