//! `esr1-worker`: the stateless region-job daemon (RabbitMQ consumer).

use clap::Parser;
use esr1_worker::daemon::{run_daemon, DaemonConfig};
use esr1_worker::metrics::{serve, WorkerMetrics};
use esr1_worker::queue::{redact, DEFAULT_PREFIX};
use esr1_worker::signing::JobKey;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "esr1-worker",
    version,
    about = "Consume ESR1 region jobs from RabbitMQ, count and call, store results"
)]
struct Args {
    /// Broker URL, e.g. amqp://guest:guest@127.0.0.1:5672/%2f
    #[arg(long, env = "ESR1_AMQP_URL", hide_env_values = true)]
    amqp_url: String,
    /// Unacknowledged jobs held at once.
    #[arg(long, default_value_t = 1)]
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
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async move {
        let metrics = match WorkerMetrics::new() {
            Ok(m) => Arc::new(m),
            Err(e) => {
                eprintln!("error: metrics: {e}");
                return ExitCode::from(2);
            }
        };
        if let Some(addr) = args.metrics_addr {
            match serve(addr, Arc::clone(&metrics)).await {
                Ok(local) => eprintln!("worker: metrics on http://{local}/metrics"),
                Err(e) => {
                    eprintln!("error: cannot serve metrics on {addr}: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        let (tx, rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            wait_for_signal().await;
            eprintln!("worker: shutdown requested; finishing the job in hand");
            let _ = tx.send(true);
        });
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "worker".into());
        let config = DaemonConfig {
            amqp_url: args.amqp_url.clone(),
            prefix: args.queue_prefix,
            prefetch: args.prefetch,
            worker_name: format!("{host}-{}", std::process::id()),
            fault_delay: std::time::Duration::from_millis(
                std::env::var("ESR1_WORKER_FAULT_DELAY_MS")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0),
            ),
            job_key: JobKey::from_env(&std::env::vars().collect()),
        };
        eprintln!("worker: broker {}", redact(&args.amqp_url));
        if config.job_key.is_some() {
            eprintln!("worker: only jobs signed with ESR1_JOB_KEY are run");
        }
        let mut env: std::collections::HashMap<String, String> = std::env::vars().collect();
        if let Some(e) = args.s3_endpoint {
            env.insert("AWS_ENDPOINT_URL".into(), e);
        }
        let storage = esr1_worker::storage::default_storage(&env, args.allow_prefixes);
        run_daemon(config, storage, metrics, rx).await;
        eprintln!("worker: stopped");
        ExitCode::SUCCESS
    })
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
