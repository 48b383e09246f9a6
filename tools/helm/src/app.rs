//! The validated app model: what templates and values are rendered from. Building an `App`
//! is the only place input is checked, so everything downstream can trust it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::keda::{self, Keda};
use crate::metrics::{self, Metrics};
pub use crate::model::AppType;
use crate::model::{
    AppMetadata, AutoscalingMetadata, ConcurrencyPolicy, ConfigMetadata, CronMetadata, HealthMetadata, IngressMetadata,
    JobMetadata, NetworkPolicyMetadata, PdbMetadata, ProbeKind, PullPolicy, ResourcePreset, ResourcesMetadata,
};

const DEFAULT_API_REPLICAS: u32 = 2;
const DEFAULT_WORKER_REPLICAS: u32 = 1;
const DEFAULT_LIVENESS_PATH: &str = "/healthz";
const DEFAULT_READINESS_PATH: &str = "/readyz";
const DEFAULT_JOB_BACKOFF_LIMIT: u32 = 3;
const DEFAULT_JOB_TTL_SECONDS: u32 = 3600;
const DEFAULT_MAX_REPLICAS: u32 = 10;
const DEFAULT_TARGET_CPU_PERCENT: u32 = 80;
const DEFAULT_JOB_HOOK: &str = "pre-install,pre-upgrade";
const HOOK_PHASES: [&str; 4] = ["pre-install", "pre-upgrade", "post-install", "post-upgrade"];

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct App {
    pub name: String,
    /// Key of the app under `apps:` in values.yaml (lowerCamelCase of the name).
    pub values_key: String,
    pub target: String,
    pub app_type: AppType,
    pub image: Image,
    pub port: Option<u16>,
    pub command: Vec<String>,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub secret_env: BTreeMap<String, SecretKeyRef>,
    pub env_from_secrets: Vec<String>,
    pub env_from_configmaps: Vec<String>,
    pub resources: Resources,
    /// The app's own preset, which a chart-wide preset does not override.
    pub resource_preset: Option<ResourcePreset>,
    /// Quantities the app set itself, which win over any preset.
    #[serde(skip)]
    pub explicit_resources: ResourcesMetadata,
    pub replicas: u32,
    pub autoscaling: Option<Autoscaling>,
    pub keda: Option<Keda>,
    pub pdb: Option<DisruptionBudget>,
    pub metrics: Option<Metrics>,
    pub probes: Option<Probes>,
    pub ingress: Option<Ingress>,
    pub network_policy: NetworkPolicy,
    pub job: Option<Job>,
    pub cron: Option<Cron>,
    pub config: Option<Config>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    pub data: BTreeMap<String, String>,
    pub files: Vec<ConfigFile>,
    /// Where the ConfigMap is mounted; empty: its keys become environment variables.
    pub mount_path: String,
    /// Its keys become environment variables (it is not mounted).
    pub as_env: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigFile {
    /// Key in the ConfigMap (the file name).
    pub name: String,
    /// Where the composer reads the content from.
    #[serde(skip)]
    pub source: std::path::PathBuf,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cron {
    pub schedule: String,
    pub concurrency_policy: ConcurrencyPolicy,
    pub starting_deadline_seconds: u32,
    pub successful_jobs_history_limit: u32,
    pub failed_jobs_history_limit: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkPolicy {
    /// Apps allowed in, checked against the chart's apps when composing.
    pub allow_from_apps: Vec<AppRef>,
    /// APIs this app may reach.
    pub egress_to_apps: Vec<AppRef>,
    pub egress_cidrs: Vec<CidrPort>,
}

/// Another app of the chart, by name and values key.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRef {
    pub name: String,
    pub values_key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CidrPort {
    pub cidr: String,
    pub port: u16,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    pub repository: String,
    pub tag: String,
    pub digest: String,
    pub pull_policy: PullPolicy,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecretKeyRef {
    pub name: String,
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantities {
    pub cpu: String,
    pub memory: String,
    #[serde(rename = "ephemeralStorage")]
    pub ephemeral_storage: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resources {
    pub requests: Quantities,
    pub limits: Quantities,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Probes {
    pub kind: ProbeKind,
    pub port: u16,
    /// Paths of an http probe (empty for grpc and tcp).
    pub liveness_path: String,
    pub readiness_path: String,
}

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

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ingress {
    pub host: String,
    pub path: String,
    pub tls_secret: String,
    pub annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub backoff_limit: u32,
    pub ttl_seconds_after_finished: u32,
    pub active_deadline_seconds: Option<u32>,
    /// Helm hook phases joined by commas; empty for a plain Job.
    pub hook: String,
}

/// Where an app came from, for error messages: the metadata file and its Bazel target.
pub(crate) struct Origin<'a> {
    file: &'a Path,
    target: &'a str,
}

impl Origin<'_> {
    pub(crate) fn error(&self, field: &str, message: impl Into<String>) -> ComposeError {
        let location = if self.target.is_empty() {
            self.file.display().to_string()
        } else {
            format!("{} ({})", self.target, self.file.display())
        };
        ComposeError::InvalidField { location, field: field.into(), message: message.into() }
    }

    pub(crate) fn check<T>(&self, field: &str, result: Result<T, String>) -> Result<T, ComposeError> {
        result.map_err(|message| self.error(field, message))
    }

    /// A whole number of at least `minimum`, or `default` when unset.
    pub(crate) fn count(
        &self,
        field: &str,
        value: Option<i64>,
        default: u32,
        minimum: u32,
    ) -> Result<u32, ComposeError> {
        value.map_or(Ok(default), |v| {
            u32::try_from(v)
                .ok()
                .filter(|v| *v >= minimum)
                .ok_or_else(|| self.error(field, format!("{v} must be at least {minimum}")))
        })
    }
}

impl App {
    /// Validates metadata read from `file` into an app, or names the first bad field.
    pub fn from_metadata(meta: &AppMetadata, file: &Path) -> Result<App, ComposeError> {
        let app = App::from_fields(meta, file)?;
        if app.metrics.is_some() && app.probes.is_none() {
            let origin = Origin { file, target: &meta.target };
            return Err(origin.error(
                "health.port",
                "is required for a worker serving metrics: its Service needs readiness and liveness probes",
            ));
        }
        Ok(app)
    }

    /// Validates every field on its own.
    fn from_fields(meta: &AppMetadata, file: &Path) -> Result<App, ComposeError> {
        let origin = Origin { file, target: &meta.target };
        origin.check("name", checks::dns_label(&meta.name))?;
        let app_type = app_type(meta, &origin)?;
        let port = match (app_type.is_api(), meta.port) {
            (_, Some(p)) => Some(origin.check("port", checks::port(p))?),
            (true, None) => return Err(origin.error("port", format!("is required for an {app_type}"))),
            (false, None) => None,
        };
        let replicas = replicas(meta, app_type, &origin)?;
        let autoscaling = autoscaling(&meta.autoscaling, app_type, replicas, &origin)?;
        let autoscaling_enabled = autoscaling.as_ref().is_some_and(|a| a.enabled);
        Ok(App {
            name: meta.name.clone(),
            values_key: checks::lower_camel_case(&meta.name),
            target: meta.target.clone(),
            app_type,
            image: image(meta, &origin)?,
            port,
            command: meta.command.clone(),
            args: meta.args.clone(),
            env: env(meta, &origin)?,
            secret_env: secret_env(meta, &origin)?,
            env_from_secrets: names(&meta.env_from_secrets, "env_from_secrets", &origin)?,
            env_from_configmaps: names(&meta.env_from_configmaps, "env_from_configmaps", &origin)?,
            resources: Resources::resolve(&meta.resources, meta.resources.preset.unwrap_or_default()),
            resource_preset: meta.resources.preset,
            explicit_resources: checked_resources(&meta.resources, &origin)?,
            replicas,
            autoscaling,
            keda: keda::keda(&meta.keda, app_type, autoscaling_enabled, &origin)?,
            pdb: disruption_budget(&meta.pdb, app_type, &origin)?,
            metrics: metrics::metrics(&meta.metrics, app_type, port, &origin)?,
            probes: probes(&meta.health, app_type, port, &origin)?,
            ingress: ingress(&meta.ingress, app_type, &origin)?,
            network_policy: network_policy(&meta.network_policy, &origin)?,
            job: job(&meta.job, app_type, &origin)?,
            cron: cron(&meta.cron, app_type, &origin)?,
            config: config(&meta.config, &origin)?,
        })
    }
}

fn app_type(meta: &AppMetadata, origin: &Origin) -> Result<AppType, ComposeError> {
    match meta.app_type {
        Some(app_type) => Ok(app_type),
        // The core design's inference rule: a name containing "api" is an internal API;
        // anything else must say what it is.
        None if meta.name.contains("api") => Ok(AppType::InternalApi),
        None => Err(origin.error(
            "app_type",
            format!(
                "cannot be inferred from the name {:?}; set it to one of {}",
                meta.name,
                AppType::ALL.map(AppType::as_str).join(", ")
            ),
        )),
    }
}

fn image(meta: &AppMetadata, origin: &Origin) -> Result<Image, ComposeError> {
    let image = &meta.image;
    origin.check("image.repository", checks::image_repository(&image.repository))?;
    if image.tag.is_empty() && image.digest.is_empty() {
        return Err(origin.error("image.tag", "a tag or a digest is required (never an implicit latest)"));
    }
    if !image.tag.is_empty() {
        origin.check("image.tag", checks::image_tag(&image.tag))?;
    }
    if !image.digest.is_empty() {
        origin.check("image.digest", checks::image_digest(&image.digest))?;
    }
    Ok(Image {
        repository: image.repository.clone(),
        tag: image.tag.clone(),
        digest: image.digest.clone(),
        pull_policy: image.pull_policy.unwrap_or_default(),
    })
}

fn env(meta: &AppMetadata, origin: &Origin) -> Result<BTreeMap<String, String>, ComposeError> {
    for name in meta.env.keys() {
        origin.check("env", checks::env_name(name))?;
        if meta.secret_env.contains_key(name) {
            return Err(origin.error("env", format!("{name:?} is also set in secret_env; names must be unique")));
        }
    }
    Ok(meta.env.clone())
}

fn secret_env(meta: &AppMetadata, origin: &Origin) -> Result<BTreeMap<String, SecretKeyRef>, ComposeError> {
    meta.secret_env
        .iter()
        .map(|(name, reference)| {
            origin.check("secret_env", checks::env_name(name))?;
            let (secret, key) = reference
                .split_once('/')
                .filter(|(s, k)| checks::dns_subdomain(s).is_ok() && !k.is_empty())
                .ok_or_else(|| {
                    origin.error("secret_env", format!("{name}: {reference:?} is not of the form <secret-name>/<key>"))
                })?;
            Ok((name.clone(), SecretKeyRef { name: secret.into(), key: key.into() }))
        })
        .collect()
}

fn names(values: &[String], field: &str, origin: &Origin) -> Result<Vec<String>, ComposeError> {
    for value in values {
        origin.check(field, checks::dns_subdomain(value))?;
    }
    Ok(values.to_vec())
}

/// Checks the quantities an app set itself.
fn checked_resources(meta: &ResourcesMetadata, origin: &Origin) -> Result<ResourcesMetadata, ComposeError> {
    for (field, value) in [
        ("resources.cpu_request", &meta.cpu_request),
        ("resources.memory_request", &meta.memory_request),
        ("resources.cpu_limit", &meta.cpu_limit),
        ("resources.memory_limit", &meta.memory_limit),
        ("resources.ephemeral_storage_request", &meta.ephemeral_storage_request),
        ("resources.ephemeral_storage_limit", &meta.ephemeral_storage_limit),
    ] {
        if !value.is_empty() {
            origin.check(field, checks::quantity(value))?;
        }
    }
    Ok(meta.clone())
}

impl Resources {
    /// The preset's quantities, with every quantity the app set itself winning.
    pub fn resolve(explicit: &ResourcesMetadata, preset: ResourcePreset) -> Resources {
        let [[cpu_request, memory_request, storage_request], [cpu_limit, memory_limit, storage_limit]] =
            preset.quantities();
        let pick = |own: &str, preset: &str| if own.is_empty() { preset.to_string() } else { own.to_string() };
        Resources {
            requests: Quantities {
                cpu: pick(&explicit.cpu_request, cpu_request),
                memory: pick(&explicit.memory_request, memory_request),
                ephemeral_storage: pick(&explicit.ephemeral_storage_request, storage_request),
            },
            limits: Quantities {
                cpu: pick(&explicit.cpu_limit, cpu_limit),
                memory: pick(&explicit.memory_limit, memory_limit),
                ephemeral_storage: pick(&explicit.ephemeral_storage_limit, storage_limit),
            },
        }
    }
}

impl App {
    /// Applies a chart-wide preset unless the app chose its own.
    pub fn apply_chart_preset(&mut self, preset: ResourcePreset) {
        if self.resource_preset.is_none() {
            self.resources = Resources::resolve(&self.explicit_resources, preset);
        }
    }
}

fn replicas(meta: &AppMetadata, app_type: AppType, origin: &Origin) -> Result<u32, ComposeError> {
    let default = if app_type.is_api() { DEFAULT_API_REPLICAS } else { DEFAULT_WORKER_REPLICAS };
    origin.count("replicas", meta.replicas, default, 1)
}

fn autoscaling(
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

fn disruption_budget(
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

fn probes(
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
        (AppType::ExternalApi | AppType::InternalApi, None) => port.unwrap_or_default(),
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
fn probe_paths(health: &HealthMetadata, kind: ProbeKind, origin: &Origin) -> Result<(String, String), ComposeError> {
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

fn ingress(meta: &IngressMetadata, app_type: AppType, origin: &Origin) -> Result<Option<Ingress>, ComposeError> {
    let declared = *meta != IngressMetadata::default();
    if app_type != AppType::ExternalApi {
        if declared {
            return Err(origin.error("ingress", format!("is only meaningful for an external-api, not an {app_type}")));
        }
        return Ok(None);
    }
    if meta.host.is_empty() {
        return Err(origin.error("ingress.host", "is required for an external-api"));
    }
    origin.check("ingress.host", checks::dns_subdomain(&meta.host))?;
    let path = if meta.path.is_empty() { "/".to_string() } else { meta.path.clone() };
    if !path.starts_with('/') {
        return Err(origin.error("ingress.path", format!("{path:?} must start with '/'")));
    }
    if !meta.tls_secret.is_empty() {
        origin.check("ingress.tls_secret", checks::dns_subdomain(&meta.tls_secret))?;
    }
    Ok(Some(Ingress {
        host: meta.host.clone(),
        path,
        tls_secret: meta.tls_secret.clone(),
        annotations: meta.annotations.clone(),
    }))
}

fn network_policy(meta: &NetworkPolicyMetadata, origin: &Origin) -> Result<NetworkPolicy, ComposeError> {
    for (field, names) in [
        ("network_policy.allow_from_apps", &meta.allow_from_apps),
        ("network_policy.egress_to_apps", &meta.egress_to_apps),
    ] {
        for name in names {
            origin.check(field, checks::dns_label(name))?;
        }
    }
    let egress_cidrs = meta
        .egress_cidrs
        .iter()
        .map(|entry| {
            let (cidr, port) = origin.check("network_policy.egress_cidrs", checks::cidr_port(entry))?;
            Ok(CidrPort { cidr, port })
        })
        .collect::<Result<_, ComposeError>>()?;
    let refs = |names: &[String]| {
        names.iter().map(|n| AppRef { name: n.clone(), values_key: checks::lower_camel_case(n) }).collect()
    };
    Ok(NetworkPolicy {
        allow_from_apps: refs(&meta.allow_from_apps),
        egress_to_apps: refs(&meta.egress_to_apps),
        egress_cidrs,
    })
}

fn job(meta: &JobMetadata, app_type: AppType, origin: &Origin) -> Result<Option<Job>, ComposeError> {
    if !app_type.is_batch() {
        if *meta != JobMetadata::default() {
            return Err(origin.error("job", format!("is only meaningful for a job or cronjob, not an {app_type}")));
        }
        return Ok(None);
    }
    // A scheduled run is not part of installing the release: a cronjob is never a hook.
    let hook = match (app_type, meta.hook.as_str()) {
        (AppType::Cronjob, "" | "none") => String::new(),
        (AppType::Cronjob, _) => return Err(origin.error("job.hook", "a cronjob cannot be a Helm hook")),
        _ => job_hook(&meta.hook, origin)?,
    };
    Ok(Some(Job {
        backoff_limit: origin.count("job.backoff_limit", meta.backoff_limit, DEFAULT_JOB_BACKOFF_LIMIT, 0)?,
        ttl_seconds_after_finished: origin.count(
            "job.ttl_seconds_after_finished",
            meta.ttl_seconds_after_finished,
            DEFAULT_JOB_TTL_SECONDS,
            0,
        )?,
        active_deadline_seconds: meta
            .active_deadline_seconds
            .map(|v| origin.count("job.active_deadline_seconds", Some(v), 0, 1))
            .transpose()?,
        hook,
    }))
}

fn config(meta: &ConfigMetadata, origin: &Origin) -> Result<Option<Config>, ComposeError> {
    if meta.data.is_empty() && meta.files.is_empty() {
        if !meta.mount_path.is_empty() {
            return Err(origin.error("config.mount_path", "is set but the ConfigMap has no data or files"));
        }
        return Ok(None);
    }
    let as_env = meta.mount_path.is_empty();
    for key in meta.data.keys().chain(meta.files.keys()) {
        origin.check("config", checks::config_key(key))?;
        if as_env {
            origin.check(
                "config",
                checks::env_name(key).map_err(|m| format!("{m}; set config_mount_path to mount it as a file")),
            )?;
        }
        if meta.data.contains_key(key) && meta.files.contains_key(key) {
            return Err(origin.error("config", format!("{key:?} is both a data key and a file name")));
        }
    }
    if !as_env && (!meta.mount_path.starts_with('/') || meta.mount_path == "/" || meta.mount_path == "/tmp") {
        return Err(origin.error(
            "config.mount_path",
            format!("{:?} must be an absolute directory other than / and /tmp", meta.mount_path),
        ));
    }
    Ok(Some(Config {
        data: meta.data.clone(),
        files: meta
            .files
            .iter()
            .map(|(name, source)| ConfigFile { name: name.clone(), source: source.into() })
            .collect(),
        mount_path: meta.mount_path.clone(),
        as_env,
    }))
}

fn cron(meta: &CronMetadata, app_type: AppType, origin: &Origin) -> Result<Option<Cron>, ComposeError> {
    if app_type != AppType::Cronjob {
        if *meta != CronMetadata::default() {
            return Err(origin.error("cron", format!("is only meaningful for a cronjob, not an {app_type}")));
        }
        return Ok(None);
    }
    if meta.schedule.is_empty() {
        return Err(origin.error("cron.schedule", "is required for a cronjob"));
    }
    origin.check("cron.schedule", checks::cron_schedule(&meta.schedule))?;
    Ok(Some(Cron {
        schedule: meta.schedule.clone(),
        concurrency_policy: meta.concurrency_policy.unwrap_or_default(),
        starting_deadline_seconds: origin.count(
            "cron.starting_deadline_seconds",
            meta.starting_deadline_seconds,
            300,
            0,
        )?,
        successful_jobs_history_limit: origin.count(
            "cron.successful_jobs_history_limit",
            meta.successful_jobs_history_limit,
            3,
            0,
        )?,
        failed_jobs_history_limit: origin.count(
            "cron.failed_jobs_history_limit",
            meta.failed_jobs_history_limit,
            3,
            0,
        )?,
    }))
}

/// Hook phases of a job: `none` for a plain Job, empty for the default (run before installs
/// and upgrades, as migrations need), or a comma-separated list of phases.
fn job_hook(value: &str, origin: &Origin) -> Result<String, ComposeError> {
    match value.trim() {
        "none" => return Ok(String::new()),
        "" => return Ok(DEFAULT_JOB_HOOK.to_string()),
        _ => {}
    }
    let phases: Vec<&str> = value.split(',').map(str::trim).collect();
    if let Some(bad) = phases.iter().find(|p| !HOOK_PHASES.contains(p)) {
        return Err(origin.error("job.hook", format!("{bad:?} is not one of {} (or \"none\")", HOOK_PHASES.join(", "))));
    }
    Ok(phases.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(json: &str) -> AppMetadata {
        serde_json::from_str(json).expect("test metadata parses")
    }

    fn api() -> AppMetadata {
        metadata(
            r#"{"name": "status-api", "target": "//x:status_api_metadata", "image": {"repository": "ghcr.io/x/status", "tag": "1.0"}, "port": 8080}"#,
        )
    }

    fn error_of(meta: &AppMetadata) -> String {
        App::from_metadata(meta, Path::new("x.json")).expect_err("must be rejected").to_string()
    }

    fn with_keda(meta: &mut AppMetadata, enabled: bool) {
        meta.keda = serde_json::from_value(serde_json::json!({
            "enabled": enabled,
            "triggers": [{"type": "rabbitmq", "metadata": {"queueName": "q", "hostFromEnv": "AMQP_URL"}}]
        }))
        .expect("keda parses");
    }

    #[test]
    fn keda_and_the_autoscaler_are_never_both_on() {
        let mut meta = api();
        with_keda(&mut meta, true);
        meta.autoscaling.enabled = true;
        let error = error_of(&meta);
        assert!(error.contains("//x:status_api_metadata (x.json): field `keda.enabled`"), "{error}");
        assert!(error.contains("autoscaling.enabled"), "{error}");
        meta.autoscaling.enabled = false;
        let keda = App::from_metadata(&meta, Path::new("x.json")).expect("valid").keda.expect("declared");
        assert_eq!(
            (keda.min_replicas, keda.max_replicas, keda.polling_interval, keda.cooldown_period),
            (1, 5, 30, 300)
        );
    }

    #[test]
    fn keda_needs_triggers_without_credentials_on_a_long_running_app() {
        let mut meta = api();
        meta.keda.max_replicas = Some(3);
        assert!(error_of(&meta).contains("field `keda.triggers`: at least one trigger is required"));
        with_keda(&mut meta, false);
        meta.keda.triggers[0].metadata.insert("password".into(), "hunter2".into());
        assert!(error_of(&meta).contains("field `keda.triggers[0].metadata`"), "{}", error_of(&meta));
        meta.keda.triggers[0].metadata.clear();
        meta.keda.triggers[0].scaler = "cpu".into();
        assert!(error_of(&meta).contains("field `keda.triggers[0].metric_type`"), "{}", error_of(&meta));
        let mut job = metadata(r#"{"name": "migrate", "app_type": "job", "image": {"repository": "r", "tag": "1"}}"#);
        with_keda(&mut job, false);
        assert!(error_of(&job).contains("field `keda`: is only meaningful for a long-running app"));
    }

    #[test]
    fn grpc_and_tcp_probes_check_the_port_and_take_no_paths() {
        let mut meta = api();
        meta.health.probe = Some(ProbeKind::Tcp);
        let probes = App::from_metadata(&meta, Path::new("x.json")).expect("valid").probes.expect("an API has probes");
        assert_eq!((probes.kind, probes.port, probes.liveness_path.as_str()), (ProbeKind::Tcp, 8080, ""));
        meta.health.probe = Some(ProbeKind::Grpc);
        meta.health.readiness_path = "/ready".into();
        assert!(error_of(&meta).contains("field `health.readiness_path`: is only meaningful for an http probe"));
        let worker = metadata(
            r#"{"name": "w", "app_type": "worker", "image": {"repository": "r", "tag": "1"}, "health": {"probe": "grpc"}}"#,
        );
        assert!(error_of(&worker).contains("field `health.port`: is required"));
    }

    #[test]
    fn metrics_share_the_app_port_or_get_their_own() {
        let mut meta = api();
        meta.metrics.port = Some(8080);
        let metrics = App::from_metadata(&meta, Path::new("x.json")).expect("valid").metrics.expect("declared");
        assert_eq!((metrics.port_name, metrics.own_port, metrics.path.as_str()), ("http", false, "/metrics"));
        meta.metrics.port = Some(9090);
        meta.metrics.interval = "1 minute".into();
        assert!(error_of(&meta).contains("field `metrics.interval`"));
        let worker = metadata(
            r#"{"name": "w", "app_type": "worker", "image": {"repository": "r", "tag": "1"}, "metrics": {"port": 9090}}"#,
        );
        assert!(error_of(&worker).contains("field `health.port`: is required for a worker serving metrics"));
    }

    #[test]
    fn infers_internal_api_from_name() {
        let app = App::from_metadata(&api(), Path::new("x.json")).expect("valid");
        assert_eq!(app.app_type, AppType::InternalApi);
        assert_eq!(app.values_key, "statusApi");
        assert_eq!(app.replicas, 2);
        let probes = app.probes.expect("APIs have probes");
        assert_ne!(probes.liveness_path, probes.readiness_path);
    }

    #[test]
    fn other_names_need_an_explicit_type() {
        let mut meta = api();
        meta.name = "processor".into();
        let error = error_of(&meta);
        assert!(error.contains("//x:status_api_metadata (x.json): field `app_type`"), "{error}");
        assert!(error.contains("cannot be inferred"), "{error}");
    }

    #[test]
    fn rejects_unknown_type() {
        let parsed: Result<AppMetadata, _> =
            serde_json::from_str(r#"{"name": "a", "app_type": "daemon", "image": {"repository": "r"}}"#);
        let error = parsed.expect_err("unknown types are rejected").to_string();
        assert!(error.contains("unknown variant `daemon`, expected one of `external-api`"), "{error}");
    }

    #[test]
    fn rejects_bad_names() {
        for name in ["Status", "status_api", "-api", &"a".repeat(64)] {
            let mut meta = api();
            meta.name = name.into();
            assert!(error_of(&meta).contains("field `name`"), "{name}");
        }
    }

    #[test]
    fn rejects_port_out_of_range_and_missing_port() {
        let mut meta = api();
        meta.port = Some(70000);
        assert!(error_of(&meta).contains("field `port`: 70000 is out of range"));
        meta.port = None;
        assert!(error_of(&meta).contains("field `port`: is required for an internal-api"));
    }

    #[test]
    fn rejects_malformed_quantities() {
        let mut meta = api();
        meta.resources.memory_limit = "512MB".into();
        assert!(error_of(&meta).contains("field `resources.memory_limit`"));
    }

    #[test]
    fn rejects_bad_images() {
        let mut meta = api();
        meta.image.tag = "latest".into();
        assert!(error_of(&meta).contains("field `image.tag`: must not be \"latest\""));
        let mut meta = api();
        meta.image.tag = String::new();
        assert!(error_of(&meta).contains("a tag or a digest is required"));
        let mut meta = api();
        meta.image.repository = "ghcr.io/x/status:1.0".into();
        assert!(error_of(&meta).contains("field `image.repository`"));
    }

    #[test]
    fn presets_fill_what_the_app_leaves_unset() {
        let mut meta = api();
        meta.resources.memory_limit = "3Gi".into();
        let mut app = App::from_metadata(&meta, Path::new("x.json")).expect("valid");
        assert_eq!(app.resources.requests.cpu, "100m", "small by default");
        app.apply_chart_preset(ResourcePreset::Large);
        assert_eq!(app.resources.requests.cpu, "500m");
        assert_eq!(app.resources.limits.memory, "3Gi", "explicit wins");
        meta.resources.preset = Some(ResourcePreset::Medium);
        let mut own = App::from_metadata(&meta, Path::new("x.json")).expect("valid");
        own.apply_chart_preset(ResourcePreset::Large);
        assert_eq!(own.resources.requests.cpu, "250m", "the app's own preset wins over the chart's");
    }

    #[test]
    fn rejects_missing_required_fields() {
        let parsed: Result<AppMetadata, _> = serde_json::from_str(r#"{"name": "status-api"}"#);
        assert!(parsed.expect_err("image is required").to_string().contains("missing field `image`"));
        let unknown: Result<AppMetadata, _> =
            serde_json::from_str(r#"{"name": "a", "image": {"repository": "r"}, "replica": 2}"#);
        assert!(unknown.expect_err("unknown fields are rejected").to_string().contains("unknown field `replica`"));
    }

    #[test]
    fn rejects_colliding_env_names_and_bad_secret_refs() {
        let mut meta = api();
        meta.env.insert("DB_PASSWORD".into(), "x".into());
        meta.secret_env.insert("DB_PASSWORD".into(), "db/password".into());
        assert!(error_of(&meta).contains("also set in secret_env"));
        let mut meta = api();
        meta.secret_env.insert("TOKEN".into(), "no-key".into());
        assert!(error_of(&meta).contains("<secret-name>/<key>"));
    }

    #[test]
    fn identical_probes_are_rejected() {
        let mut meta = api();
        meta.health.liveness_path = "/health".into();
        meta.health.readiness_path = "/health".into();
        assert!(error_of(&meta).contains("liveness and readiness must differ"));
    }

    #[test]
    fn type_specific_settings_need_the_type() {
        let mut meta = api();
        meta.ingress.host = "example.com".into();
        assert!(error_of(&meta).contains("field `ingress`: is only meaningful for an external-api"));
        let mut meta = api();
        meta.job.backoff_limit = Some(1);
        assert!(error_of(&meta).contains("field `job`"));
    }

    #[test]
    fn cronjobs_need_a_valid_schedule_and_are_never_hooks() {
        let meta = metadata(
            r#"{"name": "nightly", "app_type": "cronjob", "image": {"repository": "r", "tag": "1"}, "cron": {"schedule": "0 3 * * *"}}"#,
        );
        let app = App::from_metadata(&meta, Path::new("x.json")).expect("valid");
        assert_eq!(app.job.expect("job settings").hook, "");
        assert_eq!(app.cron.expect("cron settings").concurrency_policy, ConcurrencyPolicy::Forbid);
        let mut bad = meta.clone();
        bad.cron.schedule = "every night".into();
        assert!(error_of(&bad).contains("field `cron.schedule`"));
        let mut hooked = meta;
        hooked.job.hook = "pre-install".into();
        assert!(error_of(&hooked).contains("a cronjob cannot be a Helm hook"));
    }

    #[test]
    fn jobs_default_to_pre_install_hooks() {
        let meta = metadata(r#"{"name": "migrations", "app_type": "job", "image": {"repository": "r", "tag": "1"}}"#);
        let app = App::from_metadata(&meta, Path::new("x.json")).expect("valid");
        assert_eq!(app.job.expect("job settings").hook, "pre-install,pre-upgrade");
        let mut meta = meta;
        meta.job.hook = "pre-delete".into();
        assert!(error_of(&meta).contains("field `job.hook`"));
    }
}
