//! A decorator that counts object-store requests by backend and outcome and bytes by backend
//! and direction, for Prometheus ([`StorageMetrics`]); the retry decorator adds the retries.
//! Labels are bounded: backend `s3`/`local`, outcome the error kind, direction `read`/`written`.

use super::api::{is_s3, ObjectMeta, Storage, StorageError, StorageErrorKind};
use prometheus::{IntCounterVec, Opts, Registry};
use std::ops::Range;
use std::sync::Arc;

/// Every outcome label value.
pub const STORAGE_OUTCOMES: [&str; 7] = [
    "ok",
    "not_found",
    "access_denied",
    "not_permitted",
    "transient",
    "changed",
    "other",
];

/// Requests, bytes and retries of a process's storage.
pub struct StorageMetrics {
    requests: IntCounterVec,
    bytes: IntCounterVec,
    retries: IntCounterVec,
}

fn backend(uri: &str) -> &'static str {
    if is_s3(uri) {
        "s3"
    } else {
        "local"
    }
}

fn outcome(kind: StorageErrorKind) -> &'static str {
    match kind {
        StorageErrorKind::NotFound => "not_found",
        StorageErrorKind::AccessDenied => "access_denied",
        StorageErrorKind::NotPermitted => "not_permitted",
        StorageErrorKind::Transient => "transient",
        StorageErrorKind::Changed => "changed",
        StorageErrorKind::Other => "other",
    }
}

impl StorageMetrics {
    /// The metrics, named `<namespace>_storage_…`; register them with [`Self::register`].
    pub fn new(namespace: &str) -> prometheus::Result<Self> {
        let requests = IntCounterVec::new(
            Opts::new(
                format!("{namespace}_storage_requests_total"),
                "Object-store requests (every attempt), by backend and outcome",
            ),
            &["backend", "outcome"],
        )?;
        let bytes = IntCounterVec::new(
            Opts::new(
                format!("{namespace}_storage_bytes_total"),
                "Bytes read from and written to the object store, by backend and direction",
            ),
            &["backend", "direction"],
        )?;
        let retries = IntCounterVec::new(
            Opts::new(
                format!("{namespace}_storage_retries_total"),
                "Object-store requests retried after a transient failure, by backend",
            ),
            &["backend"],
        )?;
        for b in ["s3", "local"] {
            for o in STORAGE_OUTCOMES {
                requests.with_label_values(&[b, o]);
            }
            for d in ["read", "written"] {
                bytes.with_label_values(&[b, d]);
            }
            retries.with_label_values(&[b]);
        }
        Ok(Self {
            requests,
            bytes,
            retries,
        })
    }

    /// Adds the metrics to a registry.
    pub fn register(&self, registry: &Registry) -> prometheus::Result<()> {
        registry.register(Box::new(self.requests.clone()))?;
        registry.register(Box::new(self.bytes.clone()))?;
        registry.register(Box::new(self.retries.clone()))
    }

    fn request<T>(&self, uri: &str, result: &Result<T, StorageError>) {
        let o = match result {
            Ok(_) => "ok",
            Err(e) => outcome(e.kind),
        };
        self.requests.with_label_values(&[backend(uri), o]).inc();
    }

    fn bytes(&self, uri: &str, direction: &str, n: usize) {
        self.bytes
            .with_label_values(&[backend(uri), direction])
            .inc_by(n as u64);
    }

    /// Counts a retry of a request on `uri`.
    pub fn retry(&self, uri: &str) {
        self.retries.with_label_values(&[backend(uri)]).inc();
    }

    /// Requests on a backend with an outcome so far.
    pub fn requests(&self, backend: &str, outcome: &str) -> u64 {
        self.requests.with_label_values(&[backend, outcome]).get()
    }
}

/// Counts what goes through to the inner storage in a [`StorageMetrics`].
pub struct MeteredStorage<S> {
    inner: S,
    metrics: Arc<StorageMetrics>,
}

impl<S: Storage> MeteredStorage<S> {
    /// Wraps `inner`.
    pub fn new(inner: S, metrics: Arc<StorageMetrics>) -> Self {
        Self { inner, metrics }
    }

    fn read(&self, uri: &str, r: Result<Vec<u8>, StorageError>) -> Result<Vec<u8>, StorageError> {
        self.metrics.request(uri, &r);
        if let Ok(b) = &r {
            self.metrics.bytes(uri, "read", b.len());
        }
        r
    }
}

impl<S: Storage> Storage for MeteredStorage<S> {
    fn get_range_if(
        &self,
        uri: &str,
        range: Range<u64>,
        version: Option<&str>,
    ) -> Result<Vec<u8>, StorageError> {
        self.read(uri, self.inner.get_range_if(uri, range, version))
    }
    fn get(&self, uri: &str) -> Result<Vec<u8>, StorageError> {
        self.read(uri, self.inner.get(uri))
    }
    fn put(&self, uri: &str, bytes: &[u8]) -> Result<(), StorageError> {
        let r = self.inner.put(uri, bytes);
        self.metrics.request(uri, &r);
        if r.is_ok() {
            self.metrics.bytes(uri, "written", bytes.len());
        }
        r
    }
    fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        let r = self.inner.list(prefix);
        self.metrics.request(prefix, &r);
        r
    }
    fn head(&self, uri: &str) -> Result<ObjectMeta, StorageError> {
        let r = self.inner.head(uri);
        self.metrics.request(uri, &r);
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::LocalStorage;

    #[test]
    fn requests_count_by_outcome_and_bytes_by_direction() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let metrics = Arc::new(StorageMetrics::new("t").unwrap_or_else(|e| panic!("{e}")));
        let s = MeteredStorage::new(LocalStorage, Arc::clone(&metrics));
        let file = dir.path().join("a").to_string_lossy().into_owned();
        s.put(&file, b"12345").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.get_range(&file, 1..3), Ok(b"23".to_vec()));
        assert!(s.get(&format!("{file}.missing")).is_err());
        assert_eq!(metrics.requests("local", "ok"), 2);
        assert_eq!(metrics.requests("local", "not_found"), 1);
        assert_eq!(metrics.bytes.with_label_values(&["local", "read"]).get(), 2);
        assert_eq!(
            metrics.bytes.with_label_values(&["local", "written"]).get(),
            5
        );
    }
}
