//! Migrating hand-written Helm charts to generated ones (issue 11, milestone 6 of the core
//! design): two tools over one library, every Helm operation through `helm_sdk`.
//!
//! - `compare`: renders two charts as the same release and reports what differs, object by
//!   object and field by field, grouped by intent ([`compare`]).
//! - `import`: renders a hand-written chart and writes the `release_app` and `helm_chart`
//!   declarations that reproduce it as closely as the rules allow, with a report of every
//!   field they cannot express ([`import`]).
//!
//! Layers, each importing only those above it in this list: [`error`], [`path`], [`object`]
//! (ground floor), [`render`] (Helm), then [`compare`] and [`import`], then [`cli`].

pub mod cli;
pub mod compare;
pub mod error;
pub mod import;
pub mod object;
pub mod path;
pub mod render;
