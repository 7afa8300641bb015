//! Tests of [`super`]: hgvs.

use super::*;

/// GRCh38 position of a c. position in exon 8 (c.1554 = chr6:152,098,732, verified).
fn ex8(c: u64) -> u64 {
    152_098_732 + (c - 1554)
}

fn name(build: Build, pos: u64, r: &str, a: &str) -> (String, Option<String>) {
    let h = Esr1Model::builtin()
        .hgvs(build, pos, r, a)
        .unwrap_or_else(|| panic!("{build} {pos} {r}>{a} not named"));
    (h.c, h.p)
}

fn check(pos: u64, r: &str, a: &str, c: &str, p: Option<&str>) {
    for (build, shift) in [(Build::Grch38, 0), (Build::Grch37, 321_135)] {
        let (got_c, got_p) = name(build, pos + shift, r, a);
        assert_eq!(got_c, c, "{build} {pos} {r}>{a}");
        assert_eq!(got_p.as_deref(), p, "{build} {pos} {r}>{a}");
    }
}

#[test]
fn every_hotspot_reproduces_the_table_in_both_builds() {
    let m = Esr1Model::builtin();
    for build in [Build::Grch38, Build::Grch37] {
        for h in &m.hotspots {
            let got = m
                .hgvs(
                    build,
                    h.pos(build),
                    &h.ref_base.to_string(),
                    &h.alt_base.to_string(),
                )
                .unwrap_or_else(|| panic!("{build} {} not named", h.name));
            assert_eq!(got.c, h.hgvs_c, "{build} {}", h.name);
            assert_eq!(
                got.p.as_deref(),
                Some(h.hgvs_p.as_str()),
                "{build} {}",
                h.name
            );
        }
    }
}

// Reference bases around the LBD hotspots (NM_000125.4, c. numbering, exon 8):
//   c.1597 GTG V533 | 1600 GTG V534 | 1603 CCC P535 | 1606 CTC L536 | 1609 TAT Y537 |
//   1612 GAC D538 | 1615 CTG L539
// so c.1596 = C (end of N532 AAC) and c.1602 = G.

#[test]
fn substitutions_and_mnvs() {
    // L536Q: CTC -> CAG.
    check(
        152_098_785,
        "TC",
        "AG",
        "c.1607_1608delinsAG",
        Some("p.Leu536Gln"),
    );
    // CTC TAT -> C ACG AT = CAC GAT: both codons change.
    check(
        ex8(1607),
        "TCT",
        "ACG",
        "c.1607_1609delinsACG",
        Some("p.Leu536_Tyr537delinsHisAsp"),
    );
    // CTC -> CTG is still Leu.
    check(ex8(1608), "C", "G", "c.1608C>G", Some("p.Leu536="));
    // TAT -> TAA is a stop.
    check(ex8(1611), "T", "A", "c.1611T>A", Some("p.Tyr537Ter"));
    // The stop codon c.1786_1788 TGA -> TAA keeps the stop.
    check(ex8(1787), "G", "A", "c.1787G>A", Some("p.Ter596="));
    // TGA -> TGG (Trp): reading on in the 3' UTR, GAG CTC CCT GGC TCC CAC ACG GTT CAG
    // ATA ATC CCT GCT GCA TTT TAC CCT CAT CAT GCA CCA CTT TAG: the new stop is the 24th
    // codon counting Trp596 as 1.
    check(
        ex8(1788),
        "A",
        "G",
        "c.1788A>G",
        Some("p.Ter596TrpextTer24"),
    );
    // Start codon: c.1_3 ATG at mRNA 232..234, exon 1 (c.-231 = chr6:151,807,682).
    check(151_807_682 + 232, "T", "C", "c.2T>C", Some("p.Met1?"));
}

