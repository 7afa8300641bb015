//! Position-specific sequencing artefacts: a fixed set of sites inside the ESR1 exon targets
//! where one alt base appears in every sample at an overdispersed, site-specific rate — the
//! background a cohort (shearwater-style) error model exists to remove.

use crate::error::SimulateError;
use crate::reads::{SampleAllele, SampleArtefact};
use crate::reference::{RefWindow, CONTIG};
use crate::rng::Rng;
use crate::sites::genomic;
use esr1_science::esr1::Esr1Model;

/// Which reads an artefact can hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtefactStrand {
    /// Reads of both strands (the error sits on the fragment, so both mates show it).
    Both,
    /// Reverse-strand reads only.
    Reverse,
}

impl ArtefactStrand {
    /// The spelling in `truth_artefacts.tsv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Both => "both",
            Self::Reverse => "reverse",
        }
    }
}

/// One artefact site. A sample's rate is drawn from Beta(`alpha`, `concentration` −
/// `alpha`), whose mean is [`ArtefactSite::mean_rate`].
#[derive(Debug, Clone, PartialEq)]
pub struct ArtefactSite {
    /// GRCh38 position on chr6.
    pub pos: u64,
    /// Reference base.
    pub ref_base: u8,
    /// The erroneous base.
    pub alt_base: u8,
    /// First Beta shape parameter (an integer, so the draw needs no transcendental functions).
    pub alpha: u32,
    /// Beta concentration (alpha + beta).
    pub concentration: u32,
    /// Which strands carry it.
    pub strand: ArtefactStrand,
    /// Only within [`crate::reads::READ_END_BASES`] of a read end.
    pub read_end: bool,
}

impl ArtefactSite {
    /// Mean rate per eligible unit: per fragment for a both-strand, any-position artefact,
    /// else per eligible read.
    pub fn mean_rate(&self) -> f64 {
        f64::from(self.alpha) / f64::from(self.concentration)
    }

    /// Whether the error is drawn per fragment (both mates agree) rather than per read.
    pub fn per_fragment(&self) -> bool {
        self.strand == ArtefactStrand::Both && !self.read_end
    }
}

/// The fixed sites: (mRNA position, alpha, concentration, strand, read end only). Means run
/// from 0.1 % to 0.8 %; concentrations from 250 to 1000. All lie in the CDS of the exon 1, 5,
/// 7 and 8 targets, off every hotspot and germline SNP position.
const SITES: [(u64, u32, u32, ArtefactStrand, bool); 8] = [
    (455, 1, 500, ArtefactStrand::Both, false),
    (610, 3, 500, ArtefactStrand::Both, true),
    (1350, 1, 1000, ArtefactStrand::Both, false),
    (1440, 2, 500, ArtefactStrand::Reverse, false),
    (1660, 1, 400, ArtefactStrand::Both, false),
    (1750, 2, 250, ArtefactStrand::Reverse, true),
    (1820, 3, 1000, ArtefactStrand::Reverse, false),
    (1960, 2, 400, ArtefactStrand::Both, true),
];

/// The alt base of an artefact at `ref_base`: deamination-like C>T / G>A at even sites,
/// oxidation-like G>T / C>A at odd ones; A>C and T>G at A and T.
fn artefact_alt(ref_base: u8, k: usize) -> u8 {
    match (ref_base, k % 2) {
        (b'C', 0) => b'T',
        (b'G', 0) => b'A',
        (b'C', _) => b'A',
        (b'G', _) => b'T',
        (b'A', _) => b'C',
        _ => b'G',
    }
}

/// The artefact sites of the simulated reference.
pub fn artefact_sites(
    model: &Esr1Model,
    window: &RefWindow,
) -> Result<Vec<ArtefactSite>, SimulateError> {
    SITES
        .iter()
        .enumerate()
        .map(|(k, &(mrna, alpha, concentration, strand, read_end))| {
            let pos = genomic(model, mrna)?;
            let ref_base = window.base(pos);
            Ok(ArtefactSite {
                pos,
                ref_base,
                alt_base: artefact_alt(ref_base, k),
                alpha,
                concentration,
                strand,
                read_end,
            })
        })
        .collect()
}

