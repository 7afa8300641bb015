//! The scenario of a simulation (patients, samples, variants, statuses) built from the
//! options, after checking them; nothing is written.

use crate::accuracy;
use crate::error::SimulateError;
use crate::options::{scaled_depth, Scenario, SimulateOptions, MAX_PATIENTS};
use crate::reference::{self, RefWindow};
use crate::rng::Rng;
use crate::roles::{build_roles, FIXED_ROLES};
use crate::sites::germline_sites;
use crate::truth::TruthPatient;
use esr1_science::esr1::Esr1Model;

/// Checks the options of any scenario.
pub(crate) fn validate(opts: &SimulateOptions) -> Result<(), SimulateError> {
    if let Scenario::Accuracy { cfdna_depth, vafs } = &opts.scenario {
        accuracy::validate(opts.patients, *cfdna_depth, vafs)?;
    } else if opts.patients < FIXED_ROLES.len() {
        return Err(SimulateError::Options(format!(
            "at least {} patients are needed for the fixed roles, got {}",
            FIXED_ROLES.len(),
            opts.patients
        )));
    }
    if opts.patients > MAX_PATIENTS {
        return Err(SimulateError::Options(format!(
            "at most {MAX_PATIENTS} patients, got {}",
            opts.patients
        )));
    }
    if !(opts.depth_scale.is_finite() && opts.depth_scale > 0.0 && opts.depth_scale <= 100.0) {
        return Err(SimulateError::Options(format!(
            "depth_scale must be in (0, 100], got {}",
            opts.depth_scale
        )));
    }
    Ok(())
}

/// The per-seed streams: the reference window and the scenario use their own.
pub(crate) fn reference_window(model: &Esr1Model, seed: u64) -> Result<RefWindow, SimulateError> {
    reference::build_window(model, &mut Rng::derive(seed, "reference"))
}

/// Builds the scenario (patients, samples, variants and statuses) without writing anything.
pub fn scenario(opts: &SimulateOptions) -> Result<Vec<TruthPatient>, SimulateError> {
    validate(opts)?;
    let model = Esr1Model::builtin();
    let window = reference_window(&model, opts.seed)?;
    build_scenario(opts, &model, &window)
}

/// The scenario `opts` asks for.
pub(crate) fn build_scenario(
    opts: &SimulateOptions,
    model: &Esr1Model,
    window: &RefWindow,
) -> Result<Vec<TruthPatient>, SimulateError> {
    match &opts.scenario {
        Scenario::Roles => build_roles(opts, model, window),
        Scenario::Accuracy { cfdna_depth, vafs } => accuracy::build(
            opts,
            scaled_depth(f64::from(*cfdna_depth), opts.depth_scale),
            vafs,
            model,
            &germline_sites(model, window)?,
        ),
    }
}

#[cfg(test)]
mod tests;
