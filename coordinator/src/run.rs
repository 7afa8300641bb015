//! A cohort run from samplesheet to reports: parse, plan, execute on a backend (in-process
//! workers or RabbitMQ), merge, write. Both backends share the planner, the result store, the
//! merge and the writers; only how jobs reach workers differs.

use crate::distributed::{run_distributed, AmqpOptions, Broker, BrokerError};
use crate::embedded::run_embedded;
use crate::manifest::{utc_now, write_manifest, Manifest, ManifestError, RunTimes, StoredRun};
use crate::merge::{merge, CohortReport, Outcome, Outcomes};
use crate::metrics::CoordinatorMetrics;
use crate::phases::PhaseClock;
use crate::plan::{plan, Plan, PlanError, PlanOptions, MODEL_VERSION};
use crate::progress::Progress;
use crate::report::model::SampleStatus;
use crate::report::{write_reports, ReportError};
use crate::samplesheet::{Samplesheet, SheetError};
use esr1_proto::{stable_hash_hex, CallingParams};
use esr1_science::annotation::{load_annotation, AnnotatedExons, AnnotationError};
use esr1_science::consequence::CountRule;
use esr1_science::esr1::Esr1Model;
use esr1_worker::storage::{SharedStorage, StorageError};
use esr1_worker::store::ResultStore;
use esr1_worker::Caches;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    /// Which acquired variants the headline counts (`--count`).
    pub count: CountRule,
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

