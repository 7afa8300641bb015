//! Tests of the TSV writers: headers equal the serde field names, rows read back unchanged.

use crate::report::fixtures::{call_row, patient_row, qc_row, report};
use crate::report::model::{CallRow, PatientRow};
use crate::report::tsv::{calls_tsv, patients_tsv, qc_columns, qc_tsv};
use esr1_science::cohort::VariantStatus;
use serde::Serialize;

/// The header csv's serde writes for a row type.
fn serde_header<T: Serialize>(row: &T) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .from_writer(Vec::new());
    w.serialize(row).expect("serialises");
    let text = String::from_utf8(w.into_inner().expect("flush")).expect("utf-8");
    text.lines().next().unwrap_or_default().to_owned()
}

fn read_back(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .quoting(false)
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn headers_are_the_serde_field_names() {
    let call = call_row("S1", "P1", "PASS");
    assert_eq!(serde_header(&call), CallRow::COLUMNS.join("\t"));
    let patient = patient_row("P1", VariantStatus::Acquired, "");
    assert_eq!(serde_header(&patient), PatientRow::COLUMNS.join("\t"));
}

#[test]
fn calls_round_trip_with_report_number_format() {
    let rows = vec![call_row("S1", "P1", "PASS"), call_row("S2", "P2", "a;b")];
    let text = calls_tsv(&rows).expect("writes");
    let back = read_back(&text);
    assert_eq!(back.len(), 3);
    assert_eq!(back[0], CallRow::COLUMNS);
    assert_eq!(
        back[1],
        [
            "S1",
            "P1",
            "90",
            "cfdna",
            "chr6",
            "152098791",
            "A",
            "G",
            "D538G",
            "D538G",
            "c.1613A>G",
            "p.Asp538Gly",
            "45",
            "22",
            "23",
            "900",
            "0.0500",
            "1.000e-30",
            "1.000e-4",
            "1.000e-20",
            "1.000e-18",
            "PASS"
        ]
    );
    assert_eq!(back[2][21], "a;b");
    // Nothing is quoted, even text with a quote character.
    let mut odd = call_row("S\"3", "P3", "PASS");
    odd.hgvs_c = String::new();
    let text = calls_tsv(&[odd]).expect("writes");
    assert!(text
        .lines()
        .nth(1)
        .unwrap_or_default()
        .starts_with("S\"3\tP3\t"));
    assert!(text.contains("\tD538G\t\tp.Asp538Gly\t"));
}

#[test]
fn empty_tables_keep_their_header() {
    assert_eq!(
        calls_tsv(&[]).expect("writes"),
        format!("{}\n", CallRow::COLUMNS.join("\t"))
    );
    assert_eq!(
        patients_tsv(&[]).expect("writes"),
        format!("{}\n", PatientRow::COLUMNS.join("\t"))
    );
}

#[test]
fn patients_write_status_and_missing_days_as_empty() {
    let mut row = patient_row("P1", VariantStatus::PreExisting, "-7:S1a:30/700");
    row.days_from_baseline = None;
    let back = read_back(&patients_tsv(&[row]).expect("writes"));
    assert_eq!(back[1][10..13], ["missense", "true", "pre-existing"]);
    assert_eq!(back[1][14], "0.9990");
    assert_eq!(back[1][16], "");
    assert_eq!(back[1][18], "-7:S1a:30/700");
}

#[test]
fn qc_rows_have_one_field_per_dynamic_column() {
    let (_, r) = report("P2");
    let mut rows = r.qc.clone();
    rows[2].reason = "a\tb\nc".into();
    let text = qc_tsv(&rows, &r.hotspot_columns).expect("writes");
    let back = read_back(&text);
    let columns = qc_columns(&r.hotspot_columns);
    assert_eq!(back[0], columns);
    assert_eq!(columns.len(), 5 + 9 + 4 + 3 + 2 + 1);
    assert_eq!(columns[14], "jobs");
    assert_eq!(
        columns[18..21],
        [
            "c_to_t_per_million",
            "t_to_c_per_million",
            "c_to_t_damage_orientation"
        ]
    );
    assert_eq!(columns[21], "depth_Y537S_Y537N_Y537C");
    for row in &back[1..] {
        assert_eq!(row.len(), columns.len());
    }
    assert_eq!(back[3][4], "failed");
    assert_eq!(back[3][14], "0", "a failed sample merged no job");
    assert_eq!(back[1][14], "1");
    assert_eq!(back[3][18..], ["0", "0", "NA", "900", "880", "a b c"]);
    assert_eq!(qc_row("S", "P", false).reason, "");
}
