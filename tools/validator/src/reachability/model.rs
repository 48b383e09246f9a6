//! The rendered objects reachability reads: the pods of each workload (from its pod
//! template), Services, Ingress backends, ServiceMonitors and NetworkPolicies.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use super::selector::{labels, scalar, Labels, Selector};

/// The pods of one workload: all alike, so one stands for all.
#[derive(Debug, Clone)]
pub struct Pods {
    /// `Kind/name` of the workload.
    pub id: String,
    pub labels: Labels,
    pub ports: Vec<ContainerPort>,
    /// `(variable, value)` of every container's plain `env` entries.
    pub env: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub port: Port,
}

/// A port number and its protocol (`TCP` unless stated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Port {
    pub number: i64,
    pub protocol: Protocol,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    fn parse(value: Option<&Value>) -> Protocol {
        match value.and_then(Value::as_str) {
            Some("UDP") => Protocol::Udp,
            Some("SCTP") => Protocol::Sctp,
            _ => Protocol::Tcp,
        }
    }
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let protocol = match self.protocol {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        };
        write!(f, "{}/{protocol}", self.number)
    }
}

/// A port given by number or by name (a Service's `targetPort`, a policy's `port`).
#[derive(Debug, Clone, PartialEq)]
pub enum PortRef {
    Number(i64),
    Name(String),
}

impl PortRef {
    fn parse(value: &Value) -> Option<PortRef> {
        match value {
            Value::Number(n) => n.as_i64().map(PortRef::Number),
            Value::String(text) => Some(match text.parse() {
                Ok(number) => PortRef::Number(number),
                Err(_) => PortRef::Name(text.clone()),
            }),
            _ => None,
        }
    }
}

impl fmt::Display for PortRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortRef::Number(n) => write!(f, "{n}"),
            PortRef::Name(name) => f.write_str(name),
        }
    }
}

impl Pods {
    /// The container port `port` names on these pods (a number is taken as it is, with the
    /// protocol asked for; a name must be one of the containers' port names).
    pub fn resolve(&self, port: &PortRef, protocol: Protocol) -> Option<Port> {
        match port {
            PortRef::Number(number) => Some(Port { number: *number, protocol }),
            PortRef::Name(name) => self
                .ports
                .iter()
                .find(|p| p.name.as_deref() == Some(name.as_str()) && p.port.protocol == protocol)
                .map(|p| p.port),
        }
    }

