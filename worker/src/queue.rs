//! RabbitMQ topology and publishing, shared by the worker daemon and the coordinator.
//!
//! ```text
//! <p>.jobs (topic exchange) ──#──▶ <p>.jobs (quorum queue, delivery limit, DLX <p>.dlx)
//! <p>.dlx  (topic exchange) ──#──▶ <p>.dead             every dead letter (operators)
//!                           ──run─▶ <p>.dead.<run>      the run's dead jobs (coordinator)
//! <p>.events (direct)       ──run─▶ <p>.events.<run>    the run's job events (coordinator;
//!                                                          classic queue, transient events)
//! ```
//! Jobs are published with the run id as routing key, so a dead-lettered job (which keeps its
//! routing key) reaches its run's dead-letter queue. Everything is declared idempotently by
//! whoever starts first; every publish is confirmed; jobs are published with pipelined
//! confirms ([`publish_jobs`]; several small jobs may share a message: [`publish_bundles`]). Jobs and dead letters are persistent, in quorum queues. A
//! job's event only tells the coordinator early that its outcome is in the store, which the
//! coordinator also lists every two seconds and when it starts, so events are transient, in
//! a classic queue ([`publish_event`]): a broker restart may drop some, and their jobs are
//! settled from the store. That spares the broker a quorum-log write and sync per job. For the
//! same reason the coordinator takes events without acknowledgements.

mod publish;

pub use publish::{
    message_properties, publish, publish_body, publish_bundles, publish_event, publish_job,
    publish_jobs, CONFIRM_WINDOW,
};

use crate::retry::RetryBudget;
use lapin::options::{
    ConfirmSelectOptions, ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{Channel, Connection, ConnectionProperties, ExchangeKind};
use std::time::Duration;

/// Default prefix of every exchange and queue name.
pub const DEFAULT_PREFIX: &str = "esr1";
/// Deliveries of one job before it is dead-lettered (worker crashes, transient failures).
pub const DELIVERY_LIMIT: i32 = 5;

/// Names of the exchanges and queues of one deployment (one prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    prefix: String,
}

/// An error talking to the broker, with what was being done.
#[derive(Debug, thiserror::Error)]
#[error("{action}: {detail}")]
pub struct QueueError {
    /// What was being done.
    pub action: String,
    /// What went wrong (the client's error or the broker's answer).
    pub detail: String,
}

/// Header of a message a worker refused (dead-lettered itself): why.
pub const REFUSED_HEADER: &str = "esr1-refused";

const UNROUTABLE: &str = "the broker could not route the message (no queue bound)";

impl QueueError {
    /// Whether the broker returned the message as unroutable (no queue bound to its key).
    pub fn is_unroutable(&self) -> bool {
        self.detail == UNROUTABLE
    }
}

/// Adds context to a broker error.
pub trait Context<T> {
    /// Names the action that failed.
    fn context(self, action: impl Into<String>) -> Result<T, QueueError>;
}

impl<T> Context<T> for Result<T, lapin::Error> {
    fn context(self, action: impl Into<String>) -> Result<T, QueueError> {
        self.map_err(|e| QueueError {
            action: action.into(),
            detail: e.to_string(),
        })
    }
}

/// Checks a run id for use in queue names and routing keys.
pub fn validate_run_id(run_id: &str) -> Result<(), String> {
    if run_id.is_empty()
        || run_id.len() > 100
        || !run_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(format!(
            "run id '{run_id}' must be 1–100 characters of letters, digits, '-' and '_'"
        ));
    }
    Ok(())
}

fn durable_exchange() -> ExchangeDeclareOptions {
    ExchangeDeclareOptions {
        durable: true,
        ..ExchangeDeclareOptions::default()
    }
}

fn durable_queue() -> QueueDeclareOptions {
    QueueDeclareOptions {
        durable: true,
        ..QueueDeclareOptions::default()
    }
}

fn queue_type(kind: &str) -> FieldTable {
    let mut args = FieldTable::default();
    args.insert("x-queue-type".into(), AMQPValue::LongString(kind.into()));
    args
}

