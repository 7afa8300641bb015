//! What a variant does to ESR1 (missense, frameshift, splice site, synonymous, UTR …) and
//! which acquired variants the cohort headline counts ([`CountRule`]).
//!
//! The consequence is read from the variant's HGVS names on NM_000125.4 (see [`crate::hgvs`]):
//! the protein change decides coding consequences, the c. position decides intronic and UTR
//! ones, and canonical splice sites (±1/±2 intronic) are splice sites whatever the protein.

use crate::hgvs::Hgvs;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// First residue of the ESR1 ligand-binding domain: UniProt P03372, domain "NR LBD"
/// (PROSITE PS51843), residues 311–547.
pub const LBD_FIRST_RESIDUE: u64 = 311;
/// Last residue of the ligand-binding domain (UniProt P03372 "NR LBD").
pub const LBD_LAST_RESIDUE: u64 = 547;

/// The consequence of a variant on NM_000125.4.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Consequence {
    /// One or more residues replaced, same length (`Y537S`, the MNV `L536Q`).
    Missense,
    /// Residues deleted, inserted or duplicated in frame (`V534del`).
    InframeIndel,
    /// A length change that is not a multiple of three in the CDS (`L536Sfs*71`).
    Frameshift,
    /// A premature stop (`Y537*`).
    StopGained,
    /// The stop codon changed to an amino acid (`*596Wext*24`).
    StopLost,
    /// The start codon changed (`p.Met1?`).
    StartLost,
    /// An intronic change at ±1 or ±2 from an exon boundary (`c.1553+1G>A`).
    SpliceSite,
    /// A coding change that leaves the protein as it is (`L536=`).
    Synonymous,
    /// Intronic, beyond the canonical splice site (`c.1553+7G>A`).
    Intronic,
    /// In the 5′ untranslated region (`c.-10G>T`).
    Utr5,
    /// In the 3′ untranslated region (`c.*10G>A`).
    Utr3,
    /// Not placed or not named on the transcript (unplaced exons, deep flanks, unnamed indels).
    #[default]
    Unknown,
}

impl Consequence {
    /// The spelling in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missense => "missense",
            Self::InframeIndel => "inframe_indel",
            Self::Frameshift => "frameshift",
            Self::StopGained => "stop_gained",
            Self::StopLost => "stop_lost",
            Self::StartLost => "start_lost",
            Self::SpliceSite => "splice_site",
            Self::Synonymous => "synonymous",
            Self::Intronic => "intronic",
            Self::Utr5 => "utr5",
            Self::Utr3 => "utr3",
            Self::Unknown => "unknown",
        }
    }

    /// Whether the consequence changes the protein: missense, in-frame indel, frameshift,
    /// stop gained or lost, start lost, splice site.
    pub fn protein_altering(self) -> bool {
        matches!(
            self,
            Self::Missense
                | Self::InframeIndel
                | Self::Frameshift
                | Self::StopGained
                | Self::StopLost
                | Self::StartLost
                | Self::SpliceSite
        )
    }

    /// The consequence of a variant from its HGVS names (`None`: not named on the transcript);
    /// `same_length` when REF and ALT have equal length (an MNV, not an indel).
    pub fn from_hgvs(hgvs: Option<&Hgvs>, same_length: bool) -> Self {
        let Some(h) = hgvs else {
            return Self::Unknown;
        };
        let c = h.c.strip_prefix("c.").unwrap_or(&h.c);
        if canonical_splice_site(c) {
            return Self::SpliceSite;
        }
        let Some(p) = h.p.as_deref() else {
            return if has_intron_offset(c) {
                Self::Intronic
            } else if c.starts_with('-') {
                Self::Utr5
            } else if c.starts_with('*') {
                Self::Utr3
            } else {
                Self::Unknown
            };
        };
        let body = p.strip_prefix("p.").unwrap_or(p);
        if body.starts_with("Met1") && body.ends_with('?') {
            Self::StartLost
        } else if body.starts_with('?') {
            Self::Unknown
        } else if body.contains("fs") {
            Self::Frameshift
        } else if body.contains("ext") {
            Self::StopLost
        } else if body.ends_with('=') {
            Self::Synonymous
        } else if body.contains("Ter") {
            Self::StopGained
        } else if same_length {
            // A same-length delins over several codons is several substitutions.
            Self::Missense
        } else if ["del", "ins", "dup"].iter().any(|k| body.contains(k)) {
            Self::InframeIndel
        } else {
            Self::Missense
        }
    }
}

