//! The Argo CD objects, as data.
//!
//! Sync options, and why (docs/argocd.md says the same to users):
//! - `CreateNamespace=true` (unless the target says otherwise): every environment has its own
//!   namespace, the isolation of environments sharing a cluster; Helm's `--create-namespace`
//!   did that before Argo CD.
//! - `ServerSideApply=true`: client-side apply keeps the whole object in the
//!   `last-applied-configuration` annotation, which fails past 256 KiB (dashboard ConfigMaps,
//!   large configs); server-side apply needs no such copy.
//! - `PruneLast=true`: objects removed from the chart are deleted after every wave has
//!   synced, so a NetworkPolicy or Service still used during the rollout stays until then.
//! - `FailOnSharedResource=true`: environments sharing a cluster must never manage one
//!   another's objects; a sync that would take over another Application's object fails.
//! Hooks need no option: our Jobs are `pre-install,pre-upgrade` hooks (Argo CD's PreSync, run
//! on every sync, as Helm runs them on every install and upgrade) with
//! `before-hook-creation` (Argo CD's BeforeHookCreation) and a sync wave equal to their hook
//! weight, so Helm's and Argo CD's orders agree (`.validate` of the target checks it).

use serde_json::{json, Map, Value};

use super::environments::Destination;
use super::spec::Plan;

pub const API_VERSION: &str = "argoproj.io/v1alpha1";

/// The label RollingSync steps select environments by.
pub const ENVIRONMENT_LABEL: &str = "environment";

fn sync_options(plan: &Plan) -> Vec<&'static str> {
    let mut options = Vec::new();
    if plan.create_namespace {
        options.push("CreateNamespace=true");
    }
    options.extend(["ServerSideApply=true", "PruneLast=true", "FailOnSharedResource=true"]);
    options
}

fn sync_policy(plan: &Plan, automated: bool) -> Value {
    let mut policy = Map::new();
    if automated {
        policy.insert("automated".into(), json!({"prune": true, "selfHeal": true}));
    }
    policy.insert("syncOptions".into(), json!(sync_options(plan)));
    Value::Object(policy)
}

fn application_name(plan: &Plan, destination: &Destination) -> String {
    format!("{}-{}", plan.release_name, destination.environment)
}

/// The fields an Application's source and destination take from the plan and an environment,
/// by their names in an ApplicationSet's list elements too.
fn parameters(plan: &Plan, destination: &Destination) -> Map<String, Value> {
    let mut fields = Map::new();
    let mut put = |key: &str, value: &str| {
        fields.insert(key.into(), Value::String(value.into()));
    };
    put("name", &application_name(plan, destination));
    put(ENVIRONMENT_LABEL, &destination.environment);
    put("chart", &plan.chart_name);
    put("project", &plan.project);
    put("repoURL", plan.source.repo_url());
    put("path", plan.source.path());
    put("targetRevision", plan.source.revision());
    put("releaseName", &plan.release_name);
    put("valuesFile", &destination.values_file());
    put("namespace", &destination.namespace);
    match &destination.server {
        Some(server) => put("server", server),
        None => put("cluster", &destination.cluster),
    }
    fields
}

/// The Application spec, each field from `field` (a value, or an ApplicationSet placeholder).
fn application_spec(field: &dyn Fn(&str) -> Value, by_server: bool, policy: Value) -> Value {
    // Argo CD takes exactly one of a cluster's server URL and its registered name.
    let mut destination =
        if by_server { json!({"server": field("server")}) } else { json!({"name": field("cluster")}) };
    destination["namespace"] = field("namespace");
    json!({
        "project": field("project"),
        "source": {
            "repoURL": field("repoURL"),
            "path": field("path"),
            "targetRevision": field("targetRevision"),
            "helm": {
                "releaseName": field("releaseName"),
                "valueFiles": [field("valuesFile")],
            },
        },
        "destination": destination,
        "syncPolicy": policy,
    })
}

fn labels(field: &dyn Fn(&str) -> Value) -> Value {
    json!({
        "app.kubernetes.io/part-of": field("chart"),
        ENVIRONMENT_LABEL: field(ENVIRONMENT_LABEL),
    })
}

/// One environment's Application.
pub fn application(plan: &Plan, destination: &Destination) -> Value {
    let fields = parameters(plan, destination);
    let field = |key: &str| fields.get(key).cloned().unwrap_or(Value::Null);
    json!({
        "apiVersion": API_VERSION,
        "kind": "Application",
        "metadata": {
            "name": field("name"),
            "namespace": plan.argocd_namespace,
            "labels": labels(&field),
        },
        "spec": application_spec(&field, destination.server.is_some(), sync_policy(plan, destination.automated)),
    })
}

/// One ApplicationSet over every environment: its template holds only placeholders, every
/// value is an element of the list generator.
pub fn application_set(plan: &Plan, destinations: &[Destination]) -> Value {
    let elements: Vec<Value> = destinations.iter().map(|d| Value::Object(parameters(plan, d))).collect();
    let placeholder = |key: &str| Value::String(format!("{{{{.{key}}}}}"));
    let by_server = destinations.first().is_some_and(|d| d.server.is_some());
    let automated = destinations.first().is_some_and(|d| d.automated);
    let mut spec = json!({
        "goTemplate": true,
        "goTemplateOptions": ["missingkey=error"],
        "generators": [{"list": {"elements": elements}}],
        "template": {
            "metadata": {"name": placeholder("name"), "labels": labels(&placeholder)},
            "spec": application_spec(&placeholder, by_server, sync_policy(plan, automated)),
        },
    });
    if !plan.progressive_sync.is_empty() {
        spec["strategy"] = rolling_sync(&plan.progressive_sync);
    }
    json!({
        "apiVersion": API_VERSION,
        "kind": "ApplicationSet",
        "metadata": {"name": plan.release_name, "namespace": plan.argocd_namespace},
        "spec": spec,
    })
}

/// One RollingSync step per environment, in promotion order: each waits for the previous
/// environments' Applications to be healthy.
fn rolling_sync(order: &[String]) -> Value {
    let steps: Vec<Value> = order
        .iter()
        .map(|environment| {
            json!({"matchExpressions": [{"key": ENVIRONMENT_LABEL, "operator": "In", "values": [environment]}]})
        })
        .collect();
    json!({"type": "RollingSync", "rollingSync": {"steps": steps}})
}
