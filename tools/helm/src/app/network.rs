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
    })
}
