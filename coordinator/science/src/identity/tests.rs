//! Tests of the identity check on hand-built samples: one person's samples agree, a swapped
//! sample is found (also when it is the earliest), one somatic change is not a swap, and a
//! sample nobody can be compared with is not judged.

use super::*;
use esr1_proto::{
    BaseCounts, GenomicRegion, ReferenceBlock, RegionQc, RegionResult, SampleCall, SampleRef,
    SiteCounts,
};

const START: u64 = 152_098_700;
/// Four SNV positions (A>G at each).
const SITES: [u64; 4] = [START + 10, START + 30, START + 50, START + 70];
const DEPTH: u32 = 200;

/// A sample with `alt[k]` G fragments of [`DEPTH`] at `SITES[k]` (a candidate call where the
/// fraction looks inherited) and reference blocks elsewhere.
fn sample(name: &str, day: i64, material: Material, alt: [u32; 4]) -> SampleData {
    let region = GenomicRegion {
        contig: "chr6".into(),
        start: START,
        end: START + 100,
    };
    let mut r = RegionResult::new(&format!("job-{name}"), name, region);
    let mut next = START;
    for (k, &pos) in SITES.iter().enumerate() {
        r.blocks.push(ReferenceBlock {
            start: next,
            end: pos - 1,
            min_depth: DEPTH,
            max_alt: 0,
        });
        next = pos + 1;
        if alt[k] == 0 {
            r.blocks.push(ReferenceBlock {
                start: pos,
                end: pos,
                min_depth: DEPTH,
                max_alt: 0,
            });
            continue;
        }
        let half = |n: u32| (n / 2, n - n / 2);
        let (ra, rb) = half(DEPTH - alt[k]);
        let (aa, ab) = half(alt[k]);
        r.sites.push(SiteCounts {
            pos,
            ref_base: 'A',
            forward: BaseCounts {
                a: ra,
                g: aa,
                ..BaseCounts::default()
            },
            reverse: BaseCounts {
                a: rb,
                g: ab,
                ..BaseCounts::default()
            },
            ..SiteCounts::default()
        });
        r.calls.push(SampleCall {
            pos,
            ref_allele: "A".into(),
            alt_allele: "G".into(),
            alt_forward: aa,
            alt_reverse: ab,
            depth: DEPTH,
            vaf: f64::from(alt[k]) / f64::from(DEPTH),
            error_p: 1e-30,
            filters: Vec::new(),
        });
    }
    r.blocks.push(ReferenceBlock {
        start: next,
        end: START + 100,
        min_depth: DEPTH,
        max_alt: 0,
    });
    r.sites.sort_by_key(|s| s.pos);
    SampleData {
        sample: SampleRef {
            patient: "P1".into(),
            sample: name.into(),
            day,
            material,
            therapy: "AI".into(),
            alignments: format!("{name}.bam"),
            index: None,
        },
        results: vec![r.into()],
        qc: RegionQc::default(),
    }
}

const HET: u32 = DEPTH / 2;
const T: Material = Material::Tumor;
const C: Material = Material::Cfdna;

fn flagged(samples: &[SampleData]) -> Vec<(String, String)> {
    let refs: Vec<&SampleData> = samples.iter().collect();
    identity_mismatches(&refs, &[])
        .into_iter()
        .zip(samples)
        .filter_map(|(m, s)| Some((s.sample.sample.clone(), m?.describe())))
        .collect()
}

#[test]
fn one_persons_samples_agree_also_through_loss_of_heterozygosity() {
    let samples = [
        sample("T0", -5, T, [HET, 0, HET, 0]),
        // The tumour lost the alt allele at one site (alt 4 %: not called) and became
        // homozygous at the other.
        sample("T1", 200, T, [8, 0, DEPTH, 0]),
        sample("C1", 210, C, [HET, 0, HET, 0]),
    ];
    assert_eq!(flagged(&samples), []);
}

#[test]
fn a_later_sample_of_another_person_is_a_mismatch_with_its_figures() {
    let samples = [
        sample("T0", -5, T, [HET, 0, HET, 0]),
        sample("C1", 100, C, [HET, 0, HET, 0]),
        sample("C2", 200, C, [0, HET, 0, HET]),
    ];
    assert_eq!(
        flagged(&samples),
        [(
            "C2".to_owned(),
            "0/4 germline sites agree with T0".to_owned()
        )]
    );
}

#[test]
fn with_two_samples_the_earliest_one_is_the_patients() {
    let samples = [
        sample("C2", 200, C, [0, HET, HET, 0]),
        sample("T0", -5, T, [HET, 0, HET, 0]),
    ];
    assert_eq!(
        flagged(&samples),
        [(
            "C2".to_owned(),
            "1/3 germline sites agree with T0".to_owned()
        )]
    );
    // A normal outranks an earlier tumour.
    let samples = [
        sample("T0", -5, T, [0, HET, HET, 0]),
        sample("N", 10, Material::Normal, [HET, 0, HET, 0]),
    ];
    assert_eq!(flagged(&samples)[0].0, "T0");
}

#[test]
fn a_swapped_baseline_is_found_by_the_majority() {
    let samples = [
        sample("T0", -5, T, [0, HET, 0, HET]),
        sample("T1", 150, T, [HET, 0, HET, 0]),
        sample("C1", 160, C, [HET, 0, HET, 0]),
    ];
    assert_eq!(
        flagged(&samples),
        [(
            "T0".to_owned(),
            "0/4 germline sites agree with T1".to_owned()
        )]
    );
}

#[test]
fn one_clonal_somatic_change_is_not_a_swap_and_excluded_positions_are_ignored() {
    let samples = [
        sample("T0", -5, T, [HET, 0, HET, 0]),
        sample("T1", 200, T, [HET, 0, HET, 90]),
    ];
    assert_eq!(flagged(&samples), []);
    // Two clonal changes at excluded (hotspot) positions are not sites either: with them,
    // and a lost allele, the tumour would disagree at 3 of 4 sites.
    let samples = [
        sample("T0", -5, T, [HET, 0, HET, 0]),
        sample("T1", 200, T, [HET, 90, 0, 90]),
    ];
    let refs: Vec<&SampleData> = samples.iter().collect();
    assert!(identity_mismatches(&refs, &[SITES[1], SITES[3]])
        .iter()
        .all(Option::is_none));
    assert!(identity_mismatches(&refs, &[]).iter().any(Option::is_some));
}

#[test]
fn shallow_or_ambiguous_samples_are_not_judged() {
    // Alt fractions of 10 % (contamination-like) are no genotype: nothing to compare.
    let samples = [
        sample("T0", -5, T, [HET, 0, HET, 0]),
        sample("C1", 100, C, [20, 0, 20, 0]),
    ];
    assert_eq!(flagged(&samples), []);
    // A single sample has nobody to disagree with.
    assert_eq!(flagged(&samples[..1]), []);
}
