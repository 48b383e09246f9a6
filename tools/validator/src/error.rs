//! Errors of the validator: problems running it, as opposed to findings about a chart.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ValidateError {
    #[error("helm: {0}")]
    Helm(String),

    #[error("helm: {0}")]
    Sdk(#[from] helm_sdk::HelmError),

    #[error(transparent)]
    Helm3(#[from] crate::helm3::Helm3Error),

    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error("Kubernetes schemas: {0}")]
    Schema(String),

    #[error("CRD schemas: {0}")]
    Crd(String),

    #[error("{0}")]
    Edit(String),

    #[error("{0}")]
    Usage(String),
}

impl ValidateError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ValidateError::Io { path: path.into(), source }
    }
}
