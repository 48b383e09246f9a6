//! The validator binary end to end, with the real Helm, the Kubernetes schemas and the CRD
//! models, on the golden sample chart and on copies broken in one place each: its exit
//! codes and what it prints are what every `.validate` test relies on.
//!
//! Bazel passes every input (see BUILD.bazel). Under cargo, set them from a built workspace:
//! `eval "$(tools/validator/test_env.sh)"`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// An input named by an environment variable: a path (absolute, or relative to the test's
/// working directory, as Bazel's rootpath is), or a space-separated list of such paths.
fn input(variable: &str) -> Vec<PathBuf> {
    let Some(value) = std::env::var_os(variable) else {
        panic!(
            "{variable} is not set: this test runs the validator with the real Helm and schemas. Under cargo run \
             `eval \"$(tools/validator/test_env.sh)\"` first (it names them from a built Bazel workspace)."
        )
    };
    let cwd = std::env::current_dir().expect("working directory");
    value.to_string_lossy().split_whitespace().map(|p| cwd.join(p)).collect()
}

fn single(variable: &str) -> PathBuf {
    input(variable).into_iter().next().unwrap_or_else(|| panic!("{variable} is empty"))
}

/// The directory that holds the file named `file` among a variable's paths.
fn dir_of(variable: &str, file: &str) -> PathBuf {
    input(variable)
        .into_iter()
        .find(|p| p.ends_with(file))
        .and_then(|p| p.ancestors().nth(Path::new(file).components().count()).map(Path::to_path_buf))
        .unwrap_or_else(|| panic!("{variable} holds no {file}"))
}

fn validator() -> PathBuf {
    match option_env!("CARGO_BIN_EXE_chart_validator") {
        Some(binary) => PathBuf::from(binary),
        None => single("VALIDATOR"),
    }
}

/// Runs the validator on the golden sample with `extra` arguments.
fn validate(extra: &[&str]) -> Output {
    let library = single("HELM_C_LIBRARY");
    validate_with(&["--helm-library".as_ref(), library.as_os_str()], extra)
}

/// Runs the validator on the golden sample with the Helm `helm` names and `extra` arguments.
fn validate_with(helm: &[&std::ffi::OsStr], extra: &[&str]) -> Output {
    validate_chart(&dir_of("GOLDEN_CHART", "Chart.yaml"), helm, extra)
}

/// Runs the validator on the SDK's Helm with `extra` arguments on the chart `files` make up.
fn validate_files(files: &[(&str, &str)], extra: &[&str]) -> Output {
    let library = single("HELM_C_LIBRARY");
    validate_files_with(files, &["--helm-library".as_ref(), library.as_os_str()], extra)
}

/// Runs the validator on the Helm `helm` names with `extra` arguments on the chart `files`
/// make up.
fn validate_files_with(files: &[(&str, &str)], helm: &[&std::ffi::OsStr], extra: &[&str]) -> Output {
    let chart = tempfile::tempdir().expect("chart directory");
    for (path, text) in files {
        let path = chart.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a file in the chart")).expect("chart directory");
        std::fs::write(path, text).expect("chart file");
    }
    validate_chart(chart.path(), helm, extra)
}

