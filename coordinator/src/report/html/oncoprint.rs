//! The oncoprint: every patient (rows, grouped by therapy arm, acquired first) × every ESR1
//! change detected in any patient (columns, as in `patients.tsv`), each cell coloured by the
//! change's status in that patient, with the number of patients who acquired it on top.
//! Changes seen only as inherited go to the right, after the somatic ones.

use crate::report::html::lanes::{by_arm, patient_lines, PatientLine};
use crate::report::html::svg::{status_fill, status_letter, swatch, text_width, STATUS_ORDER};
use crate::report::html::text::esc;
use crate::report::model::{CohortReport, PatientRow};
use esr1_science::cohort::VariantStatus;
use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

const CELL_W: f64 = 24.0;
const CELL_H: f64 = 16.0;
const STEP_X: f64 = CELL_W + 2.0;
const STEP_Y: f64 = CELL_H + 2.0;
/// Height of the acquired-count bars above the grid.
const BARS: f64 = 34.0;
/// Height of an arm's header line.
const ARM_HEAD: f64 = 20.0;
/// Width the legend needs.
const LEGEND_W: f64 = 820.0;

/// A variant allele: position, REF, ALT.
type Key<'a> = (u64, &'a str, &'a str);

/// One column: a variant detected in at least one patient.
#[derive(Debug)]
struct Column<'a> {
    key: Key<'a>,
    chrom: &'a str,
    name: String,
    /// Patients in whom it is acquired.
    acquired: usize,
    /// Patients in whom it was found at all.
    patients: usize,
    /// Found only as inherited.
    germline_only: bool,
}

fn key(p: &PatientRow) -> Key<'_> {
    (p.pos, &p.ref_allele, &p.alt_allele)
}

/// Columns: somatic changes first, then by patients who acquired them, patients with them,
/// position.
fn columns(rows: &[PatientRow]) -> Vec<Column<'_>> {
    let mut by_key: BTreeMap<Key, Column> = BTreeMap::new();
    for p in rows {
        let c = by_key.entry(key(p)).or_insert_with(|| Column {
            key: key(p),
            chrom: &p.chrom,
            name: p.name(),
            acquired: 0,
            patients: 0,
            germline_only: true,
        });
        c.patients += 1;
        c.acquired += usize::from(p.status == VariantStatus::Acquired);
        c.germline_only &= p.status == VariantStatus::Germline;
    }
    let mut columns: Vec<Column> = by_key.into_values().collect();
    columns.sort_by_key(|c| {
        (
            c.germline_only,
            Reverse(c.acquired),
            Reverse(c.patients),
            c.key,
        )
    });
    columns
}

