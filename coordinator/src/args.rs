//! The arguments of `esr1-coordinator` (a module of the binary, not of the library): the
//! verbs, their options and the global `--quiet`/`--verbose`, parsed by clap; `main.rs` turns
//! them into the library's options.

use clap::{Args, Parser, Subcommand};
use esr1_coordinator::distributed::DEFAULT_REPUBLISH_AFTER;
use esr1_coordinator::help;
use esr1_coordinator::plan::{JobBytes, PlanOptions};
use esr1_proto::CallingParams;
use esr1_science::consequence::CountRule;
use esr1_simulate::{AlignmentFormat, ACCURACY_DEPTH, ACCURACY_VAFS};
use esr1_worker::queue::DEFAULT_PREFIX;
use esr1_worker::retry::parse_seconds;
use esr1_worker::telemetry::logging::LogFormat;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "esr1-coordinator",
    version = help::version(),
    propagate_version = true,
    about = "Find ESR1 mutations acquired under endocrine therapy across a cohort",
    after_help = help::tool_help()
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub verbosity: Verbosity,
    #[command(flatten)]
    pub ops: OpsArgs,
}

/// Logging and connection settings, the same on every verb.
#[derive(Args, Clone, Copy, Debug)]
pub struct OpsArgs {
    /// Log lines (warnings, errors, --verbose notes) as text or JSON objects, one per line;
    /// RUST_LOG filters them (default: warn, info with --verbose). With json, progress is
    /// logged too instead of drawn.
    #[arg(long, global = true, env = "ESR1_LOG_FORMAT", value_enum,
          default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Seconds a connection to the broker (each reconnection too) or a storage request is
    /// retried, with jittered exponential back-off and a log line per attempt, before giving
    /// up with exit code 3.
    #[arg(long, global = true, env = "ESR1_CONNECT_TIMEOUT", value_name = "SECS",
          value_parser = parse_seconds, default_value = "30")]
    pub connect_timeout: Duration,
}

/// Prometheus metrics of a run or of `status --watch`.
#[derive(Args, Clone, Copy, Debug, Default)]
pub struct MetricsArgs {
    /// Serve /metrics, /healthz and /readyz here while the command runs (e.g. 0.0.0.0:9101).
    #[arg(long, env = "ESR1_COORDINATOR_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Keep serving the metrics this many seconds after the command finished, so that a
    /// last scrape sees the end of the run (set it to the scrape interval or more).
    #[arg(long, value_name = "SECS", value_parser = parse_seconds, default_value = "0",
          requires = "metrics_addr")]
    pub metrics_linger: Duration,
}

/// How much goes to stderr, the same on every verb: `--quiet` prints no progress (bar or
/// lines), `--verbose` also what each step did. Results, warnings and errors are always
/// printed: a warning says what is wrong with the data (a failed sample), and logs of
/// unattended runs (`--quiet` in deploy/) must keep it.
#[derive(Args, Clone, Copy, Debug, Default)]
pub struct Verbosity {
    /// No progress (bar or lines); results, warnings and errors are still printed.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print what each step did (jobs planned and reused, files read and written).
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run a cohort: samplesheet in, calls, patient statuses and cohort frequencies out.
    #[command(after_help = help::run_help())]
    Run(RunArgs),
    /// Write a synthetic cohort with known truth (reference, BAMs, samplesheet, truth tables).
    #[command(after_help = help::simulate_help())]
    Simulate(SimulateArgs),
    /// Simulate a small cohort, run it, print the per-arm table and compare it with the truth.
    #[command(after_help = help::demo_help())]
    Demo(DemoArgs),
    /// Rebuild every report of a finished run from its stored plan and job results and a
    /// (possibly corrected) samplesheet, without opening any alignment file.
    #[command(after_help = help::report_help())]
    Report(ReportArgs),
    /// Check a samplesheet and every sample's files before a run: per-sample table of
    /// file, index, build and contig, and what would fail.
    #[command(after_help = help::check_help())]
    Check(CheckArgs),
    /// Progress of a distributed run: jobs done, failed and pending, queue depth, dead letters.
    #[command(after_help = help::status_help())]
    Status(StatusArgs),
}

#[derive(Args)]
pub struct CheckArgs {
    /// Cohort samplesheet (as for run).
    #[arg(long)]
    pub samplesheet: PathBuf,
    /// Reference FASTA the samples should be aligned to: its files are checked, and every
    /// sample's build and chromosome-6 name compared with it.
    #[arg(long)]
    pub reference: Option<PathBuf>,
    /// Endpoint of an S3-compatible server for s3:// paths (as for run).
    #[arg(long)]
    pub s3_endpoint: Option<String>,
}

