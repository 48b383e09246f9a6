//! Each rule with a passing object and a failing one: the good objects below pass every rule,
//! and each case breaks one field and names the rule and the text it must be reported with.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::*;

fn pod_template(labels: Value) -> Value {
    json!({
        "metadata": {"labels": labels},
        "spec": {
            "serviceAccountName": "web",
            "securityContext": {"runAsUser": 10001, "fsGroup": 10001},
            "containers": [{
                "name": "web",
                "image": "ghcr.io/example/web:1.0.0",
                "ports": [{"name": "http", "containerPort": 8080}],
                "resources": {
                    "requests": {"cpu": "500m", "memory": "1000Mi", "ephemeral-storage": "128Mi"},
                    "limits": {"cpu": "1", "memory": "1Gi", "ephemeral-storage": "1Gi"}
                },
                "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10, "successThreshold": 1},
                "readinessProbe": {"tcpSocket": {"port": 8080}, "successThreshold": 2},
                "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}]
            }],
            "volumes": [{"name": "tmp", "emptyDir": {}}]
        }
    })
}

fn labels() -> Value {
    json!({"app.kubernetes.io/name": "web", "app.kubernetes.io/version": "1.0.0"})
}

fn good_objects() -> BTreeMap<&'static str, Value> {
    let metadata = |name: &str| json!({"name": name, "labels": labels(), "annotations": {"example.com/note": "x"}});
    let mut job_template = pod_template(labels());
    job_template["spec"]["restartPolicy"] = json!("Never");
    BTreeMap::from([
        (
            "Deployment",
            json!({"kind": "Deployment", "metadata": metadata("web"), "spec": {
                "replicas": 2,
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
                "selector": {"matchLabels": {"app.kubernetes.io/name": "web"}},
                "template": pod_template(labels())
            }}),
        ),
        (
            "DaemonSet",
            json!({"kind": "DaemonSet", "metadata": metadata("agent"), "spec": {
                "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%"}},
                "selector": {"matchLabels": {"app.kubernetes.io/name": "web"}},
                "template": pod_template(labels())
            }}),
        ),
        (
            "StatefulSet",
            json!({"kind": "StatefulSet", "metadata": metadata("cache"), "spec": {
                "serviceName": "cache",
                "podManagementPolicy": "OrderedReady",
                "selector": {"matchExpressions": [{"key": "app.kubernetes.io/name", "operator": "In", "values": ["web"]}]},
                "template": pod_template(labels()),
                "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]
            }}),
        ),
        (
            "Job",
            json!({"kind": "Job", "metadata": metadata("migrate"), "spec": {
                "backoffLimit": 3, "ttlSecondsAfterFinished": 3600, "template": job_template.clone()
            }}),
        ),
        (
            "CronJob",
            json!({"kind": "CronJob", "metadata": metadata("nightly-report"), "spec": {
                "schedule": "0 3 * * mon-fri",
                "timeZone": "Europe/Berlin",
                "concurrencyPolicy": "Forbid",
                "startingDeadlineSeconds": 300,
                "jobTemplate": {"spec": {"backoffLimit": 1, "template": job_template}}
            }}),
        ),
        (
            "Service",
            json!({"kind": "Service", "metadata": metadata("web"), "spec": {
                "selector": {"app.kubernetes.io/name": "web"},
                "ports": [
                    {"name": "http", "port": 80, "targetPort": "http"},
                    {"name": "metrics", "port": 9090, "targetPort": 9090}
                ]
            }}),
        ),
        (
            "Ingress",
            json!({"kind": "Ingress", "metadata": metadata("web"), "spec": {
                "ingressClassName": "nginx",
                "tls": [{"hosts": ["*.example.com"], "secretName": "web-tls"}],
                "rules": [{"host": "web.example.com", "http": {"paths": [
                    {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"name": "http"}}}},
                    {"path": "/api/v1", "pathType": "Exact", "backend": {"service": {"name": "web", "port": {"number": 80}}}}
                ]}}]
            }}),
        ),
        (
            "NetworkPolicy",
            json!({"kind": "NetworkPolicy", "metadata": metadata("web"), "spec": {
                "podSelector": {"matchLabels": {"app.kubernetes.io/name": "web"}},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [{"from": [{"namespaceSelector": {}, "podSelector": {}}], "ports": [{"port": "http"}]}],
                "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}], "ports": [{"protocol": "TCP", "port": 5432, "endPort": 5433}]}]
            }}),
        ),
        (
            "HorizontalPodAutoscaler",
            json!({"kind": "HorizontalPodAutoscaler", "metadata": metadata("web"), "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "minReplicas": 2, "maxReplicas": 10,
                "metrics": [
                    {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}},
                    {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "500Mi"}}}
                ]
            }}),
        ),
        (
            "PodDisruptionBudget",
            json!({"kind": "PodDisruptionBudget", "metadata": metadata("web"), "spec": {
                "maxUnavailable": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": "web"}}
            }}),
        ),
        (
            "ScaledObject",
            json!({"kind": "ScaledObject", "metadata": metadata("processor"), "spec": {
                "scaleTargetRef": {"name": "processor"}, "minReplicaCount": 0, "maxReplicaCount": 5
            }}),
        ),
        ("ConfigMap", json!({"kind": "ConfigMap", "metadata": metadata("config"), "data": {"app.yaml": "a: 1"}})),
        ("RoleBinding", json!({"kind": "RoleBinding", "metadata": metadata("release:view")})),
    ])
}