/// The oncoprint figure.
pub fn oncoprint(h: &mut String, r: &CohortReport) {
    let lines = patient_lines(r);
    let columns = columns(&r.patients);
    let cells: HashMap<(&str, Key), &PatientRow> = r
        .patients
        .iter()
        .map(|p| ((p.patient.as_str(), key(p)), p))
        .collect();
    let label_w = lines
        .iter()
        .map(|l| text_width(l.patient, 11.0))
        .fold(60.0, f64::max)
        + 12.0;
    let groups = by_arm(&lines);
    let grid_top = BARS + 8.0;
    let grid_h = groups.len() as f64 * ARM_HEAD + lines.len() as f64 * STEP_Y;
    let names_h = columns
        .iter()
        .map(|c| text_width(&c.name, 11.0) * 0.72)
        .fold(0.0, f64::max)
        + 14.0;
    let legend_y = grid_top + grid_h + names_h + 24.0;
    let grid_w = columns.len() as f64 * STEP_X;
    let width = (label_w + grid_w + 110.0).max(LEGEND_W);
    let height = legend_y + 30.0;
    let _ = writeln!(
        h,
        "<figure>\n<svg id=\"oncoprint\" class=\"fig\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"Oncoprint: patients by \
         ESR1 change, coloured by status\">"
    );
    let col_x = |i: usize| label_w + i as f64 * STEP_X;
    count_bars(h, &columns, col_x);
    let mut y = grid_top;
    for (arm, members) in groups {
        let _ = writeln!(
            h,
            "<text class=\"arm-head\" x=\"0\" y=\"{:.1}\">{} ({} patient{})</text>",
            y + 14.0,
            esc(arm),
            members.len(),
            if members.len() == 1 { "" } else { "s" }
        );
        y += ARM_HEAD;
        for line in members {
            row(h, line, &columns, &cells, y, label_w);
            y += STEP_Y;
        }
    }
    if let Some(first) = columns.iter().position(|c| c.germline_only) {
        let x = col_x(first) - 1.0;
        let _ = writeln!(
            h,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#555\" \
             stroke-dasharray=\"3,2\"/><text class=\"small\" x=\"{:.1}\" y=\"10\">inherited only</text>",
            0.0,
            grid_top + grid_h,
            x + 3.0,
        );
    }
    for (i, c) in columns.iter().enumerate() {
        let x = col_x(i) + CELL_W / 2.0;
        let yl = grid_top + grid_h + 10.0;
        let _ = writeln!(
            h,
            "<text class=\"op-col\" data-variant=\"{}:{}:{}:{}\" x=\"{x:.1}\" y=\"{yl:.1}\" \
             transform=\"rotate(45 {x:.1} {yl:.1})\"><title>{}:{} {}&gt;{}</title>{}</text>",
            esc(c.chrom),
            c.key.0,
            esc(c.key.1),
            esc(c.key.2),
            esc(c.chrom),
            c.key.0,
            esc(c.key.1),
            esc(c.key.2),
            esc(&c.name)
        );
    }
    legend(h, legend_y, r.count.to_string().as_str());
    h.push_str("</svg>\n");
    let _ = writeln!(
        h,
        "<figcaption>One row per patient ({}), grouped by therapy arm with patients who \
         acquired a mutation first; one column per ESR1 change detected in any patient ({}, \
         as in patients.tsv), changes seen only as inherited on the right. The bars count the \
         patients in whom each change was acquired. Pale acquired cells are changes the \
         count rule does not count; <em>not evaluable</em> patients are left out of every \
         denominator.</figcaption>\n</figure>",
        lines.len(),
        columns.len()
    );
}

/// The acquired count of every column, as a bar and a number.
fn count_bars(h: &mut String, columns: &[Column], col_x: impl Fn(usize) -> f64) {
    let top = columns.iter().map(|c| c.acquired).max().unwrap_or(0).max(1) as f64;
    for (i, c) in columns.iter().enumerate() {
        let bar = c.acquired as f64 / top * (BARS - 12.0);
        let x = col_x(i);
        let _ = writeln!(
            h,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{CELL_W}\" height=\"{bar:.1}\" fill=\"{}\"/>\
             <text class=\"op-count small\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            BARS - bar,
            status_fill(VariantStatus::Acquired),
            x + CELL_W / 2.0,
            BARS - bar - 2.0,
            c.acquired
        );
    }
}

/// One patient's row: label, a cell per column, and whether the patient is evaluable.
fn row(
    h: &mut String,
    line: &PatientLine,
    columns: &[Column],
    cells: &HashMap<(&str, Key), &PatientRow>,
    y: f64,
    label_w: f64,
) {
    let _ = write!(
        h,
        "<g class=\"op-row\" data-patient=\"{}\" data-therapy=\"{}\"><text x=\"0\" y=\"{:.1}\">{}</text>",
        esc(line.patient),
        esc(line.therapy),
        y + CELL_H - 4.0,
        esc(line.patient)
    );
    for (i, c) in columns.iter().enumerate() {
        let x = label_w + i as f64 * STEP_X;
        match cells.get(&(line.patient, c.key)) {
            None => {
                let _ = write!(
                    h,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{CELL_W}\" height=\"{CELL_H}\" fill=\"#f0f0f0\"/>"
                );
            }
            Some(p) => {
                let pale = p.status == VariantStatus::Acquired && !p.counted;
                let _ = write!(
                    h,
                    "<g class=\"op-cell\" data-status=\"{status}\"><title>{} {}: {status}{}, max later \
                     VAF {:.2} %</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{CELL_W}\" \
                     height=\"{CELL_H}\" fill=\"{}\"{}/><text class=\"cell\" x=\"{:.1}\" \
                     y=\"{:.1}\" text-anchor=\"middle\">{}</text></g>",
                    esc(&p.patient),
                    esc(&c.name),
                    if pale { " (not counted)" } else { "" },
                    p.max_later_vaf * 100.0,
                    status_fill(p.status),
                    if pale { " fill-opacity=\"0.4\"" } else { "" },
                    x + CELL_W / 2.0,
                    y + CELL_H - 4.0,
                    status_letter(p.status),
                    status = p.status.as_str(),
                );
            }
        }
    }
    if !line.evaluable {
        let _ = write!(
            h,
            "<text class=\"small note-text\" x=\"{:.1}\" y=\"{:.1}\">not evaluable</text>",
            label_w + columns.len() as f64 * STEP_X + 6.0,
            y + CELL_H - 4.0
        );
    }
    h.push_str("</g>\n");
}

