//! `update_generated`: rewrites every checked-in file the composer generates (the golden
//! sample chart, the Starlark attribute table and the reference docs) after an intended
//! change. The tests only compare; this explicit command is the only way to update.
//!
//! `tools/bazel run //tools/helm:update_generated` or
//! `cargo run -p helm_composer --bin update_generated`.

#[path = "../../tests/support/generated.rs"]
mod generated;

use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

use helm_composer::output;

/// The source tree: where `bazel run` was started, or this crate's workspace under cargo.
fn workspace_dir() -> PathBuf {
    let dir = std::env::var_os("BUILD_WORKSPACE_DIRECTORY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."));
    dir.canonicalize().unwrap_or(dir)
}

fn run() -> Result<(), String> {
    let workspace = workspace_dir();
    let metadata = tempfile::tempdir().map_err(|e| e.to_string())?;
    generated::write_sample_metadata(&workspace, metadata.path()).map_err(|e| e.to_string())?;
    let chart =
        generated::sample_chart(&workspace, metadata.path(), &generated::SAMPLE_APPS).map_err(|e| e.to_string())?;
    let golden = workspace.join(generated::GOLDEN_SAMPLE);
    output::write_chart(&chart, &golden).map_err(|e| e.to_string())?;
    println!("wrote {}", golden.display());
    for (template, path) in generated::SCHEMA_OUTPUTS {
        let text = generated::schema_output(&workspace, template).map_err(|e| e.to_string())?;
        fs::write(workspace.join(path), text).map_err(|e| format!("{path}: {e}"))?;
        println!("wrote {path}");
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("update_generated: error: {error}");
            ExitCode::FAILURE
        }
    }
}
