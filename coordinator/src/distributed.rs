//! The RabbitMQ backend: publish the run's jobs with confirms, follow the run's events and
//! dead letters, and reconcile from the result store until every job is done or failed.
//!
//! Every (re)connection to the broker has the `--connect-timeout` budget (jittered back-off,
//! a log line per attempt); past it the run stops with [`BrokerError::Unreachable`] (exit 3),
//! and a rerun resumes where it stopped.
//!
//! A job counts once: outcomes are keyed by job id and only jobs still pending are updated,
//! whatever the number of deliveries or events. Jobs already published by an earlier
//! coordinator process of the same run (recorded in `published.log` after their confirm) are
//! not published again, so a restarted coordinator duplicates no work; but when pending jobs
//! are neither queued nor settled for [`AmqpOptions::republish_after`] (a broker that lost
//! the jobs queue), they are published again. When the run is complete its events and
//! dead-letter queues are deleted.
//!
//! The connection is made, and the queues declared, while the run is planned ([`Broker`]):
//! the first jobs are published as soon as the plan is ready.

use crate::merge::Outcomes;
use crate::metrics::CoordinatorMetrics;
use crate::progress::Progress;
use esr1_proto::{decode, EventKind, JobEvent, RegionJob};
use esr1_worker::queue::{
    connect_within, publish_bundles, publish_jobs, redact, ConnectError, Context, QueueError,
    Topology, REFUSED_HEADER,
};
use esr1_worker::retry::DEFAULT_CONNECT_TIMEOUT;
use esr1_worker::signing::JobKey;
use esr1_worker::storage::{join, SharedStorage, StorageError};
use esr1_worker::store::{JobOutcome, ResultStore};
use esr1_worker::untrusted::decode_jobs;
use futures_lite::StreamExt;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, QueueDeleteOptions};
use lapin::types::{AMQPValue, FieldTable};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

mod early;
use early::early_connection;
pub use early::Broker;

/// Broker settings of a distributed run.
#[derive(Debug, Clone)]
pub struct AmqpOptions {
    /// Broker URL.
    pub url: String,
    /// Exchange and queue name prefix (must match the workers').
    pub prefix: String,
    /// How long one (re)connection is retried before the run gives up.
    pub connect_timeout: Duration,
    /// Signs every published job when set (`ESR1_JOB_KEY`, shared with the workers).
    pub job_key: Option<JobKey>,
    /// After this long with pending jobs, none settled and none queued, the pending jobs are
    /// taken as lost (a broker that lost the jobs queue) and published again.
    pub republish_after: Duration,
}

/// Default of [`AmqpOptions::republish_after`]: longer than a healthy job takes, so a job a
/// worker still holds is rarely run twice (results are idempotent by job id either way).
pub const DEFAULT_REPUBLISH_AFTER: Duration = Duration::from_secs(300);

impl AmqpOptions {
    /// A broker and name prefix: the default connect budget, unsigned jobs, the default
    /// republish wait.
    pub fn new(url: impl Into<String>, prefix: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            prefix: prefix.into(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            job_key: None,
            republish_after: DEFAULT_REPUBLISH_AFTER,
        }
    }
}

/// Why a distributed run could not start. Broker failures during the run are retried, not
/// returned. Messages are complete (they name their cause).
#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    /// The run id cannot name the run's queues.
    #[error("{0}")]
    InvalidRunId(String),
    /// The async runtime for the broker cannot start.
    #[error(transparent)]
    Runtime(std::io::Error),
    /// The record of already published jobs cannot be read.
    #[error("cannot read the run's published jobs: {0}")]
    PublishedLog(StorageError),
    /// The broker could not be reached within the connect budget, or refused the login.
    #[error(transparent)]
    Unreachable(#[from] ConnectError),
}

/// Job ids published (and confirmed) by any coordinator process of this run: one object
/// per publishing batch under `<out>/published/`, so it works on object storage too.
struct PublishedLog {
    dir: String,
    ids: HashSet<String>,
    storage: SharedStorage,
}

