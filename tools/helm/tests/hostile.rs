//! Proof that no user string becomes YAML structure or Helm template code, for every string
//! field of app and environment metadata and every chart setting, including fields added
//! later: the string fields are read from the metadata schema itself.
//!
//! For each field and each string of a hostile corpus (Go template code, YAML document and
//! block breaks, anchors, tags, YAML 1.1 booleans and numbers, control and Unicode line-break
//! characters, a byte order mark, very long strings), the string is put into a valid app,
//! composed, rendered with the real Helm (libhelm_c.so), and every rendered document is read
//! back with Helm's own YAML reader (the one Kubernetes uses). Each case must end one of two
//! ways: refused at compose time with an error naming the field, or accepted with the string
//! arriving exactly as given and no other object or field changing (the render is compared
//! with that of a benign value at the same place).
//!
//! A second test feeds randomly mutated metadata (a bounded number of cases; set
//! `HOSTILE_FUZZ_CASES` for a longer run) and requires no panic and, for every accepted
//! input, a chart that Helm lints and renders.

#[path = "support/paths.rs"]
mod paths;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use helm_composer::error::ComposeError;
use helm_composer::metadata_schema;
use helm_composer::model::{ChartRouting, ChartSpec, EnvironmentMetadata, GatewayMetadata, IngressMode, SubchartSpec};
use helm_composer::render::Renderer;
use helm_composer::{load_apps, output, plan, subchart};
use helm_sdk::{Chart, HelmSdk, LintOptions, RenderOptions};
use paths::{helm_library, package_dir};
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------------------
// Inputs

