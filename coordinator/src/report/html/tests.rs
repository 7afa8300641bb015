//! Tests of `report.html`: escaping, a self-contained balanced page, the numbers shown.

use crate::report::fixtures::{report, EVIL};
use crate::report::html::report_html;
use crate::report::html::text::esc;
use crate::report::html::trajectory::{parse_trajectory, TrajectoryPoint};
use crate::report::model::CohortReport;
use crate::report::summary::Summary;

/// The page of a report, with its summary built as `write_reports` builds it.
fn page(report: &(crate::plan::Plan, CohortReport), warnings: &[String]) -> String {
    let (plan, r) = report;
    report_html(&Summary::new(plan, r, warnings), r)
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
    let rep = report(EVIL);
    let warnings = vec![format!("sample {EVIL}-b looks odd & \"quoted\" 'too'")];
    let html = page(&rep, &warnings);
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
    let rep = report("P2");
    let html = page(&rep, &[]);
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
    let rep = report("P2");
    let r = &rep.1;
    let html = page(&rep, &[]);
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
    // The count rule, in one header line.
    assert!(html.contains(
        "<tr><th>Counted as acquired</th><td>protein-altering changes (missense, in-frame \
         indel, frameshift, stop, start, splice site) (--count protein-altering)</td></tr>"
    ));
    // Forest plot: cohort, arm:AI and the one hotspot with an acquisition.
    let forest = &html[html.find("<svg class=\"forest\"").expect("forest plot")..];
    let forest = &forest[..forest.find("</svg>").expect("end of the forest plot")];
    assert_eq!(forest.matches("<circle cx").count(), 3);
    // Method numbers.
    assert!(html.contains(">340<") && html.contains("2.500e-5"));
    // Filtered candidates by filter name; the germline-like call is shown as detected.
    assert!(html.contains("<tr><td>background</td><td class=\"n\">1</td></tr>"));
    assert!(html.contains("<tr><td>low_vaf</td><td class=\"n\">1</td></tr>"));
    assert!(html.contains("2 candidates were filtered"));
    assert!(html.contains("<td>germline_like</td>"));
}

#[test]
fn every_patient_row_has_a_status_cell_and_every_trajectory_a_sparkline() {
    let rep = report("P2");
    let r = &rep.1;
    let html = page(&rep, &[]);
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
