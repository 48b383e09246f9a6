//! Reachability: which pod-to-pod paths the release's rendered NetworkPolicies open, checked
//! against the paths the chart declares.
//!
//! A path is a source (a workload's pods, or a pod of another namespace) to a workload's
//! pods on one container port. The chart declares a path when
//! - a container's `env` value addresses a Service of the release (a sibling address:
//!   `<service>`, `<service>.<namespace>[.svc[.cluster.local]]`, optionally with a scheme, a
//!   port and a path; `http://` means port 80 and `https://` 443 when none is given, no scheme
//!   and no port means every port of the Service): the caller to the Service's pods on the
//!   Service port's targetPort;
//! - a NetworkPolicy rule names the pods of one workload of the release by a pod selector
//!   (no namespace selector): `network_policy.allow_from_apps` and `egress_to_apps` render as
//!   such rules, and a path named at one end must be open at the other;
//! - an Ingress routes to a Service port: the ingress controller's namespace
//!   (`networkPolicy.ingressControllerNamespace`) to the backend pods; a Gateway API route
//!   (HTTPRoute, GRPCRoute): the namespace of the Gateway it attaches to (its parentRef),
//!   where the Gateway's data plane runs;
//! - a ServiceMonitor scrapes a Service port: the monitoring namespace
//!   (`monitoring.prometheusNamespace`) to the selected Services' pods.
//!
//! Every declared path must be open in both directions (see `evaluate`), and, when the
//! release renders any NetworkPolicy, no other path between its pods may be open: the chart
//! claims isolation, and an open path nobody declared is a hole. A release without
//! NetworkPolicies (`networkPolicy.enabled: false`) is open by choice; only its declared paths
//! are listed.

mod evaluate;
mod model;
mod outside;
mod selector;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use self::evaluate::{Evaluator, Side, Source};
use self::model::{Pods, Port, PortRef, Protocol, Release, Service};

/// The namespaces traffic into the release comes from, besides its own.
#[derive(Debug, Clone, Default)]
pub struct Namespaces {
    /// The release namespace (`--namespace`).
    pub release: String,
    /// `networkPolicy.ingressControllerNamespace`: None when the values do not say.
    pub ingress_controller: Option<String>,
    /// `monitoring.prometheusNamespace`: None when the values do not say.
    pub monitoring: Option<String>,
    /// Pods outside the release the apps' values declare paths to or from, by labels or as
    /// apps of peer charts.
    pub outside: Vec<outside::OutsidePeer>,
    /// Apps of other charts the values describe (`peerCharts`), whose addresses the apps'
    /// environment variables may hold.
    pub peer_services: Vec<outside::PeerService>,
}

impl Namespaces {
    /// The namespaces the run's values name: each value is taken from the `--set` expressions
    /// and values file of the run (`run_values`, as Helm merged them), else from that file,
    /// else from the chart's values.yaml.
    pub fn from_values(release: &str, chart: &Path, file: Option<&Path>, run_values: &Value) -> Namespaces {
        let read = |path: &Path| -> Value {
            std::fs::read_to_string(path).ok().and_then(|text| serde_yaml_ng::from_str(&text).ok()).unwrap_or_default()
        };
        let layers = [run_values.clone(), file.map(read).unwrap_or_default(), read(&chart.join("values.yaml"))];
        let value =
            |pointer: &str| layers.iter().find_map(|layer| layer.pointer(pointer)?.as_str().map(str::to_string));
        let app_keys: BTreeSet<String> = layers
            .iter()
            .filter_map(|layer| layer.pointer("/apps")?.as_object())
            .flat_map(|apps| apps.keys().cloned())
            .collect();
        let lookup = |pointer: &str| layers.iter().find_map(|layer| layer.pointer(pointer).cloned());
        let keys = |pointer: &str| -> BTreeSet<String> {
            layers
                .iter()
                .filter_map(|layer| layer.pointer(pointer)?.as_object())
                .flat_map(|object| object.keys().cloned())
                .collect()
        };
        let peer_apps: BTreeMap<String, BTreeSet<String>> = keys("/peerCharts")
            .into_iter()
            .map(|chart| {
                let apps = keys(&format!("/peerCharts/{chart}/apps"));
                (chart, apps)
            })
            .collect();
        let peer_services = outside::peer_services(&peer_apps, &lookup);
        let mut outside = outside::declared_peers(app_keys.iter().cloned(), &lookup, release);
        outside.extend(outside::declared_peer_apps(app_keys.iter().cloned(), &lookup, &peer_services));
        Namespaces {
            release: release.to_string(),
            ingress_controller: value("/networkPolicy/ingressControllerNamespace"),
            monitoring: value("/monitoring/prometheusNamespace"),
            outside,
            peer_services,
        }
    }
}

