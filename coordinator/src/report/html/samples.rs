//! The per-patient and per-sample sections of the page: patients, detected calls and QC.

use crate::report::format::{fmt_f, pct};
use crate::report::html::heatmap::depth_heatmap;
use crate::report::html::text::{dash, esc, hgvs_and_position};
use crate::report::html::trajectory::{parse_trajectory, trajectory_cell};
use crate::report::model::{CallRow, CohortReport, PatientRow, QcRow, SampleStatus};
use esr1_science::classify::REQUIRED_BASELINE_POWER;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One row per patient and variant, with the trajectory.
pub fn patients(h: &mut String, rows: &[PatientRow]) {
    let _ = write!(
        h,
        "<section id=\"patients\">\n<h2>Patients</h2>\n\
         <p class=\"note\">One row per patient and variant detected in any of the patient's \
         samples. <em>Acquired</em>: called after therapy start, not at baseline, and the \
         baseline had power ≥ {REQUIRED_BASELINE_POWER} to see it; <em>indeterminate</em>: \
         the baseline had too little power. The trajectory shows the allele fraction in every \
         tumour or cfDNA sample that passed QC, by day (dashed line: therapy start; hollow \
         point: no coverage).</p>\n"
    );
    if rows.is_empty() {
        h.push_str("<p>No variant was detected in any patient.</p>\n</section>\n");
        return;
    }
    h.push_str(
        "<table>\n<thead><tr><th>Patient</th><th>Therapy</th><th>Status</th><th>Hotspot</th>\
         <th>Protein</th><th>HGVS</th><th>Position</th><th>Baseline depth</th>\
         <th>Baseline power</th><th>First detected (day)</th><th>Days from baseline</th>\
         <th>Max later VAF (%)</th><th>VAF trajectory</th></tr></thead>\n<tbody>\n",
    );
    for p in rows {
        let status = p.status.as_str();
        let points = parse_trajectory(&p.trajectory);
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"st st-{status}\">{status}</td><td>{}</td>\
             <td>{}</td>{}<td class=\"n\">{}</td>\
             <td class=\"n\">{:.3}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&p.patient),
            esc(&p.therapy),
            dash(&p.hotspot),
            dash(&p.protein),
            hgvs_and_position(
                [&p.hgvs_c, &p.hgvs_p],
                &p.chrom,
                p.pos,
                [&p.ref_allele, &p.alt_allele]
            ),
            p.baseline_depth,
            p.baseline_power,
            p.first_detected_day,
            p.days_from_baseline
                .map_or_else(|| "–".to_owned(), |d| d.to_string()),
            pct(p.max_later_vaf),
            trajectory_cell(&points)
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

/// Detected calls, and the filtered candidates counted by filter.
pub fn calls(h: &mut String, rows: &[CallRow]) {
    h.push_str(
        "<section id=\"calls\">\n<h2>Detected calls</h2>\n\
         <p class=\"note\">Candidates that passed every filter (PASS) or only look inherited \
         (germline_like), per sample; every candidate is in calls.tsv.</p>\n",
    );
    let shown: Vec<&CallRow> = rows.iter().filter(|c| c.is_detected()).collect();
    if shown.is_empty() {
        h.push_str("<p>No call was detected.</p>\n");
    } else {
        h.push_str(
            "<table>\n<thead><tr><th>Sample</th><th>Patient</th><th>Day</th><th>Material</th>\
             <th>Variant</th><th>HGVS</th><th>Position</th><th>Alt (fwd/rev)</th><th>Depth</th>\
             <th>VAF (%)</th><th>Error p</th><th>Background p</th><th>q</th><th>Filter</th>\
             </tr></thead>\n<tbody>\n",
        );
        for c in shown {
            let name = if c.hotspot.is_empty() {
                &c.protein
            } else {
                &c.hotspot
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td>\
                 {}<td class=\"n\">{} ({}/{})</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{:.2}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                esc(&c.sample),
                esc(&c.patient),
                c.day,
                c.material,
                dash(name),
                hgvs_and_position(
                    [&c.hgvs_c, &c.hgvs_p],
                    &c.chrom,
                    c.pos,
                    [&c.ref_allele, &c.alt_allele]
                ),
                c.alt_reads,
                c.alt_forward,
                c.alt_reverse,
                c.depth,
                c.vaf * 100.0,
                fmt_f(c.error_p),
                fmt_f(c.background_p),
                fmt_f(c.q_value),
                esc(&c.filter)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    let mut by_filter: BTreeMap<&str, usize> = BTreeMap::new();
    let mut filtered = 0;
    for c in rows.iter().filter(|c| !c.is_detected()) {
        filtered += 1;
        for f in c.filter.split(';') {
            *by_filter.entry(f).or_default() += 1;
        }
    }
    let _ = writeln!(
        h,
        "<h3>Filtered candidates</h3>\n<p class=\"note\">{filtered} candidates were filtered; \
         a candidate can fail several filters.</p>"
    );
    if !by_filter.is_empty() {
        h.push_str(
            "<table>\n<thead><tr><th>Filter</th><th>Candidates</th></tr></thead>\n<tbody>\n",
        );
        for (f, n) in by_filter {
            let _ = writeln!(h, "<tr><td>{}</td><td class=\"n\">{n}</td></tr>", esc(f));
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
}

/// One row per sample: counters and hotspot depths.
pub fn qc(h: &mut String, r: &CohortReport) {
    h.push_str(
        "<section id=\"qc\">\n<h2>Quality control</h2>\n\
         <p class=\"note\">Reads whose alignment starts in ESR1, reads filtered by reason, and \
         the fragment depth at each hotspot position.</p>\n",
    );
    depth_heatmap(h, r);
    h.push_str(
        "<h3>Counters per sample</h3>\n<table>\n<thead><tr><th>Sample</th>\
         <th>Patient</th><th>Material</th><th>Day</th><th>Status</th><th>Reads seen</th>\
         <th>Unmapped</th><th>Secondary</th><th>Supplementary</th><th>QC fail</th>\
         <th>Duplicate</th><th>Low MAPQ</th><th>Low base quality (bases)</th>\
         <th>Discordant mate bases</th>",
    );
    for (pos, names) in &r.hotspot_columns {
        let _ = write!(
            h,
            "<th title=\"{}:{pos}\">Depth {}</th>",
            esc(&r.chrom),
            esc(names)
        );
    }
    h.push_str("<th>Reason</th></tr></thead>\n<tbody>\n");
    for q in &r.qc {
        qc_row(h, q);
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn qc_row(h: &mut String, q: &QcRow) {
    let _ = write!(
        h,
        "<tr{}><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td>",
        if q.status == SampleStatus::Ok {
            ""
        } else {
            " class=\"failed\""
        },
        esc(&q.sample),
        esc(&q.patient),
        q.material,
        q.day,
        q.status.as_str()
    );
    for n in q.counters() {
        let _ = write!(h, "<td class=\"n\">{n}</td>");
    }
    for d in &q.hotspot_depths {
        let _ = write!(h, "<td class=\"n\">{d}</td>");
    }
    let _ = writeln!(h, "<td>{}</td></tr>", esc(&q.reason));
}
