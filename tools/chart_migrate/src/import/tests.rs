//! `import` on objects given directly (no Helm): which objects make which app and its type.

use std::collections::BTreeMap;
use std::path::PathBuf;

use helm_sdk::ChartMetadata;
use serde_json::{json, Value};

use super::app::{AppType, AttrValue, Attribute};
use super::{import, Imported};
use crate::object::Object;
use crate::render::{Release, RenderedChart};

fn object(kind: &str, name: &str, body: Value) -> Object {
    let mut body = body;
    body["kind"] = json!(kind);
    body["metadata"]["name"] = json!(format!("release-name-{name}"));
    Object { kind: kind.into(), name: format!("release-name-{name}"), template: "shop/templates/x.yaml".into(), body }
}

fn deployment(name: &str) -> Object {
    object(
        "Deployment",
        name,
        json!({"spec": {"template": {
        "metadata": {"labels": {"app": name}},
        "spec": {"containers": [{"name": name, "image": "shop:1"}]}}}}),
    )
}

fn service(name: &str, selector: Value) -> Object {
    object("Service", name, json!({"spec": {"selector": selector, "ports": [{"port": 80}]}}))
}

fn ingress(name: &str, rules: Value) -> Object {
    object("Ingress", name, json!({"spec": {"rules": rules}}))
}

fn route(service: &str) -> Value {
    json!({"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": format!("release-name-{service}"), "port": {"number": 80}}}}]})
}

fn run(objects: Vec<Object>) -> Imported {
    let metadata = ChartMetadata { name: "shop".into(), version: "1.0.0".into(), ..ChartMetadata::default() };
    let rendered = RenderedChart { path: PathBuf::from("shop"), metadata, objects };
    import(&rendered, &Release::default(), &BTreeMap::new())
}

fn app_type(imported: &Imported, name: &str) -> AppType {
    imported
        .apps
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no app {name}: {:?}", imported.apps))
        .app_type
}

fn notes(imported: &Imported) -> String {
    imported.notes.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_service_selecting_a_deployments_pods_makes_it_an_internal_api() {
    let imported = run(vec![
        deployment("web"),
        deployment("worker"),
        service("web", json!({"app": "web"})),
        service("other", json!({"app": "web", "tier": "x"})),
    ]);
    assert_eq!(app_type(&imported, "web"), AppType::InternalApi);
    assert_eq!(app_type(&imported, "worker"), AppType::Worker);
    assert!(!notes(&imported).contains("a second Service"), "{}", notes(&imported));
}

#[test]
fn an_empty_selector_selects_no_app() {
    let imported = run(vec![deployment("web"), service("web", json!({}))]);
    assert_eq!(app_type(&imported, "web"), AppType::Worker);
}

#[test]
fn a_second_service_of_one_app_is_not_imported() {
    let imported =
        run(vec![deployment("web"), service("web", json!({"app": "web"})), service("web2", json!({"app": "web"}))]);
    assert_eq!(app_type(&imported, "web"), AppType::InternalApi);
    assert!(
        notes(&imported).contains("a second Service of app web: an app has one; not imported"),
        "{}",
        notes(&imported)
    );
}

#[test]
fn an_ingress_route_with_a_host_makes_an_external_api_and_a_second_route_is_noted() {
    let mut first = route("web");
    first["host"] = json!("shop.example.com");
    let mut second = route("web");
    second["host"] = json!("other.example.com");
    let imported = run(vec![
        deployment("web"),
        service("web", json!({"app": "web"})),
        ingress(
            "web",
            json!([{"http": route("elsewhere")}, {"host": "shop.example.com", "http": first}, {"host": "other.example.com", "http": second}]),
        ),
    ]);
    assert_eq!(app_type(&imported, "web"), AppType::ExternalApi);
    let web = imported.apps.iter().find(|a| a.name == "web").unwrap();
    assert_eq!(web.get(Attribute::IngressHost), Some(&AttrValue::Str("shop.example.com".into())));
    let notes = notes(&imported);
    // The note is on the route not taken (the third rule), not on the one imported.
    let other = "Ingress/web spec.rules[2].http.paths[0]: another route to app web: an external-api has one host and path; not imported";
    assert!(notes.contains(other), "{notes}");
    assert_eq!(notes.matches("another route to app web").count(), 1, "{notes}");
}

#[test]
fn a_route_without_a_host_keeps_an_internal_api_with_a_note() {
    let imported = run(vec![
        deployment("web"),
        service("web", json!({"app": "web"})),
        ingress("web", json!([{"http": route("web")}])),
    ]);
    assert_eq!(app_type(&imported, "web"), AppType::InternalApi);
    let notes = notes(&imported);
    assert!(
        notes.contains("routes to app web without a host, which the rules require: it is imported as an internal-api"),
        "{notes}"
    );
}

#[test]
fn the_autoscaler_and_budget_of_the_deployment_are_its_own() {
    let hpa = |name: &str, kind: &str, target: &str| {
        object(
            "HorizontalPodAutoscaler",
            name,
            json!({"spec": {"scaleTargetRef": {"kind": kind, "name": format!("release-name-{target}")}, "minReplicas": 2, "maxReplicas": 5}}),
        )
    };
    let pdb = |name: &str, selector: Value| {
        object("PodDisruptionBudget", name, json!({"spec": {"selector": selector, "minAvailable": 1}}))
    };
    let imported = run(vec![
        deployment("web"),
        hpa("other-kind", "StatefulSet", "web"),
        hpa("other-name", "Deployment", "db"),
        hpa("web", "Deployment", "web"),
        pdb("expressions", json!({"matchLabels": {"app": "web"}, "matchExpressions": []})),
        pdb("other", json!({"matchLabels": {"app": "db"}})),
        pdb("web", json!({"matchLabels": {"app": "web"}})),
    ]);
    let web = imported.apps.iter().find(|a| a.name == "web").unwrap();
    assert!(web.sources.contains(&"HorizontalPodAutoscaler/web".to_string()), "{:?}", web.sources);
    assert!(web.sources.contains(&"PodDisruptionBudget/web".to_string()), "{:?}", web.sources);
    assert_eq!(web.sources.len(), 3, "{:?}", web.sources);
    assert_eq!(web.get(Attribute::AutoscalingMaxReplicas), Some(&AttrValue::Int(5)));
    assert_eq!(web.get(Attribute::PdbMinAvailable), Some(&AttrValue::Str("1".into())));
}

/// A Deployment whose pod template has `spec` (and `metadata`) merged in.
fn deployment_with(name: &str, pod_metadata: Value, pod_spec: Value) -> Object {
    let mut object = deployment(name);
    let pod = &mut object.body["spec"]["template"];
    for (key, extra) in [("metadata", pod_metadata), ("spec", pod_spec)] {
        if let (Some(target), Some(extra)) = (pod[key].as_object_mut(), extra.as_object()) {
            target.extend(extra.clone());
        }
    }
    object
}

fn attribute<'a>(imported: &'a Imported, app: &str, attribute: Attribute) -> Option<&'a AttrValue> {
    imported.apps.iter().find(|a| a.name == app).and_then(|a| a.get(attribute))
}

