//! `chart_validator`: proves a chart correct with the real Helm and the Kubernetes schemas.
//!
//! 1. `helm lint --strict` (Helm's own lint rules, warnings fail);
//! 2. render as `helm template` does, with the chart's defaults and with each values file;
//! 3. validate every rendered object against the Kubernetes schema of its kind (strict:
//!    unknown fields fail) or, for KEDA and Prometheus operator objects, against their CRD
//!    schemas, and check no object hard-codes a namespace.
//!
//! Exits 0 when the chart is valid, 1 when it is not (inverted by `--expect-failure`),
//! 2 when the validator itself cannot run.

mod crd;
mod error;
mod helm;
mod kube;
mod policy;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use serde_json::Value;

use crate::crd::CrdSchemas;
use crate::error::ValidateError;
use crate::helm::{Helm, RenderOptions};
use crate::kube::KubeSchemas;

#[derive(Parser)]
#[command(name = "chart_validator", about = "Lints, renders and schema-checks a Helm chart")]
struct Args {
    /// Chart directory.
    #[arg(long)]
    chart: PathBuf,
    /// Directory of Kubernetes JSON schemas (with _definitions.json).
    #[arg(long)]
    schemas: PathBuf,
    /// Node.js, to run the CRD validators.
    #[arg(long)]
    node: PathBuf,
    /// crd_validate.mjs: validates custom resources with the CRD models.
    #[arg(long)]
    crd_script: PathBuf,
    /// node_modules directory holding the CRD models (@kubernetes-models/*).
    #[arg(long)]
    crd_models: PathBuf,
    /// Kubernetes version to lint for, e.g. 1.34.0.
    #[arg(long)]
    kube_version: String,
    /// libhelm_c.so: Helm's Go SDK behind a C ABI.
    #[arg(long, conflicts_with = "helm_binary", required_unless_present = "helm_binary")]
    helm_library: Option<PathBuf>,
    /// A helm executable, used instead of the SDK.
    #[arg(long)]
    helm_binary: Option<PathBuf>,
    /// Values files to lint and render with, one run each (the defaults always run).
    #[arg(long = "values")]
    values: Vec<PathBuf>,
    /// Also apply the policy checks (security context, resources, probes, disruption budgets,
    /// one scaler per Deployment, network policy coverage, references between objects,
    /// namespaced RBAC) to the rendered objects.
    #[arg(long)]
    policy: bool,
    /// Also lint and render once with every values-<env>.yaml in the chart directory.
    #[arg(long)]
    environments: bool,
    /// Lint and render only with the chart's values-<NAME>.yaml (not its defaults alone).
    #[arg(long, conflicts_with = "environments")]
    environment: Option<String>,
    /// Release name to render with.
    #[arg(long, default_value = "release-name")]
    release: String,
    /// Namespace to render into.
    #[arg(long, default_value = "default")]
    namespace: String,
    /// `--set` expressions applied to every lint and render run.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// An object every run must render, as Kind/name; when given, no other object may appear.
    #[arg(long = "expect-object", value_name = "KIND/NAME")]
    expect_objects: Vec<String>,
    /// A value a rendered object must hold: `Kind/name:/json/pointer=JSON`.
    #[arg(long = "expect-value", value_name = "KIND/NAME:/POINTER=JSON")]
    expect_values: Vec<String>,
    /// Print every rendered manifest.
    #[arg(long)]
    show: bool,
    /// Succeed only if the chart is invalid (to test that broken charts are caught).
    #[arg(long)]
    expect_failure: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(problems) => report(&args, problems),
        Err(error) => {
            eprintln!("chart_validator: error: {error}");
            ExitCode::from(2)
        }
    }
}

