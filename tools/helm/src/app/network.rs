//! An app's NetworkPolicy peers: apps allowed in, apps and CIDRs it may reach.

use serde::Serialize;

use super::network_selectors::{self, SelectorPeer};
use crate::checks;
use crate::error::ComposeError;
use crate::model::NetworkPolicyMetadata;
use crate::origin::Origin;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkPolicy {
    /// Apps allowed in, checked against the chart's apps when composing.
    pub allow_from_apps: Vec<AppRef>,
    /// APIs this app may reach.
    pub egress_to_apps: Vec<AppRef>,
    pub egress_cidrs: Vec<CidrPort>,
    /// Pods outside the chart this app may reach, by labels.
    pub egress_selectors: Vec<SelectorPeer>,
    /// Callers outside the chart this app admits, by labels.
    pub ingress_selectors: Vec<SelectorPeer>,
    /// Apps of peer charts this app may reach (its own list, then its sibling_env's).
    pub egress_to_peer_apps: Vec<PeerAppRef>,
}

/// An app of a peer chart, by chart and app name and their values keys (`peerCharts.<chart>
/// .apps.<app>` in values).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerAppRef {
    #[serde(skip)]
    pub chart: String,
    #[serde(rename = "chart")]
    pub chart_key: String,
    #[serde(skip)]
    pub app: String,
    #[serde(rename = "app")]
    pub values_key: String,
}

impl PeerAppRef {
    pub fn new(chart: &str, app: &str) -> PeerAppRef {
        PeerAppRef {
            chart: chart.to_string(),
            chart_key: checks::lower_camel_case(chart),
            app: app.to_string(),
            values_key: checks::lower_camel_case(app),
        }
    }
}

/// Another app of the chart, by name and values key.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRef {
    pub name: String,
    pub values_key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CidrPort {
    pub cidr: String,
    pub port: u16,
}

pub(super) fn network_policy(
    meta: &NetworkPolicyMetadata,
    port: Option<u16>,
    origin: &Origin,
) -> Result<NetworkPolicy, ComposeError> {
    for (field, names) in [
        ("network_policy.allow_from_apps", &meta.allow_from_apps),
        ("network_policy.egress_to_apps", &meta.egress_to_apps),
    ] {
        for name in names {
            origin.check(field, checks::dns_label(name))?;
        }
    }
    let mut egress_to_peer_apps: Vec<PeerAppRef> = Vec::new();
    for (index, peer) in meta.egress_to_peer_apps.iter().enumerate() {
        let field = format!("network_policy.egress_to_peer_apps[{index}]");
        origin.check(&format!("{field}.chart"), checks::dns_label(&peer.chart))?;
        origin.check(&format!("{field}.app"), checks::dns_label(&peer.app))?;
        let reference = PeerAppRef::new(&peer.chart, &peer.app);
        if egress_to_peer_apps.contains(&reference) {
            return Err(origin.error(&field, format!("names app {:?} of chart {:?} twice", peer.app, peer.chart)));
        }
        egress_to_peer_apps.push(reference);
    }
    let egress_cidrs = meta
        .egress_cidrs
        .iter()
        .map(|entry| {
            let (cidr, port) = origin.check("network_policy.egress_cidrs", checks::cidr_port(entry))?;
            Ok(CidrPort { cidr, port })
        })
        .collect::<Result<_, ComposeError>>()?;
    let refs = |names: &[String]| {
        names.iter().map(|n| AppRef { name: n.clone(), values_key: checks::lower_camel_case(n) }).collect()
    };
    Ok(NetworkPolicy {
        allow_from_apps: refs(&meta.allow_from_apps),
        egress_to_apps: refs(&meta.egress_to_apps),
        egress_cidrs,
        egress_selectors: network_selectors::egress_selectors(&meta.egress_to_selectors, origin)?,
        ingress_selectors: network_selectors::ingress_selectors(&meta.ingress_from_selectors, port, origin)?,
        egress_to_peer_apps,
    })
}
