//! `report` rebuilds a finished run's reports from what the run stored, with every alignment
//! file and index deleted first, so nothing can be opened: byte-identical for an unchanged
//! samplesheet, and corrected arm labels flow into the frequencies.

use crate::util::{read_tsv, run_cohort, small_cohort, REPORTS};
use esr1_coordinator::exit::report_exit_code;
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

fn reports(out: &Path) -> HashMap<&'static str, Vec<u8>> {
    REPORTS
        .iter()
        .map(|n| {
            let bytes = std::fs::read(out.join(n)).unwrap_or_else(|e| panic!("{n}: {e}"));
            (*n, bytes)
        })
        .collect()
}

/// `esr1-coordinator report` on `out`.
fn report(samplesheet: &Path, reference: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_esr1-coordinator"))
        .arg("report")
        .arg("--samplesheet")
        .arg(samplesheet)
        .arg("--reference")
        .arg(reference)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap_or_else(|e| panic!("esr1-coordinator report: {e}"))
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A frequencies row's numbers: (n_evaluable, n_acquired, fraction, ci_low, ci_high).
fn numbers(rows: &[HashMap<String, String>], group: &str) -> [String; 5] {
    let r = rows
        .iter()
        .find(|r| r["group"] == group)
        .unwrap_or_else(|| panic!("no {group} row"));
    ["n_evaluable", "n_acquired", "fraction", "ci_low", "ci_high"].map(|c| r[c].clone())
}

#[test]
fn report_rebuilds_identical_reports_and_takes_new_arm_labels_without_any_bam() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = small_cohort(dir.path(), 31);
    let out = dir.path().join("run");
    let first = run_cohort(&sim, &sim.samplesheet, &out);
    let jobs = first.plan.jobs().count();
    let before = reports(&out);
    let freq_before = read_tsv(&out.join("frequencies.tsv"));

    // Nothing can be opened: every alignment file and index is gone.
    let bams = dir.path().join("cohort/bams");
    std::fs::remove_dir_all(&bams).unwrap_or_else(|e| panic!("{e}"));
    for n in REPORTS {
        std::fs::remove_file(out.join(n)).unwrap_or_else(|e| panic!("{n}: {e}"));
    }

    // The run's exit code (the small cohort has a low-coverage sample: 1).
    let code = i32::from(report_exit_code(&first.report));
    let o = report(&sim.samplesheet, &sim.reference, &out);
    assert_eq!(o.status.code(), Some(code), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("from {jobs} stored job results")),
        "{}",
        text(&o)
    );
    // The deleted files are not missed: the run counted them.
    assert!(!text(&o).contains("not found"), "{}", text(&o));
    let after = reports(&out);
    for n in REPORTS {
        assert!(before[n] == after[n], "{n} differs after report");
    }

    // Arm labels corrected: AI and tamoxifen were swapped in the samplesheet.
    let sheet = std::fs::read_to_string(&sim.samplesheet).unwrap_or_default();
    let swapped = sheet
        .replace(",AI,", ",SWAP,")
        .replace(",tamoxifen,", ",AI,")
        .replace(",SWAP,", ",tamoxifen,");
    assert_ne!(sheet, swapped);
    let fixed = dir.path().join("cohort/fixed.csv");
    std::fs::write(&fixed, &swapped).unwrap_or_else(|e| panic!("{e}"));
    let o = report(&fixed, &sim.reference, &out);
    assert_eq!(o.status.code(), Some(code), "{}", text(&o));
    let freq = read_tsv(&out.join("frequencies.tsv"));
    assert_ne!(
        numbers(&freq_before, "arm:AI"),
        numbers(&freq_before, "arm:tamoxifen")
    );
    assert_eq!(
        numbers(&freq, "arm:AI"),
        numbers(&freq_before, "arm:tamoxifen")
    );
    assert_eq!(
        numbers(&freq, "arm:tamoxifen"),
        numbers(&freq_before, "arm:AI")
    );
    assert_eq!(numbers(&freq, "cohort"), numbers(&freq_before, "cohort"));
    // Calls carry no arm: unchanged; every patient row has its new arm.
    assert!(std::fs::read(out.join("calls.tsv")).ok() == Some(before["calls.tsv"].clone()));
    let arms = |path: &Path| {
        read_tsv(path)
            .into_iter()
            .map(|r| (r["patient"].clone(), r["therapy"].clone()))
            .collect::<HashMap<_, _>>()
    };
    let now = arms(&out.join("patients.tsv"));
    assert!(!now.is_empty());
    for (patient, therapy) in now {
        let line = swapped
            .lines()
            .find(|l| l.starts_with(&format!("{patient},")))
            .unwrap_or_default();
        assert!(line.contains(&format!(",{therapy},")), "{patient}: {line}");
    }
}

#[test]
fn report_on_a_directory_without_a_run_exits_bad_input() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sheet = dir.path().join("sheet.csv");
    std::fs::write(
        &sheet,
        "patient,sample,day,material,therapy,alignments\nP1,S1,-1,tumor,AI,s1.bam\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let o = report(&sheet, &dir.path().join("ref.fa"), &dir.path().join("none"));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("is this a run's output location?"),
        "{}",
        text(&o)
    );
}
