//! A pod's volumes as release_app attributes: the app's own ConfigMap mounted as files
//! (`config_mount_path`, each key a file, `items` renaming them), Secrets mounted as files
//! (`secret_mounts`), and an emptyDir on /tmp, which the rules give every pod. Whatever a
//! volume has beyond that stays for the report, with a line saying what the generated pod
//! does instead.

use std::collections::BTreeMap;

use serde_json::Value;

use super::app::{App, AttrValue, Attribute};
use super::fields::Fields;
use super::note::Note;
use crate::path::FieldPath;

/// A ConfigMap key (and so a file name the rules can mount): `[-._a-zA-Z0-9]+`.
fn is_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

/// The volume named `name`'s mount in `container`, when it is a plain directory mount
/// (`name`, `mountPath`, `readOnly`: no subPath, no propagation).
fn plain_mount(fields: &Fields, container: &FieldPath, volume_name: &str) -> Option<(FieldPath, String)> {
    let mount = fields.items(&container.key("volumeMounts")).into_iter().find(|m| {
        fields.peek(&m.key("name")).and_then(Value::as_str) == Some(volume_name)
            && fields.keys(m).iter().all(|k| matches!(k.as_str(), "name" | "mountPath" | "readOnly"))
    })?;
    let path = fields.peek(&mount.key("mountPath")).and_then(Value::as_str)?.to_string();
    Some((mount, path))
}

/// `items` of a configMap or secret volume as key -> file name; `Err` with the reason when
/// an item is more than that (a file in a subdirectory, a mode of its own).
fn items(fields: &Fields, items: &FieldPath) -> Result<BTreeMap<String, String>, String> {
    let mut files = BTreeMap::new();
    for item in fields.items(items) {
        let key = fields.peek(&item.key("key")).and_then(Value::as_str).unwrap_or_default();
        let path = fields.peek(&item.key("path")).and_then(Value::as_str).unwrap_or_default();
        if fields.keys(&item).iter().any(|k| k != "key" && k != "path") {
            return Err(format!("item {key} has a file mode of its own, which the rules do not set"));
        }
        if !is_file_name(path) {
            return Err(format!(
                "item {key} is the file {path}, and the rules mount each key as a file directly under the mount path"
            ));
        }
        files.insert(key.to_string(), path.to_string());
    }
    Ok(files)
}

/// The volume of the app's own ConfigMap and its mount: `config_mount_path`, with the
/// ConfigMap's keys renamed to the files `items` names (config_data keys are file names).
pub fn read_config_volume(
    fields: &mut Fields,
    spec: &FieldPath,
    container: &FieldPath,
    config_name: &str,
    app: &mut App,
    notes: &mut Vec<Note>,
) {
    let volume = fields
        .items(&spec.key("volumes"))
        .into_iter()
        .find(|v| fields.peek(&v.key("configMap").key("name")).and_then(Value::as_str) == Some(config_name));
    let Some(volume) = volume else { return };
    let Some(volume_name) = fields.peek(&volume.key("name")).and_then(Value::as_str) else { return };
    let source = volume.key("configMap");
    let lost = |why: String| {
        format!(
            "{why}: the ConfigMap is not mounted, and the generated chart passes its keys as environment variables \
             instead of files; mount it by hand after the migration, or give the app its files at one directory \
             (config_data keys are file names, config_mount_path the directory)"
        )
    };
    if fields.keys(&volume).len() != 2
        || fields.keys(&source).iter().any(|k| !matches!(k.as_str(), "name" | "items" | "defaultMode"))
    {
        notes.push(Note::field(
            &fields.id,
            &volume,
            lost("a ConfigMap volume with settings the rules do not have".into()),
        ));
        return;
    }
    let Some((mount, mount_path)) = plain_mount(fields, container, volume_name) else {
        notes.push(Note::field(&fields.id, &volume, lost("mounted with a subPath or not as a plain directory".into())));
        return;
    };
    let renames = match items(fields, &source.key("items")) {
        Ok(renames) => renames,
        Err(why) => {
            notes.push(Note::field(&fields.id, &source.key("items"), lost(why)));
            return;
        }
    };
    if !renames.is_empty() {
        rename_config_keys(app, &renames, &fields.id, &source.key("items"), notes);
    }
    app.set_str(Attribute::ConfigMountPath, &mount_path);
    fields.take(&mount);
    fields.take(&volume.key("name"));
    fields.take(&source.key("name"));
    fields.take(&source.key("items"));
    // defaultMode stays and is reported (the rules mount with Kubernetes' default, 0644).
}

