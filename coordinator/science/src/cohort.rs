//! Cohort-level aggregation: per-patient outcomes to acquisition frequencies per group. Which
//! acquired variants count is the run's [`CountRule`] (protein-altering by default): a
//! synonymous, intronic or UTR change keeps its status but does not make a patient acquired.

use crate::consequence::{CountRule, Effect};
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
    /// Every variant found, with its status and effect.
    pub variants: Vec<OutcomeVariant>,
}

/// One variant of a patient as the frequency table sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeVariant {
    /// Hotspot name, else protein change, else `chrom:posREF>ALT`.
    pub name: Option<String>,
    /// The patient-level status.
    pub status: VariantStatus,
    /// Consequence, hotspot and residue: whether the count rule counts it.
    pub effect: Effect,
}

impl OutcomeVariant {
    /// A variant with its name, status and effect.
    pub fn new(name: Option<String>, status: VariantStatus, effect: Effect) -> Self {
        Self {
            name,
            status,
            effect,
        }
    }
}

impl PatientOutcome {
    /// The variants the rule counts, with this status.
    fn counted(
        &self,
        rule: CountRule,
        status: VariantStatus,
    ) -> impl Iterator<Item = &OutcomeVariant> {
        self.variants
            .iter()
            .filter(move |v| v.status == status && rule.counts(&v.effect))
    }

    /// Whether the patient acquired an ESR1 mutation the rule counts.
    pub fn acquired(&self, rule: CountRule) -> bool {
        self.counted(rule, VariantStatus::Acquired).next().is_some()
    }

    /// Distinct acquired ESR1 mutations of the patient that the rule counts.
    pub fn acquired_count(&self, rule: CountRule) -> usize {
        self.counted(rule, VariantStatus::Acquired).count()
    }

    /// Whether the patient counts in denominators: a baseline and a later sample passed QC,
    /// and acquisition can be decided — a patient whose only later findings (of those the rule
    /// counts) are indeterminate (baseline too shallow to rule them out) cannot be counted
    /// either way.
    pub fn evaluable(&self, rule: CountRule) -> bool {
        self.has_baseline_and_later
            && (self.acquired(rule)
                || self
                    .counted(rule, VariantStatus::Indeterminate)
                    .next()
                    .is_none())
    }
}

/// One line of `frequencies.tsv`. A group without an evaluable patient has no fraction and no
/// interval (a fraction of nothing is not 0 %): `NA` in the TSV, `null` in JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct FrequencyRow {
    /// `cohort`, `arm:<therapy>`, `hotspot:<name>`, `protein:<name>` (acquired changes that
    /// are not known hotspots and that the count rule counts) or `polyclonal` (patients with
    /// at least two counted acquired mutations; for hotspot, protein and polyclonal rows the
    /// denominator is the cohort).
    pub group: String,
    /// Evaluable patients in the group (the whole arm or cohort for hotspots).
    pub n_evaluable: u64,
    /// Of those, patients with an acquired mutation (of this hotspot, for hotspot groups).
    pub n_acquired: u64,
    /// n_acquired / n_evaluable (0 when nobody is evaluable: see [`FrequencyRow::is_empty`]).
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

    /// Whether nobody in the group is evaluable: the fraction and its interval are undefined.
    pub fn is_empty(&self) -> bool {
        self.n_evaluable == 0
    }

    /// The row as a TSV line (fractions to 4 decimals; `NA` for a group without an evaluable
    /// patient).
    pub fn to_tsv(&self) -> String {
        if self.is_empty() {
            return format!("{}\t0\t{}\tNA\tNA\tNA", self.group, self.n_acquired);
        }
        format!(
            "{}\t{}\t{}\t{:.4}\t{:.4}\t{:.4}",
            self.group, self.n_evaluable, self.n_acquired, self.fraction, self.ci_low, self.ci_high
        )
    }
}

impl Serialize for FrequencyRow {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let defined = |x: f64| (!self.is_empty()).then_some(x);
        let mut row = serializer.serialize_struct("FrequencyRow", 6)?;
        row.serialize_field("group", &self.group)?;
        row.serialize_field("n_evaluable", &self.n_evaluable)?;
        row.serialize_field("n_acquired", &self.n_acquired)?;
        row.serialize_field("fraction", &defined(self.fraction))?;
        row.serialize_field("ci_low", &defined(self.ci_low))?;
        row.serialize_field("ci_high", &defined(self.ci_high))?;
        row.end()
    }
}

/// Frequencies for the whole cohort, each therapy arm (sorted), each hotspot name given (in
/// the order given, zero counts included), every other acquired change the rule counts
/// (sorted) and polyclonality. Only acquired variants the rule counts make a patient acquired.
pub fn cohort_frequencies(
    patients: &[PatientOutcome],
    hotspots: &[String],
    rule: CountRule,
) -> Vec<FrequencyRow> {
    let evaluable: Vec<&PatientOutcome> = patients.iter().filter(|p| p.evaluable(rule)).collect();
    let count = |ps: &[&PatientOutcome]| ps.iter().filter(|p| p.acquired(rule)).count() as u64;
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
                p.counted(rule, VariantStatus::Acquired)
                    .any(|v| v.name.as_deref() == Some(name))
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
        .flat_map(|p| p.counted(rule, VariantStatus::Acquired))
        .filter_map(|v| v.name.as_deref())
        .filter(|n| !hotspots.iter().any(|h| h == n))
        .collect();
    for name in others {
        rows.push(FrequencyRow::new(
            format!("protein:{name}"),
            acquired_with(name),
            evaluable.len() as u64,
        ));
    }
    let polyclonal = evaluable
        .iter()
        .filter(|p| p.acquired_count(rule) >= 2)
        .count() as u64;
    rows.push(FrequencyRow::new(
        "polyclonal".into(),
        polyclonal,
        evaluable.len() as u64,
    ));
    rows
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

/// Every pair of therapy arms compared with Fisher's exact test, on the acquired variants the
/// rule counts.
pub fn arm_comparisons(patients: &[PatientOutcome], rule: CountRule) -> Vec<ArmComparison> {
    let arms: BTreeSet<&str> = patients.iter().map(|p| p.therapy.as_str()).collect();
    let arms: Vec<&str> = arms.into_iter().collect();
    let counts = |arm: &str| {
        let ev: Vec<&PatientOutcome> = patients
            .iter()
            .filter(|p| p.therapy == arm && p.evaluable(rule))
            .collect();
        (
            ev.iter().filter(|p| p.acquired(rule)).count() as u64,
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
mod tests;
