//! Services (pkg/apis/core/validation/validation.go), Ingresses and NetworkPolicies
//! (pkg/apis/networking/validation/validation.go).

use std::collections::BTreeSet;

use serde_json::Value;

use super::syntax;
use super::{
    int, items, meta, selector_is_empty, text, Report, INGRESS_BACKEND, INGRESS_HOST, INGRESS_PATH, NETWORK_POLICY,
    SERVICE_PORTS,
};

const PROTOCOLS: [&str; 3] = ["TCP", "UDP", "SCTP"];

/// `ValidateService` for its ports and selector.
pub fn service(spec: &Value, report: &mut Report) {
    let service_type = text(spec, "type").unwrap_or("ClusterIP");
    let headless = text(spec, "clusterIP") == Some("None");
    let ports: Vec<&Value> = items(spec, "ports").collect();
    if ports.is_empty() && service_type != "ExternalName" && !headless {
        report.add(SERVICE_PORTS, "spec.ports", "at least one port is required");
    }
    let mut names = BTreeSet::new();
    let mut numbers = BTreeSet::new();
    for (index, port) in ports.iter().enumerate() {
        let at = format!("spec.ports[{index}]");
        match text(port, "name") {
            None | Some("") if ports.len() > 1 => {
                report.add(SERVICE_PORTS, format!("{at}.name"), "is required when a Service has more than one port")
            }
            None | Some("") => {}
            Some(name) => {
                report.check(SERVICE_PORTS, format!("{at}.name"), syntax::dns1123_label(name));
                if !names.insert(name) {
                    report.add(SERVICE_PORTS, format!("{at}.name"), format!("duplicate port name {name:?}"));
                }
            }
        }
        let number = int(port, "port").unwrap_or_default();
        report.check(SERVICE_PORTS, format!("{at}.port"), syntax::port_number(number));
        let protocol = text(port, "protocol").unwrap_or("TCP");
        if !PROTOCOLS.contains(&protocol) {
            report.add(SERVICE_PORTS, format!("{at}.protocol"), format!("{protocol:?} is not one of TCP, UDP, SCTP"));
        }
        if !numbers.insert((number, protocol)) {
            report.add(SERVICE_PORTS, format!("{at}.port"), format!("duplicate port {number}/{protocol}"));
        }
        // Unset or 0, the target port is the port itself.
        if let Some(target) = port.get("targetPort").filter(|t| t.as_i64() != Some(0)) {
            report.check(SERVICE_PORTS, format!("{at}.targetPort"), syntax::port_number_or_name(target));
        }
        if let Some(node_port) = int(port, "nodePort").filter(|n| *n != 0) {
            if !matches!(service_type, "NodePort" | "LoadBalancer") {
                report.add(
                    SERVICE_PORTS,
                    format!("{at}.nodePort"),
                    format!("may not be used when `type` is {service_type:?}"),
                );
            }
            report.check(SERVICE_PORTS, format!("{at}.nodePort"), syntax::port_number(node_port));
        }
    }
    if spec.get("selector").is_some() {
        let selector = serde_json::json!({ "labels": spec.get("selector") });
        meta::labels(&selector, "spec.selector", report);
    }
}

/// `ValidateIngressSpec`: hosts, paths and backends of its rules, hosts of its TLS entries.
pub fn ingress(spec: &Value, report: &mut Report) {
    if let Some(class) = text(spec, "ingressClassName") {
        report.check(INGRESS_BACKEND, "spec.ingressClassName", syntax::dns1123_subdomain(class));
    }
    if let Some(backend) = spec.get("defaultBackend") {
        self::backend(backend, "spec.defaultBackend", report);
    }
    for (index, rule) in items(spec, "rules").enumerate() {
        let at = format!("spec.rules[{index}]");
        if let Some(host) = text(rule, "host") {
            report.check(INGRESS_HOST, format!("{at}.host"), ingress_host(host));
        }
        for (p, path) in items(rule.get("http").unwrap_or(&Value::Null), "paths").enumerate() {
            let path_at = format!("{at}.http.paths[{p}]");
            report.check(INGRESS_PATH, format!("{path_at}.path"), http_path(path));
            self::backend(path.get("backend").unwrap_or(&Value::Null), &format!("{path_at}.backend"), report);
        }
    }
    for (index, tls) in items(spec, "tls").enumerate() {
        for (h, host) in items(tls, "hosts").enumerate() {
            let host = host.as_str().unwrap_or_default();
            // Unlike a rule's host, a TLS host is not checked for being an IP address.
            report.check(INGRESS_HOST, format!("spec.tls[{index}].hosts[{h}]"), dns_name(host));
        }
        if let Some(secret) = text(tls, "secretName") {
            report.check(INGRESS_BACKEND, format!("spec.tls[{index}].secretName"), syntax::dns1123_subdomain(secret));
        }
    }
}

