//! Rendering a chart with the real Helm (through `helm_sdk`, the project's one binding of it)
//! and reading the rendered manifests back as objects, with Helm's own YAML reader.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use helm_sdk::{Chart, ChartMetadata, HelmSdk, RenderOptions};
use serde_json::{Map, Value};

use crate::error::MigrateError;
use crate::object::Object;

/// The release both sides of a comparison are rendered as.
#[derive(Clone, Debug)]
pub struct Release {
    pub name: String,
    pub namespace: String,
}

impl Default for Release {
    /// What `helm template` uses when given nothing.
    fn default() -> Release {
        Release { name: "release-name".into(), namespace: "default".into() }
    }
}

/// A chart as Helm rendered it.
#[derive(Debug)]
pub struct RenderedChart {
    pub path: PathBuf,
    pub metadata: ChartMetadata,
    /// Every object of every template, hooks and tests included, in template order.
    pub objects: Vec<Object>,
}

/// Loads the chart at `path` (a directory or a `.tgz`), coalesces the `values` files in order
/// (later files win, maps merge, as `helm template -f a -f b` does) and renders it as an
/// install of `release`.
pub fn render_chart(
    sdk: &HelmSdk,
    path: &Path,
    values: &[PathBuf],
    release: &Release,
) -> Result<RenderedChart, MigrateError> {
    sdk.validate_release_name(&release.name)
        .map_err(|source| MigrateError::ReleaseName { name: release.name.clone(), source })?;
    check_is_chart(path)?;
    let chart = Chart::load(sdk, path).map_err(|source| MigrateError::Load { path: path.to_path_buf(), source })?;
    let metadata = chart.metadata().map_err(|source| MigrateError::Load { path: path.to_path_buf(), source })?;
    let values = merged_values(sdk, values)?;
    let options = RenderOptions {
        name: Some(release.name.clone()),
        namespace: Some(release.namespace.clone()),
        is_install: true,
        ..RenderOptions::default()
    };
    let manifests = chart
        .render(Some(&values), &options)
        .map_err(|source| MigrateError::Render { path: path.to_path_buf(), source })?;
    Ok(RenderedChart { path: path.to_path_buf(), metadata, objects: parse_manifests(sdk, &manifests)? })
}

/// Refuses what cannot be a chart before Helm sees it, so the message says what is wrong
/// rather than how Helm's loader tripped over it.
fn check_is_chart(path: &Path) -> Result<(), MigrateError> {
    let not_a_chart = |reason| MigrateError::NotAChart { path: path.to_path_buf(), reason };
    let meta = fs::metadata(path).map_err(|_| MigrateError::Missing { path: path.to_path_buf() })?;
    if meta.is_dir() {
        if !path.join("Chart.yaml").is_file() {
            return Err(not_a_chart("the directory has no Chart.yaml"));
        }
        return Ok(());
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if !(name.ends_with(".tgz") || name.ends_with(".tar.gz")) {
        return Err(not_a_chart("expected a chart directory or a .tgz archive"));
    }
    Ok(())
}

fn merged_values(sdk: &HelmSdk, files: &[PathBuf]) -> Result<Value, MigrateError> {
    let mut merged = Value::Object(Map::new());
    for file in files {
        let text = fs::read_to_string(file).map_err(|e| MigrateError::io(file, e))?;
        let values =
            sdk.values_from_yaml(&text).map_err(|source| MigrateError::Values { path: file.clone(), source })?;
        merge(&mut merged, values);
    }
    Ok(merged)
}

/// Deep-merges `overlay` into `base` as Helm merges values files: maps merge, the rest replaces.
fn merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Object(base), Value::Object(overlay)) => {
            for (key, value) in overlay {
                merge(base.entry(key).or_insert(Value::Null), value);
            }
        }
        (base, overlay) => *base = overlay,
    }
}

/// Every object of the rendered templates. NOTES.txt is text for the user, not a manifest;
/// empty documents (a template whose condition is off) are skipped as Helm skips them.
pub fn parse_manifests(sdk: &HelmSdk, manifests: &BTreeMap<String, String>) -> Result<Vec<Object>, MigrateError> {
    let mut objects = Vec::new();
    for (template, text) in manifests {
        if template.ends_with("NOTES.txt") {
            continue;
        }
        for (index, document) in split_documents(text).into_iter().enumerate() {
            let index = index + 1;
            let body = sdk.values_from_yaml(document).map_err(|source| MigrateError::Manifest {
                template: template.clone(),
                index,
                source,
            })?;
            if body.as_object().is_none_or(Map::is_empty) {
                continue;
            }
            let not_an_object = |reason| MigrateError::NotAnObject { template: template.clone(), index, reason };
            let kind = body.get("kind").and_then(Value::as_str).ok_or_else(|| not_an_object("it has no kind"))?;
            let name = body
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .ok_or_else(|| not_an_object("it has no metadata.name"))?;
            objects.push(Object { kind: kind.to_string(), name: name.to_string(), template: template.clone(), body });
        }
    }
    Ok(objects)
}

/// Splits a YAML stream at its document markers (`---` at the start of a line, optionally
/// followed by a comment), as Helm's own manifest splitter does.
fn split_documents(text: &str) -> Vec<&str> {
    let mut documents = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end();
        let is_marker =
            content == "---" || content.strip_prefix("---").is_some_and(|rest| rest.trim_start().starts_with('#'));
        if is_marker {
            documents.push(&text[start..offset]);
            start = offset + line.len();
        }
        offset += line.len();
    }
    documents.push(&text[start..]);
    documents.into_iter().filter(|d| !d.trim().is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documents_split_at_markers_only() {
        let text = "---\na: 1\n---\n\n--- # second\nb: |\n  ---x\n  text\n";
        assert_eq!(split_documents(text), vec!["a: 1\n", "b: |\n  ---x\n  text\n"]);
        assert_eq!(split_documents("a: 1"), vec!["a: 1"]);
        assert!(split_documents("\n---\n").is_empty());
    }

    #[test]
    fn values_files_merge_like_helm() {
        let mut base = json!({"web": {"replicas": 2, "env": {"A": "1"}}, "list": [1]});
        merge(&mut base, json!({"web": {"replicas": 3}, "list": [2]}));
        assert_eq!(base, json!({"web": {"replicas": 3, "env": {"A": "1"}}, "list": [2]}));
    }
}
