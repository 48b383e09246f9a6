//! Kubernetes' defaults, filled in on both sides before diffing (unless `--no-defaults`):
//! a field one chart writes with the value the API server would give it anyway
//! (`successThreshold: 1`, `protocol: TCP`, a 30 second grace period) is no difference from
//! a chart that leaves it out. Only fields whose parent exists are filled (a probe's
//! timings when there is a probe), and never over a value a chart wrote.
//!
//! The list (docs/migration.md repeats it):
//! - every pod spec: `restartPolicy: Always` (not in Jobs and CronJobs, which must say),
//!   `terminationGracePeriodSeconds: 30`, `dnsPolicy: ClusterFirst`,
//!   `schedulerName: default-scheduler`;
//! - every container and init container: `terminationMessagePath: /dev/termination-log`,
//!   `terminationMessagePolicy: File`, `imagePullPolicy` (`Always` for a `:latest` or
//!   untagged image, else `IfNotPresent`), `ports[].protocol: TCP`;
//! - every probe: `timeoutSeconds: 1`, `periodSeconds: 10`, `successThreshold: 1`,
//!   `failureThreshold: 3`, `httpGet.scheme: HTTP`;
//! - ConfigMap and Secret volumes: `defaultMode: 420` (0644);
//! - Deployment: `replicas: 1`, `revisionHistoryLimit: 10`, `progressDeadlineSeconds: 600`,
//!   `strategy` RollingUpdate with `maxSurge` and `maxUnavailable` 25%;
//! - Service: `type: ClusterIP`, `sessionAffinity: None`, `ports[].protocol: TCP`,
//!   `ports[].targetPort` = `port`;
//! - Job: `backoffLimit: 6`, `completions: 1`, `parallelism: 1`;
//! - CronJob: `concurrencyPolicy: Allow`, `suspend: false`, `successfulJobsHistoryLimit: 3`,
//!   `failedJobsHistoryLimit: 1`;
//! - HorizontalPodAutoscaler: `minReplicas: 1`.

use serde_json::{json, Map, Value};

/// Fills Kubernetes' defaults into `body`, an object of `kind`.
pub fn apply(kind: &str, body: &mut Value) {
    match kind {
        "Deployment" => {
            if let Some(spec) = child(body, "spec") {
                deployment(spec);
            }
        }
        "Service" => {
            if let Some(spec) = child(body, "spec") {
                service(spec);
            }
        }
        "Job" => {
            if let Some(spec) = child(body, "spec") {
                job(spec);
            }
        }
        "CronJob" => {
            if let Some(spec) = child(body, "spec") {
                fill(spec, &[("concurrencyPolicy", json!("Allow")), ("suspend", json!(false))]);
                fill(spec, &[("successfulJobsHistoryLimit", json!(3)), ("failedJobsHistoryLimit", json!(1))]);
            }
        }
        "HorizontalPodAutoscaler" => {
            if let Some(spec) = child(body, "spec") {
                fill(spec, &[("minReplicas", json!(1))]);
            }
        }
        _ => {}
    }
    let pod = match kind {
        "Pod" => Some(vec!["spec"]),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => Some(vec!["spec", "template", "spec"]),
        "CronJob" => Some(vec!["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => None,
    };
    if let Some(spec) = pod.and_then(|keys| descend(body, &keys)) {
        pod_spec(spec, !matches!(kind, "Job" | "CronJob"));
    }
}

fn child<'a>(value: &'a mut Value, key: &str) -> Option<&'a mut Map<String, Value>> {
    value.get_mut(key).and_then(Value::as_object_mut)
}

fn descend<'a>(value: &'a mut Value, keys: &[&str]) -> Option<&'a mut Map<String, Value>> {
    keys.iter().try_fold(value, |value, key| value.get_mut(*key))?.as_object_mut()
}

/// Sets each absent key of `map` to its default.
fn fill(map: &mut Map<String, Value>, defaults: &[(&str, Value)]) {
    for (key, value) in defaults {
        map.entry(key.to_string()).or_insert_with(|| value.clone());
    }
}

/// Every item of the list `key` of `map` that is a mapping.
fn items<'a>(map: &'a mut Map<String, Value>, key: &str) -> impl Iterator<Item = &'a mut Map<String, Value>> {
    map.get_mut(key).and_then(Value::as_array_mut).into_iter().flatten().filter_map(Value::as_object_mut)
}

fn deployment(spec: &mut Map<String, Value>) {
    fill(spec, &[("replicas", json!(1)), ("revisionHistoryLimit", json!(10)), ("progressDeadlineSeconds", json!(600))]);
    let strategy = spec.entry("strategy").or_insert_with(|| json!({})).as_object_mut();
    if let Some(strategy) = strategy {
        fill(strategy, &[("type", json!("RollingUpdate"))]);
        if strategy.get("type") == Some(&json!("RollingUpdate")) {
            let rolling = strategy.entry("rollingUpdate").or_insert_with(|| json!({}));
            if let Some(rolling) = rolling.as_object_mut() {
                fill(rolling, &[("maxSurge", json!("25%")), ("maxUnavailable", json!("25%"))]);
            }
        }
    }
}