#[test]
fn deletions_are_shifted_3_prime_and_named_on_the_protein() {
    // VCF left-aligns the deletion of one GTG of V533-V534 to the anchor c.1596 C;
    // HGVS names the 3'-most copy: c.1600_1602del, and the protein loses Val534.
    check(
        ex8(1596),
        "CGTG",
        "C",
        "c.1600_1602del",
        Some("p.Val534del"),
    );
    // Exon 5 (c.1097 = chr6:152,011,656): c.1168 GGT G390 | 1171 CTC L391 | 1174 GTC
    // V392 | 1177 TGG W393. Deleting GTC (c.1174_1176) left-aligns over "TC" to TCG at
    // c.1172_1174 (anchor c.1171 C); CTC TGG remains: Leu391 Trp393.
    check(
        152_011_656 + (1171 - 1097),
        "CTCG",
        "C",
        "c.1174_1176del",
        Some("p.Val392del"),
    );
    // Deleting c.1607_1609 TCT: C|AT GAC -> CAT GAC: Leu536 and Tyr537 become His.
    check(
        ex8(1606),
        "CTCT",
        "C",
        "c.1607_1609del",
        Some("p.Leu536_Tyr537delinsHis"),
    );
    // c.1588 TGC C530 | 1591 AAG K531: deleting c.1589_1591 GCA leaves T|AG = TAG, a stop
    // in place of Cys530 (residues after a new stop are not described).
    check(
        ex8(1588),
        "TGCA",
        "T",
        "c.1589_1591del",
        Some("p.Cys530Ter"),
    );
    // Deleting c.1606_1611 CTCTAT (anchor c.1605 C): two whole codons.
    check(
        ex8(1605),
        "CCTCTAT",
        "C",
        "c.1606_1611del",
        Some("p.Leu536_Tyr537del"),
    );
}

#[test]
fn frameshifts_count_to_the_new_stop() {
    // c.1603_1606 is a run of four C (CCC of P535 and the first C of L536). VCF writes the
    // deletion of one C at the anchor c.1602 G; the 3' rule names c.1606del.
    // Mutated reading frame from codon 534: GTG CCC TCT ATG ACC TGC TGC TGG AGA TGC TGG
    // ACG CCC ACC GCC TAC ATG CGC CCA CTA GCC GTG GAG GGG CAT CCG TGG AGG AGA CGG ACC
    // AAA GCC ACT TGG CCA CTG CGG GCT CTA CTT CAT CGC ATT CCT TGC AAA AGT ATT ACA TCA
    // CGG GGG AGG CAG AGG GTT TCC CTG CCA CGG TCT GAG AGC TCC CTG GCT CCC ACA CGG TTC
    // AGA TAA: Pro535 stays (CCC), codon 536 TCT = Ser is the first change, and the
    // TAA is codon 606, the 71st counting Ser536 as 1.
    check(
        ex8(1602),
        "GC",
        "G",
        "c.1606del",
        Some("p.Leu536SerfsTer71"),
    );
    // One more C: GTG CCC CCT CTA TGA -> Pro536 (first change), Leu537, stop at 538.
    check(ex8(1602), "G", "GC", "c.1606dup", Some("p.Leu536ProfsTer3"));
}

#[test]
fn insertions_and_duplications() {
    // Inserting GTG after c.1596 C rotates right through GTGGTG: the 3'-most copy is
    // duplicated.
    check(
        ex8(1596),
        "C",
        "CGTG",
        "c.1600_1602dup",
        Some("p.Val534dup"),
    );
    // CTC GCA TAT: Ala between Leu536 and Tyr537; GCA does not repeat CTC.
    check(
        ex8(1608),
        "C",
        "CGCA",
        "c.1608_1609insGCA",
        Some("p.Leu536_Tyr537insAla"),
    );
    // c.1610 A -> CAGC: T CAGC T GAC = TCA GCT GAC: Tyr537 -> Ser Ala, Asp538 kept.
    check(
        ex8(1610),
        "A",
        "CAGC",
        "c.1610delinsCAGC",
        Some("p.Tyr537delinsSerAla"),
    );
}

