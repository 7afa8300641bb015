//! The one retry policy of every connection to the broker or the object store: exponential
//! back-off with jitter inside a bounded time budget.
//!
//! Delays double from [`FIRST_DELAY`] up to [`MAX_DELAY`]; each is drawn uniformly from its
//! upper half ("equal jitter"), so many workers that lost the broker together do not come
//! back in lock-step. A [`RetryBudget`] says how long a caller keeps trying
//! (`--connect-timeout`, `ESR1_CONNECT_TIMEOUT`; [`DEFAULT_CONNECT_TIMEOUT`] by default).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

/// How long a connection is retried when nothing else is said.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// The first back-off delay (before jitter).
pub const FIRST_DELAY: Duration = Duration::from_millis(200);
/// The longest back-off delay (before jitter).
pub const MAX_DELAY: Duration = Duration::from_secs(10);

/// A uniform draw in `[0, 1)` from the standard library's randomly keyed hasher.
fn unit_random() -> f64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Exponential back-off with equal jitter.
#[derive(Debug, Clone)]
pub struct Backoff {
    next: Duration,
    max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            next: FIRST_DELAY,
            max: MAX_DELAY,
        }
    }
}

impl Backoff {
    /// A back-off from `first` doubling up to `max`.
    pub fn new(first: Duration, max: Duration) -> Self {
        Self { next: first, max }
    }

    /// The delay before the next attempt: uniform in the upper half of the current step,
    /// which then doubles up to the cap.
    pub fn next_delay(&mut self) -> Duration {
        let step = self.next;
        self.next = (self.next * 2).min(self.max);
        step.mul_f64(0.5 + 0.5 * unit_random())
    }

    /// Back to the shortest delay after a success.
    pub fn reset(&mut self) {
        self.next = FIRST_DELAY.min(self.max);
    }
}

/// A bounded time for retrying one connection: attempts continue while the budget lasts,
/// and the last wait never runs past it.
#[derive(Debug, Clone)]
pub struct RetryBudget {
    total: Duration,
    started: Instant,
    attempts: u32,
    backoff: Backoff,
}

impl RetryBudget {
    /// A budget of `total` starting now.
    pub fn new(total: Duration) -> Self {
        Self {
            total,
            started: Instant::now(),
            attempts: 0,
            backoff: Backoff::default(),
        }
    }

    /// The budget's length.
    pub fn total(&self) -> Duration {
        self.total
    }

    /// Attempts recorded so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Time left.
    pub fn remaining(&self) -> Duration {
        self.total.saturating_sub(self.started.elapsed())
    }

    /// Records a failed attempt; returns how long to wait before the next one, or `None`
    /// when the budget is spent (no time left for a wait and another attempt).
    pub fn failed(&mut self) -> Option<Duration> {
        self.attempts += 1;
        let remaining = self.remaining();
        if remaining.is_zero() {
            return None;
        }
        Some(self.backoff.next_delay().min(remaining))
    }
}

/// Parses a number of seconds (`--connect-timeout 30`, `0.5`).
pub fn parse_seconds(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a number of seconds"))?;
    if !(0.0..=86_400.0).contains(&secs) {
        return Err(format!("{s} s is outside 0 to 86400 seconds"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_cap_with_jitter_in_the_upper_half_and_resets() {
        let mut b = Backoff::default();
        let steps = [200, 400, 800, 1600, 3200, 6400, 10000, 10000];
        let delays: Vec<u128> = steps.iter().map(|_| b.next_delay().as_millis()).collect();
        for (d, step) in delays.iter().zip(steps) {
            assert!(*d >= step / 2 && *d <= step, "{delays:?}");
        }
        b.reset();
        assert!(b.next_delay() <= FIRST_DELAY);
    }

    #[test]
    fn jitter_spreads_delays_of_workers_that_failed_together() {
        let delays: std::collections::BTreeSet<u128> = (0..20)
            .map(|_| Backoff::default().next_delay().as_micros())
            .collect();
        assert!(delays.len() > 10, "{delays:?}");
    }

    #[test]
    fn a_budget_bounds_the_waits_and_ends() {
        let mut budget = RetryBudget::new(Duration::from_millis(300));
        let mut waited = Duration::ZERO;
        while let Some(d) = budget.failed() {
            assert!(waited + d <= Duration::from_millis(300) + Duration::from_millis(50));
            std::thread::sleep(d);
            waited += d;
        }
        assert!(budget.attempts() >= 2, "{}", budget.attempts());
        assert!(budget.remaining().is_zero());
        assert!(RetryBudget::new(Duration::ZERO).failed().is_none());
    }

    #[test]
    fn seconds_parse_and_are_bounded() {
        assert_eq!(parse_seconds("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_seconds("0.5"), Ok(Duration::from_millis(500)));
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("soon").is_err());
    }
}
