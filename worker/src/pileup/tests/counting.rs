//! Counting: mates once, discordant bases, filters, base quality, indel anchoring, requested
//! sites and reference blocks.

use super::util::*;
use crate::pileup::counter::RegionCounter;
use esr1_proto::{CallingParams, GenomicRegion, ReferenceBlock, SiteCounts};
use noodles::sam::alignment::RecordBuf;

#[test]
fn an_overlapping_pair_is_counted_once_and_strand_is_kept() {
    let r1 = record(Read {
        name: "f1",
        flags: PAIRED_FWD,
        start: 101,
        cigar: "20M",
        seq: &ref_seq(101, 20),
        qual: 30,
        mapq: 60,
        mate_start: Some(111),
    });
    let r2 = record(Read {
        name: "f1",
        flags: PAIRED_REV,
        start: 111,
        cigar: "20M",
        seq: &ref_seq(111, 20),
        qual: 35,
        mapq: 60,
        mate_start: Some(101),
    });
    let (sites, blocks, qc) = count(&[r1, r2]);
    assert!(sites.is_empty());
    for pos in [101, 110, 111, 120, 121, 130] {
        assert_eq!(depth_at(&blocks, &sites, pos), 1, "position {pos}");
    }
    assert_eq!(depth_at(&blocks, &sites, 131), 0);
    assert_eq!(qc.reads_seen, 2);
    assert_eq!(qc.discordant_mate_bases, 0);
}

#[test]
fn discordant_mate_bases_are_not_evidence_and_concordant_alts_count_once() {
    let mut s1 = ref_seq(101, 20);
    let mut s2 = ref_seq(111, 20);
    s1[14] = b'T'; // position 115: mate 1 says T (ref C)
    s1[16] = b'C'; // position 117: both mates say C (ref A)
    s2[6] = b'C';
    let ref117 = REF[16];
    assert_eq!(ref117, b'A', "test premise");
    let r1 = record(Read {
        name: "f",
        flags: PAIRED_FWD,
        start: 101,
        cigar: "20M",
        seq: &s1,
        qual: 30,
        mapq: 60,
        mate_start: Some(111),
    });
    let r2 = record(Read {
        name: "f",
        flags: PAIRED_REV,
        start: 111,
        cigar: "20M",
        seq: &s2,
        qual: 30,
        mapq: 60,
        mate_start: Some(101),
    });
    let (sites, blocks, qc) = count(&[r1, r2]);
    assert_eq!(qc.discordant_mate_bases, 1);
    assert_eq!(
        depth_at(&blocks, &sites, 115),
        0,
        "discordant base is not counted"
    );
    let s117 = sites
        .iter()
        .find(|s| s.pos == 117)
        .expect("alt site reported");
    assert_eq!(s117.depth(), 1);
    assert_eq!(s117.base_total(b'C'), 1);
}

#[test]
fn duplicates_secondary_and_low_mapq_reads_are_filtered_by_reason() {
    let seq = ref_seq(101, 10);
    let dup = record(Read {
        name: "d",
        flags: 0x400,
        start: 101,
        cigar: "10M",
        seq: &seq,
        qual: 30,
        mapq: 60,
        mate_start: None,
    });
    let sec = record(Read {
        name: "s",
        flags: 0x100,
        start: 101,
        cigar: "10M",
        seq: &seq,
        qual: 30,
        mapq: 60,
        mate_start: None,
    });
    let low = record(Read {
        name: "l",
        flags: 0,
        start: 101,
        cigar: "10M",
        seq: &seq,
        qual: 30,
        mapq: 5,
        mate_start: None,
    });
    let ok = record(Read {
        name: "o",
        flags: 0,
        start: 101,
        cigar: "10M",
        seq: &seq,
        qual: 30,
        mapq: 60,
        mate_start: None,
    });
    let (sites, blocks, qc) = count(&[dup, sec, low, ok]);
    assert_eq!(qc.reads_seen, 4);
    assert_eq!(
        (
            qc.filtered.duplicate,
            qc.filtered.secondary,
            qc.filtered.low_mapq
        ),
        (1, 1, 1)
    );
    assert_eq!(depth_at(&blocks, &sites, 105), 1);
}

#[test]
fn bases_below_minimum_quality_are_not_counted() {
    let mut seq = ref_seq(101, 10);
    seq[4] = b'G'; // an alt at position 105, on a low-quality read
    let low = record(Read {
        name: "q",
        flags: 0,
        start: 101,
        cigar: "10M",
        seq: &seq,
        qual: 10,
        mapq: 60,
        mate_start: None,
    });
    let (sites, blocks, qc) = count(&[low]);
    assert!(sites.is_empty(), "low-quality alt is no evidence");
    assert_eq!(depth_at(&blocks, &sites, 105), 0);
    assert_eq!(qc.low_base_quality, 10);
}

