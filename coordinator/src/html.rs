//! `report.html`: the whole run on one self-contained page (inline CSS and SVG, no scripts,
//! no external resources) that opens offline and is safe to e-mail.

use crate::merge::{CallRow, CohortReport, PatientRow, QcRow};
use crate::plan::Plan;
use crate::report::fmt_f;
use crate::report::summary_json;
use esr1_science::classify::REQUIRED_BASELINE_POWER;
use esr1_science::cohort::{arm_comparisons, FrequencyRow};
use esr1_science::recall::{filter, FDR, HOTSPOT_FDR};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Escapes text for HTML element content and attribute values (`& < > " '`).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One sample of a patient variant's `trajectory` (`day:sample:alt/depth`).
#[derive(Debug, Clone, PartialEq)]
pub struct TrajectoryPoint {
    /// Days from therapy start.
    pub day: i64,
    /// Sample id.
    pub sample: String,
    /// Alt fragments.
    pub alt: u32,
    /// Fragments covering the position.
    pub depth: u32,
}

impl TrajectoryPoint {
    /// Allele fraction (0 without coverage).
    pub fn vaf(&self) -> f64 {
        if self.depth == 0 {
            0.0
        } else {
            f64::from(self.alt) / f64::from(self.depth)
        }
    }
}

/// Parses a `trajectory` string (`day:sample:alt/depth;…`); a sample id may itself hold `:`.
/// Items that do not parse are left out.
pub fn parse_trajectory(s: &str) -> Vec<TrajectoryPoint> {
    s.split(';')
        .filter_map(|item| {
            let (day, rest) = item.split_once(':')?;
            let (sample, counts) = rest.rsplit_once(':')?;
            let (alt, depth) = counts.split_once('/')?;
            Some(TrajectoryPoint {
                day: day.trim().parse().ok()?,
                sample: sample.to_owned(),
                alt: alt.parse().ok()?,
                depth: depth.parse().ok()?,
            })
        })
        .collect()
}

