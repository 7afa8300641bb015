//! A sample's cytosine-deamination signature, the mark of formalin fixation (FFPE): the rate
//! of low-fraction C>T/G>A changes next to the rate of the other transitions (T>C/A>G), which
//! sequencing errors make about as often. A biopsy whose first rate is several times its
//! second carries formalin damage; its low C>T/G>A findings are what the patient-status rule
//! ([`crate::classify`]) will not let decide a status unless plasma confirms them.
//!
//! Deamination also has an orientation: a damaged C lies on one strand of the molecule, so its
//! T is read in F1R2 pairs at a reference C and in F2R1 pairs at a reference G (the C of the
//! other strand). The share of low-fraction C>T/G>A fragments in that orientation is about
//! one half for sequencing errors and mutations and near one for formalin damage.

use crate::sample::SampleData;

/// Alt fractions at or above this are variants, not damage, and are not counted.
pub const MAX_DAMAGE_VAF: f64 = 0.05;
/// Fewer low-fraction C>T/G>A fragments than this give no orientation share.
pub const MIN_ORIENTATION_FRAGMENTS: u64 = 20;

/// Low-fraction transition rates of one sample, per million fragments at the reported sites.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TransitionRates {
    /// C>T (and G>A) alt fragments per million C (G) fragments.
    pub c_to_t_per_million: f64,
    /// T>C (and A>G) alt fragments per million T (A) fragments.
    pub t_to_c_per_million: f64,
    /// Of the low-fraction C>T/G>A alt fragments, the share in the damage orientation (F1R2
    /// at a reference C, F2R1 at a G); `None` below [`MIN_ORIENTATION_FRAGMENTS`].
    pub damage_orientation: Option<f64>,
}

impl TransitionRates {
    /// The low-fraction transition rates of a sample, over the sites its jobs reported (every
    /// position with any alt evidence; positions without any add nothing to either rate's
    /// numerator, and are left out of both denominators alike).
    pub fn of_sample(sample: &SampleData) -> Self {
        let (mut ct, mut cg, mut tc, mut ta) = (0u64, 0u64, 0u64, 0u64);
        let mut damage_oriented = 0u64;
        for site in sample.results.iter().flat_map(|r| r.sites.iter()) {
            let depth = site.depth();
            if depth == 0 {
                continue;
            }
            let (alt, pair) = match site.ref_base.to_ascii_uppercase() {
                'C' => (b'T', 0),
                'G' => (b'A', 0),
                'T' => (b'C', 1),
                'A' => (b'G', 1),
                _ => continue,
            };
            let k = site.base_total(alt);
            if f64::from(k) >= MAX_DAMAGE_VAF * f64::from(depth) {
                continue;
            }
            if pair == 0 {
                let (f1r2, f2r1) = site.orientations(alt);
                damage_oriented += u64::from(if alt == b'T' { f1r2 } else { f2r1 });
                ct += u64::from(k);
                cg += u64::from(depth);
            } else {
                tc += u64::from(k);
                ta += u64::from(depth);
            }
        }
        let per_million = |k: u64, n: u64| {
            if n == 0 {
                0.0
            } else {
                1e6 * k as f64 / n as f64
            }
        };
        Self {
            c_to_t_per_million: per_million(ct, cg),
            t_to_c_per_million: per_million(tc, ta),
            damage_orientation: (ct >= MIN_ORIENTATION_FRAGMENTS)
                .then(|| damage_oriented as f64 / ct as f64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use esr1_proto::{BaseCounts, GenomicRegion, RegionQc, RegionResult, SampleRef, SiteCounts};

    fn site(pos: u64, ref_base: char, counts: BaseCounts) -> SiteCounts {
        SiteCounts {
            pos,
            ref_base,
            forward: counts,
            ..SiteCounts::default()
        }
    }

    fn sample(sites: Vec<SiteCounts>) -> SampleData {
        let region = GenomicRegion {
            contig: "chr6".into(),
            start: 1,
            end: 100,
        };
        let mut r = RegionResult::new("j", "S", region);
        r.sites = sites;
        SampleData {
            sample: SampleRef {
                patient: "P".into(),
                sample: "S".into(),
                day: 10,
                material: esr1_proto::Material::Tumor,
                therapy: "AI".into(),
                alignments: "S.bam".into(),
                index: None,
            },
            results: vec![r],
            qc: RegionQc::default(),
        }
    }

    /// A C site with `t` T fragments of 2,000, `f1r2` of them F1R2, and a G site with `a` A
    /// fragments, `f2r1` of them F2R1.
    fn oriented(t: u32, f1r2: u32, a: u32, f2r1: u32) -> Vec<SiteCounts> {
        let mut c = site(
            1,
            'C',
            BaseCounts {
                c: 2000 - t,
                t,
                ..Default::default()
            },
        );
        c.f1r2 = BaseCounts {
            c: (2000 - t) / 2,
            t: f1r2,
            ..Default::default()
        };
        let mut g = site(
            2,
            'G',
            BaseCounts {
                g: 2000 - a,
                a,
                ..Default::default()
            },
        );
        g.f1r2 = BaseCounts {
            g: (2000 - a) / 2,
            a: a - f2r1,
            ..Default::default()
        };
        vec![c, g]
    }

    #[test]
    fn formalin_damage_reads_in_one_orientation_errors_in_both() {
        let share = |s| TransitionRates::of_sample(&sample(s)).damage_orientation;
        // Damage: T of C in F1R2 pairs, A of G in F2R1 pairs.
        assert_eq!(share(oriented(30, 30, 20, 20)), Some(1.0));
        // Errors: half and half.
        assert_eq!(share(oriented(30, 15, 20, 10)), Some(0.5));
        // Too few fragments to say.
        assert_eq!(share(oriented(10, 10, 9, 9)), None);
    }

    #[test]
    fn damage_raises_c_to_t_only_and_variants_do_not_count() {
        let s = sample(vec![
            // C with 3 T of 1,000; G with 2 A of 1,000: 2,500 per million.
            site(
                1,
                'C',
                BaseCounts {
                    c: 997,
                    t: 3,
                    ..Default::default()
                },
            ),
            site(
                2,
                'G',
                BaseCounts {
                    g: 998,
                    a: 2,
                    ..Default::default()
                },
            ),
            // T with 1 C of 2,000: 500 per million.
            site(
                3,
                'T',
                BaseCounts {
                    t: 1999,
                    c: 1,
                    ..Default::default()
                },
            ),
            site(
                4,
                'A',
                BaseCounts {
                    a: 2000,
                    ..Default::default()
                },
            ),
            // A heterozygous C>T is a variant, not damage.
            site(
                5,
                'C',
                BaseCounts {
                    c: 500,
                    t: 500,
                    ..Default::default()
                },
            ),
        ]);
        let rates = TransitionRates::of_sample(&s);
        assert!(
            (rates.c_to_t_per_million - 2500.0).abs() < 1e-6,
            "{rates:?}"
        );
        assert!((rates.t_to_c_per_million - 250.0).abs() < 1e-6, "{rates:?}");
    }
}
