//! A decorator that counts requests and bytes and remembers every range asked for.

use super::api::{ObjectMeta, Storage, StorageError};
use std::ops::Range;
use std::sync::{Arc, Mutex};

/// One request made through the decorator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageRequest {
    /// `get_range`, `get`, `put`, `list` or `head`.
    pub op: &'static str,
    /// The object.
    pub uri: String,
    /// The range of a ranged read: always bounded by construction of the trait.
    pub range: Option<Range<u64>>,
    /// Bytes transferred.
    pub bytes: u64,
}

/// The requests seen, shared between the decorator and whoever inspects it.
pub type RequestLog = Arc<Mutex<Vec<StorageRequest>>>;

/// Counts what goes through to the inner storage.
pub struct CountingStorage<S> {
    inner: S,
    log: RequestLog,
}

impl<S: Storage> CountingStorage<S> {
    /// Wraps `inner`.
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            log: RequestLog::default(),
        }
    }

    /// The shared log of requests.
    pub fn log(&self) -> RequestLog {
        Arc::clone(&self.log)
    }

    fn record(&self, op: &'static str, uri: &str, range: Option<Range<u64>>, bytes: u64) {
        if let Ok(mut l) = self.log.lock() {
            l.push(StorageRequest {
                op,
                uri: uri.to_owned(),
                range,
                bytes,
            });
        }
    }
}

/// Bytes and requests of the reads in a log (ranged and whole), for one job's accounting.
pub fn read_totals(log: &[StorageRequest]) -> (u64, u64) {
    let reads = log.iter().filter(|r| r.op == "get_range" || r.op == "get");
    reads.fold((0, 0), |(b, n), r| (b + r.bytes, n + 1))
}

impl<S: Storage> Storage for CountingStorage<S> {
    fn get_range_if(
        &self,
        uri: &str,
        range: Range<u64>,
        version: Option<&str>,
    ) -> Result<Vec<u8>, StorageError> {
        let r = self.inner.get_range_if(uri, range.clone(), version);
        self.record(
            "get_range",
            uri,
            Some(range),
            r.as_ref().map_or(0, |b| b.len() as u64),
        );
        r
    }
    fn get(&self, uri: &str) -> Result<Vec<u8>, StorageError> {
        let r = self.inner.get(uri);
        self.record("get", uri, None, r.as_ref().map_or(0, |b| b.len() as u64));
        r
    }
    fn put(&self, uri: &str, bytes: &[u8]) -> Result<(), StorageError> {
        self.record("put", uri, None, bytes.len() as u64);
        self.inner.put(uri, bytes)
    }
    fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        self.record("list", prefix, None, 0);
        self.inner.list(prefix)
    }
    fn head(&self, uri: &str) -> Result<ObjectMeta, StorageError> {
        self.record("head", uri, None, 0);
        self.inner.head(uri)
    }
}