fn service(spec: &mut Map<String, Value>) {
    fill(spec, &[("type", json!("ClusterIP")), ("sessionAffinity", json!("None"))]);
    for port in items(spec, "ports") {
        fill(port, &[("protocol", json!("TCP"))]);
        if let Some(number) = port.get("port").cloned() {
            port.entry("targetPort").or_insert(number);
        }
    }
}

fn job(spec: &mut Map<String, Value>) {
    fill(spec, &[("backoffLimit", json!(6)), ("completions", json!(1)), ("parallelism", json!(1))]);
}

fn pod_spec(spec: &mut Map<String, Value>, restarts: bool) {
    if restarts {
        fill(spec, &[("restartPolicy", json!("Always"))]);
    }
    fill(
        spec,
        &[
            ("terminationGracePeriodSeconds", json!(30)),
            ("dnsPolicy", json!("ClusterFirst")),
            ("schedulerName", json!("default-scheduler")),
        ],
    );
    for list in ["containers", "initContainers"] {
        for container in items(spec, list) {
            self::container(container);
        }
    }
    for volume in items(spec, "volumes") {
        for source in ["configMap", "secret"] {
            if let Some(source) = volume.get_mut(source).and_then(Value::as_object_mut) {
                fill(source, &[("defaultMode", json!(420))]);
            }
        }
    }
}

fn container(container: &mut Map<String, Value>) {
    fill(
        container,
        &[("terminationMessagePath", json!("/dev/termination-log")), ("terminationMessagePolicy", json!("File"))],
    );
    if let Some(image) = container.get("image").and_then(Value::as_str) {
        let policy = if pulls_always(image) { "Always" } else { "IfNotPresent" };
        fill(container, &[("imagePullPolicy", json!(policy))]);
    }
    for port in items(container, "ports") {
        fill(port, &[("protocol", json!("TCP"))]);
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        let Some(probe) = container.get_mut(probe).and_then(Value::as_object_mut) else { continue };
        fill(
            probe,
            &[
                ("timeoutSeconds", json!(1)),
                ("periodSeconds", json!(10)),
                ("successThreshold", json!(1)),
                ("failureThreshold", json!(3)),
            ],
        );
        if let Some(http) = probe.get_mut("httpGet").and_then(Value::as_object_mut) {
            fill(http, &[("scheme", json!("HTTP"))]);
        }
    }
}

