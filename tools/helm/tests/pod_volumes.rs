//! Volumes and sidecars as the real Helm (libhelm_c.so from `HELM_C_LIBRARY`) renders them,
//! with values a user overrides: the config checksum rolls the pods exactly when the app's
//! own ConfigMap changes (computed in the template over the rendered ConfigMap, so it follows
//! overrides), and values.schema.json holds an app with a ReadWriteOnce claim at one pod.

#[path = "support/paths.rs"]
mod paths;

use std::collections::BTreeMap;
use std::fs;

use helm_composer::model::{ChartSpec, IngressMode};
use helm_composer::{compose_files, output};
use helm_sdk::{Chart, HelmError, HelmSdk, RenderOptions};
use paths::{helm_library, package_dir};
use serde_json::{json, Value};

fn spec() -> ChartSpec {
    ChartSpec {
        name: "files".into(),
        version: "1.0.0".into(),
        app_version: "1.0.0".into(),
        description: "Volumes".into(),
        namespace: String::new(),
        environment: "dev".into(),
        ingress_mode: IngressMode::Single,
        resource_preset: None,
        env: BTreeMap::new(),
        ingress_host_pattern: String::new(),
        ingress_domain: String::new(),
        kubernetes_versions: Vec::new(),
        image_pull_secrets: Vec::new(),
        routing: Default::default(),
        peer_charts: Vec::new(),
    }
}

/// A worker with its own ConfigMap (mounted), a sidecar and a ReadWriteOnce claim.
fn worker() -> Value {
    json!({
        "name": "indexer", "target": "//x:indexer_metadata", "app_type": "worker",
        "image": {"repository": "ghcr.io/x/indexer", "tag": "1.0"},
        "health": {"probe": "exec", "command": ["check"]},
        "config": {"data": {"MODE": "fast"}, "mount_path": "/etc/indexer"},
        "init_containers": [{"name": "agent", "sidecar": true, "image": {"repository": "ghcr.io/x/agent", "tag": "2"}}],
        "volumes": [
            {"name": "index", "mount_path": "/var/lib/index", "persistent_volume_claim": {"size": "5Gi"}},
            {"name": "logs", "mount_path": "/var/log/indexer", "empty_dir": {"size_limit": "1Gi"}, "containers": ["indexer", "agent"]}
        ]
    })
}

struct Rendered {
    sdk: HelmSdk,
    chart: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Rendered {
    fn compose() -> Rendered {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("indexer.json");
        fs::write(&file, worker().to_string()).expect("metadata written");
        let chart = compose_files(&spec(), &[file], &[], &package_dir().join("templates")).expect("composes");
        let out = dir.path().join("chart");
        output::write_chart(&chart, &out).expect("written");
        Rendered { sdk: HelmSdk::load(&helm_library()).expect("libhelm_c.so loads"), chart: out, _dir: dir }
    }

    /// The Deployment rendered with `values` over the chart's, or Helm's refusal.
    fn deployment(&self, values: Value) -> Result<Value, HelmError> {
        let options = RenderOptions { name: Some("rel".into()), is_install: true, ..Default::default() };
        let manifests = Chart::load(&self.sdk, &self.chart)?.render(Some(&values), &options)?;
        let text = manifests.iter().find(|(name, _)| name.ends_with("indexer-deployment.yaml")).expect("rendered").1;
        Ok(self.sdk.values_from_yaml(text).expect("a YAML document"))
    }
}

fn checksum(deployment: &Value) -> &str {
    deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"].as_str().expect("a checksum")
}

#[test]
fn the_config_checksum_follows_overrides_of_the_config_and_nothing_else() {
    let chart = Rendered::compose();
    let base = chart.deployment(json!({})).expect("renders");
    let config =
        chart.deployment(json!({"apps": {"indexer": {"config": {"data": {"MODE": "slow"}}}}})).expect("renders");
    let image = chart.deployment(json!({"apps": {"indexer": {"image": {"tag": "1.1"}}}})).expect("renders");
    assert_ne!(checksum(&base), checksum(&config), "a changed ConfigMap rolls the pods");
    assert_eq!(checksum(&base), checksum(&image), "an unrelated value keeps the checksum");
    assert_eq!(base["spec"]["strategy"], json!({"type": "Recreate"}), "a ReadWriteOnce claim is never surged");
    let agent = &base["spec"]["template"]["spec"]["initContainers"][0];
    assert_eq!(agent["volumeMounts"][1], json!({"name": "logs", "mountPath": "/var/log/indexer"}));
}

#[test]
fn values_hold_a_read_write_once_app_at_one_pod_and_volumes_closed() {
    let chart = Rendered::compose();
    let error = chart.deployment(json!({"apps": {"indexer": {"replicas": 2}}})).expect_err("refused").to_string();
    assert!(error.contains("replicas") && error.contains("maximum"), "{error}");
    let host_path = json!({"apps": {"indexer": {"volumes": [{"name": "root", "mountPath": "/host", "containers": ["indexer"], "readOnly": false, "hostPath": {"path": "/"}}]}}});
    let error = chart.deployment(host_path).expect_err("refused").to_string();
    assert!(error.contains("hostPath"), "{error}");
}
