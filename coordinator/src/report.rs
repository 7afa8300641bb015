//! Report writers: `calls.tsv`, `patients.tsv`, `frequencies.tsv`, `qc.tsv`, `summary.json`.

use crate::merge::{CohortReport, QcRow};
use crate::plan::Plan;
use crate::vcf::{cohort_vcf_bytes, CohortVcf};
use esr1_science::cohort::FrequencyRow;
use esr1_science::esr1::{Build, CHR6_LEN_GRCH37, CHR6_LEN_GRCH38};
use esr1_worker::storage::{join, Storage, StorageError, StorageErrorKind};
use serde_json::json;
use std::fmt::Write as _;

fn write(storage: &dyn Storage, out: &str, name: &str, text: &str) -> Result<String, StorageError> {
    let uri = join(out, name);
    storage.put(&uri, text.as_bytes())?;
    Ok(uri)
}

/// A number for the reports: 4 decimals, scientific below 0.001.
pub(crate) fn fmt_f(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else if x.abs() < 1e-3 {
        format!("{x:.3e}")
    } else {
        format!("{x:.4}")
    }
}

/// `calls.tsv` text.
pub fn calls_tsv(r: &CohortReport) -> String {
    let mut s = String::from(
        "sample\tpatient\tday\tmaterial\tchrom\tpos\tref\talt\tprotein\thotspot\thgvs_c\thgvs_p\talt_reads\talt_forward\talt_reverse\tdepth\tvaf\terror_p\tbackground_mean\tbackground_p\tq_value\tfilter\n",
    );
    for c in &r.calls {
        let _ = writeln!(
            s,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            c.sample,
            c.patient,
            c.day,
            c.material,
            c.chrom,
            c.pos,
            c.ref_allele,
            c.alt_allele,
            c.protein,
            c.hotspot,
            c.hgvs_c,
            c.hgvs_p,
            c.alt_reads,
            c.alt_forward,
            c.alt_reverse,
            c.depth,
            fmt_f(c.vaf),
            fmt_f(c.error_p),
            fmt_f(c.background_mean),
            fmt_f(c.background_p),
            fmt_f(c.q_value),
            c.filter
        );
    }
    s
}

/// `patients.tsv` text.
pub fn patients_tsv(r: &CohortReport) -> String {
    let mut s = String::from(
        "patient\ttherapy\tchrom\tpos\tref\talt\tprotein\thotspot\thgvs_c\thgvs_p\tstatus\tbaseline_depth\tbaseline_power\tfirst_detected_day\tdays_from_baseline\tmax_later_vaf\ttrajectory\n",
    );
    for p in &r.patients {
        let _ = writeln!(
            s,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            p.patient,
            p.therapy,
            p.chrom,
            p.pos,
            p.ref_allele,
            p.alt_allele,
            p.protein,
            p.hotspot,
            p.hgvs_c,
            p.hgvs_p,
            p.status,
            p.baseline_depth,
            fmt_f(p.baseline_power),
            p.first_detected_day,
            p.days_from_baseline
                .map(|d| d.to_string())
                .unwrap_or_default(),
            fmt_f(p.max_later_vaf),
            p.trajectory
        );
    }
    s
}

/// `frequencies.tsv` text.
pub fn frequencies_tsv(rows: &[FrequencyRow]) -> String {
    let mut s = format!("{}\n", FrequencyRow::HEADER);
    for row in rows {
        s.push_str(&row.to_tsv());
        s.push('\n');
    }
    s
}

/// `qc.tsv` text.
pub fn qc_tsv(r: &CohortReport) -> String {
    let mut s = format!(
        "sample\tpatient\tmaterial\tday\tstatus\t{}\tbytes_fetched\trequests\tchunk_span_bytes",
        QcRow::COUNTERS.join("\t")
    );
    for (_, names) in &r.hotspot_columns {
        let _ = write!(s, "\tdepth_{names}");
    }
    s.push_str("\treason\n");
    for q in &r.qc {
        let _ = write!(
            s,
            "{}\t{}\t{}\t{}\t{}",
            q.sample, q.patient, q.material, q.day, q.status
        );
        for n in q.counters() {
            let _ = write!(s, "\t{n}");
        }
        let _ = write!(
            s,
            "\t{}\t{}\t{}",
            q.qc.bytes_fetched, q.qc.requests, q.qc.chunk_span_bytes
        );
        for d in &q.hotspot_depths {
            let _ = write!(s, "\t{d}");
        }
        // Reasons are free text: keep the TSV one line per sample.
        let _ = writeln!(s, "\t{}", q.reason.replace(['\t', '\n'], " "));
    }
    s
}

