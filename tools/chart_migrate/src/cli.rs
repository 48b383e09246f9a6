//! What both command lines share: finding the Helm library and the user's files when run by
//! `bazel run`, and checking output against a checked-in expectation.

use std::env;
use std::path::{Path, PathBuf};

use helm_sdk::HelmSdk;

use crate::error::MigrateError;

/// A path the user typed, made absolute against the directory they typed it in: `bazel run`
/// starts binaries in their runfiles and says where the user was in BUILD_WORKING_DIRECTORY.
pub fn user_path(path: &Path) -> PathBuf {
    if path.is_absolute() {
        return path.to_path_buf();
    }
    match env::var_os("BUILD_WORKING_DIRECTORY") {
        Some(dir) => PathBuf::from(dir).join(path),
        None => path.to_path_buf(),
    }
}

/// Loads libhelm_c.so from `--helm-library` (a user path), else from HELM_C_LIBRARY (which
/// the Bazel targets set to the library's runfiles path, relative to where they start).
pub fn load_sdk(flag: Option<&Path>) -> Result<HelmSdk, MigrateError> {
    let path = match (flag, env::var_os("HELM_C_LIBRARY")) {
        (Some(path), _) => user_path(path),
        (None, Some(path)) if !path.is_empty() => PathBuf::from(path),
        _ => return Err(MigrateError::NoLibrary),
    };
    HelmSdk::load(&path).map_err(|source| MigrateError::Library { path, source })
}

/// The lines of `expected` and `actual` that differ, `-` expected and `+` actual, each with
/// its line number; empty when they are equal. A longest-common-subsequence diff: reports
/// are a few hundred lines, so quadratic is fine.
pub fn line_diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] > lcs[i + 1][j]) {
            out.push_str(&format!("+{:>4} {}\n", j + 1, b[j]));
            j += 1;
        } else {
            out.push_str(&format!("-{:>4} {}\n", i + 1, a[i]));
            i += 1;
        }
    }
    if out.is_empty() && expected != actual {
        out.push_str("(the texts differ in line endings or a final newline)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::line_diff;

    #[test]
    fn diff_names_changed_lines() {
        assert_eq!(line_diff("a\nb\nc\n", "a\nb\nc\n"), "");
        assert_eq!(line_diff("a\nb\nc\n", "a\nx\nc\n"), "-   2 b\n+   2 x\n");
        assert_eq!(line_diff("a\n", "a\nb\n"), "+   2 b\n");
        assert_eq!(line_diff("a\n", "a"), "(the texts differ in line endings or a final newline)\n");
    }
}
