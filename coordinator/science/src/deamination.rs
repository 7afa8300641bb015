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

use esr1_proto::SiteCounts;

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

/// The whole-number tallies behind [`TransitionRates`], which add up from job to job.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TransitionCounts {
    /// Low-fraction C>T and G>A alt fragments.
    c_to_t: u64,
    /// Fragments at reference C and G sites where those were counted.
    c_or_g: u64,
    /// Low-fraction T>C and A>G alt fragments.
    t_to_c: u64,
    /// Fragments at reference T and A sites where those were counted.
    t_or_a: u64,
    /// Of `c_to_t`, those in the damage orientation.
    damage_oriented: u64,
}

impl TransitionCounts {
    /// The tallies over reported sites (every position with any alt evidence; positions
    /// without any add nothing to either rate's numerator, and are left out of both
    /// denominators alike).
    pub fn of_sites<'a>(sites: impl IntoIterator<Item = &'a SiteCounts>) -> Self {
        let mut t = Self::default();
        for site in sites {
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
                t.damage_oriented += u64::from(if alt == b'T' { f1r2 } else { f2r1 });
                t.c_to_t += u64::from(k);
                t.c_or_g += u64::from(depth);
            } else {
                t.t_to_c += u64::from(k);
                t.t_or_a += u64::from(depth);
            }
        }
        t
    }

    /// Adds another job's tallies.
    pub fn add(&mut self, other: &Self) {
        self.c_to_t += other.c_to_t;
        self.c_or_g += other.c_or_g;
        self.t_to_c += other.t_to_c;
        self.t_or_a += other.t_or_a;
        self.damage_oriented += other.damage_oriented;
    }

    /// The rates.
    pub fn rates(&self) -> TransitionRates {
        let per_million = |k: u64, n: u64| {
            if n == 0 {
                0.0
            } else {
                1e6 * k as f64 / n as f64
            }
        };
        TransitionRates {
            c_to_t_per_million: per_million(self.c_to_t, self.c_or_g),
            t_to_c_per_million: per_million(self.t_to_c, self.t_or_a),
            damage_orientation: (self.c_to_t >= MIN_ORIENTATION_FRAGMENTS)
                .then(|| self.damage_oriented as f64 / self.c_to_t as f64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use esr1_proto::{BaseCounts, SiteCounts};

    fn site(pos: u64, ref_base: char, counts: BaseCounts) -> SiteCounts {
        SiteCounts {
            pos,
            ref_base,
            forward: counts,
            ..SiteCounts::default()
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
        let share = |s| TransitionCounts::of_sites(&s).rates().damage_orientation;
        // Damage: T of C in F1R2 pairs, A of G in F2R1 pairs.
        assert_eq!(share(oriented(30, 30, 20, 20)), Some(1.0));
        // Errors: half and half.
        assert_eq!(share(oriented(30, 15, 20, 10)), Some(0.5));
        // Too few fragments to say.
        assert_eq!(share(oriented(10, 10, 9, 9)), None);
    }

    #[test]
    fn damage_raises_c_to_t_only_and_variants_do_not_count() {
        let s = vec![
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
        ];
        let rates = TransitionCounts::of_sites(&s).rates();
        assert!(
            (rates.c_to_t_per_million - 2500.0).abs() < 1e-6,
            "{rates:?}"
        );
        assert!((rates.t_to_c_per_million - 250.0).abs() < 1e-6, "{rates:?}");
    }
}