#[test]
fn image_pull_secrets_are_imported_by_name_and_a_bad_name_is_reported() {
    let imported = run(vec![deployment_with(
        "web",
        json!({}),
        json!({"imagePullSecrets": [{"name": "registry-creds"}, {"name": "Bad_Name"}]}),
    )]);
    assert_eq!(
        attribute(&imported, "web", Attribute::ImagePullSecrets),
        Some(&AttrValue::List(vec!["registry-creds".into()]))
    );
    let notes = notes(&imported);
    assert!(!notes.contains("registry-creds"), "{notes}");
    assert!(
        notes.contains(
            "imagePullSecrets[Bad_Name]: Bad_Name: not a DNS-1123 subdomain, which image_pull_secrets requires"
        ),
        "{notes}"
    );
}

#[test]
fn pod_annotations_and_labels_are_imported_except_the_charts_own_keys() {
    let imported = run(vec![deployment_with(
        "web",
        json!({
            "annotations": {"sidecar.istio.io/inject": "true", "checksum/config": "abc", "helm.sh/x": "y"},
            "labels": {"cost-center": "42", "app.kubernetes.io/name": "web"}
        }),
        json!({}),
    )]);
    let dict =
        |pairs: &[(&str, &str)]| AttrValue::Dict(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
    assert_eq!(
        attribute(&imported, "web", Attribute::PodAnnotations),
        Some(&dict(&[("sidecar.istio.io/inject", "true")]))
    );
    assert_eq!(attribute(&imported, "web", Attribute::PodLabels), Some(&dict(&[("cost-center", "42")])));
    let notes = notes(&imported);
    assert!(!notes.contains("istio") && !notes.contains("cost-center"), "{notes}");
    assert!(notes.contains("checksum annotations are not expressible"), "{notes}");
    assert!(notes.contains("helm.sh/x: the generated chart writes its own annotations under this prefix"), "{notes}");
}

#[test]
fn scheduling_is_imported_and_a_system_priority_class_is_reported() {
    let imported = run(vec![
        deployment_with(
            "web",
            json!({}),
            json!({
                "nodeSelector": {"pool": "general"},
                "priorityClassName": "business-critical",
                "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"},
                                {"operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60}],
                "affinity": {"nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [
                        {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}]}]},
                    "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 50, "preference": {"matchExpressions": [
                        {"key": "spot", "operator": "DoesNotExist"}]}}]}},
                "topologySpreadConstraints": [{"topologyKey": "topology.kubernetes.io/zone", "maxSkew": 1,
                    "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": "web"}}}]
            }),
        ),
        deployment_with("batch", json!({}), json!({"priorityClassName": "system-node-critical"})),
    ]);
    assert_eq!(
        attribute(&imported, "web", Attribute::SchedulingNodeSelector),
        Some(&AttrValue::Dict([("pool".to_string(), "general".to_string())].into()))
    );
    assert_eq!(
        attribute(&imported, "web", Attribute::SchedulingPriorityClassName),
        Some(&AttrValue::Str("business-critical".into()))
    );
    assert_eq!(
        attribute(&imported, "web", Attribute::SchedulingTolerations),
        Some(&AttrValue::Json(json!([
            {"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"},
            {"operator": "Exists", "effect": "NoExecute", "toleration_seconds": 60}
        ])))
    );
    assert_eq!(
        attribute(&imported, "web", Attribute::SchedulingNodeAffinity),
        Some(&AttrValue::Json(json!([
            {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
            {"key": "spot", "operator": "DoesNotExist", "weight": 50}
        ])))
    );
    assert_eq!(
        attribute(&imported, "web", Attribute::SchedulingTopologySpread),
        Some(&AttrValue::Json(json!([
            {"topology_key": "topology.kubernetes.io/zone", "max_skew": 1, "when_unsatisfiable": "DoNotSchedule"}
        ])))
    );
    let notes = notes(&imported);
    for field in ["nodeSelector", "priorityClassName", "tolerations", "affinity", "topologySpread"] {
        assert!(!notes.contains(&format!("Deployment/web spec.template.spec.{field}")), "{notes}");
    }
    assert!(
        notes.contains(
            "Deployment/batch spec.template.spec.priorityClassName: system-node-critical: the system- PriorityClasses \
             are the cluster's own, which the rules refuse to an app; not imported"
        ),
        "{notes}"
    );
    assert_eq!(attribute(&imported, "batch", Attribute::SchedulingPriorityClassName), None);
}

