//! The Kubernetes API server's own validation rules, beyond the OpenAPI schemas the
//! Kubernetes-schema check reads: bounds between fields (requests at most limits, minReplicas
//! at most maxReplicas), string grammars (names, labels, port names, cron schedules, hosts,
//! paths) and uniqueness, as `pkg/apis/*/validation` of Kubernetes applies them when an object
//! is created. Each finding names its rule (one of [`RULES`]), the object and the field; the
//! list of rules and their sources is docs/api-server-rules.md.

mod cron;
mod meta;
mod networking;
mod pod;
mod quantity;
mod scaling;
mod syntax;
mod workloads;

use std::collections::BTreeMap;
use std::fmt::Display;

use serde_json::Value;

/// Every rule a finding can name (`api-server:<rule>`); the unit tests break each one.
#[cfg(test)]
const RULES: [&str; 26] = [
    OBJECT_NAME,
    LABELS,
    ANNOTATIONS,
    REQUESTS_WITHIN_LIMITS,
    QUANTITY,
    PROBE,
    UNIQUE_NAMES,
    PORT,
    VOLUME_MOUNT,
    POD,
    SELECTOR,
    DEPLOYMENT,
    STATEFUL_SET,
    DAEMON_SET,
    JOB,
    CRON_SCHEDULE,
    CRON_TIME_ZONE,
    CRON_JOB,
    SERVICE_PORTS,
    INGRESS_HOST,
    INGRESS_PATH,
    INGRESS_BACKEND,
    NETWORK_POLICY,
    HPA,
    PDB,
    CONFIG_MAP,
];

/// KEDA's own rules, enforced by its admission webhook and controller.
#[cfg(test)]
const KEDA_RULES: [&str; 1] = [KEDA_REPLICAS];

pub const OBJECT_NAME: &str = "object-name";
pub const LABELS: &str = "labels";
pub const ANNOTATIONS: &str = "annotations";
pub const REQUESTS_WITHIN_LIMITS: &str = "requests-within-limits";
pub const QUANTITY: &str = "quantity";
pub const PROBE: &str = "probe";
pub const UNIQUE_NAMES: &str = "unique-names";
pub const PORT: &str = "port";
pub const VOLUME_MOUNT: &str = "volume-mount";
pub const POD: &str = "pod";
pub const SELECTOR: &str = "selector";
pub const DEPLOYMENT: &str = "deployment";
pub const STATEFUL_SET: &str = "statefulset";
pub const DAEMON_SET: &str = "daemonset";
pub const JOB: &str = "job";
pub const CRON_SCHEDULE: &str = "cron-schedule";
pub const CRON_TIME_ZONE: &str = "cron-time-zone";
pub const CRON_JOB: &str = "cronjob";
pub const SERVICE_PORTS: &str = "service-ports";
pub const INGRESS_HOST: &str = "ingress-host";
pub const INGRESS_PATH: &str = "ingress-path";
pub const INGRESS_BACKEND: &str = "ingress-backend";
pub const NETWORK_POLICY: &str = "network-policy";
pub const HPA: &str = "hpa";
pub const PDB: &str = "pdb";
pub const CONFIG_MAP: &str = "configmap";
pub const KEDA_REPLICAS: &str = "keda-replicas";

/// One broken rule: which, and where (`Kind/name: field: what`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub message: String,
}

/// Checks every object of one render run and returns the findings, in object order.
pub fn check(objects: &BTreeMap<String, Value>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (name, object) in objects {
        let mut report = Report { object: name, findings: &mut findings };
        check_object(object, &mut report);
    }
    findings
}

