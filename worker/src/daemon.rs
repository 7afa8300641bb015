//! The worker daemon: consume region jobs from RabbitMQ, run them, store the result, publish
//! the event with a confirm, and only then acknowledge.
//!
//! * Transient failure → nack with requeue (the quorum queue's delivery limit bounds retries).
//! * Permanent failure (unreadable file, missing index, wrong build) → failure record and
//!   event, then ack: never an endless redelivery loop.
//! * Undecodable or refused message (unsigned or wrongly signed while the worker has a key:
//!   see [`crate::signing`]; over 1 MiB, an id that is not its content's digest, a location
//!   with `..`: see [`crate::untrusted`]) → to the dead-letter exchange with the reason in a
//!   header, logged once, nothing written.
//! * Connection lost → the whole session is retried; every (re)connection has the
//!   `--connect-timeout` budget (jittered back-off, a log line per attempt), after which the
//!   daemon stops with an error naming the broker (exit 3): an orchestrator restarts it.
//! * One job counts at a time (one counting slot); with a prefetch of 2 or more the next one
//!   counts while the last one's result is stored, its event published and it is
//!   acknowledged, so the core does not wait on the write and the round trips.
//! * A message may hold a bundle of small jobs ([`esr1_proto::JobBundle`]): they run one
//!   after another, each with its own result, event and log lines, and the message is
//!   acknowledged once all of them are settled; when one fails transiently or shutdown stops
//!   the bundle, the whole message is requeued (results are keyed by job id, so the jobs run
//!   again store the same results).
//! * Shutdown (SIGTERM/SIGINT) → stop consuming, finish the jobs in hand (counting or
//!   settling), requeue those not started, close, return.

use crate::error::{FailureKind, JobError};
use crate::job::{run_job, Caches};
use crate::metrics::WorkerMetrics;
use crate::queue::{
    connect_within, publish_body, publish_event, redact, ConnectError, Context, QueueError,
    Topology, REFUSED_HEADER,
};
use crate::signing::{JobKey, SIGNATURE_HEADER};
use crate::storage::SharedStorage;
use crate::store::ResultStore;
use crate::untrusted::decode_jobs;
use esr1_proto::{EventKind, JobEvent, RegionJob, RegionResult};
use futures_lite::StreamExt;
use futures_util::future::join_all;
use futures_util::stream::FuturesUnordered;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions,
    BasicRejectOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::Channel;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Semaphore};
use tracing::Instrument;

/// Daemon settings.
#[derive(Debug, Clone)]
pub struct DaemonConfig {
    /// Broker URL.
    pub amqp_url: String,
    /// How long one (re)connection to the broker is retried before the daemon gives up.
    pub connect_timeout: Duration,
    /// Exchange and queue name prefix.
    pub prefix: String,
    /// Unacknowledged deliveries held at once.
    pub prefetch: u16,
    /// Name used in events (host and pid).
    pub worker_name: String,
    /// Fault injection for tests of redelivery and shutdown: every job sleeps this long
    /// before it runs (`ESR1_WORKER_FAULT_DELAY_MS`; 0 in production).
    pub fault_delay: Duration,
    /// When set, only jobs signed with this key are run (`ESR1_JOB_KEY`).
    pub job_key: Option<JobKey>,
}

/// Runs one job with the worker's caches, turning a panic into a permanent failure of that
/// job that names the file being read and what gave way: a decoder's assertion on bytes it
/// did not expect (a malformed file) or a bug of ours.
pub fn execute(
    job: &RegionJob,
    storage: &SharedStorage,
    caches: &Caches,
) -> Result<RegionResult, JobError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_job(job, storage.as_ref(), caches)
    })) {
        Ok(r) => r,
        Err(payload) => Err(panicked(job, payload.as_ref())),
    }
}

/// The failure of a job whose counting panicked, with the panic's message (bounded).
fn panicked(job: &RegionJob, payload: &(dyn std::any::Any + Send)) -> JobError {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message");
    let what: String = what.chars().take(300).collect();
    JobError::permanent(format!(
        "reading {} failed while counting {} of sample {}: {what} (the file or its index may \
         be malformed: check it with samtools quickcheck and samtools view; if they read it, \
         this is a bug: please report it)",
        job.sample.alignments, job.region, job.sample.sample
    ))
}

