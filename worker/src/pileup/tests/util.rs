//! Helpers of the pileup tests: records built with noodles' builders from a CIGAR string,
//! counted over positions 101..150 of a small reference.

use crate::pileup::counter::RegionCounter;
use esr1_proto::{CallingParams, GenomicRegion, ReferenceBlock, RegionQc, SiteCounts};
use noodles::core::Position;
use noodles::sam::alignment::{
    record::{cigar::Op, Flags, MappingQuality},
    RecordBuf,
};
use noodles::sam::header::record::value::{map::ReferenceSequence, Map};
use noodles::sam::{self, alignment::record::cigar::op::Kind};
use std::num::NonZeroUsize;

pub(super) const REF: &[u8] = b"ACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTAC"; // positions 101..150

pub(super) fn header() -> sam::Header {
    sam::Header::builder()
        .add_reference_sequence(
            "chr6",
            Map::<ReferenceSequence>::new(NonZeroUsize::new(1000).unwrap_or(NonZeroUsize::MIN)),
        )
        .build()
}

pub(super) fn parse_cigar(s: &str) -> Vec<Op> {
    let mut ops = Vec::new();
    let mut n = 0usize;
    for c in s.chars() {
        if let Some(d) = c.to_digit(10) {
            n = n * 10 + d as usize;
        } else {
            let kind = match c {
                'M' => Kind::Match,
                'I' => Kind::Insertion,
                'D' => Kind::Deletion,
                'S' => Kind::SoftClip,
                _ => Kind::Skip,
            };
            ops.push(Op::new(kind, n));
            n = 0;
        }
    }
    ops
}

pub(super) struct Read<'a> {
    pub(super) name: &'a str,
    pub(super) flags: u16,
    pub(super) start: usize,
    pub(super) cigar: &'a str,
    pub(super) seq: &'a [u8],
    pub(super) qual: u8,
    pub(super) mapq: u8,
    pub(super) mate_start: Option<usize>,
}

pub(super) fn record(r: Read<'_>) -> RecordBuf {
    let mut b = RecordBuf::builder()
        .set_name(r.name)
        .set_flags(Flags::from(r.flags))
        .set_reference_sequence_id(0)
        .set_alignment_start(Position::new(r.start).unwrap_or(Position::MIN))
        .set_cigar(parse_cigar(r.cigar).into_iter().collect())
        .set_sequence(r.seq.to_vec().into())
        .set_quality_scores(vec![r.qual; r.seq.len()].into());
    if let Some(m) = MappingQuality::new(r.mapq) {
        b = b.set_mapping_quality(m);
    }
    if let Some(ms) = r.mate_start {
        b = b
            .set_mate_reference_sequence_id(0)
            .set_mate_alignment_start(Position::new(ms).unwrap_or(Position::MIN));
    }
    b.build()
}

pub(super) fn count(records: &[RecordBuf]) -> (Vec<SiteCounts>, Vec<ReferenceBlock>, RegionQc) {
    count_on(REF, records)
}

/// Counts records over positions 101..150 of another reference.
pub(super) fn count_on(
    reference: &[u8],
    records: &[RecordBuf],
) -> (Vec<SiteCounts>, Vec<ReferenceBlock>, RegionQc) {
    count_with(counter(reference, vec![]), records)
}

/// A counter of positions 101..150 of `reference` (chr6) that reports `report_sites`.
pub(super) fn counter(reference: &[u8], report_sites: Vec<u64>) -> RegionCounter {
    let region = GenomicRegion {
        contig: "chr6".into(),
        start: 101,
        end: 150,
    };
    RegionCounter::new(
        region,
        Some(0),
        reference.to_vec(),
        CallingParams::default(),
        report_sites,
    )
}

/// Gives a counter the records and finishes it.
pub(super) fn count_with(
    mut c: RegionCounter,
    records: &[RecordBuf],
) -> (Vec<SiteCounts>, Vec<ReferenceBlock>, RegionQc) {
    let h = header();
    for r in records {
        c.add_record(&h, r).unwrap_or_else(|e| panic!("{e}"));
    }
    c.finish()
}

pub(super) fn depth_at(blocks: &[ReferenceBlock], sites: &[SiteCounts], pos: u64) -> u32 {
    if let Some(s) = sites.iter().find(|s| s.pos == pos) {
        return s.depth();
    }
    blocks
        .iter()
        .find(|b| b.start <= pos && pos <= b.end)
        .map_or(0, |b| b.min_depth)
}

/// Reference bases for 1-based positions [start, start + len).
pub(super) fn ref_seq(start: usize, len: usize) -> Vec<u8> {
    REF[start - 101..start - 101 + len].to_vec()
}

pub(super) const PAIRED_FWD: u16 = 0x1 | 0x2 | 0x20 | 0x40; // mate reverse, first
pub(super) const PAIRED_REV: u16 = 0x1 | 0x2 | 0x10 | 0x80; // reverse, last

/// Positions 101..150; `AAAA` at 109-112 after `C` at 108, `CACACACA` at 116-123 after `C`
/// at 115. Known answers below are from `bcftools norm -f` on this sequence.
pub(super) const REPEATS: &[u8] = b"TTGCAGCCAAAAGTCCACACACAGTTGCATGCAATCGGTACGATCGTAGC";

pub(super) fn repeat_seq(start: usize, len: usize) -> Vec<u8> {
    REPEATS[start - 101..start - 101 + len].to_vec()
}

pub(super) fn single(name: &str, flags: u16, start: usize, cigar: &str, seq: &[u8]) -> RecordBuf {
    record(Read {
        name,
        flags,
        start,
        cigar,
        seq,
        qual: 30,
        mapq: 60,
        mate_start: None,
    })
}

pub(super) fn indels_at(sites: &[SiteCounts], pos: u64) -> Vec<(String, u32, u32)> {
    sites
        .iter()
        .find(|s| s.pos == pos)
        .map(|s| {
            s.indels
                .iter()
                .map(|a| (a.allele.clone(), a.forward, a.reverse))
                .collect()
        })
        .unwrap_or_default()
}
