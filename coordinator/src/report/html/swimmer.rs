//! The swimmer plot: one lane per patient (in the oncoprint's order), days from therapy start
//! across, a mark per sample that passed QC (square: tumour, circle: cfDNA, diamond: normal),
//! filled where an acquired mutation was detected in that sample and labelled with its name
//! and allele fraction. Samples that failed QC are a grey cross, with the reason as a tooltip.

use crate::report::html::lanes::{by_arm, patient_lines, PatientLine};
use crate::report::html::svg::{arm_colour, status_fill, text_width};
use crate::report::html::text::esc;
use crate::report::model::{CohortReport, QcRow, SampleStatus};
use esr1_proto::Material;
use esr1_science::cohort::VariantStatus;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

const PLOT: f64 = 860.0;
const LANE: f64 = 32.0;
const ARM_HEAD: f64 = 20.0;
const TOP: f64 = 22.0;
/// Room right of the plot for the labels of the last marks.
const RIGHT: f64 = 140.0;

/// An allele fraction for a label: two decimals below 1 %, one above.
fn vaf_text(vaf: f64) -> String {
    let p = vaf * 100.0;
    if p < 1.0 {
        format!("{p:.2} %")
    } else {
        format!("{p:.1} %")
    }
}

/// Round day ticks covering `[lo, hi]`, at most about ten.
fn day_ticks(lo: i64, hi: i64) -> Vec<i64> {
    let span = (hi - lo).max(1);
    let step = [
        1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000,
    ]
    .into_iter()
    .find(|s| span / s <= 10)
    .unwrap_or(10_000);
    let first = lo.div_euclid(step) * step;
    let last = (-((-hi).div_euclid(step)) * step).max(first + step);
    (0..=(last - first) / step)
        .map(|i| first + i * step)
        .collect()
}

/// Per sample, the acquired mutations detected in it: `(name, VAF)`.
fn acquired_by_sample(r: &CohortReport) -> HashMap<&str, Vec<(String, f64)>> {
    let acquired: HashMap<(&str, u64, &str, &str), String> = r
        .patients
        .iter()
        .filter(|p| p.status == VariantStatus::Acquired)
        .map(|p| {
            let key = (p.patient.as_str(), p.pos, &*p.ref_allele, &*p.alt_allele);
            (key, p.name())
        })
        .collect();
    let mut found: HashMap<&str, Vec<(String, f64)>> = HashMap::new();
    for c in r.calls.iter().filter(|c| c.is_detected()) {
        let key = (c.patient.as_str(), c.pos, &*c.ref_allele, &*c.alt_allele);
        if let Some(name) = acquired.get(&key) {
            found
                .entry(&c.sample)
                .or_default()
                .push((name.clone(), c.vaf));
        }
    }
    found
}

/// The swimmer plot figure.
pub fn swimmer(h: &mut String, r: &CohortReport) {
    let lines = patient_lines(r);
    let mut samples: BTreeMap<&str, Vec<&QcRow>> = BTreeMap::new();
    for q in &r.qc {
        samples.entry(&q.patient).or_default().push(q);
    }
    for s in samples.values_mut() {
        s.sort_by_key(|q| (q.day, &q.sample));
    }
    let acquired = acquired_by_sample(r);
    let lo = r.qc.iter().map(|q| q.day).min().unwrap_or(0).min(0);
    let hi = r.qc.iter().map(|q| q.day).max().unwrap_or(0).max(0);
    let ticks = day_ticks(lo, hi);
    let (lo, hi) = (ticks[0], *ticks.last().unwrap_or(&hi));
    let label_w = lines
        .iter()
        .map(|l| text_width(l.patient, 11.0))
        .fold(50.0, f64::max)
        + 20.0;
    let x = |day: i64| label_w + (day - lo) as f64 / (hi - lo).max(1) as f64 * PLOT;
    let groups = by_arm(&lines);
    let axis_y = TOP + groups.len() as f64 * ARM_HEAD + lines.len() as f64 * LANE + 4.0;
    let legend_y = axis_y + 44.0;
    let width = label_w + PLOT + RIGHT;
    let height = legend_y + 16.0;
    let _ = writeln!(
        h,
        "<figure>\n<svg id=\"swimmer\" class=\"fig\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"Swimmer plot: each \
         patient's samples by day from therapy start\">"
    );
    for t in &ticks {
        let tx = x(*t);
        let _ = writeln!(
            h,
            "<line x1=\"{tx:.1}\" y1=\"{TOP}\" x2=\"{tx:.1}\" y2=\"{axis_y:.1}\" stroke=\"#e3e3e3\"/>\
             <text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{t}</text>",
            axis_y + 14.0
        );
    }
    let x0 = x(0);
    let _ = writeln!(
        h,
        "<line x1=\"{x0:.1}\" y1=\"{:.1}\" x2=\"{x0:.1}\" y2=\"{axis_y:.1}\" stroke=\"#333\" \
         stroke-dasharray=\"4,3\"/><text class=\"small\" x=\"{x0:.1}\" y=\"{:.1}\" \
         text-anchor=\"middle\">therapy start</text>\
         <line x1=\"{label_w:.1}\" y1=\"{axis_y:.1}\" x2=\"{:.1}\" y2=\"{axis_y:.1}\" stroke=\"#333\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">days from therapy start</text>",
        TOP - 6.0,
        TOP - 10.0,
        label_w + PLOT,
        label_w + PLOT / 2.0,
        axis_y + 30.0
    );
    let mut y = TOP;
    for (arm, members) in groups {
        let _ = writeln!(
            h,
            "<text class=\"arm-head\" x=\"0\" y=\"{:.1}\">{}</text>",
            y + 14.0,
            esc(arm)
        );
        y += ARM_HEAD;
        for line in members {
            let own = samples.get(line.patient).map_or(&[][..], Vec::as_slice);
            lane(h, line, own, &acquired, y + LANE / 2.0, &x);
            y += LANE;
        }
    }
    legend(h, legend_y);
    h.push_str("</svg>\n");
    let used = r.qc.iter().filter(|q| q.status == SampleStatus::Ok).count();
    let _ = writeln!(
        h,
        "<figcaption>One lane per patient ({}), in the oncoprint's order; one mark per sample \
         that passed QC ({used}) at its day from therapy start, in a row by material. A filled \
         mark is a sample in which an acquired mutation was detected, labelled with its allele \
         fraction; the lane spans the patient's first to last sample that passed, in the arm's \
         colour.</figcaption>\n</figure>",
        lines.len()
    );
}

