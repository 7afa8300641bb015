//! `esr1-coordinator`: the user-facing command line (run a cohort, simulate one, run the demo).

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use esr1_coordinator::check::{check, check_table, CheckError, CheckOptions};
use esr1_coordinator::distributed::AmqpOptions;
use esr1_coordinator::exit::{
    check_error_exit_code, check_exit_code, error_exit_code, rebuild_exit_code, report_exit_code,
    BAD_INPUT, CHECK_EXIT_CODES_HELP, EXIT_CODES_HELP, SOME_FAILED,
};
use esr1_coordinator::plan::{PlanOptions, DEFAULT_REGION_SIZE};
use esr1_coordinator::rebuild::{rebuild, RebuildError, RebuildOptions};
use esr1_coordinator::report::{arm_table, comparison_lines, frequencies_tsv};
use esr1_coordinator::run::{run, Backend, RunError, RunOptions};
use esr1_coordinator::status::run_status;
use esr1_proto::CallingParams;
use esr1_science::consequence::CountRule;
use esr1_simulate::{
    simulate, AlignmentFormat, Scenario, SimulateOptions, ACCURACY_DEPTH, ACCURACY_VAFS,
};
use esr1_worker::queue::DEFAULT_PREFIX;
use esr1_worker::storage::{default_storage, SharedStorage};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "esr1-coordinator",
    version,
    about = "Find ESR1 mutations acquired under endocrine therapy across a cohort",
    after_help = EXIT_CODES_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a cohort: samplesheet in, calls, patient statuses and cohort frequencies out.
    #[command(after_help = EXIT_CODES_HELP)]
    Run(RunArgs),
    /// Write a synthetic cohort with known truth (reference, BAMs, samplesheet, truth tables).
    Simulate(SimulateArgs),
    /// Simulate a small cohort, run it, print the per-arm table and compare it with the truth.
    #[command(after_help = EXIT_CODES_HELP)]
    Demo(DemoArgs),
    /// Rebuild every report of a finished run from its stored plan and job results and a
    /// (possibly corrected) samplesheet, without opening any alignment file.
    #[command(after_help = EXIT_CODES_HELP)]
    Report(ReportArgs),
    /// Check a samplesheet and every sample's files before a run: per-sample table of
    /// file, index, build and contig, and what would fail.
    #[command(after_help = CHECK_EXIT_CODES_HELP)]
    Check(CheckArgs),
    /// Progress of a distributed run: jobs done, failed and pending, queue depth, dead letters.
    Status(StatusArgs),
}

#[derive(Args)]
struct CheckArgs {
    /// Cohort samplesheet (as for run).
    #[arg(long)]
    samplesheet: PathBuf,
    /// Reference FASTA the samples should be aligned to: its files are checked, and every
    /// sample's build and chromosome-6 name compared with it.
    #[arg(long)]
    reference: Option<PathBuf>,
    /// Endpoint of an S3-compatible server for s3:// paths (as for run).
    #[arg(long)]
    s3_endpoint: Option<String>,
}

#[derive(Args)]
struct ReportArgs {
    /// Cohort samplesheet, possibly corrected since the run (arm labels, days, materials):
    /// samples are matched to the run's by sample id.
    #[arg(long)]
    samplesheet: PathBuf,
    /// Reference FASTA the run was counted against (its .fai is read to check the build).
    #[arg(long)]
    reference: PathBuf,
    /// The run's output location (directory or s3://bucket/prefix): its jobs.json and
    /// results/ are read and its reports written again.
    #[arg(long)]
    out: String,
    /// Endpoint of an S3-compatible server for s3:// paths (as for run).
    #[arg(long)]
    s3_endpoint: Option<String>,
    /// Which acquired variants the headline counts (as for run); default: the run's.
    #[arg(long)]
    count: Option<CountRule>,
    /// GTF or GFF3 placing the exons the built-in model lacks (as for run); default: the
    /// run's.
    #[arg(long, value_name = "FILE.gtf|gff3")]
    annotation: Option<PathBuf>,
}

