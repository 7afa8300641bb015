//! Tests of [`super`]: the background model, its outlier test and its tails.

use super::*;

fn close(a: f64, b: f64, rel: f64) -> bool {
    ((a - b) / b).abs() < rel
}

#[test]
fn tail_matches_independently_computed_values() {
    // α = 2, β = 3 (μ = 0.4, ρ = 1/6), n = 10: exact rational values from Python's
    // fractions and math.comb with B(a, b) = (a−1)!(b−1)!/(a+b−1)!:
    // P(X ≥ 4) = 6/11, P(X ≥ 7) = 25/143, P(X ≥ 10) = 1/91.
    let d = BetaBinomial::new(0.4, 1.0 / 6.0);
    let (a, b) = d.alpha_beta();
    assert!(close(a, 2.0, 1e-12) && close(b, 3.0, 1e-12), "{a} {b}");
    assert!(close(d.sf(4, 10), 6.0 / 11.0, 1e-10), "{}", d.sf(4, 10));
    assert!(close(d.sf(7, 10), 25.0 / 143.0, 1e-10));
    assert!(close(d.sf(10, 10), 1.0 / 91.0, 1e-10));
    // Non-integer shapes: summed in Python over math.lgamma (C libm), not statrs:
    // n=4000, μ=2e-4, ρ=1e-4, P(X ≥ 10) = 2.9330852274028768e-05;
    // n=4000, μ=0.004, ρ=0.002, P(X ≥ 40) = 0.04872875911269888;
    // n=1000, μ=0.01, ρ=0.01, P(X ≥ 30) = 0.05709759371922835.
    let cases = [
        (4000, 2e-4, 1e-4, 10, 2.933_085_227_402_876_8e-5),
        (4000, 0.004, 0.002, 40, 0.048_728_759_112_698_88),
        (1000, 0.01, 0.01, 30, 0.057_097_593_719_228_35),
    ];
    for (n, mu, rho, k, want) in cases {
        let got = BetaBinomial::new(mu, rho).sf(k, n);
        assert!(close(got, want, 1e-7), "n={n} μ={mu} ρ={rho} k={k}: {got}");
    }
    assert_eq!(d.sf(0, 10), 1.0);
    assert_eq!(d.sf(11, 10), 0.0);
}

#[test]
fn the_early_tail_test_answers_as_the_whole_tail() {
    // Both sides of the mode, thresholds from the core's to far below the outliers', and
    // counts on both sides of each threshold (found with the whole tail).
    let mut rng = SplitMix(5);
    let (mut below, mut cases) = (0, 0);
    for _ in 0..400 {
        let n = 1 + (rng.uniform() * 5000.0) as u32;
        let d = BetaBinomial::new(
            10f64.powf(-1.0 - 5.0 * rng.uniform()),
            10f64.powf(-7.0 + 6.5 * rng.uniform()),
        );
        for p in [0.5, 1e-3, 1e-6, 1e-12] {
            let edge = d.critical_count(n, p);
            for k in [0, 1, 2, edge.saturating_sub(1), edge, edge + 1, n, n + 1] {
                let whole = d.sf(k, n) < p;
                assert_eq!(d.sf_below(k, n, p), whole, "{d:?} k={k} n={n} p={p}");
                below += usize::from(whole);
                cases += 1;
            }
        }
    }
    assert!(
        below > cases / 5 && below < cases * 4 / 5,
        "{below} of {cases}"
    );
}

#[test]
fn critical_count_is_the_first_count_below_alpha() {
    let d = BetaBinomial::new(2e-4, 1e-4);
    let k = d.critical_count(4000, 1e-4);
    assert!(d.sf(k, 4000) <= 1e-4 && d.sf(k - 1, 4000) > 1e-4, "{k}");
    assert_eq!(d.critical_count(3, 1e-30), 4);
}

