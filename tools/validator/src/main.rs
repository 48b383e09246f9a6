//! `chart_validator`: proves a chart correct with the real Helm and the Kubernetes schemas.
//!
//! 1. `helm lint --strict` (Helm's own lint rules, warnings fail);
//! 2. render as `helm template` does, with the chart's defaults and with each values file;
//! 3. validate every rendered object against the Kubernetes schema of its kind (strict:
//!    unknown fields fail) or, for KEDA and Prometheus operator objects, against their CRD
//!    schemas, and check no object hard-codes a namespace;
//! 4. check the rules the API server applies beyond those schemas (`apiserver/`: requests at
//!    most limits, autoscaler bounds, cron schedules, names, ports...).
//!
//! Every problem found has a kind and a message (see `problem.rs`). Exits 0 when the chart
//! is valid, 1 when it is not, 2 when the validator itself cannot run or is misused. A
//! failure test (`--expect-failure`) names the problems it expects (`--expect-problem`, at
//! least one) and exits 0 only when the chart is rejected with each of them; `--edit` makes
//! the broken chart it checks from a good one, in a temporary copy.
//!
//! Each run reads its values once; lint runs on a thread of its own beside the render and
//! the schema checks (Helm's SDK is thread-safe), and the Node.js process of the CRD checks
//! is started as soon as the chart's templates mention a CRD API group, so its start-up
//! overlaps Helm's work. `--timings` prints the wall time of each phase to stderr.

mod apiserver;
mod argocd;
mod crd;
mod edit;
mod error;
mod expect;
mod helm;
mod helm3;
mod kube;
mod kube_versions;
mod policy;
mod problem;
mod reachability;
mod upgrade;
mod upgrade_run;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use serde_json::Value;

use crate::crd::CrdSchemas;
use crate::edit::Edit;
use crate::error::ValidateError;
use crate::expect::Expectations;
use crate::helm::{Finding, Helm, RenderOptions, RunValues};
use crate::kube::KubeSchemas;
use crate::kube_versions::KubeVersions;
use crate::problem::{judge, Expected, Kind, Problem, Verdict};
use phase_timing::Timings;

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
    /// Kubernetes version to lint, render and check for, e.g. 1.34.0; repeated, the default
    /// values (and `--values` files) run once for each, and the first stands for every
    /// environment without a `--kube-version-for`. `--schemas` holds the first one's schemas.
    #[arg(long = "kube-version", required = true)]
    kube_version: Vec<String>,
    /// The Kubernetes version of an environment's cluster: its values-<ENV>.yaml run is linted,
    /// rendered and checked for it.
    #[arg(long = "kube-version-for", value_name = "ENV=VERSION")]
    kube_version_for: Vec<String>,
    /// The directory of schemas of a Kubernetes version other than the first `--kube-version`.
    #[arg(long = "schemas-for", value_name = "VERSION=DIR")]
    schemas_for: Vec<String>,
    /// libhelm_c.so: Helm's Go SDK behind a C ABI.
    #[arg(long, conflicts_with = "helm_binary", required_unless_present = "helm_binary")]
    helm_library: Option<PathBuf>,
    /// A helm executable, used instead of the SDK.
    #[arg(long)]
    helm_binary: Option<PathBuf>,
    /// A Helm 3 binary: every run is also linted and rendered with it and its objects are
    /// compared with the first Helm's (see helm3.rs).
    #[arg(long)]
    helm3: Option<PathBuf>,
    /// Values files to lint and render with, one run each (the defaults always run).
    #[arg(long = "values")]
    values: Vec<PathBuf>,
    /// Lint and render only with the `--values` files, not the defaults alone (to check what a
    /// values overlay changes with `--expect-value`).
    #[arg(long, requires = "values")]
    values_only: bool,
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
    /// Succeed only if the chart is rejected with every `--expect-problem` (to test that
    /// broken charts are caught, and why).
    #[arg(long)]
    expect_failure: bool,
    /// A problem a failure test expects: text that is part of some reported problem's
    /// `<kind>: <message>`, e.g. `policy:run-as-non-root: Deployment/`.
    #[arg(long = "expect-problem", value_name = "TEXT")]
    expect_problems: Vec<String>,
    /// Before anything runs, replace the one occurrence of OLD by NEW in the chart file FILE
    /// (relative to the chart directory), in a temporary copy of the chart. OLD must occur
    /// exactly once and must not contain `=>`.
    #[arg(long = "edit", value_name = "FILE:OLD=>NEW")]
    edits: Vec<String>,
    /// The version of the chart this one replaces (a chart directory, a .tgz, or a directory
    /// holding one): also fail on every change `helm upgrade` from it would be refused.
    #[arg(long)]
    previous_chart: Option<PathBuf>,
    /// Print the wall time of each phase (lint, render, schema checks, policy) to stderr.
    #[arg(long)]
    timings: bool,
    /// With `--policy`: print every declared path between pods (open or closed) and every open
    /// one, per run (see `reachability`).
    #[arg(long, requires = "policy")]
    print_paths: bool,
    /// Also check Argo CD's rules: no template calls `lookup` or a random or clock function or
    /// reads the release's install state, and no hook is install-only (see argocd.rs).
    #[arg(long)]
    argocd: bool,
    /// Argo CD objects generated for the chart (`argocd_applications`): checked against Argo
    /// CD's CRD schemas and the chart; implies `--argocd`.
    #[arg(long = "argocd-applications", value_name = "FILE")]
    argocd_applications: Vec<PathBuf>,
}

/// Exit statuses: the test passed, it failed, the validator could not run or was misused.
const PASSED: u8 = 0;
const FAILED: u8 = 1;
const ERROR: u8 = 2;

fn main() -> ExitCode {
    restart_with_go_gc_percent();
    ExitCode::from(validate(&Args::parse()))
}

fn validate(args: &Args) -> u8 {
    let expected = Expected { failure: args.expect_failure, problems: &args.expect_problems };
    if let Err(message) = expected.check_usage() {
        eprintln!("chart_validator: {message}");
        return ERROR;
    }
    match run(args) {
        Ok(problems) => report(&args.chart, &problems, expected),
        Err(error) => {
            eprintln!("chart_validator: error: {error}");
            ERROR
        }
    }
}