/// Stores a job's outcome in its run's output location; returns the event to publish, or
/// `None` for a transient failure (the job should be retried, nothing is stored).
pub fn store_outcome(
    job: &RegionJob,
    outcome: Result<RegionResult, JobError>,
    worker: &str,
    storage: &SharedStorage,
) -> Result<Option<JobEvent>, JobError> {
    let store = ResultStore::new(storage.clone(), &job.output);
    let failed_store = |e: crate::storage::StorageError| {
        let msg = format!("cannot write to the result store {}: {e}", job.output);
        if e.is_transient() {
            JobError::transient(msg)
        } else {
            JobError::permanent(msg)
        }
    };
    let kind = match outcome {
        Ok(result) => EventKind::Done {
            result_key: store.put_result(&result).map_err(failed_store)?,
        },
        Err(e) if e.kind == FailureKind::Permanent => {
            store
                .put_failure(&job.job_id, &e.message)
                .map_err(failed_store)?;
            EventKind::Failed { reason: e.message }
        }
        Err(_) => return Ok(None),
    };
    Ok(Some(JobEvent::new(
        &job.run_id,
        &job.job_id,
        &job.sample.sample,
        kind,
        worker,
    )))
}

/// Runs the daemon until `shutdown` turns true (`Ok`), or until the broker cannot be reached
/// within the connect budget (`Err`). A lost connection is made again, with a new budget.
pub async fn run_daemon(
    config: DaemonConfig,
    storage: SharedStorage,
    metrics: Arc<WorkerMetrics>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), ConnectError> {
    let caches = Arc::new(Caches::default());
    loop {
        if *shutdown.borrow() {
            return Ok(());
        }
        let connected = tokio::select! {
            c = connect_within(&config.amqp_url, config.connect_timeout) => c?,
            _ = shutdown.changed() => return Ok(()),
        };
        metrics.connections.inc();
        match session(
            connected,
            &config,
            &storage,
            &caches,
            &metrics,
            &mut shutdown,
        )
        .await
        {
            Ok(()) => return Ok(()),
            Err(e) => {
                metrics.ready.set(0);
                tracing::warn!(
                    broker = %redact(&config.amqp_url),
                    error = %e,
                    "lost the broker; reconnecting"
                );
            }
        }
    }
}

