//! Tests of the scenarios' truth: roles, statuses, targets, germline sites, the truth tables
//! and the accuracy scenario's VAF bins.

use crate::options::{AlignmentFormat, SimulateOptions};
use crate::roles::SHALLOW_BASELINE_DEPTH;
use crate::scenario::{reference_window, scenario};
use crate::sites::capture_targets;
use crate::test_util::{accuracy_options, small};
use crate::truth::{TruthPatient, TruthVariant, VariantKind};
use esr1_proto::Material;
use esr1_science::cohort::{FrequencyRow, VariantStatus};
use esr1_science::esr1::{Build, Esr1Model};
use std::collections::BTreeMap;
use std::path::Path;

#[test]
fn simulate_truth_matches_the_scenario() {
    let model = Esr1Model::builtin();
    let full = scenario(&SimulateOptions::new("unused")).expect("scenario");
    assert_eq!(full.len(), 12);
    let status = |ps: &[TruthPatient], p: usize, name: &str| {
        ps[p]
            .variants
            .iter()
            .find(|v| v.hotspot.as_deref() == Some(name))
            .map(|v| v.status)
    };
    assert_eq!(status(&full, 0, "D538G"), Some(VariantStatus::Acquired));
    assert_eq!(status(&full, 2, "Y537N"), Some(VariantStatus::PreExisting));
    assert_eq!(
        status(&full, 3, "L536H"),
        Some(VariantStatus::Indeterminate)
    );
    assert_eq!(full[3].samples[0].depth, SHALLOW_BASELINE_DEPTH);
    let p02: Vec<&TruthVariant> = full[1]
        .variants
        .iter()
        .filter(|v| v.status == VariantStatus::Acquired)
        .collect();
    assert_eq!(p02.len(), 2);
    assert!(full[5].variants.iter().any(|v| v.vaf == vec![1.0; 3]));
    assert_eq!(
        (full[4].therapy.as_str(), full[6].therapy.as_str()),
        ("tamoxifen", "tamoxifen")
    );
    // Reference bases, targets and germline sites agree with the model.
    let window = reference_window(&model, 1).expect("window");
    let targets = capture_targets(&model).expect("targets");
    let total: u64 = targets.iter().map(|(s, e)| e - s + 1).sum();
    assert!(total <= 2_500, "{total} bp of targets");
    let hotspot_codons: Vec<u64> = model
        .hotspots
        .iter()
        .filter_map(|h| model.codon_of(Build::Grch38, h.grch38_pos).map(|c| c.0))
        .collect();
    for p in &full {
        assert!(p.samples[0].day <= 0 && p.samples[1].day >= 180);
        assert!(p.samples[2].day.abs_diff(p.samples[1].day) <= 7);
        let mut positions: Vec<u64> = p.variants.iter().map(|v| v.pos).collect();
        positions.dedup();
        assert_eq!(
            positions.len(),
            p.variants.len(),
            "{}: two variants at one position",
            p.patient
        );
        for v in &p.variants {
            assert_eq!(
                window.base(v.pos),
                v.ref_base as u8,
                "{} {}",
                p.patient,
                v.pos
            );
            assert!(targets.iter().any(|(s, e)| (s..=e).contains(&&v.pos)));
            if v.kind == VariantKind::Germline {
                assert!(model.hotspots.iter().all(|h| h.grch38_pos != v.pos));
                if let Some((codon, _)) = model.codon_of(Build::Grch38, v.pos) {
                    assert!(!hotspot_codons.contains(&codon));
                    let protein = v.protein.as_deref().unwrap_or_default();
                    assert!(protein.ends_with('='), "{} {protein}", v.pos);
                }
            } else {
                assert_eq!(v.protein, v.hotspot);
            }
        }
    }
    // A baseline below 100× cannot rule out a later mutation.
    let shallow = scenario(&SimulateOptions {
        format: AlignmentFormat::Bam,
        depth_scale: 0.1,
        ..SimulateOptions::new("unused")
    })
    .expect("scenario");
    assert_eq!(
        status(&shallow, 0, "D538G"),
        Some(VariantStatus::Indeterminate)
    );

    // Files at a depth where baselines are powered (140×).
    let dir = tempfile::tempdir().expect("tempdir");
    let cohort = small(dir.path(), 1, 0.2);
    let freq = std::fs::read_to_string(&cohort.truth_frequencies).expect("frequencies");
    let mut lines = freq.lines();
    assert_eq!(lines.next(), Some(FrequencyRow::HEADER));
    let rows: Vec<&str> = lines.collect();
    // Cohort, arm and hotspot rows (other groups, such as polyclonality, may follow).
    let core = rows
        .iter()
        .filter(|r| {
            let group = r.split('\t').next().unwrap_or_default();
            group == "cohort" || group.starts_with("arm:") || group.starts_with("hotspot:")
        })
        .count();
    assert_eq!(core, 1 + 2 + model.hotspots.len());
    let counts = |group: &str| {
        let f: Vec<&str> = rows
            .iter()
            .find(|r| r.split('\t').next() == Some(group))
            .unwrap_or_else(|| panic!("no {group} row"))
            .split('\t')
            .collect();
        (f[1].to_owned(), f[2].to_owned())
    };
    // P04 is not evaluable (indeterminate only); P01, P02, P05 acquired.
    assert_eq!(counts("cohort"), ("6".into(), "3".into()));
    assert_eq!(counts("arm:AI"), ("4".into(), "2".into()));
    assert_eq!(counts("arm:tamoxifen"), ("2".into(), "1".into()));
    for (h, k) in [
        ("D538G", "1"),
        ("Y537S", "1"),
        ("E380Q", "1"),
        ("Y537C", "1"),
        ("Y537N", "0"),
        ("L536H", "0"),
    ] {
        assert_eq!(counts(&format!("hotspot:{h}")).1, k, "{h}");
    }
    let tsv: Vec<String> = cohort
        .frequencies
        .iter()
        .map(FrequencyRow::to_tsv)
        .collect();
    assert_eq!(rows, tsv);

    let patients = std::fs::read_to_string(&cohort.truth_patients).expect("patients");
    assert!(patients.contains("P04\tAI\tchr6\t152098785\tT\tA\tL536H\tindeterminate\n"));
    assert!(patients.contains("P03\tAI\tchr6\t152098787\tT\tA\tY537N\tpre-existing\n"));
    assert!(patients.contains("P02\tAI\tchr6\t152011697\tG\tC\tE380Q\tacquired\n"));
    assert!(patients.contains("P02\tAI\tchr6\t152098788\tA\tC\tY537S\tacquired\n"));
    let calls = std::fs::read_to_string(&cohort.truth_calls).expect("calls");
    assert!(calls.contains("P01_T1\tP01\tchr6\t152098791\tA\tG\tD538G\t0.25\t140\tsomatic\n"));
    assert!(calls.contains("P03_T0\tP03\tchr6\t152098787\tT\tA\tY537N\t0.08\t140\tsomatic\n"));
    assert!(!calls.contains("P01_T0\tP01\tchr6\t152098791"));
    assert!(calls.contains("\tgermline\n"));
}