fn legend(h: &mut String, y: f64, rule: &str) {
    let mut x = 0.0;
    for s in STATUS_ORDER {
        x = swatch(
            h,
            x,
            y,
            status_fill(s),
            &format!("{} {}", status_letter(s), s.as_str()),
        );
    }
    x = swatch(h, x, y, "#f0f0f0", "not found");
    let _ = writeln!(
        h,
        "<text class=\"small\" x=\"{x:.1}\" y=\"{y:.1}\">counted as acquired: --count {}</text>",
        esc(rule)
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures::{patient_row, report};

    fn svg(r: &CohortReport) -> String {
        let mut h = String::new();
        oncoprint(&mut h, r);
        h
    }

    #[test]
    fn one_row_per_patient_and_one_column_per_change() {
        let (_, mut r) = report("P2");
        let mut y537s = patient_row("P2", VariantStatus::Acquired, "");
        (y537s.pos, y537s.hotspot, y537s.protein) = (152_098_788, "Y537S".into(), "Y537S".into());
        r.patients.push(y537s);
        let html = svg(&r);
        assert_eq!(
            html.matches("<g class=\"op-row\"").count(),
            r.outcomes.len()
        );
        // D538G (in four rows) and Y537S.
        assert_eq!(html.matches("<text class=\"op-col\"").count(), 2);
        assert!(html.contains("data-variant=\"chr6:152098791:A:G\""));
        // One coloured cell per patients.tsv row; P3 has D538G twice (germline and
        // indeterminate rows of the fixture share the allele), so one cell is drawn for it.
        assert_eq!(html.matches("<g class=\"op-cell\"").count(), 4);
        assert_eq!(html.matches("fill=\"#f0f0f0\"/>").count(), 2);
        // D538G was acquired in P1: its bar says 1; Y537S in P2: 1.
        assert_eq!(html.matches(">1</text>").count(), 2);
        // P3 is not evaluable.
        assert_eq!(html.matches(">not evaluable</text>").count(), 1);
    }

    #[test]
    fn somatic_columns_come_before_inherited_ones_and_uncounted_cells_are_pale() {
        let (_, mut r) = report("P2");
        let mut snp = patient_row("P1", VariantStatus::Germline, "");
        (snp.pos, snp.hotspot, snp.protein, snp.hgvs_c) =
            (152_011_631, String::new(), String::new(), String::new());
        r.patients.insert(0, snp);
        r.patients[1].counted = false;
        let html = svg(&r);
        let d538g = html.find(">D538G</text>").expect("D538G column");
        let snp = html
            .find(">chr6:152011631A&gt;G</text>")
            .expect("SNP column");
        assert!(d538g < snp);
        assert!(html.contains(">inherited only</text>"));
        assert!(html.contains("acquired (not counted)"));
        assert_eq!(html.matches("fill-opacity=\"0.4\"").count(), 1);
    }

    #[test]
    fn an_empty_cohort_still_draws_a_valid_figure() {
        let (_, mut r) = report("P2");
        r.patients.clear();
        r.outcomes.clear();
        let html = svg(&r);
        assert!(html.contains("<svg id=\"oncoprint\""));
        assert!(!html.contains("NaN") && !html.contains("\"inf"));
        assert_eq!(html.matches("class=\"op-row\"").count(), 0);
    }
}