#[derive(Args)]
struct StatusArgs {
    /// Broker URL.
    #[arg(long, env = "ESR1_AMQP_URL", hide_env_values = true)]
    amqp_url: String,
    /// The run's id (printed by `run`, stored in OUT/jobs.json).
    #[arg(long)]
    run_id: String,
    /// The run's output location (directory or s3://bucket/prefix).
    #[arg(long)]
    out: String,
    /// Endpoint of an S3-compatible server for an s3:// output location.
    #[arg(long)]
    s3_endpoint: Option<String>,
    /// Prefix of exchange and queue names.
    #[arg(long, default_value = DEFAULT_PREFIX, env = "ESR1_QUEUE_PREFIX")]
    queue_prefix: String,
}

#[derive(Args)]
struct ThresholdArgs {
    /// Minimum mapping quality of a read.
    #[arg(long, default_value_t = CallingParams::default().min_mapq)]
    min_mapq: u8,
    /// Minimum base quality of a counted base.
    #[arg(long, default_value_t = CallingParams::default().min_base_quality)]
    min_base_quality: u8,
    /// Minimum alt fragments for a call.
    #[arg(long, default_value_t = CallingParams::default().min_alt_reads)]
    min_alt_reads: u32,
    /// Minimum allele fraction for a call.
    #[arg(long, default_value_t = CallingParams::default().min_vaf)]
    min_vaf: f64,
    /// Maximum p-value of the alt count under sequencing error for a call.
    #[arg(long, default_value_t = CallingParams::default().max_error_p)]
    max_error_p: f64,
    /// GTF or GFF3 (plain or bgzip) with the ESR1 transcript NM_000125 / ENST00000206249:
    /// places the exons the built-in model lacks (2, 3, 4 and 6) for HGVS names.
    #[arg(long, value_name = "FILE.gtf|gff3")]
    annotation: Option<PathBuf>,
    /// Region size of a job, in base pairs (1,000 to 20,000,000).
    #[arg(long, default_value_t = DEFAULT_REGION_SIZE, value_parser = clap::value_parser!(u64).range(1_000..=20_000_000))]
    region_size: u64,
}

impl ThresholdArgs {
    fn plan_options(&self) -> PlanOptions {
        PlanOptions {
            region_size: self.region_size,
            params: CallingParams {
                min_mapq: self.min_mapq,
                min_base_quality: self.min_base_quality,
                min_alt_reads: self.min_alt_reads,
                min_vaf: self.min_vaf,
                max_error_p: self.max_error_p,
                ..CallingParams::default()
            },
            annotation: self.annotation.clone(),
        }
    }
}

#[derive(Args)]
struct RunArgs {
    /// Cohort samplesheet (CSV: patient,sample,day,material,therapy,alignments[,index]).
    #[arg(long)]
    samplesheet: PathBuf,
    /// Reference FASTA the samples are aligned to (with .fai; .gzi when bgzip-compressed).
    #[arg(long)]
    reference: PathBuf,
    /// Output location: a directory or s3://bucket/prefix (results of a previous run there
    /// are reused).
    #[arg(long)]
    out: String,
    /// Endpoint of an S3-compatible server (MinIO, Garage, Ceph) for s3:// paths; sets
    /// path-style addressing. Default: AWS_ENDPOINT_URL, else AWS itself.
    #[arg(long)]
    s3_endpoint: Option<String>,
    /// Only read and write objects under these prefixes (repeatable or comma-separated;
    /// in-process workers). Default: anything the credentials allow.
    #[arg(long = "allow-prefix", value_delimiter = ',')]
    allow_prefixes: Vec<String>,
    /// In-process workers (default: number of cores); ignored with --amqp-url.
    #[arg(long)]
    workers: Option<usize>,
    /// Run on worker daemons through this RabbitMQ broker instead of in-process workers
    /// (e.g. amqp://guest:guest@127.0.0.1:5672/%2f). OUT must be reachable by the workers.
    #[arg(long, env = "ESR1_AMQP_URL", hide_env_values = true)]
    amqp_url: Option<String>,
    /// Prefix of exchange and queue names (must match the workers').
    #[arg(long, default_value = DEFAULT_PREFIX, env = "ESR1_QUEUE_PREFIX")]
    queue_prefix: String,
    /// Run identifier (default: derived from the samplesheet and reference paths).
    #[arg(long)]
    run_id: Option<String>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    #[command(flatten)]
    count: CountArgs,
    #[command(flatten)]
    thresholds: ThresholdArgs,
}