/// Prints the verdict and returns the exit status.
fn report(chart: &Path, problems: &[Problem], expected: Expected) -> u8 {
    let chart = chart.display();
    let verdict = judge(problems, expected);
    match &verdict {
        Verdict::Valid => println!("chart {chart} is valid"),
        Verdict::Invalid => {
            println!("chart {chart} has {} problem(s):", problems.len());
            print_problems(problems);
        }
        Verdict::UnexpectedlyValid => {
            println!("chart {chart} is valid, but it was expected to be rejected with:");
            expected.problems.iter().for_each(|text| println!("  {text}"));
        }
        Verdict::RejectedAsExpected => {
            println!("chart {chart} was rejected, as expected ({} problem(s)):", problems.len());
            print_problems(problems);
        }
        Verdict::RejectedForAnotherReason { missing } => {
            println!("chart {chart} was rejected, but not for the expected reason; not reported:");
            missing.iter().for_each(|text| println!("  {text}"));
            println!("reported instead:");
            print_problems(problems);
        }
    }
    if verdict.passed() {
        PASSED
    } else {
        FAILED
    }
}

fn print_problems(problems: &[Problem]) {
    problems.iter().for_each(|problem| println!("  {}", problem.to_string().replace('\n', "\n    ")));
}

/// Runs every check and returns the problems found (each is printed as it is found).
fn run(args: &Args) -> Result<Vec<Problem>, ValidateError> {
    let started = Instant::now();
    let mut timings = Timings::new(args.timings, "timings (wall; lint runs beside render and the schema checks):", 1);
    let edits = args.edits.iter().map(|spec| Edit::parse(spec)).collect::<Result<Vec<_>, _>>()?;
    let expectations = Expectations::parse(&args.expect_objects, &args.expect_values)?;
    let scratch = std::env::var_os("TEST_TMPDIR").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let _helm_home = isolate_helm_home(&scratch)?;
    let helm = timings.time("load Helm", || -> Result<Helm, ValidateError> {
        Ok(match (&args.helm_library, &args.helm_binary) {
            (Some(library), _) => Helm::Sdk(Box::new(helm_sdk::HelmSdk::load(library)?)),
            (None, Some(binary)) => Helm::Binary(binary.clone()),
            (None, None) => return Err(ValidateError::Helm("no Helm given".into())),
        })
    })?;
    let helm3 = args.helm3.as_deref().map(|binary| helm3::Helm3::new(binary, &scratch)).transpose()?;
    let helm_name = helm.describe();
    let also = helm3.as_ref().map_or(String::new(), |h| format!(" and {}", h.name()));
    let versions = KubeVersions::new(&args.kube_version, &args.schemas, &args.kube_version_for, &args.schemas_for)?;
    println!("validating with {helm_name}{also}, Kubernetes {}", versions.all().join(", "));
    let options = RenderOptions {
        release: &args.release,
        namespace: &args.namespace,
        kube_version: &args.kube_version[0],
        set: &args.set,
    };
    let chart = resolve_chart_dir(&args.chart)?;
    // Kept until the run ends: the edited copy of the chart lives in it.
    let copy_dir = scratch_dir(&scratch, "chart")?;
    let chart = if edits.is_empty() { chart } else { edit::edited_copy(&chart, &edits, copy_dir.path())? };
    let mut schemas = Schemas {
        kube: timings.time("read Kubernetes definitions", || open_schemas(&versions))?,
        crd: CrdSchemas::new(args.node.clone(), args.crd_script.clone(), args.crd_models.clone()),
    };
    if crd::templates_mention_custom_groups(&chart) {
        schemas.crd.prestart()?;
    }
    let previous = args.previous_chart.as_deref().map(|p| upgrade_run::PreviousChart::open(p, &chart, &helm, &scratch));
    let previous = previous.transpose()?.flatten();
    let mut problems = Vec::new();
    let runs = value_runs(&chart, &args.values, args.environments, args.environment.as_deref())?;
    let argocd = args.argocd || !args.argocd_applications.is_empty();
    if argocd {
        problems.extend(argocd_once(&chart, &args.argocd_applications, &mut schemas.crd)?);
    }
    check_environments_known(&versions, &chart)?;
    for (values, kube_version) in runs_with_versions(&runs, &chart, &versions, args.values_only) {
        // Files of the chart itself (values-<env>.yaml) are named by file name alone.
        let label = values.map_or("default values".to_string(), |v| match v.strip_prefix(&chart) {
            Ok(inside) => inside.display().to_string(),
            Err(_) => v.display().to_string(),
        });
        let label = if versions.several() { format!("{label}, Kubernetes {kube_version}") } else { label };
        let options = RenderOptions { kube_version, ..options };
        problems.extend(check_chart_kube_version(&chart, kube_version, &label)?);
        let run_values = timings.time(format!("values ({label})"), || helm.values(values, &options))?;
        let (findings, rendered, upgraded, helm3_run) = std::thread::scope(|scope| {
            let lint = scope.spawn(|| {
                let start = Instant::now();
                (helm.lint(&chart, &run_values, &options), start.elapsed())
            });
            let helm3_run = helm3.as_ref().map(|helm3| {
                scope.spawn(|| {
                    let start = Instant::now();
                    (helm3.run(&chart, values, &options), start.elapsed())
                })
            });
            let checks = Checks {
                helm: &helm,
                chart: &chart,
                options: &options,
                label: &label,
                show: args.show,
                name_version: versions.several(),
            };
            let rendered = checks.render_and_validate(&run_values, &mut schemas, &mut timings);
            // While lint, the longest phase, still runs: render the previous version and compare.
            let upgraded = match (&previous, &rendered) {
                (Some(previous), Ok((_, objects, _))) => {
                    let start = Instant::now();
                    let schemas = versions.schemas(kube_version).unwrap_or(&args.schemas);
                    let run = upgrade_run::Run { label: &label, schemas };
                    Some((previous.check_run(&helm, &chart, values, &options, objects, run), start.elapsed()))
                }
                _ => None,
            };
            (lint.join(), rendered, upgraded, helm3_run.map(|run| run.join()))
        });
        let (findings, lint_took) =
            findings.map_err(|_| ValidateError::Helm("helm lint stopped: it panicked".into()))?;
        timings.record(format!("lint, beside render ({label})"), lint_took);
        problems.extend(lint(&findings?, &label));
        let (render_problems, objects, render_output) = rendered?;
        print!("{render_output}");
        let first_rendered = helm3::first_rendered(&render_problems).then_some(&objects);
        problems.extend(render_problems);
        if let (Some(helm3), Some(run)) = (&helm3, helm3_run) {
            let (run, took) = run.map_err(|_| ValidateError::Helm("Helm 3 stopped: its thread panicked".into()))?;
            timings.record(format!("Helm 3 lint and render, beside ({label})"), took);
            let found = helm3::problems(&run?, &helm3.name(), &helm_name, first_rendered);
            print_found(&found);
            println!("==> {} lint --strict and render ({label}): {} problem(s)", helm3.name(), found.len());
            problems.extend(found);
        }
        let unmet = expectations.check(&objects);
        print_found(&unmet);
        if unmet.is_empty() && expectations.counts() != (0, 0) {
            let (objects, values) = expectations.counts();
            println!("==> expectations ({label}): {objects} object(s) and {values} value(s) as expected");
        }
        problems.extend(unmet);
        problems.extend(timings.time(format!("API server rules ({label})"), || check_api_server(&objects, &label)));
        if argocd {
            problems.extend(argocd::check_hooks(&objects, &label));
        }
        if args.policy {
            problems.extend(timings.time(format!("policy ({label})"), || check_policy(&objects, &label)));
            let namespaces =
                reachability::Namespaces::from_values(&args.namespace, &chart, run_values.file(), run_values.merged());
            problems.extend(timings.time(format!("reachability ({label})"), || {
                check_reachability(&objects, &namespaces, &label, args.print_paths)
            }));
        }
        if let Some((upgraded, took)) = upgraded {
            timings.record(format!("upgrade, beside lint ({label})"), took);
            let (upgrade_problems, upgrade_output) = upgraded?;
            print!("{upgrade_output}");
            problems.extend(upgrade_problems);
        }
    }
    if let Some(previous) = &previous {
        problems.extend(previous.check_values(&chart, &args.values)?);
    }
    eprint!("{}", timings.report(started.elapsed()));
    Ok(problems)
}

