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

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::import::app::AppType;
    use crate::object::Object;

    /// What `read_pod_volumes` made of a pod: the `volumes` attribute, the notes and the
    /// volume fields left over.
    struct Read {
        volumes: Option<Value>,
        notes: Vec<String>,
        left: Vec<String>,
    }

    fn pod(volumes: Value, mounts: Value, init: Value) -> Object {
        let body = json!({"spec": {
            "containers": [{"name": "web", "volumeMounts": mounts}],
            "initContainers": init,
            "volumes": volumes}});
        Object { kind: "Pod".into(), name: "web".into(), template: "t.yaml".into(), body }
    }

    /// Reads the volumes of `object`, whose init containers `imported` the app has imported,
    /// after another reader took the fields `taken_before`.
    fn read_with(object: &Object, imported: &[&str], taken_before: &[FieldPath]) -> Read {
        let mut fields = Fields::new(object, "Pod/web".into());
        for path in taken_before {
            fields.take(path);
        }
        let spec = FieldPath::of_keys(&["spec"]);
        let container = fields.items(&spec.key("containers"))[0].clone();
        let mut app = App::new("web", AppType::Worker, "Pod/web".into());
        for name in imported {
            push_json(&mut app, Attribute::InitContainers, json!({"name": name}));
        }
        let mut notes = Vec::new();
        read_pod_volumes(&mut fields, &spec, &container, &mut app, &mut notes);
        let volumes = match app.get(Attribute::Volumes) {
            Some(AttrValue::Json(list)) => Some(list.clone()),
            _ => None,
        };
        // The containers' names are other readers' to take.
        let left =
            fields.leftovers().iter().map(|(path, _)| path.to_string()).filter(|p| p.contains("olume")).collect();
        Read { volumes, notes: notes.iter().map(ToString::to_string).collect(), left }
    }

    /// One volume mounted by the app's container at `/mnt/v` (`readOnly` when asked).
    fn read_one(volume: Value, read_only: bool) -> Read {
        let mut mount = json!({"name": volume["name"], "mountPath": "/mnt/v"});
        if read_only {
            mount["readOnly"] = json!(true);
        }
        read_with(&pod(json!([volume]), json!([mount]), json!([])), &[], &[])
    }

    /// The single entry imported from `volume` (mounted read-write), or `None`.
    fn imported(volume: Value) -> Option<Value> {
        let read = read_one(volume, false);
        let list = read.volumes?;
        assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
        Some(list[0].clone())
    }

    #[test]
    fn a_volume_name_is_a_dns_label() {
        for good in ["a", "a-b", "v1", "1v", &"a".repeat(63)] {
            assert!(is_label(good), "{good}");
        }
        for bad in ["", "-a", "a-", "A", "a_b", "a.b", &"a".repeat(64)] {
            assert!(!is_label(bad), "{bad}");
        }
    }

    #[test]
    fn the_charts_own_volume_names_are_renamed() {
        for own in ["tmp", "config", "data", "secret-1", "writable-12"] {
            assert!(is_chart_own_volume(own), "{own}");
            assert_eq!(free_name(own), Some(format!("{own}-volume")));
        }
        for other in ["web", "secret-", "secret-a", "writable-1x", "datas", "secret-1-volume"] {
            assert!(!is_chart_own_volume(other), "{other}");
            assert_eq!(free_name(other), Some(other.to_string()));
        }
        // Renamed, it would be longer than a label may be.
        let long = format!("secret-{}", "1".repeat(50));
        assert!(is_chart_own_volume(&long));
        assert_eq!(free_name(&long), None);
    }

    #[test]
    fn config_maps_and_secrets_are_imported_with_the_rules_modes_only() {
        let config = |extra: Value| {
            let mut source = json!({"name": "ca"});
            source.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            imported(json!({"name": "certs", "configMap": source}))
        };
        let expected = json!({"name": "certs", "mount_path": "/mnt/v", "config_map": "ca"});
        assert_eq!(config(json!({})), Some(expected.clone()));
        assert_eq!(config(json!({"defaultMode": 0o644})), Some(expected));
        assert_eq!(config(json!({"defaultMode": 0o440})), None);
        assert_eq!(config(json!({"items": [{"key": "a", "path": "b"}]})), None);

        let secret = |extra: Value| {
            let mut source = json!({"secretName": "api"});
            source.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            imported(json!({"name": "creds", "secret": source}))
        };
        let expected = json!({"name": "creds", "mount_path": "/mnt/v", "secret": "api"});
        assert_eq!(secret(json!({})), Some(expected.clone()));
        assert_eq!(secret(json!({"defaultMode": 0o440})), Some(expected));
        assert_eq!(secret(json!({"defaultMode": 0o644})), None);
        assert_eq!(secret(json!({"optional": true})), None);
    }

    #[test]
    fn mode_is_unset_or_the_given_mode() {
        assert!(mode_is(&json!({}), 0o644));
        assert!(mode_is(&json!({"defaultMode": 420}), 0o644));
        assert!(!mode_is(&json!({"defaultMode": 288}), 0o644));
        assert!(!mode_is(&json!({"defaultMode": "420"}), 0o644));
    }

    #[test]
    fn empty_dirs_are_imported_with_memory_and_size_limit() {
        let dir =
            |source: Value| imported(json!({"name": "cache", "emptyDir": source})).map(|e| e["empty_dir"].clone());
        assert_eq!(dir(json!({})), Some(json!({})));
        assert_eq!(dir(json!({"medium": ""})), Some(json!({})));
        assert_eq!(dir(json!({"sizeLimit": "1Gi"})), Some(json!({"size_limit": "1Gi"})));
        assert_eq!(
            dir(json!({"medium": "Memory", "sizeLimit": "64Mi"})),
            Some(json!({"memory": true, "size_limit": "64Mi"}))
        );
        // In memory the rules require a size limit; other media and settings they do not have.
        assert_eq!(dir(json!({"medium": "Memory"})), None);
        assert_eq!(dir(json!({"medium": "HugePages", "sizeLimit": "1Gi"})), None);
        assert_eq!(dir(json!({"sizeLimit": {"x": 1}})), None);
        assert_eq!(dir(json!({"sizeLimit": "1Gi", "other": 1})), None);
    }

    #[test]
    fn an_existing_claim_is_imported_with_its_read_only_mount_and_a_note() {
        let volume = json!({"name": "store", "persistentVolumeClaim": {"claimName": "shop-store"}});
        let read = read_one(volume.clone(), true);
        assert_eq!(
            read.volumes,
            Some(json!([{"name": "store", "mount_path": "/mnt/v", "read_only": true,
                "persistent_volume_claim": {"existing_claim": "shop-store"}}]))
        );
        assert_eq!(read.notes, [format!("Pod/web spec.volumes[store]: {}", existing_claim_message("store"))]);
        assert!(
            existing_claim_message("store").starts_with("volume store: an existing claim; its access_mode is unset")
        );
        assert!(read.left.is_empty(), "{:?}", read.left);
        // A read-only empty directory is one too; a read-only ConfigMap is read-only anyway.
        let read = read_one(json!({"name": "cache", "emptyDir": {}}), true);
        assert_eq!(read.volumes.unwrap()[0]["read_only"], json!(true));
        let read = read_one(json!({"name": "certs", "configMap": {"name": "ca"}}), true);
        assert_eq!(read.volumes.unwrap()[0].get("read_only"), None);
        assert!(read.notes.is_empty(), "{:?}", read.notes);
        // The claim's own readOnly setting is not the rules'.
        let claim = json!({"name": "store", "persistentVolumeClaim": {"claimName": "s", "readOnly": true}});
        assert_eq!(imported(claim), None);
    }

    #[test]
    fn a_projected_service_account_token_is_imported() {
        let token = |token: Value| {
            imported(json!({"name": "token", "projected": {"sources": [{"serviceAccountToken": token}]}}))
                .map(|e| e["service_account_token"].clone())
        };
        assert_eq!(
            token(json!({"audience": "vault", "expirationSeconds": 600, "path": "token"})),
            Some(json!({"audience": "vault", "expiration_seconds": 600}))
        );
        assert_eq!(token(json!({"audience": "vault", "path": "token"})), Some(json!({"audience": "vault"})));
        assert_eq!(token(json!({"audience": "vault", "path": "other"})), None);
        assert_eq!(token(json!({"audience": "vault", "path": "token", "mode": 1})), None);
        assert_eq!(token(json!({"path": "token"})), None);
        let two = json!([{"serviceAccountToken": {"audience": "a", "path": "token"}}, {"configMap": {"name": "x"}}]);
        assert_eq!(imported(json!({"name": "token", "projected": {"sources": two}})), None);
        let mixed = json!([{"serviceAccountToken": {"audience": "a", "path": "token"}, "configMap": {"name": "x"}}]);
        assert_eq!(imported(json!({"name": "token", "projected": {"sources": mixed}})), None);
        let with_mode =
            json!({"sources": [{"serviceAccountToken": {"audience": "a", "path": "token"}}], "defaultMode": 420});
        assert!(imported(json!({"name": "token", "projected": with_mode})).is_some());
        let other = json!({"sources": [{"serviceAccountToken": {"audience": "a", "path": "token"}}], "other": 1});
        assert_eq!(imported(json!({"name": "token", "projected": other})), None);
    }

    #[test]
    fn a_volume_with_two_sources_or_an_unknown_one_stays() {
        assert_eq!(imported(json!({"name": "v", "emptyDir": {}, "configMap": {"name": "x"}})), None);
        let read = read_one(json!({"name": "v", "hostPath": {"path": "/var"}}), false);
        assert_eq!(read.volumes, None);
        assert_eq!(read.left, ["spec.containers[web].volumeMounts[v]", "spec.volumes[v]"]);
    }

    #[test]
    fn a_volume_is_imported_from_one_plain_directory_mount() {
        let cache = json!([{"name": "cache", "emptyDir": {}}]);
        let mounted = |mounts: Value| read_with(&pod(cache.clone(), mounts, json!([])), &[], &[]).volumes;
        assert_eq!(
            mounted(json!([{"name": "cache", "mountPath": "/cache/"}])),
            Some(json!([{"name": "cache", "mount_path": "/cache", "empty_dir": {}}]))
        );
        assert_eq!(
            mounted(json!([{"name": "cache", "mountPath": "/cache", "readOnly": false}]))
                .map(|v| v[0].get("read_only").cloned()),
            Some(None)
        );
        for mounts in [
            json!([]),
            json!([{"name": "cache", "mountPath": "/"}]),
            json!([{"name": "cache", "mountPath": "cache"}]),
            json!([{"name": "cache"}]),
            json!([{"name": "cache", "mountPath": "/cache", "subPath": "x"}]),
            json!([{"name": "cache", "mountPath": "/a"}, {"name": "cache", "mountPath": "/b"}]),
            json!([{"name": "cache", "mountPath": "/a"}, {"name": "cache", "mountPath": "/a"}]),
        ] {
            assert_eq!(mounted(mounts.clone()), None, "{mounts}");
        }
    }

    #[test]
    fn the_imported_init_containers_share_the_mount() {
        let volumes = json!([{"name": "cache", "emptyDir": {}}]);
        let web_mount = json!([{"name": "cache", "mountPath": "/cache"}]);
        let init = |mount: Value| json!([{"name": "seed", "volumeMounts": [mount]}, {"name": "other"}]);
        let same = init(json!({"name": "cache", "mountPath": "/cache"}));
        let read = read_with(&pod(volumes.clone(), web_mount.clone(), same.clone()), &["seed"], &[]);
        assert_eq!(
            read.volumes,
            Some(json!([{"name": "cache", "mount_path": "/cache", "containers": ["web", "seed"], "empty_dir": {}}]))
        );
        assert!(read.left.is_empty(), "{:?}", read.left);
        // An init container not imported does not count, and its mount stays.
        let read = read_with(&pod(volumes.clone(), web_mount.clone(), same.clone()), &[], &[]);
        assert_eq!(read.volumes, Some(json!([{"name": "cache", "mount_path": "/cache", "empty_dir": {}}])));
        assert_eq!(read.left, ["spec.initContainers[seed].volumeMounts[cache]"]);
        // Mounted by the init container only.
        let read = read_with(&pod(volumes.clone(), json!([]), same), &["seed"], &[]);
        assert_eq!(
            read.volumes,
            Some(json!([{"name": "cache", "mount_path": "/cache", "containers": ["seed"], "empty_dir": {}}]))
        );
        // Elsewhere, or read-only in one container only: left for the report.
        for mount in [
            json!({"name": "cache", "mountPath": "/other"}),
            json!({"name": "cache", "mountPath": "/cache", "readOnly": true}),
        ] {
            let read = read_with(&pod(volumes.clone(), web_mount.clone(), init(mount.clone())), &["seed"], &[]);
            assert_eq!(read.volumes, None, "{mount}");
        }
    }

    #[test]
    fn a_volume_another_reader_took_is_left_alone() {
        let object = pod(
            json!([{"name": "cache", "emptyDir": {}}, {"name": "scratch", "emptyDir": {}}]),
            json!([{"name": "cache", "mountPath": "/cache"}, {"name": "scratch", "mountPath": "/scratch"}]),
            json!([]),
        );
        let volumes = FieldPath::of_keys(&["spec", "volumes"]);
        let cache = volumes.child(crate::path::Segment::Name("cache".into()));
        let read = read_with(&object, &[], &[cache.key("name")]);
        assert_eq!(read.volumes, Some(json!([{"name": "scratch", "mount_path": "/scratch", "empty_dir": {}}])));
        let read = read_with(&object, &[], &[]);
        assert_eq!(read.volumes.map(|v| v.as_array().unwrap().len()), Some(2));
        assert!(read.notes.is_empty(), "{:?}", read.notes);
    }

    #[test]
    fn a_volume_name_that_is_no_label_is_reported_and_an_own_name_renamed() {
        let read = read_one(json!({"name": "Cache_1", "emptyDir": {}}), false);
        assert_eq!(read.volumes, None);
        assert_eq!(
            read.notes,
            ["Pod/web spec.volumes[Cache_1]: volume Cache_1: not a DNS-1123 label, which volumes refuses"]
        );
        assert!(!read.left.iter().any(|l| l.starts_with("spec.volumes")), "{:?}", read.left);
        let read = read_one(json!({"name": "tmp", "emptyDir": {}}), false);
        assert_eq!(read.volumes.unwrap()[0]["name"], json!("tmp-volume"));
        assert_eq!(read.notes.len(), 1, "{:?}", read.notes);
        assert!(read.notes[0].starts_with("Pod/web spec.volumes[tmp].name: volume tmp: imported as tmp-volume"));
        let long = format!("secret-{}", "1".repeat(50));
        let read = read_one(json!({"name": long, "emptyDir": {}}), false);
        assert_eq!(read.volumes, None);
        assert!(read.notes.is_empty(), "{:?}", read.notes);
    }

    fn claim(spec: Value) -> (Option<Value>, Vec<String>) {
        let object = Object {
            kind: "PersistentVolumeClaim".into(),
            name: "store".into(),
            template: "t.yaml".into(),
            body: json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "store"}, "spec": spec}),
        };
        let mut fields = Fields::new(&object, "PersistentVolumeClaim/store".into());
        let read = read_claim(&mut fields);
        (read, fields.leftovers().iter().map(|(path, _)| path.to_string()).collect())
    }

    #[test]
    fn a_created_claim_is_its_size_class_and_access_mode() {
        let requests = json!({"requests": {"storage": "5Gi"}});
        let (read, left) = claim(json!({"resources": requests, "storageClassName": "fast",
            "accessModes": ["ReadWriteMany"], "volumeMode": "Filesystem"}));
        assert_eq!(read, Some(json!({"size": "5Gi", "storage_class": "fast", "access_mode": "ReadWriteMany"})));
        assert!(left.is_empty(), "{left:?}");
        assert_eq!(claim(json!({"resources": requests})).0, Some(json!({"size": "5Gi"})));
        for mode in ["ReadWriteOnce", "ReadWriteOncePod", "ReadOnlyMany"] {
            let (read, _) = claim(json!({"resources": requests, "accessModes": [mode]}));
            assert_eq!(read, Some(json!({"size": "5Gi", "access_mode": mode})));
        }
    }

    #[test]
    fn a_claim_with_more_than_the_rules_say_stays() {
        let requests = json!({"requests": {"storage": "5Gi"}});
        for spec in [
            json!({"resources": requests, "selector": {"matchLabels": {"a": "b"}}}),
            json!({"resources": {"requests": {}}}),
            json!({"resources": requests, "accessModes": ["ReadWriteOnce", "ReadOnlyMany"]}),
            json!({"resources": requests, "accessModes": ["Sometimes"]}),
            json!({"resources": requests, "accessModes": []}),
            json!({"resources": requests, "volumeMode": "Block"}),
            json!({"resources": {"requests": {"storage": "5Gi"}, "limits": {"storage": "9Gi"}}}),
            json!({"resources": {"requests": {"storage": "5Gi", "cpu": "1"}}}),
        ] {
            let (read, left) = claim(spec.clone());
            assert_eq!(read, None, "{spec}");
            assert_eq!(left, ["spec"], "{spec}");
        }
    }
}
