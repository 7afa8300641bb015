//! A broker that lost the jobs queue while no coordinator ran, on a real RabbitMQ: the
//! restarted coordinator finds its published jobs neither queued nor done, publishes them
//! again and the run completes; a finished run deletes its queues, and `status --cleanup`
//! deletes those a dead coordinator left.

use crate::broker::{amqp_url, bin, unique, with_channel, Worker};
use crate::distributed::{assert_same_reports, embedded, wait_until, Cleanup, LONG};
use esr1_worker::queue::Topology;
use lapin::options::{QueueDeclareOptions, QueueDeleteOptions};
use lapin::types::FieldTable;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Whether a queue exists (a passive declare; its failure closes only that channel).
fn queue_exists(url: &str, queue: &str) -> bool {
    with_channel(url, async |ch| {
        let passive = QueueDeclareOptions {
            passive: true,
            ..QueueDeclareOptions::default()
        };
        ch.queue_declare(queue.into(), passive, FieldTable::default())
            .await
            .is_ok()
    })
}

#[test]
fn a_lost_jobs_queue_after_a_coordinator_restart_is_republished_and_the_run_completes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = crate::util::small_cohort(dir.path(), 29);
    let reference = embedded(&sim, &sim.samplesheet, &dir.path().join("embedded"));
    let total = reference.plan.jobs().count();
    let (url, prefix, run_id) = (amqp_url(), unique("lost"), "run-lost");
    let _c = Cleanup(&url, &prefix, run_id);
    let t = Topology::new(&prefix);
    let out = dir.path().join("dist");
    let log = dir.path().join("coordinator.log");
    let coordinator = || {
        let file = std::fs::File::create(&log).unwrap_or_else(|e| panic!("{e}"));
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
                "--republish-after",
                "3",
            ])
            .arg("--samplesheet")
            .arg(&sim.samplesheet)
            .arg("--reference")
            .arg(&sim.reference)
            .arg("--out")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    // No worker yet: the first coordinator publishes every job, then dies.
    let mut first = coordinator();
    let published = || {
        esr1_coordinator::distributed::published_count(
            &crate::util::local_storage(),
            &out.to_string_lossy(),
        )
        .unwrap_or(0)
    };
    wait_until("every job published", LONG, || published() == total);
    let _ = first.kill();
    let _ = first.wait();
    // The broker loses the jobs queue (a non-replicated queue on a replaced node, a purge).
    with_channel(&url, async |ch| {
        ch.queue_delete(t.jobs().as_str().into(), QueueDeleteOptions::default())
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    });
    let w1 = Worker::start(&url, &prefix, 0, &dir.path().join("w1.log"));
    let w2 = Worker::start(&url, &prefix, 0, &dir.path().join("w2.log"));
    let mut second = coordinator();
    let start = Instant::now();
    let status = loop {
        if let Ok(Some(status)) = second.try_wait() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(240) {
            let _ = second.kill();
            panic!(
                "the restarted coordinator waits forever for lost jobs:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(status.success(), "{status}:\n{text}");
    assert!(
        text.contains(&format!(
            "{total} published jobs are neither queued nor done"
        )),
        "{text}"
    );
    assert_same_reports(&dir.path().join("embedded"), &out);
    let done = w1.metric("esr1_worker_jobs_total{outcome=\"done\"}")
        + w2.metric("esr1_worker_jobs_total{outcome=\"done\"}");
    assert_eq!(done as usize, total, "every lost job ran once");

    // The finished run deleted its queues.
    for q in [t.run_events(run_id), t.run_dead_letters(run_id)] {
        assert!(!queue_exists(&url, &q), "{q} left on the broker");
    }
    // Queues a dead coordinator left are deleted by `status --cleanup`.
    with_channel(&url, async |ch| {
        t.declare_run(ch, run_id)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    });
    assert!(queue_exists(&url, &t.run_events(run_id)));
    let status = Command::new(bin("esr1-coordinator"))
        .args([
            "status",
            "--amqp-url",
            &url,
            "--queue-prefix",
            &prefix,
            "--run-id",
            run_id,
            "--cleanup",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(
        stdout.contains(&format!("deleted queue {}", t.run_events(run_id))),
        "{stdout}"
    );
    for q in [t.run_events(run_id), t.run_dead_letters(run_id)] {
        assert!(!queue_exists(&url, &q), "{q} left after status --cleanup");
    }
}
