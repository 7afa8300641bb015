//! Cohort-level aggregation: per-patient outcomes to acquisition frequencies per group.

use crate::stats::{wilson_interval, Z95};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// Status of one variant in one patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VariantStatus {
    /// Called after therapy start; baseline not called and powered to see it.
    Acquired,
    /// Called at baseline.
    PreExisting,
    /// Near 50 % or 100 % in every sample, baseline included (or called in a normal).
    Germline,
    /// Called later, but the baseline had too little power to rule it out.
    Indeterminate,
}

impl VariantStatus {
    /// The spelling used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Acquired => "acquired",
            Self::PreExisting => "pre-existing",
            Self::Germline => "germline",
            Self::Indeterminate => "indeterminate",
        }
    }
}

impl fmt::Display for VariantStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for VariantStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "acquired" => Ok(Self::Acquired),
            "pre-existing" => Ok(Self::PreExisting),
            "germline" => Ok(Self::Germline),
            "indeterminate" => Ok(Self::Indeterminate),
            other => Err(format!(
                "unknown status '{other}', expected acquired, pre-existing, germline or indeterminate"
            )),
        }
    }
}

/// What the frequency table needs to know of one patient.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientOutcome {
    /// Patient id.
    pub patient: String,
    /// Therapy arm.
    pub therapy: String,
    /// A baseline and a later sample both passed QC.
    pub has_baseline_and_later: bool,
    /// (hotspot name or protein change, status) of each variant found.
    pub variants: Vec<(Option<String>, VariantStatus)>,
}

impl PatientOutcome {
    /// Whether the patient acquired any ESR1 mutation.
    pub fn acquired(&self) -> bool {
        self.variants
            .iter()
            .any(|(_, s)| *s == VariantStatus::Acquired)
    }

    /// Distinct acquired ESR1 mutations of the patient.
    pub fn acquired_count(&self) -> usize {
        self.variants
            .iter()
            .filter(|(_, s)| *s == VariantStatus::Acquired)
            .count()
    }

    /// Whether the patient counts in denominators: a baseline and a later sample passed QC,
    /// and acquisition can be decided — a patient whose only later findings are indeterminate
    /// (baseline too shallow to rule them out) cannot be counted either way.
    pub fn evaluable(&self) -> bool {
        self.has_baseline_and_later
            && (self.acquired()
                || !self
                    .variants
                    .iter()
                    .any(|(_, s)| *s == VariantStatus::Indeterminate))
    }
}

/// One line of `frequencies.tsv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrequencyRow {
    /// `cohort`, `arm:<therapy>`, `hotspot:<name>`, `protein:<name>` (acquired changes that
    /// are not known hotspots) or `polyclonal` (patients with at least two acquired
    /// mutations; for hotspot, protein and polyclonal rows the denominator is the cohort).
    pub group: String,
    /// Evaluable patients in the group (the whole arm or cohort for hotspots).
    pub n_evaluable: u64,
    /// Of those, patients with an acquired mutation (of this hotspot, for hotspot groups).
    pub n_acquired: u64,
    /// n_acquired / n_evaluable (0 when nobody is evaluable).
    pub fraction: f64,
    /// Wilson 95 % lower bound.
    pub ci_low: f64,
    /// Wilson 95 % upper bound.
    pub ci_high: f64,
}

impl FrequencyRow {
    fn new(group: String, n_acquired: u64, n_evaluable: u64) -> Self {
        let (ci_low, ci_high) = wilson_interval(n_acquired, n_evaluable, Z95);
        let fraction = if n_evaluable == 0 {
            0.0
        } else {
            n_acquired as f64 / n_evaluable as f64
        };
        Self {
            group,
            n_evaluable,
            n_acquired,
            fraction,
            ci_low,
            ci_high,
        }
    }

    /// The TSV header of `frequencies.tsv`.
    pub const HEADER: &'static str = "group\tn_evaluable\tn_acquired\tfraction\tci_low\tci_high";

    /// The row as a TSV line (fractions to 4 decimals).
    pub fn to_tsv(&self) -> String {
        format!(
            "{}\t{}\t{}\t{:.4}\t{:.4}\t{:.4}",
            self.group, self.n_evaluable, self.n_acquired, self.fraction, self.ci_low, self.ci_high
        )
    }
}

