//! chart_release: takes composed charts out of the build, every Helm operation through
//! `helm_sdk` (Helm's own Go SDK).
//!
//! - [`package`]: reproducible `<name>-<version>.tgz` written by Helm's packaging from a
//!   staged copy with fixed mtimes ([`stage`]), optionally signed (`.prov`);
//! - [`push`]: Helm's OCI push, with registry login, run-time signing and the pushed digest;
//! - [`index`]: a static chart repository with Helm's `index.yaml`, dates fixed;
//! - [`render`]: the chart rendered per environment, documents sorted;
//! - [`sync`]: charts kept in git, their update and their up-to-date check;
//! - [`inspect`]: proof that a built package is a chart Helm loads, lints and renders.

pub mod diff;
pub mod epoch;
pub mod error;
pub mod index;
pub mod inspect;
pub mod package;
pub mod push;
pub mod render;
pub mod stage;
pub mod stamp;
pub mod sync;

pub use error::ReleaseError;
