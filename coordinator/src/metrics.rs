//! The coordinator's Prometheus metrics (namespace `esr1_coordinator`, bounded label values
//! only): jobs published, completed by outcome and dead-lettered, the run's planned jobs and
//! progress, the broker's queue depths, the merge's duration, build info and process metrics.
//!
//! One set per process ([`CoordinatorMetrics::global`]): the library updates it wherever a
//! run or `status --watch` learns something, and the binary serves it with
//! `--metrics-addr`; without that flag nothing reads it.

use esr1_worker::telemetry::{self, http::Telemetry};
use prometheus::{IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry};
use std::sync::OnceLock;

/// Outcomes of `esr1_coordinator_jobs_completed_total`.
pub const COMPLETED_OUTCOMES: [&str; 2] = ["done", "failed"];
/// Queues of `esr1_coordinator_queue_depth`: the shared jobs queue (all runs), the run's
/// uncollected dead letters and events.
pub const QUEUES: [&str; 3] = ["jobs", "dead_letters", "events"];

/// The coordinator's metrics.
pub struct CoordinatorMetrics {
    registry: Registry,
    /// Jobs published to the broker (each confirmed by it).
    pub published: IntCounter,
    completed: IntCounterVec,
    /// Jobs dead-lettered by the broker (delivery limit, rejected); also counted failed.
    pub dead_lettered: IntCounter,
    /// Jobs of the run (its plan).
    pub planned: IntGauge,
    /// Jobs of the run finished (done or failed, this process or an earlier one).
    pub finished: IntGauge,
    progress: prometheus::Gauge,
    queue_depth: IntGaugeVec,
    /// Seconds the last merge and report writing took.
    pub merge_seconds: prometheus::Gauge,
}

impl CoordinatorMetrics {
    /// Registers every metric.
    pub fn new() -> prometheus::Result<Self> {
        let registry = Registry::new();
        let published = IntCounter::new(
            "esr1_coordinator_jobs_published_total",
            "Jobs published to the broker and confirmed",
        )?;
        let completed = IntCounterVec::new(
            Opts::new(
                "esr1_coordinator_jobs_completed_total",
                "Jobs whose outcome this process collected, by outcome (stored results reused \
                 from an earlier run are not counted)",
            ),
            &["outcome"],
        )?;
        let dead_lettered = IntCounter::new(
            "esr1_coordinator_jobs_dead_lettered_total",
            "Jobs dead-lettered after repeated delivery failures (also counted failed)",
        )?;
        let planned = IntGauge::new("esr1_coordinator_jobs_planned", "Jobs of the run")?;
        let finished = IntGauge::new(
            "esr1_coordinator_jobs_finished",
            "Jobs of the run with an outcome (done or failed), reused ones included",
        )?;
        let progress = prometheus::Gauge::new(
            "esr1_coordinator_run_progress_ratio",
            "Finished jobs of the run over its planned jobs (0 to 1)",
        )?;
        let queue_depth = IntGaugeVec::new(
            Opts::new(
                "esr1_coordinator_queue_depth",
                "Messages ready in a broker queue: jobs (shared by all runs), the run's \
                 dead_letters and events not yet collected",
            ),
            &["queue"],
        )?;
        let merge_seconds = prometheus::Gauge::new(
            "esr1_coordinator_merge_duration_seconds",
            "Seconds the last merge of job results and writing of the reports took",
        )?;
        registry.register(Box::new(published.clone()))?;
        registry.register(Box::new(completed.clone()))?;
        registry.register(Box::new(dead_lettered.clone()))?;
        registry.register(Box::new(planned.clone()))?;
        registry.register(Box::new(finished.clone()))?;
        registry.register(Box::new(progress.clone()))?;
        registry.register(Box::new(queue_depth.clone()))?;
        registry.register(Box::new(merge_seconds.clone()))?;
        telemetry::register_build_info(&registry, "esr1_coordinator")?;
        telemetry::register_process_metrics(&registry)?;
        for o in COMPLETED_OUTCOMES {
            completed.with_label_values(&[o]);
        }
        for q in QUEUES {
            queue_depth.with_label_values(&[q]);
        }
        Ok(Self {
            registry,
            published,
            completed,
            dead_lettered,
            planned,
            finished,
            progress,
            queue_depth,
            merge_seconds,
        })
    }

    /// The process's metrics (registered on first use; `None` only if registering failed,
    /// which a fixed set of valid names never does).
    pub fn global() -> Option<&'static CoordinatorMetrics> {
        static GLOBAL: OnceLock<Option<CoordinatorMetrics>> = OnceLock::new();
        GLOBAL.get_or_init(|| Self::new().ok()).as_ref()
    }

    /// A job's outcome collected (`failed` true for a failure).
    pub fn completed(&self, failed: bool) {
        let outcome = if failed { "failed" } else { "done" };
        self.completed.with_label_values(&[outcome]).inc();
    }

    /// Jobs collected with an outcome so far.
    pub fn completed_count(&self, outcome: &str) -> u64 {
        self.completed.with_label_values(&[outcome]).get()
    }

    /// The run's progress: `finished` of `planned` jobs.
    pub fn progress(&self, finished: usize, planned: usize) {
        self.planned.set(planned as i64);
        self.finished.set(finished as i64);
        let ratio = if planned == 0 {
            1.0
        } else {
            finished as f64 / planned as f64
        };
        self.progress.set(ratio);
    }

    /// Messages ready in one of [`QUEUES`].
    pub fn queue_depth(&self, queue: &'static str, depth: u32) {
        self.queue_depth
            .with_label_values(&[queue])
            .set(i64::from(depth));
    }

    /// Prometheus text exposition.
    pub fn render(&self) -> String {
        telemetry::render(&self.registry)
    }
}

/// The process's metrics as the HTTP endpoint shows them.
pub struct GlobalTelemetry;

impl Telemetry for GlobalTelemetry {
    fn render(&self) -> String {
        CoordinatorMetrics::global()
            .map(CoordinatorMetrics::render)
            .unwrap_or_default()
    }

    fn ready(&self) -> Result<(), String> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_a_ratio_and_labels_are_bounded() {
        let m = CoordinatorMetrics::new().unwrap_or_else(|e| panic!("{e}"));
        m.progress(3, 12);
        m.completed(false);
        m.completed(true);
        m.queue_depth("jobs", 7);
        let text = m.render();
        for line in [
            "esr1_coordinator_run_progress_ratio 0.25",
            "esr1_coordinator_jobs_planned 12",
            "esr1_coordinator_jobs_completed_total{outcome=\"done\"} 1",
            "esr1_coordinator_jobs_completed_total{outcome=\"failed\"} 1",
            "esr1_coordinator_queue_depth{queue=\"jobs\"} 7",
            "esr1_coordinator_queue_depth{queue=\"dead_letters\"} 0",
            "esr1_coordinator_jobs_published_total 0",
        ] {
            assert!(text.contains(line), "{line} missing:\n{text}");
        }
        assert!(text.contains("esr1_coordinator_build_info{"), "{text}");
        m.progress(0, 0);
        assert!(m.render().contains("esr1_coordinator_run_progress_ratio 1"));
    }
}
