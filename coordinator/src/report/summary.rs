//! The typed model of `summary.json`: the run's headline numbers, built from the plan and the
//! [`CohortReport`]. The HTML page's header is rendered from the same struct.
//!
//! Fields are declared in alphabetical order, the order `summary.json` has always had (it was
//! built with `serde_json::json!`, whose maps sort their keys); the JSON writer keeps that
//! order for the rows of other crates too.

use crate::plan::Plan;
use crate::report::model::{CohortReport, PatientRow, SampleStatus};
use esr1_proto::FileStamp;
use esr1_science::cohort::{arm_comparisons, ArmComparison, FrequencyRow, VariantStatus};
use esr1_science::consequence::CountRule;
use esr1_science::recall::{FDR, HOTSPOT_FDR};
use serde::Serialize;
use std::collections::BTreeMap;

/// What wrote the reports (`tool` in `summary.json`, `##source` in the VCF).
pub const TOOL: &str = concat!("esr1-coordinator ", env!("CARGO_PKG_VERSION"));

/// `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Every pair of therapy arms compared with Fisher's exact test.
    pub arm_comparisons: Vec<ArmComparison>,
    /// How the cohort background test was run.
    pub background: BackgroundJson,
    /// Genome build (`GRCh38`).
    pub build: String,
    /// Chromosome name of the reference.
    pub chrom: String,
    /// Which acquired variants the headline counts (`hotspots`, `lbd`, `protein-altering`,
    /// `all`): the run's `--count`.
    pub count: CountRule,
    /// Days to the first acquired detection, per patient with one.
    pub days_to_first_detection: DaysToFirstDetection,
    /// Samples that failed, with the reason.
    pub failed_samples: Vec<FailedSample>,
    /// The rows of `frequencies.tsv`.
    pub frequencies: Vec<FrequencyRow>,
    /// Every input file the jobs read, as stamped when planned: location, size, version
    /// (modification time or ETag) and, with `--verify-inputs`, content checksum.
    pub inputs: Vec<FileStamp>,
    /// Jobs planned, done and failed.
    pub jobs: JobCounts,
    /// Patients in the cohort, evaluable, with an acquired mutation.
    pub patients: PatientCounts,
    /// Reference FASTA location.
    pub reference: String,
    /// Run id.
    pub run_id: String,
    /// Samples in the cohort, passed and failed.
    pub samples: SampleCounts,
    /// Program and version.
    pub tool: String,
    /// Warnings of the run, as printed.
    pub warnings: Vec<String>,
}

/// The cohort background test in `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct BackgroundJson {
    /// Samples informing the background (baselines and normals that passed QC).
    pub background_samples: usize,
    /// False discovery rate of the other family.
    pub fdr: f64,
    /// False discovery rate of the hotspot family.
    pub hotspot_fdr: f64,
    /// Per-test p-value threshold reached in each family.
    pub per_test_threshold: PerFamily<f64>,
    /// Prior overdispersion estimated from the cohort.
    pub prior_overdispersion: f64,
    /// Tests in each family.
    pub tests: PerFamily<usize>,
}

/// One number per Benjamini–Hochberg family.
#[derive(Debug, Clone, Serialize)]
pub struct PerFamily<T> {
    /// Known hotspots.
    pub hotspot: T,
    /// Every other allele.
    pub other: T,
}

/// Days to the first acquired detection, counted from two starts.
#[derive(Debug, Clone, Serialize)]
pub struct DaysToFirstDetection {
    /// From the last baseline sample (patients with a baseline).
    pub from_baseline: DaySpread,
    /// From therapy start (day 0).
    pub from_therapy_start: DaySpread,
}

/// Per patient with an acquired mutation, the first detection day: how many, and their
/// median and range (`None` without patients).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DaySpread {
    /// Largest.
    pub max: Option<i64>,
    /// Median (mean of the middle two for an even count).
    pub median: Option<f64>,
    /// Smallest.
    pub min: Option<i64>,
    /// Patients counted.
    pub patients: usize,
}

/// A sample that failed, in `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct FailedSample {
    /// Patient id.
    pub patient: String,
    /// Why it failed.
    pub reason: String,
    /// Sample id.
    pub sample: String,
}

/// Jobs of the run.
#[derive(Debug, Clone, Serialize)]
pub struct JobCounts {
    /// Jobs that produced a result.
    pub done: usize,
    /// Jobs that failed or never reported.
    pub failed: usize,
    /// Compressed bytes per job the samples were cut into (`--job-bytes`; with `whole`, the
    /// largest sample's bytes; null when tiled by base pairs with `--region-size`).
    pub target_bytes: Option<u64>,
    /// All jobs.
    pub total: usize,
}

/// Patients of the cohort.
#[derive(Debug, Clone, Serialize)]
pub struct PatientCounts {
    /// Evaluable patients with an acquired mutation.
    pub acquired: usize,
    /// Patients with a baseline and a later sample where acquisition can be decided.
    pub evaluable: usize,
    /// Patients with two or more acquired mutations.
    pub polyclonal_acquired: usize,
    /// All patients.
    pub total: usize,
}

/// Samples of the cohort.
#[derive(Debug, Clone, Serialize)]
pub struct SampleCounts {
    /// Samples that failed.
    pub failed: usize,
    /// Samples whose germline genotype is not their patient's (not used).
    pub identity_mismatch: usize,
    /// Samples that ran but were too shallow at the hotspots to be used.
    pub low_coverage: usize,
    /// Samples that passed (ran, and deep enough at the hotspots).
    pub ok: usize,
    /// All samples.
    pub total: usize,
}

