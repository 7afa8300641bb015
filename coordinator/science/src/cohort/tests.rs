//! Tests of [`super`]: cohort frequencies and arm comparisons.

use super::*;
use crate::consequence::Consequence;
use crate::esr1::{Build, Esr1Model};
use crate::naming::Annotation;

/// A protein change as these tests name it: `=` synonymous, else missense.
fn named(name: &str, status: VariantStatus) -> OutcomeVariant {
    let consequence = if name.ends_with('=') {
        Consequence::Synonymous
    } else {
        Consequence::Missense
    };
    let effect = Effect {
        consequence,
        ..Effect::default()
    };
    OutcomeVariant::new(Some(name.to_owned()), status, effect)
}

fn outcome(p: &str, arm: &str, vs: &[(&str, VariantStatus)]) -> PatientOutcome {
    PatientOutcome {
        patient: p.into(),
        therapy: arm.into(),
        has_baseline_and_later: true,
        variants: vs.iter().map(|(n, s)| named(n, *s)).collect(),
    }
}

/// A GRCh38 variant named and classified as a run does.
fn real(pos: u64, r: &str, a: &str, status: VariantStatus) -> OutcomeVariant {
    let ann = Annotation::of(&Esr1Model::builtin(), Build::Grch38, pos, r, a);
    OutcomeVariant::new(Some(ann.name("chr6", pos, r, a)), status, ann.effect)
}

#[test]
fn founding_report_cohort_gives_six_of_eleven() {
    let mut ps = Vec::new();
    for i in 0..11 {
        let vs: &[(&str, VariantStatus)] = if i < 6 {
            &[("D538G", VariantStatus::Acquired)]
        } else {
            &[]
        };
        ps.push(outcome(&format!("P{i}"), "AI", vs));
    }
    let rows = cohort_frequencies(&ps, &["D538G".into(), "Y537S".into()], CountRule::default());
    assert_eq!(rows[0].to_tsv(), "cohort\t11\t6\t0.5455\t0.2801\t0.7873");
    assert_eq!(rows[1].group, "arm:AI");
    assert_eq!((rows[2].n_acquired, rows[3].n_acquired), (6, 0));
    assert_eq!(rows.last().map(|r| r.group.as_str()), Some("polyclonal"));
}

#[test]
fn other_protein_changes_and_polyclonality_have_rows() {
    let ps = vec![
        outcome(
            "P1",
            "AI",
            &[
                ("D538G", VariantStatus::Acquired),
                ("L536Q", VariantStatus::Acquired),
            ],
        ),
        outcome("P2", "AI", &[("L536Q", VariantStatus::Acquired)]),
        outcome("P3", "AI", &[("S57=", VariantStatus::Germline)]),
        outcome("P4", "AI", &[]),
    ];
    let rows = cohort_frequencies(&ps, &["D538G".into()], CountRule::default());
    let groups: Vec<String> = rows.iter().map(|r| r.to_tsv()).collect();
    assert_eq!(
        groups[3..],
        [
            "protein:L536Q\t4\t2\t0.5000\t0.1500\t0.8500".to_owned(),
            "polyclonal\t4\t1\t0.2500\t0.0456\t0.6994".to_owned(),
        ],
        "{groups:?}"
    );
}

#[test]
fn indeterminate_only_patients_and_patients_without_baseline_are_not_evaluable() {
    let mut no_baseline = outcome("P3", "AI", &[("Y537S", VariantStatus::Acquired)]);
    no_baseline.has_baseline_and_later = false;
    let ps = vec![
        outcome("P1", "AI", &[("L536H", VariantStatus::Indeterminate)]),
        outcome(
            "P2",
            "tamoxifen",
            &[
                ("L536H", VariantStatus::Indeterminate),
                ("Y537S", VariantStatus::Acquired),
            ],
        ),
        no_baseline,
        outcome("P4", "AI", &[("SNP", VariantStatus::Germline)]),
    ];
    let rows = cohort_frequencies(&ps, &[], CountRule::default());
    assert_eq!((rows[0].n_evaluable, rows[0].n_acquired), (2, 1));
    assert_eq!((rows[1].group.as_str(), rows[1].n_evaluable), ("arm:AI", 1));
    assert_eq!((rows[2].n_evaluable, rows[2].n_acquired), (1, 1));
}
#[test]
fn arms_are_compared_pairwise_on_evaluable_patients() {
    let p = |id: &str, arm: &str, acquired: bool| PatientOutcome {
        patient: id.into(),
        therapy: arm.into(),
        has_baseline_and_later: true,
        variants: if acquired {
            vec![named("D538G", VariantStatus::Acquired)]
        } else {
            vec![]
        },
    };
    let mut ps: Vec<PatientOutcome> = (0..4).map(|i| p(&format!("A{i}"), "AI", i < 3)).collect();
    ps.extend((0..4).map(|i| p(&format!("T{i}"), "tamoxifen", i < 1)));
    let c = arm_comparisons(&ps, CountRule::default());
    assert_eq!(c.len(), 1);
    assert_eq!(
        (
            c[0].acquired_a,
            c[0].evaluable_a,
            c[0].acquired_b,
            c[0].evaluable_b
        ),
        (3, 4, 1, 4)
    );
    assert!(
        (c[0].fisher_p - 0.485_714).abs() < 1e-5,
        "{}",
        c[0].fisher_p
    );
}