/// Beta(`a`, `b`) for integer shapes: the `a`-th smallest of `a + b − 1` uniforms.
pub fn beta_integer(rng: &mut Rng, a: u32, b: u32) -> f64 {
    let a = a.max(1) as usize;
    let n = a + b.max(1) as usize - 1;
    // The `a` smallest so far, ascending.
    let mut smallest: Vec<f64> = Vec::with_capacity(a + 1);
    for _ in 0..n {
        let u = rng.f64();
        if smallest.len() == a && u >= smallest[a - 1] {
            continue;
        }
        let at = smallest.partition_point(|&x| x < u);
        smallest.insert(at, u);
        smallest.truncate(a);
    }
    smallest.last().copied().unwrap_or(0.0)
}

/// One sample's rate at each site (in `sites` order), from its own random stream.
pub fn sample_rates(seed: u64, sample: &str, sites: &[ArtefactSite]) -> Vec<f64> {
    let mut rng = Rng::derive(seed, &format!("artefacts:{sample}"));
    sites
        .iter()
        .map(|s| beta_integer(&mut rng, s.alpha, s.concentration - s.alpha))
        .collect()
}

/// Splits a sample's artefacts into fragment-level ones (simulated like alleles) and
/// read-level ones.
pub fn sample_artefacts(
    sites: &[ArtefactSite],
    rates: &[f64],
) -> (Vec<SampleAllele>, Vec<SampleArtefact>) {
    let mut alleles = Vec::new();
    let mut reads = Vec::new();
    for (s, &rate) in sites.iter().zip(rates) {
        if s.per_fragment() {
            alleles.push(SampleAllele {
                pos: s.pos,
                alt: s.alt_base,
                vaf: rate,
            });
        } else {
            reads.push(SampleArtefact {
                pos: s.pos,
                alt: s.alt_base,
                rate,
                reverse_only: s.strand == ArtefactStrand::Reverse,
                read_end_only: s.read_end,
            });
        }
    }
    (alleles, reads)
}

/// `truth_artefacts.tsv`: one row per site.
pub fn truth_artefacts_text(sites: &[ArtefactSite]) -> String {
    let mut s = String::from("chrom\tpos\tref\talt\tmean_rate\tstrand\tread_end\tconcentration\n");
    for a in sites {
        s.push_str(&format!(
            "{CONTIG}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            a.pos,
            char::from(a.ref_base),
            char::from(a.alt_base),
            a.mean_rate(),
            a.strand.as_str(),
            if a.read_end { "yes" } else { "no" },
            a.concentration
        ));
    }
    s
}

/// `truth_artefact_rates.tsv`: each sample's drawn rate at each site.
pub fn truth_rates_text(sites: &[ArtefactSite], per_sample: &[(String, Vec<f64>)]) -> String {
    let mut s = String::from("sample\tchrom\tpos\talt\trate\n");
    for (sample, rates) in per_sample {
        for (a, rate) in sites.iter().zip(rates) {
            s.push_str(&format!(
                "{sample}\t{CONTIG}\t{}\t{}\t{:.6}\n",
                a.pos,
                char::from(a.alt_base),
                rate
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulate_beta_integer_has_the_beta_mean() {
        let mut rng = Rng::new(3);
        for (a, c) in [(1u32, 1000u32), (2, 500), (3, 1000)] {
            let n = 4000;
            let draws: Vec<f64> = (0..n).map(|_| beta_integer(&mut rng, a, c - a)).collect();
            let mean = draws.iter().sum::<f64>() / f64::from(n);
            let want = f64::from(a) / f64::from(c);
            assert!(
                (mean / want - 1.0).abs() < 0.08,
                "{a}/{c}: {mean} vs {want}"
            );
            assert!(draws.iter().all(|&x| (0.0..1.0).contains(&x)));
        }
    }
}
