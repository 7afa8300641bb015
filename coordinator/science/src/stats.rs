//! The statistics of the cohort analysis: Wilson score intervals, Fisher's exact test,
//! Benjamini–Hochberg q-values and the binomial and Poisson upper tails of the per-sample and
//! power calculations (statrs' distributions where they exist, with the edge cases the
//! callers rely on).

use statrs::distribution::{Binomial, DiscreteCDF, Poisson};

/// Two-sided 95 % normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for `k` successes of `n` at normal quantile `z`; `(0, 0)` when
/// `n == 0` (no information, reported as such by callers).
pub fn wilson_interval(k: u64, n: u64, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 0.0);
    }
    let n_f = n as f64;
    let p = k as f64 / n_f;
    let z2 = z * z;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = z / denom * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Two-sided Fisher's exact test of a 2×2 table `[[a, b], [c, d]]` (rows: groups; columns:
/// with / without the outcome): the probability, under the hypergeometric null with fixed
/// margins, of every table at most as likely as the one observed.
pub fn fisher_exact(a: u64, b: u64, c: u64, d: u64) -> f64 {
    use statrs::distribution::{Discrete, Hypergeometric};
    let n = a + b + c + d;
    let successes = a + c;
    let draws = a + b;
    let Ok(h) = Hypergeometric::new(n, successes, draws) else {
        return 1.0;
    };
    let observed = h.pmf(a);
    let lo = draws.saturating_sub(n - successes);
    let hi = draws.min(successes);
    // Relative tolerance as in R's fisher.test, so ties are not lost to rounding.
    let p: f64 = (lo..=hi)
        .map(|k| h.pmf(k))
        .filter(|&pk| pk <= observed * (1.0 + 1e-7))
        .sum();
    p.min(1.0)
}

/// Benjamini–Hochberg adjusted p-values (q-values) of `p`, in the order given, for a family
/// of `m` hypotheses of which `p` are the ones computed; the other `m − p.len()` count with a
/// p-value of 1 (untested or uninformative hypotheses never lower anyone's q-value but do
/// count in `m`). A hypothesis is rejected at FDR level `q` when its q-value is at most `q`.
pub fn benjamini_hochberg(p: &[f64], m: usize) -> Vec<f64> {
    let m = m.max(p.len()) as f64;
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut q = vec![1.0; p.len()];
    let mut running = 1.0f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        let adjusted = p[i] * m / (rank + 1) as f64;
        running = running.min(adjusted);
        q[i] = running.clamp(0.0, 1.0);
    }
    q
}

/// Upper tail P(X ≥ k) of a binomial(n, p): 1 for k = 0, 0 for k > n or p ≤ 0.
pub fn binomial_sf(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    Binomial::new(p, n).map_or(0.0, |b| b.sf(k - 1))
}