/// Whether any position of a c. name lies in an intron (`1553+7`, `1554-2`).
fn has_intron_offset(c: &str) -> bool {
    c.as_bytes()
        .windows(2)
        .any(|w| w[0].is_ascii_digit() && (w[1] == b'+' || w[1] == b'-'))
}

/// Whether a c. name touches an intronic position 1 or 2 bases from an exon (`1553+1`,
/// `1554-2_1554-1`, `1554-1_1554`).
fn canonical_splice_site(c: &str) -> bool {
    let b = c.as_bytes();
    (1..b.len()).any(|i| {
        let sign = b[i] == b'+' || b[i] == b'-';
        if !sign || !b[i - 1].is_ascii_digit() {
            return false;
        }
        let digits: String = c[i + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        matches!(digits.as_str(), "1" | "2")
    })
}

/// The first residue a variant touches: from the protein change (`p.Tyr537Ser` → 537), else
/// the codon of the c. position an intronic name is anchored on (`c.1553+1G>A` → 518).
pub fn residue(hgvs: Option<&Hgvs>) -> Option<u64> {
    let h = hgvs?;
    let from_p = h.p.as_deref().and_then(|p| {
        let body = p.strip_prefix("p.")?;
        let digits: String = body
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    });
    from_p.or_else(|| {
        let c = h.c.strip_prefix("c.")?;
        let digits: String = c.chars().take_while(char::is_ascii_digit).collect();
        let n: u64 = digits.parse().ok()?;
        (n > 0).then(|| (n - 1) / 3 + 1)
    })
}

/// What the count rule needs to know of a variant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Effect {
    /// The consequence on NM_000125.4.
    pub consequence: Consequence,
    /// A known hotspot (the model's table).
    pub hotspot: bool,
    /// The first residue touched, when known.
    pub residue: Option<u64>,
}

impl Effect {
    /// Whether the variant alters the protein inside the ligand-binding domain.
    pub fn in_lbd(&self) -> bool {
        self.consequence.protein_altering()
            && self
                .residue
                .is_some_and(|r| (LBD_FIRST_RESIDUE..=LBD_LAST_RESIDUE).contains(&r))
    }
}

/// Which acquired variants make a patient "acquired" in the cohort headline (`cohort`,
/// `arm:*`, the Fisher comparisons, `polyclonal`) and get a `protein:` group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CountRule {
    /// Known hotspots only.
    Hotspots,
    /// Protein-altering changes inside the ligand-binding domain (residues 311–547).
    Lbd,
    /// Protein-altering changes anywhere (missense, in-frame indels, frameshifts, stop, start,
    /// splice site).
    #[default]
    ProteinAltering,
    /// Every acquired variant, synonymous, intronic, UTR and unknown ones included.
    All,
}

impl CountRule {
    /// The spelling on the command line and in `summary.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hotspots => "hotspots",
            Self::Lbd => "lbd",
            Self::ProteinAltering => "protein-altering",
            Self::All => "all",
        }
    }

    /// Whether a variant with this effect counts.
    pub fn counts(self, e: &Effect) -> bool {
        match self {
            Self::Hotspots => e.hotspot,
            Self::Lbd => e.hotspot || e.in_lbd(),
            Self::ProteinAltering => e.hotspot || e.consequence.protein_altering(),
            Self::All => true,
        }
    }
}

impl fmt::Display for CountRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CountRule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "hotspots" => Ok(Self::Hotspots),
            "lbd" => Ok(Self::Lbd),
            "protein-altering" => Ok(Self::ProteinAltering),
            "all" => Ok(Self::All),
            other => Err(format!(
                "unknown count rule '{other}', expected hotspots, lbd, protein-altering or all"
            )),
        }
    }
}

impl fmt::Display for Consequence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
