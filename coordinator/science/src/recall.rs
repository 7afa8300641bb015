//! Cohort re-calling: every candidate of every sample is re-tested against the cohort
//! background of its allele (a leave-patient-out beta-binomial, see [`crate::background`]),
//! the false discovery rate is controlled across sites × samples with Benjamini–Hochberg in
//! two families (the known hotspot alleles, with a more lenient level as prior knowledge; all
//! other alleles), and every call gets its filters.
//!
//! Background samples are baselines (day ≤ 0) and normals. The patient of the sample under
//! test is left out of its background entirely (stricter than leaving out the sample: a
//! patient's own baseline may carry the variant below the variant cut-off).

use crate::background::{fit, variant_outlier_indices_among, Background, Prior, Sums};
use crate::calling::INDEL_ERROR_RATE;
use crate::esr1::{Build, Esr1Model};
use crate::sample::{Columns, SampleData};
use crate::stats::{benjamini_hochberg, binomial_sf};
use esr1_proto::{AlleleQuery, CallingParams, Material, SampleCall, SampleRef};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// False discovery rate across all non-hotspot tests.
pub const FDR: f64 = 0.01;
/// False discovery rate across the tests of known hotspot alleles.
pub const HOTSPOT_FDR: f64 = 0.05;
/// Strand bias: Fisher's exact p-value below this …
pub const STRAND_BIAS_P: f64 = 1e-3;
/// … and at least this fraction of alt fragments on one strand.
pub const STRAND_BIAS_FRACTION: f64 = 0.9;
/// A material-specific background needs at least this many samples of that material.
pub const MIN_MATERIAL_SAMPLES: f64 = 5.0;
/// Fewer covering fragments than this is too little to test.
pub const MIN_DEPTH: u32 = 10;
/// Prior rate of one specific multi-nucleotide error.
pub const MNV_PRIOR_RATE: f64 = 1e-6;
/// Smallest prior overdispersion.
pub const PRIOR_RHO_FLOOR: f64 = 1e-5;
/// Prior overdispersion when the cohort gives no estimate.
pub const DEFAULT_PRIOR_RHO: f64 = 1e-4;
/// The prior overdispersion is the median over site × alleles with at least this many alt
/// fragments in the background …
pub const MIN_PRIOR_ALT: f64 = 10.0;
/// … of at least this many such site × alleles (else [`DEFAULT_PRIOR_RHO`]) …
pub const MIN_PRIOR_SITES: usize = 10;
/// … and of at most this many: where more qualify, the same pseudo-random subset of them
/// whatever the samples' order ([`prior_pair_rank`]). A median of 4,096 is as good a prior as
/// a median of more, and the outlier test behind each costs in proportion to the samples, so
/// without a bound the merge grows faster than the cohort while ever more pairs qualify.
pub const MAX_PRIOR_PAIRS: usize = 4096;

/// Filter names, as written in every output.
pub mod filter {
    /// Fewer than [`super::MIN_DEPTH`] fragments.
    pub const LOW_DEPTH: &str = "low_depth";
    /// Fewer alt fragments than the minimum.
    pub const LOW_ALT: &str = "low_alt";
    /// Allele fraction below the minimum.
    pub const LOW_VAF: &str = "low_vaf";
    /// Explained by base qualities alone.
    pub const ERROR_EXPLAINED: &str = "error_explained";
    /// Alt fragments on one strand only, unlike the reference fragments.
    pub const STRAND_BIAS: &str = "strand_bias";
    /// Alt fragments (nearly) all in one read orientation (F1R2 or F2R1), unlike the
    /// reference fragments: damage to one strand of the molecule, e.g. formalin deamination.
    pub const ORIENTATION: &str = "orientation";
    /// Alt fragments seen (nearly) only near read ends, unlike the reference fragments.
    pub const READ_END: &str = "read_end";
    /// Not significant against the cohort background after FDR control.
    pub const BACKGROUND: &str = "background";
    /// Near 50 % or 100 %: looks inherited (kept as detected; the patient decides).
    pub const GERMLINE_LIKE: &str = "germline_like";
    /// A mismatch next to an indel of the same patient, seen (nearly) only near read ends:
    /// the indel misaligned ([`super::NEAR_INDEL_BASES`]).
    pub const NEAR_INDEL: &str = "near_indel";
}

