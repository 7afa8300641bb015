//! The cohort's samples at a sorted set of positions, column by column ([`Columns`]): at each
//! position, the samples that reported a site there, and per group of samples the sums of
//! the depths of all of them. Built in one pass over each sample's own sites and blocks, so
//! that an allele's observations across the cohort cost the samples with a site at its
//! position, not every sample: a sample without one shows no alt fragment there, and only
//! its depth counts, which the group's sums already hold.

use super::SampleData;
use super::SiteEvidence;
use crate::background::Sums;

/// Depths of the samples of one group at one position: how many have any, Σ n and Σ n².
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct DepthSums {
    samples: i128,
    depth: i128,
    depth_sq: i128,
}

impl DepthSums {
    fn of(depth: u32, sign: i128) -> Self {
        if depth == 0 {
            return Self::default();
        }
        let n = i128::from(depth);
        Self {
            samples: sign,
            depth: sign * n,
            depth_sq: sign * n * n,
        }
    }

    fn add(&mut self, other: &Self) {
        self.samples += other.samples;
        self.depth += other.depth;
        self.depth_sq += other.depth_sq;
    }

    /// The [`Sums`] of observations without alt fragments at these depths: what adding each
    /// `(0, n)` gives, exactly (whole numbers below 2⁵³ are exact whatever the order).
    fn zero_alt_sums(&self) -> Sums {
        Sums {
            samples: self.samples as f64,
            alt: 0.0,
            depth: self.depth as f64,
            depth_sq: self.depth_sq as f64,
            alt_sq_over_depth: 0.0,
        }
    }
}

/// One allele's observations at one position of a [`Columns`].
#[derive(Debug, Clone, Default)]
pub struct AlleleColumn {
    /// Per group, the sums of its samples with depth there and no alt fragment of the allele.
    pub zero_alt: Vec<Sums>,
    /// The samples with alt fragments of it, in sample order: `(sample, alt, depth)`.
    pub alt: Vec<(usize, u32, u32)>,
}

impl AlleleColumn {
    /// The samples with alt fragments except those in `flagged` (ascending indices among
    /// theirs), in sample order.
    pub fn alt_except<'s>(
        &'s self,
        flagged: &'s [usize],
    ) -> impl Iterator<Item = (usize, u32, u32)> + 's {
        let mut flagged = flagged.iter().peekable();
        self.alt
            .iter()
            .copied()
            .filter(move |&(i, _, _)| flagged.next_if_eq(&&i).is_none())
    }

    /// The zero-alt sums of every group.
    pub fn zero_alt_total(&self) -> Sums {
        let mut total = Sums::default();
        for s in &self.zero_alt {
            total.merge(s);
        }
        total
    }
}

/// The samples at each of a sorted set of positions (see the module notes). What it gives at
/// a position is what [`SampleData::depth_at`] and [`SampleData::site`] give there.
#[derive(Debug)]
pub struct Columns<'a> {
    positions: Vec<u64>,
    groups: usize,
    /// Per position × group, the depth sums of the group's samples.
    depths: Vec<DepthSums>,
    /// Per position, its entries in `sites` (`starts[j]..starts[j + 1]`).
    starts: Vec<usize>,
    /// `(sample, group, site)` by position, then sample.
    sites: Vec<(usize, usize, &'a SiteEvidence)>,
}

