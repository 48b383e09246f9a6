//! Upgrade safety: what `helm upgrade` from the previous version of a chart to this one would
//! be refused, or would silently not do.
//!
//! Both versions are rendered with the same values (the defaults, each `--values` file, and
//! each environment with the previous version's own `values-<env>.yaml`), objects are paired by
//! kind and name, and each pair is checked against the update rules the Kubernetes API server
//! applies and against how Helm treats hooks. Helm patches each object with the difference
//! between the two rendered manifests (a three-way merge with the live object), so a field
//! both versions render alike is never sent; a field that differs, appears or disappears is.
//! Fields the API server defaults are compared with their defaults filled in, so rendering a
//! default explicitly is no change.
//!
//! The rules, with the Kubernetes source they come from (k8s.io/kubernetes, v1.34):
//! - `selector`: Deployment, ReplicaSet and DaemonSet `spec.selector` are immutable in apps/v1
//!   (pkg/registry/apps/*/strategy.go `ValidateUpdate`).
//! - `statefulset-spec`: a StatefulSet may change only replicas, ordinals, template,
//!   updateStrategy, revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and
//!   minReadySeconds (pkg/apis/apps/validation `ValidateStatefulSetUpdate`).
//! - `job-spec`: a Job's selector, template, completions (unless an Indexed Job changes it
//!   with parallelism), completionMode, podFailurePolicy, backoffLimitPerIndex, managedBy and
//!   successPolicy are immutable (pkg/apis/batch/validation `ValidateJobSpecUpdate`). Hook
//!   Jobs are created anew each time, see `hook-recreate`.
//! - `service-cluster-ip`: a Service's cluster IP may not change once set, `None` (headless)
//!   included (pkg/apis/core/validation `ValidateServiceUpdate`); one the chart stops setting
//!   is kept by the API server (pkg/registry/core/service/storage `patchAllocatedValues`).
//! - `service-load-balancer-class`: may not change while the Service stays a LoadBalancer.
//! - `service-ip-family`: the primary IP family (`ipFamilies[0]`) may not change.
//! - `role-ref`: a RoleBinding's or ClusterRoleBinding's roleRef cannot change
//!   (pkg/apis/rbac/validation `ValidateRoleBindingUpdate`).
//! - `immutable-data`: a ConfigMap or Secret marked `immutable: true` keeps its data and the
//!   mark (pkg/apis/core/validation `ValidateConfigMapUpdate`, `ValidateSecretUpdate`).
//! - `secret-type`: a Secret's type is immutable (`ValidateSecretUpdate`).
//! - `hook-lifecycle`: an object that turns from a release resource into a hook, or back
//!   (Helm's pkg/action/upgrade.go and hooks.go: hooks are not release resources).
//! - `hook-recreate`: an upgrade hook recreated while its previous run's object still exists.
//! - `removed-value`: a values file still sets a key the previous chart accepted and this one
//!   no longer does.
//! - `api-removed`: the previous version has a release resource in a built-in API version the
//!   cluster no longer serves, so Helm cannot read the release it upgrades (Helm's
//!   pkg/action/upgrade.go builds the current release's manifest first).
//!
//! PodDisruptionBudgets are fully mutable since Kubernetes 1.15 (policy/v1 included), and since
//! 1.20 the API server clears the fields a Service type change leaves unused (cluster IPs when
//! it becomes ExternalName, node ports when it stops being NodePort), so neither needs a rule.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;

/// The rules, as `upgrade:<rule>` names them.
pub const RULES: &[&str] = &[
    "selector",
    "statefulset-spec",
    "job-spec",
    "service-cluster-ip",
    "service-load-balancer-class",
    "service-ip-family",
    "role-ref",
    "immutable-data",
    "secret-type",
    "hook-lifecycle",
    "hook-recreate",
    "removed-value",
    "api-removed",
];

/// One reason the upgrade would fail (or not do what the chart says).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub rule: &'static str,
    pub message: String,
}

impl Finding {
    fn new(rule: &'static str, message: String) -> Finding {
        debug_assert!(RULES.contains(&rule), "unknown upgrade rule {rule}");
        Finding { rule, message }
    }
}

/// What each rule tells the user to do.
const NEW_NAME_OR_RECREATE: &str = "give the object a new name (a migration to the new one), or delete it \
     before upgrading (`kubectl delete --cascade=orphan` keeps its pods and volumes) so Helm creates it anew; \
     `helm upgrade --force` does not help, it sends the same update";
const STATEFULSET_ADVICE: &str = "Kubernetes lets a StatefulSet change only replicas, ordinals, template, \
     updateStrategy, revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and minReadySeconds: keep the \
     previous value, or migrate: to grow volumes, resize each PVC (`kubectl patch pvc`, if its storage class \
     allows expansion), then `kubectl delete statefulset NAME --cascade=orphan` and upgrade, which recreates \
     the StatefulSet over the same pods and claims; anything else needs a new StatefulSet name and a data \
     migration";
const JOB_ADVICE: &str = "an existing Job cannot change it: make the Job a hook (`helm.sh/hook` with \
     `helm.sh/hook-delete-policy: before-hook-creation`, as app_type \"job\" renders), give each version a new \
     Job name, or delete the finished Job before upgrading (`ttlSecondsAfterFinished` does that once it has \
     finished; Helm then creates it anew)";

/// Compares the objects one run of each version renders (by `Kind/name`).
pub fn compare(previous: &BTreeMap<String, Value>, current: &BTreeMap<String, Value>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (key, new) in current {
        let Some(old) = previous.get(key) else { continue };
        // The same kind in another API group is another resource to Helm: created, the old one deleted.
        if api_group(old) != api_group(new) {
            continue;
        }
        let (old_hook, new_hook) = (Hook::of(old), Hook::of(new));
        match (&old_hook, &new_hook) {
            (None, None) => findings.extend(compare_resource(key, old, new)),
            (Some(old_hook), Some(new_hook)) => findings.extend(recreated_hook(key, old_hook, new_hook)),
            _ => findings.extend(hook_lifecycle(key, old_hook.as_ref(), new_hook.as_ref())),
        }
    }
    findings
}

/// A release resource (not a hook) that both versions render: the API server's update rules.
fn compare_resource(key: &str, old: &Value, new: &Value) -> Vec<Finding> {
    let kind = old.get("kind").and_then(Value::as_str).unwrap_or_default();
    match kind {
        "Deployment" | "ReplicaSet" | "DaemonSet" => selector(key, old, new),
        "StatefulSet" => statefulset(key, old, new),
        "Job" => job(key, old, new),
        "Service" => service(key, old, new),
        "RoleBinding" | "ClusterRoleBinding" => role_ref(key, old, new),
        "ConfigMap" | "Secret" => config_data(key, kind, old, new),
        _ => Vec::new(),
    }
}

fn selector(key: &str, old: &Value, new: &Value) -> Vec<Finding> {
    let differences = differences(old.pointer("/spec/selector"), new.pointer("/spec/selector"), "spec.selector");
    if differences.is_empty() {
        return Vec::new();
    }
    vec![Finding::new(
        "selector",
        format!(
            "{key}: {}; spec.selector is immutable: keep the previous selector labels, or {NEW_NAME_OR_RECREATE}",
            describe_differences(&differences)
        ),
    )]
}

/// The StatefulSet spec fields an update may change.
const STATEFULSET_UPDATABLE: &[&str] = &[
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "revisionHistoryLimit",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
];

