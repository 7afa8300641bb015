//! Sample identity: the samples of one patient share a germline genotype. A sample whose
//! genotype disagrees with the rest of its patient's (a swapped tube, a mislabelled file) is
//! not evidence about that patient: its "new" variants are somebody else's germline.
//!
//! The check, per patient:
//!
//! * **Sites**: every SNV position (outside the hotspot positions) where some sample of the
//!   patient has a candidate that looks inherited ([`germline_like`]: 25–75 % or ≥ 85 %) at a
//!   depth of at least [`MIN_GENOTYPE_DEPTH`].
//! * **Genotypes**: at each site, each sample with at least [`MIN_GENOTYPE_DEPTH`] fragments is
//!   *reference* (alt ≤ [`REF_MAX_VAF`]) or *carrier* (alt ≥ [`CARRIER_MIN_VAF`]); anything in
//!   between (loss of heterozygosity in a tumour, a subclone, contamination) is not called.
//!   Heterozygous and homozygous carriers are not told apart: a tumour's loss of
//!   heterozygosity turns one into the other.
//! * **Pairs**: two samples are *comparable* when both have a genotype at one site or more;
//!   they *mismatch* when at least [`MIN_DISCORDANT_SITES`] sites disagree and fewer than half
//!   agree (one disagreeing site can be a clonal somatic mutation of a tumour).
//! * **The patient's samples** are the largest group joined by comparable pairs that do not
//!   mismatch (a tie goes to the group holding the normal, else the earliest sample). A
//!   sample outside it that mismatches a member is an identity mismatch; a sample compared
//!   with nobody is not judged.

use crate::recall::germline_like;
use crate::sample::SampleData;
use esr1_proto::Material;
use std::collections::BTreeSet;

/// Fewest fragments for a genotype.
pub const MIN_GENOTYPE_DEPTH: u32 = 20;
/// Largest alt fraction of a reference genotype.
pub const REF_MAX_VAF: f64 = 0.03;
/// Smallest alt fraction of a carrier genotype.
pub const CARRIER_MIN_VAF: f64 = 0.2;
/// Fewest disagreeing sites for a mismatch.
pub const MIN_DISCORDANT_SITES: usize = 2;

/// How one sample compares with its patient's other samples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concordance {
    /// The sample compared with (a member of the patient's group).
    pub with: String,
    /// Sites where both samples have a genotype.
    pub sites: usize,
    /// Of those, sites where they agree.
    pub concordant: usize,
}

impl Concordance {
    /// Too many disagreeing sites for one person.
    pub fn mismatched(&self) -> bool {
        let discordant = self.sites - self.concordant;
        discordant >= MIN_DISCORDANT_SITES && 2 * self.concordant < self.sites
    }

    /// `0/3 germline sites agree with P01_T0`, for `qc.tsv` and the warnings.
    pub fn describe(&self) -> String {
        format!(
            "{}/{} germline sites agree with {}",
            self.concordant, self.sites, self.with
        )
    }
}

/// Reference or carrier at one site (`None`: not called).
fn genotype(sample: &SampleData, pos: u64, alt: u8) -> Option<bool> {
    let depth = sample.depth_at(pos)?;
    if depth < MIN_GENOTYPE_DEPTH {
        return None;
    }
    let alt_count = sample.site(pos).map_or(0, |s| s.base_total(alt));
    let vaf = f64::from(alt_count) / f64::from(depth);
    if vaf <= REF_MAX_VAF {
        Some(false)
    } else if vaf >= CARRIER_MIN_VAF {
        Some(true)
    } else {
        None
    }
}

/// The germline-looking SNV sites of a patient's samples, off `excluded` positions.
fn germline_sites(samples: &[&SampleData], excluded: &[u64]) -> BTreeSet<(u64, u8)> {
    let mut sites = BTreeSet::new();
    for s in samples {
        for c in s.calls() {
            let (r, a) = (c.ref_allele.as_bytes(), c.alt_allele.as_bytes());
            if r.len() == 1
                && a.len() == 1
                && c.depth >= MIN_GENOTYPE_DEPTH
                && germline_like(c.vaf)
                && !excluded.contains(&c.pos)
            {
                sites.insert((c.pos, a[0].to_ascii_uppercase()));
            }
        }
    }
    sites
}

/// For every sample of one patient (in the given order), `Some` with the figures when it is
/// an identity mismatch, else `None`. `excluded` are positions never used as sites (the
/// hotspots, where a clonal somatic mutation can look inherited).
pub fn identity_mismatches(samples: &[&SampleData], excluded: &[u64]) -> Vec<Option<Concordance>> {
    let n = samples.len();
    let sites = germline_sites(samples, excluded);
    let genotypes: Vec<Vec<Option<bool>>> = samples
        .iter()
        .map(|s| sites.iter().map(|&(p, a)| genotype(s, p, a)).collect())
        .collect();
    let compare = |i: usize, j: usize| {
        let both: Vec<(bool, bool)> = genotypes[i]
            .iter()
            .zip(&genotypes[j])
            .filter_map(|(a, b)| Some(((*a)?, (*b)?)))
            .collect();
        Concordance {
            with: samples[j].sample.sample.clone(),
            sites: both.len(),
            concordant: both.iter().filter(|(a, b)| a == b).count(),
        }
    };
    // Groups joined by comparable, non-mismatching pairs (union–find).
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for i in 0..n {
        for j in i + 1..n {
            let c = compare(i, j);
            if c.sites > 0 && !c.mismatched() {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let roots: Vec<usize> = (0..n).map(|i| root(&mut parent, i)).collect();
    let order = |i: usize| {
        let s = &samples[i].sample;
        (s.material != Material::Normal, s.day, s.sample.clone())
    };
    let anchor = (0..n).min_by_key(|&i| order(i)).map_or(0, |i| roots[i]);
    let size = |r: usize| roots.iter().filter(|&&x| x == r).count();
    let main = (0..n)
        .map(|i| roots[i])
        .max_by_key(|&r| (size(r), r == anchor, std::cmp::Reverse(r)))
        .unwrap_or(0);
    (0..n)
        .map(|i| {
            if roots[i] == main {
                return None;
            }
            // Reported against the member with the most sites (the normal, else the
            // earliest, among equals).
            let mut members: Vec<usize> = (0..n).filter(|&j| roots[j] == main).collect();
            members.sort_by_key(|&j| order(j));
            members
                .into_iter()
                .map(|j| compare(i, j))
                .filter(Concordance::mismatched)
                .fold(None, |best: Option<Concordance>, c| match best {
                    Some(b) if b.sites >= c.sites => Some(b),
                    _ => Some(c),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests;
