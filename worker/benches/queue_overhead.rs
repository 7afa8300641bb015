//! Queue overhead per job on a real broker: the coordinator publishes a job with a confirm, a
//! worker receives it (prefetch 1), publishes the completion event with a confirm and acks,
//! and the coordinator receives the event (without acknowledging it, as the coordinator
//! takes events) — everything but the counting itself.
//!
//! `cargo bench -p esr1-worker --bench queue_overhead` (broker from `ESR1_BENCH_AMQP_URL`,
//! default guest@127.0.0.1:5672). Prints sequential round-trip percentiles and pipelined
//! throughput, and the publish rate with confirms, one at a time and pipelined. With
//! `ESR1_BENCH_BROKER_PID` (the broker's process, e.g. from `ss -ltnp 'sport = :5672'`), also
//! the broker's CPU milliseconds per job of each part (user + system, from `/proc`). With
//! `ESR1_BENCH_JOBS_QUEUE=classic` (or `transient`), the jobs queue is a classic durable (or
//! non-durable) queue instead of the quorum queue runs use: what the quorum queue's
//! replicated, synced log (or any disk write) adds. Then the same sequential round trips with
//! [`BUNDLE`] jobs in one message (as the coordinator bundles small jobs), per message and per
//! job: what a bundle saves of the broker's work per job.

use esr1_proto::{EventKind, JobEvent, RegionJob};
use esr1_worker::queue::{
    connect, publish, publish_bundles, publish_event, publish_jobs, Topology, CONFIRM_WINDOW,
};
use futures_lite::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicQosOptions, ExchangeDeleteOptions, QueueBindOptions,
    QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::FieldTable;
use std::time::{Duration, Instant};

fn job(i: usize) -> RegionJob {
    RegionJob::new(
        &esr1_proto::RunContext {
            run_id: "bench".into(),
            reference: "/ref.fa.gz".into(),
            params: Default::default(),
            model_version: "bench".into(),
            output: "/out".into(),
        },
        esr1_proto::SampleRef {
            patient: "P".into(),
            sample: format!("S{i}"),
            day: 0,
            material: esr1_proto::Material::Cfdna,
            therapy: "AI".into(),
            alignments: format!("s3://bucket/cohort/S{i}.bam"),
            index: None,
        },
        esr1_proto::GenomicRegion {
            contig: "chr6".into(),
            start: 151_656_691,
            end: 151_756_690,
        },
        vec![152_098_788, 152_098_791],
    )
}

/// The broker's user + system CPU seconds so far, when its process is known and readable.
fn broker_cpu() -> Option<f64> {
    let pid = std::env::var("ESR1_BENCH_BROKER_PID").ok()?;
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).ok()?;
    // Fields after the command (which may hold spaces) end with ')'; utime and stime are the
    // 14th and 15th fields, in clock ticks of 1/100 s (USER_HZ on Linux).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some((f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?) / 100.0)
}

/// " (broker X ms CPU per job)" since `since`, or nothing when the broker is not measured.
fn broker_per_job(since: Option<f64>, jobs: usize) -> String {
    match (since, broker_cpu()) {
        (Some(a), Some(b)) => format!(
            " (broker {:.3} ms CPU per job)",
            (b - a) * 1e3 / jobs as f64
        ),
        _ => String::new(),
    }
}

