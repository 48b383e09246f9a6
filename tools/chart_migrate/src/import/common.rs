//! Small readers shared by the import modules.

use serde_json::Value;

use super::fields::Fields;
use crate::path::FieldPath;

/// Labels the rules write themselves (with their own values): reproduced, not lost.
pub fn is_standard_label(key: &str) -> bool {
    key.starts_with("app.kubernetes.io/") || key == "helm.sh/chart"
}

/// What every object has and the rules always write: apiVersion, kind, name, standard labels.
pub fn take_identity(fields: &mut Fields) {
    for key in ["apiVersion", "kind"] {
        fields.take(&FieldPath::of_keys(&[key]));
    }
    fields.take(&FieldPath::of_keys(&["metadata", "name"]));
    take_standard_labels(fields, &FieldPath::of_keys(&["metadata", "labels"]));
}

pub fn take_standard_labels(fields: &mut Fields, labels: &FieldPath) {
    for key in fields.keys(labels) {
        if is_standard_label(&key) {
            fields.take(&labels.key(&key));
        }
    }
    // An emptied map is nothing left over.
    if fields.keys(labels).iter().all(|k| is_standard_label(k)) {
        fields.mark(labels);
    }
}

/// A scalar as the string Kubernetes would read (`cpu: 1` is the quantity "1").
pub fn scalar_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub fn string_list(value: &Value) -> Option<Vec<String>> {
    value.as_array()?.iter().map(scalar_string).collect()
}

/// Whether every label of `selector` is on `labels` (an empty selector selects nothing here:
/// it would select every pod, which no chart means).
pub fn selects(selector: Option<&Value>, labels: Option<&Value>) -> bool {
    let (Some(selector), Some(labels)) = (selector.and_then(Value::as_object), labels) else { return false };
    !selector.is_empty() && selector.iter().all(|(key, value)| labels.get(key) == Some(value))
}
