//! Publishing with the broker's confirm: jobs (signed, pipelined), events (transient) and
//! any versioned message (persistent).

use super::{QueueError, Topology, UNROUTABLE};
use crate::signing::{JobKey, SIGNATURE_HEADER};
use esr1_proto::{encode, encode_jobs, JobEvent, RegionJob, Versioned, SCHEMA_VERSION};
use lapin::options::BasicPublishOptions;
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, PublisherConfirm};

/// Publishes a versioned message persistently and waits for the broker's confirm. The
/// message is mandatory: an unroutable message is an error, not a silent drop.
pub async fn publish<T: Versioned>(
    ch: &Channel,
    exchange: &str,
    routing_key: &str,
    message_id: &str,
    message: &T,
) -> Result<(), QueueError> {
    publish_as(ch, (exchange, routing_key), message_id, message, PERSISTENT).await
}

/// Publishes a job's event to its run's events queue, transient (see the module docs), and
/// waits for the broker's confirm.
pub async fn publish_event(
    ch: &Channel,
    topology: &Topology,
    event: &JobEvent,
) -> Result<(), QueueError> {
    let exchange = topology.events_exchange();
    publish_as(
        ch,
        (&exchange, &event.run_id),
        &event.job_id,
        event,
        TRANSIENT,
    )
    .await
}

/// AMQP delivery modes: kept in memory only, or written to disk.
const TRANSIENT: u8 = 1;
const PERSISTENT: u8 = 2;

/// [`publish`] with the given delivery mode.
async fn publish_as<T: Versioned>(
    ch: &Channel,
    (exchange, routing_key): (&str, &str),
    message_id: &str,
    message: &T,
    delivery_mode: u8,
) -> Result<(), QueueError> {
    let what = format!("{} {message_id}", T::KIND);
    let props =
        message_properties(message_id, FieldTable::default()).with_delivery_mode(delivery_mode);
    publish_body(ch, exchange, routing_key, &what, &encode(message), props).await
}

/// Publishes a job, signed with `key` when there is one (see [`crate::signing`]).
pub async fn publish_job(
    ch: &Channel,
    exchange: &str,
    routing_key: &str,
    job: &RegionJob,
    key: Option<&JobKey>,
) -> Result<(), QueueError> {
    publish_jobs(ch, exchange, routing_key, &[job], key, |_| {}).await
}

/// Publishes at most this many jobs ahead of their confirms (see [`publish_jobs`]).
pub const CONFIRM_WINDOW: usize = 512;

/// Publishes jobs, one a message, with pipelined confirms ([`publish_bundles`]).
pub async fn publish_jobs(
    ch: &Channel,
    exchange: &str,
    routing_key: &str,
    jobs: &[&RegionJob],
    key: Option<&JobKey>,
    confirmed: impl FnMut(&RegionJob),
) -> Result<(), QueueError> {
    let singles: Vec<&[&RegionJob]> = jobs.iter().map(std::slice::from_ref).collect();
    publish_bundles(ch, exchange, routing_key, &singles, key, confirmed).await
}

