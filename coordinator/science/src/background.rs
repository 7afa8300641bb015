//! The cohort background model: a beta-binomial error distribution per site and allele,
//! estimated from the cohort's baseline and normal samples (shearwater-style).
//!
//! For one allele at one position every background sample gives `k` alt fragments of `n`.
//! Sequencing and library artefacts differ by position and allele and vary between samples,
//! so `k` is modelled as beta-binomial: the sample's error rate is drawn from a Beta with mean
//! `μ` and overdispersion `ρ = 1 / (α + β + 1)`, and `k` is binomial given that rate.
//!
//! * `μ` and `ρ` are estimated by the method of moments for unequal `n` (Kleinman 1973), from
//!   sums that allow any one patient to be left out in constant time ([`Sums::without`]): the
//!   sample under test never informs its own background.
//! * Both are shrunk towards a global prior where the data are thin: `μ` with the weight of
//!   [`PRIOR_FRAGMENTS`] fragments at the prior rate, `ρ` with the weight of [`PRIOR_SAMPLES`]
//!   samples at the prior overdispersion.
//! * Observations at or above [`BACKGROUND_MAX_VAF`] are real variants (germline or clonal),
//!   not background, and are left out of every fit.
//! * So are real subclonal variants below it ([`variant_outliers`]): a baseline that carries
//!   a recurrent hotspot at 0.5–3 % (pre-existing, or a patient starting to acquire it) would
//!   otherwise raise that allele's mean and overdispersion for every other patient. A core
//!   of the observations that do not stand out even mildly ([`CORE_P`], [`CORE_MIN_FOLD`])
//!   is found first (so that real subclones cannot hide each other by inflating the
//!   overdispersion); an observation significant against the core's beta-binomial at
//!   [`OUTLIER_P`] and at least [`OUTLIER_MIN_FOLD`] times its mean is a variant. A
//!   position-specific artefact that
//!   every sample shows at a varying rate is not a variant: it is never that far above the
//!   others, and when more than [`max_outliers`] observations would go, none does.

use statrs::function::beta::ln_beta;
use statrs::function::factorial::ln_binomial;

/// Observations at or above this allele fraction are variants, not background.
pub const BACKGROUND_MAX_VAF: f64 = 0.03;
/// Weight of the prior mean, in fragments.
pub const PRIOR_FRAGMENTS: f64 = 5_000.0;
/// Weight of the prior overdispersion, in samples.
pub const PRIOR_SAMPLES: f64 = 5.0;
/// Smallest overdispersion used (the model then is practically binomial).
pub const RHO_FLOOR: f64 = 1e-7;
/// Largest overdispersion used.
pub const RHO_CEILING: f64 = 0.5;
/// Smallest background mean used (keeps the Beta proper where nothing was ever seen).
pub const MEAN_FLOOR: f64 = 1e-8;

/// An observation this significant against the background of the others is a variant …
pub const OUTLIER_P: f64 = 1e-6;
/// … when its allele fraction is also at least this many times that background's mean.
pub const OUTLIER_MIN_FOLD: f64 = 20.0;
/// The core the variants are tested against leaves out whatever stands out even mildly:
/// this significant …
pub const CORE_P: f64 = 1e-3;
/// … and this many times the mean.
pub const CORE_MIN_FOLD: f64 = 3.0;
/// The overdispersion the core's own estimate is shrunk towards.
pub const CORE_PRIOR_RHO: f64 = 1e-4;

/// The most observations of one allele that can be variants rather than background: 3, or a
/// quarter of them in a larger cohort (a patient with a subclone has it in each baseline).
pub fn max_outliers(observations: usize) -> usize {
    (observations / 4).max(3)
}

/// Which of one allele's background observations `(alt, depth)` are variants, not
/// background (see the module notes). Observations [`Sums::add`] would refuse are never
/// flagged (they are left out anyway).
pub fn variant_outliers(observations: &[(u32, u32)], prior: &Prior) -> Vec<bool> {
    let mut flagged = vec![false; observations.len()];
    for i in variant_outlier_indices(observations, prior) {
        flagged[i] = true;
    }
    flagged
}

