//! A Service and the Ingress routes to it, as the port and `ingress_*` attributes of an API.

use serde_json::Value;

use super::app::{App, AppType, AttrValue, Attribute};
use super::common::{scalar_string, take_identity};
use super::fields::Fields;
use super::note::Note;
use super::workload::{PodPorts, PortProtocol};
use crate::path::FieldPath;

/// The port every generated Service listens on (forwarding to the container port).
pub const SERVICE_PORT: i64 = 80;

/// Reads a Service the app's pods are selected by. Returns its port (for Ingress backends).
pub fn read_service(fields: &mut Fields, ports: &PodPorts, app: &mut App, notes: &mut Vec<Note>) -> Option<i64> {
    take_identity(fields);
    let spec = FieldPath::of_keys(&["spec"]);
    fields.take(&spec.key("selector"));
    let external = read_service_type(fields, &spec, app, notes);
    if app.app_type == AppType::Stateful {
        // A stateful app's Service is headless and publishes pods before they are ready.
        if fields.peek(&spec.key("clusterIP")).and_then(Value::as_str) == Some("None") {
            fields.take(&spec.key("clusterIP"));
        }
        if fields.peek(&spec.key("publishNotReadyAddresses")) == Some(&Value::Bool(true)) {
            fields.take(&spec.key("publishNotReadyAddresses"));
        }
    }
    let items = fields.items(&spec.key("ports"));
    let mut served = Vec::new();
    for item in items.iter().skip(1) {
        served.extend(read_named_service_port(fields, item, ports, app));
    }
    for (name, port) in ports.extra.iter().filter(|(name, _)| !served.contains(name)) {
        notes.push(Note::field(
            &fields.id,
            &spec.key("ports"),
            format!(
                "the chart's Service has no port for the container port {name} ({port}); the generated Service \
                 has one (every entry of ports is a Service port)"
            ),
        ));
    }
    let first = items.first()?.clone();
    if external {
        if let Some(node_port) = fields.take(&first.key("nodePort")).and_then(Value::as_i64) {
            app.set(Attribute::ServiceNodePort, AttrValue::Int(node_port));
        }
    }
    let port = fields.peek(&first.key("port")).and_then(Value::as_i64);
    // The rules' Service port: 80 for http, the container port for grpc and tcp.
    let generated_port = match ports.protocol {
        PortProtocol::Http => Some(SERVICE_PORT),
        _ => ports.port,
    };
    if let Some(port) = port {
        fields.take(&first.key("port"));
        if Some(port) != generated_port {
            notes.push(Note::field(
                &fields.id,
                &first.key("port"),
                format!(
                    "{port}: generated Services listen on {} (forwarding to the container port) unless \
                     service_port is set: set service_port = {port} to keep the port clients use",
                    generated_port.map_or("80".to_string(), |p| p.to_string())
                ),
            ));
        }
    }
    // The target is the container port, by name or number: what the rules forward to.
    let target = fields.peek(&first.key("targetPort"));
    let reaches_pod = match target {
        Some(Value::String(name)) => ports.by_name.get(name).copied() == ports.port,
        Some(Value::Number(n)) => n.as_i64() == ports.port,
        None => port == ports.port,
        _ => false,
    };
    if reaches_pod {
        fields.take(&first.key("targetPort"));
    }
    for key in ["name", "protocol"] {
        if key == "name" || fields.peek(&first.key(key)).and_then(Value::as_str) == Some("TCP") {
            fields.take(&first.key(key));
        }
    }
    port
}

/// The Service type: ClusterIP is the rules' own; NodePort and LoadBalancer become
/// service_type with a placeholder reason, which the report says to replace (the rules
/// require one, and import cannot know it). Whether the Service is reachable from outside.
fn read_service_type(fields: &mut Fields, spec: &FieldPath, app: &mut App, notes: &mut Vec<Note>) -> bool {
    let path = spec.key("type");
    let service_type = fields.peek(&path).and_then(Value::as_str);
    match service_type {
        Some("ClusterIP") => {
            fields.take(&path);
            false
        }
        Some(kind @ ("NodePort" | "LoadBalancer")) => {
            fields.take(&path);
            app.set_str(Attribute::ServiceType, kind);
            app.set_str(Attribute::ServiceReason, &service_reason_placeholder(kind));
            notes.push(Note::field(
                &fields.id,
                &path,
                format!(
                    "{kind}: imported as service_type with a placeholder service_reason; the rules require the \
                     reason this app is reached from outside the cluster: replace it"
                ),
            ));
            // The generated Service keeps the client's address this way; other policies are reported.
            let policy = spec.key("externalTrafficPolicy");
            if fields.peek(&policy).and_then(Value::as_str) == Some("Local") {
                fields.take(&policy);
            }
            true
        }
        _ => false,
    }
}

/// The reason import writes for a NodePort or LoadBalancer Service: says it is not one.
pub fn service_reason_placeholder(kind: &str) -> String {
    format!(
        "imported from a chart whose Service is a {kind}; replace with why clients outside the cluster reach this app"
    )
}

