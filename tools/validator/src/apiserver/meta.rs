//! Object metadata: names per kind, labels and annotations (`ValidateObjectMeta` of
//! k8s.io/apimachinery pkg/api/validation/objectmeta.go and the name functions each kind's
//! validation passes it), and ConfigMap data.

use serde_json::Value;

use super::syntax;
use super::{entries, Report, ANNOTATIONS, CONFIG_MAP, LABELS, OBJECT_NAME};

/// `TotalAnnotationSizeLimitB`: keys and values of one object's annotations together.
const ANNOTATIONS_MAX_BYTES: usize = 256 * 1024;

/// `MaxSecretSize`, which also bounds a ConfigMap's data (`ValidateConfigMap`).
const CONFIG_MAP_MAX_BYTES: usize = 1024 * 1024;

/// A CronJob's name leaves 11 characters of a DNS-1035 label for the suffix of the Jobs it
/// creates (`ValidateCronJobCreate`).
const CRON_JOB_NAME_MAX: usize = 52;

/// A StatefulSet's name leaves 11 characters of a label value for the revision hash its
/// controller appends in every pod's `controller-revision-hash` label.
const STATEFUL_SET_NAME_MAX: usize = 52;

pub fn check(kind: &str, object: &Value, report: &mut Report) {
    let metadata = object.get("metadata").unwrap_or(&Value::Null);
    let name = metadata.get("name").and_then(Value::as_str).unwrap_or_default();
    report.check(OBJECT_NAME, "metadata.name", name_rule(kind, name));
    labels(metadata, "metadata", report);
    annotations(metadata, "metadata", report);
}

/// The name rule of each kind the composer renders.
fn name_rule(kind: &str, name: &str) -> Result<(), String> {
    match kind {
        // ValidateServiceName: a Service name is a DNS label, its cluster DNS name.
        "Service" => syntax::dns1035_label(name),
        "CronJob" if name.len() > CRON_JOB_NAME_MAX => {
            Err(format!("{name:?} is {} characters long; a CronJob name must be no more than 52", name.len()))
        }
        // Not the API server's rule but its StatefulSet controller's: each pod is labelled
        // `controller-revision-hash: <name>-<10-character hash>`, a label value of at most
        // 63 characters, so a longer name is accepted and then never gets a pod
        // (kubernetes/kubernetes#64023; `ControllerRevisionName`).
        "StatefulSet" if name.len() > STATEFUL_SET_NAME_MAX => Err(format!(
            "{name:?} is {} characters long; a StatefulSet name must be no more than 52: its pods carry the \
             label controller-revision-hash: <name>-<10-character hash>, at most 63 characters, so the \
             StatefulSet controller could create none",
            name.len()
        )),
        // ValidateRoleName and its kin: RBAC names are path segments.
        "Role" | "RoleBinding" | "ClusterRole" | "ClusterRoleBinding" => syntax::path_segment_name(name),
        "Namespace" => syntax::dns1123_label(name),
        // Deployments, StatefulSets, Jobs, CronJobs, ConfigMaps, ServiceAccounts, Ingresses,
        // NetworkPolicies, autoscalers, disruption budgets and custom resources.
        _ => syntax::dns1123_subdomain(name),
    }
}

/// `ValidateLabels`: keys are qualified names, values label values.
pub fn labels(metadata: &Value, path: &str, report: &mut Report) {
    for (key, value) in entries(metadata, "labels") {
        report.check(LABELS, format!("{path}.labels"), syntax::qualified_name(key));
        let value = value.as_str().unwrap_or_default();
        report.check(LABELS, format!("{path}.labels[{key}]"), syntax::label_value(value));
    }
}

/// `ValidateAnnotations`: keys are qualified names (compared lowercased), and all of them
/// with their values take at most 256 KiB.
pub fn annotations(metadata: &Value, path: &str, report: &mut Report) {
    let mut size = 0;
    for (key, value) in entries(metadata, "annotations") {
        report.check(ANNOTATIONS, format!("{path}.annotations"), syntax::qualified_name(&key.to_ascii_lowercase()));
        size += key.len() + value.as_str().map_or(0, str::len);
    }
    if size > ANNOTATIONS_MAX_BYTES {
        report.add(
            ANNOTATIONS,
            format!("{path}.annotations"),
            format!("{size} bytes of annotations; the total may be at most {ANNOTATIONS_MAX_BYTES} bytes (256 KiB)"),
        );
    }
}

/// `ValidateConfigMap`: keys are ConfigMap keys, none in both data and binaryData, and the
/// data takes at most 1 MiB.
pub fn config_map(object: &Value, report: &mut Report) {
    let mut size = 0;
    for field in ["data", "binaryData"] {
        for (key, value) in entries(object, field) {
            report.check(CONFIG_MAP, format!("{field}[{key}]"), config_key(key));
            // Values count, keys do not; binaryData's base64 text stands in for its bytes.
            size += value.as_str().map_or(0, str::len);
        }
    }
    for (key, _) in entries(object, "data") {
        if object.pointer(&format!("/binaryData/{}", key.replace('~', "~0").replace('/', "~1"))).is_some() {
            report.add(CONFIG_MAP, format!("binaryData[{key}]"), "duplicate of a key in data");
        }
    }
    if size > CONFIG_MAP_MAX_BYTES {
        report.add(
            CONFIG_MAP,
            "data",
            format!("{size} bytes; a ConfigMap holds at most {CONFIG_MAP_MAX_BYTES} (1 MiB)"),
        );
    }
}

/// `IsConfigMapKey`: 1 to 253 of `[-._a-zA-Z0-9]`, not `.`, `..` nor starting with `..`.
fn config_key(key: &str) -> Result<(), String> {
    let valid = !key.is_empty()
        && key.len() <= 253
        && key.chars().all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
        && key != "."
        && !key.starts_with("..");
    if valid {
        Ok(())
    } else {
        Err(format!("{key:?} is not a ConfigMap key (1 to 253 letters, digits, '-', '_' or '.', not '.' or '..')"))
    }
}
