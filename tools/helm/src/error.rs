//! Errors of the composer. Every variant names the file, Bazel target and field it is about
//! where those are known, because the user fixes a BUILD file, not the composer.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ComposeError {
    /// `what` names the input: "app metadata" or "environment".
    #[error("{path}: cannot read {what}: {source}")]
    ReadMetadata { path: PathBuf, what: &'static str, source: std::io::Error },

    #[error("{path}: {what} is not valid: {source}")]
    ParseMetadata { path: PathBuf, what: &'static str, source: serde_json::Error },

    #[error("{target} ({path}): app metadata does not match the schema: {source}")]
    InvalidMetadata { path: PathBuf, target: String, source: serde_json::Error },

    #[error("{location}: field `{field}`: {message}")]
    InvalidField { location: String, field: String, message: String },

    #[error("{message}")]
    InvalidChart { message: String },

    #[error("template {name}: {source}")]
    Template { name: String, source: Box<handlebars::RenderError> },

    #[error(
        "template {template}: {value:?} would be written into the chart as it is; user strings reach a chart \
         only as data (the `json` helper in a data file)"
    )]
    UnsafeInterpolation { template: String, value: String },

    #[error("output {path} {reason}")]
    UnsafeOutput { path: PathBuf, reason: String },

    #[error("{cause}; the previous chart at {path} could not be put back and is kept at {kept_at}")]
    OldChartMoved { path: PathBuf, kept_at: PathBuf, cause: Box<ComposeError> },

    #[error("template directory {path}: {source}")]
    LoadTemplates { path: PathBuf, source: Box<handlebars::TemplateError> },

    #[error("cannot locate the templates in runfiles: {message}")]
    Runfiles { message: String },

    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

impl ComposeError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ComposeError::Io { path: path.into(), source }
    }
}
