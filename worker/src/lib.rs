//! ESR1 region worker: reads one region of one sample, counts fragments per site and calls
//! candidate variants. The counting core ([`pileup`]) is pure and knows nothing of where its
//! records come from; [`job`] connects it to files.
//!
//! Layout, from the bottom up (a module only uses those listed before it):
//! * [`retry`] — the jittered back-off and time budget of every connection;
//!   [`telemetry`] — logging, build and process metrics, the `/metrics` endpoint.
//! * [`storage`] — object access (local, S3) behind one trait, with retry and counting;
//!   [`sparse`] — a `Read + Seek` view of fetched byte ranges; [`streamed`] — one of planned
//!   ranges fetched window by window; [`cache`] — a keyed cache
//!   that never holds its lock during a load; [`contig`] — contig-name aliases;
//!   [`error`] — [`JobError`] and its [`FailureKind`]; [`pileup`] — the counting core.
//! * [`checksum`] — content checksums of inputs (`--verify-inputs`).
//! * [`source`] — opening an alignment file (header, index, their checksums) and the
//!   per-worker [`source::SourceCache`]; [`slice`](mod@slice) — planning and fetching the bytes of one region;
//!   [`reference`](mod@reference) — FASTA slices through `.fai`/`.gzi` and the per-worker
//!   [`reference::ReferenceCache`]; [`cram_reference`] — the reference a CRAM query decodes
//!   with, read for the containers' span only; [`cram_query`] — a CRAM region's records
//!   handed to the counter as they are decoded; [`bisect`] — where a small region's records
//!   start in a large BAM index chunk.
//! * [`integrity`] — whether an opened alignment file is whole and its index its own (for
//!   `check`).
//! * [`job`] — one region job end to end, with the worker's [`Caches`].
//! * [`store`] — result objects; [`untrusted`] — checks of job messages; [`signing`] — their
//!   optional HMAC signatures; [`queue`] — RabbitMQ topology and publishing;
//!   [`metrics`] — Prometheus exposition; [`daemon`] — the consumer loop.

pub mod bisect;
pub mod blocks;
pub mod cache;
pub mod checksum;
pub mod contig;
pub mod cram_query;
pub mod cram_reference;
pub mod daemon;
pub mod error;
pub mod integrity;
pub mod job;
pub mod metrics;
pub mod pileup;
pub mod queue;
pub mod reference;
pub mod retry;
pub mod signing;
pub mod slice;
pub mod source;
pub mod sparse;
pub mod storage;
pub mod store;
pub mod streamed;
pub mod telemetry;
#[cfg(test)]
mod testing;
pub mod untrusted;

pub use error::{FailureKind, JobError};

/// Version of the counting model; part of every job id (the coordinator stamps it on jobs)
/// and of `esr1_*_build_info`. 6: a CRAM container with several slices is counted once.
pub const MODEL_VERSION: &str = concat!("esr1-count-6-", env!("CARGO_PKG_VERSION"));
pub use job::{run_job, run_local_job, Caches};
