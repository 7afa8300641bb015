//! Disk full on the output: the coordinator runs with a file-size limit (`RLIMIT_FSIZE`, with
//! `SIGXFSZ` ignored, so a write past it fails with `EFBIG` as on a full disk) that every job
//! result fits but a report does not. It must exit non-zero naming the file, and leave no
//! report under its final name that is not whole (every report is written to a temporary name
//! and renamed), nor any temporary file.

use crate::util::{files_under, small_cohort, REPORTS};
use std::path::Path;
use std::process::{Command, Output};

/// Runs the coordinator binary on the cohort into `out`; with `limit`, under a file-size
/// limit of that many bytes (set by `prlimit`, `SIGXFSZ` ignored by the shell, which the
/// coordinator inherits through `exec`).
fn run_limited(sim: &esr1_simulate::SimulatedCohort, out: &Path, limit: Option<u64>) -> Output {
    let coordinator = env!("CARGO_BIN_EXE_esr1-coordinator");
    let mut cmd = match limit {
        Some(bytes) => {
            let mut c = Command::new("sh");
            c.args([
                "-c",
                "trap '' XFSZ; limit=$1; shift; exec prlimit --fsize=\"$limit\" -- \"$@\"",
                "sh",
                &bytes.to_string(),
                coordinator,
                "run",
            ]);
            c
        }
        None => {
            let mut c = Command::new(coordinator);
            c.arg("run");
            c
        }
    };
    // Two jobs per sample: the plan (jobs.json) and every job result are smaller than
    // report.html.
    cmd.args([
        "--quiet",
        "--workers",
        "2",
        "--region-size",
        "300000",
        "--samplesheet",
    ])
    .arg(&sim.samplesheet)
    .arg("--reference")
    .arg(&sim.reference)
    .arg("--out")
    .arg(out)
    .output()
    .unwrap_or_else(|e| panic!("{e}"))
}

fn size(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// Whether a report under its final name is whole: byte-identical to the undisturbed run's,
/// except `report.html` (it holds the run's times), which must end as the page does.
fn whole(name: &str, got: &[u8], complete: &[u8]) -> bool {
    if name == "report.html" {
        got.len() > complete.len() / 2 && got.ends_with(b"</html>\n")
    } else {
        got == complete
    }
}

#[test]
fn a_full_disk_fails_the_run_naming_the_file_and_leaves_no_half_written_report() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = small_cohort(dir.path(), 27);
    let complete = dir.path().join("complete");
    let done = run_limited(&sim, &complete, None);
    assert!(done.status.success(), "{done:?}");

    // A limit every job result and the run's manifest fit under, but not every report.
    let others = files_under(&complete)
        .into_iter()
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            !REPORTS.contains(&name.as_deref().unwrap_or(""))
        })
        .map(|p| size(&p))
        .max()
        .unwrap_or(0);
    let limit = others + 4096;
    let too_big = REPORTS
        .iter()
        .find(|r| size(&complete.join(r)) > limit)
        .unwrap_or_else(|| panic!("no report larger than {limit} bytes: make the cohort larger"));
    assert!(
        !std::fs::read(complete.join(too_big))
            .unwrap_or_default()
            .is_empty(),
        "{too_big}"
    );

    let out = dir.path().join("full");
    let failed = run_limited(&sim, &out, Some(limit));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(
        failed.status.code(),
        Some(3),
        "storage could not be written: exit 3, not 0 nor a signal\n{stderr}"
    );
    assert!(
        stderr.contains(&format!("full/{too_big}: ")) && stderr.contains("File too large"),
        "the error names {too_big} and the cause:\n{stderr}"
    );
    // Every report under its final name is whole or absent; the one too big is absent.
    for name in REPORTS {
        let path = out.join(name);
        if let Ok(got) = std::fs::read(&path) {
            let want = std::fs::read(complete.join(name)).unwrap_or_default();
            assert!(
                whole(name, &got, &want),
                "{name} is under its final name but not whole ({} of {} bytes)",
                got.len(),
                want.len()
            );
        }
    }
    assert!(
        !out.join(too_big).exists(),
        "{too_big} was not written whole"
    );
    // No temporary file is left behind.
    let leftovers: Vec<_> = files_under(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
