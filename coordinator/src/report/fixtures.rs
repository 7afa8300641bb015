//! Test fixtures shared by the renderers' tests: rows and a small three-patient report.

use crate::plan::Plan;
use crate::report::model::{
    BackgroundSummary, CallRow, CohortReport, PatientRow, QcRow, SampleStatus,
};
use esr1_proto::{CallingParams, Material, RegionQc};
use esr1_science::cohort::{cohort_frequencies, OutcomeVariant, PatientOutcome, VariantStatus};
use esr1_science::consequence::{Consequence, CountRule, Effect};
use esr1_science::esr1::Build;

/// A string that must never reach the page unescaped.
pub const EVIL: &str = "<script>alert(1)</script>";

pub fn patient_row(patient: &str, status: VariantStatus, trajectory: &str) -> PatientRow {
    PatientRow {
        patient: patient.into(),
        therapy: "AI".into(),
        chrom: "chr6".into(),
        pos: 152_098_791,
        ref_allele: "A".into(),
        alt_allele: "G".into(),
        protein: "D538G".into(),
        hotspot: "D538G".into(),
        hgvs_c: "c.1613A>G".into(),
        hgvs_p: "p.Asp538Gly".into(),
        consequence: Consequence::Missense,
        counted: true,
        status,
        baseline_depth: 820,
        baseline_power: 0.999,
        first_detected_day: 90,
        days_from_baseline: Some(104),
        max_later_vaf: 0.05,
        trajectory: trajectory.into(),
    }
}

pub fn call_row(sample: &str, patient: &str, filter: &str) -> CallRow {
    CallRow {
        sample: sample.into(),
        patient: patient.into(),
        day: 90,
        material: Material::Cfdna,
        chrom: "chr6".into(),
        pos: 152_098_791,
        ref_allele: "A".into(),
        alt_allele: "G".into(),
        protein: "D538G".into(),
        hotspot: "D538G".into(),
        hgvs_c: "c.1613A>G".into(),
        hgvs_p: "p.Asp538Gly".into(),
        alt_reads: 45,
        alt_forward: 22,
        alt_reverse: 23,
        depth: 900,
        vaf: 0.05,
        error_p: 1e-30,
        background_mean: 1e-4,
        background_p: 1e-20,
        q_value: 1e-18,
        filter: filter.into(),
    }
}

pub fn qc_row(sample: &str, patient: &str, failed: bool) -> QcRow {
    QcRow {
        sample: sample.into(),
        patient: patient.into(),
        material: Material::Cfdna,
        day: 90,
        status: if failed {
            SampleStatus::Failed
        } else {
            SampleStatus::Ok
        },
        reason: if failed {
            "region chr6:1-100: index is older than the BAM".into()
        } else {
            String::new()
        },
        qc: RegionQc::default(),
        jobs: usize::from(!failed),
        hotspot_depths: vec![900, 880],
        transitions: Default::default(),
    }
}

/// Three patients: P1 acquired D538G, P2 (the given name) pre-existing, P3 germline; P3
/// is not evaluable.
pub fn report(second: &str) -> (Plan, CohortReport) {
    let d538g = Effect {
        consequence: Consequence::Missense,
        hotspot: true,
        residue: Some(538),
    };
    let outcome = |p: &str, has: bool, v: Option<VariantStatus>| PatientOutcome {
        patient: p.into(),
        therapy: "AI".into(),
        has_baseline_and_later: has,
        variants: v
            .map(|s| OutcomeVariant::new(Some("D538G".into()), s, d538g))
            .into_iter()
            .collect(),
    };
    let outcomes = vec![
        outcome("P1", true, Some(VariantStatus::Acquired)),
        outcome(second, true, Some(VariantStatus::PreExisting)),
        outcome("P3", false, Some(VariantStatus::Germline)),
    ];
    let frequencies = cohort_frequencies(
        &outcomes,
        &["D538G".into(), "Y537S".into()],
        CountRule::default(),
    );
    let plan = Plan {
        run_id: "run-1".into(),
        build: Build::Grch38,
        chrom: "chr6".into(),
        reference: "ref.fa".into(),
        samples: Vec::new(),
        failed: Vec::new(),
        job_target: Some(1 << 20),
    };
    let r = CohortReport {
        build: Build::Grch38,
        chrom: "chr6".into(),
        count: CountRule::default(),
        params: CallingParams::default(),
        inputs: Vec::new(),
        times: Default::default(),
        hotspot_columns: vec![
            (152_098_788, "Y537S_Y537N_Y537C".into()),
            (152_098_791, "D538G".into()),
        ],
        calls: vec![
            call_row("S1b", "P1", "PASS"),
            call_row(&format!("{second}-b"), second, "germline_like"),
            call_row("S1a", "P1", "background;strand_bias"),
            call_row("S3a", "P3", "low_vaf"),
        ],
        patients: vec![
            patient_row("P1", VariantStatus::Acquired, "-14:S1a:0/820;90:S1b:45/900"),
            patient_row(
                second,
                VariantStatus::PreExisting,
                &format!("-7:{second}-a:30/700;60:{second}-b:40/800"),
            ),
            patient_row("P3", VariantStatus::Germline, "0:S3a:400/800"),
            patient_row("P3", VariantStatus::Indeterminate, ""),
        ],
        outcomes,
        frequencies,
        qc: vec![
            qc_row("S1a", "P1", false),
            qc_row(&format!("{second}-b"), second, false),
            qc_row("S3b", "P3", true),
        ],
        jobs_done: 5,
        jobs_failed: 1,
        background: BackgroundSummary {
            tests_hotspot: 12,
            tests_other: 340,
            alpha_hotspot: 0.0123,
            alpha_other: 2.5e-5,
            prior_rho: 1e-4,
            background_samples: 3,
        },
        vcf_samples: Vec::new(),
        vcf_variants: Vec::new(),
    };
    (plan, r)
}
