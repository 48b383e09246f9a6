//! The two binaries' `main`s: `overlay` (`tools/bazel run //tools/helm:overlay`) reports a
//! failure with its name and a failing exit code; `update_schemas` writes docs/*.schema.json
//! under BUILD_WORKSPACE_DIRECTORY, and refuses to run without it.
//!
//! Cargo names the binaries it built; Bazel (`//tools/overlay:bins_test`) hands them over in
//! OVERLAY_BIN and UPDATE_SCHEMAS_BIN, and the Helm library in HELM_C_LIBRARY.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Absolute, as a test may run a binary in another directory (Bazel's paths are relative).
fn binary(built_by_cargo: Option<&str>, variable: &str) -> PathBuf {
    let path = match (built_by_cargo, std::env::var_os(variable)) {
        (Some(path), _) => PathBuf::from(path),
        (None, Some(path)) => PathBuf::from(path),
        (None, None) => panic!("{variable} is not set: run `tools/bazel test //tools/overlay:bins_test`"),
    };
    std::env::current_dir().expect("current directory").join(path)
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

fn overlay(args: &[&str], environment: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(binary(option_env!("CARGO_BIN_EXE_overlay"), "OVERLAY_BIN"));
    command.args(["--recommendations-file", "set.json", "--chart", "chart", "--dry-run"]).args(args);
    command.env_remove("BUILD_WORKING_DIRECTORY").env_remove("HELM_C_LIBRARY");
    for (variable, value) in environment {
        command.env(variable, value);
    }
    command.output().expect("run overlay")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn relative_paths_are_the_users_under_bazel_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = overlay(&["--helm-library", "lib/no-such.so"], &[("BUILD_WORKING_DIRECTORY", dir.path())]);
    let expected =
        format!("overlay: error: Helm: cannot load the Helm library {}", dir.path().join("lib/no-such.so").display());
    assert!(stderr(&run).starts_with(&expected), "{}", stderr(&run));
}

#[test]
fn the_helm_library_comes_from_the_flag_or_a_non_empty_helm_c_library() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no-such.so");
    let run = overlay(&[], &[("HELM_C_LIBRARY", &missing)]);
    let expected = format!("overlay: error: Helm: cannot load the Helm library {}", missing.display());
    assert!(stderr(&run).starts_with(&expected), "{}", stderr(&run));
    for environment in [&[][..], &[("HELM_C_LIBRARY", Path::new(""))][..]] {
        let run = overlay(&[], environment);
        assert_eq!(run.status.code(), Some(1));
        assert_eq!(
            stderr(&run),
            "overlay: error: no Helm library: give --helm-library (libhelm_c.so) or set HELM_C_LIBRARY; `tools/bazel \
             run //tools/helm:overlay -- ...` finds it in its runfiles\n"
        );
    }
}

/// A hand-written chart (no schema) and a recommendation set for it, with a mapping.
fn chart_and_inputs(dir: &Path) {
    fs::create_dir_all(dir.join("chart/templates")).expect("chart");
    fs::write(dir.join("chart/Chart.yaml"), "apiVersion: v2\nname: batch\nversion: 0.1.0\n").expect("Chart.yaml");
    fs::write(dir.join("chart/values.yaml"), "replicaCount: 1\n").expect("values.yaml");
    fs::write(
        dir.join("set.json"),
        r#"{"apiVersion": "autotuning.helm-composer.dev/v1", "kind": "RecommendationSet", "appId": "run-1",
            "workload": "batch", "generatedAt": "2026-03-01T08:30:00Z", "source": "load test", "confidence": 0.7,
            "recommendations": [{"key": "instances", "value": 3, "reason": "queue grows", "confidence": 0.8}]}"#,
    )
    .expect("set.json");
    fs::write(
        dir.join("mapping.json"),
        r#"{"apiVersion": "autotuning.helm-composer.dev/v1", "kind": "ValuesMapping",
            "mappings": {"instances": [{"path": "replicaCount", "convert": "integer"}]}}"#,
    )
    .expect("mapping.json");
}

#[test]
fn quiet_prints_nothing_and_otherwise_what_was_written() {
    let library = binary(None, "HELM_C_LIBRARY");
    let dir = tempfile::tempdir().expect("tempdir");
    chart_and_inputs(dir.path());
    let generate = |quiet: &[&str]| {
        let mut command = Command::new(binary(option_env!("CARGO_BIN_EXE_overlay"), "OVERLAY_BIN"));
        command.current_dir(dir.path()).env_remove("BUILD_WORKING_DIRECTORY").env("HELM_C_LIBRARY", &library);
        command.args(["--recommendations-file", "set.json", "--chart", "chart", "--mapping", "mapping.json"]);
        command.args(["--output-dir", "out", "--force"]).args(quiet);
        command.output().expect("run overlay")
    };
    let loud = generate(&[]);
    assert!(loud.status.success(), "{}", stderr(&loud));
    assert_eq!(
        String::from_utf8_lossy(&loud.stdout),
        "wrote out/batch-2026-03-01.yaml\nchanged replicaCount: 1 -> 3 (instances)\nchecked no values.schema.json in \
         the chart: the values are checked by lint and render only\nchecked Helm reads the written file back as \
         exactly these values\n"
    );
    let quiet = generate(&["--quiet"]);
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    assert_eq!(String::from_utf8_lossy(&quiet.stdout), "");
}
