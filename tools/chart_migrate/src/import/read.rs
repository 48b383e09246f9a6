//! One app's attributes, read from the objects it claims by the reader of each concern.

use super::app::{App, AppType, AttrValue, Attribute};
use super::common::take_identity;
use super::note::Note;
use super::workload::OwnConfig;
use super::{batch, config, network, pod_path, pod_volumes, probes, scaling, workload, Claims, Context};
use crate::path::FieldPath;

/// Pods of a Deployment without `spec.replicas`.
const KUBERNETES_REPLICAS: i64 = 1;

pub(super) fn read_app(cx: &mut Context, app: &mut App, claims: &Claims) {
    let workload = claims.workload;
    let kind = cx.objects[workload].kind.clone();
    let mut notes = Vec::new();
    let own_config_name = claims.config.map(|c| cx.objects[c].name.clone());
    let own_config = own_config_name.as_deref().map(|name| OwnConfig { name });
    // The ConfigMap first: its volume's items name the files its keys become.
    if let Some(config) = claims.config {
        config::read_config_map(cx.claim(config), app);
    }
    let (container, ports) = {
        let fields = cx.claim(workload);
        take_identity(fields);
        let spec = FieldPath::of_keys(&["spec"]);
        match kind.as_str() {
            "Deployment" => {
                fields.take(&spec.key("selector"));
                // Without spec.replicas Kubernetes runs 1 pod; the rules' default is 2 for an API.
                let replicas = match fields.peek(&spec.key("replicas")) {
                    Some(value) => value.as_i64().inspect(|_| {
                        fields.take(&spec.key("replicas"));
                    }),
                    None => Some(KUBERNETES_REPLICAS),
                };
                if let Some(replicas) = replicas.filter(|_| claims.hpa.is_none()) {
                    let default = if app.app_type == AppType::Worker { 1 } else { 2 };
                    if replicas != default {
                        app.set(Attribute::Replicas, AttrValue::Int(replicas));
                    }
                }
            }
            "StatefulSet" => {
                fields.take(&spec.key("selector"));
                fields.take(&spec.key("serviceName"));
                if let Some(replicas) = fields.peek(&spec.key("replicas")).and_then(|r| r.as_i64()) {
                    fields.take(&spec.key("replicas"));
                    app.set(Attribute::Replicas, AttrValue::Int(replicas));
                }
            }
            "DaemonSet" => {
                fields.take(&spec.key("selector"));
                read_daemon_update(fields, &spec, app);
            }
            "Job" => {
                batch::read_hook(fields, app, &mut notes);
                batch::read_job_spec(fields, &spec, app);
            }
            _ => {
                batch::read_cron_spec(fields, app);
                batch::read_job_spec(fields, &FieldPath::of_keys(&["spec", "jobTemplate", "spec"]), app);
            }
        }
        let read = workload::read_pod(fields, &pod_path(&kind), app, own_config.as_ref(), &mut notes);
        if let (Some(container), "StatefulSet") = (&read.0, kind.as_str()) {
            read_claim_template(fields, container, app);
        }
        if kind == "StatefulSet" && app.get(Attribute::StorageSize).is_none() {
            notes.push(Note::object(
                &fields.id,
                "no volume claim template the rules take (one, ReadWriteOnce, mounted at one directory): a stateful \
                 app needs storage_size and storage_mount_path, set them by hand",
            ));
        }
        read
    };
    claim_created_volumes(cx, app, &mut notes);
    if let Some(container) = &container {
        probes::read_probes(cx.claim(workload), container, app, &ports, &mut notes);
    }
    if let Some(service) = claims.service {
        let service_port = network::read_service(cx.claim(service), &ports, app, &mut notes);
        app.sources.push(cx.id(service));
        if app.get(Attribute::Port).is_none() {
            notes.push(Note::object(
                &cx.id(workload),
                format!("an API needs a port and its container declares none: set port by hand (app {})", app.name),
            ));
        }
        if let Some(route) = &claims.route {
            network::read_route(cx.claim(route.ingress), route, service_port, app, &mut notes);
            app.sources.push(cx.id(route.ingress));
        }
    }
    if let Some(hpa) = claims.hpa {
        scaling::read_hpa(cx.claim(hpa), app);
        app.sources.push(cx.id(hpa));
    }
    if let Some(pdb) = claims.pdb {
        scaling::read_pdb(cx.claim(pdb), app);
        app.sources.push(cx.id(pdb));
    } else if kind == "Deployment" {
        scaling::note_added_budget(&cx.id(workload), app, &mut notes);
    }
    if let Some(config) = claims.config {
        app.sources.push(cx.id(config));
    }
    cx.notes.extend(notes);
}

