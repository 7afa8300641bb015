//! The tab-separated reports: `calls.tsv`, `patients.tsv` and `qc.tsv` written with the `csv`
//! crate from the row types, and `frequencies.tsv`.
//!
//! Headers come from the model's column lists (`CallRow::COLUMNS`, …; tests check that they
//! equal the serde field names), so a table without rows still has its header. Fields are
//! never quoted: the files have always been plain tab-separated text, and readers such as
//! `cut` or R's `read.delim(quote = "")` rely on it.

use crate::report::format::{fmt_f, serialize_f};
use crate::report::model::{CallRow, PatientRow, QcRow};
use esr1_proto::Material;
use esr1_science::cohort::FrequencyRow;
use serde::Serialize;

/// A TSV could not be built (a row that does not serialise as a flat record).
#[derive(Debug, thiserror::Error)]
#[error("cannot write {file}: {source}")]
pub struct TsvError {
    /// Which report.
    pub file: &'static str,
    /// What went wrong.
    #[source]
    pub source: csv::Error,
}

/// A header line and one record per row, tab-separated and unquoted.
fn table<H, T>(file: &'static str, header: H, rows: &[T]) -> Result<String, TsvError>
where
    H: IntoIterator,
    H::Item: AsRef<[u8]>,
    T: Serialize,
{
    let err = |source| TsvError { file, source };
    let mut w = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .quote_style(csv::QuoteStyle::Never)
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(header).map_err(err)?;
    for row in rows {
        w.serialize(row).map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| err(csv::Error::from(e.into_error())))?;
    String::from_utf8(bytes).map_err(|e| err(csv::Error::from(std::io::Error::other(e))))
}

/// `calls.tsv` text.
pub fn calls_tsv(rows: &[CallRow]) -> Result<String, TsvError> {
    table("calls.tsv", CallRow::COLUMNS, rows)
}

/// `patients.tsv` text.
pub fn patients_tsv(rows: &[PatientRow]) -> Result<String, TsvError> {
    table("patients.tsv", PatientRow::COLUMNS, rows)
}

/// `frequencies.tsv` text, in the format the simulator's truth file shares
/// ([`FrequencyRow::HEADER`], [`FrequencyRow::to_tsv`]), so the two compare byte for byte.
pub fn frequencies_tsv(rows: &[FrequencyRow]) -> String {
    let mut s = format!("{}\n", FrequencyRow::HEADER);
    for row in rows {
        s.push_str(&row.to_tsv());
        s.push('\n');
    }
    s
}

/// One `qc.tsv` record: a [`QcRow`] flattened into its columns.
#[derive(Serialize)]
struct QcRecord<'a> {
    sample: &'a str,
    patient: &'a str,
    material: Material,
    day: i64,
    status: &'a str,
    counters: [u64; 9],
    jobs: usize,
    bytes_fetched: u64,
    requests: u64,
    chunk_span_bytes: u64,
    #[serde(serialize_with = "serialize_f")]
    c_to_t_per_million: f64,
    #[serde(serialize_with = "serialize_f")]
    t_to_c_per_million: f64,
    /// `NA` when too few fragments.
    c_to_t_damage_orientation: String,
    hotspot_depths: &'a [u32],
    /// Free text: kept on one line and in one column.
    reason: String,
}

impl<'a> From<&'a QcRow> for QcRecord<'a> {
    fn from(q: &'a QcRow) -> Self {
        Self {
            sample: &q.sample,
            patient: &q.patient,
            material: q.material,
            day: q.day,
            status: q.status.as_str(),
            counters: q.counters(),
            jobs: q.jobs,
            bytes_fetched: q.qc.bytes_fetched,
            requests: q.qc.requests,
            chunk_span_bytes: q.qc.chunk_span_bytes,
            c_to_t_per_million: q.transitions.c_to_t_per_million,
            t_to_c_per_million: q.transitions.t_to_c_per_million,
            c_to_t_damage_orientation: q
                .transitions
                .damage_orientation
                .map_or_else(|| "NA".into(), fmt_f),
            hotspot_depths: &q.hotspot_depths,
            reason: q.reason.replace(['\t', '\n'], " "),
        }
    }
}

/// `qc.tsv` columns: the fixed ones, then `depth_<names>` per hotspot column, then `reason`.
pub fn qc_columns(hotspot_columns: &[(u64, String)]) -> Vec<String> {
    let fixed = ["sample", "patient", "material", "day", "status"];
    let bytes = [
        "jobs",
        "bytes_fetched",
        "requests",
        "chunk_span_bytes",
        "c_to_t_per_million",
        "t_to_c_per_million",
        "c_to_t_damage_orientation",
    ];
    fixed
        .iter()
        .chain(QcRow::COUNTERS.iter())
        .chain(bytes.iter())
        .map(|c| c.to_string())
        .chain(hotspot_columns.iter().map(|(_, n)| format!("depth_{n}")))
        .chain(std::iter::once("reason".to_owned()))
        .collect()
}

/// `qc.tsv` text; `hotspot_columns` name the depth columns of every row.
pub fn qc_tsv(rows: &[QcRow], hotspot_columns: &[(u64, String)]) -> Result<String, TsvError> {
    let records: Vec<QcRecord> = rows.iter().map(QcRecord::from).collect();
    table("qc.tsv", qc_columns(hotspot_columns), &records)
}

#[cfg(test)]
mod tests;
