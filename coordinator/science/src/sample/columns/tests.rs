//! Tests of [`super`]: columns against the look-ups, position by position.

use super::*;
use crate::sample::JobData;
use esr1_proto::{
    AlleleCount, BaseCounts, GenomicRegion, ReferenceBlock, RegionResult, SampleRef, SiteCounts,
};

/// A fixed pseudo-random generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % below
    }
}

/// A result over `start..=end` with random sites (some with an insertion) and blocks between
/// them; with `messy`, a block may also cover a site.
fn result(rng: &mut Rng, start: u64, end: u64, messy: bool) -> RegionResult {
    let region = GenomicRegion {
        contig: "chr6".into(),
        start,
        end,
    };
    let mut r = RegionResult::new("j", "S", region);
    let mut pos = start;
    while pos <= end {
        let len = 1 + rng.next(6);
        if rng.next(3) == 0 {
            let mut site = SiteCounts {
                pos,
                ref_base: 'C',
                forward: BaseCounts {
                    c: rng.next(50) as u32,
                    t: rng.next(3) as u32,
                    ..BaseCounts::default()
                },
                reverse: BaseCounts {
                    c: rng.next(50) as u32,
                    ..BaseCounts::default()
                },
                ..SiteCounts::default()
            };
            if rng.next(4) == 0 {
                site.indels.push(AlleleCount {
                    allele: "+A".into(),
                    forward: 1,
                    reverse: rng.next(2) as u32,
                });
            }
            r.sites.push(site);
            if messy && rng.next(5) == 0 {
                r.blocks.push(ReferenceBlock {
                    start: pos.saturating_sub(1).max(start),
                    end: pos,
                    min_depth: rng.next(30) as u32,
                    max_alt: 0,
                });
                pos += 1;
                continue;
            }
            pos += 1;
        } else if rng.next(4) > 0 {
            let last = (pos + len - 1).min(end);
            r.blocks.push(ReferenceBlock {
                start: pos,
                end: last,
                min_depth: rng.next(40) as u32,
                max_alt: 0,
            });
            pos = last + 1;
        } else {
            pos += len;
        }
    }
    r
}

fn sample(i: usize, results: Vec<RegionResult>) -> SampleData {
    SampleData::new(
        SampleRef {
            patient: format!("P{i}"),
            sample: format!("S{i}"),
            day: 0,
            material: esr1_proto::Material::Tumor,
            therapy: "AI".into(),
            alignments: "S.bam".into(),
            index: None,
        },
        results.into_iter().map(JobData::from).collect(),
    )
}

/// Samples of every shape: regions in order, adjacent or overlapping or with gaps, out of
/// order, and with blocks wrongly covering sites.
fn cohort(rng: &mut Rng) -> Vec<SampleData> {
    (0..40)
        .map(|i| {
            let messy = i % 5 == 4;
            let mut results = Vec::new();
            let mut start = 1 + rng.next(20);
            for _ in 0..1 + rng.next(3) {
                let end = start + 20 + rng.next(60);
                results.push(result(rng, start, end, messy));
                // Next region: adjacent, overlapping or after a gap.
                start = match rng.next(3) {
                    0 => end + 1,
                    1 => end.saturating_sub(rng.next(15)).max(start + 1),
                    _ => end + 1 + rng.next(10),
                };
            }
            if i % 7 == 6 {
                results.reverse();
            }
            sample(i, results)
        })
        .collect()
}

#[test]
fn columns_give_what_the_lookups_give_at_every_position() {
    let mut rng = Rng(7);
    for round in 0..20 {
        let cohort = cohort(&mut rng);
        let samples: Vec<&SampleData> = cohort.iter().collect();
        let positions: Vec<u64> = (0..260).filter(|_| rng.next(3) > 0).collect();
        // Three groups by index, every fifth sample left out.
        let group_of = |i: usize| (i % 5 != 3).then_some(i % 3);
        let columns = Columns::new(&samples, positions.clone(), 3, group_of);
        assert_eq!(columns.positions(), positions.as_slice());
        for (j, &pos) in positions.iter().enumerate() {
            for (support, allele) in [(b'T', "T"), (b'A', "CA")] {
                let got = columns.allele(j, |site| site.allele_total("C", allele));
                let mut zero_alt = vec![Sums::default(); 3];
                let mut alt = Vec::new();
                for (i, s) in samples.iter().enumerate() {
                    let Some(g) = group_of(i) else { continue };
                    let (k, n) = s.allele_evidence(pos, "C", allele);
                    if k == 0 {
                        zero_alt[g].add(0, n);
                    } else {
                        alt.push((i, k, n));
                    }
                }
                let what = format!("round {round}, position {pos}, alt {}", support as char);
                assert_eq!(got.zero_alt, zero_alt, "{what}");
                assert_eq!(got.alt, alt, "{what}");
            }
            let with_site: Vec<(usize, usize)> = samples
                .iter()
                .enumerate()
                .filter(|(_, s)| s.site(pos).is_some())
                .filter_map(|(i, _)| Some((i, group_of(i)?)))
                .collect();
            let listed: Vec<(usize, usize)> =
                columns.sites(j).iter().map(|&(i, g, _)| (i, g)).collect();
            assert_eq!(listed, with_site, "round {round}, sites at {pos}");
        }
    }
}