fn statefulset(key: &str, old: &Value, new: &Value) -> Vec<Finding> {
    let fixed = |object: &Value| {
        let mut spec = object.get("spec").cloned().unwrap_or(Value::Null);
        if let Value::Object(fields) = &mut spec {
            fields.retain(|field, _| !STATEFULSET_UPDATABLE.contains(&field.as_str()));
            fields.entry("podManagementPolicy").or_insert_with(|| "OrderedReady".into());
            if let Some(Value::Array(templates)) = fields.get_mut("volumeClaimTemplates") {
                templates.iter_mut().for_each(normalize_claim_template);
            }
        }
        spec
    };
    let (old_spec, new_spec) = (fixed(old), fixed(new));
    let differences = differences(Some(&old_spec), Some(&new_spec), "spec");
    if differences.is_empty() {
        return Vec::new();
    }
    vec![Finding::new(
        "statefulset-spec",
        format!("{key}: {}; {STATEFULSET_ADVICE}", describe_differences(&differences)),
    )]
}

/// A volume claim template as the API server keeps it: kind and apiVersion are implied, an
/// unset volumeMode is Filesystem, and status is not the template's.
fn normalize_claim_template(template: &mut Value) {
    if let Value::Object(fields) = template {
        fields.remove("apiVersion");
        fields.remove("kind");
        fields.remove("status");
        if let Some(Value::Object(spec)) = fields.get_mut("spec") {
            spec.entry("volumeMode").or_insert_with(|| "Filesystem".into());
        }
    }
}

/// The Job spec fields an update may not change (completions is handled on its own).
const JOB_IMMUTABLE: &[&str] = &[
    "selector",
    "template",
    "completionMode",
    "podFailurePolicy",
    "backoffLimitPerIndex",
    "managedBy",
    "successPolicy",
];

fn job(key: &str, old: &Value, new: &Value) -> Vec<Finding> {
    let spec = |object: &Value, field: &str| object.pointer(&format!("/spec/{field}")).cloned();
    let mut differences = Vec::new();
    for field in JOB_IMMUTABLE {
        let (mut before, mut after) = (spec(old, field), spec(new, field));
        if *field == "completionMode" {
            before.get_or_insert_with(|| "NonIndexed".into());
            after.get_or_insert_with(|| "NonIndexed".into());
        }
        differences.extend(self::differences(before.as_ref(), after.as_ref(), &format!("spec.{field}")));
    }
    let completions = |object: &Value| match (spec(object, "completions"), spec(object, "parallelism")) {
        // Both unset: the API server sets both to 1.
        (None, None) => Some(Value::from(1)),
        (completions, _) => completions,
    };
    let (before, after) = (completions(old), completions(new));
    let indexed = new.pointer("/spec/completionMode").and_then(Value::as_str) == Some("Indexed");
    // An Indexed Job may change completions together with parallelism (elastic Indexed Jobs).
    let elastic = indexed && after.is_some() && after == spec(new, "parallelism");
    if before != after && !elastic {
        differences.extend(self::differences(before.as_ref(), after.as_ref(), "spec.completions"));
    }
    if differences.is_empty() {
        return Vec::new();
    }
    vec![Finding::new("job-spec", format!("{key}: {}; {JOB_ADVICE}", describe_differences(&differences)))]
}

fn service(key: &str, old: &Value, new: &Value) -> Vec<Finding> {
    let text = |object: &Value, pointer: &str| object.pointer(pointer).and_then(Value::as_str).map(str::to_string);
    let kind_of = |object: &Value| text(object, "/spec/type").unwrap_or_else(|| "ClusterIP".into());
    let (old_type, new_type) = (kind_of(old), kind_of(new));
    let mut findings = Vec::new();
    if old_type != "ExternalName" && new_type != "ExternalName" {
        let cluster_ip =
            |object: &Value| text(object, "/spec/clusterIP").or_else(|| text(object, "/spec/clusterIPs/0"));
        findings.extend(cluster_ip_change(key, cluster_ip(old), cluster_ip(new)));
        let family = |object: &Value| text(object, "/spec/ipFamilies/0");
        if let (Some(before), Some(after)) = (family(old), family(new)) {
            if before != after {
                findings.push(Finding::new(
                    "service-ip-family",
                    format!(
                        "{key}: spec.ipFamilies[0] changes from {before} to {after}; the primary IP family of a \
                         Service cannot change: keep {before} first, or {NEW_NAME_OR_RECREATE}"
                    ),
                ));
            }
        }
    }
    if old_type == "LoadBalancer" && new_type == "LoadBalancer" {
        let (before, after) = (old.pointer("/spec/loadBalancerClass"), new.pointer("/spec/loadBalancerClass"));
        if before != after {
            findings.push(Finding::new(
                "service-load-balancer-class",
                format!(
                    "{key}: spec.loadBalancerClass changes from {} to {}; it may not change once the Service is a \
                     LoadBalancer: keep it, or {NEW_NAME_OR_RECREATE}",
                    shown(before),
                    shown(after)
                ),
            ));
        }
    }
    findings
}

/// A cluster IP the chart renders (`None` is headless; unset, the cluster allocates one).
fn cluster_ip_change(key: &str, before: Option<String>, after: Option<String>) -> Option<Finding> {
    let name = |ip: &Option<String>| match ip.as_deref() {
        None | Some("") => "unset (allocated by the cluster)".to_string(),
        Some(ip) => format!("{ip:?}"),
    };
    let message = match (before.as_deref().filter(|ip| !ip.is_empty()), after.as_deref().filter(|ip| !ip.is_empty())) {
        (before, after) if before == after => return None,
        // The API server copies the previous address into an update that leaves it out.
        (Some(previous), None) => format!(
            "{key}: spec.clusterIP changes from {} to unset, but Kubernetes keeps a cluster IP once set, so the \
             Service stays {}: keep rendering it, or {NEW_NAME_OR_RECREATE}",
            name(&before),
            if previous == "None" { "headless".to_string() } else { format!("at {previous}") }
        ),
        _ => format!(
            "{key}: spec.clusterIP changes from {} to {}; a Service's cluster IP (headless `None` included) may \
             not change once set: keep the previous one, or {NEW_NAME_OR_RECREATE}",
            name(&before),
            name(&after)
        ),
    };
    Some(Finding::new("service-cluster-ip", message))
}

fn role_ref(key: &str, old: &Value, new: &Value) -> Vec<Finding> {
    let differences = differences(old.get("roleRef"), new.get("roleRef"), "roleRef");
    if differences.is_empty() {
        return Vec::new();
    }
    vec![Finding::new(
        "role-ref",
        format!(
            "{key}: {}; a binding's roleRef cannot change: bind the new role under a new binding name, or \
             {NEW_NAME_OR_RECREATE}",
            describe_differences(&differences)
        ),
    )]
}

fn config_data(key: &str, kind: &str, old: &Value, new: &Value) -> Vec<Finding> {
    let mut findings = Vec::new();
    if kind == "Secret" {
        let secret_type = |object: &Value| object.get("type").cloned().unwrap_or_else(|| "Opaque".into());
        let (before, after) = (secret_type(old), secret_type(new));
        if before != after {
            findings.push(Finding::new(
                "secret-type",
                format!(
                    "{key}: type changes from {before} to {after}; a Secret's type is immutable: keep it, or \
                     {NEW_NAME_OR_RECREATE}"
                ),
            ));
        }
    }
    if old.get("immutable") != Some(&Value::Bool(true)) {
        return findings;
    }
    let mut differences = differences(Some(&Value::Bool(true)), new.get("immutable"), "immutable");
    for field in ["data", "binaryData", "stringData"] {
        differences.extend(self::differences(old.get(field), new.get(field), field));
    }
    if !differences.is_empty() {
        findings.push(Finding::new(
            "immutable-data",
            format!(
                "{key}: {}; the previous version marked it `immutable: true`, so neither its data nor the mark \
                 can change: give the changed data a new {kind} name (e.g. with a content hash), or \
                 {NEW_NAME_OR_RECREATE}",
                describe_differences(&differences)
            ),
        ));
    }
    findings
}

