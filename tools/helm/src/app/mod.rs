//! The validated app model: what templates and values are rendered from. Building an `App`
//! is the only place input is checked, so everything downstream can trust it.

mod config;
mod daemon;
mod env;
mod image;
mod ingress;
mod init_containers;
mod job;
mod keda;
mod metrics;
mod network;
mod network_selectors;
mod pod_metadata;
mod ports;
mod probes;
mod resources;
mod scaling;
mod scheduling;
mod security;
mod shutdown;
mod storage;
#[cfg(test)]
mod tests;
mod volumes;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{AppMetadata, AppType, Protocol, ResourcePreset, ResourcesMetadata};
use crate::origin::Origin;

pub use config::{Config, ConfigFile};
pub use daemon::Daemon;
pub use env::{ClusterEnv, SecretKeyRef, SecretMount, SiblingAddress};
pub use image::Image;
pub use ingress::Ingress;
pub use init_containers::InitContainer;
pub use job::{Cron, Job};
pub use keda::{AuthenticationRef, Keda, Trigger};
pub use metrics::Metrics;
pub use network::{AppRef, CidrPort, NetworkPolicy, PeerAppRef};
pub use network_selectors::SelectorPeer;
pub(crate) use pod_metadata::{pod_annotations, pod_labels};
pub(crate) use ports::{ports_values_schema, service_values_schema};
pub use ports::{NamedPort, ServiceExposure};
pub use probes::Probes;
pub use resources::{Quantities, Resources};
pub use scaling::{Autoscaling, DisruptionBudget};
pub(crate) use scheduling::{node_selector, priority_class_name, tolerations};
pub use scheduling::{Scheduling, SpreadConstraint, Toleration};
pub use security::{PolicyException, Security};
pub use shutdown::{PreStop, Shutdown};
pub use storage::Storage;
pub use volumes::{Claim, EmptyDir, Token, Volume};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct App {
    pub name: String,
    /// Key of the app under `apps:` in values.yaml (lowerCamelCase of the name).
    pub values_key: String,
    pub target: String,
    pub app_type: AppType,
    pub image: Image,
    /// Secrets (names) the pod pulls its image with, besides the chart's.
    pub image_pull_secrets: Vec<String>,
    pub port: Option<u16>,
    /// What the port speaks; its name is also the container and Service port's name.
    pub protocol: Protocol,
    pub port_name: &'static str,
    /// Port of the Service (when the app has a port).
    pub service_port: Option<u16>,
    /// Named ports besides the main one.
    pub ports: Vec<NamedPort>,
    /// The Service's type and its reason.
    pub service: ServiceExposure,
    /// Name of the port an Ingress routes to (the main port's unless ingress.port names another).
    pub ingress_port_name: String,
    pub command: Vec<String>,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub secret_env: BTreeMap<String, SecretKeyRef>,
    /// Addresses of other apps of the chart.
    pub sibling_env: Vec<SiblingAddress>,
    /// Values of the downward API and of Helm.
    pub cluster_env: Vec<ClusterEnv>,
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
    pub secret_mounts: Vec<SecretMount>,
    /// The app's own version label; empty: the chart's appVersion.
    pub version: String,
    /// Argo CD sync wave of the app's objects (a hook job's is its hook weight).
    pub sync_wave: Option<i32>,
    pub security: Security,
    /// The hardening defaults the app is excused from, in a fixed order.
    pub policy_exceptions: Vec<PolicyException>,
    /// kube-score's `kube-score/ignore` value for those exceptions.
    pub kube_score_ignore: String,
    pub storage: Option<Storage>,
    /// The DaemonSet's rollout of a daemon app.
    pub daemon: Option<Daemon>,
    /// Where the pods run.
    pub scheduling: Scheduling,
    /// How the pods stop.
    pub shutdown: Shutdown,
    pub pod_annotations: BTreeMap<String, String>,
    pub pod_labels: BTreeMap<String, String>,
    /// Init containers and native sidecars, in order.
    pub init_containers: Vec<InitContainer>,
    /// Volumes besides the chart's own, mounted into the containers each names.
    pub volumes: Vec<Volume>,
    /// A volume attaches to one node: the Deployment replaces its pod with Recreate.
    pub single_node_volume: bool,
}