#[test]
fn scheduling_the_rules_cannot_say_stays_reported() {
    let imported = run(vec![deployment_with(
        "web",
        json!({}),
        json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "a", "operator": "Exists"}]},
            {"matchExpressions": [{"key": "b", "operator": "Exists"}]}]}}},
            "topologySpreadConstraints": [{"topologyKey": "zone", "maxSkew": 1, "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": {"app": "other"}}}]}),
    )]);
    assert_eq!(attribute(&imported, "web", Attribute::SchedulingNodeAffinity), None);
    assert_eq!(attribute(&imported, "web", Attribute::SchedulingTopologySpread), None);
    let notes = notes(&imported);
    assert!(notes.contains("spec.template.spec.affinity"), "{notes}");
    assert!(notes.contains("spec.template.spec.topologySpreadConstraints"), "{notes}");
}

#[test]
fn shutdown_and_startup_probe_are_imported() {
    let mut object = deployment_with("web", json!({}), json!({"terminationGracePeriodSeconds": 60}));
    object.body["spec"]["template"]["spec"]["containers"][0]["lifecycle"] =
        json!({"preStop": {"sleep": {"seconds": 5}}});
    let probe = json!({"httpGet": {"path": "/healthz", "port": 8080}});
    let container = &mut object.body["spec"]["template"]["spec"]["containers"][0];
    container["livenessProbe"] = probe.clone();
    container["startupProbe"] =
        json!({"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 5, "failureThreshold": 24});
    let mut exec = deployment_with("worker", json!({}), json!({}));
    exec.body["spec"]["template"]["spec"]["containers"][0]["lifecycle"] =
        json!({"preStop": {"exec": {"command": ["/app/drain", "--wait"]}}});
    let imported = run(vec![object, exec]);
    assert_eq!(attribute(&imported, "web", Attribute::ShutdownGracePeriodSeconds), Some(&AttrValue::Int(60)));
    assert_eq!(attribute(&imported, "web", Attribute::ShutdownPreStopSleepSeconds), Some(&AttrValue::Int(5)));
    assert_eq!(attribute(&imported, "web", Attribute::HealthStartupSeconds), Some(&AttrValue::Int(120)));
    assert_eq!(
        attribute(&imported, "worker", Attribute::ShutdownPreStopCommand),
        Some(&AttrValue::List(vec!["/app/drain".into(), "--wait".into()]))
    );
    let notes = notes(&imported);
    assert!(!notes.contains("lifecycle") && !notes.contains("terminationGrace"), "{notes}");
    assert!(!notes.contains("startupProbe"), "{notes}");
}

#[test]
fn named_ports_and_a_load_balancer_service_are_imported_with_a_placeholder_reason() {
    let mut web = deployment("web");
    web.body["spec"]["template"]["spec"]["containers"][0]["ports"] = json!([
        {"name": "http", "containerPort": 8080},
        {"name": "grpc", "containerPort": 9090, "protocol": "TCP"},
        {"name": "dns", "containerPort": 5353, "protocol": "UDP"},
        {"name": "Bad_Port", "containerPort": 7000}
    ]);
    let svc = object(
        "Service",
        "web",
        json!({"spec": {"type": "LoadBalancer", "externalTrafficPolicy": "Local",
        "selector": {"app": "web"}, "ports": [
            {"name": "http", "port": 80, "targetPort": "http", "nodePort": 30080},
            {"name": "grpc", "port": 443, "targetPort": 9090, "appProtocol": "grpc", "nodePort": 30443}]}}),
    );
    let imported = run(vec![web, svc]);
    assert_eq!(
        attribute(&imported, "web", Attribute::Ports),
        Some(&AttrValue::Json(json!([
            {"name": "grpc", "port": 9090, "app_protocol": "grpc", "service_port": 443, "node_port": 30443},
            {"name": "dns", "port": 5353, "protocol": "UDP"}
        ])))
    );
    assert_eq!(attribute(&imported, "web", Attribute::ServiceType), Some(&AttrValue::Str("LoadBalancer".into())));
    assert_eq!(attribute(&imported, "web", Attribute::ServiceNodePort), Some(&AttrValue::Int(30080)));
    assert_eq!(
        attribute(&imported, "web", Attribute::ServiceReason),
        Some(&AttrValue::Str(super::network::service_reason_placeholder("LoadBalancer")))
    );
    let notes = notes(&imported);
    assert!(
        notes.contains(
            "Service/web spec.type: LoadBalancer: imported as service_type with a placeholder service_reason; the \
             rules require the reason this app is reached from outside the cluster: replace it"
        ),
        "{notes}"
    );
    assert!(
        notes.contains("ports[Bad_Port]: port 7000 named Bad_Port: not an IANA service name, which ports refuses"),
        "{notes}"
    );
    for field in ["ports[grpc]", "ports[dns]", "externalTrafficPolicy", "nodePort"] {
        assert!(!notes.contains(field), "{field} in {notes}");
    }
}

#[test]
fn a_daemonset_is_a_daemon_app_with_its_service_and_rolling_update() {
    let mut agent = object(
        "DaemonSet",
        "agent",
        json!({"spec": {
        "selector": {"matchLabels": {"app": "agent"}},
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%", "maxSurge": 0}},
        "template": {"metadata": {"labels": {"app": "agent"}},
            "spec": {"containers": [{"name": "agent", "image": "agent:1", "ports": [{"name": "http", "containerPort": 2020}],
                "livenessProbe": {"httpGet": {"path": "/live", "port": "http"}},
                "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}}}]}}}}),
    );
    agent.template = "shop/templates/agent.yaml".into();
    let imported = run(vec![agent, service("agent", json!({"app": "agent"}))]);
    assert_eq!(app_type(&imported, "agent"), AppType::Daemon);
    let app = imported.apps.iter().find(|a| a.name == "agent").unwrap();
    assert_eq!(app.sources, ["DaemonSet/agent", "Service/agent"]);
    assert_eq!(app.get(Attribute::DaemonMaxUnavailable), Some(&AttrValue::Str("10%".into())));
    assert_eq!(app.get(Attribute::Port), Some(&AttrValue::Int(2020)));
    let notes = notes(&imported);
    assert!(!notes.contains("DaemonSet/agent spec") && !notes.contains("not an app type"), "{notes}");
    assert!(!notes.contains("PodDisruptionBudget"), "{notes}");
}

#[test]
fn a_jobs_on_failure_restart_policy_is_imported() {
    let job = object(
        "Job",
        "migrate",
        json!({"spec": {"template": {"spec": {"restartPolicy": "OnFailure",
        "containers": [{"name": "migrate", "image": "shop:1"}]}}}}),
    );
    let cron = object(
        "CronJob",
        "nightly",
        json!({"spec": {"schedule": "0 1 * * *", "jobTemplate": {"spec": {"template":
        {"spec": {"restartPolicy": "Never", "containers": [{"name": "nightly", "image": "shop:1"}]}}}}}}),
    );
    let imported = run(vec![job, cron]);
    assert_eq!(attribute(&imported, "migrate", Attribute::JobRestartPolicy), Some(&AttrValue::Str("OnFailure".into())));
    assert_eq!(attribute(&imported, "nightly", Attribute::JobRestartPolicy), None);
    let notes = notes(&imported);
    assert!(!notes.contains("restartPolicy"), "{notes}");
}

#[test]
fn init_containers_and_native_sidecars_are_imported_and_latest_is_reported() {
    let web = deployment_with(
        "web",
        json!({}),
        json!({"initContainers": [
            {"name": "migrate", "image": "ghcr.io/shop/migrate:2.1", "imagePullPolicy": "Always",
             "command": ["/migrate"], "args": ["up"],
             "env": [{"name": "MODE", "value": "strict"},
                     {"name": "DB", "valueFrom": {"secretKeyRef": {"name": "db", "key": "url"}}}],
             "resources": {"requests": {"cpu": "50m"}, "limits": {"memory": "64Mi"}},
             "securityContext": {"runAsUser": 0}},
            {"name": "proxy", "image": "gcr.io/cloud-sql-proxy@sha256:abc", "restartPolicy": "Always"},
            {"name": "wait", "image": "busybox"}
        ]}),
    );
    let imported = run(vec![web]);
    assert_eq!(
        attribute(&imported, "web", Attribute::InitContainers),
        Some(&AttrValue::Json(json!([
            {"name": "migrate", "image": {"repository": "ghcr.io/shop/migrate", "tag": "2.1", "pull_policy": "Always"},
             "command": ["/migrate"], "args": ["up"], "env": {"MODE": "strict"}, "secret_env": {"DB": "db/url"},
             "resources": {"cpu_request": "50m", "memory_limit": "64Mi"}},
            {"name": "proxy", "image": {"repository": "gcr.io/cloud-sql-proxy", "digest": "sha256:abc"}, "sidecar": true}
        ])))
    );
    let notes = notes(&imported);
    assert!(
        notes.contains("initContainers[wait].image: busybox: init container wait runs latest (no tag, or the tag latest), which the rules refuse"),
        "{notes}"
    );
    // The chart's own security context is not the rules' and stays, with that reason.
    assert!(notes.contains("initContainers[migrate].securityContext"), "{notes}");
    for field in ["initContainers[proxy]", "initContainers[migrate].env", "initContainers[migrate].resources"] {
        assert!(!notes.contains(field), "{field} in {notes}");
    }
}

#[test]
fn volumes_are_imported_with_their_mounts_and_what_the_rules_cannot_say_stays() {
    let mut web = deployment_with(
        "web",
        json!({}),
        json!({
            "initContainers": [{"name": "seed", "image": "seed:1",
                "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
            "volumes": [
                {"name": "data", "persistentVolumeClaim": {"claimName": "shop-data"}},
                {"name": "certs", "configMap": {"name": "ca-bundle", "defaultMode": 420}},
                {"name": "creds", "secret": {"secretName": "api-creds", "defaultMode": 288}},
                {"name": "cache", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
                {"name": "token", "projected": {"sources": [{"serviceAccountToken":
                    {"audience": "vault", "expirationSeconds": 600, "path": "token"}}]}},
                {"name": "odd", "configMap": {"name": "x", "defaultMode": 511}},
                {"name": "host", "hostPath": {"path": "/var/log"}}
            ]
        }),
    );
    web.body["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] = json!([
        {"name": "data", "mountPath": "/data"},
        {"name": "certs", "mountPath": "/etc/ssl/extra", "readOnly": true},
        {"name": "creds", "mountPath": "/creds", "subPath": "key"},
        {"name": "cache", "mountPath": "/cache"},
        {"name": "token", "mountPath": "/var/run/vault", "readOnly": true},
        {"name": "odd", "mountPath": "/odd"},
        {"name": "host", "mountPath": "/host"}
    ]);
    let imported = run(vec![web]);
    assert_eq!(
        attribute(&imported, "web", Attribute::Volumes),
        Some(&AttrValue::Json(json!([
            {"name": "data-volume", "mount_path": "/data", "containers": ["web", "seed"],
             "persistent_volume_claim": {"existing_claim": "shop-data"}},
            {"name": "certs", "mount_path": "/etc/ssl/extra", "config_map": "ca-bundle"},
            {"name": "cache", "mount_path": "/cache", "empty_dir": {"memory": true, "size_limit": "64Mi"}},
            {"name": "token", "mount_path": "/var/run/vault",
             "service_account_token": {"audience": "vault", "expiration_seconds": 600}}
        ])))
    );
    let notes = notes(&imported);
    assert!(notes.contains("volumes[data]: volume data: an existing claim; its access_mode is unset"), "{notes}");
    // data is the name of the chart's own storage volume: renamed, which the pod does not see.
    assert!(
        notes.contains(
            "volumes[data].name: volume data: imported as data-volume, as data is a name of the generated \
                        chart's own volumes"
        ),
        "{notes}"
    );
    for kept in ["volumes[creds]", "volumes[odd]", "volumes[host]", "volumeMounts[creds]", "volumeMounts[host]"] {
        assert!(notes.contains(kept), "{kept} not in {notes}");
    }
    for gone in ["volumes[certs]", "volumes[cache]", "volumes[token]", "volumeMounts[data]", "volumeMounts[cache]"] {
        assert!(!notes.contains(gone), "{gone} in {notes}");
    }
}

#[test]
fn a_claim_the_chart_creates_is_a_created_claim_of_volumes() {
    let web = deployment_with(
        "web",
        json!({}),
        json!({"volumes": [{"name": "store", "persistentVolumeClaim": {"claimName": "release-name-store"}}]}),
    );
    let mut web = web;
    web.body["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] =
        json!([{"name": "store", "mountPath": "/store"}]);
    let pvc = object(
        "PersistentVolumeClaim",
        "store",
        json!({"spec": {"accessModes": ["ReadWriteOnce"],
        "storageClassName": "fast", "resources": {"requests": {"storage": "10Gi"}}}}),
    );
    let imported = run(vec![web, pvc]);
    assert_eq!(
        attribute(&imported, "web", Attribute::Volumes),
        Some(&AttrValue::Json(json!([{"name": "store", "mount_path": "/store", "persistent_volume_claim":
            {"size": "10Gi", "storage_class": "fast", "access_mode": "ReadWriteOnce"}}])))
    );
    let app = imported.apps.iter().find(|a| a.name == "web").unwrap();
    assert!(app.sources.contains(&"PersistentVolumeClaim/store".to_string()), "{:?}", app.sources);
    let notes = notes(&imported);
    assert!(!notes.contains("PersistentVolumeClaim") && !notes.contains("existing claim"), "{notes}");
}

#[test]
fn a_statefulset_is_a_stateful_app_with_its_claim_template_and_headless_service() {
    let db = object(
        "StatefulSet",
        "db",
        json!({"spec": {
        "serviceName": "release-name-db", "replicas": 3,
        "selector": {"matchLabels": {"app": "db"}},
        "template": {"metadata": {"labels": {"app": "db"}},
            "spec": {"containers": [{"name": "db", "image": "postgres:16.2", "ports": [{"name": "tcp", "containerPort": 5432}],
                "livenessProbe": {"tcpSocket": {"port": 5432}}, "readinessProbe": {"tcpSocket": {"port": 5432}},
                "volumeMounts": [{"name": "pgdata", "mountPath": "/var/lib/postgresql/data"}]}]}},
        "volumeClaimTemplates": [{"metadata": {"name": "pgdata"}, "spec": {"accessModes": ["ReadWriteOnce"],
            "storageClassName": "fast", "resources": {"requests": {"storage": "20Gi"}}}}]}}),
    );
    let svc = object(
        "Service",
        "db",
        json!({"spec": {"clusterIP": "None", "publishNotReadyAddresses": true,
        "selector": {"app": "db"}, "ports": [{"name": "tcp", "port": 5432, "targetPort": "tcp"}]}}),
    );
    let imported = run(vec![db, svc]);
    assert_eq!(app_type(&imported, "db"), AppType::Stateful);
    for (attr, value) in [
        (Attribute::StorageSize, AttrValue::Str("20Gi".into())),
        (Attribute::StorageClass, AttrValue::Str("fast".into())),
        (Attribute::StorageMountPath, AttrValue::Str("/var/lib/postgresql/data".into())),
        (Attribute::Replicas, AttrValue::Int(3)),
    ] {
        assert_eq!(attribute(&imported, "db", attr), Some(&value), "{attr:?}");
    }
    let notes = notes(&imported);
    for gone in ["volumeClaimTemplates", "volumeMounts", "clusterIP", "publishNotReady", "serviceName", "not imported"]
    {
        assert!(!notes.contains(gone), "{gone} in {notes}");
    }
}

fn with_replicas(mut object: Object, replicas: Option<i64>) -> Object {
    if let Some(replicas) = replicas {
        object.body["spec"]["replicas"] = json!(replicas);
    }
    object
}

#[test]
fn replicas_other_than_the_rules_default_are_kept() {
    let replicas = |objects: Vec<Object>, app: &str| attribute(&run(objects), app, Attribute::Replicas).cloned();
    // A worker's default is 1, an API's 2; without spec.replicas Kubernetes runs 1.
    assert_eq!(replicas(vec![with_replicas(deployment("w"), Some(1))], "w"), None);
    assert_eq!(replicas(vec![with_replicas(deployment("w"), None)], "w"), None);
    assert_eq!(replicas(vec![with_replicas(deployment("w"), Some(3))], "w"), Some(AttrValue::Int(3)));
    let api = |n: Option<i64>| vec![with_replicas(deployment("web"), n), service("web", json!({"app": "web"}))];
    assert_eq!(replicas(api(Some(2)), "web"), None);
    assert_eq!(replicas(api(None), "web"), Some(AttrValue::Int(1)));
    // An autoscaler says the replicas.
    let hpa = object(
        "HorizontalPodAutoscaler",
        "w",
        json!({"spec": {"scaleTargetRef": {"kind": "Deployment", "name": "release-name-w"}, "minReplicas": 2, "maxReplicas": 4}}),
    );
    assert_eq!(replicas(vec![with_replicas(deployment("w"), Some(3)), hpa], "w"), None);
}

#[test]
fn an_api_without_a_container_port_is_reported_and_only_a_deployment_gets_a_budget_note() {
    let imported = run(vec![with_replicas(deployment("web"), Some(3)), service("web", json!({"app": "web"}))]);
    let text = notes(&imported);
    assert!(
        text.contains(
            "Deployment/web: an API needs a port and its container declares none: set port by hand (app web)"
        ),
        "{text}"
    );
    assert!(text.contains("Deployment/web: no PodDisruptionBudget in the chart"), "{text}");
    let mut daemon = deployment("agent");
    daemon.kind = "DaemonSet".into();
    daemon.body["kind"] = json!("DaemonSet");
    let imported = run(vec![daemon]);
    assert!(!notes(&imported).contains("PodDisruptionBudget"), "{}", notes(&imported));
}

fn daemon_set(strategy: Value) -> Object {
    let mut daemon = deployment("agent");
    daemon.kind = "DaemonSet".into();
    daemon.body["kind"] = json!("DaemonSet");
    daemon.body["spec"]["updateStrategy"] = strategy;
    daemon
}

#[test]
fn a_daemon_sets_rolling_update_without_surge_is_its_max_unavailable() {
    let read = |strategy: Value| {
        let imported = run(vec![daemon_set(strategy)]);
        (
            attribute(&imported, "agent", Attribute::DaemonMaxUnavailable).cloned(),
            notes(&imported).contains("updateStrategy"),
        )
    };
    assert_eq!(
        read(json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}})),
        (None, false)
    );
    assert_eq!(
        read(json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "20%"}})),
        (Some(AttrValue::Str("20%".into())), false)
    );
    for kept in [
        json!({"type": "OnDelete"}),
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 2, "maxSurge": 1}}),
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 2, "other": 1}}),
    ] {
        assert_eq!(read(kept.clone()), (None, true), "{kept}");
    }
}

