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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;
    use crate::object::Object;

    fn object(kind: &str, body: Value) -> Object {
        let mut body = body;
        body["apiVersion"] = json!("v1");
        body["kind"] = json!(kind);
        body["metadata"]["name"] = json!("release-name-web");
        Object { kind: kind.into(), name: "release-name-web".into(), template: "t.yaml".into(), body }
    }

    /// The pod of an http app on 8080 (`http`), with the extra ports `extra` imported.
    fn pod_ports(protocol: PortProtocol, port: i64, extra: &[(&str, i64)]) -> PodPorts {
        let mut by_name = BTreeMap::from([(protocol.port_name().to_string(), port)]);
        by_name.extend(extra.iter().map(|(name, port)| ((*name).to_string(), *port)));
        PodPorts {
            port: Some(port),
            by_name,
            protocol,
            extra: extra.iter().map(|(name, port)| ((*name).to_string(), *port)).collect(),
        }
    }

    struct Read {
        port: Option<i64>,
        app: App,
        notes: Vec<String>,
        left: Vec<String>,
    }

    fn read_as(app_type: AppType, spec: Value, ports: &PodPorts, app_ports: Value) -> Read {
        let service = object("Service", json!({"spec": spec}));
        let mut fields = Fields::new(&service, "Service/web".into());
        let mut app = App::new("web", app_type, "Deployment/web".into());
        if app_ports != json!(null) {
            app.set(Attribute::Ports, AttrValue::Json(app_ports));
        }
        let mut notes = Vec::new();
        let port = read_service(&mut fields, ports, &mut app, &mut notes);
        let left = fields.leftovers().iter().map(|(p, _)| p.to_string()).collect();
        Read { port, app, notes: notes.iter().map(ToString::to_string).collect(), left }
    }

    fn read(spec: Value, ports: &PodPorts) -> Read {
        read_as(AppType::InternalApi, spec, ports, json!(null))
    }

    fn http() -> PodPorts {
        pod_ports(PortProtocol::Http, 8080, &[])
    }

    fn str_attr(app: &App, attribute: Attribute) -> Option<&str> {
        match app.get(attribute) {
            Some(AttrValue::Str(s)) => Some(s),
            _ => None,
        }
    }

    #[test]
    fn a_cluster_ip_service_on_80_to_the_container_port_is_the_rules_own() {
        for target in [json!("http"), json!(8080)] {
            let spec = json!({"type": "ClusterIP", "selector": {"app": "web"},
                "ports": [{"name": "web", "port": 80, "targetPort": target, "protocol": "TCP"}]});
            let read = read(spec, &http());
            assert_eq!(read.port, Some(80));
            assert!(read.notes.is_empty(), "{:?}", read.notes);
            assert!(read.left.is_empty(), "{target}: {:?}", read.left);
            assert_eq!(read.app.get(Attribute::ServiceType), None);
        }
    }

    #[test]
    fn a_target_port_that_is_not_the_apps_stays() {
        for target in [json!("admin"), json!(9000), json!(true)] {
            let spec = json!({"ports": [{"port": 80, "targetPort": target, "protocol": "UDP"}]});
            let read = read(spec, &http());
            assert_eq!(read.left, ["spec.ports[0].protocol", "spec.ports[0].targetPort"], "{target}");
        }
        assert_eq!(read(json!({"ports": []}), &http()).port, None);
        assert_eq!(read(json!({"type": "ExternalName", "selector": {"app": "web"}}), &http()).left, ["spec.type"]);
    }

    #[test]
    fn a_service_port_other_than_the_generated_one_is_reported() {
        let read = read(json!({"ports": [{"port": 8080, "targetPort": 8080}]}), &http());
        assert_eq!(read.port, Some(8080));
        assert_eq!(
            read.notes,
            ["Service/web spec.ports[0].port: 8080: generated Services listen on 80 (forwarding to the container \
              port) unless service_port is set: set service_port = 8080 to keep the port clients use"]
        );
        // A grpc or tcp app's generated Service listens on the container port.
        let grpc = pod_ports(PortProtocol::Grpc, 9090, &[]);
        let read_grpc =
            |port: i64| read_as(AppType::InternalApi, json!({"ports": [{"port": port}]}), &grpc, json!(null));
        let same = read_grpc(9090);
        assert!(same.notes.is_empty(), "{:?}", same.notes);
        assert!(same.left.is_empty(), "{:?}", same.left);
        let other = read_grpc(80);
        assert_eq!(
            other.notes,
            ["Service/web spec.ports[0].port: 80: generated Services listen on 9090 (forwarding to the container \
              port) unless service_port is set: set service_port = 80 to keep the port clients use"]
        );
    }

    #[test]
    fn a_node_port_or_load_balancer_service_is_a_service_type_with_a_placeholder_reason() {
        let spec = json!({"type": "NodePort", "externalTrafficPolicy": "Local",
            "ports": [{"port": 80, "targetPort": 8080, "nodePort": 30080}]});
        let read = read(spec, &http());
        assert_eq!(str_attr(&read.app, Attribute::ServiceType), Some("NodePort"));
        assert_eq!(read.app.get(Attribute::ServiceNodePort), Some(&AttrValue::Int(30080)));
        let reason = service_reason_placeholder("NodePort");
        assert_eq!(
            reason,
            "imported from a chart whose Service is a NodePort; replace with why clients outside the cluster reach \
             this app"
        );
        assert_eq!(str_attr(&read.app, Attribute::ServiceReason), Some(reason.as_str()));
        assert_eq!(
            read.notes,
            ["Service/web spec.type: NodePort: imported as service_type with a placeholder service_reason; the rules \
              require the reason this app is reached from outside the cluster: replace it"]
        );
        assert!(read.left.is_empty(), "{:?}", read.left);
        let spec = json!({"type": "LoadBalancer", "externalTrafficPolicy": "Cluster", "ports": [{"port": 80}]});
        assert_eq!(read_service_left(spec), ["spec.externalTrafficPolicy"]);
        // A ClusterIP Service has no node port the rules write.
        let spec = json!({"type": "ClusterIP", "ports": [{"port": 80, "nodePort": 30080}]});
        assert_eq!(read_service_left(spec), ["spec.ports[0].nodePort"]);
    }

    fn read_service_left(spec: Value) -> Vec<String> {
        read(spec, &pod_ports(PortProtocol::Http, 80, &[])).left
    }

    #[test]
    fn a_stateful_apps_service_is_headless_and_publishes_unready_pods() {
        let spec = json!({"clusterIP": "None", "publishNotReadyAddresses": true, "ports": [{"port": 80}]});
        let read = read_as(AppType::Stateful, spec.clone(), &http(), json!(null));
        assert!(read.left.is_empty(), "{:?}", read.left);
        let read = read_as(AppType::InternalApi, spec, &http(), json!(null));
        assert_eq!(read.left, ["spec.clusterIP", "spec.publishNotReadyAddresses"]);
        let spec = json!({"clusterIP": "10.0.0.1", "publishNotReadyAddresses": false, "ports": [{"port": 80}]});
        let read = read_as(AppType::Stateful, spec, &http(), json!(null));
        assert_eq!(read.left, ["spec.clusterIP", "spec.publishNotReadyAddresses"]);
    }

    #[test]
    fn further_service_ports_go_to_the_apps_named_ports() {
        let ports = pod_ports(PortProtocol::Http, 8080, &[("grpc", 9090), ("admin", 9000), ("dns", 53), ("gone", 7)]);
        let app_ports = json!([{"name": "grpc", "port": 9090}, {"name": "admin", "port": 9000},
            {"name": "dns", "port": 53, "protocol": "UDP"}, {"name": "gone", "port": 7}]);
        let spec = json!({"ports": [
            {"name": "http", "port": 80, "targetPort": "http"},
            {"name": "grpc", "port": 443, "targetPort": "grpc", "nodePort": 30443, "appProtocol": "grpc", "protocol": "TCP"},
            {"name": "admin", "port": 9000},
            {"name": "dns", "port": 53, "protocol": "UDP"},
            {"name": "gone", "port": 7, "appProtocol": "kafka"}
        ]});
        let read = read_as(AppType::InternalApi, spec, &ports, app_ports);
        assert_eq!(
            read.app.get(Attribute::Ports),
            Some(&AttrValue::Json(json!([
                {"name": "grpc", "port": 9090, "service_port": 443, "node_port": 30443, "app_protocol": "grpc"},
                {"name": "admin", "port": 9000},
                {"name": "dns", "port": 53, "protocol": "UDP"},
                {"name": "gone", "port": 7}
            ])))
        );
        assert_eq!(
            read.notes,
            ["Service/web spec.ports: the chart's Service has no port for the container port gone (7); the generated \
              Service has one (every entry of ports is a Service port)"]
        );
        assert_eq!(read.left, ["spec.ports[gone]"]);
    }

    #[test]
    fn a_further_service_port_the_rules_cannot_say_stays() {
        let ports = pod_ports(PortProtocol::Http, 8080, &[("admin", 9000)]);
        let app_ports = json!([{"name": "admin", "port": 9000}]);
        for (second, app_ports) in [
            (json!({"name": "admin", "port": 9000, "sessionAffinity": "x"}), app_ports.clone()),
            (json!({"name": "admin", "port": 9000, "protocol": "UDP"}), app_ports.clone()),
            (json!({"name": "admin", "port": 9001}), app_ports.clone()),
            (json!({"name": "admin", "port": 9000}), json!([{"name": "other", "port": 9000}])),
            (json!({"name": "admin", "port": 9000}), json!(null)),
        ] {
            let spec = json!({"ports": [{"port": 80, "targetPort": 8080}, second]});
            let read = read_as(AppType::InternalApi, spec, &ports, app_ports.clone());
            assert_eq!(read.left, ["spec.ports[1]"], "{second} {app_ports}");
            assert_eq!(read.notes.len(), 1, "{:?}", read.notes);
            assert!(read.notes[0].contains("no port for the container port admin (9000)"), "{:?}", read.notes);
        }
    }

    struct Routed {
        app: App,
        notes: Vec<String>,
        left: Vec<String>,
    }

    fn route(body: Value, service_port: Option<i64>) -> Routed {
        let ingress = object("Ingress", body);
        let mut fields = Fields::new(&ingress, "Ingress/web".into());
        let routes = routes_to(&fields, 0, "release-name-web");
        let mut app = App::new("web", AppType::ExternalApi, "Deployment/web".into());
        let mut notes = Vec::new();
        read_route(&mut fields, &routes[0], service_port, &mut app, &mut notes);
        let left = fields.leftovers().iter().map(|(p, _)| p.to_string()).collect();
        Routed { app, notes: notes.iter().map(ToString::to_string).collect(), left }
    }

    fn path_to(service: &str, port: Value) -> Value {
        json!({"path": "/shop", "pathType": "Prefix", "backend": {"service": {"name": service, "port": port}}})
    }

    #[test]
    fn routes_are_the_paths_to_the_service() {
        let ingress = object(
            "Ingress",
            json!({"spec": {"rules": [
                {"host": "a.example.com", "http": {"paths": [path_to("other", json!({"number": 80})),
                    path_to("release-name-web", json!({"number": 80}))]}},
                {"host": "b.example.com", "http": {"paths": [path_to("release-name-web", json!({"number": 80}))]}}]}}),
        );
        let fields = Fields::new(&ingress, "Ingress/web".into());
        let routes: Vec<String> = routes_to(&fields, 3, "release-name-web")
            .iter()
            .map(|r| format!("{} {} {}", r.ingress, r.rule, r.path))
            .collect();
        assert_eq!(
            routes,
            ["3 spec.rules[0] spec.rules[0].http.paths[1]", "3 spec.rules[1] spec.rules[1].http.paths[0]"]
        );
    }

    #[test]
    fn a_route_is_host_path_tls_secret_and_annotations() {
        let body = json!({
            "metadata": {"annotations": {"nginx.ingress.kubernetes.io/proxy-body-size": "8m", "odd": {"a": 1}}},
            "spec": {
                "tls": [{"hosts": ["other.example.com"], "secretName": "other-tls"},
                        {"hosts": ["shop.example.com"], "secretName": "shop-tls"}],
                "rules": [{"host": "shop.example.com", "http": {"paths": [path_to("release-name-web", json!({"number": 80}))]}}]}});
        let routed = route(body, Some(80));
        assert_eq!(str_attr(&routed.app, Attribute::IngressHost), Some("shop.example.com"));
        assert_eq!(str_attr(&routed.app, Attribute::IngressPath), Some("/shop"));
        assert_eq!(str_attr(&routed.app, Attribute::IngressTlsSecret), Some("shop-tls"));
        assert_eq!(
            routed.app.get(Attribute::IngressAnnotations),
            Some(&AttrValue::Dict([("nginx.ingress.kubernetes.io/proxy-body-size".into(), "8m".into())].into()))
        );
        assert!(routed.notes.is_empty(), "{:?}", routed.notes);
        assert_eq!(routed.left, ["metadata.annotations.odd", "spec.tls[0]"]);
    }

    #[test]
    fn a_tls_entry_of_several_hosts_keeps_the_others() {
        let body = json!({"spec": {
            "tls": [{"hosts": ["shop.example.com", "www.example.com"], "secretName": "shop-tls"}],
            "rules": [{"host": "shop.example.com", "http": {"paths": [path_to("release-name-web", json!({"name": "http"}))]}}]}});
        let routed = route(body, Some(80));
        assert_eq!(str_attr(&routed.app, Attribute::IngressTlsSecret), Some("shop-tls"));
        assert_eq!(routed.left, ["spec.tls[0].hosts[1]", "spec.tls[0].secretName"]);
    }

    #[test]
    fn a_backend_port_other_than_the_services_and_another_path_type_stay() {
        for (port, service_port) in [
            (json!({"number": 8080}), Some(80)),
            (json!({"number": 80}), None),
            (json!({"name": "grpc"}), Some(80)),
            (json!({}), Some(80)),
        ] {
            let mut path = path_to("release-name-web", port.clone());
            path["pathType"] = json!("Exact");
            let body = json!({"spec": {"rules": [{"host": "shop.example.com", "http": {"paths": [path]}}]}});
            let routed = route(body, service_port);
            assert_eq!(
                routed.notes,
                ["Ingress/web spec.rules[0].http.paths[0].pathType: Exact: generated Ingresses match paths by Prefix"]
            );
            assert_eq!(
                routed.left,
                ["spec.rules[0].http.paths[0].backend.service.port", "spec.rules[0].http.paths[0].pathType"],
                "{port}"
            );
        }
    }
}