/// What Helm needs to know of a hook: when it runs and when Helm deletes it.
struct Hook {
    events: Vec<String>,
    delete_policies: Vec<String>,
}

impl Hook {
    fn of(object: &Value) -> Option<Hook> {
        let annotation = |name: &str| object.pointer(&format!("/metadata/annotations/{name}")).and_then(Value::as_str);
        let list = |text: &str| text.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        let events: Vec<String> = list(annotation("helm.sh~1hook")?);
        let mut delete_policies: Vec<String> = annotation("helm.sh~1hook-delete-policy").map(list).unwrap_or_default();
        // Helm's default for a hook that names no policy.
        if delete_policies.is_empty() {
            delete_policies.push("before-hook-creation".into());
        }
        Some(Hook { events, delete_policies })
    }

    fn runs_on_upgrade(&self) -> bool {
        self.events.iter().any(|e| e == "pre-upgrade" || e == "post-upgrade")
    }

    /// Whether the object a successful run made is still there afterwards.
    fn outlives_its_run(&self) -> bool {
        !self.delete_policies.iter().any(|p| p == "hook-succeeded")
    }

    fn deletes_before_creation(&self) -> bool {
        self.delete_policies.iter().any(|p| p == "before-hook-creation")
    }
}

/// A hook both versions render is created anew, never patched: it fails only when the object
/// of the previous run is still there and nothing deletes it first.
fn recreated_hook(key: &str, old: &Hook, new: &Hook) -> Option<Finding> {
    if !new.runs_on_upgrade() || new.deletes_before_creation() || !old.outlives_its_run() {
        return None;
    }
    Some(Finding::new(
        "hook-recreate",
        format!(
            "{key}: the hook runs on upgrade, but the object of its previous run is still there (delete policy {}) \
             and nothing deletes it first (delete policy {}), so Helm's create fails with \"already exists\": add \
             `before-hook-creation` to helm.sh/hook-delete-policy",
            old.delete_policies.join(","),
            new.delete_policies.join(",")
        ),
    ))
}

/// An object that becomes a hook, or stops being one: Helm tracks release resources and hooks
/// apart, so the upgrade either refuses or deletes the object.
fn hook_lifecycle(key: &str, old: Option<&Hook>, new: Option<&Hook>) -> Option<Finding> {
    let message = match (old, new) {
        // Release resources that the new version no longer lists are deleted after the
        // pre-upgrade hooks ran: a hook made then is deleted with them.
        (None, Some(hook)) if !hook.events.iter().any(|e| e == "post-upgrade") => format!(
            "{key}: was a resource of the release and becomes a hook ({}); on upgrade Helm deletes it as a resource \
             the release no longer has, after the pre-upgrade hooks (re)made it, so the release ends without it: \
             give the hook a new name, or also run it post-upgrade",
            hook.events.join(",")
        ),
        (None, Some(_)) => return None,
        // The object the hook left behind is not the release's: Helm refuses to take it over.
        (Some(hook), None) if hook.outlives_its_run() => format!(
            "{key}: was a hook (delete policy {}) and becomes a resource of the release; the object its last run \
             left is not owned by the release, so Helm refuses to create or adopt it (invalid ownership metadata): \
             give it a new name, or delete it before upgrading",
            hook.delete_policies.join(",")
        ),
        _ => return None,
    };
    Some(Finding::new("hook-lifecycle", message))
}

/// Release resources of the previous version in built-in API versions that Kubernetes
/// `kube_version` does not serve (`serves` answers for an apiVersion and kind).
pub fn removed_apis(
    previous: &BTreeMap<String, Value>,
    kube_version: &str,
    serves: impl Fn(&str, &str) -> bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (key, object) in previous {
        let api_version = object.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
        let kind = object.get("kind").and_then(Value::as_str).unwrap_or_default();
        if Hook::of(object).is_some() || !is_built_in(api_group(object)) || serves(api_version, kind) {
            continue;
        }
        findings.push(Finding::new(
            "api-removed",
            format!(
                "{key}: the previous version has it as {api_version}, which Kubernetes {kube_version} no longer \
                 serves, so Helm cannot read the release it upgrades (\"unable to build kubernetes objects from \
                 current release manifest\"): rewrite the stored release with the helm-mapkubeapis plugin before \
                 upgrading"
            ),
        ));
    }
    findings
}

/// `*.k8s.io` groups that Kubernetes does not serve itself: Kubernetes SIG projects install
/// them as CRDs (Gateway API, volume snapshots), so no Kubernetes version removes them.
const CRD_GROUPS_UNDER_K8S_IO: [&str; 2] = ["gateway.networking.k8s.io", "snapshot.storage.k8s.io"];

/// The core group and the `*.k8s.io` groups are Kubernetes' own (but those installed by
/// CRDs); others come from CRDs.
pub(crate) fn is_built_in(group: &str) -> bool {
    !group.contains('.') || (group.ends_with(".k8s.io") && !CRD_GROUPS_UNDER_K8S_IO.contains(&group))
}

fn api_group(object: &Value) -> &str {
    let api_version = object.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

/// One field that differs: its path and both values (`None`: absent).
type Difference = (String, Option<Value>, Option<Value>);

/// The leaf fields in which two values differ, by path (`a.b[0].c`).
fn differences(old: Option<&Value>, new: Option<&Value>, path: &str) -> Vec<Difference> {
    let mut found = Vec::new();
    collect_differences(old, new, path, &mut found);
    found
}

fn collect_differences(old: Option<&Value>, new: Option<&Value>, path: &str, found: &mut Vec<Difference>) {
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                collect_differences(a.get(key), b.get(key), &field_path(path, key), found);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                collect_differences(Some(x), Some(y), &format!("{path}[{index}]"), found);
            }
        }
        (a, b) if a != b => found.push((path.to_string(), a.cloned(), b.cloned())),
        _ => {}
    }
}

/// `path.key`, or `path["key"]` for a key that is no plain word (a label key such as
/// `app.kubernetes.io/name`), as kubectl's JSONPath writes it.
fn field_path(path: &str, key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        format!("{path}.{key}")
    } else {
        format!("{path}[{key:?}]")
    }
}

/// At most a few differences, each `path changes from A to B`.
fn describe_differences(differences: &[Difference]) -> String {
    const SHOWN: usize = 3;
    let mut text = String::new();
    for (index, (path, before, after)) in differences.iter().take(SHOWN).enumerate() {
        let separator = if index == 0 { "" } else { ", " };
        let _ = write!(text, "{separator}{path} changes from {} to {}", shown(before.as_ref()), shown(after.as_ref()));
    }
    if differences.len() > SHOWN {
        let _ = write!(text, " (and {} more field(s))", differences.len() - SHOWN);
    }
    text
}

fn shown(value: Option<&Value>) -> String {
    const LONGEST: usize = 80;
    let text = value.map_or_else(|| "unset".to_string(), Value::to_string);
    match text.char_indices().nth(LONGEST) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text,
    }
}

