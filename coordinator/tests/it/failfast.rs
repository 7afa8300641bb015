//! One fault, one behaviour: a broker that cannot be reached is retried with jittered
//! back-off for `--connect-timeout` seconds, with a log line per attempt, then the command
//! stops with an error naming the endpoint (password masked) and exit code 3 — for `run`,
//! `status` and the worker daemon alike; a wrong password is refused at once, also exit 3.
//! No log line (text or JSON) carries the broker password or the S3 secret.

use crate::broker::bin;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const PASSWORD: &str = "Pa55w0rd-fail-fast";
const S3_SECRET: &str = "s3cr3t-KEY-fail-fast";

/// A local port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    l.local_addr()
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs a program with the S3 secret in its environment; returns its output and how long it
/// took.
fn timed(cmd: &mut Command) -> (Output, Duration) {
    let started = Instant::now();
    let out = cmd
        .env("AWS_SECRET_ACCESS_KEY", S3_SECRET)
        .env("AWS_ACCESS_KEY_ID", "GKfailfast")
        .env_remove("RUST_LOG")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (out, started.elapsed())
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Exit 3, the endpoint named with its password masked, no secret anywhere, within the
/// budget (plus what the command does before connecting).
fn assert_gave_up(what: &str, o: &Output, took: Duration, port: u16, budget: u64) {
    let t = text(o);
    assert_eq!(o.status.code(), Some(3), "{what}: {t}");
    assert!(
        took < Duration::from_secs(budget + 45),
        "{what} took {took:?} with a {budget} s budget"
    );
    assert!(
        t.contains(&format!("esr1:***@127.0.0.1:{port}")),
        "{what}: the endpoint is named, password masked:\n{t}"
    );
    assert!(t.contains("gave up after"), "{what}: {t}");
    let attempts = t.lines().filter(|l| l.contains("retrying")).count();
    assert!(
        attempts >= 2,
        "{what}: a log line per attempt ({attempts}):\n{t}"
    );
    for secret in [PASSWORD, S3_SECRET] {
        assert!(!t.contains(secret), "{what} printed {secret}:\n{t}");
    }
}

#[test]
fn run_and_status_give_up_on_an_unreachable_broker_with_exit_3() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = crate::util::small_cohort(dir.path(), 51);
    let port = closed_port();
    let url = format!("amqp://esr1:{PASSWORD}@127.0.0.1:{port}/%2f");
    let out = dir.path().join("out");
    let (o, took) = timed(
        Command::new(bin("esr1-coordinator"))
            .args(["run", "--quiet", "--amqp-url", &url, "--run-id", "failfast"])
            .args(["--connect-timeout", "3"])
            .arg("--samplesheet")
            .arg(&sim.samplesheet)
            .arg("--reference")
            .arg(&sim.reference)
            .arg("--out")
            .arg(&out),
    );
    assert_gave_up("run", &o, took, port, 3);

    // The run wrote its manifest before reaching for the broker: status reads it, then
    // meets the same fault the same way, here with JSON logs.
    let status = |format: &str| {
        timed(
            Command::new(bin("esr1-coordinator"))
                .args(["status", "--run-id", "failfast", "--log-format", format])
                .args(["--connect-timeout", "2"])
                .arg("--out")
                .arg(&out)
                .env("ESR1_AMQP_URL", &url),
        )
    };
    let (o, took) = status("text");
    assert_gave_up("status", &o, took, port, 2);
    let (o, took) = status("json");
    assert_gave_up("status --log-format json", &o, took, port, 2);
    // Every line is a JSON log record (a blank line, seen once under load, carries nothing).
    for line in String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let v: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
        assert!(
            v["level"].is_string() && v["timestamp"].is_string(),
            "{line}"
        );
    }
}

#[test]
fn a_wrong_broker_password_exits_3_without_printing_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().to_string_lossy().into_owned();
    let storage = crate::util::local_storage();
    esr1_coordinator::manifest::write_manifest(
        storage.as_ref(),
        &out,
        &esr1_coordinator::manifest::Manifest {
            run_id: "wrongpw".into(),
            job_ids: Vec::new(),
            run: None,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let broker = crate::broker::amqp_url();
    let (user, rest) = broker
        .strip_prefix("amqp://")
        .and_then(|s| s.split_once('@'))
        .map(|(userinfo, rest)| (userinfo.split(':').next().unwrap_or("guest"), rest))
        .unwrap_or(("guest", "127.0.0.1:5672/%2f"));
    let url = format!("amqp://{user}:{PASSWORD}@{rest}");
    let (o, took) = timed(
        Command::new(bin("esr1-coordinator"))
            .args(["status", "--run-id", "wrongpw", "--out", &out])
            .args(["--connect-timeout", "20", "--amqp-url", &url]),
    );
    let t = text(&o);
    assert_eq!(o.status.code(), Some(3), "{t}");
    assert!(
        took < Duration::from_secs(20),
        "a refusal is not retried: {took:?}"
    );
    assert!(t.contains("refused"), "{t}");
    assert!(t.contains(&format!("{user}:***@")), "{t}");
    for secret in [PASSWORD, S3_SECRET] {
        assert!(!t.contains(secret), "printed {secret}:\n{t}");
    }
}

#[test]
fn the_worker_gives_up_on_an_unreachable_broker_with_exit_3() {
    let port = closed_port();
    let url = format!("amqp://esr1:{PASSWORD}@127.0.0.1:{port}/%2f");
    for format in ["text", "json"] {
        let (o, took) = timed(
            Command::new(bin("esr1-worker"))
                .args(["--connect-timeout", "2", "--log-format", format])
                .args(["--metrics-addr", "127.0.0.1:0"])
                .env("ESR1_AMQP_URL", &url),
        );
        assert_gave_up(&format!("worker ({format})"), &o, took, port, 2);
    }
}
