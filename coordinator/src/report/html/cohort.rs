//! The cohort sections of the page: frequencies (table, forest plot, arm comparisons) and the
//! method note.

use crate::report::format::{fmt_f, pct};
use crate::report::html::svg::percent_axis;
use crate::report::html::text::esc;
use crate::report::model::BackgroundSummary;
use esr1_science::classify::REQUIRED_BASELINE_POWER;
use esr1_science::cohort::{ArmComparison, FrequencyRow};
use esr1_science::recall::{FDR, HOTSPOT_FDR};
use std::fmt::Write as _;

/// The frequency table, its forest plot and the arm comparisons.
pub fn frequencies(h: &mut String, rows: &[FrequencyRow], comparisons: &[ArmComparison]) {
    h.push_str(
        "<section id=\"frequencies\">\n<h2>Cohort frequencies</h2>\n\
         <p class=\"note\">Patients with an acquired ESR1 mutation among evaluable patients (a \
         baseline and a later sample passed QC, and acquisition can be decided). Hotspot, \
         protein and polyclonal rows count patients of the whole cohort. 95 % confidence \
         intervals by the Wilson score method.</p>\n\
         <table>\n<thead><tr><th>Group</th><th>Acquired / evaluable</th><th>%</th>\
         <th>95 % CI (%)</th></tr></thead>\n<tbody>\n",
    );
    for f in rows {
        if f.is_empty() {
            // A fraction of nothing is not 0 %: no fraction, no interval.
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}/0</td><td class=\"n\">–</td><td class=\"n\">–</td></tr>",
                esc(&f.group),
                f.n_acquired
            );
            continue;
        }
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}/{}</td><td class=\"n\">{}</td><td class=\"n\">{}–{}</td></tr>",
            esc(&f.group),
            f.n_acquired,
            f.n_evaluable,
            pct(f.fraction),
            pct(f.ci_low),
            pct(f.ci_high)
        );
    }
    h.push_str("</tbody>\n</table>\n");
    let plotted: Vec<&FrequencyRow> = rows
        .iter()
        .filter(|f| !f.is_empty())
        .filter(|f| {
            f.group == "cohort"
                || f.group.starts_with("arm:")
                || (f.group.starts_with("hotspot:") && f.n_acquired > 0)
        })
        .collect();
    forest_plot(h, &plotted);
    h.push_str("<h3>Arm comparisons</h3>\n");
    if comparisons.is_empty() {
        h.push_str("<p class=\"note\">A single therapy arm: nothing to compare.</p>\n");
    } else {
        h.push_str(
            "<table>\n<thead><tr><th>Arm A</th><th>Acquired / evaluable</th><th>Arm B</th>\
             <th>Acquired / evaluable</th><th>Fisher's exact p (two-sided)</th></tr></thead>\n<tbody>\n",
        );
        for c in comparisons {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}/{}</td><td>{}</td><td class=\"n\">{}/{}</td><td class=\"n\">{}</td></tr>",
                esc(&c.arm_a),
                c.acquired_a,
                c.evaluable_a,
                esc(&c.arm_b),
                c.acquired_b,
                c.evaluable_b,
                fmt_f(c.fisher_p)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
}

/// Point and Wilson interval of each row on a 0–100 % axis.
fn forest_plot(h: &mut String, rows: &[&FrequencyRow]) {
    const LABEL: f64 = 190.0;
    const PLOT: f64 = 460.0;
    const ROW: f64 = 22.0;
    const TOP: f64 = 8.0;
    let width = LABEL + PLOT + 130.0;
    let axis_y = TOP + ROW * rows.len() as f64 + 4.0;
    let height = axis_y + 30.0;
    let x = |f: f64| LABEL + f.clamp(0.0, 1.0) * PLOT;
    let _ = writeln!(
        h,
        "<svg class=\"forest\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-label=\"Acquisition frequency with 95 % confidence interval per group\">"
    );
    percent_axis(h, LABEL, PLOT, TOP, axis_y);
    for (i, f) in rows.iter().enumerate() {
        let y = TOP + ROW * (i as f64 + 0.5);
        let label = esc(&f.group);
        let _ = writeln!(
            h,
            "<g><title>{label}: {}/{} = {} % (95 % CI {}–{} %)</title>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{label}</text>\
             <line x1=\"{:.1}\" y1=\"{y}\" x2=\"{:.1}\" y2=\"{y}\" stroke=\"#222\" stroke-width=\"2\"/>\
             <circle cx=\"{:.1}\" cy=\"{y}\" r=\"4\" fill=\"#b00000\"/>\
             <text x=\"{}\" y=\"{}\">{}/{} {} %</text></g>",
            f.n_acquired,
            f.n_evaluable,
            pct(f.fraction),
            pct(f.ci_low),
            pct(f.ci_high),
            LABEL - 8.0,
            y + 4.0,
            x(f.ci_low),
            x(f.ci_high),
            x(f.fraction),
            LABEL + PLOT + 10.0,
            y + 4.0,
            f.n_acquired,
            f.n_evaluable,
            pct(f.fraction)
        );
    }
    h.push_str("</svg>\n");
}

/// How the calls were made, with the background test's numbers.
pub fn method(h: &mut String, b: &BackgroundSummary) {
    let _ = write!(
        h,
        "<section id=\"method\">\n<h2>Method note</h2>\n\
         <p>Every candidate allele was tested against sequencing error (base qualities) and \
         then against the cohort background: the same allele's counts in the {} baseline and \
         normal samples that passed QC, leaving the candidate's own patient out, under a \
         beta-binomial with prior overdispersion {}. P-values were controlled by \
         Benjamini–Hochberg in two families.</p>\n<table>\n<thead><tr><th>Family</th>\
         <th>Tests</th><th>FDR</th><th>Per-test p-value threshold reached</th></tr></thead>\n\
         <tbody>\n<tr><td>Known hotspots</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
         <td class=\"n\">{}</td></tr>\n<tr><td>Other alleles</td><td class=\"n\">{}</td>\
         <td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n</tbody>\n</table>\n\
         <p>A variant is <em>acquired</em> when it is detected after therapy start, not at \
         baseline, and the baseline had power ≥ {REQUIRED_BASELINE_POWER} to detect it at its \
         largest later allele fraction.</p>\n</section>\n",
        b.background_samples,
        fmt_f(b.prior_rho),
        b.tests_hotspot,
        HOTSPOT_FDR,
        fmt_f(b.alpha_hotspot),
        b.tests_other,
        FDR,
        fmt_f(b.alpha_other)
    );
}
