//! Policy checks on the rendered objects: the defaults that kube-score, kube-linter and
//! Polaris look for, which composed charts must meet by construction
//! (../shared/notes/chart-quality.md in the design notes). Each finding names the object.

use std::collections::BTreeMap;

use serde_json::Value;

/// Checks every object of one render run and returns the findings.
pub fn check(objects: &BTreeMap<String, Value>) -> Vec<String> {
    let mut findings = Vec::new();
    let policies: Vec<&Value> = objects.values().filter(|o| kind(o) == "NetworkPolicy").collect();
    for (name, object) in objects {
        let Some(template) = pod_template(object) else { continue };
        if let Some(pod) = template.get("spec") {
            check_pod(name, pod, &mut findings);
        }
        if kind(object) == "Deployment" {
            check_deployment(name, object, objects, &mut findings);
        }
        check_network_policy_covers(name, template, &policies, &mut findings);
    }
    check_references(objects, &mut findings);
    findings
}

/// Objects that point at others must find them: a Service its pods and their named ports, an
/// Ingress its Services and ports, a ServiceMonitor its Services and port, an autoscaler or
/// ScaledObject its Deployment. RBAC stays inside the namespace and below cluster-admin.
fn check_references(objects: &BTreeMap<String, Value>, findings: &mut Vec<String>) {
    let templates: Vec<&Value> = objects.values().filter_map(pod_template).collect();
    let services: Vec<&Value> = objects.values().filter(|o| kind(o) == "Service").collect();
    for (name, object) in objects {
        match kind(object) {
            "Service" => check_service_targets(name, object, &templates, findings),
            "Ingress" => check_ingress_backends(name, object, objects, findings),
            "ServiceMonitor" => check_service_monitor(name, object, &services, findings),
            // Environments sharing a cluster are isolated by namespace: no grant may reach past it.
            "ClusterRole" | "ClusterRoleBinding" => {
                findings.push(format!("{name}: cluster-wide RBAC reaches past the release namespace"))
            }
            "RoleBinding" if object.pointer("/roleRef/name").and_then(Value::as_str) == Some("cluster-admin") => {
                findings.push(format!("{name}: grants cluster-admin"))
            }
            "HorizontalPodAutoscaler" | "ScaledObject" => {
                let target = object.pointer("/spec/scaleTargetRef/name").and_then(Value::as_str).unwrap_or_default();
                if !objects.contains_key(&format!("Deployment/{target}")) {
                    findings.push(format!("{name}: scales Deployment {target}, which is not rendered"));
                }
            }
            _ => {}
        }
    }
}

/// Every backend of an Ingress is a rendered Service with the port it names.
fn check_ingress_backends(name: &str, ingress: &Value, objects: &BTreeMap<String, Value>, findings: &mut Vec<String>) {
    for backend in ingress_backends(ingress) {
        let service = backend.pointer("/name").and_then(Value::as_str).unwrap_or_default();
        let port = backend.get("port").unwrap_or(&Value::Null);
        match objects.get(&format!("Service/{service}")) {
            None => findings.push(format!("{name}: routes to Service {service}, which is not rendered")),
            Some(s) if !service_has_port(s, port) => {
                findings.push(format!("{name}: Service {service} has no port {port}"))
            }
            Some(_) => {}
        }
    }
}

/// A ServiceMonitor selects some Service, and every selected one has each endpoint's port.
fn check_service_monitor(name: &str, monitor: &Value, services: &[&Value], findings: &mut Vec<String>) {
    let selector = monitor.pointer("/spec/selector/matchLabels");
    let selected: Vec<&&Value> = services.iter().filter(|s| selects(selector, s.pointer("/metadata/labels"))).collect();
    if selected.is_empty() {
        findings.push(format!("{name}: selects no Service"));
        return;
    }
    for endpoint in monitor.pointer("/spec/endpoints").and_then(Value::as_array).into_iter().flatten() {
        let port = endpoint.get("port").cloned().unwrap_or(Value::Null);
        if !selected.iter().all(|s| service_has_port(s, &json_port(&port))) {
            findings.push(format!("{name}: a selected Service has no port {port}"));
        }
    }
}

