//! The Helm the validator drives: Helm's Go SDK (`libhelm_c.so`) or a `helm` binary. Both
//! give the same two answers: lint findings, and the rendered manifests by template path.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use helm_sdk::{Chart, HelmSdk, LintOptions, Severity};
use serde_json::{json, Value};

use crate::error::ValidateError;

/// A lint finding at warning level or above (what `--strict` fails on).
pub struct Finding {
    pub severity: &'static str,
    pub path: String,
    pub message: String,
}

impl Finding {
    /// The finding of a subchart linted alone, its path made the umbrella's (`charts/cart/` +
    /// `templates/a.yaml`); a message without a path names the subchart at its start.
    fn within(self, subchart: &Path) -> Finding {
        let path = if self.path.is_empty() { subchart.to_path_buf() } else { subchart.join(&self.path) };
        Finding { path: path.display().to_string(), ..self }
    }
}

pub struct RenderOptions<'a> {
    pub release: &'a str,
    pub namespace: &'a str,
    pub kube_version: &'a str,
    /// `--set` expressions applied on top of the values file.
    pub set: &'a [String],
}

pub enum Helm {
    Sdk(Box<HelmSdk>),
    Binary(PathBuf),
}

/// The values of one lint and render run, read and merged once and handed to both.
pub struct RunValues<'a> {
    /// The values file, if any (the binary reads it itself).
    file: Option<&'a Path>,
    /// The file's values with the `--set` expressions over them, for the SDK.
    merged: Value,
}

impl RunValues<'_> {
    /// The run's values file, if any.
    pub fn file(&self) -> Option<&Path> {
        self.file
    }

    /// The file's values with the `--set` expressions over them (null with a helm binary,
    /// which reads both itself).
    pub fn merged(&self) -> &Value {
        &self.merged
    }
}

impl Helm {
    pub fn describe(&self) -> String {
        match self {
            Helm::Sdk(sdk) => format!("Helm Go SDK {}", sdk.version().unwrap_or_else(|e| e.to_string())),
            Helm::Binary(path) => format!("helm binary {}", path.display()),
        }
    }

