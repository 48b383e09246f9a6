//! The project's one binding of Helm: a safe Rust API over `libhelm_c.so` (helm-c 0.2.2, a
//! C ABI over Helm's official Go SDK v4). Every other tool calls Helm through this crate,
//! and this crate's `ffi` module is the only code in the project that uses `unsafe`.
//!
//! ```no_run
//! use std::path::Path;
//! use helm_sdk::{Chart, HelmSdk, RenderOptions};
//!
//! # fn main() -> Result<(), helm_sdk::HelmError> {
//! let sdk = HelmSdk::load(Path::new("libhelm_c.so"))?;
//! let chart = Chart::load(&sdk, Path::new("charts/demo"))?;
//! println!("{} {}", chart.metadata()?.name, chart.metadata()?.version);
//! let manifests = chart.render(Some(&serde_json::json!({"replicas": 2})), &RenderOptions::default())?;
//! # let _ = manifests;
//! # Ok(())
//! # }
//! ```
//!
//! - [`HelmSdk`] is the loaded library; [`Chart`] and [`RegistryClient`] borrow it and free
//!   their library-side objects on drop ([`HelmSdk::open_handles_count`] shows leaks).
//! - Options are the serde structs of [`options`], named exactly as helm-c's keys: the
//!   library rejects unknown keys.
//! - Failures are [`HelmError`]; a failed Helm call is [`HelmError::Call`] with Helm's
//!   [`ErrorCode`] and message.
//! - Paths must be UTF-8 ([`HelmError::NonUtf8Path`] otherwise).
//! - Calls block; network and filesystem calls may block for long. The Go runtime writes
//!   some of its logs to the process's stderr.
//! - A [`Chart`] renders once ([`Chart::render`] consumes it); a [`RegistryClient`] whose
//!   call failed should be replaced, not reused.
//!
//! Cluster operations of helm-c (install, upgrade, releases, ...) are not bound yet.

// `unsafe` is confined to `ffi`, and every block there carries a `// SAFETY:` comment.
#![deny(unsafe_code)]
#![warn(clippy::undocumented_unsafe_blocks)]

mod args;
mod chart;
mod error;
#[allow(unsafe_code)]
mod ffi;
mod lint;
pub mod options;
mod package;
mod registry;
mod repo;
mod sdk;
mod values;

pub use chart::{Chart, ChartDependency, ChartFile, ChartMetadata, Crd, Maintainer};
pub use error::{ErrorCode, HelmError};
pub use lint::{LintMessage, LintReport, Severity};
pub use options::{
    DependencyOptions, LintOptions, LoginOptions, PackageOptions, PullOptions, PushOptions, RegistryClientOptions,
    RenderOptions, RepoIndexDownloadOptions, RepoIndexOptions, Secret, ShowFormat, ShowOptions, SignOptions,
    VerifyMode,
};
pub use package::Verification;
pub use registry::{Descriptor, RegistryClient};
pub use repo::DependencyStatus;
pub use sdk::HelmSdk;

#[cfg(test)]
mod tests {
    fn thread_safe<T: Send + Sync>() {}

    #[test]
    fn sdk_and_handles_are_thread_safe() {
        thread_safe::<super::HelmSdk>();
        thread_safe::<super::Chart<'static>>();
        thread_safe::<super::RegistryClient<'static>>();
    }
}