/// Runs the validator on `chart` with the Helm `helm` names and `extra` arguments.
fn validate_chart(chart: &Path, helm: &[&std::ffi::OsStr], extra: &[&str]) -> Output {
    let scratch = tempfile::tempdir().expect("scratch directory");
    let mut command = Command::new(validator());
    command
        .arg("--chart")
        .arg(chart)
        .arg("--schemas")
        .arg(dir_of("KUBERNETES_SCHEMAS", "_definitions.json"))
        .arg("--node")
        .arg(single("NODE"))
        .arg("--crd-script")
        .arg(single("CRD_SCRIPT"))
        .arg("--crd-models")
        .arg(dir_of("CRD_MODELS", "@kubernetes-models/keda/package.json"))
        .args(helm)
        .args(["--kube-version", "1.34.0", "--policy"])
        .args(extra)
        .env("TEST_TMPDIR", scratch.path());
    command.output().expect("the validator runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn accepts_the_golden_sample_and_says_which_helm_checked_it() {
    let output = validate(&[]);
    assert_exit(&output, 0);
    let text = stdout(&output);
    assert!(text.contains("Helm Go SDK v4"), "{text}");
    assert!(text.contains("==> policy (default values): 0 finding(s)"), "{text}");
    assert!(text.contains("==> API server rules (default values): 0 finding(s)"), "{text}");
    assert!(text.contains("==> reachability (default values): "), "{text}");
    assert!(text.contains("==> rendered (default values): "), "{text}");
    assert!(!text.contains("Argo CD"), "Argo CD's rules run only when asked for: {text}");
    assert!(text.contains("is valid"), "{text}");
    assert!(!text.contains("as expected"), "no expectations, so none is reported met: {text}");
}

#[test]
fn a_lint_fault_fails_with_exit_1_and_is_printed() {
    let output = validate(&["--edit", "Chart.yaml:version: \"1.2.3\"=>version: \"1.2\""]);
    assert_exit(&output, 1);
    let text = stdout(&output);
    assert!(text.contains("[PROBLEM] lint: [WARNING] Chart.yaml: version '1.2' is not a valid SemVerV2"), "{text}");
    assert!(
        text.contains("has 1 problem(s):\n  lint: [WARNING] Chart.yaml: version '1.2'"),
        "the summary lists it: {text}"
    );
}

#[test]
fn a_kubernetes_schema_fault_fails() {
    let edit = "templates/status-api-service.yaml:port: {{ $app.service.port | int }}=>port: \"eighty\"";
    let output = validate(&["--edit", edit]);
    assert_exit(&output, 1);
    let text = stdout(&output);
    assert!(text.contains("[PROBLEM] kubernetes-schema:"), "{text}");
    // With a single Kubernetes version a schema problem does not name it.
    assert!(text.contains("\"eighty\" is not of type \"integer\"\n"), "{text}");
}

#[test]
fn a_policy_fault_fails() {
    let output = validate(&["--set", "apps.web.securityContext.privileged=true"]);
    assert_exit(&output, 1);
    let text = stdout(&output);
    assert!(text.contains("[PROBLEM] policy:privileged:"), "{text}");
    assert!(text.contains("==> policy (default values): 1 finding(s)"), "{text}");
}

#[test]
fn reachability_reads_the_namespaces_a_run_sets() {
    // The NetworkPolicies admit the ingress controller from the namespace --set names; were
    // reachability to read values.yaml's instead, the controller's declared path would be closed.
    let output = validate(&["--set", "networkPolicy.ingressControllerNamespace=edge"]);
    assert_exit(&output, 0);
    assert!(stdout(&output).contains("==> reachability (default values): "), "{}", stdout(&output));
}

#[test]
fn met_expectations_are_reported_and_unmet_ones_fail() {
    let met = validate(&[
        "--expect-value",
        "Deployment/release-name-web:/spec/template/spec/containers/0/name=\"web\"",
        "--expect-value",
        "Service/release-name-web:/spec/type=\"ClusterIP\"",
    ]);
    assert_exit(&met, 0);
    assert!(stdout(&met).contains("0 object(s) and 2 value(s) as expected"), "{}", stdout(&met));
    let unmet = validate(&["--expect-value", "Deployment/release-name-web:/spec/replicas=5"]);
    assert_exit(&unmet, 1);
    assert!(stdout(&unmet).contains("[PROBLEM] expectation: Deployment/release-name-web /spec/replicas = 5"));
}

#[test]
fn an_expected_failure_passes_only_for_its_reason() {
    let set = ["--set", "apps.web.securityContext.privileged=true", "--expect-failure"];
    let right = validate(&[&set[..], &["--expect-problem", "policy:privileged"]].concat());
    assert_exit(&right, 0);
    let wrong = validate(&[&set[..], &["--expect-problem", "policy:capabilities"]].concat());
    assert_exit(&wrong, 1);
}

#[test]
fn an_unknown_environment_is_a_usage_error_naming_the_ones_there_are() {
    let output = validate(&["--environment", "prod"]);
    assert_exit(&output, 2);
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("the chart has no values-prod.yaml (its environments: none)"), "{error}");
}

