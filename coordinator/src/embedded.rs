//! The embedded backend: N in-process workers take jobs from an in-memory queue and run them
//! exactly as a worker daemon does (same execution, same result store).

use crate::merge::Outcomes;
use crate::progress::Progress;
use esr1_proto::RegionJob;
use esr1_worker::daemon::{execute, store_outcome};
use esr1_worker::store::{JobOutcome, ResultStore};
use esr1_worker::Caches;
use std::collections::VecDeque;
use std::sync::{mpsc, Arc, Mutex};

/// Attempts of a job that keeps failing transiently before it is reported failed.
pub const MAX_ATTEMPTS: usize = 3;

/// Runs one job to a stored outcome, retrying transient failures a few times.
pub fn run_one(job: &RegionJob, store: &ResultStore, caches: &Caches) -> JobOutcome {
    let mut last = String::new();
    let storage = store.storage();
    for _ in 0..MAX_ATTEMPTS {
        match store_outcome(job, execute(job, storage, caches), "embedded", storage) {
            Ok(Some(_)) => match store.get(&job.job_id) {
                Ok(Some(o)) => return o,
                Ok(None) => {
                    last = format!("the stored result of {} cannot be read back", job.region)
                }
                Err(e) => {
                    last = format!(
                        "the stored result of {} cannot be read back: {e}",
                        job.region
                    )
                }
            },
            Ok(None) => last = format!("{}: transient failure", job.region),
            Err(e) => last = e.message,
        }
    }
    JobOutcome::Failed(format!("{last} (gave up after {MAX_ATTEMPTS} attempts)"))
}

/// Runs `jobs` on `workers` threads sharing `caches`, and returns every job's outcome by id.
pub fn run_embedded(
    jobs: Vec<RegionJob>,
    workers: usize,
    store: &ResultStore,
    caches: &Arc<Caches>,
    progress: &mut Progress,
) -> Outcomes {
    let queue = Arc::new(Mutex::new(jobs.into_iter().collect::<VecDeque<_>>()));
    let (tx, rx) = mpsc::channel::<(String, JobOutcome)>();
    let mut handles = Vec::new();
    for _ in 0..workers.max(1) {
        let queue = Arc::clone(&queue);
        let tx = tx.clone();
        let store = store.clone();
        let caches = Arc::clone(caches);
        handles.push(std::thread::spawn(move || loop {
            let job = match queue.lock() {
                Ok(mut q) => q.pop_front(),
                Err(_) => None,
            };
            let Some(job) = job else { break };
            let outcome = run_one(&job, &store, &caches);
            if tx.send((job.job_id.clone(), outcome)).is_err() {
                break;
            }
        }));
    }
    drop(tx);
    let mut outcomes = Outcomes::new();
    for (id, outcome) in rx {
        progress.tick(matches!(outcome, JobOutcome::Failed(_)));
        outcomes.insert(id, outcome.into());
    }
    for h in handles {
        let _ = h.join();
    }
    outcomes
}