impl Topology {
    /// The topology under a name prefix.
    pub fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.to_owned(),
        }
    }

    /// The jobs exchange and queue name.
    pub fn jobs(&self) -> String {
        format!("{}.jobs", self.prefix)
    }

    /// The dead-letter exchange.
    pub fn dead_letter_exchange(&self) -> String {
        format!("{}.dlx", self.prefix)
    }

    /// The queue of every dead letter.
    pub fn dead_letters(&self) -> String {
        format!("{}.dead", self.prefix)
    }

    /// The run's dead-letter queue.
    pub fn run_dead_letters(&self, run_id: &str) -> String {
        format!("{}.dead.{run_id}", self.prefix)
    }

    /// The events exchange.
    pub fn events_exchange(&self) -> String {
        format!("{}.events", self.prefix)
    }

    /// The run's events queue.
    pub fn run_events(&self, run_id: &str) -> String {
        format!("{}.events.{run_id}", self.prefix)
    }

    /// Every queue of a run plus the shared ones, for cleanup and status.
    pub fn queues(&self, run_id: Option<&str>) -> Vec<String> {
        let mut v = vec![self.jobs(), self.dead_letters()];
        if let Some(r) = run_id {
            v.push(self.run_events(r));
            v.push(self.run_dead_letters(r));
        }
        v
    }

    /// Declares the shared exchanges and queues (idempotent).
    pub async fn declare(&self, ch: &Channel) -> Result<(), QueueError> {
        let dlx = self.dead_letter_exchange();
        ch.exchange_declare(
            dlx.as_str().into(),
            ExchangeKind::Topic,
            durable_exchange(),
            FieldTable::default(),
        )
        .await
        .context(format!("declaring exchange {dlx}"))?;
        let dead = self.dead_letters();
        ch.queue_declare(dead.as_str().into(), durable_queue(), queue_type("quorum"))
            .await
            .context(format!("declaring queue {dead}"))?;
        ch.queue_bind(
            dead.as_str().into(),
            dlx.as_str().into(),
            "#".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .context(format!("binding {dead}"))?;

        let jobs = self.jobs();
        ch.exchange_declare(
            jobs.as_str().into(),
            ExchangeKind::Topic,
            durable_exchange(),
            FieldTable::default(),
        )
        .await
        .context(format!("declaring exchange {jobs}"))?;
        let mut args = queue_type("quorum");
        args.insert(
            "x-delivery-limit".into(),
            AMQPValue::LongInt(DELIVERY_LIMIT),
        );
        args.insert(
            "x-dead-letter-exchange".into(),
            AMQPValue::LongString(dlx.as_str().into()),
        );
        ch.queue_declare(jobs.as_str().into(), durable_queue(), args)
            .await
            .context(format!("declaring queue {jobs}"))?;
        ch.queue_bind(
            jobs.as_str().into(),
            jobs.as_str().into(),
            "#".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .context(format!("binding {jobs}"))?;

        let events = self.events_exchange();
        ch.exchange_declare(
            events.as_str().into(),
            ExchangeKind::Direct,
            durable_exchange(),
            FieldTable::default(),
        )
        .await
        .context(format!("declaring exchange {events}"))?;
        Ok(())
    }

    /// Declares a run's events (classic) and dead-letter (quorum) queues (idempotent).
    pub async fn declare_run(&self, ch: &Channel, run_id: &str) -> Result<(), QueueError> {
        for (queue, exchange, args) in [
            (
                self.run_events(run_id),
                self.events_exchange(),
                queue_type("classic"),
            ),
            (
                self.run_dead_letters(run_id),
                self.dead_letter_exchange(),
                queue_type("quorum"),
            ),
        ] {
            ch.queue_declare(queue.as_str().into(), durable_queue(), args)
                .await
                .context(format!("declaring queue {queue}"))?;
            ch.queue_bind(
                queue.as_str().into(),
                exchange.as_str().into(),
                run_id.into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await
            .context(format!("binding {queue}"))?;
        }
        Ok(())
    }

    /// Messages ready in a queue (passive declare: fails if the queue does not exist).
    pub async fn depth(&self, ch: &Channel, queue: &str) -> Result<u32, QueueError> {
        let q = ch
            .queue_declare(
                queue.into(),
                QueueDeclareOptions {
                    passive: true,
                    ..QueueDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await
            .context(format!("inspecting queue {queue}"))?;
        Ok(q.message_count())
    }
}

/// Why a connection to the broker could not be made within its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectFailure {
    /// No answer (refused, reset, timed out, name unknown) until the budget ran out.
    Unreachable,
    /// The broker answered and refused (wrong user or password, no such virtual host):
    /// not retried, another attempt gets the same answer.
    Refused,
    /// The URL is not an AMQP URL.
    InvalidUrl,
}

/// A broker that could not be connected to; the endpoint is named without its password.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", self.describe())]
pub struct ConnectError {
    /// What went wrong.
    pub failure: ConnectFailure,
    /// The broker URL, password masked.
    pub endpoint: String,
    /// Attempts made.
    pub attempts: u32,
    /// Time spent trying.
    pub elapsed: Duration,
    /// The budget (`--connect-timeout`).
    pub budget: Duration,
    /// The last error.
    pub detail: String,
}

impl ConnectError {
    fn describe(&self) -> String {
        match self.failure {
            ConnectFailure::Unreachable => format!(
                "cannot reach the broker at {}: gave up after {} attempts in {:.1} s \
                 (--connect-timeout {} s): {}",
                self.endpoint,
                self.attempts,
                self.elapsed.as_secs_f64(),
                self.budget.as_secs_f64(),
                self.detail
            ),
            ConnectFailure::Refused => format!(
                "the broker at {} refused the connection (user, password or virtual host?): {}",
                self.endpoint, self.detail
            ),
            ConnectFailure::InvalidUrl => {
                format!("'{}' is not a broker URL: {}", self.endpoint, self.detail)
            }
        }
    }
}

/// Connects within a time budget: retries with jittered back-off while the broker cannot
/// be reached, logging each failed attempt; a broker that answers with a refusal (wrong
/// password) is not retried.
pub async fn connect_within(
    url: &str,
    budget: Duration,
) -> Result<(Connection, Channel), ConnectError> {
    let endpoint = redact(url);
    let mut retry = RetryBudget::new(budget);
    let give_up = |failure, retry: &RetryBudget, detail: String| ConnectError {
        failure,
        endpoint: endpoint.clone(),
        attempts: retry.attempts(),
        elapsed: budget.saturating_sub(retry.remaining()),
        budget,
        detail,
    };
    if let Err(e) = url.parse::<lapin::uri::AMQPUri>() {
        return Err(give_up(ConnectFailure::InvalidUrl, &retry, e));
    }
    loop {
        // One attempt may take no longer than what is left of the budget.
        let attempt = tokio::time::timeout(retry.remaining(), connect_once(url)).await;
        let (error, refused) = match attempt {
            Ok(Ok(connected)) => return Ok(connected),
            Ok(Err((e, refused))) => (e.to_string(), refused),
            Err(_) => ("timed out".to_owned(), false),
        };
        if refused {
            retry.failed();
            return Err(give_up(ConnectFailure::Refused, &retry, error));
        }
        match retry.failed() {
            Some(delay) => {
                tracing::warn!(
                    broker = %endpoint,
                    attempt = retry.attempts(),
                    retry_in_s = delay.as_secs_f64(),
                    left_s = retry.remaining().as_secs_f64(),
                    error = %error,
                    "cannot reach the broker; retrying"
                );
                tokio::time::sleep(delay).await;
            }
            None => return Err(give_up(ConnectFailure::Unreachable, &retry, error)),
        }
    }
}

/// One connection attempt; the flag says whether the broker refused it (an AMQP error).
async fn connect_once(url: &str) -> Result<(Connection, Channel), (QueueError, bool)> {
    let conn = Connection::connect(url, ConnectionProperties::default())
        .await
        .map_err(|e| {
            let refused = matches!(e.kind(), lapin::ErrorKind::ProtocolError(_));
            (
                QueueError {
                    action: "connecting".to_owned(),
                    detail: e.to_string(),
                },
                refused,
            )
        })?;
    let ch = conn
        .create_channel()
        .await
        .context("opening a channel")
        .map_err(|e| (e, false))?;
    ch.confirm_select(ConfirmSelectOptions::default())
        .await
        .context("enabling publisher confirms")
        .map_err(|e| (e, false))?;
    Ok((conn, ch))
}

/// Connects and opens a channel with publisher confirms enabled (one attempt).
pub async fn connect(url: &str) -> Result<(Connection, Channel), QueueError> {
    let conn = Connection::connect(url, ConnectionProperties::default())
        .await
        .context(format!("connecting to {}", redact(url)))?;
    let ch = conn.create_channel().await.context("opening a channel")?;
    ch.confirm_select(ConfirmSelectOptions::default())
        .await
        .context("enabling publisher confirms")?;
    Ok((conn, ch))
}

/// The URL without its password, for logs and errors.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_logged_urls() {
        assert_eq!(
            redact("amqp://guest:secret@host:5672/%2f"),
            "amqp://guest:***@host:5672/%2f"
        );
        assert_eq!(redact("amqp://host:5672"), "amqp://host:5672");
    }

    #[test]
    fn run_ids_are_checked_for_queue_names() {
        assert!(validate_run_id("run-1_a").is_ok());
        assert!(validate_run_id("run.1").is_err());
        assert!(validate_run_id("").is_err());
    }
}
