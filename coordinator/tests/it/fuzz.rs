//! Fuzz targets on stable Rust (property tests, a fixed number of cases; see the worker's
//! `tests/it/fuzz/` for the harness's reasons): the samplesheet parser on arbitrary text, on
//! mutated good sheets, and on sheets assembled from the characters CSV and ids trip over.
//! Every input gives a samplesheet or located problems, never a panic, and an accepted sheet
//! has no id that would break a TSV or VCF column.

use esr1_coordinator::samplesheet::Samplesheet;
use proptest::prelude::*;
use proptest::test_runner::Config;
use std::path::Path;

fn cases(default: u32) -> Config {
    let n = std::env::var("ESR1_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    }
}

const GOOD: &str = "patient,sample,day,material,therapy,alignments,index\n\
P1,P1_T0,-3,tumor,AI,bams/p1_t0.bam,\n\
P1,P1_C1,200,cfDNA,AI,s3://b/p1_c1.bam,s3://b/p1_c1.bam.bai\n\
# a comment\n\
\"P2\",\"P2,T0\",0,tumour,\"Fulvestrant\",/data/p2.cram,/data/p2.cram.crai\n";

fn parse(text: &str) {
    let Ok(sheet) = Samplesheet::parse(Path::new("sheet.csv"), Path::new("/nonexistent"), text)
    else {
        return;
    };
    for s in &sheet.samples {
        for id in [&s.sample.patient, &s.sample.sample, &s.sample.therapy] {
            assert!(!id.contains(['\t', '\n', '\r']), "id {id:?} accepted");
            assert!(!id.is_empty(), "empty id accepted");
        }
    }
}

/// Pieces of samplesheets: fields, separators, quotes, line ends, odd characters.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "patient,sample,day,material,therapy,alignments,index\n",
            "P1",
            "S1",
            ",",
            ",,",
            "\"",
            "\"\"",
            "\n",
            "\r\n",
            "\r",
            "\t",
            "#",
            "\u{feff}",
            "-3",
            "0",
            "99999999999999999999",
            "tumor",
            "cfDNA",
            "normal",
            "AI",
            "s3://b/x.bam",
            "/data/x.bam",
            "../x.bam",
            "x.cram",
            "",
            " ",
            "\u{0}",
            "é",
        ])
        .prop_map(str::to_owned),
        ".{0,8}",
    ]
}

proptest! {
    #![proptest_config(cases(2000))]

    #[test]
    fn arbitrary_text_is_parsed_or_refused_never_a_panic(text in "(?s).{0,400}") {
        parse(&text);
    }

    #[test]
    fn mutated_good_sheets_are_parsed_or_refused_never_a_panic(
        edits in prop::collection::vec((any::<usize>(), any::<usize>(), piece()), 1..6),
    ) {
        let mut text = GOOD.to_owned();
        for (at, cut, insert) in edits {
            let mut i = at % (text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            let mut j = (i + cut % 8).min(text.len());
            while !text.is_char_boundary(j) {
                j -= 1;
            }
            text.replace_range(i..j.max(i), &insert);
        }
        parse(&text);
    }

    #[test]
    fn assembled_sheets_are_parsed_or_refused_never_a_panic(
        pieces in prop::collection::vec(piece(), 0..60),
    ) {
        parse(&pieces.concat());
    }
}

#[test]
fn the_seed_sheet_parses() {
    let s = Samplesheet::parse(Path::new("sheet.csv"), Path::new("/nonexistent"), GOOD)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.samples.len(), 3);
    assert_eq!(s.samples[2].sample.sample, "P2,T0");
}
