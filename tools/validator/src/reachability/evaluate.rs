//! Whether the release's NetworkPolicies let one endpoint reach a pod on a port, with
//! Kubernetes' semantics: a pod no policy selects for a direction is open in it; a pod some
//! policy selects for it admits only what one of those policies' rules allows; traffic
//! needs both the source's egress and the destination's ingress.

use super::model::{Peer, Pods, Policy, Port, PortRef, Release, Rule, RulePort};
use super::outside::OutsidePod;
use super::selector::Labels;

/// Where traffic comes from (or, for egress out of the release, goes to): a pod of the
/// release, a pod of another namespace whose labels are not known (an ingress controller,
/// Prometheus), or a pod outside the release whose namespace and pod labels are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source<'a> {
    Pod(usize),
    Namespace(&'a str),
    Outside(&'a OutsidePod),
}

/// One direction's verdict, with the policy or missing rule responsible.
#[derive(Debug, Clone, PartialEq)]
pub enum Side {
    /// No policy selects the pod for this direction.
    Unrestricted,
    /// A rule admits the traffic: `ingress rule 2 of NetworkPolicy/x`.
    Admitted(String),
    /// Policies select the pod for this direction and none of their rules admits it.
    Denied(Vec<String>),
}

impl Side {
    pub fn is_open(&self) -> bool {
        !matches!(self, Side::Denied(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    fn name(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    fn rules(self, policy: &Policy) -> &[Rule] {
        let rules = match self {
            Direction::Ingress => &policy.ingress,
            Direction::Egress => &policy.egress,
        };
        rules.as_deref().unwrap_or_default()
    }

    fn applies(self, policy: &Policy) -> bool {
        match self {
            Direction::Ingress => policy.types.ingress,
            Direction::Egress => policy.types.egress,
        }
    }
}

/// The release's policies, with which of them select each workload's pods.
pub struct Evaluator<'a> {
    release: &'a Release,
    namespace: &'a str,
    /// Per workload, the indices of the policies selecting its pods.
    selecting: Vec<Vec<usize>>,
}

impl<'a> Evaluator<'a> {
    pub fn new(release: &'a Release, namespace: &'a str) -> Evaluator<'a> {
        let selecting = release
            .pods
            .iter()
            .map(|pods| {
                release
                    .policies
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.selector.matches(&pods.labels))
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        Evaluator { release, namespace, selecting }
    }

    /// The source's egress toward the pods `to` on `port` (a pod of another namespace is
    /// never restricted by this release's policies).
    pub fn egress(&self, from: Source, to: usize, port: Port) -> Side {
        match from {
            Source::Namespace(_) | Source::Outside(_) => Side::Unrestricted,
            Source::Pod(from) => self.side(Direction::Egress, from, Source::Pod(to), Some(to), port),
        }
    }

    /// The egress of the pods `from` toward a pod outside the release on `port` (its
    /// container ports are unknown, so only numbered rule ports, or none, admit it).
    pub fn egress_outside(&self, from: usize, to: &OutsidePod, port: Port) -> Side {
        self.side(Direction::Egress, from, Source::Outside(to), None, port)
    }

    /// The ingress of the pods `to` from the source on `port`.
    pub fn ingress(&self, from: Source, to: usize, port: Port) -> Side {
        self.side(Direction::Ingress, to, from, Some(to), port)
    }

    /// `subject`'s side of traffic with `peer` on `port` of the pods `destination` (None: a
    /// pod outside the release).
    fn side(&self, direction: Direction, subject: usize, peer: Source, destination: Option<usize>, port: Port) -> Side {
        let policies: Vec<&Policy> = self.selecting[subject]
            .iter()
            .map(|i| &self.release.policies[*i])
            .filter(|p| direction.applies(p))
            .collect();
        if policies.is_empty() {
            return Side::Unrestricted;
        }
        let destination = destination.map(|index| &self.release.pods[index]);
        for policy in &policies {
            for (index, rule) in direction.rules(policy).iter().enumerate() {
                if self.rule_admits(rule, peer, destination, port) {
                    return Side::Admitted(format!("{} rule {} of {}", direction.name(), index + 1, policy.id));
                }
            }
        }
        Side::Denied(policies.iter().map(|p| p.id.clone()).collect())
    }

    fn rule_admits(&self, rule: &Rule, peer: Source, destination: Option<&Pods>, port: Port) -> bool {
        let peer_matches = rule.peers.is_empty() || rule.peers.iter().any(|p| self.peer_matches(p, peer));
        let port_admitted = |rule_port: &RulePort| match destination {
            Some(pods) => port_matches(rule_port, pods, port),
            // A named port resolves against the destination's containers, unknown outside.
            None => !matches!(rule_port.port, Some(PortRef::Name(_))) && port_matches_number(rule_port, port),
        };
        peer_matches && (rule.ports.is_empty() || rule.ports.iter().any(port_admitted))
    }

    /// Whether a rule's peer names the source or destination `endpoint`.
    pub fn peer_matches(&self, peer: &Peer, endpoint: Source) -> bool {
        let Peer::Pods { pods, namespaces } = peer else { return false };
        let (namespace, labels_of_namespace) = match endpoint {
            Source::Pod(_) => (self.namespace, namespace_labels(self.namespace)),
            Source::Namespace(name) => (name, namespace_labels(name)),
            Source::Outside(pod) => (pod.namespace.as_str(), pod.namespace_labels.clone()),
        };
        let namespace_matches = match namespaces {
            None => namespace == self.namespace,
            Some(selector) => selector.matches(&labels_of_namespace),
        };
        namespace_matches
            && match (pods, endpoint) {
                (None, _) => true,
                (Some(selector), Source::Pod(index)) => selector.matches(&self.release.pods[index].labels),
                // Another namespace's pods' labels are unknown: only a selector of every pod holds.
                (Some(selector), Source::Namespace(_)) => selector.is_empty(),
                (Some(selector), Source::Outside(pod)) => selector.matches(&pod.pod_labels),
            }
    }
}

/// A rule's port against the destination pods' port (a named rule port is looked up among
/// the destination's container ports, as Kubernetes does).
pub fn port_matches(rule: &RulePort, destination: &Pods, port: Port) -> bool {
    match &rule.port {
        Some(name @ PortRef::Name(_)) => {
            rule.protocol == port.protocol && destination.resolve(name, port.protocol) == Some(port)
        }
        _ => port_matches_number(rule, port),
    }
}

/// A rule's port without a name (none, a number or a range) against a port.
fn port_matches_number(rule: &RulePort, port: Port) -> bool {
    if rule.protocol != port.protocol {
        return false;
    }
    match &rule.port {
        None => true,
        Some(PortRef::Number(number)) => match rule.end_port {
            Some(end) => (*number..=end).contains(&port.number),
            None => *number == port.number,
        },
        Some(PortRef::Name(_)) => false,
    }
}

/// The labels every namespace carries: its name, as `kubernetes.io/metadata.name`.
pub fn namespace_labels(name: &str) -> Labels {
    Labels::from([("kubernetes.io/metadata.name".to_string(), name.to_string())])
}
