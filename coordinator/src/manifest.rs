//! The run's job list, `jobs.json` in its output location: written before any job runs, read
//! by `status` to know which jobs the run has.

use esr1_worker::storage::{join, Storage, StorageError};
use serde::{Deserialize, Serialize};

/// Name of the manifest object in a run's output location.
pub const MANIFEST_NAME: &str = "jobs.json";

/// The run's job list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Run id.
    pub run_id: String,
    /// Every planned job.
    pub job_ids: Vec<String>,
}

/// The manifest could not be read or written. Each message names its cause, so no
/// `source()` is set (printing the chain would repeat it).
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The object cannot be read (not a run's output location, storage down …).
    #[error("cannot read {error} (is this a run's output location?)")]
    Unreadable {
        /// The storage failure, naming the object.
        error: StorageError,
    },
    /// The object is not a manifest.
    #[error("{uri} is not a run manifest: {error}")]
    Invalid {
        /// The manifest's URI.
        uri: String,
        /// Why it does not decode.
        error: serde_json::Error,
    },
    /// The manifest cannot be stored.
    #[error("cannot write the run manifest: {error}")]
    Unwritable {
        /// The storage failure, naming the object.
        error: StorageError,
    },
    /// The manifest cannot be encoded (not expected: it is ids only).
    #[error("cannot write the run manifest: {error}")]
    Unencodable {
        /// The encoder's error.
        error: serde_json::Error,
    },
}

/// Reads `jobs.json` of a run's output location.
pub fn read_manifest(storage: &dyn Storage, out: &str) -> Result<Manifest, ManifestError> {
    let uri = join(out, MANIFEST_NAME);
    let bytes = storage
        .get(&uri)
        .map_err(|error| ManifestError::Unreadable { error })?;
    serde_json::from_slice(&bytes).map_err(|error| ManifestError::Invalid { uri, error })
}

/// Writes `jobs.json` into a run's output location.
pub fn write_manifest(
    storage: &dyn Storage,
    out: &str,
    manifest: &Manifest,
) -> Result<(), ManifestError> {
    let uri = join(out, MANIFEST_NAME);
    let bytes = serde_json::to_vec_pretty(manifest)
        .map_err(|error| ManifestError::Unencodable { error })?;
    storage
        .put(&uri, &bytes)
        .map_err(|error| ManifestError::Unwritable { error })
}

#[cfg(test)]
mod tests {
    use super::*;
    use esr1_worker::storage::LocalStorage;

    #[test]
    fn a_manifest_reads_back_and_a_missing_one_says_where_it_looked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().to_string_lossy().into_owned();
        let m = Manifest {
            run_id: "r1".into(),
            job_ids: vec!["a".into(), "b".into()],
        };
        let e = read_manifest(&LocalStorage, &out).unwrap_err();
        assert!(matches!(e, ManifestError::Unreadable { .. }), "{e}");
        assert!(
            e.to_string().contains("is this a run's output location?"),
            "{e}"
        );
        write_manifest(&LocalStorage, &out, &m).expect("write");
        assert_eq!(read_manifest(&LocalStorage, &out).expect("read"), m);
        LocalStorage
            .put(&join(&out, MANIFEST_NAME), b"{not json")
            .expect("put");
        let e = read_manifest(&LocalStorage, &out).unwrap_err();
        assert!(e.to_string().contains("is not a run manifest"), "{e}");
    }
}
