//! The broker side of a distributed run started before the run is planned ([`Broker`]): the
//! connection is made, and the queues declared, while the cohort is planned, so that the
//! first jobs are published as soon as the plan is ready.

use super::{declare, AmqpOptions, BrokerError};
use esr1_worker::queue::{connect_within, validate_run_id, ConnectError, Topology};

/// A connection with its channel, and whether the topology and the run's queues are declared
/// on it.
pub(super) type Connected = ((lapin::Connection, lapin::Channel), bool);

/// The broker side of a distributed run, started before the run is planned: its runtime, and
/// the first connection being made (the shared topology and the run's queues declared on it)
/// meanwhile, on the runtime's own thread. A run whose plan fails, or whose every job is
/// already stored, drops it unused.
pub struct Broker {
    pub(super) amqp: AmqpOptions,
    /// The run (checked: it names the run's queues).
    pub(super) run_id: String,
    pub(super) runtime: tokio::runtime::Runtime,
    pub(super) early: Option<tokio::task::JoinHandle<Result<Connected, ConnectError>>>,
}

impl Broker {
    /// Starts connecting to the broker of `amqp` for run `run_id` (checked here: it names the
    /// run's queues), within its connect budget, in the background.
    pub fn start(run_id: &str, amqp: &AmqpOptions) -> Result<Self, BrokerError> {
        validate_run_id(run_id).map_err(BrokerError::InvalidRunId)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(BrokerError::Runtime)?;
        let (url, budget) = (amqp.url.clone(), amqp.connect_timeout);
        let (topology, run) = (Topology::new(&amqp.prefix), run_id.to_owned());
        let early = runtime.spawn(async move {
            let connected = connect_within(&url, budget).await?;
            // A declaration that fails here is made again, and its failure reported, by the
            // session that uses the connection.
            let declared = declare(&topology, &connected.1, &run).await.is_ok();
            Ok((connected, declared))
        });
        Ok(Self {
            amqp: amqp.clone(),
            run_id: run_id.to_owned(),
            runtime,
            early: Some(early),
        })
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        // A connection still being tried is abandoned, not waited for.
        if let Some(early) = self.early.take() {
            early.abort();
        }
    }
}

/// The connection made while the run was planned, if it is to be used: one still being tried
/// is awaited (its budget started with the run); one that gave up before the plan was ready
/// is not, and a new one is tried with a whole budget (the broker may be up by now).
pub(super) async fn early_connection<T>(
    early: Option<tokio::task::JoinHandle<Result<T, ConnectError>>>,
) -> Result<Option<T>, ConnectError> {
    let Some(early) = early else {
        return Ok(None);
    };
    let gave_up_early = early.is_finished();
    match early.await {
        Ok(Ok(connected)) => Ok(Some(connected)),
        Ok(Err(e)) if !gave_up_early => Err(e),
        Ok(Err(_)) | Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use esr1_worker::queue::ConnectFailure;
    use std::time::Duration;

    fn gave_up(detail: &str) -> ConnectError {
        ConnectError {
            failure: ConnectFailure::Unreachable,
            endpoint: "amqp://127.0.0.1:1".into(),
            attempts: 3,
            elapsed: Duration::from_secs(1),
            budget: Duration::from_secs(1),
            detail: detail.into(),
        }
    }

    #[test]
    fn the_connection_made_while_planning_is_used_awaited_or_tried_again() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        runtime.block_on(async {
            // No early attempt: the session connects itself.
            let none: Option<tokio::task::JoinHandle<Result<u8, ConnectError>>> = None;
            assert!(matches!(early_connection(none).await, Ok(None)));

            // Made before the plan was ready: used.
            let made = tokio::spawn(async { Ok::<u8, ConnectError>(7) });
            while !made.is_finished() {
                tokio::task::yield_now().await;
            }
            assert!(matches!(early_connection(Some(made)).await, Ok(Some(7))));

            // Gave up before the plan was ready: tried again with a whole budget.
            let gave = tokio::spawn(async { Err::<u8, _>(gave_up("early")) });
            while !gave.is_finished() {
                tokio::task::yield_now().await;
            }
            assert!(matches!(early_connection(Some(gave)).await, Ok(None)));

            // Still trying when the plan is ready: awaited, its outcome is the run's.
            let trying = tokio::spawn(async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                Err::<u8, _>(gave_up("late"))
            });
            match early_connection(Some(trying)).await {
                Err(e) => assert_eq!(e.detail, "late"),
                other => panic!("expected the late failure, got {other:?}"),
            }
            let trying = tokio::spawn(async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                Ok::<u8, ConnectError>(9)
            });
            assert!(matches!(early_connection(Some(trying)).await, Ok(Some(9))));

            // A task that ended abnormally (here aborted) is no connection: tried again.
            let aborted = tokio::spawn(async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                Ok::<u8, ConnectError>(1)
            });
            aborted.abort();
            assert!(matches!(early_connection(Some(aborted)).await, Ok(None)));
        });
    }
}
