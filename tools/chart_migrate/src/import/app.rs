//! What import writes: apps as `release_app` attributes, and the chart as `helm_chart`'s.
//! Attributes are an enum, so that a test can hold every one the tool writes against the
//! rules' own attribute table (rules/private/metadata_fields.bzl).

use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AppType {
    ExternalApi,
    InternalApi,
    Worker,
    Job,
    Cronjob,
    Daemon,
    Stateful,
}

impl fmt::Display for AppType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AppType::ExternalApi => "external-api",
            AppType::InternalApi => "internal-api",
            AppType::Worker => "worker",
            AppType::Job => "job",
            AppType::Cronjob => "cronjob",
            AppType::Daemon => "daemon",
            AppType::Stateful => "stateful",
        })
    }
}

/// The `release_app` attributes import can set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Attribute {
    AppType,
    Args,
    AutoscalingEnabled,
    AutoscalingMaxReplicas,
    AutoscalingMinReplicas,
    AutoscalingTargetCpuUtilization,
    AutoscalingTargetMemoryUtilization,
    Command,
    ConfigData,
    ConfigMountPath,
    CronConcurrencyPolicy,
    CronFailedJobsHistoryLimit,
    CronSchedule,
    CronStartingDeadlineSeconds,
    CronSuccessfulJobsHistoryLimit,
    DaemonMaxUnavailable,
    Env,
    EnvFromConfigmaps,
    EnvFromSecrets,
    HealthCommand,
    HealthLivenessPath,
    HealthPort,
    HealthProbe,
    HealthReadinessPath,
    HealthStartupSeconds,
    ImageDigest,
    ImagePullPolicy,
    ImagePullSecrets,
    ImageRepository,
    ImageTag,
    IngressAnnotations,
    IngressHost,
    IngressPath,
    IngressTlsSecret,
    InitContainers,
    JobActiveDeadlineSeconds,
    JobBackoffLimit,
    JobHook,
    JobHookWeight,
    JobKeepFinished,
    JobRestartPolicy,
    JobTtlSecondsAfterFinished,
    PdbMaxUnavailable,
    PdbMinAvailable,
    PodAnnotations,
    PodLabels,
    PolicyExceptions,
    Port,
    Ports,
    Protocol,
    Replicas,
    ResourcesCpuLimit,
    ResourcesCpuRequest,
    ResourcesEphemeralStorageLimit,
    ResourcesEphemeralStorageRequest,
    ResourcesMemoryLimit,
    ResourcesMemoryRequest,
    SchedulingNodeAffinity,
    SchedulingNodeSelector,
    SchedulingPriorityClassName,
    SchedulingTolerations,
    SchedulingTopologySpread,
    SecretEnv,
    SecretMounts,
    SecurityWritablePaths,
    ServiceNodePort,
    ServiceReason,
    ServiceType,
    ShutdownGracePeriodSeconds,
    ShutdownPreStopCommand,
    ShutdownPreStopSleepSeconds,
    StorageClass,
    StorageMountPath,
    StorageSize,
    Volumes,
}

