//! The page's inline style sheet (screen and print), so `report.html` needs no other file.

/// The `<style>` content of `report.html`.
pub const CSS: &str = r#"
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
figure { margin: 0.5rem 0 1.5rem; }
figcaption { color: #444; font-size: 0.85rem; max-width: 60rem; }
svg.fig { display: block; max-width: 100%; height: auto; }
svg .small { font-size: 9px; }
svg .cell { font-size: 9px; font-weight: 600; fill: #fff; }
svg .depth { font-size: 8px; }
svg .arm-head, svg .fisher { font-weight: 600; }
svg .skipped { fill: #999; }
svg .note-text { fill: #666; font-style: italic; }
@media print {
  body { margin: 0; font-size: 10pt; }
  nav { display: none; }
  tr, svg, figure { break-inside: avoid; }
  .st, .alert, tr.failed td, th { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"#;
