//! Async FASTA.

pub mod fs;
pub mod io;
