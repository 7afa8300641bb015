//! Why a simulation failed, and the small constructors the other modules use.

use std::io;
use std::path::{Path, PathBuf};

/// Why a simulation failed.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    /// Reading or writing a file failed.
    #[error("I/O error on {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The options are out of range.
    #[error("invalid simulation options: {0}")]
    Options(String),
    /// The built-in model does not support the simulation (a build defect).
    #[error("ESR1 model: {0}")]
    Model(String),
    /// An external program (`art_illumina`, `bwa`, `samtools`) is missing or failed.
    #[error("{program}: {message}")]
    Tool {
        /// The program.
        program: String,
        /// What went wrong (for a missing program, how to install it).
        message: String,
    },
    /// Building a BAM index failed.
    #[error("indexing {}: {message}", path.display())]
    Index {
        /// The BAM being indexed.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// Maps an I/O error to [`SimulateError::Io`] naming `path` (allocates only on error).
pub(crate) fn io_error(path: &Path) -> impl FnOnce(io::Error) -> SimulateError + '_ {
    move |source| SimulateError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A defect of the built-in ESR1 model (or of the simulator) as a [`SimulateError::Model`].
pub(crate) fn model_error(msg: impl Into<String>) -> SimulateError {
    SimulateError::Model(msg.into())
}
