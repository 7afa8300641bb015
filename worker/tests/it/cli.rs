//! The worker's command line never shows a secret: `--help` names the environment variables it
//! reads but not their values.

use std::process::Command;

/// A broker password and an S3 secret that must never be printed.
pub const SECRETS: [(&str, &str); 2] = [
    (
        "ESR1_AMQP_URL",
        "amqp://esr1:Pa55w0rd-in-help@broker:5672/%2f",
    ),
    ("AWS_SECRET_ACCESS_KEY", "s3cr3t-KEY-in-help"),
];

#[test]
fn help_does_not_print_the_broker_password_or_s3_secret() {
    let output = Command::new(env!("CARGO_BIN_EXE_esr1-worker"))
        .arg("--help")
        .envs(SECRETS)
        .output()
        .unwrap_or_else(|e| panic!("esr1-worker --help: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success() && text.contains("ESR1_AMQP_URL"),
        "{text}"
    );
    for secret in ["Pa55w0rd-in-help", "s3cr3t-KEY-in-help"] {
        assert!(!text.contains(secret), "--help printed {secret}:\n{text}");
    }
}