/// The values a chart accepts: its defaults and, when it has one, its values.schema.json.
pub struct AcceptedValues {
    pub defaults: Value,
    pub schema: Option<Value>,
    /// Top-level keys handed to subcharts (and `global`), whose values this chart does not know.
    pub passed_on: BTreeSet<String>,
}

impl AcceptedValues {
    /// Whether the chart reads a value at `path` (keys from the top).
    pub fn accepts(&self, path: &[&str]) -> bool {
        if path.first().is_some_and(|key| self.passed_on.contains(*key)) {
            return true;
        }
        match &self.schema {
            Some(schema) => schema_accepts(schema, schema, path, 0),
            None => defaults_accept(&self.defaults, path),
        }
    }
}

/// Without a schema Helm ignores unknown keys: a key is read when the defaults have it, or lie
/// below a default that is no closed map (an empty map, a list, a scalar, null).
fn defaults_accept(defaults: &Value, path: &[&str]) -> bool {
    let Some((key, rest)) = path.split_first() else { return true };
    match defaults {
        Value::Object(fields) if !fields.is_empty() => fields.get(*key).is_some_and(|v| defaults_accept(v, rest)),
        _ => true,
    }
}

/// References are followed this deep at most (a schema may refer to itself).
const MAX_REFERENCES: usize = 32;

/// Whether a JSON schema lets `path` exist: `properties`, `patternProperties` (any pattern is
/// taken to match) and `additionalProperties` decide each key; local `$ref`s are followed and
/// any branch of `allOf`/`anyOf`/`oneOf` may accept it.
fn schema_accepts(root: &Value, schema: &Value, path: &[&str], depth: usize) -> bool {
    let Some((key, rest)) = path.split_first() else { return true };
    let Value::Object(fields) = schema else { return !matches!(schema, Value::Bool(false)) };
    if let Some(reference) = fields.get("$ref").and_then(Value::as_str) {
        let target = reference.strip_prefix('#').and_then(|pointer| root.pointer(pointer));
        return match target {
            Some(target) if depth < MAX_REFERENCES => schema_accepts(root, target, path, depth + 1),
            // A reference this cannot follow: do not claim the key is refused.
            _ => true,
        };
    }
    let branches: Vec<&Value> = ["allOf", "anyOf", "oneOf"]
        .iter()
        .filter_map(|k| fields.get(*k))
        .filter_map(Value::as_array)
        .flatten()
        .collect();
    if branches.iter().any(|branch| schema_accepts(root, branch, path, depth + 1)) {
        return true;
    }
    if let Some(property) = fields.get("properties").and_then(|p| p.get(*key)) {
        return schema_accepts(root, property, rest, depth);
    }
    if fields.get("patternProperties").and_then(Value::as_object).is_some_and(|p| !p.is_empty()) {
        return true;
    }
    match fields.get("additionalProperties") {
        Some(Value::Bool(false)) => false,
        Some(additional @ Value::Object(_)) => schema_accepts(root, additional, rest, depth),
        // Open objects, and schemas that say nothing about keys, accept it.
        _ => true,
    }
}

/// The keys a values file sets that the previous chart accepted and this one does not, each
/// named once at the shallowest key this chart no longer has.
pub fn removed_values(file: &str, values: &Value, previous: &AcceptedValues, current: &AcceptedValues) -> Vec<Finding> {
    let mut set = Vec::new();
    leaf_paths(values, &mut Vec::new(), &mut set);
    let mut reported: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut findings = Vec::new();
    for path in set {
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        let Some(end) = (1..=keys.len()).find(|&end| !current.accepts(&keys[..end])) else { continue };
        let removed = &keys[..end];
        if !previous.accepts(removed) || !reported.insert(removed.iter().map(|k| k.to_string()).collect()) {
            continue;
        }
        findings.push(Finding::new(
            "removed-value",
            format!(
                "{file} sets {}, which the previous version of the chart read and this one no longer accepts \
                 (with a values schema Helm refuses the file, without one it ignores the key): remove it from \
                 {file}, or move it to the key that replaces it",
                removed.join(".")
            ),
        ));
    }
    findings
}

