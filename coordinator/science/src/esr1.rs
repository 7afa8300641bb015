//! The built-in ESR1 model: NM_000125.4, its exons in GRCh38/GRCh37, the LBD hotspots, and
//! protein annotation of SNVs and MNVs.
//!
//! The data files are copies of the verified facts (see `coordinator/data/esr1/`); they are
//! compiled in so users need nothing beside the binary.

use serde::{Deserialize, Serialize};
use std::fmt;

const MRNA_FASTA: &str = include_str!("../data/esr1/NM_000125.4.fasta");
const EXONS_TSV: &str = include_str!("../data/esr1/exons.tsv");
const HOTSPOTS_TSV: &str = include_str!("../data/esr1/hotspots.tsv");

/// First and last mRNA positions of the coding sequence (stop codon included).
pub const CDS_MRNA_START: u64 = 232;
/// Last mRNA position of the CDS (the stop codon's last base).
pub const CDS_MRNA_END: u64 = 2019;

/// Chromosome 6 length in GRCh38.
pub const CHR6_LEN_GRCH38: u64 = 170_805_979;
/// Chromosome 6 length in GRCh37.
pub const CHR6_LEN_GRCH37: u64 = 171_115_067;

/// A human genome build (serialised as it is printed: `GRCh38`, `GRCh37`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Build {
    /// GRCh38 / hg38.
    #[serde(rename = "GRCh38")]
    Grch38,
    /// GRCh37 / hg19.
    #[serde(rename = "GRCh37")]
    Grch37,
}

impl Build {
    /// The build whose chromosome 6 has this length.
    pub fn from_chr6_length(len: u64) -> Option<Self> {
        match len {
            CHR6_LEN_GRCH38 => Some(Self::Grch38),
            CHR6_LEN_GRCH37 => Some(Self::Grch37),
            _ => None,
        }
    }

    /// ESR1 gene span (Ensembl), 1-based inclusive.
    pub fn gene_span(self) -> (u64, u64) {
        match self {
            Self::Grch38 => (151_656_691, 152_129_619),
            // GRCh37 = GRCh38 + 321,135 across the gene (both verified anchors agree).
            Self::Grch37 => (151_656_691 + 321_135, 152_129_619 + 321_135),
        }
    }
}

impl fmt::Display for Build {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Grch38 => "GRCh38",
            Self::Grch37 => "GRCh37",
        })
    }
}

/// One exon of NM_000125.4; genomic coordinates only where verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exon {
    /// Exon number, 1-based.
    pub number: u32,
    /// First mRNA position, when known.
    pub mrna_start: Option<u64>,
    /// Last mRNA position, when known.
    pub mrna_end: Option<u64>,
    /// GRCh38 start and end, when verified.
    pub grch38: Option<(u64, u64)>,
    /// GRCh37 start and end, when verified.
    pub grch37: Option<(u64, u64)>,
}

impl Exon {
    /// Genomic start and end in a build, when known.
    pub fn span(&self, build: Build) -> Option<(u64, u64)> {
        match build {
            Build::Grch38 => self.grch38,
            Build::Grch37 => self.grch37,
        }
    }
}

/// A recurrent ESR1 ligand-binding-domain mutation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hotspot {
    /// Short protein name (`Y537S`).
    pub name: String,
    /// HGVS coding change (`c.1610A>C`).
    pub hgvs_c: String,
    /// HGVS protein change (`p.Tyr537Ser`).
    pub hgvs_p: String,
    /// GRCh38 position.
    pub grch38_pos: u64,
    /// GRCh37 position.
    pub grch37_pos: u64,
    /// Reference base (plus strand).
    pub ref_base: char,
    /// Alternate base (plus strand).
    pub alt_base: char,
}

impl Hotspot {
    /// Position in a build.
    pub fn pos(&self, build: Build) -> u64 {
        match build {
            Build::Grch38 => self.grch38_pos,
            Build::Grch37 => self.grch37_pos,
        }
    }
}

/// The ESR1 transcript model with its hotspots.
#[derive(Debug, Clone)]
pub struct Esr1Model {
    /// The mRNA sequence (upper case, 1-based position p is `mrna[p - 1]`).
    pub mrna: Vec<u8>,
    /// Exons in order.
    pub exons: Vec<Exon>,
    /// Known hotspots in table order.
    pub hotspots: Vec<Hotspot>,
}

fn opt_u64(s: &str) -> Option<u64> {
    s.trim().parse().ok()
}