/// Every material, in the order background sums are kept by material.
const MATERIALS: [Material; 3] = [Material::Tumor, Material::Cfdna, Material::Normal];

/// `(position, REF, ALT)`.
pub type AlleleKey = (u64, String, String);

/// Whether a sample informs the background: baselines and normals.
pub fn is_background(s: &SampleData) -> bool {
    s.sample.material == Material::Normal || s.sample.day <= 0
}

/// One candidate of one sample after the cohort test.
#[derive(Debug, Clone)]
pub struct RecalledCall {
    /// Index of the sample in the slice given to [`recall`].
    pub sample: usize,
    /// The worker's candidate.
    pub call: SampleCall,
    /// The allele is a known hotspot (lenient family).
    pub hotspot: bool,
    /// The background it was tested against.
    pub background: Background,
    /// P(alt ≥ observed) under the background.
    pub background_p: f64,
    /// Benjamini–Hochberg q-value within its family.
    pub q_value: f64,
    /// Failed filters (empty: PASS).
    pub filters: Vec<String>,
}

impl RecalledCall {
    /// The key of its allele.
    pub fn key(&self) -> AlleleKey {
        (
            self.call.pos,
            self.call.ref_allele.clone(),
            self.call.alt_allele.clone(),
        )
    }

    /// Present in the sample: every filter passed except, possibly, `germline_like`.
    pub fn detected(&self) -> bool {
        self.filters.iter().all(|f| f == filter::GERMLINE_LIKE)
    }

    /// `PASS` or the filters joined by `;`.
    pub fn filter_label(&self) -> String {
        if self.filters.is_empty() {
            "PASS".to_owned()
        } else {
            self.filters.join(";")
        }
    }
}

/// The background data of one allele: sums over all background samples and per material, and
/// which background samples were left out as variants. A patient's own share, to be left
/// out of the sums, is summed again from its own one or two background samples when it is
/// asked for ([`CohortCalls::background`]), not kept for every patient: kept, it would make
/// the model grow as alleles × patients, faster than the cohort.
#[derive(Debug, Clone, Default)]
struct AlleleModel {
    total: Sums,
    by_material: HashMap<Material, Sums>,
    /// Indices into [`CohortCalls`]' background samples of the observations flagged as
    /// variants (ascending; usually none).
    variants: Vec<usize>,
    prior: Prior,
    hotspot: bool,
}

impl AlleleModel {
    fn add(&mut self, material: Material, one: &Sums) {
        self.total.merge(one);
        self.by_material.entry(material).or_default().merge(one);
    }
}

/// The background samples of a cohort and, per patient, the indices of its own among them
/// (ascending, as the sums were taken).
#[derive(Debug, Clone, Default)]
struct BackgroundSamples<'a> {
    samples: Vec<&'a SampleData>,
    by_patient: HashMap<&'a str, Vec<usize>>,
}

impl<'a> BackgroundSamples<'a> {
    fn of(samples: &[&'a SampleData]) -> Self {
        let samples: Vec<&SampleData> = samples
            .iter()
            .copied()
            .filter(|s| is_background(s))
            .collect();
        let mut by_patient: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, s) in samples.iter().enumerate() {
            by_patient.entry(&s.sample.patient).or_default().push(i);
        }
        Self {
            samples,
            by_patient,
        }
    }

    /// `patient`'s share of `model`'s sums: of all its background samples, and of those of
    /// `material` (`None` where none was used), summed in the order the model's were, so
    /// that leaving them out is exact.
    fn own_share(
        &self,
        model: &AlleleModel,
        key: &AlleleKey,
        patient: &str,
        material: Material,
    ) -> (Option<Sums>, Option<Sums>) {
        let (mut all, mut same): (Option<Sums>, Option<Sums>) = (None, None);
        for &i in self.by_patient.get(patient).map_or(&[][..], Vec::as_slice) {
            if model.variants.binary_search(&i).is_ok() {
                continue;
            }
            let s = self.samples[i];
            let (alt, depth) = s.allele_evidence(key.0, &key.1, &key.2);
            let mut one = Sums::default();
            if one.add(alt, depth) {
                all.get_or_insert_with(Sums::default).merge(&one);
                if s.sample.material == material {
                    same.get_or_insert_with(Sums::default).merge(&one);
                }
            }
        }
        (all, same)
    }
}

