//! Worker telemetry: Prometheus counters (namespace `esr1_worker`, bounded labels, one update
//! per job) and a minimal HTTP endpoint for `/metrics`, `/healthz` and `/readyz`.

use prometheus::{
    Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// How a job delivery ended (the only label value set of `esr1_worker_jobs_total`).
pub const OUTCOMES: [&str; 4] = ["done", "failed", "requeued", "dead_lettered"];

/// The worker's metrics.
pub struct WorkerMetrics {
    registry: Registry,
    jobs: IntCounterVec,
    /// Seconds spent on each job (counting, calling, storing).
    pub job_seconds: Histogram,
    /// Bytes of alignment data read.
    pub bytes_read: IntCounter,
    /// Reads seen by the counting core.
    pub reads: IntCounter,
    /// 1 while connected to the broker and consuming.
    pub ready: IntGauge,
    /// Broker (re)connections made.
    pub connections: IntCounter,
}

impl WorkerMetrics {
    /// Registers every metric.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("esr1_worker".into()), None)?;
        let jobs = IntCounterVec::new(
            Opts::new("jobs_total", "Job deliveries handled, by outcome"),
            &["outcome"],
        )?;
        let job_seconds = Histogram::with_opts(
            HistogramOpts::new("job_duration_seconds", "Time to run one region job").buckets(vec![
                0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 600.0, 1200.0, 1800.0,
            ]),
        )?;
        let bytes_read = IntCounter::new("bytes_read_total", "Bytes of alignment data read")?;
        let reads = IntCounter::new("reads_total", "Reads seen by the counting core")?;
        let ready = IntGauge::new("ready", "1 while connected to the broker and consuming")?;
        let connections = IntCounter::new("broker_connections_total", "Broker connections opened")?;
        registry.register(Box::new(jobs.clone()))?;
        registry.register(Box::new(job_seconds.clone()))?;
        registry.register(Box::new(bytes_read.clone()))?;
        registry.register(Box::new(reads.clone()))?;
        registry.register(Box::new(ready.clone()))?;
        registry.register(Box::new(connections.clone()))?;
        for o in OUTCOMES {
            jobs.with_label_values(&[o]);
        }
        Ok(Self {
            registry,
            jobs,
            job_seconds,
            bytes_read,
            reads,
            ready,
            connections,
        })
    }

    /// Counts one job delivery outcome (one of [`OUTCOMES`]).
    pub fn job(&self, outcome: &'static str) {
        self.jobs.with_label_values(&[outcome]).inc();
    }

    /// The count for an outcome.
    pub fn job_count(&self, outcome: &str) -> u64 {
        self.jobs.with_label_values(&[outcome]).get()
    }

    /// Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }
}

/// Serves `/metrics`, `/healthz` (alive) and `/readyz` (connected and consuming) until the
/// process ends.
pub async fn serve(addr: SocketAddr, metrics: Arc<WorkerMetrics>) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            let metrics = Arc::clone(&metrics);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let mut len = 0;
                while len < buf.len() {
                    match stream.read(&mut buf[len..]).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => len += n,
                    }
                    if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
                let request = String::from_utf8_lossy(&buf[..len]);
                let path = request.split_whitespace().nth(1).unwrap_or("/");
                let (status, body, ctype) = match path {
                    "/metrics" => ("200 OK", metrics.render(), "text/plain; version=0.0.4"),
                    "/healthz" => ("200 OK", "ok\n".to_owned(), "text/plain"),
                    "/readyz" if metrics.ready.get() == 1 => {
                        ("200 OK", "ready\n".to_owned(), "text/plain")
                    }
                    "/readyz" => (
                        "503 Service Unavailable",
                        "not connected to the broker\n".to_owned(),
                        "text/plain",
                    ),
                    _ => ("404 Not Found", "not found\n".to_owned(), "text/plain"),
                };
                let response = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    Ok(local)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_are_namespaced_and_labels_bounded() {
        let m = WorkerMetrics::new().unwrap_or_else(|e| panic!("{e}"));
        m.job("done");
        m.job("done");
        m.bytes_read.inc_by(10);
        let text = m.render();
        assert!(
            text.contains("esr1_worker_jobs_total{outcome=\"done\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("esr1_worker_jobs_total{outcome=\"dead_lettered\"} 0"),
            "{text}"
        );
        assert!(text.contains("esr1_worker_bytes_read_total 10"), "{text}");
        assert!(
            text.contains("esr1_worker_job_duration_seconds_bucket"),
            "{text}"
        );
        // Buckets reach RabbitMQ's 30-minute consumer timeout, so the Esr1JobsSlow alert's
        // 600 s threshold on the 95th percentile can be crossed.
        assert!(
            text.contains("esr1_worker_job_duration_seconds_bucket{le=\"1800\"}"),
            "{text}"
        );
    }
}