/// Strings an attacker (or an unlucky user) puts into a BUILD file.
fn hostile_strings() -> Vec<String> {
    let mut corpus: Vec<String> = [
        "{{ .Release.Name }}",
        "{{ lookup \"v1\" \"Secret\" \"default\" \"db\" }}",
        "{{- fail \"x\" -}}",
        "{{/* c */}}",
        "a\nprivileged: true\nrunAsUser: 0",
        "x\n---\napiVersion: v1\nkind: Secret",
        "\n  injected: true",
        "*anchor",
        "&anchor value",
        "!!binary aGk=",
        "!tag x",
        "yes",
        "no",
        "on",
        "off",
        "~",
        "null",
        "true",
        "1e3",
        "0x10",
        "0o17",
        "012",
        ".inf",
        "2001-12-14",
        "- item",
        "key: value",
        "# comment",
        "a #b",
        "\"double\"",
        "'single'",
        "back\\slash",
        "%TAG ! x",
        "@at",
        "`tick`",
        "|",
        ">-",
        "[a, b]",
        "{a: b}",
        "tab\there",
        "del\u{7f}",
        "nel\u{85}",
        "ls\u{2028}",
        "ps\u{2029}",
        "\u{feff}bom",
        "nonchar\u{fffe}",
        "c1\u{9b}",
        "crlf\r\n",
        "unicode é 日本 🚀",
        " leading space",
        "trailing space ",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    corpus.push("long-".repeat(20_000));
    corpus.push("x".repeat(2 * 1024 * 1024));
    corpus
}

/// Valid apps that together use every field of the schema; each is composed on its own.
fn base_apps(files: &Path) -> Vec<Value> {
    let config_file = files.join("settings.conf").display().to_string();
    vec![
        json!({
            "name": "web", "target": "//hostile:web_metadata", "app_type": "external-api",
            "image": {"repository": "ghcr.io/example/web", "tag": "1.0.0"},
            "port": 3000, "command": ["serve"], "args": ["--port", "3000"],
            "env": {"LOG_LEVEL": "info"}, "secret_env": {"DB_PASSWORD": "db-credentials/password"},
            "env_from_secrets": ["shared-secret"], "env_from_configmaps": ["shared-config"],
            "resources": {"cpu_request": "100m", "memory_request": "128Mi", "cpu_limit": "1", "memory_limit": "1Gi",
                          "ephemeral_storage_request": "64Mi", "ephemeral_storage_limit": "1Gi"},
            "health": {"liveness_path": "/live", "readiness_path": "/ready"},
            "protocol": "http", "service_port": 8080,
            "ingress": {"path": "/", "tls_secret": "web-tls",
                        "annotations": {"nginx.ingress.kubernetes.io/proxy-body-size": "8m"}},
            "metrics": {"port": 3000, "path": "/metrics", "interval": "30s"},
            "pdb": {"min_available": "1"},
            "network_policy": {"egress_cidrs": ["10.20.0.0/16:5432"]},
            "config": {"data": {"MODE": "fast"}, "files": {"settings.conf": config_file}, "mount_path": "/etc/web"},
            "keda": {"enabled": false, "triggers": [{"type": "rabbitmq", "name": "queue",
                     "metadata": {"queueName": "events", "hostFromEnv": "AMQP_URL"}, "authentication_ref": "amqp-auth"}]}
        }),
        json!({
            "name": "migrate", "target": "//hostile:migrate_metadata", "app_type": "job",
            "image": {"repository": "ghcr.io/example/migrate", "digest": format!("sha256:{}", "ab".repeat(32))},
            "command": ["alembic", "upgrade", "head"], "job": {"hook": "pre-install"}
        }),
        json!({
            "name": "report", "target": "//hostile:report_metadata", "app_type": "cronjob",
            "image": {"repository": "ghcr.io/example/report", "tag": "1.0.0"}, "cron": {"schedule": "0 3 * * *"}
        }),
        json!({
            "name": "worker", "target": "//hostile:worker_metadata", "app_type": "worker",
            "image": {"repository": "ghcr.io/example/worker", "tag": "1.0.0"},
            "health": {"port": 8081, "probe": "http", "liveness_path": "/live", "readiness_path": "/ready"},
            "pdb": {"max_unavailable": "1"}
        }),
        // Policy exceptions with their reasons, relaxed security, Secrets as files and a
        // stateful app's storage.
        json!({
            "name": "db", "target": "//hostile:db_metadata", "app_type": "stateful", "version": "16.4",
            "image": {"repository": "docker.io/library/postgres", "tag": "16.4"}, "port": 5432,
            "health": {"probe": "tcp"}, "sync_wave": -1,
            "storage": {"size": "8Gi", "mount_path": "/var/lib/postgresql/data", "class": "fast-ssd"},
            "secret_mounts": {"/etc/postgresql/tls": "db-tls"},
            "security": {"run_as_user": 999, "writable_paths": ["/var/run/postgresql"]},
            "policy_exceptions": {"read-only-root-filesystem": "writes its socket", "run-as-user": "image UID 999"}
        }),
        json!({
            "name": "caller", "target": "//hostile:caller_metadata", "app_type": "worker",
            "image": {"repository": "ghcr.io/example/caller", "tag": "1.0.0"},
            "health": {"probe": "exec", "command": ["check", "--live"]},
            "sibling_env": [{"env": "PEER_URL", "app": PEER, "form": "url"}],
            "cluster_env": {"POD_NAME": "pod-name", "CPU_LIMIT": "cpu-limit"}
        }),
        // An init container and a native sidecar with every string of their own.
        json!({
            "name": "proxied", "target": "//hostile:proxied_metadata", "app_type": "worker",
            "image": {"repository": "ghcr.io/example/proxied", "tag": "1.0.0"},
            "health": {"probe": "exec", "command": ["check"]},
            "init_containers": [{
                "name": "proxy", "sidecar": true,
                "image": {"repository": "ghcr.io/example/proxy", "tag": "2.0.0",
                          "digest": format!("sha256:{}", "cd".repeat(32))},
                "command": ["proxy"], "args": ["--port=5432"], "env": {"PROXY_MODE": "fast"},
                "secret_env": {"PROXY_TOKEN": "proxy-auth/token"},
                "resources": {"cpu_request": "100m", "memory_request": "128Mi", "cpu_limit": "1", "memory_limit": "1Gi",
                              "ephemeral_storage_request": "64Mi", "ephemeral_storage_limit": "1Gi"}
            }],
            "volumes": [{"name": "ca", "mount_path": "/etc/ca", "config_map": "company-ca",
                         "containers": ["proxied", "proxy"]}]
        }),
        // Volumes: each source first in its app's list (a slot of a list is its first item).
        json!({
            "name": "vol-claim", "target": "//hostile:vol_claim_metadata", "app_type": "worker",
            "image": {"repository": "ghcr.io/example/vol-claim", "tag": "1.0.0"},
            "health": {"probe": "exec", "command": ["check"]}, "replicas": 1,
            "volumes": [{"name": "disk", "mount_path": "/var/lib/disk", "persistent_volume_claim": {"size": "10Gi", "storage_class": "fast-ssd"}}]
        }),
        json!({
            "name": "vol-existing", "target": "//hostile:vol_existing_metadata", "app_type": "worker",
            "image": {"repository": "ghcr.io/example/vol-existing", "tag": "1.0.0"},
            "health": {"probe": "exec", "command": ["check"]}, "replicas": 1,
            "volumes": [{"name": "shared", "mount_path": "/srv", "persistent_volume_claim": {"existing_claim": "shared-claim", "access_mode": "ReadWriteMany"}}]
        }),
        json!({
            "name": "vol-secret", "target": "//hostile:vol_secret_metadata", "app_type": "worker",
            "image": {"repository": "ghcr.io/example/vol-secret", "tag": "1.0.0"},
            "health": {"probe": "exec", "command": ["check"]}, "replicas": 1,
            "volumes": [{"name": "keys", "mount_path": "/etc/keys", "secret": "api-keys"}]
        }),
        json!({
            "name": "vol-scratch", "target": "//hostile:vol_scratch_metadata", "app_type": "worker",
            "image": {"repository": "ghcr.io/example/vol-scratch", "tag": "1.0.0"},
            "health": {"probe": "exec", "command": ["check"]}, "replicas": 1,
            "volumes": [{"name": "scratch", "mount_path": "/scratch", "empty_dir": {"memory": true, "size_limit": "64Mi"}}]
        }),
        json!({
            "name": "vol-token", "target": "//hostile:vol_token_metadata", "app_type": "worker",
            "image": {"repository": "ghcr.io/example/vol-token", "tag": "1.0.0"},
            "health": {"probe": "exec", "command": ["check"]}, "replicas": 1,
            "volumes": [{"name": "token", "mount_path": "/var/run/vault", "service_account_token": {"audience": "vault"}}]
        }),
        json!({
            "name": "admin-api", "target": "//hostile:admin_api_metadata", "app_type": "internal-api",
            "image": {"repository": "ghcr.io/example/admin", "tag": "1.0.0"}, "port": 50051, "protocol": "grpc",
            "ingress": {"enabled": true},
            "ports": [{"name": "admin", "port": 8081, "app_protocol": "http"}],
            "service": {"type": "LoadBalancer", "reason": "gRPC clients outside the cluster"}
        }),
        json!({
            "name": "agent", "target": "//hostile:agent_metadata", "app_type": "daemon",
            "image": {"repository": "ghcr.io/example/agent", "tag": "1.0.0"},
            "health": {"command": ["agent", "health"]}, "daemon": {"max_unavailable": "10%"}
        }),
    ]
}

/// The app every sibling address of the base apps names: composed alongside an app that
/// has sibling_env, so the address resolves.
const PEER: &str = "peer-api";

fn peer_app() -> Value {
    json!({
        "name": PEER, "target": "//hostile:peer_api_metadata", "app_type": "internal-api",
        "image": {"repository": "ghcr.io/example/peer", "tag": "1.0.0"}, "port": 8080
    })
}

/// A valid environment of the first base app.
fn base_environment() -> Value {
    json!({
        "name": "prod", "target": "//hostile:prod", "replicas": {"web": 3}, "autoscaling": ["web"],
        "keda": [], "access": {"view": ["benign-group"]}, "network_policy": true,
        "app_resource_presets": {"web": "medium"}, "ingress_tls": true, "namespace": "prod", "cluster": "main",
        "disabled_apps": [], "image_tags": {"web": "1.0.1"},
        "env": {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel:4317"}, "ingress_domain": "prod.example.com"
    })
}

/// Chart settings given on the command line (`helm_chart` attributes): not in the metadata
/// schema, so listed here.
const SPEC_FIELDS: [&str; 14] = [
    "name",
    "version",
    "app_version",
    "description",
    "namespace",
    "environment",
    "ingress_host_pattern",
    "ingress_domain",
    "env",
    "env value",
    "ingress_class",
    "gateway.name",
    "gateway.namespace",
    "gateway.section_name",
];

fn spec() -> ChartSpec {
    ChartSpec {
        name: "hostile".into(),
        version: "1.0.0".into(),
        app_version: "1.0.0".into(),
        description: "Hostile input test".into(),
        namespace: "apps".into(),
        environment: "dev".into(),
        ingress_mode: IngressMode::Single,
        resource_preset: None,
        env: [("OTEL_EXPORTER_OTLP_ENDPOINT".to_string(), "http://otel:4317".to_string())].into_iter().collect(),
        ingress_host_pattern: "{app}.{domain}".into(),
        ingress_domain: "example.com".into(),
        kubernetes_versions: Vec::new(),
        // The default values route through a Gateway, so the routes render every case; the
        // Ingress class still reaches values.yaml.
        routing: ChartRouting {
            ingress_class: "public".into(),
            gateway: GatewayMetadata {
                name: "shared".into(),
                namespace: "gateway-system".into(),
                section_name: "https".into(),
            },
        },
        image_pull_secrets: Vec::new(),
        peer_charts: Vec::new(),
    }
}

fn set_spec_field(spec: &mut ChartSpec, field: &str, value: &str) {
    let slot = match field {
        "name" => &mut spec.name,
        "version" => &mut spec.version,
        "app_version" => &mut spec.app_version,
        "description" => &mut spec.description,
        "namespace" => &mut spec.namespace,
        "ingress_host_pattern" => &mut spec.ingress_host_pattern,
        "ingress_domain" => &mut spec.ingress_domain,
        "env" => {
            spec.env.insert(value.to_string(), "1".into());
            return;
        }
        "env value" => spec.env.entry("OTEL_EXPORTER_OTLP_ENDPOINT".into()).or_default(),
        "ingress_class" => &mut spec.routing.ingress_class,
        "gateway.name" => &mut spec.routing.gateway.name,
        "gateway.namespace" => &mut spec.routing.gateway.namespace,
        "gateway.section_name" => &mut spec.routing.gateway.section_name,
        _ => &mut spec.environment,
    };
    *slot = value.to_string();
}

// ---------------------------------------------------------------------------------------
// Where strings live, read from a JSON schema

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Field(String),
    /// Any entry of a map.
    Entry,
    /// Any item of a list.
    Item,
}

/// A place a string goes: a value at `path`, or a new key of the map at `path`.
#[derive(Clone, Debug)]
struct Slot {
    path: Vec<Step>,
    key: bool,
}

impl Slot {
    fn describe(&self) -> String {
        let mut text = String::new();
        for step in &self.path {
            match step {
                Step::Field(name) if text.is_empty() => text.push_str(name),
                Step::Field(name) => write!(text, ".{name}").unwrap_or_default(),
                Step::Entry => text.push_str("[*]"),
                Step::Item => text.push_str("[]"),
            }
        }
        if self.key {
            text.push_str(" (key)");
        }
        text
    }

    /// The top-level field, which a refusal must name.
    fn top_field(&self) -> &str {
        match self.path.first() {
            Some(Step::Field(name)) => name,
            _ => "",
        }
    }
}

fn string_slots(schema: &Value) -> Vec<Slot> {
    let defs = schema.get("$defs").cloned().unwrap_or(Value::Null);
    let mut slots = Vec::new();
    collect_slots(schema, &defs, &mut Vec::new(), &mut slots);
    slots
}

fn collect_slots(schema: &Value, defs: &Value, path: &mut Vec<Step>, slots: &mut Vec<Slot>) {
    let schema = resolve(schema, defs);
    if schema.get("enum").is_some() || schema.get("oneOf").is_some() {
        return; // a closed set of values, not a string a user writes freely
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.contains(&"string") {
        slots.push(Slot { path: path.clone(), key: false });
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            path.push(Step::Field(name.clone()));
            collect_slots(property, defs, path, slots);
            path.pop();
        }
    }
    if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        slots.push(Slot { path: path.clone(), key: true });
        path.push(Step::Entry);
        collect_slots(values, defs, path, slots);
        path.pop();
    }
    if let Some(items) = schema.get("items") {
        path.push(Step::Item);
        collect_slots(items, defs, path, slots);
        path.pop();
    }
}

