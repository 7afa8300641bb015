//! cohort.vcf.gz: written by `report::vcf::cohort_vcf_bytes`, read back with noodles and with bcftools.

use crate::util::bcftools;
use std::io::Cursor;
use std::process::Output;

use esr1_coordinator::report::vcf::{
    cohort_vcf_bytes, write_cohort_vcf, CohortVcf, VcfGenotype, VcfVariant,
    OTHER_FILTER_DESCRIPTION,
};
use noodles::bgzf;
use noodles::core::{Position, Region};
use noodles::tabix;
use noodles::vcf::{
    self,
    variant::record_buf::{
        info::field::Value as InfoValue,
        samples::sample::value::{Array, Genotype},
        samples::sample::Value,
    },
    variant::RecordBuf,
};

const SAMPLES: [&str; 3] = ["P01_d0", "P01_d90", "P02_d60"];

fn genotype(called: bool, ref_depth: u32, alt_depth: u32, extra: u32) -> VcfGenotype {
    VcfGenotype {
        called,
        ref_depth,
        alt_depth,
        depth: ref_depth + alt_depth + extra,
        background_p: called.then_some(1e-9),
        q_value: called.then_some(2.5e-7),
        filters: if called || ref_depth + alt_depth == 0 {
            vec![]
        } else {
            vec!["low_alt".into()]
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn variant(
    pos: u64,
    ref_allele: &str,
    alt_allele: &str,
    hgvs_c: &str,
    hgvs_p: &str,
    protein: &str,
    filters: &[&str],
    genotypes: Vec<VcfGenotype>,
) -> VcfVariant {
    let samples_called = genotypes.iter().filter(|g| g.called).count() as u32;
    VcfVariant {
        pos,
        ref_allele: ref_allele.into(),
        alt_allele: alt_allele.into(),
        filters: filters.iter().map(|f| f.to_string()).collect(),
        gene: "ESR1".into(),
        hgvs_c: Some(hgvs_c.into()),
        hgvs_p: Some(hgvs_p.into()),
        protein: Some(protein.into()),
        hotspot: (protein == "Y537S").then(|| protein.into()),
        samples_called,
        patients_acquired: u32::from(samples_called > 0),
        patients_called: samples_called.min(2),
        genotypes,
    }
}

/// Three samples of two patients; the variants are given out of order on purpose.
fn cohort() -> CohortVcf {
    CohortVcf {
        chrom: "chr6".into(),
        chrom_length: 170_805_979,
        build: "GRCh38".into(),
        reference_uri: "s3://refs/GRCh38/chr6.fa".into(),
        source: "esr1-coordinator 0.1.0".into(),
        file_date: Some("20261127".into()),
        samples: SAMPLES.map(String::from).to_vec(),
        variants: vec![
            // Hotspot SNV from data/esr1/hotspots.tsv.
            variant(
                152_098_788,
                "A",
                "C",
                "c.1610A>C",
                "p.Tyr537Ser",
                "Y537S",
                &[],
                vec![
                    genotype(false, 800, 0, 2),
                    genotype(true, 700, 35, 0),
                    genotype(true, 500, 20, 1),
                ],
            ),
            // A deletion, failing a site filter.
            variant(
                152_098_795,
                "TGA",
                "T",
                "c.1618_1619del",
                "p.Glu540fs",
                "E540fs",
                &["strand_bias"],
                vec![
                    genotype(false, 900, 1, 0),
                    genotype(true, 650, 12, 3),
                    genotype(false, 0, 0, 0),
                ],
            ),
            // MNV at the L536 codon.
            variant(
                152_098_785,
                "TC",
                "AG",
                "c.1607_1608delinsAG",
                "p.Leu536Gln",
                "L536Q",
                &[],
                vec![
                    genotype(false, 810, 0, 0),
                    genotype(true, 690, 40, 0),
                    genotype(false, 0, 0, 0),
                ],
            ),
            // Two site filters, one of them not in the documented list.
            variant(
                152_098_791,
                "A",
                "G",
                "c.1613A>G",
                "p.Asp538Gly",
                "D538G",
                &["low_vaf", "panel_of_normals"],
                vec![
                    genotype(false, 820, 2, 0),
                    genotype(true, 710, 6, 0),
                    genotype(false, 505, 1, 0),
                ],
            ),
        ],
    }
}

fn read_all(vcf_gz: &[u8]) -> (vcf::Header, Vec<RecordBuf>) {
    let mut reader = vcf::io::Reader::new(bgzf::io::Reader::new(vcf_gz));
    let header = reader.read_header().expect("header");
    let records = reader
        .record_bufs(&header)
        .collect::<Result<Vec<_>, _>>()
        .expect("records");
    (header, records)
}

fn info_string(record: &RecordBuf, key: &str) -> Option<String> {
    match record.info().get(key) {
        Some(Some(InfoValue::String(s))) => Some(s.clone()),
        None => None,
        other => panic!("INFO/{key} is {other:?}"),
    }
}

fn info_integer(record: &RecordBuf, key: &str) -> i32 {
    match record.info().get(key) {
        Some(Some(InfoValue::Integer(n))) => *n,
        other => panic!("INFO/{key} is {other:?}"),
    }
}

/// What a sample's FORMAT values should be, in `GT:AD:DP:AF:BP:QV:FT` order.
fn expected_sample(g: &VcfGenotype) -> Vec<Option<Value>> {
    let gt = match (g.called, g.depth) {
        (true, _) => "0/1",
        (false, 0) => "./.",
        _ => "0/0",
    };
    let af = (g.depth > 0).then(|| {
        Value::Array(Array::Float(vec![Some(
            (f64::from(g.alt_depth) / f64::from(g.depth)) as f32,
        )]))
    });
    let ft = if g.filters.is_empty() {
        "PASS".to_owned()
    } else {
        g.filters.join(";")
    };
    vec![
        Some(Value::Genotype(gt.parse::<Genotype>().expect("genotype"))),
        Some(Value::Array(Array::Integer(vec![
            Some(g.ref_depth as i32),
            Some(g.alt_depth as i32),
        ]))),
        Some(Value::Integer(g.depth as i32)),
        af,
        g.background_p.map(|p| Value::Float(p as f32)),
        g.q_value.map(|q| Value::Float(q as f32)),
        Some(Value::String(ft)),
    ]
}

#[test]
fn round_trip_through_noodles_keeps_header_and_every_value() {
    let input = cohort();
    let (vcf_gz, _) = cohort_vcf_bytes(&input).expect("write");
    let (header, records) = read_all(&vcf_gz);

    assert_eq!(header.file_format(), vcf::header::FileFormat::new(4, 3));
    let samples: Vec<&str> = header.sample_names().iter().map(String::as_str).collect();
    assert_eq!(samples, SAMPLES);
    let contig = header.contigs().get("chr6").expect("contig chr6");
    assert_eq!(contig.length(), Some(170_805_979));
    let assembly = contig
        .other_fields()
        .iter()
        .find(|(k, _)| k.as_ref() == "assembly")
        .map(|(_, v)| v.as_str());
    assert_eq!(assembly, Some("GRCh38"));
    for key in [
        "GENE", "HGVSC", "HGVSP", "PROTEIN", "HOTSPOT", "NCALLED", "NACQ", "NPAT",
    ] {
        assert!(header.infos().contains_key(key), "INFO/{key} not defined");
    }
    let formats: Vec<&str> = header.formats().keys().map(String::as_str).collect();
    assert_eq!(formats, ["GT", "AD", "DP", "AF", "BP", "QV", "FT"]);
    for name in [
        "PASS",
        "low_vaf",
        "low_alt",
        "strand_bias",
        "not_significant",
    ] {
        assert!(
            header.filters().contains_key(name),
            "FILTER {name} not defined"
        );
    }
    let other = header
        .filters()
        .get("panel_of_normals")
        .expect("unlisted filter defined");
    assert_eq!(other.description(), OTHER_FILTER_DESCRIPTION);

    let mut expected = input.variants.clone();
    expected.sort_by_key(|v| v.pos);
    assert_eq!(records.len(), expected.len());
    for (record, want) in records.iter().zip(&expected) {
        let pos = usize::try_from(want.pos).ok().and_then(Position::new);
        assert_eq!(record.reference_sequence_name(), "chr6");
        assert_eq!(record.variant_start(), pos);
        assert_eq!(record.reference_bases(), want.ref_allele);
        assert_eq!(
            record.alternate_bases().as_ref(),
            std::slice::from_ref(&want.alt_allele)
        );
        let filters: Vec<&str> = record
            .filters()
            .as_ref()
            .iter()
            .map(String::as_str)
            .collect();
        if want.filters.is_empty() {
            assert_eq!(filters, ["PASS"]);
        } else {
            assert_eq!(filters, want.filters);
        }
        assert_eq!(info_string(record, "GENE").as_deref(), Some("ESR1"));
        assert_eq!(info_string(record, "HGVSC"), want.hgvs_c);
        assert_eq!(info_string(record, "HGVSP"), want.hgvs_p);
        assert_eq!(info_string(record, "PROTEIN"), want.protein);
        assert_eq!(info_string(record, "HOTSPOT"), want.hotspot);
        assert_eq!(info_integer(record, "NCALLED"), want.samples_called as i32);
        assert_eq!(info_integer(record, "NACQ"), want.patients_acquired as i32);
        assert_eq!(info_integer(record, "NPAT"), want.patients_called as i32);
        let samples: Vec<Vec<Option<Value>>> = record
            .samples()
            .values()
            .map(|s| s.values().to_vec())
            .collect();
        let want_samples: Vec<_> = want.genotypes.iter().map(expected_sample).collect();
        assert_eq!(samples, want_samples, "FORMAT values at {}", want.pos);
    }
}

#[test]
fn the_tabix_index_finds_one_record_with_noodles() {
    let (vcf_gz, tbi) = cohort_vcf_bytes(&cohort()).expect("write");
    let index = tabix::io::Reader::new(&tbi[..])
        .read_index()
        .expect("index");
    let mut reader = vcf::io::Reader::new(bgzf::io::Reader::new(Cursor::new(vcf_gz)));
    let header = reader.read_header().expect("header");
    let region: Region = "chr6:152098788-152098788".parse().expect("region");
    let starts: Vec<usize> = reader
        .query(&header, &index, &region)
        .expect("query")
        .records()
        .map(|r| {
            r.and_then(|r| r.variant_start().transpose())
                .expect("record")
                .map_or(0, usize::from)
        })
        .collect();
    assert_eq!(starts, [152_098_788]);
}

#[test]
fn no_variants_still_gives_a_valid_vcf_and_index() {
    let mut input = cohort();
    input.variants.clear();
    let (vcf_gz, tbi) = cohort_vcf_bytes(&input).expect("write");
    let (header, records) = read_all(&vcf_gz);
    assert_eq!(header.sample_names().len(), 3);
    assert!(records.is_empty());
    tabix::io::Reader::new(&tbi[..])
        .read_index()
        .expect("index");

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cohort.vcf.gz");
    write_cohort_vcf(&input, &path).expect("write files");
    let view = bcftools(&["view", "-H"], &path);
    assert!(view.stdout.is_empty());
    bcftools(&["stats"], &path);
    let region = bcftools(&["view", "-H", "-r", "chr6:152098785-152098785"], &path);
    assert!(region.stdout.is_empty());
}

/// Runs `bcftools <args> <path>`; fails unless it exits 0 with nothing on stderr.
fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("bcftools output is UTF-8")
}

#[test]
fn bcftools_reads_the_file_and_the_index_without_complaint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cohort.vcf.gz");
    write_cohort_vcf(&cohort(), &path).expect("write files");

    let view = stdout(&bcftools(&["view", "-H"], &path));
    let positions: Vec<&str> = view
        .lines()
        .map(|l| l.split('\t').nth(1).unwrap_or(""))
        .collect();
    assert_eq!(
        positions,
        ["152098785", "152098788", "152098791", "152098795"]
    );

    let stats = stdout(&bcftools(&["stats"], &path));
    assert!(
        stats.contains("SN\t0\tnumber of records:\t4\n"),
        "stats:\n{stats}"
    );
    assert!(
        stats.contains("SN\t0\tnumber of samples:\t3\n"),
        "stats:\n{stats}"
    );

    let region = stdout(&bcftools(
        &["view", "-H", "-r", "chr6:152098785-152098785"],
        &path,
    ));
    let lines: Vec<&str> = region.lines().collect();
    assert_eq!(lines.len(), 1, "region query:\n{region}");
    assert!(
        lines[0].starts_with("chr6\t152098785\t.\tTC\tAG\t.\tPASS\t"),
        "region query:\n{region}"
    );

    let query = stdout(&bcftools(&["query", "-f", "[%SAMPLE=%GT,%AD ]\n"], &path));
    let expected = [
        "P01_d0=0/0,810,0 P01_d90=0/1,690,40 P02_d60=./.,0,0 ",
        "P01_d0=0/0,800,0 P01_d90=0/1,700,35 P02_d60=0/1,500,20 ",
        "P01_d0=0/0,820,2 P01_d90=0/1,710,6 P02_d60=0/0,505,1 ",
        "P01_d0=0/0,900,1 P01_d90=0/1,650,12 P02_d60=./.,0,0 ",
    ];
    assert_eq!(query.lines().collect::<Vec<_>>(), expected);

    let filters = stdout(&bcftools(&["query", "-f", "%POS %FILTER [%FT ]\n"], &path));
    assert_eq!(
        filters.lines().collect::<Vec<_>>(),
        [
            "152098785 PASS low_alt PASS PASS ",
            "152098788 PASS low_alt PASS PASS ",
            "152098791 low_vaf;panel_of_normals low_alt PASS low_alt ",
            "152098795 strand_bias low_alt PASS PASS ",
        ]
    );
}
