//! The worker's integration tests, one binary with a module per concern.

mod cram;
mod deploy;
