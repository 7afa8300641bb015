//! Wall and CPU time of a run's phases (plan, jobs, merge): each phase's end is logged at INFO
//! (target `esr1_coordinator::phases`, shown with `--verbose`) with its wall seconds and the
//! process's CPU seconds spent in it, which `scripts/bench-cohort.sh` reads from JSON logs.
//! Nothing of it goes into a report: reports are not timed.

use std::time::Instant;

/// Clock ticks per second of `/proc/<pid>/stat` (`USER_HZ`: 100 on every Linux ABI).
const USER_HZ: f64 = 100.0;

/// CPU seconds (user + system, every thread) this process has used so far; `None` where
/// `/proc/self/stat` cannot be read (not Linux).
pub fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    cpu_seconds_of_stat(&stat)
}

/// User + system seconds from the text of `/proc/<pid>/stat` (fields 14 and 15; the command
/// name in field 2 may hold spaces and parentheses, so fields are counted after its last `)`).
fn cpu_seconds_of_stat(stat: &str) -> Option<f64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) / USER_HZ)
}

/// One phase's cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhaseTime {
    /// Wall seconds.
    pub wall: f64,
    /// Process CPU seconds (all threads); 0 where unknown.
    pub cpu: f64,
}

/// Times consecutive phases: [`PhaseClock::end`] closes one and starts the next.
#[derive(Debug)]
pub struct PhaseClock {
    wall: Instant,
    cpu: Option<f64>,
}

impl PhaseClock {
    /// A clock whose first phase starts now.
    pub fn start() -> Self {
        Self {
            wall: Instant::now(),
            cpu: process_cpu_seconds(),
        }
    }

    /// Ends the current phase named `phase`, logs its cost and starts the next phase.
    pub fn end(&mut self, phase: &'static str) -> PhaseTime {
        let now = Self::start();
        let time = PhaseTime {
            wall: now.wall.duration_since(self.wall).as_secs_f64(),
            cpu: match (self.cpu, now.cpu) {
                (Some(a), Some(b)) => (b - a).max(0.0),
                _ => 0.0,
            },
        };
        tracing::info!(
            phase,
            wall_seconds = time.wall,
            cpu_seconds = time.cpu,
            "{phase} took {:.2} s ({:.2} CPU-seconds)",
            time.wall,
            time.cpu
        );
        *self = now;
        time
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_seconds_are_read_after_a_command_name_with_spaces_and_parentheses() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
        // utime stime …
        let stat = "4242 (a (b) c) R 1 4242 4242 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 3";
        assert_eq!(cpu_seconds_of_stat(stat), Some(3.25));
        assert_eq!(cpu_seconds_of_stat("4242 (x) R 1"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_has_a_cpu_time_and_phases_follow_each_other() {
        assert!(process_cpu_seconds().is_some_and(|s| s >= 0.0));
        let mut clock = PhaseClock::start();
        let first = clock.end("first");
        let second = clock.end("second");
        assert!(first.wall >= 0.0 && second.wall >= 0.0);
        assert!(first.cpu >= 0.0 && second.cpu >= 0.0);
    }
}
