//! Pod templates (`ValidatePodTemplateSpec` and `ValidatePodSpec` in
//! pkg/apis/core/validation/validation.go): containers, their resources, ports and probes,
//! volumes and mounts.

use std::collections::BTreeSet;

use serde_json::Value;

use super::quantity;
use super::syntax;
use super::{
    entries, int, items, meta, text, Report, POD, PORT, PROBE, QUANTITY, REQUESTS_WITHIN_LIMITS, UNIQUE_NAMES,
    VOLUME_MOUNT,
};

/// Container resources without a '/' must be one of these (`IsStandardContainerResourceName`;
/// `hugepages-<size>` too).
const STANDARD_RESOURCES: [&str; 3] = ["cpu", "memory", "ephemeral-storage"];

/// What a workload adds to its pod template's rules.
pub struct TemplateRules<'a> {
    /// `restartPolicy` values the workload allows (`Always` for Deployments and StatefulSets).
    pub restart_policies: &'a [&'a str],
    /// Volumes that exist beside the pod's own, for mounts (a StatefulSet's claim templates).
    pub claim_names: Vec<&'a str>,
}

/// A pod template at `path` (e.g. `spec.template`).
pub fn template(template: &Value, path: &str, rules: &TemplateRules, report: &mut Report) {
    let metadata = template.get("metadata").unwrap_or(&Value::Null);
    meta::labels(metadata, &format!("{path}.metadata"), report);
    meta::annotations(metadata, &format!("{path}.metadata"), report);
    let spec = template.get("spec").unwrap_or(&Value::Null);
    let path = format!("{path}.spec");
    // Unset, the policy defaults to Always (`SetDefaults_PodSpec`) before validation.
    let restart = text(spec, "restartPolicy");
    if !rules.restart_policies.contains(&restart.unwrap_or("Always")) {
        let what = restart.map_or("unset, it defaults to \"Always\", which".to_string(), |r| format!("{r:?}"));
        report.add(
            POD,
            format!("{path}.restartPolicy"),
            format!("{what} is not allowed here; use {}", rules.restart_policies.join(" or ")),
        );
    }
    if let Some(account) = text(spec, "serviceAccountName") {
        report.check(POD, format!("{path}.serviceAccountName"), syntax::dns1123_subdomain(account));
    }
    security_ids(spec, &path, report);
    let volumes = volumes(spec, &path, report);
    let mut container_names = BTreeSet::new();
    for list in ["initContainers", "containers"] {
        for (index, container) in items(spec, list).enumerate() {
            let at = format!("{path}.{list}[{index}]");
            let name = text(container, "name").unwrap_or_default();
            report.check(POD, format!("{at}.name"), syntax::dns1123_label(name));
            if !container_names.insert(name) {
                report.add(UNIQUE_NAMES, format!("{at}.name"), format!("duplicate container name {name:?}"));
            }
            self::container(container, &at, list == "containers", report);
            mounts(container, &at, &volumes, &rules.claim_names, report);
        }
    }
}

/// `ValidatePodSecurityContext`: user and group IDs from 0 to 2147483647.
fn security_ids(spec: &Value, path: &str, report: &mut Report) {
    let Some(context) = spec.get("securityContext") else { return };
    for key in ["runAsUser", "runAsGroup", "fsGroup"] {
        if let Some(id) = int(context, key).filter(|id| !(0..=i64::from(i32::MAX)).contains(id)) {
            report.add(POD, format!("{path}.securityContext.{key}"), format!("{id} must be between 0 and 2147483647"));
        }
    }
}

/// `ValidateVolumes`: names are DNS labels and unique. Returns them.
fn volumes<'v>(spec: &'v Value, path: &str, report: &mut Report) -> BTreeSet<&'v str> {
    let mut names = BTreeSet::new();
    for (index, volume) in items(spec, "volumes").enumerate() {
        let name = text(volume, "name").unwrap_or_default();
        let at = format!("{path}.volumes[{index}].name");
        report.check(POD, &at, syntax::dns1123_label(name));
        if !names.insert(name) {
            report.add(UNIQUE_NAMES, at, format!("duplicate volume name {name:?}"));
        }
    }
    names
}

/// `ValidateVolumeMounts`: each mount names a volume of the pod, and no two share a path.
fn mounts(container: &Value, path: &str, volumes: &BTreeSet<&str>, claims: &[&str], report: &mut Report) {
    let mut paths = BTreeSet::new();
    for (index, mount) in items(container, "volumeMounts").enumerate() {
        let at = format!("{path}.volumeMounts[{index}]");
        let name = text(mount, "name").unwrap_or_default();
        if !volumes.contains(name) && !claims.contains(&name) {
            report.add(VOLUME_MOUNT, format!("{at}.name"), format!("no volume named {name:?}"));
        }
        let mount_path = text(mount, "mountPath").unwrap_or_default();
        if !paths.insert(mount_path) {
            report.add(VOLUME_MOUNT, format!("{at}.mountPath"), format!("{mount_path:?} must be unique"));
        }
    }
}

