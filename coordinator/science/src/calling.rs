//! Per-sample calling: candidate alleles at counted sites and a quality-aware test against
//! sequencing error.
//!
//! For a base substitution the number of fragments showing one specific wrong base by error
//! alone is approximately Poisson with mean λ = Σ 10^(-Q/10)/3 over the bases at the site (the
//! Poisson limit of LoFreq's Poisson-binomial). The call's `error_p` is P(X ≥ alt | λ). For
//! indels, whose errors base qualities do not describe, λ = depth × [`INDEL_ERROR_RATE`].
//!
//! A multi-nucleotide variant (fragments changed at two or three positions within three bases,
//! see [`esr1_proto::MnvCount`]) is one call, REF the reference span and ALT the fragments'
//! bases. Its errors need one specific wrong base at every changed position of the same
//! fragment: λ = depth × max(Π rᵢ, [`MNV_ERROR_FLOOR`]), where rᵢ = expected errors / depth at
//! changed position i (the mean probability of one specific wrong base there) and depth is
//! that of the first position. The SNVs at its positions are tested on the fragments carrying
//! them alone ([`SiteCounts::snv_only_support`]), so a codon changed at two bases by the same
//! molecules is one call, not two, while a different molecule's SNV next to it still is.

use crate::stats::poisson_sf;
use esr1_proto::{CallingParams, SampleCall, SiteCounts};

/// Assumed per-fragment rate of a specific indel error (Illumina, non-repetitive context).
pub const INDEL_ERROR_RATE: f64 = 1e-4;

/// Smallest per-fragment rate assumed for one specific MNV by error. Errors at neighbouring
/// bases of one molecule are not quite independent (damage, cluster phasing), so the product
/// of base error rates (about 1e-7 at Q30) is not trusted below this.
pub const MNV_ERROR_FLOOR: f64 = 1e-7;

/// Only candidates with at least this much evidence against error are reported as near-calls
/// when they fail a filter (keeps results small at high depth).
const REPORT_P: f64 = 1e-2;

/// Candidate calls at one site. `reference_after` gives the reference bases following the
/// site (for the REF of deletions); when it is too short the deletion is not reported. MNVs
/// starting here are tested with this site's base error rate at each of their changed
/// positions; [`call_region`] uses each position's own.
pub fn call_site(
    site: &SiteCounts,
    reference_after: &[u8],
    params: &CallingParams,
) -> Vec<SampleCall> {
    calls_at(site, reference_after, &|_| None, params)
}

/// Candidate calls at every site of a region, in site order. `sites` are sorted by position
/// (as [`crate::pileup::RegionCounter::finish`] returns them) and `reference` holds the
/// reference bases from `reference_start` on, past the last site for deletions' REF.
pub fn call_region(
    sites: &[SiteCounts],
    reference: &[u8],
    reference_start: u64,
    params: &CallingParams,
) -> Vec<SampleCall> {
    let rate_at = |pos: u64| {
        sites
            .binary_search_by_key(&pos, |s| s.pos)
            .ok()
            .and_then(|i| specific_error_rate(&sites[i]))
    };
    let mut calls = Vec::new();
    for site in sites {
        let after = site
            .pos
            .checked_sub(reference_start)
            .and_then(|offset| reference.get(offset as usize + 1..))
            .unwrap_or_default();
        calls.extend(calls_at(site, after, &rate_at, params));
    }
    calls
}

/// Mean probability that a fragment at the site shows one specific wrong base.
fn specific_error_rate(site: &SiteCounts) -> Option<f64> {
    let depth = site.depth();
    (depth > 0).then(|| site.expected_errors / f64::from(depth))
}

