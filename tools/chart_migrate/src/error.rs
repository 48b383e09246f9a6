//! The crate's one error type. Every variant names the chart, template, file or flag it is
//! about, because the user fixes that, not this tool.

use std::path::PathBuf;

use helm_sdk::HelmError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum MigrateError {
    #[error("cannot load the Helm library {}: {source}", path.display())]
    Library { path: PathBuf, source: HelmError },

    #[error(
        "no Helm library: pass --helm-library PATH or set HELM_C_LIBRARY (under `bazel run` the binary \
         finds it in its runfiles)"
    )]
    NoLibrary,

    #[error("{}: no such file or directory", path.display())]
    Missing { path: PathBuf },

    #[error("{} is not a chart: {reason}", path.display())]
    NotAChart { path: PathBuf, reason: &'static str },

    /// Helm's own loader refused the chart; `source` carries Helm's message.
    #[error("{}: Helm cannot load the chart: {source}", path.display())]
    Load { path: PathBuf, source: HelmError },

    #[error("values file {}: {source}", path.display())]
    Values { path: PathBuf, source: HelmError },

    /// The chart loads but a template fails; `source` carries Helm's message.
    #[error("{}: the chart fails to render: {source}", path.display())]
    Render { path: PathBuf, source: HelmError },

    #[error("{template}: document {index} is not valid YAML: {source}")]
    Manifest { template: String, index: usize, source: HelmError },

    #[error("{template}: document {index} is not a Kubernetes object: {reason}")]
    NotAnObject { template: String, index: usize, reason: &'static str },

    /// Two rendered objects of one chart would pair with the same object of the other.
    #[error("the {side} chart renders {key} twice (in {first} and {second})")]
    DuplicateObject { side: &'static str, key: String, first: String, second: String },

    #[error("--rename {spec:?}: {reason}")]
    Rename { spec: String, reason: String },

    #[error("release name {name:?}: {source}")]
    ReleaseName { name: String, source: HelmError },

    #[error("--package {0:?} is not a Bazel package label such as //demo/shop")]
    Package(String),

    #[error("output {}: {reason}", path.display())]
    RefusedOutput { path: PathBuf, reason: String },

    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

impl MigrateError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> MigrateError {
        MigrateError::Io { path: path.into(), source }
    }
}
