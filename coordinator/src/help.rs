//! The command line's help texts: the version line (with the counting model's version), and
//! what `--help` prints after the options — examples of every verb, then its exit codes.

use crate::exit::{CHECK_EXIT_CODES_HELP, EXIT_CODES_HELP, STATUS_EXIT_CODES_HELP};
use crate::plan::MODEL_VERSION;
use std::sync::LazyLock;

static VERSION: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} (counting model {MODEL_VERSION})",
        env!("CARGO_PKG_VERSION")
    )
});

/// What `--version` prints after the program's name: its version and the counting model's,
/// which is part of every job id (results of another model are never reused).
pub fn version() -> &'static str {
    VERSION.as_str()
}

/// Examples of the whole tool, after the top-level `--help`.
pub const TOOL_EXAMPLES: &str = "Examples:
  # Try it: simulate a cohort with known truth, run it, compare with the truth
  esr1-coordinator demo --out esr1-demo

  # Check a cohort's files, run it, fix an arm label, rebuild the reports
  esr1-coordinator check --samplesheet cohort.csv --reference GRCh38.fa.gz
  esr1-coordinator run --samplesheet cohort.csv --reference GRCh38.fa.gz --out results/
  esr1-coordinator report --samplesheet fixed.csv --reference GRCh38.fa.gz --out results/

Every verb has examples in its own --help (esr1-coordinator run --help). -q/--quiet and
-v/--verbose work on every verb: quiet prints no progress, verbose also what each step did;
results, warnings and errors are always printed. The exit codes of check are in check --help.";

const RUN_EXAMPLES: &str = "Examples:
  # In-process workers, reports in results/
  esr1-coordinator run --samplesheet cohort.csv --reference GRCh38.fa.gz --out results/

  # Only hotspot mutations in the headline, larger region jobs, no progress bar
  esr1-coordinator run --samplesheet cohort.csv --reference GRCh38.fa.gz --out results/ \\
      --count hotspots --region-size 500000 --quiet

  # Also bind every job to the contents of its BAM and index (checksums, in the report)
  esr1-coordinator run --samplesheet cohort.csv --reference GRCh38.fa.gz --out results/ \\
      --verify-inputs

  # Worker daemons through RabbitMQ, inputs and reports on S3-compatible storage
  ESR1_AMQP_URL=amqp://esr1:PASSWORD@broker:5672/%2f \\
  esr1-coordinator run --samplesheet cohort.csv --reference s3://refs/GRCh38.fa.gz \\
      --out s3://runs/cohort-1 --s3-endpoint http://127.0.0.1:3900

  # The same, with Prometheus metrics on :9101 (kept 30 s after the end for a last scrape),
  # JSON logs, and 2 minutes to reach the broker before giving up (exit 3)
  esr1-coordinator --log-format json run --samplesheet cohort.csv \
      --reference s3://refs/GRCh38.fa.gz --out s3://runs/cohort-1 \
      --metrics-addr 0.0.0.0:9101 --metrics-linger 30 --connect-timeout 120";

const SIMULATE_EXAMPLES: &str = "Examples:
  # The demo's 12-patient cohort (BAM), then run it
  esr1-coordinator simulate --out cohort/
  esr1-coordinator run --samplesheet cohort/samplesheet.csv \\
      --reference cohort/reference/chr6_esr1.fa.gz --out run/

  # 48 patients of low-VAF cfDNA at 4,000x, as CRAM
  esr1-coordinator simulate --out accuracy/ --scenario accuracy --patients 48 --format cram";

const DEMO_EXAMPLES: &str = "Examples:
  # Simulate, run and compare with the truth in esr1-demo/
  esr1-coordinator demo

  # Another cohort: 24 patients, seed 7, counting hotspot mutations only
  esr1-coordinator demo --out demo-24 --patients 24 --seed 7 --count hotspots";

const REPORT_EXAMPLES: &str = "Examples:
  # After correcting therapy arms in the samplesheet: new reports, no BAM read
  esr1-coordinator report --samplesheet fixed.csv --reference GRCh38.fa.gz --out results/

  # The same run's reports with another count rule and an annotation for HGVS names
  esr1-coordinator report --samplesheet cohort.csv --reference GRCh38.fa.gz --out results/ \\
      --count lbd --annotation ESR1.gtf";

const CHECK_EXAMPLES: &str = "Examples:
  # Before a run: every file, index, build and contig name against the reference
  esr1-coordinator check --samplesheet cohort.csv --reference GRCh38.fa.gz

  # The samplesheet and the files alone; on S3-compatible storage
  esr1-coordinator check --samplesheet cohort.csv --s3-endpoint http://127.0.0.1:3900";

const STATUS_EXAMPLES: &str = "Examples:
  # How far a distributed run is
  ESR1_AMQP_URL=amqp://esr1:PASSWORD@broker:5672/%2f \\
  esr1-coordinator status --run-id cohort-1 --out s3://runs/cohort-1

  # Follow it every 15 s until every job has an outcome, with its progress on /metrics
  esr1-coordinator status --run-id cohort-1 --out s3://runs/cohort-1 --watch 15 \\
      --metrics-addr 0.0.0.0:9101

  # Its queues too, after its coordinator died (a finished run deletes its own)
  esr1-coordinator status --run-id cohort-1 --out s3://runs/cohort-1 --cleanup";

fn with_codes(examples: &str, codes: &str) -> String {
    format!("{examples}\n\n{codes}")
}

/// After `run --help`.
pub fn run_help() -> String {
    with_codes(RUN_EXAMPLES, EXIT_CODES_HELP)
}

/// After `simulate --help`.
pub fn simulate_help() -> String {
    SIMULATE_EXAMPLES.to_owned()
}

/// After `demo --help`.
pub fn demo_help() -> String {
    with_codes(DEMO_EXAMPLES, EXIT_CODES_HELP)
}

/// After `report --help`.
pub fn report_help() -> String {
    with_codes(REPORT_EXAMPLES, EXIT_CODES_HELP)
}

/// After `check --help`.
pub fn check_help() -> String {
    with_codes(CHECK_EXAMPLES, CHECK_EXIT_CODES_HELP)
}

/// After `status --help`.
pub fn status_help() -> String {
    with_codes(STATUS_EXAMPLES, STATUS_EXIT_CODES_HELP)
}

/// After the top-level `--help`.
pub fn tool_help() -> String {
    with_codes(TOOL_EXAMPLES, EXIT_CODES_HELP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_names_the_counting_model() {
        assert!(version().starts_with(env!("CARGO_PKG_VERSION")));
        assert!(version().ends_with(&format!("(counting model {MODEL_VERSION})")));
    }

    #[test]
    fn every_verbs_help_has_an_example_of_that_verb() {
        for (verb, help) in [
            ("run", run_help()),
            ("simulate", simulate_help()),
            ("demo", demo_help()),
            ("report", report_help()),
            ("check", check_help()),
            ("status", status_help()),
        ] {
            assert!(help.starts_with("Examples:\n"), "{verb}: {help}");
            assert!(
                help.contains(&format!("esr1-coordinator {verb}")),
                "{verb}: {help}"
            );
        }
        assert!(check_help().ends_with(CHECK_EXIT_CODES_HELP));
        assert!(report_help().ends_with(EXIT_CODES_HELP));
        assert!(status_help().ends_with(STATUS_EXIT_CODES_HELP));
    }
}
