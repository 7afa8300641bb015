//! The default "roles" cohort: seven fixed-role patients (acquired, polyclonal, pre-existing,
//! shallow baseline, tamoxifen, two without somatic mutations), then random patients.

use crate::error::{model_error, SimulateError};
use crate::options::{scaled_depth, SimulateOptions};
use crate::reference::RefWindow;
use crate::rng::Rng;
use crate::sites::germline_sites;
use crate::truth::{truth_sample, TruthPatient};
use crate::variants::{
    choose_sites, germline_variant, hotspot_variant, later_status, ARM_AI, ARM_TAMOXIFEN,
};
use esr1_proto::Material;
use esr1_science::cohort::VariantStatus;
use esr1_science::esr1::Esr1Model;

/// Fragment depth of tumour samples before scaling.
pub const TUMOR_DEPTH: f64 = 700.0;
/// Fragment depth of cfDNA samples before scaling.
pub const CFDNA_DEPTH: f64 = 3000.0;
/// The (unscaled) baseline depth of P04.
pub const SHALLOW_BASELINE_DEPTH: u32 = 15;

/// One fixed-role patient: therapy and somatic (hotspot, T0, T1, C1 allele fractions).
pub(crate) struct Role {
    therapy: &'static str,
    somatic: &'static [(&'static str, f64, f64, f64)],
}

pub(crate) const FIXED_ROLES: [Role; 7] = [
    Role {
        therapy: ARM_AI,
        somatic: &[("D538G", 0.0, 0.25, 0.03)],
    },
    Role {
        therapy: ARM_AI,
        somatic: &[("Y537S", 0.0, 0.20, 0.02), ("E380Q", 0.0, 0.10, 0.015)],
    },
    Role {
        therapy: ARM_AI,
        somatic: &[("Y537N", 0.08, 0.30, 0.04)],
    },
    Role {
        therapy: ARM_AI,
        somatic: &[("L536H", 0.0, 0.12, 0.01)],
    },
    Role {
        therapy: ARM_TAMOXIFEN,
        somatic: &[("Y537C", 0.0, 0.15, 0.008)],
    },
    Role {
        therapy: ARM_AI,
        somatic: &[],
    },
    Role {
        therapy: ARM_TAMOXIFEN,
        somatic: &[],
    },
];

/// A VAF rounded to 4 decimals, so the truth file states exactly what was simulated.
pub(crate) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The roles cohort of `opts`.
pub(crate) fn build_roles(
    opts: &SimulateOptions,
    model: &Esr1Model,
    window: &RefWindow,
) -> Result<Vec<TruthPatient>, SimulateError> {
    let sites = germline_sites(model, window)?;
    let mut rng = Rng::derive(opts.seed, "scenario");
    let mut patients = Vec::with_capacity(opts.patients);
    for i in 0..opts.patients {
        let patient = format!("P{:02}", i + 1);
        let day_t0 = rng.range_i64(-30, 0);
        let day_t1 = rng.range_i64(180, 720);
        let day_c1 = day_t1 + rng.range_i64(-7, 7);

        // Germline: 1–2 heterozygous SNPs; P06 also one homozygous SNP.
        let n_het = 1 + rng.index(2);
        let chosen = choose_sites(&mut rng, n_het, sites.len(), &[]);
        let hom = if i == 5 {
            choose_sites(&mut rng, 1, sites.len(), &chosen)
                .first()
                .copied()
        } else {
            None
        };

        // Somatic: fixed roles, then random patients.
        let (therapy, somatic): (String, Vec<(usize, [f64; 3])>) = if let Some(role) =
            FIXED_ROLES.get(i)
        {
            let mut v = Vec::new();
            for &(name, t0, t1, c1) in role.somatic {
                let h = model
                    .hotspots
                    .iter()
                    .position(|h| h.name == name)
                    .ok_or_else(|| model_error(format!("hotspot {name} is not in the model")))?;
                v.push((h, [t0, t1, c1]));
            }
            (role.therapy.to_owned(), v)
        } else {
            let ai = rng.chance(2.0 / 3.0);
            let p_acquire = if ai { 0.45 } else { 0.12 };
            let mut v: Vec<(usize, [f64; 3])> = Vec::new();
            if rng.chance(p_acquire) {
                let n = if rng.chance(0.3) { 2 } else { 1 };
                while v.len() < n {
                    let h = rng.index(model.hotspots.len());
                    let pos = model.hotspots[h].grch38_pos;
                    if v.iter().any(|(o, _)| model.hotspots[*o].grch38_pos == pos) {
                        continue;
                    }
                    let t1 = round4(rng.uniform(0.05, 0.40));
                    let c1 = round4(rng.uniform(0.005, 0.05));
                    v.push((h, [0.0, t1, c1]));
                }
            }
            let arm = if ai { ARM_AI } else { ARM_TAMOXIFEN };
            (arm.to_owned(), v)
        };

        let t0_depth = if i == 3 {
            SHALLOW_BASELINE_DEPTH
        } else {
            scaled_depth(TUMOR_DEPTH, opts.depth_scale)
        };
        let sample = |suffix: &str, day: i64, material: Material, depth: u32| {
            truth_sample(
                opts.format,
                format!("{patient}_{suffix}"),
                day,
                material,
                depth,
            )
        };
        let samples = vec![
            sample("T0", day_t0, Material::Tumor, t0_depth),
            sample(
                "T1",
                day_t1,
                Material::Tumor,
                scaled_depth(TUMOR_DEPTH, opts.depth_scale),
            ),
            sample(
                "C1",
                day_c1,
                Material::Cfdna,
                scaled_depth(CFDNA_DEPTH, opts.depth_scale),
            ),
        ];

        let mut variants = Vec::new();
        for (h, vaf) in somatic {
            let status = if vaf[0] > 0.0 {
                VariantStatus::PreExisting
            } else {
                later_status(t0_depth)
            };
            variants.push(hotspot_variant(model, h, status, vaf.to_vec())?);
        }
        let germline = chosen
            .iter()
            .map(|&k| (k, 0.5))
            .chain(hom.map(|k| (k, 1.0)));
        for (k, vaf) in germline {
            variants.push(germline_variant(&sites[k], vaf, samples.len()));
        }
        variants.sort_by_key(|v| v.pos);
        patients.push(TruthPatient {
            patient,
            therapy,
            samples,
            variants,
        });
    }
    Ok(patients)
}
