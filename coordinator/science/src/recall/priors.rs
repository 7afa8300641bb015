//! The cohort's global priors for the background fits: the error rate per substitution and
//! the overdispersion of site × alt pairs ([`global_priors`]).

use super::{
    is_background, DEFAULT_PRIOR_RHO, MAX_PRIOR_PAIRS, MIN_PRIOR_ALT, MIN_PRIOR_SITES,
    PRIOR_RHO_FLOOR,
};
use crate::background::{variant_outlier_indices_among, Prior, Sums, RHO_FLOOR};
use crate::sample::{Columns, SampleData};
use std::collections::{BTreeMap, HashMap};

/// The rank of a site × alt pair in the choice of [`MAX_PRIOR_PAIRS`]: a fixed mix of its
/// position and alt base (SplitMix64's finaliser), the same on every machine and run.
pub(super) fn prior_pair_rank(pos: u64, alt: u8) -> u64 {
    let mut z = (pos << 8 | u64::from(alt)).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Global priors: the per-substitution error rate of the background samples at every
/// reported site, and the median overdispersion of site × alt pairs with enough data (at most
/// [`MAX_PRIOR_PAIRS`] of them). The samples are taken column by column ([`Columns`]): a pair's
/// sums cost the samples with a reported site at its position, not every sample. The first
/// pass sums every pair and picks those that qualify, the second estimates the picked pairs'
/// overdispersion.
pub(super) fn global_priors(samples: &[&SampleData]) -> (HashMap<(u8, u8), f64>, f64) {
    let (priors, rho, _) = global_priors_within(samples, MAX_PRIOR_PAIRS);
    (priors, rho)
}

/// [`global_priors`] from at most `max_pairs` pairs, and how many informed the median.
pub(super) fn global_priors_within(
    samples: &[&SampleData],
    max_pairs: usize,
) -> (HashMap<(u8, u8), f64>, f64, usize) {
    let in_background: Vec<bool> = samples.iter().map(|s| is_background(s)).collect();
    let mut positions: BTreeMap<u64, u8> = BTreeMap::new();
    for s in samples {
        for r in &s.results {
            for site in &r.sites {
                if matches!(site.ref_base, 'A' | 'C' | 'G' | 'T') {
                    positions.insert(site.pos, site.ref_base as u8);
                }
            }
        }
    }
    let alts = |r: u8| b"ACGT".iter().copied().filter(move |&a| a != r);
    // Group 0 the background samples, 1 the others.
    let group_of = |i: usize| Some(usize::from(!in_background[i]));
    let columns = Columns::new(samples, positions.keys().copied().collect(), 2, group_of);
    let column = |j: usize, a: u8| columns.allele(j, |site| site.base_total(a));
    let mut class_sums: HashMap<(u8, u8), Sums> = HashMap::new();
    // (rank, position, its column, alt, sums of every sample) of every pair with enough data.
    let mut qualifying: Vec<(u64, u64, usize, u8, Sums)> = Vec::new();
    for (j, (&pos, &r)) in positions.iter().enumerate() {
        for a in alts(r) {
            // The samples without alt fragments first: whole numbers, so the sums are those
            // of adding every sample's observation in order.
            let c = column(j, a);
            let mut sums = c.zero_alt[0];
            let mut all = c.zero_alt_total();
            for &(i, alt, depth) in &c.alt {
                if in_background[i] {
                    sums.add(alt, depth);
                }
                all.add(alt, depth);
            }
            class_sums.entry((r, a)).or_default().merge(&sums);
            // The overdispersion of errors is a property of sites, which every sample shows
            // (later ones too); real variants among them are left out below.
            if all.samples >= 5.0 && all.alt >= MIN_PRIOR_ALT {
                qualifying.push((prior_pair_rank(pos, a), pos, j, a, all));
            }
        }
    }
    if qualifying.len() > max_pairs {
        // (Ranks of distinct pairs tie only by a 64-bit collision; then position decides.)
        qualifying.select_nth_unstable_by_key(max_pairs, |&(rank, pos, _, a, _)| (rank, pos, a));
        qualifying.truncate(max_pairs);
    }
    let mut rhos = Vec::with_capacity(qualifying.len());
    for &(_, _, j, a, all) in &qualifying {
        let c = column(j, a);
        // Real subclones in baselines are no error: they must not set the prior.
        // (Usually none is: then the sums are those of all.)
        let flagged =
            variant_outlier_indices_among(c.zero_alt_total(), &c.alt, &Prior::default_error());
        let mut clean = all;
        if !flagged.is_empty() {
            clean = c.zero_alt_total();
            for (_, alt, depth) in c.alt_except(&flagged) {
                clean.add(alt, depth);
            }
        }
        if let Some((_, Some(rho))) = clean.moments() {
            rhos.push(rho);
        }
    }
    let priors = class_sums
        .into_iter()
        .filter(|(_, s)| s.depth > 0.0)
        .map(|(k, s)| (k, (s.alt / s.depth).max(1e-6)))
        .collect();
    rhos.sort_by(f64::total_cmp);
    // A median of a handful of sites is no prior.
    let rho = if rhos.len() >= MIN_PRIOR_SITES {
        rhos[rhos.len() / 2]
    } else {
        DEFAULT_PRIOR_RHO
    }
    .max(PRIOR_RHO_FLOOR)
    .max(RHO_FLOOR);
    (priors, rho, qualifying.len())
}
