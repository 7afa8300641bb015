//! Tests of [`super`]: recall.

use super::priors::{global_priors_within, prior_pair_rank};
use super::*;
use crate::background::variant_outliers;
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
    use esr1_proto::{BaseCounts, GenomicRegion, MnvCount, RegionResult};
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
    let s = SampleData::new(
        SampleRef {
            patient: "P1".into(),
            sample: "S1".into(),
            day: 100,
            material: Material::Cfdna,
            therapy: "AI".into(),
            alignments: "s1.bam".into(),
            index: None,
        },
        vec![r.clone().into()],
    );
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
    r.sites[0].forward = BaseCounts {
        g: 4000,
        ..Default::default()
    };
    r.sites[0].reverse = r.sites[0].forward;
    let no_het = SampleData::new(s.sample.clone(), vec![r.into()]);
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

/// A cohort of `samples` samples (the first half baselines) whose sites at `positions` show
/// C>T errors at rates varying between samples (2,000 fragments each), from a fixed
/// generator.
fn error_cohort(samples: usize, positions: &[u64]) -> Vec<SampleData> {
    error_results(samples, positions)
        .into_iter()
        .map(|(sample, r)| SampleData::new(sample, vec![r.into()]))
        .collect()
}

/// The samples and results of [`error_cohort`].
fn error_results(samples: usize, positions: &[u64]) -> Vec<(SampleRef, esr1_proto::RegionResult)> {
    use esr1_proto::{BaseCounts, GenomicRegion, RegionResult};
    let mut state = 99u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let z = (state ^ (state >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z ^ (z >> 29)
    };
    (0..samples)
        .map(|i| {
            let mut r = RegionResult::new(
                "j",
                &format!("S{i}"),
                GenomicRegion {
                    contig: "chr6".into(),
                    start: 1,
                    end: 100_000,
                },
            );
            for &pos in positions {
                // 0-2 alt fragments, and in some samples 4-13 more (how often varies by
                // site): overdispersed errors.
                let extra = if next() % (2 + pos % 5) == 0 {
                    4 + next() % 10
                } else {
                    0
                };
                let alt = (next() % 3 + extra) as u32;
                r.sites.push(SiteCounts {
                    pos,
                    ref_base: 'C',
                    forward: BaseCounts {
                        c: 1000 - alt,
                        t: alt,
                        ..Default::default()
                    },
                    reverse: BaseCounts {
                        c: 1000,
                        ..Default::default()
                    },
                    ..Default::default()
                });
            }
            let sample = SampleRef {
                patient: format!("P{}", i % (samples / 2)),
                sample: format!("S{i}"),
                day: if i < samples / 2 { 0 } else { 200 },
                material: Material::Cfdna,
                therapy: "AI".into(),
                alignments: format!("s{i}.bam"),
                index: None,
            };
            (sample, r)
        })
        .collect()
}

#[test]
fn the_prior_overdispersion_comes_from_a_bounded_choice_of_pairs_whatever_the_order() {
    let positions: Vec<u64> = (0..120).map(|i| 1_000 + 10 * i).collect();
    let cohort = error_cohort(16, &positions);
    let all: Vec<&SampleData> = cohort.iter().collect();
    // The C>T pairs with at least MIN_PRIOR_ALT alt fragments qualify; below the bound all
    // of them inform the median.
    let pooled = |pos: u64| -> u32 {
        cohort
            .iter()
            .flat_map(|s| &s.results[0].sites)
            .filter(|x| x.pos == pos)
            .map(|x| x.base_total(b'T'))
            .sum()
    };
    let positions: Vec<u64> = positions
        .into_iter()
        .filter(|&p| f64::from(pooled(p)) >= MIN_PRIOR_ALT)
        .collect();
    assert!(positions.len() > 100, "{}", positions.len());
    let (priors, rho, used) = global_priors_within(&all, usize::MAX);
    assert_eq!(used, positions.len());
    assert!(rho > PRIOR_RHO_FLOOR, "{rho}");
    assert_eq!(
        global_priors_within(&all, positions.len()),
        (priors, rho, used)
    );
    // Bounded: the pairs of the smallest ranks, the same whatever the samples' order, and
    // the prior is the one of a cohort holding only those sites.
    let bound = 60;
    let (_, bounded, used) = global_priors_within(&all, bound);
    assert_eq!(used, bound);
    let reversed: Vec<&SampleData> = cohort.iter().rev().collect();
    assert_eq!(global_priors_within(&reversed, bound).1, bounded);
    let mut ranked = positions.clone();
    ranked.sort_by_key(|&p| prior_pair_rank(p, b'T'));
    let mut kept = ranked[..bound].to_vec();
    kept.sort_unstable();
    let only_kept: Vec<SampleData> = cohort
        .iter()
        .cloned()
        .map(|mut s| {
            s.results[0].sites.retain(|x| kept.contains(&x.pos));
            s
        })
        .collect();
    let only_kept: Vec<&SampleData> = only_kept.iter().collect();
    let (_, expected, used) = global_priors_within(&only_kept, usize::MAX);
    assert_eq!(used, bound);
    assert_eq!(bounded, expected);
    // A different choice of pairs gives a different median here: the bound is not idle.
    assert_ne!(bounded, rho);
}

/// Sums of `(alt, depth)` observations, in order, as the background takes them.
fn sums_of(observations: impl Iterator<Item = (u32, u32)>) -> Sums {
    let mut sums = Sums::default();
    for (alt, depth) in observations {
        let mut one = Sums::default();
        if one.add(alt, depth) {
            sums.merge(&one);
        }
    }
    sums
}

#[test]
fn a_patients_background_leaves_out_exactly_its_own_samples() {
    let positions: Vec<u64> = (0..12).map(|i| 2_000 + 7 * i).collect();
    let mut results = error_results(48, &positions);
    for (i, (sample, r)) in results.iter_mut().enumerate() {
        // Later samples of every third patient are normals (background too), of others
        // tumours; baselines alternate cfDNA and tumour.
        sample.material = match (i < 24, i % 3) {
            (false, 0) => Material::Normal,
            (false, _) => Material::Tumor,
            (true, _) if i % 2 == 0 => Material::Cfdna,
            (true, _) => Material::Tumor,
        };
        let site = &mut r.sites[3];
        if i == 27 {
            // A real subclone in a normal of patient P3: flagged, never background.
            site.forward.t = 55;
        }
        let (pos, alt, depth) = (site.pos, site.forward.t + site.reverse.t, site.depth());
        r.calls.push(SampleCall {
            pos,
            ref_allele: "C".into(),
            alt_allele: "T".into(),
            alt_forward: alt,
            alt_reverse: 0,
            depth,
            vaf: f64::from(alt) / f64::from(depth),
            error_p: 1.0,
            filters: Vec::new(),
        });
    }
    let cohort: Vec<SampleData> = results
        .into_iter()
        .map(|(sample, r)| SampleData::new(sample, vec![r.into()]))
        .collect();
    let all: Vec<&SampleData> = cohort.iter().collect();
    let out = recall(
        &all,
        &Esr1Model::builtin(),
        Build::Grch38,
        &CallingParams::default(),
    );
    let background: Vec<&SampleData> = all.iter().copied().filter(|s| is_background(s)).collect();
    let key: AlleleKey = (positions[3], "C".into(), "T".into());
    let prior = out.prior_of(&key);
    let observations: Vec<(u32, u32)> = background
        .iter()
        .map(|s| s.allele_evidence(key.0, &key.1, &key.2))
        .collect();
    let flagged = variant_outliers(&observations, &prior);
    let flagged_sample = background.iter().zip(&flagged).find(|(_, &f)| f);
    assert_eq!(
        flagged_sample.map(|(s, _)| s.sample.sample.as_str()),
        Some("S27")
    );
    for patient in ["P0", "P3", "P4", "P11", "P30"] {
        for material in [Material::Cfdna, Material::Tumor, Material::Normal] {
            let others = |same_material: bool| {
                sums_of(
                    background
                        .iter()
                        .zip(&observations)
                        .zip(&flagged)
                        .filter(|((s, _), &f)| {
                            !f && s.sample.patient != patient
                                && (!same_material || s.sample.material == material)
                        })
                        .map(|((_, &o), _)| o),
                )
            };
            let own_material = others(true);
            let sums = if own_material.samples >= MIN_MATERIAL_SAMPLES {
                own_material
            } else {
                others(false)
            };
            let expected = fit(&sums, &prior);
            let got = out.background(&key, patient, material);
            let what = format!("{patient} {material:?}: {got:?} against {expected:?}");
            assert_eq!(
                (got.samples, got.depth),
                (expected.samples, expected.depth),
                "{what}"
            );
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs());
            assert!(close(got.dist.mean, expected.dist.mean), "{what}");
            assert!(close(got.dist.rho, expected.dist.rho), "{what}");
        }
    }
}
