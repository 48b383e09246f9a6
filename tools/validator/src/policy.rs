//! Policy checks on the rendered objects: the defaults that kube-score, kube-linter and
//! Polaris look for, which composed charts must meet by construction
//! (../shared/notes/chart-quality.md in the design notes). Each finding names its rule (one
//! of [`RULES`]) and the object.

use std::collections::BTreeMap;

use serde_json::Value;

/// Every rule a finding can name, as failure tests expect them (`policy:<rule>`); the unit
/// tests break each one.
#[cfg(test)]
const RULES: [&str; 28] = [
    RUN_AS_NON_ROOT,
    RUN_AS_USER,
    SECCOMP,
    SERVICE_ACCOUNT_TOKEN,
    RESOURCES,
    IMAGE_TAG,
    IMAGE_PULL_POLICY,
    PRIVILEGE_ESCALATION,
    PRIVILEGED,
    READ_ONLY_ROOT_FILESYSTEM,
    CAPABILITIES,
    PROBES_MISSING,
    PROBES_IDENTICAL,
    ONE_SCALER,
    SCALER_OWNS_REPLICAS,
    PDB_MISSING,
    PDB_UNSATISFIABLE,
    NETWORK_POLICY_COVERAGE,
    SERVICE_SELECTOR,
    SERVICE_TARGET_PORT,
    INGRESS_BACKEND,
    SERVICE_MONITOR_SELECTOR,
    SERVICE_MONITOR_PORT,
    SCALE_TARGET,
    RBAC_CLUSTER_WIDE,
    RBAC_CLUSTER_ADMIN,
    POLICY_EXCEPTION,
    SERVICE_TYPE,
];

pub const RUN_AS_NON_ROOT: &str = "run-as-non-root";
pub const RUN_AS_USER: &str = "run-as-user";
pub const SECCOMP: &str = "seccomp";
pub const SERVICE_ACCOUNT_TOKEN: &str = "service-account-token";
pub const RESOURCES: &str = "resources";
pub const IMAGE_TAG: &str = "image-tag";
pub const IMAGE_PULL_POLICY: &str = "image-pull-policy";
pub const PRIVILEGE_ESCALATION: &str = "privilege-escalation";
pub const PRIVILEGED: &str = "privileged";
pub const READ_ONLY_ROOT_FILESYSTEM: &str = "read-only-root-filesystem";
pub const CAPABILITIES: &str = "capabilities";
pub const PROBES_MISSING: &str = "probes-missing";
pub const PROBES_IDENTICAL: &str = "probes-identical";
pub const ONE_SCALER: &str = "one-scaler";
pub const SCALER_OWNS_REPLICAS: &str = "scaler-owns-replicas";
pub const PDB_MISSING: &str = "pdb-missing";
pub const PDB_UNSATISFIABLE: &str = "pdb-unsatisfiable";
pub const NETWORK_POLICY_COVERAGE: &str = "network-policy-coverage";
pub const SERVICE_SELECTOR: &str = "service-selector";
pub const SERVICE_TARGET_PORT: &str = "service-target-port";
pub const INGRESS_BACKEND: &str = "ingress-backend";
pub const SERVICE_MONITOR_SELECTOR: &str = "service-monitor-selector";
pub const SERVICE_MONITOR_PORT: &str = "service-monitor-port";
pub const SCALE_TARGET: &str = "scale-target";
pub const RBAC_CLUSTER_WIDE: &str = "rbac-cluster-wide";
pub const RBAC_CLUSTER_ADMIN: &str = "rbac-cluster-admin";
pub const POLICY_EXCEPTION: &str = "policy-exception";
pub const SERVICE_TYPE: &str = "service-type";

/// Annotation prefix of a declared policy exception on a workload; the value is the reason.
const EXCEPTION_PREFIX: &str = "policy-exception.helm-composer.io/";

/// The exceptions a workload may declare (the composer's `policy_exceptions`) and the one
/// rule each waives for that workload's pods; no other rule can be waived.
const EXCEPTIONS: [(&str, &str); 3] = [
    ("run-as-user", RUN_AS_USER),
    ("read-only-root-filesystem", READ_ONLY_ROOT_FILESYSTEM),
    ("probes", PROBES_MISSING),
];

/// One broken rule: which (one of [`RULES`]) and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub message: String,
}

/// The findings of one check, each added with its rule.
#[derive(Default)]
struct Findings(Vec<Finding>);

impl Findings {
    fn add(&mut self, rule: &'static str, message: String) {
        self.0.push(Finding { rule, message });
    }

    fn require(&mut self, ok: bool, rule: &'static str, name: &str, what: &str) {
        if !ok {
            self.add(rule, format!("{name}: {what}"));
        }
    }
}

/// Checks every object of one render run and returns the findings.
pub fn check(objects: &BTreeMap<String, Value>) -> Vec<Finding> {
    let mut findings = Findings::default();
    let policies: Vec<&Value> = objects.values().filter(|o| kind(o) == "NetworkPolicy").collect();
    for (name, object) in objects {
        let Some(template) = pod_template(object) else { continue };
        let mut workload = Findings::default();
        if let Some(pod) = template.get("spec") {
            check_pod(name, pod, &mut workload);
        }
        if matches!(kind(object), "Deployment" | "StatefulSet" | "DaemonSet") {
            check_deployment(name, object, objects, &mut workload);
        }
        check_network_policy_covers(name, template, &policies, &mut workload);
        let waived = declared_exceptions(name, object, &mut findings);
        findings.0.extend(workload.0.into_iter().filter(|f| !waived.contains(&f.rule) || !waivable(f, template)));
    }
    check_references(objects, &mut findings);
    findings.0
}

