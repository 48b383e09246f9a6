//! Argo CD objects for a chart's environments (`composer argocd`, the `argocd_applications`
//! rule): one `Application` per environment, or one `ApplicationSet` whose list generator
//! holds the environments, each sent to its cluster and namespace (the chart's cluster
//! mapping), with its `values-<env>.yaml`.
//!
//! Data flows one way: the rule's spec and the environments' files are read and checked
//! (`spec`, `environments`), the objects are built as data (`objects`) and written as YAML
//! whose every scalar goes through the one encoder (`yaml`). User strings never reach an
//! ApplicationSet's template: they are list elements, which Argo CD substitutes as data.

mod environments;
mod objects;
pub mod spec;
mod yaml;

use std::path::{Path, PathBuf};

use crate::error::ComposeError;

pub use environments::Destination;

/// The YAML (one or more documents) of the spec's Argo CD objects for the environments.
pub fn generate(spec_file: &Path, environment_files: &[PathBuf]) -> Result<String, ComposeError> {
    let plan = spec::load(spec_file)?;
    let destinations = environments::load_all(&plan, environment_files)?;
    let documents = match plan.mode {
        spec::Mode::Applications => destinations.iter().map(|d| objects::application(&plan, d)).collect(),
        spec::Mode::Applicationset => vec![objects::application_set(&plan, &destinations)],
    };
    let mut text = String::new();
    for document in &documents {
        text.push_str("---\n");
        text.push_str(&yaml::block(document).map_err(|e| ComposeError::InvalidChart { message: e.to_string() })?);
    }
    Ok(text)
}

/// Writes `text` to `output` through a temporary file renamed into place: never half-written.
pub fn write(output: &Path, text: &str) -> Result<(), ComposeError> {
    let partial = output.with_extension("partial");
    std::fs::write(&partial, text).map_err(|e| ComposeError::io(&partial, e))?;
    std::fs::rename(&partial, output).map_err(|e| ComposeError::io(output, e))
}

#[cfg(test)]
mod tests;