/// A rule's host: a DNS name, not an IP address, with '*' only as the whole first label.
fn ingress_host(host: &str) -> Result<(), String> {
    // Kubernetes parses IPs "sloppily": four numeric parts are an address even with zeros.
    let ipv4_like =
        host.split('.').count() == 4 && host.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if ipv4_like || host.parse::<std::net::IpAddr>().is_ok() {
        return Err(format!("{host:?} must be a DNS name, not an IP address"));
    }
    dns_name(host)
}

/// A DNS-1123 subdomain, or a wildcard one when it has a '*'.
fn dns_name(host: &str) -> Result<(), String> {
    if host.contains('*') {
        syntax::wildcard_subdomain(host)
    } else {
        syntax::dns1123_subdomain(host)
    }
}

/// Sequences a Prefix or Exact path may not contain (`invalidPathSequences`) or end with.
const INVALID_PATH_SEQUENCES: [&str; 5] = ["//", "/./", "/../", "%2f", "%2F"];
const INVALID_PATH_SUFFIXES: [&str; 2] = ["/..", "/."];

/// `validateHTTPIngressPath`: a pathType, and an absolute path free of `//`, `/./`, `/../`
/// and escaped slashes for Prefix and Exact.
fn http_path(path: &Value) -> Result<(), String> {
    let text = path.get("path").and_then(Value::as_str).unwrap_or_default();
    match path.get("pathType").and_then(Value::as_str) {
        None => Err("pathType is required".into()),
        Some("Prefix" | "Exact") => {
            if !text.starts_with('/') {
                return Err(format!("{text:?} must be an absolute path (start with '/')"));
            }
            if let Some(bad) = INVALID_PATH_SEQUENCES.iter().find(|s| text.contains(*s)) {
                return Err(format!("{text:?} must not contain '{bad}'"));
            }
            if let Some(bad) = INVALID_PATH_SUFFIXES.iter().find(|s| text.ends_with(*s)) {
                return Err(format!("{text:?} cannot end with '{bad}'"));
            }
            Ok(())
        }
        Some("ImplementationSpecific") if !text.is_empty() && !text.starts_with('/') => {
            Err(format!("{text:?} must be an absolute path (start with '/')"))
        }
        Some("ImplementationSpecific") => Ok(()),
        Some(other) => Err(format!("pathType {other:?} is not one of Exact, Prefix, ImplementationSpecific")),
    }
}

/// `validateIngressBackend`: a Service (DNS-1035 name) and exactly one of a port name or number.
fn backend(backend: &Value, path: &str, report: &mut Report) {
    let Some(service) = backend.get("service") else { return };
    report.check(
        INGRESS_BACKEND,
        format!("{path}.service.name"),
        syntax::dns1035_label(text(service, "name").unwrap_or_default()),
    );
    let port = service.get("port").unwrap_or(&Value::Null);
    match (text(port, "name"), int(port, "number")) {
        (Some(name), None) => {
            report.check(INGRESS_BACKEND, format!("{path}.service.port.name"), syntax::port_name(name))
        }
        (None, Some(number)) => {
            report.check(INGRESS_BACKEND, format!("{path}.service.port.number"), syntax::port_number(number))
        }
        (Some(_), Some(_)) => {
            report.add(INGRESS_BACKEND, format!("{path}.service.port"), "cannot set both port name & port number")
        }
        (None, None) => report.add(INGRESS_BACKEND, format!("{path}.service.port"), "port name or number is required"),
    }
}