fn stateful(template_spec: Value, mount: Value) -> Object {
    object(
        "StatefulSet",
        "db",
        json!({"spec": {"serviceName": "release-name-db", "selector": {"matchLabels": {"app": "db"}},
        "template": {"metadata": {"labels": {"app": "db"}},
            "spec": {"containers": [{"name": "db", "image": "postgres:16.2", "volumeMounts": [mount]}]}},
        "volumeClaimTemplates": [{"metadata": {"name": "pgdata"}, "spec": template_spec}]}}),
    )
}

#[test]
fn a_claim_template_the_rules_cannot_take_leaves_a_stateful_app_without_storage() {
    let rwo = json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}});
    let rwx = json!({"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": "1Gi"}}});
    let plain = json!({"name": "pgdata", "mountPath": "/data"});
    let imported = run(vec![stateful(rwo.clone(), plain.clone())]);
    assert_eq!(attribute(&imported, "db", Attribute::StorageSize), Some(&AttrValue::Str("1Gi".into())));
    assert!(!notes(&imported).contains("no volume claim template"), "{}", notes(&imported));
    for (spec, mount) in [
        (rwx, plain.clone()),
        (rwo.clone(), json!({"name": "pgdata", "mountPath": "/data", "subPath": "pg"})),
        (rwo, json!({"name": "other", "mountPath": "/data"})),
    ] {
        let imported = run(vec![stateful(spec.clone(), mount.clone())]);
        assert_eq!(attribute(&imported, "db", Attribute::StorageSize), None, "{spec} {mount}");
        assert_eq!(attribute(&imported, "db", Attribute::StorageMountPath), None, "{spec} {mount}");
        assert!(
            notes(&imported).contains(
                "StatefulSet/db: no volume claim template the rules take (one, ReadWriteOnce, mounted at one \
                 directory): a stateful app needs storage_size and storage_mount_path, set them by hand"
            ),
            "{}",
            notes(&imported)
        );
    }
}