/// The rules a workload's declared exceptions waive. Each must be one of [`EXCEPTIONS`]
/// and carry a reason; anything else is itself a finding (and waives nothing).
fn declared_exceptions(name: &str, object: &Value, findings: &mut Findings) -> Vec<&'static str> {
    let annotations = object.pointer("/metadata/annotations").and_then(Value::as_object);
    let mut waived = Vec::new();
    for (key, reason) in annotations.into_iter().flatten() {
        let Some(exception) = key.strip_prefix(EXCEPTION_PREFIX) else { continue };
        let reason = reason.as_str().unwrap_or_default().trim();
        match EXCEPTIONS.iter().find(|(known, _)| *known == exception) {
            None => findings.add(
                POLICY_EXCEPTION,
                format!(
                    "{name}: {exception:?} is no policy exception; only {} can be excused",
                    EXCEPTIONS.map(|(e, _)| e).join(", ")
                ),
            ),
            Some(_) if reason.is_empty() => {
                findings.add(POLICY_EXCEPTION, format!("{name}: policy exception {exception:?} gives no reason"))
            }
            Some((_, rule)) => waived.push(*rule),
        }
    }
    waived
}

/// An exception never covers running as root: a UID of 0 stays a finding.
fn waivable(finding: &Finding, template: &Value) -> bool {
    finding.rule != RUN_AS_USER
        || template.pointer("/spec/securityContext/runAsUser").and_then(Value::as_u64) != Some(0)
}

/// Objects that point at others must find them: a Service its pods and their named ports, an
/// Ingress its Services and ports, a ServiceMonitor its Services and port, an autoscaler or
/// ScaledObject its Deployment. RBAC stays inside the namespace and below cluster-admin.
fn check_references(objects: &BTreeMap<String, Value>, findings: &mut Findings) {
    let templates: Vec<&Value> = objects.values().filter_map(pod_template).collect();
    let services: Vec<&Value> = objects.values().filter(|o| kind(o) == "Service").collect();
    for (name, object) in objects {
        match kind(object) {
            "Service" => {
                check_service_targets(name, object, &templates, findings);
                check_service_type(name, object, findings);
            }
            "Ingress" => check_ingress_backends(name, object, objects, findings),
            "HTTPRoute" | "GRPCRoute" => check_route_backends(name, object, objects, findings),
            "ServiceMonitor" => check_service_monitor(name, object, &services, findings),
            // Environments sharing a cluster are isolated by namespace: no grant may reach past it.
            "ClusterRole" | "ClusterRoleBinding" => {
                findings.add(RBAC_CLUSTER_WIDE, format!("{name}: cluster-wide RBAC reaches past the release namespace"))
            }
            "RoleBinding" if object.pointer("/roleRef/name").and_then(Value::as_str) == Some("cluster-admin") => {
                findings.add(RBAC_CLUSTER_ADMIN, format!("{name}: grants cluster-admin"))
            }
            "HorizontalPodAutoscaler" | "ScaledObject" => {
                let target = object.pointer("/spec/scaleTargetRef/name").and_then(Value::as_str).unwrap_or_default();
                if !objects.contains_key(&format!("Deployment/{target}")) {
                    findings.add(SCALE_TARGET, format!("{name}: scales Deployment {target}, which is not rendered"));
                }
            }
            _ => {}
        }
    }
}

/// Every backend of an Ingress is a rendered Service with the port it names.
fn check_ingress_backends(name: &str, ingress: &Value, objects: &BTreeMap<String, Value>, findings: &mut Findings) {
    for backend in ingress_backends(ingress) {
        let service = backend.pointer("/name").and_then(Value::as_str).unwrap_or_default();
        let port = backend.get("port").unwrap_or(&Value::Null);
        match objects.get(&format!("Service/{service}")) {
            None => {
                findings.add(INGRESS_BACKEND, format!("{name}: routes to Service {service}, which is not rendered"))
            }
            Some(s) if !service_has_port(s, port) => {
                findings.add(INGRESS_BACKEND, format!("{name}: Service {service} has no port {port}"))
            }
            Some(_) => {}
        }
    }
}

/// Every Service backend of a Gateway API route in its own namespace is a rendered Service
/// with the port number it names (a route names Service ports by number only).
fn check_route_backends(name: &str, route: &Value, objects: &BTreeMap<String, Value>, findings: &mut Findings) {
    let rules = route.pointer("/spec/rules").and_then(Value::as_array).into_iter().flatten();
    for backend in rules.flat_map(|r| r.get("backendRefs").and_then(Value::as_array).into_iter().flatten()) {
        let is_service = backend.get("kind").map_or(true, |k| k == "Service")
            && backend.get("group").map_or(true, |g| g == "" || g == "core");
        if !is_service || backend.get("namespace").is_some() {
            continue;
        }
        let service = backend.get("name").and_then(Value::as_str).unwrap_or_default();
        let port = backend.get("port").cloned().unwrap_or(Value::Null);
        match objects.get(&format!("Service/{service}")) {
            None => {
                findings.add(INGRESS_BACKEND, format!("{name}: routes to Service {service}, which is not rendered"))
            }
            Some(s) if !service_has_port(s, &serde_json::json!({"number": port})) => {
                findings.add(INGRESS_BACKEND, format!("{name}: Service {service} has no port {port}"))
            }
            Some(_) => {}
        }
    }
}

/// A ServiceMonitor selects some Service, and every selected one has each endpoint's port.
fn check_service_monitor(name: &str, monitor: &Value, services: &[&Value], findings: &mut Findings) {
    let selector = monitor.pointer("/spec/selector/matchLabels");
    let selected: Vec<&&Value> = services.iter().filter(|s| selects(selector, s.pointer("/metadata/labels"))).collect();
    if selected.is_empty() {
        findings.add(SERVICE_MONITOR_SELECTOR, format!("{name}: selects no Service"));
        return;
    }
    for endpoint in monitor.pointer("/spec/endpoints").and_then(Value::as_array).into_iter().flatten() {
        let port = endpoint.get("port").cloned().unwrap_or(Value::Null);
        if !selected.iter().all(|s| service_has_port(s, &json_port(&port))) {
            findings.add(SERVICE_MONITOR_PORT, format!("{name}: a selected Service has no port {port}"));
        }
    }
}