const CSS: &str = r#"
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; margin: 1.5rem; color: #111; background: #fff; line-height: 1.4; }
h1 { font-size: 1.5rem; margin-bottom: 0.5rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #888; margin-top: 2rem; }
h3 { font-size: 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.85rem; }
th, td { border: 1px solid #999; padding: 0.2rem 0.45rem; text-align: left; vertical-align: top; }
th { background: #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.alert { border: 2px solid #b00000; background: #fdecea; padding: 0.5rem 1rem; margin: 1rem 0; }
.alert h2 { margin-top: 0.3rem; border: none; color: #b00000; }
.note { color: #444; font-size: 0.85rem; }
.st { font-weight: 600; white-space: nowrap; }
.st-acquired { background: #fbd5d0; color: #7a0000; }
.st-pre-existing { background: #fff0c2; color: #5c4300; }
.st-germline { background: #e2e3e5; color: #2b2b2b; }
.st-indeterminate { background: #d6e6fb; color: #173a7a; }
tr.failed td { background: #fdecea; }
.traj { font-size: 0.75rem; color: #333; }
svg text { font-family: inherit; font-size: 11px; }
nav a { margin-right: 1rem; }
@media print {
  body { margin: 0; font-size: 10pt; }
  nav { display: none; }
  tr, svg { break-inside: avoid; }
  .st, .alert, tr.failed td, th { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"#;

/// The whole `report.html` page.
pub fn report_html(plan: &Plan, r: &CohortReport, warnings: &[String]) -> String {
    let summary = summary_json(plan, r, warnings);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>ESR1 cohort report – {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(&plan.run_id)
    );
    header(&mut h, &summary);
    problems(&mut h, &summary, warnings);
    h.push_str(
        "<nav><a href=\"#frequencies\">Frequencies</a><a href=\"#patients\">Patients</a>\
         <a href=\"#calls\">Calls</a><a href=\"#qc\">QC</a><a href=\"#method\">Method</a></nav>\n",
    );
    frequencies(&mut h, r);
    patients(&mut h, &r.patients);
    calls(&mut h, &r.calls);
    qc(&mut h, r);
    method(&mut h, r);
    let _ = write!(
        h,
        "<footer class=\"note\"><p>Written by {}; the same numbers are in summary.json, \
         frequencies.tsv, patients.tsv, calls.tsv and qc.tsv.</p></footer>\n</body>\n</html>\n",
        esc(&text(&summary["tool"]))
    );
    h
}

/// A JSON scalar as plain text (strings unquoted, null as a dash).
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "–".into(),
        other => other.to_string(),
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}", x * 100.0)
}

fn header(h: &mut String, s: &Value) {
    let _ = writeln!(
        h,
        "<header>\n<h1>ESR1 mutations acquired under endocrine therapy – run {}</h1>",
        esc(&text(&s["run_id"]))
    );
    let first = |k: &str| {
        let d = &s["days_to_first_detection"][k];
        format!(
            "median {} (range {}–{}) over {} patients",
            text(&d["median"]),
            text(&d["min"]),
            text(&d["max"]),
            text(&d["patients"])
        )
    };
    // `{"total", <succeeded>, "failed"}` of summary.json.
    let outcome_counts = |group: &str, succeeded: &str| {
        let g = &s[group];
        format!(
            "{} total, {} {succeeded}, {} failed",
            text(&g["total"]),
            text(&g[succeeded]),
            text(&g["failed"])
        )
    };
    let rows = [
        (
            "Build",
            format!("{} ({})", text(&s["build"]), text(&s["chrom"])),
        ),
        ("Reference", text(&s["reference"])),
        ("Samples", outcome_counts("samples", "ok")),
        ("Jobs", outcome_counts("jobs", "done")),
        (
            "Patients",
            format!(
                "{} total, {} evaluable, {} with an acquired mutation ({} with two or more)",
                text(&s["patients"]["total"]),
                text(&s["patients"]["evaluable"]),
                text(&s["patients"]["acquired"]),
                text(&s["patients"]["polyclonal_acquired"])
            ),
        ),
        (
            "Days from therapy start to first acquired detection",
            first("from_therapy_start"),
        ),
        (
            "Days from baseline to first acquired detection",
            first("from_baseline"),
        ),
        ("Tool", text(&s["tool"])),
    ];
    h.push_str("<table class=\"kv\">\n");
    for (k, v) in rows {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(&v));
    }
    h.push_str("</table>\n</header>\n");
}

fn problems(h: &mut String, s: &Value, warnings: &[String]) {
    let failed: &[Value] = s["failed_samples"].as_array().map_or(&[], Vec::as_slice);
    if warnings.is_empty() && failed.is_empty() {
        h.push_str("<p class=\"note\">No warnings; every sample passed.</p>\n");
        return;
    }
    h.push_str("<section class=\"alert\" id=\"warnings\">\n<h2>Warnings and failed samples</h2>\n");
    if !warnings.is_empty() {
        h.push_str("<ul>\n");
        for w in warnings {
            let _ = writeln!(h, "<li>{}</li>", esc(w));
        }
        h.push_str("</ul>\n");
    }
    if !failed.is_empty() {
        h.push_str(
            "<table>\n<thead><tr><th>Failed sample</th><th>Patient</th><th>Reason</th></tr></thead>\n<tbody>\n",
        );
        for f in failed {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&text(&f["sample"])),
                esc(&text(&f["patient"])),
                esc(&text(&f["reason"]))
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
}

fn frequencies(h: &mut String, r: &CohortReport) {
    h.push_str(
        "<section id=\"frequencies\">\n<h2>Cohort frequencies</h2>\n\
         <p class=\"note\">Patients with an acquired ESR1 mutation among evaluable patients (a \
         baseline and a later sample passed QC, and acquisition can be decided). Hotspot, \
         protein and polyclonal rows count patients of the whole cohort. 95 % confidence \
         intervals by the Wilson score method.</p>\n\
         <table>\n<thead><tr><th>Group</th><th>Acquired / evaluable</th><th>%</th>\
         <th>95 % CI (%)</th></tr></thead>\n<tbody>\n",
    );
    for f in &r.frequencies {
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
    let plotted: Vec<&FrequencyRow> = r
        .frequencies
        .iter()
        .filter(|f| {
            f.group == "cohort"
                || f.group.starts_with("arm:")
                || (f.group.starts_with("hotspot:") && f.n_acquired > 0)
        })
        .collect();
    forest_plot(h, &plotted);
    h.push_str("<h3>Arm comparisons</h3>\n");
    let comparisons = arm_comparisons(&r.outcomes);
    if comparisons.is_empty() {
        h.push_str("<p class=\"note\">A single therapy arm: nothing to compare.</p>\n");
    } else {
        h.push_str(
            "<table>\n<thead><tr><th>Arm A</th><th>Acquired / evaluable</th><th>Arm B</th>\
             <th>Acquired / evaluable</th><th>Fisher's exact p (two-sided)</th></tr></thead>\n<tbody>\n",
        );
        for c in &comparisons {
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
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let tx = x(tick);
        let _ = writeln!(
            h,
            "<line x1=\"{tx}\" y1=\"{TOP}\" x2=\"{tx}\" y2=\"{axis_y}\" stroke=\"#ccc\"/>\
             <text x=\"{tx}\" y=\"{}\" text-anchor=\"middle\">{} %</text>",
            axis_y + 14.0,
            tick * 100.0
        );
    }
    let _ = writeln!(
        h,
        "<line x1=\"{LABEL}\" y1=\"{axis_y}\" x2=\"{}\" y2=\"{axis_y}\" stroke=\"#333\"/>",
        LABEL + PLOT
    );
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

fn patients(h: &mut String, rows: &[PatientRow]) {
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

/// The HGVS cell (c. over p.) and the position cell (`chrom:pos REF>ALT`) of a variant.
fn hgvs_and_position(hgvs: [&str; 2], chrom: &str, pos: u64, alleles: [&str; 2]) -> String {
    format!(
        "<td>{}<br>{}</td><td>{}:{pos} {}&gt;{}</td>",
        dash(hgvs[0]),
        dash(hgvs[1]),
        esc(chrom),
        esc(alleles[0]),
        esc(alleles[1])
    )
}

/// Escaped text, or a dash when empty.
fn dash(s: &str) -> String {
    if s.is_empty() {
        "–".into()
    } else {
        esc(s)
    }
}

/// The sparkline and the same numbers in text.
fn trajectory_cell(points: &[TrajectoryPoint]) -> String {
    if points.is_empty() {
        return "–".into();
    }
    let mut s = sparkline(points);
    s.push_str("<div class=\"traj\">");
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            s,
            "{}day {} {}: {}/{} ({} %)",
            if i == 0 { "" } else { "; " },
            p.day,
            esc(&p.sample),
            p.alt,
            p.depth,
            pct(p.vaf())
        );
    }
    s.push_str("</div>");
    s
}

/// Allele fraction by day, scaled to the largest fraction of the row (at least 1 %).
fn sparkline(points: &[TrajectoryPoint]) -> String {
    const W: f64 = 140.0;
    const H: f64 = 36.0;
    const PAD: f64 = 4.0;
    let min_day = points.iter().map(|p| p.day).min().unwrap_or(0);
    let max_day = points.iter().map(|p| p.day).max().unwrap_or(0);
    let top = points.iter().map(TrajectoryPoint::vaf).fold(0.01, f64::max);
    let x = |day: i64| {
        if max_day == min_day {
            W / 2.0
        } else {
            PAD + (day - min_day) as f64 / (max_day - min_day) as f64 * (W - 2.0 * PAD)
        }
    };
    let y = |vaf: f64| H - PAD - vaf / top * (H - 2.0 * PAD);
    let mut s = format!(
        "<svg class=\"spark\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" \
         aria-label=\"VAF trajectory, 0 to {} %\"><title>VAF by day, axis 0–{} %</title>\
         <line x1=\"0\" y1=\"{}\" x2=\"{W}\" y2=\"{}\" stroke=\"#bbb\"/>",
        pct(top),
        pct(top),
        H - PAD,
        H - PAD
    );
    if min_day < 0 && max_day > 0 {
        let x0 = x(0);
        let _ = write!(
            s,
            "<line x1=\"{x0:.1}\" y1=\"0\" x2=\"{x0:.1}\" y2=\"{H}\" stroke=\"#888\" stroke-dasharray=\"2,2\"/>"
        );
    }
    let line: Vec<String> = points
        .iter()
        .map(|p| format!("{:.1},{:.1}", x(p.day), y(p.vaf())))
        .collect();
    let _ = write!(
        s,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\"/>",
        line.join(" ")
    );
    for p in points {
        let fill = if p.depth == 0 {
            "#fff"
        } else if p.alt > 0 {
            "#b00000"
        } else {
            "#555"
        };
        let _ = write!(
            s,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{fill}\" stroke=\"#333\" stroke-width=\"0.6\">\
             <title>day {} {}: {}/{} ({} %)</title></circle>",
            x(p.day),
            y(p.vaf()),
            p.day,
            esc(&p.sample),
            p.alt,
            p.depth,
            pct(p.vaf())
        );
    }
    s.push_str("</svg>");
    s
}

/// Whether a call counts as detected: it passed every filter but, at most, `germline_like`.
fn detected(c: &CallRow) -> bool {
    c.filter == "PASS" || c.filter.split(';').all(|f| f == filter::GERMLINE_LIKE)
}

fn calls(h: &mut String, rows: &[CallRow]) {
    h.push_str(
        "<section id=\"calls\">\n<h2>Detected calls</h2>\n\
         <p class=\"note\">Candidates that passed every filter (PASS) or only look inherited \
         (germline_like), per sample; every candidate is in calls.tsv.</p>\n",
    );
    let shown: Vec<&CallRow> = rows.iter().filter(|c| detected(c)).collect();
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
    for c in rows.iter().filter(|c| !detected(c)) {
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

fn qc(h: &mut String, r: &CohortReport) {
    h.push_str(
        "<section id=\"qc\">\n<h2>Quality control</h2>\n\
         <p class=\"note\">Reads whose alignment starts in ESR1, reads filtered by reason, and \
         the fragment depth at each hotspot position.</p>\n<table>\n<thead><tr><th>Sample</th>\
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
        if q.status == "ok" {
            ""
        } else {
            " class=\"failed\""
        },
        esc(&q.sample),
        esc(&q.patient),
        q.material,
        q.day,
        esc(&q.status)
    );
    for n in q.counters() {
        let _ = write!(h, "<td class=\"n\">{n}</td>");
    }
    for d in &q.hotspot_depths {
        let _ = write!(h, "<td class=\"n\">{d}</td>");
    }
    let _ = writeln!(h, "<td>{}</td></tr>", esc(&q.reason));
}

fn method(h: &mut String, r: &CohortReport) {
    let b = &r.background;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::BackgroundSummary;
    use esr1_proto::{Material, RegionQc};
    use esr1_science::cohort::{cohort_frequencies, PatientOutcome, VariantStatus};
    use esr1_science::esr1::Build;

    const EVIL: &str = "<script>alert(1)</script>";

    fn patient_row(patient: &str, status: VariantStatus, trajectory: &str) -> PatientRow {
        PatientRow {
            patient: patient.into(),
            therapy: "AI".into(),
            chrom: "chr6".into(),
            pos: 152_098_791,
            ref_allele: "A".into(),
            alt_allele: "G".into(),
            protein: "D538G".into(),
            hotspot: "D538G".into(),
            hgvs_c: "c.1613A>G".into(),
            hgvs_p: "p.Asp538Gly".into(),
            status,
            baseline_depth: 820,
            baseline_power: 0.999,
            first_detected_day: 90,
            days_from_baseline: Some(104),
            max_later_vaf: 0.05,
            trajectory: trajectory.into(),
        }
    }

    fn call_row(sample: &str, patient: &str, filter: &str) -> CallRow {
        CallRow {
            sample: sample.into(),
            patient: patient.into(),
            day: 90,
            material: Material::Cfdna,
            chrom: "chr6".into(),
            pos: 152_098_791,
            ref_allele: "A".into(),
            alt_allele: "G".into(),
            protein: "D538G".into(),
            hotspot: "D538G".into(),
            hgvs_c: "c.1613A>G".into(),
            hgvs_p: "p.Asp538Gly".into(),
            alt_reads: 45,
            alt_forward: 22,
            alt_reverse: 23,
            depth: 900,
            vaf: 0.05,
            error_p: 1e-30,
            background_mean: 1e-4,
            background_p: 1e-20,
            q_value: 1e-18,
            filter: filter.into(),
        }
    }

    fn qc_row(sample: &str, patient: &str, failed: bool) -> QcRow {
        QcRow {
            sample: sample.into(),
            patient: patient.into(),
            material: Material::Cfdna,
            day: 90,
            status: if failed { "failed" } else { "ok" }.into(),
            reason: if failed {
                "region chr6:1-100: index is older than the BAM".into()
            } else {
                String::new()
            },
            qc: RegionQc::default(),
            hotspot_depths: vec![900, 880],
        }
    }

    /// Three patients: P1 acquired D538G, P2 (the given name) pre-existing, P3 germline; P3
    /// is not evaluable.
    fn report(second: &str) -> (Plan, CohortReport) {
        let outcome = |p: &str, has: bool, v: Option<VariantStatus>| PatientOutcome {
            patient: p.into(),
            therapy: "AI".into(),
            has_baseline_and_later: has,
            variants: v.map(|s| (Some("D538G".into()), s)).into_iter().collect(),
        };
        let outcomes = vec![
            outcome("P1", true, Some(VariantStatus::Acquired)),
            outcome(second, true, Some(VariantStatus::PreExisting)),
            outcome("P3", false, Some(VariantStatus::Germline)),
        ];
        let frequencies = cohort_frequencies(&outcomes, &["D538G".into(), "Y537S".into()]);
        let plan = Plan {
            run_id: "run-1".into(),
            build: Build::Grch38,
            chrom: "chr6".into(),
            reference: "ref.fa".into(),
            samples: Vec::new(),
            failed: Vec::new(),
        };
        let r = CohortReport {
            build: Build::Grch38,
            chrom: "chr6".into(),
            hotspot_columns: vec![
                (152_098_788, "Y537S_Y537N_Y537C".into()),
                (152_098_791, "D538G".into()),
            ],
            calls: vec![
                call_row("S1b", "P1", "PASS"),
                call_row(&format!("{second}-b"), second, "germline_like"),
                call_row("S1a", "P1", "background;strand_bias"),
                call_row("S3a", "P3", "low_vaf"),
            ],
            patients: vec![
                patient_row("P1", VariantStatus::Acquired, "-14:S1a:0/820;90:S1b:45/900"),
                patient_row(
                    second,
                    VariantStatus::PreExisting,
                    &format!("-7:{second}-a:30/700;60:{second}-b:40/800"),
                ),
                patient_row("P3", VariantStatus::Germline, "0:S3a:400/800"),
                patient_row("P3", VariantStatus::Indeterminate, ""),
            ],
            outcomes,
            frequencies,
            qc: vec![
                qc_row("S1a", "P1", false),
                qc_row(&format!("{second}-b"), second, false),
                qc_row("S3b", "P3", true),
            ],
            jobs_done: 5,
            jobs_failed: 1,
            background: BackgroundSummary {
                tests_hotspot: 12,
                tests_other: 340,
                alpha_hotspot: 0.0123,
                alpha_other: 2.5e-5,
                prior_rho: 1e-4,
                background_samples: 3,
            },
            vcf_samples: Vec::new(),
            vcf_variants: Vec::new(),
        };
        (plan, r)
    }

    /// Every element opened is closed in order (void elements and `/>` excepted).
    fn tags_balance(html: &str) -> Result<(), String> {
        const VOID: &[&str] = &["meta", "br", "hr", "img", "col", "input", "link", "wbr"];
        let mut stack: Vec<String> = Vec::new();
        let mut rest = html;
        while let Some(i) = rest.find('<') {
            rest = &rest[i + 1..];
            let end = rest.find('>').ok_or("unterminated tag")?;
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if tag.starts_with('!') {
                continue;
            }
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if name.is_empty() {
                return Err(format!("bad tag <{tag}>"));
            }
            if closing {
                match stack.pop() {
                    Some(open) if open == name => {}
                    other => return Err(format!("</{name}> closes {other:?}")),
                }
            } else if !tag.ends_with('/') && !VOID.contains(&name.as_str()) {
                stack.push(name);
            }
        }
        if stack.is_empty() {
            Ok(())
        } else {
            Err(format!("left open: {stack:?}"))
        }
    }

    #[test]
    fn user_strings_appear_only_escaped() {
        let (plan, r) = report(EVIL);
        let warnings = vec![format!("sample {EVIL}-b looks odd & \"quoted\" 'too'")];
        let html = report_html(&plan, &r, &warnings);
        assert!(!html.contains("<script"), "raw script tag in the page");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&amp; &quot;quoted&quot; &#39;too&#39;"));
        assert_eq!(
            esc(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        tags_balance(&html).unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn page_is_self_contained_and_balanced() {
        let (plan, r) = report("P2");
        let html = report_html(&plan, &r, &[]);
        assert!(html.starts_with("<!DOCTYPE html>"));
        tags_balance(&html).unwrap_or_else(|e| panic!("{e}"));
        for external in ["<script", "src=", "<link", "@import", "url(", "http"] {
            assert!(!html.contains(external), "{external} in the page");
        }
        assert_eq!(
            html.matches("<table").count(),
            html.matches("</table>").count()
        );
    }

    #[test]
    fn cohort_row_numbers_and_header_counts_are_shown() {
        let (plan, r) = report("P2");
        let html = report_html(&plan, &r, &[]);
        // P1 and P2 evaluable, P1 acquired: 1/2 = 50 %, Wilson 9.5–90.5 %.
        assert_eq!(r.frequencies[0].group, "cohort");
        assert!(
            html.contains(
                "<tr><td>cohort</td><td class=\"n\">1/2</td><td class=\"n\">50.0</td>\
                 <td class=\"n\">9.5–90.5</td></tr>"
            ),
            "{html}"
        );
        assert!(html.contains("<td>hotspot:Y537S</td><td class=\"n\">0/2</td>"));
        assert!(html.contains("3 total, 2 ok, 1 failed"));
        assert!(html.contains("3 total, 2 evaluable, 1 with an acquired mutation"));
        assert!(html.contains("6 total, 5 done, 1 failed"));
        assert!(html.contains("index is older than the BAM"));
        // Forest plot: cohort, arm:AI and the one hotspot with an acquisition.
        assert_eq!(html.matches("<circle cx").count() - sparkline_points(&r), 3);
        // Method numbers.
        assert!(html.contains(">340<") && html.contains("2.500e-5"));
        // Filtered candidates by filter name; the germline-like call is shown as detected.
        assert!(html.contains("<tr><td>background</td><td class=\"n\">1</td></tr>"));
        assert!(html.contains("<tr><td>low_vaf</td><td class=\"n\">1</td></tr>"));
        assert!(html.contains("2 candidates were filtered"));
        assert!(html.contains("<td>germline_like</td>"));
    }

    fn sparkline_points(r: &CohortReport) -> usize {
        r.patients
            .iter()
            .map(|p| parse_trajectory(&p.trajectory).len())
            .sum()
    }

    #[test]
    fn every_patient_row_has_a_status_cell_and_every_trajectory_a_sparkline() {
        let (plan, r) = report("P2");
        let html = report_html(&plan, &r, &[]);
        assert_eq!(html.matches("class=\"st st-").count(), r.patients.len());
        for s in ["acquired", "pre-existing", "germline", "indeterminate"] {
            assert!(
                html.contains(&format!("class=\"st st-{s}\">{s}</td>")),
                "{s}"
            );
        }
        let with_trajectory = r.patients.iter().filter(|p| !p.trajectory.is_empty());
        assert_eq!(
            html.matches("<svg class=\"spark\"").count(),
            with_trajectory.count()
        );
        assert!(html.contains("day -14 S1a: 0/820 (0.0 %); day 90 S1b: 45/900 (5.0 %)"));
    }

    #[test]
    fn trajectories_parse_with_colons_in_sample_ids() {
        let t = parse_trajectory("-14:PT:01:0/820;90:S2:45/900;junk");
        assert_eq!(t.len(), 2);
        assert_eq!(
            (t[0].day, t[0].sample.as_str(), t[0].depth),
            (-14, "PT:01", 820)
        );
        assert!((t[1].vaf() - 0.05).abs() < 1e-12);
        assert!(parse_trajectory("").is_empty());
        assert_eq!(
            TrajectoryPoint {
                day: 0,
                sample: String::new(),
                alt: 0,
                depth: 0
            }
            .vaf(),
            0.0
        );
    }
}
