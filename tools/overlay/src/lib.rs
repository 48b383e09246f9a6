//! Values overlays and presets from autotuning recommendations (seed 000): a
//! RecommendationSet becomes a Helm values file holding only what changes (an overlay) or
//! every value (a full preset), each with its provenance, each checked by the real Helm.
//!
//! Data flows one way: `input` (the RecommendationSet, read strictly) and `mapping` (keys
//! to `paths`, with `convert`) feed `apply` (the plan over the chart's effective values,
//! read through `chart`), which `validate` checks with Helm, `diff` turns into an overlay or
//! a list of rendered changes, and `output` writes. `cli` is `composer overlay`.

pub mod apply;
pub mod chart;
pub mod cli;
pub mod convert;
pub mod diff;
pub mod error;
pub mod input;
pub mod limits;
pub mod mapping;
pub mod output;
pub mod paths;
pub mod schema;
mod strict_json;
pub mod validate;

pub use cli::{run, OverlayArgs};
pub use error::OverlayError;
