//! `esr1-coordinator`: the user-facing command line — check a cohort, run it, rebuild its
//! reports, follow a distributed run, simulate one, run the demo. It only dispatches: the
//! arguments are in [`args`], the work in the library; `anyhow` lives here only.

mod args;

use anyhow::Context;
use args::{
    CheckArgs, Cli, Command, DemoArgs, MetricsArgs, OpsArgs, ReportArgs, RunArgs, SimulateArgs,
    StatusArgs, Verbosity,
};
use clap::Parser;
use esr1_coordinator::check::{check, check_table, CheckError, CheckOptions};
use esr1_coordinator::distributed::AmqpOptions;
use esr1_coordinator::exit::{
    check_error_exit_code, check_exit_code, error_exit_code, rebuild_exit_code, report_exit_code,
    status_exit_code, BAD_INPUT, SOME_FAILED,
};
use esr1_coordinator::metrics::GlobalTelemetry;
use esr1_coordinator::plan::PlanOptions;
use esr1_coordinator::rebuild::{rebuild, RebuildError, RebuildOptions};
use esr1_coordinator::report::{arm_table, comparison_lines, frequencies_tsv};
use esr1_coordinator::run::{run, Backend, RunError, RunOptions, RunOutput};
use esr1_coordinator::status::{cleanup_run_queues, run_status, StatusError};
use esr1_simulate::{simulate, Scenario, SimulateOptions};
use esr1_worker::signing::JobKey;
use esr1_worker::storage::{storage_within, SharedStorage};
use esr1_worker::telemetry::http::{serve_in_background, Endpoint};
use esr1_worker::telemetry::logging::{self, LogFormat};
use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;

/// The process's storage: local files and S3 from the AWS environment (and `--s3-endpoint`),
/// each request retried within `--connect-timeout`.
fn storage(
    s3_endpoint: Option<String>,
    allowed_prefixes: Vec<String>,
    ops: OpsArgs,
) -> SharedStorage {
    let mut env: HashMap<String, String> = std::env::vars().collect();
    if let Some(e) = s3_endpoint {
        env.insert("AWS_ENDPOINT_URL".into(), e);
    }
    storage_within(&env, allowed_prefixes, ops.connect_timeout, None)
}

/// Serves the process's metrics with `--metrics-addr`; dropping the endpoint stops it after
/// `--metrics-linger`.
struct MetricsServer {
    endpoint: Option<Endpoint>,
    linger: std::time::Duration,
}

impl MetricsServer {
    fn start(m: MetricsArgs) -> anyhow::Result<Self> {
        let endpoint = match m.metrics_addr {
            Some(addr) => {
                let e = serve_in_background(addr, Arc::new(GlobalTelemetry))
                    .with_context(|| format!("cannot serve metrics on {addr}"))?;
                tracing::info!("metrics on http://{}/metrics", e.addr);
                Some(e)
            }
            None => None,
        };
        Ok(Self {
            endpoint,
            linger: m.metrics_linger,
        })
    }
}

impl Drop for MetricsServer {
    fn drop(&mut self) {
        if self.endpoint.is_some() && !self.linger.is_zero() {
            std::thread::sleep(self.linger);
        }
    }
}

fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// What goes to stderr and how: warnings are logged at WARN whatever the verbosity (they are
/// about the data), notes at INFO (shown with `--verbose`), progress lines drawn for people
/// with text logs and logged at INFO with JSON logs.
#[derive(Clone, Copy)]
struct Say {
    verbosity: Verbosity,
    json: bool,
}

impl Say {
    /// A warning, whatever the verbosity (it is about the data).
    fn warn(&self, w: &str) {
        tracing::warn!("{w}");
    }

    /// Progress of a step, unless `--quiet`.
    fn progress(&self, p: &str) {
        if self.verbosity.quiet {
            return;
        }
        if self.json {
            tracing::info!("{p}");
        } else {
            eprintln!("{p}");
        }
    }

    /// What a step did (logged at INFO: shown with `--verbose` or RUST_LOG=info).
    fn note(&self, n: &str) {
        tracing::info!("{n}");
    }

    /// Whether to draw the progress bar (never into JSON logs).
    fn bar(&self) -> bool {
        !self.verbosity.quiet && !self.json
    }
}

