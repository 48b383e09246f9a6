//! The app metadata schema: the one definition of what an app may declare.
//!
//! `app_metadata` (rules/private/app_metadata.bzl) writes one JSON file per app in exactly
//! this shape. Everything else follows from these types: the Starlark attributes
//! (rules/private/metadata_fields.bzl), the JSON schema and the reference docs
//! (docs/app-metadata.md) are generated from them by `composer metadata`, and tests fail
//! when a generated file is stale. Doc comments here are the user documentation.
//! Unknown fields are rejected. These types describe *input*; `app.rs` validates them.
//! Files in this shape are read by `input::read_json`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One app, as written by the `app_metadata` rule.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AppMetadata {
    /// App name: a DNS-1035 label of at most 63 characters, used in object and file names.
    pub name: String,
    /// Bazel label of the metadata target, for error messages.
    #[serde(default)]
    pub target: String,
    /// What the app is, which decides the objects it gets. Unset: a name containing "api"
    /// is an internal-api; any other name must set it.
    #[serde(default)]
    pub app_type: Option<AppType>,
    /// Container image.
    pub image: ImageMetadata,
    /// Secrets holding the credentials of the image's private registry (type
    /// kubernetes.io/dockerconfigjson), by name: each a DNS-1123 subdomain, created outside
    /// the chart (credentials never appear in it). The pod uses them besides the chart's
    /// image_pull_secrets.
    #[serde(default)]
    pub image_pull_secrets: Vec<String>,
    /// Port the container listens on; required for external-api and internal-api. A worker
    /// with a port serves it and needs probes (any health_* setting turns them on) or the
    /// "probes" policy exception.
    #[serde(default)]
    pub port: Option<i64>,
    /// What the port speaks: http (the default), grpc or tcp. It names the container and
    /// Service port, sets the Service port's appProtocol, and picks the default probe (an
    /// http GET, Kubernetes' grpc probe, a tcp connection).
    #[serde(default)]
    pub protocol: Option<Protocol>,
    /// Port of the app's ClusterIP Service, which forwards to `port`; unset: 80 for http,
    /// the container port for grpc and tcp (clients keep the port they know).
    #[serde(default)]
    pub service_port: Option<i64>,
    /// Overrides the image entrypoint.
    #[serde(default)]
    pub command: Vec<String>,
    /// Arguments to the entrypoint.
    #[serde(default)]
    pub args: Vec<String>,
    /// Environment variables, NAME: value. Values reach the pod literally, never templated.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Environment variables read from Secrets, NAME: "secret-name/key". Secret values never
    /// appear in the chart.
    #[serde(default)]
    pub secret_env: BTreeMap<String, String>,
    /// Environment variables holding another app's in-cluster address, following the release
    /// name and namespace: a list of {"env": NAME, "app": app of this chart with a port,
    /// "form": host, host-port or url (the default; http apps only)}. In Starlark a list of
    /// dicts. The NetworkPolicies open each address's path (this app's egress, the other's
    /// ingress), as network_policy.egress_to_apps would. With "chart": the name of one of
    /// helm_chart's peer_charts, "app" is an app of that chart, addressed in that chart's
    /// release and namespace of each environment; this app's egress to it is opened, and
    /// that app must admit this one (its network_policy.ingress_from_selectors).
    #[serde(default)]
    pub sibling_env: Vec<SiblingEnv>,
    /// Environment variables the cluster provides, NAME: field, where field is pod-name,
    /// pod-namespace, pod-ip, node-name, cpu-request, cpu-limit (millicores), memory-request,
    /// memory-limit (bytes), release-name or chart-name.
    #[serde(default)]
    pub cluster_env: BTreeMap<String, ClusterField>,
    /// Secrets whose every key becomes an environment variable.
    #[serde(default)]
    pub env_from_secrets: Vec<String>,
    /// ConfigMaps whose every key becomes an environment variable.
    #[serde(default)]
    pub env_from_configmaps: Vec<String>,
    /// CPU and memory of the container.
    #[serde(default)]
    pub resources: ResourcesMetadata,
    /// Pods of a long-running app; unset: 2 for APIs, 1 for workers.
    #[serde(default)]
    pub replicas: Option<i64>,
    /// HTTP health checks.
    #[serde(default)]
    pub health: HealthMetadata,
    /// Horizontal pod autoscaling (autoscaling/v2) of a long-running app.
    #[serde(default)]
    pub autoscaling: AutoscalingMetadata,
    /// Event-driven autoscaling of a long-running app with a KEDA ScaledObject; never
    /// together with the HorizontalPodAutoscaler.
    #[serde(default)]
    pub keda: KedaMetadata,
    /// PodDisruptionBudget of a long-running app.
    #[serde(default)]
    pub pdb: PdbMetadata,
    /// Prometheus metrics endpoint of a long-running app, scraped through a ServiceMonitor
    /// (Prometheus operator).
    #[serde(default)]
    pub metrics: MetricsMetadata,
    /// Routing of an external-api.
    #[serde(default)]
    pub ingress: IngressMetadata,
    /// What the app's NetworkPolicy allows besides DNS (when the chart's network policies
    /// are on, every pod denies all other traffic).
    #[serde(default)]
    pub network_policy: NetworkPolicyMetadata,
    /// Settings of a job or of each run of a cronjob.
    #[serde(default)]
    pub job: JobMetadata,
    /// Schedule of a cronjob.
    #[serde(default)]
    pub cron: CronMetadata,
    /// The app's ConfigMap: key/values and files, mounted as a directory or exposed as
    /// environment variables.
    #[serde(default)]
    pub config: ConfigMetadata,
    /// Secrets mounted as read-only files, mount directory: "secret-name" (e.g.
    /// {"/etc/tls": "web-tls"}); every key of the Secret becomes a file there.
    #[serde(default)]
    pub secret_mounts: BTreeMap<String, String>,
    /// Version of this app, its objects' `app.kubernetes.io/version` label; unset: the
    /// chart's app_version.
    #[serde(default)]
    pub version: String,
    /// Argo CD sync wave of every object of the app (`argocd.argoproj.io/sync-wave`; lower
    /// waves sync first); unset: none (a hook job's wave is its hook weight; another wave for
    /// a hook job needs job.sync_wave_reason).
    #[serde(default)]
    #[schemars(range(min = -2147483647, max = 2147483647))]
    pub sync_wave: Option<i64>,
    /// Hardening defaults the app relaxes; each needs a policy exception with a reason.
    #[serde(default)]
    pub security: SecurityMetadata,
    /// Hardening defaults the app is excused from, each with the written reason:
    /// "run-as-user" (security.run_as_user at or below 10000), "read-only-root-filesystem"
    /// (security.writable_root_filesystem or security.writable_paths), "probes" (a
    /// long-running app without health checks). The reason is rendered as the annotations
    /// checkov, kube-linter and kube-score read and listed in the chart's README.
    #[serde(default)]
    pub policy_exceptions: BTreeMap<String, String>,
    /// Where the app's pods run: node selector, tolerations, node affinity, topology spread
    /// and PriorityClass. An environment adds a node selector, tolerations and a
    /// PriorityClass for every app (helm_environment).
    #[serde(default)]
    pub scheduling: SchedulingMetadata,
    /// Annotations of the app's pods, key: value (e.g. {"sidecar.istio.io/inject": "true"}),
    /// over an environment's pod_annotations of the same key; never the chart's own keys
    /// (checksum/*, helm.sh/*).
    #[serde(default)]
    pub pod_annotations: BTreeMap<String, String>,
    /// Labels of the app's pods (Kubernetes label keys and values, e.g. a cost center), over
    /// an environment's pod_labels of the same key; never the chart's own keys
    /// (app.kubernetes.io/*, helm.sh/*), which select the pods.
    #[serde(default)]
    pub pod_labels: BTreeMap<String, String>,
    /// How the app's pods stop: the grace period and a preStop hook.
    #[serde(default)]
    pub shutdown: ShutdownMetadata,
    /// Persistent storage of a stateful app: one PersistentVolumeClaim per pod, from the
    /// StatefulSet's volume claim template.
    #[serde(default)]
    pub storage: StorageMetadata,
    /// Rollout of a daemon app's DaemonSet.
    #[serde(default)]
    pub daemon: DaemonMetadata,
    /// Named ports besides `port` (a gRPC port beside http, an admin port), which they need:
    /// a list of {"name": IANA service name (at most 15 lowercase letters, digits and '-', a
    /// letter among them; unique, and neither the main port's name nor "metrics"), "port":
    /// container port, "protocol": TCP (the default), UDP or SCTP, "app_protocol": http, grpc
    /// or tcp (the Service port's appProtocol; TCP only), "service_port": unset the container
    /// port, "node_port": 30000 to 32767 (a NodePort or LoadBalancer Service only)}. Each is a
    /// container and Service port of that name; the NetworkPolicies open every port to the
    /// apps allowed in. In Starlark a list of dicts.
    #[serde(default)]
    pub ports: Vec<PortMetadata>,
    /// The type of the app's Service and why it is not ClusterIP.
    #[serde(default)]
    pub service: ServiceMetadata,
    /// Containers started before the app's own, in order: each runs to completion (a
    /// migration, waiting for a dependency), or, with "sidecar": true, stays beside the app
    /// for the pod's life (a native sidecar, Kubernetes 1.29 or later: a cloud-sql-proxy, a
    /// log agent). A list of {"name": DNS-1123 label, "image": {"repository", "tag" or
    /// "digest", "pull_policy"} (the app's image rules), "sidecar", "command", "args", "env",
    /// "secret_env", "resources" (as the app's)}; each gets the app's security context, so
    /// the app's policy exceptions cover it too. In Starlark a list of dicts.
    #[serde(default)]
    pub init_containers: Vec<InitContainerMetadata>,
    /// Volumes of the pods besides the chart's own (config, secret_mounts, storage): a list of
    /// {"name": DNS-1123 label, "mount_path": absolute directory, unique in each container,
    /// "containers": the containers mounting it (the app's name for its own, init container
    /// names; unset: the app's own), "read_only", and one source: "persistent_volume_claim":
    /// {"size", "storage_class", "access_mode"} (a claim the chart creates for a Deployment)
    /// or {"existing_claim": name}, "config_map" or "secret": the name of one created outside
    /// the chart (mounted read-only, every key a file), "empty_dir": {"memory": true for a
    /// tmpfs, "size_limit": a quantity, required with memory}, "service_account_token":
    /// {"audience": required, "expiration_seconds": 600 or more, unset 3600} (a projected
    /// token in the file `token`; the API token stays unmounted)}. A ReadWriteOnce or
    /// ReadWriteOncePod claim attaches to one node: its app keeps one replica, no autoscaler,
    /// and is replaced with the Recreate strategy. In Starlark a list of dicts.
    #[serde(default)]
    pub volumes: Vec<VolumeMetadata>,
}