/// Follows `$ref` and picks the non-null branch of `anyOf`.
fn resolve<'a>(schema: &'a Value, defs: &'a Value) -> &'a Value {
    if let Some(name) = schema.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()) {
        return resolve(&defs[name], defs);
    }
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        if let Some(branch) = branches.iter().find(|b| b.get("type") != Some(&json!("null"))) {
            return resolve(branch, defs);
        }
    }
    schema
}

/// Puts `text` into `root` at the slot (creating what is missing); `None` when the slot
/// cannot hold a string in this document (a list of objects that is empty).
fn inject(root: &Value, slot: &Slot, text: &str) -> Option<Value> {
    let mut document = root.clone();
    let mut node = &mut document;
    for (i, step) in slot.path.iter().enumerate() {
        let last = i + 1 == slot.path.len();
        node = match step {
            Step::Field(name) => {
                let object = node.as_object_mut()?;
                let empty =
                    if last && !slot.key { json!("") } else { container_for(slot.path.get(i + 1), slot.key && last) };
                object.entry(name.clone()).or_insert(empty)
            }
            Step::Entry => {
                let object = node.as_object_mut()?;
                if object.is_empty() {
                    object.insert(
                        "BENIGN7KEY".into(),
                        if last { json!("") } else { container_for(slot.path.get(i + 1), false) },
                    );
                }
                object.values_mut().next()?
            }
            Step::Item => {
                let list = node.as_array_mut()?;
                if list.is_empty() {
                    if !last {
                        return None;
                    }
                    list.push(json!(""));
                }
                list.first_mut()?
            }
        };
    }
    if slot.key {
        let object = node.as_object_mut()?;
        let value = object.values().next().cloned().unwrap_or(json!("value"));
        object.insert(text.to_string(), value);
    } else {
        *node = json!(text);
    }
    Some(document)
}