    /// How a path's port is shown: `8080/TCP (http)` when a container names it.
    pub fn describe_port(&self, port: Port) -> String {
        match self.ports.iter().find(|p| p.port == port).and_then(|p| p.name.as_deref()) {
            Some(name) => format!("{port} ({name})"),
            None => port.to_string(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub labels: Labels,
    /// None: a Service without a selector selects no pods.
    pub selector: Option<Selector>,
    pub ports: Vec<ServicePort>,
}

#[derive(Debug, Clone)]
pub struct ServicePort {
    pub name: Option<String>,
    pub port: i64,
    pub target: PortRef,
    pub protocol: Protocol,
}

/// A NetworkPolicy of the release (all of them are in the release namespace).
#[derive(Debug, Clone)]
pub struct Policy {
    /// `NetworkPolicy/name`.
    pub id: String,
    pub selector: Selector,
    pub ingress: Option<Vec<Rule>>,
    pub egress: Option<Vec<Rule>>,
    pub types: PolicyTypes,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PolicyTypes {
    pub ingress: bool,
    pub egress: bool,
}

/// One ingress or egress rule: any of its peers, on any of its ports.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Empty: every peer (`from`/`to` missing or empty).
    pub peers: Vec<Peer>,
    /// Empty: every port.
    pub ports: Vec<RulePort>,
}

#[derive(Debug, Clone)]
pub enum Peer {
    /// Pods of the policy's namespace (`namespaces` None) or of the namespaces selected; every
    /// pod there when `pods` is None.
    Pods { pods: Option<Selector>, namespaces: Option<Selector> },
    /// CIDR ranges: meant for addresses outside the cluster; pod addresses are not known
    /// before the pods run, so these never match a pod here.
    IpBlock,
}

#[derive(Debug, Clone)]
pub struct RulePort {
    pub protocol: Protocol,
    /// None: every port of the protocol.
    pub port: Option<PortRef>,
    pub end_port: Option<i64>,
}

/// A backend of an Ingress or a Gateway API route: a Service port, by number or name.
#[derive(Debug, Clone)]
pub struct Backend {
    /// The Ingress or route (`Kind/name`).
    pub ingress: String,
    pub service: String,
    pub port: PortRef,
    /// Where its traffic comes from: for a route, the namespace of the Gateway it attaches to
    /// (its data plane runs there); None for an Ingress (the ingress controller's).
    pub gateway_namespace: Option<String>,
}

/// What a ServiceMonitor scrapes: the Services it selects (in the release namespace), on
/// the named Service ports of its endpoints.
#[derive(Debug, Clone)]
pub struct Monitor {
    pub id: String,
    pub selector: Selector,
    pub ports: Vec<String>,
}

/// Everything reachability reads from one render.
#[derive(Debug, Clone, Default)]
pub struct Release {
    pub pods: Vec<Pods>,
    pub services: Vec<Service>,
    pub policies: Vec<Policy>,
    pub backends: Vec<Backend>,
    pub monitors: Vec<Monitor>,
}

impl Release {
    /// Reads the rendered objects, keyed `Kind/name`.
    pub fn read(objects: &BTreeMap<String, Value>) -> Release {
        let mut release = Release::default();
        for (id, object) in objects {
            let kind = object.get("kind").and_then(Value::as_str).unwrap_or_default();
            let name = object.pointer("/metadata/name").map(scalar).unwrap_or_default();
            match kind {
                "NetworkPolicy" => release.policies.push(policy(id, object)),
                "Service" => release.services.push(service(name, object)),
                "Ingress" => release.backends.extend(backends(id, object)),
                "HTTPRoute" | "GRPCRoute" => release.backends.extend(route_backends(id, object)),
                "ServiceMonitor" => release.monitors.push(monitor(id, object)),
                _ => release.pods.extend(pod_template(kind, object).map(|template| pods(id, template))),
            }
        }
        release
    }

    /// The pods a Service selects.
    pub fn selected_by<'a>(&'a self, service: &'a Service) -> impl Iterator<Item = (usize, &'a Pods)> + 'a {
        self.pods
            .iter()
            .enumerate()
            .filter(move |(_, pods)| service.selector.as_ref().is_some_and(|s| s.matches(&pods.labels)))
    }
}

/// The pod template of a workload kind, if `kind` is one.
fn pod_template<'a>(kind: &str, object: &'a Value) -> Option<&'a Value> {
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => object.pointer("/spec/template"),
        "CronJob" => object.pointer("/spec/jobTemplate/spec/template"),
        _ => None,
    }
}

fn pods(id: &str, template: &Value) -> Pods {
    let containers = ["/spec/containers", "/spec/initContainers"]
        .into_iter()
        .flat_map(|pointer| template.pointer(pointer).and_then(Value::as_array).into_iter().flatten());
    let mut ports = Vec::new();
    let mut env = Vec::new();
    for container in containers {
        for port in container.get("ports").and_then(Value::as_array).into_iter().flatten() {
            let Some(number) = port.get("containerPort").and_then(Value::as_i64) else { continue };
            let protocol = Protocol::parse(port.get("protocol"));
            ports.push(ContainerPort { name: port.get("name").map(scalar), port: Port { number, protocol } });
        }
        for variable in container.get("env").and_then(Value::as_array).into_iter().flatten() {
            if let (Some(name), Some(value)) = (variable.get("name"), variable.get("value")) {
                env.push((scalar(name), scalar(value)));
            }
        }
    }
    Pods { id: id.to_string(), labels: labels(template.pointer("/metadata/labels")), ports, env }
}

fn service(name: String, object: &Value) -> Service {
    let ports = object.pointer("/spec/ports").and_then(Value::as_array).into_iter().flatten();
    let ports = ports
        .filter_map(|port| {
            let number = port.get("port").and_then(Value::as_i64)?;
            Some(ServicePort {
                name: port.get("name").map(scalar),
                port: number,
                // Kubernetes defaults targetPort to the port.
                target: port.get("targetPort").and_then(PortRef::parse).unwrap_or(PortRef::Number(number)),
                protocol: Protocol::parse(port.get("protocol")),
            })
        })
        .collect();
    Service {
        name,
        labels: labels(object.pointer("/metadata/labels")),
        selector: object.pointer("/spec/selector").map(|s| Selector::from_match_labels(Some(s))),
        ports,
    }
}