/// Per patient with an acquired mutation, the first detection of any acquired mutation
/// (`day` of its patient row), summarised as patients, median, min and max.
fn first_acquired_day(
    r: &CohortReport,
    day: impl Fn(&crate::merge::PatientRow) -> Option<i64>,
) -> serde_json::Value {
    let mut first = std::collections::BTreeMap::<&str, i64>::new();
    for p in &r.patients {
        if p.status != esr1_science::cohort::VariantStatus::Acquired {
            continue;
        }
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
    json!({"patients": days.len(), "median": median, "min": days.first(), "max": days.last()})
}

/// `summary.json` value.
pub fn summary_json(plan: &Plan, r: &CohortReport, warnings: &[String]) -> serde_json::Value {
    let failed: Vec<serde_json::Value> =
        r.qc.iter()
            .filter(|q| q.status != "ok")
            .map(|q| json!({"sample": q.sample, "patient": q.patient, "reason": q.reason}))
            .collect();
    let evaluable = r.outcomes.iter().filter(|o| o.evaluable()).count();
    let acquired = r
        .outcomes
        .iter()
        .filter(|o| o.evaluable() && o.acquired())
        .count();
    let polyclonal = r
        .outcomes
        .iter()
        .filter(|o| {
            o.variants
                .iter()
                .filter(|(_, s)| *s == esr1_science::cohort::VariantStatus::Acquired)
                .count()
                >= 2
        })
        .count();
    let since_start = first_acquired_day(r, |p| Some(p.first_detected_day));
    let since_baseline = first_acquired_day(r, |p| p.days_from_baseline);
    json!({
        "run_id": plan.run_id,
        "tool": concat!("esr1-coordinator ", env!("CARGO_PKG_VERSION")),
        "build": plan.build.to_string(),
        "chrom": plan.chrom,
        "reference": plan.reference,
        "samples": {"total": r.qc.len(), "ok": r.qc.len() - failed.len(), "failed": failed.len()},
        "failed_samples": failed,
        "jobs": {"total": r.jobs_done + r.jobs_failed, "done": r.jobs_done, "failed": r.jobs_failed},
        "patients": {"total": r.outcomes.len(), "evaluable": evaluable, "acquired": acquired, "polyclonal_acquired": polyclonal},
        "frequencies": r.frequencies,
        "arm_comparisons": esr1_science::cohort::arm_comparisons(&r.outcomes),
        "days_to_first_detection": {
            "from_therapy_start": since_start,
            "from_baseline": since_baseline,
        },
        "background": {
            "fdr": esr1_science::recall::FDR,
            "hotspot_fdr": esr1_science::recall::HOTSPOT_FDR,
            "tests": {"hotspot": r.background.tests_hotspot, "other": r.background.tests_other},
            "per_test_threshold": {"hotspot": r.background.alpha_hotspot, "other": r.background.alpha_other},
            "prior_overdispersion": r.background.prior_rho,
            "background_samples": r.background.background_samples,
        },
        "warnings": warnings,
    })
}

/// Writes every report into the output location `out` (a directory or `s3://` prefix);
/// returns the URIs written.
pub fn write_reports(
    storage: &dyn Storage,
    out: &str,
    plan: &Plan,
    r: &CohortReport,
    warnings: &[String],
) -> Result<Vec<String>, StorageError> {
    let summary =
        serde_json::to_string_pretty(&summary_json(plan, r, warnings)).unwrap_or_default();
    let mut written = vec![
        write(storage, out, "calls.tsv", &calls_tsv(r))?,
        write(storage, out, "patients.tsv", &patients_tsv(r))?,
        write(
            storage,
            out,
            "frequencies.tsv",
            &frequencies_tsv(&r.frequencies),
        )?,
        write(storage, out, "qc.tsv", &qc_tsv(r))?,
        write(storage, out, "summary.json", &(summary + "\n"))?,
        write(
            storage,
            out,
            "report.html",
            &crate::html::report_html(plan, r, warnings),
        )?,
    ];
    let vcf = CohortVcf {
        chrom: r.chrom.clone(),
        chrom_length: match r.build {
            Build::Grch38 => CHR6_LEN_GRCH38,
            Build::Grch37 => CHR6_LEN_GRCH37,
        },
        build: r.build.to_string(),
        reference_uri: plan.reference.clone(),
        source: concat!("esr1-coordinator ", env!("CARGO_PKG_VERSION")).to_owned(),
        file_date: None,
        samples: r.vcf_samples.clone(),
        variants: r.vcf_variants.clone(),
    };
    let uri = join(out, "cohort.vcf.gz");
    let (gz, tbi) = cohort_vcf_bytes(&vcf)
        .map_err(|e| StorageError::new(StorageErrorKind::Other, &uri, e.to_string()))?;
    storage.put(&uri, &gz)?;
    storage.put(&format!("{uri}.tbi"), &tbi)?;
    written.push(uri.clone());
    written.push(format!("{uri}.tbi"));
    Ok(written)
}

/// Fisher's exact test between every pair of arms, as printed after the arm table.
pub fn comparison_lines(outcomes: &[esr1_science::cohort::PatientOutcome]) -> String {
    let mut s = String::new();
    for c in esr1_science::cohort::arm_comparisons(outcomes) {
        let _ = writeln!(
            s,
            "{} {}/{} vs {} {}/{}: Fisher's exact p = {:.3}",
            c.arm_a, c.acquired_a, c.evaluable_a, c.arm_b, c.acquired_b, c.evaluable_b, c.fisher_p
        );
    }
    s
}

/// The per-arm table printed at the end of a run (cohort and arms, not hotspots).
pub fn arm_table(rows: &[FrequencyRow]) -> String {
    let mut s = String::from("group              acquired/evaluable  fraction  95% CI (Wilson)\n");
    for r in rows.iter().filter(|r| !r.group.starts_with("hotspot:")) {
        let _ = writeln!(
            s,
            "{:<18} {:>8}/{:<9}  {:>6.1}%   {:.1}–{:.1}%",
            r.group,
            r.n_acquired,
            r.n_evaluable,
            r.fraction * 100.0,
            r.ci_low * 100.0,
            r.ci_high * 100.0
        );
    }
    s
}
