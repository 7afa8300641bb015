//! Tests of [`super`]: recall.

use super::*;
use esr1_proto::SiteCounts;

#[test]
fn strand_bias_needs_both_lopsided_alts_and_balanced_reference() {
    // 12 alt fragments all forward against a balanced reference: biased.
    assert!(strand_biased((2000, 2000), (12, 0)));
    // Split alts: not biased.
    assert!(!strand_biased((2000, 2000), (7, 5)));
    // Reference itself all forward (amplicon-like): alts on the same strand are fine.
    assert!(!strand_biased((4000, 3), (12, 0)));
    assert!(!strand_biased((10, 10), (0, 0)));
}

#[test]
fn read_end_bias_needs_alts_at_read_ends_unlike_the_reference() {
    // 13 % of reference fragments near an end; all 10 alts near an end: biased.
    assert!(read_end_biased((520, 4000), (10, 10)));
    // Alts spread like the reference: not biased.
    assert!(!read_end_biased((520, 4000), (2, 10)));
    assert!(!read_end_biased((520, 4000), (0, 0)));
}

#[test]
fn an_error_next_to_an_inherited_snv_is_not_an_mnv_call() {
    use esr1_proto::{BaseCounts, GenomicRegion, MnvCount, RegionQc, RegionResult};
    // A heterozygous G>A at 1000 (4,000 of 8,000 fragments) and, on 5 of the fragments
    // carrying it, a C>T error at 1001: the worker reports GC>AT.
    let mut r = RegionResult::new(
        "j",
        "S1",
        GenomicRegion {
            contig: "chr6".into(),
            start: 900,
            end: 1100,
        },
    );
    let het = BaseCounts {
        g: 2000,
        a: 2000,
        ..Default::default()
    };
    r.sites.push(SiteCounts {
        pos: 1000,
        ref_base: 'G',
        forward: het,
        reverse: het,
        mnvs: vec![MnvCount {
            ref_allele: "GC".into(),
            alt_allele: "AT".into(),
            forward: 3,
            reverse: 2,
        }],
        ..Default::default()
    });
    r.sites.push(SiteCounts {
        pos: 1001,
        ref_base: 'C',
        forward: BaseCounts {
            c: 3997,
            t: 3,
            ..Default::default()
        },
        reverse: BaseCounts {
            c: 3998,
            t: 2,
            ..Default::default()
        },
        ..Default::default()
    });
    let mnv = SampleCall {
        pos: 1000,
        ref_allele: "GC".into(),
        alt_allele: "AT".into(),
        alt_forward: 3,
        alt_reverse: 2,
        depth: 8000,
        vaf: 5.0 / 8000.0,
        error_p: 1e-9,
        filters: vec![],
    };
    r.calls.push(mnv.clone());
    let s = SampleData {
        sample: SampleRef {
            patient: "P1".into(),
            sample: "S1".into(),
            day: 100,
            material: Material::Cfdna,
            therapy: "AI".into(),
            alignments: "s1.bam".into(),
            index: None,
        },
        results: vec![r],
        qc: RegionQc::default(),
    };
    let model = Esr1Model::builtin();
    let cohort = recall(&[&s], &model, Build::Grch38, &CallingParams::default());
    // Tested among the 4,000 carriers of G>A, 5 C>T errors are unremarkable; tested
    // as an MNV of 8,000 fragments they would look far rarer.
    let p = germline_cis_p(&cohort, &s, &mnv);
    let naive = cohort
        .background(&mnv_key(), "P1", Material::Cfdna)
        .dist
        .sf(5, 8000);
    assert!(
        p > 1e-3 && p > naive * 10.0,
        "conditional {p} vs naive {naive}"
    );
    // Without the inherited allele the MNV keeps its own test.
    let mut no_het = s.clone();
    no_het.results[0].sites[0].forward = BaseCounts {
        g: 4000,
        ..Default::default()
    };
    no_het.results[0].sites[0].reverse = no_het.results[0].sites[0].forward;
    assert_eq!(germline_cis_p(&cohort, &no_het, &mnv), 0.0);
}

fn mnv_key() -> AlleleKey {
    (1000, "GC".into(), "AT".into())
}

#[test]
fn germline_windows() {
    assert!(germline_like(0.5) && germline_like(0.97));
    assert!(!germline_like(0.1) && !germline_like(0.8));
}