    /// Reads the values file and applies the `--set` expressions, once per run.
    pub fn values<'a>(&self, file: Option<&'a Path>, options: &RenderOptions) -> Result<RunValues<'a>, ValidateError> {
        let merged = match self {
            Helm::Sdk(sdk) => values_json(sdk, file, options)?,
            // The binary is given the file and the expressions themselves.
            Helm::Binary(_) => Value::Null,
        };
        Ok(RunValues { file, merged })
    }

    /// `helm lint --strict`: every finding of warning level or above.
    pub fn lint(
        &self,
        chart: &Path,
        values: &RunValues,
        options: &RenderOptions,
    ) -> Result<Vec<Finding>, ValidateError> {
        match self {
            Helm::Sdk(sdk) => {
                let mut findings = sdk_lint(sdk, chart, &values.merged, options)?;
                // The SDK's `with_subcharts` option is only passed through (Helm's CLI, not its
                // lint action, finds the subcharts), so the walk is done here.
                if lints_subcharts_alone(values.file, options) {
                    for subchart in subchart_paths(chart)? {
                        let within = subchart.strip_prefix(chart).unwrap_or(&subchart).to_path_buf();
                        let alone = sdk_lint(sdk, &subchart, &json!({}), options)?;
                        findings.extend(alone.into_iter().map(|f| f.within(&within)));
                    }
                }
                Ok(findings)
            }
            Helm::Binary(helm) => {
                let mut command = Command::new(helm);
                command.args([
                    "lint",
                    "--strict",
                    "--namespace",
                    options.namespace,
                    "--kube-version",
                    options.kube_version,
                ]);
                if lints_subcharts_alone(values.file, options) {
                    command.arg("--with-subcharts");
                }
                add_value_args(&mut command, values.file, options);
                let output = command.arg(chart).output().map_err(|e| ValidateError::io(helm, e))?;
                if output.status.success() {
                    return Ok(Vec::new());
                }
                Ok(String::from_utf8_lossy(&output.stdout)
                    .lines()
                    .chain(String::from_utf8_lossy(&output.stderr).lines())
                    .filter(|l| l.starts_with("[ERROR]") || l.starts_with("[WARNING]") || l.starts_with("Error"))
                    .map(|l| Finding { severity: "ERROR", path: String::new(), message: l.to_string() })
                    .collect())
            }
        }
    }

    /// Renders as `helm template` does: template path -> manifest text.
    pub fn render(
        &self,
        chart: &Path,
        values: &RunValues,
        options: &RenderOptions,
    ) -> Result<BTreeMap<String, String>, ValidateError> {
        match self {
            Helm::Sdk(sdk) => {
                let render_options = helm_sdk::RenderOptions {
                    name: Some(options.release.to_string()),
                    namespace: Some(options.namespace.to_string()),
                    is_install: true,
                    // As lint and `helm template --kube-version` do; unset, the SDK renders
                    // for its own client-go's version (1.36), which Helm 3 showed up.
                    kube_version: Some(format!("v{}", options.kube_version)),
                    ..helm_sdk::RenderOptions::default()
                };
                // A loaded chart renders once (Helm changes it while rendering): load per run.
                Ok(Chart::load(sdk, chart)?.render(Some(&values.merged), &render_options)?)
            }
            Helm::Binary(helm) => {
                let mut command = Command::new(helm);
                command.args([
                    "template",
                    options.release,
                    "--namespace",
                    options.namespace,
                    "--kube-version",
                    options.kube_version,
                ]);
                add_value_args(&mut command, values.file, options);
                let output = command.arg(chart).output().map_err(|e| ValidateError::io(helm, e))?;
                if !output.status.success() {
                    return Err(ValidateError::Helm(String::from_utf8_lossy(&output.stderr).into_owned()));
                }
                Ok(split_by_source(&String::from_utf8_lossy(&output.stdout)))
            }
        }
    }
}

/// Whether a run also lints the subcharts of an umbrella (charts/) as charts of their own, as
/// `helm lint --with-subcharts` does: only with their defaults, on a run without a values file
/// or `--set`, since Helm would hand them the run's values, whose keys are the umbrella's.
/// Every run still lints and renders the whole tree as one release, values reaching each
/// subchart.
pub fn lints_subcharts_alone(values: Option<&Path>, options: &RenderOptions) -> bool {
    values.is_none() && options.set.is_empty()
}

/// `helm lint --strict` of one chart (a directory or an archive) through the SDK.
fn sdk_lint(
    sdk: &HelmSdk,
    chart: &Path,
    values: &Value,
    options: &RenderOptions,
) -> Result<Vec<Finding>, ValidateError> {
    let lint_options = LintOptions {
        strict: true,
        namespace: Some(options.namespace.to_string()),
        kube_version: Some(format!("v{}", options.kube_version)),
        ..LintOptions::default()
    };
    let report = sdk.lint(chart, Some(values), &lint_options)?;
    let mut findings: Vec<Finding> = report
        .messages
        .into_iter()
        .filter_map(|m| {
            let severity = match m.severity {
                Severity::Unknown | Severity::Info => return None,
                Severity::Warning => "WARNING",
                // A level newer than the binding is at least as bad as an error.
                Severity::Error | Severity::Other(_) => "ERROR",
            };
            Some(Finding { severity, path: m.path, message: m.error })
        })
        .collect();
    // `errors` repeats the messages' texts; keep only what they do not already say.
    let unseen: Vec<String> =
        report.errors.into_iter().filter(|e| !findings.iter().any(|f| e.contains(&f.message))).collect();
    findings.extend(unseen.into_iter().map(|e| Finding { severity: "ERROR", path: String::new(), message: e }));
    Ok(findings)
}

