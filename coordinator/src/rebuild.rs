//! `report`: rebuilds every report of a finished run from what the run stored — its plan in
//! `jobs.json` and its job results under `results/` — and a samplesheet that may have been
//! corrected since, without opening any alignment file or index.
//!
//! The plan cannot be made again without the alignment files (a job's id includes their
//! stamps, a sample's contig name comes from its header), so the run's own plan is used, each
//! sample labelled (patient, day, material, therapy) as the samplesheet now says, matched by
//! sample id. A sample of the samplesheet whose results the run did not store is reported
//! failed with the reason; a sample of the run that the samplesheet no longer lists is left
//! out, with a warning. The same merge and writers as `run` make the reports, so an unchanged
//! run gives byte-identical files.

use crate::manifest::{read_manifest, ManifestError, StoredRun, MANIFEST_NAME};
use crate::merge::Outcome;
use crate::plan::{reference_build, FailedSample, Plan, PlannedSample, MODEL_VERSION};
use crate::run::{
    absolute, load_model, merge_and_write, output_location, plan_warnings, stored_outcomes,
    MergeSettings, RunError, RunOutput,
};
use crate::samplesheet::Samplesheet;
use esr1_science::consequence::CountRule;
use esr1_science::esr1::Build;
use esr1_worker::storage::{join, SharedStorage};
use esr1_worker::store::ResultStore;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// What to rebuild.
#[derive(Debug, Clone)]
pub struct RebuildOptions {
    /// The samplesheet (possibly corrected since the run).
    pub samplesheet: PathBuf,
    /// The reference FASTA the run was counted against (its `.fai` is read to check that).
    pub reference: PathBuf,
    /// The run's output location: a directory or an `s3://bucket/prefix`.
    pub out: String,
    /// `--count`; the run's when absent.
    pub count: Option<CountRule>,
    /// `--annotation`; the run's when absent.
    pub annotation: Option<PathBuf>,
}

/// Why the reports cannot be rebuilt. Messages are complete (each names its cause).
#[derive(Debug, thiserror::Error)]
pub enum RebuildError {
    /// The samplesheet, annotation or reference is unusable, or storage failed.
    #[error(transparent)]
    Run(#[from] RunError),
    /// `jobs.json` cannot be read or decoded.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// `jobs.json` was written by a version that did not store the plan.
    #[error(
        "{uri} holds no plan (written by an esr1-coordinator older than `report`): run the \
         cohort again to rebuild its reports"
    )]
    NoStoredPlan {
        /// The manifest.
        uri: String,
    },
    /// The run was counted by another counting model than this program's.
    #[error(
        "run {run_id} was counted with model {stored}, this program counts with {current}: \
         run the cohort again with this version (or report it with the version that ran it)"
    )]
    OtherModel {
        /// The run.
        run_id: String,
        /// The model of the stored results.
        stored: String,
        /// This program's model.
        current: String,
    },
    /// `--reference` is of another build or names chromosome 6 otherwise than the run's.
    #[error(
        "reference {reference} is {build} ({chrom}) but run {run_id} was counted against \
         {run_reference}, {run_build} ({run_chrom})"
    )]
    OtherReference {
        /// The reference given.
        reference: String,
        /// Its build.
        build: Build,
        /// Its chromosome-6 name.
        chrom: String,
        /// The run.
        run_id: String,
        /// The run's reference.
        run_reference: String,
        /// The run's build.
        run_build: Build,
        /// The run's chromosome-6 name.
        run_chrom: String,
    },
}

