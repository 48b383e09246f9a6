//! values.schema.json: the type of every value in values.yaml (JSON Schema draft-07, which
//! Helm enforces on lint, template, install and upgrade). A wrong override fails with the
//! value's path in the message, before anything reaches a cluster.
//!
//! Helm lint checks values.yaml against this schema, so the two cannot drift: every object
//! here is closed (`additionalProperties: false`), and a key values.yaml has but the schema
//! lacks, or the reverse for a required one, fails every chart's `.validate`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::subcharts::{self, Dependency};
use crate::app::App;
use crate::model::{ChartSpec, IngressMode, ProbeKind};

const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";
/// Kubernetes stores counts, replica numbers and probe timings as int32; a larger override
/// would pass Helm and fail at the API server.
const INT32_MAX: i64 = 2_147_483_647;
/// A DNS-1123 subdomain: the name of a Secret, a ConfigMap or a PriorityClass.
/// A DNS-1123 label (container and volume names).
const DNS_LABEL: &str = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
const DNS_SUBDOMAIN: &str = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
/// What the Prometheus operator's CRD accepts as a duration.
const PROMETHEUS_DURATION: &str =
    "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$";

/// The schema of a chart's values.
pub fn values_schema(
    spec: &ChartSpec,
    apps: &[App],
    has_ingress: bool,
    has_metrics: bool,
    dependencies: &[Dependency],
) -> Value {
    let mut properties = Map::new();
    let mut required = vec![
        json!("access"),
        json!("apps"),
        json!("env"),
        json!("imagePullSecrets"),
        json!("networkPolicy"),
        json!("scheduling"),
    ];
    properties.insert("scheduling".into(), scheduling_schema(true));
    required.extend([json!("podAnnotations"), json!("podLabels")]);
    properties.insert("podAnnotations".into(), reference("podAnnotations", "Annotations of every app's pods."));
    properties.insert("podLabels".into(), reference("podLabels", "Labels of every app's pods."));
    properties.insert(
        "imagePullSecrets".into(),
        reference(
            "pullSecrets",
            "Secrets (names) with the credentials of private image registries, used by every app's pods.",
        ),
    );
    properties.insert(
        "env".into(),
        reference("env", "Environment variables of every app, NAME: value; an app's own env of the same name wins."),
    );
    // Any composed chart may become a subchart, and Helm then gives it `global` and the
    // `enabled` its umbrella switches it with: a closed schema has to allow both.
    properties.insert(
        "global".into(),
        json!({"description": "Values Helm shares with every chart of the release (an umbrella chart and its subcharts).", "type": "object"}),
    );
    properties.insert(
        "enabled".into(),
        json!({"description": "Whether an umbrella chart that has this chart as a subchart installs it.", "type": "boolean"}),
    );
    for dependency in dependencies {
        properties.insert(dependency.key.clone(), subcharts::values_schema(dependency));
        required.push(json!(dependency.key));
    }
    if !dependencies.is_empty() {
        required.push(json!("global"));
    }
    let groups = |role: &str| {
        json!({
            "description": format!("Groups bound to the built-in ClusterRole {role} in the release namespace."),
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "uniqueItems": true
        })
    };
    properties.insert(
        "access".into(),
        json!({
            "description": "Groups bound to the built-in ClusterRoles view, edit and admin in the release namespace.",
            "type": "object",
            "additionalProperties": false,
            "required": ["view", "edit", "admin"],
            "properties": {"view": groups("view"), "edit": groups("edit"), "admin": groups("admin")}
        }),
    );
    if has_metrics {
        properties.insert(
            "monitoring".into(),
            json!({
                "description": "Prometheus operator: ServiceMonitors, and the namespace Prometheus scrapes from.",
                "type": "object",
                "additionalProperties": false,
                "required": ["serviceMonitors", "prometheusNamespace"],
                "properties": {
                    "serviceMonitors": {"description": "Whether apps with metrics get a ServiceMonitor (needs the Prometheus operator's CRDs).", "type": "boolean"},
                    "prometheusNamespace": {"description": "Namespace of Prometheus, which NetworkPolicies admit to the metrics ports.", "type": "string", "minLength": 1}
                }
            }),
        );
        required.push(json!("monitoring"));
    }
    properties.insert(
        "networkPolicy".into(),
        json!({
            "description": "NetworkPolicies: when enabled, every pod denies all traffic but DNS and what its app allows.",
            "type": "object",
            "additionalProperties": false,
            "required": ["enabled", "ingressControllerNamespace"],
            "properties": {
                "enabled": {"description": "Whether every pod gets a NetworkPolicy.", "type": "boolean"},
                "ingressControllerNamespace": {"description": "Namespace of the ingress controller, admitted to external APIs.", "type": "string", "minLength": 1}
            }
        }),
    );
    if has_ingress {
        properties.insert("ingress".into(), chart_ingress(spec.ingress_mode));
        required.push(json!("ingress"));
    }
    properties.insert(
        "clusterMapping".into(),
        json!({
            "description": "Logical environments by the physical cluster they share.",
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": false,
                "required": ["cluster", "isolation", "environments"],
                "properties": {
                    "cluster": {"type": "string", "minLength": 1},
                    "isolation": {"type": "string", "enum": ["namespace"]},
                    "environments": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "additionalProperties": false,
                            "required": ["namespace"],
                            "properties": {"namespace": {"type": "string"}}
                        }
                    }
                }
            }
        }),
    );
    // The same for every app, and it lists every app with a Service: one shared definition,
    // as a copy in every app would grow the schema with the square of the apps (a 1,000-app
    // chart's went past the 5 MiB Helm loads).
    let sibling_env_definition = sibling_env_schema(apps);
    let sibling_env_description = sibling_env_definition["description"].as_str().unwrap_or_default();
    let sibling_env = reference("siblingEnv", sibling_env_description);
    let app_schemas: Vec<(&str, Value)> =
        apps.iter().map(|a| (a.values_key.as_str(), app(a, &sibling_env, spec.ingress_mode))).collect();
    let (app_schemas, shared_app_definitions) = share_alike_apps(app_schemas);
    let app_keys: Vec<Value> = apps.iter().map(|a| json!(a.values_key)).collect();
    properties.insert(
        "apps".into(),
        closed_object("Per-app settings, keyed by the app name in lowerCamelCase.", app_schemas, app_keys),
    );
    // Built from its parts, as `closed_object` is: `json!` would copy them whole.
    object([
        ("$schema", json!(DRAFT_07)),
        ("title", json!(format!("Values of the {} chart", spec.name))),
        ("type", json!("object")),
        ("additionalProperties", json!(false)),
        ("required", Value::Array(required)),
        ("properties", Value::Object(properties)),
        ("definitions", definitions_with(sibling_env_definition, shared_app_definitions)),
    ])
}