/// The findings of one object.
fn findings(object: &Value) -> Vec<Finding> {
    let name = format!("{}/{}", object["kind"].as_str().unwrap(), object["metadata"]["name"].as_str().unwrap());
    check(&BTreeMap::from([(name, object.clone())]))
}

/// Sets the value at a JSON pointer, creating objects on the way (`-` appends to an array).
fn set(object: &mut Value, pointer: &str, value: Value) {
    let mut at = object;
    let mut parts: Vec<&str> = pointer.split('/').skip(1).collect();
    let last = parts.pop().unwrap();
    for part in parts {
        at = match at {
            Value::Array(items) => &mut items[part.parse::<usize>().unwrap()],
            other => other.as_object_mut().unwrap().entry(part.replace("~1", "/")).or_insert(json!({})),
        };
    }
    match at {
        Value::Array(items) if last == "-" => items.push(value),
        Value::Array(items) => items[last.parse::<usize>().unwrap()] = value,
        other => {
            other.as_object_mut().unwrap().insert(last.replace("~1", "/"), value);
        }
    }
}

fn remove(object: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    object.pointer_mut(parent).unwrap().as_object_mut().unwrap().remove(key);
}

#[test]
fn the_good_objects_break_no_rule() {
    for (kind, object) in good_objects() {
        assert_eq!(findings(&object), [], "{kind}");
    }
}

/// (kind of the good object, pointer, new value (None: removed), rule, text of the finding).
type Case = (&'static str, &'static str, Option<Value>, &'static str, &'static str);

const CONTAINER: &str = "/spec/template/spec/containers/0";

