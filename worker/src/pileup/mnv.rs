//! Multi-nucleotide variants: mismatches of one fragment within [`MNV_MAX_SPAN`] bases of
//! each other are recorded together as one [`MnvCount`], and every base of the span is marked
//! in `in_mnv`.

use super::types::{FragmentBase, MnvBases, Observation, RegionReference};
use esr1_proto::MnvCount;
use std::collections::HashMap;

/// Longest reference span of one multi-nucleotide variant.
pub const MNV_MAX_SPAN: u64 = 3;

/// Groups the fragment's mismatches ([`RegionReference::is_mismatch`]; their indices go to
/// the scratch `mismatches`) from the left: a group starts at a mismatch and takes every
/// further mismatch within [`MNV_MAX_SPAN`] bases of its start. A group of two or more is one MNV, recorded at its
/// first position with the fragment's bases over the span, when the fragment has a counted
/// base at every position of the span (a deleted, low-quality or discordant middle base
/// leaves the mismatches as SNVs). Every base of the span counts in `in_mnv`.
pub fn count_mnvs(
    bases: &[FragmentBase],
    reference: &RegionReference,
    mnv_bases: &mut MnvBases,
    mnvs: &mut HashMap<u64, Vec<MnvCount>>,
    mismatches: &mut Vec<usize>,
) {
    let base_at = |i: usize| match bases[i].observation {
        Observation::Base { base, .. } => Some(base),
        Observation::Deleted => None,
    };
    mismatches.clear();
    mismatches.extend(
        (0..bases.len())
            .filter(|&i| base_at(i).is_some_and(|b| reference.is_mismatch(bases[i].pos, b))),
    );
    let mut k = 0;
    while k < mismatches.len() {
        let first = mismatches[k];
        let start = bases[first].pos;
        let mut end_k = k;
        while end_k + 1 < mismatches.len()
            && bases[mismatches[end_k + 1]].pos < start + MNV_MAX_SPAN
        {
            end_k += 1;
        }
        let last = mismatches[end_k];
        k = end_k + 1;
        if last == first {
            continue;
        }
        // Bases are in position order, one per position: the span must be contiguous.
        let span = &bases[first..=last];
        let span_len = bases[last].pos - start + 1;
        let alt: Option<Vec<u8>> = (first..=last).map(base_at).collect();
        let (Some(alt), true) = (alt, span.len() as u64 == span_len) else {
            continue;
        };
        let ref_bases: Vec<u8> = (start..start + span_len)
            .map(|p| reference.base(p))
            .collect();
        let reverse = bases[first].reverse;
        let (ref_allele, alt_allele) = (
            String::from_utf8_lossy(&ref_bases).into_owned(),
            String::from_utf8_lossy(&alt).into_owned(),
        );
        let list = mnvs.entry(start).or_default();
        let i = match list
            .iter()
            .position(|m| m.alt_allele == alt_allele && m.ref_allele == ref_allele)
        {
            Some(i) => i,
            None => {
                list.push(MnvCount {
                    ref_allele,
                    alt_allele,
                    forward: 0,
                    reverse: 0,
                });
                list.len() - 1
            }
        };
        if reverse {
            list[i].reverse += 1;
        } else {
            list[i].forward += 1;
        }
        for (b, base) in span.iter().zip(alt) {
            if reference.region.contains(b.pos) {
                let [all, reverse] = mnv_bases.entry(b.pos).or_default();
                all.add_base(base);
                if b.reverse {
                    reverse.add_base(base);
                }
            }
        }
    }
}
