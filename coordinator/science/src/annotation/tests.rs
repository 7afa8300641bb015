//! Tests of [`super`]: annotation.

use std::io::Write;

use super::*;

/// The fixtures' GRCh38 exons. Exons 1, 5, 7 and 8 are the verified ones; exons 2, 3, 4 and
/// 6 are SYNTHETIC (invented coordinates between the verified exons), sized so that exon 2
/// starts at mRNA 684, exon 4 ends at 1327 (192 + 117 + 335 = 644 bp) and exon 6 covers
/// mRNA 1467..1600 (134 bp). GRCh37 = GRCh38 + 321,135.
const SYNTHETIC_GRCH38: [(u64, u64); 8] = [
    (151_807_682, 151_808_364),
    (151_900_001, 151_900_192),
    (151_950_001, 151_950_117),
    (152_000_001, 152_000_335),
    (152_011_656, 152_011_794),
    (152_050_001, 152_050_134),
    (152_094_385, 152_094_568),
    (152_098_732, 152_103_274),
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/annotation")
        .join(name)
}

/// A GTF of the given exons of ENST00000206249.8 on chr6.
fn gtf(exons: &[(u64, u64)]) -> String {
    let mut s = String::from("#!synthetic exons, see SYNTHETIC_GRCH38\n");
    for (i, (a, b)) in exons.iter().enumerate() {
        s.push_str(&format!(
            "chr6\tt\texon\t{a}\t{b}\t.\t+\t.\tgene_id \"g\"; \
             transcript_id \"ENST00000206249.8\"; exon_number \"{}\";\n",
            i + 1
        ));
    }
    s
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write test file");
    path
}

