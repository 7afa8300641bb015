//! One sample's merged evidence: its job results in region order and summed QC, with the
//! look-ups the cohort tests and the classification need (depth, site counts, allele
//! evidence), and [`Columns`] for the same look-ups across the cohort at many positions.

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

    /// Whether its results are in region order, each with its sites and blocks in position
    /// order (as the merge keeps them): then a pass over increasing positions can move
    /// forward through them ([`Columns`]).
    fn is_ordered(&self) -> bool {
        self.results
            .windows(2)
            .all(|w| w[0].region.start <= w[1].region.start)
            && self.results.iter().all(|r| {
                r.sites.windows(2).all(|w| w[0].pos < w[1].pos)
                    && r.blocks.windows(2).all(|w| w[0].end < w[1].start)
            })
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

mod columns;
pub use columns::{AlleleColumn, Columns};
