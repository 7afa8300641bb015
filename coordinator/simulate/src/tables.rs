//! The cohort's text files: the samplesheet and the truth tables (calls, patient statuses,
//! cohort frequencies).

use crate::error::{io_error, SimulateError};
use crate::reference::CONTIG;
use crate::truth::TruthPatient;
use esr1_proto::Material;
use esr1_science::cohort::{cohort_frequencies, FrequencyRow, PatientOutcome};
use esr1_science::consequence::CountRule;
use esr1_science::esr1::Esr1Model;
use std::collections::HashMap;
use std::path::Path;

/// Writes a text file.
pub(crate) fn write_text(path: &Path, text: &str) -> Result<(), SimulateError> {
    std::fs::write(path, text).map_err(io_error(path))
}

/// The header line of a samplesheet.
pub(crate) const SAMPLESHEET_HEADER: &str =
    "patient,sample,day,material,therapy,alignments,index\n";

/// One samplesheet line (with its newline).
pub(crate) fn samplesheet_line(
    patient: &str,
    therapy: &str,
    (sample, day, material): (&str, i64, Material),
    alignments: &Path,
    index: &Path,
) -> String {
    format!(
        "{patient},{sample},{day},{},{therapy},{},{}\n",
        material.as_str(),
        alignments.display(),
        index.display()
    )
}

/// `samplesheet.csv`: one line per sample, paths relative to the cohort directory.
pub(crate) fn samplesheet_text(patients: &[TruthPatient]) -> String {
    let mut s = String::from(SAMPLESHEET_HEADER);
    for p in patients {
        for smp in &p.samples {
            s.push_str(&samplesheet_line(
                &p.patient,
                &p.therapy,
                (&smp.sample, smp.day, smp.material),
                &smp.alignments,
                &smp.index,
            ));
        }
    }
    s
}

/// Rows of a TSV file as header-keyed maps (the truth tables and a run's reports).
pub fn read_tsv(path: &Path) -> Result<Vec<HashMap<String, String>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    Ok(lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            header
                .iter()
                .map(|h| h.to_string())
                .zip(l.split('\t').map(str::to_owned))
                .collect()
        })
        .collect())
}

/// `truth_calls.tsv`: every sample × variant with a non-zero allele fraction.
pub(crate) fn truth_calls_text(patients: &[TruthPatient]) -> String {
    let mut s = String::from("sample\tpatient\tchrom\tpos\tref\talt\tprotein\tvaf\tdepth\tkind\n");
    for p in patients {
        for (j, smp) in p.samples.iter().enumerate() {
            for v in &p.variants {
                let vaf = v.vaf.get(j).copied().unwrap_or(0.0);
                if vaf <= 0.0 {
                    continue;
                }
                s.push_str(&format!(
                    "{}\t{}\t{CONTIG}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                    smp.sample,
                    p.patient,
                    v.pos,
                    v.ref_base,
                    v.alt_base,
                    v.protein.as_deref().unwrap_or(""),
                    vaf,
                    smp.depth,
                    v.kind.as_str()
                ));
            }
        }
    }
    s
}

/// `truth_patients.tsv`: every patient × variant with its true status.
pub(crate) fn truth_patients_text(patients: &[TruthPatient]) -> String {
    let mut s = String::from("patient\ttherapy\tchrom\tpos\tref\talt\tprotein\tstatus\n");
    for p in patients {
        for v in &p.variants {
            s.push_str(&format!(
                "{}\t{}\t{CONTIG}\t{}\t{}\t{}\t{}\t{}\n",
                p.patient,
                p.therapy,
                v.pos,
                v.ref_base,
                v.alt_base,
                v.protein.as_deref().unwrap_or(""),
                v.status.as_str()
            ));
        }
    }
    s
}

/// The truth frequency table: all hotspot names of the model, in table order; acquired
/// variants counted by `rule`, as a run with the same `--count` counts them.
pub fn truth_frequencies(
    model: &Esr1Model,
    patients: &[TruthPatient],
    rule: CountRule,
) -> Vec<FrequencyRow> {
    let outcomes: Vec<PatientOutcome> = patients.iter().map(|p| p.outcome(model)).collect();
    let names: Vec<String> = model.hotspots.iter().map(|h| h.name.clone()).collect();
    cohort_frequencies(&outcomes, &names, rule)
}

/// `truth_frequencies.tsv`: the header and one line per row.
pub(crate) fn frequencies_text(rows: &[FrequencyRow]) -> String {
    let mut ftext = String::from(FrequencyRow::HEADER);
    ftext.push('\n');
    for row in rows {
        ftext.push_str(&row.to_tsv());
        ftext.push('\n');
    }
    ftext
}