/// The re-called cohort (it looks into the background samples it was given).
#[derive(Debug, Clone)]
pub struct CohortCalls<'a> {
    /// Every candidate with its test and filters, by sample then position.
    pub calls: Vec<RecalledCall>,
    /// Tests in the hotspot family (sample × hotspot allele with enough depth).
    pub tests_hotspot: usize,
    /// Tests in the other family (sample × covered position × 3 substitutions, plus
    /// indel and MNV candidates).
    pub tests_other: usize,
    /// Largest background p-value rejected in the hotspot family (`HOTSPOT_FDR / m` when
    /// nothing was): the per-test threshold used for detection power.
    pub alpha_hotspot: f64,
    /// Same for the other family.
    pub alpha_other: f64,
    /// Prior overdispersion estimated from the cohort.
    pub prior_rho: f64,
    models: BTreeMap<AlleleKey, AlleleModel>,
    snv_priors: HashMap<(u8, u8), f64>,
    background: BackgroundSamples<'a>,
}

impl CohortCalls<'_> {
    /// A cohort in which nobody had a candidate: every allele's background is its prior alone
    /// (overdispersion `prior_rho`, the default error rate of its class), with these per-test
    /// thresholds. What [`recall`] gives for a cohort without calls; tests of the status rule
    /// build on it.
    pub fn prior_only(alpha_hotspot: f64, alpha_other: f64, prior_rho: f64) -> Self {
        Self {
            calls: Vec::new(),
            tests_hotspot: 0,
            tests_other: 0,
            alpha_hotspot,
            alpha_other,
            prior_rho,
            models: BTreeMap::new(),
            snv_priors: HashMap::new(),
            background: BackgroundSamples::default(),
        }
    }

    /// The background of an allele for a sample of `patient` and `material`, the patient
    /// left out (the prior alone for an allele nobody had a candidate for).
    pub fn background(&self, key: &AlleleKey, patient: &str, material: Material) -> Background {
        match self.models.get(key) {
            Some(m) => self.leave_out(m, key, patient, material),
            None => fit(&Sums::default(), &self.prior_of(key)),
        }
    }

    /// The background of `model`'s allele for a sample of `patient` and `material`: the
    /// background samples of the same material when at least [`MIN_MATERIAL_SAMPLES`]
    /// remain without the patient (tumour, cfDNA and normal libraries differ in their
    /// errors), else all of them.
    fn leave_out(
        &self,
        model: &AlleleModel,
        key: &AlleleKey,
        patient: &str,
        material: Material,
    ) -> Background {
        let (own_all, own_material) = self.background.own_share(model, key, patient, material);
        let own_material = model
            .by_material
            .get(&material)
            .map(|m| match &own_material {
                Some(own) => m.without(own),
                None => *m,
            })
            .filter(|m| m.samples >= MIN_MATERIAL_SAMPLES);
        let sums = own_material.unwrap_or_else(|| match &own_all {
            Some(own) => model.total.without(own),
            None => model.total,
        });
        fit(&sums, &model.prior)
    }

    fn prior_of(&self, key: &AlleleKey) -> Prior {
        let mean = match class(key) {
            Class::Snv(r, a) => self.snv_priors.get(&(r, a)).copied().unwrap_or(1e-4),
            Class::Indel => INDEL_ERROR_RATE,
            Class::Mnv => MNV_PRIOR_RATE,
        };
        Prior {
            mean,
            rho: self.prior_rho,
        }
    }

    /// Power of `sample` with `depth` fragments to detect the allele at `vaf`:
    /// P(alt ≥ k*) where k* is the smallest alt count that passes the per-test threshold of
    /// the allele's family under its leave-patient-out background, the minimum alt count and
    /// the minimum allele fraction.
    pub fn detection_power(
        &self,
        key: &AlleleKey,
        sample: &SampleRef,
        depth: u32,
        vaf: f64,
        hotspot: bool,
        params: &CallingParams,
    ) -> f64 {
        if depth == 0 || vaf <= 0.0 {
            return 0.0;
        }
        let alpha = if hotspot {
            self.alpha_hotspot
        } else {
            self.alpha_other
        };
        let bg = self.background(key, &sample.patient, sample.material);
        let by_vaf = (params.min_vaf * f64::from(depth)).ceil() as u32;
        let k = bg
            .dist
            .critical_count(depth, alpha)
            .max(params.min_alt_reads)
            .max(by_vaf);
        binomial_sf(u64::from(k), u64::from(depth), vaf.min(1.0))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Snv(u8, u8),
    Indel,
    Mnv,
}

