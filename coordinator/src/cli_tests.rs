//! Tests of the command line: `--count` on `run`, `demo` and `simulate`.

use super::*;

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("esr1-coordinator").chain(args.iter().copied()))
}

fn run_count(extra: &[&str]) -> Result<CountRule, clap::Error> {
    let mut args = vec![
        "run",
        "--samplesheet",
        "s.csv",
        "--reference",
        "r.fa",
        "--out",
        "o",
    ];
    args.extend_from_slice(extra);
    match parse(&args)?.command {
        Command::Run(a) => Ok(a.count.count),
        _ => panic!("not a run"),
    }
}

#[test]
fn count_defaults_to_protein_altering_and_takes_every_rule() {
    assert_eq!(run_count(&[]).expect("parses"), CountRule::ProteinAltering);
    for (arg, rule) in [
        ("hotspots", CountRule::Hotspots),
        ("lbd", CountRule::Lbd),
        ("protein-altering", CountRule::ProteinAltering),
        ("all", CountRule::All),
    ] {
        assert_eq!(run_count(&["--count", arg]).expect(arg), rule);
    }
    match parse(&["demo", "--count", "all"]).expect("parses").command {
        Command::Demo(a) => assert_eq!(a.count.count, CountRule::All),
        _ => panic!("not a demo"),
    }
    match parse(&["simulate", "--out", "x", "--count", "hotspots"])
        .expect("parses")
        .command
    {
        Command::Simulate(a) => assert_eq!(a.count.count, CountRule::Hotspots),
        _ => panic!("not a simulate"),
    }
}

#[test]
fn an_unknown_count_rule_is_refused_with_the_choices() {
    let err = run_count(&["--count", "coding"])
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("coding") && err.contains("protein-altering"),
        "{err}"
    );
}
