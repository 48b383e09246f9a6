//! The structural difference of two objects: every field that differs, as a path. Lists that
//! Kubernetes merges by name (containers, env, ports, volumes, volumeMounts, ...) are
//! compared item by item under the item's name, so one added env variable is one difference,
//! not a shifted list; every other list is compared by position.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::path::{FieldPath, Segment, LISTS_BY_NAME};

/// A field present on one side only, or different on both. Manual is the "before".
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// Only in the generated chart.
    Added(Value),
    /// Only in the manual chart.
    Removed(Value),
    Changed(Value, Value),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    pub path: FieldPath,
    pub change: Change,
}

pub fn diff(manual: &Value, generated: &Value) -> Vec<Difference> {
    let mut differences = Vec::new();
    walk(&FieldPath::root(), manual, generated, &mut differences);
    differences
}

fn walk(path: &FieldPath, manual: &Value, generated: &Value, out: &mut Vec<Difference>) {
    match (manual, generated) {
        (Value::Object(m), Value::Object(g)) => maps(path, m, g, out),
        (Value::Array(m), Value::Array(g)) => match (by_name(path, m), by_name(path, g)) {
            (Some(m), Some(g)) => named(path, &m, &g, out),
            _ => positional(path, m, g, out),
        },
        (m, g) if m == g => {}
        (m, g) => out.push(Difference { path: path.clone(), change: Change::Changed(m.clone(), g.clone()) }),
    }
}

fn maps(path: &FieldPath, manual: &Map<String, Value>, generated: &Map<String, Value>, out: &mut Vec<Difference>) {
    let keys: std::collections::BTreeSet<&String> = manual.keys().chain(generated.keys()).collect();
    for key in keys {
        let child = path.key(key);
        match (manual.get(key), generated.get(key)) {
            (Some(m), Some(g)) => walk(&child, m, g, out),
            (Some(m), None) => out.push(Difference { path: child, change: Change::Removed(m.clone()) }),
            (None, Some(g)) => out.push(Difference { path: child, change: Change::Added(g.clone()) }),
            (None, None) => {}
        }
    }
}

/// The items of a list Kubernetes merges by name, keyed by it; `None` when the list is not
/// one of those or an item lacks a name or repeats one (then position is all there is).
fn by_name<'a>(path: &FieldPath, items: &'a [Value]) -> Option<BTreeMap<&'a str, &'a Value>> {
    let list = path.keys().last()?;
    if !LISTS_BY_NAME.contains(&list) || !matches!(path.segments().last(), Some(Segment::Key(_))) {
        return None;
    }
    let mut keyed = BTreeMap::new();
    for item in items {
        let name = item.get("name")?.as_str()?;
        if keyed.insert(name, item).is_some() {
            return None;
        }
    }
    Some(keyed)
}

fn named(
    path: &FieldPath,
    manual: &BTreeMap<&str, &Value>,
    generated: &BTreeMap<&str, &Value>,
    out: &mut Vec<Difference>,
) {
    let names: std::collections::BTreeSet<&&str> = manual.keys().chain(generated.keys()).collect();
    for name in names {
        let child = path.child(Segment::Name((*name).to_string()));
        match (manual.get(*name), generated.get(*name)) {
            (Some(m), Some(g)) => walk(&child, m, g, out),
            (Some(m), None) => out.push(Difference { path: child, change: Change::Removed((*m).clone()) }),
            (None, Some(g)) => out.push(Difference { path: child, change: Change::Added((*g).clone()) }),
            (None, None) => {}
        }
    }
}

fn positional(path: &FieldPath, manual: &[Value], generated: &[Value], out: &mut Vec<Difference>) {
    for index in 0..manual.len().max(generated.len()) {
        let child = path.child(Segment::Index(index));
        match (manual.get(index), generated.get(index)) {
            (Some(m), Some(g)) => walk(&child, m, g, out),
            (Some(m), None) => out.push(Difference { path: child, change: Change::Removed(m.clone()) }),
            (None, Some(g)) => out.push(Difference { path: child, change: Change::Added(g.clone()) }),
            (None, None) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lines(manual: Value, generated: Value) -> Vec<String> {
        diff(&manual, &generated)
            .into_iter()
            .map(|d| match d.change {
                Change::Added(g) => format!("{} + {g}", d.path),
                Change::Removed(m) => format!("{} - {m}", d.path),
                Change::Changed(m, g) => format!("{} {m} -> {g}", d.path),
            })
            .collect()
    }

    #[test]
    fn equal_objects_have_no_differences_whatever_the_key_order() {
        let a: Value = serde_json::from_str(r#"{"a": 1, "b": {"c": [1, 2]}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"b": {"c": [1, 2]}, "a": 1}"#).unwrap();
        assert!(diff(&a, &b).is_empty());
    }

    #[test]
    fn containers_and_env_pair_by_name() {
        let manual = json!({"containers": [
            {"name": "web", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}], "resources": {"limits": {"cpu": "500m"}}},
        ]});
        let generated = json!({"containers": [
            {"name": "web", "env": [{"name": "B", "value": "2"}, {"name": "C", "value": "3"}], "resources": {"limits": {"cpu": 1}}},
        ]});
        assert_eq!(
            lines(manual, generated),
            [
                "containers[web].env[A] - {\"name\":\"A\",\"value\":\"1\"}",
                "containers[web].env[C] + {\"name\":\"C\",\"value\":\"3\"}",
                "containers[web].resources.limits.cpu \"500m\" -> 1",
            ]
        );
    }

    #[test]
    fn other_lists_compare_by_position() {
        assert_eq!(lines(json!({"args": ["a", "b"]}), json!({"args": ["a"]})), ["args[1] - \"b\""]);
        // A list of names Kubernetes would merge, but with a nameless item: by position.
        assert_eq!(
            lines(json!({"env": [{"value": "x"}]}), json!({"env": [{"value": "y"}]})),
            ["env[0].value \"x\" -> \"y\""]
        );
    }

    #[test]
    fn a_field_on_one_side_is_one_difference() {
        assert_eq!(
            lines(json!({"spec": {}}), json!({"spec": {"securityContext": {"runAsNonRoot": true}}})),
            ["spec.securityContext + {\"runAsNonRoot\":true}"]
        );
    }
}
