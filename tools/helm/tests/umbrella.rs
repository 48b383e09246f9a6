//! Umbrella charts, with the real Helm (libhelm_c.so from `HELM_C_LIBRARY`): composed charts
//! and chart archives as subcharts, what the umbrella's Chart.yaml, Chart.lock and values say,
//! that Helm lints and renders the tree (values under a subchart's key reach it, `global`
//! reaches all, `enabled: false` leaves one out), that `helm dependency build` finds the lock
//! in sync, and that every bad set of subcharts fails naming the targets.

#[path = "support/paths.rs"]
mod paths;

use std::fs;
use std::path::{Path, PathBuf};

use helm_composer::error::ComposeError;
use helm_composer::model::{ChartSpec, IngressMode, SubchartSpec};
use helm_composer::subchart::{self, Subchart};
use helm_composer::{compose_files, compose_umbrella, output};
use helm_sdk::{Chart, DependencyOptions, HelmSdk, LintOptions, PackageOptions, RenderOptions};
use paths::{helm_library, package_dir};
use serde_json::{json, Value};

fn spec(name: &str, version: &str) -> ChartSpec {
    ChartSpec {
        name: name.into(),
        version: version.into(),
        app_version: "1.0.0".into(),
        description: format!("{name} chart"),
        namespace: String::new(),
        environment: "dev".into(),
        ingress_mode: IngressMode::Single,
        resource_preset: None,
        env: Default::default(),
        ingress_host_pattern: String::new(),
        ingress_domain: String::new(),
        kubernetes_versions: Vec::new(),
        routing: Default::default(),
        peer_charts: Vec::new(),
        image_pull_secrets: Vec::new(),
    }
}

struct Work {
    sdk: HelmSdk,
    dir: tempfile::TempDir,
}