fn container_for(next: Option<&Step>, map: bool) -> Value {
    match next {
        Some(Step::Item) => json!([]),
        _ if map => json!({}),
        _ => json!({}),
    }
}

// ---------------------------------------------------------------------------------------
// Composing and rendering

/// The real Helm and the composer's templates, compiled once: the composer compiles them once
/// per run and renders every file of a chart with them, so sharing them across cases changes
/// nothing a case sees (compiling them for each of the thousands of cases was most of this
/// test's time). Not `Sync` (the renderer counts its time): each thread has its own
/// (`Harness::worker`).
struct Harness {
    sdk: HelmSdk,
    templates: PathBuf,
    renderer: Renderer,
    /// Shared by a harness and its workers: the base apps name a file in it.
    work: Arc<tempfile::TempDir>,
}

/// What a composed and rendered chart looks like: objects by `Kind/name`, read as
/// Kubernetes reads them, with lists of named things keyed by name (as Kubernetes merges).
type Objects = BTreeMap<String, Value>;

impl Harness {
    fn new() -> Harness {
        let library = helm_library();
        let sdk = HelmSdk::load(&library).expect("libhelm_c.so loads");
        let work = tempfile::tempdir().expect("temporary directory");
        fs::write(work.path().join("settings.conf"), "a = 1\n").expect("config file written");
        let templates = package_dir().join("templates");
        let renderer = Renderer::for_charts(&templates).expect("the templates compile");
        Harness { sdk, templates, renderer, work: Arc::new(work) }
    }

    /// A harness for another thread: the same library (loading it again is cheap and shares
    /// its Go runtime) and work directory, its own compiled templates.
    fn worker(&self) -> Harness {
        Harness {
            sdk: HelmSdk::load(self.sdk.library_path()).expect("libhelm_c.so loads"),
            templates: self.templates.clone(),
            renderer: Renderer::for_charts(&self.templates).expect("the templates compile"),
            work: Arc::clone(&self.work),
        }
    }

    /// What `compose_umbrella` does (metadata read and checked first, its error first), with
    /// the templates compiled once.
    fn compose_chart(
        &self,
        spec: &ChartSpec,
        metadata: &[PathBuf],
        environments: &[PathBuf],
        subcharts: &[subchart::Subchart],
    ) -> Result<plan::Chart, ComposeError> {
        plan::compose(spec, load_apps(metadata)?, environments, subcharts, &self.renderer)
    }

    /// Composes one app (and optionally one environment); `Err` is the composer's refusal.
    fn compose(&self, spec: &ChartSpec, app: &Value, environment: Option<&Value>) -> Result<PathBuf, ComposeError> {
        let inputs = self.inputs_dir();
        let dir = inputs.path();
        let metadata = dir.join("app.json");
        fs::write(&metadata, app.to_string()).expect("metadata written");
        let mut files = vec![metadata];
        if app.get("sibling_env").and_then(Value::as_array).is_some_and(|s| !s.is_empty()) {
            let peer = dir.join("peer.json");
            fs::write(&peer, peer_app().to_string()).expect("peer written");
            files.push(peer);
        }
        let mut environments = Vec::new();
        if let Some(environment) = environment {
            let file = dir.join("environment.json");
            fs::write(&file, environment.to_string()).expect("environment written");
            environments.push(file);
        }
        // A chart without an Ingress names no Gateway (the composer refuses a setting it
        // would ignore), so the base Gateway goes only with apps that have one.
        let routed = app.get("app_type") == Some(&json!("external-api"))
            || app.pointer("/ingress/enabled") == Some(&json!(true));
        let mut spec = spec.clone();
        if !routed {
            spec.routing.gateway = GatewayMetadata::default();
            spec.routing.ingress_class.clear();
        }
        let chart = self.compose_chart(&spec, &files, &environments, &[])?;
        self.write(&chart)
    }

    /// Composes an umbrella of one app and one subchart (`subchart` is a `--subchart` object).
    fn compose_umbrella(&self, app: &Value, subchart: &Value) -> Result<PathBuf, ComposeError> {
        let inputs = self.inputs_dir();
        let metadata = inputs.path().join("app.json");
        fs::write(&metadata, app.to_string()).expect("metadata written");
        let subchart_spec: SubchartSpec = serde_json::from_value(subchart.clone()).expect("a subchart object");
        let subcharts = [subchart::load(&self.sdk, &subchart_spec)?];
        let chart = self.compose_chart(&spec(), &[metadata], &[], &subcharts)?;
        self.write(&chart)
    }

    /// A directory for one case's input files, deleted once composed: the corpus' 2 MiB
    /// string in each of the ~90 fields would leave hundreds of megabytes behind.
    fn inputs_dir(&self) -> tempfile::TempDir {
        tempfile::tempdir_in(self.work.path()).expect("case directory")
    }

