//! The patient-status rule: for every variant detected in any sample of one patient,
//! germline, pre-existing, acquired or indeterminate, with the baseline's power and the
//! trajectory behind it.

use crate::cohort::VariantStatus;
use crate::recall::{germline_like, AlleleKey, CohortCalls, RecalledCall};
use crate::sample::SampleData;
use esr1_proto::{CallingParams, Material};
use std::collections::BTreeMap;

/// Power a baseline must have to call a later variant absent ("acquired"), per the design.
pub const REQUIRED_BASELINE_POWER: f64 = 0.95;
/// Largest allele fraction of a finding that formalin fixation can make: cytosine
/// deamination (C>T, G>A) in a tumour biopsy reaches a few per cent.
pub const FFPE_MAX_VAF: f64 = 0.05;

/// A C>T or G>A SNV: the change cytosine deamination (formalin fixation) makes.
pub fn deamination_like(ref_allele: &str, alt: &str) -> bool {
    matches!(
        (
            ref_allele.to_ascii_uppercase().as_str(),
            alt.to_ascii_uppercase().as_str()
        ),
        ("C", "T") | ("G", "A")
    )
}

/// One variant of one patient, as the status rule decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientVariant {
    /// VCF position.
    pub pos: u64,
    /// VCF REF.
    pub ref_allele: String,
    /// VCF ALT.
    pub alt_allele: String,
    /// acquired, pre-existing, germline or indeterminate.
    pub status: VariantStatus,
    /// Largest baseline depth at the position (0 without a usable baseline).
    pub baseline_depth: u32,
    /// Power of the best baseline to detect the variant at its largest later VAF.
    pub baseline_power: f64,
    /// Day of the first sample where it was called.
    pub first_detected_day: i64,
    /// Days from the last baseline sample to the first detection (`None` without a
    /// baseline).
    pub days_from_baseline: Option<i64>,
    /// Largest VAF among samples after therapy start (0 when none).
    pub max_later_vaf: f64,
    /// `day:sample:alt/depth` for every passed sample of the patient, by day.
    pub trajectory: String,
    /// A low C>T/G>A seen only in tumour biopsies, never in plasma: what formalin fixation
    /// makes. Indeterminate, and no evidence on acquisition either way (the headline leaves
    /// it out, so it cannot make its patient unevaluable).
    pub ffpe_like: bool,
}

/// Classifies every variant detected in any sample of one patient. `samples` are the
/// patient's samples that passed QC, ordered by day; `detected[i]` the cohort-tested calls
/// detected in `samples[i]`.
pub fn classify_patient(
    samples: &[&SampleData],
    detected: &[Vec<&RecalledCall>],
    cohort: &CohortCalls,
    params: &CallingParams,
) -> Vec<PatientVariant> {
    let mut called: BTreeMap<AlleleKey, Vec<(usize, &RecalledCall)>> = BTreeMap::new();
    for (i, calls) in detected.iter().enumerate() {
        for c in calls {
            called.entry(c.key()).or_default().push((i, c));
        }
    }
    let tumour_like: Vec<usize> = (0..samples.len())
        .filter(|&i| samples[i].sample.material != Material::Normal)
        .collect();
    let baseline: Vec<usize> = tumour_like
        .iter()
        .copied()
        .filter(|&i| samples[i].sample.day <= 0)
        .collect();
    let later: Vec<usize> = tumour_like
        .iter()
        .copied()
        .filter(|&i| samples[i].sample.day > 0)
        .collect();
    let mut rows = Vec::new();
    for (key, hits) in called {
        let (pos, r, a) = key.clone();
        let called_in = |i: usize| hits.iter().find(|(j, _)| *j == i).map(|(_, c)| *c);
        let hotspot = hits.first().is_some_and(|(_, c)| c.hotspot);
        let in_normal = hits
            .iter()
            .any(|(i, _)| samples[*i].sample.material == Material::Normal);
        // Inherited-looking in every sample; a single sample decides alone, except at a
        // hotspot (a clonal hotspot mutation is somatic, whatever its fraction).
        let everywhere_germline_like = (tumour_like.len() >= 2
            || (tumour_like.len() == 1 && !hotspot))
            && tumour_like
                .iter()
                .all(|&i| called_in(i).is_some_and(|c| germline_like(c.call.vaf)));
        // Formalin-fixation-like: a low C>T/G>A seen only in tumour biopsies, never in the
        // patient's plasma, cannot decide a status.
        let ffpe_like = deamination_like(&r, &a)
            && hits.iter().all(|(i, c)| {
                samples[*i].sample.material == Material::Tumor && c.call.vaf <= FFPE_MAX_VAF
            });
        let max_later_vaf = later
            .iter()
            .map(|&i| {
                let (alt, depth) = samples[i].allele_evidence(pos, &r, &a);
                if depth == 0 {
                    0.0
                } else {
                    f64::from(alt) / f64::from(depth)
                }
            })
            .fold(0.0, f64::max);
        let baseline_depth = baseline
            .iter()
            .map(|&i| samples[i].depth_at(pos).unwrap_or(0))
            .max()
            .unwrap_or(0);
        let baseline_power = baseline
            .iter()
            .map(|&i| {
                cohort.detection_power(
                    &key,
                    &samples[i].sample,
                    samples[i].depth_at(pos).unwrap_or(0),
                    max_later_vaf,
                    hotspot,
                    params,
                )
            })
            .fold(0.0, f64::max);
        let status = if in_normal || everywhere_germline_like {
            VariantStatus::Germline
        } else if ffpe_like {
            VariantStatus::Indeterminate
        } else if baseline.iter().any(|&i| called_in(i).is_some()) {
            VariantStatus::PreExisting
        } else if baseline_power >= REQUIRED_BASELINE_POWER {
            VariantStatus::Acquired
        } else {
            VariantStatus::Indeterminate
        };
        let first_detected_day = hits
            .iter()
            .map(|(i, _)| samples[*i].sample.day)
            .min()
            .unwrap_or(0);
        let trajectory: Vec<String> = tumour_like
            .iter()
            .map(|&i| {
                let (alt, depth) = samples[i].allele_evidence(pos, &r, &a);
                format!(
                    "{}:{}:{alt}/{depth}",
                    samples[i].sample.day, samples[i].sample.sample
                )
            })
            .collect();
        rows.push(PatientVariant {
            pos,
            ref_allele: r.clone(),
            alt_allele: a.clone(),
            status,
            baseline_depth,
            baseline_power,
            first_detected_day,
            days_from_baseline: baseline
                .iter()
                .map(|&i| samples[i].sample.day)
                .max()
                .map(|b| first_detected_day - b),
            max_later_vaf,
            trajectory: trajectory.join(";"),
            ffpe_like: ffpe_like && status == VariantStatus::Indeterminate,
        });
    }
    rows
}

#[cfg(test)]
mod tests;
