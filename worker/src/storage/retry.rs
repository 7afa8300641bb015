//! A decorator that retries transient errors with jittered back-off within a time budget
//! (the process's `--connect-timeout`), logging every retry.

use super::api::{ObjectMeta, Storage, StorageError};
use super::metered::StorageMetrics;
use crate::retry::RetryBudget;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

/// Retries transient failures of the inner storage.
pub struct RetryingStorage<S> {
    inner: S,
    budget: Duration,
    metrics: Option<Arc<StorageMetrics>>,
}

impl<S: Storage> RetryingStorage<S> {
    /// Retries each request for at most `budget` (jittered back-off from 0.2 s, doubling).
    pub fn new(inner: S, budget: Duration) -> Self {
        Self {
            inner,
            budget,
            metrics: None,
        }
    }

    /// Counts retries in `metrics` too.
    pub fn with_metrics(mut self, metrics: Arc<StorageMetrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    fn retry<T>(
        &self,
        uri: &str,
        mut f: impl FnMut() -> Result<T, StorageError>,
    ) -> Result<T, StorageError> {
        let mut budget = RetryBudget::new(self.budget);
        loop {
            match f() {
                Err(mut e) if e.is_transient() => match budget.failed() {
                    Some(delay) => {
                        tracing::warn!(
                            object = %uri,
                            attempt = budget.attempts(),
                            retry_in_s = delay.as_secs_f64(),
                            left_s = budget.remaining().as_secs_f64(),
                            error = %e.message,
                            "object store request failed; retrying"
                        );
                        if let Some(m) = &self.metrics {
                            m.retry(uri);
                        }
                        std::thread::sleep(delay);
                    }
                    None => {
                        e.message = format!(
                            "{} (gave up after {} attempts in {:.1} s)",
                            e.message,
                            budget.attempts(),
                            self.budget.saturating_sub(budget.remaining()).as_secs_f64()
                        );
                        return Err(e);
                    }
                },
                other => return other,
            }
        }
    }
}

impl<S: Storage> Storage for RetryingStorage<S> {
    fn get_range_if(
        &self,
        uri: &str,
        range: Range<u64>,
        version: Option<&str>,
    ) -> Result<Vec<u8>, StorageError> {
        self.retry(uri, || self.inner.get_range_if(uri, range.clone(), version))
    }
    fn get(&self, uri: &str) -> Result<Vec<u8>, StorageError> {
        self.retry(uri, || self.inner.get(uri))
    }
    fn put(&self, uri: &str, bytes: &[u8]) -> Result<(), StorageError> {
        self.retry(uri, || self.inner.put(uri, bytes))
    }
    fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        self.retry(prefix, || self.inner.list(prefix))
    }
    fn head(&self, uri: &str) -> Result<ObjectMeta, StorageError> {
        self.retry(uri, || self.inner.head(uri))
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
        fn get_range_if(
            &self,
            uri: &str,
            range: Range<u64>,
            _: Option<&str>,
        ) -> Result<Vec<u8>, StorageError> {
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
            Duration::from_secs(5),
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
        let mut s = flaky(1000, StorageErrorKind::Transient);
        s.budget = Duration::from_millis(400);
        let started = std::time::Instant::now();
        let e = s.get("x").unwrap_err();
        assert!(e.message.contains("gave up after"), "{e}");
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(s.inner.calls.load(Ordering::SeqCst) >= 2);
        let s = flaky(10, StorageErrorKind::NotFound);
        assert_eq!(s.get("x").unwrap_err().kind, StorageErrorKind::NotFound);
        assert_eq!(s.inner.calls.load(Ordering::SeqCst), 1);
    }
}
