//! Results bound to file contents: a file replaced at the same path is counted again, a
//! stored failure is retried, a restored reference index makes a failed run succeed.

use crate::util::{jobs_of, read_tsv, run_cohort, small_cohort};
use esr1_coordinator::report::model::SampleStatus;
use std::collections::HashMap;
use std::path::Path;

/// Rows of `name` (a TSV in `out`) of one sample, as lines.
fn sample_rows(out: &Path, name: &str, sample: &str) -> Vec<String> {
    let text = std::fs::read_to_string(out.join(name)).unwrap_or_default();
    text.lines()
        .filter(|l| l.split('\t').nth(1) == Some(sample) || l.split('\t').next() == Some(sample))
        .map(str::to_owned)
        .collect()
}

fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to)
        .unwrap_or_else(|e| panic!("{} → {}: {e}", from.display(), to.display()));
}

#[test]
fn a_bam_replaced_at_the_same_path_is_counted_again_not_reused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = small_cohort(dir.path(), 21);
    let out = dir.path().join("run");
    let first = run_cohort(&sim, &sim.samplesheet, &out);
    assert_eq!(first.reused_jobs, 0);
    let qc_first = sample_rows(&out, "qc.tsv", "P01_T1");
    assert_eq!(qc_first.len(), 1, "{qc_first:?}");

    // A re-sequenced sample: P01_T1's BAM and index replaced by P03_T1's, at the same path.
    let bams = dir.path().join("cohort/bams");
    copy(&bams.join("P03_T1.bam"), &bams.join("P01_T1.bam"));
    copy(&bams.join("P03_T1.bam.bai"), &bams.join("P01_T1.bam.bai"));

    let second = run_cohort(&sim, &sim.samplesheet, &out);
    let replaced = jobs_of(&first.plan, "P01_T1");
    assert!(replaced > 0);
    assert_eq!(
        second.reused_jobs,
        first.plan.jobs().count() - replaced,
        "every job of the other samples is reused, none of the replaced one"
    );
    let qc_second = sample_rows(&out, "qc.tsv", "P01_T1");
    assert_ne!(
        qc_first, qc_second,
        "P01_T1 still shows the old file's counts"
    );

    // What a fresh run on the replaced file gives.
    let fresh = dir.path().join("fresh");
    let third = run_cohort(&sim, &sim.samplesheet, &fresh);
    assert_eq!(third.reused_jobs, 0);
    assert_eq!(qc_second, sample_rows(&fresh, "qc.tsv", "P01_T1"));
    assert_eq!(
        sample_rows(&out, "calls.tsv", "P01_T1"),
        sample_rows(&fresh, "calls.tsv", "P01_T1")
    );
    for name in ["calls.tsv", "patients.tsv", "frequencies.tsv", "qc.tsv"] {
        assert_eq!(
            std::fs::read_to_string(out.join(name)).unwrap_or_default(),
            std::fs::read_to_string(fresh.join(name)).unwrap_or_default(),
            "{name} of the rerun differs from a fresh run's"
        );
    }
}