/// One named port of an app, besides its main `port`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PortMetadata {
    /// Name of the container and Service port (an IANA service name).
    pub name: String,
    /// Port the container listens on.
    pub port: i64,
    /// TCP (the default), UDP or SCTP.
    #[serde(default)]
    pub protocol: Option<TransportProtocol>,
    /// What the port speaks (the Service port's appProtocol); TCP ports only.
    #[serde(default)]
    pub app_protocol: Option<Protocol>,
    /// Port of the Service; unset: the container port.
    #[serde(default)]
    pub service_port: Option<i64>,
    /// Port on every node, 30000 to 32767 (NodePort or LoadBalancer Service only); unset: one
    /// the cluster picks.
    #[serde(default)]
    pub node_port: Option<i64>,
}

/// The transport protocol of a port (`TCP`, `UDP`, `SCTP`).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "UPPERCASE")]
pub enum TransportProtocol {
    #[default]
    Tcp,
    Udp,
    Sctp,
}

/// Kubernetes Service types an app's Service may have.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum ServiceType {
    #[default]
    ClusterIP,
    NodePort,
    LoadBalancer,
}

/// The app's Service, beyond its ports.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServiceMetadata {
    /// ClusterIP (the default), NodePort or LoadBalancer. The last two reach the app from
    /// outside the cluster, past the Ingress: they need `reason`, and the app's NetworkPolicy
    /// admits any address on the Service's ports.
    #[serde(default, rename = "type")]
    pub service_type: Option<ServiceType>,
    /// Why the Service is a NodePort or LoadBalancer, rendered as the
    /// policy-exception.helm-composer.io/service-type annotation the validator requires.
    #[serde(default)]
    pub reason: String,
    /// Node port of the main `port`, 30000 to 32767; unset: one the cluster picks.
    #[serde(default)]
    pub node_port: Option<i64>,
}

/// How a daemon app's DaemonSet replaces its pods.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DaemonMetadata {
    /// Nodes whose pod may be down at once during a rolling update, a number or a percentage
    /// of the nodes ("10%"); unset: 1. A daemon app only.
    #[serde(default)]
    pub max_unavailable: String,
}

