//! Paths between the release's pods and pods outside it that the chart names by labels
//! (`apps.<app>.networkPolicy.egressSelectors` / `ingressSelectors` in its values: an
//! operator's database, a collector, another namespace's callers).
//!
//! Each declared peer stands for a pod with exactly the labels it names, in a namespace with
//! exactly the namespace labels it names (plus `kubernetes.io/metadata.name`, every
//! namespace's own): the declared paths between it and the app's pods must be open, and it
//! may reach no other pod or port of the release, nor may an unlabelled pod of its namespace.
//! A stranger (a pod without labels, in a namespace of its own) must reach nothing and be
//! reached by nothing: any rule admitting it admits pods nobody declared.

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};

use serde_json::Value;

use super::evaluate::{Evaluator, Side, Source};
use super::model::{Port, Protocol, Release};
use super::selector::Labels;

/// A pod outside the release, by the labels that select it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OutsidePod {
    /// Its namespace's name (from its `kubernetes.io/metadata.name` label when the
    /// declaration names one; the release namespace when it names no namespace).
    pub namespace: String,
    pub namespace_labels: Labels,
    pub pod_labels: Labels,
}

impl fmt::Display for OutsidePod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |labels: &Labels| labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
        write!(
            f,
            "pods {{{}}} of namespace {} {{{}}}",
            show(&self.pod_labels),
            self.namespace,
            show(&self.namespace_labels)
        )
    }
}

/// Which way a declared path goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The app calls the outside pods (`egressSelectors`).
    Egress,
    /// The outside pods call the app (`ingressSelectors`).
    Ingress,
}

/// One peer outside the release an app's values declare.
#[derive(Debug, Clone)]
pub struct OutsidePeer {
    /// The app's key under `apps:` (its pods' `app.kubernetes.io/name` in lowerCamelCase).
    pub app_key: String,
    pub direction: Direction,
    pub pod: OutsidePod,
    pub ports: Vec<i64>,
    /// What declares the path, for messages.
    pub by: String,
}

/// An app of another chart of the repository, as the values describe it
/// (`peerCharts.<chart>.apps.<app>`): its Service's name and namespace in this environment,
/// its pods, and its ports.
#[derive(Debug, Clone)]
pub struct PeerService {
    /// The chart's key under `peerCharts`, and the app's name.
    pub chart: String,
    pub app: String,
    /// `<release>-<app>`, as that chart names its Service (63 characters at most).
    pub service: String,
    pub namespace: String,
    /// Its pods: the chart's selector labels of the app, in that namespace.
    pub pod: OutsidePod,
    /// TCP ports: (Service port, container port).
    pub ports: Vec<(i64, i64)>,
}

/// The peer charts' apps the values describe: `apps` holds the app keys under each chart key
/// of `peerCharts`, `lookup` finds each value in the run's layers.
pub fn peer_services(
    apps: &std::collections::BTreeMap<String, BTreeSet<String>>,
    lookup: &impl Fn(&str) -> Option<Value>,
) -> Vec<PeerService> {
    let mut services = Vec::new();
    for (chart, keys) in apps {
        let text = |pointer: String| lookup(&pointer).and_then(|v| v.as_str().map(str::to_string));
        let (Some(release), Some(namespace)) =
            (text(format!("/peerCharts/{chart}/release")), text(format!("/peerCharts/{chart}/namespace")))
        else {
            continue;
        };
        for key in keys {
            let base = format!("/peerCharts/{chart}/apps/{key}");
            let Some(name) = text(format!("{base}/name")) else { continue };
            let number = |pointer: String| lookup(&pointer).and_then(|v| v.as_i64());
            let mut ports = Vec::new();
            if let (Some(service), Some(container)) =
                (number(format!("{base}/servicePort")), number(format!("{base}/containerPort")))
            {
                ports.push((service, container));
            }
            if let Some(Value::Array(named)) = lookup(&format!("{base}/ports")) {
                for port in &named {
                    let tcp = port.get("protocol").and_then(Value::as_str).is_none_or(|p| p == "TCP");
                    let service = port.get("servicePort").and_then(Value::as_i64);
                    let container = port.get("containerPort").and_then(Value::as_i64);
                    if let (true, Some(service), Some(container)) = (tcp, service, container) {
                        ports.push((service, container));
                    }
                }
            }
            let mut service: String = format!("{release}-{name}").chars().take(63).collect();
            while service.ends_with('-') {
                service.pop();
            }
            let pod_labels = Labels::from([
                ("app.kubernetes.io/name".to_string(), name.clone()),
                ("app.kubernetes.io/instance".to_string(), release.clone()),
            ]);
            services.push(PeerService {
                chart: chart.clone(),
                app: name,
                service,
                namespace: namespace.clone(),
                pod: OutsidePod {
                    namespace: namespace.clone(),
                    namespace_labels: Labels::from([("kubernetes.io/metadata.name".to_string(), namespace.clone())]),
                    pod_labels,
                },
                ports,
            });
        }
    }
    services
}