/// Frequencies for the whole cohort, each therapy arm (sorted), each hotspot name given (in
/// the order given, zero counts included), every other acquired protein change (sorted) and
/// polyclonality.
pub fn cohort_frequencies(patients: &[PatientOutcome], hotspots: &[String]) -> Vec<FrequencyRow> {
    let evaluable: Vec<&PatientOutcome> = patients.iter().filter(|p| p.evaluable()).collect();
    let count = |ps: &[&PatientOutcome]| ps.iter().filter(|p| p.acquired()).count() as u64;
    let mut rows = vec![FrequencyRow::new(
        "cohort".into(),
        count(&evaluable),
        evaluable.len() as u64,
    )];
    let arms: BTreeSet<&str> = patients.iter().map(|p| p.therapy.as_str()).collect();
    for arm in arms {
        let in_arm: Vec<&PatientOutcome> = evaluable
            .iter()
            .copied()
            .filter(|p| p.therapy == arm)
            .collect();
        rows.push(FrequencyRow::new(
            format!("arm:{arm}"),
            count(&in_arm),
            in_arm.len() as u64,
        ));
    }
    let acquired_with = |name: &str| {
        evaluable
            .iter()
            .filter(|p| {
                p.variants
                    .iter()
                    .any(|(n, s)| *s == VariantStatus::Acquired && n.as_deref() == Some(name))
            })
            .count() as u64
    };
    for name in hotspots {
        rows.push(FrequencyRow::new(
            format!("hotspot:{name}"),
            acquired_with(name),
            evaluable.len() as u64,
        ));
    }
    // Other acquired protein changes (MNVs, indels, rare missense), by name.
    let others: BTreeSet<&str> = evaluable
        .iter()
        .flat_map(|p| p.variants.iter())
        .filter(|(_, s)| *s == VariantStatus::Acquired)
        .filter_map(|(n, _)| n.as_deref())
        .filter(|n| !hotspots.iter().any(|h| h == n))
        .collect();
    for name in others {
        rows.push(FrequencyRow::new(
            format!("protein:{name}"),
            acquired_with(name),
            evaluable.len() as u64,
        ));
    }
    let polyclonal = evaluable.iter().filter(|p| p.acquired_count() >= 2).count() as u64;
    rows.push(FrequencyRow::new(
        "polyclonal".into(),
        polyclonal,
        evaluable.len() as u64,
    ));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(p: &str, arm: &str, vs: &[(&str, VariantStatus)]) -> PatientOutcome {
        PatientOutcome {
            patient: p.into(),
            therapy: arm.into(),
            has_baseline_and_later: true,
            variants: vs.iter().map(|(n, s)| (Some(n.to_string()), *s)).collect(),
        }
    }

    #[test]
    fn founding_report_cohort_gives_six_of_eleven() {
        let mut ps = Vec::new();
        for i in 0..11 {
            let vs: &[(&str, VariantStatus)] = if i < 6 {
                &[("D538G", VariantStatus::Acquired)]
            } else {
                &[]
            };
            ps.push(outcome(&format!("P{i}"), "AI", vs));
        }
        let rows = cohort_frequencies(&ps, &["D538G".into(), "Y537S".into()]);
        assert_eq!(rows[0].to_tsv(), "cohort\t11\t6\t0.5455\t0.2801\t0.7873");
        assert_eq!(rows[1].group, "arm:AI");
        assert_eq!((rows[2].n_acquired, rows[3].n_acquired), (6, 0));
        assert_eq!(rows.last().map(|r| r.group.as_str()), Some("polyclonal"));
    }

    #[test]
    fn other_protein_changes_and_polyclonality_have_rows() {
        let ps = vec![
            outcome(
                "P1",
                "AI",
                &[
                    ("D538G", VariantStatus::Acquired),
                    ("L536Q", VariantStatus::Acquired),
                ],
            ),
            outcome("P2", "AI", &[("L536Q", VariantStatus::Acquired)]),
            outcome("P3", "AI", &[("S57=", VariantStatus::Germline)]),
            outcome("P4", "AI", &[]),
        ];
        let rows = cohort_frequencies(&ps, &["D538G".into()]);
        let groups: Vec<String> = rows.iter().map(|r| r.to_tsv()).collect();
        assert_eq!(
            groups[3..],
            [
                "protein:L536Q\t4\t2\t0.5000\t0.1500\t0.8500".to_owned(),
                "polyclonal\t4\t1\t0.2500\t0.0456\t0.6994".to_owned(),
            ],
            "{groups:?}"
        );
    }

    #[test]
    fn indeterminate_only_patients_and_patients_without_baseline_are_not_evaluable() {
        let mut no_baseline = outcome("P3", "AI", &[("Y537S", VariantStatus::Acquired)]);
        no_baseline.has_baseline_and_later = false;
        let ps = vec![
            outcome("P1", "AI", &[("L536H", VariantStatus::Indeterminate)]),
            outcome(
                "P2",
                "tamoxifen",
                &[
                    ("L536H", VariantStatus::Indeterminate),
                    ("Y537S", VariantStatus::Acquired),
                ],
            ),
            no_baseline,
            outcome("P4", "AI", &[("SNP", VariantStatus::Germline)]),
        ];
        let rows = cohort_frequencies(&ps, &[]);
        assert_eq!((rows[0].n_evaluable, rows[0].n_acquired), (2, 1));
        assert_eq!((rows[1].group.as_str(), rows[1].n_evaluable), ("arm:AI", 1));
        assert_eq!((rows[2].n_evaluable, rows[2].n_acquired), (1, 1));
    }
}

