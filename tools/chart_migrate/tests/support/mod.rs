//! Shared by the integration tests: where the binaries, the Helm library and the test charts
//! are under cargo and under Bazel, and running a binary.
#![allow(dead_code)] // each test binary uses a different part

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A file of the repository: in the runfiles under Bazel (tests start there), else in the
/// source tree (cargo starts tests in the crate's directory).
pub fn repo_path(relative: &str) -> PathBuf {
    let path = PathBuf::from(relative);
    if path.exists() {
        return fs::canonicalize(&path).unwrap_or(path);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative)
}

pub fn testdata(name: &str) -> PathBuf {
    repo_path(&format!("tools/chart_migrate/testdata/{name}"))
}

pub fn legacy_shop() -> PathBuf {
    repo_path("charts/legacy-shop")
}

/// libhelm_c.so from HELM_C_LIBRARY (Bazel passes its runfiles path).
pub fn library() -> PathBuf {
    let Some(value) = std::env::var_os("HELM_C_LIBRARY") else {
        panic!(
            "HELM_C_LIBRARY is not set: these tests run the real Helm. Under cargo, set it to libhelm_c.so, \
             e.g. HELM_C_LIBRARY=$HOME/.cache/helm-composer/helm_sdk/libhelm_c.so (tools/helm_sdk/library.sh)"
        );
    };
    let path = PathBuf::from(value);
    let path = if path.is_absolute() { path } else { std::env::current_dir().unwrap().join(path) };
    assert!(path.is_file(), "HELM_C_LIBRARY names {}, which is not a file", path.display());
    path
}

fn binary(variable: &str, cargo: Option<&str>) -> PathBuf {
    match (std::env::var_os(variable), cargo) {
        (Some(path), _) => std::env::current_dir().unwrap().join(path),
        (None, Some(path)) => PathBuf::from(path),
        (None, None) => panic!("{variable} is not set and cargo did not build the binary"),
    }
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    /// What the tool wrote to stderr (Helm's own runtime logs left out).
    pub stderr: String,
}

/// Helm's Go runtime logs some events (such as loading a chart through symlinks, as Bazel's
/// runfiles are) straight to stderr, as `2026/01/02 15:04:05 INFO ...`: not the tool's words.
fn is_go_log(line: &str) -> bool {
    let bytes = line.as_bytes();
    bytes.len() > 20
        && bytes[4] == b'/'
        && bytes[7] == b'/'
        && bytes[10] == b' '
        && bytes[13] == b':'
        && bytes[16] == b':'
}

/// The binary with none of `bazel run`'s variables, run in the test's directory.
fn command(binary: &Path) -> Command {
    let mut command = Command::new(binary);
    command.env_remove("BUILD_WORKING_DIRECTORY").env_remove("BUILD_WORKSPACE_DIRECTORY");
    command
}

/// Runs `command` and collects what it printed.
pub fn output_of(command: &mut Command) -> Output {
    let output = command.output().unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).split_inclusive('\n').filter(|line| !is_go_log(line)).collect(),
    }
}

fn run(binary: &Path, args: &[&str]) -> Output {
    output_of(command(binary).arg("--helm-library").arg(library()).args(args))
}

/// The import binary without `--helm-library`, for tests of how it finds the library and of
/// what it does under `bazel run` (set the environment on it, then `output_of`).
pub fn import_command() -> Command {
    command(&binary("IMPORT_BIN", option_env!("CARGO_BIN_EXE_import")))
}

pub fn compare(args: &[&str]) -> Output {
    run(&binary("COMPARE_BIN", option_env!("CARGO_BIN_EXE_compare")), args)
}

pub fn import(args: &[&str]) -> Output {
    run(&binary("IMPORT_BIN", option_env!("CARGO_BIN_EXE_import")), args)
}

pub fn text(path: &Path) -> &str {
    path.to_str().expect("test paths are UTF-8")
}

/// Copies a chart directory (to change one thing in a copy).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}