/// What `run`, `demo` and `report` print of a finished run: warnings, what was done, the arm
/// table and the arm comparisons.
fn print_run(out: &RunOutput, say: Say) {
    for w in &out.warnings {
        say.warn(w);
    }
    let plan = &out.plan;
    say.note(&format!(
        "run {}: {} samples planned ({} region jobs), {} refused; reference {} ({} {})",
        plan.run_id,
        plan.samples.len(),
        plan.jobs().count(),
        plan.failed.len(),
        plan.reference,
        plan.build,
        plan.chrom
    ));
    say.note(&format!(
        "{} job results were stored already; {} done and {} failed in all",
        out.reused_jobs, out.report.jobs_done, out.report.jobs_failed
    ));
    for f in &out.files {
        say.note(&format!("wrote {f}"));
    }
    print!("{}", arm_table(&out.report.frequencies));
    print!(
        "{}",
        comparison_lines(&out.report.outcomes, out.report.count)
    );
}

fn run_cmd(a: RunArgs, say: Say, ops: OpsArgs) -> anyhow::Result<ExitCode> {
    let _metrics = MetricsServer::start(a.metrics)?;
    let backend = match a.amqp_url {
        Some(url) => Backend::Amqp(AmqpOptions {
            connect_timeout: ops.connect_timeout,
            job_key: JobKey::from_env(&std::env::vars().collect()),
            republish_after: std::time::Duration::from_secs(a.republish_after),
            ..AmqpOptions::new(url, a.queue_prefix)
        }),
        None => Backend::Embedded {
            workers: a.workers.unwrap_or_else(default_workers),
        },
    };
    let out = run(
        &RunOptions {
            samplesheet: a.samplesheet,
            reference: a.reference,
            out: a.out.clone(),
            backend,
            plan: PlanOptions {
                verify_inputs: a.verify_inputs,
                ..a.thresholds.plan_options()
            },
            count: a.count.count,
            run_id: a.run_id,
            progress: say.bar(),
        },
        &storage(a.s3_endpoint, a.allow_prefixes, ops),
    )?;
    print_run(&out, say);
    println!("run {}: reports written to {}", out.plan.run_id, a.out);
    Ok(ExitCode::from(report_exit_code(&out.report)))
}

fn simulate_cmd(a: SimulateArgs, say: Say) -> anyhow::Result<ExitCode> {
    let scenario = match a.scenario.as_str() {
        "accuracy" => Scenario::Accuracy {
            cfdna_depth: a.cfdna_depth,
            vafs: a.vafs,
        },
        _ => Scenario::Roles,
    };
    let cohort = simulate(&SimulateOptions {
        format: a.format,
        out: a.out.clone(),
        patients: a.patients,
        seed: a.seed,
        depth_scale: a.depth_scale,
        artefacts: a.artefacts,
        scenario,
        count: a.count.count,
    })?;
    say.note(&format!(
        "simulated {} patients, seed {}, into {}",
        cohort.patients.len(),
        a.seed,
        a.out.display()
    ));
    println!("samplesheet: {}", cohort.samplesheet.display());
    println!("reference:   {}", cohort.reference.display());
    println!("truth:       {}", cohort.truth_frequencies.display());
    if let Some(path) = &cohort.truth_artefacts {
        println!("artefacts:   {}", path.display());
    }
    let targets: Vec<String> = cohort
        .targets
        .iter()
        .map(|(s, e)| format!("chr6:{s}-{e}"))
        .collect();
    println!("targets:     {}", targets.join(","));
    Ok(ExitCode::SUCCESS)
}

fn demo_cmd(a: DemoArgs, say: Say, ops: OpsArgs) -> anyhow::Result<ExitCode> {
    let cohort_dir = a.out.join("cohort");
    say.progress(&format!(
        "simulating {} patients into {} …",
        a.patients,
        cohort_dir.display()
    ));
    let cohort = simulate(&SimulateOptions {
        format: Default::default(),
        out: cohort_dir,
        patients: a.patients,
        seed: a.seed,
        depth_scale: 1.0,
        // Recurrent artefacts in every sample: what the cohort background removes.
        artefacts: true,
        count: a.count.count,
        ..SimulateOptions::default()
    })?;
    let run_dir = a.out.join("run");
    say.progress(&format!("running the cohort into {} …", run_dir.display()));
    let out = run(
        &RunOptions {
            samplesheet: cohort.samplesheet.clone(),
            reference: cohort.reference.clone(),
            out: run_dir.to_string_lossy().into_owned(),
            backend: Backend::Embedded {
                workers: a.workers.unwrap_or_else(default_workers),
            },
            plan: PlanOptions::default(),
            count: a.count.count,
            run_id: None,
            progress: say.bar(),
        },
        &storage(None, Vec::new(), ops),
    )?;
    println!();
    print_run(&out, say);
    let ours = frequencies_tsv(&out.report.frequencies);
    let truth = std::fs::read_to_string(&cohort.truth_frequencies)
        .with_context(|| format!("reading {}", cohort.truth_frequencies.display()))?;
    println!();
    let code = report_exit_code(&out.report);
    if ours == truth {
        println!(
            "frequencies.tsv equals the simulation's truth ({})",
            cohort.truth_frequencies.display()
        );
        println!("reports: {}", run_dir.display());
        Ok(ExitCode::from(code))
    } else {
        println!("frequencies.tsv DIFFERS from the simulation's truth:");
        for (o, t) in ours.lines().zip(truth.lines()).filter(|(o, t)| o != t) {
            println!("  ours:  {o}\n  truth: {t}");
        }
        Ok(ExitCode::from(code.max(SOME_FAILED)))
    }
}

