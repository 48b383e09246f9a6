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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::import::app::AppType;
    use crate::object::Object;

    /// What `read_pod` made of a pod template: the app, the notes, the fields left over.
    struct Read {
        app: App,
        container: Option<String>,
        ports: PodPorts,
        notes: Vec<String>,
        left: Vec<String>,
    }

    fn read_as(app_type: AppType, pod_spec: Value, own_config: Option<&OwnConfig>) -> Read {
        let object = Object {
            kind: "Deployment".into(),
            name: "web".into(),
            template: "t.yaml".into(),
            body: json!({"spec": {"template": {"spec": pod_spec}}}),
        };
        let mut fields = Fields::new(&object, "Deployment/web".into());
        let mut app = App::new("web", app_type, "Deployment/web".into());
        let mut notes = Vec::new();
        let pod = FieldPath::of_keys(&["spec", "template"]);
        let (container, ports) = read_pod(&mut fields, &pod, &mut app, own_config, &mut notes);
        Read {
            app,
            container: container.map(|c| c.to_string()),
            ports,
            notes: notes.iter().map(ToString::to_string).collect(),
            left: fields.leftovers().iter().map(|(path, _)| path.to_string()).collect(),
        }
    }

    /// The pod of one container `web` with `extra` fields.
    fn read_container(extra: Value) -> Read {
        let mut container = json!({"name": "web", "image": "shop:1"});
        container.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        read_as(AppType::Worker, json!({"containers": [container]}), None)
    }

    fn str_attr(app: &App, attribute: Attribute) -> Option<&str> {
        match app.get(attribute) {
            Some(AttrValue::Str(s)) => Some(s),
            _ => None,
        }
    }

    #[test]
    fn a_named_port_is_an_iana_service_name() {
        for good in ["http", "a1", "web-ui", "abcdefghijklmno"] {
            assert!(is_service_name(good), "{good}");
        }
        for bad in ["", "abcdefghijklmnop", "8080", "-web", "web-", "web--ui", "Web", "web_ui"] {
            assert!(!is_service_name(bad), "{bad}");
        }
    }

    #[test]
    fn a_port_name_says_its_protocol() {
        for (name, protocol) in [
            (None, PortProtocol::Http),
            (Some("http"), PortProtocol::Http),
            (Some("http-admin"), PortProtocol::Http),
            (Some("web"), PortProtocol::Http),
            (Some("webs"), PortProtocol::Tcp),
            (Some("grpc-api"), PortProtocol::Grpc),
            (Some("redis"), PortProtocol::Tcp),
        ] {
            assert_eq!(PortProtocol::of_name(name), protocol, "{name:?}");
        }
        let names: Vec<_> =
            [PortProtocol::Http, PortProtocol::Grpc, PortProtocol::Tcp].map(PortProtocol::port_name).into();
        assert_eq!(names, ["http", "grpc", "tcp"]);
    }

    #[test]
    fn an_image_splits_into_repository_tag_and_digest() {
        assert_eq!(split_image("shop:1"), ("shop", Some("1"), None));
        assert_eq!(split_image("shop"), ("shop", None, None));
        assert_eq!(split_image("registry:5000/shop"), ("registry:5000/shop", None, None));
        assert_eq!(split_image("registry:5000/shop:2.1"), ("registry:5000/shop", Some("2.1"), None));
        assert_eq!(split_image("shop@sha256:abc"), ("shop", None, Some("sha256:abc")));
        assert_eq!(split_image("shop:2@sha256:abc"), ("shop", Some("2"), Some("sha256:abc")));
    }

    #[test]
    fn the_image_becomes_repository_tag_digest_and_pull_policy() {
        let read = read_container(json!({"image": "ghcr.io/shop/web:2.1", "imagePullPolicy": "Always"}));
        assert_eq!(str_attr(&read.app, Attribute::ImageRepository), Some("ghcr.io/shop/web"));
        assert_eq!(str_attr(&read.app, Attribute::ImageTag), Some("2.1"));
        assert_eq!(str_attr(&read.app, Attribute::ImagePullPolicy), Some("Always"));
        assert!(read.notes.is_empty() && read.left.is_empty(), "{:?} {:?}", read.notes, read.left);

        let read = read_container(json!({"image": "shop:1@sha256:abc", "imagePullPolicy": "IfNotPresent"}));
        assert_eq!(str_attr(&read.app, Attribute::ImageDigest), Some("sha256:abc"));
        assert_eq!(read.app.get(Attribute::ImageTag), None);
        assert_eq!(read.app.get(Attribute::ImagePullPolicy), None, "the default policy");
        assert!(read.left.is_empty(), "{:?}", read.left);

        let read = read_container(json!({"image": "shop:latest"}));
        assert_eq!(read.app.get(Attribute::ImageTag), None);
        assert_eq!(
            read.notes,
            ["Deployment/web spec.template.spec.containers[web].image: shop:latest: the rules refuse the tag latest; \
              set image_tag to a version by hand"]
        );
        let read = read_container(json!({"image": "shop"}));
        assert_eq!(
            read.notes,
            ["Deployment/web spec.template.spec.containers[web].image: shop: no tag (Kubernetes pulls latest), which \
              the rules refuse; set image_tag by hand"]
        );
        let read = read_as(AppType::Worker, json!({"containers": [{"name": "web"}]}), None);
        assert_eq!(
            read.notes,
            ["Deployment/web spec.template.spec.containers[web].image: no image: image_repository is required, set \
              it by hand"]
        );
    }

    #[test]
    fn the_container_named_like_the_app_is_read_else_the_first_with_a_note() {
        let sidecar = json!({"name": "proxy", "image": "proxy:1"});
        let read = read_as(AppType::Worker, json!({"containers": [sidecar, {"name": "web", "image": "shop:1"}]}), None);
        assert_eq!(read.container.as_deref(), Some("spec.template.spec.containers[web]"));
        assert_eq!(str_attr(&read.app, Attribute::ImageRepository), Some("shop"));
        assert!(read.notes.is_empty(), "{:?}", read.notes);
        assert_eq!(read.left, ["spec.template.spec.containers[proxy]"]);

        let read = read_as(AppType::Worker, json!({"containers": [sidecar, {"name": "other", "image": "o:1"}]}), None);
        assert_eq!(read.container.as_deref(), Some("spec.template.spec.containers[proxy]"));
        assert_eq!(
            read.notes,
            ["Deployment/web spec.template.spec.containers[proxy].name: proxy: the rules name the container after \
              the app (web)"]
        );
        let read = read_as(AppType::Worker, json!({"containers": []}), None);
        assert_eq!(read.container, None);
        assert_eq!(read.notes, ["Deployment/web spec.template.spec.containers: no container: nothing to import"]);
    }

    #[test]
    fn the_restart_policy_is_the_workloads_own_or_a_jobs_on_failure() {
        let policy = |app_type: AppType, policy: &str| {
            let pod = json!({"restartPolicy": policy, "containers": [{"name": "web", "image": "shop:1"}]});
            let read = read_as(app_type, pod, None);
            (str_attr(&read.app, Attribute::JobRestartPolicy).map(str::to_string), read.left)
        };
        assert_eq!(policy(AppType::Worker, "Always"), (None, vec![]));
        assert_eq!(policy(AppType::Job, "Never"), (None, vec![]));
        assert_eq!(policy(AppType::Cronjob, "Never"), (None, vec![]));
        assert_eq!(policy(AppType::Job, "OnFailure"), (Some("OnFailure".into()), vec![]));
        let left = vec!["spec.template.spec.restartPolicy".to_string()];
        assert_eq!(policy(AppType::Worker, "OnFailure"), (None, left.clone()));
        assert_eq!(policy(AppType::Worker, "Never"), (None, left.clone()));
        assert_eq!(policy(AppType::Job, "Always"), (None, left));
    }

    #[test]
    fn command_and_args_are_lists_of_strings_and_empty_ones_set_nothing() {
        let read = read_container(json!({"command": ["/app", "serve"], "args": []}));
        assert_eq!(read.app.get(Attribute::Command), Some(&AttrValue::List(vec!["/app".into(), "serve".into()])));
        assert_eq!(read.app.get(Attribute::Args), None);
        assert!(read.left.is_empty(), "{:?}", read.left);
    }

    #[test]
    fn env_values_and_secret_keys_are_imported_and_other_sources_stay() {
        let read = read_container(json!({"env": [
            {"name": "MODE", "value": "strict"},
            {"name": "COUNT", "value": 3},
            {"name": "EMPTY"},
            {"name": "DB", "valueFrom": {"secretKeyRef": {"name": "db", "key": "url"}}},
            {"name": "OPT", "valueFrom": {"secretKeyRef": {"name": "db", "key": "url", "optional": true}}},
            {"name": "CM", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "k"}}},
            {"name": "ODD", "value": "x", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "HALF", "valueFrom": {"secretKeyRef": {"name": "db"}}}
        ]}));
        let dict = |pairs: &[(&str, &str)]| {
            AttrValue::Dict(pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect())
        };
        assert_eq!(read.app.get(Attribute::Env), Some(&dict(&[("COUNT", "3"), ("EMPTY", ""), ("MODE", "strict")])));
        assert_eq!(read.app.get(Attribute::SecretEnv), Some(&dict(&[("DB", "db/url")])));
        let env = "spec.template.spec.containers[web].env";
        assert_eq!(
            read.left,
            [format!("{env}[OPT]"), format!("{env}[CM]"), format!("{env}[ODD]"), format!("{env}[HALF]")]
        );
    }

    #[test]
    fn env_from_secrets_and_config_maps_are_imported_except_the_apps_own() {
        let env_from = json!({"envFrom": [
            {"secretRef": {"name": "api"}},
            {"configMapRef": {"name": "shared"}},
            {"configMapRef": {"name": "release-name-web"}},
            {"configMapRef": {"name": "prefixed"}, "prefix": "P_"},
            {"secretRef": {"name": "maybe", "optional": true}}
        ]});
        let own = OwnConfig { name: "release-name-web" };
        let mut container = json!({"name": "web", "image": "shop:1"});
        container.as_object_mut().unwrap().extend(env_from.as_object().unwrap().clone());
        let read = read_as(AppType::Worker, json!({"containers": [container.clone()]}), Some(&own));
        assert_eq!(read.app.get(Attribute::EnvFromSecrets), Some(&AttrValue::List(vec!["api".into()])));
        assert_eq!(read.app.get(Attribute::EnvFromConfigmaps), Some(&AttrValue::List(vec!["shared".into()])));
        let env_from = "spec.template.spec.containers[web].envFrom";
        assert_eq!(read.left, [format!("{env_from}[3]"), format!("{env_from}[4]")]);
        // Without an own ConfigMap, every ConfigMap is one of env_from_configmaps.
        let read = read_as(AppType::Worker, json!({"containers": [container]}), None);
        assert_eq!(
            read.app.get(Attribute::EnvFromConfigmaps),
            Some(&AttrValue::List(vec!["shared".into(), "release-name-web".into()]))
        );
    }

    #[test]
    fn the_first_port_is_the_apps_and_its_name_says_the_protocol() {
        let read = read_container(json!({"ports": [{"name": "grpc", "containerPort": 9090, "protocol": "TCP"}]}));
        assert_eq!(read.app.get(Attribute::Port), Some(&AttrValue::Int(9090)));
        assert_eq!(str_attr(&read.app, Attribute::Protocol), Some("grpc"));
        assert_eq!((read.ports.port, read.ports.protocol), (Some(9090), PortProtocol::Grpc));
        assert_eq!(read.ports.by_name, BTreeMap::from([("grpc".to_string(), 9090)]));
        assert!(read.left.is_empty(), "{:?}", read.left);
        let read = read_container(json!({"ports": [{"name": "redis", "containerPort": 6379, "protocol": "UDP"}]}));
        assert_eq!(str_attr(&read.app, Attribute::Protocol), Some("tcp"));
        assert_eq!(read.left, ["spec.template.spec.containers[web].ports[redis].protocol"]);
        let read = read_container(json!({"ports": [{"containerPort": 8080}]}));
        assert_eq!(read.app.get(Attribute::Protocol), None);
        assert_eq!(read.ports.protocol, PortProtocol::Http);
    }

    #[test]
    fn further_ports_are_imported_by_name_or_reported() {
        let read = read_container(json!({"ports": [
            {"containerPort": 8080},
            {"name": "http", "containerPort": 8081},
            {"name": "grpc-api", "containerPort": 9090},
            {"name": "http-admin", "containerPort": 9000},
            {"name": "redis", "containerPort": 6379},
            {"name": "dns", "containerPort": 53, "protocol": "UDP"},
            {"name": "stream", "containerPort": 7000, "protocol": "SCTP"},
            {"name": "quic", "containerPort": 7001, "protocol": "QUIC"},
            {"name": "host", "containerPort": 7002, "hostPort": 7002},
            {"name": "metrics", "containerPort": 9100},
            {"containerPort": 9200}
        ]}));
        assert_eq!(read.ports.port, Some(8080));
        assert_eq!(
            read.app.get(Attribute::Ports),
            Some(&AttrValue::Json(json!([
                {"name": "grpc-api", "port": 9090, "app_protocol": "grpc"},
                {"name": "http-admin", "port": 9000, "app_protocol": "http"},
                {"name": "redis", "port": 6379},
                {"name": "dns", "port": 53, "protocol": "UDP"},
                {"name": "stream", "port": 7000, "protocol": "SCTP"}
            ])))
        );
        let extra: Vec<_> = read.ports.extra.keys().cloned().collect();
        assert_eq!(extra, ["dns", "grpc-api", "http-admin", "redis", "stream"]);
        // One port has no name: the items are named by position.
        let ports = "Deployment/web spec.template.spec.containers[web].ports";
        let one_port = "an app has one port (the first, 8080, is imported as port) and the generated pod does not \
                        declare this one";
        let other_app = "serve it on the first port, or make it an app of its own";
        assert_eq!(
            read.notes,
            [
                format!("{ports}[1]: port 8081 named http: the name of another port of the app, which ports refuses"),
                format!("{ports}[7]: port 7001: {one_port}; {other_app}"),
                format!("{ports}[8]: port 7002: {one_port}; {other_app}"),
                format!(
                    "{ports}[9]: port 9100: {one_port}; if it serves Prometheus metrics, set metrics_port = 9100 \
                     (a ServiceMonitor scrapes it)"
                ),
                format!("{ports}[10]: port 9200: {one_port}; {other_app}"),
            ]
        );
        assert!(read.left.is_empty(), "{:?}", read.left);
    }

    #[test]
    fn a_further_port_named_like_another_extra_port_is_refused() {
        // Two ports of one name are items by position (Kubernetes refuses them; the chart may not).
        let read = read_container(json!({"ports": [
            {"name": "http", "containerPort": 8080},
            {"name": "redis", "containerPort": 6379},
            {"name": "redis", "containerPort": 6380}
        ]}));
        assert_eq!(read.app.get(Attribute::Ports), Some(&AttrValue::Json(json!([{"name": "redis", "port": 6379}]))));
        assert_eq!(
            read.notes,
            ["Deployment/web spec.template.spec.containers[web].ports[2]: port 6380 named redis: the name of another \
              port of the app, which ports refuses"]
        );
    }

    #[test]
    fn resources_are_six_attributes_and_empty_sides_are_accounted_for() {
        let read = read_container(json!({"resources": {
            "requests": {"cpu": "100m", "memory": "128Mi", "ephemeral-storage": "1Gi"},
            "limits": {"cpu": 1, "memory": "256Mi", "ephemeral-storage": "2Gi"}}}));
        for (attribute, value) in [
            (Attribute::ResourcesCpuRequest, "100m"),
            (Attribute::ResourcesCpuLimit, "1"),
            (Attribute::ResourcesMemoryRequest, "128Mi"),
            (Attribute::ResourcesMemoryLimit, "256Mi"),
            (Attribute::ResourcesEphemeralStorageRequest, "1Gi"),
            (Attribute::ResourcesEphemeralStorageLimit, "2Gi"),
        ] {
            assert_eq!(str_attr(&read.app, attribute), Some(value), "{attribute:?}");
        }
        assert!(read.left.is_empty(), "{:?}", read.left);
        let read = read_container(json!({"resources": {"requests": {}, "limits": {"nvidia.com/gpu": 1}}}));
        assert_eq!(read.left, ["spec.template.spec.containers[web].resources.limits"]);
        let read = read_container(json!({"resources": {}}));
        assert!(read.left.is_empty(), "{:?}", read.left);
    }
}
