//! Object access behind one small interface: byte ranges, whole objects, put, list, head.
//!
//! Two implementations — the local filesystem and S3 (any S3-compatible server) — and two
//! decorators that wrap any implementation: [`RetryingStorage`] (bounded retries with backoff
//! for transient errors) and [`CountingStorage`] (bytes and requests, and the ranges asked
//! for, so tests can prove every ranged read had an end). [`Router`] sends each URI to the
//! right implementation by scheme. Errors carry a kind that says whether a retry can help,
//! which decides between requeue and permanent failure.

pub mod counting;
mod local;
mod retry;
mod s3;

pub use counting::{CountingStorage, RequestLog, StorageRequest};
pub use local::LocalStorage;
pub use retry::RetryingStorage;
pub use s3::{S3Config, S3Storage};

use std::fmt;
use std::ops::Range;
use std::sync::Arc;
use std::time::SystemTime;

/// What kind of failure a storage error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageErrorKind {
    /// The object does not exist.
    NotFound,
    /// The credentials may not read or write it.
    AccessDenied,
    /// The URI is outside the permitted prefixes, or malformed.
    NotPermitted,
    /// Timeouts, connection errors, 5xx: a retry may help.
    Transient,
    /// Anything else (bad request …): a retry will not help.
    Other,
}

/// A storage failure, naming the object and never the credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageError {
    /// Retry or give up.
    pub kind: StorageErrorKind,
    /// The object.
    pub uri: String,
    /// What happened.
    pub message: String,
}

impl StorageError {
    /// A new error.
    pub fn new(kind: StorageErrorKind, uri: &str, message: impl Into<String>) -> Self {
        Self {
            kind,
            uri: uri.to_owned(),
            message: message.into(),
        }
    }

    /// Whether a retry may help.
    pub fn is_transient(&self) -> bool {
        self.kind == StorageErrorKind::Transient
    }
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            StorageErrorKind::NotFound => "not found",
            StorageErrorKind::AccessDenied => "access denied",
            StorageErrorKind::NotPermitted => "not permitted",
            StorageErrorKind::Transient => "temporarily unavailable",
            StorageErrorKind::Other => "error",
        };
        write!(f, "{}: {what}: {}", self.uri, self.message)
    }
}

impl std::error::Error for StorageError {}

/// Size and modification time of an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectMeta {
    /// Size in bytes.
    pub size: u64,
    /// Last modification, when the store reports it.
    pub modified: Option<SystemTime>,
}

/// Object access. Ranges are half-open byte ranges `[start, end)`; every ranged read is
/// bounded (sent as `Range: bytes=start-(end-1)`), never open-ended.
pub trait Storage: Send + Sync {
    /// Bytes `[range.start, range.end)` of an object (fewer at the object's end).
    fn get_range(&self, uri: &str, range: Range<u64>) -> Result<Vec<u8>, StorageError>;
    /// A whole object.
    fn get(&self, uri: &str) -> Result<Vec<u8>, StorageError>;
    /// Writes a whole object (atomically: readers see the old or the new object).
    fn put(&self, uri: &str, bytes: &[u8]) -> Result<(), StorageError>;
    /// URIs of objects under a prefix (a directory for local paths).
    fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError>;
    /// Size and modification time.
    fn head(&self, uri: &str) -> Result<ObjectMeta, StorageError>;
}

/// Storage behind a reference or a shared pointer is storage.
macro_rules! delegate_storage {
    ($($ty:ty),*) => {$(
        impl<T: Storage + ?Sized> Storage for $ty {
            fn get_range(&self, uri: &str, range: Range<u64>) -> Result<Vec<u8>, StorageError> {
                (**self).get_range(uri, range)
            }
            fn get(&self, uri: &str) -> Result<Vec<u8>, StorageError> {
                (**self).get(uri)
            }
            fn put(&self, uri: &str, bytes: &[u8]) -> Result<(), StorageError> {
                (**self).put(uri, bytes)
            }
            fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
                (**self).list(prefix)
            }
            fn head(&self, uri: &str) -> Result<ObjectMeta, StorageError> {
                (**self).head(uri)
            }
        }
    )*};
}

delegate_storage!(&T, Arc<T>);

