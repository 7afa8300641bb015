//! Why a region job failed and whether retrying can help: [`JobError`] with its
//! [`FailureKind`], and the mapping of storage errors on a sample's files to job errors.

use crate::storage::{StorageError, StorageErrorKind};

/// Whether retrying a failed job can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The input is wrong (missing, corrupt, wrong build): retrying cannot help.
    Permanent,
    /// Something outside the input failed (storage timeout …): retry.
    Transient,
}

/// Why a job failed, with a message that names the file and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct JobError {
    /// Retry or give up.
    pub kind: FailureKind,
    /// For the user.
    pub message: String,
}

impl JobError {
    /// A failure that retrying cannot fix.
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            kind: FailureKind::Permanent,
            message: message.into(),
        }
    }

    /// A failure that a retry may fix.
    pub fn transient(message: impl Into<String>) -> Self {
        Self {
            kind: FailureKind::Transient,
            message: message.into(),
        }
    }
}

/// Maps a storage error on a sample's file to a job error with a clear message.
pub fn storage_failure(what: &str, e: &StorageError) -> JobError {
    let msg = match e.kind {
        StorageErrorKind::NotFound => format!("{what} {} not found", e.uri),
        StorageErrorKind::AccessDenied => {
            format!("access denied to {what} {} ({})", e.uri, e.message)
        }
        StorageErrorKind::NotPermitted => format!("{what} {} is {}", e.uri, e.message),
        StorageErrorKind::Changed => format!(
            "{what} {} changed while it was read ({}): rerun to plan it again",
            e.uri, e.message
        ),
        _ => format!("cannot read {what} {}: {}", e.uri, e.message),
    };
    if e.is_transient() {
        JobError::transient(msg)
    } else {
        JobError::permanent(msg)
    }
}