    /// Writes a composed chart into a directory of its own, kept until the end of the test.
    fn write(&self, chart: &plan::Chart) -> Result<PathBuf, ComposeError> {
        let out = tempfile::tempdir_in(self.work.path()).expect("chart directory").keep().join("chart");
        output::write_chart(chart, &out)?;
        Ok(out)
    }

    /// Renders with the real Helm (with the chart's values-<env>.yaml when given).
    fn render(&self, chart: &Path, environment: Option<&str>) -> Result<Objects, String> {
        let values = match environment {
            Some(name) => {
                let file = chart.join(format!("values-{name}.yaml"));
                let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
                Some(self.sdk.values_from_yaml(&text).map_err(|e| e.to_string())?)
            }
            None => None,
        };
        let options = RenderOptions {
            name: Some("rel".into()),
            namespace: Some("ns".into()),
            is_install: true,
            ..Default::default()
        };
        let loaded = Chart::load(&self.sdk, chart).map_err(|e| e.to_string())?;
        let manifests = loaded.render(values.as_ref(), &options).map_err(|e| e.to_string())?;
        let mut objects = Objects::new();
        for (template, text) in manifests {
            if template.ends_with("NOTES.txt") {
                continue;
            }
            for document in text.split("\n---") {
                if document.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
                    continue;
                }
                let object = self.sdk.values_from_yaml(document).map_err(|e| format!("{template}: {e}"))?;
                let id = format!(
                    "{}/{}",
                    object["kind"].as_str().unwrap_or("?"),
                    object["metadata"]["name"].as_str().unwrap_or("?")
                );
                objects.insert(id, normalise(object));
            }
        }
        Ok(objects)
    }

    fn lint(&self, chart: &Path) -> Result<(), String> {
        let options = LintOptions { strict: true, ..Default::default() };
        let report = self.sdk.lint(chart, None, &options).map_err(|e| e.to_string())?;
        if report.has_errors() {
            return Err(format!("{report:?}"));
        }
        Ok(())
    }
}

/// Lists whose items are all objects with a `name` become maps by name; checksum
/// annotations (hashes of other content) are dropped.
fn normalise(value: Value) -> Value {
    match value {
        Value::Array(items)
            if !items.is_empty() && items.iter().all(|i| i.get("name").is_some_and(Value::is_string)) =>
        {
            let mut map = Map::new();
            for item in items {
                let name = item["name"].as_str().unwrap_or_default().to_string();
                map.insert(name, normalise(item));
            }
            Value::Object(map)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(normalise).collect()),
        Value::Object(object) => Value::Object(
            object.into_iter().filter(|(k, _)| !k.starts_with("checksum/")).map(|(k, v)| (k, normalise(v))).collect(),
        ),
        other => other,
    }
}

/// `value` with every occurrence of `from` in its strings and keys replaced by `to`.
fn substitute(value: &Value, from: &str, to: &str) -> Value {
    match value {
        Value::String(s) => Value::String(s.replace(from, to)),
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, from, to)).collect()),
        Value::Object(object) => {
            Value::Object(object.iter().map(|(k, v)| (k.replace(from, to), substitute(v, from, to))).collect())
        }
        other => other.clone(),
    }
}

// ---------------------------------------------------------------------------------------
// The proof

/// Distinctive valid values tried as the benign baseline of a slot, before the base app's own.
/// Distinctive, so that replacing them in a render touches nothing else.
const BENIGN: [&str; 8] = [
    "benign7value",
    "BENIGN7VALUE",
    "/benign7",
    "benign7.example.com",
    "benign7/key",
    "benign7-value",
    "98765m",
    "98765",
];

#[derive(Default)]
struct Tally {
    cases: usize,
    refused: usize,
    arrived: usize,
    failures: Vec<String>,
}

impl Tally {
    /// Both tallies, `later`'s failures after this one's.
    fn add(mut self, later: Tally) -> Tally {
        self.cases += later.cases;
        self.refused += later.refused;
        self.arrived += later.arrived;
        self.failures.extend(later.failures);
        self
    }
}

/// Composes one case for a value: `None` when the value has no place in the document.
type ComposeCase<'a> = dyn Fn(&str) -> Option<Result<PathBuf, ComposeError>> + 'a;

/// One field: finds a document and benign value that compose and render, then checks every
/// hostile string against it.
struct Field<'a> {
    harness: &'a Harness,
    describe: String,
    top_field: String,
    /// Composes the case for a value (the document with the value in place, or the spec).
    compose: Box<ComposeCase<'a>>,
    /// The environment whose values file is rendered too.
    environment: Environment,
    /// The value the document already holds there: the last benign value tried.
    existing: Option<&'a str>,
}

enum Environment {
    None,
    Named(&'static str),
    /// The value under test is the environment's name.
    FromValue,
}

impl Environment {
    fn name<'t>(&self, text: &'t str) -> Option<&'t str> {
        match self {
            Environment::None => None,
            Environment::Named(name) => Some(name),
            Environment::FromValue => Some(text),
        }
    }
}