/// A shared storage handle.
pub type SharedStorage = Arc<dyn Storage>;

/// Whether a URI names an S3 object.
pub fn is_s3(uri: &str) -> bool {
    uri.starts_with("s3://")
}

/// Joins a base location and a relative key with one `/`.
pub fn join(base: &str, key: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        key.trim_start_matches('/')
    )
}

/// Sends `s3://` URIs to S3 and everything else to the local filesystem, refusing URIs
/// outside the permitted prefixes when any are set. The S3 client is created on first use,
/// so runs on local files never touch the AWS configuration.
pub struct Router {
    local: LocalStorage,
    s3_config: Option<S3Config>,
    s3: std::sync::OnceLock<Result<Arc<dyn Storage>, StorageError>>,
    allowed: Vec<String>,
}

impl Router {
    /// A router; `s3_config` is `None` when S3 must not be used.
    pub fn new(s3_config: Option<S3Config>, allowed_prefixes: Vec<String>) -> Self {
        Self {
            local: LocalStorage,
            s3_config,
            s3: std::sync::OnceLock::new(),
            allowed: allowed_prefixes,
        }
    }

    /// A router with a given S3 implementation (tests, other decorators).
    pub fn with_s3(s3: Arc<dyn Storage>, allowed_prefixes: Vec<String>) -> Self {
        let r = Self::new(None, allowed_prefixes);
        let _ = r.s3.set(Ok(s3));
        r
    }

    fn pick(&self, uri: &str) -> Result<&dyn Storage, StorageError> {
        if !self.allowed.is_empty() && !self.allowed.iter().any(|p| uri.starts_with(p.as_str())) {
            return Err(StorageError::new(
                StorageErrorKind::NotPermitted,
                uri,
                format!(
                    "outside the permitted prefixes ({})",
                    self.allowed.join(", ")
                ),
            ));
        }
        if !is_s3(uri) {
            return Ok(&self.local);
        }
        let s3 = self.s3.get_or_init(|| match &self.s3_config {
            Some(c) => S3Storage::connect(c).map(|s| Arc::new(s) as Arc<dyn Storage>),
            None => Err(StorageError::new(
                StorageErrorKind::Other,
                "s3://",
                "no S3 access configured",
            )),
        });
        match s3 {
            Ok(s) => Ok(s.as_ref()),
            Err(e) => Err(StorageError::new(e.kind, uri, e.message.clone())),
        }
    }
}

/// The storage of a process: local files and S3 (settings from `env`), only under
/// `allowed_prefixes` when given, with bounded retries of transient errors.
pub fn default_storage(
    env: &std::collections::HashMap<String, String>,
    allowed_prefixes: Vec<String>,
) -> SharedStorage {
    Arc::new(RetryingStorage::new(
        Router::new(Some(S3Config::from_env(env)), allowed_prefixes),
        4,
        std::time::Duration::from_millis(200),
    ))
}

impl Storage for Router {
    fn get_range(&self, uri: &str, range: Range<u64>) -> Result<Vec<u8>, StorageError> {
        self.pick(uri)?.get_range(uri, range)
    }
    fn get(&self, uri: &str) -> Result<Vec<u8>, StorageError> {
        self.pick(uri)?.get(uri)
    }
    fn put(&self, uri: &str, bytes: &[u8]) -> Result<(), StorageError> {
        self.pick(uri)?.put(uri, bytes)
    }
    fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        self.pick(prefix)?.list(prefix)
    }
    fn head(&self, uri: &str) -> Result<ObjectMeta, StorageError> {
        self.pick(uri)?.head(uri)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn router_refuses_uris_outside_the_permitted_prefixes() {
        let r = Router::new(None, vec!["s3://trial-a/".into(), "/data/".into()]);
        let e = r.head("s3://other/x.bam").unwrap_err();
        assert_eq!(e.kind, StorageErrorKind::NotPermitted);
        assert!(e.to_string().contains("s3://other/x.bam"));
        let e = r.head("s3://trial-a/x.bam").unwrap_err();
        assert!(e.message.contains("no S3 access"), "{e}");
        assert_eq!(join("s3://b/p/", "/results/x"), "s3://b/p/results/x");
    }
}
