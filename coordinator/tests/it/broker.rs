//! Test harness for RabbitMQ: unique names, worker processes, private broker nodes, cleanup.

use esr1_worker::queue::{connect, Topology};
use lapin::options::{ExchangeDeleteOptions, QueueDeleteOptions};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The shared broker of the test environment (scripts/test.sh starts it).
pub fn amqp_url() -> String {
    std::env::var("ESR1_TEST_AMQP_URL")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

/// A name no other test (or test run) uses.
pub fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("t{}{tag}{}{nanos:x}", std::process::id(), tag.len())
}

/// A binary of the workspace, next to the test executable's `deps/` directory.
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let path = dir.join(name);
    assert!(
        path.is_file(),
        "{} not built (run `cargo build --workspace --bins` first)",
        path.display()
    );
    path
}

/// A worker daemon process with its log in a file.
pub struct Worker {
    pub child: Child,
    pub log: PathBuf,
}

impl Worker {
    /// Starts `esr1-worker` against a broker and prefix; `delay_ms` injects a per-job delay.
    pub fn start(url: &str, prefix: &str, delay_ms: u64, log: &Path) -> Self {
        Self::start_with_env(url, prefix, delay_ms, log, &[])
    }

    /// Starts a worker with extra environment variables (S3 settings …).
    pub fn start_with_env(
        url: &str,
        prefix: &str,
        delay_ms: u64,
        log: &Path,
        env: &[(String, String)],
    ) -> Self {
        let file = std::fs::File::create(log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
        let child = Command::new(bin("esr1-worker"))
            .args([
                "--amqp-url",
                url,
                "--queue-prefix",
                prefix,
                "--metrics-addr",
                "127.0.0.1:0",
            ])
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("ESR1_WORKER_FAULT_DELAY_MS", delay_ms.to_string())
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| panic!("starting esr1-worker: {e}"));
        Self {
            child,
            log: log.to_owned(),
        }
    }

