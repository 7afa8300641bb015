//! A cohort run from samplesheet to reports: parse, plan, execute on a backend, merge, write.

use crate::embedded::run_embedded;
use crate::merge::{merge, CohortReport, JobOutcome};
use crate::plan::{plan, Plan, PlanOptions};
use crate::progress::Progress;
use crate::report::write_reports;
use crate::samplesheet::Samplesheet;
use esr1_proto::stable_hash_hex;
use esr1_worker::store::ResultStore;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The samplesheet.
    pub samplesheet: PathBuf,
    /// Reference FASTA (with `.fai`; `.gzi` when bgzip-compressed).
    pub reference: PathBuf,
    /// Output directory.
    pub out: PathBuf,
    /// In-process workers.
    pub workers: usize,
    /// Planning options (region size, thresholds).
    pub plan: PlanOptions,
    /// Run id; derived from the samplesheet and reference when absent.
    pub run_id: Option<String>,
    /// Show a progress bar.
    pub progress: bool,
}

/// What a run produced.
#[derive(Debug)]
pub struct RunOutput {
    /// The plan that ran.
    pub plan: Plan,
    /// The merged report.
    pub report: CohortReport,
    /// Files written.
    pub files: Vec<PathBuf>,
    /// Warnings (samplesheet notes, failed samples).
    pub warnings: Vec<String>,
    /// Jobs whose results were already in the store (a resumed run).
    pub reused_jobs: usize,
}

/// The default run id: a hash of the samplesheet's and reference's absolute paths.
pub fn default_run_id(samplesheet: &Path, reference: &Path) -> String {
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
    let key = format!(
        "{}\n{}",
        abs(samplesheet).display(),
        abs(reference).display()
    );
    stable_hash_hex(key.as_bytes())[..12].to_owned()
}

/// Runs a cohort on the embedded backend.
pub fn run(options: &RunOptions) -> anyhow::Result<RunOutput> {
    let sheet = Samplesheet::read(&options.samplesheet)?;
    let run_id = options
        .run_id
        .clone()
        .unwrap_or_else(|| default_run_id(&options.samplesheet, &options.reference));
    let plan =
        plan(&run_id, &sheet, &options.reference, &options.plan).map_err(anyhow::Error::msg)?;
    let mut warnings = sheet.warnings.clone();
    for f in &plan.failed {
        warnings.push(format!("sample {} failed: {}", f.sample.sample, f.reason));
    }
    let store = ResultStore::open(&options.out).map_err(|e| {
        anyhow::anyhow!(
            "cannot create {}: {e}",
            options.out.join("results").display()
        )
    })?;

    // Reconcile: jobs whose outcome is already stored are not run again.
    let mut outcomes: HashMap<String, JobOutcome> = HashMap::new();
    let mut pending = Vec::new();
    for job in plan.jobs() {
        match store.get(&job.job_id) {
            Some(o) => {
                outcomes.insert(job.job_id.clone(), o);
            }
            None => pending.push(job.clone()),
        }
    }
    let reused_jobs = outcomes.len();
    let total = plan.jobs().count();
    let mut progress = Progress::new(total, options.progress);
    progress.skip(reused_jobs);
    outcomes.extend(run_embedded(
        pending,
        options.workers,
        &store,
        &mut progress,
    ));
    progress.finish();

    let report = merge(&plan, &outcomes, &options.plan.params);
    for q in report.qc.iter().filter(|q| q.status != "ok") {
        let w = format!("sample {} failed: {}", q.sample, q.reason);
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    let files = write_reports(&options.out, &plan, &report, &warnings)?;
    Ok(RunOutput {
        plan,
        report,
        files,
        warnings,
        reused_jobs,
    })
}