/// config_data keys become the file names `items` gives them; keys `items` leaves out are
/// not files in the chart but will be in the generated one (each key is a file there).
fn rename_config_keys(
    app: &mut App,
    renames: &BTreeMap<String, String>,
    id: &str,
    items: &FieldPath,
    notes: &mut Vec<Note>,
) {
    let Some(AttrValue::Dict(data)) = app.get(Attribute::ConfigData).cloned() else { return };
    let mut renamed = BTreeMap::new();
    let mut unlisted = Vec::new();
    for (key, value) in data {
        match renames.get(&key) {
            Some(file) => {
                renamed.insert(file.clone(), value);
            }
            None => {
                unlisted.push(key.clone());
                renamed.insert(key, value);
            }
        }
    }
    let moved: Vec<String> = renames.iter().filter(|(k, f)| k != f).map(|(k, f)| format!("{k} -> {f}")).collect();
    if !moved.is_empty() {
        notes.push(Note::field(
            id,
            items,
            format!(
                "config_data is imported under the file names ({}), so the generated ConfigMap's keys differ from the \
                 chart's while the files are the same",
                moved.join(", ")
            ),
        ));
    }
    if !unlisted.is_empty() {
        notes.push(Note::field(
            id,
            items,
            format!(
                "keys {} are not mounted by the chart; the generated chart mounts every config_data key as a file \
                 (remove them from config_data if the app must not see them)",
                unlisted.join(", ")
            ),
        ));
    }
    app.set(Attribute::ConfigData, AttrValue::Dict(renamed));
}

/// Secret volumes mounted as a directory: `secret_mounts = {mount path: Secret}`. The rules
/// mount every key of the Secret, read-only, mode 0440: `items` (a subset of the keys, or
/// other file names) and a mode are lost, each with a report line.
pub fn read_secret_volumes(
    fields: &mut Fields,
    spec: &FieldPath,
    container: &FieldPath,
    app: &mut App,
    notes: &mut Vec<Note>,
) {
    for volume in fields.items(&spec.key("volumes")) {
        let source = volume.key("secret");
        let Some(secret) = fields.peek(&source.key("secretName")).and_then(Value::as_str) else { continue };
        let Some(volume_name) = fields.peek(&volume.key("name")).and_then(Value::as_str) else { continue };
        if fields.keys(&volume).len() != 2
            || fields.keys(&source).iter().any(|k| !matches!(k.as_str(), "secretName" | "items" | "defaultMode"))
        {
            continue; // reported as a volume the rules cannot express
        }
        let Some((mount, mount_path)) = plain_mount(fields, container, volume_name) else { continue };
        if let Err(why) = items(fields, &source.key("items")) {
            notes.push(Note::field(
                &fields.id,
                &source.key("items"),
                format!("{why}: not mounted; secret_mounts mounts every key of the Secret as a file, rename the keys in the Secret to match"),
            ));
            continue;
        }
        let files = items(fields, &source.key("items")).unwrap_or_default();
        let renamed: Vec<String> = files.iter().filter(|(k, f)| k != f).map(|(k, f)| format!("{k} -> {f}")).collect();
        if !renamed.is_empty() {
            notes.push(Note::field(
                &fields.id,
                &source.key("items"),
                format!(
                    "files {} are named after the Secret's keys in the generated pod (secret_mounts mounts every key \
                     under its own name): store the Secret with keys named like the files, or point the app at the key \
                     names",
                    renamed.join(", ")
                ),
            ));
        } else if !files.is_empty() {
            let keys: Vec<&str> = files.keys().map(String::as_str).collect();
            notes.push(Note::field(
                &fields.id,
                &source.key("items"),
                format!(
                    "only keys {} are files in the chart; secret_mounts mounts every key of the Secret (keep only \
                     these keys in it if the app must not see others)",
                    keys.join(", ")
                ),
            ));
        }
        app.insert(Attribute::SecretMounts, &mount_path, secret);
        fields.take(&mount);
        fields.take(&volume.key("name"));
        fields.take(&source.key("secretName"));
        fields.take(&source.key("items"));
    }
}

