//! The coordinator's command line never shows a secret: `--help` of every command that reads
//! the broker URL names the environment variable but not its value.

use std::process::Command;

#[test]
fn help_does_not_print_the_broker_password_or_s3_secret() {
    for command in [&["run", "--help"][..], &["status", "--help"], &["--help"]] {
        let output = Command::new(env!("CARGO_BIN_EXE_esr1-coordinator"))
            .args(command)
            .env(
                "ESR1_AMQP_URL",
                "amqp://esr1:Pa55w0rd-in-help@broker:5672/%2f",
            )
            .env("AWS_SECRET_ACCESS_KEY", "s3cr3t-KEY-in-help")
            .output()
            .unwrap_or_else(|e| panic!("esr1-coordinator {command:?}: {e}"));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "{command:?}: {text}");
        if command[0] != "--help" {
            assert!(text.contains("ESR1_AMQP_URL"), "{command:?}: {text}");
        }
        for secret in ["Pa55w0rd-in-help", "s3cr3t-KEY-in-help"] {
            assert!(
                !text.contains(secret),
                "{command:?} printed {secret}:\n{text}"
            );
        }
    }
}