/// Rebuilds the reports of the run in `options.out`, reading and writing through `storage`.
/// `reused_jobs` of the output is the number of stored job results used.
pub fn rebuild(
    options: &RebuildOptions,
    storage: &SharedStorage,
) -> Result<RunOutput, RebuildError> {
    let mut sheet = Samplesheet::read(&options.samplesheet).map_err(RunError::from)?;
    let output = output_location(&options.out);
    let manifest = read_manifest(storage.as_ref(), &output)?;
    let stored = manifest.run.ok_or_else(|| RebuildError::NoStoredPlan {
        uri: join(&output, MANIFEST_NAME),
    })?;
    if stored.model_version != MODEL_VERSION {
        return Err(RebuildError::OtherModel {
            run_id: stored.plan.run_id,
            stored: stored.model_version,
            current: MODEL_VERSION.to_owned(),
        });
    }
    let mut extra_warnings = check_reference(options, &stored, storage)?;
    let annotation = options
        .annotation
        .clone()
        .or_else(|| stored.annotation.as_ref().map(PathBuf::from));
    let (annotated, model) = load_model(annotation.as_deref())?;

    let (plan, dropped) = relabel(&stored.plan, &mut sheet);
    extra_warnings.extend(dropped.iter().map(|id| {
        format!(
            "sample {id} of run {} is not in {}: left out of the reports",
            plan.run_id,
            sheet.path.display()
        )
    }));
    let mut warnings = plan_warnings(&sheet.warnings, annotated.as_ref(), &plan);
    warnings.extend(extra_warnings);

    let store = ResultStore::new(storage.clone(), &output);
    let mut outcomes = stored_outcomes(&plan, &store).map_err(RebuildError::from)?;
    for job in plan.jobs() {
        outcomes.entry(job.job_id.clone()).or_insert_with(|| {
            Outcome::Failed(
                "no stored result (the run did not finish this job: run the cohort again)".into(),
            )
        });
    }
    let reused_jobs = outcomes
        .values()
        .filter(|o| matches!(o, Outcome::Done(_)))
        .count();
    let settings = MergeSettings {
        model: &model,
        params: &stored.params,
        count: options.count.unwrap_or(stored.count),
        times: stored.times.clone(),
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

/// Checks `--reference` against the run's: the same build and chromosome-6 name, else an
/// error; another path of them is a warning (the reports name the reference counted against).
fn check_reference(
    options: &RebuildOptions,
    stored: &StoredRun,
    storage: &SharedStorage,
) -> Result<Vec<String>, RebuildError> {
    let given = absolute(&options.reference).to_string_lossy().into_owned();
    let (chrom, build) = reference_build(storage.as_ref(), &given).map_err(RunError::from)?;
    let run = &stored.plan;
    if build != run.build || chrom != run.chrom {
        return Err(RebuildError::OtherReference {
            reference: given,
            build,
            chrom,
            run_id: run.run_id.clone(),
            run_reference: run.reference.clone(),
            run_build: run.build,
            run_chrom: run.chrom.clone(),
        });
    }
    Ok(if given == run.reference {
        Vec::new()
    } else {
        vec![format!(
            "reference {given} is not the one run {} was counted against ({}): the reports \
             name the run's",
            run.run_id, run.reference
        )]
    })
}

/// The run's plan with the samplesheet's samples, in its order, labelled as it says: a sample
/// the run planned keeps its jobs (its problem, a file missing now, is forgotten: nothing is
/// read), one the run refused keeps the run's reason, any other fails. Also the ids of the
/// run's samples the samplesheet no longer lists.
fn relabel(stored: &Plan, sheet: &mut Samplesheet) -> (Plan, Vec<String>) {
    let planned: HashMap<&str, &PlannedSample> = stored
        .samples
        .iter()
        .map(|s| (s.sample.sample.as_str(), s))
        .collect();
    let refused: HashMap<&str, &FailedSample> = stored
        .failed
        .iter()
        .map(|f| (f.sample.sample.as_str(), f))
        .collect();
    let mut samples = Vec::new();
    let mut failed = Vec::new();
    let mut forget = Vec::new();
    for s in &sheet.samples {
        let id = s.sample.sample.as_str();
        let fail = |reason: String| FailedSample {
            sample: s.sample.clone(),
            reason,
        };
        match (planned.get(id), refused.get(id)) {
            (Some(p), _) if p.sample.alignments != s.sample.alignments => {
                failed.push(fail(format!(
                    "run {} counted {}, not {}: run the cohort again to count the new file",
                    stored.run_id, p.sample.alignments, s.sample.alignments
                )))
            }
            (Some(p), _) => {
                forget.push(id.to_owned());
                samples.push(PlannedSample {
                    sample: s.sample.clone(),
                    jobs: p.jobs.clone(),
                    job_bytes: p.job_bytes.clone(),
                });
            }
            (None, Some(f)) => failed.push(fail(f.reason.clone())),
            (None, None) => failed.push(fail(format!(
                "not in run {}: no stored results (run the cohort again to count it)",
                stored.run_id
            ))),
        }
    }
    for id in &forget {
        sheet.forget_problem(id);
    }
    let listed: HashSet<&str> = sheet
        .samples
        .iter()
        .map(|s| s.sample.sample.as_str())
        .collect();
    let dropped = stored
        .samples
        .iter()
        .map(|s| &s.sample)
        .chain(stored.failed.iter().map(|f| &f.sample))
        .filter(|s| !listed.contains(s.sample.as_str()))
        .map(|s| s.sample.clone())
        .collect();
    let plan = Plan {
        run_id: stored.run_id.clone(),
        build: stored.build,
        chrom: stored.chrom.clone(),
        reference: stored.reference.clone(),
        samples,
        failed,
        job_target: stored.job_target,
    };
    (plan, dropped)
}

#[cfg(test)]
mod tests;
