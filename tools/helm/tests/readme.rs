//! Every chart's README.md documents every value: the values table comes from the values
//! schema (path, type, description) and values.yaml (default), and a value the schema does
//! not describe fails here. Checked on a chart of every sample app (every app type and
//! feature: ingress, metrics, KEDA, config, jobs, cron) with an environment.

#[path = "support/paths.rs"]
mod paths;

use std::fs;
use std::path::Path;

use helm_composer::compose_files;
use helm_composer::model::{ChartSpec, IngressMode};
use helm_composer::plan::readme;
use paths::package_dir;
use serde_json::Value;

/// The sample apps of testdata/apps (with `{testdata}` resolved) and one environment.
fn sample_chart(dir: &Path) -> helm_composer::plan::Chart {
    let testdata = package_dir().join("testdata");
    let mut metadata = Vec::new();
    for entry in fs::read_dir(testdata.join("apps")).expect("testdata/apps") {
        let path = entry.expect("entry").path();
        let text = fs::read_to_string(&path).expect("metadata").replace("{testdata}", &testdata.display().to_string());
        let file = dir.join(path.file_name().expect("name"));
        fs::write(&file, text).expect("written");
        metadata.push(file);
    }
    let environment = dir.join("prod.json");
    fs::write(&environment, r#"{"name": "prod", "cluster": "main", "namespace": "prod", "network_policy": true}"#)
        .expect("written");
    let spec = ChartSpec {
        name: "sample".into(),
        version: "1.2.3".into(),
        app_version: "2.3.1".into(),
        description: "Sample | chart with *markdown* <b>and</b> a\nline break".into(),
        namespace: "sample".into(),
        environment: "dev".into(),
        ingress_mode: IngressMode::PerApp,
        resource_preset: None,
        env: Default::default(),
        ingress_host_pattern: String::new(),
        ingress_domain: String::new(),
        kubernetes_versions: Vec::new(),
        routing: Default::default(),
        peer_charts: Vec::new(),
        image_pull_secrets: Vec::new(),
    };
    compose_files(&spec, &metadata, &[environment], &package_dir().join("templates")).expect("the sample composes")
}

#[test]
fn every_value_of_every_app_type_is_documented() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = sample_chart(dir.path());
    let schema: Value = serde_json::from_str(&chart.files[Path::new("values.schema.json")]).expect("schema");
    let defaults: Value = serde_yaml_ng::from_str(&chart.files[Path::new("values.yaml")]).expect("values");
    let rows = readme::value_rows(&schema, &defaults);
    assert!(rows.len() > 100, "{} rows", rows.len());
    assert_eq!(readme::undocumented(&rows), Vec::<&str>::new(), "values without a description in values.schema.json");
    // Every value values.yaml sets has a row (the schema is closed, so Helm lint would fail
    // on a key it lacks; this keeps the table complete too).
    let readme_text = &chart.files[Path::new("README.md")];
    for path in leaf_paths(&defaults, "") {
        assert!(
            rows.iter().any(|row| path == row.path || path.starts_with(&format!("{}.", row.path))),
            "{path} is in values.yaml but not in the README's table"
        );
    }
    assert!(readme_text.contains("| `apps.statusApi.replicas` | integer | `3` | Number of pods. |"), "{readme_text}");
    assert!(readme_text.contains("| web | external-api | `apps.web` |"), "{readme_text}");
    // The description is user text: inert Markdown on one line.
    assert!(readme_text.contains("Sample \\| chart with \\*markdown\\* \\<b\\>and\\</b\\> a\\u{000a}line break"));
    assert!(readme_text.contains("| `access.view` | list of string | `[]` |"), "{readme_text}");
    assert!(readme_text.contains("`values-prod.yaml`"), "{readme_text}");
}

/// Dotted paths of the leaves of `value` (maps and lists count as leaves when empty).
fn leaf_paths(value: &Value, prefix: &str) -> Vec<String> {
    match value.as_object() {
        Some(object) if !object.is_empty() => object
            .iter()
            .flat_map(|(key, child)| {
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                leaf_paths(child, &path)
            })
            .collect(),
        _ => vec![prefix.to_string()],
    }
}
