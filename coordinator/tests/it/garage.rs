//! Test harness for a real S3-compatible server: a private single-node Garage per test.

use esr1_worker::storage::{default_storage, SharedStorage};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The test key, secret, bucket and region of `scripts/garage.sh`.
pub const ACCESS_KEY: &str = "GK0123456789abcdef01234567";
/// The test secret.
pub const SECRET_KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
/// The test bucket.
pub const BUCKET: &str = "esr1-test";

/// A running Garage server with its own ports and data.
pub struct Garage {
    pub dir: PathBuf,
    pub s3_port: u16,
    pub rpc_port: u16,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/garage.sh")
}

impl Garage {
    /// Starts a server in `dir` and waits until its S3 API answers.
    pub fn start(dir: &Path) -> Self {
        let g = Self {
            dir: dir.to_owned(),
            s3_port: free_port(),
            rpc_port: free_port(),
        };
        g.launch();
        g
    }

    fn launch(&self) {
        let status = Command::new("bash")
            .arg(script())
            .args([
                "start",
                &self.dir.to_string_lossy(),
                &self.s3_port.to_string(),
                &self.rpc_port.to_string(),
            ])
            .status()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            status.success(),
            "garage did not start; see {}/server.log",
            self.dir.display()
        );
    }

    /// Stops the server (its data stays).
    pub fn stop(&self) {
        if let Ok(pid) = std::fs::read_to_string(self.dir.join("pid")) {
            let _ = Command::new("kill").args(["-KILL", pid.trim()]).status();
            // Wait for the port to close.
            for _ in 0..100 {
                if std::net::TcpStream::connect(("127.0.0.1", self.s3_port)).is_err() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
    }

    /// Starts it again on the same ports and data.
    pub fn restart(&self) {
        self.launch();
    }

    /// The AWS environment that reaches this server.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            (
                "AWS_ENDPOINT_URL",
                format!("http://127.0.0.1:{}", self.s3_port),
            ),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY.to_owned()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.to_owned()),
            ("AWS_REGION", "garage".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// Storage (local files and this server) with the production decorators.
    pub fn storage(&self) -> SharedStorage {
        let env: HashMap<String, String> = self.env().into_iter().collect();
        default_storage(&env, Vec::new())
    }

    /// Runs the garage CLI against this server.
    pub fn cli(&self, args: &[&str]) {
        let garage = std::env::var("GARAGE").unwrap_or_else(|_| "garage".into());
        let status = Command::new(garage)
            .arg("-c")
            .arg(self.dir.join("garage.toml"))
            .args(args)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("garage CLI: {e}"));
        assert!(status.success(), "garage {args:?} failed");
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Uploads every file under `dir` to `prefix` (keeping relative paths), indexes last so no
/// index looks older than its data; returns the count.
pub fn upload_dir(storage: &SharedStorage, dir: &Path, prefix: &str) -> usize {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
            .flatten()
        {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    let is_index = |p: &PathBuf| {
        let n = p.to_string_lossy();
        [".bai", ".csi", ".crai", ".fai", ".gzi"]
            .iter()
            .any(|e| n.ends_with(e))
    };
    files.sort_by_key(|p| (is_index(p), p.clone()));
    for p in &files {
        let rel = p
            .strip_prefix(dir)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(p).unwrap_or_default();
        storage
            .put(&format!("{}/{rel}", prefix.trim_end_matches('/')), &bytes)
            .unwrap_or_else(|e| panic!("upload {rel}: {e}"));
    }
    files.len()
}
