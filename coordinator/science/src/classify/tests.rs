//! Tests of the patient-status rule on hand-built samples: germline, pre-existing, acquired,
//! indeterminate, and the timing and trajectory columns.

use super::*;
use crate::recall::filter;
use esr1_proto::{
    BaseCounts, GenomicRegion, ReferenceBlock, RegionQc, RegionResult, SampleCall, SampleRef,
    SiteCounts,
};

const POS: u64 = 152_098_791;
const PATIENT: &str = "P1";

/// The evidence of one sample at [`POS`] (an A>G change): a reported site with `alt` G
/// fragments out of `depth`, or, with `site: false`, only a reference block of `depth`.
struct Evidence {
    name: &'static str,
    day: i64,
    material: Material,
    depth: u32,
    alt: u32,
    site: bool,
}

fn ev(name: &'static str, day: i64, material: Material, depth: u32, alt: u32) -> Evidence {
    Evidence {
        name,
        day,
        material,
        depth,
        alt,
        site: true,
    }
}

/// A sample whose only evidence is a reference block of `depth` over the region.
fn block_only(name: &'static str, day: i64, material: Material, depth: u32) -> Evidence {
    Evidence {
        site: false,
        ..ev(name, day, material, depth, 0)
    }
}

/// The change under test: REF, ALT and whether it is a hotspot allele.
#[derive(Clone, Copy)]
struct Change {
    r: u8,
    a: u8,
    hotspot: bool,
}

/// The default change: A>G at a hotspot.
const HOTSPOT_AG: Change = Change {
    r: b'A',
    a: b'G',
    hotspot: true,
};

fn sample_data_of(e: &Evidence, change: Change) -> SampleData {
    let region = GenomicRegion {
        contig: "chr6".into(),
        start: POS - 100,
        end: POS + 100,
    };
    let mut result = RegionResult::new(&format!("job-{}", e.name), e.name, region);
    let block = |start, end| ReferenceBlock {
        start,
        end,
        min_depth: e.depth,
        max_alt: 0,
    };
    if e.site {
        let reference = e.depth - e.alt;
        let half = |n: u32| (n / 2, n - n / 2);
        let (ra, rb) = half(reference);
        let (aa, ab) = half(e.alt);
        let counts = |reference: u32, alt: u32| {
            let mut b = BaseCounts::default();
            (0..reference).for_each(|_| b.add_base(change.r));
            (0..alt).for_each(|_| b.add_base(change.a));
            b
        };
        result.sites.push(SiteCounts {
            pos: POS,
            ref_base: char::from(change.r),
            forward: counts(ra, aa),
            reverse: counts(rb, ab),
            ..SiteCounts::default()
        });
        result.blocks = vec![block(POS - 100, POS - 1), block(POS + 1, POS + 100)];
    } else {
        result.blocks = vec![block(POS - 100, POS + 100)];
    }
    SampleData {
        sample: SampleRef {
            patient: PATIENT.into(),
            sample: e.name.into(),
            day: e.day,
            material: e.material,
            therapy: "AI".into(),
            alignments: format!("{}.bam", e.name),
            index: None,
        },
        results: vec![result.into()],
        qc: RegionQc::default(),
    }
}

fn key_of(change: Change) -> AlleleKey {
    let text = |b: u8| char::from(b).to_string();
    (POS, text(change.r), text(change.a))
}

fn cohort() -> CohortCalls<'static> {
    CohortCalls::prior_only(1e-4, 1e-6, 1e-4)
}

/// A detected (PASS or germline-like) call of the A>G change in sample `i`.
fn detected_call_of(
    i: usize,
    s: &SampleData,
    cohort: &CohortCalls,
    change: Change,
) -> RecalledCall {
    let (_, r, a) = key_of(change);
    let (alt, depth) = s.allele_evidence(POS, &r, &a);
    let vaf = f64::from(alt) / f64::from(depth);
    RecalledCall {
        sample: i,
        call: SampleCall {
            pos: POS,
            ref_allele: r.clone(),
            alt_allele: a.clone(),
            alt_forward: alt / 2,
            alt_reverse: alt - alt / 2,
            depth,
            vaf,
            error_p: 1e-30,
            filters: Vec::new(),
        },
        hotspot: change.hotspot,
        background: cohort.background(&key_of(change), &s.sample.patient, s.sample.material),
        background_p: 1e-30,
        q_value: 1e-20,
        filters: if germline_like(vaf) {
            vec![filter::GERMLINE_LIKE.to_owned()]
        } else {
            Vec::new()
        },
    }
}

