//! [`Router`]: one storage for every URI, sending `s3://` to S3 and the rest to the local
//! filesystem, refusing URIs outside the permitted prefixes; and [`default_storage`], the
//! router wrapped in bounded retries (and metered, for a daemon), as a process uses it.

use super::api::{
    has_parent_component, is_s3, under_prefix, ObjectMeta, SharedStorage, Storage, StorageError,
    StorageErrorKind,
};
use super::local::{resolve_local, LocalStorage};
use super::metered::{MeteredStorage, StorageMetrics};
use super::retry::RetryingStorage;
use super::s3::{S3Config, S3Storage};
use crate::retry::DEFAULT_CONNECT_TIMEOUT;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

/// Sends `s3://` URIs to S3 and everything else to the local filesystem, refusing URIs
/// outside the permitted prefixes when any are set (matched by path components; a URI with
/// a `..` component is then refused). The S3 client is created on first use,
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
        if !self.allowed.is_empty() && has_parent_component(uri) {
            return Err(StorageError::new(
                StorageErrorKind::NotPermitted,
                uri,
                "a path with a '..' component is refused when prefixes are permitted",
            ));
        }
        if !self.allowed.is_empty() && !self.allowed.iter().any(|p| under_prefix(uri, p)) {
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
            if !self.allowed.is_empty() {
                self.confine_local(uri)?;
            }
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

impl Router {
    /// Refuses a local path whose resolved form (symbolic links followed) leaves the
    /// permitted prefixes, themselves resolved: a link under an allowed directory pointing
    /// elsewhere is no way out.
    fn confine_local(&self, uri: &str) -> Result<(), StorageError> {
        let refuse = |message: String| {
            Err(StorageError::new(
                StorageErrorKind::NotPermitted,
                uri,
                message,
            ))
        };
        let resolved = match resolve_local(uri) {
            Ok(p) => p.to_string_lossy().into_owned(),
            Err(e) => return refuse(e),
        };
        let inside = self.allowed.iter().filter(|p| !is_s3(p)).any(|p| {
            resolve_local(p).is_ok_and(|base| under_prefix(&resolved, &base.to_string_lossy()))
        });
        if inside {
            Ok(())
        } else {
            refuse(format!(
                "resolves to {resolved}, outside the permitted prefixes ({})",
                self.allowed.join(", ")
            ))
        }
    }
}

/// The storage of a process: local files and S3 (settings from `env`), only under
/// `allowed_prefixes` when given, retrying transient errors for the default budget.
pub fn default_storage(
    env: &std::collections::HashMap<String, String>,
    allowed_prefixes: Vec<String>,
) -> SharedStorage {
    storage_within(env, allowed_prefixes, DEFAULT_CONNECT_TIMEOUT, None)
}

/// [`default_storage`] retrying each request for at most `budget` (`--connect-timeout`),
/// counting requests, bytes and retries in `metrics` when given.
pub fn storage_within(
    env: &std::collections::HashMap<String, String>,
    allowed_prefixes: Vec<String>,
    budget: Duration,
    metrics: Option<Arc<StorageMetrics>>,
) -> SharedStorage {
    let router = Router::new(Some(S3Config::from_env(env)), allowed_prefixes);
    match metrics {
        Some(m) => Arc::new(
            RetryingStorage::new(MeteredStorage::new(router, Arc::clone(&m)), budget)
                .with_metrics(m),
        ),
        None => Arc::new(RetryingStorage::new(router, budget)),
    }
}

impl Storage for Router {
    fn get_range_if(
        &self,
        uri: &str,
        range: Range<u64>,
        version: Option<&str>,
    ) -> Result<Vec<u8>, StorageError> {
        self.pick(uri)?.get_range_if(uri, range, version)
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
    use crate::storage::api::join;

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

    #[test]
    fn router_matches_prefixes_by_component_and_refuses_parent_components() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let allowed = dir.path().join("allowed");
        std::fs::create_dir_all(&allowed).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("secret"), "x").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("allowedX"), "x").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(allowed.join("ok"), "x").unwrap_or_else(|e| panic!("{e}"));
        let prefix = format!("{}/", allowed.display());
        let r = Router::new(None, vec![prefix.clone()]);
        assert_eq!(r.get(&format!("{prefix}ok")), Ok(b"x".to_vec()));
        for uri in [
            format!("{prefix}../secret"),
            format!("{}X", allowed.display()),
        ] {
            let e = r.get(&uri).unwrap_err();
            assert_eq!(e.kind, StorageErrorKind::NotPermitted, "{uri}");
            let e = r.put(&uri, b"y").unwrap_err();
            assert_eq!(e.kind, StorageErrorKind::NotPermitted, "{uri}");
        }
        assert_eq!(
            std::fs::read(dir.path().join("secret")).ok(),
            Some(b"x".to_vec())
        );
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_out_of_the_permitted_prefixes_are_refused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let allowed = dir.path().join("allowed");
        let outside = dir.path().join("outside");
        for d in [&allowed, &outside] {
            std::fs::create_dir_all(d).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(outside.join("secret"), "x").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(allowed.join("ok"), "y").unwrap_or_else(|e| panic!("{e}"));
        let link = |to: &std::path::Path, name: &str| {
            std::os::unix::fs::symlink(to, allowed.join(name)).unwrap_or_else(|e| panic!("{e}"))
        };
        link(&outside, "escape");
        link(&outside.join("new-file"), "dangling");
        link(&allowed.join("ok"), "inside");
        // The allowed prefix is itself named through a link: resolved too.
        std::os::unix::fs::symlink(&allowed, dir.path().join("alias"))
            .unwrap_or_else(|e| panic!("{e}"));
        let prefix = format!("{}/", dir.path().join("alias").display());
        let r = Router::new(None, vec![prefix.clone()]);
        assert_eq!(r.get(&format!("{prefix}ok")), Ok(b"y".to_vec()));
        assert_eq!(r.get(&format!("{prefix}inside")), Ok(b"y".to_vec()));
        assert_eq!(r.put(&format!("{prefix}results/new"), b"z"), Ok(()));
        for uri in [
            format!("{prefix}escape/secret"),
            format!("{prefix}escape/results/x.result.json"),
            format!("{prefix}dangling"),
        ] {
            let e = r.get(&uri).unwrap_err();
            assert_eq!(e.kind, StorageErrorKind::NotPermitted, "{uri}: {e}");
            let e = r.put(&uri, b"w").unwrap_err();
            assert_eq!(e.kind, StorageErrorKind::NotPermitted, "{uri}: {e}");
        }
        assert!(r
            .get(&format!("{prefix}escape/secret"))
            .unwrap_err()
            .message
            .contains("outside the permitted prefixes"));
        // Nothing was written outside.
        let mut names: Vec<String> = std::fs::read_dir(&outside)
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["secret"]);
    }
}
