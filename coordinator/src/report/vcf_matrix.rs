//! The cohort VCF's matrix: every allele detected in some sample, with its evidence in every
//! sample that passed QC, as [`VcfVariant`] rows over [`crate::report::vcf::CohortVcf`]'s
//! sample columns.

use crate::report::model::PatientRow;
use crate::report::vcf::model::{VcfGenotype, VcfVariant};
use esr1_science::cohort::VariantStatus;
use esr1_science::naming::Annotation;
use esr1_science::recall::{AlleleKey, CohortCalls, RecalledCall};
use esr1_science::sample::SampleData;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The cohort VCF's sample columns and rows: every allele detected in some sample, with
/// evidence (and the cohort test, where the sample had a candidate) in every sample.
pub fn vcf_matrix(
    ok: &[&SampleData],
    cohort: &CohortCalls,
    patient_rows: &[PatientRow],
    annotate: &dyn Fn(u64, &str, &str) -> Annotation,
) -> (Vec<String>, Vec<VcfVariant>) {
    let mut order: Vec<usize> = (0..ok.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&ok[a].sample, &ok[b].sample);
        (&x.patient, x.day, &x.sample).cmp(&(&y.patient, y.day, &y.sample))
    });
    let samples = order.iter().map(|&i| ok[i].sample.sample.clone()).collect();
    let mut by_key: BTreeMap<AlleleKey, HashMap<usize, &RecalledCall>> = BTreeMap::new();
    for c in &cohort.calls {
        by_key.entry(c.key()).or_default().insert(c.sample, c);
    }
    let mut variants = Vec::new();
    for (key, per_sample) in by_key {
        if !per_sample.values().any(|c| c.detected()) {
            continue;
        }
        let (pos, r, a) = &key;
        let genotypes = order
            .iter()
            .map(|&i| {
                let (alt, depth) = ok[i].allele_evidence(*pos, r, a);
                let c = per_sample.get(&i);
                VcfGenotype {
                    called: c.is_some_and(|c| c.detected()),
                    ref_depth: depth.saturating_sub(alt),
                    alt_depth: alt,
                    depth,
                    background_p: c.map(|c| c.background_p),
                    q_value: c.map(|c| c.q_value),
                    filters: c.map(|c| c.filters.clone()).unwrap_or_default(),
                }
            })
            .collect::<Vec<_>>();
        let called: Vec<usize> = per_sample
            .iter()
            .filter(|(_, c)| c.detected())
            .map(|(i, _)| *i)
            .collect();
        let patients: BTreeSet<&str> = called
            .iter()
            .map(|&i| ok[i].sample.patient.as_str())
            .collect();
        let rows = patient_rows
            .iter()
            .filter(|p| p.pos == *pos && &p.ref_allele == r && &p.alt_allele == a);
        let acquired = rows.filter(|p| p.status == VariantStatus::Acquired).count();
        let ann = annotate(*pos, r, a);
        let some = |s: String| (!s.is_empty()).then_some(s);
        variants.push(VcfVariant {
            pos: *pos,
            ref_allele: r.clone(),
            alt_allele: a.clone(),
            filters: Vec::new(),
            gene: "ESR1".into(),
            hgvs_c: some(ann.hgvs_c),
            hgvs_p: some(ann.hgvs_p),
            protein: some(ann.protein),
            hotspot: some(ann.hotspot),
            samples_called: called.len() as u32,
            patients_acquired: acquired as u32,
            patients_called: patients.len() as u32,
            genotypes,
        });
    }
    (samples, variants)
}