#[test]
fn simulate_accuracy_scenario_spreads_mutations_over_vaf_bins() {
    let opts = accuracy_options(Path::new("unused"), 30, 4000, false);
    let patients = scenario(&opts).expect("scenario");
    assert_eq!(patients.len(), 30);
    let mut per_vaf: BTreeMap<String, usize> = BTreeMap::new();
    let mut negatives = 0;
    for (i, p) in patients.iter().enumerate() {
        let n_samples = if i % 5 == 4 { 3 } else { 2 };
        assert_eq!(p.samples.len(), n_samples, "{}", p.patient);
        assert_eq!(p.therapy, if i % 2 == 0 { "AI" } else { "tamoxifen" });
        let (c0, c1) = (&p.samples[0], &p.samples[1]);
        assert!((-30..=0).contains(&c0.day) && (90..=400).contains(&c1.day));
        assert!(c0.material == Material::Cfdna && c1.material == Material::Cfdna);
        assert!(c0.depth == 4000 && c1.depth == 4000);
        if n_samples == 3 {
            assert_eq!(p.samples[2].material, Material::Normal);
        }
        let somatic: Vec<&TruthVariant> = p
            .variants
            .iter()
            .filter(|v| v.kind == VariantKind::Somatic)
            .collect();
        assert!(somatic.len() <= 1);
        for v in &somatic {
            assert_eq!(v.status, VariantStatus::Acquired);
            assert!(v.hotspot.is_some());
            assert_eq!(v.vaf[0], 0.0, "{}: somatic in the baseline", p.patient);
            assert!(
                v.vaf.iter().skip(2).all(|&x| x == 0.0),
                "somatic in a normal"
            );
            *per_vaf.entry(v.vaf[1].to_string()).or_default() += 1;
        }
        negatives += usize::from(somatic.is_empty());
        assert!(p.variants.iter().any(|v| v.kind == VariantKind::Germline));
    }
    let want: BTreeMap<String, usize> = ["0.001", "0.0025", "0.005", "0.01", "0.02", "0.05"]
        .iter()
        .map(|v| (v.to_string(), 4))
        .collect();
    assert_eq!(per_vaf, want);
    assert_eq!(negatives, 6);
    // Several hotspots are used.
    let names: std::collections::BTreeSet<String> = patients
        .iter()
        .flat_map(|p| p.variants.iter().filter_map(|v| v.hotspot.clone()))
        .collect();
    assert!(names.len() >= 10, "{names:?}");
    assert!(scenario(&accuracy_options(Path::new("unused"), 3, 4000, false)).is_err());
}

#[test]
fn a_trial_of_a_thousand_patients_and_more_can_be_simulated_up_to_the_maximum() {
    let mut opts = SimulateOptions::new(Path::new("unused"));
    opts.patients = 1_000;
    let patients = scenario(&opts).expect("1,000 patients");
    let names: std::collections::BTreeSet<&str> =
        patients.iter().map(|p| p.patient.as_str()).collect();
    assert_eq!(names.len(), 1_000, "every patient named once");
    assert!(names.contains("P1000") && names.contains("P01"));
    opts.patients = crate::options::MAX_PATIENTS + 1;
    let e = scenario(&opts).expect_err("over the maximum");
    assert!(e.to_string().contains("at most 9999 patients"), "{e}");
}
