//! An app's named ports besides its main `port`, and its Service's type.
//!
//! Every port is a container port and a Service port of one name (an IANA service name, as
//! the API server requires of a port that has several), with its transport protocol and,
//! for TCP, what it speaks (the Service port's appProtocol). What the API server would refuse
//! (duplicate names or numbers, node ports outside 30000-32767) is refused here first, naming
//! the field. A Service other than ClusterIP reaches the app from outside the cluster, past
//! the Ingress and its TLS: it needs a written reason, as the policy exceptions do, which the
//! chart renders for the validator to read.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{AppMetadata, AppType, PortMetadata, Protocol, ServiceType, TransportProtocol};
use crate::origin::Origin;

/// Longest port name (IANA_SVC_NAME).
const PORT_NAME_MAX: usize = 15;
/// Kubernetes' default node port range (`--service-node-port-range`).
const NODE_PORTS: std::ops::RangeInclusive<i64> = 30000..=32767;
/// Name of a metrics port of its own (see metrics.rs).
const METRICS_PORT_NAME: &str = "metrics";

/// One named port besides the main one, as values.yaml holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NamedPort {
    pub name: String,
    pub container_port: u16,
    pub protocol: TransportProtocol,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<Protocol>,
    pub service_port: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_port: Option<u16>,
}

/// The app's Service beyond its ports: its type, and why it is not ClusterIP.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceExposure {
    #[serde(rename = "type")]
    pub service_type: ServiceType,
    /// The written reason of a NodePort or LoadBalancer type (empty for ClusterIP).
    pub reason: String,
    /// Node port of the main port.
    pub node_port: Option<u16>,
    /// The Service reaches the app from outside the cluster (NodePort or LoadBalancer).
    pub external: bool,
}

/// What the main port is, for the checks of the others.
pub(super) struct MainPort {
    pub port: Option<u16>,
    pub name: &'static str,
    pub service_port: Option<u16>,
    /// A metrics port of its own, named "metrics".
    pub metrics_port: Option<u16>,
}

/// The named ports of `ports`, checked against each other and the main and metrics ports.
pub(super) fn ports(
    meta: &AppMetadata,
    main: &MainPort,
    exposure: &ServiceExposure,
    origin: &Origin,
) -> Result<Vec<NamedPort>, ComposeError> {
    if meta.ports.is_empty() {
        return Ok(Vec::new());
    }
    if main.port.is_none() {
        return Err(origin.error("ports", "needs port: the named ports are declared beside the app's main port"));
    }
    let mut names: BTreeSet<&str> = BTreeSet::from([main.name]);
    let mut container: BTreeSet<(u16, TransportProtocol)> = BTreeSet::new();
    let mut service: BTreeSet<(u16, TransportProtocol)> = BTreeSet::new();
    let mut node_ports: BTreeSet<u16> = exposure.node_port.into_iter().collect();
    container.extend(main.port.map(|p| (p, TransportProtocol::Tcp)));
    service.extend(main.service_port.map(|p| (p, TransportProtocol::Tcp)));
    if let Some(metrics) = main.metrics_port {
        names.insert(METRICS_PORT_NAME);
        container.insert((metrics, TransportProtocol::Tcp));
        service.insert((metrics, TransportProtocol::Tcp));
    }
    let mut ports = Vec::with_capacity(meta.ports.len());
    for (index, port) in meta.ports.iter().enumerate() {
        let field = |name: &str| format!("ports[{index}].{name}");
        origin.check(&field("name"), port_name(&port.name))?;
        if !names.insert(&port.name) {
            return Err(origin.error(
                &field("name"),
                format!(
                    "{:?} is taken: port names are unique, and {:?} (the main port, after protocol) and {:?} (a \
                     metrics port of its own) are the chart's",
                    port.name, main.name, METRICS_PORT_NAME
                ),
            ));
        }
        let named = named_port(port, exposure, &field, origin)?;
        let protocol = named.protocol;
        if !container.insert((named.container_port, protocol)) {
            return Err(origin.error(
                &field("port"),
                format!("{} is already a container port of the app ({protocol:?})", named.container_port),
            ));
        }
        if !service.insert((named.service_port, protocol)) {
            return Err(origin.error(
                &field("service_port"),
                format!(
                    "{} is already a port of the app's Service ({protocol:?}); the API server refuses duplicates: \
                     set service_port",
                    named.service_port
                ),
            ));
        }
        if let Some(node_port) = named.node_port {
            if !node_ports.insert(node_port) {
                return Err(origin.error(&field("node_port"), format!("{node_port} is already a node port of the app")));
            }
        }
        ports.push(named);
    }
    Ok(ports)
}