/// Classifies the patient whose samples (ordered by day) have `evidence`; the change counts
/// as detected in the samples whose index is in `called`.
fn classify(evidence: &[Evidence], called: &[usize]) -> Vec<PatientVariant> {
    classify_change(evidence, called, HOTSPOT_AG)
}

fn classify_change(evidence: &[Evidence], called: &[usize], change: Change) -> Vec<PatientVariant> {
    let cohort = cohort();
    let data: Vec<SampleData> = evidence.iter().map(|e| sample_data_of(e, change)).collect();
    let samples: Vec<&SampleData> = data.iter().collect();
    let calls: Vec<Vec<RecalledCall>> = (0..data.len())
        .map(|i| {
            if called.contains(&i) {
                vec![detected_call_of(i, &data[i], &cohort, change)]
            } else {
                Vec::new()
            }
        })
        .collect();
    let detected: Vec<Vec<&RecalledCall>> = calls.iter().map(|c| c.iter().collect()).collect();
    classify_patient(&samples, &detected, &cohort, &CallingParams::default())
}

fn only(rows: Vec<PatientVariant>) -> PatientVariant {
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows.into_iter().next().expect("one row")
}

#[test]
fn classify_a_variant_called_in_a_normal_is_germline() {
    let v = only(classify(
        &[
            ev("T0", -10, Material::Tumor, 700, 0),
            ev("N", -5, Material::Normal, 500, 250),
            ev("T1", 200, Material::Tumor, 700, 100),
        ],
        &[1, 2],
    ));
    assert_eq!(v.status, VariantStatus::Germline);
    // The normal is not part of the trajectory.
    assert_eq!(v.trajectory, "-10:T0:0/700;200:T1:100/700");
}

#[test]
fn classify_a_germline_like_fraction_in_every_sample_is_germline_not_pre_existing() {
    let v = only(classify(
        &[
            ev("T0", -10, Material::Tumor, 700, 350),
            ev("T1", 200, Material::Tumor, 700, 345),
            ev("C1", 205, Material::Cfdna, 3000, 2980),
        ],
        &[0, 1, 2],
    ));
    assert_eq!(v.status, VariantStatus::Germline);
    // Only one germline-like sample is not enough: called at baseline, it is pre-existing.
    let v = only(classify(
        &[
            ev("T0", -10, Material::Tumor, 700, 350),
            ev("T1", 200, Material::Tumor, 700, 70),
        ],
        &[0, 1],
    ));
    assert_eq!(v.status, VariantStatus::PreExisting);
}

#[test]
fn classify_a_variant_called_at_baseline_is_pre_existing() {
    let v = only(classify(
        &[
            ev("T0", -10, Material::Tumor, 700, 56),
            ev("T1", 200, Material::Tumor, 700, 210),
        ],
        &[0, 1],
    ));
    assert_eq!(v.status, VariantStatus::PreExisting);
    assert_eq!(v.first_detected_day, -10);
    assert_eq!(v.days_from_baseline, Some(0));
    assert!((v.max_later_vaf - 0.3).abs() < 1e-12, "{}", v.max_later_vaf);
}

#[test]
fn classify_a_later_variant_over_a_powered_clean_baseline_is_acquired() {
    let v = only(classify(
        &[
            block_only("T0", -10, Material::Tumor, 700),
            ev("T1", 200, Material::Tumor, 700, 175),
        ],
        &[1],
    ));
    assert_eq!(v.status, VariantStatus::Acquired);
    assert_eq!(v.baseline_depth, 700);
    assert!(v.baseline_power >= REQUIRED_BASELINE_POWER, "{v:?}");
    assert_eq!(
        (v.pos, v.ref_allele.as_str(), v.alt_allele.as_str()),
        (POS, "A", "G")
    );
}

#[test]
fn classify_a_later_variant_over_a_shallow_or_missing_baseline_is_indeterminate() {
    let v = only(classify(
        &[
            block_only("T0", -10, Material::Tumor, 15),
            ev("T1", 200, Material::Tumor, 700, 84),
        ],
        &[1],
    ));
    assert_eq!(v.status, VariantStatus::Indeterminate);
    assert_eq!(v.baseline_depth, 15);
    assert!(v.baseline_power < REQUIRED_BASELINE_POWER, "{v:?}");

    // No baseline at all: no power, no baseline depth, no time from baseline.
    let v = only(classify(&[ev("T1", 200, Material::Tumor, 700, 84)], &[0]));
    assert_eq!(v.status, VariantStatus::Indeterminate);
    assert_eq!((v.baseline_depth, v.baseline_power), (0, 0.0));
    assert_eq!(v.days_from_baseline, None);
}