impl PublishedLog {
    fn open(storage: &SharedStorage, out: &str) -> Result<Self, StorageError> {
        let dir = join(out, "published");
        let mut ids = HashSet::new();
        for uri in storage.list(&dir)? {
            let text = storage.get(&uri)?;
            ids.extend(String::from_utf8_lossy(&text).lines().map(str::to_owned));
        }
        Ok(Self {
            dir,
            ids,
            storage: storage.clone(),
        })
    }

    fn record(&mut self, job_ids: &[String]) -> Result<(), StorageError> {
        if job_ids.is_empty() {
            return Ok(());
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let uri = join(&self.dir, &format!("{nanos}-{}.txt", std::process::id()));
        self.storage
            .put(&uri, (job_ids.join("\n") + "\n").as_bytes())?;
        self.ids.extend(job_ids.iter().cloned());
        Ok(())
    }
}

/// Job ids recorded as published for a run, with repetitions (each job should appear once).
pub fn published_count(storage: &SharedStorage, out: &str) -> Result<usize, StorageError> {
    let mut n = 0;
    for uri in storage.list(&join(out, "published"))? {
        n += String::from_utf8_lossy(&storage.get(&uri)?).lines().count();
    }
    Ok(n)
}

struct State<'a> {
    jobs: HashMap<String, RegionJob>,
    /// The number of the message each job is published in ([`crate::plan::Plan::bundles`]).
    bundle: HashMap<String, usize>,
    /// The jobs' ids in the order they were given (largest first: `Plan::largest_first`),
    /// the order they are published in.
    order: Vec<String>,
    outcomes: Outcomes,
    store: &'a ResultStore,
    progress: &'a mut Progress,
    log: PublishedLog,
}

impl State<'_> {
    fn remaining(&self) -> usize {
        self.jobs.len() - self.outcomes.len()
    }

    /// The jobs without an outcome that `keep` accepts, in the order they were given.
    fn pending_in_order(&self, keep: impl Fn(&RegionJob) -> bool) -> Vec<&RegionJob> {
        self.order
            .iter()
            .filter(|id| !self.outcomes.contains_key(*id))
            .filter_map(|id| self.jobs.get(id))
            .filter(|j| keep(j))
            .collect()
    }

    /// Whether a job of the run has no outcome yet.
    fn is_pending(&self, job_id: &str) -> bool {
        self.jobs.contains_key(job_id) && !self.outcomes.contains_key(job_id)
    }

    /// Records a job's outcome once; later events for the same job are ignored.
    fn settle(&mut self, job_id: &str, outcome: JobOutcome) {
        if self.is_pending(job_id) {
            self.progress.tick(matches!(outcome, JobOutcome::Failed(_)));
            self.outcomes.insert(job_id.to_owned(), outcome.into());
        }
    }

    /// Picks up outcomes written to the store (events received by an earlier process, or
    /// results whose event is still on its way). Storage errors leave jobs pending.
    fn reconcile(&mut self) {
        let Ok(stored) = self.store.stored_ids() else {
            return;
        };
        let pending: Vec<String> = self
            .jobs
            .keys()
            .filter(|id| !self.outcomes.contains_key(*id) && stored.contains(*id))
            .cloned()
            .collect();
        for id in pending {
            if let Ok(Some(o)) = self.store.get(&id) {
                self.settle(&id, o);
            }
        }
    }
}

/// How long no job has settled.
struct Stall {
    settled: usize,
    since: Instant,
}

impl Stall {
    fn new(settled: usize) -> Self {
        Self {
            settled,
            since: Instant::now(),
        }
    }

    /// Whether nothing settled for `wait` (then the clock starts again).
    fn check(&mut self, settled: usize, wait: Duration) -> bool {
        if settled != self.settled {
            *self = Self::new(settled);
            return false;
        }
        if self.since.elapsed() < wait {
            return false;
        }
        self.since = Instant::now();
        true
    }
}

/// Longest wait for the broker's answer to one request (a declaration, a consumer, a queue's
/// depth, publishing with confirms): past it the session is given up and a new connection
/// made, as after a lost connection. A broker restarted under a request can leave it
/// unanswered on a connection the client still holds open, and the run would wait forever.
const BROKER_REPLY: Duration = Duration::from_secs(30);

