//! `status` of a run: its jobs done, failed and pending (the manifest against the result
//! store) and, for a distributed run, the broker's queue depths. Each reading also updates
//! the process's progress and queue-depth metrics (`status --watch --metrics-addr`);
//! `status --cleanup` deletes the run's queues a coordinator left behind.

use crate::distributed::AmqpOptions;
use crate::manifest::{read_manifest, Manifest, ManifestError};
use crate::metrics::CoordinatorMetrics;
use esr1_worker::queue::{connect_within, validate_run_id, ConnectError, QueueError, Topology};
use esr1_worker::storage::{SharedStorage, StorageError};
use esr1_worker::store::{JobOutcome, ResultStore};
use lapin::options::{QueueDeclareOptions, QueueDeleteOptions};
use lapin::types::FieldTable;

/// What `status` reports for a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunStatus {
    /// Jobs in the run's manifest.
    pub total: usize,
    /// Jobs with a stored result.
    pub done: usize,
    /// Jobs with a stored failure.
    pub failed: usize,
    /// Messages ready in the shared jobs queue (all runs).
    pub queue_depth: u32,
    /// Dead letters of this run not yet collected by its coordinator.
    pub dead_letters: u32,
    /// Events of this run not yet collected by its coordinator.
    pub pending_events: u32,
}

