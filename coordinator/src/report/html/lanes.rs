//! The order the pictures list patients in, shared by the oncoprint and the swimmer plot so a
//! patient sits on the same line in both: by therapy arm (alphabetical, as in
//! `frequencies.tsv`), then by their most notable variant status (acquired first, patients
//! without a variant last), then by id.

use crate::report::html::svg::STATUS_ORDER;
use crate::report::model::CohortReport;
use esr1_science::cohort::VariantStatus;
use std::cmp::Reverse;
use std::collections::BTreeSet;

/// One patient as a line of a picture.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientLine<'a> {
    /// Patient id.
    pub patient: &'a str,
    /// Therapy arm.
    pub therapy: &'a str,
    /// Index of the arm among [`arms`] (for its colour).
    pub arm: usize,
    /// The most notable status among the patient's variants (`None` without a variant).
    pub status: Option<VariantStatus>,
    /// Whether the patient counts in the denominators (see [`esr1_science::cohort`]).
    pub evaluable: bool,
}

/// The therapy arms of the cohort, sorted.
pub fn arms(r: &CohortReport) -> Vec<&str> {
    let arms: BTreeSet<&str> = r.outcomes.iter().map(|o| o.therapy.as_str()).collect();
    arms.into_iter().collect()
}

/// Every patient of the cohort (including those whose samples all failed), in picture order.
pub fn patient_lines(r: &CohortReport) -> Vec<PatientLine<'_>> {
    let arms = arms(r);
    let rank = |s: Option<VariantStatus>| {
        s.and_then(|s| STATUS_ORDER.iter().position(|&o| o == s))
            .unwrap_or(STATUS_ORDER.len())
    };
    let mut lines: Vec<(PatientLine, usize)> = r
        .outcomes
        .iter()
        .map(|o| {
            let rows = r.patients.iter().filter(|p| p.patient == o.patient);
            let status = rows
                .clone()
                .map(|p| p.status)
                .min_by_key(|&s| rank(Some(s)));
            let acquired = rows
                .filter(|p| p.status == VariantStatus::Acquired && p.counted)
                .count();
            let line = PatientLine {
                patient: &o.patient,
                therapy: &o.therapy,
                arm: arms.iter().position(|&a| a == o.therapy).unwrap_or(0),
                status,
                evaluable: o.evaluable(r.count),
            };
            (line, acquired)
        })
        .collect();
    lines.sort_by_key(|(l, acquired)| (l.arm, rank(l.status), Reverse(*acquired), l.patient));
    lines.into_iter().map(|(l, _)| l).collect()
}

/// The lines grouped by arm, in order: `(arm, its lines)`.
pub fn by_arm<'l, 'a>(lines: &'l [PatientLine<'a>]) -> Vec<(&'a str, &'l [PatientLine<'a>])> {
    let mut groups = Vec::new();
    let mut start = 0;
    for i in 1..=lines.len() {
        if i == lines.len() || lines[i].arm != lines[start].arm {
            groups.push((lines[start].therapy, &lines[start..i]));
            start = i;
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures::report;
    use esr1_science::cohort::PatientOutcome;

    #[test]
    fn patients_go_by_arm_then_acquired_first() {
        let (_, mut r) = report("P2");
        r.outcomes.push(PatientOutcome {
            patient: "P0".into(),
            therapy: "tamoxifen".into(),
            has_baseline_and_later: true,
            variants: Vec::new(),
        });
        r.outcomes.push(PatientOutcome {
            patient: "P00".into(),
            therapy: "AI".into(),
            has_baseline_and_later: false,
            variants: Vec::new(),
        });
        let lines = patient_lines(&r);
        let order: Vec<&str> = lines.iter().map(|l| l.patient).collect();
        // AI: P1 acquired, P2 pre-existing, P3 indeterminate and germline (indeterminate
        // ranks first), P00 nothing; then tamoxifen.
        assert_eq!(order, ["P1", "P2", "P3", "P00", "P0"]);
        assert_eq!(lines[2].status, Some(VariantStatus::Indeterminate));
        assert_eq!(lines[3].status, None);
        assert_eq!((lines[0].arm, lines[4].arm), (0, 1));
        assert!(lines[0].evaluable && !lines[2].evaluable);
        let groups = by_arm(&lines);
        assert_eq!(groups.len(), 2);
        assert_eq!((groups[0].0, groups[0].1.len()), ("AI", 4));
        assert_eq!((groups[1].0, groups[1].1.len()), ("tamoxifen", 1));
        assert!(by_arm(&[]).is_empty());
    }
}