fn policy(id: &str, object: &Value) -> Policy {
    let spec = object.get("spec").unwrap_or(&Value::Null);
    let rules = |key: &str, peers: &str| {
        spec.get(key).and_then(Value::as_array).map(|rules| rules.iter().map(|r| rule(r, peers)).collect::<Vec<_>>())
    };
    let ingress = rules("ingress", "from");
    let egress = rules("egress", "to");
    let types = match spec.get("policyTypes").and_then(Value::as_array) {
        Some(types) => {
            PolicyTypes { ingress: types.iter().any(|t| t == "Ingress"), egress: types.iter().any(|t| t == "Egress") }
        }
        // Kubernetes' default: Ingress always, Egress when the policy has egress rules.
        None => PolicyTypes { ingress: true, egress: egress.as_ref().is_some_and(|rules| !rules.is_empty()) },
    };
    Policy {
        id: id.to_string(),
        selector: spec.get("podSelector").map(Selector::from_label_selector).unwrap_or_default(),
        ingress,
        egress,
        types,
    }
}

fn rule(value: &Value, peers_key: &str) -> Rule {
    let peers =
        value.get(peers_key).and_then(Value::as_array).into_iter().flatten().map(|peer| match peer.get("ipBlock") {
            Some(_) => Peer::IpBlock,
            None => Peer::Pods {
                pods: peer.get("podSelector").map(Selector::from_label_selector),
                namespaces: peer.get("namespaceSelector").map(Selector::from_label_selector),
            },
        });
    let ports = value.get("ports").and_then(Value::as_array).into_iter().flatten().map(|port| RulePort {
        protocol: Protocol::parse(port.get("protocol")),
        port: port.get("port").and_then(PortRef::parse),
        end_port: port.get("endPort").and_then(Value::as_i64),
    });
    Rule { peers: peers.collect(), ports: ports.collect() }
}

fn backends(id: &str, object: &Value) -> Vec<Backend> {
    let rules = object.pointer("/spec/rules").and_then(Value::as_array).into_iter().flatten();
    let paths = rules.flat_map(|rule| rule.pointer("/http/paths").and_then(Value::as_array).into_iter().flatten());
    let backends = object.pointer("/spec/defaultBackend").into_iter().chain(paths.filter_map(|p| p.get("backend")));
    backends
        .filter_map(|backend| {
            let service = backend.get("service")?;
            let port = service.get("port")?;
            let port = port.get("number").or_else(|| port.get("name")).and_then(PortRef::parse)?;
            let service = service.get("name").map(scalar)?;
            Some(Backend { ingress: id.to_string(), service, port, gateway_namespace: None })
        })
        .collect()
}

/// The Service backends of a Gateway API route (HTTPRoute, GRPCRoute) in the release
/// namespace, once per Gateway it attaches to: the route's own namespace when a parentRef
/// names none. A backend in another namespace is not the release's.
fn route_backends(id: &str, object: &Value) -> Vec<Backend> {
    let own_namespace = object.pointer("/metadata/namespace").map(scalar);
    let gateways: Vec<Option<String>> = object
        .pointer("/spec/parentRefs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|parent| parent.get("namespace").map(scalar).or_else(|| own_namespace.clone()))
        .collect();
    let rules = object.pointer("/spec/rules").and_then(Value::as_array).into_iter().flatten();
    let refs = rules.flat_map(|rule| rule.get("backendRefs").and_then(Value::as_array).into_iter().flatten());
    let mut backends = Vec::new();
    for backend in refs {
        let is_service = backend.get("kind").map_or(true, |k| k == "Service")
            && backend.get("group").map_or(true, |g| g == "" || g == "core");
        if !is_service || backend.get("namespace").is_some_and(|n| own_namespace.as_ref().is_none_or(|own| n != own)) {
            continue;
        }
        let (Some(service), Some(port)) =
            (backend.get("name").map(scalar), backend.get("port").and_then(PortRef::parse))
        else {
            continue;
        };
        for gateway in &gateways {
            backends.push(Backend {
                ingress: id.to_string(),
                service: service.clone(),
                port: port.clone(),
                gateway_namespace: Some(gateway.clone().unwrap_or_default()),
            });
        }
    }
    backends
}

fn monitor(id: &str, object: &Value) -> Monitor {
    let endpoints = object.pointer("/spec/endpoints").and_then(Value::as_array).into_iter().flatten();
    Monitor {
        id: id.to_string(),
        selector: object.pointer("/spec/selector").map(Selector::from_label_selector).unwrap_or_default(),
        ports: endpoints.filter_map(|e| e.get("port").map(scalar)).collect(),
    }
}