/// Jobs in one message in the bundled round trips.
const BUNDLE: usize = 8;

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("ESR1_BENCH_AMQP_URL")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into());
    let prefix = format!("bench{}", std::process::id());
    let run = "bench";
    let t = Topology::new(&prefix);
    let (coord_conn, coord) = connect(&url).await?;
    t.declare(&coord).await?;
    t.declare_run(&coord, run).await?;
    let kind = std::env::var("ESR1_BENCH_JOBS_QUEUE").unwrap_or_default();
    if !matches!(kind.as_str(), "" | "quorum" | "classic" | "transient") {
        return Err(format!(
            "ESR1_BENCH_JOBS_QUEUE={kind:?}: expected quorum (the default), classic or transient"
        )
        .into());
    }
    if kind == "classic" || kind == "transient" {
        // What the quorum queue's durability costs: the same round trips through a classic
        // durable queue (no replicated log; persistent messages still synced before their
        // confirm) or a transient one (nothing written to disk).
        coord
            .queue_delete(t.jobs().as_str().into(), QueueDeleteOptions::default())
            .await?;
        coord
            .queue_declare(
                t.jobs().as_str().into(),
                QueueDeclareOptions {
                    durable: kind == "classic",
                    ..QueueDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await?;
        coord
            .queue_bind(
                t.jobs().as_str().into(),
                t.jobs().as_str().into(),
                "#".into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
        println!("jobs queue: {kind} (ESR1_BENCH_JOBS_QUEUE), not quorum");
    }
    let (worker_conn, worker) = connect(&url).await?;
    worker.basic_qos(1, BasicQosOptions::default()).await?;

    // The worker: receive, publish the event with confirm, ack.
    let mut jobs = worker
        .basic_consume(
            t.jobs().as_str().into(),
            "bench-worker".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let topology = t.clone();
    let worker_task = tokio::spawn(async move {
        while let Some(Ok(d)) = jobs.next().await {
            // One job or a bundle, read as the daemon reads them: an event for each job, then
            // the ack.
            let jobs = match esr1_worker::untrusted::decode_jobs(&d.data) {
                Ok(jobs) => jobs,
                Err(e) => {
                    eprintln!("the bench worker refused a message: {}", e.message);
                    return;
                }
            };
            for job in &jobs {
                let event = JobEvent::new(
                    run,
                    &job.job_id,
                    &job.sample.sample,
                    EventKind::Done {
                        result_key: format!("{}.result.json", job.job_id),
                    },
                    "bench",
                );
                if publish_event(&worker, &topology, &event).await.is_err() {
                    return;
                }
            }
            let _ = d.ack(BasicAckOptions::default()).await;
        }
    });
    let mut events = coord
        .basic_consume(
            t.run_events(run).as_str().into(),
            "bench-coordinator".into(),
            BasicConsumeOptions {
                no_ack: true,
                ..BasicConsumeOptions::default()
            },
            FieldTable::default(),
        )
        .await?;

    // Warm up, then sequential round trips: one job in flight at a time.
    let n = 1000;
    let mut lat = Vec::with_capacity(n);
    let mut broker_start = None;
    for i in 0..(n + 50) {
        if i == 50 {
            broker_start = broker_cpu();
        }
        let j = job(i);
        let start = Instant::now();
        publish(&coord, &t.jobs(), run, &j.job_id, &j).await?;
        events.next().await.ok_or("events ended")??;
        if i >= 50 {
            lat.push(start.elapsed());
        }
    }
    let broker_sequential = broker_per_job(broker_start, n);
    lat.sort();
    println!("sequential round trip (publish+confirm → deliver → event publish+confirm → ack → event received), n={n}:");
    println!(
        "  p50 {:.2} ms  p95 {:.2} ms  p99 {:.2} ms  mean {:.2} ms{broker_sequential}",
        percentile(&lat, 0.5),
        percentile(&lat, 0.95),
        percentile(&lat, 0.99),
        lat.iter().map(Duration::as_secs_f64).sum::<f64>() / n as f64 * 1e3
    );

    // The same round trips with BUNDLE jobs in one message: publish the bundle with its
    // confirm, then wait for every job's event.
    let messages = n / BUNDLE;
    let mut lat = Vec::with_capacity(messages);
    let broker_start = broker_cpu();
    for m in 0..messages {
        let bundle: Vec<RegionJob> = (0..BUNDLE).map(|i| job(50_000 + m * BUNDLE + i)).collect();
        let refs: Vec<&RegionJob> = bundle.iter().collect();
        let start = Instant::now();
        publish_bundles(&coord, &t.jobs(), run, &[&refs], None, |_| {}).await?;
        for _ in 0..BUNDLE {
            events.next().await.ok_or("events ended")??;
        }
        lat.push(start.elapsed());
    }
    let broker_bundled = broker_per_job(broker_start, messages * BUNDLE);
    lat.sort();
    println!("bundled round trip, {BUNDLE} jobs a message (each job's event received), n={messages} messages:");
    println!(
        "  per message p50 {:.2} ms  p99 {:.2} ms; per job p50 {:.2} ms  mean {:.2} ms{broker_bundled}",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        percentile(&lat, 0.5) / BUNDLE as f64,
        lat.iter().map(Duration::as_secs_f64).sum::<f64>() / (messages * BUNDLE) as f64 * 1e3
    );

    // Pipelined: publish everything (each confirm awaited, as the coordinator does) while the
    // worker drains; time until the last event arrives.
    let broker_start = broker_cpu();
    let start = Instant::now();
    let publisher = {
        let coord = coord.clone();
        let jobs_exchange = t.jobs();
        tokio::spawn(async move {
            for i in 0..n {
                let j = job(100_000 + i);
                if publish(&coord, &jobs_exchange, run, &j.job_id, &j)
                    .await
                    .is_err()
                {
                    break;
                }
            }
        })
    };
    let mut published_in = Duration::ZERO;
    for k in 0..n {
        events.next().await.ok_or("events ended")??;
        if k == 0 {
            published_in = start.elapsed();
        }
    }
    let total = start.elapsed();
    let _ = publisher.await;
    println!(
        "pipelined, n={n}: {:.0} jobs/s end to end ({:.2} ms per job; first event after {:.2} ms){}",
        n as f64 / total.as_secs_f64(),
        total.as_secs_f64() * 1e3 / n as f64,
        published_in.as_secs_f64() * 1e3,
        broker_per_job(broker_start, n)
    );

    worker_task.abort();
    // Publishing alone, no worker consuming: one confirm awaited per job (as before) against
    // the coordinator's pipelined confirms (`publish_jobs`), same jobs, same queue.
    let serial_n = 2_000;
    let serial: Vec<RegionJob> = (0..serial_n).map(|i| job(200_000 + i)).collect();
    let start = Instant::now();
    for j in &serial {
        publish(&coord, &t.jobs(), run, &j.job_id, j).await?;
    }
    let serial_rate = serial_n as f64 / start.elapsed().as_secs_f64();
    let piped_n = 20_000;
    let piped: Vec<RegionJob> = (0..piped_n).map(|i| job(300_000 + i)).collect();
    let refs: Vec<&RegionJob> = piped.iter().collect();
    let mut confirmed = 0usize;
    let broker_start = broker_cpu();
    let start = Instant::now();
    publish_jobs(&coord, &t.jobs(), run, &refs, None, |_| confirmed += 1).await?;
    let piped_rate = piped_n as f64 / start.elapsed().as_secs_f64();
    let broker_publishing = broker_per_job(broker_start, piped_n);
    assert_eq!(confirmed, piped_n, "every job confirmed");
    println!(
        "publishing with confirms, no consumer: one at a time {serial_rate:.0} jobs/s (n={serial_n}); \
         pipelined (window {CONFIRM_WINDOW}) {piped_rate:.0} jobs/s (n={piped_n}), {:.1}x{broker_publishing}",
        piped_rate / serial_rate
    );
    for q in t.queues(Some(run)) {
        let _ = coord
            .queue_delete(q.as_str().into(), QueueDeleteOptions::default())
            .await;
    }
    for e in [t.jobs(), t.dead_letter_exchange(), t.events_exchange()] {
        let _ = coord
            .exchange_delete(e.as_str().into(), ExchangeDeleteOptions::default())
            .await;
    }
    let _ = worker_conn.close(200, "".into()).await;
    let _ = coord_conn.close(200, "".into()).await;
    Ok(())
}
