//! NetworkPolicy peers outside the chart, by label selector: pods of other namespaces (an
//! operator's, a collector's, another team's callers) or pods of the release namespace that
//! no app of the chart runs. Keys and values are checked as the API server checks label
//! selectors, so a policy the cluster would refuse never renders.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::SelectorPeerMetadata;
use crate::origin::Origin;

/// Pods outside the chart and the TCP ports of a path to or from them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectorPeer {
    /// Labels of the namespaces; empty: the release namespace.
    pub namespace_labels: BTreeMap<String, String>,
    /// Labels of the pods; empty: every pod of those namespaces.
    pub pod_labels: BTreeMap<String, String>,
    pub ports: Vec<u16>,
}

/// Destinations outside the chart: each needs its ports (a path is to a port).
pub(super) fn egress_selectors(
    peers: &[SelectorPeerMetadata],
    origin: &Origin,
) -> Result<Vec<SelectorPeer>, ComposeError> {
    let field = "network_policy.egress_to_selectors";
    peers
        .iter()
        .enumerate()
        .map(|(index, peer)| {
            let field = format!("{field}[{index}]");
            if peer.ports.is_empty() {
                return Err(origin.error(
                    &format!("{field}.ports"),
                    "is required: the TCP ports this app connects to on those pods (e.g. [5432])",
                ));
            }
            selector_peer(peer, Vec::new(), &field, origin)
        })
        .collect()
}

/// Callers outside the chart: on the listed ports, else on the app's own port.
pub(super) fn ingress_selectors(
    peers: &[SelectorPeerMetadata],
    app_port: Option<u16>,
    origin: &Origin,
) -> Result<Vec<SelectorPeer>, ComposeError> {
    let field = "network_policy.ingress_from_selectors";
    peers
        .iter()
        .enumerate()
        .map(|(index, peer)| {
            let field = format!("{field}[{index}]");
            let default_ports = match (peer.ports.is_empty(), app_port) {
                (true, Some(port)) => vec![port],
                (true, None) => {
                    return Err(origin.error(
                        &format!("{field}.ports"),
                        "is required for an app without a port: the TCP ports those callers connect to",
                    ))
                }
                (false, _) => Vec::new(),
            };
            selector_peer(peer, default_ports, &field, origin)
        })
        .collect()
}

fn selector_peer(
    peer: &SelectorPeerMetadata,
    default_ports: Vec<u16>,
    field: &str,
    origin: &Origin,
) -> Result<SelectorPeer, ComposeError> {
    // Both empty would be `podSelector: {}` in the release namespace: every pod, this
    // chart's included, which allow_from_apps and egress_to_apps name one by one.
    if peer.namespace_labels.is_empty() && peer.pod_labels.is_empty() {
        return Err(origin.error(
            field,
            "selects every pod of the release namespace; set namespace_labels (e.g. {\"kubernetes.io/metadata.name\": \
             \"observability\"}) or pod_labels, or name apps of this chart in allow_from_apps or egress_to_apps",
        ));
    }
    labels(&peer.namespace_labels, &format!("{field}.namespace_labels"), origin)?;
    labels(&peer.pod_labels, &format!("{field}.pod_labels"), origin)?;
    let mut ports = default_ports;
    for port in &peer.ports {
        let port = origin.check(&format!("{field}.ports"), checks::port(*port))?;
        if ports.contains(&port) {
            return Err(origin.error(&format!("{field}.ports"), format!("lists {port} twice")));
        }
        ports.push(port);
    }
    Ok(SelectorPeer { namespace_labels: peer.namespace_labels.clone(), pod_labels: peer.pod_labels.clone(), ports })
}

/// A label selector's matchLabels: qualified-name keys and label values, as the API server
/// requires.
fn labels(labels: &BTreeMap<String, String>, field: &str, origin: &Origin) -> Result<(), ComposeError> {
    for (key, value) in labels {
        origin.check(field, checks::qualified_name(key))?;
        origin.check(&format!("{field}.{key}"), checks::label_value(value))?;
    }
    Ok(())
}