/// A Service reachable from outside the cluster (NodePort, LoadBalancer) bypasses the
/// Ingress and its TLS: it needs the written reason the chart renders as the
/// `policy-exception.helm-composer.io/service-type` annotation.
fn check_service_type(name: &str, service: &Value, findings: &mut Findings) {
    let service_type = service.pointer("/spec/type").and_then(Value::as_str).unwrap_or("ClusterIP");
    if !matches!(service_type, "NodePort" | "LoadBalancer") {
        return;
    }
    let pointer = format!("/metadata/annotations/{}", format!("{EXCEPTION_PREFIX}service-type").replace('/', "~1"));
    let reason = service.pointer(&pointer).and_then(Value::as_str).unwrap_or_default();
    if reason.trim().is_empty() {
        findings.add(
            SERVICE_TYPE,
            format!(
                "{name}: a {service_type} Service reaches its pods from outside the cluster; it needs a reason in \
                 the {EXCEPTION_PREFIX}service-type annotation (the app's service_reason)"
            ),
        );
    }
}

/// A Service must select some rendered pods, and its named target ports must be theirs.
fn check_service_targets(name: &str, service: &Value, templates: &[&Value], findings: &mut Findings) {
    let selector = service.pointer("/spec/selector");
    let Some(pod) = templates.iter().find(|t| selects(selector, t.pointer("/metadata/labels"))) else {
        findings.add(SERVICE_SELECTOR, format!("{name}: selects no rendered pods"));
        return;
    };
    let container_ports: Vec<&Value> = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|c| c.get("ports").and_then(Value::as_array).into_iter().flatten())
        .collect();
    for port in service.pointer("/spec/ports").and_then(Value::as_array).into_iter().flatten() {
        if let Some(target) = port.get("targetPort").and_then(Value::as_str) {
            if !container_ports.iter().any(|p| p.get("name").and_then(Value::as_str) == Some(target)) {
                findings.add(
                    SERVICE_TARGET_PORT,
                    format!("{name}: targetPort {target} is not a port of the selected pods"),
                );
            }
        }
    }
}