/// The findings of one render and its path matrix.
pub struct Report {
    /// Each a problem's message.
    pub problems: Vec<String>,
    /// A one-line count of the paths.
    pub summary: String,
    /// Every declared path (open or closed) and every open path, one a line.
    pub matrix: String,
}

/// A source, a destination workload and a container port of it.
type PathKey<'a> = (Source<'a>, usize, Port);

/// Checks the rendered objects (keyed `Kind/name`) of one run.
pub fn check(objects: &BTreeMap<String, Value>, namespaces: &Namespaces) -> Report {
    let release = Release::read(objects);
    let evaluator = Evaluator::new(&release, &namespaces.release);
    let mut problems = Vec::new();
    let declared = declared_paths(&release, &evaluator, namespaces, &mut problems);
    let mut matrix = String::new();
    let mut closed = 0;
    for ((from, to, port), by) in &declared {
        let (egress, ingress) = (evaluator.egress(*from, *to, *port), evaluator.ingress(*from, *to, *port));
        let path = describe_path(&release, *from, *to, *port);
        let by = by.join("; ");
        if egress.is_open() && ingress.is_open() {
            let _ = writeln!(matrix, "  open    {path}  (declared by {by})");
            continue;
        }
        closed += 1;
        let _ = writeln!(matrix, "  CLOSED  {path}  (declared by {by})");
        let why = [denial(&egress, "Egress", &release, *from, *to), denial(&ingress, "Ingress", &release, *from, *to)];
        let why: Vec<String> = why.into_iter().flatten().collect();
        problems.push(format!("declared path closed: {path}, declared by {by}: {}", why.join("; ")));
    }
    let undeclared =
        if release.policies.is_empty() { Vec::new() } else { undeclared_open_paths(&release, &evaluator, &declared) };
    for (from, to, port, why) in &undeclared {
        let path = describe_path(&release, Source::Pod(*from), *to, *port);
        let _ = writeln!(matrix, "  open    {path}  UNDECLARED ({why})");
        problems.push(format!("undeclared open path: {path}: {why}"));
    }
    let pairs = release.pods.len() * release.pods.len();
    let mut summary = format!(
        "{} declared path(s), {closed} of them closed; {} open path(s) nobody declared; {pairs} pod-to-pod pair(s), {} NetworkPolicy(ies)",
        declared.len(),
        undeclared.len(),
        release.policies.len()
    );
    // Addresses of peer charts' apps in the apps' environment variables: each a path to the
    // peer's pods, which the caller's egress must admit.
    let mut outside_peers = namespaces.outside.clone();
    outside_peers.extend(addressed_peers(&release, namespaces, &mut problems));
    let outside = outside::check(&release, &evaluator, &outside_peers, &mut problems, &mut matrix);
    if outside.declared > 0 || outside.undeclared > 0 {
        let _ = write!(
            summary,
            "; outside the release: {} declared path(s), {} of them closed, {} open path(s) nobody declared",
            outside.declared, outside.closed, outside.undeclared
        );
    }
    Report { problems, summary, matrix }
}