/// `ValidateNetworkPolicySpec`: ports, peers and policy types.
pub fn network_policy(spec: &Value, report: &mut Report) {
    if let Some(selector) = spec.get("podSelector") {
        if !selector_is_empty(selector) {
            meta::labels(
                &serde_json::json!({ "labels": selector.get("matchLabels") }),
                "spec.podSelector.matchLabels",
                report,
            );
        }
    }
    for (direction, peers) in [("ingress", "from"), ("egress", "to")] {
        for (index, rule) in items(spec, direction).enumerate() {
            let at = format!("spec.{direction}[{index}]");
            for (p, port) in items(rule, "ports").enumerate() {
                network_policy_port(port, &format!("{at}.ports[{p}]"), report);
            }
            for (p, peer) in items(rule, peers).enumerate() {
                network_policy_peer(peer, &format!("{at}.{peers}[{p}]"), report);
            }
        }
    }
    for (index, policy_type) in items(spec, "policyTypes").enumerate() {
        let policy_type = policy_type.as_str().unwrap_or_default();
        if !["Ingress", "Egress"].contains(&policy_type) {
            report.add(
                NETWORK_POLICY,
                format!("spec.policyTypes[{index}]"),
                format!("{policy_type:?} is not one of Ingress, Egress"),
            );
        }
    }
}

/// `ValidateNetworkPolicyPort`: protocol, a port number or name, and an endPort only after a
/// numeric port and not below it.
fn network_policy_port(port: &Value, path: &str, report: &mut Report) {
    let protocol = text(port, "protocol").unwrap_or("TCP");
    if !PROTOCOLS.contains(&protocol) {
        report.add(NETWORK_POLICY, format!("{path}.protocol"), format!("{protocol:?} is not one of TCP, UDP, SCTP"));
    }
    if let Some(number) = port.get("port") {
        report.check(NETWORK_POLICY, format!("{path}.port"), syntax::port_number_or_name(number));
    }
    let Some(end) = int(port, "endPort") else { return };
    match port.get("port").and_then(Value::as_i64) {
        Some(start) if end < start => report.add(
            NETWORK_POLICY,
            format!("{path}.endPort"),
            format!("{end} must be greater than or equal to `port` {start}"),
        ),
        Some(_) => report.check(NETWORK_POLICY, format!("{path}.endPort"), syntax::port_number(end)),
        None => report.add(NETWORK_POLICY, format!("{path}.endPort"), "may not be specified without a numeric `port`"),
    }
}

/// `ValidateNetworkPolicyPeer`: pod and namespace selectors, or an ipBlock alone, whose
/// exceptions lie inside its CIDR.
fn network_policy_peer(peer: &Value, path: &str, report: &mut Report) {
    let selectors = peer.get("podSelector").is_some() || peer.get("namespaceSelector").is_some();
    let Some(block) = peer.get("ipBlock") else {
        if !selectors {
            report.add(NETWORK_POLICY, path, "must specify a peer");
        }
        return;
    };
    if selectors {
        report.add(NETWORK_POLICY, path, "may not specify both ipBlock and another peer");
    }
    let cidr = text(block, "cidr").unwrap_or_default();
    match parse_cidr(cidr) {
        None => report.add(NETWORK_POLICY, format!("{path}.ipBlock.cidr"), format!("{cidr:?} is not a valid CIDR")),
        Some(network) => {
            for (index, except) in items(block, "except").enumerate() {
                let except = except.as_str().unwrap_or_default();
                let inside = parse_cidr(except).is_some_and(|e| contains(network, e));
                if !inside {
                    report.add(
                        NETWORK_POLICY,
                        format!("{path}.ipBlock.except[{index}]"),
                        format!("{except:?} must be a strict subset of `cidr` {cidr}"),
                    );
                }
            }
        }
    }
}

/// A CIDR as (address, prefix length), both families as 128-bit.
fn parse_cidr(text: &str) -> Option<(u128, u8, bool)> {
    let (address, prefix) = text.split_once('/')?;
    let prefix: u8 = prefix.parse().ok()?;
    match address.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(v4) if prefix <= 32 => Some((u128::from(u32::from(v4)) << 96, prefix, true)),
        std::net::IpAddr::V6(v6) if prefix <= 128 => Some((u128::from(v6), prefix, false)),
        _ => None,
    }
}

/// Whether `inner` is a strict subset of `outer`: same family, longer prefix, same network.
fn contains(outer: (u128, u8, bool), inner: (u128, u8, bool)) -> bool {
    // IPv4 addresses sit in the top 32 of the 128 bits, so a prefix masks the same bits.
    let width = |(_, prefix, _): (u128, u8, bool)| u32::from(prefix);
    let mask = |width: u32| if width == 0 { 0 } else { u128::MAX << (128 - width) };
    let (outer_width, inner_width) = (width(outer), width(inner));
    outer.2 == inner.2 && inner_width > outer_width && outer.0 & mask(outer_width) == inner.0 & mask(outer_width)
}
