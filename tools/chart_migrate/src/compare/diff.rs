//! The structural difference of two objects: every field that differs, as a path. Lists that
//! Kubernetes merges by name (containers, env, ports, volumes, volumeMounts, ...) are
//! compared item by item under the item's name, so one added env variable is one difference,
//! not a shifted list; a container renamed (the one container left on each side once the
//! others paired by name) is compared with its old self. Every other list is aligned with a
//! longest-common-subsequence diff, so an inserted argument is one difference too.

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

/// Lists whose one unpaired item on each side is the same thing renamed: a pod's container
/// renamed is still its container (a port renamed, `redis` to `tcp`, still its port), and its
/// other fields are what a reviewer needs to see.
const RENAMEABLE: &[&str] = &["containers", "initContainers", "ports"];

fn named(
    path: &FieldPath,
    manual: &BTreeMap<&str, &Value>,
    generated: &BTreeMap<&str, &Value>,
    out: &mut Vec<Difference>,
) {
    let only_manual: Vec<&&str> = manual.keys().filter(|n| !generated.contains_key(*n)).collect();
    let only_generated: Vec<&&str> = generated.keys().filter(|n| !manual.contains_key(*n)).collect();
    let renamed = match (only_manual.as_slice(), only_generated.as_slice()) {
        ([old], [new]) if path.keys().last().is_some_and(|list| RENAMEABLE.contains(&list)) => Some((**old, **new)),
        _ => None,
    };
    let names: std::collections::BTreeSet<&&str> = manual.keys().chain(generated.keys()).collect();
    for name in names {
        if let Some((old, new)) = renamed {
            if *name == old {
                let child = path.child(Segment::Renamed(old.to_string(), new.to_string()));
                walk(&child, manual[old], generated[new], out);
                continue;
            }
            if *name == new {
                continue;
            }
        }
        let child = path.child(Segment::Name((*name).to_string()));
        match (manual.get(*name), generated.get(*name)) {
            (Some(m), Some(g)) => walk(&child, m, g, out),
            (Some(m), None) => out.push(Difference { path: child, change: Change::Removed((*m).clone()) }),
            (None, Some(g)) => out.push(Difference { path: child, change: Change::Added((*g).clone()) }),
            (None, None) => {}
        }
    }
}