#[test]
fn insertion_and_deletion_are_anchored_at_the_base_before_them() {
    // 5M2I5M from 101: insertion of GG after 105.
    let mut ins = ref_seq(101, 5);
    ins.extend_from_slice(b"GG");
    ins.extend(ref_seq(106, 5));
    let r_ins = record(Read {
        name: "i",
        flags: 0,
        start: 101,
        cigar: "5M2I5M",
        seq: &ins,
        qual: 30,
        mapq: 60,
        mate_start: None,
    });
    // 5M3D5M from 101: deletion of 106-108.
    let mut del = ref_seq(101, 5);
    del.extend(ref_seq(109, 5));
    let r_del = record(Read {
        name: "d",
        flags: 0x10,
        start: 101,
        cigar: "5M3D5M",
        seq: &del,
        qual: 30,
        mapq: 60,
        mate_start: None,
    });
    let (sites, blocks, _) = count(&[r_ins, r_del]);
    let anchor = sites.iter().find(|s| s.pos == 105).expect("anchor site");
    let alleles: Vec<(&str, u32, u32)> = anchor
        .indels
        .iter()
        .map(|a| (a.allele.as_str(), a.forward, a.reverse))
        .collect();
    assert_eq!(alleles, vec![("+GG", 1, 0), ("-3", 0, 1)]);
    for pos in 106..=108 {
        let s = sites
            .iter()
            .find(|s| s.pos == pos)
            .expect("deleted positions are alt sites");
        assert_eq!((s.reverse.del, s.depth()), (1, 2), "position {pos}");
    }
    assert_eq!(depth_at(&blocks, &sites, 109), 2);
    // The calls carry VCF alleles.
    let calls = esr1_science::calling::call_site(
        anchor,
        &REF[5..],
        &CallingParams {
            min_alt_reads: 1,
            max_error_p: 1.0,
            ..Default::default()
        },
    );
    let vcf: Vec<(String, String)> = calls
        .into_iter()
        .map(|c| (c.ref_allele, c.alt_allele))
        .collect();
    assert!(vcf.contains(&("A".into(), "AGG".into())), "{vcf:?}");
    assert!(vcf.contains(&("ACGT".into(), "A".into())), "{vcf:?}");
}

#[test]
fn requested_sites_are_reported_without_alt_and_blocks_cover_the_rest() {
    let mut c = counter(REF, vec![120]);
    let h = header();
    let seq = ref_seq(101, 30);
    for i in 0..4 {
        let r = record(Read {
            name: &format!("r{i}"),
            flags: 0,
            start: 101,
            cigar: "30M",
            seq: &seq,
            qual: 30,
            mapq: 60,
            mate_start: None,
        });
        c.add_record(&h, &r).unwrap_or_else(|e| panic!("{e}"));
    }
    let (sites, blocks, _) = c.finish();
    assert_eq!(sites.len(), 1);
    assert_eq!((sites[0].pos, sites[0].depth()), (120, 4));
    // Blocks and sites tile the region exactly.
    let covered: u64 = blocks.iter().map(|b| b.end - b.start + 1).sum::<u64>() + sites.len() as u64;
    assert_eq!(covered, 50);
    assert_eq!(
        blocks.last().map(|b| (b.start, b.end, b.min_depth)),
        Some((131, 150, 0))
    );
}