/// One container: resources, ports and (for a regular container) probes.
fn container(container: &Value, path: &str, regular: bool, report: &mut Report) {
    resources(container, path, report);
    ports(container, path, report);
    let probes = ["livenessProbe", "readinessProbe", "startupProbe"];
    for key in probes {
        let Some(probe) = container.get(key) else { continue };
        if !regular {
            // Init containers run to completion before the pod starts; only sidecars
            // (restartPolicy Always) may have probes.
            if text(container, "restartPolicy") != Some("Always") {
                report.add(PROBE, format!("{path}.{key}"), "may not be set for init containers");
            }
        }
        self::probe(probe, key, &format!("{path}.{key}"), report);
    }
}

/// `ValidateResourceRequirements`: quantities parse and are not negative, names are standard
/// or prefixed, and each request is at most its limit.
fn resources(container: &Value, path: &str, report: &mut Report) {
    let Some(resources) = container.get("resources") else { return };
    let at = format!("{path}.resources");
    let read = |report: &mut Report, field: &str| -> Vec<(String, quantity::Nanos)> {
        let mut parsed = Vec::new();
        for (name, value) in entries(resources, field) {
            let field_path = format!("{at}.{field}.{name}");
            if !name.contains('/') && !STANDARD_RESOURCES.contains(&name.as_str()) && !name.starts_with("hugepages-") {
                report.add(QUANTITY, &field_path, format!("{name:?} is not a standard resource name (cpu, memory, ephemeral-storage, hugepages-<size>) and has no domain prefix"));
            }
            let text = value.as_str().map_or_else(|| value.to_string(), str::to_string);
            match quantity::parse(&text) {
                Ok(n) if n < 0 => {
                    report.add(QUANTITY, &field_path, format!("{text} must be greater than or equal to 0"))
                }
                Ok(n) => parsed.push((name.clone(), n)),
                Err(message) => report.add(QUANTITY, &field_path, message),
            }
        }
        parsed
    };
    let requests = read(report, "requests");
    let limits = read(report, "limits");
    for (name, request) in &requests {
        let Some((_, limit)) = limits.iter().find(|(n, _)| n == name) else { continue };
        if request > limit {
            let shown =
                |field: &str| resources.pointer(&format!("/{field}/{name}")).map_or(String::new(), shown_quantity);
            report.add(
                REQUESTS_WITHIN_LIMITS,
                format!("{at}.requests.{name}"),
                format!("{} must be less than or equal to {name} limit of {}", shown("requests"), shown("limits")),
            );
        }
    }
}

fn shown_quantity(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_string)
}

/// `validateContainerPorts`: numbers 1 to 65535, IANA_SVC_NAME names unique in the container.
fn ports(container: &Value, path: &str, report: &mut Report) {
    let mut names = BTreeSet::new();
    for (index, port) in items(container, "ports").enumerate() {
        let at = format!("{path}.ports[{index}]");
        if let Some(name) = text(port, "name") {
            report.check(PORT, format!("{at}.name"), syntax::port_name(name));
            if !names.insert(name) {
                report.add(UNIQUE_NAMES, format!("{at}.name"), format!("duplicate port name {name:?}"));
            }
        }
        if let Some(number) = int(port, "containerPort") {
            report.check(PORT, format!("{at}.containerPort"), syntax::port_number(number));
        }
        if let Some(number) = int(port, "hostPort").filter(|n| *n != 0) {
            report.check(PORT, format!("{at}.hostPort"), syntax::port_number(number));
        }
    }
}

/// `validateProbe` and `validateHandler`: exactly one handler, counts at least 0, and (for
/// liveness and startup probes) a success threshold of 1.
fn probe(probe: &Value, key: &str, path: &str, report: &mut Report) {
    let handlers: Vec<&str> =
        ["exec", "httpGet", "tcpSocket", "grpc"].into_iter().filter(|h| probe.get(*h).is_some()).collect();
    match handlers.len() {
        0 => report.add(PROBE, path, "must specify a handler type (exec, httpGet, tcpSocket or grpc)"),
        1 => {}
        _ => {
            report.add(PROBE, path, format!("may not specify more than 1 handler type, found {}", handlers.join(", ")))
        }
    }
    for field in ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"] {
        report.at_least(PROBE, probe, field, path, 0);
    }
    if key != "readinessProbe" {
        if let Some(threshold) = int(probe, "successThreshold").filter(|t| *t != 1 && *t != 0) {
            report.add(PROBE, format!("{path}.successThreshold"), format!("{threshold} must be 1 for a {key}"));
        }
    } else if probe.get("terminationGracePeriodSeconds").is_some() {
        report.add(PROBE, format!("{path}.terminationGracePeriodSeconds"), "must not be set for a readinessProbe");
    }
    for handler in ["httpGet", "tcpSocket"] {
        if let Some(port) = probe.get(handler).and_then(|h| h.get("port")) {
            report.check(PROBE, format!("{path}.{handler}.port"), syntax::port_number_or_name(port));
        }
    }
    if let Some(port) = probe.get("grpc").and_then(|g| int(g, "port")) {
        report.check(PROBE, format!("{path}.grpc.port"), syntax::port_number(port));
    }
    if let Some(Value::Object(get)) = probe.get("httpGet") {
        if let Some(scheme) = get.get("scheme").and_then(Value::as_str).filter(|s| !["HTTP", "HTTPS"].contains(s)) {
            report.add(PROBE, format!("{path}.httpGet.scheme"), format!("{scheme:?} is not one of HTTP, HTTPS"));
        }
    }
}
