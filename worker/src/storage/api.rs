//! The storage interface every implementation and decorator shares: the [`Storage`] trait
//! (bounded byte ranges, whole objects, put, list, head), object metadata, and errors whose
//! kind says whether a retry can help.

use esr1_proto::FileStamp;
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
    /// The object is no longer the version the read was pinned to (S3: `If-Match` answered
    /// 412 Precondition Failed; local: another modification time): it was replaced while it
    /// was read, so bytes of two versions could mix. A retry cannot help; a new plan can.
    Changed,
    /// Anything else (bad request …): a retry will not help.
    Other,
}

/// A storage failure, naming the object and never the credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{uri}: {}: {message}", kind.describe())]
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

impl StorageErrorKind {
    /// How the kind reads in an error message.
    fn describe(self) -> &'static str {
        match self {
            StorageErrorKind::NotFound => "not found",
            StorageErrorKind::AccessDenied => "access denied",
            StorageErrorKind::NotPermitted => "not permitted",
            StorageErrorKind::Transient => "temporarily unavailable",
            StorageErrorKind::Changed => "changed while it was read",
            StorageErrorKind::Other => "error",
        }
    }
}

/// Size, modification time and version tag of an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMeta {
    /// Size in bytes.
    pub size: u64,
    /// Last modification, when the store reports it.
    pub modified: Option<SystemTime>,
    /// The object's ETag (S3), which changes whenever its content does.
    pub etag: Option<String>,
}

impl ObjectMeta {
    /// The object's stamp as a job records it: size and version (the ETag, else the
    /// modification time in nanoseconds since the epoch).
    pub fn stamp(&self, uri: &str) -> FileStamp {
        let version = match (&self.etag, self.modified) {
            (Some(etag), _) => etag.trim_matches('"').to_owned(),
            (None, Some(t)) => t
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos().to_string())
                .unwrap_or_default(),
            (None, None) => String::new(),
        };
        FileStamp {
            uri: uri.to_owned(),
            size: self.size,
            version,
            checksum: None,
        }
    }
}

/// Object access. Ranges are half-open byte ranges `[start, end)`; every ranged read is
/// bounded (sent as `Range: bytes=start-(end-1)`), never open-ended.
pub trait Storage: Send + Sync {
    /// Bytes `[range.start, range.end)` of an object (fewer at the object's end), only from
    /// the object's version `version` when given (a [`FileStamp`]'s version: the ETag on S3,
    /// sent as `If-Match`; the modification time in nanoseconds for local files, compared on
    /// the opened file): another version is a [`StorageErrorKind::Changed`] error, never its
    /// bytes. Every decorator passes `version` through.
    fn get_range_if(
        &self,
        uri: &str,
        range: Range<u64>,
        version: Option<&str>,
    ) -> Result<Vec<u8>, StorageError>;
    /// Bytes `[range.start, range.end)` of an object, whatever its version.
    fn get_range(&self, uri: &str, range: Range<u64>) -> Result<Vec<u8>, StorageError> {
        self.get_range_if(uri, range, None)
    }
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
            fn get_range_if(
                &self,
                uri: &str,
                range: Range<u64>,
                version: Option<&str>,
            ) -> Result<Vec<u8>, StorageError> {
                (**self).get_range_if(uri, range, version)
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

/// The version a read of a stamped file is pinned to: `None` when the store reported none
/// (the read then takes whatever version is there).
pub fn pinned_version(stamp: &FileStamp) -> Option<&str> {
    Some(stamp.version.as_str()).filter(|v| !v.is_empty())
}

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

/// Whether a path or URI has a `..` component (it could resolve outside any prefix it
/// appears to lie under).
pub fn has_parent_component(uri: &str) -> bool {
    uri.split(['/', '\\']).any(|c| c == "..")
}

/// Whether `uri` lies under `prefix`, matched by path components: `/data/allowed/` admits
/// `/data/allowed/x.bam` and `/data/allowed` itself, not `/data/allowedX/x.bam`; a URI with a
/// `..` component never matches.
pub fn under_prefix(uri: &str, prefix: &str) -> bool {
    if has_parent_component(uri) {
        return false;
    }
    let base = prefix.trim_end_matches('/');
    if base.is_empty() || base.ends_with(':') {
        // `/` or `s3://`: everything of that kind.
        return uri.starts_with(prefix);
    }
    match uri.strip_prefix(base) {
        Some(rest) => rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_whole_components_and_parent_components_never_match() {
        let p = "/data/allowed/";
        assert!(under_prefix("/data/allowed/x.bam", p));
        assert!(under_prefix("/data/allowed/sub/x.bam", p));
        assert!(under_prefix("/data/allowed", p));
        assert!(!under_prefix("/data/allowed/../elsewhere/x.bam", p));
        assert!(!under_prefix("/data/allowedX/x.bam", p));
        assert!(!under_prefix("/data/allowedX", "/data/allowed"));
        assert!(under_prefix("s3://trial-a/x.bam", "s3://trial-a"));
        assert!(!under_prefix("s3://trial-ab/x.bam", "s3://trial-a/"));
        assert!(!under_prefix(
            "s3://trial-a/p/../../trial-b/x",
            "s3://trial-a/"
        ));
        assert!(under_prefix("s3://any/x", "s3://"));
        assert!(under_prefix("/x", "/"));
        assert!(has_parent_component("a/../b") && has_parent_component(".."));
        assert!(!has_parent_component("a/..b/c..") && !has_parent_component("/a/b"));
    }
}
