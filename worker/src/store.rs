//! The run's result store: one object per job, keyed by the job id, under `<out>/results/`.
//!
//! Workers write a job's result (or its permanent failure) here before reporting it, so a
//! restarted coordinator reconciles from what is already written and reruns only the rest.
//! Writes go to a temporary name and are renamed, so a reader never sees half an object.

use esr1_proto::{decode, encode, RegionResult};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How one job ended, as stored and as the merge sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutcome {
    /// The job's result.
    Done(Box<RegionResult>),
    /// The job failed permanently.
    Failed(String),
}

/// A failure record, stored beside results.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct FailureRecord {
    job_id: String,
    reason: String,
}

/// Result objects of one run in a local directory.
#[derive(Debug, Clone)]
pub struct ResultStore {
    dir: PathBuf,
}

impl ResultStore {
    /// The store under `out/results`, created if needed.
    pub fn open(out: &Path) -> std::io::Result<Self> {
        let dir = out.join("results");
        std::fs::create_dir_all(&dir)?;
        Ok(Self { dir })
    }

    /// The directory holding the objects.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key (file name) of a job's result.
    pub fn result_key(job_id: &str) -> String {
        format!("{job_id}.result.json")
    }

    fn failure_key(job_id: &str) -> String {
        format!("{job_id}.failed.json")
    }

    fn put(&self, key: &str, bytes: &[u8]) -> std::io::Result<()> {
        let tmp = self.dir.join(format!(".{key}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, self.dir.join(key))
    }

    /// Stores a job's result; returns its key.
    pub fn put_result(&self, result: &RegionResult) -> std::io::Result<String> {
        let key = Self::result_key(&result.job_id);
        self.put(&key, &encode(result))?;
        Ok(key)
    }

    /// Stores a job's permanent failure.
    pub fn put_failure(&self, job_id: &str, reason: &str) -> std::io::Result<()> {
        let rec = FailureRecord {
            job_id: job_id.into(),
            reason: reason.into(),
        };
        self.put(
            &Self::failure_key(job_id),
            &serde_json::to_vec(&rec).unwrap_or_default(),
        )
    }

    /// The stored outcome of a job, if any. A result object that cannot be decoded (written
    /// by another schema version, truncated) counts as absent, so the job runs again.
    pub fn get(&self, job_id: &str) -> Option<JobOutcome> {
        if let Ok(bytes) = std::fs::read(self.dir.join(Self::result_key(job_id))) {
            if let Ok(r) = decode::<RegionResult>(&bytes) {
                if r.job_id == job_id {
                    return Some(JobOutcome::Done(Box::new(r)));
                }
            }
        }
        let bytes = std::fs::read(self.dir.join(Self::failure_key(job_id))).ok()?;
        let rec: FailureRecord = serde_json::from_slice(&bytes).ok()?;
        Some(JobOutcome::Failed(rec.reason))
    }
}