/// One volume of an app's pods and where it is mounted.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VolumeMetadata {
    /// Volume name, a DNS-1123 label unique in the pod.
    pub name: String,
    /// Absolute directory the volume is mounted at.
    pub mount_path: String,
    /// Containers mounting it: the app's name (its own container) or init container names;
    /// unset: the app's own container.
    #[serde(default)]
    pub containers: Vec<String>,
    /// Mounts a claim or an emptyDir read-only (ConfigMaps, Secrets and tokens always are).
    #[serde(default)]
    pub read_only: bool,
    /// A PersistentVolumeClaim: created by the chart, or an existing one.
    #[serde(default)]
    pub persistent_volume_claim: Option<ClaimMetadata>,
    /// An existing ConfigMap, by name: every key becomes a file.
    #[serde(default)]
    pub config_map: String,
    /// An existing Secret, by name: every key becomes a file (readable by owner and group).
    #[serde(default)]
    pub secret: String,
    /// An emptyDir: scratch space living as long as the pod.
    #[serde(default)]
    pub empty_dir: Option<EmptyDirMetadata>,
    /// A projected service account token for another audience (Vault, a cloud's workload
    /// identity).
    #[serde(default)]
    pub service_account_token: Option<TokenMetadata>,
}

/// A PersistentVolumeClaim of a volume.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClaimMetadata {
    /// An existing claim, by name; unset: the chart creates one (size required).
    #[serde(default)]
    pub existing_claim: String,
    /// Size of the claim the chart creates, a quantity such as "10Gi".
    #[serde(default)]
    pub size: String,
    /// StorageClass of the claim the chart creates; unset: the cluster's default.
    #[serde(default)]
    pub storage_class: String,
    /// Access mode of the claim the chart creates (and of an existing one, for the replica
    /// checks); unset: ReadWriteOnce.
    #[serde(default)]
    pub access_mode: Option<AccessMode>,
}

/// How the nodes may mount a volume.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum AccessMode {
    #[default]
    ReadWriteOnce,
    ReadWriteOncePod,
    ReadOnlyMany,
    ReadWriteMany,
}

/// An emptyDir.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EmptyDirMetadata {
    /// Backed by memory (tmpfs, counted against the container's memory limit) instead of
    /// the node's disk; needs size_limit.
    #[serde(default)]
    pub memory: bool,
    /// Most the volume may hold, a quantity such as "256Mi"; the pod is evicted beyond it.
    #[serde(default)]
    pub size_limit: String,
}

/// A projected service account token.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TokenMetadata {
    /// Who the token is for (its `aud`), e.g. "vault"; required.
    #[serde(default)]
    pub audience: String,
    /// Seconds the token is valid (the kubelet renews it before); 600 or more, unset 3600.
    #[serde(default)]
    pub expiration_seconds: Option<i64>,
}

/// A container of the pod besides the app's own: an init container or a native sidecar.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InitContainerMetadata {
    /// Container name, a DNS-1123 label unique in the pod (never the app's name).
    pub name: String,
    /// Image, by tag or digest (never latest); digest_file is the app's own image only.
    pub image: ImageMetadata,
    /// Runs for the pod's life beside the app (restartPolicy Always) instead of to
    /// completion before it.
    #[serde(default)]
    pub sidecar: bool,
    /// Overrides the image entrypoint.
    #[serde(default)]
    pub command: Vec<String>,
    /// Arguments to the entrypoint.
    #[serde(default)]
    pub args: Vec<String>,
    /// Environment variables, NAME: value, literally (never credentials: see secret_env).
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Environment variables read from Secrets, NAME: "secret-name/key".
    #[serde(default)]
    pub secret_env: BTreeMap<String, String>,
    /// CPU, memory and ephemeral storage, as the app's resources; unset: the small preset.
    #[serde(default)]
    pub resources: ResourcesMetadata,
}

/// How an app's pods stop.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ShutdownMetadata {
    /// Seconds between SIGTERM and SIGKILL when a pod stops (terminationGracePeriodSeconds);
    /// unset: 30.
    #[serde(default)]
    pub grace_period_seconds: Option<i64>,
    /// Seconds the container sleeps before it gets SIGTERM (a preStop sleep hook), so
    /// endpoints and load balancers stop sending it requests first; at most the grace
    /// period. Never with pre_stop_command.
    #[serde(default)]
    pub pre_stop_sleep_seconds: Option<i64>,
    /// Command run in the container before it gets SIGTERM (a preStop exec hook), e.g.
    /// ["/app/drain"]. Never with pre_stop_sleep_seconds.
    #[serde(default)]
    pub pre_stop_command: Vec<String>,
}

/// Where an app's pods run.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SchedulingMetadata {
    /// Node labels the pods' nodes must carry, key: value (Kubernetes label keys and values);
    /// over an environment's node_selector of the same key.
    #[serde(default)]
    pub node_selector: BTreeMap<String, String>,
    /// Node taints the pods tolerate, besides an environment's: a list of {"key": taint key
    /// (unset: every key, with operator Exists), "operator": Equal (the default) or Exists,
    /// "value", "effect": NoSchedule, PreferNoSchedule or NoExecute (unset: every effect),
    /// "toleration_seconds": NoExecute only}. In Starlark a list of dicts.
    #[serde(default)]
    pub tolerations: Vec<TolerationMetadata>,
    /// Node affinity: a list of {"key": node label, "operator": In, NotIn, Exists,
    /// DoesNotExist, Gt or Lt, "values": [...], "weight": 1 to 100}. Without a weight a
    /// requirement is hard (all of them must hold); with one, a preference. The soft pod
    /// anti-affinity spreading a workload's replicas over nodes stays. In Starlark a list of
    /// dicts.
    #[serde(default)]
    pub node_affinity: Vec<NodeRequirementMetadata>,
    /// Topology spread constraints, each counting the app's own pods (its selector labels): a
    /// list of {"topology_key": node label such as topology.kubernetes.io/zone, "max_skew":
    /// unset 1, "when_unsatisfiable": ScheduleAnyway (the default) or DoNotSchedule,
    /// "min_domains": DoNotSchedule only}. In Starlark a list of dicts.
    #[serde(default)]
    pub topology_spread: Vec<TopologySpreadMetadata>,
    /// PriorityClass of the pods (a DNS-1123 subdomain; the system- classes are the
    /// cluster's own); over an environment's priority_class_name.
    #[serde(default)]
    pub priority_class_name: String,
}