/// Kubernetes pulls `:latest` and untagged images always (a digest pins the image).
fn pulls_always(image: &str) -> bool {
    if image.contains('@') {
        return false;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, tag)) => tag == "latest",
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_fields_get_kubernetes_defaults_and_written_ones_stay() {
        let mut body = json!({"spec": {"replicas": 3, "template": {"spec": {"containers": [{
            "name": "web", "image": "r/web:1",
            "ports": [{"containerPort": 80}],
            "livenessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5}
        }]}}}});
        apply("Deployment", &mut body);
        assert_eq!(body["spec"]["replicas"], json!(3));
        assert_eq!(body["spec"]["revisionHistoryLimit"], json!(10));
        assert_eq!(
            body["spec"]["strategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}})
        );
        let pod = &body["spec"]["template"]["spec"];
        assert_eq!(pod["terminationGracePeriodSeconds"], json!(30));
        assert_eq!(pod["restartPolicy"], json!("Always"));
        let container = &pod["containers"][0];
        assert_eq!(container["imagePullPolicy"], json!("IfNotPresent"));
        assert_eq!(container["ports"][0]["protocol"], json!("TCP"));
        let probe = &container["livenessProbe"];
        assert_eq!((probe["periodSeconds"].clone(), probe["successThreshold"].clone()), (json!(5), json!(1)));
        assert_eq!(probe["httpGet"]["scheme"], json!("HTTP"));
        assert!(container.get("readinessProbe").is_none(), "no probe is invented");
    }

    #[test]
    fn jobs_keep_their_restart_policy_and_services_their_ports() {
        let mut job = json!({"spec": {"template": {"spec": {"containers": []}}}});
        apply("Job", &mut job);
        assert!(job["spec"]["template"]["spec"].get("restartPolicy").is_none());
        assert_eq!(job["spec"]["backoffLimit"], json!(6));
        let mut service = json!({"spec": {"ports": [{"port": 80}, {"port": 81, "targetPort": "http"}]}});
        apply("Service", &mut service);
        assert_eq!(
            service["spec"]["ports"],
            json!([
                {"port": 80, "targetPort": 80, "protocol": "TCP"},
                {"port": 81, "targetPort": "http", "protocol": "TCP"}
            ])
        );
        assert!(pulls_always("redis") && pulls_always("r:5000/app") && !pulls_always("r:5000/app:1"));
    }

    #[test]
    fn cron_jobs_autoscalers_and_every_pod_kind_get_their_defaults() {
        let pod = json!({"containers": [{"name": "a", "image": "r/a:latest"}],
                         "initContainers": [{"name": "i", "image": "r/i@sha256:00"}],
                         "volumes": [{"name": "c", "configMap": {"name": "c"}},
                                     {"name": "s", "secret": {"secretName": "s", "defaultMode": 256}}]});
        let mut cron = json!({"spec": {"jobTemplate": {"spec": {"template": {"spec": pod.clone()}}}}});
        apply("CronJob", &mut cron);
        assert_eq!(cron["spec"]["concurrencyPolicy"], json!("Allow"));
        assert_eq!(cron["spec"]["suspend"], json!(false));
        assert_eq!(cron["spec"]["successfulJobsHistoryLimit"], json!(3));
        assert_eq!(cron["spec"]["failedJobsHistoryLimit"], json!(1));
        let cron_pod = &cron["spec"]["jobTemplate"]["spec"]["template"]["spec"];
        assert!(cron_pod.get("restartPolicy").is_none(), "a CronJob's pods must say");
        assert_eq!(cron_pod["dnsPolicy"], json!("ClusterFirst"));

        let mut hpa = json!({"spec": {"maxReplicas": 4}});
        apply("HorizontalPodAutoscaler", &mut hpa);
        assert_eq!(hpa, json!({"spec": {"maxReplicas": 4, "minReplicas": 1}}));

        for (kind, mut body, path) in [
            ("Pod", json!({"spec": pod.clone()}), vec!["spec"]),
            ("StatefulSet", json!({"spec": {"template": {"spec": pod.clone()}}}), vec!["spec", "template", "spec"]),
            ("DaemonSet", json!({"spec": {"template": {"spec": pod.clone()}}}), vec!["spec", "template", "spec"]),
            ("ReplicaSet", json!({"spec": {"template": {"spec": pod.clone()}}}), vec!["spec", "template", "spec"]),
        ] {
            apply(kind, &mut body);
            let spec = path.iter().fold(&body, |value, key| &value[*key]);
            assert_eq!(spec["restartPolicy"], json!("Always"), "{kind}");
            assert_eq!(spec["schedulerName"], json!("default-scheduler"), "{kind}");
            assert_eq!(spec["containers"][0]["imagePullPolicy"], json!("Always"), "{kind}: :latest");
            assert_eq!(spec["containers"][0]["terminationMessagePolicy"], json!("File"), "{kind}");
            assert_eq!(spec["initContainers"][0]["imagePullPolicy"], json!("IfNotPresent"), "{kind}: a digest");
            assert_eq!(spec["initContainers"][0]["terminationMessagePath"], json!("/dev/termination-log"), "{kind}");
            assert_eq!(spec["volumes"][0]["configMap"]["defaultMode"], json!(420), "{kind}");
            assert_eq!(spec["volumes"][1]["secret"]["defaultMode"], json!(256), "{kind}: written stays");
        }
        assert!(!body_changes("StatefulSet", json!({"spec": {"replicas": 2}})), "no Deployment defaults");
        assert!(!body_changes("ConfigMap", json!({"spec": {"template": {"spec": {}}}})));
    }

    fn body_changes(kind: &str, body: Value) -> bool {
        let mut changed = body.clone();
        apply(kind, &mut changed);
        changed != body
    }

    #[test]
    fn a_recreate_strategy_gets_no_rolling_update() {
        let mut body = json!({"spec": {"strategy": {"type": "Recreate"}}});
        apply("Deployment", &mut body);
        assert_eq!(body["spec"]["strategy"], json!({"type": "Recreate"}));
        assert_eq!(body["spec"]["progressDeadlineSeconds"], json!(600));
        let mut job = json!({"spec": {"completions": 3}});
        apply("Job", &mut job);
        assert_eq!(job, json!({"spec": {"completions": 3, "backoffLimit": 6, "parallelism": 1}}));
        let mut service = json!({"spec": {"type": "NodePort", "ports": [{"name": "x"}]}});
        apply("Service", &mut service);
        assert_eq!(
            service,
            json!({"spec": {"type": "NodePort", "sessionAffinity": "None", "ports": [{"name": "x", "protocol": "TCP"}]}})
        );
    }

    #[test]
    fn only_latest_and_untagged_images_are_pulled_always() {
        assert!(pulls_always("redis:latest"));
        assert!(pulls_always("registry:5000/team/app"));
        assert!(!pulls_always("redis:7"));
        assert!(!pulls_always("redis@sha256:abc"));
        assert!(!pulls_always("registry:5000/app:latest@sha256:abc"));
    }
}
