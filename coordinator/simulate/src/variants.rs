//! Building blocks shared by the scenarios: true germline and hotspot variants, the status
//! of a later-only mutation, therapy arms and the choice of germline sites.

use crate::error::{model_error, SimulateError};
use crate::rng::Rng;
use crate::sites::GermlineSite;
use crate::truth::{TruthVariant, VariantKind};
use esr1_science::cohort::VariantStatus;
use esr1_science::esr1::{Build, Esr1Model};

/// Baseline fragment depth below which a later-only mutation is indeterminate.
pub const MIN_BASELINE_DEPTH: u32 = 100;

/// The aromatase-inhibitor arm.
pub(crate) const ARM_AI: &str = "AI";
/// The tamoxifen arm.
pub(crate) const ARM_TAMOXIFEN: &str = "tamoxifen";

/// `n` distinct heterozygous germline sites of `n_sites`.
pub(crate) fn choose_sites(rng: &mut Rng, n: usize, n_sites: usize, taken: &[usize]) -> Vec<usize> {
    let mut chosen: Vec<usize> = Vec::new();
    while chosen.len() < n.min(n_sites.saturating_sub(taken.len())) {
        let k = rng.index(n_sites);
        if !chosen.contains(&k) && !taken.contains(&k) {
            chosen.push(k);
        }
    }
    chosen
}

/// A germline SNP at `vaf` in all `n_samples` samples.
pub(crate) fn germline_variant(site: &GermlineSite, vaf: f64, n_samples: usize) -> TruthVariant {
    TruthVariant {
        pos: site.pos,
        ref_base: char::from(site.ref_base),
        alt_base: char::from(site.alt_base),
        protein: site.protein.clone(),
        hotspot: None,
        kind: VariantKind::Germline,
        status: VariantStatus::Germline,
        vaf: vec![vaf; n_samples],
    }
}

/// A somatic hotspot mutation with its status and per-sample allele fractions.
pub(crate) fn hotspot_variant(
    model: &Esr1Model,
    h: usize,
    status: VariantStatus,
    vaf: Vec<f64>,
) -> Result<TruthVariant, SimulateError> {
    let hs = model
        .hotspots
        .get(h)
        .ok_or_else(|| model_error(format!("no hotspot number {h}")))?;
    let pos = hs.grch38_pos;
    Ok(TruthVariant {
        pos,
        ref_base: hs.ref_base,
        alt_base: hs.alt_base,
        protein: model.protein_change(
            Build::Grch38,
            pos,
            &hs.ref_base.to_string(),
            &hs.alt_base.to_string(),
        ),
        hotspot: Some(hs.name.clone()),
        kind: VariantKind::Somatic,
        status,
        vaf,
    })
}

/// The status of a mutation absent from a baseline of `baseline_depth` and present later.
pub(crate) fn later_status(baseline_depth: u32) -> VariantStatus {
    if baseline_depth >= MIN_BASELINE_DEPTH {
        VariantStatus::Acquired
    } else {
        VariantStatus::Indeterminate
    }
}
