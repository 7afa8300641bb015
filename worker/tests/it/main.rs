//! The worker's integration tests, one binary with a module per concern.

mod bisect;
mod cli;
mod cram;
mod fuzz;