impl App {
    /// Validates metadata read from `file` into an app, or names the first bad field.
    pub fn from_metadata(meta: &AppMetadata, file: &Path) -> Result<App, ComposeError> {
        let mut app = App::from_fields(meta, file)?;
        let origin = Origin::new(file, &meta.target);
        if app.metrics.is_some() && app.probes.is_none() {
            return Err(origin.error(
                "health.port",
                "is required for a worker serving metrics: its Service needs readiness and liveness probes (set \
                 health_port, or health_command for an exec probe)",
            ));
        }
        app.policy_exceptions = security::exceptions(
            &meta.policy_exceptions,
            &app.security,
            app.probes.is_some(),
            app.app_type.is_long_running(),
            &origin,
        )?;
        app.kube_score_ignore = security::kube_score_ignore(&app.policy_exceptions);
        ports::check_probe_port(app.probes.as_ref().map(|p| p.port).filter(|p| *p != 0), &app.ports, &origin)?;
        app.sync_wave = sync_wave(meta, app.job.as_ref(), &origin)?;
        volumes::check_single_node(
            &app.volumes,
            app.replicas,
            app.autoscaling.as_ref().is_some_and(|a| a.enabled) || app.keda.as_ref().is_some_and(|k| k.enabled),
            &origin,
        )?;
        app.single_node_volume = app.volumes.iter().any(Volume::attaches_to_one_node);
        Ok(app)
    }

    /// Validates every field on its own.
    fn from_fields(meta: &AppMetadata, file: &Path) -> Result<App, ComposeError> {
        let origin = Origin::new(file, &meta.target);
        origin.check("name", checks::dns_label(&meta.name))?;
        let app_type = app_type(meta, &origin)?;
        let port = match (app_type.is_api() || app_type == AppType::Stateful, meta.port) {
            (_, Some(p)) => Some(origin.check("port", checks::port(p))?),
            (true, None) if app_type == AppType::Stateful => {
                return Err(origin.error("port", "is required for a stateful app (its clients connect to it)"))
            }
            (true, None) => return Err(origin.error("port", format!("is required for an {app_type}"))),
            (false, None) => None,
        };
        let protocol = meta.protocol.unwrap_or_default();
        let service_port = service_port(meta, port, protocol, &origin)?;
        let service = ports::exposure(meta, app_type, port.is_some(), &origin)?;
        let metrics = metrics::metrics(&meta.metrics, app_type, port, protocol, &origin)?;
        let main_port = ports::MainPort {
            port,
            name: protocol.as_str(),
            service_port,
            metrics_port: metrics.as_ref().filter(|m| m.own_port).map(|m| m.port),
        };
        let named_ports = ports::ports(meta, &main_port, &service, &origin)?;
        let ingress_port_name = ports::ingress_port(meta, protocol.as_str(), &named_ports, &origin)?;
        let sibling_env = env::sibling_env(meta, &origin)?;
        let cluster_env = env::cluster_env(meta, &origin)?;
        env::check_unique_names(meta, &sibling_env, &cluster_env, &origin)?;
        let daemon = daemon::daemon(meta, app_type, &origin)?;
        let replicas = scaling::replicas(meta, app_type, &origin)?;
        if app_type == AppType::Stateful {
            refuse_for_stateful(meta, &origin)?;
        }
        let autoscaling = match app_type {
            AppType::Stateful | AppType::Daemon => None,
            _ => scaling::autoscaling(&meta.autoscaling, app_type, replicas, &origin)?,
        };
        let autoscaling_enabled = autoscaling.as_ref().is_some_and(|a| a.enabled);
        Ok(App {
            name: meta.name.clone(),
            values_key: checks::lower_camel_case(&meta.name),
            target: meta.target.clone(),
            app_type,
            image: image::image(meta, &origin)?,
            image_pull_secrets: image::pull_secrets(meta, &origin)?,
            port,
            protocol,
            port_name: protocol.as_str(),
            service_port,
            ports: named_ports,
            service,
            ingress_port_name,
            command: meta.command.clone(),
            args: meta.args.clone(),
            env: env::env(meta, &origin)?,
            secret_env: env::secret_env(meta, &origin)?,
            sibling_env,
            cluster_env,
            env_from_secrets: env::names(&meta.env_from_secrets, "env_from_secrets", &origin)?,
            env_from_configmaps: env::names(&meta.env_from_configmaps, "env_from_configmaps", &origin)?,
            resources: Resources::resolve(&meta.resources, meta.resources.preset.unwrap_or_default()),
            resource_preset: meta.resources.preset,
            explicit_resources: resources::checked_resources(&meta.resources, &origin)?,
            replicas,
            autoscaling,
            keda: keda::keda(&meta.keda, app_type, autoscaling_enabled, &origin)?,
            pdb: match &daemon {
                Some(_) => None,
                None => scaling::disruption_budget(&meta.pdb, app_type, &origin)?,
            },
            metrics,
            probes: probes::probes(
                &meta.health,
                app_type,
                port,
                protocol,
                meta.policy_exceptions.contains_key("probes"),
                &origin,
            )?,
            ingress: ingress::ingress(&meta.ingress, app_type, &origin)?,
            network_policy: network::network_policy(&meta.network_policy, port, &origin)?,
            job: job::job(&meta.job, app_type, &origin)?,
            cron: job::cron(&meta.cron, &meta.name, app_type, &origin)?,
            config: config::config(&meta.config, &origin)?,
            secret_mounts: env::secret_mounts(meta, &origin)?,
            version: version(&meta.version, &origin)?,
            sync_wave: None,
            security: security::security(&meta.security, &origin)?,
            policy_exceptions: Vec::new(),
            kube_score_ignore: String::new(),
            storage: storage::storage(&meta.storage, app_type, &origin)?,
            daemon,
            scheduling: scheduling::scheduling(&meta.scheduling, &origin)?,
            shutdown: shutdown::shutdown(&meta.shutdown, &origin)?,
            pod_annotations: pod_metadata::pod_annotations(&meta.pod_annotations, "pod_annotations", &origin)?,
            pod_labels: pod_metadata::pod_labels(&meta.pod_labels, "pod_labels", &origin)?,
            init_containers: init_containers::init_containers(meta, &origin)?,
            volumes: volumes::volumes(meta, app_type, &origin)?,
            single_node_volume: false,
        })
    }
}

