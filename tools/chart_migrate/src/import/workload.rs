//! A workload's pod (Deployment, Job, CronJob) as release_app attributes: image, command,
//! args, environment, secret references, port, resources and the app's own ConfigMap.

use std::collections::BTreeMap;

use serde_json::Value;

use super::app::{App, AttrValue, Attribute};
use super::common::{scalar_string, string_list, take_standard_labels};
use super::fields::Fields;
use super::note::Note;
use super::{init, pod, pod_volumes, volumes};
use crate::path::FieldPath;

/// How the app's own ConfigMap (if it has one) reaches the pod.
pub struct OwnConfig<'a> {
    /// The ConfigMap's rendered name.
    pub name: &'a str,
}

/// What the pod said about ports, for the Service and the probes.
#[derive(Debug, Default)]
pub struct PodPorts {
    /// The container port imported as `port`.
    pub port: Option<i64>,
    /// Named container ports, for `targetPort: http` and `port: http` in probes.
    pub by_name: BTreeMap<String, i64>,
    /// What the imported port speaks, from its name: the generated Service listens on 80 for
    /// http, on the container port for grpc and tcp.
    pub protocol: PortProtocol,
    /// Ports imported into `ports` besides the main one, by name: the container port.
    pub extra: BTreeMap<String, i64>,
}

impl PortProtocol {
    /// The name the generated chart gives the main port.
    pub fn port_name(self) -> &'static str {
        match self {
            PortProtocol::Http => "http",
            PortProtocol::Grpc => "grpc",
            PortProtocol::Tcp => "tcp",
        }
    }
}