impl Attribute {
    pub const ALL: &'static [Attribute] = &[
        Attribute::AppType,
        Attribute::Args,
        Attribute::AutoscalingEnabled,
        Attribute::AutoscalingMaxReplicas,
        Attribute::AutoscalingMinReplicas,
        Attribute::AutoscalingTargetCpuUtilization,
        Attribute::AutoscalingTargetMemoryUtilization,
        Attribute::Command,
        Attribute::ConfigData,
        Attribute::ConfigMountPath,
        Attribute::CronConcurrencyPolicy,
        Attribute::CronFailedJobsHistoryLimit,
        Attribute::CronSchedule,
        Attribute::CronStartingDeadlineSeconds,
        Attribute::CronSuccessfulJobsHistoryLimit,
        Attribute::DaemonMaxUnavailable,
        Attribute::Env,
        Attribute::EnvFromConfigmaps,
        Attribute::EnvFromSecrets,
        Attribute::HealthCommand,
        Attribute::HealthLivenessPath,
        Attribute::HealthPort,
        Attribute::HealthProbe,
        Attribute::HealthReadinessPath,
        Attribute::HealthStartupSeconds,
        Attribute::ImageDigest,
        Attribute::ImagePullPolicy,
        Attribute::ImagePullSecrets,
        Attribute::ImageRepository,
        Attribute::ImageTag,
        Attribute::IngressAnnotations,
        Attribute::IngressHost,
        Attribute::IngressPath,
        Attribute::IngressTlsSecret,
        Attribute::InitContainers,
        Attribute::JobActiveDeadlineSeconds,
        Attribute::JobBackoffLimit,
        Attribute::JobHook,
        Attribute::JobHookWeight,
        Attribute::JobKeepFinished,
        Attribute::JobRestartPolicy,
        Attribute::JobTtlSecondsAfterFinished,
        Attribute::PdbMaxUnavailable,
        Attribute::PdbMinAvailable,
        Attribute::PodAnnotations,
        Attribute::PodLabels,
        Attribute::PolicyExceptions,
        Attribute::Port,
        Attribute::Ports,
        Attribute::Protocol,
        Attribute::Replicas,
        Attribute::ResourcesCpuLimit,
        Attribute::ResourcesCpuRequest,
        Attribute::ResourcesEphemeralStorageLimit,
        Attribute::ResourcesEphemeralStorageRequest,
        Attribute::ResourcesMemoryLimit,
        Attribute::ResourcesMemoryRequest,
        Attribute::SchedulingNodeAffinity,
        Attribute::SchedulingNodeSelector,
        Attribute::SchedulingPriorityClassName,
        Attribute::SchedulingTolerations,
        Attribute::SchedulingTopologySpread,
        Attribute::SecretEnv,
        Attribute::SecretMounts,
        Attribute::SecurityWritablePaths,
        Attribute::ServiceNodePort,
        Attribute::ServiceReason,
        Attribute::ServiceType,
        Attribute::ShutdownGracePeriodSeconds,
        Attribute::ShutdownPreStopCommand,
        Attribute::ShutdownPreStopSleepSeconds,
        Attribute::StorageClass,
        Attribute::StorageMountPath,
        Attribute::StorageSize,
        Attribute::Volumes,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Attribute::AppType => "app_type",
            Attribute::Args => "args",
            Attribute::AutoscalingEnabled => "autoscaling_enabled",
            Attribute::AutoscalingMaxReplicas => "autoscaling_max_replicas",
            Attribute::AutoscalingMinReplicas => "autoscaling_min_replicas",
            Attribute::AutoscalingTargetCpuUtilization => "autoscaling_target_cpu_utilization",
            Attribute::AutoscalingTargetMemoryUtilization => "autoscaling_target_memory_utilization",
            Attribute::Command => "command",
            Attribute::ConfigData => "config_data",
            Attribute::ConfigMountPath => "config_mount_path",
            Attribute::CronConcurrencyPolicy => "cron_concurrency_policy",
            Attribute::CronFailedJobsHistoryLimit => "cron_failed_jobs_history_limit",
            Attribute::CronSchedule => "cron_schedule",
            Attribute::CronStartingDeadlineSeconds => "cron_starting_deadline_seconds",
            Attribute::CronSuccessfulJobsHistoryLimit => "cron_successful_jobs_history_limit",
            Attribute::DaemonMaxUnavailable => "daemon_max_unavailable",
            Attribute::Env => "env",
            Attribute::EnvFromConfigmaps => "env_from_configmaps",
            Attribute::EnvFromSecrets => "env_from_secrets",
            Attribute::HealthCommand => "health_command",
            Attribute::HealthLivenessPath => "health_liveness_path",
            Attribute::HealthPort => "health_port",
            Attribute::HealthProbe => "health_probe",
            Attribute::HealthReadinessPath => "health_readiness_path",
            Attribute::HealthStartupSeconds => "health_startup_seconds",
            Attribute::ImageDigest => "image_digest",
            Attribute::ImagePullPolicy => "image_pull_policy",
            Attribute::ImagePullSecrets => "image_pull_secrets",
            Attribute::ImageRepository => "image_repository",
            Attribute::ImageTag => "image_tag",
            Attribute::IngressAnnotations => "ingress_annotations",
            Attribute::IngressHost => "ingress_host",
            Attribute::IngressPath => "ingress_path",
            Attribute::IngressTlsSecret => "ingress_tls_secret",
            Attribute::InitContainers => "init_containers",
            Attribute::JobActiveDeadlineSeconds => "job_active_deadline_seconds",
            Attribute::JobBackoffLimit => "job_backoff_limit",
            Attribute::JobHook => "job_hook",
            Attribute::JobHookWeight => "job_hook_weight",
            Attribute::JobKeepFinished => "job_keep_finished",
            Attribute::JobRestartPolicy => "job_restart_policy",
            Attribute::JobTtlSecondsAfterFinished => "job_ttl_seconds_after_finished",
            Attribute::PdbMaxUnavailable => "pdb_max_unavailable",
            Attribute::PdbMinAvailable => "pdb_min_available",
            Attribute::PodAnnotations => "pod_annotations",
            Attribute::PodLabels => "pod_labels",
            Attribute::PolicyExceptions => "policy_exceptions",
            Attribute::Port => "port",
            Attribute::Ports => "ports",
            Attribute::Protocol => "protocol",
            Attribute::Replicas => "replicas",
            Attribute::ResourcesCpuLimit => "resources_cpu_limit",
            Attribute::ResourcesCpuRequest => "resources_cpu_request",
            Attribute::ResourcesEphemeralStorageLimit => "resources_ephemeral_storage_limit",
            Attribute::ResourcesEphemeralStorageRequest => "resources_ephemeral_storage_request",
            Attribute::ResourcesMemoryLimit => "resources_memory_limit",
            Attribute::ResourcesMemoryRequest => "resources_memory_request",
            Attribute::SchedulingNodeAffinity => "scheduling_node_affinity",
            Attribute::SchedulingNodeSelector => "scheduling_node_selector",
            Attribute::SchedulingPriorityClassName => "scheduling_priority_class_name",
            Attribute::SchedulingTolerations => "scheduling_tolerations",
            Attribute::SchedulingTopologySpread => "scheduling_topology_spread",
            Attribute::SecretEnv => "secret_env",
            Attribute::SecretMounts => "secret_mounts",
            Attribute::SecurityWritablePaths => "security_writable_paths",
            Attribute::ServiceNodePort => "service_node_port",
            Attribute::ServiceReason => "service_reason",
            Attribute::ServiceType => "service_type",
            Attribute::ShutdownGracePeriodSeconds => "shutdown_grace_period_seconds",
            Attribute::ShutdownPreStopCommand => "shutdown_pre_stop_command",
            Attribute::ShutdownPreStopSleepSeconds => "shutdown_pre_stop_sleep_seconds",
            Attribute::StorageClass => "storage_class",
            Attribute::StorageMountPath => "storage_mount_path",
            Attribute::StorageSize => "storage_size",
            Attribute::Volumes => "volumes",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttrValue {
    Str(String),
    Int(i64),
    Bool(bool),
    List(Vec<String>),
    Dict(BTreeMap<String, String>),
    /// A list of dicts (tolerations, node affinity, ...), written as a Starlark literal.
    Json(serde_json::Value),
}

/// One app: the `release_app` target `name` (the app name with `-` as `_`, which
/// release_app turns back into the app name) and its attributes.
#[derive(Clone, Debug, PartialEq)]
pub struct App {
    pub name: String,
    pub app_type: AppType,
    pub attributes: BTreeMap<Attribute, AttrValue>,
    /// The objects it was read from, `Kind/name`, for the report.
    pub sources: Vec<String>,
}

impl App {
    pub fn new(name: &str, app_type: AppType, source: String) -> App {
        App { name: name.to_string(), app_type, attributes: BTreeMap::new(), sources: vec![source] }
    }