/// One tolerated taint.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TolerationMetadata {
    /// Taint key; unset: every key (operator Exists).
    #[serde(default)]
    pub key: String,
    /// Equal (the default: the taint's value is `value`) or Exists (any value).
    #[serde(default)]
    pub operator: Option<TolerationOperator>,
    /// Taint value, for operator Equal.
    #[serde(default)]
    pub value: String,
    /// Effect tolerated; unset: every effect.
    #[serde(default)]
    pub effect: Option<TaintEffect>,
    /// Seconds the pod stays on a node that gets the taint (effect NoExecute only).
    #[serde(default)]
    pub toleration_seconds: Option<i64>,
}

/// How a toleration matches a taint's value.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum TolerationOperator {
    Equal,
    Exists,
}

/// What a taint does to pods that do not tolerate it.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

/// One node label requirement of the node affinity.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NodeRequirementMetadata {
    /// Node label key.
    pub key: String,
    /// In, NotIn (values), Exists, DoesNotExist (no values), Gt or Lt (one whole number).
    pub operator: NodeOperator,
    /// Label values compared.
    #[serde(default)]
    pub values: Vec<String>,
    /// 1 to 100: a preference of this weight; unset: a requirement.
    #[serde(default)]
    pub weight: Option<i64>,
}

/// How a node label is compared.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum NodeOperator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt,
    Lt,
}

/// One topology spread constraint.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TopologySpreadMetadata {
    /// Node label whose values are the domains pods spread over.
    pub topology_key: String,
    /// Most pods one domain may have over the emptiest; unset: 1.
    #[serde(default)]
    pub max_skew: Option<i64>,
    /// ScheduleAnyway (the default: a preference) or DoNotSchedule (a requirement).
    #[serde(default)]
    pub when_unsatisfiable: Option<WhenUnsatisfiable>,
    /// Fewest domains counted, DoNotSchedule only.
    #[serde(default)]
    pub min_domains: Option<i64>,
}

/// What the scheduler does when a spread constraint cannot hold.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
pub enum WhenUnsatisfiable {
    DoNotSchedule,
    ScheduleAnyway,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SecurityMetadata {
    /// UID (also group and fsGroup) the pod runs as; unset: 10001. 0 is refused; 10000 or
    /// below needs the "run-as-user" policy exception.
    #[serde(default)]
    pub run_as_user: Option<i64>,
    /// Makes the root filesystem writable; needs the "read-only-root-filesystem" policy
    /// exception. Prefer writable_paths.
    #[serde(default)]
    pub writable_root_filesystem: bool,
    /// Directories made writable (an emptyDir each, besides /tmp) on the read-only root
    /// filesystem, e.g. a git checkout; needs the "read-only-root-filesystem" policy exception.
    #[serde(default)]
    pub writable_paths: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StorageMetadata {
    /// Size of each pod's volume, a quantity such as "10Gi"; required for a stateful app.
    #[serde(default)]
    pub size: String,
    /// Directory the volume is mounted at; required for a stateful app.
    #[serde(default)]
    pub mount_path: String,
    /// StorageClass of the volumes; unset: the cluster's default class.
    #[serde(default)]
    pub class: String,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConfigMetadata {
    /// Key/values of the ConfigMap (overridable in values.yaml).
    #[serde(default)]
    pub data: BTreeMap<String, String>,
    /// Files of the ConfigMap, each under its file name (Bazel labels; their content is
    /// shipped in the chart under files/<app>/).
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// Directory the ConfigMap is mounted at (read-only); unset: its keys become
    /// environment variables.
    #[serde(default)]
    pub mount_path: String,
}

/// One environment variable set to another app's address.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SiblingEnv {
    /// Name of the environment variable.
    pub env: String,
    /// The app whose Service is addressed: an app with a port of the same chart, or of
    /// `chart`.
    pub app: String,
    /// Another chart of the repository (its chart name, one of helm_chart's peer_charts)
    /// whose app is addressed: `<its release>-<app>.<its namespace>.svc` of each
    /// environment; unset: this chart.
    #[serde(default)]
    pub chart: String,
    /// host (`<release>-<app>.<namespace>.svc`), host-port (`host:port`) or url
    /// (`http://host:port`, for an http app); unset: url.
    #[serde(default)]
    pub form: Option<AddressForm>,
}

/// How an address is written (`host`, `host-port`, `url`).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum AddressForm {
    Host,
    HostPort,
    #[default]
    Url,
}

/// What a port speaks (`http`, `grpc`, `tcp`).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    #[default]
    Http,
    Grpc,
    Tcp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Http => "http",
            Protocol::Grpc => "grpc",
            Protocol::Tcp => "tcp",
        }
    }
}

/// A value the cluster (downward API) or Helm provides to a container.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ClusterField {
    PodName,
    PodNamespace,
    PodIp,
    NodeName,
    CpuRequest,
    CpuLimit,
    MemoryRequest,
    MemoryLimit,
    ReleaseName,
    ChartName,
}

/// The app types (`external-api`, `internal-api`, `worker`, `job`, `cronjob`, `stateful`,
/// `daemon`).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum AppType {
    ExternalApi,
    InternalApi,
    Worker,
    Job,
    Cronjob,
    // A database or cache run beside the apps: a StatefulSet with a headless Service and a
    // volume per pod. (A doc comment here would turn the schema's enum into a oneOf.)
    Stateful,
    // A node agent (log shipper, metrics exporter): a DaemonSet, one pod on every node its
    // scheduling admits; no replica count, autoscaler or disruption budget.
    Daemon,
}

impl AppType {
    pub const ALL: [AppType; 7] = [
        AppType::ExternalApi,
        AppType::InternalApi,
        AppType::Worker,
        AppType::Job,
        AppType::Cronjob,
        AppType::Stateful,
        AppType::Daemon,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppType::ExternalApi => "external-api",
            AppType::InternalApi => "internal-api",
            AppType::Worker => "worker",
            AppType::Job => "job",
            AppType::Cronjob => "cronjob",
            AppType::Stateful => "stateful",
            AppType::Daemon => "daemon",
        }
    }

    pub fn is_api(self) -> bool {
        matches!(self, AppType::ExternalApi | AppType::InternalApi)
    }

    /// Runs until stopped: a Deployment, a StatefulSet (stateful) or a DaemonSet (daemon):
    /// everything but a job or cronjob.
    pub fn is_long_running(self) -> bool {
        !self.is_batch()
    }

    /// Runs to completion: a job or a cronjob.
    pub fn is_batch(self) -> bool {
        matches!(self, AppType::Job | AppType::Cronjob)
    }
}