fn class(key: &AlleleKey) -> Class {
    let (_, r, a) = key;
    match (r.len(), a.len()) {
        (1, 1) => Class::Snv(r.as_bytes()[0], a.as_bytes()[0]),
        (x, y) if x == y => Class::Mnv,
        _ => Class::Indel,
    }
}

/// A germline variant is near 50 % (within this window) or near 100 % (at least the second
/// bound) in every sample of its patient.
pub const GERMLINE_HET_VAF: (f64, f64) = (0.25, 0.75);
/// Lower VAF bound of a homozygous germline variant.
pub const GERMLINE_HOM_VAF: f64 = 0.85;

/// Whether an allele fraction looks inherited.
pub fn germline_like(vaf: f64) -> bool {
    (GERMLINE_HET_VAF.0..=GERMLINE_HET_VAF.1).contains(&vaf) || vaf >= GERMLINE_HOM_VAF
}

/// Positions with at least [`MIN_DEPTH`] fragments in a sample.
fn covered_positions(s: &SampleData) -> usize {
    s.results
        .iter()
        .map(|r| {
            let sites = r.sites.iter().filter(|x| x.depth() >= MIN_DEPTH).count();
            let blocks: u64 = r
                .blocks
                .iter()
                .filter(|b| b.min_depth >= MIN_DEPTH)
                .map(|b| b.end + 1 - b.start)
                .sum();
            sites + blocks as usize
        })
        .sum()
}

/// An MNV one of whose changes is a germline-like SNV of the sample (≥ 25 %): every error at
/// a neighbouring base of a fragment carrying the inherited allele looks like an MNV. Such an
/// MNV is tested as its other change(s) among the fragments carrying the inherited allele:
/// the largest upper tail of those changes' backgrounds (0, no effect, when no change is
/// inherited or every change is).
fn germline_cis_p(cohort: &CohortCalls, s: &SampleData, c: &SampleCall) -> f64 {
    let changes: Vec<AlleleKey> = c
        .ref_allele
        .bytes()
        .zip(c.alt_allele.bytes())
        .enumerate()
        .filter(|(_, (r, a))| r != a)
        .map(|(j, (r, a))| {
            (
                c.pos + j as u64,
                char::from(r).to_string(),
                char::from(a).to_string(),
            )
        })
        .collect();
    let inherited = |k: &AlleleKey| {
        let (alt, depth) = s.allele_evidence(k.0, &k.1, &k.2);
        (depth > 0 && f64::from(alt) >= GERMLINE_HET_VAF.0 * f64::from(depth)).then_some(alt)
    };
    let Some(carriers) = changes.iter().filter_map(inherited).max() else {
        return 0.0;
    };
    changes
        .iter()
        .filter(|k| inherited(k).is_none())
        .map(|k| {
            cohort
                .background(k, &s.sample.patient, s.sample.material)
                .dist
                .sf(c.alt_reads(), carriers)
        })
        .fold(0.0, f64::max)
}

