//! Job events: what a worker tells the coordinator when a job ends.

use crate::version::{Versioned, SCHEMA_VERSION};
use serde::{Deserialize, Serialize};

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum EventKind {
    /// The result was written to `result_key` in the run's output location.
    Done {
        /// Where the result object is.
        result_key: String,
    },
    /// The job cannot succeed (corrupt file, missing index, wrong build …).
    Failed {
        /// Why, for the user.
        reason: String,
    },
}

/// A completion or failure event for one job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobEvent {
    /// Always [`SCHEMA_VERSION`] when written by this build.
    pub schema_version: u32,
    /// The run the job belongs to.
    pub run_id: String,
    /// The job's id.
    pub job_id: String,
    /// The sample of the job (for reports of failures).
    pub sample: String,
    /// Done or failed.
    #[serde(flatten)]
    pub kind: EventKind,
    /// Which worker handled it (host name and process id).
    pub worker: String,
}

impl JobEvent {
    /// A new event of this schema version.
    pub fn new(run_id: &str, job_id: &str, sample: &str, kind: EventKind, worker: &str) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            run_id: run_id.to_owned(),
            job_id: job_id.to_owned(),
            sample: sample.to_owned(),
            kind,
            worker: worker.to_owned(),
        }
    }
}

impl Versioned for JobEvent {
    const KIND: &'static str = "job event";
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}
