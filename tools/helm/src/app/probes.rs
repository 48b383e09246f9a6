//! Liveness and readiness probes: http (distinct paths), grpc or tcp, on the app's port or its own.

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{AppType, HealthMetadata, ProbeKind};
use crate::origin::Origin;

const DEFAULT_LIVENESS_PATH: &str = "/healthz";
const DEFAULT_READINESS_PATH: &str = "/readyz";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Probes {
    pub kind: ProbeKind,
    pub port: u16,
    /// Paths of an http probe (empty for grpc and tcp).
    pub liveness_path: String,
    pub readiness_path: String,
}

pub(super) fn probes(
    health: &HealthMetadata,
    app_type: AppType,
    port: Option<u16>,
    origin: &Origin,
) -> Result<Option<Probes>, ComposeError> {
    let declared = health.port.is_some()
        || health.probe.is_some()
        || !health.liveness_path.is_empty()
        || !health.readiness_path.is_empty();
    let port = match (app_type, health.port) {
        (AppType::Job | AppType::Cronjob, _) => return Ok(None),
        (_, Some(p)) => origin.check("health.port", checks::port(p))?,
        (AppType::ExternalApi | AppType::InternalApi | AppType::Stateful, None) => port.unwrap_or_default(),
        // A worker has probes only when it declares a health endpoint.
        (AppType::Worker, None) if !declared => return Ok(None),
        (AppType::Worker, None) => {
            return Err(origin.error("health.port", "is required when a worker declares health checks"))
        }
    };
    let kind = health.probe.unwrap_or_default();
    let (liveness_path, readiness_path) = probe_paths(health, kind, origin)?;
    Ok(Some(Probes { kind, port, liveness_path, readiness_path }))
}

/// The liveness and readiness paths of an http probe, distinct (identical probes restart
/// pods that are merely busy); grpc and tcp probes have none.
pub(super) fn probe_paths(
    health: &HealthMetadata,
    kind: ProbeKind,
    origin: &Origin,
) -> Result<(String, String), ComposeError> {
    let paths = [("health.liveness_path", &health.liveness_path), ("health.readiness_path", &health.readiness_path)];
    if kind != ProbeKind::Http {
        return match paths.iter().find(|(_, path)| !path.is_empty()) {
            Some((field, _)) => Err(origin.error(field, "is only meaningful for an http probe")),
            None => Ok((String::new(), String::new())),
        };
    }
    for (field, path) in paths {
        if !path.is_empty() && !path.starts_with('/') {
            return Err(origin.error(field, format!("{path:?} must start with '/'")));
        }
    }
    let or_default = |path: &str, default: &str| if path.is_empty() { default.to_string() } else { path.to_string() };
    let liveness = or_default(&health.liveness_path, DEFAULT_LIVENESS_PATH);
    let readiness = or_default(&health.readiness_path, DEFAULT_READINESS_PATH);
    if liveness == readiness {
        return Err(origin.error(
            "health.readiness_path",
            format!("equals the liveness path {liveness:?}; liveness and readiness must differ"),
        ));
    }
    Ok((liveness, readiness))
}