/// The indices (ascending) of the observations [`variant_outliers`] flags.
///
/// Most background samples show no alt fragment of a given allele. Such an observation is
/// never beyond a background (P(X ≥ 0) = 1), so it is always in the core and never a variant:
/// only its sums matter, and they are taken once. The work beyond one pass over the
/// observations is in those with alt fragments, so re-testing every site of a growing cohort
/// stays linear in its samples. Zero-alt observations add whole numbers to every sum and
/// exactly 0 to Σ k²/n, so the sums, and so the result, are bit for bit those of adding every
/// observation in order.
pub fn variant_outlier_indices(observations: &[(u32, u32)], prior: &Prior) -> Vec<usize> {
    let mut zeros = Sums::default();
    let mut alts = Vec::new();
    for (index, &(k, n)) in observations.iter().enumerate() {
        if k == 0 {
            zeros.add(k, n);
        } else {
            alts.push((index, k, n));
        }
    }
    variant_outlier_indices_among(zeros, &alts, prior)
}

/// [`variant_outlier_indices`] of observations given as the sums of those without alt
/// fragments (`zeros`: what [`Sums::add`] of each gives) and the others as `(index, alt,
/// depth)`, in index order: the indices of the others it flags.
pub fn variant_outlier_indices_among(
    zeros: Sums,
    observations: &[(usize, u32, u32)],
    prior: &Prior,
) -> Vec<usize> {
    // The core speaks for itself: its overdispersion is shrunk towards a small value, not
    // towards the cohort's typical site (which a few variable sites set).
    let prior = &Prior {
        mean: prior.mean,
        rho: prior.rho.min(CORE_PRIOR_RHO),
    };
    /// A usable observation with alt fragments, and whether it is in the core.
    struct Alt {
        index: usize,
        k: u32,
        n: u32,
        one: Sums,
        in_core: bool,
    }
    let mut alts: Vec<Alt> = Vec::new();
    for &(index, k, n) in observations {
        let mut one = Sums::default();
        if one.add(k, n) {
            alts.push(Alt {
                index,
                k,
                n,
                one,
                in_core: false,
            });
        }
    }
    let zero_count = zeros.samples as usize;
    let usable = zero_count + alts.len();
    let beyond = |k: u32, n: u32, dist: &BetaBinomial, fold: f64, p: f64| {
        f64::from(k) >= fold * dist.mean * f64::from(n) && dist.sf_below(k, n, p)
    };
    // The sums of the zero-alt observations and of the others `member` picks.
    let sums_of = |alts: &[Alt], member: &dyn Fn(&Alt) -> bool| {
        let mut sums = zeros;
        for a in alts.iter().filter(|a| member(a)) {
            sums.merge(&a.one);
        }
        sums
    };
    // The core: the observations that do not stand out even mildly, first against the
    // pooled rate of the lower half (binomially; never below the prior's rate), then
    // against the core's own beta-binomial until it no longer changes. One outlier in the
    // core would inflate its overdispersion and hide the others.
    let vaf = |a: &Alt| f64::from(a.k) / f64::from(a.n);
    // The element a sort of every usable allele fraction would put in the middle: 0 when
    // that is one of the zero-alt observations, else found among the others in linear time.
    let middle = usable / 2;
    let median = if middle < zero_count || alts.is_empty() {
        0.0
    } else {
        let mut vafs: Vec<f64> = alts.iter().map(vaf).collect();
        *vafs
            .select_nth_unstable_by(middle - zero_count, f64::total_cmp)
            .1
    };
    let lower = sums_of(&alts, &|a| vaf(a) <= median);
    let rate = if lower.depth > 0.0 {
        (lower.alt / lower.depth).max(prior.mean)
    } else {
        prior.mean
    };
    let mut dist = BetaBinomial::new(rate, RHO_FLOOR);
    // The zero-alt observations join the core in the first round and never leave it.
    let mut zeros_in_core = zero_count == 0;
    for _ in 0..10 {
        let mut changed = false;
        for a in &mut alts {
            let in_core = !beyond(a.k, a.n, &dist, CORE_MIN_FOLD, CORE_P);
            changed |= in_core != a.in_core;
            a.in_core = in_core;
        }
        if !changed && zeros_in_core {
            break;
        }
        zeros_in_core = true;
        dist = fit(&sums_of(&alts, &|a| a.in_core), prior).dist;
    }
    // Variants: far beyond the core (a core member tested without itself).
    let core_sums = sums_of(&alts, &|a| a.in_core);
    let out: Vec<usize> = alts
        .iter()
        .filter(|a| {
            let others = if a.in_core {
                core_sums.without(&a.one)
            } else {
                core_sums
            };
            // The core's own overdispersion, capped: where the core is nearly error-free, a
            // single stray alt fragment in a shallow sample makes its moment estimate large
            // (10⁻³ and more) and the beta-binomial tail then swallows a 1 % subclone. An
            // artefact's real spread cannot make a variant of its tail: that needs the fold.
            let d = fit(&others, prior).dist;
            let d = BetaBinomial::new(d.mean, d.rho.min(CORE_PRIOR_RHO));
            beyond(a.k, a.n, &d, OUTLIER_MIN_FOLD, OUTLIER_P)
        })
        .map(|a| a.index)
        .collect();
    if out.len() > max_outliers(usable) {
        // More than the limit: a systematic artefact, not variants.
        return Vec::new();
    }
    out
}