/// A small deterministic generator (SplitMix64), independent of the product's code.
struct SplitMix(u64);
impl SplitMix {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn fit_recovers_known_mean_and_overdispersion() {
    // Known truth: rates ~ Beta(2, 198) (μ = 0.01, ρ = 1/201), the 2nd smallest of 199
    // uniforms; k ~ Binomial(n, rate) by Bernoulli draws; n alternates 400 and 900.
    let mut rng = SplitMix(7);
    let mut sums = Sums::default();
    let mut beta_sums = Sums::default();
    for i in 0..600 {
        let mut u: Vec<f64> = (0..199).map(|_| rng.uniform()).collect();
        u.sort_by(f64::total_cmp);
        let rate = u[1];
        let n: u32 = if i % 2 == 0 { 400 } else { 900 };
        let k = (0..n).filter(|_| rng.uniform() < rate).count() as u32;
        // Keep every draw (no variant cut-off) for the raw moment check.
        let (kf, nf) = (f64::from(k), f64::from(n));
        beta_sums.samples += 1.0;
        beta_sums.alt += kf;
        beta_sums.depth += nf;
        beta_sums.depth_sq += nf * nf;
        beta_sums.alt_sq_over_depth += kf * kf / nf;
        sums.add(k, n);
    }
    let (mu, rho) = beta_sums.moments().unwrap();
    let rho = rho.unwrap();
    assert!(close(mu, 0.01, 0.05), "μ = {mu}");
    assert!(close(rho, 1.0 / 201.0, 0.3), "ρ = {rho}");
    // Binomial data (no overdispersion) give ρ near 0.
    let mut flat = Sums::default();
    for i in 0..400 {
        let k = (0..1000).filter(|_| rng.uniform() < 0.005).count() as u32;
        flat.add(k, 1000 + (i % 3));
    }
    let (_, rho) = flat.moments().unwrap();
    assert!(rho.unwrap() < 2e-4, "{rho:?}");
}

#[test]
fn leave_one_out_and_shrinkage() {
    let mut all = Sums::default();
    let mut one = Sums::default();
    for (k, n) in [(2, 1000), (3, 1200), (1, 800)] {
        all.add(k, n);
    }
    one.add(40, 1000); // 4 %: a variant, never background
    assert_eq!(one.samples, 0.0);
    one.add(5, 1000);
    all.merge(&one);
    let loo = all.without(&one);
    assert_eq!((loo.samples, loo.alt, loo.depth), (3.0, 6.0, 3000.0));
    let prior = Prior {
        mean: 1e-4,
        rho: 1e-4,
    };
    // Thin data are pulled towards the prior; rich data are not.
    let thin = fit(&loo, &prior).dist.mean;
    assert!(thin < 0.002 && thin > 1e-4, "{thin}");
    let mut rich = Sums::default();
    for _ in 0..100 {
        rich.add(20, 10_000);
    }
    assert!(close(fit(&rich, &prior).dist.mean, 0.002, 0.01));
    // Nothing observed: the prior.
    let empty = fit(&Sums::default(), &prior);
    assert!(close(empty.dist.mean, 1e-4, 1e-9) && close(empty.dist.rho, 1e-4, 1e-9));
}

/// The first implementation of [`variant_outliers`], dense over every observation: the
/// reference the sparse one must equal exactly.
fn dense_variant_outliers(observations: &[(u32, u32)], prior: &Prior) -> Vec<bool> {
    // The core speaks for itself: its overdispersion is shrunk towards a small value, not
    // towards the cohort's typical site (which a few variable sites set).
    let prior = &Prior {
        mean: prior.mean,
        rho: prior.rho.min(CORE_PRIOR_RHO),
    };
    let ones: Vec<Option<Sums>> = observations
        .iter()
        .map(|&(k, n)| {
            let mut one = Sums::default();
            one.add(k, n).then_some(one)
        })
        .collect();
    let usable: Vec<usize> = (0..ones.len()).filter(|&i| ones[i].is_some()).collect();
    let beyond = |k: u32, n: u32, dist: &BetaBinomial, fold: f64, p: f64| {
        f64::from(k) >= fold * dist.mean * f64::from(n) && dist.sf(k, n) < p
    };
    let sums_of = |members: &[bool]| {
        let mut core = Sums::default();
        for &i in usable.iter().filter(|&&i| members[i]) {
            if let Some(one) = &ones[i] {
                core.merge(one);
            }
        }
        core
    };
    // The core: the observations that do not stand out even mildly, first against the
    // pooled rate of the lower half (binomially; never below the prior's rate), then
    // against the core's own beta-binomial until it no longer changes. One outlier in the
    // core would inflate its overdispersion and hide the others.
    let vaf = |i: usize| f64::from(observations[i].0) / f64::from(observations[i].1);
    let mut vafs: Vec<f64> = usable.iter().map(|&i| vaf(i)).collect();
    // The element a sort would put in the middle, found in linear time (this runs once per
    // allele over every background sample).
    let median = if vafs.is_empty() {
        0.0
    } else {
        let middle = vafs.len() / 2;
        *vafs.select_nth_unstable_by(middle, f64::total_cmp).1
    };
    let lower: Vec<bool> = (0..observations.len())
        .map(|i| ones[i].is_some() && vaf(i) <= median)
        .collect();
    let lower = sums_of(&lower);
    let rate = if lower.depth > 0.0 {
        (lower.alt / lower.depth).max(prior.mean)
    } else {
        prior.mean
    };
    let mut dist = BetaBinomial::new(rate, RHO_FLOOR);
    let mut core = vec![false; observations.len()];
    for _ in 0..10 {
        let next: Vec<bool> = (0..observations.len())
            .map(|i| {
                let (k, n) = observations[i];
                ones[i].is_some() && !beyond(k, n, &dist, CORE_MIN_FOLD, CORE_P)
            })
            .collect();
        if next == core {
            break;
        }
        core = next;
        dist = fit(&sums_of(&core), prior).dist;
    }
    // Variants: far beyond the core (a core member tested without itself).
    let core_sums = sums_of(&core);
    let out: Vec<bool> = (0..observations.len())
        .map(|i| {
            let Some(one) = &ones[i] else {
                return false;
            };
            let (k, n) = observations[i];
            if k == 0 {
                // No alt fragment is never beyond a background (its mean is above 0 and
                // P(X ≥ 0) = 1): the fit below is skipped for most observations.
                return false;
            }
            let others = if core[i] {
                core_sums.without(one)
            } else {
                core_sums
            };
            // The core's own overdispersion, capped: where the core is nearly error-free, a
            // single stray alt fragment in a shallow sample makes its moment estimate large
            // (10⁻³ and more) and the beta-binomial tail then swallows a 1 % subclone. An
            // artefact's real spread cannot make a variant of its tail: that needs the fold.
            let d = fit(&others, prior).dist;
            let d = BetaBinomial::new(d.mean, d.rho.min(CORE_PRIOR_RHO));
            beyond(k, n, &d, OUTLIER_MIN_FOLD, OUTLIER_P)
        })
        .collect();
    if out.iter().filter(|&&o| o).count() > max_outliers(usable.len()) {
        // More than the limit: a systematic artefact, not variants.
        return vec![false; observations.len()];
    }
    out
}

#[test]
fn sparse_outliers_equal_the_dense_reference_on_random_cohorts() {
    // Cohorts of 0–80 observations: mostly no alt fragment, some errors, some 1–2 %
    // subclones, some at or above the variant cut-off, some without depth.
    let mut rng = SplitMix(12);
    let (mut cases_flagging, mut cases_over_limit) = (0, 0);
    for case in 0..3000 {
        let len = (rng.uniform() * 80.0) as usize;
        // Shares of zero-alt, error-level and subclonal observations (the rest are at
        // or above the cut-off); every fifth cohort is rich in subclones.
        let zero = rng.uniform();
        let error = zero + (1.0 - zero) * 0.7;
        let subclone = if case % 5 == 0 {
            error + (1.0 - error) * 0.95
        } else {
            error + (1.0 - error) * 0.6
        };
        let obs: Vec<(u32, u32)> = (0..len)
            .map(|_| {
                let n = [0, 1, 40, 500, 2250, 9000][(rng.uniform() * 6.0) as usize];
                let u = rng.uniform();
                let k = if u < zero {
                    0
                } else if u < error {
                    (rng.uniform() * 4.0) as u32
                } else if u < subclone {
                    (f64::from(n) * (0.005 + 0.02 * rng.uniform())) as u32
                } else {
                    (f64::from(n) * rng.uniform()) as u32
                };
                (k.min(n), n)
            })
            .collect();
        let prior = Prior {
            mean: [1e-5, 1e-4, 1e-3][case % 3],
            rho: [1e-5, 1e-4, 1e-2][case % 3],
        };
        let dense = dense_variant_outliers(&obs, &prior);
        assert_eq!(
            variant_outliers(&obs, &prior),
            dense,
            "case {case}: {obs:?}"
        );
        let flagged = dense.iter().filter(|&&f| f).count();
        cases_flagging += usize::from(flagged > 0);
        // A cohort with several clear subclones whose flags the limit took back.
        let subclones = obs
            .iter()
            .filter(|&&(k, n)| n >= 500 && f64::from(k) >= 0.005 * f64::from(n))
            .filter(|&&(k, n)| f64::from(k) < BACKGROUND_MAX_VAF * f64::from(n))
            .count();
        cases_over_limit += usize::from(flagged == 0 && subclones > max_outliers(len));
    }
    // The comparison covered both kinds of answer.
    assert!(cases_flagging > 100, "{cases_flagging}");
    assert!(cases_over_limit > 10, "{cases_over_limit}");
}

#[test]
fn true_subclones_in_other_baselines_are_left_out_but_an_overdispersed_artefact_is_not() {
    let prior = Prior {
        mean: 1e-4,
        rho: 1e-4,
    };
    // 20 baselines at the error level, two of them with a real 1 % subclone.
    let mut obs: Vec<(u32, u32)> = (0..20).map(|i| (i % 2, 2000)).collect();
    obs[3] = (20, 2000);
    obs[11] = (25, 2500);
    let flagged = variant_outliers(&obs, &prior);
    let which: Vec<usize> = (0..obs.len()).filter(|&i| flagged[i]).collect();
    assert_eq!(which, [3, 11]);
    // Without them, the fit is the error level; with them, it would be ~10x higher.
    let sums = |skip: &[bool]| {
        let mut s = Sums::default();
        for (i, &(k, n)) in obs.iter().enumerate() {
            if !skip[i] {
                s.add(k, n);
            }
        }
        fit(&s, &prior).dist.mean
    };
    assert!(sums(&flagged) < 6e-4, "{}", sums(&flagged));
    assert!(sums(&[false; 20]) > 1e-3, "{}", sums(&[false; 20]));

    // A position-specific artefact in every sample at 0.1–0.5 %: nothing is a variant.
    let artefact: Vec<(u32, u32)> = (0..20u32).map(|i| (3 + (i * 7) % 13, 3000)).collect();
    assert!(variant_outliers(&artefact, &prior).iter().all(|f| !f));
    // More outliers than the limit: systematic, none left out.
    let mut many: Vec<(u32, u32)> = (0..20).map(|i| (i % 2, 2000)).collect();
    for o in many.iter_mut().take(6) {
        *o = (30, 2000);
    }
    assert!(max_outliers(20) < 6);
    assert!(variant_outliers(&many, &prior).iter().all(|f| !f));
    // Observations at or above the variant cut-off are never flagged (left out anyway).
    assert!(!variant_outliers(&[(0, 1000), (900, 1000)], &prior)[1]);
}

#[test]
fn subclones_in_both_baselines_of_two_patients_are_left_out_whatever_the_depths() {
    // As in an ART/bwa cohort: two patients carry D538G at ~1 % in their baseline biopsy
    // (~500 fragments) and baseline plasma (~2,200); the eight others have errors only.
    let prior = Prior {
        mean: 1e-4,
        rho: 1e-4,
    };
    let mut obs = vec![(4, 518), (20, 2244), (7, 491), (20, 2286)];
    for i in 0..8 {
        obs.push((i % 2, 500));
        obs.push((i % 3, 2250));
    }
    let flagged = variant_outliers(&obs, &prior);
    let which: Vec<usize> = (0..obs.len()).filter(|&i| flagged[i]).collect();
    // 4 of 518 is not far enough beyond the errors to be called a variant; the other
    // three are.
    assert_eq!(which, [1, 2, 3]);
}

#[test]
fn a_stray_alt_fragment_among_clean_baselines_does_not_hide_a_subclone() {
    // As in a 7-patient ART/bwa cohort on GRCh37: D538G is 0 in 12 baselines, 1 of 454 in
    // a shallow biopsy (chance at this depth) and 20 of 2,249 (a subclone) in a plasma.
    // The stray fragment alone makes the moment estimate of the overdispersion ~10⁻³,
    // under which 20 of 2,249 is not unusual; it is a variant all the same.
    let prior = Prior {
        mean: 1e-5,
        rho: 1e-4,
    };
    let mut obs: Vec<(u32, u32)> = (0..12).map(|i| (0, [500, 2250][i % 2])).collect();
    obs.push((1, 454));
    obs.push((20, 2249));
    let flagged = variant_outliers(&obs, &prior);
    let which: Vec<usize> = (0..obs.len()).filter(|&i| flagged[i]).collect();
    assert_eq!(which, [13]);
}
