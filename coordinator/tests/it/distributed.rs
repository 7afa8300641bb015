//! Distributed runs against a real RabbitMQ: worker processes, faults, restarts. Each test
//! uses its own queue-name prefix and deletes its queues at the end, so tests run in parallel
//! and leave nothing behind.

use crate::broker::{amqp_url, bin, cleanup, depth, unique, PrivateBroker, Worker};
use crate::util::results_written;
use esr1_coordinator::distributed::AmqpOptions;
use esr1_coordinator::plan::PlanOptions;
use esr1_coordinator::run::{run, Backend, RunOptions, RunOutput};
use esr1_proto::{encode, RegionJob, SCHEMA_VERSION};
use esr1_simulate::SimulatedCohort;
use esr1_worker::queue::{connect, Topology};
use lapin::options::BasicPublishOptions;
use lapin::BasicProperties;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const REPORTS: [&str; 4] = ["calls.tsv", "patients.tsv", "frequencies.tsv", "qc.tsv"];
pub const LONG: Duration = Duration::from_secs(300);

fn options(
    sim: &SimulatedCohort,
    sheet: &Path,
    out: &Path,
    backend: Backend,
    run_id: &str,
) -> RunOptions {
    RunOptions {
        count: Default::default(),
        samplesheet: sheet.to_owned(),
        reference: sim.reference.clone(),
        out: out.to_string_lossy().into_owned(),
        backend,
        plan: PlanOptions::default(),
        run_id: Some(run_id.to_owned()),
        progress: false,
    }
}

pub fn embedded(sim: &SimulatedCohort, sheet: &Path, out: &Path) -> RunOutput {
    run(
        &options(
            sim,
            sheet,
            out,
            Backend::Embedded { workers: 2 },
            "embedded",
        ),
        &crate::util::local_storage(),
    )
    .unwrap_or_else(|e| panic!("{e:#}"))
}

/// Runs the coordinator on a thread; join to get its output.
fn distributed(
    sim: &SimulatedCohort,
    sheet: &Path,
    out: &Path,
    url: &str,
    prefix: &str,
    run_id: &str,
) -> std::thread::JoinHandle<RunOutput> {
    distributed_with(sim, sheet, out, AmqpOptions::new(url, prefix), run_id)
}

/// Runs the coordinator with given broker options on a thread; join to get its output.
pub fn distributed_with(
    sim: &SimulatedCohort,
    sheet: &Path,
    out: &Path,
    amqp: AmqpOptions,
    run_id: &str,
) -> std::thread::JoinHandle<RunOutput> {
    let opts = options(sim, sheet, out, Backend::Amqp(amqp), run_id);
    std::thread::spawn(move || {
        run(&opts, &crate::util::local_storage()).unwrap_or_else(|e| panic!("{e:#}"))
    })
}

