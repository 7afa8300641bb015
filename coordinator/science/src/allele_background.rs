//! The background of one allele: the baseline and normal observations of it, fitted robustly
//! (an observation that is a real variant against the others is left out), held as running
//! sums from which any one patient can be left out in constant time.
//!
//! A real subclonal mutation at 0.5–3 % in some patient's baseline is below the variant
//! cut-off ([`crate::background::BACKGROUND_MAX_VAF`]) but is no error: counted as background
//! it raises the allele's mean and overdispersion for everyone, and the recurrent hotspots are
//! exactly the alleles where this happens. The fit therefore tests every observation against
//! the background of the others, BACON-style (Billor, Hadi & Velleman 2000):
//!
//! 1. start from a core that variants cannot dominate: the half of the observations with the
//!    lowest allele fractions;
//! 2. test every observation against the background fitted from the current set without its
//!    own patient (shrunk towards the prior, as every fit): an upper tail below
//!    [`OUTLIER_FWER`] / (number of observations) (Bonferroni) makes it a variant;
//! 3. the new set is every observation that is not a variant; repeat from 2 until the set no
//!    longer changes (at most [`OUTLIER_ROUNDS`] rounds).
//!
//! Starting from the core avoids masking (two subclones each hiding the other by inflating the
//! overdispersion); testing each observation against all others (not just the core) in later
//! rounds gives back every observation of a real, systematic background: an artefact present
//! in every sample is never significant against the others. Fewer than
//! [`OUTLIER_MIN_OBSERVATIONS`] observations are too few to tell a variant from a noisy
//! position: all are kept.

use crate::background::{fit, Background, Prior, Sums};
use esr1_proto::Material;
use std::collections::HashMap;

/// A material-specific background needs at least this many samples of that material.
pub const MIN_MATERIAL_SAMPLES: f64 = 5.0;
/// Family-wise error rate of the outlier test over one allele's observations.
pub const OUTLIER_FWER: f64 = 1e-4;
/// Most rounds of the outlier test.
pub const OUTLIER_ROUNDS: usize = 10;
/// Fewest observations of an allele for the outlier test to run.
pub const OUTLIER_MIN_OBSERVATIONS: usize = 5;

/// One background sample's evidence for an allele.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Its patient.
    pub patient: String,
    /// Its material.
    pub material: Material,
    /// Alt fragments.
    pub alt: u32,
    /// Fragments covering the position.
    pub depth: u32,
}

/// The background data of one allele: sums over the background observations kept by the
/// robust fit, overall and per material, each with every patient's share so that patient can
/// be left out.
#[derive(Debug, Clone, Default)]
pub struct AlleleModel {
    total: Sums,
    by_patient: HashMap<String, Sums>,
    by_material: HashMap<Material, Sums>,
    by_patient_material: HashMap<(String, Material), Sums>,
    prior: Prior,
    /// The allele is a known hotspot.
    pub hotspot: bool,
    outliers: usize,
}

impl AlleleModel {
    /// The model of an allele without observations: its prior alone.
    pub fn new(prior: Prior, hotspot: bool) -> Self {
        Self {
            prior,
            hotspot,
            ..Self::default()
        }
    }

    /// The robust model of an allele from its background observations (those at or above the
    /// variant cut-off are left out first, as every fit does; then the outlier test of the
    /// module documentation).
    pub fn fit_robust(observations: &[Observation], prior: Prior, hotspot: bool) -> Self {
        let usable: Vec<(&Observation, Sums)> = observations
            .iter()
            .filter_map(|o| {
                let mut one = Sums::default();
                one.add(o.alt, o.depth).then_some((o, one))
            })
            .collect();
        let build = |keep: &[bool]| {
            let mut m = Self::new(prior, hotspot);
            for ((o, one), _) in usable.iter().zip(keep).filter(|(_, &k)| k) {
                m.add(&o.patient, o.material, one);
            }
            m
        };
        let n = usable.len();
        if n < OUTLIER_MIN_OBSERVATIONS {
            return build(&vec![true; n]);
        }
        // The core: the lower half by allele fraction (deeper first among equals).
        let vaf = |i: usize| f64::from(usable[i].0.alt) / f64::from(usable[i].0.depth);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            vaf(a)
                .total_cmp(&vaf(b))
                .then(usable[b].0.depth.cmp(&usable[a].0.depth))
        });
        let mut keep = vec![false; n];
        for &i in &order[..n.div_ceil(2)] {
            keep[i] = true;
        }
        let threshold = OUTLIER_FWER / n as f64;
        let mut model = build(&keep);
        for _ in 0..OUTLIER_ROUNDS {
            let next: Vec<bool> = usable
                .iter()
                .map(|(o, _)| !model.is_outlier(o, threshold))
                .collect();
            if next == keep {
                break;
            }
            keep = next;
            model = build(&keep);
        }
        model.outliers = keep.iter().filter(|&&k| !k).count();
        model
    }

    /// Whether `o` is significant (upper tail below `threshold`) against this model without
    /// its patient.
    fn is_outlier(&self, o: &Observation, threshold: f64) -> bool {
        let bg = self.leave_out(&o.patient, o.material);
        f64::from(o.alt) > bg.dist.mean * f64::from(o.depth)
            && bg.dist.sf(o.alt, o.depth) < threshold
    }

    fn add(&mut self, patient: &str, material: Material, one: &Sums) {
        self.total.merge(one);
        self.by_patient
            .entry(patient.to_owned())
            .or_default()
            .merge(one);
        self.by_material.entry(material).or_default().merge(one);
        self.by_patient_material
            .entry((patient.to_owned(), material))
            .or_default()
            .merge(one);
    }

    /// Observations below the variant cut-off that the outlier test found to be variants.
    pub fn outliers(&self) -> usize {
        self.outliers
    }

    /// The background for a sample of `patient` and `material`: the kept background samples
    /// of the same material when at least [`MIN_MATERIAL_SAMPLES`] remain without the patient
    /// (tumour, cfDNA and normal libraries differ in their errors), else all of them.
    pub fn leave_out(&self, patient: &str, material: Material) -> Background {
        let own_material = self
            .by_material
            .get(&material)
            .map(|m| {
                match self
                    .by_patient_material
                    .get(&(patient.to_owned(), material))
                {
                    Some(own) => m.without(own),
                    None => *m,
                }
            })
            .filter(|m| m.samples >= MIN_MATERIAL_SAMPLES);
        let sums = own_material.unwrap_or_else(|| match self.by_patient.get(patient) {
            Some(own) => self.total.without(own),
            None => self.total,
        });
        fit(&sums, &self.prior)
    }
}

#[cfg(test)]
mod tests;
