//! `update_generated` (src/bin/update_generated.rs) run as a program on a scratch workspace
//! that holds its inputs (the templates and the sample apps of the source tree): it must
//! write exactly the checked-in generated files, and fail with one error line when its inputs
//! are missing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// This package in the source tree (tools/helm).
fn package_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn update_generated(workspace: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_update_generated"))
        .env("BUILD_WORKSPACE_DIRECTORY", workspace)
        .output()
        .expect("update_generated runs")
}

fn link(from: &Path, to: &Path) {
    fs::create_dir_all(to.parent().expect("a parent")).expect("parent created");
    std::os::unix::fs::symlink(from, to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
}

/// Every file under `root`, relative to it, with its content.
fn files_under(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, files: &mut Vec<(PathBuf, Vec<u8>)>) {
        let mut entries: Vec<PathBuf> =
            fs::read_dir(dir).expect("readable").map(|e| e.expect("an entry").path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, files);
            } else {
                let content = fs::read(&path).expect("readable");
                files.push((path.strip_prefix(root).expect("below root").to_path_buf(), content));
            }
        }
    }
    let mut files = Vec::new();
    walk(root, root, &mut files);
    files
}

#[test]
fn it_writes_the_golden_chart_and_the_schema_outputs_as_checked_in() {
    let source = package_dir().join("../..");
    let scratch = tempfile::tempdir().expect("tempdir");
    let workspace = scratch.path();
    for input in ["tools/helm/templates", "tools/helm/testdata/apps", "tools/helm/testdata/files"] {
        link(&source.join(input), &workspace.join(input));
    }
    for dir in ["tools/helm/testdata/golden", "rules/private", "docs"] {
        fs::create_dir_all(workspace.join(dir)).expect("created");
    }
    let output = update_generated(workspace);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("wrote rules/private/metadata_fields.bzl\nwrote docs/app-metadata.md\n"), "{printed}");

    let golden = "tools/helm/testdata/golden/sample";
    let written = files_under(&workspace.join(golden));
    let checked_in = files_under(&source.join(golden));
    let names = |files: &[(PathBuf, Vec<u8>)]| files.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&written), names(&checked_in));
    for ((path, written), (_, checked_in)) in written.iter().zip(&checked_in) {
        assert!(written == checked_in, "{golden}/{} differs from the checked-in file", path.display());
    }
    for path in ["rules/private/metadata_fields.bzl", "docs/app-metadata.md"] {
        let written = fs::read(workspace.join(path)).expect("written");
        assert!(written == fs::read(source.join(path)).expect("checked in"), "{path} differs from the checked-in file");
    }
}

#[test]
fn a_workspace_without_its_inputs_fails_with_one_error_line() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let output = update_generated(scratch.path());
    assert_eq!(output.status.code(), Some(1));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.starts_with("update_generated: error: "), "{error}");
    assert!(error.contains("No such file or directory"), "{error}");
    assert!(!scratch.path().join("tools/helm/testdata/golden/sample").exists());
}