/// The shared definitions plus the chart's own: `siblingEnv` and those of alike apps.
fn definitions_with(sibling_env: Value, apps: Map<String, Value>) -> Value {
    let mut all = definitions();
    all["siblingEnv"] = sibling_env;
    if let Value::Object(definitions) = &mut all {
        definitions.extend(apps);
    }
    all
}

/// Apps whose values schemas are the same but for their description (`<name> (<type>).`)
/// share one definition, `app-<values key of the first of them>`, which each refers to: a
/// chart of many alike apps would otherwise repeat some 5 KB per app, and Helm loads no file
/// over 5 MiB. An app unlike every other keeps its schema in place. Returns the apps' schemas
/// by values key and the shared definitions.
fn share_alike_apps(app_schemas: Vec<(&str, Value)>) -> (Map<String, Value>, Map<String, Value>) {
    // The schema without its description, as text, -> the first app with it and how many.
    let mut shapes: BTreeMap<String, (&str, usize)> = BTreeMap::new();
    let split: Vec<(&str, Option<Value>, String, Value)> = app_schemas
        .into_iter()
        .map(|(key, mut schema)| {
            let description = schema.as_object_mut().and_then(|o| o.remove("description"));
            let shape = schema.to_string();
            shapes.entry(shape.clone()).or_insert((key, 0)).1 += 1;
            (key, description, shape, schema)
        })
        .collect();
    let mut definitions = Map::new();
    let mut schemas = Map::new();
    for (key, description, shape, schema) in split {
        let (first, count) = shapes.get(&shape).copied().unwrap_or((key, 1));
        let mut schema = if count == 1 {
            schema
        } else {
            let name = format!("app-{first}");
            if first == key {
                definitions.insert(name.clone(), schema);
            }
            json!({"$ref": format!("#/definitions/{name}")})
        };
        if let (Some(description), Some(fields)) = (description, schema.as_object_mut()) {
            fields.insert("description".into(), description);
        }
        schemas.insert(key.to_string(), schema);
    }
    (schemas, definitions)
}

/// An object of `fields`, in their order. `json!` takes any value it nests by reference and
/// copies it, which made building the schema of a large chart copy every app's part three
/// times; this moves them.
fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Object(fields.into_iter().map(|(key, value)| (key.to_string(), value)).collect())
}

fn closed_object(description: &str, properties: Map<String, Value>, required: Vec<Value>) -> Value {
    object([
        ("description", json!(description)),
        ("type", json!("object")),
        ("additionalProperties", json!(false)),
        ("required", Value::Array(required)),
        ("properties", Value::Object(properties)),
    ])
}

/// A closed object whose every property is required.
fn fully_required(description: &str, properties: Value) -> Value {
    let properties = match properties {
        Value::Object(properties) => properties,
        _ => Map::new(),
    };
    let required = properties.keys().map(|k| json!(k)).collect();
    closed_object(description, properties, required)
}

fn reference(definition: &str, description: &str) -> Value {
    json!({"description": description, "$ref": format!("#/definitions/{definition}")})
}

/// What `cluster_env` may name (the pod template maps each to its source).
const CLUSTER_FIELDS: [&str; 10] = [
    "pod-name",
    "pod-namespace",
    "pod-ip",
    "node-name",
    "cpu-request",
    "cpu-limit",
    "memory-request",
    "memory-limit",
    "release-name",
    "chart-name",
];

/// Addresses of other apps: each names an app of the chart that has a Service.
fn sibling_env_schema(apps: &[App]) -> Value {
    let served: Vec<&str> = apps.iter().filter(|a| a.port.is_some()).map(|a| a.name.as_str()).collect();
    let keys: Vec<&str> = apps.iter().filter(|a| a.port.is_some()).map(|a| a.values_key.as_str()).collect();
    if served.is_empty() {
        return json!({
            "description": "Environment variables holding other apps' addresses; no app of this chart has a Service to address.",
            "type": "object",
            "additionalProperties": false
        });
    }
    json!({
        "description": "Environment variables holding other apps' addresses, NAME: {app, valuesKey, form}.",
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "additionalProperties": false,
            "required": ["app", "valuesKey", "form"],
            "properties": {
                "app": {"description": "The addressed app.", "type": "string", "enum": served},
                "valuesKey": {"description": "Its key under apps.", "type": "string", "enum": keys},
                "form": {"description": "host, host-port or url.", "type": "string", "enum": ["host", "host-port", "url"]}
            }
        }
    })
}