/// The paths `apps.<app>.networkPolicy.egressToPeerApps` declare: to the peer app's pods on
/// each of its container ports.
pub fn declared_peer_apps(
    app_keys: impl Iterator<Item = String>,
    lookup: &impl Fn(&str) -> Option<Value>,
    services: &[PeerService],
) -> Vec<OutsidePeer> {
    let mut peers = Vec::new();
    for key in app_keys {
        let Some(Value::Array(entries)) = lookup(&format!("/apps/{key}/networkPolicy/egressToPeerApps")) else {
            continue;
        };
        for entry in &entries {
            let field = |name: &str| entry.get(name).and_then(Value::as_str).unwrap_or_default().to_string();
            let (chart, app) = (field("chart"), field("app"));
            let Some(service) = services.iter().find(|s| s.chart == chart && lower_camel_case(&s.app) == app) else {
                continue;
            };
            let mut ports: Vec<i64> = service.ports.iter().map(|(_, container)| *container).collect();
            ports.sort();
            ports.dedup();
            peers.push(OutsidePeer {
                app_key: key.clone(),
                direction: Direction::Egress,
                pod: service.pod.clone(),
                ports,
                by: format!("apps.{key}.networkPolicy.egressToPeerApps (app {app} of peer chart {chart})"),
            });
        }
    }
    peers
}

/// Namespace of the stranger: no chart names it.
const STRANGER_NAMESPACE: &str = "reachability-stranger";

/// The peers the values declare: for each app key under `apps`, its lists as `lookup` finds
/// them (the run's layers in order).
pub fn declared_peers(
    app_keys: impl Iterator<Item = String>,
    lookup: &impl Fn(&str) -> Option<Value>,
    release_namespace: &str,
) -> Vec<OutsidePeer> {
    let mut peers = Vec::new();
    for key in app_keys {
        for (list, direction) in [("egressSelectors", Direction::Egress), ("ingressSelectors", Direction::Ingress)] {
            let Some(Value::Array(entries)) = lookup(&format!("/apps/{key}/networkPolicy/{list}")) else { continue };
            for entry in &entries {
                let labels = |name: &str| super::selector::labels(entry.get(name));
                let ports = entry.get("ports").and_then(Value::as_array).into_iter().flatten();
                peers.push(OutsidePeer {
                    app_key: key.clone(),
                    direction,
                    pod: outside_pod(labels("namespaceLabels"), labels("podLabels"), release_namespace),
                    ports: ports.filter_map(Value::as_i64).collect(),
                    by: format!("apps.{key}.networkPolicy.{list}"),
                });
            }
        }
    }
    peers
}

/// The pod a declaration stands for: a namespace named by its labels, or one of its own when
/// they name none (the release namespace when there are no namespace labels at all).
fn outside_pod(mut namespace_labels: Labels, pod_labels: Labels, release_namespace: &str) -> OutsidePod {
    const NAME: &str = "kubernetes.io/metadata.name";
    let namespace = match namespace_labels.get(NAME) {
        Some(name) => name.clone(),
        None if namespace_labels.is_empty() => release_namespace.to_string(),
        None => "reachability-selected-namespace".to_string(),
    };
    namespace_labels.insert(NAME.to_string(), namespace.clone());
    OutsidePod { namespace, namespace_labels, pod_labels }
}

/// Counts of the outside paths, for the summary.
#[derive(Debug, Default)]
pub struct Counts {
    pub declared: usize,
    pub closed: usize,
    pub undeclared: usize,
}