#[test]
fn classify_times_first_detection_from_the_last_baseline_and_lists_the_trajectory_by_day() {
    let v = only(classify(
        &[
            block_only("T0a", -30, Material::Tumor, 700),
            block_only("C0", -2, Material::Cfdna, 3000),
            ev("T1", 180, Material::Tumor, 700, 3),
            ev("C1", 200, Material::Cfdna, 3000, 90),
            ev("C2", 400, Material::Cfdna, 3000, 300),
        ],
        &[3, 4],
    ));
    assert_eq!(v.status, VariantStatus::Acquired);
    // First called on day 200 (not day 180, where it was seen but not called), 202 days
    // after the last baseline sample (day -2).
    assert_eq!(v.first_detected_day, 200);
    assert_eq!(v.days_from_baseline, Some(202));
    assert!((v.max_later_vaf - 0.1).abs() < 1e-12, "{}", v.max_later_vaf);
    assert_eq!(v.baseline_depth, 3000);
    assert_eq!(
        v.trajectory,
        "-30:T0a:0/700;-2:C0:0/3000;180:T1:3/700;200:C1:90/3000;400:C2:300/3000"
    );
}

#[test]
fn classify_reports_nothing_for_a_patient_without_detected_calls() {
    assert!(classify(
        &[
            block_only("T0", -10, Material::Tumor, 700),
            ev("T1", 200, Material::Tumor, 700, 2),
        ],
        &[],
    )
    .is_empty());
}

#[test]
fn classify_a_single_samples_inherited_looking_variant_is_germline_except_at_a_hotspot() {
    let single = [ev("T0", -10, Material::Tumor, 700, 352)];
    let snp = Change {
        r: b'A',
        a: b'G',
        hotspot: false,
    };
    let v = only(classify_change(&single, &[0], snp));
    assert_eq!(v.status, VariantStatus::Germline);
    // A hotspot at half the fragments of one tumour is a clonal somatic mutation.
    assert_eq!(
        only(classify(&single, &[0])).status,
        VariantStatus::PreExisting
    );
    // A low fraction in the single sample stays pre-existing.
    let low = [ev("T0", -10, Material::Tumor, 700, 40)];
    assert_eq!(
        only(classify_change(&low, &[0], snp)).status,
        VariantStatus::PreExisting
    );
}

#[test]
fn classify_a_low_deamination_like_change_only_in_tumour_is_at_most_indeterminate() {
    let ct = Change {
        r: b'C',
        a: b'T',
        hotspot: false,
    };
    let patient = [
        ev("T0", -10, Material::Tumor, 3000, 0),
        ev("T1", 200, Material::Tumor, 700, 7),
        ev("C1", 205, Material::Cfdna, 3000, 0),
    ];
    // 1 % C>T in the later biopsy, absent from plasma: formalin-like, not acquired.
    let v = only(classify_change(&patient, &[1], ct));
    assert_eq!(v.status, VariantStatus::Indeterminate);
    assert!(v.ffpe_like);
    // Nor pre-existing when the baseline biopsy has it.
    let v = only(classify_change(&patient, &[0, 1], ct));
    assert_eq!(v.status, VariantStatus::Indeterminate);
    // Confirmed in plasma, it is acquired.
    let confirmed = [
        ev("T0", -10, Material::Tumor, 3000, 0),
        ev("T1", 200, Material::Tumor, 700, 7),
        ev("C1", 205, Material::Cfdna, 3000, 30),
    ];
    let v = only(classify_change(&confirmed, &[1, 2], ct));
    assert_eq!(v.status, VariantStatus::Acquired);
    assert!(!v.ffpe_like);
    // Another class at the same fraction in the biopsy alone is acquired too.
    let ag = Change {
        r: b'A',
        a: b'G',
        hotspot: false,
    };
    assert_eq!(
        only(classify_change(&patient, &[1], ag)).status,
        VariantStatus::Acquired
    );
    // A clonal C>T in the biopsy is above the formalin range.
    let clonal = [
        ev("T0", -10, Material::Tumor, 700, 0),
        ev("T1", 200, Material::Tumor, 700, 140),
    ];
    assert_eq!(
        only(classify_change(&clonal, &[1], ct)).status,
        VariantStatus::Acquired
    );
}
