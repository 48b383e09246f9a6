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