/// The paths the apps' environment variables declare to apps of peer charts: an address
/// of a peer's Service (`<service>.<its namespace>[.svc[.cluster.local]]`) is a path from the
/// workload to the peer's pods on the container port behind the addressed Service port.
fn addressed_peers(
    release: &Release,
    namespaces: &Namespaces,
    problems: &mut Vec<String>,
) -> Vec<outside::OutsidePeer> {
    let mut peers = Vec::new();
    for pods in &release.pods {
        let Some(app_key) = pods.labels.get("app.kubernetes.io/name").map(|name| outside::lower_camel_case(name))
        else {
            continue;
        };
        for (variable, value) in &pods.env {
            for service in &namespaces.peer_services {
                let Some((name, port)) = addressed_name(value, &service.namespace) else { continue };
                // A bare name is a Service of the caller's own namespace.
                let qualified = value.contains(&format!("{name}.{}", service.namespace));
                if name != service.service || !(qualified || service.namespace == namespaces.release) {
                    continue;
                }
                let ports: Vec<i64> = service
                    .ports
                    .iter()
                    .filter(|(service_port, _)| port.is_none_or(|n| *service_port == n))
                    .map(|(_, container_port)| *container_port)
                    .collect();
                let what = format!(
                    "Service {} of namespace {} (app {} of peer chart {})",
                    service.service, service.namespace, service.app, service.chart
                );
                if ports.is_empty() {
                    let port = port.map(|n| n.to_string()).unwrap_or_default();
                    problems.push(format!(
                        "env {variable} of {} addresses {what} on port {port}, which it does not have",
                        pods.id
                    ));
                    continue;
                }
                peers.push(outside::OutsidePeer {
                    app_key: app_key.clone(),
                    direction: outside::Direction::Egress,
                    pod: service.pod.clone(),
                    ports,
                    by: format!("env {variable} of {} ({what})", pods.id),
                });
            }
        }
    }
    peers
}

/// Why one direction denies a path (None: it is open).
fn denial(side: &Side, direction: &str, release: &Release, from: Source, to: usize) -> Option<String> {
    let Side::Denied(policies) = side else { return None };
    let (subject, peer) = match direction {
        "Egress" => (name_of(release, from), release.pods[to].id.clone()),
        _ => (release.pods[to].id.clone(), name_of(release, from)),
    };
    let lower = direction.to_lowercase();
    Some(format!(
        "{lower} denied: {} select(s) {subject} for {direction} and no {lower} rule admits {peer} on this port",
        policies.join(", ")
    ))
}

fn name_of(release: &Release, source: Source) -> String {
    match source {
        Source::Pod(index) => release.pods[index].id.clone(),
        Source::Namespace(name) => format!("namespace {name}"),
        Source::Outside(pod) => pod.to_string(),
    }
}

fn describe_path(release: &Release, from: Source, to: usize, port: Port) -> String {
    let destination = &release.pods[to];
    format!("{} -> {} port {}", name_of(release, from), destination.id, destination.describe_port(port))
}