impl Work {
    fn new() -> Work {
        Work {
            sdk: HelmSdk::load(&helm_library()).expect("libhelm_c.so loads"),
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Composes a chart of one internal API named `app` (with a prod environment) at `<name>/`.
    fn composed(&self, name: &str, version: &str, app: &str) -> PathBuf {
        let metadata = self.path(&format!("{app}.json"));
        let app_json = json!({
            "name": app, "target": format!("//x:{app}_metadata"), "app_type": "internal-api",
            "image": {"repository": format!("ghcr.io/example/{app}"), "tag": "1.0.0"}, "port": 8080,
            "env": {"GREETING": "hello"}
        });
        fs::write(&metadata, app_json.to_string()).expect("metadata written");
        let environment = self.path(&format!("{app}-prod.json"));
        let env_json = json!({"name": "prod", "replicas": {app: 3}, "access": {"view": ["readers"]}});
        fs::write(&environment, env_json.to_string()).expect("environment written");
        let chart = compose_files(&spec(name, version), &[metadata], &[environment], &package_dir().join("templates"))
            .expect("subchart composes");
        let out = self.path(name);
        output::write_chart(&chart, &out).expect("subchart written");
        out
    }

    fn load(&self, specs: &[SubchartSpec]) -> Result<Vec<Subchart>, ComposeError> {
        specs.iter().map(|s| subchart::load(&self.sdk, s)).collect()
    }

    /// Composes the umbrella "platform" of `specs` (no apps of its own, a prod environment).
    fn umbrella(&self, specs: &[SubchartSpec]) -> Result<PathBuf, ComposeError> {
        let subcharts = self.load(specs)?;
        let environment = self.path("platform-prod.json");
        let env_json = json!({"name": "prod", "access": {"edit": ["operators"]}, "network_policy": true});
        fs::write(&environment, env_json.to_string()).expect("environment written");
        let chart = compose_umbrella(
            &spec("platform", "2.0.0"),
            &[],
            &[environment],
            &subcharts,
            &package_dir().join("templates"),
        )?;
        let out = self.path("platform");
        let _ = fs::remove_dir_all(&out);
        output::write_chart(&chart, &out)?;
        Ok(out)
    }

    fn render(&self, chart: &Path, values: Option<&Value>) -> Value {
        let options = RenderOptions { name: Some("rel".into()), namespace: Some("ns".into()), ..Default::default() };
        let manifests =
            Chart::load(&self.sdk, chart).expect("loads").render(values, &options).expect("the umbrella renders");
        let mut objects = serde_json::Map::new();
        for (template, text) in manifests {
            if template.ends_with("NOTES.txt") {
                continue;
            }
            for document in text.split("\n---") {
                let value = self.sdk.values_from_yaml(document).expect("a YAML document");
                if let Some(kind) = value.get("kind").and_then(Value::as_str) {
                    let name = value["metadata"]["name"].as_str().unwrap_or_default();
                    objects.insert(format!("{kind}/{name}"), value.clone());
                }
            }
        }
        Value::Object(objects)
    }
}

fn subchart(target: &str, path: &Path, alias: &str, version: &str) -> SubchartSpec {
    SubchartSpec {
        target: target.into(),
        path: path.display().to_string(),
        alias: alias.into(),
        version: version.into(),
    }
}

#[test]
fn an_umbrella_of_a_composed_chart_and_an_archive_lints_renders_and_locks() {
    let work = Work::new();
    let api = work.composed("api-chart", "0.1.0", "api");
    let worker_dir = work.composed("worker-chart", "0.3.0", "worker-api");
    // A chart archive, as a third-party chart comes.
    let archives = work.path("archives");
    fs::create_dir_all(&archives).expect("archives dir");
    let archive = work
        .sdk
        .package(&worker_dir, &PackageOptions { destination: Some(archives.clone()), ..Default::default() })
        .expect("packaged");
    let umbrella = work
        .umbrella(&[subchart("//x:api_chart", &api, "api", "0.1.0"), subchart("//x:worker_tgz", &archive, "", "")])
        .expect("the umbrella composes");

    let chart_yaml = fs::read_to_string(umbrella.join("Chart.yaml")).expect("Chart.yaml");
    assert!(
        chart_yaml.contains(
            "dependencies:\n  - name: \"api-chart\"\n    version: \"0.1.0\"\n    repository: \"\"\n    condition: \
             \"api.enabled\"\n    alias: \"api\"\n  - name: \"worker-chart\"\n    version: \"0.3.0\"\n    repository: \
             \"\"\n    condition: \"worker-chart.enabled\"\n"
        ),
        "{chart_yaml}"
    );
    let lock = fs::read_to_string(umbrella.join("Chart.lock")).expect("Chart.lock");
    assert!(lock.ends_with("generated: \"1970-01-01T00:00:00Z\"\n"), "{lock}");
    let values = fs::read_to_string(umbrella.join("values.yaml")).expect("values.yaml");
    assert!(values.contains("global: {}\n") && values.contains("\"api\":\n  enabled: true\n"), "{values}");
    assert!(umbrella.join("charts/api-chart/templates/api-deployment.yaml").is_file());
    // The README lists the subcharts, and documents their keys like every other value.
    let readme = fs::read_to_string(umbrella.join("README.md")).expect("README.md");
    assert!(readme.contains("| api | api-chart | 0.1.0 | api \\(internal-api\\) | `api.enabled` |"), "{readme}");
    assert!(
        readme.contains("| `api.enabled` | boolean | `true` | Whether the api subchart is installed. |"),
        "{readme}"
    );
    let schema: Value = serde_json::from_str(&fs::read_to_string(umbrella.join("values.schema.json")).expect("schema"))
        .expect("schema is JSON");
    let defaults = work.sdk.values_from_yaml(&values).expect("values.yaml");
    let rows = helm_composer::plan::readme::value_rows(&schema, &defaults);
    assert_eq!(helm_composer::plan::readme::undocumented(&rows), Vec::<&str>::new());
    assert!(umbrella.join("charts/worker-chart/values-prod.yaml").is_file(), "the archive is unpacked");

    // Helm's own lint of the tree, the subcharts rendered with the umbrella's values (each
    // subchart alone is the validator's: the SDK does not walk charts/).
    let lint = LintOptions { strict: true, ..Default::default() };
    let report = work.sdk.lint(&umbrella, None, &lint).expect("lint runs");
    assert!(!report.has_errors(), "{report:?}");

    // Defaults: both subcharts' objects.
    let objects = work.render(&umbrella, None);
    assert_eq!(objects["Deployment/rel-api"]["spec"]["replicas"], json!(2));
    assert!(
        objects.get("Deployment/rel-worker-api").is_some(),
        "{}",
        objects.as_object().map(|o| o.len()).unwrap_or(0)
    );
    // Values under a subchart's key reach it; `global` reaches every chart; enabled: false
    // leaves one out.
    let overrides = json!({
        "api": {"apps": {"api": {"replicas": 5}}},
        "global": {"team": "platform"},
        "worker-chart": {"enabled": false}
    });
    let objects = work.render(&umbrella, Some(&overrides));
    assert_eq!(objects["Deployment/rel-api"]["spec"]["replicas"], json!(5));
    assert!(objects.get("Deployment/rel-worker-api").is_none());

    // The prod environment: each subchart's own values-prod.yaml under its key, the
    // umbrella's access grant once.
    let prod = fs::read_to_string(umbrella.join("values-prod.yaml")).expect("values-prod.yaml");
    let prod_values = work.sdk.values_from_yaml(&prod).expect("values-prod.yaml parses");
    assert_eq!(prod_values["api"]["apps"]["api"]["replicas"], json!(3));
    assert!(prod_values["api"].get("access").is_none(), "{prod}");
    // The umbrella's environment turns network policies on for the whole tree.
    assert_eq!(prod_values["api"]["networkPolicy"], json!({"enabled": true}), "{prod}");
    assert_eq!(prod_values["worker-chart"]["networkPolicy"], json!({"enabled": true}), "{prod}");
    let objects = work.render(&umbrella, Some(&prod_values));
    assert_eq!(objects["Deployment/rel-api"]["spec"]["replicas"], json!(3));
    assert_eq!(objects["Deployment/rel-worker-api"]["spec"]["replicas"], json!(3));
    assert_eq!(objects["RoleBinding/rel-access-edit"]["subjects"][0]["name"], json!("operators"));
    assert!(objects.get("RoleBinding/rel-access-view").is_none(), "only the umbrella grants access");
    assert!(objects.get("NetworkPolicy/rel-api").is_some() && objects.get("NetworkPolicy/rel-worker-api").is_some());

    // `helm dependency build` recomputes the lock's digest from Chart.yaml: in sync.
    let copy = work.path("copy");
    copy_tree(&umbrella, &copy);
    work.sdk
        .dependency_build(&copy, &DependencyOptions { skip_refresh: true, ..Default::default() })
        .expect("Chart.lock is in sync with Chart.yaml");
    let statuses = work.sdk.dependency_list(&copy).expect("dependency list");
    assert_eq!(statuses.len(), 2, "{statuses:?}");
    // A changed Chart.yaml makes the same lock stale, so the check above is a real one.
    let changed = fs::read_to_string(copy.join("Chart.yaml")).expect("read").replace("api.enabled", "other.enabled");
    fs::write(copy.join("Chart.yaml"), changed).expect("write");
    let error = work
        .sdk
        .dependency_build(&copy, &DependencyOptions { skip_refresh: true, ..Default::default() })
        .expect_err("a stale lock is refused");
    assert!(error.to_string().contains("out of sync"), "{error}");
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            fs::copy(&path, &target).expect("copy");
        }
    }
}

