//! The arm comparison: each therapy arm's acquired fraction with its Wilson 95 % interval
//! (bar and whiskers) and Fisher's exact p between arms, then the same fraction per hotspot
//! and protein change, arm by arm (each arm's evaluable patients as the denominator).

use crate::report::format::{fmt_f, pct};
use crate::report::html::lanes::arms;
use crate::report::html::svg::{arm_colour, percent_axis, text_width};
use crate::report::html::text::esc;
use crate::report::model::CohortReport;
use esr1_science::cohort::{cohort_frequencies, ArmComparison, FrequencyRow, PatientOutcome};
use std::fmt::Write as _;

const PLOT: f64 = 420.0;
const ROW: f64 = 20.0;
const TOP: f64 = 8.0;

/// A line of a chart: a group heading, or a bar.
enum Item {
    Head(String),
    Bar {
        arm: String,
        colour: &'static str,
        row: FrequencyRow,
    },
}

/// The arm comparison section.
pub fn arm_comparison(h: &mut String, r: &CohortReport, comparisons: &[ArmComparison]) {
    let arms = arms(r);
    h.push_str(
        "<section id=\"arm-comparison\">\n<h2>Arm comparison</h2>\n<p class=\"note\">Acquired \
         ESR1 mutations among evaluable patients per therapy arm: bar = fraction, whiskers = \
         Wilson 95 % interval.</p>\n",
    );
    let bars: Vec<Item> = r
        .frequencies
        .iter()
        .filter_map(|f| {
            let arm = f.group.strip_prefix("arm:")?;
            let i = arms.iter().position(|a| *a == arm).unwrap_or(0);
            Some(Item::Bar {
                arm: arm.to_owned(),
                colour: arm_colour(i),
                row: f.clone(),
            })
        })
        .collect();
    let fisher: Vec<String> = comparisons
        .iter()
        .map(|c| {
            format!(
                "{} {}/{} vs {} {}/{}: Fisher's exact p = {} (two-sided)",
                c.arm_a,
                c.acquired_a,
                c.evaluable_a,
                c.arm_b,
                c.acquired_b,
                c.evaluable_b,
                fmt_f(c.fisher_p)
            )
        })
        .collect();
    h.push_str("<figure>\n");
    chart(h, "arms", &bars, &fisher);
    if comparisons.is_empty() {
        h.push_str("<figcaption>A single therapy arm: nothing to compare.</figcaption>\n");
    }
    h.push_str("</figure>\n<h3>Per hotspot and protein change, by arm</h3>\n");
    let by_change = by_change(r, &arms);
    if by_change.is_empty() {
        h.push_str("<p>No acquired change is counted in any arm.</p>\n");
    } else {
        h.push_str("<figure>\n");
        chart(h, "arms-by-change", &by_change, &[]);
        h.push_str(
            "<figcaption>Each counted acquired change, per arm: patients of the arm who acquired \
             it among the arm's evaluable patients, with the Wilson 95 % interval.</figcaption>\n\
             </figure>\n",
        );
    }
    h.push_str("</section>\n");
}

/// Every counted acquired change of the cohort (`hotspot:` and `protein:` groups with an
/// acquisition), then one bar per arm.
fn by_change(r: &CohortReport, arms: &[&str]) -> Vec<Item> {
    let names: Vec<String> = r
        .frequencies
        .iter()
        .filter(|f| f.n_acquired > 0)
        .filter_map(|f| {
            f.group
                .strip_prefix("hotspot:")
                .or_else(|| f.group.strip_prefix("protein:"))
        })
        .map(str::to_owned)
        .collect();
    let per_arm: Vec<Vec<FrequencyRow>> = arms
        .iter()
        .map(|arm| {
            let members: Vec<PatientOutcome> = r
                .outcomes
                .iter()
                .filter(|o| o.therapy == *arm)
                .cloned()
                .collect();
            // Every name is passed as a "hotspot", so each gets a row in the arm, in order.
            cohort_frequencies(&members, &names, r.count)
        })
        .collect();
    let mut items = Vec::new();
    for name in &names {
        items.push(Item::Head(name.clone()));
        for (i, arm) in arms.iter().enumerate() {
            let group = format!("hotspot:{name}");
            if let Some(row) = per_arm[i].iter().find(|f| f.group == group) {
                items.push(Item::Bar {
                    arm: (*arm).to_owned(),
                    colour: arm_colour(i),
                    row: row.clone(),
                });
            }
        }
    }
    items
}

/// Horizontal bars with Wilson whiskers on a 0–100 % axis; `notes` under the axis.
fn chart(h: &mut String, id: &str, items: &[Item], notes: &[String]) {
    let label_w = items
        .iter()
        .map(|i| match i {
            Item::Head(t) => text_width(t, 11.0) - 10.0,
            Item::Bar { arm, .. } => text_width(arm, 11.0),
        })
        .fold(80.0, f64::max)
        + 24.0;
    let axis_y = TOP + ROW * items.len() as f64 + 4.0;
    let height = axis_y + 24.0 + 16.0 * notes.len() as f64 + 4.0;
    let width = label_w + PLOT + 230.0;
    let x = |f: f64| label_w + f.clamp(0.0, 1.0) * PLOT;
    let _ = writeln!(
        h,
        "<svg id=\"{id}\" class=\"fig\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"Acquired fraction \
         with Wilson 95 % interval per therapy arm\">"
    );
    percent_axis(h, label_w, PLOT, TOP, axis_y);
    for (i, item) in items.iter().enumerate() {
        let y = TOP + ROW * (i as f64 + 0.5);
        match item {
            Item::Head(t) => {
                let _ = writeln!(
                    h,
                    "<text class=\"arm-head\" x=\"0\" y=\"{:.1}\">{}</text>",
                    y + 4.0,
                    esc(t)
                );
            }
            Item::Bar { arm, colour, row } => bar(h, (arm, colour), row, y, label_w, &x),
        }
    }
    for (i, n) in notes.iter().enumerate() {
        let _ = writeln!(
            h,
            "<text class=\"fisher\" x=\"{label_w:.1}\" y=\"{:.1}\">{}</text>",
            axis_y + 34.0 + 16.0 * i as f64,
            esc(n)
        );
    }
    h.push_str("</svg>\n");
}