/// Every declared path, with what declares it.
fn declared_paths<'a>(
    release: &'a Release,
    evaluator: &Evaluator,
    namespaces: &'a Namespaces,
    problems: &mut Vec<String>,
) -> BTreeMap<PathKey<'a>, Vec<String>> {
    let mut declared: BTreeMap<PathKey, Vec<String>> = BTreeMap::new();
    let mut declare = |key: PathKey<'a>, by: String| {
        let list = declared.entry(key).or_default();
        if !list.contains(&by) {
            list.push(by);
        }
    };
    for (index, pods) in release.pods.iter().enumerate() {
        for (variable, value) in &pods.env {
            let Some((service, port)) = addressed_service(value, release, &namespaces.release) else { continue };
            let ports: Vec<_> = service.ports.iter().filter(|p| port.is_none_or(|n| p.port == n)).collect();
            if ports.is_empty() {
                let port = port.map(|n| n.to_string()).unwrap_or_default();
                problems.push(format!(
                    "env {variable} of {} addresses Service {} on port {port}, which it does not have",
                    pods.id, service.name
                ));
            }
            for service_port in ports {
                for (to, target) in service_pods(release, service, &service_port.target, service_port.protocol) {
                    declare(
                        (Source::Pod(index), to, target),
                        format!("env {variable} of {} (Service {} port {})", pods.id, service.name, service_port.port),
                    );
                }
            }
        }
    }
    for (key, by) in named_peers(release, evaluator) {
        declare(key, by);
    }
    for backend in &release.backends {
        // A route's traffic comes from its Gateway's namespace; an Ingress's from the
        // ingress controller's, when the values name it.
        let from = match &backend.gateway_namespace {
            Some(gateway) if !gateway.is_empty() => gateway.as_str(),
            Some(_) => namespaces.release.as_str(),
            None => match namespaces.ingress_controller.as_deref() {
                Some(namespace) => namespace,
                None => continue,
            },
        };
        let Some(service) = release.services.iter().find(|s| s.name == backend.service) else { continue };
        for port in service.ports.iter().filter(|p| match &backend.port {
            PortRef::Number(n) => p.port == *n,
            PortRef::Name(name) => p.name.as_deref() == Some(name.as_str()),
        }) {
            for (to, target) in service_pods(release, service, &port.target, port.protocol) {
                declare(
                    (Source::Namespace(from), to, target),
                    format!("{} (backend {} port {})", backend.ingress, service.name, backend.port),
                );
            }
        }
    }
    if let Some(namespace) = namespaces.monitoring.as_deref() {
        for monitor in &release.monitors {
            for service in release.services.iter().filter(|s| monitor.selector.matches(&s.labels)) {
                for port in service.ports.iter().filter(|p| p.name.as_ref().is_some_and(|n| monitor.ports.contains(n)))
                {
                    for (to, target) in service_pods(release, service, &port.target, port.protocol) {
                        declare(
                            (Source::Namespace(namespace), to, target),
                            format!("{} (Service {} port {})", monitor.id, service.name, port.port),
                        );
                    }
                }
            }
        }
    }
    declared
}

/// The pods a Service selects, each with the container port its `target` names there.
fn service_pods(release: &Release, service: &Service, target: &PortRef, protocol: Protocol) -> Vec<(usize, Port)> {
    release
        .selected_by(service)
        .filter_map(|(index, pods)| pods.resolve(target, protocol).map(|port| (index, port)))
        .collect()
}

/// The paths NetworkPolicy rules name at one end: a rule peer that selects the pods of one
/// workload of the release by labels (a non-empty pod selector without a namespace
/// selector), on the rule's ports that are container ports of the destination (all of them
/// for a rule without ports).
fn named_peers<'a>(release: &'a Release, evaluator: &Evaluator) -> Vec<(PathKey<'a>, String)> {
    let mut named = Vec::new();
    for policy in &release.policies {
        let subjects: Vec<usize> =
            (0..release.pods.len()).filter(|i| policy.selector.matches(&release.pods[*i].labels)).collect();
        for (direction, rules) in [("ingress", &policy.ingress), ("egress", &policy.egress)] {
            for (number, rule) in rules.iter().flatten().enumerate() {
                let by = format!("{direction} rule {} of {}", number + 1, policy.id);
                for peer in rule.peers.iter().filter(|peer| names_release_pods(peer)) {
                    let peers: Vec<usize> =
                        (0..release.pods.len()).filter(|i| evaluator.peer_matches(peer, Source::Pod(*i))).collect();
                    // A selector of several workloads (say, every pod of the release) opens
                    // paths without naming any of them.
                    if peers.len() != 1 {
                        continue;
                    }
                    for other in peers {
                        for &subject in &subjects {
                            let (from, to) = if direction == "ingress" { (other, subject) } else { (subject, other) };
                            for port in rule_ports(rule, &release.pods[to]) {
                                named.push(((Source::Pod(from), to, port), by.clone()));
                            }
                        }
                    }
                }
            }
        }
    }
    named
}

