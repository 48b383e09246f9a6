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
    use std::sync::mpsc::RecvTimeoutError;

    use super::line_diff;

    #[test]
    fn diff_names_changed_lines() {
        within_seconds(|| {
            assert_eq!(line_diff("a\nb\nc\n", "a\nb\nc\n"), "");
            assert_eq!(line_diff("a\nb\nc\n", "a\nx\nc\n"), "-   2 b\n+   2 x\n");
            assert_eq!(line_diff("a\n", "a\nb\n"), "+   2 b\n");
            assert_eq!(line_diff("a\n", "a"), "(the texts differ in line endings or a final newline)\n");
        });
    }

    #[test]
    fn diff_names_lines_at_either_end() {
        within_seconds(|| {
            // Removed and added lines at the start, at the end, and on one side only.
            assert_eq!(line_diff("a\nb\n", "b\n"), "-   1 a\n");
            assert_eq!(line_diff("a\nb\n", "a\n"), "-   2 b\n");
            assert_eq!(line_diff("b\n", "a\nb\n"), "+   1 a\n");
            assert_eq!(line_diff("a\nb\n", ""), "-   1 a\n-   2 b\n");
            assert_eq!(line_diff("", "a\nb\n"), "+   1 a\n+   2 b\n");
            assert_eq!(line_diff("a\n", "b\n"), "-   1 a\n+   1 b\n");
            // An added line before the common ones comes first, numbered as in `actual`.
            assert_eq!(line_diff("a\nb\nc\n", "x\na\nb\nc\ny\n"), "+   1 x\n+   5 y\n");
            assert_eq!(line_diff("x\na\nb\nc\n", "a\nb\nc\nx\n"), "-   1 x\n+   4 x\n");
        });
    }

    /// Every pair of texts of up to five lines over two distinct lines: the diff names exactly
    /// the lines outside one longest common subsequence, in order, each with its own number,
    /// so what is left of both sides is the same text.
    #[test]
    fn diff_of_every_small_pair_is_a_shortest_edit() {
        within_seconds(|| {
            // Five, not four: a table that forgets to drop a line of `expected` (a, a, b, a, a
            // against b, a, a) goes wrong only from five lines on.
            let texts = small_texts(5);
            for expected in &texts {
                for actual in &texts {
                    check_diff(expected, actual);
                }
            }
        });
    }

    fn check_diff(expected: &[&str], actual: &[&str]) {
        let text = |lines: &[&str]| lines.iter().map(|l| format!("{l}\n")).collect::<String>();
        let diff = line_diff(&text(expected), &text(actual));
        let context = format!("{expected:?} -> {actual:?}:\n{diff}");
        let (mut removed, mut added) = (Vec::new(), Vec::new());
        for line in diff.lines() {
            let (sign, rest) = line.split_at(1);
            assert!(sign == "-" || sign == "+", "{context}");
            let (number, content) = rest.trim_start().split_once(' ').unwrap_or_else(|| panic!("{context}"));
            let number: usize = number.parse().unwrap_or_else(|_| panic!("{context}"));
            let (side, lines) = if sign == "-" { (&mut removed, expected) } else { (&mut added, actual) };
            assert_eq!(lines.get(number.wrapping_sub(1)), Some(&content), "{context}");
            assert!(side.last().is_none_or(|&last| last < number), "{context}");
            side.push(number);
        }
        let kept = |lines: &[&str], changed: &[usize]| -> Vec<String> {
            (1..=lines.len()).filter(|n| !changed.contains(n)).map(|n| lines[n - 1].to_string()).collect()
        };
        assert_eq!(kept(expected, &removed), kept(actual, &added), "{context}");
        let common = common_length(expected, actual);
        assert_eq!(removed.len() + added.len(), expected.len() + actual.len() - 2 * common, "{context}");
    }

    /// Every sequence of at most `max` lines, each `a` or `b`.
    fn small_texts(max: usize) -> Vec<Vec<&'static str>> {
        let mut texts = vec![vec![]];
        let mut last = vec![vec![]];
        for _ in 0..max {
            last = last.iter().flat_map(|t: &Vec<&str>| ["a", "b"].map(|l| [&t[..], &[l]].concat())).collect();
            texts.extend(last.iter().cloned());
        }
        texts
    }

    /// The length of a longest common subsequence, by plain recursion (the texts are short).
    fn common_length(a: &[&str], b: &[&str]) -> usize {
        match (a.split_first(), b.split_first()) {
            (Some((x, a_rest)), Some((y, b_rest))) if x == y => 1 + common_length(a_rest, b_rest),
            (Some((_, a_rest)), Some((_, b_rest))) => common_length(a_rest, b).max(common_length(a, b_rest)),
            _ => 0,
        }
    }

    /// Runs `check` on its own thread and fails when it has not finished in time: a diff that
    /// never ends (a line index that stops advancing) fails here instead of hanging the tests
    /// (and growing its output until memory runs out). Every test of `line_diff` runs in it.
    fn within_seconds(check: impl FnOnce() + Send + 'static) {
        let (done, finished) = std::sync::mpsc::channel();
        let worker = std::thread::spawn(move || {
            check();
            let _ = done.send(());
        });
        match finished.recv_timeout(std::time::Duration::from_secs(20)) {
            Ok(()) => worker.join().expect("the check finished"),
            // The check panicked: its assertion is the failure.
            Err(RecvTimeoutError::Disconnected) => std::panic::resume_unwind(worker.join().unwrap_err()),
            Err(RecvTimeoutError::Timeout) => panic!("line_diff did not finish in 20 s"),
        }
    }
}
