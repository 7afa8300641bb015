//! Monitoring against the real processes: a worker and a coordinator on the real broker run a
//! small cohort, both `/metrics` endpoints are scraped, and (1) the job counters moved by
//! exactly the number of jobs, (2) every metric that a Grafana dashboard or a Prometheus rule
//! in `deploy/` names is exported by one of them, (3) `promtool check metrics` accepts both
//! scrapes (when promtool is installed; `scripts/check-deploy.sh` installs it).

use crate::broker::{amqp_url, bin, cleanup, metric_value, scrape, unique, Worker};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `esr1_…` and `process_…` identifiers in a text (metric names of dashboards and rules).
fn metric_names(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = text.as_bytes();
    for prefix in ["esr1_", "process_"] {
        let mut i = 0;
        while let Some(pos) = text[i..].find(prefix) {
            let start = i + pos;
            let preceded = start > 0
                && (bytes[start - 1].is_ascii_alphanumeric()
                    || bytes[start - 1] == b':'
                    || bytes[start - 1] == b'_');
            let mut end = start;
            while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
                end += 1;
            }
            if !preceded {
                out.insert(text[start..end].to_owned());
            }
            i = end;
        }
    }
    out
}

/// Sample names of an exposition.
fn exported(body: &str) -> BTreeSet<String> {
    body.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split(['{', ' ']).next())
        .map(str::to_owned)
        .collect()
}

/// A coordinator process running the cohort through the broker, serving its metrics and
/// keeping them for a minute after the run.
struct Coordinator {
    child: Child,
    stdout: std::path::PathBuf,
    stderr: std::path::PathBuf,
}

impl Coordinator {
    fn start(dir: &Path, sheet: &Path, reference: &Path, url: &str, prefix: &str) -> Self {
        let (stdout, stderr) = (dir.join("coordinator.out"), dir.join("coordinator.err"));
        let file = |p: &Path| std::fs::File::create(p).unwrap_or_else(|e| panic!("{e}"));
        let child = Command::new(bin("esr1-coordinator"))
            .args(["run", "--verbose"])
            .args([
                "--amqp-url",
                url,
                "--queue-prefix",
                prefix,
                "--run-id",
                "run-mon",
            ])
            .args(["--metrics-addr", "127.0.0.1:0", "--metrics-linger", "120"])
            .arg("--samplesheet")
            .arg(sheet)
            .arg("--reference")
            .arg(reference)
            .arg("--out")
            .arg(dir.join("out"))
            .stdout(file(&stdout))
            .stderr(file(&stderr))
            .spawn()
            .unwrap_or_else(|e| panic!("esr1-coordinator: {e}"));
        Self {
            child,
            stdout,
            stderr,
        }
    }

    fn text(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_default()
    }

    /// Waits for `needle` in stdout or stderr; returns the line.
    fn wait_for(&mut self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let exited = self.child.try_wait().ok().flatten();
            let all = Self::text(&self.stdout) + &Self::text(&self.stderr);
            if let Some(l) = all.lines().find(|l| l.contains(needle)) {
                return l.to_owned();
            }
            assert!(
                exited.is_none(),
                "the coordinator exited ({exited:?}) without printing '{needle}':\n{all}"
            );
            assert!(
                start.elapsed() < Duration::from_secs(300),
                "the coordinator never printed '{needle}':\n{all}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn metrics_addr(&mut self) -> String {
        let line = self.wait_for("metrics on http://");
        line.split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap_or_default()
            .to_owned()
    }
}

impl Drop for Coordinator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the small cohort on one worker and one coordinator; returns the number of jobs and
/// both scrapes taken after the run (worker, coordinator).
fn run_and_scrape(dir: &Path, seed: u64, tag: &str) -> (usize, String, String) {
    let sim = crate::util::small_cohort(dir, seed);
    let (url, prefix) = (amqp_url(), unique(tag));
    struct Cleanup(String, String);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            cleanup(&self.0, &self.1, "run-mon");
        }
    }
    let _c = Cleanup(url.clone(), prefix.clone());
    let worker = Worker::start(&url, &prefix, 0, &dir.join("worker.log"));
    let mut coordinator = Coordinator::start(dir, &sim.samplesheet, &sim.reference, &url, &prefix);
    let addr = coordinator.metrics_addr();
    coordinator.wait_for("reports written to");
    let jobs: usize = std::fs::read_to_string(dir.join("out/jobs.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["job_ids"].as_array().map(Vec::len))
        .unwrap_or_else(|| panic!("no job ids in out/jobs.json"));
    (jobs, scrape(&worker.metrics_addr()), scrape(&addr))
}

#[test]
fn job_counters_of_a_worker_and_a_coordinator_move_by_exactly_the_number_of_jobs() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (jobs, worker, coordinator) = run_and_scrape(dir.path(), 41, "moncount");
    assert!(jobs > 5, "a real cohort ({jobs} jobs)");
    let n = jobs as f64;
    for (sample, want) in [
        ("esr1_coordinator_jobs_planned", n),
        ("esr1_coordinator_jobs_finished", n),
        ("esr1_coordinator_run_progress_ratio", 1.0),
        ("esr1_coordinator_jobs_published_total", n),
        ("esr1_coordinator_jobs_completed_total{outcome=\"done\"}", n),
        (
            "esr1_coordinator_jobs_completed_total{outcome=\"failed\"}",
            0.0,
        ),
        ("esr1_coordinator_jobs_dead_lettered_total", 0.0),
    ] {
        assert_eq!(metric_value(&coordinator, sample), want, "{sample}");
    }
    assert!(metric_value(&coordinator, "esr1_coordinator_merge_duration_seconds") > 0.0);
    for (sample, want) in [
        ("esr1_worker_jobs_total{outcome=\"done\"}", n),
        ("esr1_worker_jobs_total{outcome=\"failed\"}", 0.0),
        ("esr1_worker_jobs_total{outcome=\"requeued\"}", 0.0),
        ("esr1_worker_job_duration_seconds_count", n),
        ("esr1_worker_jobs_in_flight", 0.0),
        ("esr1_worker_ready", 1.0),
    ] {
        assert_eq!(metric_value(&worker, sample), want, "{sample}");
    }
    // Every job read its BAM and wrote its result through the metered local storage.
    let ok = metric_value(
        &worker,
        "esr1_worker_storage_requests_total{backend=\"local\",outcome=\"ok\"}",
    );
    assert!(ok >= 2.0 * n, "{ok} storage requests for {jobs} jobs");
    assert!(
        metric_value(
            &worker,
            "esr1_worker_storage_bytes_total{backend=\"local\",direction=\"written\"}"
        ) > 0.0
    );
}