#[test]
fn intronic_positions_name_the_nearest_placed_boundary() {
    // Exon 7 ends at c.1553 = chr6:152,094,568; exon 8 starts at c.1554 = 152,098,732.
    check(152_094_569, "G", "A", "c.1553+1G>A", Some("p.?"));
    check(152_094_575, "G", "A", "c.1553+7G>A", None);
    check(152_098_730, "A", "G", "c.1554-2A>G", Some("p.?"));
    // Intron 7 is 152,094,569..152,098,731 (4,163 bp): its middle base is 2,082 from both
    // exons and takes "+".
    check(152_096_650, "C", "T", "c.1553+2082C>T", None);
    check(152_096_651, "C", "T", "c.1554-2081C>T", None);
    // Exon 5 (c.1097..c.1235, 152,011,656..152,011,794) has unplaced neighbours 4 and 6:
    // only positions near its boundaries are surely intronic.
    check(152_011_799, "A", "G", "c.1235+5A>G", None);
    check(152_011_646, "A", "G", "c.1097-10A>G", None);
    check(
        152_011_657 - 3,
        "AT",
        "GC",
        "c.1097-2_1097-1delinsGC",
        Some("p.?"),
    );
    // Exon 1 ends at c.452 = 151,808,364.
    check(151_808_367, "A", "G", "c.452+3A>G", None);
    let m = Esr1Model::builtin();
    assert_eq!(m.hgvs(Build::Grch38, 152_011_794 + 500, "A", "G"), None);
    assert_eq!(m.hgvs(Build::Grch38, 152_011_656 - 100, "A", "G"), None);
    assert_eq!(m.hgvs(Build::Grch38, 151_807_681, "A", "G"), None);
    // Intronic indels whose 3' side is intron are not named: the intron's sequence would
    // be needed for the 3' rule.
    assert_eq!(m.hgvs(Build::Grch38, 152_094_575, "GA", "G"), None);
    assert_eq!(m.hgvs(Build::Grch38, 152_094_568, "GT", "G"), None);
    assert_eq!(m.hgvs(Build::Grch38, 152_098_732 - 5, "C", "CA"), None);
}

#[test]
fn deletions_at_the_acceptor_are_shifted_over_known_bases() {
    // Exon 8 starts at c.1554 = 152,098,732; c.1554..1560 = TAACAAA. The intronic REF
    // bases below are made up (the model cannot check intronic bases): 152,098,729..731 =
    // CAG, the usual acceptor AG.
    let m = Esr1Model::builtin();
    assert_eq!(&m.mrna[1554 + 230..1560 + 231], b"TAACAAA");
    // Deleting the AG: the base after it (c.1554 T) is exonic and differs from A: no shift.
    check(152_098_729, "CAG", "C", "c.1554-2_1554-1del", Some("p.?"));
    // Deleting the G and the exon's first base T: c.1555 A differs from G: no shift.
    check(152_098_729, "CAGT", "CA", "c.1554-1_1554del", Some("p.?"));
    // Deleting a T in the intron just before the exon's first T (bases ...G T|T A...):
    // the 3' rule moves it into the exon, c.1554del. Codon 518 AGT (c.1552_1554) becomes
    // AGA: ATG AGA ACA AAG GCA TGG AGC ATC TGT ACA GCA TGA from codon 517, so Arg518 is
    // the first change and TGA the 11th codon counting it as 1.
    check(
        152_098_730,
        "GT",
        "G",
        "c.1554del",
        Some("p.Ser518ArgfsTer11"),
    );
}

#[test]
fn utr_positions() {
    // 3' UTR c.*1..*12 = GAGCTCCCTGGC (mRNA 2020..2031); c.*10 = G at mRNA 2029.
    check(ex8(1554) + (2029 - 1785), "G", "A", "c.*10G>A", None);
    // 5' UTR c.-12..-1 = CGGCCACGGACC; c.-10 = G at mRNA 222 = 151,807,682 + 221.
    check(151_807_682 + 221, "G", "T", "c.-10G>T", None);
}

#[test]
fn reference_mismatch_and_bad_alleles_give_none() {
    let m = Esr1Model::builtin();
    // c.1610 is A, not G.
    assert_eq!(m.hgvs(Build::Grch38, ex8(1610), "G", "C"), None);
    assert_eq!(m.hgvs(Build::Grch38, ex8(1596), "CGTA", "C"), None);
    assert_eq!(m.hgvs(Build::Grch38, ex8(1610), "A", "<DEL>"), None);
    assert_eq!(m.hgvs(Build::Grch38, ex8(1610), "A", "A"), None);
}
