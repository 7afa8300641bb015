//! One sample's merged evidence: its job results in region order and summed QC, with the
//! look-ups the cohort tests and the classification need (depth, site counts, allele
//! evidence), and [`PositionWalk`] for the same look-ups at increasing positions.

use esr1_proto::{RegionQc, RegionResult, SampleCall, SampleRef, SiteCounts};

/// A sample's merged data.
#[derive(Debug, Clone)]
pub struct SampleData {
    /// The sample.
    pub sample: SampleRef,
    /// Results in region order.
    pub results: Vec<RegionResult>,
    /// Summed QC.
    pub qc: RegionQc,
}

impl SampleData {
    /// Depth at a position, from exact sites or reference blocks.
    pub fn depth_at(&self, pos: u64) -> Option<u32> {
        self.results
            .iter()
            .find(|r| r.region.contains(pos))
            .and_then(|r| r.depth_at(pos))
    }

    /// Exact counts at a reported site.
    pub fn site(&self, pos: u64) -> Option<&SiteCounts> {
        let r = self.results.iter().find(|r| r.region.contains(pos))?;
        r.sites
            .binary_search_by_key(&pos, |s| s.pos)
            .ok()
            .map(|i| &r.sites[i])
    }

    /// All candidate calls.
    pub fn calls(&self) -> impl Iterator<Item = &SampleCall> {
        self.results.iter().flat_map(|r| r.calls.iter())
    }

    /// (alt fragments, depth) of an allele at a position, whether called or not.
    pub fn allele_evidence(&self, pos: u64, ref_allele: &str, alt: &str) -> (u32, u32) {
        let depth = self.depth_at(pos).unwrap_or(0);
        evidence(depth, self.site(pos), ref_allele, alt)
    }
}

/// (alt fragments, depth) of an allele given the depth and the reported site (if any) at its
/// position.
fn evidence(depth: u32, site: Option<&SiteCounts>, ref_allele: &str, alt: &str) -> (u32, u32) {
    let Some(site) = site else {
        return (0, depth);
    };
    let (forward, reverse) = site.allele_support(ref_allele, alt);
    (forward + reverse, site.depth())
}

/// A sample's depth and reported site at increasing positions, as [`SampleData::depth_at`]
/// and [`SampleData::site`] give them, found by moving forward through its results, sites
/// and blocks instead of searching them at every position: a pass over many positions costs
/// the positions plus the sample's data, not the positions times a search.
#[derive(Debug)]
pub struct PositionWalk<'a> {
    results: &'a [RegionResult],
    /// Results are in region order (as the merge keeps them); otherwise every look-up
    /// searches, as [`SampleData`]'s own do.
    ordered: bool,
    data: &'a SampleData,
    result: usize,
    site: usize,
    block: usize,
    last: u64,
}

impl<'a> PositionWalk<'a> {
    /// A walk over `data` from its first position.
    pub fn new(data: &'a SampleData) -> Self {
        let results = data.results.as_slice();
        let ordered = results
            .windows(2)
            .all(|w| w[0].region.start <= w[1].region.start)
            && results.iter().all(|r| {
                r.sites.windows(2).all(|w| w[0].pos < w[1].pos)
                    && r.blocks.windows(2).all(|w| w[0].end < w[1].start)
            });
        Self {
            results,
            ordered,
            data,
            result: 0,
            site: 0,
            block: 0,
            last: 0,
        }
    }

    /// `(depth, reported site)` at `pos` (depth 0 where nothing covers it). Positions must
    /// not decrease from one call to the next.
    pub fn at(&mut self, pos: u64) -> (u32, Option<&'a SiteCounts>) {
        if !self.ordered || pos < self.last {
            let site = self.data.site(pos);
            return (self.data.depth_at(pos).unwrap_or(0), site);
        }
        self.last = pos;
        // The first result whose region contains `pos`: with regions in start order, none
        // ending before `pos` can contain it or any later position.
        while self
            .results
            .get(self.result)
            .is_some_and(|r| r.region.end < pos)
        {
            self.result += 1;
            self.site = 0;
            self.block = 0;
        }
        let Some(r) = self
            .results
            .get(self.result)
            .filter(|r| r.region.contains(pos))
        else {
            return (0, None);
        };
        while r.sites.get(self.site).is_some_and(|s| s.pos < pos) {
            self.site += 1;
        }
        if let Some(site) = r.sites.get(self.site).filter(|s| s.pos == pos) {
            return (site.depth(), Some(site));
        }
        while r.blocks.get(self.block).is_some_and(|b| b.end < pos) {
            self.block += 1;
        }
        let depth = r
            .blocks
            .get(self.block)
            .filter(|b| b.start <= pos)
            .map_or(0, |b| b.min_depth);
        (depth, None)
    }

    /// [`SampleData::allele_evidence`] at `pos` (not before the last position asked).
    pub fn allele_evidence(&mut self, pos: u64, ref_allele: &str, alt: &str) -> (u32, u32) {
        let (depth, site) = self.at(pos);
        evidence(depth, site, ref_allele, alt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use esr1_proto::{BaseCounts, GenomicRegion, ReferenceBlock};

    fn result(
        start: u64,
        end: u64,
        sites: &[(u64, u32)],
        blocks: &[(u64, u64, u32)],
    ) -> RegionResult {
        let region = GenomicRegion {
            contig: "chr6".into(),
            start,
            end,
        };
        let mut r = RegionResult::new("j", "S", region);
        r.sites = sites
            .iter()
            .map(|&(pos, a)| SiteCounts {
                pos,
                ref_base: 'A',
                forward: BaseCounts {
                    a,
                    ..BaseCounts::default()
                },
                ..SiteCounts::default()
            })
            .collect();
        r.blocks = blocks
            .iter()
            .map(|&(start, end, min_depth)| ReferenceBlock {
                start,
                end,
                min_depth,
                max_alt: 0,
            })
            .collect();
        r
    }

    fn sample(results: Vec<RegionResult>) -> SampleData {
        SampleData {
            sample: SampleRef {
                patient: "P".into(),
                sample: "S".into(),
                day: 0,
                material: esr1_proto::Material::Tumor,
                therapy: "AI".into(),
                alignments: "S.bam".into(),
                index: None,
            },
            results,
            qc: RegionQc::default(),
        }
    }

    #[test]
    fn a_walk_finds_what_the_lookups_find_at_every_position() {
        let ordered = sample(vec![
            result(1, 100, &[(5, 7), (50, 9)], &[(10, 20, 3), (60, 99, 4)]),
            result(101, 200, &[(101, 2), (150, 8)], &[(102, 149, 5)]),
            // Overlapping the previous region: the first region containing a position wins.
            result(180, 300, &[(190, 1), (250, 6)], &[(251, 260, 2)]),
        ]);
        let mut shuffled = ordered.clone();
        shuffled.results.reverse();
        for data in [&ordered, &shuffled] {
            let mut walk = PositionWalk::new(data);
            for pos in (0..320).chain([310, 5, 250]) {
                let (depth, site) = walk.at(pos);
                assert_eq!(depth, data.depth_at(pos).unwrap_or(0), "depth at {pos}");
                assert_eq!(
                    site.map(|s| s.pos),
                    data.site(pos).map(|s| s.pos),
                    "site at {pos}"
                );
                let mut again = PositionWalk::new(data);
                assert_eq!(
                    again.allele_evidence(pos, "A", "A"),
                    data.allele_evidence(pos, "A", "A")
                );
            }
        }
    }
}
