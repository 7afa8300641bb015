//! Scores a run's outputs (`calls.tsv`, `patients.tsv`, `frequencies.tsv`) against an ART
//! cohort's design: plasma sensitivity per allele-fraction bin, calls at the systematic
//! artefact, the jackpots and the formalin sites, other false positives, patient statuses
//! and each arm's acquired count.

use super::design::{ArtKind, ArtVariant};
use super::ArtCohort;
use crate::tables::read_tsv;
use esr1_proto::Material;
use esr1_science::cohort::VariantStatus;
use std::collections::HashMap;
use std::path::Path;

/// Allele-fraction bins of the sensitivity table: `[low, high)`.
pub const BINS: [(f64, f64); 4] = [(0.0, 0.005), (0.005, 0.01), (0.01, 0.05), (0.05, 1.0)];

/// The score of one run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArtScore {
    /// Per [`BINS`] entry: (found, true) somatic sample × variant pairs in plasma.
    pub plasma: Vec<(usize, usize)>,
    /// The same at 0.25–0.5 % (inside the first bin).
    pub plasma_quarter_to_half: (usize, usize),
    /// Samples scored.
    pub samples: usize,
    /// PASS calls at the strand-specific artefact allele in samples without it truly.
    pub artefact_calls: usize,
    /// PASS calls at a jackpot's error.
    pub jackpot_calls: usize,
    /// PASS calls at a formalin site of the sample.
    pub ffpe_calls: usize,
    /// Formalin sites given a deciding status (acquired or pre-existing).
    pub ffpe_statuses: usize,
    /// Other PASS calls that are no variant of the patient: `sample pos ref>alt`.
    pub false_positives: Vec<String>,
    /// (right, all) statuses of the design's variants.
    pub statuses: (usize, usize),
    /// Wrong statuses: `patient label: ours (truth)`, and deciding statuses the design lacks.
    pub wrong_statuses: Vec<String>,
    /// Per group (`cohort`, `arm:…`): ours and the truth.
    pub arms: Vec<GroupScore>,
}

/// One group's acquired and evaluable patients, ours and the truth's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupScore {
    /// `cohort` or `arm:NAME`.
    pub group: String,
    /// Ours: (acquired, evaluable).
    pub ours: (u64, u64),
    /// The truth: (acquired, evaluable).
    pub truth: (u64, u64),
}

type Row = HashMap<String, String>;

fn field<'a>(row: &'a Row, name: &str) -> &'a str {
    row.get(name).map_or("", String::as_str)
}

/// Whether a row (`pos`, `ref`, `alt`) is the variant: the same alleles, or for a deletion
/// any deletion of the same length within 6 bases (left alignment may move it).
fn matches(row: &Row, v: &ArtVariant) -> bool {
    let pos: u64 = field(row, "pos").parse().unwrap_or(0);
    let (r, a) = (field(row, "ref"), field(row, "alt"));
    if v.ref_allele.len() > v.alt_allele.len() {
        let len = v.ref_allele.len() - v.alt_allele.len();
        r.len() == a.len() + len && pos.abs_diff(v.pos) <= 6
    } else {
        pos == v.pos && r == v.ref_allele && a == v.alt_allele
    }
}

