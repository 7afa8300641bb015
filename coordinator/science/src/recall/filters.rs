//! The per-call filters applied after the cohort test: depth, support, sequencing error,
//! strand, read-orientation (F1R2/F2R1) and read-end bias, mismatches that are a neighbouring indel misaligned, the
//! background and the germline look.

use super::{
    class, filter, germline_like, AlleleKey, Class, CohortCalls, FDR, HOTSPOT_FDR, MIN_DEPTH,
};
use super::{STRAND_BIAS_FRACTION, STRAND_BIAS_P};
use crate::sample::SampleData;
use crate::stats::fisher_exact;
use esr1_proto::{CallingParams, SiteCounts};
use std::collections::HashMap;

/// A mismatch within this many bases of an indel its patient carries can be that indel,
/// aligned as mismatches by reads that end near it.
pub const NEAR_INDEL_BASES: u64 = 10;
/// … when at least this fraction of its alt fragments lie near a read end.
pub const NEAR_INDEL_READ_END_FRACTION: f64 = 0.75;

/// Sets every call's filters.
pub(super) fn apply(out: &mut CohortCalls, samples: &[&SampleData], params: &CallingParams) {
    let indels = patient_indels(samples);
    for rc in &mut out.calls {
        let s = samples[rc.sample];
        let c = &rc.call;
        let key = (c.pos, c.ref_allele.clone(), c.alt_allele.clone());
        let level = if rc.hotspot { HOTSPOT_FDR } else { FDR };
        let mut f = Vec::new();
        if c.depth < MIN_DEPTH {
            f.push(filter::LOW_DEPTH);
        }
        if c.alt_reads() < params.min_alt_reads {
            f.push(filter::LOW_ALT);
        }
        if c.vaf < params.min_vaf {
            f.push(filter::LOW_VAF);
        }
        if c.error_p > params.max_error_p {
            f.push(filter::ERROR_EXPLAINED);
        }
        if let Some(site) = s.call_site(c.pos) {
            let alt = (c.alt_forward, c.alt_reverse);
            if strand_biased(reference_strands(site, &key, alt), alt) {
                f.push(filter::STRAND_BIAS);
            }
            if let Class::Snv(r, a) = class(&key) {
                let near = |b: u8| (site.near_read_end.base(b), site.base_total(b));
                if read_end_biased(near(r), near(a)) {
                    f.push(filter::READ_END);
                }
                // Damage to one strand of the original molecule (formalin deamination,
                // oxidation) is read in one orientation only, a mutation in both.
                if orientation_biased(site, r, a) {
                    f.push(filter::ORIENTATION);
                }
            }
            let patient = indels.get(s.sample.patient.as_str());
            if patient.is_some_and(|spans| misaligned_indel(site, &key, spans)) {
                f.push(filter::NEAR_INDEL);
            }
        }
        if rc.q_value > level {
            f.push(filter::BACKGROUND);
        }
        if germline_like(c.vaf) {
            f.push(filter::GERMLINE_LIKE);
        }
        rc.filters = f.into_iter().map(str::to_owned).collect();
    }
}

/// Per patient, the reference spans `(first, last)` of the indels any of its samples has as
/// a candidate that passed the worker's own test (a deletion's deleted bases; an insertion's
/// anchor and the base after it).
fn patient_indels<'a>(samples: &[&'a SampleData]) -> HashMap<&'a str, Vec<(u64, u64)>> {
    let mut out: HashMap<&str, Vec<(u64, u64)>> = HashMap::new();
    for s in samples {
        for c in s.calls().filter(|c| c.is_pass()) {
            let (r, a) = (c.ref_allele.len() as u64, c.alt_allele.len() as u64);
            if r == a {
                continue;
            }
            let span = if r > a {
                (c.pos + 1, c.pos + r - 1)
            } else {
                (c.pos, c.pos + 1)
            };
            out.entry(s.sample.patient.as_str()).or_default().push(span);
        }
    }
    out
}

/// An SNV or MNV within [`NEAR_INDEL_BASES`] of one of `spans` whose alt fragments (of its
/// first changed base) lie mostly near read ends: the indel, aligned as mismatches by reads
/// that end before they could show it as a gap.
fn misaligned_indel(site: &SiteCounts, key: &AlleleKey, spans: &[(u64, u64)]) -> bool {
    let (pos, r, a) = key;
    let alt = match class(key) {
        Class::Snv(_, alt) => alt,
        Class::Mnv => match r.bytes().zip(a.bytes()).find(|(x, y)| x != y) {
            Some((_, alt)) => alt,
            None => return false,
        },
        Class::Indel => return false,
    };
    let last = pos + r.len() as u64 - 1;
    let near = spans
        .iter()
        .any(|&(s, e)| *pos <= e + NEAR_INDEL_BASES && last + NEAR_INDEL_BASES >= s);
    let total = site.base_total(alt);
    near && total > 0
        && f64::from(site.near_read_end.base(alt))
            >= NEAR_INDEL_READ_END_FRACTION * f64::from(total)
}