/// The schema of one app's values; `sibling_env` refers to the chart's `sibling_env_schema`.
fn app(app: &App, sibling_env: &Value, mode: IngressMode) -> Value {
    let mut properties = Map::new();
    let mut add = |key: &str, schema: Value| {
        properties.insert(key.to_string(), schema);
    };
    add(
        "enabled",
        json!({"description": "Whether the app is installed; false leaves out every object of it.", "type": "boolean"}),
    );
    add(
        "version",
        json!({"description": "Version label (app.kubernetes.io/version) of the app's objects; empty: the chart's appVersion.", "type": "string", "maxLength": 63}),
    );
    add("image", reference("image", "Container image; a digest, when set, is used instead of the tag."));
    add(
        "imagePullSecrets",
        reference("pullSecrets", "Secrets (names) the image is pulled with, besides the chart's imagePullSecrets."),
    );
    if app.daemon.is_some() {
        add(
            "maxUnavailable",
            json!({"description": "Nodes whose pod the DaemonSet's rolling update replaces at once, a number or a percentage.", "$ref": "#/definitions/intOrPercent"}),
        );
    } else if app.app_type.is_long_running() {
        add(
            "replicas",
            // A volume attaching to one node (ReadWriteOnce) holds the app at one pod.
            json!({"description": "Number of pods.", "type": "integer", "minimum": 0, "maximum": if app.single_node_volume { 1 } else { INT32_MAX }}),
        );
        add("pdb", reference("pdb", "PodDisruptionBudget, rendered only when it can be satisfied."));
    }
    if app.autoscaling.is_some() {
        add(
            "autoscaling",
            reference("autoscaling", "HorizontalPodAutoscaler; while enabled, the Deployment sets no replicas."),
        );
    }
    add("command", reference("stringList", "Entrypoint; empty keeps the image's own."));
    add("args", reference("stringList", "Arguments of the entrypoint."));
    add("env", reference("env", "Environment variables, NAME: value."));
    add("secretEnv", reference("secretEnv", "Environment variables from Secrets."));
    add("siblingEnv", sibling_env.clone());
    add(
        "clusterEnv",
        json!({
            "description": "Environment variables the cluster or Helm provides, NAME: field.",
            "type": "object",
            "additionalProperties": {"type": "string", "enum": CLUSTER_FIELDS}
        }),
    );
    add("envFrom", reference("envFrom", "Secrets and ConfigMaps whose every key becomes an environment variable."));
    add("resources", reference("resources", "CPU, memory and ephemeral storage requests and limits."));
    add("serviceAccount", reference("serviceAccount", "The app's own ServiceAccount."));
    add("podSecurityContext", reference("podSecurityContext", "Pod security context."));
    add("securityContext", reference("securityContext", "Container security context."));
    if app.keda.is_some() {
        add(
            "keda",
            reference(
                "keda",
                "KEDA ScaledObject; never with autoscaling; while enabled, the Deployment sets no replicas.",
            ),
        );
    }
    if let Some(metrics) = &app.metrics {
        let mut schema = json!({
            "description": "Prometheus metrics endpoint, scraped through a ServiceMonitor.",
            "type": "object",
            "additionalProperties": false,
            "required": ["enabled", "path", "interval"],
            "properties": {
                "enabled": {"description": "Whether the app's ServiceMonitor is rendered.", "type": "boolean"},
                "path": {"description": "Path of the metrics endpoint.", "type": "string", "pattern": "^/"},
                "interval": {"description": "Scrape interval, a Prometheus duration such as 30s.", "type": "string", "pattern": PROMETHEUS_DURATION}
            }
        });
        if metrics.own_port {
            schema["properties"]["port"] =
                json!({"description": "Port serving the metrics.", "$ref": "#/definitions/port"});
            schema["required"] = json!(["enabled", "port", "path", "interval"]);
        }
        add("metrics", schema);
    }
    add("scheduling", scheduling_schema(false));
    add("podAnnotations", reference("podAnnotations", "Annotations of the app's pods, over the chart's."));
    add("podLabels", reference("podLabels", "Labels of the app's pods, over the chart's."));
    add(
        "terminationGracePeriodSeconds",
        json!({"description": "Seconds between SIGTERM and SIGKILL when a pod stops.", "type": "integer", "minimum": 0, "maximum": INT32_MAX}),
    );
    // One row in the README (`allOf`, which it does not follow), as values.yaml holds it.
    add(
        "preStop",
        json!({"description": "Hook run before SIGTERM: a sleep or a command; {}: none.", "type": "object", "allOf": [{"$ref": "#/definitions/preStop"}]}),
    );
    if app.port.is_some() {
        add("containerPort", reference("port", "Port the container listens on."));
        add("service", crate::app::service_values_schema(&app.service));
        if !app.ports.is_empty() {
            add("ports", crate::app::ports_values_schema());
        }
    }
    if let Some(probes) = &app.probes {
        match probes.kind {
            ProbeKind::Http => add("probes", reference("httpProbes", "HTTP health checks.")),
            ProbeKind::Grpc | ProbeKind::Tcp => add("probes", reference("portProbes", "gRPC or TCP health checks.")),
            ProbeKind::Exec => {
                add("probes", reference("execProbes", "Health checks running a command in the container."))
            }
        }
    }
    if app.ingress.is_some() {
        add("ingress", app_ingress(mode));
    }
    if app.job.is_some() {
        add("job", reference("job", "Job settings."));
    }
    if let Some(config) = &app.config {
        add("config", config_schema(!config.mount_path.is_empty()));
    }
    let policy = &app.network_policy;
    if !(policy.egress_cidrs.is_empty()
        && policy.egress_selectors.is_empty()
        && policy.ingress_selectors.is_empty()
        && policy.egress_to_peer_apps.is_empty())
    {
        add("networkPolicy", egress_schema());
    }
    if app.cron.is_some() {
        add("cronJob", reference("cronJob", "Schedule of the CronJob."));
    }
    if !app.security.writable_paths.is_empty() {
        add(
            "writablePaths",
            reference("writablePaths", "Writable directories (an emptyDir each) on the read-only root filesystem."),
        );
    }
    if !app.secret_mounts.is_empty() {
        add("secretMounts", reference("secretMounts", "Secrets mounted read-only as files."));
    }
    if !app.policy_exceptions.is_empty() {
        let reasons: Map<String, Value> = app
            .policy_exceptions
            .iter()
            .map(|e| {
                let schema = json!({"description": format!("Why the app is excused from {}.", e.name), "type": "string", "minLength": 1});
                (e.values_key.to_string(), schema)
            })
            .collect();
        add(
            "policyExceptions",
            fully_required("Hardening defaults the app is excused from, each with its reason.", Value::Object(reasons)),
        );
    }
    if app.storage.is_some() {
        add(
            "storage",
            reference("storage", "Volume of each pod (a PersistentVolumeClaim from the volume claim template)."),
        );
    }
    if !app.init_containers.is_empty() {
        add("initContainers", init_containers_schema());
    }
    if !app.volumes.is_empty() {
        add("volumes", volumes_schema());
    }
    fully_required(&format!("{} ({}).", app.name, app.app_type), Value::Object(properties))
}