/// Two therapy arms compared on the acquisition fraction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArmComparison {
    /// First arm (alphabetical).
    pub arm_a: String,
    /// Second arm.
    pub arm_b: String,
    /// Evaluable patients with an acquired mutation in arm A.
    pub acquired_a: u64,
    /// Evaluable patients in arm A.
    pub evaluable_a: u64,
    /// Evaluable patients with an acquired mutation in arm B.
    pub acquired_b: u64,
    /// Evaluable patients in arm B.
    pub evaluable_b: u64,
    /// Two-sided Fisher's exact test p-value.
    pub fisher_p: f64,
}

/// Every pair of therapy arms compared with Fisher's exact test.
pub fn arm_comparisons(patients: &[PatientOutcome]) -> Vec<ArmComparison> {
    let arms: BTreeSet<&str> = patients.iter().map(|p| p.therapy.as_str()).collect();
    let arms: Vec<&str> = arms.into_iter().collect();
    let counts = |arm: &str| {
        let ev: Vec<&PatientOutcome> = patients
            .iter()
            .filter(|p| p.therapy == arm && p.evaluable())
            .collect();
        (
            ev.iter().filter(|p| p.acquired()).count() as u64,
            ev.len() as u64,
        )
    };
    let mut out = Vec::new();
    for (i, a) in arms.iter().enumerate() {
        for b in &arms[i + 1..] {
            let (ka, na) = counts(a);
            let (kb, nb) = counts(b);
            out.push(ArmComparison {
                arm_a: (*a).to_owned(),
                arm_b: (*b).to_owned(),
                acquired_a: ka,
                evaluable_a: na,
                acquired_b: kb,
                evaluable_b: nb,
                fisher_p: crate::stats::fisher_exact(ka, na - ka, kb, nb - kb),
            });
        }
    }
    out
}

#[cfg(test)]
mod comparison_tests {
    use super::*;

    #[test]
    fn arms_are_compared_pairwise_on_evaluable_patients() {
        let p = |id: &str, arm: &str, acquired: bool| PatientOutcome {
            patient: id.into(),
            therapy: arm.into(),
            has_baseline_and_later: true,
            variants: if acquired {
                vec![(Some("D538G".into()), VariantStatus::Acquired)]
            } else {
                vec![]
            },
        };
        let mut ps: Vec<PatientOutcome> =
            (0..4).map(|i| p(&format!("A{i}"), "AI", i < 3)).collect();
        ps.extend((0..4).map(|i| p(&format!("T{i}"), "tamoxifen", i < 1)));
        let c = arm_comparisons(&ps);
        assert_eq!(c.len(), 1);
        assert_eq!(
            (
                c[0].acquired_a,
                c[0].evaluable_a,
                c[0].acquired_b,
                c[0].evaluable_b
            ),
            (3, 4, 1, 4)
        );
        assert!(
            (c[0].fisher_p - 0.485_714).abs() < 1e-5,
            "{}",
            c[0].fisher_p
        );
    }
}