#[test]
fn argo_cd_rules_name_an_install_only_hook_and_show_prints_each_manifest() {
    let edit = "templates/migrations-job.yaml:helm.sh/hook: \"pre-install,pre-upgrade\"=>helm.sh/hook: \"pre-install\"";
    let output = validate(&["--argocd", "--show", "--edit", edit]);
    assert_exit(&output, 1);
    let text = stdout(&output);
    assert!(text.contains("==> Argo CD rules (templates): 0 problem(s)"), "{text}");
    assert!(text.contains("[PROBLEM] argocd:install-only-hook: default values: Job/"), "{text}");
    assert!(text.contains("helm.sh/hook \"pre-install\" is pre-install without pre-upgrade"), "{text}");
    assert!(text.contains("\n---\n# Source: sample/templates/web-deployment.yaml\n"), "{text}");
}

#[test]
fn an_upgrade_from_the_previous_version_is_checked_and_timings_go_to_stderr() {
    let previous = dir_of("GOLDEN_CHART", "Chart.yaml");
    let edit = "templates/cache-statefulset.yaml:podManagementPolicy: OrderedReady=>podManagementPolicy: Parallel";
    let output = validate(&["--previous-chart", &previous.display().to_string(), "--edit", edit, "--timings"]);
    assert_exit(&output, 1);
    let text = stdout(&output);
    assert!(text.contains("[PROBLEM] upgrade:statefulset-spec: default values: StatefulSet/"), "{text}");
    assert!(text.contains("spec.podManagementPolicy changes from \"OrderedReady\" to \"Parallel\""), "{text}");
    assert!(text.contains("object(s) of the previous version compared, 1 finding(s)\n"), "{text}");
    assert!(text.contains("==> upgrade: 0 values file(s) checked for keys the chart no longer accepts"), "{text}");
    let timings = String::from_utf8_lossy(&output.stderr);
    assert!(timings.contains("timings (wall; lint runs beside render and the schema checks):"), "{timings}");
    assert!(timings.contains("upgrade, beside lint (default values)"), "{timings}");
}

#[test]
fn a_helm_binary_lints_and_renders_instead_of_the_sdk() {
    let helm = single("HELM3");
    let output = validate_with(&["--helm-binary".as_ref(), helm.as_os_str()], &[]);
    assert_exit(&output, 0);
    let text = stdout(&output);
    assert!(text.contains(&format!("validating with helm binary {}, Kubernetes 1.34.0", helm.display())), "{text}");
    assert!(text.contains("==> helm lint --strict (default values): 0 finding(s)"), "{text}");
    assert!(text.contains("==> policy (default values): 0 finding(s)"), "{text}");
    // Lint's findings and its summary are problems; what Helm says on stderr fails the render.
    let edit = ["--edit", "Chart.yaml:version: \"1.2.3\"=>version: \"x\""];
    let output = validate_with(&["--helm-binary".as_ref(), helm.as_os_str()], &edit);
    assert_exit(&output, 1);
    let text = stdout(&output);
    assert!(text.contains("[PROBLEM] lint: [ERROR] [ERROR] Chart.yaml: version 'x' is not a valid SemVer\n"), "{text}");
    assert!(text.contains("[PROBLEM] lint: [ERROR] Error: 1 chart(s) linted, 1 chart(s) failed\n"), "{text}");
    assert!(!text.contains("[INFO]"), "{text}");
    assert!(
        text.contains("[PROBLEM] render: helm: Error: validation: chart.metadata.version \"x\" is invalid"),
        "{text}"
    );
}

#[test]
fn helm3_beside_the_sdk_lints_renders_and_compares_every_run() {
    let helm3 = single("HELM3");
    let output = validate(&["--helm3", &helm3.display().to_string()]);
    assert_exit(&output, 0);
    let text = stdout(&output);
    assert!(text.contains("and Helm v3."), "{text}");
    assert!(text.contains(" lint --strict and render (default values): 0 problem(s)"), "{text}");
}