/// Volumes besides the chart's own: each closed, with exactly one source.
fn volumes_schema() -> Value {
    let name = json!({"type": "string", "maxLength": 253, "pattern": DNS_SUBDOMAIN});
    let quantity = json!({"type": "string", "pattern": "^[+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$"});
    json!({
        "description": "Volumes besides the chart's own, each mounted into the containers it names.",
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": false,
            "required": ["name", "mountPath", "containers", "readOnly"],
            "minProperties": 5,
            "maxProperties": 5,
            "properties": {
                "name": {"description": "Volume name, unique in the pod.", "type": "string", "maxLength": 63, "pattern": DNS_LABEL},
                "mountPath": {"description": "Absolute directory it is mounted at.", "type": "string", "pattern": "^/[^:]*[^/:]$"},
                "containers": {"description": "Containers mounting it.", "type": "array", "minItems": 1, "uniqueItems": true, "items": {"type": "string", "pattern": DNS_LABEL}},
                "readOnly": {"description": "Mounted read-only.", "type": "boolean"},
                "claim": {
                    "description": "A PersistentVolumeClaim: an existing one, or one the chart creates (existingClaim empty).",
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["existingClaim", "size", "storageClass", "accessMode"],
                    "properties": {
                        "existingClaim": {"description": "Name of an existing claim; empty: the chart's.", "type": "string"},
                        "size": {"description": "Size of the chart's claim.", "type": "string"},
                        "storageClass": {"description": "StorageClass of the chart's claim; empty: the cluster's default.", "type": "string"},
                        "accessMode": {"description": "Access mode of the claim.", "type": "string", "enum": ["ReadWriteOnce", "ReadWriteOncePod", "ReadOnlyMany", "ReadWriteMany"]}
                    }
                },
                "configMap": {"description": "Name of an existing ConfigMap.", "allOf": [name]},
                "secret": {"description": "Name of an existing Secret.", "allOf": [name]},
                "emptyDir": {
                    "description": "Scratch space of the pod; medium Memory is a tmpfs.",
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["medium", "sizeLimit"],
                    "properties": {
                        "medium": {"description": "Memory, or empty for the node's disk.", "type": "string", "enum": ["", "Memory"]},
                        "sizeLimit": {"description": "Most it may hold; empty: no limit (disk only).", "anyOf": [quantity, {"const": ""}]}
                    }
                },
                "serviceAccountToken": {
                    "description": "A projected service account token, in the file token.",
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["audience", "expirationSeconds"],
                    "properties": {
                        "audience": {"description": "Who the token is for.", "type": "string", "minLength": 1},
                        "expirationSeconds": {"description": "Seconds the token is valid.", "type": "integer", "minimum": 600, "maximum": 4294967296_i64}
                    }
                }
            }
        }
    })
}

/// Init containers and native sidecars: each closed, as the app's own container's values.
fn init_containers_schema() -> Value {
    json!({
        "description": "Init containers and native sidecars (sidecar: true), in order; each runs with the app's securityContext.",
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": false,
            "required": ["name", "sidecar", "image", "command", "args", "env", "secretEnv", "resources"],
            "properties": {
                "name": {"description": "Container name, unique in the pod.", "type": "string", "maxLength": 63, "pattern": DNS_LABEL},
                "sidecar": {"description": "Runs for the pod's life beside the app (restartPolicy: Always).", "type": "boolean"},
                "image": {"description": "Container image; a digest, when set, is used instead of the tag.", "$ref": "#/definitions/image"},
                "command": {"description": "Entrypoint; empty keeps the image's own.", "$ref": "#/definitions/stringList"},
                "args": {"description": "Arguments of the entrypoint.", "$ref": "#/definitions/stringList"},
                "env": {"description": "Environment variables, NAME: value.", "$ref": "#/definitions/env"},
                "secretEnv": {"description": "Environment variables from Secrets.", "$ref": "#/definitions/secretEnv"},
                "resources": {"description": "CPU, memory and ephemeral storage requests and limits.", "$ref": "#/definitions/resources"}
            }
        }
    })
}

/// Where the pods run: the node labels, tolerated taints and PriorityClass an environment
/// sets for every app (`chart`), plus an app's node affinity and topology spread.
fn scheduling_schema(chart: bool) -> Value {
    let mut properties = json!({
        "nodeSelector": {"description": "Node labels the pods' nodes must carry.", "$ref": "#/definitions/stringMap"},
        "tolerations": {"description": "Node taints the pods tolerate.", "$ref": "#/definitions/tolerations"},
        "priorityClassName": {"description": "PriorityClass of the pods; empty: none.", "type": "string", "anyOf": [{"const": ""}, {"$ref": "#/definitions/dnsSubdomain"}]}
    });
    if !chart {
        // One row in the README (`allOf`, which it does not follow): values.yaml holds it as
        // one value, `{}` when unset.
        properties["nodeAffinity"] = json!({"description": "Kubernetes node affinity of the pods.", "type": "object", "allOf": [{"$ref": "#/definitions/nodeAffinity"}]});
        properties["topologySpreadConstraints"] = json!({
            "description": "Topology spread constraints; each counts the app's own pods.",
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["topologyKey", "maxSkew", "whenUnsatisfiable"],
                "properties": {
                    "topologyKey": {"description": "Node label whose values are the domains.", "type": "string", "minLength": 1},
                    "maxSkew": {"description": "Most pods one domain may have over the emptiest.", "type": "integer", "minimum": 1, "maximum": INT32_MAX},
                    "whenUnsatisfiable": {"type": "string", "enum": ["DoNotSchedule", "ScheduleAnyway"]},
                    "minDomains": {"description": "Fewest domains counted (DoNotSchedule only).", "type": "integer", "minimum": 1, "maximum": INT32_MAX}
                }
            }
        });
    }
    let description = if chart {
        "Where every app's pods run (an app's own node labels and PriorityClass win; tolerations add up)."
    } else {
        "Where the app's pods run, besides the chart-wide scheduling."
    };
    fully_required(description, properties)
}

/// Definitions of scheduling: tolerations and node affinity as Kubernetes has them.
fn scheduling_definitions() -> [(&'static str, Value); 3] {
    let expressions = json!({
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": false,
            "required": ["key", "operator"],
            "properties": {
                "key": {"type": "string", "minLength": 1},
                "operator": {"type": "string", "enum": ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]},
                "values": {"$ref": "#/definitions/stringList"}
            }
        }
    });
    let term = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {"matchExpressions": {"$ref": "#/definitions/nodeSelectorRequirements"}}
    });
    let node_affinity = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "description": "Node labels a node must match (any one term, every expression of it).",
                "type": "object",
                "additionalProperties": false,
                "required": ["nodeSelectorTerms"],
                "properties": {"nodeSelectorTerms": {"description": "Terms of node labels; a node matching any one qualifies.", "type": "array", "minItems": 1, "items": term}}
            },
            "preferredDuringSchedulingIgnoredDuringExecution": {
                "description": "Node labels preferred, each term with its weight.",
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["weight", "preference"],
                    "properties": {
                        "weight": {"type": "integer", "minimum": 1, "maximum": 100},
                        "preference": term
                    }
                }
            }
        }
    });
    let tolerations = json!({
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "key": {"type": "string"},
                "operator": {"type": "string", "enum": ["Equal", "Exists"]},
                "value": {"type": "string"},
                "effect": {"type": "string", "enum": ["NoSchedule", "PreferNoSchedule", "NoExecute"]},
                "tolerationSeconds": {"type": "integer"}
            }
        }
    });
    [("nodeSelectorRequirements", expressions), ("nodeAffinity", node_affinity), ("tolerations", tolerations)]
}