/// `request`, given up after `wait` with an error naming `action`.
async fn answered<T>(
    action: &str,
    wait: Duration,
    request: impl std::future::Future<Output = Result<T, QueueError>>,
) -> Result<T, QueueError> {
    tokio::time::timeout(wait, request)
        .await
        .unwrap_or_else(|_| {
            Err(QueueError {
                action: action.to_owned(),
                detail: format!("no answer from the broker in {} s", wait.as_secs()),
            })
        })
}

/// The wait for publishing `n` jobs with confirms: [`BROKER_REPLY`] and a millisecond a job.
fn publishing_wait(n: usize) -> Duration {
    BROKER_REPLY + Duration::from_millis(n as u64)
}

/// Publishes again the pending jobs when the jobs queue holds none: after a whole wait with
/// nothing settled they are neither queued, nor done, nor (as far as can be told) in a
/// worker's hands — lost with a queue the broker did not keep. Results are idempotent by job
/// id, so a job still held by a slow worker is at worst counted twice into the same result.
async fn republish_lost(
    ch: &lapin::Channel,
    topology: &Topology,
    run_id: &str,
    amqp: &AmqpOptions,
    state: &State<'_>,
) -> Result<(), QueueError> {
    if answered(
        "reading the jobs queue's depth",
        BROKER_REPLY,
        topology.depth(ch, &topology.jobs()),
    )
    .await?
        > 0
    {
        return Ok(());
    }
    let lost = state.pending_in_order(|_| true);
    tracing::warn!(
        "{} published jobs are neither queued nor done after {} s without progress (the \
         broker may have lost the jobs queue); publishing them again",
        lost.len(),
        amqp.republish_after.as_secs()
    );
    let wait = publishing_wait(lost.len());
    answered(
        "publishing lost jobs again",
        wait,
        publish_jobs(
            ch,
            &topology.jobs(),
            run_id,
            &lost,
            amqp.job_key.as_ref(),
            |_| {},
        ),
    )
    .await
}

/// Deletes a run's events and dead-letter queues (best effort: a failure is logged).
pub async fn delete_run_queues(ch: &lapin::Channel, topology: &Topology, run_id: &str) {
    for q in [
        topology.run_events(run_id),
        topology.run_dead_letters(run_id),
    ] {
        if let Err(e) = ch
            .queue_delete(q.as_str().into(), QueueDeleteOptions::default())
            .await
        {
            tracing::warn!("cannot delete queue {q}: {e}");
        }
    }
}

/// Reason of a dead letter: the worker's refusal (its [`REFUSED_HEADER`]) or the broker's
/// `x-death` header (`rejected`, `delivery_limit` …).
fn death_reason(headers: Option<&FieldTable>) -> String {
    if let Some(AMQPValue::LongString(s)) = headers.and_then(|h| h.inner().get(REFUSED_HEADER)) {
        return format!("refused by a worker: {s}");
    }
    let reason = headers
        .and_then(|h| h.inner().get("x-death"))
        .and_then(|v| match v {
            AMQPValue::FieldArray(a) => a.as_slice().first().cloned(),
            _ => None,
        })
        .and_then(|v| match v {
            AMQPValue::FieldTable(t) => t.inner().get("reason").cloned(),
            _ => None,
        });
    match reason {
        Some(AMQPValue::LongString(s)) => s.to_string(),
        Some(AMQPValue::ShortString(s)) => s.to_string(),
        _ => "unknown".into(),
    }
}

/// Settles a job whose message was dead-lettered for `why`: failed, unless its outcome is
/// stored (then it is read from the store).
fn dead_job(state: &mut State<'_>, job: &RegionJob, why: &str) {
    if state.store.get(&job.job_id).ok().flatten().is_some() {
        state.reconcile();
        return;
    }
    let reason = format!(
        "dead-lettered ({why}) after repeated delivery failures: a worker crashed, timed out \
         or could not store the result of {}",
        job.region
    );
    let _ = state.store.put_failure(&job.job_id, &reason);
    tracing::warn!(job_id = %job.job_id, reason = %reason, "job dead-lettered");
    if let Some(m) = CoordinatorMetrics::global().filter(|_| state.is_pending(&job.job_id)) {
        m.dead_lettered.inc();
    }
    state.settle(&job.job_id, JobOutcome::Failed(reason));
}

