//! Composes charts from the metadata in testdata/ and compares them with golden files;
//! checks that bad input fails with a clear error and writes nothing.
//!
//! The tests only compare: after an intended change, regenerate the golden files with
//! `tools/bazel run //tools/helm:update_generated`.

#[path = "support/paths.rs"]
mod paths;

#[path = "support/generated.rs"]
mod generated;

use std::fs;
use std::path::{Path, PathBuf};

use helm_composer::error::ComposeError;
use helm_composer::model::{ChartSpec, IngressMode};
use helm_composer::{compose_files, output};
use paths::package_dir;

/// The sample apps' metadata, with `{testdata}` in file paths pointing at testdata/ (the
/// rule writes paths the composer's action can read; tests run elsewhere). Written once,
/// before any test reads it.
fn metadata_dir() -> &'static Path {
    METADATA_DIR
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("tempdir");
            generated::write_sample_metadata(&workspace_dir(), dir.path()).expect("sample metadata written");
            dir
        })
        .path()
}

static METADATA_DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();

fn metadata(names: &[&str]) -> Vec<PathBuf> {
    names.iter().map(|n| metadata_dir().join(format!("{n}.json"))).collect()
}

fn spec() -> ChartSpec {
    generated::sample_spec()
}

/// The workspace root (this package is tools/helm in it).
fn workspace_dir() -> PathBuf {
    package_dir().join("../..")
}

fn compose(names: &[&str]) -> Result<helm_composer::plan::Chart, ComposeError> {
    generated::sample_chart(&workspace_dir(), metadata_dir(), names)
}

#[test]
fn sample_chart_matches_golden_files() {
    let chart = compose(&generated::SAMPLE_APPS).expect("sample chart composes");
    let golden = workspace_dir().join(generated::GOLDEN_SAMPLE);
    let update = generated::UPDATE_COMMAND;
    let mut expected = Vec::new();
    collect_files(&golden, &golden, &mut expected);
    let actual: Vec<PathBuf> = chart.files.keys().cloned().collect();
    assert_eq!(actual, expected, "file set differs from {}; after an intended change run {update}", golden.display());
    for (path, content) in &chart.files {
        let want = fs::read_to_string(golden.join(path)).expect("golden file readable");
        if content != &want {
            let line = content.lines().zip(want.lines()).position(|(a, b)| a != b).unwrap_or(0);
            panic!(
                "{} differs from the golden file at line {}:\n  golden: {:?}\n  now:    {:?}\nafter an intended change run {update}",
                path.display(),
                line + 1,
                want.lines().nth(line).unwrap_or_default(),
                content.lines().nth(line).unwrap_or_default()
            );
        }
    }
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir).expect("golden dir").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_files(root, &path, out);
        } else {
            out.push(path.strip_prefix(root).expect("under root").to_path_buf());
        }
    }
    out.sort();
}

#[test]
fn composing_twice_is_byte_identical() {
    let first = tempfile::tempdir().expect("tempdir");
    let second = tempfile::tempdir().expect("tempdir");
    output::write_chart(&compose(&generated::SAMPLE_APPS).expect("composes"), &first.path().join("chart"))
        .expect("written");
    // Input order must not matter either.
    let reversed = ["cache", "nightly-report", "web", "migrations", "processor", "status-api"];
    output::write_chart(&compose(&reversed).expect("composes"), &second.path().join("chart")).expect("written");
    let (mut a, mut b) = (Vec::new(), Vec::new());
    collect_files(&first.path().join("chart"), &first.path().join("chart"), &mut a);
    collect_files(&second.path().join("chart"), &second.path().join("chart"), &mut b);
    assert_eq!(a, b);
    for path in a {
        let x = fs::read(first.path().join("chart").join(&path)).expect("read");
        let y = fs::read(second.path().join("chart").join(&path)).expect("read");
        assert_eq!(x, y, "{} differs between runs", path.display());
    }
}

