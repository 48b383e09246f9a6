//! Per-phase wall times of one `composer generate` (`--timings`), printed to stderr so the
//! chart written and the rest of the output stay the same with or without them.

use std::time::{Duration, Instant};

/// The phases in the order they were recorded. Off, it records nothing.
#[derive(Default)]
pub struct Timings {
    enabled: bool,
    phases: Vec<(&'static str, Duration)>,
}

impl Timings {
    pub fn new(enabled: bool) -> Timings {
        Timings { enabled, phases: Vec::new() }
    }

    /// Runs `work` and records how long it took as `phase`.
    pub fn time<T>(&mut self, phase: &'static str, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = work();
        self.record(phase, start.elapsed());
        result
    }

    /// Records a phase timed elsewhere.
    pub fn record(&mut self, phase: &'static str, took: Duration) {
        if self.enabled {
            self.phases.push((phase, took));
        }
    }

    /// One phase a line, then the total; empty when timings are off.
    pub fn report(&self, total: Duration) -> String {
        if !self.enabled {
            return String::new();
        }
        let line = |phase: &str, took: Duration| format!("  {:>8.2} ms  {phase}\n", took.as_secs_f64() * 1000.0);
        let mut report = String::from("timings (wall):\n");
        self.phases.iter().for_each(|(phase, took)| report.push_str(&line(phase, *took)));
        report.push_str(&line("total", total));
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_are_reported_in_order_only_when_enabled() {
        let mut timings = Timings::new(true);
        assert_eq!(timings.time("read app metadata", || 3), 3);
        timings.record("write files", Duration::from_micros(1500));
        let report = timings.report(Duration::from_millis(2));
        let phases: Vec<&str> = report.lines().skip(1).filter_map(|l| l.split("ms  ").nth(1)).collect();
        assert_eq!(phases, ["read app metadata", "write files", "total"]);
        assert!(report.contains("    1.50 ms  write files"), "{report}");
        let mut off = Timings::new(false);
        off.time("x", || ());
        assert_eq!(off.report(Duration::from_millis(1)), "");
    }
}
