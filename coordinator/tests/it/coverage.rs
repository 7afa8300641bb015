//! End-to-end: coverage is evidence. A patient whose baseline and later BAMs hold no reads
//! (header-only, with their index) must not become "evaluable, not acquired": its samples
//! are `low_coverage` in `qc.tsv`, named in the warnings, out of the background, and the
//! cohort's denominators drop by one.

use crate::util::{read_tsv, run_cohort, small_cohort};
use noodles::bam;
use noodles::csi::binning_index::index::reference_sequence::index::LinearIndex;
use noodles::csi::binning_index::Indexer;
use std::collections::HashMap;
use std::path::Path;

/// Rewrites `bam` (and its `.bam.bai`) as a header-only BAM with the same header: the file a
/// failed library or an empty capture gives.
fn make_header_only(bam_path: &Path) {
    let header = {
        let file =
            std::fs::File::open(bam_path).unwrap_or_else(|e| panic!("{}: {e}", bam_path.display()));
        let mut reader = bam::io::Reader::new(file);
        reader
            .read_header()
            .unwrap_or_else(|e| panic!("{}: {e}", bam_path.display()))
    };
    let file = std::fs::File::create(bam_path).unwrap_or_else(|e| panic!("{e}"));
    let mut writer = bam::io::Writer::new(file);
    writer
        .write_header(&header)
        .unwrap_or_else(|e| panic!("{e}"));
    writer.try_finish().unwrap_or_else(|e| panic!("{e}"));
    // The index is written after the BAM, so it is not older than the BAM.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let index = Indexer::<LinearIndex>::default().build(header.reference_sequences().len());
    let bai = bam_path.with_extension("bam.bai");
    bam::bai::fs::write(&bai, &index).unwrap_or_else(|e| panic!("{}: {e}", bai.display()));
}

/// `(n_evaluable, n_acquired)` of every group of a `frequencies.tsv`.
fn groups(rows: &[HashMap<String, String>]) -> HashMap<String, (u64, u64)> {
    rows.iter()
        .map(|r| {
            let n = |c: &str| r[c].parse::<u64>().unwrap_or(u64::MAX);
            (r["group"].clone(), (n("n_evaluable"), n("n_acquired")))
        })
        .collect()
}