/// Argo CD's rules on the chart's templates, and its Argo CD objects, once per validator run.
fn argocd_once(chart: &Path, applications: &[PathBuf], crd: &mut CrdSchemas) -> Result<Vec<Problem>, ValidateError> {
    let mut problems = argocd::check_templates(chart)?;
    print_found(&problems);
    println!("==> Argo CD rules (templates): {} problem(s)", problems.len());
    for file in applications {
        problems.extend(argocd::check_applications(file, chart, crd)?);
    }
    Ok(problems)
}

/// The schemas of every version some run uses.
fn open_schemas(versions: &KubeVersions) -> Result<BTreeMap<String, KubeSchemas>, ValidateError> {
    let mut schemas = BTreeMap::new();
    for version in versions.all() {
        let dir = versions.schemas(version).ok_or_else(|| ValidateError::Usage(format!("no schemas for {version}")))?;
        schemas.insert(version.to_string(), KubeSchemas::open(dir)?);
    }
    Ok(schemas)
}

/// Each run with the Kubernetes version it is checked for: an environment file of the chart
/// with its cluster's, the default values and other files once with each of the chart's.
fn runs_with_versions<'a>(
    runs: &'a [Option<PathBuf>],
    chart: &Path,
    versions: &'a KubeVersions,
    values_only: bool,
) -> Vec<(Option<&'a Path>, &'a str)> {
    let mut pairs = Vec::new();
    for values in runs.iter().filter(|run| run.is_some() || !values_only) {
        let values = values.as_deref();
        let environment = values.filter(|v| v.parent() == Some(chart)).and_then(environment_name);
        pairs.extend(versions.of_run(environment).into_iter().map(|version| (values, version)));
    }
    pairs
}

/// Whether Chart.yaml's kubeVersion admits the run's version, as Helm checks before it installs.
fn check_chart_kube_version(chart: &Path, kube_version: &str, label: &str) -> Result<Vec<Problem>, ValidateError> {
    let file = chart.join("Chart.yaml");
    let text = std::fs::read_to_string(&file).map_err(|e| ValidateError::io(&file, e))?;
    // Chart.yaml that does not parse is lint's to report.
    let metadata: Value = serde_yaml_ng::from_str(&text).unwrap_or(Value::Null);
    let constraint = metadata.get("kubeVersion").and_then(Value::as_str).unwrap_or_default();
    let problems: Vec<Problem> = kube_versions::refused_by_chart(constraint, kube_version)
        .map(|refusal| Problem::new(Kind::KubernetesVersion, format!("{label}: {refusal}")))
        .into_iter()
        .collect();
    print_found(&problems);
    Ok(problems)
}

/// `--kube-version-for` must name environments the chart has.
fn check_environments_known(versions: &KubeVersions, chart: &Path) -> Result<(), ValidateError> {
    let files = environment_files(chart)?;
    let known: Vec<&str> = files.iter().filter_map(|f| environment_name(f)).collect();
    match versions.unknown_environments(&known).as_slice() {
        [] => Ok(()),
        unknown => Err(ValidateError::Usage(format!(
            "--kube-version-for names environment(s) the chart has no values-<env>.yaml of: {} (its environments: {})",
            unknown.join(", "),
            known.join(", ")
        ))),
    }
}

/// Prints problems as they are found, in the form `--expect-problem` matches.
fn print_found(problems: &[Problem]) {
    print!("{}", found(problems));
}