/// A Service must select some rendered pods, and its named target ports must be theirs.
fn check_service_targets(name: &str, service: &Value, templates: &[&Value], findings: &mut Vec<String>) {
    let selector = service.pointer("/spec/selector");
    let Some(pod) = templates.iter().find(|t| selects(selector, t.pointer("/metadata/labels"))) else {
        findings.push(format!("{name}: selects no rendered pods"));
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
                findings.push(format!("{name}: targetPort {target} is not a port of the selected pods"));
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

fn check_pod(name: &str, pod: &Value, findings: &mut Vec<String>) {
    let mut require = |ok: bool, what: &str| {
        if !ok {
            findings.push(format!("{name}: {what}"));
        }
    };
    require(
        pod.pointer("/securityContext/runAsNonRoot") == Some(&Value::Bool(true)),
        "pod must set runAsNonRoot: true",
    );
    require(
        pod.pointer("/securityContext/runAsUser").and_then(Value::as_u64).is_some_and(|u| u > 10000),
        "pod must run as a UID above 10000",
    );
    require(
        pod.pointer("/securityContext/seccompProfile/type").and_then(Value::as_str) == Some("RuntimeDefault"),
        "pod must use the RuntimeDefault seccomp profile",
    );
    require(
        pod.get("automountServiceAccountToken") == Some(&Value::Bool(false)),
        "pod must not mount a service account token",
    );
    for container in pod.get("containers").and_then(Value::as_array).into_iter().flatten() {
        let container_name = container.get("name").and_then(Value::as_str).unwrap_or("?");
        check_container(&format!("{name} container {container_name}"), container, findings);
    }
}

fn check_container(name: &str, container: &Value, findings: &mut Vec<String>) {
    let mut require = |ok: bool, what: &str| {
        if !ok {
            findings.push(format!("{name}: {what}"));
        }
    };
    for path in [
        "/resources/requests/cpu",
        "/resources/requests/memory",
        "/resources/requests/ephemeral-storage",
        "/resources/limits/cpu",
        "/resources/limits/memory",
        "/resources/limits/ephemeral-storage",
    ] {
        require(container.pointer(path).is_some(), &format!("missing {}", &path[1..].replace('/', ".")));
    }
    let image = container.get("image").and_then(Value::as_str).unwrap_or_default();
    require(
        image.contains('@')
            || (image.rsplit('/').next().is_some_and(|last| last.contains(':')) && !image.ends_with(":latest")),
        "image needs an explicit tag (not latest) or digest",
    );
    require(container.get("imagePullPolicy").is_some(), "imagePullPolicy must be stated");
    let security = |field: &str| container.pointer(&format!("/securityContext/{field}"));
    require(
        security("allowPrivilegeEscalation") == Some(&Value::Bool(false)),
        "allowPrivilegeEscalation must be false",
    );
    require(security("privileged") == Some(&Value::Bool(false)), "privileged must be false");
    require(security("readOnlyRootFilesystem") == Some(&Value::Bool(true)), "readOnlyRootFilesystem must be true");
    require(
        security("capabilities/drop").and_then(Value::as_array).is_some_and(|d| d.iter().any(|c| c == "ALL")),
        "capabilities must drop ALL",
    );
}

/// Long-running pods: distinct liveness and readiness probes when they serve, and a
/// satisfiable PodDisruptionBudget when more than one pod runs.
fn check_deployment(name: &str, deployment: &Value, objects: &BTreeMap<String, Value>, findings: &mut Vec<String>) {
    let containers = deployment.pointer("/spec/template/spec/containers").and_then(Value::as_array);
    for container in containers.into_iter().flatten() {
        let serves = container.get("ports").is_some();
        let (liveness, readiness) = (container.get("livenessProbe"), container.get("readinessProbe"));
        if serves && (liveness.is_none() || readiness.is_none()) {
            findings.push(format!("{name}: a serving container needs liveness and readiness probes"));
        }
        if liveness.is_some() && liveness == readiness {
            findings.push(format!("{name}: liveness and readiness probes must differ"));
        }
    }
    let short_name = name.split_once('/').map_or(name, |(_, n)| n);
    let scalers = scalers_of(short_name, objects);
    if scalers.len() > 1 {
        findings.push(format!("{name}: is scaled by both a HorizontalPodAutoscaler and a KEDA ScaledObject"));
    }
    let pods = match scalers.first() {
        Some(scaler) => fewest_pods(scaler),
        None => deployment.pointer("/spec/replicas").and_then(Value::as_u64).unwrap_or(1),
    };
    if !scalers.is_empty() && deployment.pointer("/spec/replicas").is_some() {
        findings.push(format!("{name}: sets replicas although an autoscaler owns them"));
    }
    let budget = objects.get(&format!("PodDisruptionBudget/{short_name}"));
    if pods >= 2 && budget.is_none() {
        findings.push(format!("{name}: runs {pods} pods but has no PodDisruptionBudget"));
    }
    if let Some(min) = budget.and_then(|b| b.pointer("/spec/minAvailable")).and_then(Value::as_u64) {
        if min >= pods {
            findings
                .push(format!("{name}: PodDisruptionBudget minAvailable {min} can never be satisfied by {pods} pods"));
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
fn check_network_policy_covers(name: &str, template: &Value, policies: &[&Value], findings: &mut Vec<String>) {
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
        findings.push(format!("{name}: no NetworkPolicy selects its pods"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment(replicas: u64, secure: bool) -> Value {
        json!({
            "kind": "Deployment",
            "spec": {
                "replicas": replicas,
                "template": {
                    "metadata": {"labels": {"app": "a"}},
                    "spec": {
                        "automountServiceAccountToken": false,
                        "securityContext": {"runAsNonRoot": true, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
                        "containers": [{
                            "name": "a",
                            "image": "ghcr.io/x/a:1.0",
                            "imagePullPolicy": "IfNotPresent",
                            "ports": [{"containerPort": 80}],
                            "livenessProbe": {"httpGet": {"path": "/healthz", "port": 80}},
                            "readinessProbe": {"httpGet": {"path": "/readyz", "port": 80}},
                            "resources": {
                                "requests": {"cpu": "1", "memory": "1Gi", "ephemeral-storage": "1Gi"},
                                "limits": {"cpu": "1", "memory": "1Gi", "ephemeral-storage": "1Gi"}
                            },
                            "securityContext": {
                                "allowPrivilegeEscalation": false,
                                "privileged": false,
                                "readOnlyRootFilesystem": secure,
                                "capabilities": {"drop": ["ALL"]}
                            }
                        }]
                    }
                }
            }
        })
    }

    #[test]
    fn a_compliant_single_replica_deployment_passes() {
        let objects = BTreeMap::from([("Deployment/a".to_string(), deployment(1, true))]);
        assert_eq!(check(&objects), Vec::<String>::new());
    }

    #[test]
    fn findings_name_the_object_and_the_rule() {
        let objects = BTreeMap::from([("Deployment/a".to_string(), deployment(2, false))]);
        let findings = check(&objects);
        assert!(
            findings.contains(&"Deployment/a container a: readOnlyRootFilesystem must be true".to_string()),
            "{findings:?}"
        );
        assert!(
            findings.contains(&"Deployment/a: runs 2 pods but has no PodDisruptionBudget".to_string()),
            "{findings:?}"
        );
    }

    #[test]
    fn a_deployment_has_one_scaler_which_owns_its_replicas() {
        let target = json!({"name": "a"});
        let objects = BTreeMap::from([
            ("Deployment/a".to_string(), deployment(2, true)),
            (
                "HorizontalPodAutoscaler/a".to_string(),
                json!({"kind": "HorizontalPodAutoscaler", "spec": {"scaleTargetRef": target, "minReplicas": 1}}),
            ),
            ("ScaledObject/a".to_string(), json!({"kind": "ScaledObject", "spec": {"scaleTargetRef": target}})),
        ]);
        let findings = check(&objects);
        assert!(
            findings.contains(
                &"Deployment/a: is scaled by both a HorizontalPodAutoscaler and a KEDA ScaledObject".to_string()
            ),
            "{findings:?}"
        );
        assert!(
            findings.contains(&"Deployment/a: sets replicas although an autoscaler owns them".to_string()),
            "{findings:?}"
        );
    }

    #[test]
    fn references_must_resolve() {
        let labels = json!({"app": "a"});
        let service = |target: &str| json!({"kind": "Service", "metadata": {"name": "a", "labels": labels}, "spec": {"selector": labels, "ports": [{"name": "http", "port": 80, "targetPort": target}]}});
        let monitor = json!({"kind": "ServiceMonitor", "spec": {"selector": {"matchLabels": labels}, "endpoints": [{"port": "metrics"}]}});
        let ingress = json!({"kind": "Ingress", "spec": {"rules": [{"http": {"paths": [{"backend": {"service": {"name": "b", "port": {"name": "http"}}}}]}}]}});
        let scaler = json!({"kind": "ScaledObject", "spec": {"scaleTargetRef": {"name": "z"}}});
        let objects = BTreeMap::from([
            ("Deployment/a".to_string(), deployment(1, true)),
            ("Service/a".to_string(), service("web")),
            ("ServiceMonitor/a".to_string(), monitor),
            ("Ingress/a".to_string(), ingress),
            ("ScaledObject/z".to_string(), scaler),
        ]);
        assert_eq!(
            check(&objects),
            [
                "Ingress/a: routes to Service b, which is not rendered",
                "ScaledObject/z: scales Deployment z, which is not rendered",
                "Service/a: targetPort web is not a port of the selected pods",
                "ServiceMonitor/a: a selected Service has no port \"metrics\"",
            ]
        );
        let rbac = BTreeMap::from([
            ("ClusterRoleBinding/x".to_string(), json!({"kind": "ClusterRoleBinding"})),
            ("RoleBinding/y".to_string(), json!({"kind": "RoleBinding", "roleRef": {"name": "cluster-admin"}})),
            ("RoleBinding/z".to_string(), json!({"kind": "RoleBinding", "roleRef": {"name": "view"}})),
        ]);
        assert_eq!(
            check(&rbac),
            [
                "ClusterRoleBinding/x: cluster-wide RBAC reaches past the release namespace",
                "RoleBinding/y: grants cluster-admin"
            ]
        );
        let named = BTreeMap::from([
            ("Deployment/a".to_string(), deployment(1, true)),
            ("Service/a".to_string(), service("http")),
        ]);
        assert_eq!(check(&named), ["Service/a: targetPort http is not a port of the selected pods"]);
    }

    #[test]
    fn unselected_pods_are_reported_once_policies_exist() {
        let policy = json!({"kind": "NetworkPolicy", "spec": {"podSelector": {"matchLabels": {"app": "other"}}}});
        let objects = BTreeMap::from([
            ("Deployment/a".to_string(), deployment(1, true)),
            ("NetworkPolicy/other".to_string(), policy),
        ]);
        assert_eq!(check(&objects), vec!["Deployment/a: no NetworkPolicy selects its pods".to_string()]);
    }
}