#[derive(Args)]
pub struct ReportArgs {
    /// Cohort samplesheet, possibly corrected since the run (arm labels, days, materials):
    /// samples are matched to the run's by sample id.
    #[arg(long)]
    pub samplesheet: PathBuf,
    /// Reference FASTA the run was counted against (its .fai is read to check the build).
    #[arg(long)]
    pub reference: PathBuf,
    /// The run's output location (directory or s3://bucket/prefix): its jobs.json and
    /// results/ are read and its reports written again.
    #[arg(long)]
    pub out: String,
    /// Endpoint of an S3-compatible server for s3:// paths (as for run).
    #[arg(long)]
    pub s3_endpoint: Option<String>,
    /// Which acquired variants the headline counts (as for run); default: the run's.
    #[arg(long)]
    pub count: Option<CountRule>,
    /// GTF or GFF3 placing the exons the built-in model lacks (as for run); default: the
    /// run's.
    #[arg(long, value_name = "FILE.gtf|gff3")]
    pub annotation: Option<PathBuf>,
}

#[derive(Args)]
pub struct StatusArgs {
    /// Broker URL.
    #[arg(long, env = "ESR1_AMQP_URL", hide_env_values = true)]
    pub amqp_url: String,
    /// The run's id (printed by `run`, stored in OUT/jobs.json).
    #[arg(long)]
    pub run_id: String,
    /// The run's output location (directory or s3://bucket/prefix).
    #[arg(long)]
    pub out: String,
    /// Endpoint of an S3-compatible server for an s3:// output location.
    #[arg(long)]
    pub s3_endpoint: Option<String>,
    /// Prefix of exchange and queue names.
    #[arg(long, default_value = DEFAULT_PREFIX, env = "ESR1_QUEUE_PREFIX")]
    pub queue_prefix: String,
    /// Read the run again every SECS seconds until every job has an outcome (done or
    /// failed), printing a line each time.
    #[arg(long, value_name = "SECS", value_parser = parse_seconds)]
    pub watch: Option<Duration>,
    #[command(flatten)]
    pub metrics: MetricsArgs,
    /// Also delete the run's events and dead-letter queues (kept while a coordinator still
    /// consumes them); a finished run deletes its own.
    #[arg(long)]
    pub cleanup: bool,
}

#[derive(Args)]
pub struct ThresholdArgs {
    /// Minimum mapping quality of a read.
    #[arg(long, default_value_t = CallingParams::default().min_mapq)]
    pub min_mapq: u8,
    /// Minimum base quality of a counted base.
    #[arg(long, default_value_t = CallingParams::default().min_base_quality)]
    pub min_base_quality: u8,
    /// Minimum alt fragments for a call.
    #[arg(long, default_value_t = CallingParams::default().min_alt_reads)]
    pub min_alt_reads: u32,
    /// Minimum allele fraction for a call.
    #[arg(long, default_value_t = CallingParams::default().min_vaf)]
    pub min_vaf: f64,
    /// Maximum p-value of the alt count under sequencing error for a call.
    #[arg(long, default_value_t = CallingParams::default().max_error_p)]
    pub max_error_p: f64,
    /// GTF or GFF3 (plain or bgzip) with the ESR1 transcript NM_000125 / ENST00000206249:
    /// places the exons the built-in model lacks (2, 3, 4 and 6) for HGVS names.
    #[arg(long, value_name = "FILE.gtf|gff3")]
    pub annotation: Option<PathBuf>,
    /// Compressed bytes of alignment data per job, from the samples' indexes: a sample up to
    /// this size is one job, a larger one as many equal jobs as this size requires. `auto`
    /// (the default): the largest power of two from 256 KiB to 8 MiB that keeps the largest
    /// job within 1.75 times the median one (fewest jobs, about even); with one in-process
    /// worker (--workers 1), `whole`. `whole`: every sample one job (cutting a sample only
    /// lets several workers share it). A number (at least 64 KiB) fixes it.
    #[arg(long, value_name = "auto|whole|BYTES", default_value = "auto")]
    pub job_bytes: JobBytes,
    /// Cut every sample into regions of this many base pairs instead (1,000 to 20,000,000).
    #[arg(long, value_name = "BP", value_parser = clap::value_parser!(u64).range(1_000..=20_000_000))]
    pub region_size: Option<u64>,
}

impl ThresholdArgs {
    pub fn plan_options(&self) -> PlanOptions {
        PlanOptions {
            job_bytes: self.job_bytes,
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
            verify_inputs: false,
        }
    }
}

