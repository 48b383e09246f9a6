//! Liveness and readiness probes: http (one path or two), grpc or tcp on the app's port or
//! its own, or exec (a command in the container).

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{AppType, HealthMetadata, ProbeKind, Protocol};
use crate::origin::Origin;

const DEFAULT_LIVENESS_PATH: &str = "/healthz";
const DEFAULT_READINESS_PATH: &str = "/readyz";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Probes {
    pub kind: ProbeKind,
    /// Port an http, grpc or tcp probe checks (0 for exec).
    pub port: u16,
    /// Paths of an http probe (empty otherwise).
    pub liveness_path: String,
    pub readiness_path: String,
    /// Command of an exec probe (empty otherwise).
    pub command: Vec<String>,
    /// Checks of the startup probe (every STARTUP_PERIOD_SECONDS) before it fails; none: no
    /// startup probe.
    pub startup_failure_threshold: Option<u32>,
}

/// Seconds between two checks of the startup probe.
const STARTUP_PERIOD_SECONDS: u32 = 10;

/// The startup probe's failure threshold: enough checks to cover `startup_seconds`.
fn startup_failure_threshold(health: &HealthMetadata, origin: &Origin) -> Result<Option<u32>, ComposeError> {
    let Some(seconds) = health.startup_seconds else { return Ok(None) };
    let seconds = origin.count("health.startup_seconds", Some(seconds), 1, 1)?;
    Ok(Some(seconds.div_ceil(STARTUP_PERIOD_SECONDS)))
}

/// The probe kind a port's protocol is checked with when the app does not choose one.
fn default_kind(protocol: Protocol) -> ProbeKind {
    match protocol {
        Protocol::Http => ProbeKind::Http,
        Protocol::Grpc => ProbeKind::Grpc,
        Protocol::Tcp => ProbeKind::Tcp,
    }
}

pub(super) fn probes(
    health: &HealthMetadata,
    app_type: AppType,
    port: Option<u16>,
    protocol: Protocol,
    probes_excused: bool,
    origin: &Origin,
) -> Result<Option<Probes>, ComposeError> {
    if app_type.is_batch() {
        if health.startup_seconds.is_some() {
            return Err(origin.error(
                "health.startup_seconds",
                format!("is only meaningful for a long-running app: a {app_type}'s pods have no probes"),
            ));
        }
        return Ok(None);
    }
    if matches!(app_type, AppType::Worker | AppType::Daemon) && *health == HealthMetadata::default() {
        // A worker that serves a port is checked like any server, unless it declares the
        // `probes` policy exception (whose reason security::exceptions checks); one without a
        // port needs probes or that exception too, which security::exceptions enforces.
        return match port {
            Some(_) if !probes_excused => Err(origin.error(
                "health",
                format!(
                    "a {app_type} with a port serves it, so it needs liveness and readiness probes. Three ways out: set a \
                     health setting (any health_* attribute turns the probes on: health_probe \"http\", \"grpc\" or \
                     \"tcp\" checks the port, health_port another port, health_liveness_path/health_readiness_path an \
                     http path, health_command an exec probe); or remove port if nothing connects to it; or declare \
                     policy_exceptions = {{\"probes\": \"<why the kubelet cannot check this app>\"}}"
                ),
            )),
            _ => Ok(None),
        };
    }
    let kind = match health.probe {
        Some(kind) => kind,
        None if !health.command.is_empty() => ProbeKind::Exec,
        None => default_kind(protocol),
    };
    let kind_source = match health.probe {
        Some(_) => KindSource::HealthProbe,
        None => KindSource::Protocol(protocol),
    };
    let startup_failure_threshold = startup_failure_threshold(health, origin)?;
    if kind == ProbeKind::Exec {
        return exec_probes(health, origin).map(|probes| Some(Probes { startup_failure_threshold, ..probes }));
    }
    if !health.command.is_empty() {
        return Err(origin.error(
            "health.command",
            format!(
                "is only meaningful for an exec probe; health_probe is {:?} (set it to \"exec\" or unset it)",
                kind_name(kind)
            ),
        ));
    }
    let port = match (health.port, port) {
        (Some(p), _) => origin.check("health.port", checks::port(p))?,
        (None, Some(p)) => p,
        (None, None) => {
            return Err(origin.error(
                "health.port",
                "is required when a worker without a port declares http, grpc or tcp health checks (or use \
                 health_command for an exec probe)",
            ))
        }
    };
    let (liveness_path, readiness_path) = probe_paths(health, kind, kind_source, origin)?;
    Ok(Some(Probes { kind, port, liveness_path, readiness_path, command: Vec::new(), startup_failure_threshold }))
}