/// A ConfigMap named after the release when it is rendered in `payments` for Kubernetes
/// 1.34.0, and with a name Kubernetes refuses (which lint reports) anywhere else. Lint renders
/// as release `test-release` and not as an install, so only these two reach it; the release's
/// name and install flag show in what the render gives.
const RELEASE_PROBE: &str = r#"{{- $at := printf "in_%s_for_%s" .Release.Namespace .Capabilities.KubeVersion.Version }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ eq $at "in_payments_for_v1.34.0" | ternary (printf "%s-probe" .Release.Name) $at }}
data:
  install: {{ .Release.IsInstall | quote }}
"#;

const PROBE_CHART: &str = "apiVersion: v2\nname: probe\nversion: 0.1.0\ndescription: What a release renders as\n";

#[test]
fn lint_and_render_see_the_release_namespace_and_kubernetes_version_given() {
    let files = [("Chart.yaml", PROBE_CHART), ("values.yaml", "{}\n"), ("templates/probe.yaml", RELEASE_PROBE)];
    let expect = ["--expect-value", "ConfigMap/shop-probe:/data/install=\"true\""];
    let given = validate_files(&files, &[&["--release", "shop", "--namespace", "payments"][..], &expect].concat());
    assert_exit(&given, 0);
    assert!(stdout(&given).contains("0 object(s) and 1 value(s) as expected"), "{}", stdout(&given));
    // Another namespace reaches lint and render alike.
    let elsewhere = validate_files(&files, &[&["--release", "shop", "--namespace", "shipping"][..], &expect].concat());
    assert_exit(&elsewhere, 1);
    let text = stdout(&elsewhere);
    assert!(text.contains("[PROBLEM] lint: [WARNING] templates/probe.yaml: "), "{text}");
    assert!(text.contains("in_shipping_for_v1.34.0"), "{text}");
    assert!(text.contains("[PROBLEM] expectation: ConfigMap/shop-probe /data/install"), "{text}");
}

/// An umbrella chart whose subchart's own default name is one Kubernetes refuses; the
/// umbrella's values give it a good one.
fn umbrella_files() -> [(&'static str, &'static str); 6] {
    [
        (
            "Chart.yaml",
            "apiVersion: v2\nname: shop\nversion: 0.1.0\ndescription: An umbrella\ndependencies:\n  - name: cart\n    version: 0.1.0\n",
        ),
        ("values.yaml", "cart:\n  name: cart\n"),
        ("templates/NOTES.txt", "The shop.\n"),
        ("charts/cart/Chart.yaml", "apiVersion: v2\nname: cart\nversion: 0.1.0\ndescription: A subchart\n"),
        ("charts/cart/values.yaml", "name: Not_A_Name\n"),
        (
            "charts/cart/templates/cart.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\ndata:\n  chart: cart\n",
        ),
    ]
}

#[test]
fn subcharts_are_linted_alone_with_their_defaults_only_when_the_run_has_no_values_of_its_own() {
    // The defaults run lints the subchart as a chart of its own too, with its own bad name.
    let defaults = validate_files(&umbrella_files(), &[]);
    assert_exit(&defaults, 1);
    let text = stdout(&defaults);
    assert!(text.contains("[PROBLEM] lint: [WARNING] charts/cart/templates/cart.yaml: "), "{text}");
    assert!(text.contains("\"Not_A_Name\""), "{text}");
    // With --set the umbrella's values are not its subcharts' defaults: only the tree is
    // linted, by Helm 3 beside the SDK too.
    let helm3 = single("HELM3");
    let set = validate_files(&umbrella_files(), &["--set", "cart.extra=1", "--helm3", &helm3.display().to_string()]);
    assert_exit(&set, 0);
    assert!(stdout(&set).contains("is valid"), "{}", stdout(&set));
    // A helm binary is asked for the same with --with-subcharts.
    let binary = ["--helm-binary".as_ref(), helm3.as_os_str()];
    let defaults = validate_files_with(&umbrella_files(), &binary, &[]);
    assert_exit(&defaults, 1);
    assert!(stdout(&defaults).contains("\"Not_A_Name\""), "{}", stdout(&defaults));
    assert_exit(&validate_files_with(&umbrella_files(), &binary, &["--set", "cart.extra=1"]), 0);
}
