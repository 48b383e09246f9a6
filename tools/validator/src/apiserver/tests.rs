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
        ("Namespace", json!({"kind": "Namespace", "metadata": metadata("team-a")})),
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
        ("Namespace", "/metadata/name", Some(json!("team.a")), OBJECT_NAME, "\"team.a\" is not a DNS-1123 label"),
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

/// Applies `edits` (pointer, new value or None to remove) to the good object of `kind`.
fn edited(kind: &str, edits: &[(&str, Option<Value>)]) -> Vec<Finding> {
    let mut object = good_objects()[kind].clone();
    for (pointer, value) in edits {
        match value {
            Some(value) => set(&mut object, pointer, value.clone()),
            None => remove(&mut object, pointer),
        }
    }
    findings(&object)
}

/// Values at the very bound Kubernetes allows, and forms it accepts that the good objects do
/// not show: each breaks no rule.
#[test]
fn values_kubernetes_accepts_at_its_bounds_break_no_rule() {
    let c = |rest: &str| format!("{CONTAINER}{rest}");
    let one = |pointer: &str, value: Value| vec![(pointer.to_string(), Some(value))];
    let cases: Vec<(&str, Vec<(String, Option<Value>)>)> = vec![
        // ValidateNonnegativeField: 0 is allowed.
        ("Deployment", one("/spec/replicas", json!(0))),
        ("Deployment", one("/spec/minReadySeconds", json!(0))),
        ("Deployment", one("/spec/revisionHistoryLimit", json!(0))),
        ("Job", one("/spec/parallelism", json!(0))),
        ("Job", one("/spec/backoffLimit", json!(0))),
        ("CronJob", one("/spec/startingDeadlineSeconds", json!(0))),
        ("Deployment", one(&c("/livenessProbe/periodSeconds"), json!(0))),
        // A progress deadline one second above minReadySeconds.
        (
            "Deployment",
            vec![
                ("/spec/minReadySeconds".into(), Some(json!(10))),
                ("/spec/progressDeadlineSeconds".into(), Some(json!(11))),
            ],
        ),
        ("Deployment", vec![("/spec/strategy".into(), Some(json!({"type": "Recreate"})))]),
        // Names at their longest.
        ("CronJob", one("/metadata/name", json!("n".repeat(52)))),
        ("StatefulSet", one("/metadata/name", json!("s".repeat(52)))),
        ("Deployment", one("/metadata/name", json!(format!("{}.{}", "d".repeat(63), "e".repeat(189))))),
        // TotalAnnotationSizeLimitB and MaxSecretSize are inclusive.
        ("Deployment", one("/metadata/annotations", json!({"a": "x".repeat(256 * 1024 - 1)}))),
        ("ConfigMap", one("/data", json!({"a": "x".repeat(1024 * 1024)}))),
        ("ConfigMap", one("/data", json!({"k".repeat(253): "x", "a-b_c.d": "y", ".hidden": "z"}))),
        // A request of 0, and a request equal to its limit in other units.
        ("Deployment", one(&c("/resources/requests/cpu"), json!("0"))),
        ("Deployment", one(&c("/resources/requests/memory"), json!("1024Mi"))),
        ("Deployment", one(&c("/resources/requests/example.com~1gpu"), json!("1"))),
        ("Deployment", one(&c("/resources/limits/hugepages-2Mi"), json!("4Mi"))),
        // hostPort 0 is unset.
        ("Deployment", one(&c("/ports/0/hostPort"), json!(0))),
        ("Deployment", one(&c("/ports/0/hostPort"), json!(65535))),
        ("Deployment", one(&c("/livenessProbe/httpGet/scheme"), json!("HTTPS"))),
        ("Deployment", one(&c("/livenessProbe/successThreshold"), json!(0))),
        // A sidecar (an init container restarted Always) may have probes.
        (
            "Deployment",
            one(
                "/spec/template/spec/initContainers",
                json!([{"name": "proxy", "image": "x:1", "restartPolicy": "Always", "readinessProbe": {"tcpSocket": {"port": 15000}}}]),
            ),
        ),
        // A StatefulSet's containers mount its claim templates.
        ("StatefulSet", one(&c("/volumeMounts/-"), json!({"name": "data", "mountPath": "/data"}))),
        // Every selector operator, selecting the template.
        (
            "StatefulSet",
            one(
                "/spec/selector/matchExpressions",
                json!([
                    {"key": "app.kubernetes.io/name", "operator": "NotIn", "values": ["api"]},
                    {"key": "app.kubernetes.io/version", "operator": "Exists"},
                    {"key": "canary", "operator": "DoesNotExist"}
                ]),
            ),
        ),
        // One port may go unnamed; headless and ExternalName Services need none.
        ("Service", one("/spec/ports", json!([{"port": 80}]))),
        ("Service", vec![("/spec/clusterIP".into(), Some(json!("None"))), ("/spec/ports".into(), Some(json!([])))]),
        ("Service", vec![("/spec/type".into(), Some(json!("ExternalName"))), ("/spec/ports".into(), Some(json!([])))]),
        (
            "Service",
            vec![("/spec/type".into(), Some(json!("NodePort"))), ("/spec/ports/0/nodePort".into(), Some(json!(30080)))],
        ),
        ("Service", one("/spec/ports/0/targetPort", json!(0))),
        // Ports are unique per protocol.
        ("Service", one("/spec/ports/1", json!({"name": "dns", "port": 80, "protocol": "UDP"}))),
        // ParseIPSloppy needs four parts: three numbers are a DNS name; so are four labels.
        ("Ingress", one("/spec/rules/0/host", json!("1.2.3"))),
        ("Ingress", one("/spec/rules/0/host", json!("api.eu.example.com"))),
        ("Ingress", one("/spec/rules/0/host", json!("*.example.com"))),
        // ImplementationSpecific takes an empty path or any absolute one.
        (
            "Ingress",
            vec![
                ("/spec/rules/0/http/paths/0/pathType".into(), Some(json!("ImplementationSpecific"))),
                ("/spec/rules/0/http/paths/0/path".into(), None),
            ],
        ),
        (
            "Ingress",
            vec![
                ("/spec/rules/0/http/paths/0/pathType".into(), Some(json!("ImplementationSpecific"))),
                ("/spec/rules/0/http/paths/0/path".into(), Some(json!("/api/.*"))),
            ],
        ),
        // An endPort equal to the port is a range of one.
        ("NetworkPolicy", one("/spec/egress/0/ports/0/endPort", json!(5432))),
        ("NetworkPolicy", one("/spec/ingress/0/from/0", json!({"namespaceSelector": {}}))),
        ("NetworkPolicy", one("/spec/ingress/0/from/0", json!({"podSelector": {"matchLabels": {"app": "api"}}}))),
        (
            "NetworkPolicy",
            one("/spec/egress/0/to/0/ipBlock", json!({"cidr": "fd00::/8", "except": ["fd00:1::/32", "fdff::/128"]})),
        ),
        (
            "NetworkPolicy",
            one("/spec/egress/0/to/0/ipBlock", json!({"cidr": "0.0.0.0/0", "except": ["169.254.169.254/32"]})),
        ),
        ("NetworkPolicy", one("/spec/egress/0/to/0/ipBlock/except", json!(["10.255.0.0/16", "10.0.0.0/9"]))),
        // minReplicas 1 (the least without HPAScaleToZero), and min = max.
        ("HorizontalPodAutoscaler", one("/spec/minReplicas", json!(1))),
        ("HorizontalPodAutoscaler", one("/spec/minReplicas", json!(10))),
        (
            "HorizontalPodAutoscaler",
            vec![("/spec/minReplicas".into(), None), ("/spec/maxReplicas".into(), Some(json!(1)))],
        ),
        ("HorizontalPodAutoscaler", one("/spec/metrics/0/resource/target/averageUtilization", json!(1))),
        (
            "HorizontalPodAutoscaler",
            one(
                "/spec/metrics/-",
                json!({"type": "Pods", "pods": {"metric": {"name": "rps"}, "target": {"type": "AverageValue", "averageValue": "1m"}}}),
            ),
        ),
        (
            "HorizontalPodAutoscaler",
            one(
                "/spec/metrics/-",
                json!({"type": "External", "external": {"metric": {"name": "queue"}, "target": {"type": "Value", "value": "30"}}}),
            ),
        ),
        (
            "PodDisruptionBudget",
            vec![("/spec/maxUnavailable".into(), None), ("/spec/minAvailable".into(), Some(json!("100%")))],
        ),
        ("PodDisruptionBudget", one("/spec/unhealthyPodEvictionPolicy", json!("AlwaysAllow"))),
        // KEDA: min = max, and idle below min.
        ("ScaledObject", one("/spec/minReplicaCount", json!(5))),
        (
            "ScaledObject",
            vec![("/spec/minReplicaCount".into(), Some(json!(1))), ("/spec/idleReplicaCount".into(), Some(json!(0)))],
        ),
        ("ScaledObject", vec![("/spec/minReplicaCount".into(), None), ("/spec/maxReplicaCount".into(), None)]),
        ("DaemonSet", one("/spec/updateStrategy/rollingUpdate", json!({"maxUnavailable": 0, "maxSurge": 1}))),
        (
            "Job",
            vec![
                ("/spec/manualSelector".into(), Some(json!(true))),
                ("/spec/selector".into(), Some(json!({"matchLabels": {"a": "b"}}))),
            ],
        ),
        ("CronJob", one("/spec/timeZone", json!(null))),
        ("CronJob", one("/spec/timeZone", json!("Etc/GMT-14"))),
    ];
    for (kind, edits) in cases {
        let edits: Vec<(&str, Option<Value>)> = edits.iter().map(|(p, v)| (p.as_str(), v.clone())).collect();
        assert_eq!(edited(kind, &edits), [], "{kind} {edits:?}");
    }
}

