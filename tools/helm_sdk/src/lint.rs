//! `helm lint`: findings come back as data in a [`LintReport`], not as a failed call.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::args::{self, null_as_default};
use crate::error::HelmError;
use crate::options::LintOptions;
use crate::sdk::HelmSdk;

/// The report of one lint run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct LintReport {
    #[serde(default)]
    pub total_charts_linted: u32,
    #[serde(default, deserialize_with = "null_as_default")]
    pub messages: Vec<LintMessage>,
    /// The failures, one line each (also present as error-severity messages).
    #[serde(default, deserialize_with = "null_as_default")]
    pub errors: Vec<String>,
}

impl LintReport {
    /// Whether lint failed: an error-severity finding or a reported error.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.messages.iter().any(|m| m.severity == Severity::Error)
    }
}

/// One lint finding.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct LintMessage {
    pub severity: Severity,
    /// The file the finding is about, e.g. `templates/` or `values.yaml`.
    #[serde(default)]
    pub path: String,
    /// The finding itself.
    #[serde(default)]
    pub error: String,
}

/// How bad a finding is (helm's `support.Severity`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(from = "i64")]
pub enum Severity {
    Unknown,
    Info,
    Warning,
    Error,
    /// A level newer than this crate.
    Other(i64),
}

impl From<i64> for Severity {
    fn from(level: i64) -> Severity {
        match level {
            0 => Severity::Unknown,
            1 => Severity::Info,
            2 => Severity::Warning,
            3 => Severity::Error,
            other => Severity::Other(other),
        }
    }
}

impl HelmSdk {
    /// Lints the chart directory or archive at `chart`, with optional values overrides.
    /// Fails only on malformed input (bad values, bad options); findings are in the report.
    pub fn lint(&self, chart: &Path, values: Option<&Value>, options: &LintOptions) -> Result<LintReport, HelmError> {
        let chart = args::path("chart path", chart)?;
        let values = args::values(values)?;
        let options = args::json("lint options", options)?;
        let result = self.ffi().lint(&chart, values.as_deref(), &options)?;
        args::parse("lint", &result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_reads_helm_c_shape() {
        let report: LintReport = serde_json::from_str(
            r#"{"total_charts_linted":1,"messages":[{"severity":3,"path":"templates/","error":"boom"},
                {"severity":1,"path":"Chart.yaml","error":"icon is recommended"}],"errors":["boom"]}"#,
        )
        .unwrap();
        assert_eq!(report.total_charts_linted, 1);
        assert_eq!(report.messages[0].severity, Severity::Error);
        assert_eq!(report.messages[1].severity, Severity::Info);
        assert!(report.has_errors());
        let clean: LintReport =
            serde_json::from_str(r#"{"total_charts_linted":1,"messages":null,"errors":null}"#).unwrap();
        assert!(!clean.has_errors());
        // Either an error line or an error-severity message is enough.
        let only_errors: LintReport = serde_json::from_str(r#"{"errors":["boom"]}"#).unwrap();
        assert!(only_errors.has_errors());
        let only_message: LintReport =
            serde_json::from_str(r#"{"messages":[{"severity":3,"path":"templates/","error":"boom"}]}"#).unwrap();
        assert!(only_message.has_errors());
        let warning: LintReport =
            serde_json::from_str(r#"{"messages":[{"severity":2,"path":"templates/","error":"hm"}]}"#).unwrap();
        assert!(!warning.has_errors());
    }
}
