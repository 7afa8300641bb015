//! The tables printed at the end of a run: frequencies per arm and the arm comparisons.

use esr1_science::cohort::{arm_comparisons, FrequencyRow, PatientOutcome};
use esr1_science::consequence::CountRule;
use std::fmt::Write as _;

/// Fisher's exact test between every pair of arms (acquired variants counted by `rule`), as
/// printed after the arm table.
pub fn comparison_lines(outcomes: &[PatientOutcome], rule: CountRule) -> String {
    let mut s = String::new();
    for c in arm_comparisons(outcomes, rule) {
        let _ = writeln!(
            s,
            "{} {}/{} vs {} {}/{}: Fisher's exact p = {:.3}",
            c.arm_a, c.acquired_a, c.evaluable_a, c.arm_b, c.acquired_b, c.evaluable_b, c.fisher_p
        );
    }
    s
}

/// The per-arm table printed at the end of a run (cohort and arms, not hotspots).
pub fn arm_table(rows: &[FrequencyRow]) -> String {
    let mut s = String::from("group              acquired/evaluable  fraction  95% CI (Wilson)\n");
    for r in rows.iter().filter(|r| !r.group.starts_with("hotspot:")) {
        if r.is_empty() {
            // A fraction of nothing is not 0 %.
            let _ = writeln!(
                s,
                "{:<18} {:>8}/{:<9}  {:>7}   –",
                r.group, r.n_acquired, r.n_evaluable, "–"
            );
            continue;
        }
        let _ = writeln!(
            s,
            "{:<18} {:>8}/{:<9}  {:>6.1}%   {:.1}–{:.1}%",
            r.group,
            r.n_acquired,
            r.n_evaluable,
            r.fraction * 100.0,
            r.ci_low * 100.0,
            r.ci_high * 100.0
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arm_without_an_evaluable_patient_prints_no_fraction() {
        let row = |group: &str, n_acquired, n_evaluable, fraction, ci_low, ci_high| FrequencyRow {
            group: group.into(),
            n_evaluable,
            n_acquired,
            fraction,
            ci_low,
            ci_high,
        };
        let table = arm_table(&[
            row("arm:AI", 1, 2, 0.5, 0.0945, 0.9055),
            row("arm:tamoxifen", 0, 0, 0.0, 0.0, 0.0),
        ]);
        let lines: Vec<&str> = table.lines().collect();
        assert!(
            lines[1].contains("50.0%") && lines[1].contains("9.4–90.5%"),
            "{table}"
        );
        assert!(lines[2].starts_with("arm:tamoxifen"), "{table}");
        assert!(lines[2].trim_end().ends_with('–'), "{table}");
        assert!(
            !lines[2].contains('%'),
            "a fraction of nothing is not 0 %: {table}"
        );
    }
}