/// Why the status of a run cannot be read. Messages are complete (they name their cause).
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// The run id is not one a run can have.
    #[error("{0}")]
    InvalidRunId(String),
    /// The run's manifest cannot be read.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The output location holds another run.
    #[error("{out} holds run {found}, not {run_id}")]
    OtherRun {
        /// The output location.
        out: String,
        /// The run it holds.
        found: String,
        /// The run asked for.
        run_id: String,
    },
    /// The result store cannot be listed or read.
    #[error("{0}")]
    Storage(StorageError),
    /// The async runtime for the broker cannot start.
    #[error(transparent)]
    Runtime(std::io::Error),
    /// The broker could not be reached within the connect budget, or refused the login.
    #[error(transparent)]
    Broker(#[from] ConnectError),
    /// The broker answered a request with an error.
    #[error(transparent)]
    Queue(#[from] QueueError),
}

impl RunStatus {
    /// Jobs without an outcome yet.
    pub fn pending(&self) -> usize {
        self.total.saturating_sub(self.done + self.failed)
    }
}

/// Jobs of `manifest` with a stored result and with a stored failure, as the store sees them.
pub fn stored_counts(
    store: &ResultStore,
    manifest: &Manifest,
) -> Result<(usize, usize), StorageError> {
    let stored = store.stored_ids()?;
    let (mut done, mut failed) = (0, 0);
    for id in manifest.job_ids.iter().filter(|id| stored.contains(*id)) {
        match store.get(id)? {
            Some(JobOutcome::Done(_)) => done += 1,
            Some(JobOutcome::Failed(_)) => failed += 1,
            None => {}
        }
    }
    Ok((done, failed))
}

/// Reads a run's progress from its output location and the broker.
pub fn run_status(
    run_id: &str,
    out: &str,
    storage: &SharedStorage,
    amqp: &AmqpOptions,
) -> Result<RunStatus, StatusError> {
    validate_run_id(run_id).map_err(StatusError::InvalidRunId)?;
    let manifest = read_manifest(storage.as_ref(), out)?;
    if manifest.run_id != run_id {
        return Err(StatusError::OtherRun {
            out: out.to_owned(),
            found: manifest.run_id,
            run_id: run_id.to_owned(),
        });
    }
    let store = ResultStore::new(storage.clone(), out);
    let (done, failed) = stored_counts(&store, &manifest).map_err(StatusError::Storage)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(StatusError::Runtime)?;
    let (queue_depth, dead_letters, pending_events) = runtime.block_on(async {
        let topology = Topology::new(&amqp.prefix);
        let (conn, ch) = connect_within(&amqp.url, amqp.connect_timeout).await?;
        let depth = |q: String| {
            let ch = ch.clone();
            let t = topology.clone();
            async move { t.depth(&ch, &q).await.unwrap_or(0) }
        };
        let r = (
            depth(topology.jobs()).await,
            depth(topology.run_dead_letters(run_id)).await,
            depth(topology.run_events(run_id)).await,
        );
        let _ = conn.close(200, "status".into()).await;
        Ok::<_, ConnectError>(r)
    })?;
    if let Some(m) = CoordinatorMetrics::global() {
        m.progress(done + failed, manifest.job_ids.len());
        m.queue_depth("jobs", queue_depth);
        m.queue_depth("dead_letters", dead_letters);
        m.queue_depth("events", pending_events);
    }
    Ok(RunStatus {
        total: manifest.job_ids.len(),
        done,
        failed,
        queue_depth,
        dead_letters,
        pending_events,
    })
}

/// Deletes a run's events and dead-letter queues unless a coordinator still consumes them;
/// returns one line per queue saying what happened.
pub fn cleanup_run_queues(run_id: &str, amqp: &AmqpOptions) -> Result<Vec<String>, StatusError> {
    validate_run_id(run_id).map_err(StatusError::InvalidRunId)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(StatusError::Runtime)?;
    runtime.block_on(async {
        let topology = Topology::new(&amqp.prefix);
        let (conn, _) = connect_within(&amqp.url, amqp.connect_timeout).await?;
        let mut lines = Vec::new();
        for q in [
            topology.run_events(run_id),
            topology.run_dead_letters(run_id),
        ] {
            // A passive declare of a missing queue closes its channel: one channel per queue.
            // (Quorum queues refuse `if-unused` deletes, so consumers are counted first.)
            let ch = conn.create_channel().await.map_err(|e| QueueError {
                action: "opening a channel".into(),
                detail: e.to_string(),
            })?;
            let passive = QueueDeclareOptions {
                passive: true,
                ..QueueDeclareOptions::default()
            };
            let line = match ch
                .queue_declare(q.as_str().into(), passive, FieldTable::default())
                .await
            {
                Err(_) => format!("no queue {q}"),
                Ok(found) if found.consumer_count() > 0 => {
                    format!("kept queue {q}: a coordinator still consumes it")
                }
                Ok(_) => match ch
                    .queue_delete(q.as_str().into(), QueueDeleteOptions::default())
                    .await
                {
                    Ok(n) => format!("deleted queue {q} ({n} messages)"),
                    Err(e) => format!("cannot delete queue {q}: {e}"),
                },
            };
            lines.push(line);
            let _ = ch.close(200, "cleanup".into()).await;
        }
        let _ = conn.close(200, "cleanup".into()).await;
        Ok(lines)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use esr1_proto::{GenomicRegion, RegionResult};
    use esr1_worker::storage::LocalStorage;
    use std::sync::Arc;

    #[test]
    fn done_and_failed_come_from_the_result_store() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().to_string_lossy().into_owned();
        let store = ResultStore::new(Arc::new(LocalStorage), &out);
        // Job ids are 32 hex characters (the store refuses anything else).
        let id = |n: u8| format!("{n:032x}");
        let manifest = Manifest {
            run_id: "r1".into(),
            job_ids: [0xa, 0xb, 0xc, 0xd].map(id).to_vec(),
            run: None,
        };
        assert_eq!(stored_counts(&store, &manifest).expect("counts"), (0, 0));
        let region = GenomicRegion {
            contig: "chr6".into(),
            start: 1,
            end: 10,
        };
        store
            .put_result(&RegionResult::new(&id(0xa), "S1", region.clone()))
            .expect("put");
        store
            .put_result(&RegionResult::new(&id(0xb), "S1", region))
            .expect("put");
        store.put_failure(&id(0xc), "corrupt BAM").expect("put");
        // A job of another run in the same store is not counted.
        store.put_failure(&id(0xff), "other run").expect("put");
        assert_eq!(stored_counts(&store, &manifest).expect("counts"), (2, 1));
    }
}