/// A selector (matchLabels or a Service's selector) that is non-empty and all of whose
/// labels are among `labels`.
fn selects(selector: Option<&Value>, labels: Option<&Value>) -> bool {
    let (Some(selector), Some(labels)) = (selector.and_then(Value::as_object), labels.and_then(Value::as_object))
    else {
        return false;
    };
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// The `service` backends of an Ingress (default backend and every rule's paths).
fn ingress_backends(ingress: &Value) -> Vec<&Value> {
    let rules = ingress.pointer("/spec/rules").and_then(Value::as_array).into_iter().flatten();
    let paths = rules.flat_map(|r| r.pointer("/http/paths").and_then(Value::as_array).into_iter().flatten());
    ingress
        .pointer("/spec/defaultBackend/service")
        .into_iter()
        .chain(paths.filter_map(|p| p.pointer("/backend/service")))
        .collect()
}

/// An Ingress port is `{name}` or `{number}`; a ServiceMonitor port is a name.
fn json_port(port: &Value) -> Value {
    match port {
        Value::String(name) => serde_json::json!({"name": name}),
        other => other.clone(),
    }
}

fn service_has_port(service: &Value, port: &Value) -> bool {
    let mut ports = service.pointer("/spec/ports").and_then(Value::as_array).into_iter().flatten();
    match (port.get("name").and_then(Value::as_str), port.get("number").and_then(Value::as_u64)) {
        (Some(name), _) => ports.any(|p| p.get("name").and_then(Value::as_str) == Some(name)),
        (None, Some(number)) => ports.any(|p| p.get("port").and_then(Value::as_u64) == Some(number)),
        _ => false,
    }
}

fn kind(object: &Value) -> &str {
    object.get("kind").and_then(Value::as_str).unwrap_or_default()
}

/// The pod template of a workload (metadata and spec), wherever its kind keeps it.
fn pod_template(object: &Value) -> Option<&Value> {
    match kind(object) {
        "Deployment" | "Job" | "StatefulSet" | "DaemonSet" => object.pointer("/spec/template"),
        "CronJob" => object.pointer("/spec/jobTemplate/spec/template"),
        _ => None,
    }
}

fn check_pod(name: &str, pod: &Value, findings: &mut Findings) {
    findings.require(
        pod.pointer("/securityContext/runAsNonRoot") == Some(&Value::Bool(true)),
        RUN_AS_NON_ROOT,
        name,
        "pod must set runAsNonRoot: true",
    );
    findings.require(
        pod.pointer("/securityContext/runAsUser").and_then(Value::as_u64).is_some_and(|u| u > 10000),
        RUN_AS_USER,
        name,
        "pod must run as a UID above 10000",
    );
    findings.require(
        pod.pointer("/securityContext/seccompProfile/type").and_then(Value::as_str) == Some("RuntimeDefault"),
        SECCOMP,
        name,
        "pod must use the RuntimeDefault seccomp profile",
    );
    findings.require(
        pod.get("automountServiceAccountToken") == Some(&Value::Bool(false)),
        SERVICE_ACCOUNT_TOKEN,
        name,
        "pod must not mount a service account token",
    );
    // Init containers (native sidecars among them) run with the pod's privileges too: each
    // meets the same rules as the pod's containers.
    for (list, what) in [("containers", "container"), ("initContainers", "init container")] {
        for container in pod.get(list).and_then(Value::as_array).into_iter().flatten() {
            let container_name = container.get("name").and_then(Value::as_str).unwrap_or("?");
            check_container(&format!("{name} {what} {container_name}"), container, findings);
        }
    }
}

fn check_container(name: &str, container: &Value, findings: &mut Findings) {
    for path in [
        "/resources/requests/cpu",
        "/resources/requests/memory",
        "/resources/requests/ephemeral-storage",
        "/resources/limits/cpu",
        "/resources/limits/memory",
        "/resources/limits/ephemeral-storage",
    ] {
        let what = format!("missing {}", &path[1..].replace('/', "."));
        findings.require(container.pointer(path).is_some(), RESOURCES, name, &what);
    }
    let image = container.get("image").and_then(Value::as_str).unwrap_or_default();
    findings.require(
        image.contains('@')
            || (image.rsplit('/').next().is_some_and(|last| last.contains(':')) && !image.ends_with(":latest")),
        IMAGE_TAG,
        name,
        "image needs an explicit tag (not latest) or digest",
    );
    findings.require(
        container.get("imagePullPolicy").is_some(),
        IMAGE_PULL_POLICY,
        name,
        "imagePullPolicy must be stated",
    );
    let security = |field: &str| container.pointer(&format!("/securityContext/{field}"));
    findings.require(
        security("allowPrivilegeEscalation") == Some(&Value::Bool(false)),
        PRIVILEGE_ESCALATION,
        name,
        "allowPrivilegeEscalation must be false",
    );
    findings.require(security("privileged") == Some(&Value::Bool(false)), PRIVILEGED, name, "privileged must be false");
    findings.require(
        security("readOnlyRootFilesystem") == Some(&Value::Bool(true)),
        READ_ONLY_ROOT_FILESYSTEM,
        name,
        "readOnlyRootFilesystem must be true",
    );
    findings.require(
        security("capabilities/drop").and_then(Value::as_array).is_some_and(|d| d.iter().any(|c| c == "ALL")),
        CAPABILITIES,
        name,
        "capabilities must drop ALL",
    );
}

/// Long-running pods (a Deployment's, a StatefulSet's or a DaemonSet's): distinct liveness and readiness
/// probes on every container (a worker that serves nothing still hangs), and a satisfiable
/// PodDisruptionBudget when more than one pod runs.
fn check_deployment(name: &str, deployment: &Value, objects: &BTreeMap<String, Value>, findings: &mut Findings) {
    let containers = deployment.pointer("/spec/template/spec/containers").and_then(Value::as_array);
    for container in containers.into_iter().flatten() {
        let (liveness, readiness) = (container.get("livenessProbe"), container.get("readinessProbe"));
        if liveness.is_none() || readiness.is_none() {
            findings
                .add(PROBES_MISSING, format!("{name}: a long-running container needs liveness and readiness probes"));
        }
        if liveness.is_some() && liveness == readiness {
            findings.add(PROBES_IDENTICAL, format!("{name}: liveness and readiness probes must differ"));
        }
    }
    let short_name = name.split_once('/').map_or(name, |(_, n)| n);
    let scalers = scalers_of(short_name, objects);
    if scalers.len() > 1 {
        findings
            .add(ONE_SCALER, format!("{name}: is scaled by both a HorizontalPodAutoscaler and a KEDA ScaledObject"));
    }
    let pods = match scalers.first() {
        Some(scaler) => fewest_pods(scaler),
        None => deployment.pointer("/spec/replicas").and_then(Value::as_u64).unwrap_or(1),
    };
    if !scalers.is_empty() && deployment.pointer("/spec/replicas").is_some() {
        findings.add(SCALER_OWNS_REPLICAS, format!("{name}: sets replicas although an autoscaler owns them"));
    }
    let budget = objects.get(&format!("PodDisruptionBudget/{short_name}"));
    if pods >= 2 && budget.is_none() {
        findings.add(PDB_MISSING, format!("{name}: runs {pods} pods but has no PodDisruptionBudget"));
    }
    if let Some(min) = budget.and_then(|b| b.pointer("/spec/minAvailable")).and_then(Value::as_u64) {
        if min >= pods {
            findings.add(
                PDB_UNSATISFIABLE,
                format!("{name}: PodDisruptionBudget minAvailable {min} can never be satisfied by {pods} pods"),
            );
        }
    }
}

/// The HorizontalPodAutoscalers and KEDA ScaledObjects scaling the Deployment `name`.
fn scalers_of<'a>(name: &str, objects: &'a BTreeMap<String, Value>) -> Vec<&'a Value> {
    objects
        .values()
        .filter(|o| matches!(kind(o), "HorizontalPodAutoscaler" | "ScaledObject"))
        .filter(|o| {
            o.pointer("/spec/scaleTargetRef/kind").and_then(Value::as_str).unwrap_or("Deployment") == "Deployment"
                && o.pointer("/spec/scaleTargetRef/name").and_then(Value::as_str) == Some(name)
        })
        .collect()
}

/// The fewest pods a scaler keeps (Kubernetes' and KEDA's defaults when unset).
fn fewest_pods(scaler: &Value) -> u64 {
    match kind(scaler) {
        "ScaledObject" => scaler.pointer("/spec/minReplicaCount").and_then(Value::as_u64).unwrap_or(0),
        _ => scaler.pointer("/spec/minReplicas").and_then(Value::as_u64).unwrap_or(1),
    }
}