impl Field<'_> {
    fn check(&self, corpus: &[String]) -> Tally {
        let mut tally = Tally::default();
        let baseline = BENIGN.iter().copied().chain(self.existing).find_map(|benign| {
            let chart = (self.compose)(benign)?.ok()?;
            let objects = self.harness.render(&chart, self.environment.name(benign)).ok()?;
            Some((benign, objects))
        });
        for text in corpus {
            tally.cases += 1;
            let Some(result) = (self.compose)(text) else { continue };
            match result {
                Err(error) => self.refused(text, &error.to_string(), &mut tally),
                Ok(chart) => self.accepted(text, &chart, baseline.as_ref(), &mut tally),
            }
        }
        tally
    }

    fn refused(&self, text: &str, error: &str, tally: &mut Tally) {
        tally.refused += 1;
        if !error.contains(&self.top_field) || error.contains("would be written into the chart as it is") {
            tally.failures.push(format!(
                "{}: {} refused without naming the field: {error}",
                self.describe,
                short(text)
            ));
        }
    }

    fn accepted(&self, text: &str, chart: &Path, baseline: Option<&(&str, Objects)>, tally: &mut Tally) {
        let rendered = match self.harness.render(chart, self.environment.name(text)) {
            Ok(objects) => objects,
            Err(error) => {
                return tally.failures.push(format!(
                    "{}: {} composed but does not render: {error}",
                    self.describe,
                    short(text)
                ))
            }
        };
        if text.is_empty() {
            // An empty string means "unset" (the default applies): it only has to render.
            tally.arrived += 1;
            return;
        }
        let Some((benign, expected)) = baseline else {
            return tally.failures.push(format!("{}: {} accepted, but no benign value is", self.describe, short(text)));
        };
        let expected: Objects =
            expected.iter().map(|(k, v)| (k.replace(benign, text), normalise(substitute(v, benign, text)))).collect();
        if rendered == expected {
            tally.arrived += 1;
        } else {
            tally.failures.push(format!(
                "{}: {} changed more than its own value: {}",
                self.describe,
                short(text),
                first_difference(&expected, &rendered)
            ));
        }
    }
}

fn short(text: &str) -> String {
    let shown: String = text.chars().take(40).collect();
    if shown.len() < text.len() {
        format!("{shown:?}... ({} bytes)", text.len())
    } else {
        format!("{shown:?}")
    }
}

fn first_difference(expected: &Objects, actual: &Objects) -> String {
    for (id, value) in expected {
        match actual.get(id) {
            None => return format!("{id} is missing"),
            Some(other) if other != value => {
                let (e, a) = (value.to_string(), other.to_string());
                let at = e.chars().zip(a.chars()).take_while(|(x, y)| x == y).count();
                let window = |s: &str| s.chars().skip(at.saturating_sub(60)).take(160).collect::<String>();
                return format!("{id} differs:\n  expected ...{}\n  actual   ...{}", window(&e), window(&a));
            }
            Some(_) => {}
        }
    }
    let extra: Vec<&String> = actual.keys().filter(|k| !expected.contains_key(*k)).collect();
    format!("unexpected objects {extra:?}")
}

/// The value the base document already holds at a slot, used as a last benign resort.
fn existing_value<'a>(document: &'a Value, slot: &Slot) -> Option<&'a str> {
    let mut node = document;
    for step in &slot.path {
        node = match step {
            Step::Field(name) => node.get(name)?,
            Step::Entry => node.as_object()?.values().next()?,
            Step::Item => node.as_array()?.first()?,
        };
    }
    if slot.key {
        node.as_object()?.keys().next().map(String::as_str)
    } else {
        node.as_str()
    }
}

/// Where a string field lives, and so how a case of it is composed.
enum Place {
    App(Slot),
    Environment(Slot),
    /// A chart setting (`SPEC_FIELDS`).
    Chart(&'static str),
    Subchart(Slot),
}

/// The valid documents the cases start from.
struct Documents {
    apps: Vec<Value>,
    environment: Value,
    /// A `--subchart` object naming a chart composed of the fourth app.
    subchart: Value,
}

impl Place {
    /// The field, composing with `harness`. An app slot goes into the first base app where it
    /// composes with a benign value (else the first); an environment slot into the first
    /// app's environment; a subchart slot into an umbrella of the first app.
    fn field<'a>(&'a self, harness: &'a Harness, documents: &'a Documents) -> Field<'a> {
        let Documents { apps, environment, subchart } = documents;
        match self {
            Place::App(slot) => {
                let base = base_app(harness, apps, slot);
                Field {
                    harness,
                    describe: format!("app {}", slot.describe()),
                    top_field: slot.top_field().to_string(),
                    compose: Box::new(move |text: &str| {
                        inject(base, slot, text).map(|app| harness.compose(&spec(), &app, None))
                    }),
                    environment: Environment::None,
                    existing: existing_value(base, slot),
                }
            }
            Place::Environment(slot) => Field {
                harness,
                describe: format!("environment {}", slot.describe()),
                top_field: slot.top_field().to_string(),
                compose: Box::new(move |text: &str| {
                    inject(environment, slot, text).map(|env| harness.compose(&spec(), &apps[0], Some(&env)))
                }),
                // Its values file is rendered too (named by the value when that is the slot).
                environment: if slot.path == [Step::Field("name".into())] && !slot.key {
                    Environment::FromValue
                } else {
                    Environment::Named("prod")
                },
                existing: existing_value(environment, slot),
            },
            Place::Chart(name) => Field {
                harness,
                describe: format!("chart {name}"),
                top_field: name.to_string(),
                compose: Box::new(move |text: &str| {
                    let mut spec = spec();
                    set_spec_field(&mut spec, name, text);
                    Some(harness.compose(&spec, &apps[0], None))
                }),
                environment: Environment::None,
                existing: None,
            },
            Place::Subchart(slot) => Field {
                harness,
                describe: format!("subchart {}", slot.describe()),
                top_field: slot.top_field().to_string(),
                compose: Box::new(move |text: &str| {
                    inject(subchart, slot, text).map(|sub| harness.compose_umbrella(&apps[0], &sub))
                }),
                environment: Environment::None,
                existing: existing_value(subchart, slot),
            },
        }
    }
}

/// The first base app where the slot composes with a benign value; else the first.
fn base_app<'a>(harness: &Harness, apps: &'a [Value], slot: &Slot) -> &'a Value {
    let composes =
        |app: &Value, value: &str| inject(app, slot, value).is_some_and(|a| harness.compose(&spec(), &a, None).is_ok());
    apps.iter()
        .find(|app| BENIGN.iter().copied().chain(existing_value(app, slot)).any(|value| composes(app, value)))
        .unwrap_or(&apps[0])
}

