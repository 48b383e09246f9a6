//! A daemon app: a DaemonSet, one pod on every node its scheduling admits (a log shipper, a
//! node exporter). The node count sets its size, so the settings that size or protect a set
//! of replicas mean nothing for it and are refused, naming the field; its rolling update
//! replaces at most `max_unavailable` nodes' pods at once.

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{AppMetadata, AppType, DaemonMetadata};
use crate::origin::Origin;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Daemon {
    /// A number or a percentage string, as Kubernetes takes it.
    pub max_unavailable: serde_json::Value,
}

/// The DaemonSet's rollout of a daemon app (`None` for any other type, which may not set it).
pub(super) fn daemon(meta: &AppMetadata, app_type: AppType, origin: &Origin) -> Result<Option<Daemon>, ComposeError> {
    if app_type != AppType::Daemon {
        return if meta.daemon == DaemonMetadata::default() {
            Ok(None)
        } else {
            Err(origin.error("daemon", format!("is only meaningful for a daemon app, not a {app_type}")))
        };
    }
    refuse_replica_settings(meta, origin)?;
    let max_unavailable = match meta.daemon.max_unavailable.as_str() {
        "" => serde_json::json!(1),
        value => origin.check("daemon.max_unavailable", checks::int_or_percent(value))?,
    };
    // "012" would reach the DaemonSet as 12: a count is written as Kubernetes reads it.
    let written = meta.daemon.max_unavailable.as_str();
    let digits = written.trim_end_matches('%');
    if digits.len() > 1 && digits.starts_with('0') {
        let number = digits.trim_start_matches('0');
        let canonical = if number.is_empty() { "0" } else { number };
        let unit = if digits.len() < written.len() { "%" } else { "" };
        return Err(origin
            .error("daemon.max_unavailable", format!("{written:?} has a leading zero; write \"{canonical}{unit}\"")));
    }
    // The API server refuses a rolling update that may replace no pod.
    let percent = max_unavailable.as_str().and_then(|p| p.trim_end_matches('%').parse::<u32>().ok());
    if max_unavailable.as_u64() == Some(0) || percent == Some(0) {
        return Err(origin.error(
            "daemon.max_unavailable",
            "must not be 0: a DaemonSet's rolling update (with no surge) would never replace a pod",
        ));
    }
    Ok(Some(Daemon { max_unavailable }))
}

