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
                let defaults_only = values.file.is_none() && options.set.is_empty();
                let lint_options = LintOptions {
                    strict: true,
                    namespace: Some(options.namespace.to_string()),
                    kube_version: Some(format!("v{}", options.kube_version)),
                    // The subcharts of an umbrella (charts/) are linted as charts of their own
                    // too, but only with their defaults: Helm would hand them the umbrella's
                    // values file, whose keys are the umbrella's. Every run still lints and
                    // renders the whole tree as one release, values reaching each subchart.
                    with_subcharts: defaults_only,
                    ..LintOptions::default()
                };
                let report = sdk.lint(chart, Some(&values.merged), &lint_options)?;
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
                findings.extend(unseen.into_iter().map(|e| Finding {
                    severity: "ERROR",
                    path: String::new(),
                    message: e,
                }));
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
                if values.file.is_none() && options.set.is_empty() {
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
