//! The offline surface of the binding, against the real libhelm_c.so.

mod support;

use std::fs;

use helm_sdk::{
    Chart, DependencyOptions, ErrorCode, HelmError, LintOptions, PackageOptions, RegistryClient, RegistryClientOptions,
    RenderOptions, RepoIndexOptions, Severity, ShowFormat, ShowOptions,
};
use serde_json::json;
use support::{sdk, write, write_demo_chart};
use tempfile::TempDir;

/// Asserts `result` failed in the Helm call `operation` with `code`, and returns the detail.
#[track_caller]
fn expect_call_error<T: std::fmt::Debug>(result: Result<T, HelmError>, operation: &str, code: ErrorCode) -> String {
    match result {
        Err(HelmError::Call { operation: op, code: c, detail }) => {
            assert_eq!((op, c), (operation, code), "detail: {detail}");
            detail
        }
        other => panic!("expected helm {operation} to fail with {code}, got {other:?}"),
    }
}

#[test]
fn reports_library_versions() {
    let sdk = sdk();
    assert_eq!(sdk.c_version().unwrap(), "0.2.2");
    assert!(sdk.version().unwrap().starts_with("v4."), "{}", sdk.version().unwrap());
}

#[test]
fn lints_a_clean_chart() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = write_demo_chart(tmp.path());
    let report = sdk.lint(&chart, None, &LintOptions::default()).unwrap();
    assert_eq!(report.total_charts_linted, 1);
    assert!(!report.has_errors(), "{report:?}");
    assert!(report.messages.iter().all(|m| m.severity != Severity::Error), "{report:?}");
}

#[test]
fn lint_reports_a_broken_template() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = write_demo_chart(tmp.path());
    write(&chart.join("templates/broken.yaml"), "data: {{ .Values.greeting \n");
    let report = sdk.lint(&chart, None, &LintOptions { strict: true, ..Default::default() }).unwrap();
    assert!(report.has_errors(), "{report:?}");
    let finding = report.messages.iter().find(|m| m.severity == Severity::Error).unwrap();
    assert!(finding.path.starts_with("templates"), "{finding:?}");
    assert!(finding.error.contains("broken.yaml"), "{finding:?}");
}

#[test]
fn lint_applies_values_overrides() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = write_demo_chart(tmp.path());
    let report = sdk.lint(&chart, Some(&json!({"replicas": 0})), &LintOptions::default()).unwrap();
    assert!(report.has_errors(), "a schema violation must be a lint error: {report:?}");
}

#[test]
fn loads_reads_and_renders_a_chart() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = Chart::load(&sdk, &write_demo_chart(tmp.path())).unwrap();

    let metadata = chart.metadata().unwrap();
    assert_eq!((metadata.name.as_str(), metadata.version.as_str()), ("demo", "0.1.0"));
    assert_eq!(metadata.api_version, "v2");
    assert_eq!(metadata.app_version.as_deref(), Some("1.2.3"));
    assert_eq!(metadata.chart_type.as_deref(), Some("application"));
    assert_eq!(chart.values().unwrap(), json!({"greeting": "hello", "replicas": 1}));
    assert_eq!(chart.merge_values(Some(&json!({"replicas": 3}))).unwrap(), json!({"greeting": "hello", "replicas": 3}));
    assert_eq!(chart.schema().unwrap().unwrap()["required"], json!(["greeting"]));
    let templates = chart.templates().unwrap();
    assert_eq!(templates.len(), 1);
    assert_eq!(templates[0].name, "templates/configmap.yaml");
    assert!(chart.dependencies().unwrap().is_empty());
    assert!(chart.crds().unwrap().is_empty());

    let options = RenderOptions { name: Some("rel".into()), namespace: Some("apps".into()), ..Default::default() };
    let manifests = chart.render(Some(&json!({"greeting": "hi"})), &options).unwrap();
    assert_eq!(manifests.keys().collect::<Vec<_>>(), ["demo/templates/configmap.yaml"]);
    let configmap = &manifests["demo/templates/configmap.yaml"];
    assert!(configmap.contains("name: rel-config"), "{configmap}");
    assert!(configmap.contains("namespace: apps"), "{configmap}");
    assert!(configmap.contains("greeting: \"hi\""), "{configmap}");
    assert!(configmap.contains("replicas: \"1\""), "{configmap}");
}