#[test]
fn user_strings_stay_literal() {
    let chart = compose(&generated::SAMPLE_APPS).expect("composes");
    let values = &chart.files[Path::new("values.yaml")];
    assert!(values.contains(r#""GREETING": "hello {{ .Values }}""#), "{values}");
    // The template reads the value through Helm and quotes it; the string itself is never
    // part of a template.
    for (path, text) in &chart.files {
        if path.starts_with("templates") {
            assert!(!text.contains("hello {{"), "{} embeds a user string", path.display());
        }
    }
}

#[test]
fn every_object_template_is_named_app_resource() {
    let chart = compose(&generated::SAMPLE_APPS).expect("composes");
    let names: Vec<String> = chart
        .files
        .keys()
        .filter(|p| p.starts_with("templates") && p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string())
        // The chart-wide objects: the Ingress shared by every external API, and the
        // RoleBindings granting access to the namespace.
        .filter(|name| name != "ingress.yaml" && name != "rbac.yaml")
        .collect();
    assert_eq!(
        names,
        [
            "cache-networkpolicy.yaml",
            "cache-pdb.yaml",
            "cache-service.yaml",
            "cache-serviceaccount.yaml",
            "cache-statefulset.yaml",
            "migrations-configmap.yaml",
            "migrations-job.yaml",
            "migrations-networkpolicy.yaml",
            "migrations-serviceaccount.yaml",
            "nightly-report-cronjob.yaml",
            "nightly-report-networkpolicy.yaml",
            "nightly-report-serviceaccount.yaml",
            "processor-configmap.yaml",
            "processor-deployment.yaml",
            "processor-hpa.yaml",
            "processor-networkpolicy.yaml",
            "processor-pdb.yaml",
            "processor-scaledobject.yaml",
            "processor-service.yaml",
            "processor-serviceaccount.yaml",
            "processor-servicemonitor.yaml",
            "status-api-deployment.yaml",
            "status-api-hpa.yaml",
            "status-api-networkpolicy.yaml",
            "status-api-pdb.yaml",
            "status-api-service.yaml",
            "status-api-serviceaccount.yaml",
            "status-api-servicemonitor.yaml",
            "web-deployment.yaml",
            "web-hpa.yaml",
            "web-networkpolicy.yaml",
            "web-pdb.yaml",
            "web-service.yaml",
            "web-serviceaccount.yaml",
        ]
    );
}

#[test]
fn failure_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.json");
    fs::write(&bad, r#"{"name": "Bad_Name", "image": {"repository": "r", "tag": "1"}}"#).expect("write");
    let error = compose_files(&spec(), &[bad], &[], &package_dir().join("templates")).expect_err("must fail");
    assert!(error.to_string().contains("field `name`"), "{error}");
    assert_eq!(fs::read_dir(dir.path()).expect("dir").count(), 1, "only the input file exists");
}

#[test]
fn duplicate_app_names_name_both_targets() {
    let mut twice = generated::SAMPLE_APPS.to_vec();
    twice.push("status-api");
    let error = compose(&twice).expect_err("must fail");
    let message = error.to_string();
    assert!(message.contains("two apps are named \"status-api\""), "{message}");
    assert!(message.contains("//testdata:status_api_metadata"), "{message}");
}

#[test]
fn ingress_collisions_name_both_apps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let twin = dir.path().join("web-twin.json");
    let web = fs::read_to_string(package_dir().join("testdata/apps/web.json")).expect("read");
    let _ = &web;
    fs::write(
        &twin,
        web.replace("\"name\": \"web\"", "\"name\": \"web-twin\"")
            .replace("//testdata:web_metadata", "//testdata:web_twin_metadata"),
    )
    .expect("write");
    let mut files = metadata(&generated::SAMPLE_APPS);
    files.push(twin);
    let error = compose_files(&spec(), &files, &[], &package_dir().join("templates")).expect_err("must fail");
    let message = error.to_string();
    assert!(message.contains("ingress collision"), "{message}");
    assert!(
        message.contains("//testdata:web_metadata") && message.contains("//testdata:web_twin_metadata"),
        "{message}"
    );
}

#[test]
fn per_app_mode_gives_each_external_api_its_ingress() {
    let mut per_app = spec();
    per_app.ingress_mode = IngressMode::PerApp;
    let chart = compose_files(&per_app, &metadata(&generated::SAMPLE_APPS), &[], &package_dir().join("templates"))
        .expect("composes");
    assert!(chart.files.contains_key(Path::new("templates/web-ingress.yaml")));
    assert!(!chart.files.contains_key(Path::new("templates/ingress.yaml")));
    let single = compose(&generated::SAMPLE_APPS).expect("composes");
    assert!(single.files.contains_key(Path::new("templates/ingress.yaml")));
    assert!(!single.files.contains_key(Path::new("templates/web-ingress.yaml")));
}

#[test]
fn network_policy_peers_must_be_apps_of_the_chart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lonely = dir.path().join("lonely.json");
    fs::write(
        &lonely,
        r#"{"name": "lonely-api", "target": "//x:lonely_api_metadata", "image": {"repository": "r", "tag": "1"}, "port": 80,
            "network_policy": {"egress_to_apps": ["ghost-api"]}}"#,
    )
    .expect("write");
    let error = compose_files(&spec(), &[lonely], &[], &package_dir().join("templates")).expect_err("must fail");
    let message = error.to_string();
    assert!(message.contains("network_policy.egress_to_apps: \"ghost-api\" is not an app of this chart"), "{message}");
    assert!(message.contains("//x:lonely_api_metadata"), "{message}");
}