pub fn assert_same_reports(a: &Path, b: &Path) {
    for f in REPORTS {
        let x = std::fs::read_to_string(a.join(f)).unwrap_or_default();
        let y = std::fs::read_to_string(b.join(f)).unwrap_or_default();
        assert!(!x.is_empty(), "{f} written");
        assert_eq!(
            x,
            y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

pub fn wait_until(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !cond() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Deletes a test's queues and exchanges when dropped.
pub struct Cleanup<'a>(pub &'a str, pub &'a str, pub &'a str);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        cleanup(self.0, self.1, self.2);
    }
}

#[test]
fn two_worker_processes_give_the_embedded_outputs() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = crate::util::small_cohort(dir.path(), 21);
    let reference = embedded(&sim, &sim.samplesheet, &dir.path().join("embedded"));
    let (url, prefix, run_id) = (amqp_url(), unique("two"), "run-two");
    let _c = Cleanup(&url, &prefix, run_id);
    let w1 = Worker::start(&url, &prefix, 0, &dir.path().join("w1.log"));
    let w2 = Worker::start(&url, &prefix, 0, &dir.path().join("w2.log"));
    let out = dir.path().join("dist");
    let result = distributed(&sim, &sim.samplesheet, &out, &url, &prefix, run_id)
        .join()
        .unwrap_or_else(|_| panic!("coordinator"));
    assert_same_reports(&dir.path().join("embedded"), &out);
    let total = reference.plan.jobs().count();
    assert_eq!(result.report.jobs_done, total);
    let (d1, d2) = (
        w1.metric("esr1_worker_jobs_total{outcome=\"done\"}"),
        w2.metric("esr1_worker_jobs_total{outcome=\"done\"}"),
    );
    assert_eq!((d1 + d2) as usize, total, "every job ran exactly once");
    assert!(d1 > 0.0 && d2 > 0.0, "both workers took jobs ({d1}, {d2})");
    // The shallow samples' jobs shared messages, as the plan grouped them.
    let mut order: Vec<RegionJob> = result.plan.jobs().cloned().collect();
    result.plan.largest_first(&mut order);
    let bundles = result.plan.bundles(&order);
    let messages =
        w1.metric("esr1_worker_messages_total") + w2.metric("esr1_worker_messages_total");
    assert_eq!(
        messages as usize,
        bundles.len(),
        "one message a bundle: {bundles:?}"
    );
    let bytes: Vec<&Vec<u64>> = result.plan.samples.iter().map(|s| &s.job_bytes).collect();
    assert!(
        bundles.len() < total,
        "some jobs shared a message: {bundles:?} (target {:?}, bytes {bytes:?})",
        result.plan.job_target
    );

    // A late duplicate of a job after the run finished is run once and acknowledged.
    let late = result
        .plan
        .jobs()
        .next()
        .cloned()
        .unwrap_or_else(|| panic!("a job"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        let (conn, ch) = connect(&url).await.unwrap_or_else(|e| panic!("{e}"));
        esr1_worker::queue::publish(
            &ch,
            &Topology::new(&prefix).jobs(),
            run_id,
            &late.job_id,
            &late,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let _ = conn.close(200, "".into()).await;
    });
    let start = std::time::Instant::now();
    while w1.job_logged(&late.job_id, "done") + w2.job_logged(&late.job_id, "done") < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the late job was never handled"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(depth(&url, &Topology::new(&prefix).dead_letters()), 0);
}

#[test]
fn a_worker_killed_mid_job_has_its_job_redelivered_and_counted_once() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = crate::util::small_cohort(dir.path(), 22);
    let reference = embedded(&sim, &sim.samplesheet, &dir.path().join("embedded"));
    let (url, prefix, run_id) = (amqp_url(), unique("kill"), "run-kill");
    let _c = Cleanup(&url, &prefix, run_id);
    let out = dir.path().join("dist");
    let coordinator = distributed(&sim, &sim.samplesheet, &out, &url, &prefix, run_id);
    // A slow worker takes a job and is killed while holding it.
    let slow = Worker::start(&url, &prefix, 60_000, &dir.path().join("slow.log"));
    let job_id = slow.started_job(LONG);
    slow.signal("KILL");
    let fast = Worker::start(&url, &prefix, 0, &dir.path().join("fast.log"));
    let result = coordinator.join().unwrap_or_else(|_| panic!("coordinator"));
    assert_same_reports(&dir.path().join("embedded"), &out);
    assert_eq!(result.report.jobs_done, reference.plan.jobs().count());
    assert!(
        fast.job_logged(&job_id, "done") > 0,
        "the killed worker's job {job_id} was redelivered"
    );
    assert_eq!(
        fast.metric("esr1_worker_jobs_total{outcome=\"done\"}") as usize,
        reference.plan.jobs().count()
    );
}

#[test]
fn sigterm_during_a_job_exits_zero_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = crate::util::small_cohort(dir.path(), 23);
    let reference = embedded(&sim, &sim.samplesheet, &dir.path().join("embedded"));
    let (url, prefix, run_id) = (amqp_url(), unique("term"), "run-term");
    let _c = Cleanup(&url, &prefix, run_id);
    let out = dir.path().join("dist");
    let coordinator = distributed(&sim, &sim.samplesheet, &out, &url, &prefix, run_id);
    let mut slow = Worker::start(&url, &prefix, 2_000, &dir.path().join("slow.log"));
    let job_id = slow.started_job(LONG);
    slow.signal("TERM");
    let status = slow
        .wait_exit(Duration::from_secs(30))
        .unwrap_or_else(|| panic!("worker still running 30 s after SIGTERM"));
    assert!(status.success(), "exit status {status:?}");
    assert!(
        slow.job_logged(&job_id, "done") > 0,
        "the job in hand was finished:\n{}",
        slow.log_text()
    );
    let _rest = Worker::start(&url, &prefix, 0, &dir.path().join("rest.log"));
    let result = coordinator.join().unwrap_or_else(|_| panic!("coordinator"));
    assert_eq!(result.report.jobs_done, reference.plan.jobs().count());
    assert_same_reports(&dir.path().join("embedded"), &out);
}