fn kind_name(kind: ProbeKind) -> &'static str {
    match kind {
        ProbeKind::Http => "http",
        ProbeKind::Grpc => "grpc",
        ProbeKind::Tcp => "tcp",
        ProbeKind::Exec => "exec",
    }
}

/// An exec probe: a command, and nothing of the network kinds.
fn exec_probes(health: &HealthMetadata, origin: &Origin) -> Result<Probes, ComposeError> {
    if health.command.is_empty() {
        return Err(origin.error(
            "health.command",
            "is required for an exec probe: the command the kubelet runs in the container, e.g. \
             [\"dagster-daemon\", \"liveness-check\"]",
        ));
    }
    let network_fields = [
        ("health.port", health.port.is_some()),
        ("health.liveness_path", !health.liveness_path.is_empty()),
        ("health.readiness_path", !health.readiness_path.is_empty()),
    ];
    if let Some((field, _)) = network_fields.iter().find(|(_, set)| *set) {
        return Err(origin.error(field, "is not meaningful for an exec probe (health_command): remove it"));
    }
    Ok(Probes {
        kind: ProbeKind::Exec,
        port: 0,
        liveness_path: String::new(),
        readiness_path: String::new(),
        command: health.command.clone(),
        startup_failure_threshold: None,
    })
}

/// What chose a network probe's kind, for a message that says why a path does not apply.
#[derive(Clone, Copy)]
enum KindSource {
    /// The app's health_probe.
    HealthProbe,
    /// Unset health_probe: the port's protocol picks the probe.
    Protocol(Protocol),
}

/// Why a path set for a grpc or tcp probe is refused, and the two ways out.
fn path_without_http_probe(kind: ProbeKind, source: KindSource) -> String {
    let kind = kind_name(kind);
    let because = match source {
        KindSource::HealthProbe => format!("health_probe is {kind:?}"),
        KindSource::Protocol(protocol) => format!(
            "the probe is {kind} because the app's protocol is {:?} (health_probe unset: the port's protocol picks \
             the probe, and a {kind} probe has no path)",
            protocol.as_str()
        ),
    };
    format!(
        "is only meaningful for an http probe; {because}. Remove the path, or set health_probe = \"http\" (with \
         health_port when the HTTP endpoint is on another port than the app's)"
    )
}

/// The liveness and readiness paths of an http probe. They may be one path (a single
/// /health endpoint): the probes still differ in their timings, liveness being the more
/// patient. grpc and tcp probes have none.
fn probe_paths(
    health: &HealthMetadata,
    kind: ProbeKind,
    source: KindSource,
    origin: &Origin,
) -> Result<(String, String), ComposeError> {
    let paths = [("health.liveness_path", &health.liveness_path), ("health.readiness_path", &health.readiness_path)];
    if kind != ProbeKind::Http {
        return match paths.iter().find(|(_, path)| !path.is_empty()) {
            Some((field, _)) => Err(origin.error(field, path_without_http_probe(kind, source))),
            None => Ok((String::new(), String::new())),
        };
    }
    for (field, path) in paths {
        if !path.is_empty() && !path.starts_with('/') {
            return Err(origin.error(field, format!("{path:?} must start with '/'")));
        }
    }
    let or_default = |path: &str, default: &str| if path.is_empty() { default.to_string() } else { path.to_string() };
    Ok((
        or_default(&health.liveness_path, DEFAULT_LIVENESS_PATH),
        or_default(&health.readiness_path, DEFAULT_READINESS_PATH),
    ))
}
