//! Replicas, the HorizontalPodAutoscaler and the PodDisruptionBudget of a long-running app.

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{AppMetadata, AppType, AutoscalingMetadata, PdbMetadata};
use crate::origin::Origin;

const DEFAULT_API_REPLICAS: u32 = 2;
const DEFAULT_WORKER_REPLICAS: u32 = 1;
const DEFAULT_MAX_REPLICAS: u32 = 10;
const DEFAULT_TARGET_CPU_PERCENT: u32 = 80;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Autoscaling {
    pub enabled: bool,
    pub min_replicas: u32,
    pub max_replicas: u32,
    pub target_cpu: u32,
    pub target_memory: Option<u32>,
}

/// A PodDisruptionBudget's one constraint: `key` is minAvailable or maxUnavailable, `value`
/// a number or a percentage string, as Kubernetes takes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisruptionBudget {
    pub key: &'static str,
    pub value: serde_json::Value,
}

pub(super) fn replicas(meta: &AppMetadata, app_type: AppType, origin: &Origin) -> Result<u32, ComposeError> {
    let default = if app_type.is_api() { DEFAULT_API_REPLICAS } else { DEFAULT_WORKER_REPLICAS };
    origin.count("replicas", meta.replicas, default, 1)
}

pub(super) fn autoscaling(
    meta: &AutoscalingMetadata,
    app_type: AppType,
    replicas: u32,
    origin: &Origin,
) -> Result<Option<Autoscaling>, ComposeError> {
    if !app_type.is_long_running() {
        return if *meta == AutoscalingMetadata::default() {
            Ok(None)
        } else {
            Err(origin.error("autoscaling", "is only meaningful for a long-running app, not a job"))
        };
    }
    let percent = |field: &str, value: i64| -> Result<u32, ComposeError> {
        u32::try_from(value)
            .ok()
            .filter(|v| (1..=100).contains(v))
            .ok_or_else(|| origin.error(field, format!("{value} is not a percentage from 1 to 100")))
    };
    let min_replicas = origin.count("autoscaling.min_replicas", meta.min_replicas, replicas, 1)?;
    let max_replicas =
        origin.count("autoscaling.max_replicas", meta.max_replicas, DEFAULT_MAX_REPLICAS.max(min_replicas), 1)?;
    if max_replicas < min_replicas {
        return Err(
            origin.error("autoscaling.max_replicas", format!("{max_replicas} is below min_replicas {min_replicas}"))
        );
    }
    Ok(Some(Autoscaling {
        enabled: meta.enabled,
        min_replicas,
        max_replicas,
        target_cpu: meta
            .target_cpu_utilization
            .map_or(Ok(DEFAULT_TARGET_CPU_PERCENT), |v| percent("autoscaling.target_cpu_utilization", v))?,
        target_memory: meta
            .target_memory_utilization
            .map(|v| percent("autoscaling.target_memory_utilization", v))
            .transpose()?,
    }))
}

pub(super) fn disruption_budget(
    meta: &PdbMetadata,
    app_type: AppType,
    origin: &Origin,
) -> Result<Option<DisruptionBudget>, ComposeError> {
    if !app_type.is_long_running() {
        return if *meta == PdbMetadata::default() {
            Ok(None)
        } else {
            Err(origin.error("pdb", "is only meaningful for a long-running app, not a job"))
        };
    }
    let (key, field, value) = match (meta.min_available.as_str(), meta.max_unavailable.as_str()) {
        ("", "") => return Ok(Some(DisruptionBudget { key: "maxUnavailable", value: serde_json::json!(1) })),
        (min, "") => ("minAvailable", "pdb.min_available", min),
        ("", max) => ("maxUnavailable", "pdb.max_unavailable", max),
        _ => return Err(origin.error("pdb", "set min_available or max_unavailable, not both")),
    };
    let value = origin.check(field, checks::int_or_percent(value))?;
    Ok(Some(DisruptionBudget { key, value }))
}