#[test]
fn a_run_without_the_reference_gzi_fails_and_succeeds_once_it_is_restored() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = small_cohort(dir.path(), 22);
    let gzi = sim.reference.with_file_name(format!(
        "{}.gzi",
        sim.reference
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    let aside = dir.path().join("aside.gzi");
    std::fs::rename(&gzi, &aside).unwrap_or_else(|e| panic!("{}: {e}", gzi.display()));
    let out = dir.path().join("run");
    let first = run_cohort(&sim, &sim.samplesheet, &out);
    assert_eq!(first.report.jobs_done, 0);
    assert!(first.report.jobs_failed > 0);
    assert!(first
        .report
        .qc
        .iter()
        .all(|q| q.status == SampleStatus::Failed));

    std::fs::rename(&aside, &gzi).unwrap_or_else(|e| panic!("{e}"));
    let second = run_cohort(&sim, &sim.samplesheet, &out);
    assert_eq!(second.reused_jobs, 0);
    assert_eq!(second.report.jobs_failed, 0);
    // Every sample ran (a shallow one may be low_coverage, which is not a failure).
    assert!(second
        .report
        .qc
        .iter()
        .all(|q| q.status != SampleStatus::Failed));
    assert!(second
        .report
        .qc
        .iter()
        .any(|q| q.status == SampleStatus::Ok));
}

#[test]
fn stored_failures_are_retried_by_a_rerun() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = small_cohort(dir.path(), 23);
    let out = dir.path().join("run");
    let first = run_cohort(&sim, &sim.samplesheet, &out);
    assert_eq!(first.report.jobs_failed, 0);
    let qc_first = read_tsv(&out.join("qc.tsv"));
    // Every stored result turned into a stored failure with the same job id (a transient
    // cause, since fixed): the rerun must run them all again, not report the failures.
    let results = out.join("results");
    let mut turned = 0;
    for entry in std::fs::read_dir(&results).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.map(|e| e.path()).unwrap_or_default();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        if let Some(id) = name.as_deref().and_then(|n| n.strip_suffix(".result.json")) {
            let record = serde_json::json!({"job_id": id, "reason": "store unreachable"});
            std::fs::write(
                results.join(format!("{id}.failed.json")),
                record.to_string(),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));
            turned += 1;
        }
    }
    assert_eq!(turned, first.plan.jobs().count());
    let second = run_cohort(&sim, &sim.samplesheet, &out);
    assert_eq!(second.reused_jobs, 0);
    assert_eq!(second.report.jobs_failed, 0);
    let by_sample = |rows: Vec<HashMap<String, String>>| {
        rows.into_iter()
            .map(|r| (r["sample"].clone(), r["status"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        by_sample(read_tsv(&out.join("qc.tsv"))),
        by_sample(qc_first)
    );
}

#[test]
fn a_copied_cohort_whose_indexes_are_a_moment_older_than_their_bams_runs() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = small_cohort(dir.path(), 24);
    // As `cp -r` leaves them: every index written a second before its BAM.
    let bams = dir.path().join("cohort/bams");
    for entry in std::fs::read_dir(&bams).unwrap_or_else(|e| panic!("{e}")) {
        let bai = entry.map(|e| e.path()).unwrap_or_default();
        let Some(bam) = bai.to_str().and_then(|p| p.strip_suffix(".bai")) else {
            continue;
        };
        let bam_time = std::fs::metadata(bam)
            .and_then(|m| m.modified())
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::File::options()
            .write(true)
            .open(&bai)
            .and_then(|f| f.set_modified(bam_time - std::time::Duration::from_secs(1)))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let out = dir.path().join("run");
    let result = run_cohort(&sim, &sim.samplesheet, &out);
    assert!(result.plan.failed.is_empty(), "{:?}", result.warnings);
    assert_eq!(result.report.jobs_failed, 0, "{:?}", result.warnings);
    assert!(result
        .report
        .qc
        .iter()
        .all(|q| q.status != SampleStatus::Failed));
}

/// Runs the coordinator binary on a cohort; returns its exit code.
fn run_binary(sim: &esr1_simulate::SimulatedCohort, samplesheet: &Path, out: &Path) -> i32 {
    std::process::Command::new(env!("CARGO_BIN_EXE_esr1-coordinator"))
        .args(["run", "--quiet", "--workers", "2", "--samplesheet"])
        .arg(samplesheet)
        .arg("--reference")
        .arg(&sim.reference)
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("{e}"))
        .code()
        .unwrap_or(-1)
}

#[test]
fn the_binary_exits_4_when_no_sample_succeeded_and_2_on_a_bad_samplesheet() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = small_cohort(dir.path(), 25);
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_esr1-coordinator"))
        .args(["run", "--help"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        String::from_utf8_lossy(&help.stdout).contains("Exit codes"),
        "the binary's --help lists no exit codes (or the shared target's binary was rebuilt \
         from another tree: rerun this test)"
    );
    let gzi = Path::new(&format!("{}.gzi", sim.reference.display())).to_owned();
    std::fs::remove_file(&gzi).unwrap_or_else(|e| panic!("{}: {e}", gzi.display()));
    assert_eq!(
        run_binary(&sim, &sim.samplesheet, &dir.path().join("run")),
        4
    );
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "patient,sample\nP1\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run_binary(&sim, &bad, &dir.path().join("bad")), 2);
}

/// Runs the embedded backend on a cohort into `out`, with `--verify-inputs` or without.
fn run_verifying(
    sim: &esr1_simulate::SimulatedCohort,
    out: &Path,
    verify_inputs: bool,
) -> esr1_coordinator::run::RunOutput {
    let plan = esr1_coordinator::plan::PlanOptions {
        verify_inputs,
        ..Default::default()
    };
    crate::util::run_planned(sim, &sim.samplesheet, out, plan)
}

/// Replaces a BAM by another file of the same size — here the same records with the first
/// BGZF block's gzip OS byte changed, which readers ignore — and restores its modification
/// time to the nanosecond, as `touch -d` or `cp -p` of another file of its size would leave it.
fn replace_keeping_size_and_time(bam: &Path) {
    let time = std::fs::metadata(bam)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut bytes = std::fs::read(bam).unwrap_or_else(|e| panic!("{e}"));
    bytes[9] ^= 0x01;
    std::fs::write(bam, &bytes).unwrap_or_else(|e| panic!("{e}"));
    std::fs::File::options()
        .write(true)
        .open(bam)
        .and_then(|f| f.set_modified(time))
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_bam_replaced_keeping_its_size_and_time_is_caught_only_with_verify_inputs() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = small_cohort(dir.path(), 26);
    let (plain, verified) = (dir.path().join("plain"), dir.path().join("verified"));
    let first_plain = run_verifying(&sim, &plain, false);
    let first = run_verifying(&sim, &verified, true);
    let jobs = first.plan.jobs().count();
    // With the flag every alignment file and index carries a checksum, shown in the report's
    // provenance and summary.json; without it, none.
    assert!(first.plan.jobs().all(|j| {
        let c = |s: &Option<esr1_proto::FileStamp>| s.as_ref().and_then(|s| s.checksum.clone());
        c(&j.inputs.alignments).is_some_and(|c| c.starts_with("sha256-ends-64k:"))
            && c(&j.inputs.index).is_some_and(|c| c.starts_with("sha256:"))
    }));
    assert!(first_plain
        .plan
        .jobs()
        .all(|j| j.inputs.files().all(|f| f.checksum.is_none())));
    let summary = |out: &Path| -> serde_json::Value {
        let text = std::fs::read_to_string(out.join("summary.json")).unwrap_or_default();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"))
    };
    let bam = dir.path().join("cohort/bams/P01_T1.bam");
    let listed = summary(&verified)["inputs"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let entry = listed
        .iter()
        .find(|f| {
            f["uri"]
                .as_str()
                .is_some_and(|u| u.ends_with("/P01_T1.bam"))
        })
        .unwrap_or_else(|| panic!("{bam:?} not in summary.json's inputs: {listed:?}"));
    assert!(entry["checksum"]
        .as_str()
        .is_some_and(|c| c.starts_with("sha256-ends-64k:")));
    let html = std::fs::read_to_string(verified.join("report.html")).unwrap_or_default();
    assert!(html.contains("Content checksum (--verify-inputs)"));
    assert!(summary(&plain)["inputs"]
        .as_array()
        .is_some_and(|a| !a.is_empty() && a.iter().all(|f| f.get("checksum").is_none())));
    let html = std::fs::read_to_string(plain.join("report.html")).unwrap_or_default();
    assert!(!html.contains("Content checksum"));

    replace_keeping_size_and_time(&bam);
    let replaced = jobs_of(&first.plan, "P01_T1");
    assert!(replaced > 0);
    // Without the flag the size and version are all a job knows: every result is reused
    // (the README says so).
    assert_eq!(run_verifying(&sim, &plain, false).reused_jobs, jobs);
    // With it, the replaced file's jobs are new and counted again, the others reused.
    let second = run_verifying(&sim, &verified, true);
    assert_eq!(second.reused_jobs, jobs - replaced);
    assert_eq!(second.report.jobs_failed, 0);

    // A job planned before its file was replaced so is refused by the worker, naming it.
    let other = dir.path().join("cohort/bams/P03_T1.bam");
    let job = second
        .plan
        .jobs()
        .find(|j| j.sample.sample == "P03_T1")
        .cloned()
        .unwrap_or_else(|| panic!("no job of P03_T1"));
    assert!(esr1_worker::run_local_job(&job).is_ok());
    replace_keeping_size_and_time(&other);
    let e = esr1_worker::run_local_job(&job).unwrap_err();
    assert_eq!(e.kind, esr1_worker::FailureKind::Permanent, "{e}");
    assert!(
        e.message
            .contains("P03_T1.bam has other contents than when the run was planned")
            && e.message.contains("rerun"),
        "{e}"
    );
}
