//! Tests of the command line: `--count` on `run`, `demo` and `simulate`; `--quiet` and
//! `--verbose` on every verb; examples in every `--help`; the version line.

use super::*;
use esr1_science::consequence::CountRule;

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

#[test]
fn quiet_and_verbose_are_accepted_alike_by_every_verb_before_or_after_it() {
    let verbs: [&[&str]; 6] = [
        &[
            "run",
            "--samplesheet",
            "s.csv",
            "--reference",
            "r.fa",
            "--out",
            "o",
        ],
        &["simulate", "--out", "x"],
        &["demo"],
        &[
            "report",
            "--samplesheet",
            "s.csv",
            "--reference",
            "r.fa",
            "--out",
            "o",
        ],
        &["check", "--samplesheet", "s.csv"],
        &[
            "status",
            "--amqp-url",
            "amqp://h",
            "--run-id",
            "r",
            "--out",
            "o",
        ],
    ];
    for verb in verbs {
        for (flag, quiet, verbose) in [("--quiet", true, false), ("-v", false, true)] {
            let after: Vec<&str> = verb.iter().copied().chain([flag]).collect();
            let before: Vec<&str> = std::iter::once(flag).chain(verb.iter().copied()).collect();
            for args in [after, before] {
                let v = parse(&args)
                    .unwrap_or_else(|e| panic!("{args:?}: {e}"))
                    .verbosity;
                assert_eq!((v.quiet, v.verbose), (quiet, verbose), "{args:?}");
            }
        }
        let both: Vec<&str> = verb.iter().copied().chain(["-q", "-v"]).collect();
        assert!(parse(&both).is_err(), "{both:?} is refused");
    }
}

#[test]
fn every_verb_has_examples_and_the_version_names_the_counting_model() {
    use clap::CommandFactory;
    let cli = Cli::command();
    let version = cli.get_version().unwrap_or_default();
    assert!(
        version.contains(esr1_coordinator::plan::MODEL_VERSION),
        "{version}"
    );
    let mut verbs = 0;
    for sub in cli.get_subcommands() {
        let after = sub
            .get_after_help()
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(
            after.contains(&format!("esr1-coordinator {}", sub.get_name())),
            "{}: {after}",
            sub.get_name()
        );
        verbs += 1;
    }
    assert_eq!(verbs, 6);
}
