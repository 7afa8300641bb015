//! A patient variant's trajectory: parsed from `patients.tsv`'s `trajectory` column and drawn
//! as an inline SVG sparkline with the same numbers in text.

use crate::report::format::pct;
use crate::report::html::text::esc;
use std::fmt::Write as _;

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

/// The sparkline and the same numbers in text.
pub fn trajectory_cell(points: &[TrajectoryPoint]) -> String {
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
