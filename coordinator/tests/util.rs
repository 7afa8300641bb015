//! Shared helpers of the coordinator's integration tests: TSV reading and a simulated cohort.

#![allow(dead_code)]

use esr1_coordinator::plan::PlanOptions;
use esr1_coordinator::run::{run, RunOptions, RunOutput};
use esr1_coordinator::simulate::{simulate, SimulateOptions, SimulatedCohort};
use std::collections::HashMap;
use std::path::Path;

/// Rows of a TSV file as header-keyed maps.
pub fn read_tsv(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            header
                .iter()
                .map(|h| h.to_string())
                .zip(l.split('\t').map(str::to_owned))
                .collect()
        })
        .collect()
}

/// Simulates a cohort into `dir/cohort`.
pub fn cohort(dir: &Path, patients: usize, seed: u64) -> SimulatedCohort {
    simulate(&SimulateOptions {
        format: Default::default(),
        out: dir.join("cohort"),
        patients,
        seed,
        depth_scale: 1.0,
    })
    .unwrap_or_else(|e| panic!("simulate: {e}"))
}

/// Runs the embedded backend on a simulated cohort into `out`.
pub fn run_cohort(cohort: &SimulatedCohort, samplesheet: &Path, out: &Path) -> RunOutput {
    run(
        &RunOptions {
            samplesheet: samplesheet.to_owned(),
            reference: cohort.reference.clone(),
            out: out.to_string_lossy().into_owned(),
            backend: esr1_coordinator::run::Backend::Embedded { workers: 2 },
            plan: PlanOptions::default(),
            run_id: None,
            progress: false,
        },
        &local_storage(),
    )
    .unwrap_or_else(|e| panic!("run: {e:#}"))
}

/// Storage for local files only (no S3 configuration from the test's environment).
pub fn local_storage() -> esr1_worker::storage::SharedStorage {
    esr1_worker::storage::default_storage(&HashMap::new(), Vec::new())
}

/// Variant key of a TSV row: (patient, pos, ref, alt).
pub fn key(row: &HashMap<String, String>) -> (String, String, String, String) {
    (
        row["patient"].clone(),
        row["pos"].clone(),
        row["ref"].clone(),
        row["alt"].clone(),
    )
}
