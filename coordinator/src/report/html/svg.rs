//! What the page's pictures share: status and arm colours, a text-width estimate for laying
//! out labels, and legend swatches.

use crate::report::html::text::esc;
use esr1_science::cohort::VariantStatus;
use std::fmt::Write as _;

/// Statuses in the order the pictures rank them: acquired first.
pub const STATUS_ORDER: [VariantStatus; 4] = [
    VariantStatus::Acquired,
    VariantStatus::PreExisting,
    VariantStatus::Indeterminate,
    VariantStatus::Germline,
];

/// Fill of a variant status in every picture: darker than the tables' cell backgrounds so a
/// small cell still reads, in the same hues.
pub fn status_fill(s: VariantStatus) -> &'static str {
    match s {
        VariantStatus::Acquired => "#c0392b",
        VariantStatus::PreExisting => "#d68a00",
        VariantStatus::Germline => "#8a8a8a",
        VariantStatus::Indeterminate => "#3b73b9",
    }
}

/// The letter drawn in a status cell, so the picture also reads in black and white.
pub fn status_letter(s: VariantStatus) -> &'static str {
    match s {
        VariantStatus::Acquired => "A",
        VariantStatus::PreExisting => "P",
        VariantStatus::Germline => "G",
        VariantStatus::Indeterminate => "I",
    }
}

/// Colours of therapy arms, in the arms' alphabetical order (the order of `frequencies.tsv`);
/// repeated past six arms.
const ARM_COLOURS: [&str; 6] = [
    "#1f78b4", "#e66101", "#1b9e77", "#7570b3", "#e7298a", "#66a61e",
];

/// Colour of the `i`-th therapy arm.
pub fn arm_colour(i: usize) -> &'static str {
    ARM_COLOURS[i % ARM_COLOURS.len()]
}

/// Rough width in pixels of `s` at font size `px` (system sans-serif averages ~0.6 em per
/// character), to size label columns without measuring text.
pub fn text_width(s: &str, px: f64) -> f64 {
    s.chars().count() as f64 * px * 0.6
}

/// A legend entry at (`x`, `y`): a swatch of `fill` and its label; returns the x after it.
pub fn swatch(h: &mut String, x: f64, y: f64, fill: &str, label: &str) -> f64 {
    let _ = write!(
        h,
        "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{fill}\" stroke=\"#555\" \
         stroke-width=\"0.5\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
        y - 10.0,
        x + 16.0,
        y,
        esc(label)
    );
    x + 16.0 + text_width(label, 11.0) + 18.0
}

/// The 0–100 % axis of a horizontal chart whose 0 is at `x0` and 100 % at `x0 + width`: a
/// grid line and a label every 25 %, from `top` down to the axis line at `axis_y`.
pub fn percent_axis(h: &mut String, x0: f64, width: f64, top: f64, axis_y: f64) {
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let tx = x0 + tick * width;
        let _ = writeln!(
            h,
            "<line x1=\"{tx:.1}\" y1=\"{top:.1}\" x2=\"{tx:.1}\" y2=\"{axis_y:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{} %</text>",
            axis_y + 14.0,
            tick * 100.0
        );
    }
    let _ = writeln!(
        h,
        "<line x1=\"{x0:.1}\" y1=\"{axis_y:.1}\" x2=\"{:.1}\" y2=\"{axis_y:.1}\" stroke=\"#333\"/>",
        x0 + width
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_its_own_colour_and_letter() {
        let fills: std::collections::BTreeSet<_> = STATUS_ORDER.map(status_fill).into();
        let letters: std::collections::BTreeSet<_> = STATUS_ORDER.map(status_letter).into();
        assert_eq!((fills.len(), letters.len()), (4, 4));
        assert_eq!(arm_colour(0), arm_colour(6));
        assert_ne!(arm_colour(0), arm_colour(1));
    }

    #[test]
    fn the_percent_axis_has_five_ticks_and_a_line() {
        let mut h = String::new();
        percent_axis(&mut h, 100.0, 400.0, 8.0, 58.0);
        assert_eq!(h.matches("<line").count(), 6);
        assert!(h.contains("<text x=\"300.0\" y=\"72.0\" text-anchor=\"middle\">50 %</text>"));
        assert!(h.contains("x1=\"100.0\" y1=\"58.0\" x2=\"500.0\""));
    }

    #[test]
    fn swatches_advance_by_their_label() {
        let mut h = String::new();
        let next = swatch(&mut h, 10.0, 20.0, "#fff", "a & b");
        assert!(h.contains(">a &amp; b</text>"));
        assert!(next > 10.0 + 16.0 + text_width("a & b", 11.0));
    }
}
