//! Soak: a distributed run of many small jobs while worker processes are killed (SIGKILL)
//! every few seconds and restarted and the broker restarts once, ending with every job
//! counted exactly once and the outputs byte-identical to an undisturbed embedded run.
//!
//! Size: `ESR1_SOAK_JOBS` jobs (default [`DEFAULT_JOBS`], under a minute on 2 loaded cores),
//! reached by tiling the 7-patient cohort's ESR1 span into smaller regions; kill interval
//! `ESR1_SOAK_KILL_MS` (default 2,000). The numbers are printed at the end (`--nocapture`).

use crate::broker::{unique, PrivateBroker, Worker};
use crate::distributed::{wait_until, LONG};
use crate::util::{results_written, REPORTS};
use esr1_coordinator::distributed::AmqpOptions;
use esr1_coordinator::plan::PlanOptions;
use esr1_coordinator::run::{run, Backend, RunOptions, RunOutput};
use esr1_science::esr1::Build;
use esr1_simulate::SimulatedCohort;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Jobs of the default soak.
pub const DEFAULT_JOBS: usize = 1_000;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn options(sim: &SimulatedCohort, out: &Path, backend: Backend, region_size: u64) -> RunOptions {
    RunOptions {
        count: Default::default(),
        samplesheet: sim.samplesheet.clone(),
        reference: sim.reference.clone(),
        out: out.to_string_lossy().into_owned(),
        backend,
        plan: PlanOptions {
            region_size: Some(region_size),
            ..PlanOptions::default()
        },
        // One run id for both runs: it is in summary.json, compared byte for byte.
        run_id: Some("soak".into()),
        progress: false,
    }
}

#[test]
fn soak_killed_workers_and_a_broker_restart_count_every_job_once() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = crate::util::small_cohort(dir.path(), 41);
    let samples = std::fs::read_to_string(&sim.samplesheet)
        .map(|t| t.lines().skip(1).filter(|l| !l.trim().is_empty()).count())
        .unwrap_or(1)
        .max(1);
    let wanted = env_number("ESR1_SOAK_JOBS", DEFAULT_JOBS).max(samples);
    let kill_every = Duration::from_millis(env_number("ESR1_SOAK_KILL_MS", 2_000) as u64);
    let (start, end) = Build::Grch38.gene_span();
    let per_sample = wanted.div_ceil(samples) as u64;
    let region_size = (end - start + 1).div_ceil(per_sample);

    let reference = run(
        &options(
            &sim,
            &dir.path().join("embedded"),
            Backend::Embedded { workers: 2 },
            region_size,
        ),
        &crate::util::local_storage(),
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    let total = reference.plan.jobs().count();
    assert_eq!(reference.report.jobs_failed, 0);

    let node_dir: PathBuf =
        std::env::temp_dir().join(format!("esr1-rmq-soak-{}", std::process::id()));
    let broker = PrivateBroker::start(&node_dir);
    let (url, prefix) = (broker.url(), unique("soak"));
    let out = dir.path().join("dist");
    let amqp = AmqpOptions {
        // A job a killed worker held is redelivered by the broker; this covers one the
        // broker restart lost.
        republish_after: Duration::from_secs(30),
        ..AmqpOptions::new(&url, &prefix)
    };
    let coordinator = {
        let opts = options(&sim, &out, Backend::Amqp(amqp), region_size);
        std::thread::spawn(move || -> RunOutput {
            run(&opts, &crate::util::local_storage()).unwrap_or_else(|e| panic!("{e:#}"))
        })
    };

    // Two worker slots; every `kill_every` one of them is killed and started again.
    let finished = Arc::new(AtomicBool::new(false));
    let (kills, starts) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let killer = {
        let (finished, kills, starts) = (finished.clone(), kills.clone(), starts.clone());
        let (url, prefix, logs) = (url.clone(), prefix.clone(), dir.path().to_owned());
        std::thread::spawn(move || {
            let start = |n: usize| {
                starts.fetch_add(1, Ordering::SeqCst);
                Worker::start(&url, &prefix, 20, &logs.join(format!("w{n}.log")))
            };
            let mut slots = [start(0), start(1)];
            let mut n = 2;
            while !finished.load(Ordering::SeqCst) {
                std::thread::sleep(kill_every);
                if finished.load(Ordering::SeqCst) {
                    break;
                }
                let slot = &mut slots[n % 2];
                slot.signal("KILL");
                let _ = slot.wait_exit(Duration::from_secs(10));
                kills.fetch_add(1, Ordering::SeqCst);
                *slot = start(n);
                n += 1;
            }
        })
    };

    // One broker restart, halfway.
    wait_until("half of the results", LONG, || {
        results_written(&out) >= total / 2
    });
    let at_restart = results_written(&out);
    broker.ctl(&["stop_app"]);
    std::thread::sleep(Duration::from_secs(2));
    broker.ctl(&["start_app"]);

    let result = coordinator.join().unwrap_or_else(|_| panic!("coordinator"));
    finished.store(true, Ordering::SeqCst);
    let _ = killer.join();

    eprintln!(
        "soak: {total} jobs ({samples} samples × regions of {region_size} bp), {} worker \
         kills (every {} ms), {} worker starts, 1 broker restart (at {at_restart}/{total} \
         results), {:.1} s in all",
        kills.load(Ordering::SeqCst),
        kill_every.as_millis(),
        starts.load(Ordering::SeqCst),
        started.elapsed().as_secs_f64()
    );
    assert_eq!(result.report.jobs_failed, 0, "{:?}", result.warnings);
    assert_eq!(result.report.jobs_done, total, "every job counted once");
    assert_eq!(results_written(&out), total, "one result per job");
    assert!(
        kills.load(Ordering::SeqCst) >= 2,
        "the run outlived at least two kills"
    );
    // Every report byte for byte but the page, which holds the run's times.
    for name in REPORTS.into_iter().filter(|n| *n != "report.html") {
        let a = std::fs::read(dir.path().join("embedded").join(name)).unwrap_or_default();
        let b = std::fs::read(out.join(name)).unwrap_or_default();
        assert!(!a.is_empty(), "{name} written");
        assert!(a == b, "{name} differs from the undisturbed run's");
    }
}