/// When the run renders NetworkPolicies, every pod must be selected by one.
fn check_network_policy_covers(name: &str, template: &Value, policies: &[&Value], findings: &mut Findings) {
    if policies.is_empty() {
        return;
    }
    let Some(labels) = template.pointer("/metadata/labels").and_then(Value::as_object) else { return };
    let selected = policies.iter().any(|policy| {
        policy
            .pointer("/spec/podSelector/matchLabels")
            .and_then(Value::as_object)
            .is_some_and(|selector| selector.iter().all(|(k, v)| labels.get(k) == Some(v)))
    });
    if !selected {
        findings.add(NETWORK_POLICY_COVERAGE, format!("{name}: no NetworkPolicy selects its pods"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Objects that meet every rule: a Deployment scaled by an HPA, with its disruption budget,
    /// Service, ServiceMonitor, Ingress, NetworkPolicy and a namespaced RoleBinding.
    fn compliant() -> BTreeMap<String, Value> {
        let labels = json!({"app": "a"});
        let target = json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": "a"});
        BTreeMap::from([
            (
                "Deployment/a".to_string(),
                json!({
                    "kind": "Deployment",
                    "metadata": {"name": "a"},
                    "spec": {"template": {
                        "metadata": {"labels": labels},
                        "spec": {
                            "automountServiceAccountToken": false,
                            "securityContext": {
                                "runAsNonRoot": true,
                                "runAsUser": 10001,
                                "seccompProfile": {"type": "RuntimeDefault"}
                            },
                            "containers": [{
                                "name": "a",
                                "image": "ghcr.io/x/a:1.0",
                                "imagePullPolicy": "IfNotPresent",
                                "ports": [{"name": "http", "containerPort": 80}],
                                "livenessProbe": {"httpGet": {"path": "/healthz", "port": 80}},
                                "readinessProbe": {"httpGet": {"path": "/readyz", "port": 80}},
                                "resources": {
                                    "requests": {"cpu": "1", "memory": "1Gi", "ephemeral-storage": "1Gi"},
                                    "limits": {"cpu": "1", "memory": "1Gi", "ephemeral-storage": "1Gi"}
                                },
                                "securityContext": {
                                    "allowPrivilegeEscalation": false,
                                    "privileged": false,
                                    "readOnlyRootFilesystem": true,
                                    "capabilities": {"drop": ["ALL"]}
                                }
                            }]
                        }
                    }}
                }),
            ),
            (
                "HorizontalPodAutoscaler/a".to_string(),
                json!({"kind": "HorizontalPodAutoscaler", "spec": {"scaleTargetRef": target, "minReplicas": 2}}),
            ),
            ("PodDisruptionBudget/a".to_string(), json!({"kind": "PodDisruptionBudget", "spec": {"minAvailable": 1}})),
            (
                "Service/a".to_string(),
                json!({"kind": "Service", "metadata": {"name": "a", "labels": labels}, "spec": {
                    "type": "ClusterIP", "selector": labels, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]
                }}),
            ),
            (
                "ServiceMonitor/a".to_string(),
                json!({"kind": "ServiceMonitor", "spec": {"selector": {"matchLabels": labels}, "endpoints": [{"port": "http"}]}}),
            ),
            (
                "Ingress/a".to_string(),
                json!({"kind": "Ingress", "spec": {"rules": [{"http": {"paths": [
                    {"backend": {"service": {"name": "a", "port": {"name": "http"}}}}
                ]}}]}}),
            ),
            (
                "NetworkPolicy/a".to_string(),
                json!({"kind": "NetworkPolicy", "spec": {"podSelector": {"matchLabels": labels}}}),
            ),
            ("RoleBinding/view".to_string(), json!({"kind": "RoleBinding", "roleRef": {"name": "view"}})),
        ])
    }

    fn at<'a>(objects: &'a mut BTreeMap<String, Value>, object: &str, pointer: &str) -> &'a mut Value {
        objects.get_mut(object).and_then(|o| o.pointer_mut(pointer)).unwrap_or_else(|| panic!("{object} {pointer}"))
    }

    fn set(objects: &mut BTreeMap<String, Value>, object: &str, pointer: &str, value: Value) {
        *at(objects, object, pointer) = value;
    }

    fn remove(objects: &mut BTreeMap<String, Value>, object: &str, pointer: &str, field: &str) {
        at(objects, object, pointer).as_object_mut().and_then(|o| o.remove(field)).expect(field);
    }

    const POD: &str = "/spec/template/spec";
    const CONTAINER: &str = "/spec/template/spec/containers/0";

    type Break = fn(&mut BTreeMap<String, Value>);

    /// For every rule, one change to the compliant objects that breaks it (and nothing else).
    const BREAKS: [(&str, Break); 28] = [
        (RUN_AS_NON_ROOT, |o| set(o, "Deployment/a", &format!("{POD}/securityContext/runAsNonRoot"), json!(false))),
        (RUN_AS_USER, |o| set(o, "Deployment/a", &format!("{POD}/securityContext/runAsUser"), json!(1000))),
        (SECCOMP, |o| {
            set(o, "Deployment/a", &format!("{POD}/securityContext/seccompProfile/type"), json!("Unconfined"))
        }),
        (SERVICE_ACCOUNT_TOKEN, |o| {
            set(o, "Deployment/a", &format!("{POD}/automountServiceAccountToken"), json!(true))
        }),
        (RESOURCES, |o| remove(o, "Deployment/a", &format!("{CONTAINER}/resources/limits"), "memory")),
        (IMAGE_TAG, |o| set(o, "Deployment/a", &format!("{CONTAINER}/image"), json!("ghcr.io/x/a:latest"))),
        (IMAGE_PULL_POLICY, |o| remove(o, "Deployment/a", CONTAINER, "imagePullPolicy")),
        (PRIVILEGE_ESCALATION, |o| {
            set(o, "Deployment/a", &format!("{CONTAINER}/securityContext/allowPrivilegeEscalation"), json!(true))
        }),
        (PRIVILEGED, |o| set(o, "Deployment/a", &format!("{CONTAINER}/securityContext/privileged"), json!(true))),
        (READ_ONLY_ROOT_FILESYSTEM, |o| {
            set(o, "Deployment/a", &format!("{CONTAINER}/securityContext/readOnlyRootFilesystem"), json!(false))
        }),
        (CAPABILITIES, |o| {
            set(o, "Deployment/a", &format!("{CONTAINER}/securityContext/capabilities/drop"), json!(["NET_RAW"]))
        }),
        (PROBES_MISSING, |o| remove(o, "Deployment/a", CONTAINER, "readinessProbe")),
        (PROBES_IDENTICAL, |o| {
            let liveness = at(o, "Deployment/a", &format!("{CONTAINER}/livenessProbe")).clone();
            set(o, "Deployment/a", &format!("{CONTAINER}/readinessProbe"), liveness);
        }),
        (ONE_SCALER, |o| {
            let scaled =
                json!({"kind": "ScaledObject", "spec": {"scaleTargetRef": {"name": "a"}, "minReplicaCount": 2}});
            o.insert("ScaledObject/a".into(), scaled);
        }),
        (SCALER_OWNS_REPLICAS, |o| {
            at(o, "Deployment/a", "/spec").as_object_mut().map(|s| s.insert("replicas".into(), json!(2)));
        }),
        (PDB_MISSING, |o| {
            o.remove("PodDisruptionBudget/a");
        }),
        (PDB_UNSATISFIABLE, |o| set(o, "PodDisruptionBudget/a", "/spec/minAvailable", json!(2))),
        (NETWORK_POLICY_COVERAGE, |o| set(o, "NetworkPolicy/a", "/spec/podSelector/matchLabels", json!({"app": "b"}))),
        (SERVICE_SELECTOR, |o| set(o, "Service/a", "/spec/selector", json!({"app": "b"}))),
        (SERVICE_TARGET_PORT, |o| set(o, "Service/a", "/spec/ports/0/targetPort", json!("web"))),
        (INGRESS_BACKEND, |o| set(o, "Ingress/a", "/spec/rules/0/http/paths/0/backend/service/name", json!("b"))),
        (SERVICE_MONITOR_SELECTOR, |o| set(o, "ServiceMonitor/a", "/spec/selector/matchLabels", json!({"app": "b"}))),
        (SERVICE_MONITOR_PORT, |o| set(o, "ServiceMonitor/a", "/spec/endpoints/0/port", json!("metrics"))),
        (SCALE_TARGET, |o| {
            o.insert(
                "ScaledObject/z".into(),
                json!({"kind": "ScaledObject", "spec": {"scaleTargetRef": {"name": "z"}}}),
            );
        }),
        (RBAC_CLUSTER_WIDE, |o| {
            o.insert("ClusterRoleBinding/x".into(), json!({"kind": "ClusterRoleBinding"}));
        }),
        (RBAC_CLUSTER_ADMIN, |o| set(o, "RoleBinding/view", "/roleRef/name", json!("cluster-admin"))),
        (POLICY_EXCEPTION, |o| {
            set(
                o,
                "Deployment/a",
                "/metadata",
                json!({"name": "a", "annotations": {
                    "policy-exception.helm-composer.io/privileged": "the image needs it"
                }}),
            )
        }),
        (SERVICE_TYPE, |o| set(o, "Service/a", "/spec/type", json!("LoadBalancer"))),
    ];

    fn rules(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn compliant_objects_pass() {
        assert_eq!(check(&compliant()), []);
    }

    #[test]
    fn every_rule_fails_its_own_broken_objects_and_only_it() {
        for (rule, break_it) in BREAKS {
            let mut objects = compliant();
            break_it(&mut objects);
            let findings = check(&objects);
            assert!(!findings.is_empty(), "{rule}: nothing found");
            assert!(findings.iter().all(|f| f.rule == rule), "{rule}: {findings:?}");
        }
    }

    #[test]
    fn every_rule_has_a_breaking_case() {
        let tested: Vec<&str> = BREAKS.iter().map(|(rule, _)| *rule).collect();
        assert_eq!(tested, RULES);
    }

    #[test]
    fn findings_name_the_object_and_the_rule() {
        let mut objects = compliant();
        set(&mut objects, "Deployment/a", &format!("{CONTAINER}/securityContext/readOnlyRootFilesystem"), json!(false));
        objects.remove("PodDisruptionBudget/a");
        assert_eq!(
            check(&objects),
            [
                Finding {
                    rule: READ_ONLY_ROOT_FILESYSTEM,
                    message: "Deployment/a container a: readOnlyRootFilesystem must be true".into()
                },
                Finding {
                    rule: PDB_MISSING,
                    message: "Deployment/a: runs 2 pods but has no PodDisruptionBudget".into()
                },
            ]
        );
    }

    #[test]
    fn init_containers_and_native_sidecars_meet_the_container_rules() {
        // A sidecar (restartPolicy Always) copied from the compliant container passes; each
        // container rule broken on it alone is found, naming it as an init container.
        let compliant_with_sidecar = || {
            let mut objects = compliant();
            let mut sidecar = at(&mut objects, "Deployment/a", CONTAINER).clone();
            sidecar["name"] = json!("proxy");
            sidecar["restartPolicy"] = json!("Always");
            at(&mut objects, "Deployment/a", POD)
                .as_object_mut()
                .map(|p| p.insert("initContainers".into(), json!([sidecar])));
            objects
        };
        assert_eq!(check(&compliant_with_sidecar()), []);
        let sidecar = format!("{POD}/initContainers/0");
        let breaks: [(&str, &str, Value); 5] = [
            (RESOURCES, "/resources", json!({})),
            (IMAGE_TAG, "/image", json!("ghcr.io/x/proxy:latest")),
            (READ_ONLY_ROOT_FILESYSTEM, "/securityContext/readOnlyRootFilesystem", json!(false)),
            (PRIVILEGED, "/securityContext/privileged", json!(true)),
            (CAPABILITIES, "/securityContext/capabilities", json!({"add": ["NET_ADMIN"]})),
        ];
        for (rule, pointer, value) in breaks {
            let mut objects = compliant_with_sidecar();
            set(&mut objects, "Deployment/a", &format!("{sidecar}{pointer}"), value);
            let findings = check(&objects);
            assert!(!findings.is_empty() && findings.iter().all(|f| f.rule == rule), "{rule}: {findings:?}");
            assert!(findings[0].message.starts_with("Deployment/a init container proxy: "), "{findings:?}");
        }
    }

    #[test]
    fn pods_are_counted_from_the_scaler_or_the_replicas() {
        // KEDA may scale to zero: no budget needed; without a scaler, replicas (default 1) count.
        let mut objects = compliant();
        objects.remove("HorizontalPodAutoscaler/a");
        objects.remove("PodDisruptionBudget/a");
        objects.insert(
            "ScaledObject/a".into(),
            json!({"kind": "ScaledObject", "spec": {"scaleTargetRef": {"name": "a"}, "minReplicaCount": 0}}),
        );
        assert_eq!(check(&objects), []);
        objects.remove("ScaledObject/a");
        assert_eq!(check(&objects), []);
        at(&mut objects, "Deployment/a", "/spec").as_object_mut().map(|s| s.insert("replicas".into(), json!(3)));
        assert_eq!(rules(&check(&objects)), [PDB_MISSING]);
    }

    #[test]
    fn a_cron_job_pod_is_checked_like_a_deployment_pod() {
        let mut objects = compliant();
        let pod = at(&mut objects, "Deployment/a", "/spec/template").clone();
        let mut cron = json!({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": pod}}}});
        *cron.pointer_mut("/spec/jobTemplate/spec/template/spec/securityContext/runAsNonRoot").unwrap() = json!(false);
        objects.insert("CronJob/c".into(), cron);
        assert_eq!(
            check(&objects),
            [Finding { rule: RUN_AS_NON_ROOT, message: "CronJob/c: pod must set runAsNonRoot: true".into() }]
        );
    }

    #[test]
    fn the_uid_must_be_above_10000() {
        let mut objects = compliant();
        set(&mut objects, "Deployment/a", &format!("{POD}/securityContext/runAsUser"), json!(10000));
        assert_eq!(rules(&check(&objects)), [RUN_AS_USER]);
        set(&mut objects, "Deployment/a", &format!("{POD}/securityContext/runAsUser"), json!(10001));
        assert_eq!(check(&objects), []);
    }

    #[test]
    fn a_route_names_a_rendered_service_and_one_of_its_port_numbers() {
        let mut objects = compliant();
        let route = |port: Value, name: &str| json!({"kind": "HTTPRoute", "spec": {"rules": [{"backendRefs": [{"name": name, "port": port}]}]}});
        let messages =
            |objects: &BTreeMap<String, Value>| check(objects).into_iter().map(|f| f.message).collect::<Vec<_>>();
        objects.insert("HTTPRoute/a".into(), route(json!(80), "a"));
        assert_eq!(check(&objects), []);
        objects.insert("HTTPRoute/a".into(), route(json!(81), "a"));
        assert_eq!(messages(&objects), ["HTTPRoute/a: Service a has no port 81"]);
        objects.insert("HTTPRoute/a".into(), route(json!(80), "b"));
        assert_eq!(messages(&objects), ["HTTPRoute/a: routes to Service b, which is not rendered"]);
        // A backend of another namespace is not the release's to check.
        objects.insert(
            "HTTPRoute/a".into(),
            json!({"kind": "HTTPRoute", "spec": {"rules": [{"backendRefs": [{"name": "b", "port": 80, "namespace": "other"}]}]}}),
        );
        assert_eq!(check(&objects), []);
    }

    #[test]
    fn an_ingress_may_name_the_service_port_by_number() {
        let mut objects = compliant();
        let port = "/spec/rules/0/http/paths/0/backend/service/port";
        set(&mut objects, "Ingress/a", port, json!({"number": 80}));
        assert_eq!(check(&objects), []);
        set(&mut objects, "Ingress/a", port, json!({"number": 81}));
        assert_eq!(rules(&check(&objects)), [INGRESS_BACKEND]);
        set(&mut objects, "Ingress/a", port, json!({"name": "metrics"}));
        assert_eq!(rules(&check(&objects)), [INGRESS_BACKEND]);
        set(&mut objects, "Ingress/a", port, json!({}));
        assert_eq!(rules(&check(&objects)), [INGRESS_BACKEND], "a backend must name its port");
    }

    #[test]
    fn a_scaled_object_keeping_several_pods_needs_a_disruption_budget() {
        let mut objects = compliant();
        objects.remove("HorizontalPodAutoscaler/a");
        objects.remove("PodDisruptionBudget/a");
        objects.insert(
            "ScaledObject/a".into(),
            json!({"kind": "ScaledObject", "spec": {"scaleTargetRef": {"name": "a"}, "minReplicaCount": 3}}),
        );
        assert_eq!(rules(&check(&objects)), [PDB_MISSING]);
    }

    #[test]
    fn unselected_pods_pass_while_no_policy_is_rendered() {
        let mut objects = compliant();
        objects.remove("NetworkPolicy/a");
        assert_eq!(check(&objects), []);
    }

    fn except(objects: &mut BTreeMap<String, Value>, exception: &str, reason: &str) {
        let key = format!("{EXCEPTION_PREFIX}{exception}");
        set(objects, "Deployment/a", "/metadata", json!({"name": "a", "annotations": {key: reason}}));
    }

    #[test]
    fn a_declared_exception_waives_exactly_its_rule() {
        let mut objects = compliant();
        set(&mut objects, "Deployment/a", &format!("{POD}/securityContext/runAsUser"), json!(999));
        set(&mut objects, "Deployment/a", &format!("{CONTAINER}/securityContext/readOnlyRootFilesystem"), json!(false));
        assert_eq!(rules(&check(&objects)), [RUN_AS_USER, READ_ONLY_ROOT_FILESYSTEM]);
        except(&mut objects, "run-as-user", "the image's files belong to UID 999");
        // The other relaxation is not declared: it still fails.
        assert_eq!(rules(&check(&objects)), [READ_ONLY_ROOT_FILESYSTEM]);
        except(&mut objects, "read-only-root-filesystem", "writes a git checkout");
        assert_eq!(rules(&check(&objects)), [RUN_AS_USER], "one annotation replaced the other");
    }

    #[test]
    fn exceptions_need_a_reason_and_never_cover_root() {
        let mut objects = compliant();
        remove(&mut objects, "Deployment/a", CONTAINER, "livenessProbe");
        except(&mut objects, "probes", "  ");
        assert_eq!(rules(&check(&objects)), [POLICY_EXCEPTION, PROBES_MISSING]);
        except(&mut objects, "probes", "reads a queue; nothing to check");
        assert!(check(&objects).is_empty());
        let mut root = compliant();
        set(&mut root, "Deployment/a", &format!("{POD}/securityContext/runAsUser"), json!(0));
        except(&mut root, "run-as-user", "wants root");
        assert_eq!(rules(&check(&root)), [RUN_AS_USER]);
    }

    #[test]
    fn a_worker_that_serves_nothing_still_needs_probes() {
        let mut objects = compliant();
        remove(&mut objects, "Deployment/a", CONTAINER, "ports");
        objects.retain(|k, _| k.starts_with("Deployment") || k.starts_with("NetworkPolicy"));
        assert_eq!(check(&objects), []);
        remove(&mut objects, "Deployment/a", CONTAINER, "livenessProbe");
        remove(&mut objects, "Deployment/a", CONTAINER, "readinessProbe");
        assert_eq!(rules(&check(&objects)), [PROBES_MISSING]);
    }

    #[test]
    fn a_stateful_set_is_checked_like_a_deployment() {
        let mut objects = compliant();
        let mut set_object = objects.remove("Deployment/a").expect("deployment");
        set_object["kind"] = json!("StatefulSet");
        set_object["spec"]["replicas"] = json!(3);
        remove_probe(&mut set_object);
        objects.retain(|k, _| k.starts_with("NetworkPolicy"));
        objects.insert("StatefulSet/a".into(), set_object);
        assert_eq!(rules(&check(&objects)), [PROBES_MISSING, PDB_MISSING]);
    }

    #[test]
    fn a_node_port_or_load_balancer_service_with_a_reason_passes() {
        let mut objects = compliant();
        set(&mut objects, "Service/a", "/spec/type", json!("NodePort"));
        let findings = check(&objects);
        assert_eq!(rules(&findings), [SERVICE_TYPE]);
        assert!(findings[0].message.contains("Service/a: a NodePort Service reaches its pods from outside"));
        set(
            &mut objects,
            "Service/a",
            "/metadata",
            json!({"name": "a", "labels": {"app": "a"},
                   "annotations": {"policy-exception.helm-composer.io/service-type": "syslog from appliances"}}),
        );
        assert_eq!(check(&objects), []);
    }

    /// A DaemonSet's pods are long-running too (probes required); with no replica count it
    /// needs no disruption budget.
    #[test]
    fn a_daemon_set_is_checked_like_a_deployment_but_needs_no_budget() {
        let mut objects = compliant();
        let mut set_object = objects.remove("Deployment/a").expect("deployment");
        set_object["kind"] = json!("DaemonSet");
        set_object["spec"].as_object_mut().map(|spec| spec.remove("replicas"));
        objects.retain(|k, _| k.starts_with("NetworkPolicy"));
        objects.insert("DaemonSet/a".into(), set_object.clone());
        assert_eq!(check(&objects), []);
        remove_probe(&mut set_object);
        objects.insert("DaemonSet/a".into(), set_object);
        assert_eq!(rules(&check(&objects)), [PROBES_MISSING]);
    }

    fn remove_probe(object: &mut Value) {
        object.pointer_mut(CONTAINER).and_then(Value::as_object_mut).map(|c| c.remove("readinessProbe"));
    }

    #[test]
    fn only_route_backends_that_are_core_services_are_checked() {
        let mut objects = compliant();
        let backend = |reference: Value| {
            let mut reference = reference;
            reference["name"] = json!("gone");
            reference["port"] = json!(80);
            json!({"kind": "GRPCRoute", "spec": {"rules": [{"backendRefs": [reference]}]}})
        };
        let missing = ["GRPCRoute/r: routes to Service gone, which is not rendered"];
        for service in [json!({}), json!({"kind": "Service", "group": ""}), json!({"kind": "Service", "group": "core"})]
        {
            objects.insert("GRPCRoute/r".into(), backend(service.clone()));
            assert_eq!(check(&objects).into_iter().map(|f| f.message).collect::<Vec<_>>(), missing, "{service}");
        }
        let others = [
            json!({"kind": "Service", "group": "multicluster.x-k8s.io"}),
            json!({"kind": "ServiceImport", "group": ""}),
            json!({"kind": "ServiceImport"}),
        ];
        for other in others {
            objects.insert("GRPCRoute/r".into(), backend(other.clone()));
            assert_eq!(check(&objects), [], "{other}");
        }
    }
}