#[test]
fn poison_messages_are_dead_lettered_and_the_run_completes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = crate::util::small_cohort(dir.path(), 24);
    let (url, prefix, run_id) = (amqp_url(), unique("poison"), "run-poison");
    let _c = Cleanup(&url, &prefix, run_id);
    // Two poison messages ahead of the run's jobs: not JSON, and an unknown schema version.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        let (conn, ch) = connect(&url).await.unwrap_or_else(|e| panic!("{e}"));
        let t = Topology::new(&prefix);
        t.declare(&ch).await.unwrap_or_else(|e| panic!("{e}"));
        let mut future: serde_json::Value =
            serde_json::from_slice(&encode(&sample_job())).unwrap_or_default();
        future["schema_version"] = serde_json::json!(SCHEMA_VERSION + 1);
        for body in [b"{not json".to_vec(), future.to_string().into_bytes()] {
            ch.basic_publish(
                t.jobs().as_str().into(),
                "poison".into(),
                BasicPublishOptions::default(),
                &body,
                BasicProperties::default(),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        }
        let _ = conn.close(200, "".into()).await;
    });
    let w = Worker::start(&url, &prefix, 0, &dir.path().join("w.log"));
    let out = dir.path().join("dist");
    let result = distributed(&sim, &sim.samplesheet, &out, &url, &prefix, run_id)
        .join()
        .unwrap_or_else(|_| panic!("coordinator"));
    assert_eq!(result.report.jobs_failed, 0);
    assert_eq!(
        w.metric("esr1_worker_jobs_total{outcome=\"dead_lettered\"}"),
        2.0
    );
    assert_eq!(
        depth(&url, &Topology::new(&prefix).dead_letters()),
        2,
        "both poison messages are in the dead-letter queue"
    );
    assert!(
        w.log_text().contains("schema_version"),
        "the reason is logged:\n{}",
        w.log_text()
    );
}

fn sample_job() -> RegionJob {
    RegionJob::new(
        &esr1_proto::RunContext {
            run_id: "other".into(),
            reference: "/nonexistent.fa".into(),
            params: Default::default(),
            model_version: "m".into(),
            output: "/nonexistent".into(),
        },
        esr1_proto::SampleRef {
            patient: "P".into(),
            sample: "S".into(),
            day: 0,
            material: esr1_proto::Material::Tumor,
            therapy: "AI".into(),
            alignments: "/nonexistent.bam".into(),
            index: None,
        },
        esr1_proto::GenomicRegion {
            contig: "chr6".into(),
            start: 1,
            end: 10,
        },
        vec![],
    )
}

#[test]
fn a_corrupt_bam_fails_its_sample_once_and_the_others_complete() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = crate::util::small_cohort(dir.path(), 25);
    let bam = dir.path().join("cohort/bams/P06_T1.bam");
    let bytes = std::fs::read(&bam).unwrap_or_default();
    let mut corrupt = bytes[..bytes.len() / 2].to_vec();
    corrupt.extend(std::iter::repeat_n(0x5a, 4096));
    std::fs::write(&bam, corrupt).unwrap_or_else(|e| panic!("{e}"));
    // Re-index time: the index must not look older than the BAM, or planning refuses the
    // sample before any worker sees it (tested elsewhere).
    let bai = dir.path().join("cohort/bams/P06_T1.bam.bai");
    let index = std::fs::read(&bai).unwrap_or_default();
    std::fs::write(&bai, index).unwrap_or_else(|e| panic!("{e}"));
    let (url, prefix, run_id) = (amqp_url(), unique("corrupt"), "run-corrupt");
    let _c = Cleanup(&url, &prefix, run_id);
    let w = Worker::start(&url, &prefix, 0, &dir.path().join("w.log"));
    let out = dir.path().join("dist");
    let result = distributed(&sim, &sim.samplesheet, &out, &url, &prefix, run_id)
        .join()
        .unwrap_or_else(|_| panic!("coordinator"));
    let qc = crate::util::read_tsv(&out.join("qc.tsv"));
    let failed: Vec<_> = qc.iter().filter(|q| q["status"] == "failed").collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["sample"], "P06_T1");
    assert!(
        failed[0]["reason"].contains("P06_T1.bam"),
        "{}",
        failed[0]["reason"]
    );
    assert!(result.report.jobs_failed >= 1);
    assert_eq!(
        w.metric("esr1_worker_jobs_total{outcome=\"failed\"}") as usize,
        result.report.jobs_failed
    );
    assert_eq!(
        w.metric("esr1_worker_jobs_total{outcome=\"requeued\"}"),
        0.0,
        "no redelivery of a permanent failure"
    );
    assert_eq!(qc.iter().filter(|q| q["status"] == "ok").count(), 20);
}