/// Issue 20: a sibling address alone opens its path, at both ends (the caller's egress to the
/// target's container port, the target's ingress from the caller on its named port).
#[test]
fn a_sibling_address_alone_opens_its_path_at_both_ends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, json: &str| {
        let path = dir.path().join(format!("{name}.json"));
        fs::write(&path, json).expect("write");
        path
    };
    let api = write(
        "api",
        r#"{"name": "api", "app_type": "internal-api", "target": "//x:api_metadata", "image": {"repository": "r", "tag": "1"}, "port": 8080}"#,
    );
    let web = write(
        "web",
        r#"{"name": "web", "app_type": "internal-api", "target": "//x:web_metadata", "image": {"repository": "r", "tag": "1"}, "port": 8080,
            "sibling_env": [{"env": "API_URL", "app": "api", "form": "url"}]}"#,
    );
    let chart = compose_files(&spec(), &[api, web], &[], &package_dir().join("templates")).expect("composes");
    let file = |name: &str| chart.files.get(Path::new(name)).cloned().unwrap_or_else(|| panic!("{name} composed"));
    let web_policy = file("templates/web-networkpolicy.yaml");
    let egress = web_policy.split("  egress:").nth(1).expect("web has egress rules");
    assert!(egress.contains("(list $ \"api\")"), "web's egress reaches api:\n{web_policy}");
    assert!(egress.contains("port: {{ $.Values.apps.api.containerPort }}"), "{web_policy}");
    assert!(egress.contains("{{- if $.Values.apps.api.enabled }}"), "a disabled api drops the rule:\n{web_policy}");
    let api_policy = file("templates/api-networkpolicy.yaml");
    let ingress = api_policy.split("  egress:").next().expect("api has ingress rules");
    assert!(ingress.contains("(list $ \"web\")"), "api admits web:\n{api_policy}");
    assert!(ingress.contains("port: http"), "{api_policy}");
}

#[test]
fn long_release_names_that_would_merge_two_apps_fail_to_render() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files: Vec<PathBuf> = ["payments-api-v1", "payments-api-v2"]
        .iter()
        .map(|name| {
            let file = dir.path().join(format!("{name}.json"));
            let json = format!(r#"{{"name": "{name}", "image": {{"repository": "r", "tag": "1"}}, "port": 80}}"#);
            fs::write(&file, json).expect("write");
            file
        })
        .collect();
    let chart = compose_files(&spec(), &files, &[], &package_dir().join("templates")).expect("composes");
    let helpers = &chart.files[Path::new("templates/_helpers.tpl")];
    // 62 - 15 characters leave room for "payments-api-v1" whole.
    assert!(helpers.contains("gt (len (index . 0).Release.Name) 47"), "{helpers}");
    assert!(helpers.contains("apps payments-api-v1 and payments-api-v2"), "{helpers}");
    let sample = compose(&generated::SAMPLE_APPS).expect("composes");
    let sample_helpers = &sample.files[Path::new("templates/_helpers.tpl")];
    assert!(!sample_helpers.contains("Release.Name) "), "no limit below Helm's own: {sample_helpers}");
}
