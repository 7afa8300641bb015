//! ESR1 region worker: reads one region of one sample, counts fragments per site and calls
//! candidate variants. The counting core ([`pileup`]) is pure and knows nothing of where its
//! records come from; [`job`] connects it to files.

pub mod cache;
pub mod contig;
pub mod cram_reference;
pub mod daemon;
pub mod error;
pub mod job;
pub mod metrics;
pub mod pileup;
pub mod queue;
pub mod reference;
pub mod slice;
pub mod source;
pub mod sparse;
pub mod storage;
pub mod store;

pub use error::{FailureKind, JobError};
pub use job::{run_job, run_local_job, Caches};
