//! Local filesystem storage (paths, or `file://` URIs).

use super::api::{ObjectMeta, Storage, StorageError, StorageErrorKind};
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Files on a local (or shared) filesystem.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalStorage;

fn path(uri: &str) -> PathBuf {
    PathBuf::from(uri.strip_prefix("file://").unwrap_or(uri))
}

/// A local path as the filesystem will resolve it: its longest existing ancestor made
/// canonical (every symbolic link followed), the components that do not exist yet appended.
/// A dangling symbolic link on the way is an error (writing through it would create its
/// target, wherever that is).
pub fn resolve_local(uri: &str) -> Result<PathBuf, String> {
    let full = path(uri);
    let mut existing = full.as_path();
    let mut missing = Vec::new();
    loop {
        match std::fs::canonicalize(existing) {
            Ok(mut resolved) => {
                resolved.extend(missing.iter().rev());
                return Ok(resolved);
            }
            Err(_) if std::fs::symlink_metadata(existing).is_ok() => {
                return Err(format!(
                    "{} is a symbolic link to nothing, or cannot be resolved",
                    existing.display()
                ));
            }
            Err(_) => match (existing.file_name(), existing.parent()) {
                (Some(name), Some(parent)) => {
                    missing.push(name.to_owned());
                    existing = if parent.as_os_str().is_empty() {
                        Path::new(".")
                    } else {
                        parent
                    };
                }
                _ => return Ok(full),
            },
        }
    }
}

/// Temporary names of one process are unique: two writers of one file never share one.
static TMP_SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Writes a file under a temporary name beside it (hidden, so listings skip it), flushes it to
/// the disk and renames it over `path`: readers see the old file or the whole new one, never
/// part of it. A failed write (disk full, file-size limit) removes the temporary file and
/// leaves `path` as it was.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let seq = TMP_SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_file_name(format!(".{name}.{}.{seq}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        std::io::Write::write_all(&mut f, bytes)?;
        // Some filesystems (NFS, and quotas on others) report a full disk only here.
        f.sync_data()
    });
    match written.and_then(|()| std::fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn error(uri: &str, e: &std::io::Error) -> StorageError {
    let kind = match e.kind() {
        std::io::ErrorKind::NotFound => StorageErrorKind::NotFound,
        std::io::ErrorKind::PermissionDenied => StorageErrorKind::AccessDenied,
        std::io::ErrorKind::Interrupted | std::io::ErrorKind::TimedOut => {
            StorageErrorKind::Transient
        }
        _ => StorageErrorKind::Other,
    };
    StorageError::new(kind, uri, e.to_string())
}

fn meta(m: &std::fs::Metadata) -> ObjectMeta {
    ObjectMeta {
        size: m.len(),
        modified: m.modified().ok(),
        etag: None,
    }
}

impl Storage for LocalStorage {
    fn get_range_if(
        &self,
        uri: &str,
        range: Range<u64>,
        version: Option<&str>,
    ) -> Result<Vec<u8>, StorageError> {
        let mut f = std::fs::File::open(path(uri)).map_err(|e| error(uri, &e))?;
        if let Some(pinned) = version {
            // The opened file's own modification time: the bytes read below are this file's,
            // even when another file is renamed over the path meanwhile.
            let now = f.metadata().map_err(|e| error(uri, &e))?;
            let now = meta(&now).stamp(uri).version;
            if now != pinned {
                return Err(StorageError::new(
                    StorageErrorKind::Changed,
                    uri,
                    format!("modification time {pinned} ns, now {now} ns"),
                ));
            }
        }
        f.seek(SeekFrom::Start(range.start))
            .map_err(|e| error(uri, &e))?;
        let mut buf = Vec::with_capacity(range.end.saturating_sub(range.start) as usize);
        f.take(range.end.saturating_sub(range.start))
            .read_to_end(&mut buf)
            .map_err(|e| error(uri, &e))?;
        Ok(buf)
    }

    fn get(&self, uri: &str) -> Result<Vec<u8>, StorageError> {
        std::fs::read(path(uri)).map_err(|e| error(uri, &e))
    }

    fn put(&self, uri: &str, bytes: &[u8]) -> Result<(), StorageError> {
        let p = path(uri);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).map_err(|e| error(uri, &e))?;
        }
        write_atomically(&p, bytes).map_err(|e| error(uri, &e))
    }

    fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        let dir = path(prefix);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(error(prefix, &e)),
        };
        let mut out: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| {
                Path::new(&dir)
                    .join(e.file_name())
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        out.sort();
        Ok(out)
    }

    fn head(&self, uri: &str) -> Result<ObjectMeta, StorageError> {
        let m = std::fs::metadata(path(uri)).map_err(|e| error(uri, &e))?;
        Ok(meta(&m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_pinned_to_a_version_refuses_a_file_modified_since() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join("a.bam").to_string_lossy().into_owned();
        std::fs::write(&file, b"0123456789").unwrap_or_else(|e| panic!("{e}"));
        let stamp = LocalStorage
            .head(&file)
            .map(|m| m.stamp(&file))
            .unwrap_or_else(|e| panic!("{e}"));
        let pinned = Some(stamp.version.as_str());
        assert_eq!(
            LocalStorage.get_range_if(&file, 2..5, pinned),
            Ok(b"234".to_vec())
        );
        // Another file of the same size renamed over the path, a second newer.
        let other = dir.path().join("b.bam");
        std::fs::write(&other, b"abcdefghij").unwrap_or_else(|e| panic!("{e}"));
        let later = std::fs::metadata(&file)
            .and_then(|m| m.modified())
            .unwrap_or_else(|e| panic!("{e}"))
            + std::time::Duration::from_secs(1);
        std::fs::File::options()
            .write(true)
            .open(&other)
            .and_then(|f| f.set_modified(later))
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::rename(&other, &file).unwrap_or_else(|e| panic!("{e}"));
        let e = LocalStorage.get_range_if(&file, 2..5, pinned).unwrap_err();
        assert_eq!(e.kind, StorageErrorKind::Changed, "{e}");
        assert!(e.to_string().contains("changed while it was read"), "{e}");
        assert_eq!(LocalStorage.get_range(&file, 2..5), Ok(b"cde".to_vec()));
    }
}
