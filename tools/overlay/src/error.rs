//! Every way generating an overlay can fail. Each message names the file, and for a bad
//! recommendation its key, its value and the values path it maps to.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum OverlayError {
    #[error("{path}: cannot read the {what}: {source}")]
    Read { path: PathBuf, what: &'static str, source: std::io::Error },

    #[error("{path}: the {what} is not valid JSON: {source}")]
    Syntax { path: PathBuf, what: &'static str, source: serde_json::Error },

    #[error("{path}: the {what} is not valid: duplicate key {key:?} {place} (line {line})")]
    DuplicateKey { path: PathBuf, what: &'static str, key: String, place: String, line: usize },

    #[error("{path}: the {what} does not match its schema: {field}{message}")]
    Schema { path: PathBuf, what: &'static str, field: String, message: String },

    #[error("{path}: the {what} is not valid: field `{field}`: {message}")]
    Invalid { path: PathBuf, what: &'static str, field: String, message: String },

    #[error("recommendation {key:?} has no mapping to a values path: {message}")]
    Unmapped { key: String, message: String },

    /// Every recommendation without a mapping, named at once.
    #[error("{}", unmapped_list(.0))]
    UnmappedAll(Vec<OverlayError>),

    #[error("recommendation {key:?} (value {value}) -> {values_path}: {message}")]
    Recommendation { key: String, value: String, values_path: String, message: String },

    #[error("{path}: the mapping is not valid: `{key}`: {message}")]
    Mapping { path: PathBuf, key: String, message: String },

    #[error("chart {chart}: {message}")]
    Chart { chart: PathBuf, message: String },

    #[error("Helm: {0}")]
    Helm(#[from] helm_sdk::HelmError),

    #[error("output {path}: {message}")]
    Output { path: PathBuf, message: String },

    #[error("{path}: cannot write: {source}")]
    Write { path: PathBuf, source: std::io::Error },

    #[error("{0}")]
    Usage(String),
}

/// One recommendation without a mapping, or the count and one line each.
fn unmapped_list(unmapped: &[OverlayError]) -> String {
    const SKIP: &str = "--skip-unmapped applies the others and lists these";
    match unmapped {
        [one] => format!("{one} ({SKIP})"),
        all => {
            let lines: Vec<String> = all.iter().map(|e| format!("\n  {e}")).collect();
            format!("{} recommendations have no mapping to a values path ({SKIP}):{}", all.len(), lines.concat())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_unmapped_recommendation_is_one_line() {
        let one = OverlayError::Unmapped { key: "k".into(), message: "no app".into() };
        assert_eq!(
            OverlayError::UnmappedAll(vec![one]).to_string(),
            "recommendation \"k\" has no mapping to a values path: no app (--skip-unmapped applies the others and \
             lists these)"
        );
    }
}
