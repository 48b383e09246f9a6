//! Environments: each becomes a `values-<name>.yaml` overlay holding only what differs from
//! values.yaml, plus the chart-wide map of logical environments onto physical clusters.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde::Serialize;

use crate::app::{App, Resources};
use crate::checks;
use crate::error::ComposeError;
use crate::model::{AccessRole, EnvironmentMetadata};

/// What one environment changes for one app.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppOverlay {
    pub values_key: String,
    pub replicas: Option<u32>,
    /// Set for every long-running app: on for the listed ones, off for the rest.
    pub autoscaling: Option<bool>,
    /// Set for every app with KEDA triggers: on for the listed ones, off for the rest.
    pub keda: Option<bool>,
    pub resources: Option<Resources>,
    /// The app's Ingress TLS Secret is cleared (plain HTTP).
    pub tls_off: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    pub name: String,
    pub namespace: String,
    pub cluster: String,
    pub network_policy: bool,
    pub ingress_tls: bool,
    /// Groups bound to each built-in role in the environment's namespace.
    pub access: BTreeMap<AccessRole, Vec<String>>,
    pub apps: Vec<AppOverlay>,
}

/// Environments sharing one physical cluster.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterGroup {
    pub key: String,
    pub cluster: String,
    /// Environment name -> namespace.
    pub environments: BTreeMap<String, String>,
}

pub fn load(path: &Path, apps: &[App]) -> Result<Environment, ComposeError> {
    let text = fs::read_to_string(path).map_err(|source| ComposeError::ReadMetadata {
        path: path.into(),
        what: "environment",
        source,
    })?;
    let meta: EnvironmentMetadata = serde_json::from_str(&text).map_err(|source| ComposeError::ParseMetadata {
        path: path.into(),
        what: "environment",
        source,
    })?;
    let invalid = |message: String| ComposeError::InvalidChart {
        message: format!("environment {:?} ({}): {message}", meta.name, meta.target),
    };
    checks::dns_label(&meta.name).map_err(|m| invalid(format!("name {m}")))?;
    if !meta.namespace.is_empty() {
        checks::dns_label(&meta.namespace).map_err(|m| invalid(format!("namespace {m}")))?;
    }
    let app_named = |name: &String| {
        apps.iter().find(|a| &a.name == name).ok_or_else(|| invalid(format!("{name:?} is not an app of this chart")))
    };
    for name in meta.app_resource_presets.keys() {
        app_named(name)?;
    }
    for name in meta.replicas.keys().chain(&meta.autoscaling) {
        if !app_named(name)?.app_type.is_long_running() {
            return Err(invalid(format!(
                "{name:?} runs to completion (a job or cronjob): it has no replicas or autoscaler"
            )));
        }
    }
    for name in &meta.keda {
        if app_named(name)?.keda.is_none() {
            return Err(invalid(format!("keda: {name:?} declares no KEDA triggers (keda_triggers)")));
        }
        if meta.autoscaling.contains(name) {
            return Err(invalid(format!(
                "{name:?} is in both autoscaling and keda; KEDA runs its own HorizontalPodAutoscaler, so choose one"
            )));
        }
    }
    for (role, groups) in &meta.access {
        if let Some(bad) = groups.iter().find(|g| g.trim().is_empty() || g.trim() != g.as_str()) {
            return Err(invalid(format!("access {role:?}: {bad:?} is not a group name")));
        }
    }
    let overlays = apps
        .iter()
        .map(|app| {
            let replicas = meta
                .replicas
                .get(&app.name)
                .map(|n| u32::try_from(*n).map_err(|_| invalid(format!("replicas of {}: {n} is negative", app.name))))
                .transpose()?;
            Ok(AppOverlay {
                values_key: app.values_key.clone(),
                replicas,
                autoscaling: app.autoscaling.as_ref().map(|_| meta.autoscaling.contains(&app.name)),
                keda: app.keda.as_ref().map(|_| meta.keda.contains(&app.name)),
                resources: meta
                    .app_resource_presets
                    .get(&app.name)
                    .copied()
                    .or(meta.resource_preset.filter(|_| app.resource_preset.is_none()))
                    .map(|preset| Resources::resolve(&app.explicit_resources, preset)),
                tls_off: !meta.ingress_tls && app.ingress.is_some(),
            })
        })
        .collect::<Result<_, ComposeError>>()?;
    Ok(Environment {
        name: meta.name,
        namespace: meta.namespace,
        cluster: meta.cluster,
        network_policy: meta.network_policy,
        ingress_tls: meta.ingress_tls,
        access: meta.access,
        apps: overlays,
    })
}

/// The logical-to-physical map: environments grouped by the cluster they run on.
pub fn cluster_mapping(environments: &[Environment]) -> Vec<ClusterGroup> {
    let mut groups: BTreeMap<&str, ClusterGroup> = BTreeMap::new();
    for env in environments.iter().filter(|e| !e.cluster.is_empty()) {
        groups
            .entry(&env.cluster)
            .or_insert_with(|| ClusterGroup {
                key: checks::lower_camel_case(&env.cluster),
                cluster: env.cluster.clone(),
                environments: BTreeMap::new(),
            })
            .environments
            .insert(env.name.clone(), env.namespace.clone());
    }
    groups.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AppMetadata;

    fn apps() -> Vec<App> {
        let worker: AppMetadata = serde_json::from_value(serde_json::json!({
            "name": "worker", "app_type": "worker", "image": {"repository": "r", "tag": "1"},
            "keda": {"triggers": [{"type": "cron", "metadata": {"timezone": "UTC", "start": "0 8 * * *", "end": "0 18 * * *", "desiredReplicas": "3"}}]}
        }))
        .expect("parses");
        let api: AppMetadata = serde_json::from_value(serde_json::json!({
            "name": "status-api", "image": {"repository": "r", "tag": "1"}, "port": 8080
        }))
        .expect("parses");
        [worker, api].iter().map(|m| App::from_metadata(m, Path::new("x.json")).expect("valid")).collect()
    }

    fn load_json(environment: serde_json::Value) -> Result<Environment, ComposeError> {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("prod.json");
        fs::write(&file, environment.to_string()).expect("write");
        load(&file, &apps())
    }

    #[test]
    fn keda_is_switched_per_environment_for_apps_with_triggers() {
        let env = load_json(serde_json::json!({
            "name": "prod", "keda": ["worker"], "autoscaling": ["status-api"],
            "access": {"view": ["developers"], "edit": ["oncall"]}
        }))
        .expect("valid");
        let keda: Vec<_> = env.apps.iter().map(|a| (a.values_key.as_str(), a.keda)).collect();
        assert_eq!(keda, [("worker", Some(true)), ("statusApi", None)]);
        assert_eq!(env.access[&AccessRole::Edit], ["oncall"]);
    }

    #[test]
    fn keda_needs_triggers_and_excludes_the_autoscaler() {
        let error = load_json(serde_json::json!({"name": "prod", "keda": ["status-api"]})).expect_err("no triggers");
        assert!(error.to_string().contains("\"status-api\" declares no KEDA triggers"), "{error}");
        let error = load_json(serde_json::json!({"name": "prod", "keda": ["worker"], "autoscaling": ["worker"]}))
            .expect_err("both");
        assert!(error.to_string().contains("in both autoscaling and keda"), "{error}");
        let error = load_json(serde_json::json!({"name": "prod", "access": {"owner": ["x"]}})).expect_err("role");
        assert!(error.to_string().contains("owner"), "{error}");
    }
}
