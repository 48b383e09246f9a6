//! `tools/bazel run //tools/overlay:update_schemas`: rewrites docs/*.schema.json of the
//! overlay generator's inputs from their Rust types.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(root) = std::env::var_os("BUILD_WORKSPACE_DIRECTORY") else {
        eprintln!("update_schemas: run it with `tools/bazel run //tools/overlay:update_schemas`");
        return ExitCode::FAILURE;
    };
    for (name, schema) in values_overlay::schema::all() {
        let path = PathBuf::from(&root).join("docs").join(name);
        if let Err(error) = std::fs::write(&path, values_overlay::schema::text(&schema)) {
            eprintln!("update_schemas: {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}