fn cases() -> Vec<Case> {
    let c = |rest: &str| -> &'static str { Box::leak(format!("{CONTAINER}{rest}").into_boxed_str()) };
    vec![
        // Names per kind.
        (
            "Service",
            "/metadata/name",
            Some(json!("1web")),
            OBJECT_NAME,
            "Service/1web: metadata.name: \"1web\" is not a DNS-1035 label",
        ),
        (
            "Deployment",
            "/metadata/name",
            Some(json!("Web")),
            OBJECT_NAME,
            "metadata.name: \"Web\" is not a DNS-1123 subdomain",
        ),
        (
            "CronJob",
            "/metadata/name",
            Some(json!("n".repeat(53))),
            OBJECT_NAME,
            "a CronJob name must be no more than 52",
        ),
        (
            "StatefulSet",
            "/metadata/name",
            Some(json!("s".repeat(53))),
            OBJECT_NAME,
            "is 53 characters long; a StatefulSet name must be no more than 52",
        ),
        ("RoleBinding", "/metadata/name", Some(json!("a/b")), OBJECT_NAME, "may not contain '/' or '%'"),
        // Labels and annotations.
        (
            "Deployment",
            "/metadata/labels/bad key",
            Some(json!("x")),
            LABELS,
            "metadata.labels: \"bad key\" is not a qualified name",
        ),
        (
            "Deployment",
            "/metadata/labels/app.kubernetes.io~1version",
            Some(json!("1.0.0+build")),
            LABELS,
            "metadata.labels[app.kubernetes.io/version]: \"1.0.0+build\" is not a label value",
        ),
        (
            "Deployment",
            "/spec/template/metadata/labels/tier",
            Some(json!("-x")),
            LABELS,
            "spec.template.metadata.labels[tier]",
        ),
        (
            "Deployment",
            "/metadata/annotations/big",
            Some(json!("x".repeat(256 * 1024))),
            ANNOTATIONS,
            "bytes of annotations; the total may be at most 262144 bytes",
        ),
        (
            "Deployment",
            "/metadata/annotations/example.com~1a~1b",
            Some(json!("x")),
            ANNOTATIONS,
            "is not a qualified name",
        ),
        // Resources.
        (
            "Deployment",
            c("/resources/requests/cpu"),
            Some(json!("2")),
            REQUESTS_WITHIN_LIMITS,
            "containers[0].resources.requests.cpu: 2 must be less than or equal to cpu limit of 1",
        ),
        (
            "Deployment",
            c("/resources/requests/memory"),
            Some(json!("1025Mi")),
            REQUESTS_WITHIN_LIMITS,
            "requests.memory: 1025Mi must be less than or equal to memory limit of 1Gi",
        ),
        (
            "Deployment",
            c("/resources/limits/cpu"),
            Some(json!("499m")),
            REQUESTS_WITHIN_LIMITS,
            "requests.cpu: 500m must be less than or equal to cpu limit of 499m",
        ),
        (
            "Deployment",
            c("/resources/requests/ephemeral-storage"),
            Some(json!("2Gi")),
            REQUESTS_WITHIN_LIMITS,
            "requests.ephemeral-storage: 2Gi must be less than or equal to ephemeral-storage limit of 1Gi",
        ),
        (
            "Deployment",
            c("/resources/limits/memory"),
            Some(json!("1GB")),
            QUANTITY,
            "limits.memory: \"1GB\" is not a Kubernetes quantity",
        ),
        (
            "Deployment",
            c("/resources/requests/cpu"),
            Some(json!("-1")),
            QUANTITY,
            "requests.cpu: -1 must be greater than or equal to 0",
        ),
        (
            "Deployment",
            c("/resources/requests/gpu"),
            Some(json!("1")),
            QUANTITY,
            "\"gpu\" is not a standard resource name",
        ),
        // Probes.
        (
            "Deployment",
            c("/livenessProbe/exec"),
            Some(json!({"command": ["true"]})),
            PROBE,
            "livenessProbe: may not specify more than 1 handler type, found exec, httpGet",
        ),
        ("Deployment", c("/readinessProbe/tcpSocket"), None, PROBE, "readinessProbe: must specify a handler type"),
        (
            "Deployment",
            c("/livenessProbe/successThreshold"),
            Some(json!(2)),
            PROBE,
            "livenessProbe.successThreshold: 2 must be 1 for a livenessProbe",
        ),
        (
            "Deployment",
            c("/livenessProbe/periodSeconds"),
            Some(json!(-1)),
            PROBE,
            "livenessProbe.periodSeconds: -1 must be greater than or equal to 0",
        ),
        (
            "Deployment",
            c("/readinessProbe/timeoutSeconds"),
            Some(json!(-5)),
            PROBE,
            "readinessProbe.timeoutSeconds: -5 must be greater than or equal to 0",
        ),
        (
            "Deployment",
            c("/readinessProbe/terminationGracePeriodSeconds"),
            Some(json!(5)),
            PROBE,
            "must not be set for a readinessProbe",
        ),
        (
            "Deployment",
            c("/livenessProbe/httpGet/port"),
            Some(json!("metrics-endpoint")),
            PROBE,
            "livenessProbe.httpGet.port: port name \"metrics-endpoint\" must be 1 to 15 characters long",
        ),
        // Unique names and ports.
        (
            "Deployment",
            "/spec/template/spec/containers/-",
            Some(json!({"name": "web", "image": "x:1"})),
            UNIQUE_NAMES,
            "containers[1].name: duplicate container name \"web\"",
        ),
        (
            "Deployment",
            c("/ports/-"),
            Some(json!({"name": "http", "containerPort": 8081})),
            UNIQUE_NAMES,
            "ports[1].name: duplicate port name \"http\"",
        ),
        (
            "Deployment",
            "/spec/template/spec/volumes/-",
            Some(json!({"name": "tmp", "emptyDir": {}})),
            UNIQUE_NAMES,
            "volumes[1].name: duplicate volume name \"tmp\"",
        ),
        (
            "StatefulSet",
            "/spec/volumeClaimTemplates/-",
            Some(
                json!({"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}),
            ),
            UNIQUE_NAMES,
            "duplicate claim name \"data\"",
        ),
        (
            "Deployment",
            c("/ports/0/name"),
            Some(json!("8080")),
            PORT,
            "port name \"8080\" must contain at least one letter",
        ),
        ("Deployment", c("/ports/0/name"), Some(json!("http-metrics-web")), PORT, "must be 1 to 15 characters long"),
        (
            "Deployment",
            c("/ports/0/containerPort"),
            Some(json!(70000)),
            PORT,
            "containerPort: 70000 is not a port number from 1 to 65535",
        ),
        // Mounts and pods.
        (
            "Deployment",
            c("/volumeMounts/0/name"),
            Some(json!("cache")),
            VOLUME_MOUNT,
            "volumeMounts[0].name: no volume named \"cache\"",
        ),
        (
            "Deployment",
            c("/volumeMounts/-"),
            Some(json!({"name": "tmp", "mountPath": "/tmp"})),
            VOLUME_MOUNT,
            "volumeMounts[1].mountPath: \"/tmp\" must be unique",
        ),
        (
            "Deployment",
            "/spec/template/spec/restartPolicy",
            Some(json!("Never")),
            POD,
            "restartPolicy: \"Never\" is not allowed here; use Always",
        ),
        (
            "Deployment",
            "/spec/template/spec/securityContext/runAsUser",
            Some(json!(-1)),
            POD,
            "runAsUser: -1 must be between 0 and 2147483647",
        ),
        ("Deployment", c("/name"), Some(json!("Web_1")), POD, "containers[0].name: \"Web_1\" is not a DNS-1123 label"),
        // Selectors.
        (
            "Deployment",
            "/spec/selector/matchLabels/app.kubernetes.io~1name",
            Some(json!("api")),
            SELECTOR,
            "spec.template.metadata.labels: `selector` does not match template `labels`",
        ),
        (
            "StatefulSet",
            "/spec/selector/matchExpressions/0/operator",
            Some(json!("NotIn")),
            SELECTOR,
            "`selector` does not match template `labels`",
        ),
        ("Deployment", "/spec/selector", Some(json!({})), SELECTOR, "spec.selector: empty selector is invalid"),
        // Workload fields.
        (
            "Deployment",
            "/spec/replicas",
            Some(json!(-1)),
            DEPLOYMENT,
            "spec.replicas: -1 must be greater than or equal to 0",
        ),
        (
            "Deployment",
            "/spec/strategy/rollingUpdate/maxSurge",
            Some(json!(0)),
            DEPLOYMENT,
            "maxUnavailable: may not be 0 when `maxSurge` is 0",
        ),
        (
            "Deployment",
            "/spec/strategy/rollingUpdate/maxSurge",
            Some(json!("150%")),
            DEPLOYMENT,
            "maxSurge: \"150%\" must be a percentage from 0% to 100%",
        ),
        (
            "Deployment",
            "/spec/progressDeadlineSeconds",
            Some(json!(0)),
            DEPLOYMENT,
            "must be greater than minReadySeconds",
        ),
        (
            "StatefulSet",
            "/spec/podManagementPolicy",
            Some(json!("Random")),
            STATEFUL_SET,
            "podManagementPolicy: \"Random\" is not one of OrderedReady, Parallel",
        ),
        (
            "StatefulSet",
            "/spec/serviceName",
            Some(json!("cache.svc")),
            STATEFUL_SET,
            "spec.serviceName: \"cache.svc\" is not a DNS-1123 label",
        ),
        (
            "StatefulSet",
            "/spec/volumeClaimTemplates/0/spec/accessModes",
            Some(json!([])),
            STATEFUL_SET,
            "at least 1 access mode is required",
        ),
        (
            "StatefulSet",
            "/spec/replicas",
            Some(json!(-2)),
            STATEFUL_SET,
            "spec.replicas: -2 must be greater than or equal to 0",
        ),
        (
            "DaemonSet",
            "/spec/updateStrategy/rollingUpdate/maxUnavailable",
            Some(json!(0)),
            DAEMON_SET,
            "spec.updateStrategy.rollingUpdate.maxUnavailable: may not be 0 when `maxSurge` is 0",
        ),
        (
            "DaemonSet",
            "/spec/updateStrategy/type",
            Some(json!("Recreate")),
            DAEMON_SET,
            "type: \"Recreate\" is not one of RollingUpdate, OnDelete",
        ),
        (
            "DaemonSet",
            "/spec/template/metadata/labels",
            Some(json!({"app.kubernetes.io/name": "other"})),
            SELECTOR,
            "`selector` does not match template `labels`",
        ),
        ("Job", "/spec/backoffLimit", Some(json!(-1)), JOB, "spec.backoffLimit: -1 must be greater than or equal to 0"),
        ("Job", "/spec/completions", Some(json!(-1)), JOB, "spec.completions: -1"),
        ("Job", "/spec/parallelism", Some(json!(-1)), JOB, "spec.parallelism: -1"),
        (
            "Job",
            "/spec/template/spec/restartPolicy",
            None,
            POD,
            "spec.template.spec.restartPolicy: unset, it defaults to \"Always\", which is not allowed here; use OnFailure or Never",
        ),
        (
            "Job",
            "/spec/template/spec/restartPolicy",
            Some(json!("Always")),
            POD,
            "\"Always\" is not allowed here; use OnFailure or Never",
        ),
        ("Job", "/spec/selector", Some(json!({"matchLabels": {"a": "b"}})), JOB, "`selector` will be auto-generated"),
        // CronJobs.
        (
            "CronJob",
            "/spec/schedule",
            Some(json!("61 * * * *")),
            CRON_SCHEDULE,
            "spec.schedule: \"61 * * * *\": minute field \"61\": 61 is above the maximum 59",
        ),
        ("CronJob", "/spec/schedule", Some(json!("0 3 * *")), CRON_SCHEDULE, "expected exactly 5 fields"),
        (
            "CronJob",
            "/spec/schedule",
            Some(json!("TZ=UTC 0 3 * * *")),
            CRON_SCHEDULE,
            "cannot use TZ or CRON_TZ in schedule",
        ),
        (
            "CronJob",
            "/spec/timeZone",
            Some(json!("Mars/Olympus Mons")),
            CRON_TIME_ZONE,
            "spec.timeZone: unknown time zone",
        ),
        ("CronJob", "/spec/timeZone", Some(json!("Local")), CRON_TIME_ZONE, "not Local"),
        (
            "CronJob",
            "/spec/concurrencyPolicy",
            Some(json!("Sometimes")),
            CRON_JOB,
            "concurrencyPolicy: \"Sometimes\" is not one of Allow, Forbid, Replace",
        ),
        ("CronJob", "/spec/successfulJobsHistoryLimit", Some(json!(-1)), CRON_JOB, "successfulJobsHistoryLimit: -1"),
        (
            "CronJob",
            "/spec/jobTemplate/spec/backoffLimit",
            Some(json!(-1)),
            JOB,
            "spec.jobTemplate.spec.backoffLimit: -1",
        ),
        // Services.
        (
            "Service",
            "/spec/ports/1/name",
            Some(json!("http")),
            SERVICE_PORTS,
            "spec.ports[1].name: duplicate port name \"http\"",
        ),
        ("Service", "/spec/ports/1/port", Some(json!(80)), SERVICE_PORTS, "spec.ports[1].port: duplicate port 80/TCP"),
        ("Service", "/spec/ports/0/port", Some(json!(0)), SERVICE_PORTS, "spec.ports[0].port: 0 is not a port number"),
        (
            "Service",
            "/spec/ports/0/targetPort",
            Some(json!(65536)),
            SERVICE_PORTS,
            "spec.ports[0].targetPort: 65536 is not a port number",
        ),
        (
            "Service",
            "/spec/ports/0/targetPort",
            Some(json!("http_alt")),
            SERVICE_PORTS,
            "targetPort: port name \"http_alt\" may contain only",
        ),
        (
            "Service",
            "/spec/ports/1/name",
            None,
            SERVICE_PORTS,
            "spec.ports[1].name: is required when a Service has more than one port",
        ),
        ("Service", "/spec/ports", Some(json!([])), SERVICE_PORTS, "spec.ports: at least one port is required"),
        (
            "Service",
            "/spec/ports/0/nodePort",
            Some(json!(30080)),
            SERVICE_PORTS,
            "nodePort: may not be used when `type` is \"ClusterIP\"",
        ),
        // Ingresses.
        (
            "Ingress",
            "/spec/rules/0/host",
            Some(json!("web.*.example.com")),
            INGRESS_HOST,
            "spec.rules[0].host: \"web.*.example.com\" is not a wildcard DNS-1123 subdomain",
        ),
        (
            "Ingress",
            "/spec/rules/0/host",
            Some(json!("10.0.0.1")),
            INGRESS_HOST,
            "must be a DNS name, not an IP address",
        ),
        ("Ingress", "/spec/rules/0/host", Some(json!("Web.example.com")), INGRESS_HOST, "is not a DNS-1123 subdomain"),
        ("Ingress", "/spec/tls/0/hosts/0", Some(json!("*")), INGRESS_HOST, "spec.tls[0].hosts[0]"),
        ("Ingress", "/spec/tls/0/hosts/0", Some(json!("a_b.example.com")), INGRESS_HOST, "hosts[0]: \"a_b.example.com\" is not"),
        (
            "Ingress",
            "/spec/rules/0/http/paths/0/path",
            Some(json!("api")),
            INGRESS_PATH,
            "paths[0].path: \"api\" must be an absolute path",
        ),
        ("Ingress", "/spec/rules/0/http/paths/1/path", Some(json!("/api//v1")), INGRESS_PATH, "must not contain '//'"),
        ("Ingress", "/spec/rules/0/http/paths/1/path", Some(json!("/api/..")), INGRESS_PATH, "cannot end with '/..'"),
        ("Ingress", "/spec/rules/0/http/paths/0/pathType", None, INGRESS_PATH, "pathType is required"),
        (
            "Ingress",
            "/spec/rules/0/http/paths/0/backend/service/port/number",
            Some(json!(80)),
            INGRESS_BACKEND,
            "cannot set both port name & port number",
        ),
        (
            "Ingress",
            "/spec/rules/0/http/paths/1/backend/service/name",
            Some(json!("9web")),
            INGRESS_BACKEND,
            "service.name: \"9web\" is not a DNS-1035 label",
        ),
        // Network policies.
        (
            "NetworkPolicy",
            "/spec/egress/0/ports/0/endPort",
            Some(json!(5000)),
            NETWORK_POLICY,
            "endPort: 5000 must be greater than or equal to `port` 5432",
        ),
        (
            "NetworkPolicy",
            "/spec/ingress/0/ports/0/endPort",
            Some(json!(9000)),
            NETWORK_POLICY,
            "endPort: may not be specified without a numeric `port`",
        ),
        (
            "NetworkPolicy",
            "/spec/ingress/0/ports/0/port",
            Some(json!("metrics-endpoint")),
            NETWORK_POLICY,
            "ports[0].port: port name",
        ),
        (
            "NetworkPolicy",
            "/spec/ingress/0/ports/0/protocol",
            Some(json!("ICMP")),
            NETWORK_POLICY,
            "\"ICMP\" is not one of TCP, UDP, SCTP",
        ),
        (
            "NetworkPolicy",
            "/spec/egress/0/to/0/podSelector",
            Some(json!({})),
            NETWORK_POLICY,
            "may not specify both ipBlock and another peer",
        ),
        (
            "NetworkPolicy",
            "/spec/egress/0/to/0/ipBlock/except/0",
            Some(json!("192.168.0.0/16")),
            NETWORK_POLICY,
            "must be a strict subset of `cidr` 10.0.0.0/8",
        ),
        (
            "NetworkPolicy",
            "/spec/egress/0/to/0/ipBlock/cidr",
            Some(json!("10.0.0.0/33")),
            NETWORK_POLICY,
            "is not a valid CIDR",
        ),
        // Autoscalers and budgets.
        (
            "HorizontalPodAutoscaler",
            "/spec/minReplicas",
            Some(json!(11)),
            HPA,
            "spec.maxReplicas: 10 must be greater than or equal to `minReplicas` 11",
        ),
        (
            "HorizontalPodAutoscaler",
            "/spec/minReplicas",
            Some(json!(0)),
            HPA,
            "spec.minReplicas: 0 must be greater than or equal to 1",
        ),
        (
            "HorizontalPodAutoscaler",
            "/spec/metrics/0/resource/target/averageUtilization",
            Some(json!(0)),
            HPA,
            "averageUtilization: 0 must be greater than 0",
        ),
        (
            "HorizontalPodAutoscaler",
            "/spec/metrics/1/resource/target/type",
            Some(json!("Value")),
            HPA,
            "a resource metric's target must be Utilization or AverageValue",
        ),
        (
            "HorizontalPodAutoscaler",
            "/spec/metrics/1/resource/target/averageValue",
            Some(json!("0")),
            HPA,
            "averageValue: 0 must be positive",
        ),
        (
            "HorizontalPodAutoscaler",
            "/spec/metrics/0/resource/name",
            Some(json!("")),
            HPA,
            "resource.name: must specify a resource name",
        ),
        ("HorizontalPodAutoscaler", "/spec/scaleTargetRef/name", None, HPA, "spec.scaleTargetRef.name: is required"),
        (
            "PodDisruptionBudget",
            "/spec/minAvailable",
            Some(json!(1)),
            PDB,
            "spec: minAvailable and maxUnavailable cannot be both set",
        ),
        (
            "PodDisruptionBudget",
            "/spec/maxUnavailable",
            Some(json!("120%")),
            PDB,
            "spec.maxUnavailable: \"120%\" must be a percentage from 0% to 100%",
        ),
        ("PodDisruptionBudget", "/spec/maxUnavailable", Some(json!(-1)), PDB, "-1 must be greater than or equal to 0"),
        (
            "ScaledObject",
            "/spec/minReplicaCount",
            Some(json!(6)),
            KEDA_REPLICAS,
            "spec.maxReplicaCount: 5 must be greater than or equal to minReplicaCount 6",
        ),
        (
            "ScaledObject",
            "/spec/idleReplicaCount",
            Some(json!(0)),
            KEDA_REPLICAS,
            "idleReplicaCount: 0 must be less than minReplicaCount 0",
        ),
        ("ConfigMap", "/data/..data", Some(json!("x")), CONFIG_MAP, "data[..data]: \"..data\" is not a ConfigMap key"),
        (
            "ConfigMap",
            "/data/big",
            Some(json!("x".repeat(1024 * 1024))),
            CONFIG_MAP,
            "a ConfigMap holds at most 1048576",
        ),
    ]
}

#[test]
fn each_broken_field_is_reported_with_its_rule_object_and_field() {
    let good = good_objects();
    for (kind, pointer, value, rule, text) in cases() {
        let mut object = good[kind].clone();
        match value {
            Some(value) => set(&mut object, pointer, value),
            None => remove(&mut object, pointer),
        }
        let found = findings(&object);
        assert!(
            found
                .iter()
                .any(|f| f.rule == rule && f.message.contains(text) && f.message.starts_with(&format!("{kind}/"))),
            "{kind} {pointer}: expected {rule}: {text}; found {found:#?}"
        );
    }
}

#[test]
fn every_rule_has_a_failure_case() {
    let cases = cases();
    for rule in RULES.iter().chain(&KEDA_RULES) {
        assert!(cases.iter().any(|(_, _, _, r, _)| r == rule), "no failure case for {rule}");
    }
}