fn found(problems: &[Problem]) -> String {
    problems.iter().map(|problem| format!("[PROBLEM] {problem}\n")).collect()
}

fn scratch_dir(base: &Path, prefix: &str) -> Result<tempfile::TempDir, ValidateError> {
    tempfile::Builder::new().prefix(prefix).tempdir_in(base).map_err(|e| ValidateError::io(base, e))
}

/// Helm's Go code allocates heavily (lint builds a whole Kubernetes type scheme for every
/// rendered object), and with Go's default GOGC=100 about a fifth of its CPU time goes to
/// collecting garbage. GOGC=400 cuts the validator's CPU time by about 15% for about twice
/// the peak memory (some 300 MB on a 200-app chart). A GOGC already set is kept.
const GO_GC_PERCENT: &str = "400";

/// The Go runtime inside `libhelm_c.so` reads GOGC from the environment the process started
/// with, not from later changes: when it is unset, run this program again with it set.
/// Returns only when no restart is needed (or it could not be made: then Go's default holds).
fn restart_with_go_gc_percent() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("GOGC").is_some() {
        return;
    }
    let mut args = std::env::args_os();
    let Some(program) = args.next() else { return };
    let error = std::process::Command::new("/proc/self/exe").arg0(program).args(args).env("GOGC", GO_GC_PERCENT).exec();
    eprintln!("chart_validator: warning: could not restart with GOGC={GO_GC_PERCENT}: {error}");
}

/// Helm writes caches and config under $HOME; keep it in a directory of its own.
fn isolate_helm_home(base: &Path) -> Result<tempfile::TempDir, ValidateError> {
    let home = scratch_dir(base, "helm-home")?;
    for (variable, dir) in [("HELM_CACHE_HOME", "cache"), ("HELM_CONFIG_HOME", "config"), ("HELM_DATA_HOME", "data")] {
        // Set before the Go runtime starts (the library is loaded afterwards) and while
        // this process has a single thread.
        std::env::set_var(variable, home.path().join(dir));
    }
    Ok(home)
}

/// The values of each lint and render run, in order: `None` is the chart's defaults alone,
/// run unless one environment is chosen; then the `--values` files; then every environment
/// (`--environments`; every chart's `.validate` asks for them, so none is fine) or the one
/// chosen (`--environment`, which must exist).
fn value_runs(
    chart: &Path,
    values: &[PathBuf],
    environments: bool,
    environment: Option<&str>,
) -> Result<Vec<Option<PathBuf>>, ValidateError> {
    let mut runs: Vec<Option<PathBuf>> = Vec::new();
    if environment.is_none() {
        runs.push(None);
    }
    runs.extend(values.iter().cloned().map(Some));
    let files = environment_files(chart)?;
    let names = || match files.iter().filter_map(|f| environment_name(f)).collect::<Vec<_>>() {
        names if names.is_empty() => "none".to_string(),
        names => names.join(", "),
    };
    if environments {
        runs.extend(files.iter().cloned().map(Some));
    }
    if let Some(name) = environment {
        let file = chart.join(format!("values-{name}.yaml"));
        if !files.contains(&file) {
            return Err(ValidateError::Usage(format!(
                "--environment {name}: the chart has no values-{name}.yaml (its environments: {})",
                names()
            )));
        }
        runs.push(Some(file));
    }
    Ok(runs)
}

/// The chart's environment files (`values-<env>.yaml`), sorted.
fn environment_files(chart: &Path) -> Result<Vec<PathBuf>, ValidateError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(chart)
        .map_err(|e| ValidateError::io(chart, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| environment_name(p).is_some())
        .collect();
    files.sort();
    Ok(files)
}

/// `dev` for `values-dev.yaml`.
fn environment_name(file: &Path) -> Option<&str> {
    let name = file.file_name()?.to_str()?.strip_prefix("values-")?.strip_suffix(".yaml")?;
    (!name.is_empty()).then_some(name)
}

/// The real chart directory: in runfiles every file of a directory output is a symlink into
/// Bazel's output tree, which Helm would report file by file.
fn resolve_chart_dir(chart: &Path) -> Result<PathBuf, ValidateError> {
    let chart_file = chart.join("Chart.yaml");
    let real = chart_file.canonicalize().map_err(|e| ValidateError::io(&chart_file, e))?;
    Ok(real.parent().map_or_else(|| chart.to_path_buf(), Path::to_path_buf))
}

/// The problems of lint's findings, printed.
fn lint(findings: &[Finding], label: &str) -> Vec<Problem> {
    println!("==> helm lint --strict ({label}): {} finding(s)", findings.len());
    let problems: Vec<Problem> = findings
        .iter()
        .map(|finding| {
            let kind = if is_values_schema(&finding.path, &finding.message) { Kind::ValuesSchema } else { Kind::Lint };
            let place = if finding.path.is_empty() { String::new() } else { format!("{}: ", finding.path) };
            Problem::new(kind, format!("[{}] {place}{}", finding.severity, finding.message))
        })
        .collect();
    print_found(&problems);
    problems
}

/// Whether Helm's message says the values do not meet values.schema.json: lint's values rule
/// reports each violation on values.yaml as `- at '/path': ...`, its templates rule and the
/// render the whole list after a fixed sentence.
fn is_values_schema(path: &str, message: &str) -> bool {
    message.contains("values don't meet the specifications of the schema")
        || (Path::new(path).file_name() == Some("values.yaml".as_ref()) && message.trim_start().starts_with("- at '"))
}

/// What one run renders and checks, apart from lint.
struct Checks<'a> {
    helm: &'a Helm,
    chart: &'a Path,
    options: &'a RenderOptions<'a>,
    label: &'a str,
    show: bool,
    /// Whether runs differ in Kubernetes version, so schema problems name theirs.
    name_version: bool,
}

/// The problems of a render, its objects by `Kind/name`, and what is to be printed about it
/// (after lint's findings, which are found at the same time).
type Rendered = (Vec<Problem>, BTreeMap<String, Value>, String);

