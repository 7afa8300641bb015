//! Fuzz targets on stable Rust (property tests, a fixed number of cases; the worker's
//! `tests/it/fuzz/` says why not `cargo fuzz`): the GTF/GFF3 loader on the two annotation
//! fixtures with fields replaced by values a malformed or hostile file holds, on mutated
//! bytes, and on arbitrary text. Every input gives exons or an error, never a panic.

use esr1_science::annotation::{read_annotation, AnnotationFormat};
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

const GTF: &str = include_str!("data/annotation/esr1_synthetic_grch38.gtf");
const GFF3: &str = include_str!("data/annotation/esr1_synthetic_grch37.gff3");

fn load(bytes: &[u8], gff3: bool) {
    let (format, name) = if gff3 {
        (AnnotationFormat::Gff3, "fuzz.gff3")
    } else {
        (AnnotationFormat::Gtf, "fuzz.gtf")
    };
    let _ = read_annotation(bytes, format, Path::new(name));
}

/// Values a broken or hostile annotation holds in a field.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            ".",
            "0",
            "-1",
            "1",
            "18446744073709551615",
            "18446744073709551616",
            "9223372036854775807",
            "4294967296",
            "+",
            "-",
            "?",
            "exon",
            "CDS",
            "chr6",
            "6",
            "NC_000006.12",
            "transcript_id \"ENST00000206249.8\";",
            "exon_number \"0\";",
            "exon_number \"4294967296\";",
            "Parent=rna-NM_000125.4",
            "ID=exon-1;Parent=",
            "\"",
            ";",
            "=",
            "%",
            "%zz",
            "\t",
            "\u{0}",
            "é",
        ])
        .prop_map(str::to_owned),
        any::<u64>().prop_map(|n| n.to_string()),
        "[ -~]{0,12}",
    ]
}

proptest! {
    #![proptest_config(cases(1000))]

    #[test]
    fn annotation_fields_replaced_give_exons_or_an_error(
        gff3 in any::<bool>(),
        edits in prop::collection::vec((any::<usize>(), 0usize..9, field()), 1..6),
    ) {
        let seed = if gff3 { GFF3 } else { GTF };
        let mut lines: Vec<Vec<String>> = seed
            .lines()
            .map(|l| l.split('\t').map(str::to_owned).collect())
            .collect();
        for (line, col, value) in edits {
            let n = lines.len();
            if let Some(l) = lines.get_mut(line % n) {
                let c = col % l.len().max(1);
                if let Some(f) = l.get_mut(c) {
                    *f = value;
                }
            }
        }
        let text: Vec<String> = lines.iter().map(|l| l.join("\t")).collect();
        load((text.join("\n") + "\n").as_bytes(), gff3);
    }

    #[test]
    fn mutated_annotation_bytes_give_exons_or_an_error(
        gff3 in any::<bool>(),
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = if gff3 { GFF3 } else { GTF }.as_bytes().to_vec();
        for (at, b) in edits {
            let i = at % bytes.len();
            bytes[i] = b;
        }
        load(&bytes, gff3);
    }

    #[test]
    fn arbitrary_text_gives_exons_or_an_error(
        gff3 in any::<bool>(),
        text in "(?s).{0,300}",
    ) {
        load(text.as_bytes(), gff3);
    }
}

#[test]
fn the_seed_annotations_load() {
    for (text, format) in [(GTF, AnnotationFormat::Gtf), (GFF3, AnnotationFormat::Gff3)] {
        let r = read_annotation(text.as_bytes(), format, Path::new("seed"));
        assert!(r.is_ok(), "{:?}", r.err());
    }
}
