//! The exit codes of `esr1-coordinator run`, `demo` and `report`, so a pipeline can tell a
//! finished cohort from a partly or wholly failed one, bad input from an unreachable service.

use crate::check::{CheckError, CheckReport, CheckStatus};
use crate::distributed::BrokerError;
use crate::manifest::ManifestError;
use crate::merge::CohortReport;
use crate::plan::PlanError;
use crate::rebuild::RebuildError;
use crate::report::model::SampleStatus;
use crate::run::RunError;
use crate::status::StatusError;
use esr1_worker::queue::{ConnectError, ConnectFailure};
use esr1_worker::storage::{StorageError, StorageErrorKind};
use esr1_worker::FailureKind;

/// Every sample done.
pub const ALL_DONE: u8 = 0;
/// The run finished, but some samples failed (reported in qc.tsv and the warnings).
pub const SOME_FAILED: u8 = 1;
/// Bad input: samplesheet, flags, annotation, reference.
pub const BAD_INPUT: u8 = 2;
/// The broker or storage could not be reached or written.
pub const UNREACHABLE: u8 = 3;
/// The run finished but no sample succeeded.
pub const NONE_SUCCEEDED: u8 = 4;

/// The table printed after `--help`.
pub const EXIT_CODES_HELP: &str = "Exit codes (run, demo, report):
  0  every sample done
  1  done, with some samples failed (see qc.tsv)
  2  bad input (samplesheet, flags, annotation, reference; report: not a finished run)
  3  infrastructure unreachable (broker, storage)
  4  no sample succeeded";

/// The table printed after `status --help`.
pub const STATUS_EXIT_CODES_HELP: &str = "Exit codes (status):
  0  read the run (with --watch: until every job has an outcome)
  2  bad input (run id, not this run's output location)
  3  broker or storage unreachable within --connect-timeout, or the login refused";

/// The table printed after `check --help`.
pub const CHECK_EXIT_CODES_HELP: &str = "Exit codes (check):
  0  every sample would run and agrees with the reference
  1  some samples would fail or disagree with the reference (see the table)
  2  bad input (samplesheet, reference)
  3  storage unreachable
  4  no sample would run";

/// The exit code of a finished run, from its samples' statuses.
pub fn report_exit_code(report: &CohortReport) -> u8 {
    let ok = report
        .qc
        .iter()
        .filter(|q| q.status == SampleStatus::Ok)
        .count();
    samples_exit_code(ok, report.qc.len())
}

/// The exit code of a finished run with `ok` of `total` samples done.
pub fn samples_exit_code(ok: usize, total: usize) -> u8 {
    if ok == 0 {
        NONE_SUCCEEDED
    } else if ok < total {
        SOME_FAILED
    } else {
        ALL_DONE
    }
}

fn storage_code(e: &StorageError) -> u8 {
    match e.kind {
        StorageErrorKind::NotFound | StorageErrorKind::NotPermitted | StorageErrorKind::Changed => {
            BAD_INPUT
        }
        StorageErrorKind::AccessDenied | StorageErrorKind::Transient | StorageErrorKind::Other => {
            UNREACHABLE
        }
    }
}

/// The broker could not be reached or refused the login: unreachable; a malformed URL is
/// bad input.
fn connect_code(e: &ConnectError) -> u8 {
    match e.failure {
        ConnectFailure::InvalidUrl => BAD_INPUT,
        ConnectFailure::Unreachable | ConnectFailure::Refused => UNREACHABLE,
    }
}

/// The exit code of a run that stopped.
pub fn error_exit_code(e: &RunError) -> u8 {
    match e {
        RunError::Samplesheet(_) | RunError::Annotation(_) => BAD_INPUT,
        RunError::Broker(BrokerError::InvalidRunId(_)) => BAD_INPUT,
        RunError::Broker(BrokerError::Unreachable(e)) => connect_code(e),
        RunError::Plan(PlanError::ReferenceIndexUnreadable { error, .. }) => storage_code(error),
        RunError::Plan(_) => BAD_INPUT,
        RunError::Manifest(_)
        | RunError::Storage { .. }
        | RunError::Broker(_)
        | RunError::Reports(_) => UNREACHABLE,
    }
}

/// The exit code of a `report` that stopped.
pub fn rebuild_exit_code(e: &RebuildError) -> u8 {
    match e {
        RebuildError::Run(e) => error_exit_code(e),
        RebuildError::Manifest(ManifestError::Unreadable { error }) => storage_code(error),
        RebuildError::Manifest(_)
        | RebuildError::NoStoredPlan { .. }
        | RebuildError::OtherModel { .. }
        | RebuildError::OtherReference { .. } => BAD_INPUT,
    }
}

/// The exit code of a `status` that could not read the run: the broker or the store
/// unreachable is 3, as for `run`.
pub fn status_exit_code(e: &StatusError) -> u8 {
    match e {
        StatusError::InvalidRunId(_) | StatusError::OtherRun { .. } => BAD_INPUT,
        StatusError::Manifest(ManifestError::Unreadable { error }) => storage_code(error),
        StatusError::Manifest(_) => BAD_INPUT,
        StatusError::Storage(error) => storage_code(error),
        StatusError::Runtime(_) | StatusError::Queue(_) => UNREACHABLE,
        StatusError::Broker(e) => connect_code(e),
    }
}

/// The exit code of `check`: a warning (contig naming) counts as a problem, like a failure.
pub fn check_exit_code(report: &CheckReport) -> u8 {
    let fail = report.count(CheckStatus::Fail);
    if fail == report.samples.len() {
        NONE_SUCCEEDED
    } else if fail + report.count(CheckStatus::Warning) > 0 {
        SOME_FAILED
    } else {
        ALL_DONE
    }
}

/// The exit code of a `check` that could not check the samples.
pub fn check_error_exit_code(e: &CheckError) -> u8 {
    match e {
        CheckError::Run(e) => error_exit_code(e),
        CheckError::Reference { error, .. } if error.kind == FailureKind::Transient => UNREACHABLE,
        CheckError::Reference { .. } => BAD_INPUT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_exits_by_how_many_samples_succeeded() {
        assert_eq!(samples_exit_code(2, 2), ALL_DONE);
        assert_eq!(samples_exit_code(1, 2), SOME_FAILED);
        assert_eq!(samples_exit_code(0, 2), NONE_SUCCEEDED);
        assert_eq!(samples_exit_code(0, 0), NONE_SUCCEEDED);
    }

    #[test]
    fn stopped_runs_exit_bad_input_or_unreachable() {
        let missing_fai = RunError::Plan(PlanError::ReferenceIndexUnreadable {
            reference: "/r.fa".into(),
            error: StorageError::new(StorageErrorKind::NotFound, "/r.fa.fai", "gone"),
        });
        assert_eq!(error_exit_code(&missing_fai), BAD_INPUT);
        let down = RunError::Storage {
            action: "cannot list stored results",
            error: StorageError::new(StorageErrorKind::Transient, "s3://b/r", "timed out"),
        };
        assert_eq!(error_exit_code(&down), UNREACHABLE);
    }
}