/// Runs `jobs` through RabbitMQ with the broker started for their run ([`Broker::start`]),
/// consecutive jobs in one message as `bundles` says (the number of jobs in each, in order;
/// see [`crate::plan::Plan::bundles`]); returns every job's outcome by id. Jobs whose outcome
/// is already stored are settled without publishing.
pub fn run_distributed(
    mut broker: Broker,
    (jobs, bundles): (Vec<RegionJob>, &[usize]),
    store: &ResultStore,
    progress: &mut Progress,
) -> Result<Outcomes, BrokerError> {
    let mut early = broker.early.take();
    let (amqp, run_id) = (&broker.amqp, broker.run_id.as_str());
    let numbers = bundles
        .iter()
        .enumerate()
        .flat_map(|(i, &n)| std::iter::repeat_n(i, n));
    let mut state = State {
        bundle: jobs.iter().map(|j| j.job_id.clone()).zip(numbers).collect(),
        order: jobs.iter().map(|j| j.job_id.clone()).collect(),
        jobs: jobs.into_iter().map(|j| (j.job_id.clone(), j)).collect(),
        outcomes: HashMap::new(),
        store,
        progress,
        log: PublishedLog::open(store.storage(), store.output())
            .map_err(BrokerError::PublishedLog)?,
    };
    state.reconcile();
    if state.remaining() == 0 {
        // Nothing to publish: a connection made meanwhile is closed, one still being tried
        // abandoned.
        if let Some(made) = early.filter(|e| e.is_finished()) {
            if let Ok(Ok(((conn, _), _))) = broker.runtime.block_on(made) {
                let _ = broker
                    .runtime
                    .block_on(conn.close(200, "every job already stored".into()));
            }
        }
        return Ok(state.outcomes);
    }
    broker.runtime.block_on(async {
        while state.remaining() > 0 {
            let (connected, declared) = match early_connection(early.take()).await? {
                Some(made) => made,
                None => (
                    connect_within(&amqp.url, amqp.connect_timeout).await?,
                    false,
                ),
            };
            match session(run_id, amqp, connected, declared, &mut state).await {
                Ok(()) => break,
                Err(e) => tracing::warn!(
                    broker = %redact(&amqp.url),
                    error = %e,
                    "lost the broker; reconnecting"
                ),
            }
        }
        Ok::<_, BrokerError>(())
    })?;
    Ok(state.outcomes)
}

/// Declares the shared topology and the run's queues on `ch`, each answered within
/// [`BROKER_REPLY`].
async fn declare(topology: &Topology, ch: &lapin::Channel, run_id: &str) -> Result<(), QueueError> {
    answered("declaring the queues", BROKER_REPLY, topology.declare(ch)).await?;
    answered(
        "declaring the run's queues",
        BROKER_REPLY,
        topology.declare_run(ch, run_id),
    )
    .await
}