    pub fn target(&self) -> String {
        self.name.replace('-', "_")
    }

    pub fn set(&mut self, attribute: Attribute, value: AttrValue) {
        self.attributes.insert(attribute, value);
    }

    pub fn set_str(&mut self, attribute: Attribute, value: &str) {
        self.set(attribute, AttrValue::Str(value.to_string()));
    }

    pub fn get(&self, attribute: Attribute) -> Option<&AttrValue> {
        self.attributes.get(&attribute)
    }

    /// Adds `key: value` to a dict attribute (env, secret_env, config_data, ...).
    pub fn insert(&mut self, attribute: Attribute, key: &str, value: &str) {
        if let AttrValue::Dict(dict) =
            self.attributes.entry(attribute).or_insert_with(|| AttrValue::Dict(BTreeMap::new()))
        {
            dict.insert(key.to_string(), value.to_string());
        }
    }

    /// Appends to a list attribute (env_from_secrets, ...).
    pub fn push(&mut self, attribute: Attribute, value: &str) {
        if let AttrValue::List(list) = self.attributes.entry(attribute).or_insert_with(|| AttrValue::List(Vec::new())) {
            list.push(value.to_string());
        }
    }
}

/// The `helm_chart` declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartDecl {
    pub chart_name: String,
    pub chart_version: String,
    pub app_version: Option<String>,
    pub description: Option<String>,
    /// `per-app` when every Ingress of the chart routes to one app (their names then match).
    pub per_app_ingress: bool,
}

#[cfg(test)]
mod tests {
    use super::Attribute;
    use std::path::PathBuf;

    /// The rules' attribute table: in the runfiles under Bazel, in the source tree under cargo.
    fn metadata_fields() -> String {
        let relative = PathBuf::from("rules/private/metadata_fields.bzl");
        let path = if relative.exists() {
            relative
        } else {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(&relative)
        };
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn every_attribute_import_writes_is_one_the_rules_have() {
        let table = metadata_fields();
        for attribute in Attribute::ALL {
            let entry = format!("\"{}\": struct(", attribute.name());
            assert!(table.contains(&entry), "release_app has no attribute {}", attribute.name());
        }
        let mut names: Vec<&str> = Attribute::ALL.iter().map(|a| a.name()).collect();
        names.dedup();
        assert_eq!(names.len(), Attribute::ALL.len(), "Attribute::ALL lists an attribute twice");
    }
}
