//! Where a sample is cut into jobs changes nothing it reports: two jobs cut on a
//! [`BLOCK_GRID`] line give the sites (expected errors to the last bit), blocks and QC of
//! one job over both regions. And the cells of the grid no fragment reached, written as
//! depth 0 without reading their tables, report what walking them would.

use super::util::*;
use crate::pileup::counter::RegionCounter;
use esr1_proto::{CallingParams, GenomicRegion, ReferenceBlock, RegionQc, SiteCounts, BLOCK_GRID};
use noodles::sam::alignment::RecordBuf;

/// A small deterministic generator (the tests need no crate for it).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

const BASES: &[u8; 4] = b"ACGT";
/// The reference's first position (reads start before the regions and run past them).
const REF_START: u64 = 601;
/// The first region's first position.
const FIRST: u64 = 801;
const READ: usize = 100;

/// Pairs of 100-bp reads from fragments of 110–200 bp starting over 700–1,300 (so mates
/// overlap, and some reach into a region only through their mate), each read of one quality
/// (15–41, some below the minimum), a base in a thousand wrong; in coordinate order.
fn fragments(reference: &[u8], rng: &mut Lcg) -> Vec<RecordBuf> {
    fragments_over(reference, rng, (700, 600), "f")
}

/// [`fragments`] starting over `from..from + spread`, named `prefix` and a number.
fn fragments_over(
    reference: &[u8],
    rng: &mut Lcg,
    (from, spread): (usize, u64),
    prefix: &str,
) -> Vec<RecordBuf> {
    let mut reads: Vec<(usize, RecordBuf)> = Vec::new();
    for f in 0..400 {
        let start = from + rng.below(spread) as usize;
        let length = 110 + rng.below(91) as usize;
        let mate = start + length - READ;
        let name = format!("{prefix}{f}");
        for (pos, flags, mate_start) in [(start, PAIRED_FWD, mate), (mate, PAIRED_REV, start)] {
            let mut seq: Vec<u8> = (pos..pos + READ)
                .map(|p| reference[p - REF_START as usize])
                .collect();
            for base in seq.iter_mut() {
                if rng.below(1_000) == 0 {
                    *base = BASES[rng.below(4) as usize];
                }
            }
            let qual = 15 + rng.below(27) as u8;
            let read = record(Read {
                name: &name,
                flags,
                start: pos,
                cigar: "100M",
                seq: &seq,
                qual,
                mapq: 60,
                mate_start: Some(mate_start),
            });
            reads.push((pos, read));
        }
    }
    reads.sort_by_key(|(pos, _)| *pos);
    reads.into_iter().map(|(_, r)| r).collect()
}

/// Counts `start..=end` from the records an indexed query of it returns (those overlapping
/// it, in order).
fn job(
    reference: &[u8],
    (start, end): (u64, u64),
    records: &[RecordBuf],
) -> (Vec<SiteCounts>, Vec<ReferenceBlock>, RegionQc) {
    let region = GenomicRegion {
        contig: "chr6".into(),
        start,
        end,
    };
    let bases = reference[(start - REF_START) as usize..].to_vec();
    let counter = RegionCounter::new(region, Some(0), bases, CallingParams::default(), vec![]);
    let overlapping: Vec<RecordBuf> = records
        .iter()
        .filter(|r| {
            let s = r.alignment_start().map_or(0, usize::from) as u64;
            s <= end && s + READ as u64 > start
        })
        .cloned()
        .collect();
    count_with(counter, &overlapping)
}