/// An IANA service name, which a named port of the rules must be: at most 15 lowercase
/// letters, digits and single '-' between them, a letter among them.
fn is_service_name(name: &str) -> bool {
    (1..=15).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && name.chars().any(|c| c.is_ascii_lowercase())
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PortProtocol {
    #[default]
    Http,
    Grpc,
    Tcp,
}

impl PortProtocol {
    /// The protocol a port's name says (`http`, `http-web`, `grpc`, `redis`); unnamed: http,
    /// the rules' default.
    fn of_name(name: Option<&str>) -> PortProtocol {
        match name {
            None => PortProtocol::Http,
            Some(name) if name.starts_with("http") || name == "web" => PortProtocol::Http,
            Some(name) if name.starts_with("grpc") => PortProtocol::Grpc,
            Some(_) => PortProtocol::Tcp,
        }
    }
}

/// Reads the pod template at `pod` into `app`; returns the container's path and ports.
pub fn read_pod(
    fields: &mut Fields,
    pod: &FieldPath,
    app: &mut App,
    own_config: Option<&OwnConfig>,
    notes: &mut Vec<Note>,
) -> (Option<FieldPath>, PodPorts) {
    take_standard_labels(fields, &pod.key("metadata").key("labels"));
    let spec = pod.key("spec");
    for key in ["serviceAccountName", "serviceAccount"] {
        fields.take(&spec.key(key));
    }
    let expected_restart = if app.app_type.to_string().ends_with("job") { "Never" } else { "Always" };
    match fields.peek(&spec.key("restartPolicy")).and_then(Value::as_str) {
        Some(policy) if policy == expected_restart => {
            fields.take(&spec.key("restartPolicy"));
        }
        // A Job's pod may restart its container in place (job_restart_policy).
        Some("OnFailure") if expected_restart == "Never" => {
            fields.take(&spec.key("restartPolicy"));
            app.set_str(Attribute::JobRestartPolicy, "OnFailure");
        }
        _ => {}
    }

    let containers = fields.items(&spec.key("containers"));
    let named_like_app =
        containers.iter().position(|c| fields.peek(&c.key("name")).and_then(Value::as_str) == Some(&app.name));
    let Some(container) =
        named_like_app.or(if containers.is_empty() { None } else { Some(0) }).map(|i| containers[i].clone())
    else {
        notes.push(Note::field(&fields.id, &spec.key("containers"), "no container: nothing to import"));
        return (None, PodPorts::default());
    };
    if let Some(name) = fields.take_str(&container.key("name")) {
        if name != app.name {
            notes.push(Note::field(
                &fields.id,
                &container.key("name"),
                format!("{name}: the rules name the container after the app ({})", app.name),
            ));
        }
    }
    read_image(fields, &container, app, notes);
    for (key, attribute) in [("command", Attribute::Command), ("args", Attribute::Args)] {
        if let Some(list) = fields.peek(&container.key(key)).and_then(string_list) {
            fields.take(&container.key(key));
            if !list.is_empty() {
                app.set(attribute, AttrValue::List(list));
            }
        }
    }
    read_env(fields, &container, app, own_config);
    let ports = read_ports(fields, &container, app, notes);
    read_resources(fields, &container, app);
    if let Some(own) = own_config {
        volumes::read_config_volume(fields, &spec, &container, own.name, app, notes);
    }
    volumes::read_secret_volumes(fields, &spec, &container, app, notes);
    volumes::read_scratch_volumes(fields, &spec, &container, app);
    pod::read_pod_settings(fields, pod, &container, app, own_config.is_some(), notes);
    init::read_init_containers(fields, &spec, app, notes);
    pod_volumes::read_pod_volumes(fields, &spec, &container, app, notes);
    (Some(container), ports)
}

/// An image reference as repository, tag and digest.
pub fn split_image(image: &str) -> (&str, Option<&str>, Option<&str>) {
    let (reference, digest) = match image.split_once('@') {
        Some((reference, digest)) => (reference, Some(digest)),
        None => (image, None),
    };
    // A tag is what follows the last ':' after the last '/' (a registry port is not a tag).
    match reference.rsplit_once(':') {
        Some((repository, tag)) if !tag.contains('/') => (repository, Some(tag), digest),
        _ => (reference, None, digest),
    }
}

fn read_image(fields: &mut Fields, container: &FieldPath, app: &mut App, notes: &mut Vec<Note>) {
    let path = container.key("image");
    let Some(image) = fields.take_str(&path) else {
        notes.push(Note::field(&fields.id, &path, "no image: image_repository is required, set it by hand"));
        return;
    };
    let (repository, tag, digest) = split_image(image);
    app.set_str(Attribute::ImageRepository, repository);
    match (tag, digest) {
        (_, Some(digest)) => app.set_str(Attribute::ImageDigest, digest),
        (Some("latest"), None) => notes.push(Note::field(
            &fields.id,
            &path,
            format!("{image}: the rules refuse the tag latest; set image_tag to a version by hand"),
        )),
        (Some(tag), None) => app.set_str(Attribute::ImageTag, tag),
        (None, None) => notes.push(Note::field(
            &fields.id,
            &path,
            format!("{image}: no tag (Kubernetes pulls latest), which the rules refuse; set image_tag by hand"),
        )),
    }
    let policy = container.key("imagePullPolicy");
    if let Some(pull) = fields.take_str(&policy) {
        if pull != "IfNotPresent" {
            app.set_str(Attribute::ImagePullPolicy, pull);
        }
    }
}

fn read_env(fields: &mut Fields, container: &FieldPath, app: &mut App, own_config: Option<&OwnConfig>) {
    for item in fields.items(&container.key("env")) {
        let Some(name) = fields.peek(&item.key("name")).and_then(Value::as_str).map(str::to_string) else { continue };
        let secret = item.key("valueFrom").key("secretKeyRef");
        let has_only = |fields: &Fields, path: &FieldPath, keys: &[&str]| {
            fields.keys(path).iter().all(|k| keys.contains(&k.as_str()))
        };
        if let Some(value) = fields.peek(&item.key("value")).and_then(scalar_string) {
            if has_only(fields, &item, &["name", "value"]) {
                fields.take(&item);
                app.insert(Attribute::Env, &name, &value);
            }
        } else if fields.keys(&item) == ["name"] {
            fields.take(&item);
            app.insert(Attribute::Env, &name, "");
        } else if has_only(fields, &item, &["name", "valueFrom"])
            && has_only(fields, &item.key("valueFrom"), &["secretKeyRef"])
            && has_only(fields, &secret, &["name", "key"])
        {
            let secret_name = fields.peek(&secret.key("name")).and_then(Value::as_str);
            let key = fields.peek(&secret.key("key")).and_then(Value::as_str);
            if let (Some(secret_name), Some(key)) = (secret_name, key) {
                fields.take(&item);
                app.insert(Attribute::SecretEnv, &name, &format!("{secret_name}/{key}"));
            }
        }
        // Anything else (configMapKeyRef, fieldRef, optional, ...) stays and is reported.
    }
    for item in fields.items(&container.key("envFrom")) {
        for (reference, attribute) in
            [("secretRef", Attribute::EnvFromSecrets), ("configMapRef", Attribute::EnvFromConfigmaps)]
        {
            let path = item.key(reference);
            if fields.keys(&item) != [reference] || fields.keys(&path) != ["name"] {
                continue;
            }
            let Some(name) = fields.peek(&path.key("name")).and_then(Value::as_str) else { continue };
            fields.take(&item);
            // The app's own ConfigMap becomes its config data, which the rules pass as env.
            if reference == "configMapRef" && own_config.is_some_and(|own| own.name == name) {
                continue;
            }
            app.push(attribute, name);
        }
    }
}

fn read_ports(fields: &mut Fields, container: &FieldPath, app: &mut App, notes: &mut Vec<Note>) -> PodPorts {
    let mut ports = PodPorts::default();
    for (index, item) in fields.items(&container.key("ports")).into_iter().enumerate() {
        let Some(number) = fields.peek(&item.key("containerPort")).and_then(Value::as_i64) else { continue };
        if let Some(name) = fields.peek(&item.key("name")).and_then(Value::as_str) {
            ports.by_name.insert(name.to_string(), number);
        }
        if let Some(first) = ports.port.filter(|_| index > 0) {
            let name = fields.peek(&item.key("name")).and_then(Value::as_str).unwrap_or_default();
            match named_port(fields, &item, name, number, &ports, notes) {
                NamedPort::Imported(port) => {
                    ports.extra.insert(name.to_string(), number);
                    push_json(app, Attribute::Ports, port);
                    continue;
                }
                NamedPort::Refused => continue,
                NamedPort::Unnamed => {}
            }
            let how = if name.contains("metrics") {
                format!("if it serves Prometheus metrics, set metrics_port = {number} (a ServiceMonitor scrapes it)")
            } else {
                "serve it on the first port, or make it an app of its own".to_string()
            };
            notes.push(Note::field(
                &fields.id,
                &item,
                format!(
                    "port {number}: an app has one port (the first, {first}, is imported as port) and the generated \
                     pod does not declare this one; {how}"
                ),
            ));
            fields.mark(&item);
            continue;
        }
        ports.port = Some(number);
        app.set(Attribute::Port, AttrValue::Int(number));
        ports.protocol = PortProtocol::of_name(fields.peek(&item.key("name")).and_then(Value::as_str));
        match ports.protocol {
            PortProtocol::Http => {}
            PortProtocol::Grpc => app.set_str(Attribute::Protocol, "grpc"),
            PortProtocol::Tcp => app.set_str(Attribute::Protocol, "tcp"),
        }
        fields.take(&item.key("containerPort"));
        fields.take(&item.key("name"));
        if fields.peek(&item.key("protocol")).and_then(Value::as_str) == Some("TCP") {
            fields.take(&item.key("protocol"));
        }
    }
    ports
}

/// Appends `item` to the list of dicts `attribute`.
pub fn push_json(app: &mut App, attribute: Attribute, item: Value) {
    if let AttrValue::Json(Value::Array(list)) =
        app.attributes.entry(attribute).or_insert_with(|| AttrValue::Json(Value::Array(Vec::new())))
    {
        list.push(item);
    }
}

/// What became of a container port besides the first.
enum NamedPort {
    /// An entry of `ports`.
    Imported(Value),
    /// A name the rules refuse: reported, with the reason.
    Refused,
    /// No name the rules take (none, `metrics`, which metrics_port says, or other fields):
    /// the caller reports it.
    Unnamed,
}

fn named_port(
    fields: &mut Fields,
    item: &FieldPath,
    name: &str,
    number: i64,
    ports: &PodPorts,
    notes: &mut Vec<Note>,
) -> NamedPort {
    if name.is_empty() || name.contains("metrics") {
        return NamedPort::Unnamed;
    }
    let taken = name == ports.protocol.port_name() || ports.extra.contains_key(name);
    if !is_service_name(name) || taken {
        let why = if taken { "the name of another port of the app" } else { "not an IANA service name" };
        notes.push(Note::field(&fields.id, item, format!("port {number} named {name}: {why}, which ports refuses")));
        fields.mark(item);
        return NamedPort::Refused;
    }
    let protocol = fields.peek(&item.key("protocol")).and_then(Value::as_str).unwrap_or("TCP");
    let only_known = fields.keys(item).iter().all(|k| matches!(k.as_str(), "name" | "containerPort" | "protocol"));
    if !matches!(protocol, "TCP" | "UDP" | "SCTP") || !only_known {
        return NamedPort::Unnamed;
    }
    fields.take(item);
    let mut port = serde_json::json!({"name": name, "port": number});
    if protocol != "TCP" {
        port["protocol"] = Value::from(protocol);
    } else if name.starts_with("grpc") || name.starts_with("http") {
        // What the name says it speaks, as the main port's protocol is read.
        port["app_protocol"] = Value::from(PortProtocol::of_name(Some(name)).port_name());
    }
    NamedPort::Imported(port)
}

fn read_resources(fields: &mut Fields, container: &FieldPath, app: &mut App) {
    let resources = container.key("resources");
    let table = [
        ("requests", "cpu", Attribute::ResourcesCpuRequest),
        ("limits", "cpu", Attribute::ResourcesCpuLimit),
        ("requests", "memory", Attribute::ResourcesMemoryRequest),
        ("limits", "memory", Attribute::ResourcesMemoryLimit),
        ("requests", "ephemeral-storage", Attribute::ResourcesEphemeralStorageRequest),
        ("limits", "ephemeral-storage", Attribute::ResourcesEphemeralStorageLimit),
    ];
    for (side, resource, attribute) in table {
        let path = resources.key(side).key(resource);
        if let Some(quantity) = fields.peek(&path).and_then(scalar_string) {
            fields.take(&path);
            app.set_str(attribute, &quantity);
        }
    }
    for side in ["requests", "limits"] {
        if fields.keys(&resources.key(side)).is_empty() {
            fields.mark(&resources.key(side));
        }
    }
    if fields.keys(&resources).is_empty() {
        fields.mark(&resources);
    }
}