fn calls_at(
    site: &SiteCounts,
    reference_after: &[u8],
    rate_at: &dyn Fn(u64) -> Option<f64>,
    params: &CallingParams,
) -> Vec<SampleCall> {
    let mut calls = Vec::new();
    let depth = site.depth();
    if depth == 0 || site.ref_base == 'N' {
        return calls;
    }
    let ref_base = site.ref_base as u8;
    for alt in [b'A', b'C', b'G', b'T'] {
        if alt == ref_base {
            continue;
        }
        let (fwd, rev) = site.snv_only_support(alt);
        let p = poisson_sf(fwd + rev, site.expected_errors);
        if let Some(call) = judge(
            site.pos,
            (ref_base as char).to_string(),
            (alt as char).to_string(),
            (fwd, rev),
            depth,
            p,
            params,
        ) {
            calls.push(call);
        }
    }
    for indel in &site.indels {
        let (ref_allele, alt_allele) = match indel.allele.as_bytes() {
            [b'+', seq @ ..] => (
                (ref_base as char).to_string(),
                format!("{}{}", ref_base as char, String::from_utf8_lossy(seq)),
            ),
            [b'-', n @ ..] => {
                let n: usize = match std::str::from_utf8(n).ok().and_then(|s| s.parse().ok()) {
                    Some(n) => n,
                    None => continue,
                };
                let Some(deleted) = reference_after.get(..n) else {
                    continue;
                };
                (
                    format!("{}{}", ref_base as char, String::from_utf8_lossy(deleted)),
                    (ref_base as char).to_string(),
                )
            }
            _ => continue,
        };
        let p = poisson_sf(indel.total(), f64::from(depth) * INDEL_ERROR_RATE);
        if let Some(call) = judge(
            site.pos,
            ref_allele,
            alt_allele,
            (indel.forward, indel.reverse),
            depth,
            p,
            params,
        ) {
            calls.push(call);
        }
    }
    let own_rate = specific_error_rate(site).unwrap_or(0.0);
    for mnv in &site.mnvs {
        let (r, a) = (mnv.ref_allele.as_bytes(), mnv.alt_allele.as_bytes());
        if r.len() != a.len() || r.len() < 2 {
            continue;
        }
        let rate: f64 = (0..r.len())
            .filter(|&k| !r[k].eq_ignore_ascii_case(&a[k]))
            .map(|k| rate_at(site.pos + k as u64).unwrap_or(own_rate))
            .product();
        let p = poisson_sf(mnv.total(), f64::from(depth) * rate.max(MNV_ERROR_FLOOR));
        if let Some(call) = judge(
            site.pos,
            mnv.ref_allele.clone(),
            mnv.alt_allele.clone(),
            (mnv.forward, mnv.reverse),
            depth,
            p,
            params,
        ) {
            calls.push(call);
        }
    }
    calls
}

fn judge(
    pos: u64,
    ref_allele: String,
    alt_allele: String,
    (fwd, rev): (u32, u32),
    depth: u32,
    error_p: f64,
    params: &CallingParams,
) -> Option<SampleCall> {
    let alt = fwd + rev;
    if alt < params.min_alt_reads || error_p > REPORT_P {
        return None;
    }
    let vaf = f64::from(alt) / f64::from(depth);
    let mut filters = Vec::new();
    if vaf < params.min_vaf {
        filters.push("low_vaf".to_owned());
    }
    if error_p > params.max_error_p {
        filters.push("error_explained".to_owned());
    }
    Some(SampleCall {
        pos,
        ref_allele,
        alt_allele,
        alt_forward: fwd,
        alt_reverse: rev,
        depth,
        vaf,
        error_p,
        filters,
    })
}

