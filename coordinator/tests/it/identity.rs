//! Sample identity end to end: a later sample swapped in from another patient is an
//! `identity_mismatch` in `qc.tsv` and the warnings, and its germline differences do not
//! become the patient's acquisitions.

use crate::util::{read_tsv, run_cohort, small_cohort};
use esr1_simulate::VariantKind;
use std::collections::BTreeSet;

#[test]
fn a_later_sample_swapped_in_from_another_patient_is_an_identity_mismatch() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = small_cohort(dir.path(), 23);
    let germline = |i: usize| -> BTreeSet<u64> {
        sim.patients[i]
            .variants
            .iter()
            .filter(|v| v.kind == VariantKind::Germline)
            .map(|v| v.pos)
            .collect()
    };
    // Two patients whose germline SNPs differ at two sites or more.
    let n = sim.patients.len();
    let (x, y) = (0..n)
        .flat_map(|a| (0..n).map(move |b| (a, b)))
        .find(|&(a, b)| a != b && germline(a).symmetric_difference(&germline(b)).count() >= 2)
        .unwrap_or_else(|| panic!("two patients with different germline SNPs"));
    let later = |i: usize| {
        sim.patients[i]
            .samples
            .iter()
            .rfind(|s| s.day > 0)
            .unwrap_or_else(|| panic!("a later sample"))
            .clone()
    };
    let (victim, donor) = (later(x), later(y));
    // The samplesheet names x's later sample but points at y's file.
    let text = std::fs::read_to_string(&sim.samplesheet).unwrap_or_else(|e| panic!("{e}"));
    let swapped: String = text
        .lines()
        .map(|l| {
            if l.split(',').nth(1) == Some(victim.sample.as_str()) {
                l.replace(
                    &victim.alignments.display().to_string(),
                    &donor.alignments.display().to_string(),
                )
                .replace(
                    &victim.index.display().to_string(),
                    &donor.index.display().to_string(),
                )
            } else {
                l.to_owned()
            }
        })
        .map(|l| l + "\n")
        .collect();
    assert_ne!(swapped, text, "the swap changed the samplesheet");
    let sheet = dir.path().join("cohort/swapped.csv");
    std::fs::write(&sheet, swapped).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("run");
    let output = run_cohort(&sim, &sheet, &out);

    let qc = read_tsv(&out.join("qc.tsv"));
    let mismatched: Vec<(&str, &str)> = qc
        .iter()
        .filter(|q| q["status"] == "identity_mismatch")
        .map(|q| (q["sample"].as_str(), q["reason"].as_str()))
        .collect();
    assert_eq!(mismatched.len(), 1, "{mismatched:?}");
    assert_eq!(mismatched[0].0, victim.sample);
    assert!(
        mismatched[0].1.contains("germline sites agree with"),
        "{}",
        mismatched[0].1
    );
    assert!(
        output
            .warnings
            .iter()
            .any(|w| w.contains(&victim.sample) && w.contains("germline genotype")),
        "{:?}",
        output.warnings
    );
    // None of the donor's germline SNPs is anything of the victim's.
    let patient = &sim.patients[x].patient;
    let donor_only: BTreeSet<u64> = germline(y).difference(&germline(x)).copied().collect();
    for row in read_tsv(&out.join("patients.tsv")) {
        if &row["patient"] == patient {
            let pos: u64 = row["pos"].parse().unwrap_or(0);
            assert!(!donor_only.contains(&pos), "{row:?}");
        }
    }
    // Every other sample is fine.
    assert!(qc
        .iter()
        .filter(|q| q["sample"] != victim.sample)
        .all(|q| q["status"] == "ok"));
}
