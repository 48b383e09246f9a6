//! The Helm chart composer: app metadata in, a complete chart directory out.
//!
//! Data flows one way: `model` (metadata as written by the Bazel rules) is validated into
//! `app` (one module per concern), `plan` decides the files and renders them with `render`,
//! `output` writes them. Nothing lower in that list imports anything higher.

pub mod app;
pub mod checks;
pub mod encode;
pub mod error;
pub mod metadata_schema;
pub mod model;
mod origin;
pub mod output;
pub mod plan;
pub mod render;
pub mod templates;

use std::fs;
use std::path::{Path, PathBuf};

use crate::app::App;
use crate::error::ComposeError;
use crate::model::AppMetadata;
use crate::model::ChartSpec;
use crate::plan::Chart;
use crate::render::Renderer;

/// Reads and validates one app metadata file.
pub fn load_app(path: &Path) -> Result<App, ComposeError> {
    let text = fs::read_to_string(path).map_err(|source| ComposeError::ReadMetadata {
        path: path.into(),
        what: "app metadata",
        source,
    })?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|source| ComposeError::ParseMetadata {
        path: path.into(),
        what: "app metadata",
        source,
    })?;
    // The target is read first so that a schema error can name it.
    let target = json.get("target").and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
    let metadata: AppMetadata = serde_json::from_value(json).map_err(|source| ComposeError::InvalidMetadata {
        path: path.into(),
        target,
        source,
    })?;
    App::from_metadata(&metadata, path)
}

/// Composes a chart from app metadata files and environment files, rendering with the
/// templates in `templates`.
pub fn compose_files(
    spec: &ChartSpec,
    metadata: &[PathBuf],
    environments: &[PathBuf],
    templates: &Path,
) -> Result<Chart, ComposeError> {
    let apps = metadata.iter().map(|p| load_app(p)).collect::<Result<Vec<_>, _>>()?;
    let renderer = Renderer::for_charts(templates)?;
    plan::compose(spec, apps, environments, &renderer)
}