fn annotated(path: &Path) -> Esr1Model {
    let a = load_annotation(path).unwrap_or_else(|e| panic!("{e}"));
    Esr1Model::builtin()
        .with_annotation(&a)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn gtf_fixture_is_grch38_and_fills_every_exon() {
    let path = fixture("esr1_synthetic_grch38.gtf");
    let a = load_annotation(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.build, Build::Grch38);
    assert_eq!(a.transcript, "ENST00000206249.8");
    assert_eq!(a.chromosome, "chr6");
    let spans: Vec<(u64, u64)> = a.exons.iter().map(|e| (e.start, e.end)).collect();
    assert_eq!(spans, SYNTHETIC_GRCH38);
    // Line 1 is the comment, 2 gene, 3 transcript, 4 an exon of another transcript.
    assert_eq!(a.exons[0].line, 5);
    let m = Esr1Model::builtin()
        .with_annotation(&a)
        .unwrap_or_else(|e| panic!("{e}"));
    let ex6 = &m.exons[5];
    assert_eq!((ex6.mrna_start, ex6.mrna_end), (Some(1467), Some(1600)));
    assert_eq!(ex6.grch38, Some((152_050_001, 152_050_134)));
    assert_eq!(m.exons[1].mrna_end, Some(875));
    assert_eq!(m.exons[2].mrna_start, Some(876));
    assert_eq!(m.placed_exons(Build::Grch38).count(), 8);
    // GRCh37 is untouched by a GRCh38 annotation.
    assert_eq!(m.placed_exons(Build::Grch37).count(), 4);
}

#[test]
fn a_variant_in_exon_6_is_named_after_loading() {
    // Exon 6 = c.1236..c.1369 at synthetic GRCh38 152,050,001..152,050,134.
    // NM_000125.4 c.1255..c.1270: GAG GGC ATG GTG GAG A = E419 G420 M421 V422 E423.
    // Deleting V422's GTG (c.1264_1266) left-aligns over "TGG" to the anchor c.1261 A
    // (VCF: ATGG>A at 152,050,001 + 25); the 3' rule shifts it to TGG at c.1265_1267;
    // ATG GAG remains: p.Val422del.
    let m = annotated(&fixture("esr1_synthetic_grch38.gtf"));
    let h = m.hgvs(Build::Grch38, 152_050_026, "ATGG", "A");
    assert_eq!(h.as_ref().map(|h| h.c.as_str()), Some("c.1265_1267del"));
    assert_eq!(h.and_then(|h| h.p).as_deref(), Some("p.Val422del"));
    // c.1264G>A: GTG -> ATG.
    let h = m.hgvs(Build::Grch38, 152_050_001 + 28, "G", "A");
    assert_eq!(h.as_ref().map(|h| h.c.as_str()), Some("c.1264G>A"));
    assert_eq!(h.and_then(|h| h.p).as_deref(), Some("p.Val422Met"));
    // Introns 5 and 6 are now bounded on both sides.
    let h = m.hgvs(Build::Grch38, 152_050_000, "A", "G");
    assert_eq!(h.as_ref().map(|h| h.c.as_str()), Some("c.1236-1A>G"));
    assert_eq!(h.and_then(|h| h.p).as_deref(), Some("p.?"));
    let h = m.hgvs(Build::Grch38, 152_030_000, "A", "G");
    assert_eq!(h.map(|h| h.c).as_deref(), Some("c.1235+18206A>G"));
    // Without the annotation exon 6 is not placed.
    assert_eq!(
        Esr1Model::builtin().hgvs(Build::Grch38, 152_050_026, "ATGG", "A"),
        None
    );
}

#[test]
fn refseq_gff3_fixture_is_grch37() {
    let m = annotated(&fixture("esr1_synthetic_grch37.gff3"));
    assert_eq!(m.exons[5].grch37, Some((152_371_136, 152_371_269)));
    let h = m.hgvs(Build::Grch37, 152_050_026 + 321_135, "ATGG", "A");
    assert_eq!(h.map(|h| h.c).as_deref(), Some("c.1265_1267del"));
}

#[test]
fn ensembl_gff3_is_read_from_memory() {
    // Ensembl style: chromosome "6", Parent=transcript:ENST00000206249 without version.
    let mut text = String::from("##gff-version 3\n");
    for (i, (a, b)) in SYNTHETIC_GRCH38.iter().enumerate() {
        text.push_str(&format!(
            "6\tensembl\texon\t{a}\t{b}\t.\t+\t.\t\
             Parent=transcript:ENST00000206249;Name=E{i};rank={}\n",
            i + 1
        ));
    }
    let a = read_annotation(
        text.as_bytes(),
        AnnotationFormat::Gff3,
        Path::new("memory.gff3"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (a.transcript.as_str(), a.chromosome.as_str(), a.build),
        ("ENST00000206249", "6", Build::Grch38)
    );
    assert_eq!(a.exons.len(), 8);
    assert_eq!(a.exons[7].line, 9);
}

#[test]
fn bgzf_is_read_and_plain_gzip_is_refused_with_advice() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("a.gtf.gz");
    let mut w = bgzf::io::Writer::new(File::create(&path).expect("create"));
    w.write_all(gtf(&SYNTHETIC_GRCH38).as_bytes())
        .expect("write");
    w.finish().expect("finish");
    assert_eq!(
        load_annotation(&path).map(|a| a.build).ok(),
        Some(Build::Grch38)
    );
    // A gzip header without the BGZF "BC" extra field.
    let plain = dir.path().join("b.gtf.gz");
    std::fs::write(&plain, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0]).expect("write");
    let e = load_annotation(&plain).expect_err("plain gzip").to_string();
    assert!(e.contains("b.gtf.gz") && e.contains("bgzip"), "{e}");
}

#[test]
fn wrong_build_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Every exon moved by 1,000 bp: exon 5 matches neither build.
    let moved: Vec<(u64, u64)> = SYNTHETIC_GRCH38
        .iter()
        .map(|&(a, b)| (a + 1000, b + 1000))
        .collect();
    let path = write(&dir, "moved.gtf", &gtf(&moved));
    let e = load_annotation(&path).expect_err("wrong build").to_string();
    assert!(e.contains("moved.gtf"), "{e}");
    assert!(
        e.contains("exon 5") && e.contains("152012656-152012794"),
        "{e}"
    );
    assert!(e.contains("GRCh38 chr6:152011656-152011794"), "{e}");
    assert!(e.contains("GRCh37 chr6:152332791-152332929"), "{e}");
    // GRCh38 exons on the GRCh37 RefSeq accession.
    let refseq = gtf(&SYNTHETIC_GRCH38).replace("chr6\t", "NC_000006.11\t");
    let path = write(&dir, "mixed.gtf", &refseq);
    let e = load_annotation(&path).expect_err("mixed build").to_string();
    assert!(e.contains("NC_000006.11 is GRCh37"), "{e}");
}