fn opt_pair(a: &str, b: &str) -> Option<(u64, u64)> {
    Some((opt_u64(a)?, opt_u64(b)?))
}

impl Esr1Model {
    /// The model compiled into the binary. The embedded tables are checked by the tests, so
    /// a malformed line here is a build defect, not user input.
    pub fn builtin() -> Self {
        let mrna = MRNA_FASTA
            .lines()
            .filter(|l| !l.starts_with('>'))
            .flat_map(|l| l.trim().bytes())
            .map(|b| b.to_ascii_uppercase())
            .collect();
        let exons = EXONS_TSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f.len() >= 9).then(|| Exon {
                    number: opt_u64(f[0]).unwrap_or(0) as u32,
                    mrna_start: opt_u64(f[1]),
                    mrna_end: opt_u64(f[2]),
                    grch38: opt_pair(f[5], f[6]),
                    grch37: opt_pair(f[7], f[8]),
                })
            })
            .collect();
        let hotspots = HOTSPOTS_TSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f.len() >= 7).then(|| Hotspot {
                    name: f[0].to_owned(),
                    hgvs_c: f[1].to_owned(),
                    hgvs_p: f[2].to_owned(),
                    grch38_pos: opt_u64(f[3]).unwrap_or(0),
                    grch37_pos: opt_u64(f[4]).unwrap_or(0),
                    ref_base: f[5].chars().next().unwrap_or('N'),
                    alt_base: f[6].chars().next().unwrap_or('N'),
                })
            })
            .collect();
        Self {
            mrna,
            exons,
            hotspots,
        }
    }

    /// Exons with verified genomic coordinates in a build, as (exon, genomic start, mRNA
    /// start) — the pieces of the mRNA whose place on the genome is known.
    pub fn placed_exons(&self, build: Build) -> impl Iterator<Item = (&Exon, u64, u64)> {
        self.exons.iter().filter_map(move |e| {
            let (start, _) = e.span(build)?;
            Some((e, start, e.mrna_start?))
        })
    }

    /// mRNA position of a genomic position, when it lies in a placed exon.
    pub fn genomic_to_mrna(&self, build: Build, pos: u64) -> Option<u64> {
        self.placed_exons(build).find_map(|(e, g_start, m_start)| {
            let (_, g_end) = e.span(build)?;
            (g_start..=g_end)
                .contains(&pos)
                .then(|| m_start + (pos - g_start))
        })
    }

    /// Genomic position of an mRNA position, when its exon is placed.
    pub fn mrna_to_genomic(&self, build: Build, mrna_pos: u64) -> Option<u64> {
        self.placed_exons(build).find_map(|(e, g_start, m_start)| {
            let m_end = e.mrna_end?;
            (m_start..=m_end)
                .contains(&mrna_pos)
                .then(|| g_start + (mrna_pos - m_start))
        })
    }

    /// Codon number (1-based) and position in codon (0..3) of a genomic position in the CDS.
    pub fn codon_of(&self, build: Build, pos: u64) -> Option<(u64, u64)> {
        let m = self.genomic_to_mrna(build, pos)?;
        if !(CDS_MRNA_START..=CDS_MRNA_END).contains(&m) {
            return None;
        }
        let c = m - CDS_MRNA_START;
        Some((c / 3 + 1, c % 3))
    }

    /// Protein change of a substitution of one or more consecutive bases (`Y537S`, `L536Q`,
    /// `L536=` when synonymous, `Y537*` for a stop); `None` outside the CDS, for indels, or
    /// when the reference does not match the model.
    pub fn protein_change(
        &self,
        build: Build,
        pos: u64,
        ref_allele: &str,
        alt: &str,
    ) -> Option<String> {
        if ref_allele.len() != alt.len() || ref_allele.is_empty() {
            return None;
        }
        let ref_b = ref_allele.as_bytes();
        let alt_b = alt.as_bytes();
        // All changed bases must be in the CDS and in one codon (MNVs spanning two codons are
        // named by their first changed codon's neighbours below).
        let mut codons: Vec<(u64, Vec<u8>, Vec<u8>)> = Vec::new();
        for (i, (&r, &a)) in ref_b.iter().zip(alt_b).enumerate() {
            let p = pos + i as u64;
            let (codon, _) = self.codon_of(build, p)?;
            let m = self.genomic_to_mrna(build, p)?;
            if !self.mrna.get(m as usize - 1)?.eq_ignore_ascii_case(&r) {
                return None;
            }
            if r.eq_ignore_ascii_case(&a) {
                continue;
            }
            let entry = match codons.iter_mut().find(|(c, _, _)| *c == codon) {
                Some(e) => e,
                None => {
                    let first_mrna = CDS_MRNA_START + (codon - 1) * 3;
                    let seq = self
                        .mrna
                        .get(first_mrna as usize - 1..first_mrna as usize + 2)?
                        .to_vec();
                    codons.push((codon, seq.clone(), seq));
                    codons.last_mut()?
                }
            };
            let within = (m - CDS_MRNA_START) % 3;
            entry.2[within as usize] = a.to_ascii_uppercase();
        }
        if codons.is_empty() {
            return None;
        }
        let names: Vec<String> = codons
            .iter()
            .map(|(codon, r, a)| {
                let ra = translate(r);
                let aa = translate(a);
                if ra == aa {
                    format!("{ra}{codon}=")
                } else {
                    format!("{ra}{codon}{aa}")
                }
            })
            .collect();
        Some(names.join(","))
    }

    /// The hotspot with this build position and alt base, if any.
    pub fn hotspot_at(&self, build: Build, pos: u64, alt: &str) -> Option<&Hotspot> {
        let mut chars = alt.chars();
        let a = chars.next()?;
        if chars.next().is_some() {
            return None;
        }
        self.hotspots
            .iter()
            .find(|h| h.pos(build) == pos && h.alt_base.eq_ignore_ascii_case(&a))
    }

    /// Distinct hotspot positions in a build, sorted.
    pub fn hotspot_positions(&self, build: Build) -> Vec<u64> {
        let mut v: Vec<u64> = self.hotspots.iter().map(|h| h.pos(build)).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// One-letter amino acid of a codon (standard code); `X` for anything not ACGT.
pub fn translate(codon: &[u8]) -> char {
    const AA: &[u8; 64] = b"KNKNTTTTRSRSIIMIQHQHPPPPRRRRLLLLEDEDAAAAGGGGVVVV*Y*YSSSS*CWCLFLF";
    let idx = |b: u8| match b.to_ascii_uppercase() {
        b'A' => Some(0usize),
        b'C' => Some(1),
        b'G' => Some(2),
        b'T' => Some(3),
        _ => None,
    };
    match codon {
        [a, b, c] => match (idx(*a), idx(*b), idx(*c)) {
            (Some(a), Some(b), Some(c)) => AA[a * 16 + b * 4 + c] as char,
            _ => 'X',
        },
        _ => 'X',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_tables_parse_completely() {
        let m = Esr1Model::builtin();
        assert_eq!(m.mrna.len(), 6327);
        assert_eq!(m.exons.len(), 8);
        assert_eq!(m.hotspots.len(), 14);
        assert_eq!(m.placed_exons(Build::Grch38).count(), 4);
        // The CDS starts with ATG and ends with a stop codon.
        assert_eq!(&m.mrna[231..234], b"ATG");
        assert_eq!(translate(&m.mrna[2016..2019]), '*');
    }

    #[test]
    fn every_hotspot_is_named_from_the_model_in_both_builds() {
        let m = Esr1Model::builtin();
        for build in [Build::Grch38, Build::Grch37] {
            for h in &m.hotspots {
                let name = m.protein_change(
                    build,
                    h.pos(build),
                    &h.ref_base.to_string(),
                    &h.alt_base.to_string(),
                );
                assert_eq!(name.as_deref(), Some(h.name.as_str()), "{build} {}", h.name);
                assert_eq!(
                    m.hotspot_at(build, h.pos(build), &h.alt_base.to_string()),
                    Some(h)
                );
            }
        }
    }

    #[test]
    fn mnv_in_one_codon_is_named_as_one_change() {
        let m = Esr1Model::builtin();
        // L536Q: CTC -> CAG is c.1607_1608delinsAG (positions 152098785-152098786).
        let got = m.protein_change(Build::Grch38, 152_098_785, "TC", "AG");
        assert_eq!(got.as_deref(), Some("L536Q"));
        assert_eq!(
            m.protein_change(Build::Grch38, 152_098_786, "C", "G")
                .as_deref(),
            Some("L536=")
        );
        assert_eq!(m.protein_change(Build::Grch38, 152_000_000, "A", "C"), None);
    }

    #[test]
    fn build_is_detected_from_chromosome_6_length() {
        assert_eq!(Build::from_chr6_length(170_805_979), Some(Build::Grch38));
        assert_eq!(Build::from_chr6_length(171_115_067), Some(Build::Grch37));
        assert_eq!(Build::from_chr6_length(1000), None);
    }
}
