//! The volumes left after the app's own config, secret_mounts and scratch directories
//! ([`super::volumes`]) as entries of `volumes`: a PersistentVolumeClaim (an existing one, by
//! name), an existing ConfigMap or Secret mounted as files, an emptyDir (in memory, with a
//! size limit), a projected service account token. Each is mounted at one directory by the
//! app's container and the imported init containers; a volume mounted elsewhere, with a
//! subPath, or at different directories stays in the report.

use serde_json::{json, Map, Value};

use super::app::{App, AttrValue, Attribute};
use super::fields::Fields;
use super::note::Note;
use super::workload::push_json;
use crate::path::FieldPath;

/// The modes the rules mount ConfigMaps (0644) and Secrets (0440) with.
const CONFIG_MAP_MODE: i64 = 0o644;
const SECRET_MODE: i64 = 0o440;

/// A DNS-1123 label, which a volume name must be.
fn is_label(name: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    (1..=63).contains(&name.len())
        && name.chars().all(|c| alnum(c) || c == '-')
        && name.starts_with(alnum)
        && name.ends_with(alnum)
}

/// Reads the pod's remaining volumes (those no other reader took) into `app`.
pub fn read_pod_volumes(
    fields: &mut Fields,
    spec: &FieldPath,
    container: &FieldPath,
    app: &mut App,
    notes: &mut Vec<Note>,
) {
    let init_names = imported_init_containers(app);
    let mut containers = vec![(app.name.clone(), container.clone())];
    for init in fields.items(&spec.key("initContainers")) {
        let name = fields.peek(&init.key("name")).and_then(Value::as_str).unwrap_or_default().to_string();
        if init_names.contains(&name) {
            containers.push((name, init));
        }
    }
    for volume in fields.items(&spec.key("volumes")) {
        if fields.peek(&volume.key("name")).is_none() || taken(fields, &volume.key("name")) {
            continue; // another reader's
        }
        let Some(name) = fields.peek(&volume.key("name")).and_then(Value::as_str).map(str::to_string) else { continue };
        let Some((source_key, source, source_path)) = read_source(fields, &volume) else { continue };
        let Some(mounts) = mounts_of(fields, &containers, &name) else { continue };
        if !is_label(&name) {
            notes.push(Note::field(
                &fields.id,
                &volume,
                format!("volume {name}: not a DNS-1123 label, which volumes refuses"),
            ));
            fields.mark(&volume);
            continue;
        }
        let original = name.clone();
        let name = match free_name(&name) {
            Some(free) if free != name => {
                notes.push(Note::field(
                    &fields.id,
                    &volume.key("name"),
                    format!(
                        "volume {name}: imported as {free}, as {name} is a name of the generated chart's own volumes \
                         (tmp, config, data, secret-<n>, writable-<n>); the mount is the same"
                    ),
                ));
                free
            }
            Some(free) => free,
            None => continue,
        };
        let mut entry = Map::new();
        entry.insert("name".into(), json!(name));
        entry.insert("mount_path".into(), json!(mounts.path));
        if mounts.users != [app.name.clone()] {
            entry.insert("containers".into(), json!(mounts.users));
        }
        let read_only_source = matches!(source_key, "persistent_volume_claim" | "empty_dir");
        if mounts.read_only && read_only_source {
            entry.insert("read_only".into(), json!(true));
        }
        if source_key == "persistent_volume_claim" {
            notes.push(Note::field(&fields.id, &volume, existing_claim_message(&original)));
        }
        entry.insert(source_key.into(), source);
        fields.take(&source_path);
        fields.take(&volume.key("name"));
        for mount in &mounts.paths {
            fields.take(mount);
        }
        push_json(app, Attribute::Volumes, Value::Object(entry));
    }
}

