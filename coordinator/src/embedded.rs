//! The embedded backend: N in-process workers take jobs from an in-memory queue.

use crate::merge::JobOutcome;
use crate::progress::Progress;
use esr1_proto::RegionJob;
use esr1_worker::run_local_job;
use esr1_worker::store::ResultStore;
use std::collections::{HashMap, VecDeque};
use std::sync::{mpsc, Arc, Mutex};

/// Runs one job and stores its outcome, as a worker daemon does. A panic in the counting
/// code fails the job with a reason instead of taking the run down.
pub fn execute_and_store(job: &RegionJob, store: &ResultStore) -> JobOutcome {
    let outcome = match std::panic::catch_unwind(|| run_local_job(job)) {
        Ok(Ok(result)) => JobOutcome::Done(Box::new(result)),
        Ok(Err(e)) => JobOutcome::Failed(e.message),
        Err(_) => JobOutcome::Failed(format!(
            "internal error while counting {} (a bug: please report it)",
            job.region
        )),
    };
    let stored = match &outcome {
        JobOutcome::Done(r) => store.put_result(r).map(|_| ()),
        JobOutcome::Failed(reason) => store.put_failure(&job.job_id, reason),
    };
    match stored {
        Ok(()) => outcome,
        Err(e) => JobOutcome::Failed(format!("cannot store the result: {e}")),
    }
}

/// Runs `jobs` on `workers` threads and returns every job's outcome by id.
pub fn run_embedded(
    jobs: Vec<RegionJob>,
    workers: usize,
    store: &ResultStore,
    progress: &mut Progress,
) -> HashMap<String, JobOutcome> {
    let queue = Arc::new(Mutex::new(jobs.into_iter().collect::<VecDeque<_>>()));
    let (tx, rx) = mpsc::channel::<(String, JobOutcome)>();
    let mut handles = Vec::new();
    for _ in 0..workers.max(1) {
        let queue = Arc::clone(&queue);
        let tx = tx.clone();
        let store = store.clone();
        handles.push(std::thread::spawn(move || loop {
            let job = match queue.lock() {
                Ok(mut q) => q.pop_front(),
                Err(_) => None,
            };
            let Some(job) = job else { break };
            let outcome = execute_and_store(&job, &store);
            if tx.send((job.job_id.clone(), outcome)).is_err() {
                break;
            }
        }));
    }
    drop(tx);
    let mut outcomes = HashMap::new();
    for (id, outcome) in rx {
        progress.tick(matches!(outcome, JobOutcome::Failed(_)));
        outcomes.insert(id, outcome);
    }
    for h in handles {
        let _ = h.join();
    }
    outcomes
}
