//! Objects held in memory, so a fuzz case swaps one file's bytes without touching the disk;
//! every ranged read is checked to be bounded by the object it reads.

use esr1_worker::storage::{ObjectMeta, Storage, StorageError, StorageErrorKind};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Mutex;

/// Objects by URI.
#[derive(Default)]
pub struct MemoryStorage(Mutex<HashMap<String, Vec<u8>>>);

impl MemoryStorage {
    /// Stores (or replaces) an object.
    pub fn insert(&self, uri: &str, bytes: Vec<u8>) {
        if let Ok(mut m) = self.0.lock() {
            m.insert(uri.to_owned(), bytes);
        }
    }

    fn with<T>(&self, uri: &str, f: impl FnOnce(&Vec<u8>) -> T) -> Result<T, StorageError> {
        let m = self
            .0
            .lock()
            .map_err(|_| StorageError::new(StorageErrorKind::Other, uri, "poisoned"))?;
        m.get(uri)
            .map(f)
            .ok_or_else(|| StorageError::new(StorageErrorKind::NotFound, uri, "no such object"))
    }
}

impl Storage for MemoryStorage {
    /// Objects here have no versions (no ETag, no modification time): `version` is `None`.
    fn get_range_if(
        &self,
        uri: &str,
        range: Range<u64>,
        _version: Option<&str>,
    ) -> Result<Vec<u8>, StorageError> {
        assert!(range.start <= range.end, "{uri}: inverted range {range:?}");
        self.with(uri, |b| {
            let len = b.len() as u64;
            let (s, e) = (range.start.min(len) as usize, range.end.min(len) as usize);
            b[s..e].to_vec()
        })
    }
    fn get(&self, uri: &str) -> Result<Vec<u8>, StorageError> {
        self.with(uri, Clone::clone)
    }
    fn put(&self, uri: &str, bytes: &[u8]) -> Result<(), StorageError> {
        self.insert(uri, bytes.to_vec());
        Ok(())
    }
    fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        let m = self
            .0
            .lock()
            .map_err(|_| StorageError::new(StorageErrorKind::Other, prefix, "poisoned"))?;
        let mut v: Vec<String> = m
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect();
        v.sort();
        Ok(v)
    }
    fn head(&self, uri: &str) -> Result<ObjectMeta, StorageError> {
        self.with(uri, |b| ObjectMeta {
            size: b.len() as u64,
            modified: None,
            etag: None,
        })
    }
}