/// The charts under `chart`'s charts/ directory, at any depth, as `helm lint --with-subcharts`
/// finds them: every directory holding a Chart.yaml, and every .tgz or .tar.gz archive, in
/// name order.
fn subchart_paths(chart: &Path) -> Result<Vec<PathBuf>, ValidateError> {
    let mut found = Vec::new();
    let charts = chart.join("charts");
    if charts.is_dir() {
        walk(&charts, &mut found)?;
    }
    Ok(found)
}

fn walk(directory: &Path, found: &mut Vec<PathBuf>) -> Result<(), ValidateError> {
    let mut entries = fs::read_dir(directory)
        .and_then(|entries| entries.map(|e| e.map(|e| e.path())).collect::<Result<Vec<_>, _>>())
        .map_err(|e| ValidateError::io(directory, e))?;
    entries.sort();
    for path in entries {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if path.is_dir() {
            if path.join("Chart.yaml").is_file() {
                found.push(path.clone());
            }
            walk(&path, found)?;
        } else if name.ends_with(".tgz") || name.ends_with(".tar.gz") {
            found.push(path);
        }
    }
    Ok(())
}

fn add_value_args(command: &mut Command, values: Option<&Path>, options: &RenderOptions) {
    if let Some(values) = values {
        command.arg("--values").arg(values);
    }
    for expression in options.set {
        command.arg("--set").arg(expression);
    }
}

/// The values the SDK gets: the values file, then the `--set` expressions over it.
fn values_json(sdk: &HelmSdk, values: Option<&Path>, options: &RenderOptions) -> Result<Value, ValidateError> {
    let mut merged = match values {
        Some(path) => sdk.values_from_yaml(&fs::read_to_string(path).map_err(|e| ValidateError::io(path, e))?)?,
        None => json!({}),
    };
    for expression in options.set {
        merge(&mut merged, sdk.strvals_parse(expression)?);
    }
    Ok(merged)
}

/// Deep-merges `overlay` into `base` as Helm coalesces values: maps merge, the rest replaces.
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

