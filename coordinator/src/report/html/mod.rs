//! `report.html`: the whole run on one self-contained page (inline CSS and SVG, no scripts,
//! no external resources) that opens offline and is safe to e-mail. Rendered from the typed
//! [`Summary`] and [`CohortReport`]; this module is the page shell, its children the sections.

mod arms;
mod cohort;
mod css;
mod header;
mod heatmap;
mod lanes;
mod oncoprint;
mod provenance;
mod samples;
mod svg;
mod swimmer;
pub mod text;
pub mod trajectory;

#[cfg(test)]
mod tests;

use crate::report::model::CohortReport;
use crate::report::summary::Summary;
use std::fmt::Write as _;
use text::esc;

/// The whole `report.html` page.
pub fn report_html(summary: &Summary, r: &CohortReport) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>ESR1 cohort report – {}</title>\n<style>{}</style>\n</head>\n<body>\n",
        esc(&summary.run_id),
        css::CSS
    );
    header::header(&mut h, summary);
    header::problems(&mut h, summary);
    h.push_str(
        "<nav><a href=\"#at-a-glance\">At a glance</a><a href=\"#arm-comparison\">Arms</a>\
         <a href=\"#frequencies\">Frequencies</a><a href=\"#patients\">Patients</a>\
         <a href=\"#calls\">Calls</a><a href=\"#qc\">QC</a><a href=\"#method\">Method</a>\
         <a href=\"#provenance\">Provenance</a></nav>\n",
    );
    h.push_str("<section id=\"at-a-glance\">\n<h2>Patients at a glance</h2>\n");
    oncoprint::oncoprint(&mut h, r);
    swimmer::swimmer(&mut h, r);
    h.push_str("</section>\n");
    arms::arm_comparison(&mut h, r, &summary.arm_comparisons);
    cohort::frequencies(&mut h, &r.frequencies, &summary.arm_comparisons);
    samples::patients(&mut h, &r.patients);
    samples::calls(&mut h, &r.calls);
    samples::qc(&mut h, r);
    cohort::method(&mut h, &r.background);
    provenance::provenance(&mut h, summary, r);
    let _ = write!(
        h,
        "<footer class=\"note\"><p>Written by {}; the same numbers are in summary.json, \
         frequencies.tsv, patients.tsv, calls.tsv and qc.tsv.</p></footer>\n</body>\n</html>\n",
        esc(&summary.tool)
    );
    h
}