/// A Service port besides the first that forwards to one of the app's named ports: its
/// Service port, node port and appProtocol go to that entry of `ports`.
/// Returns the name of the port it forwards to when imported.
fn read_named_service_port(fields: &mut Fields, item: &FieldPath, ports: &PodPorts, app: &mut App) -> Option<String> {
    let target = fields.peek(&item.key("targetPort")).or_else(|| fields.peek(&item.key("port")));
    let by_target = match target {
        Some(Value::String(name)) => ports.extra.get_key_value(name.as_str()),
        Some(Value::Number(n)) => ports.extra.iter().find(|(_, port)| n.as_i64() == Some(**port)),
        _ => None,
    };
    let (name, container_port) = by_target.map(|(name, port)| (name.clone(), *port))?;
    let known = ["name", "port", "targetPort", "protocol", "nodePort", "appProtocol"];
    if fields.keys(item).iter().any(|k| !known.contains(&k.as_str())) {
        return None;
    }
    let app_protocol = fields.peek(&item.key("appProtocol")).and_then(Value::as_str);
    if app_protocol.is_some_and(|p| !matches!(p, "http" | "grpc" | "tcp")) {
        return None; // one the rules do not write: reported
    }
    let Some(AttrValue::Json(Value::Array(list))) = app.attributes.get_mut(&Attribute::Ports) else { return None };
    let entry = list.iter_mut().find(|p| p.get("name").and_then(Value::as_str) == Some(name.as_str()))?;
    let service_port = fields.peek(&item.key("port")).and_then(Value::as_i64);
    let protocol = fields.peek(&item.key("protocol")).and_then(Value::as_str).unwrap_or("TCP");
    if protocol != entry.get("protocol").and_then(Value::as_str).unwrap_or("TCP") {
        return None; // a Service port of another protocol than the container's: reported
    }
    if let Some(port) = service_port.filter(|p| *p != container_port) {
        entry["service_port"] = Value::from(port);
    }
    if let Some(node_port) = fields.peek(&item.key("nodePort")).and_then(Value::as_i64) {
        entry["node_port"] = Value::from(node_port);
    }
    if let Some(app_protocol) = app_protocol {
        entry["app_protocol"] = Value::from(app_protocol);
    }
    fields.take(item);
    Some(name)
}

/// One path of one Ingress rule that routes to an app's Service.
#[derive(Clone, Debug)]
pub struct Route {
    pub ingress: usize,
    pub rule: FieldPath,
    pub path: FieldPath,
}

/// The routes of an Ingress (object `ingress`) whose backend is the Service `service`.
pub fn routes_to(fields: &Fields, ingress: usize, service: &str) -> Vec<Route> {
    let mut routes = Vec::new();
    for rule in fields.items(&FieldPath::of_keys(&["spec", "rules"])) {
        for path in fields.items(&rule.key("http").key("paths")) {
            let backend = path.key("backend").key("service").key("name");
            if fields.peek(&backend).and_then(Value::as_str) == Some(service) {
                routes.push(Route { ingress, rule: rule.clone(), path });
            }
        }
    }
    routes
}

/// Reads the app's first route (host, path, TLS secret, annotations) from its Ingress.
pub fn read_route(fields: &mut Fields, route: &Route, service_port: Option<i64>, app: &mut App, notes: &mut Vec<Note>) {
    take_identity(fields);
    let host = fields.peek(&route.rule.key("host")).and_then(Value::as_str).map(str::to_string);
    let Some(host) = host else {
        notes.push(Note::field(
            &fields.id,
            &route.rule,
            "a rule without a host: ingress_host is required, set it by hand",
        ));
        return;
    };
    fields.take(&route.rule.key("host"));
    app.set_str(Attribute::IngressHost, &host);
    if let Some(path) = fields.take_str(&route.path.key("path")) {
        app.set_str(Attribute::IngressPath, path);
    }
    match fields.peek(&route.path.key("pathType")).and_then(Value::as_str) {
        Some("Prefix") => {
            fields.take(&route.path.key("pathType"));
        }
        Some(other) => notes.push(Note::field(
            &fields.id,
            &route.path.key("pathType"),
            format!("{other}: generated Ingresses match paths by Prefix"),
        )),
        None => {}
    }
    let backend = route.path.key("backend").key("service");
    fields.take(&backend.key("name"));
    let port = backend.key("port");
    let port_ok = match (fields.peek(&port.key("number")).and_then(Value::as_i64), fields.peek(&port.key("name"))) {
        (Some(number), _) => Some(number) == service_port,
        (None, Some(name)) => name == "http",
        (None, None) => false,
    };
    if port_ok {
        fields.take(&port);
    }

    for tls in fields.items(&FieldPath::of_keys(&["spec", "tls"])) {
        let hosts = fields.items(&tls.key("hosts"));
        let Some(host_path) = hosts.iter().find(|h| fields.peek(h).and_then(Value::as_str) == Some(host.as_str()))
        else {
            continue;
        };
        if let Some(secret) = fields.peek(&tls.key("secretName")).and_then(Value::as_str) {
            app.set_str(Attribute::IngressTlsSecret, secret);
            fields.take(host_path);
            if hosts.len() == 1 {
                fields.take(&tls);
            }
        }
        break;
    }
    let annotations = FieldPath::of_keys(&["metadata", "annotations"]);
    for key in fields.keys(&annotations) {
        if let Some(value) = fields.peek(&annotations.key(&key)).and_then(scalar_string) {
            fields.take(&annotations.key(&key));
            app.insert(Attribute::IngressAnnotations, &key, &value);
        }
    }
}
