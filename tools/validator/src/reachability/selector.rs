//! Kubernetes label selectors (`matchLabels` and `matchExpressions`), as NetworkPolicies,
//! Services and ServiceMonitors use them.

use std::collections::BTreeMap;

use serde_json::Value;

pub type Labels = BTreeMap<String, String>;

/// A label selector: every requirement must hold; none selects everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selector {
    requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, PartialEq)]
enum Requirement {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
    /// An operator Kubernetes does not know (the schema check reports it): selects nothing.
    Invalid,
}

impl Selector {
    /// A `LabelSelector` object (`{matchLabels, matchExpressions}`).
    pub fn from_label_selector(value: &Value) -> Selector {
        let mut selector = Selector::from_match_labels(value.get("matchLabels"));
        let expressions = value.get("matchExpressions").and_then(Value::as_array).into_iter().flatten();
        selector.requirements.extend(expressions.map(requirement));
        selector
    }

    /// A plain map of labels, as a Service's `spec.selector`.
    pub fn from_match_labels(value: Option<&Value>) -> Selector {
        let pairs = value.and_then(Value::as_object).into_iter().flatten();
        let requirements = pairs.map(|(key, value)| Requirement::In(key.clone(), vec![scalar(value)])).collect();
        Selector { requirements }
    }

    /// Whether it selects everything (`{}`).
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        self.requirements.iter().all(|requirement| match requirement {
            Requirement::In(key, values) => labels.get(key).is_some_and(|v| values.contains(v)),
            Requirement::NotIn(key, values) => labels.get(key).is_none_or(|v| !values.contains(v)),
            Requirement::Exists(key) => labels.contains_key(key),
            Requirement::DoesNotExist(key) => !labels.contains_key(key),
            Requirement::Invalid => false,
        })
    }
}

fn requirement(expression: &Value) -> Requirement {
    let key = expression.get("key").map(scalar).unwrap_or_default();
    let values = expression.get("values").and_then(Value::as_array).into_iter().flatten().map(scalar).collect();
    match expression.get("operator").and_then(Value::as_str) {
        Some("In") => Requirement::In(key, values),
        Some("NotIn") => Requirement::NotIn(key, values),
        Some("Exists") => Requirement::Exists(key),
        Some("DoesNotExist") => Requirement::DoesNotExist(key),
        _ => Requirement::Invalid,
    }
}

/// A label value as text (YAML may have read `"1"` or `true` unquoted).
pub fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The labels at `value` (an object's `metadata.labels`).
pub fn labels(value: Option<&Value>) -> Labels {
    value.and_then(Value::as_object).into_iter().flatten().map(|(k, v)| (k.clone(), scalar(v))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels_of(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn match_labels_and_every_expression_must_hold() {
        let selector = Selector::from_label_selector(&json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["front", "edge"]},
                {"key": "canary", "operator": "DoesNotExist"},
                {"key": "zone", "operator": "NotIn", "values": ["b"]},
                {"key": "team", "operator": "Exists"}
            ]
        }));
        assert!(selector.matches(&labels_of(&[("app", "web"), ("tier", "edge"), ("team", "x")])));
        assert!(selector.matches(&labels_of(&[("app", "web"), ("tier", "front"), ("team", "x"), ("zone", "a")])));
        assert!(!selector.matches(&labels_of(&[("app", "web"), ("tier", "back"), ("team", "x")])));
        assert!(!selector.matches(&labels_of(&[("app", "web"), ("tier", "edge"), ("team", "x"), ("canary", "1")])));
        assert!(!selector.matches(&labels_of(&[("app", "web"), ("tier", "edge"), ("team", "x"), ("zone", "b")])));
        assert!(!selector.matches(&labels_of(&[("app", "web"), ("tier", "edge")])));
        assert!(!selector.matches(&labels_of(&[("app", "api"), ("tier", "edge"), ("team", "x")])));
    }

    #[test]
    fn an_empty_selector_selects_everything_and_an_unknown_operator_nothing() {
        assert!(Selector::from_label_selector(&json!({})).matches(&Labels::new()));
        assert!(Selector::from_label_selector(&json!({})).is_empty());
        let unknown = Selector::from_label_selector(&json!({"matchExpressions": [{"key": "a", "operator": "Near"}]}));
        assert!(!unknown.matches(&labels_of(&[("a", "1")])));
    }
}