fn named_port(
    port: &PortMetadata,
    exposure: &ServiceExposure,
    field: &dyn Fn(&str) -> String,
    origin: &Origin,
) -> Result<NamedPort, ComposeError> {
    let container_port = origin.check(&field("port"), checks::port(port.port))?;
    let protocol = port.protocol.unwrap_or_default();
    if port.app_protocol.is_some() && protocol != TransportProtocol::Tcp {
        return Err(origin.error(
            &field("app_protocol"),
            format!("is only meaningful for a TCP port: http, grpc and tcp run over TCP, not {protocol:?}"),
        ));
    }
    let service_port = match port.service_port {
        Some(p) => origin.check(&field("service_port"), checks::port(p))?,
        None => container_port,
    };
    let node_port = port.node_port.map(|p| node_port(p, exposure, &field("node_port"), origin)).transpose()?;
    Ok(NamedPort {
        name: port.name.clone(),
        container_port,
        protocol,
        app_protocol: port.app_protocol,
        service_port,
        node_port,
    })
}

/// IANA_SVC_NAME, as the API server checks a port name: at most 15 characters, lowercase
/// letters, digits and '-', at least one letter, no leading, trailing or double '-'.
fn port_name(name: &str) -> Result<(), String> {
    let reason = |why: &str| Err(format!("{name:?} is not a port name (IANA service name): {why}"));
    if name.is_empty() || name.len() > PORT_NAME_MAX {
        return reason("1 to 15 characters");
    }
    if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return reason("only lowercase letters, digits and '-'");
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        return reason("at least one letter");
    }
    if name.starts_with('-') || name.ends_with('-') || name.contains("--") {
        return reason("no '-' at either end, and never two in a row");
    }
    Ok(())
}

fn node_port(value: i64, exposure: &ServiceExposure, field: &str, origin: &Origin) -> Result<u16, ComposeError> {
    if !exposure.external {
        return Err(origin.error(
            field,
            "is only meaningful for a NodePort or LoadBalancer Service (service_type); a ClusterIP Service has no \
             node ports",
        ));
    }
    if !NODE_PORTS.contains(&value) {
        return Err(origin.error(
            field,
            format!("{value} is outside the node port range 30000-32767 the API server allocates from"),
        ));
    }
    u16::try_from(value).map_err(|_| origin.error(field, format!("{value} is not a port")))
}

/// The Service's type: ClusterIP, or NodePort or LoadBalancer with a written reason, for an
/// app whose Service can have one.
pub(super) fn exposure(
    meta: &AppMetadata,
    app_type: AppType,
    has_port: bool,
    origin: &Origin,
) -> Result<ServiceExposure, ComposeError> {
    let service_type = meta.service.service_type.unwrap_or_default();
    let external = service_type != ServiceType::ClusterIP;
    // Checked trimmed, kept as written (it reaches the annotation literally).
    let reason = meta.service.reason.as_str();
    if external && !has_port {
        return Err(origin.error("service.type", "needs port: only an app with a port has a Service"));
    }
    if external && app_type == AppType::Stateful {
        return Err(origin.error(
            "service.type",
            "a stateful app's Service is headless (its pods' own names); expose it through an app of its own",
        ));
    }
    match (external, reason.trim().is_empty()) {
        (true, true) => {
            return Err(origin.error(
                "service.reason",
                format!(
                    "is required for a {service_type:?} Service: it reaches the app from outside the cluster, past \
                     the Ingress; say why (e.g. \"UDP syslog from the appliances\")"
                ),
            ))
        }
        (false, false) => {
            return Err(origin.error("service.reason", "is only meaningful with service_type NodePort or LoadBalancer"))
        }
        _ => {}
    }
    origin.check("service.reason", checks::helm3_readable(reason))?;
    let exposure = ServiceExposure { service_type, reason: reason.to_string(), node_port: None, external };
    let node_port = meta.service.node_port.map(|p| node_port(p, &exposure, "service.node_port", origin)).transpose()?;
    Ok(ServiceExposure { node_port, ..exposure })
}

