//! A decorator that retries transient errors a bounded number of times with backoff.

use super::api::{ObjectMeta, Storage, StorageError};
use std::ops::Range;
use std::time::Duration;

/// Retries transient failures of the inner storage.
pub struct RetryingStorage<S> {
    inner: S,
    attempts: u32,
    first_delay: Duration,
}

impl<S: Storage> RetryingStorage<S> {
    /// At most `attempts` tries, waiting `first_delay`, then 4× longer each time.
    pub fn new(inner: S, attempts: u32, first_delay: Duration) -> Self {
        Self {
            inner,
            attempts: attempts.max(1),
            first_delay,
        }
    }

    fn retry<T>(&self, mut f: impl FnMut() -> Result<T, StorageError>) -> Result<T, StorageError> {
        let mut delay = self.first_delay;
        let mut attempt = 1;
        loop {
            match f() {
                Err(e) if e.is_transient() && attempt < self.attempts => {
                    std::thread::sleep(delay);
                    delay *= 4;
                    attempt += 1;
                }
                Err(mut e) if e.is_transient() => {
                    e.message = format!("{} (after {attempt} attempts)", e.message);
                    return Err(e);
                }
                other => return other,
            }
        }
    }
}

impl<S: Storage> Storage for RetryingStorage<S> {
    fn get_range(&self, uri: &str, range: Range<u64>) -> Result<Vec<u8>, StorageError> {
        self.retry(|| self.inner.get_range(uri, range.clone()))
    }
    fn get(&self, uri: &str) -> Result<Vec<u8>, StorageError> {
        self.retry(|| self.inner.get(uri))
    }
    fn put(&self, uri: &str, bytes: &[u8]) -> Result<(), StorageError> {
        self.retry(|| self.inner.put(uri, bytes))
    }
    fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        self.retry(|| self.inner.list(prefix))
    }
    fn head(&self, uri: &str) -> Result<ObjectMeta, StorageError> {
        self.retry(|| self.inner.head(uri))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::api::StorageErrorKind;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// Fails the first `failures` calls with a given kind, then answers.
    struct Flaky {
        failures: u32,
        kind: StorageErrorKind,
        calls: AtomicU32,
    }

    impl Storage for Flaky {
        fn get_range(&self, uri: &str, range: Range<u64>) -> Result<Vec<u8>, StorageError> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            if n < self.failures {
                Err(StorageError::new(self.kind, uri, "injected"))
            } else {
                Ok(vec![0; (range.end - range.start) as usize])
            }
        }
        fn get(&self, uri: &str) -> Result<Vec<u8>, StorageError> {
            self.get_range(uri, 0..1)
        }
        fn put(&self, _: &str, _: &[u8]) -> Result<(), StorageError> {
            Ok(())
        }
        fn list(&self, _: &str) -> Result<Vec<String>, StorageError> {
            Ok(vec![])
        }
        fn head(&self, _: &str) -> Result<ObjectMeta, StorageError> {
            Ok(ObjectMeta {
                size: 0,
                modified: None,
                etag: None,
            })
        }
    }

    fn flaky(failures: u32, kind: StorageErrorKind) -> RetryingStorage<Flaky> {
        RetryingStorage::new(
            Flaky {
                failures,
                kind,
                calls: AtomicU32::new(0),
            },
            3,
            Duration::from_millis(1),
        )
    }

    #[test]
    fn transient_errors_are_retried_until_success() {
        let s = flaky(2, StorageErrorKind::Transient);
        assert_eq!(s.get_range("x", 0..4).map(|b| b.len()), Ok(4));
        assert_eq!(s.inner.calls.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn retries_are_bounded_and_permanent_errors_are_not_retried() {
        let s = flaky(10, StorageErrorKind::Transient);
        let e = s.get("x").unwrap_err();
        assert!(e.message.contains("after 3 attempts"), "{e}");
        assert_eq!(s.inner.calls.load(Ordering::SeqCst), 3);
        let s = flaky(10, StorageErrorKind::NotFound);
        assert_eq!(s.get("x").unwrap_err().kind, StorageErrorKind::NotFound);
        assert_eq!(s.inner.calls.load(Ordering::SeqCst), 1);
    }
}
