//! Per-phase wall times of a validator run (`--timings`), printed to stderr at the end so
//! the report on stdout stays the same with or without them.

use std::time::{Duration, Instant};

/// The phases, in the order of a run: each run of `value_runs` adds its own.
#[derive(Default)]
pub struct Timings {
    enabled: bool,
    phases: Vec<(String, Duration)>,
}

impl Timings {
    pub fn new(enabled: bool) -> Timings {
        Timings { enabled, phases: Vec::new() }
    }

    /// Runs `work` and records how long it took as `phase`.
    pub fn time<T>(&mut self, phase: impl Into<String>, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = work();
        self.record(phase, start.elapsed());
        result
    }

    /// Records a phase timed elsewhere (on another thread).
    pub fn record(&mut self, phase: impl Into<String>, took: Duration) {
        if self.enabled {
            self.phases.push((phase.into(), took));
        }
    }

    /// The table printed at the end, one phase a line; empty when timings are off.
    pub fn report(&self, total: Duration) -> String {
        if !self.enabled {
            return String::new();
        }
        let line = |phase: &str, took: Duration| format!("  {:>8.1} ms  {phase}\n", took.as_secs_f64() * 1000.0);
        let mut report = String::from("timings (wall; lint runs beside render and the schema checks):\n");
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
        assert_eq!(timings.time("lint", || 7), 7);
        timings.record("render", Duration::from_millis(12));
        let report = timings.report(Duration::from_millis(20));
        let phases: Vec<&str> = report.lines().skip(1).map(|l| l.split("ms  ").nth(1).unwrap_or("")).collect();
        assert_eq!(phases, ["lint", "render", "total"]);
        assert!(report.contains("    12.0 ms  render"), "{report}");

        let mut off = Timings::new(false);
        off.time("lint", || ());
        assert_eq!(off.report(Duration::from_millis(1)), "");
    }
}
