//! What random functions (`randAlphaNum`, `uuidv4`, ...) put into a chart, found by rendering
//! it twice: an object whose name differs between the two renders is named at random (a
//! `helm test` pod `<fullname>-test-<random>`), a field whose value differs is random. Named
//! objects pair by kind and the rest of their name (the random part masked as `*`), and
//! random fields are left out of the comparison, so a chart compares equal to itself.

use std::collections::BTreeMap;

use super::diff;
use crate::object::{short_name, Object};
use crate::path::{FieldPath, Segment};

/// The randomness of one chart's objects, by their index in its render.
#[derive(Debug, Default)]
pub struct Randomness {
    /// Objects named at random: the short name with its random part as `*`.
    pub names: BTreeMap<usize, String>,
    /// Fields (other than the name) whose values differ between two renders.
    pub fields: BTreeMap<usize, Vec<FieldPath>>,
}

/// Compares two renders of one chart, object by object (Helm renders templates in a fixed
/// order, so the same index is the same template's object). Renders that differ in their
/// objects' count or kinds say nothing object by object: no randomness is assumed.
pub fn detect(first: &[Object], second: &[Object], release: &str, chart: &str) -> Randomness {
    let mut randomness = Randomness::default();
    if first.len() != second.len() || first.iter().zip(second).any(|(a, b)| a.kind != b.kind) {
        return randomness;
    }
    for (index, (a, b)) in first.iter().zip(second).enumerate() {
        if a.name != b.name {
            let (short_a, short_b) = (short_name(&a.name, release, chart), short_name(&b.name, release, chart));
            randomness.names.insert(index, mask(&short_a, &short_b));
        }
        let name = FieldPath::of_keys(&["metadata", "name"]);
        let fields: Vec<FieldPath> =
            diff::diff(&a.body, &b.body).into_iter().map(|d| d.path).filter(|p| *p != name).collect();
        if !fields.is_empty() {
            randomness.fields.insert(index, fields);
        }
    }
    randomness
}

/// Two renders of one name with the random part as `*`: what they share at the start and
/// the end, widened to whole runs of letters and digits (a random suffix may start with the
/// same letter twice by chance, and must still mask the same way).
pub fn mask(a: &str, b: &str) -> String {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max_suffix = a.len().min(b.len()) - prefix;
    let mut suffix = a.iter().rev().zip(b.iter().rev()).take(max_suffix).take_while(|(x, y)| x == y).count();
    while prefix > 0 && a[prefix - 1].is_ascii_alphanumeric() {
        prefix -= 1;
    }
    while suffix > 0 && a[a.len() - suffix].is_ascii_alphanumeric() {
        suffix -= 1;
    }
    let head: String = a[..prefix].iter().collect();
    let tail: String = a[a.len() - suffix..].iter().collect();
    format!("{head}*{tail}")
}