/// Breaks that need more than one edit, or that the rule table above does not show:
/// (kind, edits, rule, text of the finding).
#[test]
fn values_kubernetes_refuses_past_its_bounds_are_reported() {
    let c = |rest: &str| format!("{CONTAINER}{rest}");
    let one = |pointer: &str, value: Value| vec![(pointer.to_string(), Some(value))];
    let cases: Vec<(&str, Vec<(String, Option<Value>)>, &str, &str)> = vec![
        (
            "Deployment",
            one("/metadata/annotations", json!({"a": "x".repeat(256 * 1024)})),
            ANNOTATIONS,
            "metadata.annotations: 262145 bytes of annotations; the total may be at most 262144 bytes (256 KiB)",
        ),
        (
            "Deployment",
            one("/spec/template/metadata/annotations", json!({"a": "x".repeat(256 * 1024)})),
            ANNOTATIONS,
            "spec.template.metadata.annotations: 262145 bytes of annotations",
        ),
        (
            "ConfigMap",
            one("/data", json!({"a": "x".repeat(1024 * 1024 - 1), "b": "yy"})),
            CONFIG_MAP,
            "ConfigMap/config: data: 1048577 bytes; a ConfigMap holds at most 1048576 (1 MiB)",
        ),
        (
            "ConfigMap",
            vec![
                ("/data".into(), Some(json!({"a": "x".repeat(1024 * 1024)}))),
                ("/binaryData".into(), Some(json!({"b": "eA=="}))),
            ],
            CONFIG_MAP,
            "data: 1048580 bytes",
        ),
        ("ConfigMap", one("/data", json!({".": "x"})), CONFIG_MAP, "data[.]: \".\" is not a ConfigMap key"),
        ("ConfigMap", one("/data", json!({"a b": "x"})), CONFIG_MAP, "data[a b]: \"a b\" is not a ConfigMap key"),
        ("ConfigMap", one("/binaryData", json!({"k".repeat(254): "eA=="})), CONFIG_MAP, "is not a ConfigMap key"),
        ("ConfigMap", one("/data", json!({"": "x"})), CONFIG_MAP, "data[]: \"\" is not a ConfigMap key"),
        (
            "ConfigMap",
            one("/binaryData", json!({"app.yaml": "eA=="})),
            CONFIG_MAP,
            "ConfigMap/config: binaryData[app.yaml]: duplicate of a key in data",
        ),
        (
            "Deployment",
            one(
                "/spec/template/spec/initContainers",
                json!([{"name": "setup", "image": "x:1", "livenessProbe": {"exec": {"command": ["true"]}}}]),
            ),
            PROBE,
            "spec.template.spec.initContainers[0].livenessProbe: may not be set for init containers",
        ),
        (
            "Deployment",
            one(&c("/ports/0/hostPort"), json!(70000)),
            PORT,
            "ports[0].hostPort: 70000 is not a port number from 1 to 65535",
        ),
        (
            "Deployment",
            one(&c("/livenessProbe/httpGet/scheme"), json!("ftp")),
            PROBE,
            "livenessProbe.httpGet.scheme: \"ftp\" is not one of HTTP, HTTPS",
        ),
        (
            "Deployment",
            one(&c("/livenessProbe/grpc"), json!({"port": 0})),
            PROBE,
            "livenessProbe.grpc.port: 0 is not a port number",
        ),
        (
            "Deployment",
            one(&c("/resources/requests/cpu"), json!(-0.5)),
            QUANTITY,
            "requests.cpu: -0.5 must be greater than or equal to 0",
        ),
        (
            "Deployment",
            one("/spec/template/spec/securityContext/fsGroup", json!(2147483648u64)),
            POD,
            "fsGroup: 2147483648 must be between 0 and 2147483647",
        ),
        (
            "Deployment",
            one("/spec/template/spec/serviceAccountName", json!("Web")),
            POD,
            "serviceAccountName: \"Web\" is not a DNS-1123 subdomain",
        ),
        (
            "Deployment",
            one("/spec/template/spec/volumes/0/name", json!("tmp.1")),
            POD,
            "volumes[0].name: \"tmp.1\" is not a DNS-1123 label",
        ),
        (
            "Deployment",
            one("/spec/strategy/type", json!("BlueGreen")),
            DEPLOYMENT,
            "spec.strategy.type: \"BlueGreen\" is not one of RollingUpdate, Recreate",
        ),
        (
            "Deployment",
            one("/spec/strategy", json!({"type": "Recreate", "rollingUpdate": {"maxSurge": 1}})),
            DEPLOYMENT,
            "spec.strategy.rollingUpdate: may not be specified when strategy `type` is 'Recreate'",
        ),
        (
            "Deployment",
            vec![
                ("/spec/minReadySeconds".into(), Some(json!(10))),
                ("/spec/progressDeadlineSeconds".into(), Some(json!(10))),
            ],
            DEPLOYMENT,
            "spec.progressDeadlineSeconds: 10 must be greater than minReadySeconds (10)",
        ),
        (
            "StatefulSet",
            one("/spec/selector/matchExpressions/0", json!({"key": "tier", "operator": "Exists"})),
            SELECTOR,
            "does not match",
        ),
        (
            "StatefulSet",
            one(
                "/spec/selector/matchExpressions/0",
                json!({"key": "app.kubernetes.io/name", "operator": "DoesNotExist"}),
            ),
            SELECTOR,
            "does not match",
        ),
        ("StatefulSet", one("/spec/selector/matchExpressions/0/operator", json!("Near")), SELECTOR, "does not match"),
        (
            "StatefulSet",
            one("/spec/updateStrategy", json!({"rollingUpdate": {"partition": -1}})),
            STATEFUL_SET,
            "spec.updateStrategy.rollingUpdate.partition: -1",
        ),
        (
            "StatefulSet",
            one("/spec/volumeClaimTemplates/0/spec/resources", json!({})),
            STATEFUL_SET,
            "a storage request is required",
        ),
        (
            "DaemonSet",
            one("/spec/updateStrategy/rollingUpdate", json!({"maxUnavailable": "0%", "maxSurge": 0})),
            DAEMON_SET,
            "maxUnavailable: may not be 0 when `maxSurge` is 0",
        ),
        (
            "DaemonSet",
            one("/spec/updateStrategy/rollingUpdate/maxSurge", json!("110%")),
            DAEMON_SET,
            "maxSurge: \"110%\" must be a percentage",
        ),
        ("DaemonSet", one("/spec/minReadySeconds", json!(-1)), DAEMON_SET, "spec.minReadySeconds: -1"),
        (
            "Job",
            one("/spec/completionMode", json!("Ordered")),
            JOB,
            "spec.completionMode: \"Ordered\" is not one of NonIndexed, Indexed",
        ),
        ("CronJob", one("/spec/schedule", json!("")), CRON_SCHEDULE, "spec.schedule: is required"),
        (
            "CronJob",
            one("/spec/timeZone", json!("")),
            CRON_TIME_ZONE,
            "spec.timeZone: must be unset or a non-empty time zone name",
        ),
        (
            "CronJob",
            one("/spec/jobTemplate/spec/template/spec/restartPolicy", json!("Always")),
            POD,
            "spec.jobTemplate.spec.template.spec.restartPolicy",
        ),
        (
            "Service",
            one("/spec/ports", json!([{"port": 80}, {"port": 81, "name": ""}])),
            SERVICE_PORTS,
            "spec.ports[0].name: is required",
        ),
        (
            "Service",
            one("/spec/ports/0/protocol", json!("ICMP")),
            SERVICE_PORTS,
            "spec.ports[0].protocol: \"ICMP\" is not one of TCP, UDP, SCTP",
        ),
        (
            "Service",
            one("/spec/ports/0/name", json!("HTTP")),
            SERVICE_PORTS,
            "spec.ports[0].name: \"HTTP\" is not a DNS-1123 label",
        ),
        (
            "Service",
            vec![
                ("/spec/type".into(), Some(json!("LoadBalancer"))),
                ("/spec/ports/0/nodePort".into(), Some(json!(70000))),
            ],
            SERVICE_PORTS,
            "spec.ports[0].nodePort: 70000 is not a port number",
        ),
        (
            "Service",
            one("/spec/selector/app.kubernetes.io~1name", json!("-web")),
            LABELS,
            "spec.selector.labels[app.kubernetes.io/name]",
        ),
        // Four numeric parts are an address to ParseIPSloppy, leading zeros and all.
        (
            "Ingress",
            one("/spec/rules/0/host", json!("010.0.0.1")),
            INGRESS_HOST,
            "\"010.0.0.1\" must be a DNS name, not an IP address",
        ),
        ("Ingress", one("/spec/rules/0/host", json!("::1")), INGRESS_HOST, "must be a DNS name, not an IP address"),
        (
            "Ingress",
            vec![
                ("/spec/rules/0/http/paths/0/pathType".into(), Some(json!("ImplementationSpecific"))),
                ("/spec/rules/0/http/paths/0/path".into(), Some(json!("api"))),
            ],
            INGRESS_PATH,
            "paths[0].path: \"api\" must be an absolute path (start with '/')",
        ),
        (
            "Ingress",
            one("/spec/rules/0/http/paths/0/pathType", json!("Regex")),
            INGRESS_PATH,
            "pathType \"Regex\" is not one of Exact, Prefix, ImplementationSpecific",
        ),
        ("Ingress", one("/spec/rules/0/http/paths/1/path", json!("/a%2Fb")), INGRESS_PATH, "must not contain '%2F'"),
        ("Ingress", one("/spec/rules/0/http/paths/1/path", json!("/api/.")), INGRESS_PATH, "cannot end with '/.'"),
        (
            "Ingress",
            one("/spec/ingressClassName", json!("Nginx")),
            INGRESS_BACKEND,
            "spec.ingressClassName: \"Nginx\" is not a DNS-1123 subdomain",
        ),
        ("Ingress", one("/spec/tls/0/secretName", json!("web_tls")), INGRESS_BACKEND, "spec.tls[0].secretName"),
        (
            "Ingress",
            one("/spec/rules/0/http/paths/0/backend/service/port", json!({})),
            INGRESS_BACKEND,
            "service.port: port name or number is required",
        ),
        (
            "Ingress",
            one("/spec/rules/0/http/paths/0/backend/service/port", json!({"name": "HTTP"})),
            INGRESS_BACKEND,
            "service.port.name: port name \"HTTP\"",
        ),
        (
            "Ingress",
            one("/spec/rules/0/http/paths/1/backend/service/port/number", json!(0)),
            INGRESS_BACKEND,
            "service.port.number: 0 is not a port number",
        ),
        (
            "Ingress",
            one("/spec/defaultBackend", json!({"service": {"name": "1web", "port": {"number": 80}}})),
            INGRESS_BACKEND,
            "spec.defaultBackend.service.name: \"1web\" is not a DNS-1035 label",
        ),
        (
            "NetworkPolicy",
            one("/spec/podSelector/matchLabels/app.kubernetes.io~1name", json!("-web")),
            LABELS,
            "spec.podSelector.matchLabels",
        ),
        (
            "NetworkPolicy",
            one("/spec/policyTypes/1", json!("Both")),
            NETWORK_POLICY,
            "spec.policyTypes[1]: \"Both\" is not one of Ingress, Egress",
        ),
        (
            "NetworkPolicy",
            one("/spec/ingress/0/from/0", json!({})),
            NETWORK_POLICY,
            "spec.ingress[0].from[0]: must specify a peer",
        ),
        (
            "NetworkPolicy",
            one("/spec/egress/0/ports/0/endPort", json!(70000)),
            NETWORK_POLICY,
            "endPort: 70000 is not a port number",
        ),
        // An exception must lie strictly inside the CIDR, in its family.
        (
            "NetworkPolicy",
            one("/spec/egress/0/to/0/ipBlock/except/0", json!("10.0.0.0/8")),
            NETWORK_POLICY,
            "\"10.0.0.0/8\" must be a strict subset",
        ),
        (
            "NetworkPolicy",
            one("/spec/egress/0/to/0/ipBlock/except/0", json!("a00::/16")),
            NETWORK_POLICY,
            "\"a00::/16\" must be a strict subset",
        ),
        (
            "NetworkPolicy",
            one("/spec/egress/0/to/0/ipBlock/except/0", json!("10.1.0.0")),
            NETWORK_POLICY,
            "must be a strict subset",
        ),
        (
            "NetworkPolicy",
            one("/spec/egress/0/to/0/ipBlock", json!({"cidr": "fd00::/129"})),
            NETWORK_POLICY,
            "\"fd00::/129\" is not a valid CIDR",
        ),
        (
            "NetworkPolicy",
            one("/spec/egress/0/to/0/ipBlock", json!({"cidr": "fd00::/16", "except": ["fe00::/24"]})),
            NETWORK_POLICY,
            "\"fe00::/24\" must be a strict subset of `cidr` fd00::/16",
        ),
        (
            "HorizontalPodAutoscaler",
            one("/spec/maxReplicas", json!(0)),
            HPA,
            "spec.maxReplicas: 0 must be greater than or equal to 1",
        ),
        (
            "HorizontalPodAutoscaler",
            one("/spec/minReplicas", json!(-1)),
            HPA,
            "spec.minReplicas: -1 must be greater than or equal to 1",
        ),
        ("HorizontalPodAutoscaler", vec![("/spec/maxReplicas".into(), None)], HPA, "spec.maxReplicas: is required"),
        ("HorizontalPodAutoscaler", one("/spec/metrics/0/type", json!("Custom")), HPA, "metrics[0].type: "),
        (
            "HorizontalPodAutoscaler",
            one("/spec/metrics/0/type", json!("Pods")),
            HPA,
            "metrics[0].pods: must be populated for type \"Pods\"",
        ),
        (
            "HorizontalPodAutoscaler",
            one("/spec/metrics/0/resource/target/averageUtilization", json!(-5)),
            HPA,
            "-5 must be greater than 0",
        ),
        (
            "HorizontalPodAutoscaler",
            one("/spec/metrics/0/resource/target", json!({"type": "Utilization"})),
            HPA,
            "averageUtilization: is required for type Utilization",
        ),
        (
            "HorizontalPodAutoscaler",
            one("/spec/metrics/1/resource/target/averageValue", json!("-1")),
            HPA,
            "averageValue: -1 must be positive",
        ),
        (
            "HorizontalPodAutoscaler",
            one("/spec/metrics/1/resource/target/averageValue", json!("lots")),
            HPA,
            "\"lots\" is not a Kubernetes quantity",
        ),
        (
            "HorizontalPodAutoscaler",
            one("/spec/metrics/1/resource/target", json!({"type": "AverageValue"})),
            HPA,
            "averageValue: is required for type AverageValue",
        ),
        (
            "HorizontalPodAutoscaler",
            one("/spec/metrics/1/resource/target/type", json!("Percent")),
            HPA,
            "resource.target.type: ",
        ),
        (
            "HorizontalPodAutoscaler",
            one("/spec/scaleTargetRef/kind", json!("")),
            HPA,
            "spec.scaleTargetRef.kind: is required",
        ),
        (
            "PodDisruptionBudget",
            one("/spec/unhealthyPodEvictionPolicy", json!("Never")),
            PDB,
            "\"Never\" is not one of IfHealthyBudget, AlwaysAllow",
        ),
        (
            "PodDisruptionBudget",
            vec![("/spec/maxUnavailable".into(), None), ("/spec/minAvailable".into(), Some(json!("50")))],
            PDB,
            "spec.minAvailable",
        ),
        (
            "ScaledObject",
            one("/spec/minReplicaCount", json!(-1)),
            KEDA_REPLICAS,
            "spec.minReplicaCount: -1 must be at least 0",
        ),
        (
            "ScaledObject",
            vec![("/spec/minReplicaCount".into(), Some(json!(2))), ("/spec/idleReplicaCount".into(), Some(json!(2)))],
            KEDA_REPLICAS,
            "spec.idleReplicaCount: 2 must be less than minReplicaCount 2",
        ),
        (
            "ScaledObject",
            vec![("/spec/minReplicaCount".into(), Some(json!(101))), ("/spec/maxReplicaCount".into(), None)],
            KEDA_REPLICAS,
            "spec.maxReplicaCount: 100 must be greater than or equal to minReplicaCount 101",
        ),
    ];
    for (kind, edits, rule, text) in cases {
        let edits: Vec<(&str, Option<Value>)> = edits.iter().map(|(p, v)| (p.as_str(), v.clone())).collect();
        let found = edited(kind, &edits);
        assert!(
            found
                .iter()
                .any(|f| f.rule == rule && f.message.contains(text) && f.message.starts_with(&format!("{kind}/"))),
            "{kind} {edits:?}: expected {rule}: {text}; found {found:#?}"
        );
    }
}
