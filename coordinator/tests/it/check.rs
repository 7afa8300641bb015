//! `check` before a run: a good cohort passes; a missing index, an unreadable file, a
//! reference of the other build and another chromosome-6 name each exit non-zero, naming the
//! problem in the sample's row.

use crate::util::small_cohort;
use esr1_simulate::SimulatedCohort;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `esr1-coordinator check` on `sheet` (with `reference`): exit code and stdout + stderr.
fn check(sheet: &Path, reference: Option<&Path>) -> (Option<i32>, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_esr1-coordinator"));
    cmd.arg("check").arg("--samplesheet").arg(sheet);
    if let Some(r) = reference {
        cmd.arg("--reference").arg(r);
    }
    let o = cmd
        .output()
        .unwrap_or_else(|e| panic!("esr1-coordinator check: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code(), text)
}

/// The table row of `sample`.
fn row<'a>(text: &'a str, sample: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(&format!("{sample} ")))
        .unwrap_or_else(|| panic!("no row for {sample}:\n{text}"))
}

/// The status column of a row (the word after the contig column).
fn status(row: &str) -> &str {
    row.split_whitespace().nth(5).unwrap_or_default()
}

/// A reference whose `.fai` names chromosome 6 `contig` with `len` bases (nothing else of it
/// is read but that it exists: it is a plain, empty FASTA).
fn fake_reference(dir: &Path, name: &str, contig: &str, len: u64) -> PathBuf {
    let fasta = dir.join(format!("{name}.fa"));
    std::fs::write(&fasta, "").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.join(format!("{name}.fa.fai")),
        format!("{contig}\t{len}\t6\t60\t61\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    fasta
}

fn samples(sim: &SimulatedCohort) -> Vec<String> {
    std::fs::read_to_string(&sim.samplesheet)
        .unwrap_or_default()
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1).map(str::to_owned))
        .collect()
}

/// Gives `file` the modification time of `like` (a rewritten BAM is not "newer than its
/// index": only the damage under test is found).
fn same_time(file: &Path, like: &Path) {
    let t = std::fs::metadata(like)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::File::options()
        .write(true)
        .open(file)
        .and_then(|f| f.set_modified(t))
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn check_passes_a_good_cohort_listing_every_sample() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = small_cohort(dir.path(), 41);
    let (code, text) = check(&sim.samplesheet, Some(&sim.reference));
    assert_eq!(code, Some(0), "{text}");
    let ids = samples(&sim);
    assert_eq!(ids.len(), 21);
    for id in &ids {
        let r = row(&text, id);
        assert_eq!(status(r), "ok", "{r}");
        assert!(r.contains(" GRCh38 ") && r.contains(" chr6 "), "{r}");
    }
    assert!(
        text.contains("21 samples: 21 ok, 0 with a warning, 0 would fail"),
        "{text}"
    );
    // Without a reference: the files alone.
    let (code, text) = check(&sim.samplesheet, None);
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn check_fails_a_missing_index_named_or_looked_for() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = small_cohort(dir.path(), 42);
    let bams = dir.path().join("cohort/bams");
    // P01_T1's index is named in the samplesheet; P02_T0's is looked for beside its BAM.
    for name in ["P01_T1.bam.bai", "P02_T0.bam.bai"] {
        std::fs::remove_file(bams.join(name)).unwrap_or_else(|e| panic!("{e}"));
    }
    let sheet = std::fs::read_to_string(&sim.samplesheet)
        .unwrap_or_default()
        .replace("bams/P02_T0.bam,bams/P02_T0.bam.bai", "bams/P02_T0.bam,");
    let edited = dir.path().join("cohort/edited.csv");
    std::fs::write(&edited, sheet).unwrap_or_else(|e| panic!("{e}"));
    let (code, text) = check(&edited, Some(&sim.reference));
    assert_eq!(code, Some(1), "{text}");
    let named = row(&text, "P01_T1");
    assert_eq!(status(named), "fail", "{named}");
    assert!(
        named.contains("column 'index': file") && named.contains("P01_T1.bam.bai not found"),
        "{named}"
    );
    let looked_for = row(&text, "P02_T0");
    assert_eq!(status(looked_for), "fail", "{looked_for}");
    assert!(
        looked_for.contains("no index for") && looked_for.contains("P02_T0.bam.bai"),
        "{looked_for}"
    );
    assert_eq!(status(row(&text, "P01_T0")), "ok");
    assert!(
        text.contains("21 samples: 19 ok, 0 with a warning, 2 would fail"),
        "{text}"
    );
}

#[test]
fn check_fails_an_unreadable_file_garbage_or_truncated() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = small_cohort(dir.path(), 43);
    let bams = dir.path().join("cohort/bams");
    let garbage = bams.join("P03_T0.bam");
    std::fs::write(&garbage, vec![0x5a; 4096]).unwrap_or_else(|e| panic!("{e}"));
    same_time(&garbage, &bams.join("P03_T0.bam.bai"));
    // Cut in half: the header still parses, the end of the file is gone.
    let cut = bams.join("P04_T1.bam");
    let bytes = std::fs::read(&cut).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap_or_else(|e| panic!("{e}"));
    same_time(&cut, &bams.join("P04_T1.bam.bai"));

    let (code, text) = check(&sim.samplesheet, Some(&sim.reference));
    assert_eq!(code, Some(1), "{text}");
    let r = row(&text, "P03_T0");
    assert_eq!(status(r), "fail", "{r}");
    assert!(
        r.contains("P03_T0.bam is not a readable BAM (header)"),
        "{r}"
    );
    let r = row(&text, "P04_T1");
    assert_eq!(status(r), "fail", "{r}");
    assert!(
        r.contains("P04_T1.bam has") && r.contains("the file is truncated")
            || r.contains("does not end with the BGZF end-of-file marker"),
        "{r}"
    );
    assert!(
        text.contains("19 ok, 0 with a warning, 2 would fail"),
        "{text}"
    );
}

#[test]
fn check_fails_every_sample_against_a_reference_of_the_other_build() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = small_cohort(dir.path(), 44);
    let grch37 = fake_reference(dir.path(), "grch37", "chr6", 171_115_067);
    let (code, text) = check(&sim.samplesheet, Some(&grch37));
    assert_eq!(code, Some(4), "no sample would run:\n{text}");
    assert!(text.contains(": GRCh37 (chr6)"), "{text}");
    for id in samples(&sim) {
        let r = row(&text, &id);
        assert_eq!(status(r), "fail", "{r}");
        assert!(
            r.contains("is aligned to GRCh38 (chr6) but the run's reference is GRCh37"),
            "{r}"
        );
    }
}

#[test]
fn check_flags_a_reference_naming_chromosome_6_otherwise() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = small_cohort(dir.path(), 45);
    // The BAMs say chr6; this GRCh38 reference says 6.
    let bare = fake_reference(dir.path(), "bare", "6", 170_805_979);
    let (code, text) = check(&sim.samplesheet, Some(&bare));
    assert_eq!(code, Some(1), "{text}");
    for id in samples(&sim) {
        let r = row(&text, &id);
        assert_eq!(status(r), "warning", "{r}");
        assert!(
            r.contains("chromosome 6 is 'chr6' here but '6' in the reference"),
            "{r}"
        );
    }
    assert!(
        text.contains("0 ok, 21 with a warning, 0 would fail"),
        "{text}"
    );
}