/// The app's ConfigMap: its key/values, and where it is mounted when it is.
fn config_schema(mounted: bool) -> Value {
    let mut schema = json!({
        "description": "The app's ConfigMap key/values.",
        "type": "object",
        "additionalProperties": false,
        "required": ["data", "files"],
        "properties": {
            "data": {"description": "Key/values of the ConfigMap.", "$ref": "#/definitions/env"},
            "files": {"description": "Files shipped in the chart under files/<app>/, one key each.", "$ref": "#/definitions/stringList"}
        }
    });
    if mounted {
        let mount_path = json!({"description": "Directory the ConfigMap is mounted at, read-only.", "type": "string", "pattern": "^/"});
        schema["properties"]["mountPath"] = mount_path;
        schema["required"] = json!(["data", "files", "mountPath"]);
    }
    schema
}

/// Destinations outside the cluster an app may reach while network policies are on.
fn egress_schema() -> Value {
    json!({
        "description": "Network policy settings of the app.",
        "type": "object",
        "additionalProperties": false,
        "required": ["egressCidrs", "egressSelectors", "ingressSelectors"],
        "properties": {
        "egressSelectors": {"description": "Pods outside the chart the app may reach, by labels.", "type": "array", "items": {"$ref": "#/definitions/selectorPeer"}},
        "ingressSelectors": {"description": "Callers outside the chart the app admits, by labels.", "type": "array", "items": {"$ref": "#/definitions/selectorPeer"}},
        "egressCidrs": {
            "description": "CIDR blocks and ports the app may reach.",
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["cidr", "port"],
                "properties": {
                    "cidr": {"description": "CIDR block.", "type": "string", "minLength": 1},
                    "port": {"description": "TCP port.", "$ref": "#/definitions/port"}
                }
            }
        }}
    })
}

/// Pods outside the chart by labels, checked as the API server checks a label selector's
/// matchLabels (a qualified-name key, a label value), and the path's TCP ports.
fn selector_peer_schema() -> Value {
    let labels = |what: &str| {
        json!({
            "description": what,
            "type": "object",
            "propertyNames": {"pattern": QUALIFIED_NAME, "maxLength": 317},
            "additionalProperties": {"type": "string", "maxLength": 63, "pattern": LABEL_VALUE}
        })
    };
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["namespaceLabels", "podLabels", "ports"],
        "anyOf": [{"properties": {"namespaceLabels": {"minProperties": 1}}}, {"properties": {"podLabels": {"minProperties": 1}}}],
        "properties": {
            "namespaceLabels": labels("Labels of the namespaces; empty: the release namespace."),
            "podLabels": labels("Labels of the pods; empty: every pod of those namespaces."),
            "ports": {"description": "TCP ports of the path.", "type": "array", "minItems": 1, "uniqueItems": true, "items": {"$ref": "#/definitions/port"}}
        }
    })
}

/// A label key: an optional DNS-1123 subdomain and '/', then a name of 1 to 63 characters.
const QUALIFIED_NAME: &str =
    "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$";
/// A label value: empty, or letters, digits, '-', '_', '.' starting and ending alphanumeric.
const LABEL_VALUE: &str = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

fn app_ingress(mode: IngressMode) -> Value {
    let mut properties = json!({
        "host": {"description": "Host routed to the app.", "type": "string", "minLength": 1},
        "path": {"description": "Path prefix on the host.", "type": "string", "pattern": "^/"},
        "pathType": {"description": "How the path matches.", "type": "string", "enum": ["Prefix", "Exact", "ImplementationSpecific"]},
        "tlsSecret": {"description": "Secret with the host's TLS certificate; empty: plain HTTP.", "type": "string"},
    });
    if mode == IngressMode::PerApp {
        properties["annotations"] =
            json!({"description": "Annotations of this app's Ingress.", "$ref": "#/definitions/stringMap"});
    }
    fully_required("Where the Ingress routes to this app.", properties)
}

fn chart_ingress(mode: IngressMode) -> Value {
    let mut properties = json!({
        "enabled": {"description": "Whether Ingresses are rendered.", "type": "boolean"},
        "className": {"description": "IngressClass; empty: the cluster default.", "type": "string"},
        "tlsSecret": {"description": "One certificate Secret for every host; empty: each app's own.", "type": "string"},
    });
    if mode == IngressMode::Single {
        properties["annotations"] =
            json!({"description": "Annotations of the shared Ingress.", "$ref": "#/definitions/stringMap"});
    }
    fully_required("Ingress settings shared by every external API.", properties)
}