fn names_release_pods(peer: &model::Peer) -> bool {
    matches!(peer, model::Peer::Pods { pods: Some(pods), namespaces: None } if !pods.is_empty())
}

/// The container ports of `pods` a rule admits.
fn rule_ports(rule: &model::Rule, pods: &Pods) -> Vec<Port> {
    let mut ports: Vec<Port> = pods
        .ports
        .iter()
        .map(|p| p.port)
        .filter(|port| rule.ports.is_empty() || rule.ports.iter().any(|r| evaluate::port_matches(r, pods, *port)))
        .collect();
    ports.sort();
    ports.dedup();
    ports
}

/// The Service an address names, and its port if the address gives one (a scheme's own
/// port when it is http or https).
fn addressed_service<'a>(value: &str, release: &'a Release, namespace: &str) -> Option<(&'a Service, Option<i64>)> {
    let (name, port) = addressed_name(value, namespace)?;
    let service = release.services.iter().find(|s| s.name == name)?;
    Some((service, port))
}

/// The name of the Service of namespace `namespace` an address names (`<service>`, or
/// `<service>.<namespace>[.svc[.cluster.local]]`, optionally with a scheme, credentials, a
/// port and a path), and its port if the address gives one (a scheme's own port when it is
/// http or https).
fn addressed_name(value: &str, namespace: &str) -> Option<(String, Option<i64>)> {
    let (scheme, rest) = match value.trim().split_once("://") {
        Some((scheme, rest)) => (Some(scheme.to_ascii_lowercase()), rest),
        None => (None, value.trim()),
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port.parse::<i64>().ok()?)),
        None => (authority, None),
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let suffixes = [format!(".{namespace}.svc.cluster.local"), format!(".{namespace}.svc"), format!(".{namespace}")];
    let name = suffixes.iter().find_map(|suffix| host.strip_suffix(suffix.as_str())).unwrap_or(&host);
    if name.is_empty() || name.contains('.') {
        return None;
    }
    let port = port.or(match scheme.as_deref() {
        Some("http") => Some(80),
        Some("https") => Some(443),
        _ => None,
    });
    Some((name.to_string(), port))
}

/// Open paths between the release's pods that nobody declared, one per source, destination
/// and port, with why each direction is open.
fn undeclared_open_paths(
    release: &Release,
    evaluator: &Evaluator,
    declared: &BTreeMap<PathKey, Vec<String>>,
) -> Vec<(usize, usize, Port, String)> {
    let mut open = Vec::new();
    for to in 0..release.pods.len() {
        let ports: BTreeSet<Port> = release.pods[to].ports.iter().map(|p| p.port).collect();
        for from in 0..release.pods.len() {
            for &port in &ports {
                if declared.contains_key(&(Source::Pod(from), to, port)) {
                    continue;
                }
                let egress = evaluator.egress(Source::Pod(from), to, port);
                if !egress.is_open() {
                    continue;
                }
                let ingress = evaluator.ingress(Source::Pod(from), to, port);
                if ingress.is_open() {
                    let why = format!(
                        "{}; {}",
                        openness(&egress, "Egress", release, from),
                        openness(&ingress, "Ingress", release, to)
                    );
                    open.push((from, to, port, why));
                }
            }
        }
    }
    open.sort_by_key(|(from, to, port, _)| (*from, *to, *port));
    open
}

fn openness(side: &Side, direction: &str, release: &Release, subject: usize) -> String {
    match side {
        Side::Unrestricted => format!("no NetworkPolicy selects {} for {direction}", release.pods[subject].id),
        Side::Admitted(rule) => format!("{rule} admits it"),
        Side::Denied(_) => "denied".to_string(),
    }
}

#[cfg(test)]
mod tests;