#[derive(Args)]
struct CountArgs {
    /// Which acquired variants make a patient "acquired" in the headline (cohort, arms,
    /// Fisher comparisons, polyclonal) and get a protein: group: hotspots (the known list),
    /// lbd (protein-altering in the ligand-binding domain, residues 311-547),
    /// protein-altering (missense, in-frame indel, frameshift, stop, start, splice site) or
    /// all. Every variant keeps its status in patients.tsv and calls.tsv.
    #[arg(long, default_value_t = CountRule::default())]
    count: CountRule,
}

#[derive(Args)]
struct SimulateArgs {
    /// Directory to write the cohort into.
    #[arg(long)]
    out: PathBuf,
    /// Number of patients (roles: at least 7, the first seven play fixed roles; accuracy: at
    /// least one per VAF).
    #[arg(long, default_value_t = 12)]
    patients: usize,
    /// Random seed; the same seed gives byte-identical files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Multiplies every sequencing depth.
    #[arg(long, default_value_t = 1.0)]
    depth_scale: f64,
    /// Alignment format: bam (with BAI) or cram (with CRAI).
    #[arg(long, default_value = "bam")]
    format: AlignmentFormat,
    /// Add position-specific artefacts (recurrent in every sample, some strand- or
    /// read-end-specific) and a C>T / G>A background; truth in truth_artefacts.tsv.
    #[arg(long)]
    artefacts: bool,
    /// Cohort: roles (fixed-role tumour/cfDNA patients, then random ones) or accuracy
    /// (baseline and later cfDNA per patient, single low-VAF hotspot mutations).
    #[arg(long, default_value = "roles", value_parser = ["roles", "accuracy"])]
    scenario: String,
    /// Accuracy scenario: fragment depth of every sample.
    #[arg(long, default_value_t = ACCURACY_DEPTH)]
    cfdna_depth: u32,
    /// Accuracy scenario: comma-separated allele fractions of the later samples' mutations.
    #[arg(long, value_delimiter = ',', default_values_t = ACCURACY_VAFS)]
    vafs: Vec<f64>,
    /// truth_frequencies.tsv counts acquired variants as `run --count` does.
    #[command(flatten)]
    count: CountArgs,
}

#[derive(Args)]
struct DemoArgs {
    /// Directory for the simulated cohort (`cohort/`) and the run (`run/`).
    #[arg(long, default_value = "esr1-demo")]
    out: PathBuf,
    /// Number of patients.
    #[arg(long, default_value_t = 12)]
    patients: usize,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// In-process workers (default: number of cores).
    #[arg(long)]
    workers: Option<usize>,
    #[command(flatten)]
    count: CountArgs,
}

/// The process's storage: local files and S3 from the AWS environment (and `--s3-endpoint`).
fn storage(s3_endpoint: Option<String>, allowed_prefixes: Vec<String>) -> SharedStorage {
    let mut env: HashMap<String, String> = std::env::vars().collect();
    if let Some(e) = s3_endpoint {
        env.insert("AWS_ENDPOINT_URL".into(), e);
    }
    default_storage(&env, allowed_prefixes)
}

fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn run_cmd(a: RunArgs) -> anyhow::Result<ExitCode> {
    let backend = match a.amqp_url {
        Some(url) => Backend::Amqp(AmqpOptions {
            url,
            prefix: a.queue_prefix,
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
            plan: a.thresholds.plan_options(),
            count: a.count.count,
            run_id: a.run_id,
            progress: !a.quiet,
        },
        &storage(a.s3_endpoint, a.allow_prefixes),
    )?;
    for w in &out.warnings {
        eprintln!("warning: {w}");
    }
    print!("{}", arm_table(&out.report.frequencies));
    print!(
        "{}",
        comparison_lines(&out.report.outcomes, out.report.count)
    );
    println!("run {}: reports written to {}", out.plan.run_id, a.out);
    Ok(ExitCode::from(report_exit_code(&out.report)))
}

fn simulate_cmd(a: SimulateArgs) -> anyhow::Result<ExitCode> {
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

fn demo_cmd(a: DemoArgs) -> anyhow::Result<ExitCode> {
    let cohort_dir = a.out.join("cohort");
    eprintln!(
        "simulating {} patients into {} …",
        a.patients,
        cohort_dir.display()
    );
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
    eprintln!("running the cohort into {} …", run_dir.display());
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
            progress: true,
        },
        &storage(None, Vec::new()),
    )?;
    for w in &out.warnings {
        eprintln!("warning: {w}");
    }
    println!();
    print!("{}", arm_table(&out.report.frequencies));
    print!(
        "{}",
        comparison_lines(&out.report.outcomes, out.report.count)
    );
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

fn report_cmd(a: ReportArgs) -> anyhow::Result<ExitCode> {
    let out = rebuild(
        &RebuildOptions {
            samplesheet: a.samplesheet,
            reference: a.reference,
            out: a.out.clone(),
            count: a.count,
            annotation: a.annotation,
        },
        &storage(a.s3_endpoint, Vec::new()),
    )?;
    for w in &out.warnings {
        eprintln!("warning: {w}");
    }
    print!("{}", arm_table(&out.report.frequencies));
    print!(
        "{}",
        comparison_lines(&out.report.outcomes, out.report.count)
    );
    println!(
        "run {}: reports rebuilt in {} from {} stored job results",
        out.plan.run_id, a.out, out.reused_jobs
    );
    Ok(ExitCode::from(report_exit_code(&out.report)))
}

fn check_cmd(a: CheckArgs) -> anyhow::Result<ExitCode> {
    let report = check(
        &CheckOptions {
            samplesheet: a.samplesheet,
            reference: a.reference,
        },
        storage(a.s3_endpoint, Vec::new()).as_ref(),
    )?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(r) = &report.reference {
        println!("reference {}: {} ({})", r.path, r.build, r.chrom);
    }
    print!("{}", check_table(&report));
    Ok(ExitCode::from(check_exit_code(&report)))
}

fn status_cmd(a: StatusArgs) -> anyhow::Result<ExitCode> {
    let s = run_status(
        &a.run_id,
        &a.out,
        &storage(a.s3_endpoint, Vec::new()),
        &AmqpOptions {
            url: a.amqp_url,
            prefix: a.queue_prefix,
        },
    )?;
    let pending = s.total - s.done - s.failed;
    println!(
        "run {}: {} jobs: {} done, {} failed, {} pending",
        a.run_id, s.total, s.done, s.failed, pending
    );
    println!("jobs queue depth (all runs): {}", s.queue_depth);
    println!(
        "dead letters of this run not yet collected: {}",
        s.dead_letters
    );
    println!("events of this run not yet collected: {}", s.pending_events);
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => run_cmd(a),
        Command::Simulate(a) => simulate_cmd(a),
        Command::Demo(a) => demo_cmd(a),
        Command::Report(a) => report_cmd(a),
        Command::Check(a) => check_cmd(a),
        Command::Status(a) => status_cmd(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            let code = if let Some(e) = e.downcast_ref::<RunError>() {
                error_exit_code(e)
            } else if let Some(e) = e.downcast_ref::<RebuildError>() {
                rebuild_exit_code(e)
            } else if let Some(e) = e.downcast_ref::<CheckError>() {
                check_error_exit_code(e)
            } else {
                BAD_INPUT
            };
            ExitCode::from(code)
        }
    }
}

#[cfg(test)]
mod cli_tests;