/// Upper tail P(X ≥ k) of a Poisson distribution with mean `lambda`: 1 for k = 0, 0 for
/// λ ≤ 0. Accurate far into the tail (statrs' regularised incomplete gamma), where 1 − CDF
/// would round to 0.
pub fn poisson_sf(k: u32, lambda: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if lambda <= 0.0 {
        return 0.0;
    }
    Poisson::new(lambda).map_or(0.0, |d| d.sf(u64::from(k) - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    #[test]
    fn wilson_matches_published_values() {
        // The founding report: 6 of 11 → 28.0 %–78.7 % (shared/esr1/README.md).
        let (lo, hi) = wilson_interval(6, 11, Z95);
        assert!(
            close(lo, 0.280, 5e-4) && close(hi, 0.787, 5e-4),
            "{lo} {hi}"
        );
        // Newcombe (1998), Table I: 81/263 → 0.2553–0.3662; 15/148 → 0.0624–0.1605;
        // 0/20 → 0–0.1611; 1/29 → 0.0061–0.1718.
        let cases = [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0, 0.1611),
            (1, 29, 0.0061, 0.1718),
        ];
        for (k, n, l, h) in cases {
            let (lo, hi) = wilson_interval(k, n, Z95);
            assert!(
                close(lo, l, 1e-4) && close(hi, h, 1e-4),
                "{k}/{n}: {lo} {hi}"
            );
        }
        assert_eq!(wilson_interval(0, 0, Z95), (0.0, 0.0));
        let (lo, hi) = wilson_interval(20, 20, Z95);
        assert!(close(lo, 0.8389, 1e-4) && hi == 1.0, "{lo} {hi}");
    }

    #[test]
    fn fisher_matches_published_values() {
        // Fisher's tea-tasting table [[3, 1], [1, 3]]: two-sided p = 0.4857 (Agresti 2002).
        assert!((fisher_exact(3, 1, 1, 3) - 0.485_714).abs() < 1e-5);
        // Wikipedia's example [[1, 9], [11, 3]]: two-sided p = 0.002759.
        assert!(
            (fisher_exact(1, 9, 11, 3) - 0.002_759).abs() < 1e-5,
            "{}",
            fisher_exact(1, 9, 11, 3)
        );
        assert!((fisher_exact(0, 5, 0, 5) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn binomial_tail_matches_independent_values() {
        // Exact sums of C(n,i) p^i (1-p)^(n-i) computed with Python's math.comb.
        let cases = [
            (3u64, 15u64, 0.12, 0.265_434_395_5),
            (3, 15, 0.1, 0.184_061_1),
            (1, 10, 0.5, 0.999_023_4),
            (20, 700, 0.05, 0.998_101_021_6),
        ];
        for (k, n, p, want) in cases {
            let got = binomial_sf(k, n, p);
            assert!(
                (got - want).abs() < 1e-6,
                "P(X>={k}|{n},{p}) = {got}, want {want}"
            );
        }
        assert_eq!(binomial_sf(0, 5, 0.3), 1.0);
        assert_eq!(binomial_sf(6, 5, 0.3), 0.0);
    }

    #[test]
    fn benjamini_hochberg_textbook_example() {
        // Benjamini & Hochberg (1995), section 4.1: 15 p-values; at q = 0.05 the procedure
        // rejects the four smallest (p ≤ 0.0095), where Bonferroni rejects three.
        let p = [
            0.0201, 0.0001, 0.0004, 0.0019, 0.0095, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262,
            0.5719, 0.6528, 0.7590, 1.0000,
        ];
        let q = benjamini_hochberg(&p, p.len());
        let rejected: Vec<f64> = p
            .iter()
            .zip(&q)
            .filter(|(_, q)| **q <= 0.05)
            .map(|(p, _)| *p)
            .collect();
        assert_eq!(rejected, vec![0.0001, 0.0004, 0.0019, 0.0095]);
        // The fourth smallest: 0.0095 × 15 / 4 = 0.035625; the fifth: 0.0201 × 15 / 5 = 0.0603.
        assert!((q[4] - 0.035_625).abs() < 1e-12, "{}", q[4]);
        assert!((q[0] - 0.0603).abs() < 1e-12, "{}", q[0]);
        // Untested hypotheses enlarge m: the same p-values in a family of 30 reject fewer.
        let q30 = benjamini_hochberg(&p, 30);
        // m = 30: 0.0001·30, 0.0004·30/2, 0.0019·30/3 = 0.019 pass; 0.0095·30/4 = 0.071 does not.
        assert_eq!(q30.iter().filter(|q| **q <= 0.05).count(), 3);
        assert!(benjamini_hochberg(&[], 10).is_empty());
    }

    #[test]
    fn poisson_tail_matches_independent_values() {
        // P(X ≥ k | λ) from R's ppois(k - 1, λ, lower.tail = FALSE).
        assert!(close(poisson_sf(3, 1.0), 0.080_301_397_07, 1e-8));
        assert!((poisson_sf(10, 0.5) / 1.709_670_03e-10 - 1.0).abs() < 1e-6);
        assert!(close(poisson_sf(1, 2.0), 0.864_664_716_8, 1e-8));
        assert!(close(poisson_sf(5, 10.0), 0.970_747_311_6, 1e-8));
        // Far in the tail, where 1 − CDF is 0 in doubles: Σ_{i ≥ 60} e^-2 2^i / i! summed
        // with Python's math.lgamma = 1.938678e-65.
        let far = poisson_sf(60, 2.0);
        assert!((far / 1.938_678e-65 - 1.0).abs() < 1e-5, "{far}");
        assert_eq!(poisson_sf(0, 3.0), 1.0);
        assert_eq!(poisson_sf(2, 0.0), 0.0);
    }
}
