//! Tests of [`super`]: the robust fit of one allele on observations with known truth.

use super::*;

/// A small deterministic generator (SplitMix64), independent of the product's code.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Poisson draw (Knuth's product of uniforms).
    fn poisson(&mut self, lambda: f64) -> u32 {
        let limit = (-lambda).exp();
        let (mut k, mut p) = (0, self.uniform());
        while p > limit {
            k += 1;
            p *= self.uniform();
        }
        k
    }
}

const PRIOR: Prior = Prior {
    mean: 5e-4,
    rho: 1e-5,
};

fn obs(patient: usize, alt: u32, depth: u32) -> Observation {
    Observation {
        patient: format!("P{patient}"),
        material: Material::Cfdna,
        alt,
        depth,
    }
}

/// `n` observations of sequencing error at `rate`, depths 2,000–4,000.
fn errors(rng: &mut Rng, n: usize, rate: f64) -> Vec<Observation> {
    (0..n)
        .map(|i| {
            let depth = 2000 + (rng.uniform() * 2000.0) as u32;
            obs(i, rng.poisson(f64::from(depth) * rate), depth)
        })
        .collect()
}

/// The fit keeping every observation below the variant cut-off (the old, non-robust fit).
fn naive(observations: &[Observation]) -> Background {
    let mut sums = Sums::default();
    for o in observations {
        sums.add(o.alt, o.depth);
    }
    fit(&sums, &PRIOR)
}

#[test]
fn two_subclones_neither_masks_the_other() {
    let mut rng = Rng(1);
    let mut all = errors(&mut rng, 18, 5e-4);
    let clean = naive(&all).dist;
    all.push(obs(100, 26, 2600));
    all.push(obs(101, 34, 3400));
    let inflated = naive(&all).dist;
    let robust = AlleleModel::fit_robust(&all, PRIOR, true);
    assert_eq!(robust.outliers(), 2);
    // A patient outside the background sees the clean fit, not the inflated one.
    let bg = robust.leave_out("other", Material::Cfdna).dist;
    assert!((bg.mean - clean.mean).abs() < 1e-12, "{bg:?} vs {clean:?}");
    assert!((bg.rho - clean.rho).abs() < 1e-12);
    assert!(inflated.mean > 2.0 * clean.mean && inflated.rho > 100.0 * clean.rho);
    // 11 of 2,600 is significant against the robust fit, not against the inflated one.
    assert!(bg.sf(11, 2600) < 1e-5, "{}", bg.sf(11, 2600));
    assert!(inflated.sf(11, 2600) > 0.01, "{}", inflated.sf(11, 2600));
}

#[test]
fn an_overdispersed_systematic_background_is_kept_whole() {
    // Every sample's own rate between 0.1 and 0.6 %: wide, but the background of all.
    let mut rng = Rng(2);
    let all: Vec<Observation> = (0..30)
        .map(|i| {
            let depth = 2000 + (rng.uniform() * 2000.0) as u32;
            let rate = 0.001 + 0.005 * rng.uniform();
            obs(i, rng.poisson(f64::from(depth) * rate), depth)
        })
        .collect();
    let robust = AlleleModel::fit_robust(&all, PRIOR, true);
    assert_eq!(robust.outliers(), 0);
    let bg = robust.leave_out("other", Material::Cfdna).dist;
    assert_eq!(bg, naive(&all).dist);
}

#[test]
fn a_subclone_is_found_only_with_enough_others_and_below_the_cut_off() {
    let mut rng = Rng(3);
    // Four observations: too few to tell a variant from a noisy position.
    let mut few = errors(&mut rng, 3, 5e-4);
    few.push(obs(50, 30, 3000));
    assert_eq!(AlleleModel::fit_robust(&few, PRIOR, false).outliers(), 0);
    // Ten: the 1 % observation is a variant.
    let mut more = errors(&mut rng, 9, 5e-4);
    more.push(obs(50, 30, 3000));
    assert_eq!(AlleleModel::fit_robust(&more, PRIOR, false).outliers(), 1);
    // At ≥ 3 % it never was background: not counted as an outlier.
    more.pop();
    more.push(obs(50, 300, 3000));
    assert_eq!(AlleleModel::fit_robust(&more, PRIOR, false).outliers(), 0);
}

#[test]
fn a_patient_with_two_baselines_carrying_a_subclone_is_left_out_whole() {
    // Leave-patient-out in the test itself: a patient's second baseline cannot vouch for its
    // first.
    let mut rng = Rng(4);
    let mut all = errors(&mut rng, 15, 5e-4);
    all.push(obs(77, 25, 2500));
    all.push(Observation {
        material: Material::Tumor,
        ..obs(77, 20, 2000)
    });
    let robust = AlleleModel::fit_robust(&all, PRIOR, true);
    assert_eq!(robust.outliers(), 2);
}