impl Summary {
    /// The summary of a run.
    pub fn new(plan: &Plan, r: &CohortReport, warnings: &[String]) -> Self {
        let failed_samples: Vec<FailedSample> =
            r.qc.iter()
                .filter(|q| q.status == SampleStatus::Failed)
                .map(|q| FailedSample {
                    patient: q.patient.clone(),
                    reason: q.reason.clone(),
                    sample: q.sample.clone(),
                })
                .collect();
        let count = |status| r.qc.iter().filter(|q| q.status == status).count();
        let b = &r.background;
        Self {
            arm_comparisons: arm_comparisons(&r.outcomes, r.count),
            background: BackgroundJson {
                background_samples: b.background_samples,
                fdr: FDR,
                hotspot_fdr: HOTSPOT_FDR,
                per_test_threshold: PerFamily {
                    hotspot: b.alpha_hotspot,
                    other: b.alpha_other,
                },
                prior_overdispersion: b.prior_rho,
                tests: PerFamily {
                    hotspot: b.tests_hotspot,
                    other: b.tests_other,
                },
            },
            build: plan.build.to_string(),
            chrom: plan.chrom.clone(),
            count: r.count,
            days_to_first_detection: DaysToFirstDetection {
                from_baseline: first_acquired_day(&r.patients, |p| p.days_from_baseline),
                from_therapy_start: first_acquired_day(&r.patients, |p| Some(p.first_detected_day)),
            },
            jobs: JobCounts {
                done: r.jobs_done,
                failed: r.jobs_failed,
                target_bytes: plan.job_target,
                total: r.jobs_done + r.jobs_failed,
            },
            patients: patient_counts(r),
            samples: SampleCounts {
                failed: failed_samples.len(),
                identity_mismatch: count(SampleStatus::IdentityMismatch),
                low_coverage: count(SampleStatus::LowCoverage),
                ok: count(SampleStatus::Ok),
                total: r.qc.len(),
            },
            failed_samples,
            frequencies: r.frequencies.clone(),
            inputs: r.inputs.clone(),
            reference: plan.reference.clone(),
            run_id: plan.run_id.clone(),
            tool: TOOL.to_owned(),
            warnings: warnings.to_vec(),
        }
    }
}

fn patient_counts(r: &CohortReport) -> PatientCounts {
    let rule = r.count;
    let evaluable = r.outcomes.iter().filter(|o| o.evaluable(rule));
    PatientCounts {
        acquired: evaluable.clone().filter(|o| o.acquired(rule)).count(),
        evaluable: evaluable.count(),
        polyclonal_acquired: r
            .outcomes
            .iter()
            .filter(|o| o.acquired_count(rule) >= 2)
            .count(),
        total: r.outcomes.len(),
    }
}

/// Per patient with a counted acquired mutation, the first detection of any counted acquired
/// mutation (`day` of its patient row), summarised.
fn first_acquired_day(rows: &[PatientRow], day: impl Fn(&PatientRow) -> Option<i64>) -> DaySpread {
    let mut first = BTreeMap::<&str, i64>::new();
    for p in rows
        .iter()
        .filter(|p| p.status == VariantStatus::Acquired && p.counted)
    {
        if let Some(d) = day(p) {
            let e = first.entry(p.patient.as_str()).or_insert(d);
            *e = (*e).min(d);
        }
    }
    let mut days: Vec<i64> = first.into_values().collect();
    days.sort_unstable();
    let median = match days.len() {
        0 => None,
        n if n % 2 == 1 => Some(days[n / 2] as f64),
        n => Some((days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
    };
    DaySpread {
        max: days.last().copied(),
        median,
        min: days.first().copied(),
        patients: days.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures::report;

    #[test]
    fn counts_failures_and_first_detection_days() {
        let (plan, mut r) = report("P2");
        let later = r.patients[0].clone();
        r.patients.push(PatientRow {
            patient: "P9".into(),
            first_detected_day: 30,
            days_from_baseline: None,
            ..later
        });
        let s = Summary::new(&plan, &r, &["w".into()]);
        assert_eq!((s.samples.total, s.samples.ok, s.samples.failed), (3, 2, 1));
        assert_eq!(s.failed_samples[0].sample, "S3b");
        assert_eq!((s.jobs.total, s.jobs.done, s.jobs.failed), (6, 5, 1));
        let p = &s.patients;
        assert_eq!((p.total, p.evaluable, p.acquired), (3, 2, 1));
        assert_eq!(p.polyclonal_acquired, 0);
        // P1 at day 90 and P9 at day 30: an even count takes the mean of the middle two.
        let start = &s.days_to_first_detection.from_therapy_start;
        assert_eq!(
            (start.patients, start.median, start.min, start.max),
            (2, Some(60.0), Some(30), Some(90))
        );
        // P9 has no baseline, so only P1 counts from baseline.
        let baseline = &s.days_to_first_detection.from_baseline;
        assert_eq!((baseline.patients, baseline.median), (1, Some(104.0)));
        assert_eq!(s.warnings, ["w"]);
        assert_eq!(s.tool, TOOL);
    }

    #[test]
    fn low_coverage_samples_are_counted_apart_from_ok_and_failed() {
        let (plan, mut r) = report("P2");
        let mut low = crate::report::fixtures::qc_row("S9", "P9", false);
        low.status = SampleStatus::LowCoverage;
        low.reason = "median depth 0 at the 14 hotspot positions, need ≥ 10".into();
        low.hotspot_depths = vec![0, 0];
        r.qc.push(low);
        let s = Summary::new(&plan, &r, &[]);
        let n = &s.samples;
        assert_eq!((n.total, n.ok, n.failed, n.low_coverage), (4, 2, 1, 1));
        // Only the sample that failed is listed as failed.
        assert_eq!(s.failed_samples.len(), 1);
        assert_eq!(s.failed_samples[0].sample, "S3b");
    }
}
