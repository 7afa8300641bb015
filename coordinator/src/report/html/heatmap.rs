//! The QC heat map: every sample (rows, in `qc.tsv` order) × every distinct hotspot position
//! (columns), coloured by the fragment depth there, and the samples that were not used with
//! their reasons.

use crate::report::html::svg::{swatch, text_width};
use crate::report::html::text::esc;
use crate::report::model::{CohortReport, QcRow, SampleStatus};
use esr1_science::coverage::MIN_HOTSPOT_MEDIAN_DEPTH;
use std::fmt::Write as _;

const CELL_W: f64 = 46.0;
const CELL_H: f64 = 14.0;

/// Depth classes: `(lowest depth, fill, text colour)`, deepest last.
const BINS: [(u32, &str, &str); 5] = [
    (0, "#f4a582", "#111"),
    (MIN_HOTSPOT_MEDIAN_DEPTH, "#deebf7", "#111"),
    (100, "#9ecae1", "#111"),
    (500, "#6baed6", "#111"),
    (2000, "#08519c", "#fff"),
];

/// The fill and text colour of a depth.
fn depth_colour(depth: u32) -> (&'static str, &'static str) {
    let (_, fill, text) = BINS
        .iter()
        .rev()
        .find(|(from, _, _)| depth >= *from)
        .unwrap_or(&BINS[0]);
    (fill, text)
}

/// The heat map figure and the table of samples not used.
pub fn depth_heatmap(h: &mut String, r: &CohortReport) {
    let label = |q: &QcRow| format!("{} ({}, day {})", q.sample, q.material, q.day);
    let label_w =
        r.qc.iter()
            .map(|q| text_width(&label(q), 11.0))
            .fold(80.0, f64::max)
            + 10.0;
    let names_h = r
        .hotspot_columns
        .iter()
        .map(|(_, n)| text_width(&names(n), 11.0) * 0.72)
        .fold(0.0, f64::max)
        + 16.0;
    let top = names_h;
    let grid_w = r.hotspot_columns.len() as f64 * CELL_W;
    let legend_y = top + r.qc.len() as f64 * CELL_H + 24.0;
    let width = (label_w + grid_w + 200.0).max(700.0);
    let height = legend_y + 12.0;
    let _ = writeln!(
        h,
        "<figure>\n<svg id=\"qc-heatmap\" class=\"fig\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"Fragment depth per \
         sample at each hotspot position\">"
    );
    for (i, (pos, n)) in r.hotspot_columns.iter().enumerate() {
        let x = label_w + (i as f64 + 0.5) * CELL_W;
        let y = top - 6.0;
        let _ = writeln!(
            h,
            "<text class=\"hm-col\" x=\"{x:.1}\" y=\"{y:.1}\" transform=\"rotate(-45 {x:.1} {y:.1})\">\
             <title>{}:{pos}</title>{}</text>",
            esc(&r.chrom),
            esc(&names(n))
        );
    }
    for (row, q) in r.qc.iter().enumerate() {
        let y = top + row as f64 * CELL_H;
        let used = q.status == SampleStatus::Ok;
        let _ = write!(
            h,
            "<g class=\"hm-row\" data-sample=\"{}\" data-status=\"{}\"><text x=\"{:.1}\" y=\"{:.1}\" \
             text-anchor=\"end\"{}>{}</text>",
            esc(&q.sample),
            q.status.as_str(),
            label_w - 6.0,
            y + CELL_H - 3.0,
            if used { "" } else { " class=\"skipped\"" },
            esc(&label(q))
        );
        if q.hotspot_depths.is_empty() {
            let _ = write!(
                h,
                "<rect x=\"{label_w:.1}\" y=\"{y:.1}\" width=\"{grid_w:.1}\" height=\"{:.1}\" \
                 fill=\"#eee\"/><text class=\"small\" x=\"{:.1}\" y=\"{:.1}\">{}: no counts</text>",
                CELL_H - 1.0,
                label_w + 4.0,
                y + CELL_H - 4.0,
                q.status.as_str()
            );
        }
        for (i, d) in q.hotspot_depths.iter().enumerate() {
            let (fill, ink) = depth_colour(*d);
            let x = label_w + i as f64 * CELL_W;
            let _ = write!(
                h,
                "<rect class=\"hm-cell\" data-depth=\"{d}\" x=\"{x:.1}\" y=\"{y:.1}\" \
                 width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\"/><text class=\"depth\" \
                 x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{ink}\">{d}</text>",
                CELL_W - 1.0,
                CELL_H - 1.0,
                x + CELL_W / 2.0,
                y + CELL_H - 4.0
            );
        }
        if !used && !q.hotspot_depths.is_empty() {
            let _ = write!(
                h,
                "<text class=\"small skipped\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                label_w + grid_w + 6.0,
                y + CELL_H - 4.0,
                q.status.as_str()
            );
        }
        h.push_str("</g>\n");
    }
    let mut x = 0.0;
    for (i, (from, fill, _)) in BINS.iter().enumerate() {
        let text = match BINS.get(i + 1) {
            Some((next, _, _)) => format!("{from}–{}", next - 1),
            None => format!("≥ {from}"),
        };
        x = swatch(h, x, legend_y, fill, &text);
    }
    let _ = writeln!(
        h,
        "<text class=\"small\" x=\"{x:.1}\" y=\"{legend_y:.1}\">fragments</text></svg>\n\
         <figcaption>Fragment depth of every sample at each distinct hotspot position (the \
         depth_* columns of qc.tsv). A sample whose median over these positions is below \
         {MIN_HOTSPOT_MEDIAN_DEPTH} is low_coverage and not used.</figcaption>\n</figure>"
    );
    not_used(h, r);
}

