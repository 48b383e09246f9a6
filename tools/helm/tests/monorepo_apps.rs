//! What real monorepo apps need, rendered by the real Helm (libhelm_c.so from
//! `HELM_C_LIBRARY`): sibling addresses that follow the release name and namespace, gRPC and
//! tcp ports with their names, appProtocol and probes, exec probes, cluster-provided and
//! chart-wide env (per environment, an app's own winning), and Ingress hosts from the
//! chart's pattern with a domain per environment, for an internal API that opts in too.

#[path = "support/paths.rs"]
mod paths;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use helm_composer::model::{ChartSpec, IngressMode};
use helm_composer::{compose_files, output};
use helm_sdk::{Chart, HelmSdk, LintOptions, RenderOptions};
use paths::{helm_library, package_dir};
use serde_json::{json, Value};

fn spec() -> ChartSpec {
    ChartSpec {
        name: "shop".into(),
        version: "1.0.0".into(),
        app_version: "1.0.0".into(),
        description: "Monorepo apps".into(),
        namespace: String::new(),
        environment: "dev".into(),
        ingress_mode: IngressMode::Single,
        resource_preset: None,
        env: [("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4317"), ("LOG_LEVEL", "info")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ingress_host_pattern: "{app}.{domain}".into(),
        ingress_domain: "dev.example.com".into(),
        kubernetes_versions: Vec::new(),
        routing: Default::default(),
        peer_charts: Vec::new(),
        image_pull_secrets: Vec::new(),
    }
}

fn apps() -> Vec<Value> {
    vec![
        json!({
            "name": "orders-api", "target": "//shop:orders_api_metadata", "app_type": "internal-api",
            "image": {"repository": "ghcr.io/shop/orders", "tag": "1.0.0"}, "port": 50051, "protocol": "grpc"
        }),
        json!({
            "name": "web", "target": "//shop:web_metadata", "app_type": "external-api",
            "image": {"repository": "ghcr.io/shop/web", "tag": "1.0.0"}, "port": 8000,
            "health": {"liveness_path": "/health", "readiness_path": "/health"},
            "ingress": {"path": "/"}, "env": {"LOG_LEVEL": "debug"},
            "sibling_env": [{"env": "ORDERS_ADDR", "app": "orders-api", "form": "host-port"}]
        }),
        json!({
            "name": "admin-api", "target": "//shop:admin_api_metadata", "app_type": "internal-api",
            "image": {"repository": "ghcr.io/shop/admin", "tag": "1.0.0"}, "port": 9000, "service_port": 8080,
            "ingress": {"enabled": true, "path": "/"}
        }),
        json!({
            "name": "worker", "target": "//shop:worker_metadata", "app_type": "worker",
            "image": {"repository": "ghcr.io/shop/worker", "tag": "1.0.0"},
            "health": {"command": ["worker", "health-check"]},
            "sibling_env": [
                {"env": "WEB_URL", "app": "web"},
                {"env": "ADMIN_URL", "app": "admin-api", "form": "url"},
                {"env": "ORDERS_HOST", "app": "orders-api", "form": "host"}
            ],
            "cluster_env": {"POD_NAME": "pod-name", "POD_NAMESPACE": "pod-namespace", "NODE_NAME": "node-name",
                            "POD_IP": "pod-ip", "CPU_LIMIT": "cpu-limit", "MEMORY_LIMIT": "memory-limit",
                            "RELEASE": "release-name", "CHART": "chart-name"}
        }),
    ]
}

struct Rendered {
    sdk: HelmSdk,
    chart: PathBuf,
    _dir: tempfile::TempDir,
}

impl Rendered {
    fn compose() -> Rendered {
        let dir = tempfile::tempdir().expect("tempdir");
        let files: Vec<PathBuf> = apps()
            .iter()
            .map(|app| {
                let file = dir.path().join(format!("{}.json", app["name"].as_str().unwrap_or("app")));
                fs::write(&file, app.to_string()).expect("metadata written");
                file
            })
            .collect();
        let prod = dir.path().join("prod.json");
        let prod_json = json!({"name": "prod", "ingress_domain": "example.com",
                               "env": {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel.prod:4317"}});
        fs::write(&prod, prod_json.to_string()).expect("environment written");
        let chart = compose_files(&spec(), &files, &[prod], &package_dir().join("templates")).expect("composes");
        let out = dir.path().join("chart");
        output::write_chart(&chart, &out).expect("written");
        Rendered { sdk: HelmSdk::load(&helm_library()).expect("libhelm_c.so loads"), chart: out, _dir: dir }
    }

    /// Objects by `Kind/name`, rendered as release `release` in `namespace`.
    fn render(&self, release: &str, namespace: &str, environment: Option<&str>) -> BTreeMap<String, Value> {
        let values = environment.map(|name| {
            let text = fs::read_to_string(self.chart.join(format!("values-{name}.yaml"))).expect("values file");
            self.sdk.values_from_yaml(&text).expect("values parse")
        });
        let options = RenderOptions {
            name: Some(release.into()),
            namespace: Some(namespace.into()),
            is_install: true,
            ..Default::default()
        };
        let manifests =
            Chart::load(&self.sdk, &self.chart).expect("loads").render(values.as_ref(), &options).expect("renders");
        let mut objects = BTreeMap::new();
        for (template, text) in manifests {
            if template.ends_with("NOTES.txt") {
                continue;
            }
            for document in text.split("\n---") {
                let value = self.sdk.values_from_yaml(document).expect("a YAML document");
                if let Some(kind) = value.get("kind").and_then(Value::as_str) {
                    let name = value["metadata"]["name"].as_str().unwrap_or_default().to_string();
                    objects.insert(format!("{kind}/{name}"), value);
                }
            }
        }
        objects
    }
}

fn container<'a>(objects: &'a BTreeMap<String, Value>, deployment: &str) -> &'a Value {
    let object = objects.get(&format!("Deployment/{deployment}")).unwrap_or_else(|| panic!("{deployment} rendered"));
    &object["spec"]["template"]["spec"]["containers"][0]
}

/// name -> value, or name -> valueFrom, of a container's env.
fn env(container: &Value) -> BTreeMap<String, Value> {
    container["env"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let name = e["name"].as_str().unwrap_or_default().to_string();
            (name, e.get("value").cloned().unwrap_or_else(|| e["valueFrom"].clone()))
        })
        .collect()
}

#[test]
fn the_chart_lints_strictly() {
    let rendered = Rendered::compose();
    let report =
        rendered.sdk.lint(&rendered.chart, None, &LintOptions { strict: true, ..Default::default() }).expect("lints");
    assert!(!report.has_errors(), "{report:?}");
}

#[test]
fn sibling_addresses_follow_the_release_name_and_namespace() {
    let rendered = Rendered::compose();
    for (release, namespace) in [("shop", "default"), ("canary-7", "team-b")] {
        let objects = rendered.render(release, namespace, None);
        let worker = env(container(&objects, &format!("{release}-worker")));
        assert_eq!(worker["WEB_URL"], json!(format!("http://{release}-web.{namespace}.svc:80")));
        assert_eq!(worker["ADMIN_URL"], json!(format!("http://{release}-admin-api.{namespace}.svc:8080")));
        assert_eq!(worker["ORDERS_HOST"], json!(format!("{release}-orders-api.{namespace}.svc")));
        let web = env(container(&objects, &format!("{release}-web")));
        assert_eq!(web["ORDERS_ADDR"], json!(format!("{release}-orders-api.{namespace}.svc:50051")));
        // Each address names a rendered Service with that port.
        let service = &objects[&format!("Service/{release}-orders-api")];
        assert_eq!(service["spec"]["ports"][0]["port"], json!(50051));
    }
}

#[test]
fn grpc_ports_are_named_by_protocol_with_app_protocol_and_grpc_probes() {
    let objects = Rendered::compose().render("shop", "default", None);
    let port = &objects["Service/shop-orders-api"]["spec"]["ports"][0];
    assert_eq!(
        (&port["name"], &port["targetPort"], &port["appProtocol"]),
        (&json!("grpc"), &json!("grpc"), &json!("grpc"))
    );
    let orders = container(&objects, "shop-orders-api");
    assert_eq!(orders["ports"][0]["name"], json!("grpc"));
    assert_eq!(orders["livenessProbe"]["grpc"]["port"], json!(50051));
    assert_eq!(orders["readinessProbe"]["grpc"]["port"], json!(50051));
    let web = &objects["Service/shop-web"]["spec"]["ports"][0];
    assert_eq!((&web["name"], &web["port"], &web["appProtocol"]), (&json!("http"), &json!(80), &json!("http")));
}

#[test]
fn one_health_path_and_exec_probes_render_distinct_probes() {
    let objects = Rendered::compose().render("shop", "default", None);
    let web = container(&objects, "shop-web");
    assert_eq!(web["livenessProbe"]["httpGet"]["path"], json!("/health"));
    assert_eq!(web["readinessProbe"]["httpGet"]["path"], json!("/health"));
    assert_ne!(web["livenessProbe"], web["readinessProbe"], "the timings differ");
    let worker = container(&objects, "shop-worker");
    assert_eq!(worker["livenessProbe"]["exec"]["command"], json!(["worker", "health-check"]));
    assert_eq!(worker["readinessProbe"]["exec"]["command"], json!(["worker", "health-check"]));
    assert!(worker.get("ports").is_none());
}

#[test]
fn cluster_and_chart_wide_env_reach_every_app_with_the_apps_own_winning() {
    let rendered = Rendered::compose();
    let objects = rendered.render("rel", "ns", None);
    let worker = env(container(&objects, "rel-worker"));
    assert_eq!(worker["POD_NAME"], json!({"fieldRef": {"fieldPath": "metadata.name"}}));
    assert_eq!(worker["POD_NAMESPACE"], json!({"fieldRef": {"fieldPath": "metadata.namespace"}}));
    assert_eq!(worker["NODE_NAME"], json!({"fieldRef": {"fieldPath": "spec.nodeName"}}));
    assert_eq!(worker["POD_IP"], json!({"fieldRef": {"fieldPath": "status.podIP"}}));
    assert_eq!(
        worker["CPU_LIMIT"],
        json!({"resourceFieldRef": {"containerName": "worker", "resource": "limits.cpu", "divisor": "1m"}})
    );
    assert_eq!(worker["MEMORY_LIMIT"]["resourceFieldRef"]["resource"], json!("limits.memory"));
    assert_eq!((&worker["RELEASE"], &worker["CHART"]), (&json!("rel"), &json!("shop")));
    assert_eq!(worker["OTEL_EXPORTER_OTLP_ENDPOINT"], json!("http://otel:4317"));
    assert_eq!(worker["LOG_LEVEL"], json!("info"));
    let web = env(container(&objects, "rel-web"));
    assert_eq!(web["LOG_LEVEL"], json!("debug"), "the app's own env wins");
    let names: Vec<&str> = container(&objects, "rel-web")["env"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert_eq!(names.iter().filter(|n| **n == "LOG_LEVEL").count(), 1, "set once: {names:?}");
    let prod = rendered.render("rel", "ns", Some("prod"));
    let worker = env(container(&prod, "rel-worker"));
    assert_eq!(worker["OTEL_EXPORTER_OTLP_ENDPOINT"], json!("http://otel.prod:4317"));
    assert_eq!(worker["LOG_LEVEL"], json!("info"));
}

#[test]
fn hosts_come_from_the_pattern_with_each_environments_domain() {
    let rendered = Rendered::compose();
    let hosts = |objects: &BTreeMap<String, Value>| -> Vec<String> {
        objects["Ingress/rel-ingress"]["spec"]["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["host"].as_str().map(String::from))
            .collect()
    };
    assert_eq!(hosts(&rendered.render("rel", "ns", None)), ["admin-api.dev.example.com", "web.dev.example.com"]);
    let prod = rendered.render("rel", "ns", Some("prod"));
    assert_eq!(hosts(&prod), ["admin-api.example.com", "web.example.com"]);
    let rules = prod["Ingress/rel-ingress"]["spec"]["rules"].as_array().cloned().unwrap_or_default();
    let backend = &rules[0]["http"]["paths"][0]["backend"]["service"];
    assert_eq!(backend, &json!({"name": "rel-admin-api", "port": {"name": "http"}}));
}

#[test]
fn an_internal_api_with_an_ingress_admits_the_ingress_controller() {
    let rendered = Rendered::compose();
    let text = fs::read_to_string(rendered.chart.join("templates/admin-api-networkpolicy.yaml")).expect("policy");
    assert!(text.contains("ingressControllerNamespace"), "{text}");
    let text = fs::read_to_string(rendered.chart.join("templates/orders-api-networkpolicy.yaml")).expect("policy");
    assert!(!text.contains("ingressControllerNamespace"), "no Ingress, no controller: {text}");
}

#[test]
fn composing_checks_what_is_only_known_with_every_app() {
    let dir = tempfile::tempdir().expect("tempdir");
    let compose = |apps: &[Value], spec: &ChartSpec| {
        let files: Vec<PathBuf> = apps
            .iter()
            .enumerate()
            .map(|(i, app)| {
                let file = dir.path().join(format!("{i}.json"));
                fs::write(&file, app.to_string()).expect("written");
                file
            })
            .collect();
        compose_files(spec, &files, &[], &package_dir().join("templates")).expect_err("refused").to_string()
    };
    let mut all = apps();
    all[3]["sibling_env"] = json!([{"env": "X", "app": "payments-api"}]);
    let error = compose(&all, &spec());
    assert!(
        error.contains(
            "worker (//shop:worker_metadata): sibling_env.X.app: \"payments-api\" is not an app of this chart"
        ),
        "{error}"
    );
    all[3]["sibling_env"] = json!([{"env": "X", "app": "orders-api"}]);
    let error = compose(&all, &spec());
    assert!(error.contains("speaks grpc, not http") && error.contains("\"form\": \"host-port\""), "{error}");
    let mut no_pattern = spec();
    no_pattern.ingress_host_pattern = String::new();
    no_pattern.ingress_domain = String::new();
    let error = compose(&apps(), &no_pattern);
    assert!(error.contains("admin-api (//shop:admin_api_metadata): ingress.host: is required"), "{error}");
    let mut bad = spec();
    bad.ingress_host_pattern = "{app}.{{ .Values.x }}".into();
    assert!(compose(&apps(), &bad).contains("chart ingress_host_pattern"));
    assert!(!Path::new(&dir.path().join("chart")).exists());
}
