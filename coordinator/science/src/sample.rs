//! One sample's merged evidence, as the merge keeps it: per job ([`JobData`]) its region,
//! calls, QC and reference blocks, compact counts at every reported site ([`SiteEvidence`])
//! and the full counts only where the job made a call (the per-call filters read those);
//! with the look-ups the cohort tests and the classification need (depth, site counts, allele
//! evidence), and [`Columns`] for the same look-ups across the cohort at many positions.

use crate::deamination::TransitionCounts;
use esr1_proto::{
    AlleleCount, AlleleQuery, GenomicRegion, MnvCount, ReferenceBlock, RegionQc, RegionResult,
    SampleCall, SampleRef, SiteCounts,
};
use std::collections::BTreeSet;

/// What the cohort tests read of a reported site: depth and fragments per base (both strands
/// together), and its indel and MNV alleles. About a fifth of [`SiteCounts`]' size.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteEvidence {
    /// 1-based position.
    pub pos: u64,
    /// Reference base, as the site gave it.
    pub ref_base: char,
    depth: u32,
    /// Fragments reading A, C, G, T.
    bases: [u32; 4],
    alleles: Option<Box<(Vec<AlleleCount>, Vec<MnvCount>)>>,
}

impl SiteEvidence {
    /// The evidence of a site (its indel and MNV alleles moved, not copied).
    pub fn of(site: SiteCounts) -> Self {
        let bases = [b'A', b'C', b'G', b'T'].map(|b| site.base_total(b));
        let depth = site.depth();
        let alleles = (!site.indels.is_empty() || !site.mnvs.is_empty())
            .then(|| Box::new((site.indels, site.mnvs)));
        Self {
            pos: site.pos,
            ref_base: site.ref_base,
            depth,
            bases,
            alleles,
        }
    }

    /// Fragments covering the position ([`SiteCounts::depth`]).
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// Fragments reading `base` on both strands ([`SiteCounts::base_total`]).
    pub fn base_total(&self, base: u8) -> u32 {
        match base.to_ascii_uppercase() {
            b'A' => self.bases[0],
            b'C' => self.bases[1],
            b'G' => self.bases[2],
            b'T' => self.bases[3],
            _ => 0,
        }
    }

    /// Fragments supporting one VCF allele anchored here, both strands: the sum of
    /// [`SiteCounts::allele_support`].
    pub fn allele_total(&self, ref_allele: &str, alt: &str) -> u32 {
        self.support(&AlleleQuery::new(ref_allele, alt))
    }

    /// [`Self::allele_total`] of an allele read once for many sites.
    pub fn support(&self, allele: &AlleleQuery) -> u32 {
        let (indels, mnvs) = self
            .alleles
            .as_deref()
            .map_or((&[][..], &[][..]), |(i, m)| (i.as_slice(), m.as_slice()));
        let (forward, reverse) =
            allele.support(self.ref_base, |b| (self.base_total(b), 0), indels, mnvs);
        forward + reverse
    }
}

/// What the merge keeps of one job's result (see the module notes).
#[derive(Debug, Clone)]
pub struct JobData {
    /// The region counted.
    pub region: GenomicRegion,
    /// Every reported site, in position order as the worker wrote them.
    pub sites: Vec<SiteEvidence>,
    /// The full counts of the sites at the positions of its calls, in position order.
    call_sites: Vec<SiteCounts>,
    /// Reference blocks.
    pub blocks: Vec<ReferenceBlock>,
    /// Candidate variants with their per-sample test.
    pub calls: Vec<SampleCall>,
    /// Counters.
    pub qc: RegionQc,
    /// Low-fraction transitions over its sites (the formalin signature).
    pub transitions: TransitionCounts,
}

impl From<RegionResult> for JobData {
    fn from(r: RegionResult) -> Self {
        let transitions = TransitionCounts::of_sites(&r.sites);
        let called: BTreeSet<u64> = r.calls.iter().map(|c| c.pos).collect();
        let mut call_sites = Vec::new();
        // A new vector, not the results' own reused in place: that would keep its capacity.
        let mut sites = Vec::with_capacity(r.sites.len());
        for site in r.sites {
            if called.contains(&site.pos) {
                call_sites.push(site.clone());
            }
            sites.push(SiteEvidence::of(site));
        }
        Self {
            region: r.region,
            sites,
            call_sites,
            blocks: r.blocks,
            calls: r.calls,
            qc: r.qc,
            transitions,
        }
    }
}

impl JobData {
    /// Depth at a position of the region: exact at a reported site, the block minimum
    /// elsewhere ([`RegionResult::depth_at`]).
    pub fn depth_at(&self, pos: u64) -> Option<u32> {
        esr1_proto::depth_among(&self.sites, |s| (s.pos, s.depth), &self.blocks, pos)
    }

    fn site(&self, pos: u64) -> Option<&SiteEvidence> {
        let i = self.sites.binary_search_by_key(&pos, |s| s.pos).ok()?;
        Some(&self.sites[i])
    }
}

/// A sample's merged data.
#[derive(Debug, Clone)]
pub struct SampleData {
    /// The sample.
    pub sample: SampleRef,
    /// Results in region order.
    pub results: Vec<JobData>,
    /// Summed QC.
    pub qc: RegionQc,
}

impl SampleData {
    /// A sample's data from its jobs' results (in the order given), its QC summed.
    pub fn new(sample: SampleRef, results: Vec<JobData>) -> Self {
        let mut qc = RegionQc::default();
        for r in &results {
            qc.add(&r.qc);
        }
        Self {
            sample,
            results,
            qc,
        }
    }

    /// Depth at a position, from exact sites or reference blocks.
    pub fn depth_at(&self, pos: u64) -> Option<u32> {
        self.results
            .iter()
            .find(|r| r.region.contains(pos))
            .and_then(|r| r.depth_at(pos))
    }

    /// The evidence at a reported site.
    pub fn site(&self, pos: u64) -> Option<&SiteEvidence> {
        self.results
            .iter()
            .find(|r| r.region.contains(pos))?
            .site(pos)
    }

    /// The full counts at the site of one of its calls (`None` at any other position).
    pub fn call_site(&self, pos: u64) -> Option<&SiteCounts> {
        self.results
            .iter()
            .filter(|r| r.region.contains(pos))
            .find_map(|r| {
                let i = r.call_sites.binary_search_by_key(&pos, |s| s.pos).ok()?;
                Some(&r.call_sites[i])
            })
    }

    /// All candidate calls.
    pub fn calls(&self) -> impl Iterator<Item = &SampleCall> {
        self.results.iter().flat_map(|r| r.calls.iter())
    }

    /// Low-fraction transitions over all its sites.
    pub fn transitions(&self) -> TransitionCounts {
        let mut total = TransitionCounts::default();
        for r in &self.results {
            total.add(&r.transitions);
        }
        total
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
        match self.site(pos) {
            Some(site) => (site.allele_total(ref_allele, alt), site.depth()),
            None => (0, self.depth_at(pos).unwrap_or(0)),
        }
    }
}

mod columns;
pub use columns::{AlleleColumn, Columns};
