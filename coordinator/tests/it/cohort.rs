//! End-to-end: simulate a cohort with known truth, run it on the embedded backend, and check
//! calls, patient statuses and cohort frequencies against the truth.

use crate::util::{bcftools, cohort, key, read_tsv, run_cohort};
use std::collections::{HashMap, HashSet};

#[test]
fn simulated_cohort_reproduces_the_truth() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = cohort(dir.path(), 10, 7);
    let out = dir.path().join("run");
    let result = run_cohort(&sim, &sim.samplesheet, &out);
    assert_eq!(result.report.jobs_failed, 0);

    let truth_patients = read_tsv(&sim.truth_patients);
    let our_patients = read_tsv(&out.join("patients.tsv"));
    let truth_status: HashMap<_, _> = truth_patients
        .iter()
        .map(|r| (key(r), r["status"].clone()))
        .collect();
    let our_status: HashMap<_, _> = our_patients
        .iter()
        .map(|r| (key(r), r["status"].clone()))
        .collect();

    // Every acquired mutation with VAF ≥ 2 % at depth ≥ 500 is called in its sample.
    let calls = read_tsv(&out.join("calls.tsv"));
    let passed: HashSet<(String, String, String, String)> = calls
        .iter()
        .filter(|c| c["filter"] == "PASS")
        .map(|c| {
            (
                c["sample"].clone(),
                c["pos"].clone(),
                c["ref"].clone(),
                c["alt"].clone(),
            )
        })
        .collect();
    let mut checked = 0;
    for t in read_tsv(&sim.truth_calls) {
        let vaf: f64 = t["vaf"].parse().unwrap_or(0.0);
        let depth: u32 = t["depth"].parse().unwrap_or(0);
        if truth_status.get(&key(&t)).map(String::as_str) == Some("acquired")
            && vaf >= 0.02
            && depth >= 500
        {
            checked += 1;
            let k = (
                t["sample"].clone(),
                t["pos"].clone(),
                t["ref"].clone(),
                t["alt"].clone(),
            );
            assert!(
                passed.contains(&k),
                "acquired {k:?} at VAF {vaf} depth {depth} not called"
            );
        }
    }
    assert!(
        checked >= 4,
        "the scenario must hold acquired mutations to check ({checked})"
    );

    // No acquired status that the truth does not have; every truth status reproduced.
    for (k, s) in &our_status {
        if s == "acquired" {
            assert_eq!(
                truth_status.get(k).map(String::as_str),
                Some("acquired"),
                "{k:?} acquired but not in truth"
            );
        }
    }
    for (k, s) in &truth_status {
        assert_eq!(our_status.get(k), Some(s), "{k:?}: truth {s}");
    }
    let statuses: HashSet<&str> = truth_status.values().map(String::as_str).collect();
    for s in ["acquired", "pre-existing", "germline", "indeterminate"] {
        assert!(statuses.contains(s), "the scenario holds a {s} case");
    }

    // Cohort and per-arm fractions equal the truth; the whole table does too.
    let ours = std::fs::read_to_string(out.join("frequencies.tsv")).unwrap_or_default();
    let truth = std::fs::read_to_string(&sim.truth_frequencies).unwrap_or_default();
    let arms = |t: &str| {
        t.lines()
            .filter(|l| l.starts_with("cohort") || l.starts_with("arm:"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(arms(&ours), arms(&truth));
    assert_eq!(ours, truth);

    // QC lists every sample with hotspot depths.
    let qc = read_tsv(&out.join("qc.tsv"));
    assert_eq!(qc.len(), 30);
    assert!(qc.iter().all(|q| q["status"] == "ok"));
    // Each sample's `jobs` is the number the planner gave it.
    for planned in &result.plan.samples {
        let row = qc
            .iter()
            .find(|q| q["sample"] == planned.sample.sample)
            .unwrap_or_else(|| panic!("{} in qc", planned.sample.sample));
        assert_eq!(row["jobs"], planned.jobs.len().to_string());
    }
    let p01_c1 = qc
        .iter()
        .find(|q| q["sample"] == "P01_C1")
        .unwrap_or_else(|| panic!("P01_C1 in qc"));
    let d538: u32 = p01_c1["depth_D538G"].parse().unwrap_or(0);
    assert!(
        d538 > 1500,
        "cfDNA depth at D538G counts fragments once: {d538}"
    );
    assert!(
        d538 < 4500,
        "overlapping mates are not double counted: {d538}"
    );
    let dups: u64 = p01_c1["filtered_duplicate"].parse().unwrap_or(0);
    assert!(dups > 0);

    // report.html: one self-contained page naming every sample.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap_or_default();
    assert!(html.starts_with("<!DOCTYPE html>") && !html.contains("<script"));
    for q in &qc {
        assert!(
            html.contains(&q["sample"]),
            "{} in report.html",
            q["sample"]
        );
    }

    // cohort.vcf.gz: bcftools reads it and its index without a word, and noodles reads back
    // one record per allele detected in some sample, with a column per sample.
    let vcf = out.join("cohort.vcf.gz");
    let view = bcftools(&["view", "-H"], &vcf);
    bcftools(&["stats"], &vcf);
    let detected: HashSet<(u64, String, String)> = calls
        .iter()
        .filter(|c| {
            c["filter"]
                .split(';')
                .all(|f| f == "PASS" || f == "germline_like")
        })
        .map(|c| {
            (
                c["pos"].parse().unwrap_or(0),
                c["ref"].clone(),
                c["alt"].clone(),
            )
        })
        .collect();
    assert_eq!(
        String::from_utf8_lossy(&view.stdout).lines().count(),
        detected.len()
    );
    let mut reader = noodles::vcf::io::reader::Builder::default()
        .build_from_path(&vcf)
        .unwrap_or_else(|e| panic!("{}: {e}", vcf.display()));
    let header = reader
        .read_header()
        .unwrap_or_else(|e| panic!("header: {e}"));
    assert_eq!(header.sample_names().len(), 30);
    let mut back = HashSet::new();
    for r in reader.record_bufs(&header) {
        let r = r.unwrap_or_else(|e| panic!("record: {e}"));
        let pos = r.variant_start().map_or(0, usize::from) as u64;
        let alt = r.alternate_bases().as_ref().join(",");
        back.insert((pos, r.reference_bases().to_owned(), alt));
    }
    assert_eq!(back, detected);
    let y537s_like = bcftools(
        &["query", "-i", "INFO/HOTSPOT!=\".\"", "-f", "%INFO/HGVSC\n"],
        &vcf,
    );
    assert!(
        String::from_utf8_lossy(&y537s_like.stdout)
            .lines()
            .all(|l| l.starts_with("c.")),
        "every hotspot record carries its HGVS c. name"
    );
}

#[test]
fn a_corrupt_sample_is_reported_and_the_rest_of_the_cohort_completes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = cohort(dir.path(), 7, 3);
    // Corrupt P06's progression tumour BAM (truncate it in the middle of its records) and
    // point P07's cfDNA at a file that does not exist.
    let bam = sim
        .samplesheet
        .parent()
        .map(|p| p.join("bams/P06_T1.bam"))
        .unwrap_or_default();
    let bytes = std::fs::read(&bam).unwrap_or_default();
    let mut corrupt = bytes[..bytes.len() / 2].to_vec();
    corrupt.extend(std::iter::repeat_n(0x5a, 4096));
    std::fs::write(&bam, corrupt).unwrap_or_else(|e| panic!("{e}"));
    let sheet = std::fs::read_to_string(&sim.samplesheet).unwrap_or_default();
    let sheet = sheet.replace("bams/P07_C1.bam,", "bams/missing.bam,");
    let sheet_path = dir.path().join("cohort/edited.csv");
    std::fs::write(&sheet_path, sheet).unwrap_or_else(|e| panic!("{e}"));

    let out = dir.path().join("run");
    run_cohort(&sim, &sheet_path, &out);
    let qc = read_tsv(&out.join("qc.tsv"));
    let row = |s: &str| {
        qc.iter()
            .find(|q| q["sample"] == s)
            .unwrap_or_else(|| panic!("{s} in qc.tsv"))
    };
    assert_eq!(row("P06_T1")["status"], "failed");
    assert!(
        row("P06_T1")["reason"].contains("P06_T1.bam"),
        "{}",
        row("P06_T1")["reason"]
    );
    assert_eq!(row("P07_C1")["status"], "failed");
    assert!(
        row("P07_C1")["reason"].contains("column 'alignments'"),
        "{}",
        row("P07_C1")["reason"]
    );
    assert_eq!(qc.iter().filter(|q| q["status"] == "ok").count(), 19);

    // P06 keeps its baseline and cfDNA; P01's acquired D538G is still found.
    let patients = read_tsv(&out.join("patients.tsv"));
    assert!(patients
        .iter()
        .any(|p| p["patient"] == "P01" && p["hotspot"] == "D538G" && p["status"] == "acquired"));
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("summary.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    assert_eq!(summary["samples"]["failed"], 2);
}

#[test]
fn a_rerun_into_the_same_directory_reuses_results_and_gives_identical_reports() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = cohort(dir.path(), 7, 11);
    let out = dir.path().join("run");
    let first = run_cohort(&sim, &sim.samplesheet, &out);
    assert_eq!(first.reused_jobs, 0);
    let read = |n: &str| std::fs::read_to_string(out.join(n)).unwrap_or_default();
    let before: Vec<String> = ["calls.tsv", "patients.tsv", "frequencies.tsv", "qc.tsv"]
        .iter()
        .map(|n| read(n))
        .collect();
    let second = run_cohort(&sim, &sim.samplesheet, &out);
    assert_eq!(second.reused_jobs, first.plan.jobs().count());
    let after: Vec<String> = ["calls.tsv", "patients.tsv", "frequencies.tsv", "qc.tsv"]
        .iter()
        .map(|n| read(n))
        .collect();
    assert_eq!(before, after);
}

#[test]
fn a_cohort_cut_into_smaller_jobs_reports_the_same_calls_statuses_and_counts() {
    use esr1_coordinator::plan::{JobBytes, PlanOptions};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = cohort(dir.path(), 7, 23);
    let run_with = |name: &str, job_bytes: JobBytes| {
        let out = dir.path().join(name);
        let plan = PlanOptions {
            job_bytes,
            ..PlanOptions::default()
        };
        let done = crate::util::run_planned(&sim, &sim.samplesheet, &out, plan);
        (out, done.plan.jobs().count())
    };
    let (whole, whole_jobs) = run_with("whole", JobBytes::Fixed(1 << 30));
    let (cut, cut_jobs) = run_with("cut", JobBytes::Fixed(64 << 10));
    // Every sample is one job in the first run; the second cuts them (on grid lines).
    assert!(
        cut_jobs >= 2 * whole_jobs,
        "{cut_jobs} jobs against {whole_jobs}"
    );
    let read = |out: &std::path::Path, n: &str| {
        std::fs::read_to_string(out.join(n)).unwrap_or_else(|e| panic!("{n}: {e}"))
    };
    // Calls with their q-values (which rest on the background's covered positions),
    // statuses and frequencies: byte for byte.
    for name in ["calls.tsv", "patients.tsv", "frequencies.tsv"] {
        assert_eq!(read(&whole, name), read(&cut, name), "{name}");
    }
    assert!(read(&whole, "calls.tsv").lines().count() > 5);
    // QC: the same but for how the sample was cut and fetched.
    let per_job = ["jobs", "bytes_fetched", "requests", "chunk_span_bytes"];
    let qc = |out: &std::path::Path| -> Vec<Vec<(String, String)>> {
        read_tsv(&out.join("qc.tsv"))
            .into_iter()
            .map(|row| {
                let mut kept: Vec<(String, String)> = row
                    .into_iter()
                    .filter(|(k, _)| !per_job.contains(&k.as_str()))
                    .collect();
                kept.sort();
                kept
            })
            .collect()
    };
    assert_eq!(qc(&whole), qc(&cut));
}

#[test]
fn one_in_process_worker_counts_every_sample_as_one_job_with_the_same_results() {
    use esr1_coordinator::plan::PlanOptions;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = cohort(dir.path(), 7, 23);
    let run_on = |workers: usize| {
        let out = dir.path().join(format!("workers-{workers}"));
        let done = crate::util::run_on_workers(
            &sim,
            &sim.samplesheet,
            &out,
            PlanOptions::default(),
            workers,
        );
        (out, done.plan)
    };
    let (two, shared) = run_on(2);
    let (one, alone) = run_on(1);
    // With two workers `auto` cuts the deepest samples so that both share them; with one,
    // every sample is one job over the whole span.
    let cut = shared.samples.iter().filter(|s| s.jobs.len() > 1).count();
    assert!(cut > 0, "no sample was cut for two workers");
    assert_eq!(alone.samples.len(), shared.samples.len());
    assert!(alone.samples.iter().all(|s| s.jobs.len() == 1));
    assert_eq!(alone.jobs().count(), alone.samples.len());
    let read = |out: &std::path::Path, n: &str| {
        std::fs::read_to_string(out.join(n)).unwrap_or_else(|e| panic!("{n}: {e}"))
    };
    for name in ["calls.tsv", "patients.tsv", "frequencies.tsv"] {
        assert_eq!(read(&two, name), read(&one, name), "{name}");
    }
    let jobs = |out: &std::path::Path| -> Vec<String> {
        read_tsv(&out.join("qc.tsv"))
            .into_iter()
            .map(|row| row["jobs"].clone())
            .collect()
    };
    assert!(jobs(&one).iter().all(|j| j == "1"), "{:?}", jobs(&one));
    assert!(jobs(&two).iter().any(|j| j != "1"), "{:?}", jobs(&two));
}

#[test]
fn a_bam_rewritten_after_its_index_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = cohort(dir.path(), 7, 5);
    let bam = dir.path().join("cohort/bams/P02_T1.bam");
    // Rewritten a minute after its index: beyond the tolerance for copies (a few seconds).
    let index_time = std::fs::metadata(dir.path().join("cohort/bams/P02_T1.bam.bai"))
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::File::options()
        .write(true)
        .open(&bam)
        .and_then(|f| f.set_modified(index_time + std::time::Duration::from_secs(60)))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("run");
    run_cohort(&sim, &sim.samplesheet, &out);
    let qc = read_tsv(&out.join("qc.tsv"));
    let row = qc
        .iter()
        .find(|q| q["sample"] == "P02_T1")
        .unwrap_or_else(|| panic!("P02_T1"));
    assert_eq!(row["status"], "failed");
    assert!(
        row["reason"].contains("is older than") && row["reason"].contains("P02_T1.bam"),
        "{}",
        row["reason"]
    );
    assert_eq!(qc.iter().filter(|q| q["status"] == "ok").count(), 20);
}