/// The hotspot names of a position, spaced (`Y537S_Y537C` → `Y537S Y537C`).
fn names(n: &str) -> String {
    n.replace('_', " ")
}

/// The samples not used, with why.
fn not_used(h: &mut String, r: &CohortReport) {
    let rows: Vec<_> =
        r.qc.iter()
            .filter(|q| q.status != SampleStatus::Ok)
            .collect();
    if rows.is_empty() {
        h.push_str("<p class=\"note\">Every sample passed QC and was used.</p>\n");
        return;
    }
    h.push_str(
        "<h3>Samples not used</h3>\n<table>\n<thead><tr><th>Sample</th><th>Patient</th>\
         <th>Material</th><th>Day</th><th>Status</th><th>Reason</th></tr></thead>\n<tbody>\n",
    );
    for q in rows {
        let _ = writeln!(
            h,
            "<tr class=\"failed\"><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td>\
             <td>{}</td><td>{}</td></tr>",
            esc(&q.sample),
            esc(&q.patient),
            q.material,
            q.day,
            q.status.as_str(),
            esc(&q.reason)
        );
    }
    h.push_str("</tbody>\n</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures::{qc_row, report};

    fn html(r: &CohortReport) -> String {
        let mut h = String::new();
        depth_heatmap(&mut h, r);
        h
    }

    #[test]
    fn one_row_per_sample_and_one_cell_per_hotspot_position() {
        let (_, mut r) = report("P2");
        let mut low = qc_row("S9", "P9", false);
        low.status = SampleStatus::LowCoverage;
        (low.hotspot_depths, low.reason) = (vec![3, 12], "median depth 7".into());
        r.qc.push(low);
        r.qc[2].hotspot_depths.clear();
        let h = html(&r);
        assert_eq!(h.matches("<g class=\"hm-row\"").count(), 4);
        assert_eq!(h.matches("<text class=\"hm-col\"").count(), 2);
        // S1a, P2-b and S9 have two depths each; S3b failed and has none.
        assert_eq!(h.matches("<rect class=\"hm-cell\"").count(), 6);
        assert!(h.contains(">failed: no counts</text>"));
        assert!(h.contains("data-depth=\"3\" x=") && h.contains("fill=\"#f4a582\""));
        assert!(h.contains(">Y537S Y537N Y537C</text>"));
        // Both samples not used are listed with their reasons.
        assert!(h.contains("<td>low_coverage</td><td>median depth 7</td>"));
        assert!(h.contains("index is older than the BAM"));
    }

    #[test]
    fn depth_classes_start_at_the_coverage_floor() {
        assert_eq!(depth_colour(0).0, "#f4a582");
        assert_eq!(depth_colour(MIN_HOTSPOT_MEDIAN_DEPTH - 1).0, "#f4a582");
        assert_eq!(depth_colour(MIN_HOTSPOT_MEDIAN_DEPTH).0, "#deebf7");
        assert_eq!(depth_colour(1999).0, "#6baed6");
        assert_eq!(depth_colour(5000), ("#08519c", "#fff"));
    }

    #[test]
    fn a_cohort_where_every_sample_passed_says_so() {
        let (_, mut r) = report("P2");
        r.qc.retain(|q| q.status == SampleStatus::Ok);
        assert!(html(&r).contains("Every sample passed QC and was used."));
    }
}