#[test]
fn a_coordinator_killed_halfway_resumes_without_duplicated_work() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = crate::util::small_cohort(dir.path(), 26);
    let reference = embedded(&sim, &sim.samplesheet, &dir.path().join("embedded"));
    let total = reference.plan.jobs().count();
    let (url, prefix, run_id) = (amqp_url(), unique("restart"), "run-restart");
    let _c = Cleanup(&url, &prefix, run_id);
    let w1 = Worker::start(&url, &prefix, 100, &dir.path().join("w1.log"));
    let w2 = Worker::start(&url, &prefix, 100, &dir.path().join("w2.log"));
    let out = dir.path().join("dist");
    let coordinator = || {
        Command::new(bin("esr1-coordinator"))
            .args([
                "run",
                "--quiet",
                "--amqp-url",
                &url,
                "--queue-prefix",
                &prefix,
                "--run-id",
                run_id,
            ])
            .arg("--samplesheet")
            .arg(&sim.samplesheet)
            .arg("--reference")
            .arg(&sim.reference)
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let mut first = coordinator();
    wait_until("a third of the results", LONG, || {
        results_written(&out) >= total / 3
    });
    let _ = first.kill();
    let _ = first.wait();
    let halfway = results_written(&out);
    assert!(
        halfway < total,
        "the coordinator was killed before the end ({halfway}/{total})"
    );
    let mut second = coordinator();
    let status = second.wait().unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success());
    assert_same_reports(&dir.path().join("embedded"), &out);
    let done = w1.metric("esr1_worker_jobs_total{outcome=\"done\"}")
        + w2.metric("esr1_worker_jobs_total{outcome=\"done\"}");
    assert_eq!(done as usize, total, "no job ran twice");
    let published = esr1_coordinator::distributed::published_count(
        &crate::util::local_storage(),
        &out.to_string_lossy(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(published, total, "each job published once");
}

#[test]
fn workers_and_coordinator_survive_a_broker_restart() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = crate::util::small_cohort(dir.path(), 27);
    let reference = embedded(&sim, &sim.samplesheet, &dir.path().join("embedded"));
    let total = reference.plan.jobs().count();
    let node_dir: PathBuf = std::env::temp_dir().join(format!("esr1-rmq-{}", std::process::id()));
    let broker = PrivateBroker::start(&node_dir);
    let (url, prefix, run_id) = (broker.url(), unique("bounce"), "run-bounce");
    let w1 = Worker::start(&url, &prefix, 100, &dir.path().join("w1.log"));
    let _w2 = Worker::start(&url, &prefix, 100, &dir.path().join("w2.log"));
    let out = dir.path().join("dist");
    let coordinator = distributed(&sim, &sim.samplesheet, &out, &url, &prefix, run_id);
    wait_until("some results", LONG, || results_written(&out) >= total / 4);
    broker.ctl(&["stop_app"]);
    std::thread::sleep(Duration::from_secs(2));
    broker.ctl(&["start_app"]);
    let result = coordinator.join().unwrap_or_else(|_| panic!("coordinator"));
    assert_eq!(result.report.jobs_done, total);
    assert_same_reports(&dir.path().join("embedded"), &out);
    assert!(
        w1.log_text().contains("reconnecting"),
        "the worker lost and regained the broker:\n{}",
        w1.log_text()
    );
    // The run can end on the other worker's reconnection while this one still waits out its
    // back-off between attempts; it must regain the broker all the same.
    let start = std::time::Instant::now();
    while w1.metric("esr1_worker_broker_connections_total") < 2.0 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the first worker did not reconnect within a minute:\n{}",
            w1.log_text()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The coordinator connects to the broker while it plans; a rerun whose every result is
/// already stored must still need no broker at all.
#[test]
fn a_rerun_with_every_result_stored_needs_no_broker() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = crate::util::small_cohort(dir.path(), 23);
    let (url, prefix, run_id) = (amqp_url(), unique("stored"), "run-stored");
    let _c = Cleanup(&url, &prefix, run_id);
    let out = dir.path().join("out");
    let first = {
        let _w = Worker::start(&url, &prefix, 0, &dir.path().join("w.log"));
        distributed(&sim, &sim.samplesheet, &out, &url, &prefix, run_id)
            .join()
            .unwrap_or_else(|_| panic!("first run"))
    };
    let jobs = first.plan.jobs().count();
    assert!(jobs > 0, "the cohort has jobs");
    let calls = std::fs::read_to_string(out.join("calls.tsv")).unwrap_or_default();
    // Nothing listens on port 1: every attempt to reach the broker is refused.
    let mut gone = AmqpOptions::new("amqp://guest:guest@127.0.0.1:1/%2f", &prefix);
    gone.connect_timeout = Duration::from_secs(2);
    let again = distributed_with(&sim, &sim.samplesheet, &out, gone, run_id)
        .join()
        .unwrap_or_else(|_| panic!("the rerun needed the broker"));
    assert_eq!(again.reused_jobs, jobs, "every job's result reused");
    assert_eq!(
        std::fs::read_to_string(out.join("calls.tsv")).unwrap_or_default(),
        calls,
        "the rerun's calls are the first run's"
    );
}