impl std::fmt::Display for AppType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When the kubelet pulls the image.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum PullPolicy {
    Always,
    #[default]
    IfNotPresent,
    Never,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ImageMetadata {
    /// Image repository without tag or digest, e.g. "ghcr.io/org/app".
    pub repository: String,
    /// Image tag; never "latest". A tag or a digest is required.
    #[serde(default)]
    pub tag: String,
    /// Image digest "sha256:<64 hex digits>"; used instead of the tag when set.
    #[serde(default)]
    pub digest: String,
    /// A file of this build holding the image's digest ("sha256:<64 hex digits>", surrounding
    /// whitespace ignored), such as rules_oci's `filegroup(output_group = "digest")` of an
    /// `oci_image`: the chart pins repository@digest of the image built with it. Excludes
    /// image_digest and image_tag, so a chart never names one image by tag and runs another.
    #[serde(default)]
    pub digest_file: String,
    /// Unset: IfNotPresent.
    #[serde(default)]
    pub pull_policy: Option<PullPolicy>,
}

/// Named sizes of CPU and memory requests and limits: small (development), medium
/// (staging), large (production).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ResourcePreset {
    #[default]
    Small,
    Medium,
    Large,
}

impl ResourcePreset {
    /// Requests, then limits, each as [CPU, memory, ephemeral storage].
    pub fn quantities(self) -> [[&'static str; 3]; 2] {
        match self {
            ResourcePreset::Small => [["100m", "256Mi", "128Mi"], ["500m", "512Mi", "1Gi"]],
            ResourcePreset::Medium => [["250m", "512Mi", "256Mi"], ["1000m", "1Gi", "2Gi"]],
            ResourcePreset::Large => [["500m", "1Gi", "512Mi"], ["2000m", "2Gi", "4Gi"]],
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ResourcesMetadata {
    /// Size to start from, as CPU/memory/ephemeral storage: small (100m/256Mi/128Mi
    /// requested, 500m/512Mi/1Gi limit), medium (250m/512Mi/256Mi, 1000m/1Gi/2Gi) or large
    /// (500m/1Gi/512Mi, 2000m/2Gi/4Gi). Unset: the chart's resource_preset, else small.
    /// Explicit quantities below win over the preset.
    #[serde(default)]
    pub preset: Option<ResourcePreset>,
    /// CPU request, a Kubernetes quantity such as "100m"; unset: the preset's.
    #[serde(default)]
    pub cpu_request: String,
    /// Memory request such as "128Mi"; unset: the preset's.
    #[serde(default)]
    pub memory_request: String,
    /// CPU limit; unset: the preset's.
    #[serde(default)]
    pub cpu_limit: String,
    /// Memory limit; unset: the preset's.
    #[serde(default)]
    pub memory_limit: String,
    /// Ephemeral storage request (local disk: logs, /tmp); unset: the preset's.
    #[serde(default)]
    pub ephemeral_storage_request: String,
    /// Ephemeral storage limit; unset: the preset's.
    #[serde(default)]
    pub ephemeral_storage_limit: String,
}

/// What a probe does (`http`, `grpc`, `tcp`, `exec`).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ProbeKind {
    #[default]
    Http,
    Grpc,
    Tcp,
    Exec,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HealthMetadata {
    /// How the kubelet checks the app: http (GET the liveness and readiness paths), grpc
    /// (the standard gRPC health service on the health port), tcp (a connection to the health
    /// port, for servers that speak neither) or exec (runs health_command in the container).
    /// Unset: exec with a health_command, else the protocol's kind. Liveness is always more
    /// patient than readiness.
    #[serde(default)]
    pub probe: Option<ProbeKind>,
    /// Liveness probe path; unset on an http probe: /healthz.
    #[serde(default)]
    pub liveness_path: String,
    /// Readiness probe path (may equal the liveness path: one /health endpoint serves both);
    /// unset on an http probe: /readyz.
    #[serde(default)]
    pub readiness_path: String,
    /// Port of the health endpoints; unset: the app's port. A worker gets probes only when it
    /// declares health settings.
    #[serde(default)]
    pub port: Option<i64>,
    /// Command of an exec probe, run in the container for liveness and readiness (exit 0:
    /// healthy), e.g. ["dagster-daemon", "liveness-check"].
    #[serde(default)]
    pub command: Vec<String>,
    /// Longest the app may take to start, in seconds (a JVM warming up, a model loaded at
    /// start): a startup probe, the liveness check every 10 seconds, holds off liveness and
    /// readiness until it passes, for any probe kind. Unset: no startup probe.
    #[serde(default)]
    pub startup_seconds: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AutoscalingMetadata {
    /// Whether the HorizontalPodAutoscaler is on by default (environments can switch it);
    /// while it is, the Deployment sets no replica count.
    #[serde(default)]
    pub enabled: bool,
    /// Fewest pods; unset: the app's replicas.
    #[serde(default)]
    pub min_replicas: Option<i64>,
    /// Most pods; unset: 10 (at least min_replicas).
    #[serde(default)]
    pub max_replicas: Option<i64>,
    /// Average CPU utilization to keep, in percent of the request; unset: 80.
    #[serde(default)]
    pub target_cpu_utilization: Option<i64>,
    /// Average memory utilization to keep, in percent of the request; unset: no memory target.
    #[serde(default)]
    pub target_memory_utilization: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KedaMetadata {
    /// Whether the ScaledObject is on by default (environments can switch it); never
    /// together with autoscaling.enabled. While it is, the Deployment sets no replica count.
    #[serde(default)]
    pub enabled: bool,
    /// Fewest pods; 0 lets KEDA scale the app to zero while no trigger is active; unset: 1.
    #[serde(default)]
    pub min_replicas: Option<i64>,
    /// Most pods; unset: 5 (at least min_replicas).
    #[serde(default)]
    pub max_replicas: Option<i64>,
    /// Seconds between two checks of the triggers; unset: 30.
    #[serde(default)]
    pub polling_interval: Option<i64>,
    /// Seconds after the last active trigger before scaling back to min_replicas; unset: 300.
    #[serde(default)]
    pub cooldown_period: Option<i64>,
    /// KEDA scalers, as data: a list of {"type": scaler, "metadata": {key: string},
    /// "authentication_ref": TriggerAuthentication name, "metric_type": AverageValue, Value
    /// or Utilization, "name": optional}. Credentials only by reference (authentication_ref,
    /// or metadata keys ending in FromEnv). Required for KEDA; in Starlark a list of dicts.
    #[serde(default)]
    pub triggers: Vec<KedaTrigger>,
}

/// One KEDA trigger (scaler), e.g. {"type": "postgresql", "metadata": {"query": "..."}}.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KedaTrigger {
    /// Scaler type, e.g. "postgresql", "rabbitmq", "prometheus", "cpu".
    #[serde(rename = "type")]
    pub scaler: String,
    /// The scaler's settings; KEDA takes every value as a string.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// TriggerAuthentication (in the release namespace) holding the scaler's credentials.
    #[serde(default)]
    pub authentication_ref: String,
    /// How the metric is compared with the target; the cpu and memory scalers need one.
    #[serde(default)]
    pub metric_type: Option<KedaMetricType>,
    /// Name of the trigger, unique within the app.
    #[serde(default)]
    pub name: String,
}

/// KEDA's `metricType` of a trigger.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum KedaMetricType {
    AverageValue,
    Value,
    Utilization,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MetricsMetadata {
    /// Port serving Prometheus metrics (may be the app's own port); unset: no metrics. A
    /// worker gets a ClusterIP Service for it, which the ServiceMonitor selects.
    #[serde(default)]
    pub port: Option<i64>,
    /// Path of the metrics endpoint; unset: /metrics.
    #[serde(default)]
    pub path: String,
    /// Scrape interval, a Prometheus duration such as "30s" or "1m"; unset: 30s.
    #[serde(default)]
    pub interval: String,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PdbMetadata {
    /// Pods that must stay available during voluntary disruptions, a number or a percentage
    /// ("50%"). The budget is rendered only when it can be satisfied.
    #[serde(default)]
    pub min_available: String,
    /// Pods that may be unavailable at once (number or percentage); unset with no
    /// min_available: 1.
    #[serde(default)]
    pub max_unavailable: String,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IngressMetadata {
    /// Gives an internal-api an Ingress too (an external-api always has one).
    #[serde(default)]
    pub enabled: bool,
    /// Host routed to the app; unset: the chart's ingress_host_pattern (required then).
    #[serde(default)]
    pub host: String,
    /// Path prefix on the host; unset: "/".
    #[serde(default)]
    pub path: String,
    /// Secret holding the host's TLS certificate; unset: plain HTTP.
    #[serde(default)]
    pub tls_secret: String,
    /// Annotations of the Ingress (merged into the shared one in single mode).
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// Name of the port the Ingress routes to: one of `ports` speaking http; unset: the main
    /// port.
    #[serde(default)]
    pub port: String,
    /// Request timeout of the app's HTTPRoute rule where the chart routes through a Gateway
    /// (Gateway API `timeouts.request`), a Gateway API duration such as "30s" or "1m30s";
    /// unset: the Gateway's default. Not for gRPC apps (GRPCRoute has no timeouts); an
    /// Ingress has no standard timeout (set its controller's annotation instead).
    #[serde(default)]
    pub timeout: String,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NetworkPolicyMetadata {
    /// Apps of the same chart that may connect to this app's port (their egress to it is
    /// opened too).
    #[serde(default)]
    pub allow_from_apps: Vec<String>,
    /// APIs of the same chart this app may connect to, on their port (their ingress from this
    /// app is opened too).
    #[serde(default)]
    pub egress_to_apps: Vec<String>,
    /// Outside destinations this app may connect to, as "CIDR:port" (e.g. "10.0.0.0/8:5432").
    #[serde(default)]
    pub egress_cidrs: Vec<String>,
    /// Pods outside the chart this app may connect to, by labels: a list of
    /// {"namespace_labels": {key: value} (namespaces carrying all of them; unset: the release
    /// namespace), "pod_labels": {key: value} (pods carrying all of them; unset: every pod of
    /// those namespaces), "ports": [TCP ports, at least one]}, e.g. a Postgres operator's
    /// namespace or the OpenTelemetry collector. A namespace's name is its label
    /// kubernetes.io/metadata.name. In Starlark a list of dicts.
    #[serde(default)]
    pub egress_to_selectors: Vec<SelectorPeerMetadata>,
    /// Apps of other charts of the repository (helm_chart's peer_charts) this app may
    /// connect to: a list of {"chart": chart name, "app": an app of it with a port}, opened
    /// toward that chart's namespace and release of each environment, on the app's ports;
    /// that app must admit this one (its network_policy.ingress_from_selectors). A
    /// sibling_env address with "chart" opens the same path. In Starlark a list of dicts.
    #[serde(default)]
    pub egress_to_peer_apps: Vec<PeerAppMetadata>,
    /// Callers outside the chart this app admits, by labels, in the shape of
    /// egress_to_selectors (e.g. {"namespace_labels": {"kubernetes.io/metadata.name":
    /// "billing"}}); "ports" unset: the app's port. In Starlark a list of dicts.
    #[serde(default)]
    pub ingress_from_selectors: Vec<SelectorPeerMetadata>,
}

/// An app of another chart of the repository (one of helm_chart's peer_charts).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PeerAppMetadata {
    /// The chart's name (Chart.yaml), as its helm_chart target gives it.
    pub chart: String,
    /// The app's name in that chart.
    pub app: String,
}

/// Pods outside the chart, by namespace and pod labels, and the TCP ports of a path to or
/// from them.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SelectorPeerMetadata {
    /// Labels of the peer's namespaces (Kubernetes label keys and values); unset: the release
    /// namespace.
    #[serde(default)]
    pub namespace_labels: BTreeMap<String, String>,
    /// Labels of the peer's pods; unset: every pod of those namespaces.
    #[serde(default)]
    pub pod_labels: BTreeMap<String, String>,
    /// TCP ports of the path.
    #[serde(default)]
    pub ports: Vec<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct JobMetadata {
    /// Retries before the job fails; unset: 3.
    #[serde(default)]
    pub backoff_limit: Option<i64>,
    /// Seconds a finished job is kept; unset: 3600.
    #[serde(default)]
    pub ttl_seconds_after_finished: Option<i64>,
    /// Seconds the job may run; unset: no limit.
    #[serde(default)]
    pub active_deadline_seconds: Option<i64>,
    /// Helm hook phases, comma-separated (pre-install, pre-upgrade, post-install,
    /// post-upgrade); unset: "pre-install,pre-upgrade", so migrations run first; "none": a
    /// plain Job.
    #[serde(default)]
    pub hook: String,
    /// Order of the hook among the release's hooks (`helm.sh/hook-weight`, lower first; the
    /// Argo CD sync wave is the same number); unset: -5.
    #[serde(default)]
    #[schemars(range(min = -2147483643, max = 2147483647))]
    pub hook_weight: Option<i64>,
    /// Keeps finished Jobs until deleted by hand (no ttlSecondsAfterFinished), e.g. to read
    /// their logs; never together with ttl_seconds_after_finished.
    #[serde(default)]
    pub keep_finished: bool,
    /// What happens when the container fails: Never (the default: the Job starts a new pod,
    /// and backoff_limit counts failed pods, each kept with its logs) or OnFailure (the
    /// kubelet restarts the container in the same pod, and backoff_limit counts those
    /// restarts; the pod stays on its node and the failed attempts' logs are lost but the
    /// last).
    #[serde(default)]
    pub restart_policy: Option<JobRestartPolicy>,
    /// Why a hook job's Argo CD sync wave (sync_wave) differs from its hook weight, which
    /// is its wave otherwise; required for sync_wave on a hook job. Every hook object of the
    /// app (its Job, ServiceAccount, ConfigMap, NetworkPolicy) gets that wave.
    #[serde(default)]
    pub sync_wave_reason: String,
}

/// The restart policy of a job's pods.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum JobRestartPolicy {
    #[default]
    Never,
    OnFailure,
}

/// What a CronJob does when a run is due while the previous one still runs.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum ConcurrencyPolicy {
    Allow,
    #[default]
    Forbid,
    Replace,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CronMetadata {
    /// Cron schedule, five fields ("0 3 * * *") or a macro such as "@daily"; required for a
    /// cronjob.
    #[serde(default)]
    pub schedule: String,
    /// Unset: Forbid (a run never overlaps the previous one).
    #[serde(default)]
    pub concurrency_policy: Option<ConcurrencyPolicy>,
    /// Seconds after its time a missed run may still start; unset: 300.
    #[serde(default)]
    pub starting_deadline_seconds: Option<i64>,
    /// Finished runs kept; unset: 3.
    #[serde(default)]
    pub successful_jobs_history_limit: Option<i64>,
    /// Failed runs kept; unset: 3.
    #[serde(default)]
    pub failed_jobs_history_limit: Option<i64>,
}

/// One logical environment of a chart, as written by the `helm_environment` rule: what its
/// `values-<name>.yaml` changes, and where it runs.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentMetadata {
    /// Environment name (DNS-1123 label), e.g. dev, staging, prod.
    pub name: String,
    /// Bazel label of the environment target, for error messages.
    #[serde(default)]
    pub target: String,
    /// Replica counts by app name.
    #[serde(default)]
    pub replicas: BTreeMap<String, i64>,
    /// Apps whose HorizontalPodAutoscaler is on in this environment (it is off for the rest).
    #[serde(default)]
    pub autoscaling: Vec<String>,
    /// Apps whose KEDA ScaledObject is on in this environment (it is off for the rest).
    #[serde(default)]
    pub keda: Vec<String>,
    /// Who may do what in the environment's namespace: built-in ClusterRole (view, edit or
    /// admin) -> groups bound to it by a RoleBinding.
    #[serde(default)]
    pub access: BTreeMap<AccessRole, Vec<String>>,
    /// Whether NetworkPolicies are on (they are by default).
    #[serde(default = "default_true")]
    pub network_policy: bool,
    /// Apps switched off in this environment (`apps.<app>.enabled: false`): none of their
    /// objects is rendered.
    #[serde(default)]
    pub disabled_apps: Vec<String>,
    /// Image tags of named apps in this environment, app name -> tag (never "latest").
    #[serde(default)]
    pub image_tags: BTreeMap<String, String>,
    /// Resource preset of apps that do not choose their own.
    #[serde(default)]
    pub resource_preset: Option<ResourcePreset>,
    /// Resource presets of named apps in this environment, over any other preset (an app's
    /// own quantities still win).
    #[serde(default)]
    pub app_resource_presets: BTreeMap<String, ResourcePreset>,
    /// Node labels every app's pods need in this environment (its node pool), key: value;
    /// an app's own scheduling.node_selector of the same key wins.
    #[serde(default)]
    pub node_selector: BTreeMap<String, String>,
    /// Node taints every app's pods tolerate in this environment, as an app's
    /// scheduling.tolerations (each app's own apply too).
    #[serde(default)]
    pub tolerations: Vec<TolerationMetadata>,
    /// PriorityClass of every app's pods in this environment, but those setting their own.
    #[serde(default)]
    pub priority_class_name: String,
    /// Annotations of every app's pods in this environment, as an app's pod_annotations (an
    /// app's own of the same key win).
    #[serde(default)]
    pub pod_annotations: BTreeMap<String, String>,
    /// Labels of every app's pods in this environment, as an app's pod_labels (an app's own
    /// of the same key win).
    #[serde(default)]
    pub pod_labels: BTreeMap<String, String>,
    /// Whether Ingress TLS stays on; false serves plain HTTP (for example in dev).
    #[serde(default = "default_true")]
    pub ingress_tls: bool,
    /// Namespace the environment is installed into.
    #[serde(default)]
    pub namespace: String,
    /// Physical cluster the environment runs on; several environments may share one,
    /// each in its own namespace.
    #[serde(default)]
    pub cluster: String,
    /// Chart-wide environment variables in this environment, NAME: value, over the chart's
    /// own. An app setting the same variable itself (with another value) is refused: its own
    /// would win and this value never reach it.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Domain of the chart's ingress_host_pattern in this environment.
    #[serde(default)]
    pub ingress_domain: String,
    /// IngressClass of the chart's Ingress objects in this environment (a DNS-1123
    /// subdomain); unset: the chart's ingress_class.
    #[serde(default)]
    pub ingress_class: String,
    /// Secret holding one TLS certificate for every Ingress host in this environment (a
    /// DNS-1123 subdomain); unset: each app's own ingress.tls_secret. Never with ingress_tls
    /// off.
    #[serde(default)]
    pub ingress_tls_secret: String,
    /// What routes traffic to the external APIs in this environment: ingress (Ingress
    /// objects) or gateway (Gateway API routes attached to `gateway`); unset: gateway when
    /// this environment or the chart names a Gateway, else ingress.
    #[serde(default)]
    pub ingress_api: Option<IngressApi>,
    /// The Gateway the routes attach to in this environment, over the chart's.
    #[serde(default)]
    pub gateway: GatewayMetadata,
    /// Kubernetes version of the environment's cluster, MAJOR.MINOR (1.25 to 1.37, the
    /// versions whose schemas the validator holds), e.g. "1.31"; unset: the chart's. `.validate`
    /// lints, renders and checks the environment against it.
    #[serde(default)]
    pub kubernetes_version: String,
}

/// What carries traffic from outside the cluster to the external APIs.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum IngressApi {
    /// networking.k8s.io/v1 Ingress objects, served by an ingress controller.
    Ingress,
    /// Gateway API routes (HTTPRoute, GRPCRoute for gRPC apps) attached to a Gateway.
    Gateway,
}

impl IngressApi {
    pub fn as_str(self) -> &'static str {
        match self {
            IngressApi::Ingress => "ingress",
            IngressApi::Gateway => "gateway",
        }
    }
}

/// A Gateway (Gateway API) that routes attach to, usually shared by many charts and run by
/// the platform team. Its listener must admit routes from the release namespace
/// (`allowedRoutes.namespaces`); the routes stay in the release namespace with their
/// Services, so no ReferenceGrant is needed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct GatewayMetadata {
    /// Name of the Gateway (a DNS-1123 subdomain).
    #[serde(default)]
    pub name: String,
    /// Namespace the Gateway is in (a DNS-1123 label); the NetworkPolicies admit traffic
    /// from it to the routed apps (its data-plane pods run there).
    #[serde(default)]
    pub namespace: String,
    /// Listener of the Gateway the routes attach to (its sectionName); unset: every
    /// listener that admits them.
    #[serde(default)]
    pub section_name: String,
}

impl GatewayMetadata {
    pub fn is_set(&self) -> bool {
        *self != GatewayMetadata::default()
    }
}

/// The chart's own Ingress class and Gateway (`helm_chart`), which environments may change.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartRouting {
    /// IngressClass of the chart's Ingress objects; empty: the cluster's default class.
    pub ingress_class: String,
    /// The Gateway the default values route through; unset (no name): Ingress objects.
    pub gateway: GatewayMetadata,
}

/// The built-in, namespace-scoped user roles of Kubernetes a group can be granted.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum AccessRole {
    View,
    Edit,
    Admin,
}