#[derive(Args)]
pub struct RunArgs {
    /// Cohort samplesheet (CSV: patient,sample,day,material,therapy,alignments[,index]).
    #[arg(long)]
    pub samplesheet: PathBuf,
    /// Reference FASTA the samples are aligned to (with .fai; .gzi when bgzip-compressed).
    #[arg(long)]
    pub reference: PathBuf,
    /// Output location: a directory or s3://bucket/prefix (results of a previous run there
    /// are reused).
    #[arg(long)]
    pub out: String,
    /// Endpoint of an S3-compatible server (MinIO, Garage, Ceph) for s3:// paths; sets
    /// path-style addressing. Default: AWS_ENDPOINT_URL, else AWS itself.
    #[arg(long)]
    pub s3_endpoint: Option<String>,
    /// Only read and write objects under these prefixes (repeatable or comma-separated;
    /// in-process workers). Default: anything the credentials allow.
    #[arg(long = "allow-prefix", value_delimiter = ',')]
    pub allow_prefixes: Vec<String>,
    /// In-process workers (default: number of cores); ignored with --amqp-url.
    #[arg(long)]
    pub workers: Option<usize>,
    /// Run on worker daemons through this RabbitMQ broker instead of in-process workers
    /// (e.g. amqp://guest:guest@127.0.0.1:5672/%2f). OUT must be reachable by the workers.
    #[arg(long, env = "ESR1_AMQP_URL", hide_env_values = true)]
    pub amqp_url: Option<String>,
    /// Prefix of exchange and queue names (must match the workers').
    #[arg(long, default_value = DEFAULT_PREFIX, env = "ESR1_QUEUE_PREFIX")]
    pub queue_prefix: String,
    /// Run identifier (default: derived from the samplesheet and reference paths).
    #[arg(long)]
    pub run_id: Option<String>,
    /// Also stamp every alignment file and index with a content checksum (SHA-256 of the
    /// file's first and last 64 KiB, of the whole index), part of each job's id and checked by
    /// the workers before counting: catches a file replaced by another of the same size whose
    /// modification time was restored, which the size and version alone cannot see.
    #[arg(long)]
    pub verify_inputs: bool,
    /// With --amqp-url: seconds without any job settling and none queued after which the
    /// pending jobs are taken as lost (a broker that lost the jobs queue) and published again.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_REPUBLISH_AFTER.as_secs())]
    pub republish_after: u64,
    #[command(flatten)]
    pub metrics: MetricsArgs,
    #[command(flatten)]
    pub count: CountArgs,
    #[command(flatten)]
    pub thresholds: ThresholdArgs,
}

#[derive(Args)]
pub struct CountArgs {
    /// Which acquired variants make a patient "acquired" in the headline (cohort, arms,
    /// Fisher comparisons, polyclonal) and get a protein: group: hotspots (the known list),
    /// lbd (protein-altering in the ligand-binding domain, residues 311-547),
    /// protein-altering (missense, in-frame indel, frameshift, stop, start, splice site) or
    /// all. Every variant keeps its status in patients.tsv and calls.tsv.
    #[arg(long, default_value_t = CountRule::default())]
    pub count: CountRule,
}

#[derive(Args)]
pub struct SimulateArgs {
    /// Directory to write the cohort into.
    #[arg(long)]
    pub out: PathBuf,
    /// Number of patients (roles: at least 7, the first seven play fixed roles; accuracy: at
    /// least one per VAF).
    #[arg(long, default_value_t = 12)]
    pub patients: usize,
    /// Random seed; the same seed gives byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Multiplies every sequencing depth.
    #[arg(long, default_value_t = 1.0)]
    pub depth_scale: f64,
    /// Alignment format: bam (with BAI) or cram (with CRAI).
    #[arg(long, default_value = "bam")]
    pub format: AlignmentFormat,
    /// Add position-specific artefacts (recurrent in every sample, some strand- or
    /// read-end-specific) and a C>T / G>A background; truth in truth_artefacts.tsv.
    #[arg(long)]
    pub artefacts: bool,
    /// Cohort: roles (fixed-role tumour/cfDNA patients, then random ones) or accuracy
    /// (baseline and later cfDNA per patient, single low-VAF hotspot mutations).
    #[arg(long, default_value = "roles", value_parser = ["roles", "accuracy"])]
    pub scenario: String,
    /// Accuracy scenario: fragment depth of every sample.
    #[arg(long, default_value_t = ACCURACY_DEPTH)]
    pub cfdna_depth: u32,
    /// Accuracy scenario: comma-separated allele fractions of the later samples' mutations.
    #[arg(long, value_delimiter = ',', default_values_t = ACCURACY_VAFS)]
    pub vafs: Vec<f64>,
    /// truth_frequencies.tsv counts acquired variants as `run --count` does.
    #[command(flatten)]
    pub count: CountArgs,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Directory for the simulated cohort (`cohort/`) and the run (`run/`).
    #[arg(long, default_value = "esr1-demo")]
    pub out: PathBuf,
    /// Number of patients.
    #[arg(long, default_value_t = 12)]
    pub patients: usize,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// In-process workers (default: number of cores).
    #[arg(long)]
    pub workers: Option<usize>,
    #[command(flatten)]
    pub count: CountArgs,
}
