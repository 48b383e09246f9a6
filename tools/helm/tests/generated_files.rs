//! The files generated from the metadata schema (model.rs) must be current: the Starlark
//! attribute table of `app_metadata` and the reference docs. Regenerate them with
//! `UPDATE_GOLDEN=1 cargo test -p helm_composer --test generated_files`.

use std::fs;
use std::path::PathBuf;

use helm_composer::metadata_schema::{self, CODEGEN_DIR, MARKDOWN_TEMPLATE, STARLARK_TEMPLATE};

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
    let generated =
        metadata_schema::generate(&root.join("tools/helm/templates").join(CODEGEN_DIR), template).expect("generates");
    let path = root.join(checked_in);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(&path, &generated).expect("writes");
        return;
    }
    let current = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "{checked_in} is stale: regenerate it with `UPDATE_GOLDEN=1 cargo test -p helm_composer --test generated_files`"
    );
}

#[test]
fn starlark_attributes_follow_the_schema() {
    check_generated(STARLARK_TEMPLATE, "rules/private/metadata_fields.bzl");
}

#[test]
fn reference_docs_follow_the_schema() {
    check_generated(MARKDOWN_TEMPLATE, "docs/app-metadata.md");
}
