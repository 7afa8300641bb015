//! One sample's merged evidence: its job results in region order and summed QC, with the
//! look-ups the cohort tests and the classification need (depth, site counts, allele
//! evidence).

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
        let Some(site) = self.site(pos) else {
            return (0, depth);
        };
        let (forward, reverse) = site.allele_support(ref_allele, alt);
        let alt_count = forward + reverse;
        (alt_count, site.depth())
    }
}