#[test]
fn two_jobs_cut_on_a_grid_line_report_what_one_job_over_both_does() {
    let mut rng = Lcg(7);
    let reference: Vec<u8> = (0..1_000).map(|_| BASES[rng.below(4) as usize]).collect();
    let records = fragments(&reference, &mut rng);
    let line = BLOCK_GRID + 1;
    let (end, cuts) = (1_400, [(FIRST, line - 1), (line, 1_400)]);
    let (sites, blocks, qc) = job(&reference, (FIRST, end), &records);
    let parts: Vec<_> = cuts.iter().map(|&c| job(&reference, c, &records)).collect();

    // Enough evidence that a difference would show: alt sites on both sides, and blocks
    // that would run through the line if nothing stopped them.
    assert!(sites.len() > 20 && sites.iter().any(|s| s.pos < line) && blocks.len() > 20);
    assert!(blocks.iter().all(|b| b.start > line - 1 || b.end < line));
    assert!(blocks.iter().any(|b| b.end == line - 1) && blocks.iter().any(|b| b.start == line));

    let joined_sites: Vec<SiteCounts> = parts.iter().flat_map(|p| p.0.clone()).collect();
    assert_eq!(
        sites, joined_sites,
        "sites, expected errors to the last bit"
    );
    let joined_blocks: Vec<ReferenceBlock> = parts.iter().flat_map(|p| p.1.clone()).collect();
    assert_eq!(blocks, joined_blocks);
    let sum = |f: fn(&RegionQc) -> u64| parts.iter().map(|p| f(&p.2)).sum::<u64>();
    assert_eq!(qc.reads_seen, sum(|q| q.reads_seen));
    assert_eq!(qc.low_base_quality, sum(|q| q.low_base_quality));
    assert_eq!(qc.discordant_mate_bases, sum(|q| q.discordant_mate_bases));
}

#[test]
fn a_stretch_without_reads_is_one_block_across_grid_lines() {
    // A panel's introns: no restart per grid cell (cut or not, a depth-0 part says the same).
    let region = GenomicRegion {
        contig: "chr6".into(),
        start: 1,
        end: 3 * BLOCK_GRID + 10,
    };
    let bases = vec![b'A'; region.len() as usize];
    let counter = RegionCounter::new(region, Some(0), bases, CallingParams::default(), vec![]);
    let (sites, blocks, _) = count_with(counter, &[]);
    assert!(sites.is_empty());
    let whole = ReferenceBlock {
        start: 1,
        end: 3 * BLOCK_GRID + 10,
        min_depth: 0,
        max_alt: 0,
    };
    assert_eq!(blocks, [whole]);
}

#[test]
fn cells_no_fragment_reached_report_what_walking_every_cell_does() {
    // Two clusters of fragments (over cells 0-1 and 4-5) with cells 2 and 3 between them,
    // which finish writes as depth 0 without reading their tables; reported sites inside
    // them, at cells' first positions too.
    let mut rng = Lcg(11);
    let reference: Vec<u8> = (0..6_000).map(|_| BASES[rng.below(4) as usize]).collect();
    let mut records = fragments_over(&reference, &mut rng, (700, 600), "a");
    records.extend(fragments_over(&reference, &mut rng, (5_000, 300), "b"));
    records.sort_by_key(|r| r.alignment_start().map_or(0, usize::from));
    let cell = |k: u64| (k * BLOCK_GRID + 1, (k + 1) * BLOCK_GRID);
    let sites_wanted = vec![cell(2).0, 2_500, cell(3).0, 5_100];
    let new = || {
        let region = GenomicRegion {
            contig: "chr6".into(),
            start: FIRST,
            end: 6_500,
        };
        let bases = reference[(FIRST - REF_START) as usize..].to_vec();
        let params = CallingParams::default();
        RegionCounter::new(region, Some(0), bases, params, sites_wanted.clone())
    };
    let h = header();
    let mut skipping = new();
    for r in &records {
        skipping.add_record(&h, r).unwrap_or_else(|e| panic!("{e}"));
    }
    // Cells 2 and 3, and 6 after the second cluster, were never reached.
    assert_eq!(skipping.untouched_cells(), 3);
    let (sites, blocks, qc) = skipping.finish();
    let walked = count_with(new().walking_every_cell(), &records);
    assert_eq!(sites, walked.0, "sites, expected errors to the last bit");
    assert_eq!(blocks, walked.1);
    assert_eq!(qc, walked.2);
    // The requested sites in the unreached cells are there, at depth 0, between blocks of
    // depth 0.
    for pos in [cell(2).0, 2_500, cell(3).0] {
        assert_eq!(
            sites.iter().find(|s| s.pos == pos).map(|s| s.depth()),
            Some(0)
        );
    }
    let zero = |start, end| ReferenceBlock {
        start,
        end,
        min_depth: 0,
        max_alt: 0,
    };
    assert!(blocks.contains(&zero(cell(2).0 + 1, 2_499)));
    assert!(blocks.contains(&zero(2_501, cell(3).0 - 1)));
    assert!(blocks
        .iter()
        .any(|b| b.start == cell(3).0 + 1 && b.min_depth == 0));
    assert!(sites.iter().any(|s| s.pos > 5_000 && s.depth() > 0));
}