/// The name of the port the Ingress routes to: the main port's, or a named http port's.
pub(super) fn ingress_port(
    meta: &AppMetadata,
    main_name: &'static str,
    ports: &[NamedPort],
    origin: &Origin,
) -> Result<String, ComposeError> {
    let wanted = meta.ingress.port.as_str();
    if wanted.is_empty() || wanted == main_name {
        return Ok(main_name.to_string());
    }
    match ports.iter().find(|p| p.name == wanted) {
        Some(p) if p.app_protocol == Some(Protocol::Http) => Ok(p.name.clone()),
        Some(_) => Err(origin.error(
            "ingress.port",
            format!("{wanted:?} does not speak http (its app_protocol): an Ingress routes HTTP"),
        )),
        None => {
            let names: Vec<&str> = std::iter::once(main_name).chain(ports.iter().map(|p| p.name.as_str())).collect();
            Err(origin.error("ingress.port", format!("{wanted:?} is not a port of the app ({})", names.join(", "))))
        }
    }
}

/// values.schema.json of the app's `service`: the shared ClusterIP definition, or one that
/// also holds the reason (and node port) of a NodePort or LoadBalancer Service.
pub(crate) fn service_values_schema(service: &ServiceExposure) -> serde_json::Value {
    if !service.external {
        return serde_json::json!({"description": "ClusterIP Service.", "$ref": "#/definitions/service"});
    }
    let mut schema = serde_json::json!({
        "description": format!("{:?} Service, reachable from outside the cluster.", service.service_type),
        "type": "object",
        "additionalProperties": false,
        "required": ["port", "reason"],
        "properties": {
            "port": {"description": "Port of the Service (it forwards to containerPort).", "$ref": "#/definitions/port"},
            "reason": {"description": "Why the Service is reachable from outside the cluster.", "type": "string", "minLength": 1}
        }
    });
    if service.node_port.is_some() {
        schema["properties"]["nodePort"] = node_port_schema();
        schema["required"] = serde_json::json!(["port", "reason", "nodePort"]);
    }
    schema
}

fn node_port_schema() -> serde_json::Value {
    serde_json::json!({"description": "Port on every node.", "type": "integer", "minimum": NODE_PORTS.start(), "maximum": NODE_PORTS.end()})
}

/// values.schema.json of the app's named `ports`.
pub(crate) fn ports_values_schema() -> serde_json::Value {
    serde_json::json!({
        "description": "Named ports besides containerPort: each a container and Service port of its name.",
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": false,
            "required": ["name", "containerPort", "protocol", "servicePort"],
            "properties": {
                "name": {"description": "Port name (IANA service name).", "type": "string", "maxLength": PORT_NAME_MAX, "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},
                "containerPort": {"description": "Port the container listens on.", "$ref": "#/definitions/port"},
                "protocol": {"description": "TCP, UDP or SCTP.", "type": "string", "enum": ["TCP", "UDP", "SCTP"]},
                "appProtocol": {"description": "What the port speaks.", "type": "string", "enum": ["http", "grpc", "tcp"]},
                "servicePort": {"description": "Port of the Service.", "$ref": "#/definitions/port"},
                "nodePort": node_port_schema()
            }
        }
    })
}

