//! The run's result store: one object per job, keyed by the job id, under
//! `<output>/results/`, in any storage (a directory, a shared filesystem, `s3://bucket/prefix`).
//!
//! Workers write a job's result (or its permanent failure) here before reporting it, so a
//! restarted coordinator reconciles from what is already written and reruns only the rest.
//! Writes are atomic (rename locally, single PUT on S3): a reader never sees half an object.

use crate::storage::{has_parent_component, join, SharedStorage, StorageError, StorageErrorKind};
use esr1_proto::{decode, encode, is_valid_job_id, RegionResult};
use serde::{Deserialize, Serialize};

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

/// Result objects of one run.
#[derive(Clone)]
pub struct ResultStore {
    storage: SharedStorage,
    output: String,
}

impl ResultStore {
    /// The store of the run whose output location is `output`.
    pub fn new(storage: SharedStorage, output: &str) -> Self {
        Self {
            storage,
            output: output.trim_end_matches('/').to_owned(),
        }
    }

    /// The run's output location.
    pub fn output(&self) -> &str {
        &self.output
    }

    /// The storage behind it.
    pub fn storage(&self) -> &SharedStorage {
        &self.storage
    }

    /// The key (object name under `results/`) of a job's result.
    pub fn result_key(job_id: &str) -> String {
        format!("{job_id}.result.json")
    }

    fn failure_key(job_id: &str) -> String {
        format!("{job_id}.failed.json")
    }

    fn uri(&self, key: &str) -> String {
        join(&self.output, &format!("results/{key}"))
    }

    /// Refuses to write under an id that is not a job id (it could name any object) or into
    /// an output location with a `..` component.
    fn check_writable(&self, job_id: &str) -> Result<(), StorageError> {
        if !is_valid_job_id(job_id) {
            return Err(StorageError::new(
                StorageErrorKind::NotPermitted,
                &self.output,
                format!("refusing to store a result under {job_id:?}: not a job id"),
            ));
        }
        if has_parent_component(&self.output) {
            return Err(StorageError::new(
                StorageErrorKind::NotPermitted,
                &self.output,
                "refusing to store into an output location with a '..' component",
            ));
        }
        Ok(())
    }

    /// Stores a job's result; returns its key.
    pub fn put_result(&self, result: &RegionResult) -> Result<String, StorageError> {
        self.check_writable(&result.job_id)?;
        let key = Self::result_key(&result.job_id);
        self.storage.put(&self.uri(&key), &encode(result))?;
        Ok(key)
    }

    /// Stores a job's permanent failure.
    pub fn put_failure(&self, job_id: &str, reason: &str) -> Result<(), StorageError> {
        self.check_writable(job_id)?;
        let rec = FailureRecord {
            job_id: job_id.into(),
            reason: reason.into(),
        };
        self.storage.put(
            &self.uri(&Self::failure_key(job_id)),
            &serde_json::to_vec(&rec).unwrap_or_default(),
        )
    }

    /// The stored outcome of a job: `Ok(None)` when nothing is stored yet. A result object
    /// that cannot be decoded (another schema version, truncated) counts as absent, so the
    /// job runs again.
    pub fn get(&self, job_id: &str) -> Result<Option<JobOutcome>, StorageError> {
        match self.storage.get(&self.uri(&Self::result_key(job_id))) {
            Ok(bytes) => {
                if let Ok(r) = decode::<RegionResult>(&bytes) {
                    if r.job_id == job_id {
                        return Ok(Some(JobOutcome::Done(Box::new(r))));
                    }
                }
            }
            Err(e) if e.kind == StorageErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        match self.storage.get(&self.uri(&Self::failure_key(job_id))) {
            Ok(bytes) => Ok(serde_json::from_slice::<FailureRecord>(&bytes)
                .ok()
                .map(|r| JobOutcome::Failed(r.reason))),
            Err(e) if e.kind == StorageErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Job ids with a stored result or failure (one listing instead of a request per job).
    pub fn stored_ids(&self) -> Result<std::collections::HashSet<String>, StorageError> {
        Ok(self
            .storage
            .list(&join(&self.output, "results"))?
            .iter()
            .filter_map(|u| u.rsplit('/').next())
            .filter_map(|n| {
                n.strip_suffix(".result.json")
                    .or_else(|| n.strip_suffix(".failed.json"))
            })
            .map(str::to_owned)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use esr1_proto::GenomicRegion;

    #[test]
    fn the_store_refuses_to_write_under_a_bad_id_or_output() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = dir.path().join("run");
        let store = ResultStore::new(
            std::sync::Arc::new(crate::storage::LocalStorage),
            &out.to_string_lossy(),
        );
        let region = GenomicRegion {
            contig: "chr6".into(),
            start: 1,
            end: 2,
        };
        for bad in ["../../../x", "", "ABCDEF0123456789abcdef0123456789"] {
            let e = store
                .put_result(&RegionResult::new(bad, "S", region.clone()))
                .unwrap_err();
            assert_eq!(e.kind, StorageErrorKind::NotPermitted, "{bad}");
            let e = store.put_failure(bad, "x").unwrap_err();
            assert_eq!(e.kind, StorageErrorKind::NotPermitted, "{bad}");
        }
        let good = "0123456789abcdef0123456789abcdef";
        assert!(store.put_failure(good, "x").is_ok());
        let outside = ResultStore::new(
            std::sync::Arc::new(crate::storage::LocalStorage),
            &format!("{}/../elsewhere", out.display()),
        );
        assert!(outside.put_failure(good, "x").is_err());
        assert!(!dir.path().join("x.result.json").exists());
        assert!(!dir.path().join("elsewhere").exists());
        let written: Vec<_> = std::fs::read_dir(out.join("results"))
            .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(written.len(), 1, "{written:?}");
    }
}