/// A list aligned on its longest common subsequence: equal items pair up, and between two
/// such anchors the items left on each side pair by position (a changed item is compared
/// field by field), the rest removed or added. Paths index the manual list, or the generated
/// one for an added item. Lists here are short (arguments, rules), so quadratic is fine.
fn positional(path: &FieldPath, manual: &[Value], generated: &[Value], out: &mut Vec<Difference>) {
    let (m, g) = (manual.len(), generated.len());
    let mut lcs = vec![vec![0usize; g + 1]; m + 1];
    for i in (0..m).rev() {
        for j in (0..g).rev() {
            lcs[i][j] =
                if manual[i] == generated[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let (mut removed, mut added): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    while i < m || j < g {
        if i < m && j < g && manual[i] == generated[j] {
            flush_gap(path, manual, generated, &mut removed, &mut added, out);
            i += 1;
            j += 1;
        } else if j < g && (i == m || lcs[i][j + 1] >= lcs[i + 1][j]) {
            added.push(j);
            j += 1;
        } else {
            removed.push(i);
            i += 1;
        }
    }
    flush_gap(path, manual, generated, &mut removed, &mut added, out);
}

/// The items between two anchors of the alignment: paired by position, the rest one-sided.
fn flush_gap(
    path: &FieldPath,
    manual: &[Value],
    generated: &[Value],
    removed: &mut Vec<usize>,
    added: &mut Vec<usize>,
    out: &mut Vec<Difference>,
) {
    let paired = removed.len().min(added.len());
    for (&i, &j) in removed.iter().zip(added.iter()) {
        walk(&path.child(Segment::Index(i)), &manual[i], &generated[j], out);
    }
    for &i in &removed[paired..] {
        out.push(Difference { path: path.child(Segment::Index(i)), change: Change::Removed(manual[i].clone()) });
    }
    for &j in &added[paired..] {
        out.push(Difference { path: path.child(Segment::Index(j)), change: Change::Added(generated[j].clone()) });
    }
    removed.clear();
    added.clear();
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
    fn other_lists_are_aligned_so_an_insertion_is_one_difference() {
        assert_eq!(lines(json!({"args": ["a", "b"]}), json!({"args": ["a"]})), ["args[1] - \"b\""]);
        assert_eq!(
            lines(
                json!({"command": ["run", "--a", "--b", "--c"]}),
                json!({"command": ["run", "--x", "--a", "--b", "--c"]})
            ),
            ["command[1] + \"--x\""]
        );
        assert_eq!(
            lines(json!({"args": ["a", "b", "c"]}), json!({"args": ["a", "B", "c", "d"]})),
            ["args[1] \"b\" -> \"B\"", "args[3] + \"d\""]
        );
        assert_eq!(
            lines(json!({"rules": [{"host": "a"}, {"host": "b"}]}), json!({"rules": [{"host": "a"}, {"host": "c"}]})),
            ["rules[1].host \"b\" -> \"c\""]
        );
        // A list of names Kubernetes would merge, but with a nameless item: by position.
        assert_eq!(
            lines(json!({"env": [{"value": "x"}]}), json!({"env": [{"value": "y"}]})),
            ["env[0].value \"x\" -> \"y\""]
        );
    }

    #[test]
    fn a_renamed_container_pairs_with_its_old_self() {
        let manual = json!({"containers": [{"name": "web", "image": "a:1"}]});
        let generated = json!({"containers": [{"name": "frontend", "image": "a:2"}]});
        assert_eq!(
            lines(manual, generated),
            [
                "containers[web=frontend].image \"a:1\" -> \"a:2\"",
                "containers[web=frontend].name \"web\" -> \"frontend\""
            ]
        );
        // Two left on one side: nothing says which is which, so nothing is paired.
        let manual = json!({"containers": [{"name": "a"}, {"name": "b"}]});
        let generated = json!({"containers": [{"name": "c"}]});
        assert_eq!(lines(manual, generated).len(), 3);
        // Volumes are not containers: a renamed volume is another volume.
        assert_eq!(lines(json!({"volumes": [{"name": "a"}]}), json!({"volumes": [{"name": "b"}]})).len(), 2);
    }

    #[test]
    fn a_field_on_one_side_is_one_difference() {
        assert_eq!(
            lines(json!({"spec": {}}), json!({"spec": {"securityContext": {"runAsNonRoot": true}}})),
            ["spec.securityContext + {\"runAsNonRoot\":true}"]
        );
    }

    #[test]
    fn a_list_by_name_with_a_repeated_name_or_inside_a_list_is_positional() {
        assert_eq!(
            lines(
                json!({"env": [{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]}),
                json!({"env": [{"name": "A", "value": "1"}]})
            ),
            ["env[1] - {\"name\":\"A\",\"value\":\"2\"}"]
        );
        // A list inside a list named like one Kubernetes merges is not merged by name.
        assert_eq!(
            lines(json!({"env": [[{"name": "A"}, {"name": "B"}]]}), json!({"env": [[{"name": "B"}]]})),
            ["env[0][0] - {\"name\":\"A\"}"]
        );
        assert_eq!(
            lines(json!({"env": [{"name": "A"}, {"name": "B"}]}), json!({"env": [{"name": "B"}]})),
            ["env[A] - {\"name\":\"A\"}"]
        );
    }

    #[test]
    fn init_containers_and_ports_pair_renamed_beside_items_of_one_name() {
        let manual = json!({"initContainers": [{"name": "seed", "image": "s:1"}, {"name": "wait", "image": "w:1"}],
            "ports": [{"name": "redis", "containerPort": 6379}]});
        let generated = json!({"initContainers": [{"name": "migrate", "image": "s:2"}, {"name": "wait", "image": "w:2"}],
            "ports": [{"name": "tcp", "containerPort": 6379}]});
        assert_eq!(
            lines(manual, generated),
            [
                "initContainers[seed=migrate].image \"s:1\" -> \"s:2\"",
                "initContainers[seed=migrate].name \"seed\" -> \"migrate\"",
                "initContainers[wait].image \"w:1\" -> \"w:2\"",
                "ports[redis=tcp].name \"redis\" -> \"tcp\"",
            ]
        );
    }

    #[test]
    fn an_alignment_removes_and_adds_at_either_end() {
        assert_eq!(lines(json!(["x", "a", "b"]), json!(["a", "b"])), ["[0] - \"x\""]);
        assert_eq!(lines(json!(["a", "b"]), json!(["a", "b", "y"])), ["[2] + \"y\""]);
        assert_eq!(lines(json!([]), json!(["a"])), ["[0] + \"a\""]);
        assert_eq!(lines(json!(["a"]), json!([])), ["[0] - \"a\""]);
        assert_eq!(
            lines(json!(["a", "b", "c", "d"]), json!(["b", "x", "d", "e"])),
            ["[0] - \"a\"", "[2] \"c\" -> \"x\"", "[3] + \"e\""]
        );
        // The longest common run decides: the moved item is removed here and added there,
        // not the two others added and removed around it.
        assert_eq!(lines(json!(["c", "a", "b"]), json!(["a", "b", "c"])), ["[0] - \"c\"", "[2] + \"c\""]);
        assert_eq!(lines(json!(["a", "b", "c"]), json!(["c", "a", "b"])), ["[0] + \"c\"", "[2] - \"c\""]);
        assert_eq!(
            lines(json!(["x", "a", "b", "y", "c"]), json!(["a", "b", "c", "x"])),
            ["[0] - \"x\"", "[3] - \"y\"", "[3] + \"x\""]
        );
        // Two alignments are as long (b a, a b): a tie takes the generated item first.
        assert_eq!(lines(json!(["a", "b", "a"]), json!(["b", "a", "b"])), ["[0] + \"b\"", "[2] - \"a\""]);
        assert_eq!(lines(json!([1, 2]), json!([2, 1])), ["[0] + 2", "[1] - 2"]);
        assert_eq!(lines(json!(1), json!("1")), ["(whole object) 1 -> \"1\""]);
    }
}
