//! Worker telemetry: Prometheus metrics (namespace `esr1_worker`, bounded label values only —
//! outcomes, backends, never a sample or region), updated once per job, served by
//! [`crate::telemetry::http`] with `/healthz` and `/readyz`.

use crate::storage::StorageMetrics;
use crate::telemetry::{self, http::Telemetry};
use prometheus::{Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, Opts, Registry};
use std::sync::Arc;

/// How a job delivery ended (the only label value set of `esr1_worker_jobs_total`).
pub const OUTCOMES: [&str; 4] = ["done", "failed", "requeued", "dead_lettered"];

/// The worker's metrics.
pub struct WorkerMetrics {
    registry: Registry,
    jobs: IntCounterVec,
    /// Seconds spent on each job (counting, calling, storing).
    pub job_seconds: Histogram,
    /// Jobs being worked on now.
    pub in_flight: IntGauge,
    /// Bytes of alignment data read.
    pub bytes_read: IntCounter,
    /// Reads seen by the counting core.
    pub reads: IntCounter,
    /// 1 while connected to the broker and consuming.
    pub ready: IntGauge,
    /// Broker (re)connections made.
    pub connections: IntCounter,
    /// Job messages received (one job, or a bundle of several).
    pub messages: IntCounter,
    /// Object-store requests, bytes and retries (the storage decorators update them).
    pub storage: Arc<StorageMetrics>,
}

fn counter(name: &str, help: &str) -> prometheus::Result<IntCounter> {
    IntCounter::new(format!("esr1_worker_{name}"), help)
}

impl WorkerMetrics {
    /// Registers every metric, the build info and the process metrics.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let jobs = IntCounterVec::new(
            Opts::new(
                "esr1_worker_jobs_total",
                "Jobs handled, by outcome (a refused message counts once, as dead_lettered)",
            ),
            &["outcome"],
        )?;
        // Up to RabbitMQ's 30-minute consumer timeout, the longest a job can run.
        let job_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "esr1_worker_job_duration_seconds",
                "Time to run one region job",
            )
            .buckets(vec![
                0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 600.0, 1200.0, 1800.0,
            ]),
        )?;
        let in_flight = IntGauge::new("esr1_worker_jobs_in_flight", "Jobs being worked on now")?;
        let bytes_read = counter("bytes_read_total", "Bytes of alignment data read")?;
        let reads = counter("reads_total", "Reads seen by the counting core")?;
        let ready = IntGauge::new(
            "esr1_worker_ready",
            "1 while connected to the broker and consuming",
        )?;
        let connections = counter("broker_connections_total", "Broker connections opened")?;
        let messages = counter(
            "messages_total",
            "Job messages received (one job, or a bundle of several)",
        )?;
        let storage = Arc::new(StorageMetrics::new("esr1_worker")?);
        registry.register(Box::new(jobs.clone()))?;
        registry.register(Box::new(job_seconds.clone()))?;
        registry.register(Box::new(in_flight.clone()))?;
        registry.register(Box::new(bytes_read.clone()))?;
        registry.register(Box::new(reads.clone()))?;
        registry.register(Box::new(ready.clone()))?;
        registry.register(Box::new(connections.clone()))?;
        registry.register(Box::new(messages.clone()))?;
        storage.register(&registry)?;
        telemetry::register_build_info(&registry, "esr1_worker")?;
        telemetry::register_process_metrics(&registry)?;
        for o in OUTCOMES {
            jobs.with_label_values(&[o]);
        }
        Ok(Self {
            registry,
            jobs,
            job_seconds,
            in_flight,
            bytes_read,
            reads,
            ready,
            connections,
            messages,
            storage,
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
        telemetry::render(&self.registry)
    }
}

impl Telemetry for WorkerMetrics {
    fn render(&self) -> String {
        WorkerMetrics::render(self)
    }

    fn ready(&self) -> Result<(), String> {
        if self.ready.get() == 1 {
            Ok(())
        } else {
            Err("not connected to the broker".to_owned())
        }
    }
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
        assert!(text.contains("esr1_worker_jobs_in_flight 0"), "{text}");
        assert!(
            text.contains(&format!(
                "esr1_worker_build_info{{model_version=\"{}\",version=\"{}\"}} 1",
                crate::MODEL_VERSION,
                crate::telemetry::VERSION
            )),
            "{text}"
        );
        #[cfg(target_os = "linux")]
        assert!(text.contains("process_resident_memory_bytes"), "{text}");
        // Buckets reach RabbitMQ's 30-minute consumer timeout, so the Esr1JobsSlow alert's
        // 600 s threshold on the 95th percentile can be crossed.
        assert!(
            text.contains("esr1_worker_job_duration_seconds_bucket{le=\"1800\"}"),
            "{text}"
        );
        // Only outcome, backend and direction labels: nothing per sample or region.
        for line in text.lines().filter(|l| l.starts_with("esr1_")) {
            if let Some(labels) = line.split('{').nth(1) {
                for pair in labels.split('}').next().unwrap_or("").split(',') {
                    let key = pair.split('=').next().unwrap_or("");
                    assert!(
                        [
                            "outcome",
                            "backend",
                            "direction",
                            "le",
                            "version",
                            "model_version"
                        ]
                        .contains(&key),
                        "unbounded label {key} in {line}"
                    );
                }
            }
        }
    }
}