#[test]
fn fragments_are_counted_by_orientation_whichever_mate_shows_the_base() {
    // Position 105 is A; every read below shows C there.
    let alt = |start: usize, len: usize| {
        let mut s = ref_seq(start, len);
        s[105 - start] = b'C';
        s
    };
    let pair = |name: &'static str, first_flags: u16, second_flags: u16| {
        [
            record(Read {
                name,
                flags: first_flags,
                start: 101,
                cigar: "20M",
                seq: &alt(101, 20),
                qual: 30,
                mapq: 60,
                mate_start: Some(140),
            }),
            record(Read {
                name,
                flags: second_flags,
                start: 140,
                cigar: "10M",
                seq: &ref_seq(140, 10),
                qual: 30,
                mapq: 60,
                mate_start: Some(101),
            }),
        ]
    };
    // F1R2: the first read forward (carrying the alt), its mate reverse.
    let [a1, a2] = pair("a", PAIRED_FWD, PAIRED_REV);
    // F2R1: the second read forward (carrying the alt), the first reverse.
    let [b1, b2] = pair("b", 0x1 | 0x2 | 0x20 | 0x80, 0x1 | 0x2 | 0x10 | 0x40);
    // An unpaired forward read is F1R2, an unpaired reverse one F2R1.
    let c = single("c", 0, 101, "20M", &alt(101, 20));
    let d = single("d", 0x10, 101, "20M", &alt(101, 20));
    let (sites, _, _) = count(&[a1, b1, c, d, a2, b2]);
    let s = sites
        .iter()
        .find(|s| s.pos == 105)
        .unwrap_or_else(|| panic!("no site"));
    assert_eq!(s.base_total(b'C'), 4);
    assert_eq!(s.orientations(b'C'), (2, 2));
    // Overlapping mates are one fragment with the first read's orientation.
    let mate = |flags: u16, qual: u8| {
        record(Read {
            name: "e",
            flags,
            start: 101,
            cigar: "20M",
            seq: &alt(101, 20),
            qual,
            mapq: 60,
            mate_start: Some(101),
        })
    };
    let (r1, r2) = (
        mate(0x1 | 0x2 | 0x10 | 0x40, 30),
        mate(0x1 | 0x2 | 0x20 | 0x80, 35),
    );
    let (sites, _, _) = count(&[r1, r2]);
    let s = sites
        .iter()
        .find(|s| s.pos == 105)
        .unwrap_or_else(|| panic!("no site"));
    assert_eq!(s.orientations(b'C'), (0, 1));
}

/// Unpaired reads of `REF` (10 bases) starting at `starts`; those at 131 read another base at
/// 135.
fn reads_at(starts: &[usize]) -> Vec<RecordBuf> {
    starts
        .iter()
        .map(|&start| {
            let mut seq = ref_seq(start, 10);
            if start == 131 {
                seq[135 - start] = if seq[135 - start] == b'A' { b'G' } else { b'A' };
            }
            record(Read {
                name: "r",
                flags: 0,
                start,
                cigar: "10M",
                seq: &seq,
                qual: 30,
                mapq: 60,
                mate_start: None,
            })
        })
        .collect()
}

#[test]
fn a_region_whose_reads_lie_at_its_end_counts_as_one_that_starts_at_them() {
    let reads = reads_at(&[131, 131, 133, 136, 141]);
    // The whole region, with reported sites before the reads and among them.
    let (sites, blocks, _) = count_with(counter(REF, vec![105, 110, 135]), &reads);
    // The same reads over a region that starts where they do.
    let tail = RegionCounter::new(
        GenomicRegion {
            contig: "chr6".into(),
            start: 131,
            end: 150,
        },
        Some(0),
        ref_seq(131, 20),
        CallingParams::default(),
        vec![135],
    );
    let (tail_sites, tail_blocks, _) = count_with(tail, &reads);
    assert!(tail_sites
        .iter()
        .any(|s| s.pos == 135 && s.depth() == 3 && s.base_total(b'A') == 2));
    let from = |s: &[SiteCounts]| {
        s.iter()
            .filter(|x| x.pos >= 131)
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(from(&sites), tail_sites);
    let blocks_from: Vec<ReferenceBlock> =
        blocks.iter().filter(|b| b.start >= 131).cloned().collect();
    assert_eq!(blocks_from, tail_blocks);
    // Before them: the reported sites at depth 0, and blocks of depth 0 around them.
    let before: Vec<(u64, u32)> = sites
        .iter()
        .filter(|x| x.pos < 131)
        .map(|x| (x.pos, x.depth()))
        .collect();
    assert_eq!(before, [(105, 0), (110, 0)]);
    let zero = |start, end| ReferenceBlock {
        start,
        end,
        min_depth: 0,
        max_alt: 0,
    };
    let blocks_before: Vec<ReferenceBlock> =
        blocks.iter().filter(|b| b.start < 131).cloned().collect();
    assert_eq!(
        blocks_before,
        [zero(101, 104), zero(106, 109), zero(111, 130)]
    );
}

#[test]
fn a_record_out_of_coordinate_order_is_still_counted_where_it_lies() {
    // The tables start at the first record (131); a later record at 111 grows them.
    let sorted = count_with(counter(REF, vec![112, 135]), &reads_at(&[111, 131, 136]));
    let unsorted = count_with(counter(REF, vec![112, 135]), &reads_at(&[131, 111, 136]));
    assert_eq!(depth_at(&unsorted.1, &unsorted.0, 112), 1);
    assert_eq!(depth_at(&unsorted.1, &unsorted.0, 120), 1);
    assert_eq!(depth_at(&unsorted.1, &unsorted.0, 125), 0);
    assert_eq!(sorted, unsorted);
}