/// Checks the declared outside paths (each must be open) and, when the release renders
/// NetworkPolicies, that neither the declared peers nor a stranger reach anything else.
pub fn check(
    release: &Release,
    evaluator: &Evaluator,
    peers: &[OutsidePeer],
    problems: &mut Vec<String>,
    matrix: &mut String,
) -> Counts {
    let mut counts = Counts::default();
    let mut declared: BTreeSet<(&OutsidePod, bool, usize, i64)> = BTreeSet::new();
    for peer in peers {
        let apps: Vec<usize> = (0..release.pods.len()).filter(|i| runs_app(release, *i, &peer.app_key)).collect();
        for &app in &apps {
            for &number in &peer.ports {
                let port = Port { number, protocol: Protocol::Tcp };
                let incoming = peer.direction == Direction::Ingress;
                declared.insert((&peer.pod, incoming, app, number));
                counts.declared += 1;
                let (side, path) = side_of(release, evaluator, &peer.pod, incoming, app, port);
                let by = &peer.by;
                if side.is_open() {
                    let _ = writeln!(matrix, "  open    {path}  (declared by {by})");
                } else {
                    counts.closed += 1;
                    let _ = writeln!(matrix, "  CLOSED  {path}  (declared by {by})");
                    problems.push(format!("declared path closed: {path}, declared by {by}: {}", denial(&side)));
                }
            }
        }
    }
    if release.policies.is_empty() {
        return counts;
    }
    let stranger = OutsidePod {
        namespace: STRANGER_NAMESPACE.into(),
        namespace_labels: Labels::from([("kubernetes.io/metadata.name".into(), STRANGER_NAMESPACE.into())]),
        pod_labels: Labels::new(),
    };
    // Another pod of each declared peer's namespace: a rule naming the namespace but not the
    // pods would admit it.
    let neighbours: Vec<OutsidePod> = peers
        .iter()
        .filter(|p| !p.pod.pod_labels.is_empty())
        .map(|p| OutsidePod { pod_labels: Labels::new(), ..p.pod.clone() })
        .collect();
    let mut probes: Vec<&OutsidePod> = peers.iter().map(|p| &p.pod).chain(&neighbours).collect();
    probes.push(&stranger);
    probes.sort();
    probes.dedup();
    let ports = probe_ports(release, peers);
    for pod in probes {
        for app in 0..release.pods.len() {
            for incoming in [true, false] {
                for &number in &ports {
                    if declared.contains(&(pod, incoming, app, number)) {
                        continue;
                    }
                    let port = Port { number, protocol: Protocol::Tcp };
                    let (side, path) = side_of(release, evaluator, pod, incoming, app, port);
                    if let Side::Admitted(rule) = side {
                        counts.undeclared += 1;
                        let _ = writeln!(matrix, "  open    {path}  UNDECLARED ({rule} admits it)");
                        problems.push(format!("undeclared open path: {path}: {rule} admits it"));
                    }
                }
            }
        }
    }
    counts
}

/// The ports probed for undeclared paths: every TCP container port of the release, every
/// numbered port of a policy rule and of a declaration, and one no rule names.
fn probe_ports(release: &Release, peers: &[OutsidePeer]) -> BTreeSet<i64> {
    let mut ports: BTreeSet<i64> = peers.iter().flat_map(|p| p.ports.iter().copied()).collect();
    for pods in &release.pods {
        ports.extend(pods.ports.iter().filter(|p| p.port.protocol == Protocol::Tcp).map(|p| p.port.number));
    }
    for policy in &release.policies {
        for rule in policy.ingress.iter().chain(policy.egress.iter()).flatten() {
            ports.extend(rule.ports.iter().filter_map(|p| match p.port {
                Some(super::model::PortRef::Number(n)) => Some(n),
                _ => None,
            }));
        }
    }
    ports.insert(PORT_NO_RULE_NAMES);
    ports
}

/// A port standing for "any other": a rule without ports admits it.
const PORT_NO_RULE_NAMES: i64 = 65535;

/// The app's side of a path with an outside pod, and the path described. Traffic needs both
/// ends, and the outside end is not restricted by this release's policies.
fn side_of(
    release: &Release,
    evaluator: &Evaluator,
    pod: &OutsidePod,
    incoming: bool,
    app: usize,
    port: Port,
) -> (Side, String) {
    let pods = &release.pods[app];
    if incoming {
        let path = format!("{pod} -> {} port {}", pods.id, pods.describe_port(port));
        (evaluator.ingress(Source::Outside(pod), app, port), path)
    } else {
        (evaluator.egress_outside(app, pod, port), format!("{} -> {pod} port {port}", pods.id))
    }
}

fn denial(side: &Side) -> String {
    match side {
        Side::Denied(policies) => {
            format!("{} select(s) the app's pods and no rule admits the path", policies.join(", "))
        }
        _ => String::new(),
    }
}

/// Whether the workload `index` runs the app of values key `key`.
fn runs_app(release: &Release, index: usize, key: &str) -> bool {
    release.pods[index].labels.get("app.kubernetes.io/name").is_some_and(|name| lower_camel_case(name) == key)
}

/// The values key of an app name, as the composer derives it: `status-api` is `statusApi`.
pub fn lower_camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = false;
    for c in name.chars() {
        if c == '-' {
            upper_next = true;
        } else if upper_next {
            out.push(c.to_ascii_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}
