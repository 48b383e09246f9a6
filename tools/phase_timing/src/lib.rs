//! Per-phase wall times of one run of a tool (`--timings`), reported as a table the tool prints
//! to stderr, so what it writes elsewhere stays the same with or without them. The composer and
//! the validator both use it.

use std::time::{Duration, Instant};

/// The phases in the order they were recorded. Off (the default), it records nothing.
#[derive(Default)]
pub struct Timings {
    enabled: bool,
    /// The report's first line.
    heading: &'static str,
    /// Decimals of the milliseconds column.
    decimals: usize,
    phases: Vec<(String, Duration)>,
}

impl Timings {
    pub fn new(enabled: bool, heading: &'static str, decimals: usize) -> Timings {
        Timings { enabled, heading, decimals, phases: Vec::new() }
    }

    /// Runs `work` and records how long it took as `phase`.
    pub fn time<T>(&mut self, phase: impl Into<String>, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = work();
        self.record(phase, start.elapsed());
        result
    }

    /// Records a phase timed elsewhere (on another thread, say).
    pub fn record(&mut self, phase: impl Into<String>, took: Duration) {
        if self.enabled {
            self.phases.push((phase.into(), took));
        }
    }

    /// The heading, one phase a line, then the total; empty when timings are off.
    pub fn report(&self, total: Duration) -> String {
        if !self.enabled {
            return String::new();
        }
        let decimals = self.decimals;
        let line =
            |phase: &str, took: Duration| format!("  {:>8.decimals$} ms  {phase}\n", took.as_secs_f64() * 1000.0);
        let mut report = format!("{}\n", self.heading);
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
        let mut timings = Timings::new(true, "timings (wall):", 2);
        assert_eq!(timings.time("read app metadata", || 3), 3);
        timings.record("write files", Duration::from_micros(1500));
        let report = timings.report(Duration::from_millis(2));
        assert!(report.starts_with("timings (wall):\n"), "{report}");
        let phases: Vec<&str> = report.lines().skip(1).filter_map(|l| l.split("ms  ").nth(1)).collect();
        assert_eq!(phases, ["read app metadata", "write files", "total"]);
        assert!(report.contains("    1.50 ms  write files"), "{report}");
        let mut off = Timings::default();
        off.time("x", || ());
        assert_eq!(off.report(Duration::from_millis(1)), "");
    }

    #[test]
    fn the_column_has_the_decimals_asked_for() {
        let mut timings = Timings::new(true, "t", 1);
        timings.record("render", Duration::from_millis(12));
        assert!(timings.report(Duration::from_millis(20)).contains("    12.0 ms  render"));
    }
}