/// Sums of background observations from which moments (and leave-one-out moments) follow.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sums {
    /// Number of observations.
    pub samples: f64,
    /// Σ k.
    pub alt: f64,
    /// Σ n.
    pub depth: f64,
    /// Σ n².
    pub depth_sq: f64,
    /// Σ k² / n.
    pub alt_sq_over_depth: f64,
}

impl Sums {
    /// Adds one observation of `alt` of `depth` fragments (ignored when `depth` is 0 or the
    /// allele fraction is at least [`BACKGROUND_MAX_VAF`]). Returns whether it was used.
    pub fn add(&mut self, alt: u32, depth: u32) -> bool {
        if depth == 0 || f64::from(alt) >= BACKGROUND_MAX_VAF * f64::from(depth) {
            return false;
        }
        let (k, n) = (f64::from(alt), f64::from(depth));
        self.samples += 1.0;
        self.alt += k;
        self.depth += n;
        self.depth_sq += n * n;
        self.alt_sq_over_depth += k * k / n;
        true
    }

    /// These sums without the observations in `other` (a subset of them).
    pub fn without(&self, other: &Sums) -> Sums {
        Sums {
            samples: (self.samples - other.samples).max(0.0),
            alt: (self.alt - other.alt).max(0.0),
            depth: (self.depth - other.depth).max(0.0),
            depth_sq: (self.depth_sq - other.depth_sq).max(0.0),
            alt_sq_over_depth: (self.alt_sq_over_depth - other.alt_sq_over_depth).max(0.0),
        }
    }

    /// Adds all observations of `other`.
    pub fn merge(&mut self, other: &Sums) {
        self.samples += other.samples;
        self.alt += other.alt;
        self.depth += other.depth;
        self.depth_sq += other.depth_sq;
        self.alt_sq_over_depth += other.alt_sq_over_depth;
    }

    /// Method-of-moments estimates `(μ, ρ)` without shrinkage; `None` without observations.
    /// `ρ` is `None` when it cannot be estimated (fewer than two samples, no alt fragments, or
    /// equal depths everywhere with a single sample's worth of information).
    pub fn moments(&self) -> Option<(f64, Option<f64>)> {
        if self.samples < 1.0 || self.depth <= 0.0 {
            return None;
        }
        let mean = self.alt / self.depth;
        if self.samples < 2.0 || mean <= 0.0 || mean >= 1.0 {
            return Some((mean, None));
        }
        // S = Σ n (k/n − μ)² = Σ k²/n − (Σk)²/N, and
        // E[S] = μ(1−μ) [(I − 1) + ρ (N − Σn²/N − (I − 1))].
        let s = (self.alt_sq_over_depth - self.alt * self.alt / self.depth).max(0.0);
        let i = self.samples;
        let denom = self.depth - self.depth_sq / self.depth - (i - 1.0);
        if denom <= 0.0 {
            return Some((mean, None));
        }
        let rho = (s / (mean * (1.0 - mean)) - (i - 1.0)) / denom;
        Some((mean, Some(rho.clamp(0.0, RHO_CEILING))))
    }
}

/// The global prior of a class of alleles (e.g. one substitution type).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Prior {
    /// Mean error rate per fragment for one specific alt allele.
    pub mean: f64,
    /// Overdispersion.
    pub rho: f64,
}

impl Prior {
    /// A generic error prior (1 in 10,000, overdispersion 10⁻⁴) for a first look at a site.
    pub fn default_error() -> Self {
        Self {
            mean: 1e-4,
            rho: 1e-4,
        }
    }
}

/// A fitted background: shrunk moments and what they rest on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Background {
    /// The distribution.
    pub dist: BetaBinomial,
    /// Background samples used.
    pub samples: u32,
    /// Background fragments used.
    pub depth: u64,
}