/// Whether the generated chart names a volume of its own `name` (the composer refuses it).
fn is_chart_own_volume(name: &str) -> bool {
    let numbered = |prefix: &str| {
        name.strip_prefix(prefix).is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    matches!(name, "tmp" | "config" | "data") || numbered("secret-") || numbered("writable-")
}

/// `name`, or `<name>-volume` when the chart's own volumes have that name (the volume's name
/// is the pod's own: renaming it changes nothing the app sees).
fn free_name(name: &str) -> Option<String> {
    if !is_chart_own_volume(name) {
        return Some(name.to_string());
    }
    let renamed = format!("{name}-volume");
    (is_label(&renamed) && !is_chart_own_volume(&renamed)).then_some(renamed)
}

/// The report line of a claim the chart does not create (its access mode is unknown).
pub fn existing_claim_message(volume: &str) -> String {
    format!(
        "volume {volume}: an existing claim; its access_mode is unset, which the rules read as ReadWriteOnce (one \
         replica, replaced with Recreate): set access_mode if the claim is shared"
    )
}

/// A PersistentVolumeClaim the chart creates, as the rules' created claim: size, StorageClass,
/// access mode; `None` (left for the report) when it has more than those.
pub fn read_claim(fields: &mut Fields) -> Option<Value> {
    super::common::take_identity(fields);
    let spec = FieldPath::of_keys(&["spec"]);
    let known = ["resources", "storageClassName", "accessModes", "volumeMode"];
    if fields.keys(&spec).iter().any(|k| !known.contains(&k.as_str())) {
        return None;
    }
    let storage = spec.key("resources").key("requests").key("storage");
    let size = fields.peek(&storage).and_then(super::common::scalar_string)?;
    let mut out = Map::new();
    out.insert("size".into(), json!(size));
    if let Some(class) = fields.peek(&spec.key("storageClassName")).and_then(Value::as_str) {
        out.insert("storage_class".into(), json!(class));
    }
    let modes = fields.peek(&spec.key("accessModes")).and_then(Value::as_array);
    match modes.map(Vec::as_slice) {
        None => {}
        Some([mode])
            if matches!(
                mode.as_str(),
                Some("ReadWriteOnce" | "ReadWriteOncePod" | "ReadOnlyMany" | "ReadWriteMany")
            ) =>
        {
            out.insert("access_mode".into(), mode.clone());
        }
        Some(_) => return None,
    }
    if fields.peek(&spec.key("volumeMode")).is_some_and(|m| m != "Filesystem") {
        return None;
    }
    if fields.keys(&spec.key("resources")) != ["requests"]
        || fields.keys(&spec.key("resources").key("requests")) != ["storage"]
    {
        return None;
    }
    fields.take(&spec);
    Some(Value::Object(out))
}

fn imported_init_containers(app: &App) -> Vec<String> {
    match app.get(Attribute::InitContainers) {
        Some(AttrValue::Json(Value::Array(list))) => {
            list.iter().filter_map(|c| c.get("name")?.as_str().map(str::to_string)).collect()
        }
        _ => Vec::new(),
    }
}

/// Whether a reader took `path` (or something containing it) already.
fn taken(fields: &Fields, path: &FieldPath) -> bool {
    !fields.leftovers().iter().any(|(left, _)| left.starts_with(path) || path.starts_with(left))
}

/// Where a volume is mounted: one directory, by these containers.
struct Mounts {
    path: String,
    users: Vec<String>,
    read_only: bool,
    paths: Vec<FieldPath>,
}

/// The mounts of volume `name` in `containers` (name, path): `None` when one is not a plain
/// directory mount, the directories differ, or read-only differs.
fn mounts_of(fields: &Fields, containers: &[(String, FieldPath)], name: &str) -> Option<Mounts> {
    let mut found: Option<Mounts> = None;
    for (user, container) in containers {
        for mount in fields.items(&container.key("volumeMounts")) {
            if fields.peek(&mount.key("name")).and_then(Value::as_str) != Some(name) {
                continue;
            }
            if fields.keys(&mount).iter().any(|k| !matches!(k.as_str(), "name" | "mountPath" | "readOnly")) {
                return None;
            }
            let path = fields.peek(&mount.key("mountPath")).and_then(Value::as_str)?.trim_end_matches('/').to_string();
            let read_only = fields.peek(&mount.key("readOnly")) == Some(&Value::Bool(true));
            match &mut found {
                None => {
                    found = Some(Mounts { path, users: vec![user.clone()], read_only, paths: vec![mount] });
                }
                Some(m) if m.path == path && m.read_only == read_only && !m.users.contains(user) => {
                    m.users.push(user.clone());
                    m.paths.push(mount);
                }
                Some(_) => return None,
            }
        }
    }
    found.filter(|m| m.path.starts_with('/') && m.path.len() > 1)
}

/// The volume's source as the rules write it, and its path; `None` (left for the report)
/// for a source or setting they do not have.
fn read_source(fields: &Fields, volume: &FieldPath) -> Option<(&'static str, Value, FieldPath)> {
    let keys = fields.keys(volume);
    let [a, b] = keys.as_slice() else { return None };
    let kind = if a == "name" { b } else { a };
    let source = volume.key(kind);
    let value = fields.peek(&source)?;
    let only = |allowed: &[&str]| value.as_object().is_some_and(|m| m.keys().all(|k| allowed.contains(&k.as_str())));
    let (key, out) = match kind.as_str() {
        "persistentVolumeClaim" if only(&["claimName"]) => {
            ("persistent_volume_claim", json!({"existing_claim": value.get("claimName")?.as_str()?}))
        }
        "configMap" if only(&["name", "defaultMode"]) && mode_is(value, CONFIG_MAP_MODE) => {
            ("config_map", json!(value.get("name")?.as_str()?))
        }
        "secret" if only(&["secretName", "defaultMode"]) && mode_is(value, SECRET_MODE) => {
            ("secret", json!(value.get("secretName")?.as_str()?))
        }
        "emptyDir" if only(&["medium", "sizeLimit"]) => {
            let mut dir = Map::new();
            match value.get("medium").and_then(Value::as_str) {
                None | Some("") => {}
                Some("Memory") => {
                    dir.insert("memory".into(), json!(true));
                }
                Some(_) => return None,
            }
            if let Some(limit) = value.get("sizeLimit") {
                dir.insert("size_limit".into(), json!(super::common::scalar_string(limit)?));
            }
            if dir.get("memory").is_some() && dir.get("size_limit").is_none() {
                return None; // the rules require a size limit in memory
            }
            ("empty_dir", Value::Object(dir))
        }
        "projected" if only(&["sources", "defaultMode"]) => ("service_account_token", projected_token(value)?),
        _ => return None,
    };
    Some((key, out, source))
}

/// Whether a configMap or secret volume's defaultMode is unset or `mode`.
fn mode_is(value: &Value, mode: i64) -> bool {
    value.get("defaultMode").is_none_or(|m| m.as_i64() == Some(mode))
}

/// A projected volume of one service account token in the file `token`.
fn projected_token(value: &Value) -> Option<Value> {
    let [source] = value.get("sources")?.as_array()?.as_slice() else { return None };
    let token = source.as_object().filter(|m| m.len() == 1)?.get("serviceAccountToken")?.as_object()?;
    if token.keys().any(|k| !matches!(k.as_str(), "audience" | "expirationSeconds" | "path"))
        || token.get("path")?.as_str()? != "token"
    {
        return None;
    }
    let mut out = Map::new();
    out.insert("audience".into(), json!(token.get("audience")?.as_str()?));
    if let Some(seconds) = token.get("expirationSeconds") {
        out.insert("expiration_seconds".into(), json!(seconds.as_i64()?));
    }
    Some(Value::Object(out))
}
