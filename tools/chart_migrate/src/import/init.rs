//! Init containers and native sidecars (`restartPolicy: Always`) as entries of
//! `init_containers`: name, image, command, args, literal and Secret env, resources. The rules
//! give each the app's security context, so a chart's own securityContext, like the other
//! fields no entry says (volume mounts, probes, ports), stays in the report field by field.

use serde_json::{json, Map, Value};

use super::app::{App, Attribute};
use super::common::{scalar_string, string_list};
use super::fields::Fields;
use super::note::Note;
use super::workload::{push_json, split_image};
use crate::path::FieldPath;

/// A DNS-1123 label, which an init container's name must be.
fn is_label(name: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    (1..=63).contains(&name.len())
        && name.chars().all(|c| alnum(c) || c == '-')
        && name.starts_with(alnum)
        && name.ends_with(alnum)
}

/// Reads the pod's init containers at `spec.initContainers` into `app`.
pub fn read_init_containers(fields: &mut Fields, spec: &FieldPath, app: &mut App, notes: &mut Vec<Note>) {
    for container in fields.items(&spec.key("initContainers")) {
        if let Some(entry) = read_one(fields, &container, app, notes) {
            push_json(app, Attribute::InitContainers, entry);
        }
    }
}

fn read_one(fields: &mut Fields, container: &FieldPath, app: &App, notes: &mut Vec<Note>) -> Option<Value> {
    let name = fields.peek(&container.key("name")).and_then(Value::as_str)?;
    if !is_label(name) || name == app.name {
        let why = if name == app.name { "the app's own container's name" } else { "not a DNS-1123 label" };
        notes.push(Note::field(
            &fields.id,
            container,
            format!("init container {name}: {why}, which init_containers refuses"),
        ));
        fields.mark(container);
        return None;
    }
    let image = read_image(fields, container, name, notes)?;
    let mut entry = Map::new();
    entry.insert("name".into(), json!(name));
    entry.insert("image".into(), image);
    fields.take(&container.key("name"));
    // A native sidecar; any other policy is one Kubernetes refuses here: left over.
    if fields.peek(&container.key("restartPolicy")).and_then(Value::as_str) == Some("Always") {
        fields.take(&container.key("restartPolicy"));
        entry.insert("sidecar".into(), json!(true));
    }
    for key in ["command", "args"] {
        if let Some(list) = fields.peek(&container.key(key)).and_then(string_list) {
            fields.take(&container.key(key));
            if !list.is_empty() {
                entry.insert(key.into(), json!(list));
            }
        }
    }
    read_env(fields, container, &mut entry);
    read_resources(fields, container, &mut entry);
    Some(Value::Object(entry))
}

/// The image as {"repository", "tag" or "digest", "pull_policy"}; `None` (reported) when the
/// rules would refuse it: no tag, or latest.
fn read_image(fields: &mut Fields, container: &FieldPath, name: &str, notes: &mut Vec<Note>) -> Option<Value> {
    let path = container.key("image");
    let image = fields.peek(&path).and_then(Value::as_str)?;
    let (repository, tag, digest) = split_image(image);
    let mut out = Map::new();
    out.insert("repository".into(), json!(repository));
    match (tag, digest) {
        (_, Some(digest)) => out.insert("digest".into(), json!(digest)),
        (Some(tag), None) if tag != "latest" => out.insert("tag".into(), json!(tag)),
        _ => {
            notes.push(Note::field(
                &fields.id,
                &path,
                format!("{image}: init container {name} runs latest (no tag, or the tag latest), which the rules refuse; not imported: add it to init_containers by hand with a version"),
            ));
            fields.mark(container);
            return None;
        }
    };
    fields.take(&path);
    let policy = container.key("imagePullPolicy");
    if let Some(pull) = fields.peek(&policy).and_then(Value::as_str) {
        fields.take(&policy);
        if pull != "IfNotPresent" {
            out.insert("pull_policy".into(), json!(pull));
        }
    }
    Some(Value::Object(out))
}

