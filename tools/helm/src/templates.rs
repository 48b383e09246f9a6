//! Finds the template directory: given explicitly, or in the composer's Bazel runfiles.

use std::path::{Path, PathBuf};

use crate::error::ComposeError;
use crate::render::MARKER_TEMPLATE;

/// Runfiles paths of the marker template: through this module's apparent name first, then
/// the canonical name of the main repository.
const RUNFILES_CANDIDATES: [&str; 2] = ["helm_composer/tools/helm/templates", "_main/tools/helm/templates"];

/// The repository this crate is built in (set by rules_rust; empty, the main one, under cargo).
const SOURCE_REPOSITORY: &str = match option_env!("REPOSITORY_NAME") {
    Some(name) => name,
    None => "",
};

pub fn locate(explicit: Option<&Path>) -> Result<PathBuf, ComposeError> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    let runfiles = runfiles::Runfiles::create().map_err(|e| ComposeError::Runfiles { message: e.to_string() })?;
    RUNFILES_CANDIDATES
        .iter()
        .filter_map(|dir| runfiles.rlocation_from(format!("{dir}/{MARKER_TEMPLATE}"), SOURCE_REPOSITORY))
        .find(|path| path.is_file())
        .and_then(|marker| marker.parent().map(Path::to_path_buf))
        .ok_or_else(|| ComposeError::Runfiles {
            message: format!("none of {RUNFILES_CANDIDATES:?} holds {MARKER_TEMPLATE}; pass --templates"),
        })
}

/// The templates for unit tests: in the test's runfiles under Bazel, else the source tree.
#[cfg(test)]
pub(crate) fn for_tests() -> PathBuf {
    locate(None).unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates"))
}