#[test]
fn reads_a_charts_plain_files_and_crds() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let dir = write_demo_chart(tmp.path());
    write(&dir.join("README.md"), "# demo\n");
    let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: crontabs.example.com\n";
    write(&dir.join("crds/crontab.yaml"), crd);
    let chart = Chart::load(&sdk, &dir).unwrap();

    let files = chart.files().unwrap();
    let readme = files.iter().find(|f| f.name == "README.md").unwrap_or_else(|| panic!("no README.md in {files:?}"));
    assert_eq!(readme.data, "# demo\n");
    assert!(files.iter().all(|f| !f.name.starts_with("templates/")), "templates are not plain files: {files:?}");
    let crds = chart.crds().unwrap();
    assert_eq!(crds.len(), 1, "{crds:?}");
    assert_eq!((crds[0].filename.as_str(), crds[0].data.as_str()), ("demo/crds/crontab.yaml", crd));
    // The name is the path inside the chart, the file name the path from the top chart.
    assert_eq!(crds[0].name, "crds/crontab.yaml");
}

/// The number after `handle: ` in a Debug output.
fn debug_handle(debug: &str) -> u64 {
    let rest = debug.split_once("handle: ").unwrap_or_else(|| panic!("no handle in {debug}")).1;
    rest.trim_end_matches(" }").parse().unwrap_or_else(|e| panic!("{e}: {debug}"))
}

#[test]
fn debug_output_names_the_library_and_the_handles() {
    let sdk = sdk();
    assert_eq!(format!("{sdk:?}"), format!("HelmSdk {{ library: {:?} }}", sdk.library_path()));
    let tmp = TempDir::new().unwrap();
    let chart = Chart::load(&sdk, &write_demo_chart(tmp.path())).unwrap();
    let debug = format!("{chart:?}");
    assert!(debug.starts_with("Chart { ") && debug_handle(&debug) != 0, "{debug}");
    let client = RegistryClient::new(&sdk, &RegistryClientOptions::default()).unwrap();
    let debug = format!("{client:?}");
    assert!(debug.starts_with("RegistryClient { ") && debug_handle(&debug) != 0, "{debug}");
}

#[test]
fn render_rejects_bad_values_with_a_typed_error() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let dir = write_demo_chart(tmp.path());
    let chart = Chart::load(&sdk, &dir).unwrap();
    expect_call_error(
        chart.render(Some(&json!(["not", "an", "object"])), &RenderOptions::default()),
        "render",
        ErrorCode::Values,
    );

    let chart = Chart::load(&sdk, &dir).unwrap();
    let detail = expect_call_error(
        chart.render(Some(&json!({"replicas": 0})), &RenderOptions::default()),
        "render",
        ErrorCode::Values,
    );
    assert!(detail.contains("replicas"), "{detail}");
}

#[test]
fn render_reports_template_failures() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let dir = write_demo_chart(tmp.path());
    write(
        &dir.join("templates/required.yaml"),
        "value: {{ required \"missingKey is required\" .Values.missingKey }}\n",
    );
    let chart = Chart::load(&sdk, &dir).unwrap();
    let detail = expect_call_error(chart.render(None, &RenderOptions::default()), "render", ErrorCode::Render);
    assert!(detail.contains("missingKey is required"), "{detail}");
}

#[test]
fn schema_validation_names_the_violation() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = Chart::load(&sdk, &write_demo_chart(tmp.path())).unwrap();
    chart.validate_schema(None).unwrap();
    chart.validate_schema(Some(&json!({"replicas": 5}))).unwrap();
    let detail =
        expect_call_error(chart.validate_schema(Some(&json!({"replicas": 0}))), "schema validate", ErrorCode::Values);
    assert!(detail.contains("replicas"), "{detail}");
    expect_call_error(chart.validate_schema(Some(&json!({"greeting": 7}))), "schema validate", ErrorCode::Values);
}

#[test]
fn packages_digests_and_loads_archives() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = write_demo_chart(tmp.path());
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();

    let archive =
        sdk.package(&chart, &PackageOptions { destination: Some(out.clone()), ..Default::default() }).unwrap();
    assert_eq!(archive, out.join("demo-0.1.0.tgz"));
    assert!(archive.is_file());

    let overridden = PackageOptions {
        destination: Some(out.clone()),
        version: Some("0.2.0".into()),
        app_version: Some("9.9.9".into()),
        ..Default::default()
    };
    assert_eq!(sdk.package(&chart, &overridden).unwrap(), out.join("demo-0.2.0.tgz"));

    let digest = sdk.digest(&archive).unwrap();
    assert!(digest.starts_with("sha256:") && digest.len() == 71, "{digest}");

    let bytes = fs::read(out.join("demo-0.2.0.tgz")).unwrap();
    let loaded = Chart::load_archive(&sdk, &bytes).unwrap();
    let metadata = loaded.metadata().unwrap();
    assert_eq!((metadata.version.as_str(), metadata.app_version.as_deref()), ("0.2.0", Some("9.9.9")));
    let manifests = loaded.render(None, &RenderOptions::default()).unwrap();
    assert!(manifests["demo/templates/configmap.yaml"].contains("name: release-name-config"));

    expect_call_error(Chart::load_archive(&sdk, b"not a tarball"), "chart load archive", ErrorCode::ChartLoad);
    expect_call_error(Chart::load_archive(&sdk, b""), "chart load archive", ErrorCode::InvalidArg);

    let expanded = tmp.path().join("expanded");
    sdk.chart_expand(&archive, &expanded).unwrap();
    assert!(expanded.join("demo/templates/configmap.yaml").is_file());
}

