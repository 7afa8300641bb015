//! A cohort run from samplesheet to reports: parse, plan, execute on a backend (in-process
//! workers or RabbitMQ), merge, write. Both backends share the planner, the result store, the
//! merge and the writers; only how jobs reach workers differs.

use crate::distributed::{run_distributed, AmqpOptions};
use crate::embedded::run_embedded;
use crate::merge::{merge, CohortReport, JobOutcome};
use crate::plan::{plan, Plan, PlanOptions};
use crate::progress::Progress;
use crate::report::write_reports;
use crate::samplesheet::Samplesheet;
use esr1_proto::stable_hash_hex;
use esr1_worker::store::ResultStore;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How jobs reach workers.
#[derive(Debug, Clone)]
pub enum Backend {
    /// In-process worker threads.
    Embedded {
        /// Number of worker threads.
        workers: usize,
    },
    /// Worker daemons consuming from RabbitMQ.
    Amqp(AmqpOptions),
}

/// What to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The samplesheet.
    pub samplesheet: PathBuf,
    /// Reference FASTA (with `.fai`; `.gzi` when bgzip-compressed).
    pub reference: PathBuf,
    /// Output directory.
    pub out: PathBuf,
    /// Where jobs run.
    pub backend: Backend,
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

/// The run's job list, written before any job runs (`jobs.json`), read by `status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// Run id.
    pub run_id: String,
    /// Every planned job.
    pub job_ids: Vec<String>,
}

/// Reads `jobs.json` of a run's output directory.
pub fn read_manifest(out: &Path) -> anyhow::Result<Manifest> {
    let path = out.join("jobs.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        anyhow::anyhow!(
            "cannot read {}: {e} (is this a run's output directory?)",
            path.display()
        )
    })?;
    serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{} is not a run manifest: {e}", path.display()))
}

/// The default run id: a hash of the samplesheet's and reference's absolute paths.
pub fn default_run_id(samplesheet: &Path, reference: &Path) -> String {
    let key = format!(
        "{}\n{}",
        absolute(samplesheet).display(),
        absolute(reference).display()
    );
    stable_hash_hex(key.as_bytes())[..12].to_owned()
}

fn absolute(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned())
}

/// Runs a cohort.
pub fn run(options: &RunOptions) -> anyhow::Result<RunOutput> {
    let sheet = Samplesheet::read(&options.samplesheet)?;
    let run_id = options
        .run_id
        .clone()
        .unwrap_or_else(|| default_run_id(&options.samplesheet, &options.reference));
    let store = ResultStore::open(&options.out).map_err(|e| {
        anyhow::anyhow!(
            "cannot create {}: {e}",
            options.out.join("results").display()
        )
    })?;
    let output = absolute(&options.out).to_string_lossy().into_owned();
    let plan = plan(
        &run_id,
        &sheet,
        &absolute(&options.reference),
        &output,
        &options.plan,
    )
    .map_err(anyhow::Error::msg)?;
    let manifest = Manifest {
        run_id: run_id.clone(),
        job_ids: plan.jobs().map(|j| j.job_id.clone()).collect(),
    };
    std::fs::write(
        options.out.join("jobs.json"),
        serde_json::to_vec_pretty(&manifest)?,
    )
    .map_err(|e| {
        anyhow::anyhow!(
            "cannot write {}: {e}",
            options.out.join("jobs.json").display()
        )
    })?;
    let mut warnings = sheet.warnings.clone();
    for f in &plan.failed {
        warnings.push(format!("sample {} failed: {}", f.sample.sample, f.reason));
    }

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
    let mut progress = Progress::new(plan.jobs().count(), options.progress);
    progress.skip(reused_jobs);
    let new = match &options.backend {
        Backend::Embedded { workers } => run_embedded(pending, *workers, &store, &mut progress),
        Backend::Amqp(amqp) => {
            run_distributed(&run_id, pending, &store, &options.out, amqp, &mut progress)?
        }
    };
    outcomes.extend(new);
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