/// Why a run stopped. Each stage has its kind; a failed sample does not stop a run (it is
/// reported in the run's output). Messages are the ones users have always seen.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The samplesheet is unreadable or invalid (every problem, located).
    #[error(transparent)]
    Samplesheet(#[from] SheetError),
    /// The `--annotation` file cannot be used.
    #[error(transparent)]
    Annotation(#[from] AnnotationError),
    /// The reference cannot be used for planning.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The run manifest cannot be written.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The result store cannot be listed or read.
    #[error("{action}: {error}")]
    Storage {
        /// What was being done.
        action: &'static str,
        /// The storage failure.
        error: StorageError,
    },
    /// The broker backend cannot start.
    #[error(transparent)]
    Broker(#[from] BrokerError),
    /// The reports cannot be written.
    #[error("cannot write the reports: {0}")]
    Reports(ReportError),
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

/// A path made absolute (symbolic links resolved) when it exists, else as given.
pub fn absolute(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned())
}

/// The ESR1 model of a run: the built-in one, with the exons of `--annotation` placed when
/// one is given (returned too, for the warning when its build is not the run's).
pub fn load_model(
    annotation: Option<&Path>,
) -> Result<(Option<AnnotatedExons>, Esr1Model), RunError> {
    let annotated = match annotation {
        Some(path) => Some(load_annotation(path)?),
        None => None,
    };
    let model = match &annotated {
        Some(a) => Esr1Model::builtin().with_annotation(a)?,
        None => Esr1Model::builtin(),
    };
    Ok((annotated, model))
}

/// The warnings known once a run is planned, in the order they are printed and stored: the
/// samplesheet's notes, an annotation of another build, then every sample refused.
pub fn plan_warnings(
    sheet_warnings: &[String],
    annotated: Option<&AnnotatedExons>,
    plan: &Plan,
) -> Vec<String> {
    let mut warnings = sheet_warnings.to_vec();
    if let Some(a) = annotated.filter(|a| a.build != plan.build) {
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
    warnings
}

/// The stored outcome (result or failure) of every job of `plan` that has one: one listing
/// of the store, then one read per job found in it.
pub fn stored_outcomes(plan: &Plan, store: &ResultStore) -> Result<Outcomes, RunError> {
    let ids = store.stored_ids().map_err(|error| RunError::Storage {
        action: "cannot list stored results",
        error,
    })?;
    let mut outcomes = HashMap::new();
    for job in plan.jobs().filter(|j| ids.contains(&j.job_id)) {
        let found = store.get(&job.job_id).map_err(|error| RunError::Storage {
            action: "cannot read a stored result",
            error,
        })?;
        if let Some(o) = found {
            outcomes.insert(job.job_id.clone(), o.into());
        }
    }
    Ok(outcomes)
}

/// How job outcomes become reports: the model, the thresholds and the count rule.
pub struct MergeSettings<'a> {
    /// The ESR1 model (with the annotation's exons, if any).
    pub model: &'a Esr1Model,
    /// The run's filters and thresholds.
    pub params: &'a CallingParams,
    /// The run's `--count`.
    pub count: CountRule,
    /// When the run started and its jobs ended (shown in the report's provenance).
    pub times: RunTimes,
}

/// The end of a run, shared by `run` and `report`: merges the outcomes (consumed), adds a
/// warning for every sample not used, writes every report into `output`; returns the report,
/// the files written and all warnings.
pub fn merge_and_write(
    plan: &Plan,
    outcomes: Outcomes,
    settings: &MergeSettings,
    mut warnings: Vec<String>,
    storage: &SharedStorage,
    output: &str,
) -> Result<(CohortReport, Vec<String>, Vec<String>), RunError> {
    let mut clock = PhaseClock::start();
    let mut report = merge(
        plan,
        outcomes,
        settings.params,
        settings.model,
        settings.count,
    );
    report.times = settings.times.clone();
    for q in report.qc.iter().filter(|q| q.status != SampleStatus::Ok) {
        let w = match q.status {
            SampleStatus::LowCoverage => format!(
                "sample {} has low coverage ({}): its data are not used and it cannot make \
                 patient {} evaluable",
                q.sample, q.reason, q.patient
            ),
            SampleStatus::IdentityMismatch => format!(
                "sample {} does not share patient {}'s germline genotype ({}): a swap or a \
                 mislabel? Its data are not used",
                q.sample, q.patient, q.reason
            ),
            _ => format!("sample {} failed: {}", q.sample, q.reason),
        };
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    let files = write_reports(storage.as_ref(), output, plan, &report, &warnings)
        .map_err(RunError::Reports)?;
    let merged = clock.end("merge");
    if let Some(m) = CoordinatorMetrics::global() {
        m.merge_seconds.set(merged.wall);
    }
    Ok((report, files, warnings))
}

/// Who runs a run's jobs, started before it is planned.
enum JobsBy {
    /// In-process workers, this many.
    Embedded(usize),
    /// Workers taking them from the broker, connected to meanwhile.
    Broker(Broker),
}

/// Runs a cohort, reading and writing through `storage`.
pub fn run(options: &RunOptions, storage: &SharedStorage) -> Result<RunOutput, RunError> {
    let started = utc_now();
    let mut clock = PhaseClock::start();
    let sheet = Samplesheet::read(&options.samplesheet)?;
    let (annotated, model) = load_model(options.plan.annotation.as_deref())?;
    let run_id = options
        .run_id
        .clone()
        .unwrap_or_else(|| default_run_id(&options.samplesheet, &options.reference));
    // The broker is connected to, and the queues declared, while the run is planned.
    let jobs_by = match &options.backend {
        Backend::Embedded { workers } => JobsBy::Embedded(*workers),
        Backend::Amqp(amqp) => JobsBy::Broker(Broker::start(&run_id, amqp)?),
    };
    let output = output_location(&options.out);
    let store = ResultStore::new(storage.clone(), &output);
    let reference = absolute(&options.reference).to_string_lossy().into_owned();
    // One set of caches for the run: headers and indexes opened by the planner are reused by
    // the in-process workers.
    let caches = Arc::new(Caches::default());
    let planning = match options.backend {
        Backend::Embedded { workers } => options.plan.for_workers(workers),
        Backend::Amqp(_) => options.plan.clone(),
    };
    let plan = plan(
        &run_id,
        &sheet,
        &reference,
        &output,
        &planning,
        storage.as_ref(),
        &caches.sources,
    )?;
    let mut manifest = Manifest::of_run(StoredRun {
        model_version: MODEL_VERSION.to_owned(),
        params: options.plan.params.clone(),
        count: options.count,
        annotation: options
            .plan
            .annotation
            .as_deref()
            .map(|p| absolute(p).to_string_lossy().into_owned()),
        plan: plan.clone(),
        times: RunTimes {
            started: Some(started),
            finished: None,
        },
    });
    write_manifest(storage.as_ref(), &output, &manifest)?;
    let warnings = plan_warnings(&sheet.warnings, annotated.as_ref(), &plan);

    // Reconcile: jobs whose result is already stored are not run again. A job's id includes
    // the stamps of the files it reads, so a replaced file gives new jobs; a stored failure is
    // never reused (the cause — a missing index, an unreachable store — may be fixed now).
    let mut stored = stored_outcomes(&plan, &store)?;
    let mut outcomes = Outcomes::new();
    let mut pending = Vec::new();
    for job in plan.jobs() {
        match stored.remove(&job.job_id) {
            Some(o @ Outcome::Done(_)) => {
                outcomes.insert(job.job_id.clone(), o);
            }
            Some(Outcome::Failed(_)) | None => pending.push(job.clone()),
        }
    }
    plan.largest_first(&mut pending);
    let reused_jobs = outcomes.len();
    clock.end("plan");
    let mut progress = Progress::new(plan.jobs().count(), options.progress);
    progress.skip(reused_jobs);
    let new = match jobs_by {
        JobsBy::Embedded(workers) => run_embedded(pending, workers, &store, &caches, &mut progress),
        JobsBy::Broker(broker) => {
            let bundles = plan.bundles(&pending);
            run_distributed(broker, (pending, &bundles), &store, &mut progress)?
        }
    };
    outcomes.extend(new);
    progress.finish();
    // The end of the jobs, stored so that `report` shows the same times.
    let mut times = RunTimes::default();
    if let Some(run) = manifest.run.as_mut() {
        run.times.finished = Some(utc_now());
        times = run.times.clone();
    }
    write_manifest(storage.as_ref(), &output, &manifest)?;
    clock.end("jobs");

    let settings = MergeSettings {
        model: &model,
        params: &options.plan.params,
        count: options.count,
        times,
    };
    let (report, files, warnings) =
        merge_and_write(&plan, outcomes, &settings, warnings, storage, &output)?;
    Ok(RunOutput {
        plan,
        report,
        files,
        warnings,
        reused_jobs,
    })
}