fn report(args: &Args, problems: usize) -> ExitCode {
    let valid = problems == 0;
    match (valid, args.expect_failure) {
        (true, false) => println!("chart {} is valid", args.chart.display()),
        (false, false) => println!("chart {} has {problems} problem(s)", args.chart.display()),
        (true, true) => println!("chart {} is valid, but it was expected to fail", args.chart.display()),
        (false, true) => println!("chart {} was rejected, as expected ({problems} problem(s))", args.chart.display()),
    }
    if valid != args.expect_failure {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Runs every check and returns how many problems were found (each one is printed).
fn run(args: &Args) -> Result<usize, ValidateError> {
    let _helm_home = isolate_helm_home()?;
    let helm = match (&args.helm_library, &args.helm_binary) {
        (Some(library), _) => Helm::Sdk(Box::new(helm_sdk::HelmSdk::load(library)?)),
        (None, Some(binary)) => Helm::Binary(binary.clone()),
        (None, None) => return Err(ValidateError::Helm("no Helm given".into())),
    };
    println!("validating with {}, Kubernetes {}", helm.describe(), args.kube_version);
    let options = RenderOptions {
        release: &args.release,
        namespace: &args.namespace,
        kube_version: &args.kube_version,
        set: &args.set,
    };
    let expectations = Expectations::parse(args)?;
    let chart = resolve_chart_dir(&args.chart)?;
    let mut schemas = Schemas {
        kube: KubeSchemas::open(&args.schemas)?,
        crd: CrdSchemas::new(args.node.clone(), args.crd_script.clone(), args.crd_models.clone()),
    };
    let mut values_files = args.values.clone();
    if args.environments {
        values_files.extend(environment_files(&chart)?);
    }
    let defaults = match &args.environment {
        Some(name) => {
            values_files.push(chart.join(format!("values-{name}.yaml")));
            None
        }
        None => Some(None),
    };
    let runs: Vec<Option<&Path>> = defaults.into_iter().chain(values_files.iter().map(|v| Some(v.as_path()))).collect();
    let mut problems = 0;
    for values in runs {
        // Files of the chart itself (values-<env>.yaml) are named by file name alone.
        let label = values.map_or("default values".to_string(), |v| match v.strip_prefix(&chart) {
            Ok(inside) => inside.display().to_string(),
            Err(_) => v.display().to_string(),
        });
        problems += lint(&helm, &chart, values, &options, &label)?;
        let (render_problems, objects) =
            render_and_validate(&helm, &chart, values, &options, &mut schemas, &label, args.show)?;
        problems += render_problems + expectations.check(&objects, &label);
        if args.policy {
            problems += check_policy(&objects, &label);
        }
    }
    Ok(problems)
}

/// Helm writes caches and config under $HOME; keep it in a directory of its own.
fn isolate_helm_home() -> Result<tempfile::TempDir, ValidateError> {
    let base = std::env::var_os("TEST_TMPDIR").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let home =
        tempfile::Builder::new().prefix("helm-home").tempdir_in(&base).map_err(|e| ValidateError::io(&base, e))?;
    for (variable, dir) in [("HELM_CACHE_HOME", "cache"), ("HELM_CONFIG_HOME", "config"), ("HELM_DATA_HOME", "data")] {
        // Set before the Go runtime starts (the library is loaded afterwards) and while
        // this process has a single thread.
        std::env::set_var(variable, home.path().join(dir));
    }
    Ok(home)
}

/// The chart's environment files (`values-<env>.yaml`), sorted.
fn environment_files(chart: &Path) -> Result<Vec<PathBuf>, ValidateError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(chart)
        .map_err(|e| ValidateError::io(chart, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("values-") && n.ends_with(".yaml"))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The real chart directory: in runfiles every file of a directory output is a symlink into
/// Bazel's output tree, which Helm would report file by file.
fn resolve_chart_dir(chart: &Path) -> Result<PathBuf, ValidateError> {
    let chart_file = chart.join("Chart.yaml");
    let real = chart_file.canonicalize().map_err(|e| ValidateError::io(&chart_file, e))?;
    Ok(real.parent().map_or_else(|| chart.to_path_buf(), Path::to_path_buf))
}

fn lint(
    helm: &Helm,
    chart: &Path,
    values: Option<&Path>,
    options: &RenderOptions,
    label: &str,
) -> Result<usize, ValidateError> {
    let findings = helm.lint(chart, values, options)?;
    println!("==> helm lint --strict ({label}): {} finding(s)", findings.len());
    for finding in &findings {
        println!("[{}] {}: {}", finding.severity, finding.path, finding.message);
    }
    Ok(findings.len())
}

fn render_and_validate(
    helm: &Helm,
    chart: &Path,
    values: Option<&Path>,
    options: &RenderOptions,
    schemas: &mut Schemas,
    label: &str,
    show: bool,
) -> Result<(usize, BTreeMap<String, Value>), ValidateError> {
    let mut objects = BTreeMap::new();
    let manifests = match helm.render(chart, values, options) {
        Ok(m) => m,
        Err(error) => {
            println!("[ERROR] render ({label}): {error}");
            return Ok((1, objects));
        }
    };
    let mut problems = 0;
    let mut rendered: Vec<(&str, Value)> = Vec::new();
    for (template, text) in manifests.iter().filter(|(t, _)| t.ends_with(".yaml") || t.ends_with(".yml")) {
        if show {
            println!("---\n# Source: {template}\n{}", text.trim());
        }
        for document in serde_yaml_ng::Deserializer::from_str(text) {
            match serde::Deserialize::deserialize(document) {
                Ok(Value::Null) => {}
                Ok(object) => rendered.push((template, object)),
                Err(error) => {
                    println!("[ERROR] {template}: not valid YAML: {error}");
                    problems += 1;
                }
            }
        }
    }
    for ((template, object), object_problems) in rendered.iter().zip(schemas.validate(&rendered)?) {
        for problem in object_problems {
            println!("[ERROR] {template}: {}: {problem}", describe(object));
            problems += 1;
        }
    }
    for (template, object) in rendered {
        if let Some(previous) = objects.insert(describe(&object), object) {
            println!("[ERROR] {template}: {} is rendered twice", describe(&previous));
            problems += 1;
        }
    }
    println!("==> rendered ({label}): {} object(s) checked against the Kubernetes and CRD schemas", objects.len());
    Ok((problems, objects))
}

/// The Kubernetes schemas for built-in kinds and the CRD schemas for custom resources.
struct Schemas {
    kube: KubeSchemas,
    crd: CrdSchemas,
}

impl Schemas {
    /// Problems of each rendered object, in order.
    fn validate(&mut self, rendered: &[(&str, Value)]) -> Result<Vec<Vec<String>>, ValidateError> {
        let custom: Vec<&Value> = rendered.iter().map(|(_, o)| o).filter(|o| crd::is_custom(o)).collect();
        let mut custom_problems = self.crd.validate(&custom)?.into_iter();
        rendered
            .iter()
            .map(|(_, object)| {
                let mut problems = if crd::is_custom(object) {
                    custom_problems.next().unwrap_or_default()
                } else {
                    self.kube.validate(object)?
                };
                if object.pointer("/metadata/namespace").is_some() {
                    problems.push("metadata.namespace is hard-coded; the release namespace must apply".into());
                }
                Ok(problems)
            })
            .collect()
    }
}

fn check_policy(objects: &BTreeMap<String, Value>, label: &str) -> usize {
    let findings = policy::check(objects);
    for finding in &findings {
        println!("[POLICY] {finding}");
    }
    println!("==> policy ({label}): {} finding(s)", findings.len());
    findings.len()
}

/// What a test expects of the rendered objects (`--expect-object`, `--expect-value`).
struct Expectations {
    objects: BTreeSet<String>,
    values: Vec<(String, String, Value)>,
}

impl Expectations {
    fn parse(args: &Args) -> Result<Expectations, ValidateError> {
        let values = args
            .expect_values
            .iter()
            .map(|spec| {
                let bad = || ValidateError::Helm(format!("--expect-value {spec:?} is not Kind/name:/pointer=JSON"));
                let (object, rest) = spec.split_once(":/").ok_or_else(bad)?;
                let (pointer, json) = rest.split_once('=').ok_or_else(bad)?;
                let expected = serde_json::from_str(json).map_err(|_| bad())?;
                Ok((object.to_string(), format!("/{pointer}"), expected))
            })
            .collect::<Result<_, ValidateError>>()?;
        Ok(Expectations { objects: args.expect_objects.iter().cloned().collect(), values })
    }

    /// Prints every unmet expectation and returns how many there were.
    fn check(&self, objects: &BTreeMap<String, Value>, label: &str) -> usize {
        let mut problems = 0;
        if !self.objects.is_empty() {
            let rendered: BTreeSet<String> = objects.keys().cloned().collect();
            for missing in self.objects.difference(&rendered) {
                println!("[ERROR] expected ({label}): {missing} was not rendered");
                problems += 1;
            }
            for extra in rendered.difference(&self.objects) {
                println!("[ERROR] expected ({label}): {extra} was rendered but not expected");
                problems += 1;
            }
        }
        for (object, pointer, expected) in &self.values {
            let actual = objects.get(object).and_then(|o| o.pointer(pointer));
            // An expected null means the field must be absent (or null).
            let met = if expected.is_null() {
                objects.contains_key(object) && actual.is_none_or(Value::is_null)
            } else {
                actual == Some(expected)
            };
            if !met {
                println!(
                    "[ERROR] expected ({label}): {object} {pointer} = {expected}, got {}",
                    actual.map_or("nothing".into(), Value::to_string)
                );
                problems += 1;
            }
        }
        if problems == 0 && !(self.objects.is_empty() && self.values.is_empty()) {
            println!(
                "==> expectations ({label}): {} object(s) and {} value(s) as expected",
                self.objects.len(),
                self.values.len()
            );
        }
        problems
    }
}

fn describe(object: &Value) -> String {
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("?");
    let name = object.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("?");
    format!("{kind}/{name}")
}
