//! The wire and data contract between the ESR1 coordinator and its workers.
//!
//! Everything that crosses a process boundary — a region job on the queue, a result object in
//! storage, a job event — is one of these serde types and carries [`SCHEMA_VERSION`]. Readers
//! use [`decode`] which rejects unknown versions with a clear error instead of guessing.
#![warn(missing_docs)]

mod event;
mod hash;
mod job;
mod result;
mod sample;
mod version;

pub use event::{EventKind, JobEvent};
pub use hash::stable_hash_hex;
pub use job::{
    encode_jobs, is_valid_job_id, CallingParams, FileStamp, GenomicRegion, JobBundle, JobInputs,
    RegionJob, RunContext, JOB_ID_LEN, MAX_BUNDLE_JOBS,
};
pub use result::{
    depth_among, grid_line, AlleleCount, AlleleQuery, BaseCounts, FilterCounts, MnvCount,
    ReferenceBlock, RegionQc, RegionResult, SampleCall, SiteCounts, BLOCK_GRID,
};
pub use sample::{Material, SampleRef};
pub use version::{decode, encode, DecodeError, Versioned, SCHEMA_VERSION};
