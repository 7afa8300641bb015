//! Logs through `tracing`: one subscriber per process, writing to stderr as text (for people)
//! or JSON (one object per line, for log pipelines), filtered by `RUST_LOG`.
//!
//! Nothing secret goes into a field: broker URLs are logged through
//! [`crate::queue::redact`], S3 credentials never leave [`crate::storage::S3Config`].

use tracing_subscriber::EnvFilter;

/// The worker's filter when `RUST_LOG` is unset: its own INFO lines (connections, jobs),
/// warnings of everything else. The AMQP client's own lines are left out: every broker
/// failure is logged once by the caller, with the endpoint and what it will do next.
pub const WORKER_DEFAULT: &str = "warn,esr1_worker=info,lapin=off";
/// The coordinator's filter when `RUST_LOG` is unset (warnings and errors).
pub const COORDINATOR_DEFAULT: &str = "warn,lapin=off";
/// The coordinator's filter with `--verbose`: also what each step did.
pub const COORDINATOR_VERBOSE: &str = "warn,esr1_coordinator=info,esr1_worker=info,lapin=off";

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// `2026-11-29T23:00:00.000000Z  INFO job{run_id=… job_id=…}: job done`
    #[default]
    Text,
    /// `{"timestamp":…,"level":"INFO","message":"job done","span":{"run_id":…},…}`
    Json,
}

/// The filter: `RUST_LOG` when set (an invalid one is an error, not silently ignored), else
/// `default_directives` (e.g. `info`, or `warn` for a quiet command line).
pub fn filter(rust_log: Option<&str>, default_directives: &str) -> Result<EnvFilter, String> {
    match rust_log.map(str::trim).filter(|s| !s.is_empty()) {
        Some(directives) => EnvFilter::try_new(directives)
            .map_err(|e| format!("RUST_LOG '{directives}' is not a valid log filter: {e}")),
        None => EnvFilter::try_new(default_directives)
            .map_err(|e| format!("log filter '{default_directives}': {e}")),
    }
}

/// Installs the process's subscriber on stderr. Call once, first thing in `main`.
pub fn init(format: LogFormat, default_directives: &str) -> Result<(), String> {
    let rust_log = std::env::var("RUST_LOG").ok();
    let filter = filter(rust_log.as_deref(), default_directives)?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let installed = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
    installed.map_err(|e| format!("cannot install the logger: {e}"))?;
    if format == LogFormat::Json {
        // A panic on any thread (the broker client's I/O thread when a connection attempt is
        // cut short by the process ending) is an error event, so JSON logs stay JSON.
        std::panic::set_hook(Box::new(|info| {
            let thread = std::thread::current();
            tracing::error!(thread = thread.name().unwrap_or("unnamed"), "panic: {info}");
        }));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_log_wins_over_the_default_and_an_invalid_one_is_an_error() {
        let f = filter(None, "warn").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.to_string(), "warn");
        let f = filter(Some("esr1_worker=debug"), "warn").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.to_string(), "esr1_worker=debug");
        let e = filter(Some("=[{"), "warn").expect_err("refused");
        assert!(e.contains("RUST_LOG"), "{e}");
    }
}
