//! A dependency-free progress bar on stderr (a redrawn line on a terminal, sparse lines
//! otherwise, so CI logs stay short), which also keeps the run's progress metrics
//! ([`CoordinatorMetrics`]) up to date, bar or no bar.

use crate::metrics::CoordinatorMetrics;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Tracks done and failed jobs out of a total.
pub struct Progress {
    total: usize,
    done: usize,
    failed: usize,
    tty: bool,
    enabled: bool,
    last_draw: Option<Instant>,
    started: Instant,
}

impl Progress {
    /// A bar for `total` jobs; `enabled = false` keeps it silent (tests, `--quiet`).
    pub fn new(total: usize, enabled: bool) -> Self {
        if let Some(m) = CoordinatorMetrics::global() {
            m.progress(0, total);
        }
        Self {
            total,
            done: 0,
            failed: 0,
            tty: std::io::stderr().is_terminal(),
            enabled,
            last_draw: None,
            started: Instant::now(),
        }
    }

    /// Counts jobs already finished before this process started (a resumed run).
    pub fn skip(&mut self, done: usize) {
        self.done += done;
        self.publish();
    }

    fn publish(&self) {
        if let Some(m) = CoordinatorMetrics::global() {
            m.progress(self.finished(), self.total);
        }
    }

    /// One more job ended.
    pub fn tick(&mut self, failed: bool) {
        if failed {
            self.failed += 1;
        } else {
            self.done += 1;
        }
        if let Some(m) = CoordinatorMetrics::global() {
            m.completed(failed);
        }
        self.publish();
        self.draw(false);
    }

    /// Jobs finished (done + failed).
    pub fn finished(&self) -> usize {
        self.done + self.failed
    }

    fn draw(&mut self, force: bool) {
        if !self.enabled {
            return;
        }
        let every = if self.tty {
            Duration::from_millis(100)
        } else {
            Duration::from_secs(10)
        };
        let complete = self.finished() >= self.total;
        if !force && !complete && self.last_draw.is_some_and(|t| t.elapsed() < every) {
            return;
        }
        self.last_draw = Some(Instant::now());
        let width = 30;
        let filled = (self.finished() * width)
            .checked_div(self.total)
            .unwrap_or(width);
        let line = format!(
            "[{}{}] {}/{} jobs, {} failed, {:.0}s",
            "#".repeat(filled),
            ".".repeat(width - filled),
            self.finished(),
            self.total,
            self.failed,
            self.started.elapsed().as_secs_f64()
        );
        let mut err = std::io::stderr().lock();
        if self.tty {
            let _ = write!(err, "\r{line}");
            if complete {
                let _ = writeln!(err);
            }
        } else {
            let _ = writeln!(err, "{line}");
        }
    }

    /// Draws the final state.
    pub fn finish(&mut self) {
        if self.finished() < self.total {
            self.draw(true);
            if self.tty && self.enabled {
                eprintln!();
            }
        }
    }
}
