//! The low-VAF accuracy scenario: paired baseline and later cfDNA samples at one depth, one
//! hotspot mutation per positive patient with the same number of mutations at each requested
//! allele fraction, negatives in between, and a normal for every fifth patient.

use crate::error::SimulateError;
use crate::options::{SimulateOptions, MAX_PATIENTS};
use crate::rng::Rng;
use crate::sites::GermlineSite;
use crate::truth::{truth_sample, TruthPatient};
use crate::variants::{
    choose_sites, germline_variant, hotspot_variant, later_status, ARM_AI, ARM_TAMOXIFEN,
};
use esr1_proto::Material;
use esr1_science::esr1::Esr1Model;

/// Largest accepted sample depth.
pub const MAX_DEPTH: u32 = 100_000;

/// Checks the accuracy options.
pub fn validate(patients: usize, cfdna_depth: u32, vafs: &[f64]) -> Result<(), SimulateError> {
    let bad = |msg: String| Err(SimulateError::Options(msg));
    if vafs.is_empty() {
        return bad("the accuracy scenario needs at least one VAF".into());
    }
    if let Some(v) = vafs
        .iter()
        .find(|v| !(v.is_finite() && **v > 0.0 && **v < 1.0))
    {
        return bad(format!("VAFs must be in (0, 1), got {v}"));
    }
    if !(vafs.len()..=MAX_PATIENTS).contains(&patients) {
        return bad(format!(
            "the accuracy scenario needs between {} (one per VAF) and {MAX_PATIENTS} patients, got {patients}",
            vafs.len()
        ));
    }
    if !(1..=MAX_DEPTH).contains(&cfdna_depth) {
        return bad(format!(
            "cfDNA depth must be in 1..={MAX_DEPTH}, got {cfdna_depth}"
        ));
    }
    Ok(())
}

/// Mutations per VAF: five in six patients share them out evenly (at least one each).
pub fn mutations_per_vaf(patients: usize, n_vafs: usize) -> usize {
    if n_vafs == 0 {
        return 0;
    }
    (patients * 5 / (6 * n_vafs)).max(1).min(patients / n_vafs)
}

/// Which patients (0-based) carry a mutation: every sixth patient is a negative first; the
/// last positives become negatives too until the count is a multiple of the VAF list.
pub fn positive_patients(patients: usize, n_vafs: usize) -> Vec<usize> {
    let want = mutations_per_vaf(patients, n_vafs) * n_vafs;
    let mut order: Vec<usize> = (0..patients).filter(|i| i % 6 != 5).collect();
    order.extend((0..patients).filter(|i| i % 6 == 5));
    order.truncate(want);
    order.sort_unstable();
    order
}

/// Builds the accuracy cohort at `depth` fragments per sample.
pub(crate) fn build(
    opts: &SimulateOptions,
    depth: u32,
    vafs: &[f64],
    model: &Esr1Model,
    sites: &[GermlineSite],
) -> Result<Vec<TruthPatient>, SimulateError> {
    let mut rng = Rng::derive(opts.seed, "accuracy");
    let positives = positive_patients(opts.patients, vafs.len());
    let n_hotspots = model.hotspots.len();
    if n_hotspots == 0 {
        return Err(SimulateError::Model("the model has no hotspots".into()));
    }
    let mut patients = Vec::with_capacity(opts.patients);
    for i in 0..opts.patients {
        let patient = format!("P{:02}", i + 1);
        let day_c0 = rng.range_i64(-30, 0);
        let day_c1 = rng.range_i64(90, 400);
        let mut samples = vec![
            truth_sample(
                opts.format,
                format!("{patient}_C0"),
                day_c0,
                Material::Cfdna,
                depth,
            ),
            truth_sample(
                opts.format,
                format!("{patient}_C1"),
                day_c1,
                Material::Cfdna,
                depth,
            ),
        ];
        if i % 5 == 4 {
            samples.push(truth_sample(
                opts.format,
                format!("{patient}_N"),
                day_c0,
                Material::Normal,
                depth,
            ));
        }
        let n_het = 1 + rng.index(2);
        let chosen = choose_sites(&mut rng, n_het, sites.len(), &[]);
        let mut variants = Vec::new();
        if let Some(m) = positives.iter().position(|&p| p == i) {
            let vaf = vafs[m % vafs.len()];
            let mut per_sample = vec![0.0; samples.len()];
            per_sample[1] = vaf;
            variants.push(hotspot_variant(
                model,
                m % n_hotspots,
                later_status(depth),
                per_sample,
            )?);
        }
        for &k in &chosen {
            variants.push(germline_variant(&sites[k], 0.5, samples.len()));
        }
        variants.sort_by_key(|v| v.pos);
        let therapy = if i % 2 == 0 { ARM_AI } else { ARM_TAMOXIFEN };
        patients.push(TruthPatient {
            patient,
            therapy: therapy.to_owned(),
            samples,
            variants,
        });
    }
    Ok(patients)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulate_accuracy_positives_fill_every_vaf_evenly() {
        assert_eq!(positive_patients(30, 6).len(), 24);
        assert_eq!(positive_patients(6, 6).len(), 6);
        assert_eq!(positive_patients(12, 6).len(), 6);
        assert_eq!(positive_patients(7, 1).len(), 5);
        assert!(!positive_patients(30, 6).contains(&5));
        assert!(validate(5, 4000, &[0.01; 6]).is_err());
        assert!(validate(6, 4000, &[0.01, f64::NAN]).is_err());
        assert!(validate(6, 0, &[0.01]).is_err());
        assert!(validate(6, 4000, &[1.0]).is_err());
        assert!(validate(6, 4000, &[]).is_err());
        assert!(validate(30, 4000, &[0.001, 0.05]).is_ok());
    }
}