/// Literal values and Secret keys; any other source (a ConfigMap key, a field reference)
/// stays in the report.
fn read_env(fields: &mut Fields, container: &FieldPath, entry: &mut Map<String, Value>) {
    let (mut env, mut secret_env) = (Map::new(), Map::new());
    for item in fields.items(&container.key("env")) {
        let Some(name) = fields.peek(&item.key("name")).and_then(Value::as_str) else { continue };
        let keys = fields.keys(&item);
        let secret = item.key("valueFrom").key("secretKeyRef");
        if keys == ["name"] {
            env.insert(name.into(), json!(""));
        } else if let Some(value) = fields.peek(&item.key("value")).and_then(scalar_string).filter(|_| keys.len() == 2)
        {
            env.insert(name.into(), json!(value));
        } else if fields.keys(&item.key("valueFrom")) == ["secretKeyRef"] && fields.keys(&secret) == ["key", "name"] {
            let secret_name = fields.peek(&secret.key("name")).and_then(Value::as_str).unwrap_or_default();
            let key = fields.peek(&secret.key("key")).and_then(Value::as_str).unwrap_or_default();
            secret_env.insert(name.into(), json!(format!("{secret_name}/{key}")));
        } else {
            continue;
        }
        fields.take(&item);
    }
    for (key, map) in [("env", env), ("secret_env", secret_env)] {
        if !map.is_empty() {
            entry.insert(key.into(), Value::Object(map));
        }
    }
}