/// Publishes jobs with pipelined confirms, the jobs of each of `bundles` in one message (a
/// [`esr1_proto::JobBundle`] when it holds more than one; see [`encode_jobs`]): up to
/// [`CONFIRM_WINDOW`] messages are in flight before the oldest confirm is awaited, so
/// publishing costs about one round trip per window, not per message. Confirms are checked in
/// publish order and `confirmed` is called for each job of a message the broker accepted,
/// before the next is awaited; the first refusal (unroutable, nack, lost connection) is the
/// error, and jobs after it may or may not have been queued (publishing again is safe:
/// results are idempotent by job id).
pub async fn publish_bundles(
    ch: &Channel,
    exchange: &str,
    routing_key: &str,
    bundles: &[&[&RegionJob]],
    key: Option<&JobKey>,
    mut confirmed: impl FnMut(&RegionJob),
) -> Result<(), QueueError> {
    let mut in_flight =
        std::collections::VecDeque::with_capacity(CONFIRM_WINDOW.min(bundles.len()));
    for &jobs in bundles {
        let Some(first) = jobs.first() else {
            continue;
        };
        if in_flight.len() == CONFIRM_WINDOW {
            if let Some((done, confirm)) = in_flight.pop_front() {
                settled(confirm, done, exchange, &mut confirmed).await?;
            }
        }
        let body = encode_jobs(jobs);
        let mut headers = FieldTable::default();
        if let Some(key) = key {
            headers.insert(
                SIGNATURE_HEADER.into(),
                AMQPValue::LongString(key.sign(&body).as_str().into()),
            );
        }
        let message_id = match jobs.len() {
            1 => first.job_id.clone(),
            n => format!("{}+{}", first.job_id, n - 1),
        };
        let props = message_properties(&message_id, headers);
        let confirm = send(ch, exchange, routing_key, &body, props)
            .await
            .map_err(|e| job_failed(first, exchange, e.to_string()))?;
        in_flight.push_back((jobs, confirm));
    }
    for (done, confirm) in in_flight {
        settled(confirm, done, exchange, &mut confirmed).await?;
    }
    Ok(())
}

/// Awaits the confirm of the message of `jobs` and calls `confirmed` for each of them.
async fn settled(
    confirm: PublisherConfirm,
    jobs: &[&RegionJob],
    exchange: &str,
    confirmed: &mut impl FnMut(&RegionJob),
) -> Result<(), QueueError> {
    if let Err(detail) = settle(confirm).await {
        return Err(job_failed(jobs[0], exchange, detail));
    }
    jobs.iter().for_each(|job| confirmed(job));
    Ok(())
}

/// The error of a job's publish (named only when it failed: nothing is formatted per job
/// that succeeds).
fn job_failed(job: &RegionJob, exchange: &str, detail: String) -> QueueError {
    QueueError {
        action: format!(
            "publishing {} {} to {exchange}",
            RegionJob::KIND,
            job.job_id
        ),
        detail,
    }
}

/// The properties of a persistent JSON message of this schema, with extra headers.
pub fn message_properties(message_id: &str, mut headers: FieldTable) -> BasicProperties {
    headers.insert("schema_version".into(), AMQPValue::LongUInt(SCHEMA_VERSION));
    BasicProperties::default()
        .with_message_id(message_id.into())
        .with_content_type("application/json".into())
        .with_delivery_mode(PERSISTENT)
        .with_headers(headers)
}

/// Publishes bytes with their properties (mandatory, persistent as the properties say) and
/// waits for the confirm; `what` names the message in errors.
pub async fn publish_body(
    ch: &Channel,
    exchange: &str,
    routing_key: &str,
    what: &str,
    body: &[u8],
    props: BasicProperties,
) -> Result<(), QueueError> {
    let answer = match send(ch, exchange, routing_key, body, props).await {
        Ok(confirm) => settle(confirm).await,
        Err(e) => Err(e.to_string()),
    };
    answer.map_err(|detail| QueueError {
        action: format!("publishing {what} to {exchange}"),
        detail,
    })
}

/// Sends one mandatory message; the broker's answer comes with [`settle`].
async fn send(
    ch: &Channel,
    exchange: &str,
    routing_key: &str,
    body: &[u8],
    props: BasicProperties,
) -> Result<PublisherConfirm, lapin::Error> {
    let options = BasicPublishOptions {
        mandatory: true,
        ..BasicPublishOptions::default()
    };
    ch.basic_publish(exchange.into(), routing_key.into(), options, body, props)
        .await
}

/// The broker's answer to one publish: accepted and routed, or what went wrong.
async fn settle(confirm: PublisherConfirm) -> Result<(), String> {
    match confirm.await.map_err(|e| e.to_string())? {
        lapin::Confirmation::Ack(None) => Ok(()),
        lapin::Confirmation::Ack(Some(_)) => Err(UNROUTABLE.into()),
        other => Err(format!("the broker did not accept the message ({other:?})")),
    }
}