/// Every key path a values document sets to something other than null (Helm's "delete this key").
fn leaf_paths(value: &Value, path: &mut Vec<String>, found: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(fields) if !fields.is_empty() => {
            for (key, value) in fields {
                path.push(key.clone());
                leaf_paths(value, path, found);
                path.pop();
            }
        }
        Value::Null => {}
        _ if path.is_empty() => {}
        _ => found.push(path.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn objects(list: &[Value]) -> BTreeMap<String, Value> {
        list.iter()
            .map(|o| {
                (format!("{}/{}", o["kind"].as_str().unwrap(), o["metadata"]["name"].as_str().unwrap()), o.clone())
            })
            .collect()
    }

    /// The findings of upgrading from `old` to `new`, one object each.
    fn upgrade(old: Value, new: Value) -> Vec<Finding> {
        compare(&objects(&[old]), &objects(&[new]))
    }

    fn rules(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.rule).collect()
    }

    fn deployment(app: &str, image: &str) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
               "spec": {"replicas": 2, "selector": {"matchLabels": {"app": app}},
                        "template": {"metadata": {"labels": {"app": app}}, "spec": {"containers": [{"name": "web", "image": image}]}}}})
    }

    #[test]
    fn a_deployment_may_change_its_template_but_not_its_selector() {
        assert_eq!(upgrade(deployment("web", "web:1"), deployment("web", "web:2")), []);
        let findings = upgrade(deployment("web", "web:1"), deployment("frontend", "web:1"));
        assert_eq!(rules(&findings), ["selector"]);
        assert!(findings[0].message.starts_with(
            "Deployment/web: spec.selector.matchLabels.app changes from \"web\" to \"frontend\"; spec.selector is immutable"
        ));
    }

    #[test]
    fn label_keys_are_quoted_in_field_paths() {
        let old = json!({"matchLabels": {"app.kubernetes.io/name": "web"}});
        let new = json!({"matchLabels": {"app.kubernetes.io/name": "api"}});
        let found = differences(Some(&old), Some(&new), "spec.selector");
        assert_eq!(found[0].0, "spec.selector.matchLabels[\"app.kubernetes.io/name\"]");
    }

    #[test]
    fn daemonsets_and_replicasets_keep_their_selectors_too() {
        for kind in ["DaemonSet", "ReplicaSet"] {
            let with = |app: &str| {
                let mut object = deployment(app, "x:1");
                object["kind"] = kind.into();
                object
            };
            assert_eq!(rules(&upgrade(with("a"), with("b"))), ["selector"], "{kind}");
            assert_eq!(upgrade(with("a"), with("a")), [], "{kind}");
        }
    }

    fn statefulset(storage: &str, extra: Value) -> Value {
        let mut spec = json!({"replicas": 3, "serviceName": "cache", "selector": {"matchLabels": {"app": "cache"}},
            "template": {"metadata": {"labels": {"app": "cache"}}, "spec": {"containers": [{"name": "c", "image": "valkey:8"}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "data"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": storage}}}}]});
        if let (Value::Object(spec), Value::Object(extra)) = (&mut spec, extra) {
            spec.extend(extra);
        }
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "cache"}, "spec": spec})
    }

    #[test]
    fn a_statefulset_may_change_only_its_updatable_fields() {
        let changed = json!({"replicas": 5, "minReadySeconds": 10, "revisionHistoryLimit": 3,
            "updateStrategy": {"type": "OnDelete"}, "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Delete"},
            "template": {"metadata": {"labels": {"app": "cache"}}, "spec": {"containers": [{"name": "c", "image": "valkey:9"}]}}});
        assert_eq!(upgrade(statefulset("2Gi", json!({})), statefulset("2Gi", changed)), []);
        // Defaults the API server fills in are no change.
        let explicit = json!({"podManagementPolicy": "OrderedReady"});
        assert_eq!(upgrade(statefulset("2Gi", json!({})), statefulset("2Gi", explicit)), []);
    }

    #[test]
    fn a_statefulset_storage_size_change_is_refused_naming_the_field() {
        let findings = upgrade(statefulset("2Gi", json!({})), statefulset("4Gi", json!({})));
        assert_eq!(rules(&findings), ["statefulset-spec"]);
        assert!(findings[0].message.starts_with(
            "StatefulSet/cache: spec.volumeClaimTemplates[0].spec.resources.requests.storage changes from \"2Gi\" to \"4Gi\";"
        ));
        assert!(findings[0].message.contains("--cascade=orphan"));
    }

    #[test]
    fn a_statefulset_service_name_and_pod_management_policy_are_fixed() {
        let findings = upgrade(statefulset("2Gi", json!({})), statefulset("2Gi", json!({"serviceName": "other"})));
        assert!(findings[0].message.contains("spec.serviceName changes from \"cache\" to \"other\""));
        let parallel = json!({"podManagementPolicy": "Parallel"});
        let findings = upgrade(statefulset("2Gi", json!({})), statefulset("2Gi", parallel));
        assert!(findings[0].message.contains("spec.podManagementPolicy changes from \"OrderedReady\" to \"Parallel\""));
        let selector = json!({"selector": {"matchLabels": {"app": "valkey"}}});
        let findings = upgrade(statefulset("2Gi", json!({})), statefulset("2Gi", selector));
        assert!(findings[0].message.contains("spec.selector.matchLabels.app changes"));
    }

    fn job(image: &str, annotations: Value, extra: Value) -> Value {
        let mut spec = json!({"backoffLimit": 2, "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "m", "image": image}]}}});
        if let (Value::Object(spec), Value::Object(extra)) = (&mut spec, extra) {
            spec.extend(extra);
        }
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate", "annotations": annotations}, "spec": spec})
    }

    #[test]
    fn a_job_may_change_its_backoff_limit_but_not_its_template() {
        let retries = json!({"backoffLimit": 5, "completions": 1});
        assert_eq!(upgrade(job("m:1", json!({}), json!({})), job("m:1", json!({}), retries)), []);
        let findings = upgrade(job("m:1", json!({}), json!({})), job("m:2", json!({}), json!({})));
        assert_eq!(rules(&findings), ["job-spec"]);
        assert!(findings[0].message.starts_with(
            "Job/migrate: spec.template.spec.containers[0].image changes from \"m:1\" to \"m:2\"; an existing Job cannot change it"
        ));
        let findings = upgrade(job("m:1", json!({}), json!({})), job("m:1", json!({}), json!({"completions": 3})));
        assert!(findings[0].message.contains("spec.completions changes from 1 to 3"));
    }

    #[test]
    fn an_indexed_job_may_change_completions_with_parallelism() {
        let indexed = |n: u32| json!({"completionMode": "Indexed", "completions": n, "parallelism": n});
        assert_eq!(upgrade(job("m:1", json!({}), indexed(2)), job("m:1", json!({}), indexed(4))), []);
        let uneven = json!({"completionMode": "Indexed", "completions": 4, "parallelism": 2});
        assert_eq!(rules(&upgrade(job("m:1", json!({}), indexed(2)), job("m:1", json!({}), uneven))), ["job-spec"]);
    }

    #[test]
    fn a_hook_job_deleted_before_creation_may_change_anything() {
        let hook =
            json!({"helm.sh/hook": "pre-install,pre-upgrade", "helm.sh/hook-delete-policy": "before-hook-creation"});
        assert_eq!(upgrade(job("m:1", hook.clone(), json!({})), job("m:2", hook, json!({}))), []);
        // No policy at all is Helm's default, before-hook-creation.
        let bare = json!({"helm.sh/hook": "pre-upgrade"});
        assert_eq!(upgrade(job("m:1", bare.clone(), json!({})), job("m:2", bare, json!({}))), []);
    }

    #[test]
    fn a_hook_left_behind_and_created_again_is_refused() {
        let kept = json!({"helm.sh/hook": "pre-upgrade", "helm.sh/hook-delete-policy": "hook-failed"});
        let findings = upgrade(job("m:1", kept.clone(), json!({})), job("m:1", kept, json!({})));
        assert_eq!(rules(&findings), ["hook-recreate"]);
        assert!(findings[0].message.contains("add `before-hook-creation`"));
        let succeeded = json!({"helm.sh/hook": "pre-upgrade", "helm.sh/hook-delete-policy": "hook-succeeded"});
        assert_eq!(upgrade(job("m:1", succeeded.clone(), json!({})), job("m:1", succeeded, json!({}))), []);
    }

    #[test]
    fn a_resource_that_becomes_a_hook_or_stops_being_one_is_named() {
        let policy = |hook: Value| {
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "migrate", "annotations": hook},
                   "spec": {"podSelector": {}}})
        };
        let pre =
            json!({"helm.sh/hook": "pre-install,pre-upgrade", "helm.sh/hook-delete-policy": "before-hook-creation"});
        let findings = upgrade(policy(json!({})), policy(pre.clone()));
        assert_eq!(rules(&findings), ["hook-lifecycle"]);
        assert!(findings[0]
            .message
            .starts_with("NetworkPolicy/migrate: was a resource of the release and becomes a hook"));
        let post = json!({"helm.sh/hook": "pre-install,post-upgrade"});
        assert_eq!(upgrade(policy(json!({})), policy(post)), []);
        let findings = upgrade(policy(pre), policy(json!({})));
        assert!(findings[0].message.contains("Helm refuses to create or adopt it"));
        let deleted = json!({"helm.sh/hook": "pre-install", "helm.sh/hook-delete-policy": "hook-succeeded"});
        assert_eq!(upgrade(policy(deleted), policy(json!({}))), []);
    }

    fn service(spec: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "cache"}, "spec": spec})
    }

    #[test]
    fn a_service_keeps_its_cluster_ip() {
        let plain = || service(json!({"ports": [{"port": 80}]}));
        let headless = || service(json!({"clusterIP": "None", "ports": [{"port": 80}]}));
        assert_eq!(upgrade(plain(), service(json!({"ports": [{"port": 8080}], "type": "NodePort"}))), []);
        assert_eq!(upgrade(headless(), headless()), []);
        let findings = upgrade(plain(), headless());
        assert_eq!(rules(&findings), ["service-cluster-ip"]);
        assert!(findings[0].message.starts_with(
            "Service/cache: spec.clusterIP changes from unset (allocated by the cluster) to \"None\"; a Service's cluster IP"
        ));
        let findings = upgrade(headless(), plain());
        assert!(findings[0].message.contains("the Service stays headless"));
        // ExternalName has no cluster IP: switching to or from it is no cluster IP change.
        assert_eq!(upgrade(headless(), service(json!({"type": "ExternalName", "externalName": "db.example.com"}))), []);
    }

    #[test]
    fn a_load_balancer_keeps_its_class_and_a_service_its_primary_family() {
        let lb = |class: Value| service(json!({"type": "LoadBalancer", "loadBalancerClass": class}));
        assert_eq!(rules(&upgrade(lb("a".into()), lb("b".into()))), ["service-load-balancer-class"]);
        assert_eq!(upgrade(lb("a".into()), lb("a".into())), []);
        let family = |f: &str| service(json!({"ipFamilies": [f]}));
        assert_eq!(rules(&upgrade(family("IPv4"), family("IPv6"))), ["service-ip-family"]);
        assert_eq!(upgrade(family("IPv4"), family("IPv4")), []);
    }

    #[test]
    fn a_binding_keeps_its_role() {
        let binding = |role: &str| {
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "view"},
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}, "subjects": []})
        };
        assert_eq!(rules(&upgrade(binding("view"), binding("edit"))), ["role-ref"]);
        assert_eq!(upgrade(binding("view"), binding("view")), []);
    }

    #[test]
    fn immutable_config_keeps_its_data_and_a_secret_its_type() {
        let config = |immutable: bool, value: &str| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "immutable": immutable, "data": {"k": value}});
        assert_eq!(upgrade(config(false, "1"), config(false, "2")), []);
        assert_eq!(rules(&upgrade(config(true, "1"), config(true, "2"))), ["immutable-data"]);
        assert_eq!(rules(&upgrade(config(true, "1"), config(false, "1"))), ["immutable-data"]);
        let secret = |kind: Option<&str>| {
            let mut s = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}});
            if let Some(kind) = kind {
                s["type"] = kind.into();
            }
            s
        };
        assert_eq!(upgrade(secret(None), secret(Some("Opaque"))), []);
        assert_eq!(rules(&upgrade(secret(None), secret(Some("kubernetes.io/tls")))), ["secret-type"]);
    }

    #[test]
    fn the_same_kind_in_another_group_is_another_object() {
        let mut other = deployment("frontend", "web:1");
        other["apiVersion"] = "example.com/v1".into();
        assert_eq!(upgrade(deployment("web", "web:1"), other), []);
    }

    #[test]
    fn a_previous_api_version_the_cluster_no_longer_serves_is_named() {
        let pdb = |api_version: &str, annotations: Value| json!({"apiVersion": api_version, "kind": "PodDisruptionBudget", "metadata": {"name": "web", "annotations": annotations}});
        let served = |api_version: &str, _: &str| api_version != "policy/v1beta1";
        assert_eq!(removed_apis(&objects(&[pdb("policy/v1", json!({}))]), "1.34.0", served), []);
        let findings = removed_apis(&objects(&[pdb("policy/v1beta1", json!({}))]), "1.34.0", served);
        assert_eq!(rules(&findings), ["api-removed"]);
        assert!(findings[0].message.starts_with(
            "PodDisruptionBudget/web: the previous version has it as policy/v1beta1, which Kubernetes 1.34.0 no longer serves"
        ));
        // Hooks are not part of the release's resources; custom resources are not Kubernetes' to serve.
        let hook = json!({"helm.sh/hook": "pre-upgrade"});
        assert_eq!(removed_apis(&objects(&[pdb("policy/v1beta1", hook)]), "1.34.0", served), []);
        let custom = json!({"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "w"}});
        assert_eq!(removed_apis(&objects(&[custom]), "1.34.0", |_, _| false), []);
        // Gateway API is a *.k8s.io group served by its CRDs, not by Kubernetes.
        let route =
            json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "r"}});
        assert_eq!(removed_apis(&objects(&[route]), "1.34.0", |_, _| false), []);
        assert!(is_built_in("networking.k8s.io") && !is_built_in("gateway.networking.k8s.io"));
    }

    fn accepted(defaults: Value, schema: Option<Value>) -> AcceptedValues {
        AcceptedValues { defaults, schema, passed_on: BTreeSet::from(["global".to_string()]) }
    }

    #[test]
    fn a_values_key_the_chart_no_longer_has_is_named_once() {
        let previous =
            accepted(json!({"apps": {"web": {"replicas": 2, "legacyPort": 80}}, "podAnnotations": {}}), None);
        let current = accepted(json!({"apps": {"web": {"replicas": 2}}, "podAnnotations": {}}), None);
        let file = json!({"apps": {"web": {"replicas": 3, "legacyPort": 81}}, "podAnnotations": {"a": "b"}, "global": {"x": 1}});
        let findings = removed_values("values-prod.yaml", &file, &previous, &current);
        assert_eq!(rules(&findings), ["removed-value"]);
        assert!(findings[0]
            .message
            .starts_with("values-prod.yaml sets apps.web.legacyPort, which the previous version"));
        // A key neither version knows is no removal (lint reports it when the schema is closed).
        let unknown = json!({"apps": {"web": {"typo": 1}}});
        assert_eq!(removed_values("x.yaml", &unknown, &previous, &current), []);
        // A removed subtree is named once, at its top.
        let previous = accepted(json!({"apps": {"worker": {"replicas": 1, "queue": "q"}}}), None);
        let current = accepted(json!({"apps": {"web": {"replicas": 1}}}), None);
        let file = json!({"apps": {"worker": {"replicas": 2, "queue": "r"}}});
        let findings = removed_values("x.yaml", &file, &previous, &current);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.starts_with("x.yaml sets apps.worker,"));
    }

    #[test]
    fn a_values_schema_decides_which_keys_a_chart_accepts() {
        let schema = |app_fields: Value| {
            json!({"type": "object", "additionalProperties": false, "$defs": {"app": {"type": "object",
                "additionalProperties": false, "properties": app_fields}},
                "properties": {"apps": {"type": "object", "additionalProperties": false,
                    "properties": {"web": {"$ref": "#/$defs/app"}}},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}}}})
        };
        let previous = accepted(json!({}), Some(schema(json!({"replicas": {}, "storage": {"type": "object"}}))));
        let current = accepted(json!({}), Some(schema(json!({"replicas": {}}))));
        assert!(current.accepts(&["labels", "team"]));
        assert!(current.accepts(&["apps", "web", "replicas"]));
        assert!(!current.accepts(&["apps", "web", "storage"]));
        let file = json!({"apps": {"web": {"replicas": 1, "storage": {"size": "1Gi"}}}, "labels": {"team": "a"}});
        let findings = removed_values("values-dev.yaml", &file, &previous, &current);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.starts_with("values-dev.yaml sets apps.web.storage,"));
    }

    #[test]
    fn a_claim_template_is_compared_as_the_api_server_keeps_it() {
        let with_claim = |claim: Value| statefulset("2Gi", json!({"volumeClaimTemplates": [claim]}));
        let plain = json!({"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"]}});
        let kept = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
            "spec": {"accessModes": ["ReadWriteOnce"], "volumeMode": "Filesystem"}, "status": {"phase": "Pending"}});
        assert_eq!(upgrade(with_claim(plain.clone()), with_claim(kept)), []);
        let block =
            json!({"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "volumeMode": "Block"}});
        let findings = upgrade(with_claim(plain), with_claim(block));
        assert!(findings[0]
            .message
            .contains("spec.volumeClaimTemplates[0].spec.volumeMode changes from \"Filesystem\" to \"Block\""));
    }

    #[test]
    fn a_job_is_non_indexed_unless_it_says_so() {
        let explicit = json!({"completionMode": "NonIndexed"});
        assert_eq!(upgrade(job("m:1", json!({}), json!({})), job("m:1", json!({}), explicit)), []);
        let findings =
            upgrade(job("m:1", json!({}), json!({})), job("m:1", json!({}), json!({"completionMode": "Indexed"})));
        assert!(findings[0].message.contains("spec.completionMode changes from \"NonIndexed\" to \"Indexed\""));
        // Completions without parallelism stay what they are; parallelism alone leaves completions unset.
        let parallel = json!({"parallelism": 3});
        let findings = upgrade(job("m:1", json!({}), json!({})), job("m:1", json!({}), parallel));
        assert!(findings[0].message.contains("spec.completions changes from 1 to unset"), "{findings:?}");
        // A NonIndexed Job may not change completions even together with parallelism.
        let both = |n: u32| json!({"completions": n, "parallelism": n});
        assert_eq!(rules(&upgrade(job("m:1", json!({}), both(2)), job("m:1", json!({}), both(4)))), ["job-spec"]);
        let indexed_unset = json!({"completionMode": "Indexed"});
        let indexed = json!({"completionMode": "Indexed", "completions": 2, "parallelism": 2});
        assert_eq!(
            rules(&upgrade(job("m:1", json!({}), indexed_unset.clone()), job("m:1", json!({}), indexed_unset))),
            Vec::<&str>::new()
        );
        assert_eq!(
            rules(&upgrade(
                job("m:1", json!({}), indexed),
                job("m:1", json!({}), json!({"completionMode": "Indexed"}))
            )),
            ["job-spec"]
        );
    }

    #[test]
    fn a_hook_that_does_not_run_on_upgrade_is_never_recreated_by_one() {
        let kept = |events: &str| json!({"helm.sh/hook": events, "helm.sh/hook-delete-policy": "hook-failed"});
        assert_eq!(upgrade(job("m:1", kept("pre-install"), json!({})), job("m:1", kept("pre-install"), json!({}))), []);
        let findings =
            upgrade(job("m:1", kept("post-upgrade"), json!({})), job("m:1", kept("post-upgrade"), json!({})));
        assert_eq!(rules(&findings), ["hook-recreate"]);
        assert!(findings[0]
            .message
            .contains("(delete policy hook-failed) and nothing deletes it first (delete policy hook-failed)"));
        let both =
            json!({"helm.sh/hook": "pre-upgrade", "helm.sh/hook-delete-policy": "hook-failed,before-hook-creation"});
        assert_eq!(upgrade(job("m:1", kept("pre-upgrade"), json!({})), job("m:1", both, json!({}))), []);
        // Spaces and empty items in the annotations do not count.
        let spaced =
            json!({"helm.sh/hook": " pre-install , ,post-upgrade ", "helm.sh/hook-delete-policy": " hook-failed ,"});
        let findings = upgrade(job("m:1", spaced.clone(), json!({})), job("m:1", spaced, json!({})));
        assert_eq!(rules(&findings), ["hook-recreate"]);
        assert!(findings[0].message.contains("(delete policy hook-failed)"), "{findings:?}");
    }

    #[test]
    fn a_cluster_ip_is_read_from_cluster_ips_too_and_named_when_kept() {
        let ip = |spec: Value| service(spec);
        assert_eq!(upgrade(ip(json!({"clusterIP": "10.0.0.1"})), ip(json!({"clusterIPs": ["10.0.0.1"]}))), []);
        assert_eq!(upgrade(ip(json!({"clusterIP": ""})), ip(json!({}))), []);
        let findings = upgrade(ip(json!({"clusterIPs": ["10.0.0.1"]})), ip(json!({})));
        assert!(findings[0].message.starts_with(
            "Service/cache: spec.clusterIP changes from \"10.0.0.1\" to unset, but Kubernetes keeps a cluster IP once set, \
             so the Service stays at 10.0.0.1:"
        ), "{findings:?}");
        let findings = upgrade(ip(json!({"clusterIP": "10.0.0.1"})), ip(json!({"clusterIP": "10.0.0.2"})));
        assert!(findings[0]
            .message
            .starts_with("Service/cache: spec.clusterIP changes from \"10.0.0.1\" to \"10.0.0.2\"; "));
        assert_eq!(upgrade(service(json!({"type": "ExternalName"})), service(json!({"clusterIP": "None"}))), []);
    }

    #[test]
    fn a_class_or_family_only_one_side_has_is_judged_by_the_rules_own_terms() {
        let lb = |class: &str| service(json!({"type": "LoadBalancer", "loadBalancerClass": class}));
        // Leaving LoadBalancer, the class goes with it.
        assert_eq!(upgrade(lb("a"), service(json!({"type": "ClusterIP", "loadBalancerClass": "b"}))), []);
        assert_eq!(upgrade(service(json!({"type": "NodePort"})), lb("b")), []);
        let findings = upgrade(lb("a"), service(json!({"type": "LoadBalancer"})));
        assert!(findings[0].message.starts_with("Service/cache: spec.loadBalancerClass changes from \"a\" to unset;"));
        assert_eq!(upgrade(service(json!({"ipFamilies": ["IPv4"]})), service(json!({}))), []);
        assert_eq!(upgrade(service(json!({})), service(json!({"ipFamilies": ["IPv6"]}))), []);
        let findings =
            upgrade(service(json!({"ipFamilies": ["IPv4"]})), service(json!({"ipFamilies": ["IPv6", "IPv4"]})));
        assert!(findings[0].message.starts_with("Service/cache: spec.ipFamilies[0] changes from IPv4 to IPv6;"));
    }

    #[test]
    fn immutable_secrets_keep_every_kind_of_data() {
        let secret = |field: &str, value: &str| json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "immutable": true, field: {"k": value}});
        for field in ["data", "binaryData", "stringData"] {
            let findings = upgrade(secret(field, "a"), secret(field, "b"));
            assert_eq!(rules(&findings), ["immutable-data"], "{field}");
            assert!(findings[0].message.starts_with(&format!("Secret/s: {field}.k changes from \"a\" to \"b\"; ")));
            assert!(findings[0].message.contains("give the changed data a new Secret name"));
        }
        let findings = upgrade(secret("data", "a"), secret("data", "a"));
        assert_eq!(findings, []);
        let mut unmarked = secret("data", "a");
        unmarked.as_object_mut().unwrap().remove("immutable");
        let findings = upgrade(secret("data", "a"), unmarked);
        assert!(findings[0].message.starts_with("Secret/s: immutable changes from true to unset;"), "{findings:?}");
        let findings = upgrade(
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "type": "Opaque"}),
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "type": "kubernetes.io/tls"}),
        );
        assert!(findings[0].message.starts_with(
            "Secret/s: type changes from \"Opaque\" to \"kubernetes.io/tls\"; a Secret's type is immutable"
        ));
    }

    #[test]
    fn kinds_without_rules_and_objects_only_one_version_has_are_not_compared() {
        let config = |name: &str, value: &str| json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name}, "secrets": [{"name": value}]});
        assert_eq!(upgrade(config("a", "x"), config("a", "y")), []);
        assert_eq!(upgrade(deployment("web", "web:1"), config("web", "x")), []);
        let previous = objects(&[deployment("web", "web:1")]);
        let mut renamed = deployment("other", "web:1");
        renamed["metadata"]["name"] = "api".into();
        assert_eq!(compare(&previous, &objects(&[renamed])), []);
    }

    #[test]
    fn differences_are_listed_three_at_most_with_long_values_cut() {
        let old = json!({"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "": 1});
        let new = json!({"a": 2, "b": 2, "c": 2, "d": 2, "e": 2, "": 2});
        let found = differences(Some(&old), Some(&new), "spec");
        assert_eq!(found.len(), 6);
        assert_eq!(found[0].0, "spec[\"\"]");
        assert_eq!(
            describe_differences(&found),
            "spec[\"\"] changes from 1 to 2, spec.a changes from 1 to 2, spec.b changes from 1 to 2 (and 3 more field(s))"
        );
        assert_eq!(
            describe_differences(&found[..3]),
            "spec[\"\"] changes from 1 to 2, spec.a changes from 1 to 2, spec.b changes from 1 to 2"
        );
        let long = "x".repeat(100);
        assert_eq!(shown(Some(&json!(long))), format!("\"{}...", "x".repeat(79)));
        let exact = "x".repeat(78);
        assert_eq!(shown(Some(&json!(exact))), format!("\"{exact}\""));
        assert_eq!(shown(None), "unset");
        // Lists of another length differ as a whole.
        let found = differences(Some(&json!([1, 2])), Some(&json!([1, 2, 3])), "args");
        assert_eq!(found, [("args".to_string(), Some(json!([1, 2])), Some(json!([1, 2, 3])))]);
        let found = differences(Some(&json!([1, 2])), Some(&json!([1, 3])), "args");
        assert_eq!(found, [("args[1]".to_string(), Some(json!(2)), Some(json!(3)))]);
    }

    #[test]
    fn groups_kubernetes_serves_itself() {
        for group in ["", "apps", "networking.k8s.io", "rbac.authorization.k8s.io"] {
            assert!(is_built_in(group), "{group}");
        }
        for group in ["keda.sh", "snapshot.storage.k8s.io", "gateway.networking.k8s.io", "k8s.io.example.com"] {
            assert!(!is_built_in(group), "{group}");
        }
    }

    #[test]
    fn without_a_schema_keys_below_open_defaults_are_accepted() {
        let defaults = json!({"a": {"b": 1}, "open": {}, "list": [1], "scalar": "x", "null": null});
        for path in [&["a", "b"][..], &["open", "anything"], &["list", "x"], &["scalar", "x"], &["null", "x"], &[]] {
            assert!(defaults_accept(&defaults, path), "{path:?}");
        }
        assert!(defaults_accept(&defaults, &["a", "b", "c"]), "below a scalar default anything goes");
        assert!(!defaults_accept(&defaults, &["missing"]));
        assert!(!defaults_accept(&defaults, &["a", "c"]));
        assert!(accepted(json!({"apps": {}}), None).accepts(&["global", "x"]));
        assert!(!accepted(json!({"apps": {}}), None).accepts(&["other"]));
    }

    #[test]
    fn schema_keys_follow_references_branches_patterns_and_additional_properties() {
        let schema = json!({"type": "object", "additionalProperties": false,
            "properties": {
                "self": {"$ref": "#/properties/self"},
                "away": {"$ref": "https://example.com/schema.json"},
                "lost": {"$ref": "#/$defs/missing"},
                "never": false,
                "typed": {"additionalProperties": {"type": "object", "additionalProperties": false, "properties": {"x": {}}}},
                "patterned": {"additionalProperties": false, "patternProperties": {"^a": {}}},
                "noPatterns": {"additionalProperties": false, "patternProperties": {}},
                "either": {"additionalProperties": false, "anyOf": [{"additionalProperties": false, "properties": {"a": {}}},
                                     {"additionalProperties": false, "properties": {"b": {}}}]}}});
        let current = accepted(json!({}), Some(schema));
        assert!(current.accepts(&["self", "any", "depth"]), "a reference that loops is given up on, not refused");
        assert!(current.accepts(&["away", "x"]));
        assert!(current.accepts(&["lost", "x"]));
        assert!(!current.accepts(&["never", "x"]));
        assert!(current.accepts(&["never"]));
        assert!(current.accepts(&["typed", "any", "x"]));
        assert!(!current.accepts(&["typed", "any", "y"]));
        assert!(current.accepts(&["patterned", "zzz"]));
        assert!(!current.accepts(&["noPatterns", "zzz"]));
        assert!(current.accepts(&["either", "a"]) && current.accepts(&["either", "b"]));
        assert!(!current.accepts(&["either", "c"]));
        assert!(!current.accepts(&["other"]));
    }

    #[test]
    fn only_keys_the_previous_version_read_and_set_to_something_are_removed_values() {
        let previous = accepted(json!({"a": {"b": 1}, "c": 1}), None);
        let current = accepted(json!({"a": {"x": 1}}), None);
        // `c: null` deletes a default (no setting); a scalar document sets no key.
        assert_eq!(removed_values("f.yaml", &json!({"c": null}), &previous, &current), []);
        assert_eq!(removed_values("f.yaml", &json!("text"), &previous, &current), []);
        let findings = removed_values("f.yaml", &json!({"a": {"b": 2}, "c": 2}), &previous, &current);
        let texts: Vec<&str> = findings.iter().map(|f| f.message.split(',').next().unwrap_or_default()).collect();
        assert_eq!(texts, ["f.yaml sets a.b", "f.yaml sets c"]);
        assert!(findings[0].message.ends_with("remove it from f.yaml, or move it to the key that replaces it"));
        // An empty map sets nothing either.
        assert_eq!(removed_values("f.yaml", &json!({"c": {}}), &previous, &current).len(), 1);
    }

    #[test]
    fn word_keys_with_dashes_and_underscores_need_no_quotes() {
        assert_eq!(field_path("spec", "ephemeral-storage"), "spec.ephemeral-storage");
        assert_eq!(field_path("spec", "max_surge"), "spec.max_surge");
        assert_eq!(field_path("spec", "a b"), "spec[\"a b\"]");
    }

    /// A schema whose `deep` key is closed after `links` local references, the first reached
    /// through an `anyOf` branch when `branch`.
    fn reference_chain(links: usize, branch: bool) -> AcceptedValues {
        let mut defs = serde_json::Map::new();
        for i in 0..links - 1 {
            defs.insert(format!("d{i}"), json!({"$ref": format!("#/$defs/d{}", i + 1)}));
        }
        defs.insert(format!("d{}", links - 1), json!({"additionalProperties": false}));
        let first = json!({"$ref": "#/$defs/d0"});
        let deep = if branch { json!({"anyOf": [first], "additionalProperties": false}) } else { first };
        accepted(json!({}), Some(json!({"$defs": defs, "properties": {"deep": deep}})))
    }

    #[test]
    fn references_are_followed_32_deep_and_branches_count_toward_it() {
        // `links` references: the chain's first `$ref`, then links - 1 more to the closed end.
        assert!(!reference_chain(32, false).accepts(&["deep", "x"]), "32 references are followed");
        assert!(reference_chain(33, false).accepts(&["deep", "x"]), "the 33rd is not: the key is not refused");
        assert!(!reference_chain(31, true).accepts(&["deep", "x"]));
        assert!(reference_chain(32, true).accepts(&["deep", "x"]), "an anyOf branch is one level too");
    }

    #[test]
    fn a_values_document_sets_the_paths_of_its_leaves() {
        let paths = |value: Value| {
            let mut found = Vec::new();
            leaf_paths(&value, &mut Vec::new(), &mut found);
            found
        };
        assert_eq!(paths(json!("text")), Vec::<Vec<String>>::new());
        assert_eq!(paths(json!(null)), Vec::<Vec<String>>::new());
        assert_eq!(paths(json!({})), Vec::<Vec<String>>::new());
        assert_eq!(
            paths(json!({"a": {"b": 1, "c": {}, "d": null}, "e": [1]})),
            [vec!["a".to_string(), "b".to_string()], vec!["a".to_string(), "c".to_string()], vec!["e".to_string()]]
        );
    }
}