impl AccessRole {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessRole::View => "view",
            AccessRole::Edit => "edit",
            AccessRole::Admin => "admin",
        }
    }
}

fn default_true() -> bool {
    true
}

/// How external-api apps are exposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum IngressMode {
    /// One Ingress for the whole chart, aggregating every external-api's paths by host.
    Single,
    /// One Ingress per external-api.
    PerApp,
}

/// Chart-level settings from the `helm_chart` rule.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartSpec {
    pub name: String,
    pub version: String,
    pub app_version: String,
    pub description: String,
    /// Namespace the chart is meant for; recorded for users, never written into objects
    /// (the release namespace applies).
    pub namespace: String,
    pub environment: String,
    pub ingress_mode: IngressMode,
    /// Size of every app that does not choose its own resource preset.
    pub resource_preset: Option<ResourcePreset>,
    /// Environment variables of every app, NAME: value; an app's own env of that name wins.
    pub env: BTreeMap<String, String>,
    /// Host of an Ingress whose app sets none, e.g. "{app}.{domain}": `{app}` is the app's
    /// name, `{domain}` the ingress_domain (per environment). Empty: every Ingress app sets
    /// its host.
    pub ingress_host_pattern: String,
    /// Domain of ingress_host_pattern in the default values.
    pub ingress_domain: String,
    /// Kubernetes versions (MAJOR.MINOR) the chart is validated against; the lowest of these
    /// (or, when none is given, of its environments' versions) becomes Chart.yaml's kubeVersion.
    pub kubernetes_versions: Vec<String>,
    /// Secrets (names only) with the credentials of private image registries, used by every
    /// app's pods besides the app's own image_pull_secrets.
    pub image_pull_secrets: Vec<String>,
    /// Ingress class and Gateway of the default values.
    pub routing: ChartRouting,
    /// Other charts of the repository whose apps this chart's apps call (helm_chart's
    /// peer_charts).
    #[serde(skip)]
    pub peer_charts: Vec<PeerChartSpec>,
}