/// One connection's share of a run (`declared`: the topology and the run's queues already
/// are, on this connection).
async fn session(
    run_id: &str,
    amqp: &AmqpOptions,
    (conn, ch): (lapin::Connection, lapin::Channel),
    declared: bool,
    state: &mut State<'_>,
) -> Result<(), QueueError> {
    let topology = Topology::new(&amqp.prefix);
    if !declared {
        declare(&topology, &ch, run_id).await?;
    }
    let metrics = CoordinatorMetrics::global();

    // Publish what no coordinator process of this run has published yet, the consecutive
    // jobs of a bundle in one message.
    let to_publish = state.pending_in_order(|j| !state.log.ids.contains(&j.job_id));
    let messages: Vec<&[&RegionJob]> = to_publish
        .chunk_by(|a, b| state.bundle.get(&a.job_id) == state.bundle.get(&b.job_id))
        .collect();
    let mut published = Vec::with_capacity(to_publish.len());
    let publishing = answered(
        "publishing jobs",
        publishing_wait(to_publish.len()),
        publish_bundles(
            &ch,
            &topology.jobs(),
            run_id,
            &messages,
            amqp.job_key.as_ref(),
            |job| {
                if let Some(m) = metrics {
                    m.published.inc();
                }
                published.push(job.job_id.clone());
            },
        ),
    )
    .await;
    if !to_publish.is_empty() {
        tracing::info!(
            "published {} of {} jobs in {} messages",
            published.len(),
            to_publish.len(),
            messages.len()
        );
    }
    // What was confirmed before a failure is recorded, so a restart does not publish it again.
    let recorded = state.log.record(&published).map_err(|e| QueueError {
        action: format!("recording published jobs in {}", state.log.dir),
        detail: e.to_string(),
    });
    publishing?;
    recorded?;

    // Events are taken without acknowledgements (the broker forgets each one as it sends
    // it; one operation less per job): an event only says early what the store holds, and
    // the store is read again on every tick and when a coordinator starts.
    let mut events = answered("consuming the run's events", BROKER_REPLY, async {
        ch.basic_consume(
            topology.run_events(run_id).as_str().into(),
            "esr1-coordinator-events".into(),
            BasicConsumeOptions {
                no_ack: true,
                ..BasicConsumeOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .context("consuming the run's events")
    })
    .await?;
    let mut dead = answered("consuming the run's dead letters", BROKER_REPLY, async {
        ch.basic_consume(
            topology.run_dead_letters(run_id).as_str().into(),
            "esr1-coordinator-dead".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await
        .context("consuming the run's dead letters")
    })
    .await?;
    let mut tick = tokio::time::interval(Duration::from_secs(2));
    let mut stalled = Stall::new(state.outcomes.len());
    while state.remaining() > 0 {
        tokio::select! {
            e = events.next() => {
                let delivery = match e {
                    Some(Ok(d)) => d,
                    Some(Err(err)) => return Err(QueueError { action: "receiving events".into(), detail: err.to_string() }),
                    None => return Err(QueueError { action: "receiving events".into(), detail: "consumer cancelled".into() }),
                };
                match decode::<JobEvent>(&delivery.data) {
                    // An event of a job already settled (delivered again, or picked up from
                    // the store first) or of no job of this run: its result is not read again.
                    Ok(event) if !state.is_pending(&event.job_id) => {}
                    Ok(event) => {
                        let outcome = match (&event.kind, state.store.get(&event.job_id).ok().flatten()) {
                            (_, Some(o)) => Some(o),
                            (EventKind::Failed { reason }, None) => Some(JobOutcome::Failed(reason.clone())),
                            // A result announced but not readable yet: the reconcile tick retries.
                            (EventKind::Done { .. }, None) => None,
                        };
                        if let Some(o) = outcome {
                            state.settle(&event.job_id, o);
                        }
                    }
                    Err(err) => tracing::warn!(error = %err, "ignoring an undecodable event"),
                }
            }
            d = dead.next() => {
                let delivery = match d {
                    Some(Ok(d)) => d,
                    Some(Err(err)) => return Err(QueueError { action: "receiving dead letters".into(), detail: err.to_string() }),
                    None => return Err(QueueError { action: "receiving dead letters".into(), detail: "consumer cancelled".into() }),
                };
                // Every job of a dead message (one job or a bundle) without a stored
                // outcome fails with the broker's or the worker's reason.
                let why = death_reason(delivery.properties.headers().as_ref());
                for job in decode_jobs(&delivery.data).unwrap_or_default() {
                    dead_job(state, &job, &why);
                }
                answered("acknowledging a dead letter", BROKER_REPLY, async { delivery.ack(BasicAckOptions::default()).await.map(|_| ()).context("acknowledging a dead letter") }).await?;
            }
            _ = tick.tick() => {
                state.reconcile();
                if let Some(m) = metrics {
                    for (name, queue) in [
                        ("jobs", topology.jobs()),
                        ("dead_letters", topology.run_dead_letters(run_id)),
                        ("events", topology.run_events(run_id)),
                    ] {
                        let depth = answered("reading a queue's depth", BROKER_REPLY, topology.depth(&ch, &queue)).await?;
                        m.queue_depth(name, depth);
                    }
                }
                if stalled.check(state.outcomes.len(), amqp.republish_after) {
                    republish_lost(&ch, &topology, run_id, amqp, state).await?;
                }
            }
        }
    }
    delete_run_queues(&ch, &topology, run_id).await;
    let _ = ch.close(200, "run complete".into()).await;
    let _ = conn.close(200, "run complete".into()).await;
    Ok(())
}