/// The error of composing an umbrella of `specs`.
fn umbrella_error(work: &Work, specs: &[SubchartSpec]) -> String {
    work.umbrella(specs).expect_err("must be refused").to_string()
}

#[test]
fn bad_subcharts_fail_naming_their_targets() {
    let work = Work::new();
    let api = work.composed("api-chart", "0.1.0", "api");
    let other_api = work.composed("other-chart", "0.1.0", "api");
    let twin = work.path("twin");
    copy_tree(&api, &twin);

    let error = umbrella_error(&work, &[subchart("//x:a", &api, "", ""), subchart("//x:b", &twin, "b", "")]);
    assert!(error.contains("two subcharts are named \"api-chart\": //x:a and //x:b"), "{error}");

    let error = umbrella_error(&work, &[subchart("//x:a", &api, "", "0.2.0")]);
    assert!(error.starts_with("//x:a ("), "{error}");
    assert!(error.contains("field `version`: pins 0.2.0 but the chart \"api-chart\" is version 0.1.0"), "{error}");

    let not_a_chart = work.path("not-a-chart");
    fs::create_dir_all(&not_a_chart).expect("dir");
    fs::write(not_a_chart.join("README.md"), "hello").expect("file");
    let error = umbrella_error(&work, &[subchart("//x:nothing", &not_a_chart, "", "")]);
    assert!(error.starts_with("//x:nothing (") && error.contains("field `path`: is not a Helm chart"), "{error}");

    let error = umbrella_error(&work, &[subchart("//x:a", &api, "Api", "")]);
    assert!(error.contains("field `alias`: \"Api\" is not a DNS-1123 label"), "{error}");
    let error = umbrella_error(&work, &[subchart("//x:a", &api, "", "1.0")]);
    assert!(error.contains("field `version`: \"1.0\" is not a SemVer 2 version"), "{error}");

    let error = umbrella_error(&work, &[subchart("//x:a", &api, "x", ""), subchart("//x:o", &other_api, "x", "")]);
    assert!(error.contains("subcharts //x:a and //x:o both take the values key \"x\""), "{error}");

    let error = umbrella_error(&work, &[subchart("//x:a", &api, "", ""), subchart("//x:o", &other_api, "", "")]);
    assert!(error.contains("app \"api\" is in subchart //x:a and in subchart //x:o"), "{error}");

    let error = umbrella_error(&work, &[subchart("//x:a", &api, "global", "")]);
    assert!(error.contains("would take the values key \"global\", which the umbrella chart uses itself"), "{error}");

    let platform = work.composed("platform", "0.1.0", "web-api");
    let error = umbrella_error(&work, &[subchart("//x:p", &platform, "", "")]);
    assert!(error.contains("subchart //x:p is named \"platform\" like the umbrella chart"), "{error}");
}