#[test]
fn saves_a_loaded_chart() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = Chart::load(&sdk, &write_demo_chart(tmp.path())).unwrap();
    let archive = chart.save(&tmp.path().join("saved")).unwrap();
    assert!(archive.ends_with("saved/demo-0.1.0.tgz") && archive.is_file(), "{}", archive.display());
    let dir = chart.save_dir(&tmp.path().join("tree")).unwrap();
    assert!(dir.join("Chart.yaml").is_file(), "{}", dir.display());
}

#[test]
fn generates_a_repository_index() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = write_demo_chart(tmp.path());
    let repo = tmp.path().join("repo");
    fs::create_dir(&repo).unwrap();
    let archive =
        sdk.package(&chart, &PackageOptions { destination: Some(repo.clone()), ..Default::default() }).unwrap();

    let options = RepoIndexOptions { base_url: Some("https://charts.example.com".into()), ..Default::default() };
    let index = sdk.repo_index_generate(&repo, &options).unwrap();
    let entry = &index["entries"]["demo"][0];
    assert_eq!(entry["version"], "0.1.0");
    assert_eq!(entry["urls"][0], "https://charts.example.com/demo-0.1.0.tgz");
    let digest = sdk.digest(&archive).unwrap();
    assert_eq!(entry["digest"].as_str().unwrap(), digest.trim_start_matches("sha256:"));
    assert!(repo.join("index.yaml").is_file());

    let merged = RepoIndexOptions { merge: Some(repo.join("index.yaml")), json: true, ..Default::default() };
    sdk.repo_index_generate(&repo, &merged).unwrap();
    assert!(repo.join("index.json").is_file());
}

#[test]
fn lists_and_builds_file_dependencies() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    write_demo_chart(tmp.path());
    let parent = tmp.path().join("parent");
    write(
        &parent.join("Chart.yaml"),
        "apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n  - name: demo\n    version: 0.1.0\n    repository: file://../demo\n",
    );
    write(&parent.join("values.yaml"), "demo:\n  greeting: from-parent\n");

    let listed = sdk.dependency_list(&parent).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].name.as_str(), listed[0].version.as_str()), ("demo", "0.1.0"));
    assert_eq!(listed[0].repository, "file://../demo");
    assert_eq!(listed[0].status, "missing");
    assert!(!listed[0].is_ok());

    sdk.dependency_build(&parent, &DependencyOptions::default()).unwrap();
    assert!(parent.join("charts/demo-0.1.0.tgz").is_file());
    assert!(sdk.dependency_list(&parent).unwrap()[0].is_ok());

    // The update resolves again from Chart.yaml: it writes both back.
    let _ = fs::remove_file(parent.join("Chart.lock"));
    fs::remove_dir_all(parent.join("charts")).unwrap();
    sdk.dependency_update(&parent, &DependencyOptions::default()).unwrap();
    assert!(parent.join("Chart.lock").is_file());
    assert!(parent.join("charts/demo-0.1.0.tgz").is_file());

    let chart = Chart::load(&sdk, &parent).unwrap();
    assert_eq!(chart.metadata().unwrap().dependencies[0].repository, "file://../demo");
    assert_eq!(chart.dependencies().unwrap()[0].name, "demo");
    let manifests = chart.render(None, &RenderOptions::default()).unwrap();
    assert!(manifests["parent/charts/demo/templates/configmap.yaml"].contains("greeting: \"from-parent\""));
}

#[test]
fn creates_charts() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let created = sdk.chart_create("scaffold", tmp.path()).unwrap();
    assert_eq!(created, tmp.path().join("scaffold"));
    assert!(!sdk.lint(&created, None, &LintOptions::default()).unwrap().has_errors());
    let from = sdk.chart_create_from("derived", &tmp.path().join("more"), &created).unwrap();
    assert!(from.join("Chart.yaml").is_file());
    expect_call_error(sdk.chart_create("Bad_Name!", tmp.path()), "chart create", ErrorCode::InvalidArg);
}