#[test]
fn a_created_claim_of_a_renamed_volume_drops_its_note_and_serves_one_app() {
    let with_claim = |name: &str| {
        let mut app = deployment_with(
            name,
            json!({}),
            json!({"volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "release-name-store"}}]}),
        );
        app.body["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] =
            json!([{"name": "data", "mountPath": "/data"}]);
        app
    };
    let pvc =
        object("PersistentVolumeClaim", "store", json!({"spec": {"resources": {"requests": {"storage": "1Gi"}}}}));
    let imported = run(vec![with_claim("a"), with_claim("b"), pvc]);
    assert_eq!(
        attribute(&imported, "a", Attribute::Volumes),
        Some(&AttrValue::Json(
            json!([{"name": "data-volume", "mount_path": "/data", "persistent_volume_claim": {"size": "1Gi"}}])
        ))
    );
    // The claim is read once: the second app mounts the existing claim.
    assert_eq!(
        attribute(&imported, "b", Attribute::Volumes),
        Some(&AttrValue::Json(json!([{"name": "data-volume", "mount_path": "/data",
            "persistent_volume_claim": {"existing_claim": "release-name-store"}}])))
    );
    let notes = notes(&imported);
    assert!(
        !notes.contains("Deployment/a spec.template.spec.volumes[data]: volume data: an existing claim"),
        "{notes}"
    );
    assert!(notes.contains("Deployment/b spec.template.spec.volumes[data]: volume data: an existing claim"), "{notes}");
}

/// A Deployment whose container takes the ConfigMap `cfg` as `envFrom` (whole) or one key of
/// it as `env` (by key).
fn using_config(name: &str, whole: bool) -> Object {
    let mut app = deployment(name);
    let container = &mut app.body["spec"]["template"]["spec"]["containers"][0];
    if whole {
        container["envFrom"] = json!([{"configMapRef": {"name": "release-name-cfg"}}]);
    } else {
        container["env"] = json!([{"name": "LEVEL",
            "valueFrom": {"configMapKeyRef": {"name": "release-name-cfg", "key": "level"}}}]);
    }
    app
}

fn config_map() -> Object {
    object("ConfigMap", "cfg", json!({"data": {"level": "debug"}}))
}

#[test]
fn a_config_map_one_app_alone_uses_whole_is_its_config_data() {
    let imported = run(vec![deployment("other"), using_config("web", true), config_map()]);
    assert_eq!(
        attribute(&imported, "web", Attribute::ConfigData),
        Some(&AttrValue::Dict(BTreeMap::from([("level".to_string(), "debug".to_string())])))
    );
    assert_eq!(attribute(&imported, "other", Attribute::ConfigData), None);
    let web = imported.apps.iter().find(|a| a.name == "web").expect("web");
    assert!(web.sources.contains(&"ConfigMap/cfg".to_string()), "{:?}", web.sources);
    assert!(!notes(&imported).contains("ConfigMap/cfg"), "{}", notes(&imported));
}

#[test]
fn a_config_map_two_apps_use_or_one_uses_by_key_is_nobodys_config_data() {
    for objects in [
        vec![using_config("web", true), using_config("worker", true), config_map()],
        vec![using_config("web", false), config_map()],
    ] {
        let imported = run(objects);
        for app in &imported.apps {
            assert_eq!(attribute(&imported, &app.name, Attribute::ConfigData), None, "{}", app.name);
            assert!(!app.sources.contains(&"ConfigMap/cfg".to_string()), "{:?}", app.sources);
        }
        let notes = notes(&imported);
        assert!(notes.contains("only a ConfigMap one app alone uses becomes that app's config_data"), "{notes}");
    }
}

#[test]
fn an_empty_app_version_or_description_is_left_out() {
    let chart = |app_version: &str, description: &str| {
        let metadata = ChartMetadata {
            name: "shop".into(),
            version: "1.0.0".into(),
            app_version: Some(app_version.into()),
            description: Some(description.into()),
            ..ChartMetadata::default()
        };
        let rendered = RenderedChart { path: PathBuf::from("shop"), metadata, objects: vec![deployment("web")] };
        import(&rendered, &Release::default(), &BTreeMap::new()).chart
    };
    let empty = chart("", "");
    assert_eq!((empty.app_version, empty.description), (None, None));
    let given = chart("2.1.0", "A shop");
    assert_eq!((given.app_version.as_deref(), given.description.as_deref()), (Some("2.1.0"), Some("A shop")));
    assert_eq!((given.chart_name.as_str(), given.chart_version.as_str()), ("shop", "1.0.0"));
}

fn with_env(name: &str, url: &str) -> Object {
    let mut app = deployment(name);
    app.body["spec"]["template"]["spec"]["containers"][0]["env"] = json!([{"name": "URL", "value": url}]);
    app
}

fn routed(service: &str, host: &str) -> Value {
    json!({"host": host, "http": route(service)})
}

#[test]
fn names_rendered_from_the_release_are_noted_with_the_generated_name_and_renames_pair_the_rest() {
    let imported = run(vec![
        with_env("shop-web", "http://release-name-shop-api:8080 http://release-name-front"),
        deployment("shop-api"),
        service("shop-web", json!({"app": "shop-web"})),
        service("shop-api", json!({"app": "shop-api"})),
        ingress("front", json!([routed("shop-web", "a.example.com"), routed("shop-api", "b.example.com")])),
    ]);
    // One Ingress for two apps: the generated chart's shared Ingress is "ingress".
    assert_eq!(imported.renames, ["Ingress/front=ingress"]);
    let notes = notes(&imported);
    assert!(
        notes.contains(
            "Deployment/web: env[URL] = http://release-name-shop-api:8080 http://release-name-front: rendered from the \
             release name \"release-name\" and written literally, so it will not follow the release (the generated \
             chart's name for release-name-shop-api is release-name-api)"
        ),
        "{notes}"
    );

    // An Ingress per app is named after its app.
    let imported = run(vec![
        with_env("shop-web", "http://release-name-front/"),
        service("shop-web", json!({"app": "shop-web"})),
        ingress("front", json!([routed("shop-web", "a.example.com")])),
    ]);
    assert_eq!(imported.renames, ["Ingress/front=web"]);
    let per_app = super::tests::notes(&imported);
    assert!(per_app.contains("(the generated chart's name for release-name-front is release-name-web)"), "{per_app}");
}

#[test]
fn an_unclaimed_service_account_and_config_map_name_their_users() {
    let mut web = deployment("web");
    web.body["spec"]["template"]["spec"]["serviceAccountName"] = json!("release-name-runner");
    let imported = run(vec![
        web,
        deployment("other"),
        object("ServiceAccount", "runner", json!({})),
        object("ServiceAccount", "idle", json!({})),
        using_config("a", true),
        using_config("b", false),
        config_map(),
    ]);
    let notes = notes(&imported);
    for line in [
        "ServiceAccount/runner: the rules give every app its own ServiceAccount, with no token mounted: not imported (used by web)",
        "ServiceAccount/idle: the rules give every app its own ServiceAccount, with no token mounted: not imported (used by no imported app)",
        "ConfigMap/cfg: only a ConfigMap one app alone uses becomes that app's config_data; this one is used by a, b: not imported",
    ] {
        assert!(notes.contains(line), "missing {line:?} in\n{notes}");
    }
}

#[test]
fn a_field_at_kubernetes_default_is_not_reported_and_another_value_is() {
    let imported = run(vec![
        deployment_with("web", json!({}), json!({"dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler"})),
        deployment_with("other", json!({}), json!({"dnsPolicy": "Default", "schedulerName": "custom"})),
    ]);
    let notes = notes(&imported);
    assert!(!notes.contains("Deployment/web spec.template.spec.dnsPolicy"), "{notes}");
    assert!(!notes.contains("Deployment/web spec.template.spec.schedulerName"), "{notes}");
    assert!(notes.contains("Deployment/other spec.template.spec.dnsPolicy: Default: "), "{notes}");
    assert!(notes.contains("Deployment/other spec.template.spec.schedulerName: custom: "), "{notes}");
}

#[test]
fn release_names_in_a_string_or_a_list_attribute_are_noted_too() {
    let mut web = with_env("web", "plain");
    web.body["spec"]["template"]["spec"]["containers"][0]["args"] = json!(["--peer=release-name-web"]);
    let imported = run(vec![
        web,
        service("web", json!({"app": "web"})),
        ingress("web", json!([routed("web", "release-name.example.com")])),
    ]);
    let notes = notes(&imported);
    for line in [
        "Deployment/web: args[0] = --peer=release-name-web: rendered from the release name \"release-name\" and \
         written literally, so it will not follow the release\n",
        "Deployment/web: ingress_host = release-name.example.com: rendered from the release name \"release-name\" \
         and written literally, so it will not follow the release\n",
    ] {
        assert!(format!("{notes}\n").contains(line), "missing {line:?} in\n{notes}");
    }
    assert!(!notes.contains("env[URL]"), "{notes}");
}

#[test]
fn workloads_that_make_one_app_name_are_numbered() {
    let imported = run(vec![deployment("web"), deployment("WEB"), deployment("web_")]);
    let names: Vec<&str> = imported.apps.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["web", "web-2", "web-3"]);
    let notes = notes(&imported);
    assert!(!notes.contains("Deployment/web metadata.name"), "{notes}");
    assert!(
        notes.contains("Deployment/WEB metadata.name: \"WEB\" is not a usable app name (a unique DNS-1035 label): the app is \"web-2\""),
        "{notes}"
    );
    assert!(notes.contains("Deployment/web_ metadata.name: \"web_\" is not a usable app name (a unique DNS-1035 label): the app is \"web-3\""), "{notes}");
}

#[test]
fn a_config_map_mounted_as_a_volume_is_used_whole_but_not_when_also_read_by_key() {
    let mut mounted = deployment("web");
    mounted.body["spec"]["template"]["spec"]["volumes"] =
        json!([{"name": "config", "configMap": {"name": "release-name-cfg"}}]);
    mounted.body["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] =
        json!([{"name": "config", "mountPath": "/etc/web"}]);
    let imported = run(vec![mounted, config_map()]);
    assert_eq!(
        attribute(&imported, "web", Attribute::ConfigData),
        Some(&AttrValue::Dict(BTreeMap::from([("level".to_string(), "debug".to_string())])))
    );

    let mut both = using_config("web", true);
    both.body["spec"]["template"]["spec"]["containers"][0]["env"] =
        json!([{"name": "LEVEL", "valueFrom": {"configMapKeyRef": {"name": "release-name-cfg", "key": "level"}}}]);
    let imported = run(vec![both, config_map()]);
    assert_eq!(attribute(&imported, "web", Attribute::ConfigData), None);
    let notes = notes(&imported);
    assert!(notes.contains("ConfigMap/cfg: only a ConfigMap one app alone uses becomes that app's config_data; this one is used by web: not imported"), "{notes}");
}

#[test]
fn a_jobs_hook_and_spec_are_read() {
    let job = object(
        "Job",
        "migrate",
        json!({"spec": {"backoffLimit": 1, "ttlSecondsAfterFinished": 3600, "template": {"spec": {"restartPolicy": "Never",
        "containers": [{"name": "migrate", "image": "shop:1"}]}}}}),
    );
    let imported = run(vec![job]);
    assert_eq!(attribute(&imported, "migrate", Attribute::JobHook), Some(&AttrValue::Str("none".into())));
    assert_eq!(attribute(&imported, "migrate", Attribute::JobBackoffLimit), Some(&AttrValue::Int(1)));
    let notes = notes(&imported);
    assert!(!notes.contains("backoffLimit") && !notes.contains("ttlSecondsAfterFinished"), "{notes}");
}

#[test]
fn the_report_lists_apps_notes_and_the_compare_flags() {
    let imported = run(vec![
        deployment("shop-web"),
        service("shop-web", json!({"app": "shop-web"})),
        ingress("front", json!([routed("shop-web", "a.example.com")])),
    ]);
    let report = super::report::render(&imported);
    assert!(
        report.starts_with(
            "Imported the chart shop 1.0.0, rendered as release \"release-name\" in namespace \"default\": 3 objects, \
             1 apps.\n\nApps:\n  web: external-api from Deployment/web, Service/web, Ingress/front\n  (ingress_mode \
             per-app: each Ingress of the chart routes to one app)\n\nNot reproduced (one line per field or object; the \
             generated chart differs here unless you act): 3\n  Deployment/web: an API needs a port"
        ),
        "{report}"
    );
    assert!(report.ends_with("\n\nCompare the two charts with:\n  --rename Ingress/front=web\n"), "{report}");
    let plain = super::report::render(&run(vec![deployment("web")]));
    assert!(!plain.contains("Compare the two charts") && !plain.contains("ingress_mode"), "{plain}");
    assert!(plain.contains("\nApps:\n  web: worker from Deployment/web\n\nNot reproduced"), "{plain}");
}

#[test]
fn the_standard_labels_the_rules_write_are_not_reported() {
    let mut web = deployment("web");
    web.body["metadata"]["labels"] = json!({"app.kubernetes.io/name": "web", "helm.sh/chart": "shop-1.0.0"});
    web.body["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/instance"] = json!("release-name");
    let notes = notes(&run(vec![web]));
    assert!(!notes.contains("app.kubernetes.io") && !notes.contains("helm.sh/chart"), "{notes}");
    assert!(!notes.contains("labels"), "{notes}");
}