/// Fits the background of one allele from its sums, shrunk towards `prior`.
pub fn fit(sums: &Sums, prior: &Prior) -> Background {
    let rho_hat = sums.moments().and_then(|(_, rho)| rho);
    let mean = (sums.alt + PRIOR_FRAGMENTS * prior.mean) / (sums.depth + PRIOR_FRAGMENTS);
    let rho = match rho_hat {
        Some(r) => (sums.samples * r + PRIOR_SAMPLES * prior.rho) / (sums.samples + PRIOR_SAMPLES),
        None => prior.rho,
    };
    Background {
        dist: BetaBinomial::new(mean, rho),
        samples: sums.samples as u32,
        depth: sums.depth as u64,
    }
}

/// A beta-binomial distribution by mean and overdispersion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BetaBinomial {
    /// Mean success probability μ = α / (α + β).
    pub mean: f64,
    /// Overdispersion ρ = 1 / (α + β + 1).
    pub rho: f64,
}

impl BetaBinomial {
    /// The distribution with this mean and overdispersion, clamped into the usable range.
    pub fn new(mean: f64, rho: f64) -> Self {
        let mean = if mean.is_finite() { mean } else { MEAN_FLOOR };
        let rho = if rho.is_finite() { rho } else { RHO_FLOOR };
        Self {
            mean: mean.clamp(MEAN_FLOOR, 1.0 - MEAN_FLOOR),
            rho: rho.clamp(RHO_FLOOR, RHO_CEILING),
        }
    }

    /// `(α, β)`.
    pub fn alpha_beta(&self) -> (f64, f64) {
        let s = (1.0 - self.rho) / self.rho;
        (self.mean * s, (1.0 - self.mean) * s)
    }

    /// ln P(X = k) for `n` trials.
    pub fn ln_pmf(&self, k: u32, n: u32) -> f64 {
        if k > n {
            return f64::NEG_INFINITY;
        }
        let (a, b) = self.alpha_beta();
        ln_binomial(u64::from(n), u64::from(k)) + ln_beta(f64::from(k) + a, f64::from(n - k) + b)
            - ln_beta(a, b)
    }

    /// Upper tail P(X ≥ k) for `n` trials, summed from the smaller side.
    pub fn sf(&self, k: u32, n: u32) -> f64 {
        if k == 0 {
            return 1.0;
        }
        if k > n {
            return 0.0;
        }
        if f64::from(k) <= f64::from(n) * self.mean + 1.0 {
            let lower: f64 = (0..k).map(|j| self.ln_pmf(j, n).exp()).sum();
            return (1.0 - lower).clamp(0.0, 1.0);
        }
        // Above the mode the terms decrease: stop once they no longer matter.
        let mut sum = 0.0;
        for j in k..=n {
            let t = self.ln_pmf(j, n).exp();
            sum += t;
            if t <= sum * 1e-15 {
                break;
            }
        }
        sum.min(1.0)
    }

    /// Whether `self.sf(k, n) < p`, summing no more terms than it takes to know: the same
    /// answer for every input, since the partial sums only grow. Most background
    /// observations are far from significant, and their first upper term already says so.
    pub fn sf_below(&self, k: u32, n: u32, p: f64) -> bool {
        if k == 0 || k > n {
            return self.sf(k, n) < p;
        }
        if f64::from(k) <= f64::from(n) * self.mean + 1.0 {
            // 1 − (terms below k) only falls as terms are added.
            let mut lower = 0.0;
            for j in 0..k {
                lower += self.ln_pmf(j, n).exp();
                if (1.0 - lower).clamp(0.0, 1.0) < p {
                    return true;
                }
            }
            return false;
        }
        let mut sum = 0.0;
        for j in k..=n {
            let t = self.ln_pmf(j, n).exp();
            sum += t;
            if sum.min(1.0) >= p {
                return false;
            }
            if t <= sum * 1e-15 {
                break;
            }
        }
        sum.min(1.0) < p
    }

    /// The smallest alt count whose upper tail at `n` trials is at most `alpha` (`n + 1` when
    /// no count is that unlikely).
    pub fn critical_count(&self, n: u32, alpha: f64) -> u32 {
        // The tail decreases in k: bisect.
        let (mut lo, mut hi) = (0u32, n + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if mid <= n && self.sf(mid, n) <= alpha {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    }
}

#[cfg(test)]
mod tests;
