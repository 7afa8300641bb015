//! Async FAI.

pub mod fs;
pub mod io;
