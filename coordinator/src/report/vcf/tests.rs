//! Tests of the cohort VCF writer: encoding, sorting, and bad input as errors.

use crate::report::vcf::{cohort_vcf_bytes, CohortVcf, VcfGenotype, VcfVariant};
use noodles::bgzf;
use noodles::vcf;
use noodles::vcf::variant::record_buf::info::field::Value as InfoValue;
use std::io::Read;

fn one_sample() -> CohortVcf {
    CohortVcf {
        chrom: "chr6".into(),
        chrom_length: 170_805_979,
        build: "GRCh38".into(),
        reference_uri: "GRCh38.fa".into(),
        source: "esr1-coordinator test".into(),
        file_date: None,
        samples: vec!["S1".into()],
        variants: vec![VcfVariant {
            pos: 152_098_785,
            ref_allele: "tc".into(),
            alt_allele: "AG".into(),
            filters: vec![],
            gene: "ESR1".into(),
            hgvs_c: Some("c.1607_1608delinsAG".into()),
            hgvs_p: Some("p.Leu536Gln".into()),
            protein: Some("L536Q".into()),
            hotspot: Some("near Y537; a=b,c 5%".into()),
            samples_called: 1,
            patients_acquired: 0,
            patients_called: 1,
            genotypes: vec![VcfGenotype {
                called: true,
                ref_depth: 90,
                alt_depth: 10,
                depth: 100,
                background_p: Some(f64::NAN),
                q_value: Some(0.25),
                filters: vec!["low_vaf".into(), "strand_bias".into()],
            }],
        }],
    }
}

fn text(v: &CohortVcf) -> String {
    let (vcf_gz, _) = cohort_vcf_bytes(v).expect("write");
    let mut s = String::new();
    bgzf::io::Reader::new(&vcf_gz[..])
        .read_to_string(&mut s)
        .expect("bgzf");
    s
}

#[test]
fn info_strings_are_percent_encoded_and_hgvs_is_left_alone() {
    let s = text(&one_sample());
    let line = s.lines().last().expect("a record");
    let fields: Vec<&str> = line.split('\t').collect();
    assert_eq!(
        &fields[..7],
        ["chr6", "152098785", ".", "TC", "AG", ".", "PASS"]
    );
    assert_eq!(
        fields[7],
        "GENE=ESR1;HGVSC=c.1607_1608delinsAG;HGVSP=p.Leu536Gln;PROTEIN=L536Q;\
         HOTSPOT=near%20Y537%3B%20a%3Db%2Cc%205%25;NCALLED=1;NACQ=0;NPAT=1"
    );
    assert_eq!(fields[8], "GT:AD:DP:AF:BP:QV:FT");
    assert_eq!(fields[9], "0/1:90,10:100:0.1:.:0.25:low_vaf;strand_bias");
    assert!(!s.contains("fileDate"));
}

#[test]
fn noodles_decodes_the_escapes_back() {
    let v = one_sample();
    let (vcf_gz, _) = cohort_vcf_bytes(&v).expect("write");
    let mut reader = vcf::io::Reader::new(bgzf::io::Reader::new(&vcf_gz[..]));
    let header = reader.read_header().expect("header");
    let record = reader
        .record_bufs(&header)
        .next()
        .expect("one record")
        .expect("parses");
    assert_eq!(
        record.info().get("HOTSPOT"),
        Some(Some(&InfoValue::String("near Y537; a=b,c 5%".into())))
    );
}

fn rejects(change: impl FnOnce(&mut CohortVcf), reason: &str) {
    let mut v = one_sample();
    change(&mut v);
    match cohort_vcf_bytes(&v) {
        Err(e) => assert!(e.to_string().contains(reason), "{e}"),
        Ok(_) => panic!("accepted input that should fail with {reason:?}"),
    }
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    fn variant(v: &mut CohortVcf) -> &mut VcfVariant {
        &mut v.variants[0]
    }
    rejects(|v| v.samples.push("S2".into()), "number of samples");
    rejects(|v| v.samples = vec![], "number of samples");
    rejects(
        |v| {
            v.samples.push("S1".into());
            let g = variant(v).genotypes[0].clone();
            variant(v).genotypes.push(g);
        },
        "appears twice",
    );
    rejects(|v| variant(v).alt_allele = "<DEL>".into(), "A, C, G, T, N");
    rejects(|v| variant(v).ref_allele = String::new(), "A, C, G, T, N");
    rejects(
        |v| variant(v).alt_allele = "TC".into(),
        "equals the reference",
    );
    rejects(|v| variant(v).pos = 0, "within the chromosome");
    rejects(|v| variant(v).pos = 170_805_979, "within the chromosome");
    rejects(|v| variant(v).pos = u64::MAX, "within the chromosome");
    rejects(|v| variant(v).filters = vec!["PASS".into()], "not PASS");
    rejects(
        |v| variant(v).filters = vec!["low vaf".into()],
        "whitespace",
    );
    rejects(
        |v| variant(v).genotypes[0].filters = vec!["a;b".into()],
        "whitespace",
    );
    rejects(|v| variant(v).genotypes[0].depth = 99, "smaller than");
    rejects(|v| variant(v).patients_called = u32::MAX, "VCF Integer");
    rejects(|v| v.chrom = "chr 6".into(), "contig name");
    rejects(|v| v.chrom_length = 0, "1 or more");
    rejects(|v| v.chrom_length = (1 << 29) + 1, "cannot index");
    rejects(|v| v.source = "a\nb".into(), "one line");
}

#[test]
fn records_are_sorted_by_position_then_alt() {
    let mut v = one_sample();
    let first = v.variants[0].clone();
    for (pos, ref_allele, alt) in [(152_098_788, "A", "G"), (152_098_788, "A", "C")] {
        v.variants.insert(
            0,
            VcfVariant {
                pos,
                ref_allele: ref_allele.into(),
                alt_allele: alt.into(),
                ..first.clone()
            },
        );
    }
    let s = text(&v);
    let keys: Vec<(&str, &str)> = s
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[1], f[4])
        })
        .collect();
    assert_eq!(
        keys,
        [("152098785", "AG"), ("152098788", "C"), ("152098788", "G")]
    );
}