/// Replicas, autoscalers and disruption budgets size or protect a set of replicas; a
/// daemon's size is its node count.
fn refuse_replica_settings(meta: &AppMetadata, origin: &Origin) -> Result<(), ComposeError> {
    let set = [
        ("replicas", meta.replicas.is_some()),
        ("autoscaling", meta.autoscaling != Default::default()),
        ("keda", meta.keda != Default::default()),
        ("pdb", meta.pdb != Default::default()),
    ];
    match set.iter().find(|(_, is_set)| *is_set) {
        Some((field, _)) => Err(origin.error(
            field,
            "is not available for a daemon app: its DaemonSet runs one pod on every node its scheduling admits (no \
             replica count, autoscaler or disruption budget; daemon_max_unavailable paces its rollout)",
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::app::App;
    use crate::model::AppMetadata;
    use crate::plan::{self, Chart};

    fn agent(extra: serde_json::Value) -> AppMetadata {
        let mut json = serde_json::json!({"name": "node-agent", "target": "//x:agent", "app_type": "daemon",
                                          "image": {"repository": "r", "tag": "1"},
                                          "health": {"command": ["agent", "health"]}});
        json.as_object_mut().expect("object").extend(extra.as_object().cloned().unwrap_or_default());
        serde_json::from_value(json).expect("test metadata parses")
    }

    fn error_of(meta: &AppMetadata) -> String {
        App::from_metadata(meta, Path::new("x.json")).expect_err("refused").to_string()
    }

    #[test]
    fn a_daemon_refuses_what_sizes_a_set_of_replicas_naming_the_field() {
        for (extra, field) in [
            (serde_json::json!({"replicas": 2}), "replicas"),
            (serde_json::json!({"autoscaling": {"enabled": true}}), "autoscaling"),
            (serde_json::json!({"keda": {"triggers": [{"type": "cpu", "metric_type": "Utilization"}]}}), "keda"),
            (serde_json::json!({"pdb": {"min_available": "1"}}), "pdb"),
        ] {
            let error = error_of(&agent(extra));
            assert!(
                error.contains(&format!("//x:agent (x.json): field `{field}`: is not available for a daemon app")),
                "{error}"
            );
        }
        let error = error_of(&agent(serde_json::json!({"daemon": {"max_unavailable": "0%"}})));
        assert!(error.contains("field `daemon.max_unavailable`: must not be 0"), "{error}");
        let error = error_of(&agent(serde_json::json!({"daemon": {"max_unavailable": "012%"}})));
        assert!(
            error.contains("field `daemon.max_unavailable`: \"012%\" has a leading zero; write \"12%\""),
            "{error}"
        );
        // A count keeps no unit: only a percentage gets its '%' back.
        let error = error_of(&agent(serde_json::json!({"daemon": {"max_unavailable": "012"}})));
        assert!(error.contains("field `daemon.max_unavailable`: \"012\" has a leading zero; write \"12\""), "{error}");
        let error = error_of(&agent(serde_json::json!({"daemon": {"max_unavailable": "many"}})));
        assert!(error.contains("field `daemon.max_unavailable`: \"many\" is neither"), "{error}");
        let mut worker = agent(serde_json::json!({"app_type": "worker", "daemon": {"max_unavailable": "1"}}));
        assert!(error_of(&worker).contains("field `daemon`: is only meaningful for a daemon app, not a worker"));
        worker.daemon = Default::default();
        App::from_metadata(&worker, Path::new("x.json")).expect("a worker without daemon settings");
    }

    #[test]
    fn a_daemon_without_probes_needs_health_settings_or_the_exception() {
        let mut meta = agent(serde_json::json!({}));
        meta.health = Default::default();
        let error = error_of(&meta);
        assert!(error.contains("field `health`: a long-running app needs liveness and readiness probes"), "{error}");
        meta.policy_exceptions.insert("probes".into(), "tails node logs and serves nothing".into());
        let app = App::from_metadata(&meta, Path::new("x.json")).expect("excused");
        assert!(app.probes.is_none() && app.pdb.is_none() && app.autoscaling.is_none());
        meta.policy_exceptions.clear();
        meta.port = Some(9100);
        let error = error_of(&meta);
        assert!(error.contains("field `health`: a daemon with a port serves it, so it needs liveness"), "{error}");
    }

    fn compose(apps: &[serde_json::Value]) -> Chart {
        plan::compose_for_tests(apps).expect("composes")
    }

    /// A DaemonSet (pod spec from the shared partial, node affinity without the anti-affinity
    /// a set of replicas gets), its ServiceAccount and NetworkPolicy, a Service only with a
    /// port, and no PodDisruptionBudget or autoscaler; values hold maxUnavailable, no replicas.
    #[test]
    fn a_daemon_is_a_daemon_set_with_a_service_only_when_it_has_a_port() {
        let agent = serde_json::json!({"name": "agent", "app_type": "daemon", "image": {"repository": "r", "tag": "1"},
            "port": 9100, "health": {"probe": "http"}, "daemon": {"max_unavailable": "25%"},
            "scheduling": {"node_affinity": [{"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}]}});
        let quiet = serde_json::json!({"name": "quiet", "app_type": "daemon", "image": {"repository": "r", "tag": "1"},
            "health": {"command": ["true"]}});
        let chart = compose(&[agent, quiet]);
        let files: Vec<String> = chart.files.keys().map(|p| p.display().to_string()).collect();
        for expected in [
            "templates/agent-daemonset.yaml",
            "templates/agent-service.yaml",
            "templates/agent-serviceaccount.yaml",
            "templates/agent-networkpolicy.yaml",
            "templates/quiet-daemonset.yaml",
        ] {
            assert!(files.contains(&expected.to_string()), "{expected} missing: {files:?}");
        }
        for absent in ["templates/quiet-service.yaml", "templates/agent-pdb.yaml", "templates/agent-hpa.yaml"] {
            assert!(!files.contains(&absent.to_string()), "{absent} rendered: {files:?}");
        }
        let daemon_set = &chart.files[Path::new("templates/agent-daemonset.yaml")];
        assert!(daemon_set.contains("kind: DaemonSet\n"), "{daemon_set}");
        assert!(daemon_set.contains("maxUnavailable: {{ $app.maxUnavailable | toJson }}"), "{daemon_set}");
        assert!(daemon_set.contains("nodeAffinity:") && !daemon_set.contains("podAntiAffinity"), "{daemon_set}");
        assert!(!daemon_set.contains("replicas"), "{daemon_set}");
        let values: serde_json::Value =
            serde_yaml_ng::from_str(&chart.files[Path::new("values.yaml")]).expect("values.yaml is YAML");
        assert_eq!(values["apps"]["agent"]["maxUnavailable"], "25%");
        assert_eq!(values["apps"]["quiet"]["maxUnavailable"], 1);
        assert!(values["apps"]["agent"].get("replicas").is_none() && values["apps"]["agent"].get("pdb").is_none());
    }
}
