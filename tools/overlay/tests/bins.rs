//! The two binaries' `main`s: `overlay` (`tools/bazel run //tools/helm:overlay`) reports a
//! failure with its name and a failing exit code; `update_schemas` writes docs/*.schema.json
//! under BUILD_WORKSPACE_DIRECTORY, and refuses to run without it.
//!
//! Cargo names the binaries it built; Bazel (`//tools/overlay:bins_test`) hands them over in
//! OVERLAY_BIN and UPDATE_SCHEMAS_BIN.

use std::path::PathBuf;
use std::process::Command;

fn binary(built_by_cargo: Option<&str>, variable: &str) -> PathBuf {
    match (built_by_cargo, std::env::var_os(variable)) {
        (Some(path), _) => PathBuf::from(path),
        (None, Some(path)) => PathBuf::from(path),
        (None, None) => panic!("{variable} is not set: run `tools/bazel test //tools/overlay:bins_test`"),
    }
}

#[test]
fn overlay_names_itself_in_its_error_and_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no-such-libhelm_c.so");
    let output = Command::new(binary(option_env!("CARGO_BIN_EXE_overlay"), "OVERLAY_BIN"))
        .args(["--recommendations-file", "set.json", "--chart", "chart", "--dry-run", "--helm-library"])
        .arg(&missing)
        .output()
        .expect("run overlay");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(&format!("overlay: error: Helm: cannot load the Helm library {}", missing.display())),
        "{stderr}"
    );
}

#[test]
fn update_schemas_writes_both_schemas_into_the_workspace() {
    let program = binary(option_env!("CARGO_BIN_EXE_update_schemas"), "UPDATE_SCHEMAS_BIN");
    let workspace = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(workspace.path().join("docs")).expect("docs/");
    let output = Command::new(&program).env("BUILD_WORKSPACE_DIRECTORY", workspace.path()).output().expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    for (name, schema) in values_overlay::schema::all() {
        let written = std::fs::read_to_string(workspace.path().join("docs").join(name)).expect("written");
        assert_eq!(written, values_overlay::schema::text(&schema), "{name}");
    }
    let outside = Command::new(&program).env_remove("BUILD_WORKSPACE_DIRECTORY").output().expect("run");
    assert_eq!(outside.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&outside.stderr),
        "update_schemas: run it with `tools/bazel run //tools/overlay:update_schemas`\n"
    );
}