/// Removes the field at `path` from `body` (nothing when it is not there).
pub fn remove(body: &mut serde_json::Value, path: &FieldPath) {
    let Some((last, parents)) = path.segments().split_last() else { return };
    let parent = parents.iter().try_fold(body, |value, segment| match segment {
        Segment::Key(key) => value.get_mut(key),
        Segment::Index(index) => value.get_mut(*index),
        Segment::Name(name) | Segment::Renamed(name, _) => value
            .as_array_mut()?
            .iter_mut()
            .find(|item| item.get("name").and_then(serde_json::Value::as_str) == Some(name)),
    });
    match (parent, last) {
        (Some(serde_json::Value::Object(map)), Segment::Key(key)) => {
            map.remove(key);
        }
        (Some(serde_json::Value::Array(items)), Segment::Index(index)) if *index < items.len() => {
            items[*index] = serde_json::Value::Null;
        }
        (Some(serde_json::Value::Array(items)), Segment::Name(name) | Segment::Renamed(name, _)) => {
            items.retain(|item| item.get("name").and_then(serde_json::Value::as_str) != Some(name));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_random_part_of_a_name_is_masked_whole() {
        assert_eq!(mask("web-test-ab3x9", "web-test-k2j4m"), "web-test-*");
        assert_eq!(mask("web-test-ab3x9", "web-test-a2j4m"), "web-test-*", "a shared first letter is still random");
        assert_eq!(mask("x-ab12-test", "x-cd34-test"), "x-*-test");
        assert_eq!(mask("1234", "5678"), "*");
    }

    fn object(name: &str, body: serde_json::Value) -> Object {
        Object { kind: "Pod".into(), name: name.into(), template: "t".into(), body }
    }

    #[test]
    fn two_renders_show_random_names_and_fields() {
        let first = [
            object("r-c-test-abcde", json!({"metadata": {"name": "r-c-test-abcde"}, "data": {"token": "x1"}})),
            object("r-c-web", json!({"metadata": {"name": "r-c-web"}})),
        ];
        let second = [
            object("r-c-test-fghij", json!({"metadata": {"name": "r-c-test-fghij"}, "data": {"token": "y2"}})),
            object("r-c-web", json!({"metadata": {"name": "r-c-web"}})),
        ];
        let randomness = detect(&first, &second, "r", "c");
        assert_eq!(randomness.names, BTreeMap::from([(0, "test-*".to_string())]));
        assert_eq!(randomness.fields[&0], [FieldPath::of_keys(&["data", "token"])]);
        assert!(!randomness.fields.contains_key(&1));
        let mut body = first[0].body.clone();
        remove(&mut body, &FieldPath::of_keys(&["data", "token"]));
        assert_eq!(body, json!({"metadata": {"name": "r-c-test-abcde"}, "data": {}}));
    }

    #[test]
    fn renders_that_differ_in_count_or_kinds_show_no_randomness() {
        let first = [object("r-c-test-abcde", json!({"a": 1})), object("r-c-web", json!({}))];
        let second = [object("r-c-test-fghij", json!({"a": 2}))];
        let randomness = detect(&first, &second, "r", "c");
        assert!(randomness.names.is_empty() && randomness.fields.is_empty(), "{randomness:?}");
        let mut other_kind = object("r-c-test-fghij", json!({"a": 2}));
        other_kind.kind = "Job".into();
        let randomness = detect(&first[..1], &[other_kind], "r", "c");
        assert!(randomness.names.is_empty() && randomness.fields.is_empty(), "{randomness:?}");
    }

    #[test]
    fn a_shared_start_and_end_do_not_overlap() {
        // All of the shorter name is shared at the start: nothing is left for the end.
        assert_eq!(mask("a-b", "a-b-a-b"), "a-*");
        assert_eq!(mask("job-x1", "job-y2-done"), "job-*");
        // A shared end that starts inside the random run is random too.
        assert_eq!(mask("test-a1z", "test-b2z"), "test-*");
        assert_eq!(mask("test-a1-z", "test-b2-z"), "test-*-z");
    }

    #[test]
    fn removing_a_field_by_key_index_or_name() {
        let mut body = json!({"spec": {"containers": [{"name": "a", "args": ["x", "y"]}, {"name": "b"}]}});
        let containers = FieldPath::of_keys(&["spec", "containers"]);
        remove(&mut body, &containers.child(Segment::Name("a".into())).key("args").child(Segment::Index(1)));
        assert_eq!(body["spec"]["containers"][0]["args"], json!(["x", null]));
        remove(&mut body, &containers.child(Segment::Name("a".into())).key("args").child(Segment::Index(2)));
        assert_eq!(body["spec"]["containers"][0]["args"], json!(["x", null]), "just past the end: nothing");
        remove(&mut body, &containers.child(Segment::Renamed("b".into(), "c".into())));
        assert_eq!(body["spec"]["containers"], json!([{"name": "a", "args": ["x", null]}]));
        remove(&mut body, &containers.child(Segment::Name("a".into())));
        assert_eq!(body, json!({"spec": {"containers": []}}));
        remove(&mut body, &FieldPath::of_keys(&["spec", "absent", "x"]));
        remove(&mut body, &FieldPath::root());
        assert_eq!(body, json!({"spec": {"containers": []}}));
    }
}