fn report_cmd(a: ReportArgs, say: Say, ops: OpsArgs) -> anyhow::Result<ExitCode> {
    let out = rebuild(
        &RebuildOptions {
            samplesheet: a.samplesheet,
            reference: a.reference,
            out: a.out.clone(),
            count: a.count,
            annotation: a.annotation,
        },
        &storage(a.s3_endpoint, Vec::new(), ops),
    )?;
    print_run(&out, say);
    println!(
        "run {}: reports rebuilt in {} from {} stored job results",
        out.plan.run_id, a.out, out.reused_jobs
    );
    Ok(ExitCode::from(report_exit_code(&out.report)))
}

fn check_cmd(a: CheckArgs, say: Say, ops: OpsArgs) -> anyhow::Result<ExitCode> {
    let report = check(
        &CheckOptions {
            samplesheet: a.samplesheet,
            reference: a.reference,
        },
        storage(a.s3_endpoint, Vec::new(), ops).as_ref(),
    )?;
    for w in &report.warnings {
        say.warn(w);
    }
    say.note(&format!(
        "opened the alignment file and index of {} samples",
        report.samples.iter().filter(|s| s.build.is_some()).count()
    ));
    if let Some(r) = &report.reference {
        println!("reference {}: {} ({})", r.path, r.build, r.chrom);
    }
    print!("{}", check_table(&report));
    Ok(ExitCode::from(check_exit_code(&report)))
}

fn status_cmd(a: StatusArgs, ops: OpsArgs) -> anyhow::Result<ExitCode> {
    let _metrics = MetricsServer::start(a.metrics)?;
    let storage = storage(a.s3_endpoint, Vec::new(), ops);
    let amqp = AmqpOptions {
        connect_timeout: ops.connect_timeout,
        ..AmqpOptions::new(a.amqp_url, a.queue_prefix)
    };
    loop {
        let s = run_status(&a.run_id, &a.out, &storage, &amqp)?;
        println!(
            "run {}: {} jobs: {} done, {} failed, {} pending",
            a.run_id,
            s.total,
            s.done,
            s.failed,
            s.pending()
        );
        println!("jobs queue depth (all runs): {}", s.queue_depth);
        println!(
            "dead letters of this run not yet collected: {}",
            s.dead_letters
        );
        println!("events of this run not yet collected: {}", s.pending_events);
        match a.watch {
            Some(every) if s.pending() > 0 => std::thread::sleep(every),
            _ => break,
        }
    }
    if a.cleanup {
        for line in cleanup_run_queues(&a.run_id, &amqp)? {
            println!("{line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ops = cli.ops;
    // Warnings always; with --verbose also what each step did (this program's INFO lines).
    let default_filter = if cli.verbosity.verbose {
        logging::COORDINATOR_VERBOSE
    } else {
        logging::COORDINATOR_DEFAULT
    };
    if let Err(e) = logging::init(ops.log_format, default_filter) {
        eprintln!("error: {e}");
        return ExitCode::from(BAD_INPUT);
    }
    let say = Say {
        verbosity: cli.verbosity,
        json: ops.log_format == LogFormat::Json,
    };
    let result = match cli.command {
        Command::Run(a) => run_cmd(a, say, ops),
        Command::Simulate(a) => simulate_cmd(a, say),
        Command::Demo(a) => demo_cmd(a, say, ops),
        Command::Report(a) => report_cmd(a, say, ops),
        Command::Check(a) => check_cmd(a, say, ops),
        Command::Status(a) => status_cmd(a, ops),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            tracing::error!("{e:#}");
            let code = if let Some(e) = e.downcast_ref::<RunError>() {
                error_exit_code(e)
            } else if let Some(e) = e.downcast_ref::<RebuildError>() {
                rebuild_exit_code(e)
            } else if let Some(e) = e.downcast_ref::<CheckError>() {
                check_error_exit_code(e)
            } else if let Some(e) = e.downcast_ref::<StatusError>() {
                status_exit_code(e)
            } else {
                BAD_INPUT
            };
            ExitCode::from(code)
        }
    }
}

#[cfg(test)]
mod cli_tests;