/// One patient's lane: its span, its marks, and its failed samples.
fn lane(
    h: &mut String,
    line: &PatientLine,
    samples: &[&QcRow],
    acquired: &HashMap<&str, Vec<(String, f64)>>,
    y: f64,
    x: &dyn Fn(i64) -> f64,
) {
    let colour = arm_colour(line.arm);
    let _ = write!(
        h,
        "<g class=\"lane\" data-patient=\"{}\"><rect x=\"0\" y=\"{:.1}\" width=\"8\" height=\"8\" \
         fill=\"{colour}\"/><text x=\"12\" y=\"{:.1}\">{}</text>",
        esc(line.patient),
        y - 4.0,
        y + 4.0,
        esc(line.patient)
    );
    let used: Vec<&&QcRow> = samples
        .iter()
        .filter(|q| q.status == SampleStatus::Ok)
        .collect();
    if let (Some(first), Some(last)) = (used.first(), used.last()) {
        let _ = write!(
            h,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"22\" rx=\"3\" fill=\"{colour}\" \
             fill-opacity=\"0.12\"/>",
            x(first.day) - 6.0,
            y - 11.0,
            x(last.day) - x(first.day) + 12.0
        );
    }
    for q in samples {
        let row_y = y + match q.material {
            Material::Tumor => -8.0,
            Material::Cfdna => 0.0,
            Material::Normal => 8.0,
        };
        let mx = x(q.day);
        if q.status != SampleStatus::Ok {
            let _ = write!(
                h,
                "<text class=\"skipped\" x=\"{mx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">×\
                 <title>{} ({}, day {}): {}, not used: {}</title></text>",
                row_y + 4.0,
                esc(&q.sample),
                q.material,
                q.day,
                q.status.as_str(),
                esc(&q.reason)
            );
            continue;
        }
        let found = acquired
            .get(q.sample.as_str())
            .map_or(&[][..], Vec::as_slice);
        let text: Vec<String> = found
            .iter()
            .map(|(name, vaf)| format!("{} {}", esc(name), vaf_text(*vaf)))
            .collect();
        let fill = if found.is_empty() {
            "#fff"
        } else {
            status_fill(VariantStatus::Acquired)
        };
        let attrs = format!(
            "class=\"mark\" data-sample=\"{}\" data-material=\"{}\" data-day=\"{}\" \
             data-acquired=\"{}\" fill=\"{fill}\" stroke=\"#222\"",
            esc(&q.sample),
            q.material,
            q.day,
            !found.is_empty()
        );
        let title = format!(
            "<title>{} ({}, day {}){}{}</title>",
            esc(&q.sample),
            q.material,
            q.day,
            if text.is_empty() { "" } else { ": acquired " },
            text.join(", ")
        );
        let _ = match q.material {
            Material::Tumor => write!(
                h,
                "<rect {attrs} x=\"{:.1}\" y=\"{:.1}\" width=\"7\" height=\"7\">{title}</rect>",
                mx - 3.5,
                row_y - 3.5
            ),
            Material::Cfdna => write!(
                h,
                "<circle {attrs} cx=\"{mx:.1}\" cy=\"{row_y:.1}\" r=\"3.8\">{title}</circle>"
            ),
            Material::Normal => write!(
                h,
                "<polygon {attrs} points=\"{:.1},{row_y:.1} {mx:.1},{:.1} {:.1},{row_y:.1} {mx:.1},{:.1}\">{title}</polygon>",
                mx - 4.5,
                row_y - 4.5,
                mx + 4.5,
                row_y + 4.5
            ),
        };
        if !text.is_empty() {
            let _ = write!(
                h,
                "<text class=\"small\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                mx + 7.0,
                row_y + 3.0,
                text.join(", ")
            );
        }
    }
    h.push_str("</g>\n");
}