impl Checks<'_> {
    fn render_and_validate(
        &self,
        values: &RunValues,
        schemas: &mut Schemas,
        timings: &mut Timings,
    ) -> Result<Rendered, ValidateError> {
        let label = self.label;
        let mut output = String::new();
        let mut objects = BTreeMap::new();
        let mut problems = Vec::new();
        let manifests =
            match timings.time(format!("render ({label})"), || self.helm.render(self.chart, values, self.options)) {
                Ok(m) => m,
                Err(error) => {
                    let message = error.to_string();
                    let kind = if is_values_schema("", &message) { Kind::ValuesSchema } else { Kind::Render };
                    problems.push(Problem::new(kind, message));
                    output.push_str(&found(&problems));
                    let _ = writeln!(output, "==> render ({label}): failed");
                    return Ok((problems, objects, output));
                }
            };
        let parse_start = Instant::now();
        let mut rendered: Vec<(&str, Value)> = Vec::new();
        for (template, text) in manifests.iter().filter(|(t, _)| t.ends_with(".yaml") || t.ends_with(".yml")) {
            if self.show {
                let _ = writeln!(output, "---\n# Source: {template}\n{}", text.trim());
            }
            let (objects, error) = documents(text);
            rendered.extend(objects.into_iter().map(|object| (template.as_str(), object)));
            if let Some(error) = error {
                problems.push(Problem::new(Kind::Yaml, format!("{template}: {error}")));
            }
        }
        timings.record(format!("parse rendered YAML ({label})"), parse_start.elapsed());
        let kube_version = self.options.kube_version;
        let schema_problems = schemas.validate(&rendered, kube_version, label, timings)?;
        for ((template, object), object_problems) in rendered.iter().zip(schema_problems) {
            for (kind, problem) in object_problems {
                // When runs differ in version, a schema problem says which version's schema.
                let version = match kind {
                    Kind::KubernetesSchema if self.name_version => format!(" (Kubernetes {kube_version})"),
                    _ => String::new(),
                };
                problems.push(Problem::new(kind, format!("{template}: {}: {problem}{version}", describe(object))));
            }
        }
        for (template, object) in rendered {
            if let Some(previous) = objects.insert(describe(&object), object) {
                problems.push(Problem::new(
                    Kind::Duplicate,
                    format!("{template}: {} is rendered twice", describe(&previous)),
                ));
            }
        }
        output.push_str(&found(&problems));
        let _ = writeln!(
            output,
            "==> rendered ({label}): {} object(s) checked against the Kubernetes and CRD schemas",
            objects.len()
        );
        Ok((problems, objects, output))
    }
}

/// The objects of a YAML stream (empty documents skipped) and the error that ended it early,
/// if any: after an error the parser yields the same error for ever, so it is the last.
fn documents(text: &str) -> (Vec<Value>, Option<serde_yaml_ng::Error>) {
    let mut objects = Vec::new();
    for document in serde_yaml_ng::Deserializer::from_str(text) {
        match serde::Deserialize::deserialize(document) {
            Ok(Value::Null) => {}
            Ok(object) => objects.push(object),
            Err(error) => return (objects, Some(error)),
        }
    }
    (objects, None)
}

/// The Kubernetes schemas for built-in kinds (by version) and the CRD schemas for custom
/// resources.
struct Schemas {
    kube: BTreeMap<String, KubeSchemas>,
    crd: CrdSchemas,
}

impl Schemas {
    /// Problems of each rendered object, in order, with the kind of check that found them.
    /// The custom objects go to Node.js first; the others are checked while it works.
    fn validate(
        &mut self,
        rendered: &[(&str, Value)],
        kube_version: &str,
        label: &str,
        timings: &mut Timings,
    ) -> Result<Vec<Vec<(Kind, String)>>, ValidateError> {
        let kube = self
            .kube
            .get_mut(kube_version)
            .ok_or_else(|| ValidateError::Usage(format!("no schemas for Kubernetes {kube_version}")))?;
        let custom: Vec<&Value> = rendered.iter().map(|(_, o)| o).filter(|o| crd::is_custom(o)).collect();
        let crd_start = Instant::now();
        let pending = self.crd.send(&custom)?;
        let mut crd_took = crd_start.elapsed();
        let kube_start = Instant::now();
        let mut found: Vec<Option<(Kind, Vec<String>)>> = Vec::with_capacity(rendered.len());
        for (_, object) in rendered {
            found.push(match crd::is_custom(object) {
                true => None,
                false => Some(match served(kube, object) {
                    Some((api_version, kind)) => {
                        (Kind::KubernetesVersion, vec![KubeVersions::not_served(api_version, kind, kube_version)])
                    }
                    None => (Kind::KubernetesSchema, kube.validate(object)?),
                }),
            });
        }
        timings.record(format!("Kubernetes schemas ({label})"), kube_start.elapsed());
        let crd_wait = Instant::now();
        let mut custom_problems = self.crd.receive(pending)?.into_iter();
        crd_took += crd_wait.elapsed();
        timings.record(format!("CRD schemas on Node.js, waiting after the Kubernetes ones ({label})"), crd_took);
        Ok(rendered
            .iter()
            .zip(found)
            .map(|((_, object), found)| {
                let (kind, found) = found.unwrap_or_else(|| (Kind::Crd, custom_problems.next().unwrap_or_default()));
                let mut problems: Vec<(Kind, String)> = found.into_iter().map(|p| (kind, p)).collect();
                if object.pointer("/metadata/namespace").is_some() {
                    problems.push((
                        Kind::Namespace,
                        "metadata.namespace is hard-coded; the release namespace must apply".into(),
                    ));
                }
                problems
            })
            .collect())
    }
}

/// The apiVersion and kind of a built-in object that these schemas' version does not serve.
fn served<'a>(kube: &KubeSchemas, object: &'a Value) -> Option<(&'a str, &'a str)> {
    let api_version = object.get("apiVersion").and_then(Value::as_str)?;
    let kind = object.get("kind").and_then(Value::as_str)?;
    let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
    (upgrade::is_built_in(group) && !kube.serves(api_version, kind)).then_some((api_version, kind))
}

