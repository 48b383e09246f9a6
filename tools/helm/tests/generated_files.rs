//! The files generated from the metadata schema (model.rs) must be current: the Starlark
//! attribute table of `app_metadata` and the reference docs. Regenerate them with
//! `tools/bazel run //tools/helm:update_generated` (the tests only compare).

#[path = "support/generated.rs"]
mod generated;

use std::fs;
use std::path::PathBuf;

/// The workspace root in the source tree (cargo) or in the test's runfiles (Bazel).
fn workspace_dir() -> PathBuf {
    if let Ok(runfiles) = runfiles::Runfiles::create() {
        if let Some(dir) = runfiles.rlocation("_main").filter(|d| d.join("rules/private/metadata_fields.bzl").is_file())
        {
            return dir;
        }
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn check_generated(template: &str, checked_in: &str) {
    let root = workspace_dir();
    let generated = generated::schema_output(&root, template).expect("generates");
    let current = fs::read_to_string(root.join(checked_in)).unwrap_or_default();
    assert!(current == generated, "{checked_in} is stale: regenerate it with {}", generated::UPDATE_COMMAND);
}

#[test]
fn starlark_attributes_follow_the_schema() {
    check_generated(generated::SCHEMA_OUTPUTS[0].0, generated::SCHEMA_OUTPUTS[0].1);
}

#[test]
fn reference_docs_follow_the_schema() {
    check_generated(generated::SCHEMA_OUTPUTS[1].0, generated::SCHEMA_OUTPUTS[1].1);
}
