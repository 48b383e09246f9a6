//! `compare` against the real Helm: a chart with itself, a changed copy, noise, formats,
//! archives, and every kind of bad input, each with the message the user sees.

mod support;

use std::fs;

use chart_migrate::render::{render_chart, Release};
use helm_sdk::{Chart, HelmSdk};
use serde_json::json;
use support::{compare, copy_dir, legacy_shop, library, testdata, text};

#[test]
fn a_chart_compared_with_itself_is_equivalent() {
    let chart = legacy_shop();
    let out = compare(&["--manual", text(&chart), "--generated", text(&chart)]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.ends_with("Result: equivalent (11 objects paired, no differences).\n"), "{}", out.stdout);
    // Nothing but the header and the verdict: no group of differences.
    assert!(!out.stdout.contains("Objects only"), "{}", out.stdout);
    assert_eq!(out.stdout.lines().filter(|l| l.starts_with("  ")).count(), 0, "{}", out.stdout);
}

#[test]
fn differences_are_reported_by_path_and_grouped_by_intent() {
    let dir = tempfile::tempdir().unwrap();
    let values = dir.path().join("values.yaml");
    fs::write(
        &values,
        "web:\n  resources:\n    limits:\n      cpu: 1\n  env:\n    FEATURE_X: \"on\"\n\
         securityContext:\n  runAsNonRoot: true\n",
    )
    .unwrap();
    let chart = legacy_shop();
    let out = compare(&["--manual", text(&chart), "--generated", text(&chart), "--generated-values", text(&values)]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    for line in [
        "Resources: 1\n  Deployment/web spec.template.spec.containers[web].resources.limits.cpu: 500m -> 1\n",
        "Command, arguments and environment: 1\n  Deployment/web spec.template.spec.containers[web].env[FEATURE_X]: \
         (absent) -> {\"name\":\"FEATURE_X\",\"value\":\"on\"}\n",
        "Security context and service accounts: 3\n  Deployment/api spec.template.spec.containers[api].securityContext: \
         (absent) -> {\"runAsNonRoot\":true}\n",
        "Result: different: 0 objects removed, 0 added, 5 fields differ in 3 of 11 paired objects.\n",
    ] {
        assert!(out.stdout.contains(line), "missing {line:?} in\n{}", out.stdout);
    }
    // Security context comes before resources: groups print in a fixed order.
    let security = out.stdout.find("Security context").unwrap();
    assert!(security < out.stdout.find("Resources:").unwrap());
}

#[test]
fn renamed_and_one_sided_objects() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("legacy-shop");
    copy_dir(&legacy_shop(), &copy);
    // The copy calls the settings ConfigMap "settings" and has no test hook.
    let configmap = copy.join("templates/configmap.yaml");
    let renamed = fs::read_to_string(&configmap).unwrap().replace("}}-config", "}}-settings");
    fs::write(&configmap, renamed).unwrap();
    fs::remove_file(copy.join("templates/tests/test-connection.yaml")).unwrap();

    let out = compare(&["--manual", text(&legacy_shop()), "--generated", text(&copy)]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("Objects only in the manual chart (removed): 2\n  ConfigMap/config\n  Pod/test-connection\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Objects only in the generated chart (added): 1\n  ConfigMap/settings\n"),
        "{}",
        out.stdout
    );

    let out = compare(&[
        "--manual",
        text(&legacy_shop()),
        "--generated",
        text(&copy),
        "--rename",
        "ConfigMap/config=settings",
    ]);
    assert!(out.stdout.contains("Renamed: ConfigMap/config -> ConfigMap/settings\n"), "{}", out.stdout);
    assert!(out.stdout.contains(
        "Object names: 1\n  ConfigMap/settings metadata.name: release-name-legacy-shop-config -> release-name-legacy-shop-settings\n"
    ), "{}", out.stdout);
    assert!(
        out.stdout.contains("Objects only in the manual chart (removed): 1\n  Pod/test-connection\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn documented_noise_is_ignored_unless_strict() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("legacy-shop");
    copy_dir(&legacy_shop(), &copy);
    let chart_yaml = copy.join("Chart.yaml");
    fs::write(&chart_yaml, fs::read_to_string(&chart_yaml).unwrap().replace("version: 1.4.0", "version: 1.4.1"))
        .unwrap();
    let values = copy.join("values.yaml");
    fs::write(&values, fs::read_to_string(&values).unwrap().replace("CURRENCY: \"EUR\"", "CURRENCY: \"USD\"")).unwrap();

    let out = compare(&["--manual", text(&legacy_shop()), "--generated", text(&copy)]);
    // The new currency shows in the ConfigMap; its checksum annotation and the chart labels do not.
    assert!(
        out.stdout
            .contains("Ignored as noise (--strict keeps it): 30 helm.sh/chart labels, 2 checksum/* annotations.\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Other fields: 1\n  ConfigMap/config data.CURRENCY: EUR -> USD\n"), "{}", out.stdout);
    assert!(out.stdout.contains("1 fields differ in 1 of 11"), "{}", out.stdout);

    let strict = compare(&["--manual", text(&legacy_shop()), "--generated", text(&copy), "--strict"]);
    assert!(strict.stdout.contains("Strict: documented noise"), "{}", strict.stdout);
    assert!(
        strict.stdout.contains("Deployment/api spec.template.metadata.annotations[\"checksum/config\"]: "),
        "{}",
        strict.stdout
    );
    assert!(
        strict
            .stdout
            .contains("Deployment/web metadata.labels[\"helm.sh/chart\"]: legacy-shop-1.4.0 -> legacy-shop-1.4.1\n"),
        "{}",
        strict.stdout
    );
}

#[test]
fn json_and_markdown_reports() {
    let chart = legacy_shop();
    let dir = tempfile::tempdir().unwrap();
    let values = dir.path().join("values.yaml");
    fs::write(&values, "worker:\n  replicaCount: 3\n").unwrap();
    let args = ["--manual", text(&chart), "--generated", text(&chart), "--generated-values", text(&values)];

    let json = compare(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(json.code, 1);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["equivalent"], false);
    assert_eq!(
        report["groups"][0],
        serde_json::json!({"group": "scaling", "title": "Replicas, autoscaling and disruption budgets", "differences": [
            {"object": "Deployment/worker", "path": "spec.replicas", "change": "changed", "manual": 1, "generated": 3}
        ]})
    );

    let markdown = compare(&[&args[..], &["--format", "markdown"]].concat());
    assert!(markdown.stdout.contains(
        "| Object | Field | Manual | Generated |\n|---|---|---|---|\n| `Deployment/worker` | `spec.replicas` | `1` | `3` |\n"
    ), "{}", markdown.stdout);
}

#[test]
fn archives_compare_like_directories() {
    let sdk = HelmSdk::load(&library()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let archive = Chart::load(&sdk, &legacy_shop()).unwrap().save(dir.path()).unwrap();
    let out = compare(&["--manual", text(&legacy_shop()), "--generated", text(&archive)]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

#[test]
fn expect_passes_on_the_expected_report_only() {
    let chart = legacy_shop();
    let dir = tempfile::tempdir().unwrap();
    let expected = dir.path().join("expected.txt");
    let first = compare(&["--manual", text(&chart), "--generated", text(&chart)]);
    fs::write(&expected, &first.stdout).unwrap();
    let out = compare(&["--manual", text(&chart), "--generated", text(&chart), "--expect", text(&expected)]);
    assert_eq!(out.code, 0, "{}", out.stderr);

    fs::write(&expected, first.stdout.replace("equivalent", "equal")).unwrap();
    let out = compare(&["--manual", text(&chart), "--generated", text(&chart), "--expect", text(&expected)]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("- "), "{}", out.stderr);
    assert!(out.stderr.contains("+   7 Result: equivalent (11 objects paired, no differences)."), "{}", out.stderr);
}

// Bad input: exit 2 and a message naming the problem.

fn error_of(manual: &str, generated: &str, extra: &[&str]) -> String {
    let out = compare(&[&["--manual", manual, "--generated", generated][..], extra].concat());
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    out.stderr
}

#[test]
fn a_directory_without_chart_yaml_is_not_a_chart() {
    let not_a_chart = testdata("not-a-chart");
    let error = error_of(text(&not_a_chart), text(&legacy_shop()), &[]);
    assert_eq!(
        error,
        format!("compare: error: {} is not a chart: the directory has no Chart.yaml\n", not_a_chart.display())
    );
}

#[test]
fn a_plain_file_is_not_a_chart() {
    let file = testdata("not-a-chart/README.md");
    let error = error_of(text(&legacy_shop()), text(&file), &[]);
    assert_eq!(
        error,
        format!("compare: error: {} is not a chart: expected a chart directory or a .tgz archive\n", file.display())
    );
}

#[test]
fn a_missing_path_is_named() {
    let error = error_of("/nonexistent/chart", text(&legacy_shop()), &[]);
    assert_eq!(error, "compare: error: /nonexistent/chart: no such file or directory\n");
}

#[test]
fn a_broken_archive_fails_with_helms_message() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("broken.tgz");
    fs::write(&archive, "not gzip").unwrap();
    let error = error_of(text(&archive), text(&legacy_shop()), &[]);
    assert!(
        error.starts_with(&format!(
            "compare: error: {}: Helm cannot load the chart: helm chart load failed with HELM_ERR_CHART_LOAD (-20): ",
            archive.display()
        )),
        "{error}"
    );
}

#[test]
fn a_chart_that_fails_to_render_fails_with_helms_message() {
    let broken = testdata("broken");
    let error = error_of(text(&broken), text(&legacy_shop()), &[]);
    assert_eq!(
        error,
        format!(
            "compare: error: {}: the chart fails to render: helm render failed with HELM_ERR_RENDER (-23): \
             execution error at (broken/templates/configmap.yaml:2:4): values: database is required\n",
            broken.display()
        )
    );
}

#[test]
fn a_template_that_renders_no_yaml_is_named() {
    let error = error_of(text(&testdata("bad-yaml")), text(&legacy_shop()), &[]);
    assert!(
        error.starts_with("compare: error: bad-yaml/templates/configmap.yaml: document 1 is not valid YAML: "),
        "{error}"
    );
}

#[test]
fn bad_values_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let values = dir.path().join("values.yaml");
    fs::write(&values, "- a list, not a map\n").unwrap();
    let error = error_of(text(&legacy_shop()), text(&legacy_shop()), &["--values", text(&values)]);
    assert!(
        error.starts_with(&format!("compare: error: values file {}: helm values from yaml failed", values.display())),
        "{error}"
    );
}

#[test]
fn a_rename_that_matches_nothing_is_an_error() {
    let error = error_of(text(&legacy_shop()), text(&legacy_shop()), &["--rename", "Secret/nothing=else"]);
    assert_eq!(error, "compare: error: --rename \"Secret/nothing=else\": matches no object of the manual chart\n");
}

#[test]
fn an_invalid_release_name_is_refused_by_helm() {
    let error = error_of(text(&legacy_shop()), text(&legacy_shop()), &["--release", "Not_Valid"]);
    assert!(error.starts_with("compare: error: release name \"Not_Valid\": "), "{error}");
}

fn streamdash() -> std::path::PathBuf {
    testdata("streamdash")
}

/// A copy of streamdash with `edit` applied to one of its templates.
fn edited_streamdash(template: &str, edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("streamdash");
    copy_dir(&streamdash(), &copy);
    let file = copy.join("templates").join(template);
    fs::write(&file, edit(fs::read_to_string(&file).unwrap())).unwrap();
    dir
}

#[test]
fn a_chart_with_random_test_pod_names_is_equivalent_to_itself() {
    let chart = streamdash();
    let out = compare(&["--manual", text(&chart), "--generated", text(&chart)]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "Named at random (two renders differ; paired by kind and the rest of the name, names not compared): \
         Pod/grpc-test-*, Pod/service-test-*\n"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.ends_with("Result: equivalent (7 objects paired, no differences).\n"), "{}", out.stdout);
}

#[test]
fn an_inserted_argument_is_one_difference() {
    let copy = edited_streamdash("deployment.yaml", |t| {
        t.replace("- ./streamdash\n", "- ./streamdash\n            - --ui-path=/ui\n")
    });
    let out = compare(&["--manual", text(&streamdash()), "--generated", text(&copy.path().join("streamdash"))]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains(
        "Command, arguments and environment: 1\n  Deployment/streamdash spec.template.spec.containers[streamdash].command[1]: (absent) -> --ui-path=/ui\n"
    ), "{}", out.stdout);
    assert!(out.stdout.contains("1 fields differ in 1 of 7 paired objects"), "{}", out.stdout);
}

#[test]
fn a_renamed_container_is_compared_with_its_old_self() {
    let copy = edited_streamdash("deployment.yaml", |t| {
        t.replace("- name: streamdash\n", "- name: dashboard\n")
            .replace("imagePullPolicy: IfNotPresent", "imagePullPolicy: Always")
    });
    let out = compare(&["--manual", text(&streamdash()), "--generated", text(&copy.path().join("streamdash"))]);
    for line in [
        "  Deployment/streamdash spec.template.spec.containers[streamdash=dashboard].imagePullPolicy: IfNotPresent -> Always\n",
        "  Deployment/streamdash spec.template.spec.containers[streamdash=dashboard].name: streamdash -> dashboard\n",
        "2 fields differ in 1 of 7 paired objects",
    ] {
        assert!(out.stdout.contains(line), "missing {line:?} in\n{}", out.stdout);
    }
}

#[test]
fn kubernetes_defaults_are_no_difference_unless_no_defaults() {
    let copy = edited_streamdash("deployment.yaml", |t| {
        t.replace("      terminationGracePeriodSeconds: 30\n", "")
            .replace("            successThreshold: 1\n", "")
            .replace("              protocol: TCP\n", "")
            .replace("          imagePullPolicy: IfNotPresent\n", "")
    });
    let generated = copy.path().join("streamdash");
    let out = compare(&["--manual", text(&streamdash()), "--generated", text(&generated)]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out
        .stdout
        .contains("Kubernetes defaults filled in on both sides where absent (--no-defaults leaves them out).\n"));
    let out = compare(&["--manual", text(&streamdash()), "--generated", text(&generated), "--no-defaults"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    for line in [
        "  Deployment/streamdash spec.template.spec.terminationGracePeriodSeconds: 30 -> (absent)\n",
        "  Deployment/streamdash spec.template.spec.containers[streamdash].livenessProbe.successThreshold: 1 -> (absent)\n",
        "  Deployment/streamdash spec.template.spec.containers[streamdash].ports[grpc].protocol: TCP -> (absent)\n",
        "7 fields differ in 1 of 7 paired objects",
    ] {
        assert!(out.stdout.contains(line), "missing {line:?} in\n{}", out.stdout);
    }
}

#[test]
fn manual_values_go_to_the_hand_written_chart_only() {
    let chart = streamdash();
    let prod = chart.join("values-prod.yaml");
    let out = compare(&["--manual", text(&chart), "--manual-values", text(&prod), "--generated", text(&chart)]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    for line in [
        "  Deployment/streamdash spec.template.spec.containers[streamdash].command[4]: --level=warn -> --level=info\n",
        "  Deployment/streamdash spec.template.spec.containers[streamdash].env[STREAMDASH_UI_MESSAGE]: {\"name\":\"STREAMDASH_UI_MESSAGE\",\"value\":\"production\"} -> (absent)\n",
        "  Deployment/streamdash spec.template.spec.containers[streamdash].resources.limits.memory: 512Mi -> 256Mi\n",
    ] {
        assert!(out.stdout.contains(line), "missing {line:?} in\n{}", out.stdout);
    }
}

/// Both charts are rendered as the release given: its name and namespace reach the templates,
/// and it is an install, as `helm template --name-template N --namespace NS` renders it.
#[test]
fn charts_render_as_the_given_release() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("templates")).unwrap();
    fs::write(dir.path().join("Chart.yaml"), "apiVersion: v2\nname: probe\nversion: 1.0.0\n").unwrap();
    fs::write(
        dir.path().join("templates/release.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-release\n  namespace: {{ \
         .Release.Namespace }}\ndata:\n  install: {{ .Release.IsInstall | quote }}\n  upgrade: {{ \
         .Release.IsUpgrade | quote }}\n",
    )
    .unwrap();
    let sdk = HelmSdk::load(&library()).unwrap();
    let release = Release { name: "shop".into(), namespace: "prod".into() };
    let rendered = render_chart(&sdk, dir.path(), &[], &release).unwrap();
    let objects: Vec<_> = rendered.objects.iter().map(|o| (o.id(), &o.body)).collect();
    let body = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "shop-release", "namespace": "prod"},
        "data": {"install": "true", "upgrade": "false"},
    });
    assert_eq!(objects, [("ConfigMap/shop-release".to_string(), &body)]);

    // Through the binary: a chart compared with itself as that release is equivalent.
    let chart = text(dir.path());
    let out = compare(&["--manual", chart, "--generated", chart, "--release", "shop", "--namespace", "prod"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.ends_with("Result: equivalent (1 objects paired, no differences).\n"), "{}", out.stdout);
}
