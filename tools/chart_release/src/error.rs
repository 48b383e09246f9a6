//! The one error type of chart_release: every message names the file, chart or registry.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ReleaseError {
    /// A Helm call failed; `what` says which chart or file it was about.
    #[error("{what}: {source}")]
    Helm {
        what: String,
        #[source]
        source: helm_sdk::HelmError,
    },

    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The command line or the inputs are not what the command needs.
    #[error("{0}")]
    Usage(String),

    /// The package must carry a provenance file, and nothing can sign it.
    #[error(
        "{archive} must be signed (the package has sign = True) but it has no .prov and no secret keyring \
         was given: set HELM_SIGNING_KEYRING to a GnuPG secret keyring (gpg --export-secret-keys) or pass \
         --keyring PATH"
    )]
    SignatureRequired { archive: String },

    /// The registry refused the credentials.
    #[error("registry {host} refused the login of user {username} (wrong user name or password?): {detail}")]
    LoginRefused { host: String, username: String, detail: String },

    /// Pushing to the registry failed.
    #[error("pushing {archive} to {remote} failed: {detail}")]
    PushFailed { archive: String, remote: String, detail: String },

    /// Checked-in charts differ from the build (`detail` lists every difference).
    #[error("{0}")]
    OutOfDate(String),
}

impl ReleaseError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> ReleaseError {
        ReleaseError::Io { path: path.into(), source }
    }

    pub fn helm(what: impl Into<String>) -> impl FnOnce(helm_sdk::HelmError) -> ReleaseError {
        let what = what.into();
        move |source| ReleaseError::Helm { what, source }
    }
}
