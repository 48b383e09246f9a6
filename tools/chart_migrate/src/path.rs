//! Field paths inside a Kubernetes object, written the way a reviewer reads them:
//! `spec.template.spec.containers[web].resources.limits.cpu`, a label key that is not a plain
//! word quoted (`metadata.labels["app.kubernetes.io/name"]`), list items by name where
//! Kubernetes merges them by name, by index elsewhere (`args[0]`).

use std::fmt;

use serde_json::Value;

/// Lists whose items Kubernetes identifies by their `name` (its merge key for most of them;
/// container ports, merged by containerPort there, carry a name in the charts these tools
/// read, and a name says more to a reviewer than a number).
pub const LISTS_BY_NAME: &[&str] = &[
    "containers",
    "initContainers",
    "ephemeralContainers",
    "env",
    "ports",
    "volumes",
    "volumeMounts",
    "imagePullSecrets",
];

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Segment {
    /// A key of a mapping.
    Key(String),
    /// An item of a list whose items Kubernetes identifies by their `name`.
    Name(String),
    /// An item of any other list.
    Index(usize),
    /// An item of a list by name that one chart names differently (a renamed container):
    /// its manual name, then its generated one.
    Renamed(String, String),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct FieldPath(Vec<Segment>);

impl FieldPath {
    pub fn root() -> FieldPath {
        FieldPath(Vec::new())
    }

    pub fn of_keys(keys: &[&str]) -> FieldPath {
        FieldPath(keys.iter().map(|k| Segment::Key((*k).to_string())).collect())
    }

    pub fn child(&self, segment: Segment) -> FieldPath {
        let mut segments = self.0.clone();
        segments.push(segment);
        FieldPath(segments)
    }

    pub fn key(&self, key: &str) -> FieldPath {
        self.child(Segment::Key(key.to_string()))
    }

    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// The mapping keys along the path, list items skipped.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|s| match s {
            Segment::Key(k) => Some(k.as_str()),
            _ => None,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn starts_with(&self, prefix: &FieldPath) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// The value at this path in `root`, a `Name` segment finding the list item of that name.
    pub fn lookup<'a>(&self, root: &'a Value) -> Option<&'a Value> {
        self.0.iter().try_fold(root, |value, segment| match segment {
            Segment::Key(key) => value.get(key),
            Segment::Index(index) => value.get(index),
            Segment::Name(name) | Segment::Renamed(name, _) => {
                value.as_array()?.iter().find(|item| item.get("name").and_then(Value::as_str) == Some(name))
            }
        })
    }

    /// The paths of the items of the list at this path (`items`): by name where Kubernetes
    /// merges the list by name and every item has a distinct one, else by position.
    pub fn items(&self, items: &[Value]) -> Vec<FieldPath> {
        let names: Option<Vec<&str>> = match self.0.last() {
            Some(Segment::Key(list)) if LISTS_BY_NAME.contains(&list.as_str()) => {
                items.iter().map(|item| item.get("name").and_then(Value::as_str)).collect()
            }
            _ => None,
        };
        match names {
            Some(names) if names.iter().collect::<std::collections::BTreeSet<_>>().len() == names.len() => {
                names.into_iter().map(|n| self.child(Segment::Name(n.to_string()))).collect()
            }
            _ => (0..items.len()).map(|i| self.child(Segment::Index(i))).collect(),
        }
    }
}

