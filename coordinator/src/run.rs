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
use esr1_science::annotation::load_annotation;
use esr1_science::esr1::Esr1Model;
use esr1_worker::storage::{join, SharedStorage, Storage};
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
    /// Output location: a directory or an `s3://bucket/prefix`.
    pub out: String,
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
    /// Reports written.
    pub files: Vec<String>,
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

/// Reads `jobs.json` of a run's output location.
pub fn read_manifest(storage: &dyn Storage, out: &str) -> anyhow::Result<Manifest> {
    let uri = join(out, "jobs.json");
    let bytes = storage
        .get(&uri)
        .map_err(|e| anyhow::anyhow!("cannot read {e} (is this a run's output location?)"))?;
    serde_json::from_slice(&bytes).map_err(|e| anyhow::anyhow!("{uri} is not a run manifest: {e}"))
}

/// An output location as workers elsewhere must see it: `s3://` as is, local paths absolute.
pub fn output_location(out: &str) -> String {
    if out.contains("://") {
        return out.trim_end_matches('/').to_owned();
    }
    let p = Path::new(out);
    let _ = std::fs::create_dir_all(p);
    absolute(p).to_string_lossy().into_owned()
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

/// Runs a cohort, reading and writing through `storage`.
pub fn run(options: &RunOptions, storage: &SharedStorage) -> anyhow::Result<RunOutput> {
    let sheet = Samplesheet::read(&options.samplesheet)?;
    let annotated = match &options.plan.annotation {
        Some(path) => Some(load_annotation(path)?),
        None => None,
    };
    let model = match &annotated {
        Some(a) => Esr1Model::builtin().with_annotation(a)?,
        None => Esr1Model::builtin(),
    };
    let run_id = options
        .run_id
        .clone()
        .unwrap_or_else(|| default_run_id(&options.samplesheet, &options.reference));
    let output = output_location(&options.out);
    let store = ResultStore::new(storage.clone(), &output);
    let reference = absolute(&options.reference).to_string_lossy().into_owned();
    let plan = plan(
        &run_id,
        &sheet,
        &reference,
        &output,
        &options.plan,
        storage.as_ref(),
    )
    .map_err(anyhow::Error::msg)?;
    let manifest = Manifest {
        run_id: run_id.clone(),
        job_ids: plan.jobs().map(|j| j.job_id.clone()).collect(),
    };
    storage
        .put(
            &join(&output, "jobs.json"),
            &serde_json::to_vec_pretty(&manifest)?,
        )
        .map_err(|e| anyhow::anyhow!("cannot write the run manifest: {e}"))?;
    let mut warnings = sheet.warnings.clone();
    if let Some(a) = annotated.as_ref().filter(|a| a.build != plan.build) {
        warnings.push(format!(
            "annotation {} is {} but the run is {}: its exons are not used",
            a.path.display(),
            a.build,
            plan.build
        ));
    }
    for f in &plan.failed {
        warnings.push(format!("sample {} failed: {}", f.sample.sample, f.reason));
    }

    // Reconcile: jobs whose outcome is already stored are not run again.
    let mut outcomes: HashMap<String, JobOutcome> = HashMap::new();
    let mut pending = Vec::new();
    let stored = store
        .stored_ids()
        .map_err(|e| anyhow::anyhow!("cannot list stored results: {e}"))?;
    for job in plan.jobs() {
        let found = if stored.contains(&job.job_id) {
            store
                .get(&job.job_id)
                .map_err(|e| anyhow::anyhow!("cannot read a stored result: {e}"))?
        } else {
            None
        };
        match found {
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
        Backend::Amqp(amqp) => run_distributed(&run_id, pending, &store, amqp, &mut progress)?,
    };
    outcomes.extend(new);
    progress.finish();

    let report = merge(&plan, &outcomes, &options.plan.params, &model);
    for q in report.qc.iter().filter(|q| q.status != "ok") {
        let w = format!("sample {} failed: {}", q.sample, q.reason);
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    let files = write_reports(storage.as_ref(), &output, &plan, &report, &warnings)
        .map_err(|e| anyhow::anyhow!("cannot write the reports: {e}"))?;
    Ok(RunOutput {
        plan,
        report,
        files,
        warnings,
        reused_jobs,
    })
}