/// Splits `helm template` output into documents keyed by their `# Source:` template path.
fn split_by_source(stream: &str) -> BTreeMap<String, String> {
    let mut manifests: BTreeMap<String, String> = BTreeMap::new();
    for document in stream.split("\n---") {
        let source = document.lines().find_map(|l| l.strip_prefix("# Source: ")).unwrap_or("(unknown)").to_string();
        let entry = manifests.entry(source).or_default();
        entry.push_str("\n---\n");
        entry.push_str(document);
    }
    manifests
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_coalesces_maps_and_replaces_the_rest() {
        let mut base = json!({"apps": {"a": {"replicas": 2, "env": {"X": "1"}}}, "list": [1]});
        merge(&mut base, json!({"apps": {"a": {"replicas": 5}}, "list": [2]}));
        assert_eq!(base, json!({"apps": {"a": {"replicas": 5, "env": {"X": "1"}}}, "list": [2]}));
    }

    #[test]
    fn merge_replaces_a_scalar_with_a_map_and_adds_new_keys() {
        let mut base = json!({"a": 1, "b": {"c": 1}});
        merge(&mut base, json!({"a": {"x": 1}, "b": {"d": null}, "e": "new"}));
        assert_eq!(base, json!({"a": {"x": 1}, "b": {"c": 1, "d": null}, "e": "new"}));
    }

    #[test]
    fn template_output_is_split_by_its_source_comments() {
        let stream = "kind: Loose\n---\n# Source: c/templates/a.yaml\nkind: A\n---\n# Source: c/templates/b.yaml\nkind: B\n---\n# Source: c/templates/a.yaml\nkind: A2\n";
        let manifests = split_by_source(stream);
        assert_eq!(manifests.keys().collect::<Vec<_>>(), ["(unknown)", "c/templates/a.yaml", "c/templates/b.yaml"]);
        assert_eq!(
            manifests["c/templates/a.yaml"],
            "\n---\n\n# Source: c/templates/a.yaml\nkind: A\n---\n\n# Source: c/templates/a.yaml\nkind: A2\n"
        );
        assert_eq!(manifests["c/templates/b.yaml"], "\n---\n\n# Source: c/templates/b.yaml\nkind: B");
        assert_eq!(manifests["(unknown)"], "\n---\nkind: Loose");
    }

    #[test]
    fn subcharts_are_found_at_any_depth_as_directories_with_a_chart_yaml_or_archives_in_name_order() {
        let chart = tempfile::tempdir().unwrap();
        let charts = chart.path().join("charts");
        for file in ["b/Chart.yaml", "b/charts/c/Chart.yaml", "a/Chart.yaml", "not-a-chart/README.md"] {
            fs::create_dir_all(charts.join(file).parent().unwrap()).unwrap();
            fs::write(charts.join(file), "").unwrap();
        }
        for file in ["d-1.0.0.tgz", "e-1.0.0.tar.gz", "notes.txt", "b/charts/f-2.0.0.tgz"] {
            fs::write(charts.join(file), "").unwrap();
        }
        let found = subchart_paths(chart.path()).unwrap();
        let names: Vec<_> = found.iter().map(|p| p.strip_prefix(&charts).unwrap().to_str().unwrap()).collect();
        assert_eq!(names, ["a", "b", "b/charts/c", "b/charts/f-2.0.0.tgz", "d-1.0.0.tgz", "e-1.0.0.tar.gz"]);
        let alone = tempfile::tempdir().unwrap();
        assert!(subchart_paths(alone.path()).unwrap().is_empty(), "a chart without charts/ has none");
    }

    #[test]
    fn a_subcharts_finding_is_placed_in_the_umbrella() {
        let finding = |path: &str| Finding { severity: "WARNING", path: path.into(), message: "m".into() };
        let within = |f: Finding| f.within(Path::new("charts/cart")).path;
        assert_eq!(within(finding("templates/a.yaml")), "charts/cart/templates/a.yaml");
        assert_eq!(within(finding("")), "charts/cart");
        assert_eq!(within(finding("/abs/cart")), "/abs/cart");
    }

    #[test]
    fn a_helm_binary_gets_the_values_file_and_set_expressions_in_order() {
        let set = ["a=1".to_string(), "b=2".to_string()];
        let options = RenderOptions { release: "r", namespace: "n", kube_version: "1.34.0", set: &set };
        let mut command = Command::new("helm");
        add_value_args(&mut command, Some(Path::new("values-prod.yaml")), &options);
        let args: Vec<_> = command.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        assert_eq!(args, ["--values", "values-prod.yaml", "--set", "a=1", "--set", "b=2"]);
        let mut command = Command::new("helm");
        add_value_args(&mut command, None, &RenderOptions { set: &[], ..options });
        assert_eq!(command.get_args().count(), 0);
    }

    #[test]
    fn a_helm_binary_reads_the_values_itself_and_is_named_by_its_path() {
        let helm = Helm::Binary(PathBuf::from("/nonexistent/helm"));
        assert_eq!(helm.describe(), "helm binary /nonexistent/helm");
        let options = RenderOptions { release: "r", namespace: "n", kube_version: "1.34.0", set: &[] };
        let values = helm.values(Some(Path::new("v.yaml")), &options).unwrap();
        assert_eq!((values.file(), values.merged()), (Some(Path::new("v.yaml")), &Value::Null));
        let lint = helm.lint(Path::new("chart"), &values, &options).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(lint.starts_with("/nonexistent/helm: "), "{lint}");
        let render = helm.render(Path::new("chart"), &values, &options).err().map(|e| e.to_string());
        assert!(render.unwrap_or_default().starts_with("/nonexistent/helm: "));
    }
}