/// A key or name printed bare only when nothing in it could be misread as path syntax.
fn plain(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn quoted(word: &str) -> String {
    serde_json::Value::String(word.to_string()).to_string()
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(whole object)");
        }
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) if plain(key) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(key)?;
                }
                Segment::Key(key) => write!(f, "[{}]", quoted(key))?,
                Segment::Name(name) if plain(name) => write!(f, "[{name}]")?,
                Segment::Name(name) => write!(f, "[{}]", quoted(name))?,
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Renamed(old, new) if plain(old) && plain(new) => write!(f, "[{old}={new}]")?,
                Segment::Renamed(old, new) => write!(f, "[{}={}]", quoted(old), quoted(new))?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_kubectl_explain() {
        let path = FieldPath::of_keys(&["spec", "template", "spec", "containers"])
            .child(Segment::Name("web".into()))
            .key("resources")
            .key("limits")
            .key("cpu");
        assert_eq!(path.to_string(), "spec.template.spec.containers[web].resources.limits.cpu");
        let label = FieldPath::of_keys(&["metadata", "labels", "app.kubernetes.io/name"]);
        assert_eq!(label.to_string(), "metadata.labels[\"app.kubernetes.io/name\"]");
        assert_eq!(FieldPath::of_keys(&["args"]).child(Segment::Index(0)).to_string(), "args[0]");
    }

    #[test]
    fn lookup_follows_names_and_indexes() {
        let body = serde_json::json!({"containers": [{"name": "web", "args": ["a", "b"]}]});
        let containers = FieldPath::of_keys(&["containers"]);
        let items = containers.items(body["containers"].as_array().unwrap());
        assert_eq!(items[0].to_string(), "containers[web]");
        assert_eq!(items[0].key("args").child(Segment::Index(1)).lookup(&body), Some(&serde_json::json!("b")));
        assert_eq!(containers.child(Segment::Name("db".into())).lookup(&body), None);
    }

    #[test]
    fn odd_names_are_quoted() {
        let path = FieldPath::of_keys(&["env"]).child(Segment::Name("a.b c".into()));
        assert_eq!(path.to_string(), "env[\"a.b c\"]");
    }

    #[test]
    fn every_segment_prints_plain_or_quoted() {
        let root = FieldPath::root();
        assert!(root.is_empty());
        assert_eq!(root.to_string(), "(whole object)");
        let odd_key = root.key("a b");
        assert!(!odd_key.is_empty());
        assert_eq!(odd_key.to_string(), "[\"a b\"]");
        assert_eq!(odd_key.key("c").to_string(), "[\"a b\"].c");
        assert_eq!(FieldPath::of_keys(&["x", "y_1-z"]).to_string(), "x.y_1-z");
        assert_eq!(root.key("").to_string(), "[\"\"]");
        let renamed =
            |old: &str, new: &str| FieldPath::of_keys(&["ports"]).child(Segment::Renamed(old.into(), new.into()));
        assert_eq!(renamed("redis", "tcp").to_string(), "ports[redis=tcp]");
        assert_eq!(renamed("a.b", "tcp").to_string(), "ports[\"a.b\"=\"tcp\"]");
        assert_eq!(renamed("tcp", "a.b").to_string(), "ports[\"tcp\"=\"a.b\"]");
        assert_eq!(quoted("a\"b"), "\"a\\\"b\"");
        assert!(plain("Az09_-") && !plain("") && !plain("a.b") && !plain("a/b") && !plain("é"));
    }

    #[test]
    fn keys_and_prefixes_of_a_path() {
        let path = FieldPath::of_keys(&["spec", "containers"]).child(Segment::Name("web".into())).key("image");
        assert_eq!(path.keys().collect::<Vec<_>>(), ["spec", "containers", "image"]);
        assert_eq!(path.segments().len(), 4);
        assert!(path.starts_with(&FieldPath::of_keys(&["spec", "containers"])));
        assert!(path.starts_with(&FieldPath::root()));
        assert!(!path.starts_with(&FieldPath::of_keys(&["spec", "image"])));
        assert!(!FieldPath::of_keys(&["spec"]).starts_with(&path));
    }

    #[test]
    fn lists_by_name_are_items_by_name_unless_a_name_is_missing_or_repeated() {
        use serde_json::json;
        let env = FieldPath::of_keys(&["env"]);
        let shown = |path: &FieldPath, items: Value| {
            path.items(items.as_array().unwrap()).iter().map(ToString::to_string).collect::<Vec<_>>()
        };
        assert_eq!(shown(&env, json!([{"name": "A"}, {"name": "B"}])), ["env[A]", "env[B]"]);
        assert_eq!(shown(&env, json!([{"name": "A"}, {"name": "A"}])), ["env[0]", "env[1]"]);
        assert_eq!(shown(&env, json!([{"name": "A"}, {"value": "x"}])), ["env[0]", "env[1]"]);
        assert_eq!(shown(&FieldPath::of_keys(&["args"]), json!([{"name": "A"}])), ["args[0]"]);
        assert_eq!(shown(&env.child(Segment::Index(0)), json!([{"name": "A"}])), ["env[0][0]"]);
        // A renamed item is found by its (manual) name.
        let body = json!({"ports": [{"name": "redis", "containerPort": 6379}]});
        let port = FieldPath::of_keys(&["ports"]).child(Segment::Renamed("redis".into(), "tcp".into()));
        assert_eq!(port.key("containerPort").lookup(&body), Some(&json!(6379)));
        assert_eq!(
            FieldPath::of_keys(&["ports"]).child(Segment::Index(0)).key("name").lookup(&body),
            Some(&json!("redis"))
        );
    }
}
