//! Where the simulation puts things on the reference: the capture targets and the fixed
//! germline SNP sites (synonymous or non-coding, away from hotspot codons).

use crate::error::{model_error, SimulateError};
use crate::reference::RefWindow;
use esr1_science::esr1::{Build, Esr1Model, CDS_MRNA_END, CDS_MRNA_START};

/// Padding on each side of the exon 5, 7 and 8 capture targets.
pub const TARGET_PADDING: u64 = 60;

/// The GRCh38 position of an mRNA position.
pub(crate) fn genomic(model: &Esr1Model, mrna_pos: u64) -> Result<u64, SimulateError> {
    model
        .mrna_to_genomic(Build::Grch38, mrna_pos)
        .ok_or_else(|| model_error(format!("mRNA position {mrna_pos} is not placed on GRCh38")))
}

/// The GRCh38 span of an exon.
pub(crate) fn exon_span(model: &Esr1Model, number: u32) -> Result<(u64, u64), SimulateError> {
    model
        .exons
        .iter()
        .find(|e| e.number == number)
        .and_then(|e| e.span(Build::Grch38))
        .ok_or_else(|| model_error(format!("exon {number} is not placed on GRCh38")))
}

/// The capture targets (1-based inclusive, chr6, sorted): ~300 bp of exon 1's CDS, and the
/// CDS parts of exons 5, 7 and 8 (exon 8 up to the stop codon) with 60 bp padding.
pub fn capture_targets(model: &Esr1Model) -> Result<Vec<(u64, u64)>, SimulateError> {
    let exon1 = (
        genomic(model, CDS_MRNA_START + 120)?,
        genomic(model, CDS_MRNA_START + 419)?,
    );
    let (e5s, e5e) = exon_span(model, 5)?;
    let (e7s, e7e) = exon_span(model, 7)?;
    let (e8s, _) = exon_span(model, 8)?;
    let stop = genomic(model, CDS_MRNA_END)?;
    Ok(vec![
        exon1,
        (e5s - TARGET_PADDING, e5e + TARGET_PADDING),
        (e7s - TARGET_PADDING, e7e + TARGET_PADDING),
        (e8s - TARGET_PADDING, stop + TARGET_PADDING),
    ])
}

/// A germline SNP site.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GermlineSite {
    pub(crate) pos: u64,
    pub(crate) ref_base: u8,
    pub(crate) alt_base: u8,
    pub(crate) protein: Option<String>,
}

pub(crate) fn transition(b: u8) -> u8 {
    match b {
        b'A' => b'G',
        b'G' => b'A',
        b'C' => b'T',
        _ => b'C',
    }
}

/// The fixed germline SNP sites: eight positions inside the targets, none at a hotspot
/// position or in a hotspot codon. Coding sites sit at third codon positions with a
/// synonymous alternate (as most common exonic ESR1 SNPs are); the rest are intronic or 3' UTR.
pub(crate) fn germline_sites(
    model: &Esr1Model,
    window: &RefWindow,
) -> Result<Vec<GermlineSite>, SimulateError> {
    let (e5s, _) = exon_span(model, 5)?;
    let (_, e7e) = exon_span(model, 7)?;
    let positions = [
        genomic(model, 402)?,
        genomic(model, 561)?,
        e5s - 25,
        genomic(model, 1422)?,
        genomic(model, 1704)?,
        e7e + 30,
        genomic(model, 1902)?,
        genomic(model, CDS_MRNA_END + 25)?,
    ];
    let protein = |pos: u64, r: u8, a: u8| {
        model.protein_change(
            Build::Grch38,
            pos,
            &char::from(r).to_string(),
            &char::from(a).to_string(),
        )
    };
    Ok(positions
        .iter()
        .map(|&pos| {
            let ref_base = window.base(pos);
            let candidates = [transition(ref_base)]
                .into_iter()
                .chain(b"ACGT".iter().copied().filter(|&b| b != ref_base));
            let mut alt_base = transition(ref_base);
            for c in candidates {
                if protein(pos, ref_base, c).is_some_and(|p| p.ends_with('=')) {
                    alt_base = c;
                    break;
                }
            }
            GermlineSite {
                pos,
                ref_base,
                alt_base,
                protein: protein(pos, ref_base, alt_base),
            }
        })
        .collect())
}
