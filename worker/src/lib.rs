//! ESR1 region worker: reads one region of one sample, counts fragments per site and calls
//! candidate variants. The counting core ([`pileup`]) is pure and knows nothing of where its
//! records come from; [`job`] connects it to files.

pub mod daemon;
pub mod job;
pub mod metrics;
pub mod pileup;
pub mod queue;
pub mod reference;
pub mod slice;
pub mod sparse;
pub mod storage;
pub mod store;

pub use job::{run_job, run_local_job, FailureKind, JobError};
