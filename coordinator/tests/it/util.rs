//! Shared helpers of the coordinator's integration tests: TSV reading and a simulated cohort.

use esr1_coordinator::plan::PlanOptions;
use esr1_coordinator::run::{run, RunOptions, RunOutput};
use esr1_simulate::{simulate, SimulateOptions, SimulatedCohort};
use std::collections::HashMap;
use std::path::Path;

/// Every report of a run, in the order the coordinator writes them.
pub const REPORTS: [&str; 8] = [
    "calls.tsv",
    "patients.tsv",
    "frequencies.tsv",
    "qc.tsv",
    "summary.json",
    "report.html",
    "cohort.vcf.gz",
    "cohort.vcf.gz.tbi",
];

/// Every file below `dir`.
pub fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Job results written so far into a run's output directory.
pub fn results_written(out: &Path) -> usize {
    std::fs::read_dir(out.join("results"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".result.json"))
                .count()
        })
        .unwrap_or(0)
}

/// Jobs of one sample in a plan.
pub fn jobs_of(plan: &esr1_coordinator::plan::Plan, sample: &str) -> usize {
    plan.samples
        .iter()
        .find(|s| s.sample.sample == sample)
        .map_or(0, |s| s.jobs.len())
}

/// Rows of a TSV file as header-keyed maps.
pub fn read_tsv(path: &Path) -> Vec<HashMap<String, String>> {
    esr1_simulate::tables::read_tsv(path).unwrap_or_else(|e| panic!("{e}"))
}

/// Simulates a cohort into `dir/cohort`.
pub fn cohort(dir: &Path, patients: usize, seed: u64) -> SimulatedCohort {
    simulate(&SimulateOptions {
        format: Default::default(),
        out: dir.join("cohort"),
        patients,
        seed,
        depth_scale: 1.0,
        ..SimulateOptions::default()
    })
    .unwrap_or_else(|e| panic!("simulate: {e}"))
}

/// A 7-patient cohort at 0.3× depth in `dir/cohort`: small enough for many parallel tests.
pub fn small_cohort(dir: &Path, seed: u64) -> SimulatedCohort {
    simulate(&SimulateOptions {
        format: Default::default(),
        out: dir.join("cohort"),
        patients: 7,
        seed,
        depth_scale: 0.3,
        ..SimulateOptions::default()
    })
    .unwrap_or_else(|e| panic!("simulate: {e}"))
}

/// A record as (name, flags, alignment start), to compare query results.
pub fn record_key<R: noodles::sam::alignment::Record>(r: &R) -> (Vec<u8>, u16, usize) {
    let start = r
        .alignment_start()
        .transpose()
        .ok()
        .flatten()
        .map_or(0, usize::from);
    let flags = r.flags().map(u16::from).unwrap_or(u16::MAX);
    (
        r.name().map(|n| n.to_vec()).unwrap_or_default(),
        flags,
        start,
    )
}

/// Runs the embedded backend on a simulated cohort into `out`.
pub fn run_cohort(cohort: &SimulatedCohort, samplesheet: &Path, out: &Path) -> RunOutput {
    run_planned(cohort, samplesheet, out, PlanOptions::default())
}

/// Runs the embedded backend (two workers) on `samplesheet` of a simulated cohort into
/// `out`, planned with `plan`.
pub fn run_planned(
    cohort: &SimulatedCohort,
    samplesheet: &Path,
    out: &Path,
    plan: PlanOptions,
) -> RunOutput {
    run_on_workers(cohort, samplesheet, out, plan, 2)
}

/// [`run_planned`] with `workers` in-process workers.
pub fn run_on_workers(
    cohort: &SimulatedCohort,
    samplesheet: &Path,
    out: &Path,
    plan: PlanOptions,
    workers: usize,
) -> RunOutput {
    run(
        &RunOptions {
            count: Default::default(),
            samplesheet: samplesheet.to_owned(),
            reference: cohort.reference.clone(),
            out: out.to_string_lossy().into_owned(),
            backend: esr1_coordinator::run::Backend::Embedded { workers },
            plan,
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

/// Runs `bcftools ARGS PATH`, asserting it exits 0 with nothing on stderr (no warnings).
pub fn bcftools(args: &[&str], path: &Path) -> std::process::Output {
    let output = match std::process::Command::new("bcftools")
        .args(args)
        .arg(path)
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "bcftools is not on PATH; run `bash scripts/test.sh`, which installs it and runs \
             the tests"
        ),
        Err(e) => panic!("cannot run bcftools: {e}"),
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stderr.is_empty(),
        "bcftools {args:?}: {}\nstderr:\n{stderr}",
        output.status
    );
    output
}
