//! Differences: the overlay (only what the recommendations change, as values Helm merges
//! over the chart's) and the changes between two renders of a chart, object by object.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::apply::Plan;
use crate::paths::{self, ValuesPath};

/// The overlay of a plan: every changed value, and where a change is inside a list, the
/// whole list (Helm replaces lists, it never merges them).
pub fn overlay(plan: &Plan) -> Value {
    let mut overlay = Map::new();
    for applied in &plan.applied {
        for change in &applied.changes {
            let root = change.path.before_first_index();
            if let Some(value) = paths::get(&plan.proposed, &root) {
                paths::insert_creating(&mut overlay, &root, value.clone());
            }
        }
    }
    Value::Object(overlay)
}

/// `base` with `overlay` merged over it as Helm coalesces values files: maps merge key by
/// key, anything else (lists included) is replaced.
pub fn merge(base: &Value, overlay: &Value) -> Value {
    match (base, overlay) {
        (Value::Object(base), Value::Object(over)) => {
            let mut merged = base.clone();
            for (key, value) in over {
                let combined = match base.get(key) {
                    Some(existing) => merge(existing, value),
                    None => value.clone(),
                };
                merged.insert(key.clone(), combined);
            }
            Value::Object(merged)
        }
        _ => overlay.clone(),
    }
}

/// One field that differs between two JSON documents: its JSON pointer and both values
/// (`None`: absent on that side).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub pointer: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Every leaf that differs between `before` and `after` (lists compared item by item).
pub fn fields(before: &Value, after: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk(String::new(), Some(before), Some(after), &mut out);
    out
}

fn walk(pointer: String, before: Option<&Value>, after: Option<&Value>, out: &mut Vec<FieldChange>) {
    match (before, after) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                walk(format!("{pointer}/{escaped}"), a.get(key), b.get(key), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for index in 0..a.len().max(b.len()) {
                walk(format!("{pointer}/{index}"), a.get(index), b.get(index), out);
            }
        }
        (a, b) if a != b => out.push(FieldChange { pointer, before: a.cloned(), after: b.cloned() }),
        _ => {}
    }
}

/// Rendered objects by `Kind/name`, from Helm's render (template path to manifest text);
/// NOTES.txt and helpers, which are no manifests, are left out.
pub fn objects(manifests: &BTreeMap<String, String>) -> Result<BTreeMap<String, Value>, String> {
    let mut objects = BTreeMap::new();
    let is_manifest = |name: &str| name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json");
    for (template, text) in manifests.iter().filter(|(name, _)| is_manifest(name)) {
        for document in serde_yaml_ng::Deserializer::from_str(text) {
            let value: Value = serde::Deserialize::deserialize(document).map_err(|e| format!("{template}: {e}"))?;
            if value.is_null() {
                continue;
            }
            let kind = value.get("kind").and_then(Value::as_str).unwrap_or("?");
            let name = value.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("?");
            objects.insert(format!("{kind}/{name}"), value);
        }
    }
    Ok(objects)
}

/// Field changes per object between two renders (objects added or removed show as one
/// change of the whole object).
pub fn rendered(
    before: &BTreeMap<String, Value>,
    after: &BTreeMap<String, Value>,
) -> BTreeMap<String, Vec<FieldChange>> {
    let names: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let mut changes = BTreeMap::new();
    for name in names {
        let mut fields_changed = Vec::new();
        walk(String::new(), before.get(name), after.get(name), &mut fields_changed);
        if !fields_changed.is_empty() {
            changes.insert(name.clone(), fields_changed);
        }
    }
    changes
}

/// `apps.x.replicas` as the JSON pointer `/apps/x/replicas`.
pub fn pointer(path: &ValuesPath) -> String {
    path.segments()
        .iter()
        .map(|segment| match segment {
            paths::Segment::Key(key) => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
            paths::Segment::Index(index) => format!("/{index}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::{Applied, Change};
    use crate::input::{Recommendation, ScalarValue};
    use serde_json::json;

    fn applied(paths_after: &[&str]) -> Vec<Applied> {
        paths_after
            .iter()
            .map(|path| Applied {
                recommendation: Recommendation {
                    key: path.to_string(),
                    value: ScalarValue::Bool(true),
                    reason: "r".into(),
                    confidence: 1.0,
                },
                changes: vec![Change { path: path.parse().unwrap(), before: None, after: json!(0) }],
            })
            .collect()
    }

    #[test]
    fn overlay_holds_only_changed_values_and_whole_lists() {
        let effective = json!({"a": {"b": 1, "c": 2, "l": [{"m": {"v": "1"}}, {"m": {"v": "2"}}]}, "d": 3});
        let proposed = json!({"a": {"b": 5, "c": 2, "l": [{"m": {"v": "1"}}, {"m": {"v": "9"}}]}, "d": 3});
        let plan = Plan {
            effective: effective.clone(),
            proposed: proposed.clone(),
            applied: applied(&["a.b", "a.l[1].m.v"]),
            unchanged: vec![],
            skipped: vec![],
            unmapped: vec![],
        };
        let overlay = overlay(&plan);
        assert_eq!(overlay, json!({"a": {"b": 5, "l": [{"m": {"v": "1"}}, {"m": {"v": "9"}}]}}));
        assert_eq!(merge(&effective, &overlay), proposed, "the overlay over the effective values is the plan");
    }

    #[test]
    fn field_changes_by_pointer() {
        let before = json!({"spec": {"replicas": 2, "k/x": "a", "list": [1, 2]}});
        let after = json!({"spec": {"replicas": 4, "k/x": "a", "list": [1], "new": true}});
        let changes = fields(&before, &after);
        let pointers: Vec<&str> = changes.iter().map(|c| c.pointer.as_str()).collect();
        assert_eq!(pointers, ["/spec/list/1", "/spec/new", "/spec/replicas"]);
        assert_eq!(changes[2].before, Some(json!(2)));
        assert_eq!(changes[1].before, None);
        assert!(fields(&before, &before).is_empty());
    }

    #[test]
    fn objects_are_keyed_by_kind_and_name() {
        let mut manifests = BTreeMap::new();
        manifests.insert(
            "c/templates/a.yaml".to_string(),
            "---\n# Source: x\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n---\n".to_string(),
        );
        manifests.insert("c/templates/NOTES.txt".to_string(), "Reach it at: http://x\n".to_string());
        let objects = objects(&manifests).unwrap();
        assert_eq!(objects.keys().collect::<Vec<_>>(), ["ConfigMap/a"]);
        let mut changed = objects.clone();
        changed.get_mut("ConfigMap/a").unwrap()["data"]["k"] = json!("w");
        let diff = rendered(&objects, &changed);
        assert_eq!(diff["ConfigMap/a"][0].pointer, "/data/k");
    }

    #[test]
    fn values_paths_become_escaped_json_pointers() {
        let path: ValuesPath = r#"apps.api.config.data."a/b~c".list[2]"#.parse().unwrap();
        assert_eq!(pointer(&path), "/apps/api/config/data/a~1b~0c/list/2");
    }

    #[test]
    fn yml_and_json_templates_are_manifests_too() {
        let manifests = BTreeMap::from([
            ("c/templates/a.yml".to_string(), "kind: Service\nmetadata:\n  name: s\n".to_string()),
            ("c/templates/b.json".to_string(), r#"{"kind": "Secret", "metadata": {"name": "t"}}"#.to_string()),
            ("c/templates/_helpers.tpl".to_string(), "kind: Nope\n".to_string()),
        ]);
        assert_eq!(objects(&manifests).unwrap().keys().collect::<Vec<_>>(), ["Secret/t", "Service/s"]);
    }
}