#[test]
fn shows_a_local_chart() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = write_demo_chart(tmp.path());
    let chart_ref = chart.to_str().unwrap();
    let values =
        sdk.show(None, chart_ref, &ShowOptions { format: Some(ShowFormat::Values), ..Default::default() }).unwrap();
    assert!(values.contains("greeting: hello"), "{values}");
    let definition =
        sdk.show(None, chart_ref, &ShowOptions { format: Some(ShowFormat::Chart), ..Default::default() }).unwrap();
    assert!(definition.contains("name: demo"), "{definition}");
}

#[test]
fn parses_set_expressions() {
    let sdk = sdk();
    assert_eq!(
        sdk.strvals_parse("a=1,b.c=two,list={x,y}").unwrap(),
        json!({"a": 1, "b": {"c": "two"}, "list": ["x", "y"]})
    );
    assert_eq!(sdk.strvals_parse_string("port=80").unwrap(), json!({"port": "80"}));
    assert_eq!(sdk.strvals_parse_json(r#"a={"b":[1,2]}"#).unwrap(), json!({"a": {"b": [1, 2]}}));
    assert_eq!(sdk.strvals_parse_literal("a=b,c=d").unwrap(), json!({"a": "b,c=d"}));

    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("motd.txt");
    fs::write(&file, "hello from a file").unwrap();
    assert_eq!(
        sdk.strvals_parse_file(&format!("motd={}", file.display())).unwrap(),
        json!({"motd": "hello from a file"})
    );

    expect_call_error(sdk.strvals_parse("a"), "strvals parse", ErrorCode::Values);
}

#[test]
fn parses_values_yaml() {
    let sdk = sdk();
    assert_eq!(
        sdk.values_from_yaml("image:\n  tag: \"1.0\"\nports: [80, 443]\n").unwrap(),
        json!({"image": {"tag": "1.0"}, "ports": [80, 443]})
    );
    expect_call_error(sdk.values_from_yaml("a: [unclosed"), "values from yaml", ErrorCode::Values);
}

#[test]
fn validates_release_names() {
    let sdk = sdk();
    sdk.validate_release_name("my-release").unwrap();
    expect_call_error(sdk.validate_release_name("My_Bad_Name"), "release name validate", ErrorCode::InvalidArg);
}

#[test]
fn missing_chart_is_a_chart_load_error() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let error = Chart::load(&sdk, &tmp.path().join("nope")).unwrap_err();
    assert_eq!(error.code(), Some(ErrorCode::ChartLoad));
    let message = error.to_string();
    assert!(message.contains("chart load") && message.contains("HELM_ERR_CHART_LOAD"), "{message}");
    expect_call_error(
        sdk.lint(&tmp.path().join("nope"), Some(&json!([])), &LintOptions::default()),
        "lint",
        ErrorCode::Values,
    );
}

#[test]
fn nul_bytes_are_refused_before_calling_helm() {
    let sdk = sdk();
    assert!(matches!(sdk.strvals_parse("a=1\0b=2"), Err(HelmError::NulByte { .. })));
    assert!(matches!(sdk.values_from_yaml("a: 1\0"), Err(HelmError::NulByte { what: "values YAML" })));
    assert!(matches!(
        Chart::load(&sdk, std::path::Path::new("charts/a\0b")),
        Err(HelmError::NulByte { what: "chart path" })
    ));
    // Values travel as JSON, which escapes NUL: they reach Helm intact instead.
    let tmp = TempDir::new().unwrap();
    let chart = Chart::load(&sdk, &write_demo_chart(tmp.path())).unwrap();
    assert_eq!(chart.merge_values(Some(&json!({"greeting": "a\u{0}b"}))).unwrap()["greeting"], "a\u{0}b");
}

#[cfg(unix)]
#[test]
fn non_utf8_paths_are_refused() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let sdk = sdk();
    let path = std::path::Path::new(OsStr::from_bytes(b"/tmp/chart-\xff"));
    assert!(matches!(Chart::load(&sdk, path), Err(HelmError::NonUtf8Path { what: "chart path", .. })));
}

#[test]
fn missing_library_is_a_load_error() {
    let tmp = TempDir::new().unwrap();
    let error = helm_sdk::HelmSdk::load(&tmp.path().join("libnothing.so")).unwrap_err();
    assert!(matches!(error, HelmError::Load { .. }), "{error:?}");
}
