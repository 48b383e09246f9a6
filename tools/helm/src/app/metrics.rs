//! Prometheus metrics of an app: the port and path a ServiceMonitor scrapes.

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{AppType, MetricsMetadata, Protocol};
use crate::origin::Origin;

const DEFAULT_PATH: &str = "/metrics";
const DEFAULT_INTERVAL: &str = "30s";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    pub port: u16,
    /// Name of the container and Service port: the app port's (its protocol) when metrics
    /// share it, else `metrics` (a port of its own).
    pub port_name: &'static str,
    /// Metrics are served on a port other than the app's own (declared separately).
    pub own_port: bool,
    pub path: String,
    pub interval: String,
}

/// Validates an app's metrics endpoint; `None` when it declares none.
pub(crate) fn metrics(
    meta: &MetricsMetadata,
    app_type: AppType,
    app_port: Option<u16>,
    protocol: Protocol,
    origin: &Origin,
) -> Result<Option<Metrics>, ComposeError> {
    let Some(port) = meta.port else {
        if *meta != MetricsMetadata::default() {
            return Err(origin.error("metrics.port", "is required when metrics.path or metrics.interval is set"));
        }
        return Ok(None);
    };
    if !app_type.is_long_running() {
        return Err(origin.error("metrics", format!("is only meaningful for a long-running app, not a {app_type}")));
    }
    let port = origin.check("metrics.port", checks::port(port))?;
    let path = if meta.path.is_empty() { DEFAULT_PATH.to_string() } else { meta.path.clone() };
    if !path.starts_with('/') {
        return Err(origin.error("metrics.path", format!("{path:?} must start with '/'")));
    }
    let interval = if meta.interval.is_empty() { DEFAULT_INTERVAL.to_string() } else { meta.interval.clone() };
    origin.check("metrics.interval", checks::prometheus_duration(&interval))?;
    let own_port = app_port != Some(port);
    let port_name = if own_port { "metrics" } else { protocol.as_str() };
    Ok(Some(Metrics { port, port_name, own_port, path, interval }))
}