async fn session(
    (conn, ch): (lapin::Connection, Channel),
    config: &DaemonConfig,
    storage: &SharedStorage,
    caches: &Arc<Caches>,
    metrics: &WorkerMetrics,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<(), QueueError> {
    let topology = Topology::new(&config.prefix);
    topology.declare(&ch).await?;
    ch.basic_qos(config.prefetch.max(1), BasicQosOptions::default())
        .await
        .context("setting prefetch")?;
    let tag = format!("esr1-worker-{}", config.worker_name);
    let mut consumer = ch
        .basic_consume(
            topology.jobs().as_str().into(),
            tag.as_str().into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await
        .context(format!("consuming {}", topology.jobs()))?;
    metrics.ready.set(1);
    tracing::info!(
        worker = %config.worker_name,
        queue = %topology.jobs(),
        prefetch = config.prefetch,
        "consuming jobs"
    );
    // One job counts at a time; the jobs before it store their results, publish their events
    // and are acknowledged meanwhile (with a prefetch of 2 or more), so the core is not idle
    // during a job's write and round trips.
    let compute = Semaphore::new(1);
    let handler = Consumer {
        config,
        storage,
        caches,
        metrics,
        ch: &ch,
        compute: &compute,
    };
    let mut in_hand = FuturesUnordered::new();
    let most = usize::from(config.prefetch.max(1));
    loop {
        tokio::select! {
            biased;
            _ = shutdown.changed() => {
                metrics.ready.set(0);
                // The jobs in hand are finished; those still waiting for the counting slot are
                // requeued (and any prefetched later ones when the channel closes).
                compute.close();
                let _ = ch.basic_cancel(tag.as_str().into(), BasicCancelOptions::default()).await;
                let mut finished = Ok(());
                while let Some(done) = in_hand.next().await {
                    finished = finished.and(done);
                }
                let _ = ch.close(200, "worker shutting down".into()).await;
                let _ = conn.close(200, "worker shutting down".into()).await;
                return finished;
            }
            Some(done) = in_hand.next(), if !in_hand.is_empty() => done?,
            next = consumer.next(), if in_hand.len() < most => match next {
                Some(Ok(delivery)) => in_hand.push(handle(&handler, delivery)),
                Some(Err(e)) => return Err(QueueError { action: "receiving a job".into(), detail: e.to_string() }),
                None => return Err(QueueError { action: "receiving a job".into(), detail: "the broker cancelled the consumer".into() }),
            }
        }
    }
}

/// A text header of a delivery.
fn header_text(delivery: &Delivery, name: &str) -> Option<String> {
    let headers = delivery.properties.headers().as_ref()?;
    match headers.inner().get(name)? {
        AMQPValue::LongString(s) => Some(s.to_string()),
        AMQPValue::ShortString(s) => Some(s.to_string()),
        _ => None,
    }
}

/// Dead-letters a refused message with the reason in its [`REFUSED_HEADER`] (published to
/// the dead-letter exchange with the delivery's routing key, then acknowledged), so the run's
/// coordinator can say why; a plain reject when that publish fails.
async fn refuse(
    config: &DaemonConfig,
    ch: &Channel,
    delivery: Delivery,
    reason: &str,
) -> Result<(), QueueError> {
    let id = delivery
        .properties
        .message_id()
        .as_ref()
        .map(|s| s.to_string())
        .unwrap_or_else(|| "(no message id)".into());
    tracing::warn!(message_id = %id, reason = %reason, "dead-lettering a refused message");
    let mut headers = delivery.properties.headers().clone().unwrap_or_default();
    headers.insert(
        REFUSED_HEADER.into(),
        AMQPValue::LongString(
            reason
                .chars()
                .take(1000)
                .collect::<String>()
                .as_str()
                .into(),
        ),
    );
    let props = delivery.properties.clone().with_headers(headers);
    let dead = publish_body(
        ch,
        &Topology::new(&config.prefix).dead_letter_exchange(),
        delivery.routing_key.as_str(),
        &format!("refused message {id}"),
        &delivery.data,
        props,
    )
    .await;
    match dead {
        Ok(()) => delivery
            .ack(BasicAckOptions::default())
            .await
            .map(|_| ())
            .context("acknowledging a refused message"),
        Err(e) => {
            tracing::warn!(message_id = %id, error = %e, "rejecting a refused message instead");
            delivery
                .reject(BasicRejectOptions { requeue: false })
                .await
                .map(|_| ())
                .context("rejecting a refused message")
        }
    }
}

/// What every delivery of a session is handled with.
struct Consumer<'a> {
    config: &'a DaemonConfig,
    storage: &'a SharedStorage,
    caches: &'a Arc<Caches>,
    metrics: &'a WorkerMetrics,
    ch: &'a Channel,
    /// The counting slot: held while a job runs, released before its result is stored.
    compute: &'a Semaphore,
}

async fn handle(c: &Consumer<'_>, delivery: Delivery) -> Result<(), QueueError> {
    c.metrics.messages.inc();
    // Untrusted input: signature (when the worker has a key), size bound, ids recomputed,
    // no `..` locations; a refused message is dead-lettered with its reason and nothing is
    // written for it.
    let checked = match &c.config.job_key {
        Some(key) => key
            .verify(
                &delivery.data,
                header_text(&delivery, SIGNATURE_HEADER).as_deref(),
            )
            .map_err(|e| e.to_string()),
        None => Ok(()),
    };
    let jobs = match checked.and_then(|()| decode_jobs(&delivery.data).map_err(|e| e.to_string())) {
        Ok(jobs) => jobs,
        Err(reason) => {
            c.metrics.job("dead_lettered");
            return refuse(c.config, c.ch, delivery, &reason).await;
        }
    };
    // The jobs of a bundle queue for the counting slot in their order, so the next one counts
    // while the last one is stored and its event published.
    let outcomes = join_all(jobs.iter().map(|job| {
        // One span per job: every line logged while it runs carries the run and job ids.
        let span = tracing::info_span!("job", run_id = %job.run_id, job_id = %job.job_id);
        run_and_publish(c, job).instrument(span)
    }))
    .await;
    let mut settled = true;
    for outcome in outcomes {
        settled &= outcome?;
    }
    if settled {
        delivery
            .ack(BasicAckOptions::default())
            .await
            .map(|_| ())
            .context("acknowledging a job")
    } else {
        // A job failed transiently or was not started (shutting down): the whole message goes
        // back to the queue; the jobs of it that finished are run again, to the same result.
        delivery
            .nack(BasicNackOptions {
                requeue: true,
                ..BasicNackOptions::default()
            })
            .await
            .map(|_| ())
            .context("requeueing a job")
    }
}

/// Runs `task` on the blocking pool, in the current span; a task that ended abnormally is a
/// transient failure.
async fn on_blocking<T: Send + 'static>(
    task: impl FnOnce() -> Result<T, JobError> + Send + 'static,
) -> Result<T, JobError> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        task()
    })
    .await
    .unwrap_or_else(|e| {
        Err(JobError::transient(format!(
            "job task ended abnormally: {e}"
        )))
    })
}