#[test]
fn a_patient_with_header_only_bams_is_low_coverage_and_not_evaluable() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = small_cohort(dir.path(), 17);
    // P06 (AI arm, no somatic mutation) is "evaluable, not acquired" in the truth; empty its
    // baseline tumour, later tumour and later cfDNA.
    let bams = dir.path().join("cohort/bams");
    let emptied = ["P06_T0", "P06_T1", "P06_C1"];
    for s in emptied {
        make_header_only(&bams.join(format!("{s}.bam")));
    }
    let out = dir.path().join("run");
    let result = run_cohort(&sim, &sim.samplesheet, &out);
    assert_eq!(
        result.report.jobs_failed, 0,
        "header-only BAMs run, they do not fail"
    );

    // qc.tsv: the three are low_coverage with the depth found; every other sample is ok,
    // the shallow (15-fragment) baseline of P04 included.
    let qc = read_tsv(&out.join("qc.tsv"));
    let hotspot_columns = qc
        .first()
        .map_or(0, |r| r.keys().filter(|k| k.starts_with("depth_")).count());
    assert!(hotspot_columns > 0, "qc.tsv has hotspot depth columns");
    let expected_reason =
        format!("median depth 0 at the {hotspot_columns} hotspot positions, need ≥ 10");
    for q in &qc {
        if emptied.contains(&q["sample"].as_str()) {
            assert_eq!(q["status"], "low_coverage", "{}", q["sample"]);
            assert_eq!(q["reason"], expected_reason, "{}", q["sample"]);
            assert_eq!(q["reads_seen"], "0");
        } else {
            assert_eq!(q["status"], "ok", "{} {}", q["sample"], q["reason"]);
        }
    }
    assert_eq!(qc.len(), 21);

    // The patient is not evaluable: the truth's denominators (where P06 counts) drop by
    // one, the numerators stay.
    let ours = groups(&read_tsv(&out.join("frequencies.tsv")));
    let truth = groups(&read_tsv(&sim.truth_frequencies));
    for group in ["cohort", "arm:AI", "hotspot:D538G", "polyclonal"] {
        let (t, o) = (truth[group], ours[group]);
        assert_eq!(o, (t.0 - 1, t.1), "{group}: truth {t:?}, ours {o:?}");
    }
    let tamoxifen = "arm:tamoxifen";
    assert_eq!(ours[tamoxifen], truth[tamoxifen]);
    assert!(!read_tsv(&out.join("patients.tsv"))
        .iter()
        .any(|p| p["patient"] == "P06"));

    // summary.json: counted apart, named in the warnings, out of the background.
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("summary.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    assert_eq!(summary["samples"]["low_coverage"], 3);
    assert_eq!(summary["samples"]["failed"], 0);
    assert_eq!(summary["samples"]["ok"], 18);
    assert_eq!(
        summary["patients"]["evaluable"],
        truth["cohort"].0 - 1,
        "{}",
        summary["patients"]
    );
    let warnings: Vec<&str> = summary["warnings"]
        .as_array()
        .map(|w| w.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    for s in emptied {
        assert!(
            warnings
                .iter()
                .any(|w| w.contains(&format!("sample {s} has low coverage"))
                    && w.contains(&expected_reason)
                    && w.contains("patient P06")),
            "{s} not in {warnings:?}"
        );
    }
    assert_eq!(result.warnings.len(), warnings.len());
    // Baselines that inform the background: the ok samples at or before day 0 (P06_T0 is
    // not one of them).
    let baselines = qc
        .iter()
        .filter(|q| q["status"] == "ok")
        .filter(|q| q["material"] == "normal" || q["day"].parse::<i64>().unwrap_or(1) <= 0)
        .count();
    assert_eq!(summary["background"]["background_samples"], baselines);
    assert_eq!(baselines, 6);

    // The report's warning list names them too.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap_or_default();
    assert!(
        html.contains("sample P06_T0 has low coverage"),
        "warning in report.html"
    );
}

#[test]
fn a_later_sample_without_coverage_makes_no_patient_evaluable_nor_a_baseline_acquired() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = small_cohort(dir.path(), 19);
    // P06 (no somatic mutation) keeps its baseline but loses both later samples; P01
    // (acquired D538G) loses its baseline but keeps its later tumour and cfDNA.
    let bams = dir.path().join("cohort/bams");
    let emptied = ["P06_T1", "P06_C1", "P01_T0"];
    for s in emptied {
        make_header_only(&bams.join(format!("{s}.bam")));
    }
    let out = dir.path().join("run");
    run_cohort(&sim, &sim.samplesheet, &out);
    let qc = read_tsv(&out.join("qc.tsv"));
    let mut low: Vec<&str> = qc
        .iter()
        .filter(|q| q["status"] == "low_coverage")
        .map(|q| q["sample"].as_str())
        .collect();
    low.sort_unstable();
    assert_eq!(low, ["P01_T0", "P06_C1", "P06_T1"]);

    // P01's D538G can no longer be told acquired: no baseline with coverage.
    let patients = read_tsv(&out.join("patients.tsv"));
    let d538g = patients
        .iter()
        .find(|p| p["patient"] == "P01" && p["hotspot"] == "D538G")
        .unwrap_or_else(|| panic!("P01 D538G in patients.tsv"));
    assert_eq!(d538g["status"], "indeterminate");
    assert_eq!(d538g["baseline_depth"], "0");
    // Its trajectory lists only the samples that were used.
    assert!(
        !d538g["trajectory"].contains("P01_T0"),
        "{}",
        d538g["trajectory"]
    );

    // Neither P01 nor P06 is evaluable; only P01 had acquired something.
    let ours = groups(&read_tsv(&out.join("frequencies.tsv")));
    let truth = groups(&read_tsv(&sim.truth_frequencies));
    for group in ["cohort", "arm:AI"] {
        let (t, o) = (truth[group], ours[group]);
        assert_eq!(o, (t.0 - 2, t.1 - 1), "{group}: truth {t:?}, ours {o:?}");
    }
}