fn legend(h: &mut String, y: f64) {
    let acquired = status_fill(VariantStatus::Acquired);
    let _ = writeln!(
        h,
        "<rect x=\"0\" y=\"{:.1}\" width=\"7\" height=\"7\" fill=\"#fff\" stroke=\"#222\"/>\
         <text x=\"12\" y=\"{y:.1}\">tumour</text>\
         <circle cx=\"80\" cy=\"{:.1}\" r=\"3.8\" fill=\"#fff\" stroke=\"#222\"/>\
         <text x=\"88\" y=\"{y:.1}\">cfDNA</text>\
         <polygon points=\"146,{:.1} 150.5,{:.1} 155,{:.1} 150.5,{:.1}\" fill=\"#fff\" stroke=\"#222\"/>\
         <text x=\"160\" y=\"{y:.1}\">normal</text>\
         <circle cx=\"230\" cy=\"{:.1}\" r=\"3.8\" fill=\"{acquired}\" stroke=\"#222\"/>\
         <text x=\"238\" y=\"{y:.1}\">acquired mutation detected (allele fraction)</text>\
         <text class=\"skipped\" x=\"530\" y=\"{y:.1}\" text-anchor=\"middle\">×</text>\
         <text x=\"540\" y=\"{y:.1}\">sample failed QC (not used)</text>",
        y - 8.0,
        y - 4.0,
        y - 4.0,
        y - 8.5,
        y - 4.0,
        y + 0.5,
        y - 4.0
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures::{qc_row, report};

    fn svg(r: &CohortReport) -> String {
        let mut h = String::new();
        swimmer(&mut h, r);
        h
    }

    #[test]
    fn one_lane_per_patient_and_one_mark_per_sample_that_passed() {
        let (_, mut r) = report("P2");
        let mut tumour = qc_row("S1b", "P1", false);
        tumour.material = Material::Tumor;
        r.qc.push(tumour);
        let html = svg(&r);
        assert_eq!(html.matches("<g class=\"lane\"").count(), 3);
        // S1a, P2-b and S1b passed; S3b failed and is a cross.
        assert_eq!(html.matches("class=\"mark\"").count(), 3);
        assert_eq!(html.matches("<text class=\"skipped\"").count(), 1 + 1);
        assert!(html.contains("S3b (cfdna, day 90): failed, not used: region chr6:1-100"));
        // S1b carries P1's acquired D538G (a PASS call at 5 %): filled and labelled.
        assert!(html.contains(
            "<rect class=\"mark\" data-sample=\"S1b\" data-material=\"tumor\" data-day=\"90\" \
             data-acquired=\"true\" fill=\"#c0392b\""
        ));
        assert!(html.contains(">D538G 5.0 %</text>"));
        // P2-b's germline-like call is P2's pre-existing variant, not acquired: hollow.
        assert!(html.contains(
            "data-sample=\"P2-b\" data-material=\"cfdna\" data-day=\"90\" \
             data-acquired=\"false\" fill=\"#fff\""
        ));
    }

    #[test]
    fn days_get_round_ticks_that_include_therapy_start() {
        assert_eq!(
            day_ticks(-27, 712),
            [-100, 0, 100, 200, 300, 400, 500, 600, 700, 800]
        );
        assert_eq!(day_ticks(0, 0), [0, 1]);
        assert_eq!(day_ticks(-5, 3), [-5, -4, -3, -2, -1, 0, 1, 2, 3]);
        assert_eq!(vaf_text(0.0025), "0.25 %");
        assert_eq!(vaf_text(0.051), "5.1 %");
    }

    #[test]
    fn a_cohort_without_samples_still_draws_a_valid_figure() {
        let (_, mut r) = report("P2");
        r.qc.clear();
        let html = svg(&r);
        assert_eq!(html.matches("<g class=\"lane\"").count(), 3);
        assert_eq!(html.matches("class=\"mark\"").count(), 0);
        assert!(!html.contains("NaN"));
    }
}