impl<'a> Columns<'a> {
    /// The columns of `samples` at `positions` (sorted, distinct); `group_of` puts each sample
    /// (by index) into one of `groups` groups, or leaves it out.
    pub fn new(
        samples: &[&'a SampleData],
        positions: Vec<u64>,
        groups: usize,
        group_of: impl Fn(usize) -> Option<usize>,
    ) -> Self {
        let np = positions.len();
        // Range additions of blocks (at the first position, undone after the last) and
        // single-position changes of sites, then summed along the positions.
        let mut ranges = vec![DepthSums::default(); (np + 1) * groups];
        let mut points = vec![DepthSums::default(); np * groups];
        let mut found: Vec<(usize, usize, usize, &SiteEvidence)> = Vec::new();
        let index = |pos: u64| positions.binary_search(&pos).ok();
        let span = |first: u64, last: u64| {
            positions.partition_point(|&p| p < first)..positions.partition_point(|&p| p <= last)
        };
        for (i, s) in samples.iter().enumerate() {
            let Some(g) = group_of(i).filter(|&g| g < groups) else {
                continue;
            };
            if !s.is_ordered() {
                // As the look-ups find them, position by position.
                for (j, &pos) in positions.iter().enumerate() {
                    let site = s.site(pos);
                    let depth = site.map_or_else(|| s.depth_at(pos).unwrap_or(0), |x| x.depth());
                    points[j * groups + g].add(&DepthSums::of(depth, 1));
                    if let Some(site) = site {
                        found.push((j, i, g, site));
                    }
                }
                continue;
            }
            // Results in region order: a position belongs to the first result containing
            // it, so each result owns its region past the ends of those before it.
            let mut owned_from = 0;
            for r in &s.results {
                let (first, last) = (r.region.start.max(owned_from), r.region.end);
                owned_from = owned_from.max(last.saturating_add(1));
                if first > last {
                    continue;
                }
                for b in &r.blocks {
                    let js = span(b.start.max(first), b.end.min(last));
                    if js.is_empty() {
                        continue;
                    }
                    let one = DepthSums::of(b.min_depth, 1);
                    ranges[js.start * groups + g].add(&one);
                    ranges[js.end * groups + g].add(&DepthSums::of(b.min_depth, -1));
                }
                let owned = r.sites.partition_point(|x| x.pos < first)
                    ..r.sites.partition_point(|x| x.pos <= last);
                for site in &r.sites[owned] {
                    let Some(j) = index(site.pos) else { continue };
                    // A site wins over a block that (wrongly) covers it too.
                    let b = r.blocks.partition_point(|b| b.end < site.pos);
                    if let Some(b) = r.blocks.get(b).filter(|b| b.start <= site.pos) {
                        points[j * groups + g].add(&DepthSums::of(b.min_depth, -1));
                    }
                    points[j * groups + g].add(&DepthSums::of(site.depth(), 1));
                    found.push((j, i, g, site));
                }
            }
        }
        let mut depths = points;
        let mut running = vec![DepthSums::default(); groups];
        for j in 0..np {
            for g in 0..groups {
                running[g].add(&ranges[j * groups + g]);
                depths[j * groups + g].add(&running[g]);
            }
        }
        found.sort_unstable_by_key(|&(j, i, _, _)| (j, i));
        let mut starts = Vec::with_capacity(np + 1);
        let mut k = 0;
        for j in 0..=np {
            while found.get(k).is_some_and(|&(fj, _, _, _)| fj < j) {
                k += 1;
            }
            starts.push(k);
        }
        Self {
            positions,
            groups,
            depths,
            starts,
            sites: found
                .into_iter()
                .map(|(_, i, g, site)| (i, g, site))
                .collect(),
        }
    }

    /// The positions, sorted.
    pub fn positions(&self) -> &[u64] {
        &self.positions
    }

    /// The samples with a site at the `j`-th position, in sample order, with their groups.
    pub fn sites(&self, j: usize) -> &[(usize, usize, &'a SiteEvidence)] {
        &self.sites[self.starts[j]..self.starts[j + 1]]
    }

    /// One allele's observations at the `j`-th position, `support` giving its alt fragments
    /// at a site (the samples of every group).
    pub fn allele(&self, j: usize, support: impl Fn(&SiteEvidence) -> u32) -> AlleleColumn {
        let groups = self.groups;
        let mut zero_alt: Vec<DepthSums> = self.depths[j * groups..(j + 1) * groups].to_vec();
        let mut alt = Vec::new();
        for &(i, g, site) in self.sites(j) {
            let k = support(site);
            if k > 0 {
                let n = site.depth();
                zero_alt[g].add(&DepthSums::of(n, -1));
                alt.push((i, k, n));
            }
        }
        AlleleColumn {
            zero_alt: zero_alt.iter().map(DepthSums::zero_alt_sums).collect(),
            alt,
        }
    }
}

#[cfg(test)]
mod tests;