/// Shared definitions. Quantities accept what Kubernetes accepts (a number or a string such
/// as 250m or 1Gi); an image tag is never "latest".
fn definitions() -> Value {
    let quantity = json!({
        "type": ["string", "number"],
        "pattern": "^[+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$"
    });
    // Timings of a probe; an http probe also has its path.
    let probe = |http: bool| {
        let mut probe = json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold"],
            "properties": {
                "initialDelaySeconds": {"description": "Seconds after the start before the first check.", "type": "integer", "minimum": 0, "maximum": INT32_MAX},
                "periodSeconds": {"description": "Seconds between checks.", "type": "integer", "minimum": 1, "maximum": INT32_MAX},
                "timeoutSeconds": {"description": "Seconds a check may take.", "type": "integer", "minimum": 1, "maximum": INT32_MAX},
                "failureThreshold": {"description": "Failed checks in a row before the probe fails.", "type": "integer", "minimum": 1, "maximum": INT32_MAX}
            }
        });
        if http {
            probe["properties"]["path"] =
                json!({"description": "HTTP path checked.", "type": "string", "pattern": "^/"});
            if let Some(required) = probe["required"].as_array_mut() {
                required.insert(0, json!("path"));
            }
        }
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["port", "liveness", "readiness"],
            "properties": {
                "port": {"description": "Port the probes check.", "$ref": "#/definitions/port"},
                "liveness": probe,
                "readiness": probe,
                "startup": probe
            }
        })
    };
    let exec_probes = {
        let mut probes = probe(false);
        probes["required"] = json!(["command", "liveness", "readiness"]);
        if let Some(properties) = probes["properties"].as_object_mut() {
            properties.remove("port");
            properties.insert(
                "command".into(),
                json!({"description": "Command the kubelet runs in the container; exit 0 is healthy.", "type": "array", "items": {"type": "string"}, "minItems": 1}),
            );
        }
        probes
    };
    let quantities = |what: &str| {
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["cpu", "memory", "ephemeral-storage"],
            "properties": {
                "cpu": {"description": format!("CPU {what}, e.g. 250m."), "$ref": "#/definitions/quantity"},
                "memory": {"description": format!("Memory {what}, e.g. 512Mi."), "$ref": "#/definitions/quantity"},
                "ephemeral-storage": {"description": format!("Local disk {what} (logs, /tmp), e.g. 1Gi."), "$ref": "#/definitions/quantity"}
            }
        })
    };
    let mut definitions = json!({
        "quantity": quantity,
        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
        "stringList": {"type": "array", "items": {"type": "string"}},
        "stringMap": {"type": "object", "additionalProperties": {"type": "string"}},
        "image": {
            "type": "object",
            "additionalProperties": false,
            "required": ["repository", "tag", "digest", "pullPolicy"],
            "properties": {
                "repository": {"description": "Image repository, without tag or digest.", "type": "string", "minLength": 1},
                "tag": {"description": "Image tag; never latest.", "type": "string", "pattern": "^$|^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", "not": {"const": "latest"}},
                "digest": {"description": "Image digest sha256:<hex>; used instead of the tag when set.", "type": "string", "pattern": "^$|^sha256:[a-f0-9]{64}$"},
                "pullPolicy": {"description": "When the kubelet pulls the image.", "type": "string", "enum": ["Always", "IfNotPresent", "Never"]}
            }
        },
        "env": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}},
        "secretEnv": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "key"],
                "properties": {"name": {"type": "string", "minLength": 1}, "key": {"type": "string", "minLength": 1}}
            }
        },
        "envFrom": {
            "type": "object",
            "additionalProperties": false,
            "required": ["secrets", "configMaps"],
            "properties": {
                "secrets": {"description": "Secrets whose every key becomes an environment variable.", "$ref": "#/definitions/stringList"},
                "configMaps": {"description": "ConfigMaps whose every key becomes an environment variable.", "$ref": "#/definitions/stringList"}
            }
        },
        "resources": {
            "type": "object",
            "additionalProperties": false,
            "required": ["requests", "limits"],
            "properties": {"requests": quantities("request"), "limits": quantities("limit")}
        },
        "serviceAccount": {
            "type": "object",
            "additionalProperties": false,
            "required": ["automountToken"],
            "properties": {"automountToken": {"description": "Whether the pod gets the ServiceAccount's API token.", "type": "boolean"}}
        },
        "service": {
            "type": "object",
            "additionalProperties": false,
            "required": ["port"],
            "properties": {"port": {"description": "Port of the Service (it forwards to containerPort).", "$ref": "#/definitions/port"}}
        },
        "httpProbes": probe(true),
        "portProbes": probe(false),
        "intOrPercent": {"type": ["integer", "string"], "minimum": 0, "pattern": "^[0-9]+%$"},
        "pdb": {
            "type": "object",
            "additionalProperties": false,
            "required": ["enabled"],
            "properties": {
                "enabled": {"description": "Whether the PodDisruptionBudget is rendered (when it can be satisfied).", "type": "boolean"},
                "minAvailable": {"description": "Pods that stay available in a voluntary disruption, a number or a percentage.", "$ref": "#/definitions/intOrPercent"},
                "maxUnavailable": {"description": "Pods that may be unavailable at once, a number or a percentage.", "$ref": "#/definitions/intOrPercent"}
            },
            "not": {"required": ["minAvailable", "maxUnavailable"]}
        },
        "autoscaling": {
            "type": "object",
            "additionalProperties": false,
            "required": ["enabled", "minReplicas", "maxReplicas", "targetCPUUtilizationPercentage"],
            "properties": {
                "enabled": {"description": "Whether the HorizontalPodAutoscaler is rendered.", "type": "boolean"},
                "minReplicas": {"description": "Fewest pods.", "type": "integer", "minimum": 1, "maximum": INT32_MAX},
                "maxReplicas": {"description": "Most pods.", "type": "integer", "minimum": 1, "maximum": INT32_MAX},
                "targetCPUUtilizationPercentage": {"description": "Average CPU use to keep, in percent of the request.", "type": "integer", "minimum": 1, "maximum": 100},
                "targetMemoryUtilizationPercentage": {"description": "Average memory use to keep, in percent of the request.", "type": "integer", "minimum": 1, "maximum": 100}
            }
        },
        "keda": {
            "type": "object",
            "additionalProperties": false,
            "required": ["enabled", "minReplicaCount", "maxReplicaCount", "pollingInterval", "cooldownPeriod", "triggers"],
            "properties": {
                "enabled": {"description": "Whether the ScaledObject is rendered.", "type": "boolean"},
                "minReplicaCount": {"description": "Fewest pods; 0 scales to zero while no trigger is active.", "type": "integer", "minimum": 0, "maximum": INT32_MAX},
                "maxReplicaCount": {"description": "Most pods.", "type": "integer", "minimum": 1, "maximum": INT32_MAX},
                "pollingInterval": {"description": "Seconds between checks of the triggers.", "type": "integer", "minimum": 1, "maximum": INT32_MAX},
                "cooldownPeriod": {"description": "Seconds after the last active trigger before scaling back.", "type": "integer", "minimum": 0, "maximum": INT32_MAX},
                "triggers": {"description": "KEDA scalers, as KEDA takes them (credentials only by reference).", "type": "array", "minItems": 1, "items": {"$ref": "#/definitions/kedaTrigger"}}
            }
        },
        // Closed like every other object: a misspelt key fails lint instead of being ignored.
        "podSecurityContext": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "runAsNonRoot": {"description": "Refuse to start a container as root.", "type": "boolean"},
                "runAsUser": {"description": "UID of the pod's processes.", "type": "integer", "minimum": 0, "maximum": INT32_MAX},
                "runAsGroup": {"description": "GID of the pod's processes.", "type": "integer", "minimum": 0, "maximum": INT32_MAX},
                "fsGroup": {"description": "Group owning the pod's volumes.", "type": "integer", "minimum": 0, "maximum": INT32_MAX},
                "fsGroupChangePolicy": {"description": "When volume ownership is changed to fsGroup.", "type": "string", "enum": ["OnRootMismatch", "Always"]},
                "supplementalGroups": {"description": "More groups of the pod's processes.", "type": "array", "items": {"type": "integer", "minimum": 0}},
                "seccompProfile": {"description": "Seccomp profile of the pod.", "$ref": "#/definitions/seccompProfile"}
            }
        },
        "securityContext": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "allowPrivilegeEscalation": {"description": "Whether a process may gain more privileges than its parent.", "type": "boolean"},
                "privileged": {"description": "Whether the container runs privileged.", "type": "boolean"},
                "readOnlyRootFilesystem": {"description": "Whether the root filesystem is read-only (/tmp is an emptyDir).", "type": "boolean"},
                "runAsNonRoot": {"description": "Refuse to start the container as root.", "type": "boolean"},
                "runAsUser": {"description": "UID of the container's processes.", "type": "integer", "minimum": 0, "maximum": INT32_MAX},
                "runAsGroup": {"description": "GID of the container's processes.", "type": "integer", "minimum": 0, "maximum": INT32_MAX},
                "capabilities": {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {
                        "add": {"description": "Linux capabilities added.", "$ref": "#/definitions/stringList"},
                        "drop": {"description": "Linux capabilities dropped.", "$ref": "#/definitions/stringList"}
                    }
                },
                "seccompProfile": {"description": "Seccomp profile of the container.", "$ref": "#/definitions/seccompProfile"}
            }
        },
        "seccompProfile": {
            "type": "object",
            "additionalProperties": false,
            "required": ["type"],
            "properties": {
                "type": {"description": "Kind of seccomp profile.", "type": "string", "enum": ["RuntimeDefault", "Localhost", "Unconfined"]},
                "localhostProfile": {"description": "Profile file on the node, for type Localhost.", "type": "string"}
            }
        },
        "kedaTrigger": {
            "type": "object",
            "additionalProperties": false,
            "required": ["type", "metadata"],
            "properties": {
                "type": {"description": "KEDA scaler type.", "type": "string", "minLength": 1},
                "name": {"type": "string"},
                "metadata": {"$ref": "#/definitions/stringMap"},
                "metricType": {"type": "string", "enum": ["AverageValue", "Value", "Utilization"]},
                "authenticationRef": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name"],
                    "properties": {"name": {"type": "string", "minLength": 1}, "kind": {"type": "string", "enum": ["TriggerAuthentication", "ClusterTriggerAuthentication"]}}
                }
            }
        },
        "cronJob": {
            "type": "object",
            "additionalProperties": false,
            "required": ["schedule", "suspend", "concurrencyPolicy", "startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"],
            "properties": {
                "schedule": {"description": "Cron schedule.", "type": "string", "minLength": 1},
                "suspend": {"description": "Whether runs are suspended.", "type": "boolean"},
                "concurrencyPolicy": {"description": "What happens when a run is due while the last one still runs.", "type": "string", "enum": ["Allow", "Forbid", "Replace"]},
                "startingDeadlineSeconds": {"description": "Seconds after its time a missed run may still start.", "type": "integer", "minimum": 0, "maximum": INT32_MAX},
                "successfulJobsHistoryLimit": {"description": "Finished runs kept.", "type": "integer", "minimum": 0, "maximum": INT32_MAX},
                "failedJobsHistoryLimit": {"description": "Failed runs kept.", "type": "integer", "minimum": 0, "maximum": INT32_MAX}
            }
        },
        "writablePaths": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["volume", "path"],
                "properties": {
                    "volume": {"description": "Name of the emptyDir volume.", "type": "string", "minLength": 1},
                    "path": {"description": "Directory it is mounted at.", "type": "string", "pattern": "^/"}
                }
            }
        },
        "secretMounts": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["volume", "path", "secret"],
                "properties": {
                    "volume": {"description": "Name of the volume.", "type": "string", "minLength": 1},
                    "path": {"description": "Directory the Secret's keys appear in, as files.", "type": "string", "pattern": "^/"},
                    "secret": {"description": "Name of the Secret.", "type": "string", "minLength": 1}
                }
            }
        },
        "storage": {
            "type": "object",
            "additionalProperties": false,
            "required": ["size", "mountPath", "storageClass"],
            "properties": {
                "size": {"description": "Size of each pod's volume, a quantity such as 10Gi.", "type": "string", "minLength": 1},
                "mountPath": {"description": "Directory the volume is mounted at.", "type": "string", "pattern": "^/"},
                "storageClass": {"description": "StorageClass of the volumes; empty: the cluster's default.", "type": "string"}
            }
        },
        "job": {
            "type": "object",
            "additionalProperties": false,
            "required": ["restartPolicy", "backoffLimit"],
            "properties": {
                "restartPolicy": {"description": "Never: a failed container fails its pod and the Job starts another (backoffLimit counts failed pods); OnFailure: the container restarts in its pod (backoffLimit counts restarts).", "type": "string", "enum": ["Never", "OnFailure"]},
                "backoffLimit": {"description": "Retries before the job fails.", "type": "integer", "minimum": 0, "maximum": INT32_MAX},
                "ttlSecondsAfterFinished": {"description": "Seconds a finished job is kept; unset: kept until deleted.", "type": "integer", "minimum": 0, "maximum": INT32_MAX},
                "activeDeadlineSeconds": {"description": "Seconds the job may run; unset: no limit.", "type": "integer", "minimum": 1, "maximum": INT32_MAX}
            }
        }
    });
    definitions["execProbes"] = exec_probes;
    for (name, definition) in scheduling_definitions() {
        definitions[name] = definition;
    }
    definitions["preStop"] = json!({
        "type": "object",
        "additionalProperties": false,
        "maxProperties": 1,
        "properties": {
            "sleepSeconds": {"description": "Seconds the container sleeps before SIGTERM (at most the grace period).", "type": "integer", "minimum": 1, "maximum": INT32_MAX},
            "command": {"description": "Command run in the container before SIGTERM.", "type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}
        }
    });
    // The chart's own keys select and roll the pods: a values override cannot take them.
    definitions["podAnnotations"] = json!({
        "type": "object",
        "propertyNames": {"not": {"pattern": "^(checksum|helm\\.sh)/"}},
        "additionalProperties": {"type": "string"}
    });
    definitions["podLabels"] = json!({
        "type": "object",
        "propertyNames": {"not": {"pattern": "^(app\\.kubernetes\\.io|helm\\.sh)/"}},
        "additionalProperties": {"type": "string", "maxLength": 63}
    });
    definitions["dnsSubdomain"] = json!({"type": "string", "maxLength": 253, "pattern": DNS_SUBDOMAIN});
    definitions["selectorPeer"] = selector_peer_schema();
    definitions["pullSecrets"] = json!({
        "type": "array",
        "uniqueItems": true,
        "items": {"description": "Name of a Secret of type kubernetes.io/dockerconfigjson.", "$ref": "#/definitions/dnsSubdomain"}
    });
    definitions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apps() -> [App; 2] {
        let api: crate::model::AppMetadata =
            serde_json::from_str(r#"{"name": "status-api", "image": {"repository": "r", "tag": "1"}, "port": 80}"#)
                .expect("parses");
        let job: crate::model::AppMetadata =
            serde_json::from_str(r#"{"name": "migrate", "app_type": "job", "image": {"repository": "r", "tag": "1"}}"#)
                .expect("parses");
        [
            App::from_metadata(&api, std::path::Path::new("a.json")).expect("valid"),
            App::from_metadata(&job, std::path::Path::new("b.json")).expect("valid"),
        ]
    }

    #[test]
    fn job_apps_have_no_replicas_and_apis_have_a_service() {
        let schema = values_schema(&ChartSpec::for_tests(), &apps(), false, false, &[]);
        let app_props = |key: &str| schema["properties"]["apps"]["properties"][key]["properties"].clone();
        assert!(app_props("statusApi").get("service").is_some());
        assert!(app_props("statusApi").get("replicas").is_some());
        assert!(app_props("migrate").get("replicas").is_none());
        assert!(app_props("migrate").get("job").is_some());
        assert_eq!(schema["$schema"], DRAFT_07);
    }

    /// The schema of app `key` in values.schema.json of one app made from `metadata`.
    fn app_schema(metadata: Value, key: &str) -> Value {
        let meta: crate::model::AppMetadata = serde_json::from_value(metadata).expect("parses");
        let app = App::from_metadata(&meta, std::path::Path::new("a.json")).expect("valid");
        let schema = values_schema(&ChartSpec::for_tests(), &[app], false, false, &[]);
        schema["properties"]["apps"]["properties"][key]["properties"].clone()
    }

    #[test]
    fn a_config_takes_a_mount_path_only_when_the_app_mounts_it() {
        let api = |config: Value| json!({"name": "status-api", "image": {"repository": "r", "tag": "1"}, "port": 80, "config": config});
        let mounted = app_schema(api(json!({"data": {"A": "1"}, "mount_path": "/etc/status"})), "statusApi");
        assert_eq!(mounted["config"]["required"], json!(["data", "files", "mountPath"]));
        let env_only = app_schema(api(json!({"data": {"A": "1"}})), "statusApi");
        assert_eq!(env_only["config"]["required"], json!(["data", "files"]));
        assert!(env_only["config"]["properties"].get("mountPath").is_none());
    }

    #[test]
    fn network_policy_values_are_typed_only_for_an_app_that_has_some() {
        let api = |policy: Value| json!({"name": "status-api", "image": {"repository": "r", "tag": "1"}, "port": 80, "network_policy": policy});
        assert!(app_schema(api(json!({})), "statusApi").get("networkPolicy").is_none());
        let cidr = app_schema(api(json!({"egress_cidrs": ["10.0.0.0/8:5432"]})), "statusApi");
        assert_eq!(cidr["networkPolicy"]["required"], json!(["egressCidrs", "egressSelectors", "ingressSelectors"]));
    }

    #[test]
    fn an_umbrella_requires_global_and_each_subcharts_key() {
        let alone = values_schema(&ChartSpec::for_tests(), &apps(), false, false, &[]);
        let required = |schema: &Value| schema["required"].as_array().cloned().unwrap_or_default();
        assert!(!required(&alone).contains(&json!("global")), "{}", alone["required"]);
        let redis = crate::plan::subcharts::Dependency {
            name: "redis".into(),
            version: "1.2.3".into(),
            alias: Some("cache".into()),
            key: "cache".into(),
            condition: "cache.enabled".into(),
            target: "//charts:redis".into(),
            description: "A cache".into(),
            chart_type: "application".into(),
            apps: Vec::new(),
            composed: false,
        };
        let umbrella = values_schema(&ChartSpec::for_tests(), &apps(), false, false, &[redis]);
        assert!(required(&umbrella).contains(&json!("global")), "{}", umbrella["required"]);
        assert!(required(&umbrella).contains(&json!("cache")), "{}", umbrella["required"]);
        assert!(umbrella["properties"]["cache"].is_object());
    }

    #[test]
    fn every_app_refers_to_the_one_sibling_env_definition() {
        let schema = values_schema(&ChartSpec::for_tests(), &apps(), false, false, &[]);
        let definition = &schema["definitions"]["siblingEnv"];
        assert_eq!(definition["additionalProperties"]["properties"]["app"]["enum"], json!(["status-api"]));
        for key in ["statusApi", "migrate"] {
            let sibling_env = &schema["properties"]["apps"]["properties"][key]["properties"]["siblingEnv"];
            assert_eq!(sibling_env["$ref"], "#/definitions/siblingEnv", "app {key}");
            assert!(sibling_env.get("additionalProperties").is_none(), "app {key} has a copy of the definition");
        }
    }

    #[test]
    fn apps_alike_but_for_their_description_share_one_definition() {
        let alike = |key: &'static str| (key, json!({"description": format!("{key} (worker)."), "type": "object"}));
        let unlike = ("cron", json!({"description": "cron (cronjob).", "type": "object", "required": ["schedule"]}));
        let (schemas, definitions) = share_alike_apps(vec![alike("a"), unlike.clone(), alike("b")]);
        assert_eq!(definitions.keys().collect::<Vec<_>>(), ["app-a"]);
        assert_eq!(definitions["app-a"], json!({"type": "object"}));
        assert_eq!(schemas["a"], json!({"description": "a (worker).", "$ref": "#/definitions/app-a"}));
        assert_eq!(schemas["b"], json!({"description": "b (worker).", "$ref": "#/definitions/app-a"}));
        assert_eq!(schemas["cron"], unlike.1, "an app unlike the others keeps its schema in place");
    }
}
