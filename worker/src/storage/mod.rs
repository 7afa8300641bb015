//! Object access behind one small interface: byte ranges, whole objects, put, list, head.
//!
//! Two implementations — the local filesystem and S3 (any S3-compatible server) — and three
//! decorators that wrap any implementation: [`RetryingStorage`] (retries of transient errors
//! with jittered back-off within a time budget), [`MeteredStorage`] (Prometheus counts) and
//! [`CountingStorage`] (bytes and requests, and the ranges asked for, so tests can prove
//! every ranged read had an end). [`Router`] sends each URI to the
//! right implementation by scheme. Errors carry a kind that says whether a retry can help,
//! which decides between requeue and permanent failure.

mod api;
pub mod counting;
mod local;
pub mod metered;
mod retry;
mod router;
mod s3;

pub use api::{
    has_parent_component, is_s3, join, pinned_version, under_prefix, ObjectMeta, SharedStorage,
    Storage, StorageError, StorageErrorKind,
};
pub use counting::{CountingStorage, RequestLog, StorageRequest};
pub use local::{write_atomically, LocalStorage};
pub use metered::{MeteredStorage, StorageMetrics};
pub use retry::RetryingStorage;
pub use router::{default_storage, storage_within, Router};
pub use s3::{S3Config, S3Storage};