/// Orientation bias: the SNV's alt fragments (nearly) all F1R2 or all F2R1 while the
/// reference fragments are not — the strand-bias test on orientations.
pub fn orientation_biased(site: &SiteCounts, reference: u8, alt: u8) -> bool {
    strand_biased(site.orientations(reference), site.orientations(alt))
}

/// Forward and reverse fragments of the reference at a site, for the strand-bias test: the
/// reference base for SNVs, all fragments not showing the alt for other alleles.
fn reference_strands(site: &SiteCounts, key: &AlleleKey, alt: (u32, u32)) -> (u32, u32) {
    match class(key) {
        Class::Snv(r, _) => (site.forward.base(r), site.reverse.base(r)),
        _ => (
            site.forward.total().saturating_sub(alt.0),
            site.reverse.total().saturating_sub(alt.1),
        ),
    }
}

/// Strand bias: alt fragments (nearly) all on one strand while the reference fragments are
/// not, by Fisher's exact test.
pub fn strand_biased(reference: (u32, u32), alt: (u32, u32)) -> bool {
    let total = alt.0 + alt.1;
    if total == 0 {
        return false;
    }
    let major = f64::from(alt.0.max(alt.1)) / f64::from(total);
    major >= STRAND_BIAS_FRACTION
        && fisher_exact(
            u64::from(reference.0),
            u64::from(reference.1),
            u64::from(alt.0),
            u64::from(alt.1),
        ) < STRAND_BIAS_P
}

/// Read-position bias: `(near read end, total)` fragments of the reference and the alt; the
/// alt fragments (nearly) all lie within the read-end window while the reference fragments
/// do not, by Fisher's exact test.
pub fn read_end_biased(reference: (u32, u32), alt: (u32, u32)) -> bool {
    let (alt_near, alt_total) = alt;
    if alt_total == 0 {
        return false;
    }
    let (ref_near, ref_total) = reference;
    f64::from(alt_near) / f64::from(alt_total) >= STRAND_BIAS_FRACTION
        && fisher_exact(
            u64::from(ref_near),
            u64::from(ref_total.saturating_sub(ref_near)),
            u64::from(alt_near),
            u64::from(alt_total.saturating_sub(alt_near)),
        ) < STRAND_BIAS_P
}

#[cfg(test)]
mod tests {
    use super::*;
    use esr1_proto::BaseCounts;

    /// A T>C site at 1000 with 4 alt fragments, `near` of them near a read end.
    fn site(near: u32) -> SiteCounts {
        SiteCounts {
            pos: 1000,
            ref_base: 'T',
            forward: BaseCounts {
                t: 450,
                c: 2,
                ..BaseCounts::default()
            },
            reverse: BaseCounts {
                t: 450,
                c: 2,
                ..BaseCounts::default()
            },
            near_read_end: BaseCounts {
                t: 100,
                c: near,
                ..BaseCounts::default()
            },
            ..SiteCounts::default()
        }
    }

    #[test]
    fn alt_fragments_in_one_orientation_only_are_strand_damage_not_a_mutation() {
        // Formalin-like: 20 alt fragments on both strands, all F1R2; the reference balanced.
        let mut s = site(0);
        s.forward.c = 10;
        s.reverse.c = 10;
        s.f1r2 = BaseCounts {
            t: 452,
            c: 20,
            ..BaseCounts::default()
        };
        assert!(orientation_biased(&s, b'T', b'C'));
        // The same site with its alt fragments in both orientations is a mutation.
        s.f1r2.c = 11;
        assert!(!orientation_biased(&s, b'T', b'C'));
        // And all F2R1 is as suspect as all F1R2.
        s.f1r2.c = 0;
        assert!(orientation_biased(&s, b'T', b'C'));
        // Two fragments prove nothing.
        let few = site(0);
        assert!(!orientation_biased(&few, b'T', b'C'));
    }

    fn key(r: &str, a: &str) -> AlleleKey {
        (1000, r.into(), a.into())
    }

    #[test]
    fn a_mismatch_next_to_the_patients_deletion_seen_at_read_ends_is_the_deletion() {
        // A deletion of 1003–1005 (anchored at 1002).
        let deletion = [(1003, 1005)];
        assert!(misaligned_indel(&site(4), &key("T", "C"), &deletion));
        assert!(misaligned_indel(&site(3), &key("T", "C"), &deletion));
        // Not when most alt fragments are far from read ends.
        assert!(!misaligned_indel(&site(2), &key("T", "C"), &deletion));
        // Not when the indel is further than the window, nor without one.
        assert!(!misaligned_indel(&site(4), &key("T", "C"), &[(1011, 1013)]));
        assert!(misaligned_indel(&site(4), &key("T", "C"), &[(1010, 1012)]));
        assert!(!misaligned_indel(&site(4), &key("T", "C"), &[]));
        // An MNV is judged by its first changed base; an indel never.
        assert!(misaligned_indel(&site(4), &key("TA", "CG"), &deletion));
        assert!(!misaligned_indel(&site(4), &key("T", "TA"), &deletion));
    }
}
