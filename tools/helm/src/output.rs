//! Writes a chart directory atomically: everything goes into a temporary sibling directory
//! that is renamed into place only when complete, so a failure leaves no partial chart.

use std::fs;
use std::path::Path;

use crate::error::ComposeError;
use crate::plan::Chart;

pub fn write_chart(chart: &Chart, destination: &Path) -> Result<(), ComposeError> {
    let parent = match destination.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::create_dir_all(parent).map_err(|e| ComposeError::io(parent, e))?;
    let staging =
        tempfile::Builder::new().prefix(".chart-").tempdir_in(parent).map_err(|e| ComposeError::io(parent, e))?;
    for (relative, content) in &chart.files {
        let path = staging.path().join(relative);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| ComposeError::io(dir, e))?;
        }
        fs::write(&path, content).map_err(|e| ComposeError::io(&path, e))?;
    }
    let staged = staging.keep();
    replace_directory(&staged, destination).inspect_err(|_| {
        let _ = fs::remove_dir_all(&staged);
    })
}

/// Moves `staged` to `destination`, replacing what was there (Bazel pre-creates an empty
/// directory for a directory output; a user may re-run into an old chart).
fn replace_directory(staged: &Path, destination: &Path) -> Result<(), ComposeError> {
    if destination.exists() {
        let old = staged.with_extension("old");
        fs::rename(destination, &old).map_err(|e| ComposeError::io(destination, e))?;
        fs::rename(staged, destination).map_err(|e| ComposeError::io(destination, e))?;
        fs::remove_dir_all(&old).map_err(|e| ComposeError::io(&old, e))?;
    } else {
        fs::rename(staged, destination).map_err(|e| ComposeError::io(destination, e))?;
    }
    Ok(())
}