/// Runs one job of a delivery, stores its outcome and publishes its event: `true` when that
/// is done (the job may be acknowledged), `false` when it failed transiently or was not
/// started because the worker is shutting down (its message is to be requeued).
async fn run_and_publish(c: &Consumer<'_>, job: &RegionJob) -> Result<bool, QueueError> {
    let Consumer {
        config,
        storage,
        caches,
        metrics,
        ch,
        compute,
    } = *c;
    let Ok(slot) = compute.acquire().await else {
        tracing::info!("shutting down before the job started; it goes back to the queue");
        return Ok(false);
    };
    metrics.in_flight.inc();
    let started = Instant::now();
    tracing::info!(sample = %job.sample.sample, region = %job.region, "job started");
    if !config.fault_delay.is_zero() {
        tokio::time::sleep(config.fault_delay).await;
    }
    let outcome = {
        let (job, storage, caches) = (job.clone(), storage.clone(), Arc::clone(caches));
        on_blocking(move || execute(&job, &storage, &caches)).await
    };
    drop(slot);
    let (reads, bytes) = outcome
        .as_ref()
        .map(|r| (r.qc.reads_seen, r.qc.bytes_fetched))
        .unwrap_or_default();
    let stored = {
        let (job, storage, worker) = (job.clone(), storage.clone(), config.worker_name.clone());
        on_blocking(move || store_outcome(&job, outcome, &worker, &storage)).await
    };
    metrics.job_seconds.observe(started.elapsed().as_secs_f64());
    metrics.reads.inc_by(reads);
    metrics.bytes_read.inc_by(bytes);
    metrics.in_flight.dec();
    let event = match stored {
        Ok(Some(event)) => event,
        Ok(None) => {
            tracing::warn!("job failed transiently; it will be retried");
            metrics.job("requeued");
            return Ok(false);
        }
        Err(e) => {
            tracing::warn!(error = %e, "job will be retried");
            metrics.job("requeued");
            return Ok(false);
        }
    };
    match publish_event(ch, &Topology::new(&config.prefix), &event).await {
        Ok(()) => {}
        // The run's coordinator finished and removed its events queue: the result is
        // stored, nobody waits for the event; acknowledge instead of looping.
        Err(e) if e.is_unroutable() => {
            tracing::info!("the run no longer collects events; job acknowledged");
        }
        Err(e) => return Err(e),
    }
    let seconds = started.elapsed().as_secs_f64();
    match &event.kind {
        EventKind::Failed { reason } => {
            metrics.job("failed");
            tracing::warn!(sample = %job.sample.sample, seconds, reason = %reason, "job failed")
        }
        EventKind::Done { .. } => {
            metrics.job("done");
            tracing::info!(reads, bytes, seconds, "job done")
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{ObjectMeta, Storage, StorageError};
    use std::ops::Range;

    /// Storage whose every read panics as a decoder's assertion on unexpected bytes does.
    struct Panicking;

    impl Storage for Panicking {
        fn get_range_if(
            &self,
            _: &str,
            _: Range<u64>,
            _: Option<&str>,
        ) -> Result<Vec<u8>, StorageError> {
            panic!("invalid container header");
        }
        fn get(&self, _: &str) -> Result<Vec<u8>, StorageError> {
            panic!("invalid container header");
        }
        fn put(&self, _: &str, _: &[u8]) -> Result<(), StorageError> {
            panic!("invalid container header");
        }
        fn list(&self, _: &str) -> Result<Vec<String>, StorageError> {
            panic!("invalid container header");
        }
        fn head(&self, uri: &str) -> Result<ObjectMeta, StorageError> {
            panic!("invalid container header in {uri}");
        }
    }

    #[test]
    fn a_panic_while_reading_is_a_permanent_failure_naming_the_file_and_what_gave_way() {
        let job = crate::testing::job(
            ("/data/ref.fa.gz", "/data/s7.cram"),
            "S7",
            (152_098_700, 152_098_900),
        );
        let storage: SharedStorage = Arc::new(Panicking);
        let e = execute(&job, &storage, &Caches::default()).unwrap_err();
        assert_eq!(e.kind, FailureKind::Permanent);
        for part in [
            "/data/s7.cram",
            "chr6:152098700-152098900",
            "sample S7",
            "invalid container header",
        ] {
            assert!(e.message.contains(part), "{part} not in: {}", e.message);
        }
    }

    #[test]
    fn a_panic_message_of_any_kind_is_bounded() {
        let job = crate::testing::job(("/r.fa", "/s.bam"), "S", (1, 2));
        let long = "x".repeat(10_000);
        let e = panicked(&job, &long);
        assert!(e.message.len() < 1_000, "{}", e.message.len());
        assert!(panicked(&job, &42u8).message.contains("no message"));
    }
}