fn check_object(object: &Value, report: &mut Report) {
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or_default();
    meta::check(kind, object, report);
    let spec = object.get("spec").unwrap_or(&Value::Null);
    match kind {
        "Deployment" => workloads::deployment(spec, report),
        "StatefulSet" => workloads::stateful_set(spec, report),
        "DaemonSet" => workloads::daemon_set(spec, report),
        "Job" => workloads::job(spec, "spec", report),
        "CronJob" => workloads::cron_job(spec, report),
        "Service" => networking::service(spec, report),
        "Ingress" => networking::ingress(spec, report),
        "NetworkPolicy" => networking::network_policy(spec, report),
        "HorizontalPodAutoscaler" => scaling::hpa(spec, report),
        "PodDisruptionBudget" => scaling::pdb(spec, report),
        "ScaledObject" => scaling::scaled_object(spec, report),
        "ConfigMap" => meta::config_map(object, report),
        _ => {}
    }
}

/// The findings of one object, each added with its rule and field.
pub(crate) struct Report<'a> {
    object: &'a str,
    findings: &'a mut Vec<Finding>,
}

impl Report<'_> {
    fn add(&mut self, rule: &'static str, field: impl Display, what: impl Display) {
        self.findings.push(Finding { rule, message: format!("{}: {field}: {what}", self.object) });
    }

    fn check(&mut self, rule: &'static str, field: impl Display, result: Result<(), String>) {
        if let Err(what) = result {
            self.add(rule, field, what);
        }
    }

    /// A whole-number field that must be at least `minimum` when set.
    fn at_least(&mut self, rule: &'static str, value: &Value, key: &str, path: &str, minimum: i64) {
        if let Some(number) = int(value, key).filter(|n| *n < minimum) {
            self.add(rule, format!("{path}.{key}"), format!("{number} must be greater than or equal to {minimum}"));
        }
    }

    /// A string field that must be one of `allowed` when set.
    fn one_of(&mut self, rule: &'static str, value: &Value, key: &str, path: &str, allowed: &[&str]) {
        if let Some(text) = text(value, key).filter(|t| !allowed.contains(t)) {
            self.add(rule, format!("{path}.{key}"), format!("{text:?} is not one of {}", allowed.join(", ")));
        }
    }
}

fn text<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    value.get(key).and_then(Value::as_str)
}

fn int(value: &Value, key: &str) -> Option<i64> {
    value.get(key).and_then(Value::as_i64)
}

/// The elements of an array field, none when it is absent.
fn items<'v>(value: &'v Value, key: &str) -> impl Iterator<Item = &'v Value> {
    value.get(key).and_then(Value::as_array).into_iter().flatten()
}

/// The entries of an object field, none when it is absent.
fn entries<'v>(value: &'v Value, key: &str) -> impl Iterator<Item = (&'v String, &'v Value)> {
    value.get(key).and_then(Value::as_object).into_iter().flatten()
}

/// Whether a label selector (`matchLabels` and `matchExpressions`) selects `labels`, as
/// `metav1.LabelSelectorAsSelector` reads it.
fn selector_matches(selector: &Value, labels: &Value) -> bool {
    let label = |key: &str| labels.get(key).and_then(Value::as_str);
    let labels_match = entries(selector, "matchLabels").all(|(k, v)| label(k) == v.as_str());
    let expressions_match = items(selector, "matchExpressions").all(|e| {
        let key = text(e, "key").unwrap_or_default();
        let values: Vec<&str> = items(e, "values").filter_map(Value::as_str).collect();
        match text(e, "operator").unwrap_or_default() {
            "In" => label(key).is_some_and(|v| values.contains(&v)),
            "NotIn" => label(key).is_none_or(|v| !values.contains(&v)),
            "Exists" => label(key).is_some(),
            "DoesNotExist" => label(key).is_none(),
            _ => false,
        }
    });
    labels_match && expressions_match
}

/// Whether a selector has neither matchLabels nor matchExpressions.
fn selector_is_empty(selector: &Value) -> bool {
    entries(selector, "matchLabels").next().is_none() && items(selector, "matchExpressions").next().is_none()
}

#[cfg(test)]
pub(crate) mod tests;