fn read_resources(fields: &mut Fields, container: &FieldPath, entry: &mut Map<String, Value>) {
    let resources = container.key("resources");
    let mut out = Map::new();
    for side in ["requests", "limits"] {
        for (resource, name) in [("cpu", "cpu"), ("memory", "memory"), ("ephemeral-storage", "ephemeral_storage")] {
            let path = resources.key(side).key(resource);
            if let Some(quantity) = fields.peek(&path).and_then(scalar_string) {
                fields.take(&path);
                let side_name = if side == "requests" { "request" } else { "limit" };
                out.insert(format!("{name}_{side_name}"), json!(quantity));
            }
        }
        if fields.keys(&resources.key(side)).is_empty() {
            fields.mark(&resources.key(side));
        }
    }
    if fields.keys(&resources).is_empty() {
        fields.mark(&resources);
    }
    if !out.is_empty() {
        entry.insert("resources".into(), Value::Object(out));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::app::{AppType, AttrValue};
    use crate::object::Object;

    struct Read {
        entries: Value,
        notes: Vec<String>,
        left: Vec<String>,
    }

    fn read_init(init: Value) -> Read {
        let object = Object {
            kind: "Deployment".into(),
            name: "web".into(),
            template: "t.yaml".into(),
            body: json!({"spec": {"initContainers": init}}),
        };
        let mut fields = Fields::new(&object, "Deployment/web".into());
        let mut app = App::new("web", AppType::Worker, "Deployment/web".into());
        let mut notes = Vec::new();
        read_init_containers(&mut fields, &FieldPath::of_keys(&["spec"]), &mut app, &mut notes);
        let entries = match app.get(Attribute::InitContainers) {
            Some(AttrValue::Json(list)) => list.clone(),
            _ => json!(null),
        };
        let left = fields.leftovers().iter().map(|(p, _)| p.to_string()).collect();
        Read { entries, notes: notes.iter().map(ToString::to_string).collect(), left }
    }

    #[test]
    fn an_init_containers_name_is_a_dns_label_other_than_the_apps() {
        for good in ["a", "seed-1", "1a", &"a".repeat(63)] {
            assert!(is_label(good), "{good}");
        }
        for bad in ["", "-a", "a-", "A", "a_b", "a.b", &"a".repeat(64)] {
            assert!(!is_label(bad), "{bad}");
        }
        let read =
            read_init(json!([{"name": "web", "image": "w:1"}, {"name": "Seed", "image": "s:1"}, {"image": "x:1"}]));
        assert_eq!(read.entries, json!(null));
        assert_eq!(
            read.notes,
            [
                "Deployment/web spec.initContainers[0]: init container web: the app's own container's name, which \
                 init_containers refuses",
                "Deployment/web spec.initContainers[1]: init container Seed: not a DNS-1123 label, which \
                 init_containers refuses",
            ]
        );
        // A nameless item: the list is by position, and the item is no init container.
        assert_eq!(read.left, ["spec.initContainers[2]"]);
    }

    #[test]
    fn the_image_is_repository_and_tag_or_digest_and_latest_is_refused() {
        let read = read_init(json!([
            {"name": "a", "image": "ghcr.io/a:1.2", "imagePullPolicy": "IfNotPresent"},
            {"name": "b", "image": "b@sha256:abc", "imagePullPolicy": "Always"},
            {"name": "c", "image": "c:latest"},
            {"name": "d", "image": "d"},
            {"name": "e"}
        ]));
        assert_eq!(
            read.entries,
            json!([
                {"name": "a", "image": {"repository": "ghcr.io/a", "tag": "1.2"}},
                {"name": "b", "image": {"repository": "b", "digest": "sha256:abc", "pull_policy": "Always"}}
            ])
        );
        let latest = |image: &str, name: &str| {
            format!(
                "Deployment/web spec.initContainers[{name}].image: {image}: init container {name} runs latest (no tag, \
                 or the tag latest), which the rules refuse; not imported: add it to init_containers by hand with a \
                 version"
            )
        };
        assert_eq!(read.notes, [latest("c:latest", "c"), latest("d", "d")]);
        assert_eq!(read.left, ["spec.initContainers[e]"]);
    }

    #[test]
    fn a_sidecar_command_args_env_and_resources_are_the_entry() {
        let read = read_init(json!([{"name": "proxy", "image": "p:1", "restartPolicy": "Always",
            "command": ["/proxy"], "args": [],
            "env": [{"name": "EMPTY"}, {"name": "N", "value": 2}, {"name": "DB", "valueFrom": {"secretKeyRef": {"name": "db", "key": "url"}}},
                    {"name": "X", "value": "1", "valueFrom": {"fieldRef": {"fieldPath": "a"}}},
                    {"name": "OPT", "valueFrom": {"secretKeyRef": {"name": "db", "key": "url", "optional": true}}},
                    {"name": "CM", "valueFrom": {"configMapKeyRef": {"name": "c", "key": "k"}}, "x": 1}],
            "resources": {"requests": {"cpu": "10m", "ephemeral-storage": "1Gi"}, "limits": {"memory": "64Mi"}}}]));
        assert_eq!(
            read.entries,
            json!([{"name": "proxy", "image": {"repository": "p", "tag": "1"}, "sidecar": true, "command": ["/proxy"],
                "env": {"EMPTY": "", "N": "2"}, "secret_env": {"DB": "db/url"},
                "resources": {"cpu_request": "10m", "ephemeral_storage_request": "1Gi", "memory_limit": "64Mi"}}])
        );
        assert!(read.notes.is_empty(), "{:?}", read.notes);
        let env = "spec.initContainers[proxy].env";
        assert_eq!(read.left, [format!("{env}[X]"), format!("{env}[OPT]"), format!("{env}[CM]")]);
    }

    #[test]
    fn a_plain_init_container_has_no_optional_keys() {
        let read = read_init(json!([{"name": "seed", "image": "s:1", "restartPolicy": "OnFailure",
            "resources": {"requests": {}, "limits": {"nvidia.com/gpu": 1}}}]));
        assert_eq!(read.entries, json!([{"name": "seed", "image": {"repository": "s", "tag": "1"}}]));
        assert_eq!(
            read.left,
            ["spec.initContainers[seed].resources.limits", "spec.initContainers[seed].restartPolicy"]
        );
        let read = read_init(json!([{"name": "seed", "image": "s:1", "resources": {}}]));
        assert_eq!(read.entries, json!([{"name": "seed", "image": {"repository": "s", "tag": "1"}}]));
        assert!(read.left.is_empty(), "{:?}", read.left);
    }
}