/// A stateful app (a database or cache) is never autoscaled, and its metrics would need a
/// Service the headless one is not; exporters run as apps of their own.
fn refuse_for_stateful(meta: &AppMetadata, origin: &Origin) -> Result<(), ComposeError> {
    let set = [
        ("autoscaling", meta.autoscaling != Default::default()),
        ("keda", meta.keda != Default::default()),
        ("metrics", meta.metrics != Default::default()),
    ];
    match set.iter().find(|(_, is_set)| *is_set) {
        Some((field, _)) => {
            Err(origin.error(field, "is not available for a stateful app (a StatefulSet of fixed size)"))
        }
        None => Ok(()),
    }
}

/// The app's version label: a label value once '+' (SemVer build metadata) becomes '_'.
fn version(version: &str, origin: &Origin) -> Result<String, ComposeError> {
    if !version.is_empty() {
        origin.check("version", checks::label_value(&version.replace('+', "_")))?;
    }
    Ok(version.to_string())
}

/// An Argo CD wave for the app's objects. A hook job's wave is its hook weight unless the
/// user gives a reason for another (Argo CD orders PreSync hooks by wave, Helm by weight;
/// the two orders may legitimately differ, but never by accident).
fn sync_wave(meta: &AppMetadata, job: Option<&Job>, origin: &Origin) -> Result<Option<i32>, ComposeError> {
    let is_hook = job.is_some_and(|j| !j.hook.is_empty());
    let reason = meta.job.sync_wave_reason.trim();
    let Some(wave) = meta.sync_wave else {
        if !reason.is_empty() {
            return Err(origin.error("job.sync_wave_reason", "is only meaningful with sync_wave, which is unset"));
        }
        return Ok(None);
    };
    match (is_hook, reason.is_empty()) {
        (true, true) => {
            return Err(origin.error(
                "sync_wave",
                "a hook job's Argo CD sync wave is its hook weight (set job_hook_weight to order both); to give \
                 Argo CD another wave, say why in job_sync_wave_reason",
            ))
        }
        (false, false) => {
            return Err(origin.error(
                "job.sync_wave_reason",
                "is only meaningful for a hook job (only a hook's wave is otherwise its hook weight)",
            ))
        }
        _ => {}
    }
    i32::try_from(wave)
        .map(Some)
        .map_err(|_| origin.error("sync_wave", format!("{wave} is outside -2147483648..2147483647")))
}
/// The Service port: the app's choice, else 80 for http (what HTTP clients assume) and the
/// container port for grpc and tcp (what their clients were configured with).
fn service_port(
    meta: &AppMetadata,
    port: Option<u16>,
    protocol: Protocol,
    origin: &Origin,
) -> Result<Option<u16>, ComposeError> {
    let Some(port) = port else {
        if meta.service_port.is_some() || meta.protocol.is_some() {
            let field = if meta.service_port.is_some() { "service_port" } else { "protocol" };
            return Err(origin.error(field, "needs port: it describes the port the app listens on"));
        }
        return Ok(None);
    };
    match (meta.service_port, protocol) {
        (Some(p), _) => origin.check("service_port", checks::port(p)).map(Some),
        (None, Protocol::Http) => Ok(Some(DEFAULT_HTTP_SERVICE_PORT)),
        (None, Protocol::Grpc | Protocol::Tcp) => Ok(Some(port)),
    }
}

/// Service port of an http app that chooses none.
pub const DEFAULT_HTTP_SERVICE_PORT: u16 = 80;

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

impl App {
    /// Applies a chart-wide preset unless the app chose its own.
    pub fn apply_chart_preset(&mut self, preset: ResourcePreset) {
        if self.resource_preset.is_none() {
            self.resources = Resources::resolve(&self.explicit_resources, preset);
        }
    }
}