/// Most threads checking fields at once.
const MAX_CHECK_THREADS: usize = 4;

/// Checks every field against the corpus on a few threads, each with its own harness, taking
/// the next field when done with one (fields differ in cost). The tallies are added in the
/// fields' order, so the figures and the list of failures read as from one thread.
fn check_fields(harness: &Harness, places: &[Place], documents: &Documents, corpus: &[String]) -> Tally {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_CHECK_THREADS);
    let next = AtomicUsize::new(0);
    let work = |worker: Harness| {
        let mut tallies = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(place) = places.get(index) else { return tallies };
            tallies.push((index, place.field(&worker, documents).check(corpus)));
        }
    };
    let workers: Vec<Harness> = (0..threads).map(|_| harness.worker()).collect();
    let mut tallies: Vec<(usize, Tally)> = std::thread::scope(|scope| {
        let work = &work;
        let running: Vec<_> = workers.into_iter().map(|worker| scope.spawn(move || work(worker))).collect();
        running
            .into_iter()
            .flat_map(|thread| thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    tallies.sort_by_key(|(index, _)| *index);
    tallies.into_iter().map(|(_, tally)| tally).fold(Tally::default(), Tally::add)
}

#[test]
fn every_string_field_refuses_or_carries_hostile_strings_literally() {
    let harness = Harness::new();
    let corpus = hostile_strings();
    let apps = base_apps(harness.work.path());

    let app_slots = string_slots(&metadata_schema::json_schema());
    assert!(app_slots.len() > 40, "the schema walk finds the string fields: {}", app_slots.len());
    let mut places: Vec<Place> = app_slots.into_iter().map(Place::App).collect();

    let environment_schema = serde_json::to_value(schemars::schema_for!(EnvironmentMetadata)).expect("schema");
    places.extend(string_slots(&environment_schema).into_iter().map(Place::Environment));

    places.extend(SPEC_FIELDS.into_iter().map(Place::Chart));

    // Every field of a subchart (the `--subchart` object of an umbrella), read from its schema:
    // an umbrella of the first app and a chart of the last.
    let mut sub_spec = spec();
    sub_spec.name = "hostile-sub".into();
    // A chart of a worker has no Ingress to route.
    sub_spec.routing = ChartRouting::default();
    let sub_dir = harness.compose(&sub_spec, &apps[3], None).expect("the subchart composes");
    let subchart = json!({
        "target": "//hostile:sub", "path": sub_dir.display().to_string(), "alias": "sub", "version": "1.0.0"
    });
    let subchart_schema = serde_json::to_value(schemars::schema_for!(SubchartSpec)).expect("schema");
    let subchart_slots = string_slots(&subchart_schema);
    assert_eq!(subchart_slots.len(), 4, "target, path, alias, version");
    places.extend(subchart_slots.into_iter().map(Place::Subchart));

    let documents = Documents { apps, environment: base_environment(), subchart };
    let tally = check_fields(&harness, &places, &documents, &corpus);
    println!(
        "hostile strings: {} fields x {} strings = {} cases: {} refused naming the field, {} arrived literally",
        places.len(),
        corpus.len(),
        tally.cases,
        tally.refused,
        tally.arrived
    );
    assert!(tally.arrived > 0 && tally.refused > 0, "both outcomes occur");
    assert!(
        tally.failures.is_empty(),
        "{} of {} cases failed:\n{}",
        tally.failures.len(),
        tally.cases,
        tally.failures.join("\n")
    );
}

#[test]
fn free_text_reaches_the_pod_exactly() {
    // The fields whose whole point is free text must accept every hostile string below the
    // size limit (refusing them would be a safe but useless composer), but for the characters
    // Helm 3 cannot read back from values (DEL, C1 controls): those are refused, naming the
    // field, as no chart holding them installs with Helm 3.
    let harness = Harness::new();
    let apps = base_apps(harness.work.path());
    let slot = Slot { path: vec![Step::Field("env".into()), Step::Entry], key: false };
    let mut refused = 0;
    for text in hostile_strings().iter().filter(|t| t.len() < 1024 * 1024) {
        let app = inject(&apps[0], &slot, text).expect("env slot");
        let composed = harness.compose(&spec(), &app, None);
        if helm_composer::checks::helm3_readable(text).is_err() {
            let error = composed.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(
                error.contains("field `env.LOG_LEVEL`: contains the control character"),
                "{}: {error}",
                short(text)
            );
            refused += 1;
            continue;
        }
        let chart = composed.unwrap_or_else(|e| panic!("env value {} refused: {e}", short(text)));
        let objects = harness.render(&chart, None).expect("renders");
        let value = &objects["Deployment/rel-web"]["spec"]["template"]["spec"]["containers"]["web"]["env"]["LOG_LEVEL"]
            ["value"];
        assert_eq!(value, &json!(text), "env value {}", short(text));
    }
    // DEL and the C1 control character of the corpus; NEL is one Helm 3 reads.
    assert_eq!(refused, 2, "the corpus's DEL and U+009B are refused, nothing else");
}

/// A small deterministic generator (xorshift), so a failing case can be replayed by seed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Random edits of a valid document, mostly keeping each value's type (so that many
/// mutants stay valid and reach Helm), sometimes changing it or removing the field.
fn mutate(document: &mut Value, random: &mut Random, corpus: &[String]) {
    let mut node = document;
    loop {
        let keys: Vec<String> = match node {
            Value::Object(object) if !object.is_empty() => object.keys().cloned().collect(),
            Value::Array(items) if !items.is_empty() => (0..items.len()).map(|i| i.to_string()).collect(),
            _ => break,
        };
        let key = keys[random.below(keys.len())].clone();
        let descend = match &*node {
            Value::Array(items) => items.get(key.parse::<usize>().unwrap_or(0)).is_some_and(|c| c.is_object()),
            other => other[&key].is_object() || (other[&key].is_array() && random.below(2) == 0),
        };
        if !descend && random.below(10) == 0 {
            if let Some(object) = node.as_object_mut() {
                object.remove(&key);
                return;
            }
        }
        let child = match node {
            Value::Array(items) => &mut items[key.parse::<usize>().unwrap_or(0)],
            other => &mut other[&key],
        };
        if descend {
            node = child;
            continue;
        }
        *child = mutated_leaf(child, random, corpus);
        return;
    }
}

fn mutated_leaf(leaf: &Value, random: &mut Random, corpus: &[String]) -> Value {
    let text = |random: &mut Random| corpus[random.below(corpus.len())].clone();
    match (leaf, random.below(5)) {
        (_, 0) => [json!(null), json!(true), json!(-1), json!(1.5), json!([]), json!({})][random.below(6)].clone(),
        (Value::String(old), 1) => json!(format!("{old}{}", text(random))),
        (Value::String(_), _) => json!(text(random)),
        (Value::Number(_), _) => json!([0, 1, 2, 3, 60, 443, 65535, 65536, 2_147_483_647, -5][random.below(10)]),
        (Value::Bool(b), _) => json!(!b),
        (Value::Array(items), _) => {
            let mut items = items.clone();
            items.push(json!(text(random)));
            Value::Array(items)
        }
        _ => json!(text(random)),
    }
}

#[test]
fn random_metadata_never_panics_and_what_composes_lints_and_renders() {
    let cases: usize = std::env::var("HOSTILE_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let harness = Harness::new();
    let corpus: Vec<String> = hostile_strings().into_iter().filter(|s| s.len() < 4096).collect();
    let apps = base_apps(harness.work.path());
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let (mut accepted, mut failures) = (0, Vec::new());
    for case in 0..cases {
        let mut app = apps[random.below(apps.len())].clone();
        for _ in 0..=random.below(3) {
            mutate(&mut app, &mut random, &corpus);
        }
        let Ok(chart) = harness.compose(&spec(), &app, None) else { continue };
        accepted += 1;
        if let Err(error) = harness.lint(&chart).and_then(|()| harness.render(&chart, None).map(drop)) {
            failures.push(format!("case {case}: {app}\n  {error}"));
        }
    }
    println!("random metadata: {cases} cases, {accepted} accepted, {} failed", failures.len());
    assert!(accepted > 0, "some mutated documents stay valid");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------
// The examples the security review found, each as its own regression test.

fn render_one(harness: &Harness, app: &Value, environment: Option<&Value>) -> Result<Objects, String> {
    let chart = harness.compose(&spec(), app, environment).map_err(|e| e.to_string())?;
    harness.render(&chart, environment.and_then(|e| e["name"].as_str()))
}

#[test]
fn a_mount_path_with_template_code_arrives_as_written() {
    let harness = Harness::new();
    let mut app = base_apps(harness.work.path())[0].clone();
    app["config"]["mount_path"] = json!("/etc/{{ .Release.Name }}");
    match render_one(&harness, &app, None) {
        Err(error) => assert!(error.contains("config.mount_path"), "{error}"),
        Ok(objects) => {
            let mounts =
                &objects["Deployment/rel-web"]["spec"]["template"]["spec"]["containers"]["web"]["volumeMounts"];
            assert_eq!(mounts["config"]["mountPath"], json!("/etc/{{ .Release.Name }}"));
        }
    }
}

#[test]
fn large_numbers_render_as_integers() {
    let harness = Harness::new();
    let mut app = base_apps(harness.work.path())[0].clone();
    app["keda"]["enabled"] = json!(true);
    app["keda"]["cooldown_period"] = json!(2_592_000);
    app["keda"]["max_replicas"] = json!(1_000_000);
    let objects = render_one(&harness, &app, None).expect("renders");
    let spec = &objects["ScaledObject/rel-web"]["spec"];
    assert_eq!((&spec["cooldownPeriod"], &spec["maxReplicaCount"]), (&json!(2_592_000), &json!(1_000_000)));
    app["replicas"] = json!(2_147_483_648u64);
    let error = render_one(&harness, &app, None).expect_err("above int32");
    assert!(error.contains("replicas") && error.contains("2147483647"), "{error}");
}

#[test]
fn config_map_keys_that_yaml_1_1_reads_as_other_things_stay_strings() {
    let harness = Harness::new();
    let mut app = base_apps(harness.work.path())[0].clone();
    app["config"]["data"] = json!({"yes": "1", "on": "2", "0x10": "3", "1e3": "4"});
    let objects = render_one(&harness, &app, None).expect("renders");
    let data = objects["ConfigMap/rel-web"]["data"].as_object().expect("data");
    for key in ["yes", "on", "0x10", "1e3", "settings.conf"] {
        assert!(data.contains_key(key), "{key} kept: {data:?}");
    }
    assert_eq!(data.len(), 5, "no key lost or added: {data:?}");
}

#[test]
fn a_cluster_name_cannot_add_values() {
    let harness = Harness::new();
    let app = base_apps(harness.work.path())[0].clone();
    let mut environment = base_environment();
    environment["cluster"] = json!("main\naccess:\n  admin: [system:authenticated]");
    let error = render_one(&harness, &app, Some(&environment)).expect_err("refused");
    assert!(error.contains("cluster"), "{error}");
    environment["cluster"] = json!("yes");
    render_one(&harness, &app, Some(&environment)).expect("a cluster named yes is a name, not a boolean");
}

#[test]
fn a_target_with_a_line_break_changes_nothing() {
    let harness = Harness::new();
    let app = base_apps(harness.work.path())[0].clone();
    let baseline = render_one(&harness, &app, None).expect("renders");
    let mut hostile = app.clone();
    hostile["target"] =
        json!("//x:y\n  web:\n    image:\n      repository: evil\n    securityContext: {privileged: true}");
    assert_eq!(render_one(&harness, &hostile, None).expect("renders"), baseline);
}
