//! `<chart>.rendered`: the chart rendered by Helm for its defaults and for each environment
//! (`values-<env>.yaml` in the chart), one YAML stream per environment with its documents
//! sorted by kind and name, for reviews and GitOps diffs.

use std::fs;
use std::path::{Path, PathBuf};

use helm_sdk::{Chart, HelmSdk, RenderOptions};
use serde_json::Value;

use crate::error::ReleaseError;

/// The name of the rendering with the chart's defaults alone.
pub const DEFAULTS: &str = "default";

/// One rendered document and what it is sorted by.
#[derive(Debug)]
struct Document {
    kind: String,
    name: String,
    source: String,
    text: String,
}

/// How to render.
#[derive(Debug)]
pub struct RenderRequest<'a> {
    pub chart: &'a Path,
    /// Gets `default.yaml` and `<env>.yaml` per environment.
    pub out_dir: &'a Path,
    pub release: &'a str,
    pub namespace: &'a str,
}

/// Renders every environment; returns the files written.
pub fn render_environments(sdk: &HelmSdk, request: &RenderRequest) -> Result<Vec<PathBuf>, ReleaseError> {
    fs::create_dir_all(request.out_dir).map_err(|e| ReleaseError::io(request.out_dir, e))?;
    let mut written = Vec::new();
    for (environment, values_file) in environments(request.chart)? {
        let stream = render_one(sdk, request, values_file.as_deref())?;
        let path = request.out_dir.join(format!("{environment}.yaml"));
        fs::write(&path, stream).map_err(|e| ReleaseError::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// `(default, None)` then `(<env>, values-<env>.yaml)` for each environment file, sorted.
fn environments(chart: &Path) -> Result<Vec<(String, Option<PathBuf>)>, ReleaseError> {
    let mut found = Vec::new();
    for entry in fs::read_dir(chart).map_err(|e| ReleaseError::io(chart, e))? {
        let path = entry.map_err(|e| ReleaseError::io(chart, e))?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some(environment) = name.strip_prefix("values-").and_then(|n| n.strip_suffix(".yaml")) {
            if environment == DEFAULTS {
                return Err(ReleaseError::Usage(format!(
                    "{}: an environment cannot be called {DEFAULTS}",
                    path.display()
                )));
            }
            found.push((environment.to_string(), Some(path)));
        }
    }
    found.sort();
    found.insert(0, (DEFAULTS.to_string(), None));
    Ok(found)
}

fn render_one(sdk: &HelmSdk, request: &RenderRequest, values_file: Option<&Path>) -> Result<String, ReleaseError> {
    let values = match values_file {
        Some(path) => {
            let text = fs::read_to_string(path).map_err(|e| ReleaseError::io(path, e))?;
            Some(sdk.values_from_yaml(&text).map_err(ReleaseError::helm(format!("reading {}", path.display())))?)
        }
        None => None,
    };
    let options = RenderOptions {
        name: Some(request.release.to_string()),
        namespace: Some(request.namespace.to_string()),
        is_install: true,
        ..RenderOptions::default()
    };
    let what = format!("rendering {} with {}", request.chart.display(), describe(values_file));
    let chart = Chart::load(sdk, request.chart).map_err(ReleaseError::helm(what.clone()))?;
    let manifests = chart.render(values.as_ref(), &options).map_err(ReleaseError::helm(what))?;
    let mut documents = Vec::new();
    for (source, text) in &manifests {
        documents.extend(split(source, text)?);
    }
    documents.sort_by(|a, b| (&a.kind, &a.name, &a.source).cmp(&(&b.kind, &b.name, &b.source)));
    Ok(documents.iter().map(|d| format!("---\n# Source: {}\n{}\n", d.source, d.text)).collect())
}

fn describe(values_file: Option<&Path>) -> String {
    values_file.map_or_else(|| "its default values".to_string(), |p| p.display().to_string())
}

/// The documents of one rendered template. Partials (`_*.tpl`) and NOTES.txt are not
/// manifests, as for `helm template`; hooks are, and stay in.
fn split(source: &str, text: &str) -> Result<Vec<Document>, ReleaseError> {
    let file = source.rsplit('/').next().unwrap_or(source);
    if file.starts_with('_') || file == "NOTES.txt" {
        return Ok(Vec::new());
    }
    let mut documents = Vec::new();
    for chunk in text.split("\n---").map(|c| c.strip_prefix("---").unwrap_or(c)) {
        let parsed: Value = serde_yaml_ng::from_str(chunk)
            .map_err(|e| ReleaseError::Usage(format!("{source}: Helm rendered YAML that does not parse: {e}")))?;
        if parsed.is_null() {
            continue; // only comments or whitespace: a template whose condition was off
        }
        let field = |pointer: &str| parsed.pointer(pointer).and_then(Value::as_str).unwrap_or("").to_string();
        documents.push(Document {
            kind: field("/kind"),
            name: field("/metadata/name"),
            source: source.to_string(),
            text: chunk.trim_matches('\n').to_string(),
        });
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn splits_documents_and_skips_empty_ones_and_partials() {
        let text = "\n---\n# Source: x\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# off\n---\nkind: Secret\nmetadata:\n  name: b\n";
        let documents = split("c/templates/x.yaml", text).unwrap();
        let names: Vec<_> = documents.iter().map(|d| (d.kind.as_str(), d.name.as_str())).collect();
        assert_eq!(names, [("ConfigMap", "a"), ("Secret", "b")]);
        assert!(split("c/templates/_helpers.tpl", "a: b").unwrap().is_empty());
        assert!(split("c/templates/NOTES.txt", "hello").unwrap().is_empty());
        assert!(split("c/templates/bad.yaml", "a: [b").unwrap_err().to_string().contains("c/templates/bad.yaml"));
    }
}