/// The founding report's cohort: 11 AI-treated patients, 6 of whom acquired LBD mutations
/// absent before therapy. Patients are drawn from a simulated cohort (with artefacts) by
/// their true status, so the expected answer is known before the run: 6/11 = 54.5 %, Wilson
/// 95 % interval 28.0–78.7 %.
#[test]
fn a_cohort_like_the_founding_report_gives_six_of_eleven() {
    use esr1_science::cohort::VariantStatus;
    use esr1_simulate::{simulate, SimulateOptions};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = simulate(&SimulateOptions {
        out: dir.path().join("cohort"),
        patients: 40,
        seed: 11,
        depth_scale: 0.5,
        artefacts: true,
        ..SimulateOptions::default()
    })
    .unwrap_or_else(|e| panic!("simulate: {e}"));
    let ai = sim.patients.iter().filter(|p| p.therapy == "AI");
    let acquired: Vec<&str> = ai
        .clone()
        .filter(|p| {
            p.variants
                .iter()
                .any(|v| v.status == VariantStatus::Acquired)
                && p.variants
                    .iter()
                    .all(|v| matches!(v.status, VariantStatus::Acquired | VariantStatus::Germline))
        })
        .map(|p| p.patient.as_str())
        .take(6)
        .collect();
    let unmutated: Vec<&str> = ai
        .filter(|p| {
            p.variants
                .iter()
                .all(|v| v.status == VariantStatus::Germline)
        })
        .map(|p| p.patient.as_str())
        .take(5)
        .collect();
    assert_eq!(
        (acquired.len(), unmutated.len()),
        (6, 5),
        "the seed gives enough patients"
    );

    let text = std::fs::read_to_string(&sim.samplesheet).unwrap_or_default();
    let mut lines = text.lines();
    let mut sheet = format!("{}\n", lines.next().unwrap_or_default());
    for l in lines {
        let patient = l.split(',').next().unwrap_or_default();
        if acquired.contains(&patient) || unmutated.contains(&patient) {
            sheet.push_str(l);
            sheet.push('\n');
        }
    }
    let founding = sim.samplesheet.with_file_name("founding.csv");
    std::fs::write(&founding, sheet).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("run");
    run_cohort(&sim, &founding, &out);

    let rows = read_tsv(&out.join("frequencies.tsv"));
    let row = |group: &str| {
        rows.iter()
            .find(|r| r["group"] == group)
            .map(|r| {
                (
                    r["n_acquired"].clone(),
                    r["n_evaluable"].clone(),
                    r["fraction"].clone(),
                    r["ci_low"].clone(),
                    r["ci_high"].clone(),
                )
            })
            .unwrap_or_else(|| panic!("no {group} row"))
    };
    let want = (
        "6".to_owned(),
        "11".to_owned(),
        "0.5455".to_owned(),
        "0.2801".to_owned(),
        "0.7873".to_owned(),
    );
    assert_eq!(row("cohort"), want);
    assert_eq!(row("arm:AI"), want);
}