#[test]
fn dashboards_and_alerts_use_only_metrics_the_real_processes_export() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (_, worker, coordinator) = run_and_scrape(dir.path(), 42, "monnames");
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy");
    let mut files = vec![deploy.join("prometheus/rules.yml")];
    let mut dashboards: Vec<_> = std::fs::read_dir(deploy.join("grafana"))
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    dashboards.sort();
    assert!(
        dashboards.len() >= 2,
        "one dashboard per role: {dashboards:?}"
    );
    files.extend(dashboards);
    let (from_worker, from_coordinator) = (exported(&worker), exported(&coordinator));
    let mut checked = BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{e}"));
        for name in metric_names(&text) {
            assert!(
                from_worker.contains(&name) || from_coordinator.contains(&name),
                "{} uses {name}, which neither the worker nor the coordinator exports",
                file.display()
            );
            checked.insert(name);
        }
    }
    for must in [
        "esr1_worker_jobs_total",
        "esr1_coordinator_run_progress_ratio",
        "esr1_coordinator_queue_depth",
        "process_cpu_seconds_total",
    ] {
        assert!(checked.contains(must), "no dashboard or rule uses {must}");
    }
    // Both expose build info and the process metrics.
    for (body, ns) in [(&worker, "esr1_worker"), (&coordinator, "esr1_coordinator")] {
        assert!(body.contains(&format!("{ns}_build_info{{")), "{body}");
        assert!(body.contains("process_resident_memory_bytes "), "{body}");
    }
    promtool_accepts(&worker, "worker");
    promtool_accepts(&coordinator, "coordinator");
}

/// `promtool check metrics` on a scrape, when promtool is installed.
fn promtool_accepts(body: &str, who: &str) {
    use std::io::Write;
    let child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("promtool not installed: `promtool check metrics` skipped for the {who}");
        return;
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(body.as_bytes());
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "promtool check metrics refuses the {who}'s metrics:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn status_watch_follows_a_run_until_every_job_has_an_outcome_and_serves_its_progress() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().to_string_lossy().into_owned();
    let storage = crate::util::local_storage();
    // Job ids are 32 hex characters (the store refuses anything else).
    let (a, b) = (format!("{:032x}", 0xa), format!("{:032x}", 0xb));
    esr1_coordinator::manifest::write_manifest(
        storage.as_ref(),
        &out,
        &esr1_coordinator::manifest::Manifest {
            run_id: "watched".into(),
            job_ids: vec![a.clone(), b.clone()],
            run: None,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let store = esr1_worker::store::ResultStore::new(storage.clone(), &out);
    store
        .put_failure(&a, "unreadable")
        .unwrap_or_else(|e| panic!("{e}"));
    let (stdout, stderr) = (dir.path().join("watch.out"), dir.path().join("watch.err"));
    let file = |p: &Path| std::fs::File::create(p).unwrap_or_else(|e| panic!("{e}"));
    let child = Command::new(bin("esr1-coordinator"))
        .args(["status", "--verbose", "--run-id", "watched", "--out", &out])
        .args([
            "--amqp-url",
            &amqp_url(),
            "--queue-prefix",
            &unique("watch"),
        ])
        .args(["--watch", "0.3", "--metrics-addr", "127.0.0.1:0"])
        .stdout(file(&stdout))
        .stderr(file(&stderr))
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut watch = Coordinator {
        child,
        stdout,
        stderr,
    };
    let addr = watch.metrics_addr();
    watch.wait_for("1 failed, 1 pending");
    let half = scrape(&addr);
    assert_eq!(
        metric_value(&half, "esr1_coordinator_run_progress_ratio"),
        0.5
    );
    assert_eq!(metric_value(&half, "esr1_coordinator_jobs_planned"), 2.0);
    // The last job gets its outcome: the watch prints it and ends by itself, exit 0.
    store
        .put_failure(&b, "unreadable")
        .unwrap_or_else(|e| panic!("{e}"));
    watch.wait_for("2 failed, 0 pending");
    let start = Instant::now();
    let status = loop {
        if let Ok(Some(s)) = watch.child.try_wait() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "still watching");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status:?}");
}
