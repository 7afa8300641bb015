//! `esr1-worker`: the stateless region-job daemon (RabbitMQ consumer).

use clap::Parser;
use esr1_worker::daemon::{run_daemon, DaemonConfig};
use esr1_worker::metrics::WorkerMetrics;
use esr1_worker::queue::{redact, ConnectFailure, DEFAULT_PREFIX};
use esr1_worker::retry::parse_seconds;
use esr1_worker::signing::JobKey;
use esr1_worker::storage::storage_within;
use esr1_worker::telemetry::http::serve;
use esr1_worker::telemetry::logging::{self, LogFormat};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Bad flags or environment (the metrics address taken, an invalid URL or `RUST_LOG`).
const BAD_INPUT: u8 = 2;
/// The broker could not be reached within `--connect-timeout`, or refused the login.
const UNREACHABLE: u8 = 3;

#[derive(Parser)]
#[command(
    name = "esr1-worker",
    version,
    about = "Consume ESR1 region jobs from RabbitMQ, count and call, store results",
    after_help = "Exit codes:
  0  stopped by SIGTERM or SIGINT (the job in hand finished)
  2  bad flags or environment (metrics address in use, invalid URL or RUST_LOG)
  3  the broker could not be reached within --connect-timeout, or refused the login"
)]
struct Args {
    /// Broker URL, e.g. amqp://guest:guest@127.0.0.1:5672/%2f
    #[arg(long, env = "ESR1_AMQP_URL", hide_env_values = true)]
    amqp_url: String,
    /// Unacknowledged jobs held at once. One job counts at a time; with 2 or more, the next
    /// one counts while the last stores its result and is acknowledged.
    #[arg(long, default_value_t = 2)]
    prefetch: u16,
    /// Serve /metrics, /healthz and /readyz here (e.g. 0.0.0.0:9100).
    #[arg(long, env = "ESR1_METRICS_ADDR")]
    metrics_addr: Option<SocketAddr>,
    /// Only read and write objects under these prefixes (repeatable; e.g. s3://trial-bucket/
    /// and the run's output location). Default: anything the credentials allow.
    #[arg(
        long = "allow-prefix",
        env = "ESR1_ALLOW_PREFIX",
        value_delimiter = ','
    )]
    allow_prefixes: Vec<String>,
    /// Endpoint of an S3-compatible server (MinIO, Garage, Ceph); sets path-style
    /// addressing. Default: AWS_ENDPOINT_URL, else AWS itself.
    #[arg(long)]
    s3_endpoint: Option<String>,
    /// Prefix of exchange and queue names (must match the coordinator's).
    #[arg(long, default_value = DEFAULT_PREFIX, env = "ESR1_QUEUE_PREFIX")]
    queue_prefix: String,
    /// Seconds a connection to the broker (each reconnection too) or an object-store
    /// request is retried, with jittered exponential back-off, before giving up (then exit 3).
    #[arg(long, env = "ESR1_CONNECT_TIMEOUT", value_name = "SECS", value_parser = parse_seconds,
          default_value = "30")]
    connect_timeout: Duration,
    /// Log lines as text or JSON (one object per line); RUST_LOG filters them (default info).
    #[arg(long, env = "ESR1_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Err(e) = logging::init(args.log_format, logging::WORKER_DEFAULT) {
        eprintln!("error: {e}");
        return ExitCode::from(BAD_INPUT);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the runtime");
            return ExitCode::from(BAD_INPUT);
        }
    };
    runtime.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    let metrics = match WorkerMetrics::new() {
        Ok(m) => Arc::new(m),
        Err(e) => {
            tracing::error!(error = %e, "cannot register the metrics");
            return ExitCode::from(BAD_INPUT);
        }
    };
    if let Some(addr) = args.metrics_addr {
        match serve(addr, metrics.clone()).await {
            Ok(local) => tracing::info!("metrics on http://{local}/metrics"),
            Err(e) => {
                tracing::error!(error = %e, "cannot serve metrics on {addr}");
                return ExitCode::from(BAD_INPUT);
            }
        }
    }
    let (tx, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutdown requested; finishing the job in hand");
        let _ = tx.send(true);
    });
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "worker".into());
    let config = DaemonConfig {
        amqp_url: args.amqp_url.clone(),
        connect_timeout: args.connect_timeout,
        prefix: args.queue_prefix,
        prefetch: args.prefetch,
        worker_name: format!("{host}-{}", std::process::id()),
        fault_delay: Duration::from_millis(
            std::env::var("ESR1_WORKER_FAULT_DELAY_MS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
        ),
        job_key: JobKey::from_env(&std::env::vars().collect()),
    };
    if config.job_key.is_some() {
        tracing::info!("only jobs signed with ESR1_JOB_KEY are run");
    }
    tracing::info!(
        broker = %redact(&args.amqp_url),
        connect_timeout_s = args.connect_timeout.as_secs_f64(),
        "worker starting"
    );
    let mut env: std::collections::HashMap<String, String> = std::env::vars().collect();
    if let Some(e) = args.s3_endpoint {
        env.insert("AWS_ENDPOINT_URL".into(), e);
    }
    let storage = storage_within(
        &env,
        args.allow_prefixes,
        args.connect_timeout,
        Some(Arc::clone(&metrics.storage)),
    );
    match run_daemon(config, storage, metrics, rx).await {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::from(match e.failure {
                ConnectFailure::InvalidUrl => BAD_INPUT,
                ConnectFailure::Unreachable | ConnectFailure::Refused => UNREACHABLE,
            })
        }
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