/// Scores the run whose outputs are in `run`.
pub fn score(cohort: &ArtCohort, run: &Path) -> Result<ArtScore, String> {
    let calls = read_tsv(&run.join("calls.tsv"))?;
    let patients = read_tsv(&run.join("patients.tsv"))?;
    let frequencies = read_tsv(&run.join("frequencies.tsv"))?;
    let mut s = ArtScore {
        plasma: vec![(0, 0); BINS.len()],
        ..ArtScore::default()
    };
    let pass = |sample: &str| -> Vec<&Row> {
        calls
            .iter()
            .filter(|c| field(c, "sample") == sample && field(c, "filter") == "PASS")
            .collect()
    };
    let (apos, aref, aalt) = cohort.strand_artefact;
    for p in &cohort.patients {
        for smp in &p.samples {
            s.samples += 1;
            let called = pass(&smp.sample);
            for (k, v) in p.variants.iter().enumerate() {
                let f = smp.vafs[k];
                if v.kind != ArtKind::Somatic || f <= 0.0 || smp.material != Material::Cfdna {
                    continue;
                }
                let found = called.iter().any(|c| matches(c, v));
                if let Some(b) = BINS.iter().position(|&(lo, hi)| f >= lo && f < hi) {
                    s.plasma[b].1 += 1;
                    s.plasma[b].0 += usize::from(found);
                }
                if (0.0025..0.005).contains(&f) {
                    s.plasma_quarter_to_half.1 += 1;
                    s.plasma_quarter_to_half.0 += usize::from(found);
                }
            }
            for c in called {
                let pos: u64 = field(c, "pos").parse().unwrap_or(0);
                let truly = p.variants.iter().enumerate().find(|(_, v)| matches(c, v));
                match truly {
                    Some((k, v)) if v.kind == ArtKind::Ffpe && smp.vafs[k] > 0.0 => {
                        s.ffpe_calls += 1
                    }
                    Some((k, _)) if smp.vafs[k] > 0.0 => {}
                    _ if pos == apos
                        && field(c, "ref").as_bytes() == [aref]
                        && field(c, "alt").as_bytes() == [aalt] =>
                    {
                        s.artefact_calls += 1
                    }
                    _ if cohort
                        .jackpots
                        .iter()
                        .any(|(j, jp)| *j == smp.sample && *jp == pos) =>
                    {
                        s.jackpot_calls += 1
                    }
                    _ => s.false_positives.push(format!(
                        "{} {pos} {}>{}",
                        smp.sample,
                        field(c, "ref"),
                        field(c, "alt")
                    )),
                }
            }
        }
        // Statuses.
        let rows: Vec<&Row> = patients
            .iter()
            .filter(|r| field(r, "patient") == p.patient)
            .collect();
        for v in &p.variants {
            let ours = rows
                .iter()
                .find(|r| matches(r, v))
                .map(|r| field(r, "status"));
            match v.status {
                Some(truth) => {
                    s.statuses.1 += 1;
                    if ours == Some(truth.as_str()) {
                        s.statuses.0 += 1;
                    } else {
                        s.wrong_statuses.push(format!(
                            "{} {}: {} ({})",
                            p.patient,
                            v.label,
                            ours.unwrap_or("not found"),
                            truth.as_str()
                        ));
                    }
                }
                None => {
                    if ours.is_some_and(deciding) {
                        s.ffpe_statuses += 1;
                    }
                }
            }
        }
        for r in rows {
            if deciding(field(r, "status")) && !p.variants.iter().any(|v| matches(r, v)) {
                s.wrong_statuses.push(format!(
                    "{} {} {}>{}: {} (not in the design)",
                    p.patient,
                    field(r, "pos"),
                    field(r, "ref"),
                    field(r, "alt"),
                    field(r, "status")
                ));
            }
        }
    }
    // Arms: the truth is every patient evaluable, acquired when a somatic variant is.
    let mut truth: HashMap<String, (u64, u64)> = HashMap::new();
    for p in &cohort.patients {
        let acquired = p
            .variants
            .iter()
            .any(|v| v.status == Some(VariantStatus::Acquired) && v.kind == ArtKind::Somatic);
        for g in ["cohort".to_owned(), format!("arm:{}", p.therapy)] {
            let e = truth.entry(g).or_default();
            e.0 += u64::from(acquired);
            e.1 += 1;
        }
    }
    let mut groups: Vec<&String> = truth.keys().collect();
    groups.sort();
    for g in groups {
        let ours = frequencies
            .iter()
            .find(|r| field(r, "group") == g)
            .map_or((0, 0), |r| {
                (
                    field(r, "n_acquired").parse().unwrap_or(0),
                    field(r, "n_evaluable").parse().unwrap_or(0),
                )
            });
        s.arms.push(GroupScore {
            group: g.clone(),
            ours,
            truth: truth[g],
        });
    }
    Ok(s)
}

/// Acquired or pre-existing: a status that counts.
fn deciding(status: &str) -> bool {
    status == VariantStatus::Acquired.as_str() || status == VariantStatus::PreExisting.as_str()
}

impl ArtScore {
    /// The table printed by the benchmark and kept in the README.
    pub fn table(&self) -> String {
        let pct = |(f, t): (usize, usize)| {
            if t == 0 {
                "–".to_owned()
            } else {
                format!("{f}/{t} ({:.0} %)", 100.0 * f as f64 / t as f64)
            }
        };
        let mut out = String::from("| measure | value |\n|---|---|\n");
        for (b, &(lo, hi)) in BINS.iter().enumerate() {
            out.push_str(&format!(
                "| plasma sensitivity, VAF {:.2}–{:.2} % | {} |\n",
                100.0 * lo,
                100.0 * hi.min(1.0),
                pct(self.plasma[b])
            ));
        }
        out.push_str(&format!(
            "| plasma sensitivity, VAF 0.25–0.5 % | {} |\n",
            pct(self.plasma_quarter_to_half)
        ));
        out.push_str(&format!(
            "| PASS calls at the strand-specific hotspot artefact | {} |\n",
            self.artefact_calls
        ));
        out.push_str(&format!(
            "| PASS calls at PCR jackpots | {} |\n",
            self.jackpot_calls
        ));
        out.push_str(&format!(
            "| PASS calls at formalin (FFPE) sites | {} |\n",
            self.ffpe_calls
        ));
        out.push_str(&format!(
            "| formalin sites with a deciding status | {} |\n",
            self.ffpe_statuses
        ));
        out.push_str(&format!(
            "| other false-positive PASS calls | {} in {} samples |\n",
            self.false_positives.len(),
            self.samples
        ));
        out.push_str(&format!(
            "| patient statuses right | {} |\n",
            pct(self.statuses)
        ));
        for g in &self.arms {
            out.push_str(&format!(
                "| {}: acquired/evaluable (truth) | {}/{} ({}/{}) |\n",
                g.group, g.ours.0, g.ours.1, g.truth.0, g.truth.1
            ));
        }
        out
    }
}