/// The founding cohort (6 of 11 acquired D538G) where acquired non-coding and synonymous
/// changes are added: one on an acquired patient, two on patients without a counted mutation.
fn founding_with_silent_changes() -> (Vec<PatientOutcome>, Vec<PatientOutcome>) {
    use VariantStatus::Acquired;
    let d538g = || real(152_098_791, "A", "G", Acquired);
    let plain: Vec<PatientOutcome> = (0..11)
        .map(|i| PatientOutcome {
            patient: format!("P{i}"),
            therapy: if i % 2 == 0 { "AI" } else { "tamoxifen" }.into(),
            has_baseline_and_later: true,
            variants: if i < 6 { vec![d538g()] } else { vec![] },
        })
        .collect();
    let mut silent = plain.clone();
    // L536= (c.1608C>G), a swapped sample's intronic difference chr6:152011631C>T and
    // c.*10G>A.
    silent[0]
        .variants
        .push(real(152_098_732 + 1608 - 1554, "C", "G", Acquired));
    silent[7]
        .variants
        .push(real(152_011_631, "C", "T", Acquired));
    silent[8]
        .variants
        .push(real(152_098_732 + 2029 - 1785, "G", "A", Acquired));
    silent[9].variants.push(real(
        152_098_732 + 1608 - 1554,
        "C",
        "G",
        VariantStatus::Indeterminate,
    ));
    (plain, silent)
}

#[test]
fn synonymous_and_non_coding_acquired_changes_leave_the_headline_unchanged() {
    let (plain, silent) = founding_with_silent_changes();
    let names: Vec<String> = ["D538G".into(), "Y537S".into()].to_vec();
    let rule = CountRule::ProteinAltering;
    let with = cohort_frequencies(&silent, &names, rule);
    assert_eq!(with, cohort_frequencies(&plain, &names, rule));
    assert_eq!(with[0].to_tsv(), "cohort\t11\t6\t0.5455\t0.2801\t0.7873");
    assert!(
        !with.iter().any(|r| r.group.starts_with("protein:")),
        "{with:?}"
    );
    assert_eq!(with.last().map(|r| r.n_acquired), Some(0), "polyclonal");
    assert_eq!(
        arm_comparisons(&silent, rule),
        arm_comparisons(&plain, rule)
    );
    // The hotspot and LBD rules see the same cohort here.
    for r in [CountRule::Hotspots, CountRule::Lbd] {
        assert_eq!(cohort_frequencies(&silent, &names, r), with, "{r}");
    }
}

#[test]
fn counting_all_acquired_changes_counts_the_silent_ones() {
    let (_, silent) = founding_with_silent_changes();
    let names: Vec<String> = vec!["D538G".into()];
    let rows = cohort_frequencies(&silent, &names, CountRule::All);
    let row = |g: &str| {
        rows.iter()
            .find(|r| r.group == g)
            .map(|r| (r.n_evaluable, r.n_acquired))
    };
    // P9's only finding is an indeterminate L536=: under "all" it is not evaluable.
    assert_eq!(row("cohort"), Some((10, 8)));
    assert_eq!(row("protein:L536="), Some((10, 1)));
    assert_eq!(row("protein:chr6:152011631C>T"), Some((10, 1)));
    assert_eq!(row("polyclonal"), Some((10, 1)));
    let c = arm_comparisons(&silent, CountRule::All);
    assert_eq!((c[0].acquired_a, c[0].acquired_b), (4, 4));
}

#[test]
fn the_hotspot_rule_does_not_count_other_missense_changes() {
    use VariantStatus::Acquired;
    let mut p = outcome("P1", "AI", &[]);
    // L536Q, the MNV CTC -> CAG: missense in the LBD, not a listed hotspot.
    p.variants.push(real(152_098_785, "TC", "AG", Acquired));
    assert!(p.acquired(CountRule::Lbd) && p.acquired(CountRule::ProteinAltering));
    assert!(!p.acquired(CountRule::Hotspots));
    let rows = cohort_frequencies(&[p], &[], CountRule::Hotspots);
    assert_eq!((rows[0].n_evaluable, rows[0].n_acquired), (1, 0));
}

#[test]
fn a_group_without_an_evaluable_patient_has_no_fraction() {
    // The tamoxifen arm's only patient has no baseline: 0 of 0 is not 0 % (0–0 %).
    let mut ps = vec![
        outcome("P1", "AI", &[("Y537S", VariantStatus::Acquired)]),
        outcome("P2", "AI", &[]),
    ];
    let mut unevaluable = outcome("P3", "tamoxifen", &[]);
    unevaluable.has_baseline_and_later = false;
    ps.push(unevaluable);
    let rows = cohort_frequencies(&ps, &[], CountRule::ProteinAltering);
    let arm = rows
        .iter()
        .find(|r| r.group == "arm:tamoxifen")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert!(arm.is_empty());
    assert_eq!(arm.to_tsv(), "arm:tamoxifen\t0\t0\tNA\tNA\tNA");
    let ai = rows
        .iter()
        .find(|r| r.group == "arm:AI")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert!(!ai.is_empty());
    assert_eq!(ai.to_tsv(), "arm:AI\t2\t1\t0.5000\t0.0945\t0.9055");
}
