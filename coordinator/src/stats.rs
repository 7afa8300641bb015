//! Small, exact statistics used by the merge: Wilson score intervals.

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
        assert!(close(lo, 0.280, 5e-4) && close(hi, 0.787, 5e-4), "{lo} {hi}");
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
            assert!(close(lo, l, 1e-4) && close(hi, h, 1e-4), "{k}/{n}: {lo} {hi}");
        }
        assert_eq!(wilson_interval(0, 0, Z95), (0.0, 0.0));
        let (lo, hi) = wilson_interval(20, 20, Z95);
        assert!(close(lo, 0.8389, 1e-4) && hi == 1.0, "{lo} {hi}");
    }
}
