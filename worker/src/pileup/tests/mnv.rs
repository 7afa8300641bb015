//! Multi-nucleotide variants, read-end marks, and calling on top of the counts.

use super::util::*;
use esr1_proto::{CallingParams, MnvCount};

#[test]
fn phased_mismatches_are_one_mnv_and_marked_in_mnv_at_every_base() {
    // Fragment 1 (two overlapping mates): 120 C>G and 122 C>T, middle 121 A kept; the
    // second change is seen in the overlap. Fragment 2: the 122 change alone.
    let mut s1 = repeat_seq(101, 30);
    s1[19] = b'G';
    s1[21] = b'T';
    let r1 = record(Read {
        name: "m",
        flags: PAIRED_FWD,
        start: 101,
        cigar: "30M",
        seq: &s1,
        qual: 30,
        mapq: 60,
        mate_start: Some(121),
    });
    let mut s2 = repeat_seq(121, 20);
    s2[1] = b'T';
    let r2 = record(Read {
        name: "m",
        flags: PAIRED_REV,
        start: 121,
        cigar: "20M",
        seq: &s2,
        qual: 35,
        mapq: 60,
        mate_start: Some(101),
    });
    let mut s3 = repeat_seq(111, 30);
    s3[11] = b'T';
    let r3 = single("s", 0x10, 111, "30M", &s3);
    let (sites, _, _) = count_on(REPEATS, &[r1, r2, r3]);
    let at = |pos: u64| sites.iter().find(|s| s.pos == pos).expect("site");
    let s120 = at(120);
    assert_eq!(
        s120.mnvs,
        vec![MnvCount {
            ref_allele: "CAC".into(),
            alt_allele: "GAT".into(),
            forward: 1,
            reverse: 0,
        }]
    );
    assert_eq!(s120.in_mnv.g, 1);
    assert_eq!(s120.snv_only_support(b'G'), (0, 0));
    // 122: T from the MNV fragment (reverse mate had the better base) and the lone read.
    let s122 = at(122);
    assert_eq!(s122.base_total(b'T'), 2);
    assert_eq!((s122.in_mnv.t, s122.in_mnv_reverse.t), (1, 1));
    assert_eq!(s122.snv_only_support(b'T'), (0, 1));
    assert!(s122.mnvs.is_empty());
    assert_eq!(s122.allele_support("C", "T"), (0, 2));
    assert!(sites.iter().all(|s| s.pos != 121), "unchanged middle base");
}

#[test]
fn mismatches_further_apart_than_the_mnv_span_stay_snvs() {
    let mut s = repeat_seq(101, 30);
    s[9] = b'G'; // 110 A>G
    s[12] = b'C'; // 113 G>C: three bases on, outside a span of 3
    let (sites, _, _) = count_on(REPEATS, &[single("r", 0, 101, "30M", &s)]);
    assert_eq!(sites.len(), 2);
    assert!(sites
        .iter()
        .all(|s| s.mnvs.is_empty() && s.in_mnv.total() == 0));
}

#[test]
fn bases_near_read_ends_are_counted_without_soft_clips() {
    // 5S30M from 101: aligned bases 101..130; the first ten (101-110) and the last ten
    // (121-130) are near an end, the clip does not count.
    let mut seq = b"NNNNN".to_vec();
    let mut aligned = repeat_seq(101, 30);
    for i in [9, 10, 19, 20] {
        aligned[i] = if aligned[i] == b'A' { b'C' } else { b'A' };
    }
    seq.extend(aligned);
    let (sites, _, _) = count_on(REPEATS, &[single("e", 0, 101, "5S30M", &seq)]);
    let near: Vec<(u64, u32)> = sites
        .iter()
        .map(|s| (s.pos, s.near_read_end.total()))
        .collect();
    assert_eq!(near, vec![(110, 1), (111, 0), (120, 0), (121, 1)]);
}

#[test]
fn counted_and_called_a_phased_codon_change_is_one_call_and_a_lone_neighbour_snv_another() {
    // Five fragments change 125-126 TT>AG together; four others change only 126 T>G.
    let mut records = Vec::new();
    for i in 0..5 {
        let mut s = repeat_seq(101, 40);
        s[24] = b'A';
        s[25] = b'G';
        records.push(single(&format!("m{i}"), (i % 2) * 0x10, 101, "40M", &s));
    }
    for i in 0..4 {
        let mut s = repeat_seq(101, 40);
        s[25] = b'G';
        records.push(single(&format!("s{i}"), (i % 2) * 0x10, 101, "40M", &s));
    }
    for i in 0..40 {
        records.push(single(
            &format!("r{i}"),
            0,
            101,
            "40M",
            &repeat_seq(101, 40),
        ));
    }
    let (sites, _, _) = count_on(REPEATS, &records);
    let params = CallingParams {
        min_vaf: 0.0,
        max_error_p: 1.0,
        ..Default::default()
    };
    let calls = esr1_science::calling::call_region(&sites, REPEATS, 101, &params);
    let got = esr1_science::calling::alleles(&calls);
    assert_eq!(got, vec![(125, "TT", "AG", 5), (126, "T", "G", 4)]);
}

#[test]
fn near_read_end_follows_the_mate_whose_base_was_counted() {
    // 125 is mid-read in mate 1 (101-140) but the 5th base of mate 2 (121-150); each
    // fragment's better mate gives the base.
    let pair = |name: &str, q1: u8, q2: u8| {
        let mut s1 = repeat_seq(101, 40);
        s1[24] = b'C';
        let mut s2 = repeat_seq(121, 30);
        s2[4] = b'C';
        let m1 = record(Read {
            name,
            flags: PAIRED_FWD,
            start: 101,
            cigar: "40M",
            seq: &s1,
            qual: q1,
            mapq: 60,
            mate_start: Some(121),
        });
        let m2 = record(Read {
            name,
            flags: PAIRED_REV,
            start: 121,
            cigar: "30M",
            seq: &s2,
            qual: q2,
            mapq: 60,
            mate_start: Some(101),
        });
        (m1, m2)
    };
    let (a1, a2) = pair("a", 30, 35);
    let (b1, b2) = pair("b", 35, 30);
    let (sites, _, _) = count_on(REPEATS, &[a1, b1, a2, b2]);
    let s125 = sites.iter().find(|s| s.pos == 125).expect("alt site");
    assert_eq!((s125.forward.c, s125.reverse.c), (1, 1));
    assert_eq!(s125.near_read_end.c, 1);
}
