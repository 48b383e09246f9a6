//! `helm_repo_index`: a static chart repository (the packages and their `index.yaml`) with
//! Helm's own index generator, and fixed dates.
//!
//! Helm's generator stamps `generated` and every entry's `created` with the current time; it
//! reads neither SOURCE_DATE_EPOCH nor the archives' mtimes (measured on the SDK v4.2.3).
//! Helm cannot be told otherwise, so the one thing this module changes in Helm's file is
//! those timestamps: each exact string Helm reported is replaced by the fixed date, and the
//! result is read back with Helm's YAML parser to prove nothing else moved.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use helm_sdk::{HelmSdk, RepoIndexOptions};
use serde_json::Value;

use crate::epoch::rfc3339;
use crate::error::ReleaseError;
use crate::package::find_archive;

/// What to index.
#[derive(Debug)]
pub struct IndexRequest<'a> {
    /// Package directories (each holds one `<name>-<version>.tgz`, maybe with its `.prov`).
    pub package_dirs: &'a [PathBuf],
    /// The repository directory to write: archives, `.prov` files and `index.yaml`.
    pub out_dir: &'a Path,
    /// Absolute URL the archives will be served from; without it, URLs are relative.
    pub base_url: Option<String>,
    /// The `created` and `generated` date, in seconds since 1970.
    pub epoch: u64,
}

/// Writes the repository; returns the path of its `index.yaml`.
pub fn index(sdk: &HelmSdk, request: &IndexRequest) -> Result<PathBuf, ReleaseError> {
    fs::create_dir_all(request.out_dir).map_err(|e| ReleaseError::io(request.out_dir, e))?;
    for dir in request.package_dirs {
        copy_package(dir, request.out_dir)?;
    }
    let options = RepoIndexOptions { base_url: request.base_url.clone(), ..RepoIndexOptions::default() };
    let generated = sdk
        .repo_index_generate(request.out_dir, &options)
        .map_err(ReleaseError::helm(format!("indexing {}", request.out_dir.display())))?;
    let path = request.out_dir.join("index.yaml");
    let text = fs::read_to_string(&path).map_err(|e| ReleaseError::io(&path, e))?;
    let fixed = fix_dates(&text, &timestamps(&generated), &rfc3339(request.epoch))?;
    check_dates(sdk, &fixed, &rfc3339(request.epoch))?;
    fs::write(&path, fixed).map_err(|e| ReleaseError::io(&path, e))?;
    Ok(path)
}

/// Copies a package's archive and `.prov` into the repository; two packages of one chart
/// version cannot both be there.
fn copy_package(dir: &Path, out_dir: &Path) -> Result<(), ReleaseError> {
    let (archive, prov) = find_archive(dir)?;
    for source in std::iter::once(archive).chain(prov) {
        let Some(name) = source.file_name() else { continue };
        let target = out_dir.join(name);
        if target.exists() {
            return Err(ReleaseError::Usage(format!(
                "two packages write {}: a repository holds each chart version once",
                name.to_string_lossy()
            )));
        }
        fs::copy(&source, &target).map_err(|e| ReleaseError::io(&source, e))?;
    }
    Ok(())
}

/// Every timestamp Helm put into the index: `generated` and each entry's `created`.
fn timestamps(index: &Value) -> BTreeSet<String> {
    let created = index["entries"]
        .as_object()
        .into_iter()
        .flat_map(|entries| entries.values())
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|entry| entry["created"].as_str());
    index["generated"].as_str().into_iter().chain(created).map(str::to_string).collect()
}

/// Replaces each quoted timestamp of `stamps` in Helm's YAML by `fixed`.
fn fix_dates(text: &str, stamps: &BTreeSet<String>, fixed: &str) -> Result<String, ReleaseError> {
    let mut text = text.to_string();
    for stamp in stamps {
        let quoted = format!("\"{stamp}\"");
        if !text.contains(&quoted) {
            return Err(ReleaseError::Usage(format!(
                "Helm's index.yaml does not hold its timestamp {quoted} in the form this tool fixes"
            )));
        }
        text = text.replace(&quoted, &format!("\"{fixed}\""));
    }
    Ok(text)
}

/// Reads the fixed index back with Helm's parser: every date must now be `fixed`.
fn check_dates(sdk: &HelmSdk, text: &str, fixed: &str) -> Result<(), ReleaseError> {
    let parsed = sdk.values_from_yaml(text).map_err(ReleaseError::helm("reading the fixed index.yaml"))?;
    only_fixed_dates(&parsed, fixed)
}

/// Every date of the parsed index must be `fixed`.
fn only_fixed_dates(parsed: &Value, fixed: &str) -> Result<(), ReleaseError> {
    let stamps = timestamps(parsed);
    if stamps.len() == 1 && stamps.contains(fixed) {
        Ok(())
    } else {
        Err(ReleaseError::Usage(format!("the fixed index.yaml still holds the dates {stamps:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_and_fixes_every_timestamp() {
        let index = json!({
            "generated": "2026-01-01T10:00:00.1Z",
            "entries": {"a": [{"created": "2026-01-01T10:00:00.2Z"}], "b": [{"created": "2026-01-01T10:00:00.3Z"}]}
        });
        let stamps = timestamps(&index);
        assert_eq!(stamps.len(), 3);
        let text = "entries:\n  a:\n  - created: \"2026-01-01T10:00:00.2Z\"\n  b:\n  - created: \"2026-01-01T10:00:00.3Z\"\ngenerated: \"2026-01-01T10:00:00.1Z\"\n";
        let fixed = fix_dates(text, &stamps, "2000-01-01T00:00:00Z").unwrap();
        assert_eq!(fixed.matches("\"2000-01-01T00:00:00Z\"").count(), 3);
        assert!(!fixed.contains("2026"));
    }

    #[test]
    fn every_date_must_be_the_fixed_one() {
        let fixed = "2000-01-01T00:00:00Z";
        let index = |created: &str| json!({"generated": fixed, "entries": {"a": [{"created": created}]}});
        only_fixed_dates(&index(fixed), fixed).unwrap();
        let error = only_fixed_dates(&index("2026-01-01T10:00:00Z"), fixed).unwrap_err();
        assert!(error.to_string().contains("still holds the dates"), "{error}");
        let error = only_fixed_dates(&json!({"generated": "2026-01-01T10:00:00Z"}), fixed).unwrap_err();
        assert!(error.to_string().contains("2026-01-01T10:00:00Z"), "{error}");
    }

    #[test]
    fn refuses_a_timestamp_it_cannot_find() {
        let stamps = BTreeSet::from(["2026-01-01T10:00:00Z".to_string()]);
        let error = fix_dates("generated: 2026-01-01T10:00:00Z\n", &stamps, "x").unwrap_err();
        assert!(error.to_string().contains("in the form this tool fixes"), "{error}");
    }
}