    /// The log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the log contains `needle`; returns the first line holding it.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            if let Some(line) = self.log_text().lines().find(|l| l.contains(needle)) {
                return line.to_owned();
            }
            assert!(
                start.elapsed() < timeout,
                "worker log never showed '{needle}':\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for the worker to start a job and returns the job's id.
    pub fn started_job(&self, timeout: Duration) -> String {
        let line = self.wait_for("job started", timeout);
        // "… INFO job{run_id=… job_id=<id>}: job started sample=… region=…"
        job_id_of(&line)
    }

    /// Lines of the log saying job `id` ended with `what` (`done`, `failed`): its span
    /// names the job, the message the outcome.
    pub fn job_logged(&self, id: &str, what: &str) -> usize {
        let (span, message) = (format!("job_id={id}"), format!("job {what}"));
        self.log_text()
            .lines()
            .filter(|l| l.contains(&span) && l.contains(&message))
            .count()
    }

    /// The address of the worker's metrics endpoint (from its log).
    pub fn metrics_addr(&self) -> String {
        let line = self.wait_for("metrics on http://", Duration::from_secs(30));
        line.split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap_or_default()
            .to_owned()
    }

    /// Scrapes `/metrics` and returns the value of a sample line (e.g. a counter with labels).
    pub fn metric(&self, sample: &str) -> f64 {
        metric_value(&scrape(&self.metrics_addr()), sample)
    }

    /// Sends a signal (`KILL`, `TERM`).
    pub fn signal(&self, sig: &str) {
        let _ = Command::new("kill")
            .args([&format!("-{sig}"), &self.child.id().to_string()])
            .status();
    }

    /// Waits for the process to exit; `None` on timeout.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The job id in a log line of a job's span.
pub fn job_id_of(line: &str) -> String {
    line.split("job_id=")
        .nth(1)
        .and_then(|s| s.split(|c: char| !c.is_ascii_hexdigit()).next())
        .unwrap_or_default()
        .to_owned()
}

/// `GET /metrics` from a metrics endpoint (`host:port`): the body.
pub fn scrape(addr: &str) -> String {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("{addr}: {e}"));
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = write!(
        stream,
        "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    );
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    assert!(response.starts_with("HTTP/1.1 200"), "{addr}: {response}");
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default()
}

/// The value of a sample line (`name{labels}`) in an exposition.
pub fn metric_value(body: &str, sample: &str) -> f64 {
    body.lines()
        .find(|l| l.starts_with(sample) && l[sample.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no metric {sample} in:\n{body}"))
}

/// Deletes a test's queues and exchanges so nothing is left on the broker.
pub fn cleanup(url: &str, prefix: &str, run_id: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let Ok(rt) = rt else { return };
    rt.block_on(async {
        let Ok((conn, ch)) = connect(url).await else {
            return;
        };
        let t = Topology::new(prefix);
        for q in t.queues(Some(run_id)) {
            let _ = ch
                .queue_delete(q.as_str().into(), QueueDeleteOptions::default())
                .await;
        }
        for e in [t.jobs(), t.dead_letter_exchange(), t.events_exchange()] {
            let _ = ch
                .exchange_delete(e.as_str().into(), ExchangeDeleteOptions::default())
                .await;
        }
        let _ = conn.close(200, "test cleanup".into()).await;
    });
}

/// Runs `f` on a fresh broker channel.
pub fn with_channel<T>(url: &str, f: impl AsyncFnOnce(&lapin::Channel) -> T) -> T {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        let (conn, ch) = connect(url).await.unwrap_or_else(|e| panic!("{e}"));
        let r = f(&ch).await;
        let _ = conn.close(200, "".into()).await;
        r
    })
}

/// Messages ready in a queue.
pub fn depth(url: &str, queue: &str) -> u32 {
    with_channel(url, async |ch| {
        Topology::new("x")
            .depth(ch, queue)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    })
}

/// A private RabbitMQ node (own port, data and config) for tests that restart the broker.
pub struct PrivateBroker {
    pub name: String,
    pub port: u16,
    dir: PathBuf,
}

impl PrivateBroker {
    /// Starts a node and waits until it accepts connections.
    pub fn start(dir: &Path) -> Self {
        let port = free_port_pair();
        let name = format!("esr1test{}", std::process::id());
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/rabbitmq-node.sh");
        let status = Command::new("bash")
            .arg(&script)
            .args(["start", &dir.to_string_lossy(), &name, &port.to_string()])
            .status()
            .unwrap_or_else(|e| panic!("{}: {e}", script.display()));
        assert!(
            status.code() != Some(127),
            "rabbitmq-server or rabbitmqctl is not installed: run `bash scripts/test.sh`, which \
             installs Debian's rabbitmq-server package (or `apt-get install rabbitmq-server`)"
        );
        assert!(
            status.success(),
            "starting a private RabbitMQ node failed; see {}/server.out",
            dir.display()
        );
        Self {
            name,
            port,
            dir: dir.to_owned(),
        }
    }

    /// Its AMQP URL.
    pub fn url(&self) -> String {
        format!("amqp://guest:guest@127.0.0.1:{}/%2f", self.port)
    }

    /// `rabbitmqctl` against this node.
    pub fn ctl(&self, args: &[&str]) {
        let status = Command::new("rabbitmqctl")
            .args(["-q", "-n", &format!("{}@localhost", self.name)])
            .args(args)
            .status()
            .unwrap_or_else(|e| {
                panic!(
                    "rabbitmqctl: {e}: run `bash scripts/test.sh`, which installs Debian's \
                     rabbitmq-server package (or `apt-get install rabbitmq-server`)"
                )
            });
        assert!(status.success(), "rabbitmqctl {args:?} failed");
    }
}

impl Drop for PrivateBroker {
    fn drop(&mut self) {
        let _ = Command::new("rabbitmqctl")
            .args(["-q", "-n", &format!("{}@localhost", self.name), "stop"])
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port p such that p and p + 20000 (the node's distribution port) are both free.
fn free_port_pair() -> u16 {
    for _ in 0..200 {
        let Ok(l) = std::net::TcpListener::bind("127.0.0.1:0") else {
            continue;
        };
        let Ok(addr) = l.local_addr() else { continue };
        let p = addr.port();
        if p < 40000 && std::net::TcpListener::bind(("127.0.0.1", p + 20000)).is_ok() {
            return p;
        }
    }
    panic!("no free port pair")
}