fn check_policy(objects: &BTreeMap<String, Value>, label: &str) -> Vec<Problem> {
    let problems: Vec<Problem> =
        policy::check(objects).into_iter().map(|f| Problem::new(Kind::Policy(f.rule), f.message)).collect();
    print_found(&problems);
    println!("==> policy ({label}): {} finding(s)", problems.len());
    problems
}

/// The API server's own rules: every chart must meet them, or it does not install.
fn check_api_server(objects: &BTreeMap<String, Value>, label: &str) -> Vec<Problem> {
    let problems: Vec<Problem> =
        apiserver::check(objects).into_iter().map(|f| Problem::new(Kind::ApiServer(f.rule), f.message)).collect();
    print_found(&problems);
    println!("==> API server rules ({label}): {} finding(s)", problems.len());
    problems
}

fn check_reachability(
    objects: &BTreeMap<String, Value>,
    namespaces: &reachability::Namespaces,
    label: &str,
    print_paths: bool,
) -> Vec<Problem> {
    let report = reachability::check(objects, namespaces);
    let problems: Vec<Problem> = report.problems.into_iter().map(|m| Problem::new(Kind::Reachability, m)).collect();
    print_found(&problems);
    println!("==> reachability ({label}): {}", report.summary);
    if print_paths {
        print!("{}", report.matrix);
    }
    problems
}