/// A DaemonSet's rolling update: its maxUnavailable is daemon_max_unavailable (unset: 1, as
/// Kubernetes' default); OnDelete and maxSurge stay in the report.
fn read_daemon_update(fields: &mut super::fields::Fields, spec: &FieldPath, app: &mut App) {
    let strategy = spec.key("updateStrategy");
    let rolling = strategy.key("rollingUpdate");
    if fields.peek(&strategy.key("type")).and_then(serde_json::Value::as_str) != Some("RollingUpdate") {
        return;
    }
    if fields.keys(&rolling).iter().any(|k| k != "maxUnavailable" && k != "maxSurge") {
        return;
    }
    let max_unavailable = fields.peek(&rolling.key("maxUnavailable")).and_then(super::common::scalar_string);
    let surge = fields.peek(&rolling.key("maxSurge")).and_then(super::common::scalar_string);
    if surge.is_some_and(|s| s != "0") {
        return; // the rules surge no pods
    }
    fields.take(&strategy);
    if let Some(max) = max_unavailable.filter(|m| m != "1") {
        app.set_str(Attribute::DaemonMaxUnavailable, &max);
    }
}

/// A claim of `volumes` the chart itself creates (a PersistentVolumeClaim object of that
/// name) is one the generated chart creates too: its size, StorageClass and access mode
/// replace `existing_claim`, and the object is read (and no longer reported).
fn claim_created_volumes(cx: &mut Context, app: &mut App, notes: &mut Vec<Note>) {
    let Some(AttrValue::Json(serde_json::Value::Array(mut volumes))) = app.get(Attribute::Volumes).cloned() else {
        return;
    };
    for entry in &mut volumes {
        let Some(claim) = entry.pointer("/persistent_volume_claim/existing_claim").and_then(|c| c.as_str()) else {
            continue;
        };
        let pvc = cx
            .indices("PersistentVolumeClaim")
            .into_iter()
            .find(|&i| cx.objects[i].name == claim && !cx.fields.contains_key(&i));
        let Some(pvc) = pvc else { continue };
        let Some(created) = pod_volumes::read_claim(cx.claim(pvc)) else { continue };
        entry["persistent_volume_claim"] = created;
        app.sources.push(cx.id(pvc));
        // Its access mode is known now: the note saying it is not goes (the volume's name in
        // it is the chart's, which import may have suffixed).
        let name = entry.get("name").and_then(|n| n.as_str()).unwrap_or_default().to_string();
        let originals = [name.clone(), name.trim_end_matches("-volume").to_string()];
        notes.retain(|note| !originals.iter().any(|o| note.message == pod_volumes::existing_claim_message(o)));
    }
    app.set(Attribute::Volumes, AttrValue::Json(serde_json::Value::Array(volumes)));
}

/// A StatefulSet's one volume claim template (ReadWriteOnce, a size, a StorageClass),
/// mounted by its container at one directory: storage_size, storage_class,
/// storage_mount_path. Anything more stays in the report.
fn read_claim_template(fields: &mut super::fields::Fields, container: &FieldPath, app: &mut App) {
    use serde_json::Value;
    let templates = FieldPath::of_keys(&["spec", "volumeClaimTemplates"]);
    let items = fields.items(&templates);
    let [template] = items.as_slice() else { return };
    let Some(name) = fields.peek(&template.key("metadata").key("name")).and_then(Value::as_str) else { return };
    let Some(created) = fields.peek(&template.key("spec")).cloned() else { return };
    let claim = crate::object::Object {
        kind: "PersistentVolumeClaim".into(),
        name: name.into(),
        template: String::new(),
        body: serde_json::json!({"spec": created}),
    };
    let mut claim_fields = super::fields::Fields::new(&claim, String::new());
    let Some(read) = pod_volumes::read_claim(&mut claim_fields) else { return };
    if read.get("access_mode").is_some_and(|m| m != "ReadWriteOnce") {
        return; // the rules' claim template is ReadWriteOnce
    }
    let mount = fields.items(&container.key("volumeMounts")).into_iter().find(|m| {
        fields.peek(&m.key("name")).and_then(Value::as_str) == Some(name)
            && fields.keys(m).iter().all(|k| k == "name" || k == "mountPath")
    });
    let Some(mount) = mount else { return };
    let Some(path) = fields.peek(&mount.key("mountPath")).and_then(Value::as_str) else { return };
    app.set_str(Attribute::StorageMountPath, path);
    if let Some(size) = read.get("size").and_then(Value::as_str) {
        app.set_str(Attribute::StorageSize, size);
    }
    if let Some(class) = read.get("storage_class").and_then(Value::as_str) {
        app.set_str(Attribute::StorageClass, class);
    }
    fields.take(&mount);
    fields.take(template);
}