#[test]
fn contradictions_name_the_exon() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Exon 7 three bases longer than verified (and exon 6 three shorter to keep 6327).
    let mut ex = SYNTHETIC_GRCH38;
    ex[5].1 -= 3;
    ex[6].1 += 3;
    let path = write(&dir, "exon7.gtf", &gtf(&ex));
    let a = load_annotation(&path).unwrap_or_else(|e| panic!("{e}"));
    let e = Esr1Model::builtin()
        .with_annotation(&a)
        .expect_err("exon 6 ends early")
        .to_string();
    // Exon 6 (line 7: line 1 is a comment) is checked first: it ends at mRNA 1597.
    assert!(e.contains("exon7.gtf:7: exon 6"), "{e}");
    assert!(e.contains("mRNA end at 1597") && e.contains("1600"), "{e}");
    // Exon 7 moved 3 bp downstream: lengths and mRNA boundaries hold, the verified
    // coordinates do not.
    let mut ex = SYNTHETIC_GRCH38;
    ex[6] = (ex[6].0 + 3, ex[6].1 + 3);
    let path = write(&dir, "shifted.gtf", &gtf(&ex));
    let a = load_annotation(&path).unwrap_or_else(|e| panic!("{e}"));
    let e = Esr1Model::builtin()
        .with_annotation(&a)
        .expect_err("exon 7 moved")
        .to_string();
    assert!(e.contains("shifted.gtf:8: exon 7"), "{e}");
    assert!(
        e.contains("GRCh38 152094388-152094571, verified at 152094385-152094568"),
        "{e}"
    );
    // Exon 8 missing.
    let path = write(&dir, "seven.gtf", &gtf(&SYNTHETIC_GRCH38[..7]));
    let a = load_annotation(&path).unwrap_or_else(|e| panic!("{e}"));
    let e = Esr1Model::builtin()
        .with_annotation(&a)
        .expect_err("seven exons")
        .to_string();
    assert!(
        e.contains("seven.gtf: ENST00000206249.8 (lines 2-8) has 7 exons"),
        "{e}"
    );
    // Lengths not summing to the mRNA.
    let mut ex = SYNTHETIC_GRCH38;
    ex[1].1 += 1;
    let path = write(&dir, "long.gtf", &gtf(&ex));
    let a = load_annotation(&path).unwrap_or_else(|e| panic!("{e}"));
    let e = Esr1Model::builtin()
        .with_annotation(&a)
        .expect_err("too long")
        .to_string();
    assert!(e.contains("sum to 6328") && e.contains("6327"), "{e}");
}

#[test]
fn a_file_without_the_transcript_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let other = gtf(&SYNTHETIC_GRCH38).replace("ENST00000206249.8", "ENST00000999999.1");
    let path = write(&dir, "other.gtf", &other);
    let e = load_annotation(&path)
        .expect_err("no transcript")
        .to_string();
    assert!(e.contains("other.gtf") && e.contains("NM_000125"), "{e}");
    assert!(e.contains("ENST00000206249"), "{e}");
    let path = write(&dir, "x.bed", "chr6\t1\t2\n");
    let e = load_annotation(&path).expect_err("extension").to_string();
    assert!(e.contains(".gtf, .gff3 or .gff"), "{e}");
    let bad = gtf(&SYNTHETIC_GRCH38).replace("\t151807682\t", "\tabc\t");
    let path = write(&dir, "bad.gtf", &bad);
    let e = load_annotation(&path).expect_err("bad start").to_string();
    assert!(e.contains("bad.gtf:2: start"), "{e}");
}