fn describe(object: &Value) -> String {
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("?");
    let name = object.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("?");
    format!("{kind}/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chart directory with two environments and files that are not environments.
    fn chart() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for file in ["Chart.yaml", "values.yaml", "values-prod.yaml", "values-dev.yaml", "values-.yaml", "values-x.yml"]
        {
            std::fs::write(dir.path().join(file), "").unwrap();
        }
        dir
    }

    fn runs(chart: &Path, values: &[PathBuf], environments: bool, environment: Option<&str>) -> Vec<String> {
        let name = |run: Option<PathBuf>| {
            run.map_or("defaults".to_string(), |p| match p.strip_prefix(chart) {
                Ok(inside) => inside.display().to_string(),
                Err(_) => p.display().to_string(),
            })
        };
        value_runs(chart, values, environments, environment).unwrap().into_iter().map(name).collect()
    }

    #[test]
    fn by_default_only_the_defaults_and_the_values_files_run() {
        let chart = chart();
        assert_eq!(runs(chart.path(), &[], false, None), ["defaults"]);
        let extra = [PathBuf::from("/elsewhere/extra.yaml")];
        assert_eq!(runs(chart.path(), &extra, false, None), ["defaults", "/elsewhere/extra.yaml"]);
    }

    #[test]
    fn environments_adds_a_run_per_environment_file() {
        let chart = chart();
        assert_eq!(runs(chart.path(), &[], true, None), ["defaults", "values-dev.yaml", "values-prod.yaml"]);
        let none = tempfile::tempdir().unwrap();
        assert_eq!(runs(none.path(), &[], true, None), ["defaults"]);
    }

    #[test]
    fn environment_runs_that_environment_instead_of_the_defaults() {
        let chart = chart();
        assert_eq!(runs(chart.path(), &[], false, Some("prod")), ["values-prod.yaml"]);
        let extra = [PathBuf::from("/elsewhere/extra.yaml")];
        assert_eq!(runs(chart.path(), &extra, false, Some("dev")), ["/elsewhere/extra.yaml", "values-dev.yaml"]);
        let error = value_runs(chart.path(), &[], false, Some("staging")).unwrap_err().to_string();
        assert_eq!(error, "--environment staging: the chart has no values-staging.yaml (its environments: dev, prod)");
    }

    #[test]
    fn a_yaml_stream_ends_at_its_first_error() {
        let (objects, error) = documents("---\na: 1\n---\n---\nb: [2\n---\nc: 3\n");
        assert_eq!(objects, [serde_json::json!({"a": 1})]);
        assert!(error.is_some());
        let (objects, error) = documents("# only a comment\n---\nkind: A\n");
        assert_eq!((objects, error.is_none()), (vec![serde_json::json!({"kind": "A"})], true));
    }

    #[test]
    fn values_schema_messages_are_told_from_other_lint_findings() {
        assert!(is_values_schema("values.yaml", "- at '/apps/web/replicas': got string, want integer"));
        // A subchart linted alone: its findings' paths are the umbrella's.
        assert!(is_values_schema("charts/cart/values.yaml", "- at '/replicas': got string, want integer"));
        assert!(!is_values_schema("charts/cart/values.yaml.bak", "- at '/replicas': got string"));
        assert!(is_values_schema("templates/", "values don't meet the specifications of the schema(s) in ..."));
        assert!(is_values_schema("", "helm: render failed: values don't meet the specifications of the schema(s)"));
        assert!(!is_values_schema("Chart.yaml", "version '1.2' is not a valid SemVerV2"));
        assert!(!is_values_schema("values.yaml", "unable to parse YAML"));
    }

    fn args(extra: &[&str]) -> Args {
        let required =
            ["--chart=c", "--schemas=s", "--node=n", "--crd-script=x", "--crd-models=m", "--kube-version=1.34.0"];
        let all = ["chart_validator"].iter().chain(&required).chain(extra);
        Args::try_parse_from(all).unwrap()
    }

    #[test]
    fn misuse_is_refused_before_anything_runs() {
        // No Helm library at "h": reaching the run would be an error too, but a later one.
        assert_eq!(validate(&args(&["--helm-library=h", "--expect-failure"])), ERROR);
        assert_eq!(validate(&args(&["--helm-library=h", "--expect-problem=lint:"])), ERROR);
        assert_eq!(validate(&args(&["--helm-library=h", "--edit=no-colon"])), ERROR);
        assert_eq!(validate(&args(&["--helm-library=h", "--expect-value=Deployment/a"])), ERROR);
        let required = ["chart_validator", "--chart=c", "--schemas=s", "--node=n", "--crd-script=x", "--crd-models=m"];
        let print_paths = required.iter().chain(&["--kube-version=1", "--helm-library=h", "--print-paths"]);
        let error = Args::try_parse_from(print_paths).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("--policy"), "the path matrix needs --policy: {error}");
    }

    #[test]
    fn the_exit_status_follows_the_verdict() {
        let chart = Path::new("c");
        let lint = [Problem::new(Kind::Lint, "[ERROR] Chart.yaml: invalid icon URL 'x'")];
        let named = |texts: &[&str]| texts.iter().map(ToString::to_string).collect::<Vec<_>>();
        let expect = |failure, problems: &'static [&str]| (failure, named(problems));
        type Case<'a> = (&'a [Problem], (bool, Vec<String>), u8);
        let cases: [Case; 6] = [
            (&[], expect(false, &[]), PASSED),
            (&lint, expect(false, &[]), FAILED),
            (&[], expect(true, &["lint:"]), FAILED),
            (&lint, expect(true, &["lint: [ERROR] Chart.yaml: invalid icon URL"]), PASSED),
            (&lint, expect(true, &["lint:", "crd:"]), FAILED),
            (&lint, expect(true, &["values-schema:"]), FAILED),
        ];
        for (problems, (failure, texts), status) in cases {
            let expected = Expected { failure, problems: &texts };
            assert_eq!(report(chart, problems, expected), status, "{problems:?} {failure} {texts:?}");
        }
    }

    #[test]
    fn a_chart_without_environments_says_it_has_none() {
        let none = tempfile::tempdir().unwrap();
        let error = value_runs(none.path(), &[], false, Some("prod")).unwrap_err().to_string();
        assert_eq!(error, "--environment prod: the chart has no values-prod.yaml (its environments: none)");
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn environment_files_run_on_their_clusters_version_and_the_rest_on_every_chart_version() {
        let chart = chart();
        let versions = KubeVersions::new(
            &strings(&["1.34.0", "1.33.0"]),
            Path::new("s34"),
            &strings(&["prod=1.30.0"]),
            &strings(&["1.33.0=s33", "1.30.0=s30"]),
        )
        .unwrap();
        let runs = value_runs(chart.path(), &[PathBuf::from("/elsewhere/values-prod.yaml")], true, None).unwrap();
        let named = |values_only| {
            runs_with_versions(&runs, chart.path(), &versions, values_only)
                .into_iter()
                .map(|(values, version)| {
                    let name = values.map_or("defaults".to_string(), |v| v.display().to_string());
                    format!("{} {version}", name.replace(&chart.path().display().to_string(), "chart"))
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            named(false),
            [
                "defaults 1.34.0",
                "defaults 1.33.0",
                // A file named like an environment but outside the chart is no environment.
                "/elsewhere/values-prod.yaml 1.34.0",
                "/elsewhere/values-prod.yaml 1.33.0",
                "chart/values-dev.yaml 1.34.0",
                "chart/values-prod.yaml 1.30.0",
            ]
        );
        assert_eq!(named(true)[0], "/elsewhere/values-prod.yaml 1.34.0", "--values-only drops the defaults");
        assert_eq!(named(true).len(), 4);
    }

    #[test]
    fn the_charts_kube_version_floor_is_a_problem_of_the_run() {
        let chart = tempfile::tempdir().unwrap();
        std::fs::write(chart.path().join("Chart.yaml"), "name: c\nkubeVersion: \">=1.29.0-0\"\n").unwrap();
        let problems = check_chart_kube_version(chart.path(), "1.25.0", "values-prod.yaml").unwrap();
        let texts: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(texts.len(), 1);
        assert!(
            texts[0].starts_with(
                "kubernetes-version: values-prod.yaml: Chart.yaml's kubeVersion \">=1.29.0-0\" refuses Kubernetes 1.25.0"
            ),
            "{texts:?}"
        );
        assert_eq!(check_chart_kube_version(chart.path(), "1.29.0", "x").unwrap(), []);
        std::fs::write(chart.path().join("Chart.yaml"), "name: [broken\n").unwrap();
        assert_eq!(check_chart_kube_version(chart.path(), "1.25.0", "x").unwrap(), [], "lint reports it");
        let error = check_chart_kube_version(&chart.path().join("missing"), "1.25.0", "x").unwrap_err().to_string();
        assert!(error.contains("missing/Chart.yaml"), "{error}");
    }

    #[test]
    fn kube_version_for_must_name_an_environment_of_the_chart() {
        let chart = chart();
        let versions = |pairs: &[&str]| {
            KubeVersions::new(&strings(&["1.34.0"]), Path::new("s"), &strings(pairs), &strings(&["1.30.0=s30"]))
                .unwrap()
        };
        assert!(check_environments_known(&versions(&["prod=1.30.0", "dev=1.30.0"]), chart.path()).is_ok());
        let error = check_environments_known(&versions(&["prd=1.30.0"]), chart.path()).unwrap_err().to_string();
        assert_eq!(
            error,
            "--kube-version-for names environment(s) the chart has no values-<env>.yaml of: prd (its environments: dev, prod)"
        );
    }

    #[test]
    fn found_problems_are_printed_one_a_line_as_expect_problem_matches_them() {
        let problems =
            [Problem::new(Kind::Lint, "[ERROR] a"), Problem::new(Kind::Policy("seccomp"), "Deployment/x: b")];
        assert_eq!(found(&problems), "[PROBLEM] lint: [ERROR] a\n[PROBLEM] policy:seccomp: Deployment/x: b\n");
        assert_eq!(found(&[]), "");
    }

    #[test]
    fn every_version_a_run_uses_gets_its_schemas_opened() {
        let dir = tempfile::tempdir().unwrap();
        for version in ["s34", "s30"] {
            std::fs::create_dir(dir.path().join(version)).unwrap();
            std::fs::write(dir.path().join(version).join("_definitions.json"), "{}").unwrap();
        }
        let versions = KubeVersions::new(
            &strings(&["1.34.0"]),
            &dir.path().join("s34"),
            &strings(&["prod=1.30.0"]),
            &[format!("1.30.0={}", dir.path().join("s30").display())],
        )
        .unwrap();
        let schemas = open_schemas(&versions).unwrap();
        assert_eq!(schemas.keys().collect::<Vec<_>>(), ["1.30.0", "1.34.0"]);
        std::fs::remove_file(dir.path().join("s30/_definitions.json")).unwrap();
        let error = open_schemas(&versions).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("s30/_definitions.json"), "{error}");
    }

    #[test]
    fn argo_cd_template_rules_run_once_over_the_chart() {
        let chart = tempfile::tempdir().unwrap();
        std::fs::create_dir(chart.path().join("templates")).unwrap();
        std::fs::write(chart.path().join("templates/a.yaml"), "a: {{ randAlpha 3 }}\n").unwrap();
        let mut crd = CrdSchemas::new("node".into(), "script".into(), "models".into());
        let problems = argocd_once(chart.path(), &[], &mut crd).unwrap();
        let texts: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(texts.len(), 1);
        assert!(texts[0].starts_with("argocd:random: templates/a.yaml:1: calls randAlpha"), "{texts:?}");
        let missing = [chart.path().join("missing.yaml")];
        let error = argocd_once(chart.path(), &missing, &mut crd).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("missing.yaml"), "{error}");
    }

    #[test]
    fn lint_findings_are_problems_and_values_schema_ones_are_told_apart() {
        let finding = |path: &str, message: &str| Finding {
            severity: "ERROR",
            path: path.to_string(),
            message: message.to_string(),
        };
        let findings = [
            finding("Chart.yaml", "icon is required"),
            finding("values.yaml", "- at '/replicas': got string, want integer"),
            finding("", "chart metadata is missing"),
        ];
        let texts: Vec<String> = lint(&findings, "default values").iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            [
                "lint: [ERROR] Chart.yaml: icon is required",
                "values-schema: [ERROR] values.yaml: - at '/replicas': got string, want integer",
                "lint: [ERROR] chart metadata is missing",
            ]
        );
    }

    #[test]
    fn policy_and_api_server_findings_become_problems_of_their_rule() {
        let objects = BTreeMap::from([(
            "Deployment/a".to_string(),
            serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"},
                "spec": {"template": {"spec": {"containers": []}}}}),
        )]);
        let policy: Vec<String> = check_policy(&objects, "x").iter().map(ToString::to_string).collect();
        assert!(policy.contains(&"policy:run-as-non-root: Deployment/a: pod must set runAsNonRoot: true".to_string()));
        let hpa = BTreeMap::from([(
            "HorizontalPodAutoscaler/a".to_string(),
            serde_json::json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": "a"}, "spec": {"minReplicas": 5, "maxReplicas": 2,
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "a"}}}),
        )]);
        let api_server = check_api_server(&hpa, "x");
        assert!(!api_server.is_empty());
        assert!(api_server.iter().all(|p| p.to_string().starts_with("api-server:")), "{api_server:?}");
    }

    /// Kubernetes schemas of one version serving ConfigMaps only, as kubernetes-validate lays them out.
    fn config_map_schemas() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("_definitions.json"), "{}").unwrap();
        let schema = serde_json::json!({"type": "object", "additionalProperties": false, "properties": {
            "apiVersion": {}, "kind": {}, "metadata": {}, "data": {"type": "object"}}});
        std::fs::write(dir.path().join("configmap-v1.json"), schema.to_string()).unwrap();
        dir
    }

    #[test]
    fn built_in_objects_are_checked_against_their_schema_or_named_as_not_served() {
        let dir = config_map_schemas();
        let mut schemas = Schemas {
            kube: BTreeMap::from([("1.34.0".to_string(), KubeSchemas::open(dir.path()).unwrap())]),
            // No custom object is rendered: Node.js is never started.
            crd: CrdSchemas::new("/nonexistent/node".into(), "s".into(), "m".into()),
        };
        let rendered = [
            ("t/a.yaml", serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})),
            (
                "t/b.yaml",
                serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "namespace": "x"},
                    "data": 3}),
            ),
            (
                "t/c.yaml",
                serde_json::json!({"apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": {"name": "c"}}),
            ),
        ];
        let mut timings = Timings::new(false, "", 1);
        let found = schemas.validate(&rendered, "1.34.0", "x", &mut timings).unwrap();
        let texts: Vec<Vec<String>> =
            found.iter().map(|problems| problems.iter().map(|(kind, p)| format!("{kind}: {p}")).collect()).collect();
        assert_eq!(texts.len(), 3);
        assert_eq!(texts[0], Vec::<String>::new());
        assert_eq!(
            texts[1],
            [
                "kubernetes-schema: /data: 3 is not of type \"object\"",
                "namespace: metadata.namespace is hard-coded; the release namespace must apply"
            ]
        );
        assert_eq!(
            texts[2],
            [format!("kubernetes-version: {}", KubeVersions::not_served("batch/v1beta1", "CronJob", "1.34.0"))]
        );
        let error = schemas.validate(&rendered[..1], "1.30.0", "x", &mut timings).err().map(|e| e.to_string());
        assert_eq!(error.unwrap_or_default(), "no schemas for Kubernetes 1.30.0");
    }

    #[test]
    fn only_built_in_groups_can_be_unserved() {
        let dir = config_map_schemas();
        let kube = KubeSchemas::open(dir.path()).unwrap();
        let object = |api_version: &str, kind: &str| serde_json::json!({"apiVersion": api_version, "kind": kind});
        assert_eq!(served(&kube, &object("v1", "ConfigMap")), None);
        assert_eq!(served(&kube, &object("v1", "Secret")), Some(("v1", "Secret")));
        assert_eq!(
            served(&kube, &object("policy/v1beta1", "PodDisruptionBudget")),
            Some(("policy/v1beta1", "PodDisruptionBudget"))
        );
        assert_eq!(served(&kube, &object("example.com/v1", "Widget")), None);
        assert_eq!(served(&kube, &serde_json::json!({"kind": "Secret"})), None);
        assert_eq!(served(&kube, &serde_json::json!({"apiVersion": "v1"})), None);
    }
}