/// The reason import gives the read-only-root-filesystem exception that writable paths need.
const WRITABLE_PATHS_REASON: &str = "imported from a chart whose pod writes to these emptyDir directories; \
                                     the root filesystem stays read-only";

/// Plain emptyDir volumes (`emptyDir: {}`) mounted as a directory: one on /tmp every
/// generated pod has; any other is a writable path on the read-only root filesystem
/// (`security_writable_paths`, with the policy exception it needs and its reason).
pub fn read_scratch_volumes(fields: &mut Fields, spec: &FieldPath, container: &FieldPath, app: &mut App) {
    for volume in fields.items(&spec.key("volumes")) {
        let empty = fields.peek(&volume.key("emptyDir")).and_then(Value::as_object).is_some_and(|m| m.is_empty());
        let Some(volume_name) = fields.peek(&volume.key("name")).and_then(Value::as_str) else { continue };
        if !empty || fields.keys(&volume).len() != 2 {
            continue;
        }
        let Some((mount, path)) = plain_mount(fields, container, volume_name) else { continue };
        let writable = fields.peek(&mount.key("readOnly")) != Some(&Value::Bool(true));
        let path = path.trim_end_matches('/').to_string();
        if path == "/tmp" {
            fields.take(&mount);
            fields.take(&volume);
        } else if writable && path.starts_with('/') && path.len() > 1 {
            app.push(Attribute::SecurityWritablePaths, &path);
            app.insert(Attribute::PolicyExceptions, "read-only-root-filesystem", WRITABLE_PATHS_REASON);
            fields.take(&mount);
            fields.take(&volume);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::app::AppType;
    use crate::object::Object;
    use serde_json::json;

    fn pod(volumes: Value, mounts: Value) -> Object {
        let body = json!({"spec": {"volumes": volumes, "containers": [{"name": "app", "volumeMounts": mounts}]}});
        Object { kind: "Pod".into(), name: "p".into(), template: "t".into(), body }
    }

    fn paths() -> (FieldPath, FieldPath) {
        let spec = FieldPath::of_keys(&["spec"]);
        let container = spec.key("containers").child(crate::path::Segment::Name("app".into()));
        (spec, container)
    }

    #[test]
    fn config_items_rename_keys_to_file_names() {
        let object = pod(
            json!([{"name": "c", "configMap": {"name": "cm", "items": [{"key": "a.conf", "path": "b.conf"}]}}]),
            json!([{"name": "c", "mountPath": "/etc/x"}]),
        );
        let mut fields = Fields::new(&object, "Pod/p".into());
        let mut app = App::new("app", AppType::Worker, "Pod/p".into());
        app.insert(Attribute::ConfigData, "a.conf", "x = 1");
        app.insert(Attribute::ConfigData, "unused", "y");
        let (spec, container) = paths();
        let mut notes = Vec::new();
        read_config_volume(&mut fields, &spec, &container, "cm", &mut app, &mut notes);
        assert_eq!(app.get(Attribute::ConfigMountPath), Some(&AttrValue::Str("/etc/x".into())));
        let data = BTreeMap::from([("b.conf".to_string(), "x = 1".to_string()), ("unused".into(), "y".into())]);
        assert_eq!(app.get(Attribute::ConfigData), Some(&AttrValue::Dict(data)));
        let messages: Vec<String> = notes.iter().map(ToString::to_string).collect();
        assert!(
            messages[0].contains("config_data is imported under the file names (a.conf -> b.conf)"),
            "{messages:?}"
        );
        assert!(messages[1].contains("keys unused are not mounted by the chart"), "{messages:?}");
        fields.take(&container.key("name"));
        assert!(fields.leftovers().is_empty(), "{:?}", fields.leftovers());
    }

    #[test]
    fn a_file_in_a_subdirectory_is_reported_not_mounted() {
        let object = pod(
            json!([{"name": "c", "configMap": {"name": "cm", "items": [{"key": "a", "path": "conf/a"}]}}]),
            json!([{"name": "c", "mountPath": "/etc/x"}]),
        );
        let mut fields = Fields::new(&object, "Pod/p".into());
        let mut app = App::new("app", AppType::Worker, "Pod/p".into());
        let (spec, container) = paths();
        let mut notes = Vec::new();
        read_config_volume(&mut fields, &spec, &container, "cm", &mut app, &mut notes);
        assert!(app.get(Attribute::ConfigMountPath).is_none());
        assert!(
            notes[0].to_string().contains(
                "item a is the file conf/a, and the rules mount each key as a file directly under the mount path: the \
             ConfigMap is not mounted, and the generated chart passes its keys as environment variables"
            ),
            "{}",
            notes[0]
        );
    }

    #[test]
    fn empty_dirs_are_tmp_or_writable_paths() {
        let object = pod(
            json!([{"name": "t", "emptyDir": {}}, {"name": "d", "emptyDir": {}}, {"name": "m", "emptyDir": {"medium": "Memory"}}]),
            json!([{"name": "t", "mountPath": "/tmp"}, {"name": "d", "mountPath": "/data/"}, {"name": "m", "mountPath": "/cache"}]),
        );
        let mut fields = Fields::new(&object, "Pod/p".into());
        let mut app = App::new("app", AppType::Worker, "Pod/p".into());
        let (spec, container) = paths();
        read_scratch_volumes(&mut fields, &spec, &container, &mut app);
        assert_eq!(app.get(Attribute::SecurityWritablePaths), Some(&AttrValue::List(vec!["/data".into()])));
        assert!(
            matches!(app.get(Attribute::PolicyExceptions), Some(AttrValue::Dict(d)) if d.contains_key("read-only-root-filesystem"))
        );
        fields.take(&container.key("name"));
        let left: Vec<String> = fields.leftovers().iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(left, ["spec.containers[app].volumeMounts[m]", "spec.volumes[m]"]);
    }

    /// What a reader made of a pod with `volumes` and the app container's `mounts`.
    struct Read {
        app: App,
        notes: Vec<String>,
        left: Vec<String>,
    }

    fn read_pod(volumes: Value, mounts: Value, config_data: &[(&str, &str)]) -> Read {
        let object = pod(volumes, mounts);
        let mut fields = Fields::new(&object, "Pod/p".into());
        let mut app = App::new("app", AppType::Worker, "Pod/p".into());
        for (key, value) in config_data {
            app.insert(Attribute::ConfigData, key, value);
        }
        let (spec, container) = paths();
        let mut notes = Vec::new();
        read_config_volume(&mut fields, &spec, &container, "cm", &mut app, &mut notes);
        read_secret_volumes(&mut fields, &spec, &container, &mut app, &mut notes);
        read_scratch_volumes(&mut fields, &spec, &container, &mut app);
        fields.take(&container.key("name"));
        let left = fields.leftovers().iter().map(|(p, _)| p.to_string()).collect();
        Read { app, notes: notes.iter().map(ToString::to_string).collect(), left }
    }

    fn str_attr(app: &App, attribute: Attribute) -> Option<&str> {
        match app.get(attribute) {
            Some(AttrValue::Str(s)) => Some(s),
            _ => None,
        }
    }

    #[test]
    fn a_file_name_is_a_config_map_key() {
        for good in ["a", "a.conf", "A_b-1", "..a", ".env"] {
            assert!(is_file_name(good), "{good}");
        }
        for bad in ["", ".", "..", "a/b", "a b", "é"] {
            assert!(!is_file_name(bad), "{bad}");
        }
    }

    #[test]
    fn the_own_config_map_without_items_is_its_mount_path() {
        let volumes = json!([{"name": "c", "configMap": {"name": "cm", "defaultMode": 420}},
            {"name": "o", "configMap": {"name": "other"}}]);
        // Another volume's mount comes first: the mount is found by the volume's name.
        let mounts = json!([{"name": "o", "mountPath": "/o"}, {"name": "c", "mountPath": "/etc/x", "readOnly": true}]);
        let read = read_pod(volumes, mounts, &[("a.conf", "x")]);
        assert_eq!(str_attr(&read.app, Attribute::ConfigMountPath), Some("/etc/x"));
        let data = BTreeMap::from([("a.conf".to_string(), "x".to_string())]);
        assert_eq!(read.app.get(Attribute::ConfigData), Some(&AttrValue::Dict(data)));
        assert!(read.notes.is_empty(), "{:?}", read.notes);
        assert_eq!(
            read.left,
            ["spec.containers[app].volumeMounts[o]", "spec.volumes[c].configMap.defaultMode", "spec.volumes[o]"]
        );
    }

    #[test]
    fn items_of_the_same_names_only_say_which_keys_are_not_mounted() {
        let volumes = json!([{"name": "c", "configMap": {"name": "cm", "items": [{"key": "a", "path": "a"}]}}]);
        let read = read_pod(volumes.clone(), json!([{"name": "c", "mountPath": "/etc/x"}]), &[("a", "1"), ("b", "2")]);
        assert_eq!(
            read.notes,
            ["Pod/p spec.volumes[c].configMap.items: keys b are not mounted by the chart; the generated chart mounts \
              every config_data key as a file (remove them from config_data if the app must not see them)"]
        );
        let data = BTreeMap::from([("a".to_string(), "1".to_string()), ("b".into(), "2".into())]);
        assert_eq!(read.app.get(Attribute::ConfigData), Some(&AttrValue::Dict(data)));
        let read = read_pod(volumes, json!([{"name": "c", "mountPath": "/etc/x"}]), &[("a", "1")]);
        assert!(read.notes.is_empty(), "{:?}", read.notes);
        assert!(read.left.is_empty(), "{:?}", read.left);
    }

    #[test]
    fn a_config_map_volume_the_rules_cannot_mount_is_reported() {
        let lost = "the ConfigMap is not mounted, and the generated chart passes its keys as environment variables \
                    instead of files; mount it by hand after the migration, or give the app its files at one \
                    directory (config_data keys are file names, config_mount_path the directory)";
        let mount = json!([{"name": "c", "mountPath": "/etc/x"}]);
        for (volumes, mounts, note) in [
            (
                json!([{"name": "c", "configMap": {"name": "cm", "optional": true}}]),
                mount.clone(),
                format!("Pod/p spec.volumes[c]: a ConfigMap volume with settings the rules do not have: {lost}"),
            ),
            (
                json!([{"name": "c", "configMap": {"name": "cm"}, "extra": 1}]),
                mount.clone(),
                format!("Pod/p spec.volumes[c]: a ConfigMap volume with settings the rules do not have: {lost}"),
            ),
            (
                json!([{"name": "c", "configMap": {"name": "cm"}}]),
                json!([{"name": "c", "mountPath": "/etc/x/a", "subPath": "a"}]),
                format!("Pod/p spec.volumes[c]: mounted with a subPath or not as a plain directory: {lost}"),
            ),
            (
                json!([{"name": "c", "configMap": {"name": "cm", "items": [{"key": "a", "path": "a", "mode": 256}]}}]),
                mount.clone(),
                format!(
                    "Pod/p spec.volumes[c].configMap.items: item a has a file mode of its own, which the rules do \
                     not set: {lost}"
                ),
            ),
        ] {
            let read = read_pod(volumes.clone(), mounts, &[("a", "1")]);
            assert_eq!(read.app.get(Attribute::ConfigMountPath), None, "{volumes}");
            assert_eq!(read.notes, [note], "{volumes}");
        }
        // The volume of another ConfigMap is not the app's own.
        let read = read_pod(json!([{"name": "c", "configMap": {"name": "shared"}}]), mount, &[]);
        assert_eq!(read.app.get(Attribute::ConfigMountPath), None);
        assert!(read.notes.is_empty(), "{:?}", read.notes);
    }

    #[test]
    fn secret_volumes_are_secret_mounts() {
        let volumes = json!([{"name": "s", "secret": {"secretName": "api", "defaultMode": 288}}]);
        let read = read_pod(volumes, json!([{"name": "s", "mountPath": "/creds", "readOnly": true}]), &[]);
        assert_eq!(
            read.app.get(Attribute::SecretMounts),
            Some(&AttrValue::Dict([("/creds".into(), "api".into())].into()))
        );
        assert!(read.notes.is_empty(), "{:?}", read.notes);
        assert_eq!(read.left, ["spec.volumes[s].secret.defaultMode"]);
    }

    #[test]
    fn secret_items_are_reported_as_the_rules_mount_every_key() {
        let secret = |items: Value| {
            let volumes = json!([{"name": "s", "secret": {"secretName": "api", "items": items}}]);
            read_pod(volumes, json!([{"name": "s", "mountPath": "/creds"}]), &[])
        };
        let mounted = Some(AttrValue::Dict([("/creds".into(), "api".into())].into()));
        let read = secret(json!([{"key": "tls.crt", "path": "cert.pem"}, {"key": "tls.key", "path": "tls.key"}]));
        assert_eq!(read.app.get(Attribute::SecretMounts), mounted.as_ref());
        assert_eq!(
            read.notes,
            ["Pod/p spec.volumes[s].secret.items: files tls.crt -> cert.pem are named after the Secret's keys in the \
              generated pod (secret_mounts mounts every key under its own name): store the Secret with keys named \
              like the files, or point the app at the key names"]
        );
        assert!(read.left.is_empty(), "{:?}", read.left);
        let read = secret(json!([{"key": "b", "path": "b"}, {"key": "a", "path": "a"}]));
        assert_eq!(read.app.get(Attribute::SecretMounts), mounted.as_ref());
        assert_eq!(
            read.notes,
            ["Pod/p spec.volumes[s].secret.items: only keys a, b are files in the chart; secret_mounts mounts every \
              key of the Secret (keep only these keys in it if the app must not see others)"]
        );
        let read = secret(json!([{"key": "a", "path": "sub/a"}]));
        assert_eq!(read.app.get(Attribute::SecretMounts), None);
        assert_eq!(
            read.notes,
            ["Pod/p spec.volumes[s].secret.items: item a is the file sub/a, and the rules mount each key as a file \
              directly under the mount path: not mounted; secret_mounts mounts every key of the Secret as a file, \
              rename the keys in the Secret to match"]
        );
    }

    #[test]
    fn a_secret_volume_with_more_settings_or_a_sub_path_stays_without_a_note() {
        let mount = json!([{"name": "s", "mountPath": "/creds"}]);
        for (volumes, mounts) in [
            (json!([{"name": "s", "secret": {"secretName": "api", "optional": true}}]), mount.clone()),
            (json!([{"name": "s", "secret": {"secretName": "api"}, "extra": 1}]), mount.clone()),
            (
                json!([{"name": "s", "secret": {"secretName": "api"}}]),
                json!([{"name": "s", "mountPath": "/c", "subPath": "k"}]),
            ),
        ] {
            let read = read_pod(volumes.clone(), mounts, &[]);
            assert_eq!(read.app.get(Attribute::SecretMounts), None, "{volumes}");
            assert!(read.notes.is_empty(), "{:?}", read.notes);
            assert!(read.left.contains(&"spec.volumes[s]".to_string()), "{:?}", read.left);
        }
    }

    #[test]
    fn an_empty_dir_is_writable_only_when_mounted_read_write_at_an_absolute_path() {
        let volumes = json!([{"name": "t", "emptyDir": {}}, {"name": "r", "emptyDir": {}},
            {"name": "rel", "emptyDir": {}}, {"name": "x", "emptyDir": {}, "extra": 1}]);
        let mounts = json!([{"name": "t", "mountPath": "/tmp/", "readOnly": true},
            {"name": "r", "mountPath": "/ro", "readOnly": true}, {"name": "rel", "mountPath": "data"},
            {"name": "x", "mountPath": "/x"}]);
        let read = read_pod(volumes, mounts, &[]);
        assert_eq!(read.app.get(Attribute::SecurityWritablePaths), None);
        assert_eq!(read.app.get(Attribute::PolicyExceptions), None);
        let volume_mounts = "spec.containers[app].volumeMounts";
        assert_eq!(
            read.left,
            [
                format!("{volume_mounts}[r]"),
                format!("{volume_mounts}[rel]"),
                format!("{volume_mounts}[x]"),
                "spec.volumes[r]".into(),
                "spec.volumes[rel]".into(),
                "spec.volumes[x]".into()
            ]
        );
        let read = read_pod(
            json!([{"name": "d", "emptyDir": {}}]),
            json!([{"name": "d", "mountPath": "/d", "readOnly": false}]),
            &[],
        );
        assert_eq!(read.app.get(Attribute::SecurityWritablePaths), Some(&AttrValue::List(vec!["/d".into()])));
        assert_eq!(
            read.app.get(Attribute::PolicyExceptions),
            Some(&AttrValue::Dict([("read-only-root-filesystem".into(), WRITABLE_PATHS_REASON.into())].into()))
        );
        assert!(read.left.is_empty(), "{:?}", read.left);
    }
}