/// Another chart of the repository whose apps this chart's apps call, as the `helm_chart`
/// rule passes it (each `--peer-chart` flag holds one such JSON object, written from the
/// peer's HelmChartInfo). Unknown fields are rejected.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PeerChartSpec {
    /// Bazel label of the peer's helm_chart target, for error messages.
    #[serde(default)]
    pub target: String,
    /// Its chart name.
    pub chart: String,
    /// Its release name in every environment.
    pub release: String,
    /// Its helm_chart namespace: the namespace of an environment that names none.
    #[serde(default)]
    pub namespace: String,
    /// Its apps' metadata files (as its `app_metadata` targets wrote them).
    #[serde(default)]
    pub metadata: Vec<std::path::PathBuf>,
    /// Its environments' files (as its `helm_environment` targets wrote them).
    #[serde(default)]
    pub environments: Vec<std::path::PathBuf>,
}

#[cfg(test)]
impl ChartSpec {
    /// The smallest valid settings, chart `c` 0.1.0 in environment `dev`, for unit tests.
    pub(crate) fn for_tests() -> ChartSpec {
        ChartSpec {
            name: "c".into(),
            version: "0.1.0".into(),
            app_version: "1".into(),
            description: String::new(),
            namespace: String::new(),
            environment: "dev".into(),
            ingress_mode: IngressMode::Single,
            resource_preset: None,
            env: Default::default(),
            ingress_host_pattern: String::new(),
            ingress_domain: String::new(),
            kubernetes_versions: Vec::new(),
            image_pull_secrets: Vec::new(),
            routing: ChartRouting::default(),
            peer_charts: Vec::new(),
        }
    }
}

/// One subchart of an umbrella chart, as the `helm_chart` rule passes it: each `--subchart`
/// flag holds one such JSON object. Unknown fields are rejected.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SubchartSpec {
    /// Bazel label the subchart comes from (a `helm_chart` target or a chart archive), for
    /// error messages.
    #[serde(default)]
    pub target: String,
    /// The chart: a chart directory, or a chart archive (`.tgz`).
    pub path: String,
    /// Name the umbrella gives the subchart (a DNS-1123 label): its key in values.yaml and
    /// its `.Chart.Name` when rendered. Unset: the chart's own name.
    #[serde(default)]
    pub alias: String,
    /// Version the umbrella pins (SemVer 2); the chart must be exactly this version. Unset:
    /// whatever version the chart has.
    #[serde(default)]
    pub version: String,
}