/// One bar with its whiskers and numbers.
fn bar(
    h: &mut String,
    (arm, colour): (&str, &str),
    f: &FrequencyRow,
    y: f64,
    label_w: f64,
    x: &dyn Fn(f64) -> f64,
) {
    let _ = write!(
        h,
        "<g class=\"arm-bar\" data-arm=\"{}\" data-group=\"{}\"><text x=\"{:.1}\" y=\"{:.1}\" \
         text-anchor=\"end\">{}</text>",
        esc(arm),
        esc(&f.group),
        label_w - 8.0,
        y + 4.0,
        esc(arm)
    );
    if f.is_empty() {
        // A fraction of nothing is not 0 %: no bar, no interval.
        let _ = writeln!(
            h,
            "<text class=\"small\" x=\"{:.1}\" y=\"{:.1}\">{}/0: no evaluable patient</text></g>",
            label_w + 4.0,
            y + 4.0,
            f.n_acquired
        );
        return;
    }
    let (lo, hi) = (x(f.ci_low), x(f.ci_high));
    let _ = writeln!(
        h,
        "<title>{}: {}/{} = {} % (95 % CI {}–{} %)</title>\
         <rect x=\"{label_w:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"12\" fill=\"{colour}\" \
         fill-opacity=\"0.75\"/>\
         <line x1=\"{lo:.1}\" y1=\"{y:.1}\" x2=\"{hi:.1}\" y2=\"{y:.1}\" stroke=\"#111\" stroke-width=\"1.5\"/>\
         <line x1=\"{lo:.1}\" y1=\"{:.1}\" x2=\"{lo:.1}\" y2=\"{:.1}\" stroke=\"#111\" stroke-width=\"1.5\"/>\
         <line x1=\"{hi:.1}\" y1=\"{:.1}\" x2=\"{hi:.1}\" y2=\"{:.1}\" stroke=\"#111\" stroke-width=\"1.5\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\">{}/{} = {} % ({}–{} %)</text></g>",
        esc(arm),
        f.n_acquired,
        f.n_evaluable,
        pct(f.fraction),
        pct(f.ci_low),
        pct(f.ci_high),
        y - 6.0,
        x(f.fraction) - label_w,
        y - 5.0,
        y + 5.0,
        y - 5.0,
        y + 5.0,
        label_w + PLOT + 10.0,
        y + 4.0,
        f.n_acquired,
        f.n_evaluable,
        pct(f.fraction),
        pct(f.ci_low),
        pct(f.ci_high)
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures::report;
    use esr1_science::cohort::arm_comparisons;

    fn html(r: &CohortReport) -> String {
        let mut h = String::new();
        arm_comparison(&mut h, r, &arm_comparisons(&r.outcomes, r.count));
        h
    }

    #[test]
    fn arms_get_bars_whiskers_and_the_fisher_p() {
        let (_, mut r) = report("P2");
        // P2 moves to tamoxifen: AI 1/1 (P1; P3 is not evaluable), tamoxifen 0/1.
        r.outcomes[1].therapy = "tamoxifen".into();
        r.frequencies = cohort_frequencies(&r.outcomes, &["D538G".into()], r.count);
        let h = html(&r);
        assert_eq!(h.matches("<g class=\"arm-bar\" data-arm=").count(), 2 + 2);
        assert!(h.contains(">1/1 = 100.0 % (20.7–100.0 %)</text>"), "{h}");
        assert!(h.contains(">0/1 = 0.0 % (0.0–79.3 %)</text>"));
        assert!(h.contains("AI 1/1 vs tamoxifen 0/1: Fisher&#39;s exact p = 1.0000 (two-sided)"));
        // Per change: D538G, acquired in AI only; one bar per arm.
        assert!(h.contains("<text class=\"arm-head\" x=\"0\" y=\"22.0\">D538G</text>"));
        assert!(h.contains("data-arm=\"tamoxifen\" data-group=\"hotspot:D538G\""));
    }

    #[test]
    fn an_arm_without_evaluable_patients_has_no_bar() {
        let (_, mut r) = report("P2");
        r.outcomes[2].therapy = "tamoxifen".into();
        r.frequencies = cohort_frequencies(&r.outcomes, &["D538G".into()], r.count);
        let h = html(&r);
        assert!(h.contains(">0/0: no evaluable patient</text>"));
        assert!(!h.contains("NaN"));
    }

    #[test]
    fn a_single_arm_has_nothing_to_compare() {
        let (_, r) = report("P2");
        let h = html(&r);
        assert!(h.contains("A single therapy arm: nothing to compare."));
        assert_eq!(h.matches("class=\"fisher\"").count(), 0);
    }
}