/// A probe connects over TCP (http, grpc, tcp): never to a UDP or SCTP port of the app.
pub(super) fn check_probe_port(
    probe_port: Option<u16>,
    ports: &[NamedPort],
    origin: &Origin,
) -> Result<(), ComposeError> {
    let Some(port) = probe_port else { return Ok(()) };
    match ports.iter().find(|p| p.container_port == port && p.protocol != TransportProtocol::Tcp) {
        Some(named) => Err(origin.error(
            "health.port",
            format!(
                "{port} is the app's {:?} port {:?}; http, grpc and tcp probes connect over TCP: probe a TCP port, or \
                 use health_command",
                named.protocol, named.name
            ),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::app::App;
    use crate::model::AppMetadata;
    use crate::plan;

    fn api(extra: serde_json::Value) -> serde_json::Value {
        let mut json = serde_json::json!({"name": "shop-api", "target": "//x:shop_api", "app_type": "internal-api",
                                          "image": {"repository": "r", "tag": "1"}, "port": 8080});
        json.as_object_mut().expect("object").extend(extra.as_object().cloned().unwrap_or_default());
        json
    }

    fn error_of(extra: serde_json::Value) -> String {
        let meta: AppMetadata = serde_json::from_value(api(extra)).expect("test metadata parses");
        App::from_metadata(&meta, Path::new("x.json")).expect_err("refused").to_string()
    }

    #[test]
    fn port_names_stop_at_15_characters_and_take_no_dash_at_an_end_or_twice() {
        assert_eq!(super::port_name("abcdefghijklmno"), Ok(()));
        assert_eq!(super::port_name("a-b"), Ok(()));
        let reason = |name: &str| super::port_name(name).expect_err(name);
        assert!(reason("abcdefghijklmnop").ends_with("1 to 15 characters"));
        assert!(reason("").ends_with("1 to 15 characters"));
        for name in ["-grpc", "grpc-", "gr--pc"] {
            assert!(reason(name).ends_with("no '-' at either end, and never two in a row"), "{name}");
        }
    }

    #[test]
    fn what_the_api_server_would_refuse_is_refused_naming_the_field() {
        let grpc = |extra: serde_json::Value| {
            let mut port = serde_json::json!({"name": "grpc", "port": 9090});
            port.as_object_mut().expect("object").extend(extra.as_object().cloned().unwrap_or_default());
            serde_json::json!({"ports": [port]})
        };
        let lb = |mut extra: serde_json::Value| {
            extra["service"] = serde_json::json!({"type": "LoadBalancer", "reason": "TCP clients outside"});
            extra
        };
        let cases = [
            (grpc(serde_json::json!({"name": "Grpc_Port"})), "field `ports[0].name`: \"Grpc_Port\" is not a port name"),
            (grpc(serde_json::json!({"name": "a-very-long-port-name"})), "1 to 15 characters"),
            (grpc(serde_json::json!({"name": "8080"})), "at least one letter"),
            (grpc(serde_json::json!({"name": "http"})), "field `ports[0].name`: \"http\" is taken"),
            (grpc(serde_json::json!({"port": 8080})), "field `ports[0].port`: 8080 is already a container port"),
            (grpc(serde_json::json!({"service_port": 80})), "field `ports[0].service_port`: 80 is already a port of"),
            (
                grpc(serde_json::json!({"protocol": "UDP", "app_protocol": "grpc"})),
                "field `ports[0].app_protocol`: is only meaningful for a TCP port",
            ),
            (
                grpc(serde_json::json!({"node_port": 30080})),
                "field `ports[0].node_port`: is only meaningful for a NodePort",
            ),
            (lb(grpc(serde_json::json!({"node_port": 8080}))), "8080 is outside the node port range 30000-32767"),
            (
                lb(
                    serde_json::json!({"service": {"node_port": 30080}, "ports": [{"name": "grpc", "port": 9090, "node_port": 30080}]}),
                ),
                "",
            ),
            (
                serde_json::json!({"service": {"type": "NodePort"}}),
                "field `service.reason`: is required for a NodePort",
            ),
            (
                serde_json::json!({"service": {"reason": "x"}}),
                "field `service.reason`: is only meaningful with service_type",
            ),
            (
                serde_json::json!({"ports": [{"name": "syslog", "port": 5514, "protocol": "UDP"}], "health": {"port": 5514}}),
                "field `health.port`: 5514 is the app's Udp port \"syslog\"",
            ),
            (
                serde_json::json!({"ports": [{"name": "admin", "port": 9000}], "ingress": {"enabled": true, "host": "a.example.com", "port": "admin"}}),
                "field `ingress.port`: \"admin\" does not speak http",
            ),
            (
                serde_json::json!({"ingress": {"enabled": true, "host": "a.example.com", "port": "web"}}),
                "field `ingress.port`: \"web\" is not a port of the app (http)",
            ),
        ];
        for (extra, expected) in cases {
            if expected.is_empty() {
                // The service's node_port is set via service.node_port: a duplicate below.
                let mut extra = extra;
                extra["service"]["node_port"] = serde_json::json!(30080);
                let error = error_of(extra);
                assert!(error.contains("field `ports[0].node_port`: 30080 is already a node port"), "{error}");
                continue;
            }
            let error = error_of(extra);
            assert!(error.contains("//x:shop_api (x.json): field `"), "{error}");
            assert!(error.contains(expected), "expected {expected:?} in {error}");
        }
        let mut stateful = api(serde_json::json!({"app_type": "stateful", "protocol": "tcp",
            "storage": {"size": "1Gi", "mount_path": "/data"}, "service": {"type": "LoadBalancer", "reason": "x"}}));
        stateful["name"] = serde_json::json!("db");
        let meta: AppMetadata = serde_json::from_value(stateful).expect("parses");
        let error = App::from_metadata(&meta, Path::new("x.json")).expect_err("headless").to_string();
        assert!(error.contains("field `service.type`: a stateful app's Service is headless"), "{error}");
    }

    #[test]
    fn an_ingress_may_route_to_a_named_port_that_speaks_http() {
        let json = api(serde_json::json!({
            "ports": [{"name": "admin", "port": 9000, "app_protocol": "http"}],
            "ingress": {"enabled": true, "host": "a.example.com", "port": "admin"},
        }));
        let meta: AppMetadata = serde_json::from_value(json).expect("test metadata parses");
        if let Err(error) = App::from_metadata(&meta, Path::new("x.json")) {
            panic!("an http port is an Ingress backend: {error}");
        }
    }

    /// An API with http, grpc and a UDP port behind a LoadBalancer: every port is a container
    /// and Service port of its name; the policy admits any address on exactly the Service's
    /// ports, its callers on every port, and a caller's egress names every port.
    #[test]
    fn named_ports_reach_the_container_the_service_and_both_ends_of_the_policies() {
        let server = api(serde_json::json!({
            "ports": [{"name": "grpc", "port": 9090, "app_protocol": "grpc"},
                      {"name": "syslog", "port": 5514, "protocol": "UDP", "service_port": 514, "node_port": 30514}],
            "service": {"type": "LoadBalancer", "reason": "syslog from the appliances outside the cluster"}}));
        let caller = serde_json::json!({"name": "web-api", "app_type": "internal-api", "port": 8080,
            "image": {"repository": "r", "tag": "1"}, "sibling_env": [{"env": "SHOP", "app": "shop-api", "form": "host"}]});
        let chart = plan::compose_for_tests(&[server, caller]).expect("composes");
        let file = |name: &str| chart.files[Path::new(&format!("templates/{name}.yaml"))].as_str();
        let service = file("shop-api-service");
        assert!(service.contains("  type: LoadBalancer\n"), "{service}");
        assert!(service.contains("policy-exception.helm-composer.io/service-type: {{ $app.service.reason | quote }}"));
        assert!(service.contains("      targetPort: {{ .name | quote }}\n"), "{service}");
        let policy = file("shop-api-networkpolicy");
        assert!(policy.contains("cidr: 0.0.0.0/0") && policy.contains("cidr: ::/0"), "{policy}");
        let web_policy = file("web-api-networkpolicy");
        assert!(web_policy.contains("range $.Values.apps.shopApi.ports"), "{web_policy}");
        let values: serde_json::Value =
            serde_yaml_ng::from_str(&chart.files[Path::new("values.yaml")]).expect("values.yaml is YAML");
        assert_eq!(
            values["apps"]["shopApi"]["ports"],
            serde_json::json!([{"name": "grpc", "containerPort": 9090, "protocol": "TCP", "servicePort": 9090, "appProtocol": "grpc"},
                               {"name": "syslog", "containerPort": 5514, "protocol": "UDP", "servicePort": 514, "nodePort": 30514}])
        );
        assert_eq!(values["apps"]["shopApi"]["service"]["reason"], "syslog from the appliances outside the cluster");
        assert!(values["apps"]["webApi"].get("ports").is_none());
        let schema: serde_json::Value =
            serde_json::from_str(&chart.files[Path::new("values.schema.json")]).expect("schema is JSON");
        let shop = &schema["properties"]["apps"]["properties"]["shopApi"]["properties"];
        assert_eq!(shop["service"]["required"], serde_json::json!(["port", "reason"]));
        assert_eq!(shop["ports"]["items"]["properties"]["nodePort"]["maximum"], 32767);
    }
}
