//! The fields of one rendered object, and which of them import has accounted for. Whatever
//! is left when import is done goes into the report, so nothing is dropped silently: a
//! field is either turned into an attribute, explained by a note, or listed as left over.

use serde_json::Value;

use crate::object::Object;
use crate::path::{FieldPath, Segment};

#[derive(Debug)]
pub struct Fields<'a> {
    pub object: &'a Object,
    /// `Kind/short-name`, as the report names the object.
    pub id: String,
    used: Vec<FieldPath>,
}

impl<'a> Fields<'a> {
    pub fn new(object: &'a Object, id: String) -> Fields<'a> {
        Fields { object, id, used: Vec::new() }
    }

    pub fn peek(&self, path: &FieldPath) -> Option<&'a Value> {
        path.lookup(&self.object.body)
    }

    /// The value at `path`, which counts as accounted for from now on.
    pub fn take(&mut self, path: &FieldPath) -> Option<&'a Value> {
        let value = self.peek(path);
        if value.is_some() {
            self.used.push(path.clone());
        }
        value
    }

    pub fn take_str(&mut self, path: &FieldPath) -> Option<&'a str> {
        self.take(path).and_then(Value::as_str)
    }

    /// Marks `path` accounted for (whatever is below it too).
    pub fn mark(&mut self, path: &FieldPath) {
        self.used.push(path.clone());
    }

    /// The item paths of the list at `path` (by name where Kubernetes merges by name).
    pub fn items(&self, path: &FieldPath) -> Vec<FieldPath> {
        match self.peek(path).and_then(Value::as_array) {
            Some(items) => path.items(items),
            None => Vec::new(),
        }
    }

    /// The keys of the mapping at `path`.
    pub fn keys(&self, path: &FieldPath) -> Vec<String> {
        self.peek(path).and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default()
    }

    /// Every field not accounted for, each at the outermost level at which nothing below it
    /// was used (a whole `tolerations` list is one entry, not one per key of each item).
    pub fn leftovers(&self) -> Vec<(FieldPath, &'a Value)> {
        let mut out = Vec::new();
        self.walk(&FieldPath::root(), &self.object.body, &mut out);
        out
    }

    fn walk(&self, path: &FieldPath, value: &'a Value, out: &mut Vec<(FieldPath, &'a Value)>) {
        if self.used.iter().any(|used| path.starts_with(used)) {
            return;
        }
        if !path.is_empty() && !self.used.iter().any(|used| used.starts_with(path)) && !splits(path, value) {
            out.push((path.clone(), value));
            return;
        }
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    self.walk(&path.key(key), child, out);
                }
            }
            Value::Array(items) => {
                for (item_path, item) in path.items(items).iter().zip(items) {
                    self.walk(item_path, item, out);
                }
            }
            _ => out.push((path.clone(), value)),
        }
    }
}

/// Whether a left-over subtree is reported in parts rather than whole: labels and
/// annotations key by key, lists Kubernetes merges by name item by item (each is its own
/// decision), and anything holding those.
fn splits(path: &FieldPath, value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            let keyed = matches!(path.segments().last(), Some(Segment::Key(k)) if k == "labels" || k == "annotations");
            (keyed && !map.is_empty()) || map.iter().any(|(key, child)| splits(&path.key(key), child))
        }
        Value::Array(items) => {
            matches!(path.items(items).first().and_then(|p| p.segments().last()), Some(Segment::Name(_)))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn leftovers_are_what_was_not_taken() {
        let object = Object {
            kind: "Deployment".into(),
            name: "web".into(),
            template: "t".into(),
            body: json!({
                "kind": "Deployment",
                "spec": {"replicas": 2, "paused": false, "template": {"spec": {"tolerations": [{"key": "a"}]}}}
            }),
        };
        let mut fields = Fields::new(&object, "Deployment/web".into());
        fields.take(&FieldPath::of_keys(&["kind"]));
        assert_eq!(fields.take(&FieldPath::of_keys(&["spec", "replicas"])), Some(&json!(2)));
        let left: Vec<String> = fields.leftovers().iter().map(|(p, v)| format!("{p}={v}")).collect();
        assert_eq!(left, ["spec.paused=false", "spec.template={\"spec\":{\"tolerations\":[{\"key\":\"a\"}]}}"]);
    }

    #[test]
    fn labels_and_lists_by_name_split_and_other_maps_stay_whole() {
        let labels = FieldPath::of_keys(&["metadata", "labels"]);
        assert!(splits(&labels, &json!({"team": "a"})));
        assert!(!splits(&labels, &json!({})));
        assert!(splits(&FieldPath::of_keys(&["metadata"]), &json!({"annotations": {"a": "1"}})));
        assert!(!splits(&FieldPath::of_keys(&["spec"]), &json!({"paused": false, "x": {"y": 1}})));
        let containers = FieldPath::of_keys(&["spec", "containers"]);
        assert!(splits(&containers, &json!([{"name": "web"}])));
        assert!(!splits(&FieldPath::of_keys(&["spec", "args"]), &json!(["a"])));
    }
}