/// (position, REF, ALT, alt fragments) of each call: the calls in a form tests and logs can
/// compare.
pub fn alleles(calls: &[SampleCall]) -> Vec<(u64, &str, &str, u32)> {
    calls
        .iter()
        .map(|c| {
            (
                c.pos,
                c.ref_allele.as_str(),
                c.alt_allele.as_str(),
                c.alt_reads(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use esr1_proto::{AlleleCount, BaseCounts, MnvCount};

    fn close(a: f64, b: f64, rel: f64) -> bool {
        ((a - b) / b).abs() < rel
    }

    fn site(ref_base: char, fwd: BaseCounts, rev: BaseCounts, errors: f64) -> SiteCounts {
        SiteCounts {
            pos: 100,
            ref_base,
            forward: fwd,
            reverse: rev,
            indels: vec![],
            expected_errors: errors,
            ..Default::default()
        }
    }

    #[test]
    fn a_real_low_vaf_variant_passes_and_error_level_noise_does_not() {
        let params = CallingParams::default();
        // 2,000 fragments at Q30: λ = 2000 × 0.001 / 3 ≈ 0.67.
        let real = site(
            'A',
            BaseCounts {
                a: 990,
                c: 6,
                ..Default::default()
            },
            BaseCounts {
                a: 995,
                c: 9,
                ..Default::default()
            },
            0.667,
        );
        let calls = call_site(&real, b"", &params);
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].alt_allele, "C");
        assert!(calls[0].is_pass(), "{:?}", calls[0]);
        // Three alt fragments at the same depth are within error at p ~ 0.03: not reported.
        let noise = site(
            'A',
            BaseCounts {
                a: 1000,
                g: 3,
                ..Default::default()
            },
            BaseCounts {
                a: 997,
                ..Default::default()
            },
            0.667,
        );
        assert!(call_site(&noise, b"", &params).is_empty());
    }

    #[test]
    fn deletion_call_takes_its_ref_from_the_following_bases() {
        let mut s = site(
            'G',
            BaseCounts {
                g: 40,
                ..Default::default()
            },
            BaseCounts::default(),
            0.01,
        );
        s.indels.push(AlleleCount {
            allele: "-2".into(),
            forward: 6,
            reverse: 4,
        });
        s.indels.push(AlleleCount {
            allele: "+TT".into(),
            forward: 5,
            reverse: 5,
        });
        let calls = call_site(&s, b"CAT", &CallingParams::default());
        let alleles: Vec<(&str, &str)> = calls
            .iter()
            .map(|c| (c.ref_allele.as_str(), c.alt_allele.as_str()))
            .collect();
        assert_eq!(alleles, vec![("GCA", "G"), ("G", "GTT")]);
    }

    /// Sites 152098785 (T) and 152098786 (C) at 2,000 fragments, Q30.
    fn l536_sites(mnv: (u32, u32), lone_snv_786: (u32, u32)) -> Vec<SiteCounts> {
        let (mf, mr) = mnv;
        let (sf, sr) = lone_snv_786;
        let first = SiteCounts {
            pos: 152_098_785,
            ref_base: 'T',
            forward: BaseCounts {
                t: 1000 - mf,
                a: mf,
                ..Default::default()
            },
            reverse: BaseCounts {
                t: 1000 - mr,
                a: mr,
                ..Default::default()
            },
            expected_errors: 0.667,
            mnvs: vec![MnvCount {
                ref_allele: "TC".into(),
                alt_allele: "AG".into(),
                forward: mf,
                reverse: mr,
            }],
            in_mnv: BaseCounts {
                a: mf + mr,
                ..Default::default()
            },
            in_mnv_reverse: BaseCounts {
                a: mr,
                ..Default::default()
            },
            ..Default::default()
        };
        let second = SiteCounts {
            pos: 152_098_786,
            ref_base: 'C',
            forward: BaseCounts {
                c: 1000 - mf - sf,
                g: mf + sf,
                ..Default::default()
            },
            reverse: BaseCounts {
                c: 1000 - mr - sr,
                g: mr + sr,
                ..Default::default()
            },
            expected_errors: 0.667,
            in_mnv: BaseCounts {
                g: mf + mr,
                ..Default::default()
            },
            in_mnv_reverse: BaseCounts {
                g: mr,
                ..Default::default()
            },
            ..Default::default()
        };
        vec![first, second]
    }

    #[test]
    fn l536q_carried_by_the_same_fragments_is_one_mnv_call_not_two_snvs() {
        let sites = l536_sites((6, 5), (0, 0));
        let reference = b"TCTG";
        let calls = call_region(&sites, reference, 152_098_785, &CallingParams::default());
        assert_eq!(alleles(&calls), vec![(152_098_785, "TC", "AG", 11)]);
        assert!(calls[0].is_pass(), "{:?}", calls[0]);
        // λ = 2000 × (0.667/2000)² (just above the floor), about 2.2e-4.
        let rate = (0.667f64 / 2000.0).powi(2);
        assert!(rate > MNV_ERROR_FLOOR);
        let expected = poisson_sf(11, 2000.0 * rate);
        assert!(close(calls[0].error_p, expected, 1e-9));
        assert!(close(calls[0].vaf, 11.0 / 2000.0, 1e-12));
    }

    #[test]
    fn an_snv_next_to_an_mnv_on_other_fragments_is_still_called() {
        let sites = l536_sites((6, 5), (7, 8));
        let calls = call_region(&sites, b"TCTG", 152_098_785, &CallingParams::default());
        assert_eq!(
            alleles(&calls),
            vec![(152_098_785, "TC", "AG", 11), (152_098_786, "C", "G", 15)]
        );
        assert_eq!((calls[1].alt_forward, calls[1].alt_reverse), (7, 8));
        assert!(calls.iter().all(SampleCall::is_pass));
    }

    #[test]
    fn an_mnv_within_error_of_the_changed_bases_is_not_called() {
        // Two fragments at Q10-like error rates (λ per base 0.1 / fragment) stay noise.
        let mut sites = l536_sites((1, 1), (0, 0));
        for s in &mut sites {
            s.expected_errors = 200.0;
        }
        let calls = call_region(&sites, b"TCTG", 152_098_785, &CallingParams::default());
        assert!(calls.is_empty(), "{calls:?}");
    }
}
