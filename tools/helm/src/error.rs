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

    /// The same key twice in one JSON object: JSON parsers keep one of them silently.
    #[error("{path}: {what} is not valid: duplicate key {key:?} {} (line {line})", at_field(.field))]
    DuplicateKey { path: PathBuf, what: &'static str, key: String, field: String, line: usize },

    #[error("{path}: {what} must be a JSON object")]
    NotAnObject { path: PathBuf, what: &'static str },

    /// `location` is the target and file; `field` the path of the value (empty: the top level).
    #[error("{location}: {what} does not match the schema: {}{message}", field_prefix(.field))]
    InvalidMetadata { location: String, what: &'static str, field: String, message: String },

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
    RawInterpolation { template: String, value: String },

    #[error("output {path} {reason}")]
    RefusedOutput { path: PathBuf, reason: String },

    #[error("{cause}; the previous chart at {path} could not be put back and is kept at {kept_at}")]
    OldChartMoved { path: PathBuf, kept_at: PathBuf, cause: Box<ComposeError> },

    #[error("template directory {path}: {source}")]
    LoadTemplates { path: PathBuf, source: Box<handlebars::TemplateError> },

    #[error("cannot locate the templates in runfiles: {message}")]
    Runfiles { message: String },

    /// Subcharts are read through Helm; composing without them needs no Helm.
    #[error("cannot load the Helm SDK {path}, which reads subcharts: {message}")]
    HelmLibrary { path: PathBuf, message: String },

    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

impl ComposeError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ComposeError::Io { path: path.into(), source }
    }
}

/// Where a duplicate key is, for its message.
fn at_field(field: &str) -> String {
    if field.is_empty() {
        "at the top level".into()
    } else {
        format!("in `{field}`")
    }
}

/// `field `x`: ` before a schema error's reason, or nothing for the top level.
fn field_prefix(field: &str) -> String {
    if field.is_empty() {
        String::new()
    } else {
        format!("field `{field}`: ")
    }
}