/// Re-tests every candidate of every sample against the cohort background.
pub fn recall<'a>(
    samples: &[&'a SampleData],
    model: &Esr1Model,
    build: Build,
    params: &CallingParams,
) -> CohortCalls<'a> {
    let (snv_priors, prior_rho) = global_priors(samples);
    let hotspot_alleles: BTreeSet<(u64, String)> = model
        .hotspots
        .iter()
        .map(|h| (h.pos(build), h.alt_base.to_string()))
        .collect();
    let is_hotspot =
        |key: &AlleleKey| key.1.len() == 1 && hotspot_alleles.contains(&(key.0, key.2.clone()));

    let mut out = CohortCalls {
        calls: Vec::new(),
        tests_hotspot: 0,
        tests_other: 0,
        alpha_hotspot: 0.0,
        alpha_other: 0.0,
        prior_rho,
        models: BTreeMap::new(),
        snv_priors,
        background: BackgroundSamples::of(samples),
    };

    // Every allele some sample has a candidate for, with its background sums. The background
    // samples are taken column by column ([`Columns`]): at an allele's position only those
    // with a reported site there can show it; the others add their depths, summed once per
    // position and material.
    let keys: BTreeSet<AlleleKey> = samples
        .iter()
        .flat_map(|s| s.calls())
        .map(|c| (c.pos, c.ref_allele.clone(), c.alt_allele.clone()))
        .collect();
    let background = out.background.samples.clone();
    let material_of = |i: usize| {
        MATERIALS
            .iter()
            .position(|&m| m == background[i].sample.material)
    };
    let mut positions: Vec<u64> = keys.iter().map(|k| k.0).collect();
    positions.dedup();
    let columns = Columns::new(&background, positions, MATERIALS.len(), material_of);
    let mut j = 0;
    for key in keys {
        while columns.positions()[j] < key.0 {
            j += 1;
        }
        let mut model = AlleleModel {
            prior: out.prior_of(&key),
            hotspot: is_hotspot(&key),
            ..AlleleModel::default()
        };
        let allele = AlleleQuery::new(&key.1, &key.2);
        let column = columns.allele(j, |site| site.support(&allele));
        let variants =
            variant_outlier_indices_among(column.zero_alt_total(), &column.alt, &model.prior);
        // The samples without alt fragments first: whole numbers, so the sums are those of
        // adding every observation in sample order.
        for (zeros, &material) in column.zero_alt.iter().zip(&MATERIALS) {
            if zeros.samples > 0.0 {
                model.add(material, zeros);
            }
        }
        for (i, alt, depth) in column.alt_except(&variants) {
            let mut one = Sums::default();
            if one.add(alt, depth) {
                model.add(background[i].sample.material, &one);
            }
        }
        model.variants = variants;
        out.models.insert(key, model);
    }

    // Family sizes.
    let hotspot_positions: Vec<u64> = hotspot_alleles.iter().map(|(p, _)| *p).collect();
    for s in samples {
        let hot = hotspot_positions
            .iter()
            .filter(|&&p| s.depth_at(p).unwrap_or(0) >= MIN_DEPTH)
            .count();
        let others = s
            .calls()
            .filter(|c| c.ref_allele.len() != 1 || c.alt_allele.len() != 1)
            .count();
        out.tests_hotspot += hot;
        out.tests_other += (3 * covered_positions(s)).saturating_sub(hot) + others;
    }

    // Test every candidate.
    for (i, s) in samples.iter().enumerate() {
        for c in s.calls() {
            let key = (c.pos, c.ref_allele.clone(), c.alt_allele.clone());
            let Some(m) = out.models.get(&key) else {
                continue;
            };
            let background = out.leave_out(m, &key, &s.sample.patient, s.sample.material);
            let mut background_p = background.dist.sf(c.alt_reads(), c.depth);
            if class(&key) == Class::Mnv {
                background_p = background_p.max(germline_cis_p(&out, s, c));
            }
            out.calls.push(RecalledCall {
                sample: i,
                call: c.clone(),
                hotspot: m.hotspot,
                background,
                background_p,
                q_value: 1.0,
                filters: Vec::new(),
            });
        }
    }

    // Benjamini–Hochberg per family.
    for (hotspot, m, level) in [
        (true, out.tests_hotspot, HOTSPOT_FDR),
        (false, out.tests_other, FDR),
    ] {
        let idx: Vec<usize> = (0..out.calls.len())
            .filter(|&i| out.calls[i].hotspot == hotspot)
            .collect();
        let p: Vec<f64> = idx.iter().map(|&i| out.calls[i].background_p).collect();
        let q = benjamini_hochberg(&p, m);
        let mut alpha = level / m.max(1) as f64;
        for (&i, &qv) in idx.iter().zip(&q) {
            out.calls[i].q_value = qv;
            if qv <= level {
                alpha = alpha.max(out.calls[i].background_p);
            }
        }
        if hotspot {
            out.alpha_hotspot = alpha;
        } else {
            out.alpha_other = alpha;
        }
    }

    filters::apply(&mut out, samples, params);
    out
}

mod filters;
pub use filters::{read_end_biased, strand_biased, NEAR_INDEL_BASES};

mod priors;
use priors::global_priors;
#[cfg(test)]
mod tests;
