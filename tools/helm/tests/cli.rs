//! The `composer` command line (src/main.rs) run as a program: its exit status, its error
//! line, what each subcommand prints or writes, and how it reads `--env`, `--subchart` and
//! `--peer-chart` values. The library behind it has its own tests; these check the wiring.

#[path = "support/paths.rs"]
mod paths;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use helm_composer::metadata_schema;
use paths::{helm_library, package_dir};

/// The composer binary cargo built for this test (Bazel passes its runfiles path).
fn composer() -> Command {
    Command::new(env!("CARGO_BIN_EXE_composer"))
}

fn templates() -> PathBuf {
    package_dir().join("templates")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// One worker's metadata, as `app_metadata` writes it, in `dir`.
fn worker_metadata(dir: &Path) -> PathBuf {
    let file = dir.join("web.json");
    let app = serde_json::json!({
        "name": "web", "target": "//apps:web", "app_type": "worker",
        "image": {"repository": "registry.example/web", "tag": "1.0"},
        "health": {"probe": "exec", "command": ["true"]},
    });
    fs::write(&file, app.to_string()).expect("metadata written");
    file
}

/// `composer generate` of the one worker into `dir/chart`, with `extra` arguments.
fn generate(dir: &Path, extra: &[&str]) -> Output {
    let metadata = worker_metadata(dir);
    composer()
        .arg("generate")
        .arg("--name=shop")
        .arg("--metadata")
        .arg(&metadata)
        .arg("--templates")
        .arg(templates())
        .arg("--output")
        .arg(dir.join("chart"))
        .args(extra)
        .output()
        .expect("composer runs")
}

fn chart_file(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join("chart").join(name)).unwrap_or_else(|e| panic!("chart/{name}: {e}"))
}

#[test]
fn generate_writes_the_chart_with_a_description_of_its_apps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = generate(dir.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let chart = chart_file(dir.path(), "Chart.yaml");
    assert!(chart.contains("name: \"shop\""), "{chart}");
    assert!(chart.contains("description: \"Chart shop composed from 1 app(s)\""), "{chart}");
    assert!(dir.path().join("chart/templates/web-deployment.yaml").is_file());
}

#[test]
fn generate_keeps_a_description_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = generate(dir.path(), &["--description=The shop's web front"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let chart = chart_file(dir.path(), "Chart.yaml");
    assert!(chart.contains("description: \"The shop's web front\""), "{chart}");
}

#[test]
fn env_values_are_split_at_the_first_equals_sign() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = generate(dir.path(), &["--env=LOG_FORMAT=key=value"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let values = chart_file(dir.path(), "values.yaml");
    assert!(values.contains("\n  \"LOG_FORMAT\": \"key=value\"\n"), "{values}");
}

/// A failure exits with status 1 and one line naming the composer and the reason.
fn assert_fails_with(output: &Output, reason: &str) {
    assert_eq!(output.status.code(), Some(1), "{}", stderr(output));
    let error = stderr(output);
    assert!(error.starts_with("composer: error: "), "{error}");
    assert!(error.contains(reason), "{error}");
}

/// clap reports a bad argument value itself, with status 2.
fn assert_refused_argument(output: &Output, reason: &str) {
    assert_eq!(output.status.code(), Some(2), "{}", stderr(output));
    assert!(stderr(output).contains(reason), "{}", stderr(output));
}

#[test]
fn an_env_value_without_equals_sign_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = generate(dir.path(), &["--env=LOG_FORMAT"]);
    assert_refused_argument(&output, "\"LOG_FORMAT\" is not NAME=VALUE");
    assert!(!dir.path().join("chart").exists());
}

#[test]
fn subchart_and_peer_chart_values_are_strict_json_objects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = generate(dir.path(), &["--subchart={\"target\": \"//x:y\", \"extra\": 1}"]);
    assert_refused_argument(&output, "not a subchart object {\"target\", \"path\", \"alias\", \"version\"}");
    let output = generate(dir.path(), &["--peer-chart={}"]);
    assert_refused_argument(&output, "not a peer chart object {\"target\", \"chart\"");
    assert!(!dir.path().join("chart").exists());
}

#[test]
fn a_subchart_without_the_helm_library_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let subchart = r#"--subchart={"target": "//charts:redis", "path": "charts/redis", "alias": "", "version": ""}"#;
    let output = generate(dir.path(), &[subchart]);
    assert_fails_with(&output, "--subchart needs --helm-library: subcharts are read through Helm");
    assert!(!dir.path().join("chart").exists());
}

#[test]
fn a_subchart_is_read_through_helm_and_becomes_a_dependency() {
    let dir = tempfile::tempdir().expect("tempdir");
    let redis = dir.path().join("redis");
    fs::create_dir_all(redis.join("templates")).expect("subchart directory");
    fs::write(redis.join("Chart.yaml"), "apiVersion: v2\nname: redis\nversion: 1.2.3\n").expect("Chart.yaml");
    fs::write(redis.join("values.yaml"), "replicas: 1\n").expect("values.yaml");
    let spec = serde_json::json!({"target": "//charts:redis", "path": redis, "alias": "", "version": ""});
    let library = format!("--helm-library={}", helm_library().display());
    let output = generate(dir.path(), &[&format!("--subchart={spec}"), &library]);
    assert!(output.status.success(), "{}", stderr(&output));
    let chart = chart_file(dir.path(), "Chart.yaml");
    assert!(chart.contains("dependencies:"), "{chart}");
    assert!(chart.contains("name: \"redis\""), "{chart}");
    assert!(chart.contains("version: \"1.2.3\""), "{chart}");
}

#[test]
fn a_composing_error_exits_with_failure() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = generate(dir.path(), &["--chart-version=one"]);
    assert_fails_with(&output, "chart version: ");
    assert!(!dir.path().join("chart").exists());
}

#[test]
fn metadata_prints_the_json_schema_by_default() {
    let output = composer().arg("metadata").output().expect("composer runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("{:#}\n", metadata_schema::json_schema()));
}

#[test]
fn metadata_prints_the_starlark_table_and_the_docs_from_their_templates() {
    let codegen = templates().join(metadata_schema::CODEGEN_DIR);
    for (format, template) in
        [("starlark", metadata_schema::STARLARK_TEMPLATE), ("markdown", metadata_schema::MARKDOWN_TEMPLATE)]
    {
        let output = composer()
            .args(["metadata", "--format", format, "--templates"])
            .arg(templates())
            .output()
            .expect("composer runs");
        assert!(output.status.success(), "{}", stderr(&output));
        let expected = metadata_schema::generate(&codegen, template).expect("generated");
        assert_eq!(stdout(&output), expected, "--format {format}");
    }
}

#[test]
fn metadata_from_a_directory_without_the_template_fails_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = composer()
        .args(["metadata", "--format", "markdown", "--templates"])
        .arg(dir.path())
        .output()
        .expect("composer runs");
    assert_fails_with(&output, "template app-metadata.md: Template not found app-metadata.md");
    assert_eq!(stdout(&output), "");
}
