//! Tests of [`super`]: consequences of real ESR1 variants and the count rules.

use super::*;
use crate::esr1::{Build, Esr1Model};

/// GRCh38 position of a c. position in exon 8 (c.1554 = chr6:152,098,732, verified).
fn ex8(c: u64) -> u64 {
    152_098_732 + (c - 1554)
}

/// GRCh38 position of an mRNA position in exon 1 (mRNA 1 = chr6:151,807,682).
fn ex1(m: u64) -> u64 {
    151_807_682 + (m - 1)
}

/// Consequence and residue in both builds (GRCh37 = GRCh38 + 321,135 across the gene); the
/// two builds must agree.
fn classify(pos: u64, r: &str, a: &str) -> (Consequence, Option<u64>) {
    let m = Esr1Model::builtin();
    let mut seen = Vec::new();
    for (build, shift) in [(Build::Grch38, 0), (Build::Grch37, 321_135)] {
        let h = m.hgvs(build, pos + shift, r, a);
        seen.push((
            Consequence::from_hgvs(h.as_ref(), r.len() == a.len()),
            residue(h.as_ref()),
        ));
    }
    assert_eq!(seen[0], seen[1], "{pos} {r}>{a}: builds disagree");
    seen[0]
}

#[test]
fn coding_consequences_of_the_readme_examples() {
    use Consequence::*;
    // c.1610A>C p.Tyr537Ser, the hotspot Y537S.
    assert_eq!(classify(152_098_788, "A", "C"), (Missense, Some(537)));
    // L536Q, the MNV CTC -> CAG, is one missense change.
    assert_eq!(classify(152_098_785, "TC", "AG"), (Missense, Some(536)));
    // A same-length change over two codons (p.Leu536_Tyr537delinsHisAsp) is missense too.
    assert_eq!(classify(ex8(1607), "TCT", "ACG"), (Missense, Some(536)));
    // L536=: CTC -> CTG.
    assert_eq!(classify(ex8(1608), "C", "G"), (Synonymous, Some(536)));
    // The stop codon kept: p.Ter596=.
    assert_eq!(classify(ex8(1787), "G", "A"), (Synonymous, Some(596)));
    // V534del (c.1600_1602del) and p.Leu536_Tyr537delinsHis (c.1607_1609del).
    assert_eq!(classify(ex8(1596), "CGTG", "C"), (InframeIndel, Some(534)));
    assert_eq!(classify(ex8(1606), "CTCT", "C"), (InframeIndel, Some(536)));
    assert_eq!(classify(ex8(1608), "C", "CGCA"), (InframeIndel, Some(536)));
    // L536Sfs*71 (c.1606del) and L536Pfs*3 (c.1606dup).
    assert_eq!(classify(ex8(1602), "GC", "G"), (Frameshift, Some(536)));
    assert_eq!(classify(ex8(1602), "G", "GC"), (Frameshift, Some(536)));
    // Y537* (c.1611T>A) and the in-frame deletion that makes C530* (c.1589_1591del).
    assert_eq!(classify(ex8(1611), "T", "A"), (StopGained, Some(537)));
    assert_eq!(classify(ex8(1588), "TGCA", "T"), (StopGained, Some(530)));
    // The stop codon read through: p.Ter596TrpextTer24.
    assert_eq!(classify(ex8(1788), "A", "G"), (StopLost, Some(596)));
    // c.2T>C p.Met1?.
    assert_eq!(classify(ex1(233), "T", "C"), (StartLost, Some(1)));
}

#[test]
fn non_coding_consequences_and_splice_sites() {
    use Consequence::*;
    // c.1553+1G>A and c.1554-2A>G: canonical splice sites, anchored on codon 518.
    assert_eq!(classify(152_094_569, "G", "A"), (SpliceSite, Some(518)));
    assert_eq!(classify(152_098_730, "A", "G"), (SpliceSite, Some(518)));
    // A deletion of the acceptor AG (c.1554-2_1554-1del) and one crossing into the exon.
    assert_eq!(classify(152_098_729, "CAG", "C").0, SpliceSite);
    assert_eq!(classify(152_098_729, "CAGT", "CA").0, SpliceSite);
    // c.1553+7G>A, c.1097-10A>G and the middle of intron 7: intronic.
    assert_eq!(classify(152_094_575, "G", "A").0, Intronic);
    assert_eq!(classify(152_011_646, "A", "G").0, Intronic);
    assert_eq!(classify(152_096_650, "C", "T").0, Intronic);
    // c.*10G>A and c.-10G>T.
    assert_eq!(classify(ex8(1554) + (2029 - 1785), "G", "A").0, Utr3);
    assert_eq!(classify(ex1(222), "G", "T").0, Utr5);
    // chr6:152011631C>T lies 25 bases before exon 5, whose neighbour exon 4 is not placed:
    // the model cannot name it, so it is unknown.
    assert_eq!(classify(152_011_631, "C", "T"), (Unknown, None));
    for c in [
        Missense,
        InframeIndel,
        Frameshift,
        StopGained,
        StopLost,
        StartLost,
        SpliceSite,
    ] {
        assert!(c.protein_altering(), "{c}");
    }
    for c in [Synonymous, Intronic, Utr5, Utr3, Unknown] {
        assert!(!c.protein_altering(), "{c}");
    }
}

#[test]
fn count_rules_choose_hotspots_lbd_protein_altering_or_all() {
    let m = Esr1Model::builtin();
    let effect = |pos: u64, r: &str, a: &str| {
        let h = m.hgvs(Build::Grch38, pos, r, a);
        Effect {
            consequence: Consequence::from_hgvs(h.as_ref(), r.len() == a.len()),
            hotspot: m.hotspot_at(Build::Grch38, pos, a).is_some() && r.len() == 1,
            residue: residue(h.as_ref()),
        }
    };
    // Exon 1's codon 2 is ACC (Thr); GCC is Ala: a missense change outside the LBD.
    assert_eq!(&m.mrna[234..237], b"ACC");
    let y537s = effect(152_098_788, "A", "C");
    let l536q = effect(152_098_785, "TC", "AG");
    let t2a = effect(ex1(235), "A", "G");
    let l536_syn = effect(ex8(1608), "C", "G");
    let utr3 = effect(ex8(1554) + (2029 - 1785), "G", "A");
    let rule = |r: CountRule| -> Vec<bool> {
        [y537s, l536q, t2a, l536_syn, utr3]
            .iter()
            .map(|e| r.counts(e))
            .collect()
    };
    assert_eq!(t2a.consequence, Consequence::Missense);
    assert_eq!(
        rule(CountRule::Hotspots),
        [true, false, false, false, false]
    );
    assert_eq!(rule(CountRule::Lbd), [true, true, false, false, false]);
    assert_eq!(
        rule(CountRule::ProteinAltering),
        [true, true, true, false, false]
    );
    assert_eq!(rule(CountRule::All), [true; 5]);
    assert_eq!(CountRule::default(), CountRule::ProteinAltering);
}

#[test]
fn count_rules_parse_and_print() {
    for r in [
        CountRule::Hotspots,
        CountRule::Lbd,
        CountRule::ProteinAltering,
        CountRule::All,
    ] {
        assert_eq!(r.as_str().parse::<CountRule>(), Ok(r));
    }
    let err = "coding".parse::<CountRule>().unwrap_err();
    assert!(
        err.contains("'coding'") && err.contains("protein-altering"),
        "{err}"
    );
}
