//! Environments: each becomes a `values-<name>.yaml` overlay holding only what differs from
//! values.yaml, plus the chart-wide map of logical environments onto physical clusters.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::app::{self, App, Resources, Toleration};
use crate::checks;
use crate::error::ComposeError;
use crate::input;
use crate::model::{AccessRole, EnvironmentMetadata, GatewayMetadata, IngressApi};
use crate::origin::Origin;
use crate::plan::ingress::HostPattern;

/// What one environment changes for one app. An app the environment changes nothing of has
/// none (`changes_nothing`): its key alone, with no body, would be YAML null, and Helm's merge
/// reads a null as deleting `apps.<app>` from values.yaml.
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
    /// The app is switched off in this environment.
    pub disabled: bool,
    /// The app's image tag in this environment.
    pub image_tag: Option<String>,
    /// The app's Ingress host under this environment's domain (a host from the chart's
    /// pattern).
    pub ingress_host: Option<String>,
}

impl AppOverlay {
    /// Whether the overlay sets nothing, so values-<env>.yaml must leave the app out. Every
    /// field is named (no `..`): a new one does not compile until it is decided here.
    pub fn changes_nothing(&self) -> bool {
        let AppOverlay {
            values_key: _,
            replicas,
            autoscaling,
            keda,
            resources,
            tls_off,
            disabled,
            image_tag,
            ingress_host,
        } = self;
        replicas.is_none()
            && autoscaling.is_none()
            && keda.is_none()
            && resources.is_none()
            && !tls_off
            && !disabled
            && image_tag.is_none()
            && ingress_host.is_none()
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    /// The environment's target and file, for error messages.
    #[serde(skip)]
    pub origin: String,
    pub name: String,
    pub namespace: String,
    pub cluster: String,
    /// Kubernetes version of the environment's cluster, MAJOR.MINOR; empty: the chart's.
    pub kubernetes_version: String,
    pub network_policy: bool,
    pub ingress_tls: bool,
    /// Groups bound to each built-in role in the environment's namespace.
    pub access: BTreeMap<AccessRole, Vec<String>>,
    /// Chart-wide environment variables this environment sets.
    pub env: BTreeMap<String, String>,
    /// The apps it changes something of (none of these `changes_nothing`).
    pub apps: Vec<AppOverlay>,
    /// Annotations and labels of every app's pods here.
    pub pod_annotations: BTreeMap<String, String>,
    pub pod_labels: BTreeMap<String, String>,
    /// Where every app's pods run here; none when the environment says nothing of it.
    pub scheduling: Option<EnvironmentScheduling>,
    /// Ingress class, certificate and Gateway as the environment gives them, checked.
    #[serde(skip)]
    pub routing: EnvironmentRouting,
    /// What its values file changes of `ingress.*` (`gateway::resolve_environments`).
    pub ingress: Option<IngressOverlay>,
    /// Whether the environment routes through a Gateway.
    pub routes_through_gateway: bool,
    /// Release and namespace of the peer charts' environments of this name (`peers::environments`).
    pub peer_charts: Vec<PeerChartOverlay>,
}

/// `peerCharts.<key>` of values-<env>.yaml: where a peer chart's apps run in the environment.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerChartOverlay {
    pub key: String,
    pub release: String,
    pub namespace: String,
}

/// An environment's own Ingress class, certificate, ingress API and Gateway.
#[derive(Debug, Default)]
pub struct EnvironmentRouting {
    pub ingress_class: String,
    pub tls_secret: String,
    pub api: Option<IngressApi>,
    pub gateway: GatewayMetadata,
}

/// What an environment changes of the chart-wide ingress settings (`ingress.*` in values).
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressOverlay {
    pub class_name: Option<String>,
    /// Some(""): plain HTTP.
    pub tls_secret: Option<String>,
    pub api: Option<&'static str>,
    /// The Gateway's fields this environment sets, each over the chart's.
    pub gateway: Option<GatewayMetadata>,
}

impl IngressOverlay {
    pub fn changes_nothing(&self) -> bool {
        let IngressOverlay { class_name, tls_secret, api, gateway } = self;
        class_name.is_none() && tls_secret.is_none() && api.is_none() && gateway.is_none()
    }
}

/// A Gateway reference as given, each field checked: `field` is the setting's name
/// (`gateway` of the chart or of an environment).
pub fn check_gateway(gateway: &GatewayMetadata) -> Result<(), (&'static str, String)> {
    let GatewayMetadata { name, namespace, section_name } = gateway;
    if !name.is_empty() {
        checks::dns_subdomain(name).map_err(|m| ("gateway.name", m))?;
    }
    if !namespace.is_empty() {
        checks::dns1123_label(namespace).map_err(|m| ("gateway.namespace", m))?;
    }
    if !section_name.is_empty() {
        checks::dns_subdomain(section_name).map_err(|m| ("gateway.section_name", m))?;
    }
    Ok(())
}

/// The environment's routing settings, each checked.
fn routing(meta: &EnvironmentMetadata, origin: &Origin) -> Result<EnvironmentRouting, ComposeError> {
    if !meta.ingress_class.is_empty() {
        origin.check("ingress_class", checks::dns_subdomain(&meta.ingress_class))?;
    }
    if !meta.ingress_tls_secret.is_empty() {
        origin.check("ingress_tls_secret", checks::dns_subdomain(&meta.ingress_tls_secret))?;
    }
    check_gateway(&meta.gateway).map_err(|(field, message)| origin.error(field, message))?;
    Ok(EnvironmentRouting {
        ingress_class: meta.ingress_class.clone(),
        tls_secret: meta.ingress_tls_secret.clone(),
        api: meta.ingress_api,
        gateway: meta.gateway.clone(),
    })
}

/// What an environment sets for every app's pods: a node pool, its taints, a PriorityClass.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentScheduling {
    pub node_selector: BTreeMap<String, String>,
    pub tolerations: Vec<Toleration>,
    pub priority_class_name: String,
}

/// The environment's scheduling of every app, checked as an app's is.
fn scheduling(meta: &EnvironmentMetadata, origin: &Origin) -> Result<Option<EnvironmentScheduling>, ComposeError> {
    let scheduling = EnvironmentScheduling {
        node_selector: app::node_selector(&meta.node_selector, "node_selector", origin)?,
        tolerations: app::tolerations(&meta.tolerations, "tolerations", origin)?,
        priority_class_name: app::priority_class_name(&meta.priority_class_name, "priority_class_name", origin)?,
    };
    let says_nothing = scheduling.node_selector.is_empty()
        && scheduling.tolerations.is_empty()
        && scheduling.priority_class_name.is_empty();
    Ok((!says_nothing).then_some(scheduling))
}

/// Environments sharing one physical cluster.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterGroup {
    pub key: String,
    pub cluster: String,
    /// Kubernetes version of the cluster, MAJOR.MINOR, as its environments name it; empty: unnamed.
    pub kubernetes_version: String,
    /// Environment name -> namespace.
    pub environments: BTreeMap<String, String>,
}

/// Reads and checks one environment file against the chart's apps. Every error names the
/// environment's target and file, and the field.
pub fn load(path: &Path, apps: &[App], host_pattern: Option<&HostPattern>) -> Result<Environment, ComposeError> {
    let meta: EnvironmentMetadata = input::read_json(path, "environment")?;
    let origin = Origin::new(path, &meta.target);
    origin.check("name", checks::dns_label(&meta.name))?;
    if !meta.namespace.is_empty() {
        origin.check("namespace", checks::dns_label(&meta.namespace))?;
    }
    if !meta.cluster.is_empty() {
        // The cluster becomes a key under clusterMapping in values.yaml.
        origin.check("cluster", checks::dns1123_label(&meta.cluster))?;
    }
    if !meta.kubernetes_version.is_empty() {
        origin.check("kubernetes_version", kubernetes_minor(&meta.kubernetes_version))?;
    }
    check_app_references(&meta, apps, &origin)?;
    for name in meta.env.keys() {
        origin.check("env", checks::env_name(name))?;
    }
    check_env_reaches_apps(&meta, apps, &origin)?;
    for (role, groups) in &meta.access {
        if let Some(bad) = groups.iter().find(|g| g.trim().is_empty() || g.trim() != g.as_str()) {
            return Err(origin.error(&format!("access.{}", role.as_str()), format!("{bad:?} is not a group name")));
        }
    }
    let domain_pattern =
        match (meta.ingress_domain.as_str(), host_pattern) {
            ("", _) => None,
            (domain, Some(pattern)) if pattern.uses_domain() => {
                origin.check("ingress_domain", checks::ingress_host(domain))?;
                Some(pattern)
            }
            _ => return Err(origin.error(
                "ingress_domain",
                "is set but the chart's ingress_host_pattern uses no {domain}; set helm_chart(ingress_host_pattern = \
                 \"{app}.{domain}\"), or remove ingress_domain",
            )),
        };
    let overlays = apps
        .iter()
        .map(|app| {
            let replicas = replicas(&meta, &app.name, &origin)?;
            let ingress_host = match (domain_pattern, &app.ingress) {
                (Some(pattern), Some(ingress)) if ingress.host_from_pattern => {
                    Some(origin.check("ingress_domain", pattern.host(&app.name, &meta.ingress_domain))?)
                }
                _ => None,
            };
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
                disabled: meta.disabled_apps.contains(&app.name),
                image_tag: meta.image_tags.get(&app.name).cloned(),
                ingress_host,
            })
        })
        .filter(|overlay| !overlay.as_ref().is_ok_and(AppOverlay::changes_nothing))
        .collect::<Result<_, ComposeError>>()?;
    let scheduling = scheduling(&meta, &origin)?;
    let routing = routing(&meta, &origin)?;
    let pod_annotations = app::pod_annotations(&meta.pod_annotations, "pod_annotations", &origin)?;
    let pod_labels = app::pod_labels(&meta.pod_labels, "pod_labels", &origin)?;
    Ok(Environment {
        origin: origin.location(),
        scheduling,
        routing,
        ingress: None,
        routes_through_gateway: false,
        peer_charts: Vec::new(),
        pod_annotations,
        pod_labels,
        name: meta.name,
        namespace: meta.namespace,
        cluster: meta.cluster,
        kubernetes_version: meta.kubernetes_version,
        network_policy: meta.network_policy,
        ingress_tls: meta.ingress_tls,
        access: meta.access,
        env: meta.env,
        apps: overlays,
    })
}

/// values-<env>.yaml as rendered, read back: every key has a value. A key with none is YAML
/// null, which Helm's merge reads as "delete this key from values.yaml", so the environment
/// would lose what values.yaml says instead of changing it (and Helm would then blame
/// values.yaml). The overlay plan never asks for one; this names the file and the key if a
/// template or a subchart's environment file ever does.
pub fn check_rendered(env: &Environment, file: &str, text: &str) -> Result<(), ComposeError> {
    let invalid = |message: String| ComposeError::InvalidChart {
        message: format!("{file} (environment {:?}, {}): {message}", env.name, env.origin),
    };
    let values: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(text).map_err(|e| invalid(format!("does not read back as YAML: {e}")))?;
    if !values.is_mapping() {
        return Err(invalid("is not a YAML mapping".into()));
    }
    match null_key(&values, String::new()) {
        Some(path) => Err(invalid(format!(
            "`{path}` has no value (YAML null), which Helm's merge reads as deleting that key from values.yaml"
        ))),
        None => Ok(()),
    }
}

/// The dotted path of the first key (in file order) whose value is null.
fn null_key(value: &serde_yaml_ng::Value, path: String) -> Option<String> {
    let join = |key: &str| if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
    match value {
        serde_yaml_ng::Value::Mapping(map) => map.iter().find_map(|(key, value)| {
            let key = match key {
                serde_yaml_ng::Value::String(key) => join(key),
                other => join(&format!("{other:?}")),
            };
            if value.is_null() {
                Some(key)
            } else {
                null_key(value, key)
            }
        }),
        serde_yaml_ng::Value::Sequence(items) => {
            items.iter().enumerate().find_map(|(i, item)| null_key(item, format!("{path}[{i}]")))
        }
        serde_yaml_ng::Value::Tagged(tagged) => null_key(&tagged.value, path),
        _ => None,
    }
}

/// An environment's app_env value reaches every app but those setting the variable
/// themselves, whose own value wins in every environment. Dropping it there without a word
/// would leave the app on a value the environment meant to replace, so it is refused, naming
/// the environment, the app and the variable (the same value as the app's own is no change).
fn check_env_reaches_apps(meta: &EnvironmentMetadata, apps: &[App], origin: &Origin) -> Result<(), ComposeError> {
    let enabled = apps.iter().filter(|app| !meta.disabled_apps.contains(&app.name));
    for app in enabled {
        for (name, value) in &meta.env {
            let Some(own) = own_env_source(app, name, value) else { continue };
            return Err(origin.error(
                "env",
                format!(
                    "app_env {name} would never reach app {:?} ({}) in environment {:?}: the app sets {name} itself \
                     ({own}), and an app's own variables win in every environment. Remove {name} from the app (this \
                     environment's app_env and the chart's env then give it its value), or from this environment's \
                     app_env",
                    app.name, app.target, meta.name
                ),
            ));
        }
    }
    Ok(())
}

/// Where `app` sets the variable `name` itself with another value than `value`, if it does.
fn own_env_source(app: &App, name: &str, value: &str) -> Option<&'static str> {
    match app.env.get(name) {
        Some(own) if own == value => return None,
        Some(_) => return Some("env"),
        None => {}
    }
    let sources = [
        ("secret_env", app.secret_env.contains_key(name)),
        ("sibling_env", app.sibling_env.iter().any(|s| s.env == name)),
        ("cluster_env", app.cluster_env.iter().any(|c| c.env == name)),
    ];
    sources.iter().find(|(_, sets)| *sets).map(|(source, _)| *source)
}

/// Every app an environment names is an app of the chart that has what it switches.
fn check_app_references(meta: &EnvironmentMetadata, apps: &[App], origin: &Origin) -> Result<(), ComposeError> {
    let app_named = |field: &str, name: &String| {
        apps.iter()
            .find(|a| &a.name == name)
            .ok_or_else(|| origin.error(field, format!("{name:?} is not an app of this chart")))
    };
    for name in meta.app_resource_presets.keys() {
        app_named("app_resource_presets", name)?;
    }
    for name in &meta.disabled_apps {
        app_named("disabled_apps", name)?;
        // The caller's pods would hold the address of a Service that is not rendered: the
        // chart's guard fails the render, so the environment is refused here, naming both.
        let callers = apps.iter().filter(|a| !meta.disabled_apps.contains(&a.name));
        if let Some((caller, address)) = callers
            .flat_map(|a| a.sibling_env.iter().map(move |s| (a, s)))
            .find(|(_, s)| s.in_chart() && &s.app == name)
        {
            return Err(origin.error(
                "disabled_apps",
                format!(
                    "{name:?} is addressed by app {:?} ({}) in its sibling_env {}, which this environment keeps on; \
                     disable {:?} too, or keep {name:?}",
                    caller.name, caller.target, address.env, caller.name
                ),
            ));
        }
    }
    for (name, tag) in &meta.image_tags {
        let app = app_named("image_tags", name)?;
        origin.check(&format!("image_tags.{name}"), checks::image_tag(tag))?;
        if !app.image.digest.is_empty() {
            return Err(origin.error(
                &format!("image_tags.{name}"),
                "the app's image is pinned by digest, which wins over any tag; drop the digest or this tag",
            ));
        }
    }
    let scaled =
        meta.replicas.keys().map(|n| ("replicas", n)).chain(meta.autoscaling.iter().map(|n| ("autoscaling", n)));
    for (field, name) in scaled {
        let app = app_named(field, name)?;
        if !app.app_type.is_long_running() {
            return Err(origin.error(
                field,
                format!("{name:?} runs to completion (a job or cronjob): it has no replicas or autoscaler"),
            ));
        }
        if app.daemon.is_some() {
            return Err(origin.error(
                field,
                format!("{name:?} is a daemon app (a DaemonSet: one pod on every node it admits): it has no replicas or autoscaler"),
            ));
        }
        // A volume attaching to one node cannot follow a second pod onto another node.
        if app.single_node_volume && (field == "autoscaling" || meta.replicas.get(name).is_some_and(|n| *n > 1)) {
            return Err(origin.error(
                &format!("{field}.{name}"),
                format!("{name:?} mounts a volume that attaches to one node (ReadWriteOnce): it keeps one replica"),
            ));
        }
        // Else the switch would be dropped without a word: nothing renders an autoscaler.
        if field == "autoscaling" && app.autoscaling.is_none() {
            return Err(origin.error(
                field,
                format!(
                    "{name:?} is a {} app (a StatefulSet of fixed size): it has no HorizontalPodAutoscaler; set its \
                     replicas instead",
                    app.app_type
                ),
            ));
        }
    }
    for name in &meta.keda {
        if app_named("keda", name)?.keda.is_none() {
            return Err(origin.error("keda", format!("{name:?} declares no KEDA triggers (keda_triggers)")));
        }
        if meta.autoscaling.contains(name) {
            return Err(origin.error(
                "keda",
                format!(
                    "{name:?} is in both autoscaling and keda; KEDA runs its own HorizontalPodAutoscaler, so choose one"
                ),
            ));
        }
    }
    Ok(())
}

/// The replica count an environment sets for an app. 0 is refused rather than dropped:
/// the overlay would silently keep the default, and a stopped app also leaves its
/// PodDisruptionBudget unsatisfiable.
fn replicas(meta: &EnvironmentMetadata, app: &str, origin: &Origin) -> Result<Option<u32>, ComposeError> {
    let field = format!("replicas.{app}");
    match meta.replicas.get(app) {
        Some(0) => Err(origin.error(&field, "0 must be at least 1: an environment cannot stop an app")),
        count => count.map(|n| origin.count(&field, Some(*n), 1, 1)).transpose(),
    }
}

/// Distinct clusters must keep distinct values keys under clusterMapping (`a-b` and `a--b`
/// are both `aB`), or one would silently replace the other.
pub fn check_clusters(environments: &[Environment]) -> Result<(), ComposeError> {
    check_cluster_versions(environments)?;
    let mut keys: BTreeMap<String, &Environment> = BTreeMap::new();
    for env in environments.iter().filter(|e| !e.cluster.is_empty()) {
        let key = checks::lower_camel_case(&env.cluster);
        match keys.get(&key) {
            Some(other) if other.cluster != env.cluster => {
                return Err(ComposeError::InvalidChart {
                    message: format!(
                        "{}: field `cluster`: {:?} and {:?} (environment {}, {}) both become the clusterMapping key \
                         {key:?} in values.yaml; rename one",
                        env.origin, env.cluster, other.cluster, other.name, other.origin
                    ),
                })
            }
            _ => {
                keys.insert(key, env);
            }
        }
    }
    Ok(())
}

/// Kubernetes minor versions (of 1.x) whose schemas the pinned kubernetes-validate wheel holds:
/// the versions `.validate` can check a chart against.
pub const KUBERNETES_MINORS: std::ops::RangeInclusive<u32> = 25..=37;

/// kubeVersion of a chart that names no Kubernetes version, as before versions could be named.
const DEFAULT_KUBE_VERSION: &str = ">=1.27.0-0";

/// The minor of a Kubernetes version written MAJOR.MINOR ("1.31" -> 31), one whose schemas the
/// validator holds.
pub fn kubernetes_minor(version: &str) -> Result<u32, String> {
    let minor = version
        .strip_prefix("1.")
        .filter(|minor| !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit()) && !minor.starts_with('0'))
        .and_then(|minor| minor.parse::<u32>().ok())
        .ok_or_else(|| format!("{version:?} is not a Kubernetes version MAJOR.MINOR, e.g. \"1.31\""))?;
    if !KUBERNETES_MINORS.contains(&minor) {
        return Err(format!(
            "Kubernetes {version} is not one the validator has schemas for (1.{} to 1.{})",
            KUBERNETES_MINORS.start(),
            KUBERNETES_MINORS.end()
        ));
    }
    Ok(minor)
}

/// Chart.yaml's kubeVersion: at least the lowest version the chart names (`kubernetes_versions`),
/// or else the lowest its environments' clusters run, so Helm refuses a cluster older than what
/// `.validate` checked; with no version named, the composer's default. The versions are checked.
pub fn kube_version_constraint(chart_versions: &[String], environments: &[Environment]) -> Result<String, String> {
    let mut chart_minors = Vec::new();
    for version in chart_versions {
        chart_minors.push(kubernetes_minor(version)?);
    }
    let environment_minors = environments
        .iter()
        .filter(|e| !e.kubernetes_version.is_empty())
        .map(|e| kubernetes_minor(&e.kubernetes_version));
    let lowest = match chart_minors.iter().min() {
        Some(lowest) => Some(*lowest),
        None => environment_minors.collect::<Result<Vec<_>, _>>()?.into_iter().min(),
    };
    Ok(lowest.map_or_else(|| DEFAULT_KUBE_VERSION.to_string(), |minor| format!(">=1.{minor}.0-0")))
}

/// A cluster runs one Kubernetes version: environments sharing it must not name two.
fn check_cluster_versions(environments: &[Environment]) -> Result<(), ComposeError> {
    let mut versions: BTreeMap<&str, &Environment> = BTreeMap::new();
    for env in environments.iter().filter(|e| !e.cluster.is_empty() && !e.kubernetes_version.is_empty()) {
        match versions.get(env.cluster.as_str()) {
            Some(other) if other.kubernetes_version != env.kubernetes_version => {
                return Err(ComposeError::InvalidChart {
                    message: format!(
                        "{}: field `kubernetes_version`: {:?}, but environment {} ({}) on the same cluster {:?} \
                         names {:?}; a cluster runs one version",
                        env.origin,
                        env.kubernetes_version,
                        other.name,
                        other.origin,
                        env.cluster,
                        other.kubernetes_version
                    ),
                })
            }
            _ => {
                versions.insert(&env.cluster, env);
            }
        }
    }
    Ok(())
}

/// values.schema.json types `clusterMapping.<cluster>.kubernetesVersion` only in a chart
/// whose clusters name versions (so the schema of every other chart stays as it was).
pub fn type_cluster_versions(schema: &mut serde_json::Value, environments: &[Environment]) {
    if !environments.iter().any(|e| !e.cluster.is_empty() && !e.kubernetes_version.is_empty()) {
        return;
    }
    if let Some(serde_json::Value::Object(properties)) =
        schema.pointer_mut("/properties/clusterMapping/additionalProperties/properties")
    {
        properties.insert(
            "kubernetesVersion".into(),
            serde_json::json!({
                "description": "Kubernetes version of the cluster, MAJOR.MINOR.",
                "type": "string",
                "pattern": "^1\\.[1-9][0-9]*$"
            }),
        );
    }
}

/// The logical-to-physical map: environments grouped by the cluster they run on.
pub fn cluster_mapping(environments: &[Environment]) -> Vec<ClusterGroup> {
    let mut groups: BTreeMap<&str, ClusterGroup> = BTreeMap::new();
    for env in environments.iter().filter(|e| !e.cluster.is_empty()) {
        let group = groups.entry(&env.cluster).or_insert_with(|| ClusterGroup {
            key: checks::lower_camel_case(&env.cluster),
            cluster: env.cluster.clone(),
            kubernetes_version: String::new(),
            environments: BTreeMap::new(),
        });
        group.environments.insert(env.name.clone(), env.namespace.clone());
        if !env.kubernetes_version.is_empty() {
            group.kubernetes_version = env.kubernetes_version.clone();
        }
    }
    groups.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AppMetadata;
    use std::fs;

    fn apps() -> Vec<App> {
        let worker: AppMetadata = serde_json::from_value(serde_json::json!({
            "name": "worker", "app_type": "worker", "image": {"repository": "r", "tag": "1"},
            "policy_exceptions": {"probes": "reads a queue and serves nothing to check"},
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
        load(&file, &apps(), None)
    }

    #[test]
    fn an_app_env_value_an_app_overrides_itself_is_refused_naming_both() {
        let web: AppMetadata = serde_json::from_value(serde_json::json!({
            "name": "web-api", "target": "//shop:web_api_metadata", "image": {"repository": "r", "tag": "1"},
            "port": 8080, "env": {"LOG_LEVEL": "debug"}, "secret_env": {"DB_URL": "db/url"}
        }))
        .expect("parses");
        let apps = [App::from_metadata(&web, Path::new("web.json")).expect("valid")];
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("prod.json");
        let load_env = |env: serde_json::Value| {
            fs::write(&file, serde_json::json!({"name": "prod", "target": "//shop:prod", "env": env}).to_string())
                .expect("write");
            load(&file, &apps, None).map(|_| ()).map_err(|e| e.to_string())
        };
        let error = load_env(serde_json::json!({"LOG_LEVEL": "warn", "OTEL": "x"})).expect_err("shadowed");
        assert!(error.contains("//shop:prod") && error.contains("field `env`"), "{error}");
        assert!(
            error.contains("app_env LOG_LEVEL would never reach app \"web-api\" (//shop:web_api_metadata) in environment \"prod\": the app sets LOG_LEVEL itself (env)"),
            "{error}"
        );
        let secret = load_env(serde_json::json!({"DB_URL": "postgres://x"})).expect_err("shadowed by a secret");
        assert!(secret.contains("sets DB_URL itself (secret_env)"), "{secret}");
        // The app's own value again changes nothing; a variable the app leaves alone reaches it.
        load_env(serde_json::json!({"LOG_LEVEL": "debug", "OTEL": "x"})).expect("no value is dropped");
    }

    #[test]
    fn kubernetes_versions_are_checked_and_the_lowest_becomes_the_kube_version() {
        let error = load_json(serde_json::json!({"name": "prod", "kubernetes_version": "1.24"})).expect_err("old");
        assert!(
            error.to_string().ends_with(
                "field `kubernetes_version`: Kubernetes 1.24 is not one the validator has schemas for (1.25 to 1.37)"
            ),
            "{error}"
        );
        for bad in ["1.031", "v1.31", "1.31.2", "2.1", ""] {
            assert!(kubernetes_minor(bad).is_err(), "{bad:?} accepted");
        }
        let env = |name: &str, version: &str| {
            load_json(serde_json::json!({"name": name, "kubernetes_version": version})).expect("valid")
        };
        let environments =
            [env("dev", "1.34"), env("prod", "1.29"), load_json(serde_json::json!({"name": "qa"})).expect("ok")];
        assert_eq!(kube_version_constraint(&[], &environments).as_deref(), Ok(">=1.29.0-0"));
        let on_one_cluster = |name: &str, version: &str| {
            load_json(serde_json::json!({"name": name, "cluster": "shared", "kubernetes_version": version}))
                .expect("ok")
        };
        let error = check_clusters(&[on_one_cluster("dev", "1.33"), on_one_cluster("qa", "1.32")]).expect_err("two");
        assert!(error.to_string().contains("field `kubernetes_version`: \"1.32\", but environment dev"), "{error}");
        let groups = cluster_mapping(&[on_one_cluster("dev", "1.33"), on_one_cluster("qa", "1.33")]);
        assert_eq!(groups[0].kubernetes_version, "1.33", "the cluster's version is recorded in clusterMapping");
        let chart = ["1.34".to_string(), "1.30".to_string()];
        assert_eq!(
            kube_version_constraint(&chart, &environments).as_deref(),
            Ok(">=1.30.0-0"),
            "the chart's range wins"
        );
        assert_eq!(kube_version_constraint(&[], &[]).as_deref(), Ok(">=1.27.0-0"));
        let error = kube_version_constraint(&["1.9".to_string()], &[]).expect_err("not served");
        assert_eq!(error, "Kubernetes 1.9 is not one the validator has schemas for (1.25 to 1.37)");
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

    #[test]
    fn a_stateful_app_is_never_autoscaled_by_an_environment() {
        let db: AppMetadata = serde_json::from_value(serde_json::json!({
            "name": "db", "app_type": "stateful", "image": {"repository": "r", "tag": "1"}, "port": 5432,
            "protocol": "tcp", "storage": {"size": "1Gi", "mount_path": "/data"}
        }))
        .expect("parses");
        let all = [App::from_metadata(&db, Path::new("x.json")).expect("valid")];
        let load_with = |environment: serde_json::Value| {
            let dir = tempfile::tempdir().expect("tempdir");
            let file = dir.path().join("prod.json");
            fs::write(&file, environment.to_string()).expect("write");
            load(&file, &all, None)
        };
        let error = load_with(serde_json::json!({"name": "prod", "autoscaling": ["db"]})).expect_err("no HPA");
        assert!(
            error.to_string().ends_with(
                "field `autoscaling`: \"db\" is a stateful app (a StatefulSet of fixed size): it has no \
                 HorizontalPodAutoscaler; set its replicas instead"
            ),
            "{error}"
        );
        let env = load_with(serde_json::json!({"name": "prod", "replicas": {"db": 3}})).expect("replicas");
        assert_eq!(env.apps[0].replicas, Some(3));
    }

    /// `apps()` and a worker `web` whose STATUS_URL addresses status-api.
    fn apps_and_a_caller_of_status_api() -> Vec<App> {
        let caller: AppMetadata = serde_json::from_value(serde_json::json!({
            "name": "web", "target": "//x:web", "image": {"repository": "r", "tag": "1"}, "app_type": "worker",
            "policy_exceptions": {"probes": "serves nothing"},
            "sibling_env": [{"env": "STATUS_URL", "app": "status-api"}]
        }))
        .expect("parses");
        let mut all = apps();
        all.push(App::from_metadata(&caller, Path::new("x.json")).expect("valid"));
        all
    }

    #[test]
    fn an_app_another_app_addresses_is_switched_off_only_with_it() {
        let all = apps_and_a_caller_of_status_api();
        let load_with = |disabled: serde_json::Value| {
            let dir = tempfile::tempdir().expect("tempdir");
            let file = dir.path().join("prod.json");
            fs::write(&file, serde_json::json!({"name": "prod", "disabled_apps": disabled}).to_string())
                .expect("write");
            load(&file, &all, None)
        };
        let error = load_with(serde_json::json!(["status-api"])).expect_err("web would address nothing").to_string();
        assert!(
            error.ends_with(
                "field `disabled_apps`: \"status-api\" is addressed by app \"web\" (//x:web) in its sibling_env \
                 STATUS_URL, which this environment keeps on; disable \"web\" too, or keep \"status-api\""
            ),
            "{error}"
        );
        load_with(serde_json::json!(["status-api", "web"])).expect("both off");
        load_with(serde_json::json!(["web"])).expect("the caller alone off");
    }

    #[test]
    fn environments_switch_apps_off_pin_tags_and_keep_network_policies_on_by_default() {
        let env = load_json(serde_json::json!({
            "name": "prod", "disabled_apps": ["worker"], "image_tags": {"status-api": "1.5.0-rc.1"}
        }))
        .expect("valid");
        assert!(env.network_policy, "on unless the environment says otherwise");
        let overlays: Vec<_> =
            env.apps.iter().map(|a| (a.values_key.as_str(), a.disabled, a.image_tag.as_deref())).collect();
        assert_eq!(overlays, [("worker", true, None), ("statusApi", false, Some("1.5.0-rc.1"))]);
        let off = load_json(serde_json::json!({"name": "dev", "network_policy": false})).expect("valid");
        assert!(!off.network_policy);
        let error = load_json(serde_json::json!({"name": "prod", "disabled_apps": ["ghost"]})).expect_err("unknown");
        assert!(error.to_string().contains("field `disabled_apps`: \"ghost\" is not an app of this chart"), "{error}");
        let error = load_json(serde_json::json!({"name": "prod", "image_tags": {"worker": "a b"}})).expect_err("tag");
        assert!(error.to_string().contains("field `image_tags.worker`"), "{error}");
    }

    /// The error of an environment file holding `text`, with its directory as DIR.
    fn error_of(text: &str) -> String {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("prod.json");
        fs::write(&file, text).expect("write");
        let error = load(&file, &apps(), None).expect_err("must be refused").to_string();
        error.replace(&dir.path().display().to_string(), "DIR")
    }

    #[test]
    fn an_app_with_a_read_write_once_claim_keeps_one_replica_in_every_environment() {
        let indexer: AppMetadata = serde_json::from_value(serde_json::json!({
            "name": "indexer-api", "image": {"repository": "r", "tag": "1"}, "port": 8080, "replicas": 1,
            "volumes": [{"name": "index", "mount_path": "/index", "persistent_volume_claim": {"size": "1Gi"}}]
        }))
        .expect("parses");
        let apps = [App::from_metadata(&indexer, Path::new("x.json")).expect("valid")];
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("prod.json");
        for (environment, field) in [
            (serde_json::json!({"name": "prod", "replicas": {"indexer-api": 2}}), "replicas.indexer-api"),
            (serde_json::json!({"name": "prod", "autoscaling": ["indexer-api"]}), "autoscaling.indexer-api"),
        ] {
            fs::write(&file, environment.to_string()).expect("write");
            let error = load(&file, &apps, None).expect_err("refused").to_string();
            assert!(
                error.contains(&format!(
                    "field `{field}`: \"indexer-api\" mounts a volume that attaches to one node (ReadWriteOnce): it \
                     keeps one replica"
                )),
                "{error}"
            );
        }
        fs::write(&file, serde_json::json!({"name": "prod", "replicas": {"indexer-api": 1}}).to_string())
            .expect("write");
        assert!(load(&file, &apps, None).is_ok(), "one replica is what the volume allows");
    }

    #[test]
    fn errors_name_the_environment_target_file_and_field() {
        let target = r#""name": "prod", "target": "//env:prod""#;
        assert_eq!(
            error_of(&format!(r#"{{{target}, "replicas": {{"worker": 0}}}}"#)),
            "//env:prod (DIR/prod.json): field `replicas.worker`: 0 must be at least 1: an environment cannot stop an \
             app"
        );
        assert_eq!(
            error_of(&format!(r#"{{{target}, "replicas": {{"worker": 2147483648}}}}"#)),
            "//env:prod (DIR/prod.json): field `replicas.worker`: 2147483648 must be at most 2147483647"
        );
        assert!(error_of(&format!(r#"{{{target}, "replicas": {{"worker": -2}}}}"#)).contains("-2 must be at least 1"));
        assert_eq!(
            error_of(&format!(r#"{{{target}, "replicas": {{"worker": "5"}}}}"#)),
            "//env:prod (DIR/prod.json): environment does not match the schema: field `replicas.worker`: invalid \
             type: string \"5\", expected i64"
        );
        assert_eq!(
            error_of(&format!(r#"{{{target}, "keda": ["worker"], "keda": []}}"#)),
            "DIR/prod.json: environment is not valid: duplicate key \"keda\" at the top level (line 1)"
        );
        assert_eq!(error_of("[]"), "DIR/prod.json: environment must be a JSON object");
        assert!(error_of(r#"{"name": "prod", "replicas": {"ghost": 1}}"#)
            .starts_with("DIR/prod.json: field `replicas`: \"ghost\" is not an app of this chart"));
        let max = load_json(serde_json::json!({"name": "prod", "replicas": {"worker": 2_147_483_647}})).expect("valid");
        assert_eq!(max.apps[0].replicas, Some(2_147_483_647));
    }

    #[test]
    fn clusters_are_dns_labels_with_distinct_values_keys() {
        for (cluster, reason) in
            [("euWest", "\"euWest\" is not a DNS-1123 label"), ("eu_west", "is not a DNS-1123 label")]
        {
            let error = error_of(&format!(r#"{{"name": "prod", "cluster": "{cluster}"}}"#));
            assert!(error.starts_with("DIR/prod.json: field `cluster`: ") && error.contains(reason), "{error}");
        }
        let env = |name: &str, cluster: &str| {
            let mut env = load_json(serde_json::json!({"name": name, "cluster": cluster})).expect("valid");
            env.origin = format!("//env:{name}");
            env
        };
        let error = check_clusters(&[env("dev", "eu-west-1"), env("prod", "eu--west-1")]).expect_err("collide");
        assert_eq!(
            error.to_string(),
            "//env:prod: field `cluster`: \"eu--west-1\" and \"eu-west-1\" (environment dev, //env:dev) both become \
             the clusterMapping key \"euWest1\" in values.yaml; rename one"
        );
        let shared = [env("dev", "eu-west-1"), env("staging", "eu-west-1"), env("prod", "eu-west-2")];
        assert!(check_clusters(&shared).is_ok(), "environments may share a cluster");
    }

    #[test]
    fn group_names_are_refused_empty_or_padded() {
        for bad in ["", " admins", "admins "] {
            let error = load_json(serde_json::json!({"name": "prod", "access": {"admin": [bad]}}))
                .expect_err("refused")
                .to_string();
            assert!(error.contains("field `access.admin`") && error.contains("is not a group name"), "{error}");
        }
        load_json(serde_json::json!({"name": "prod", "access": {"admin": ["platform admins"]}})).expect("a name");
    }

    #[test]
    fn plain_http_clears_tls_only_for_apps_with_an_ingress() {
        let web: AppMetadata = serde_json::from_value(serde_json::json!({
            "name": "web", "app_type": "external-api", "image": {"repository": "r", "tag": "1"}, "port": 80,
            "ingress": {"host": "example.com", "tls_secret": "web-tls"}
        }))
        .expect("parses");
        let mut all = apps();
        all.push(App::from_metadata(&web, Path::new("x.json")).expect("valid"));
        let tls_off = |ingress_tls: bool| {
            let dir = tempfile::tempdir().expect("tempdir");
            let file = dir.path().join("dev.json");
            fs::write(&file, serde_json::json!({"name": "dev", "ingress_tls": ingress_tls}).to_string())
                .expect("write");
            let env = load(&file, &all, None).expect("valid");
            env.apps.iter().map(|a| (a.values_key.clone(), a.tls_off)).collect::<Vec<_>>()
        };
        let off = [("worker".to_string(), false), ("statusApi".to_string(), false), ("web".to_string(), true)];
        assert_eq!(tls_off(false), off);
        assert!(tls_off(true).iter().all(|(_, off)| !off));
    }

    #[test]
    fn clusters_group_the_environments_that_name_one() {
        let prod =
            load_json(serde_json::json!({"name": "prod", "namespace": "shop", "cluster": "eu-main"})).expect("ok");
        let dev = load_json(serde_json::json!({"name": "dev"})).expect("no cluster");
        let groups = cluster_mapping(&[prod, dev]);
        assert_eq!(groups.len(), 1, "an environment without a cluster is in no group");
        assert_eq!((groups[0].key.as_str(), groups[0].cluster.as_str()), ("euMain", "eu-main"));
        assert_eq!(groups[0].environments, BTreeMap::from([("prod".to_string(), "shop".to_string())]));
    }

    /// An overlay of app `a` that sets nothing.
    fn empty_overlay() -> AppOverlay {
        AppOverlay {
            values_key: "a".into(),
            replicas: None,
            autoscaling: None,
            keda: None,
            resources: None,
            tls_off: false,
            disabled: false,
            image_tag: None,
            ingress_host: None,
        }
    }

    #[test]
    fn an_overlay_setting_any_one_field_changes_something() {
        assert!(empty_overlay().changes_nothing());
        let small = Resources::resolve(&Default::default(), crate::model::ResourcePreset::Small);
        let setters: [(&str, Box<dyn Fn(&mut AppOverlay)>); 8] = [
            ("replicas", Box::new(|o| o.replicas = Some(2))),
            ("autoscaling", Box::new(|o| o.autoscaling = Some(false))),
            ("keda", Box::new(|o| o.keda = Some(false))),
            ("resources", Box::new(move |o| o.resources = Some(small.clone()))),
            ("tls_off", Box::new(|o| o.tls_off = true)),
            ("disabled", Box::new(|o| o.disabled = true)),
            ("image_tag", Box::new(|o| o.image_tag = Some("1".into()))),
            ("ingress_host", Box::new(|o| o.ingress_host = Some("a.example.com".into()))),
        ];
        for (field, set) in setters {
            let mut overlay = empty_overlay();
            set(&mut overlay);
            assert!(!overlay.changes_nothing(), "{field} alone is a change");
        }
        let gateway = GatewayMetadata { name: "g".into(), ..Default::default() };
        let ingress_changes = [
            IngressOverlay { class_name: Some("internal".into()), ..Default::default() },
            IngressOverlay { tls_secret: Some(String::new()), ..Default::default() },
            IngressOverlay { api: Some("gateway"), ..Default::default() },
            IngressOverlay { gateway: Some(gateway), ..Default::default() },
        ];
        assert!(IngressOverlay::default().changes_nothing());
        for overlay in ingress_changes {
            assert!(!overlay.changes_nothing(), "{overlay:?} is a change");
        }
    }

    #[test]
    fn any_one_scheduling_setting_is_written() {
        let scheduling = |settings: serde_json::Value| {
            let mut environment = serde_json::json!({"name": "prod"});
            environment.as_object_mut().expect("object").extend(settings.as_object().expect("object").clone());
            load_json(environment).expect("valid").scheduling
        };
        let pool = scheduling(serde_json::json!({"node_selector": {"pool": "prod"}})).expect("a node pool");
        assert_eq!(pool.node_selector, BTreeMap::from([("pool".to_string(), "prod".to_string())]));
        assert!(pool.tolerations.is_empty() && pool.priority_class_name.is_empty());
        let taints = scheduling(serde_json::json!({"tolerations": [{"key": "pool", "operator": "Exists"}]}))
            .expect("a toleration");
        assert_eq!(taints.tolerations.len(), 1);
        let priority = scheduling(serde_json::json!({"priority_class_name": "critical"})).expect("a priority");
        assert_eq!(priority.priority_class_name, "critical");
        assert!(scheduling(serde_json::json!({})).is_none(), "an environment saying nothing writes nothing");
    }

    #[test]
    fn a_null_inside_a_list_or_a_tagged_value_is_named_by_its_path() {
        let env = load_json(serde_json::json!({"name": "prod"})).expect("valid");
        let error = |text: &str| check_rendered(&env, "values-prod.yaml", text).expect_err(text).to_string();
        for (text, key) in [
            ("apps:\n  db:\n    ports:\n    - name: http\n    - name: ~\n", "apps.db.ports[1].name"),
            ("sub: !custom\n  ok: 1\n  gone: ~\n", "sub.gone"),
            ("1: ~\n", "Number(1)"),
        ] {
            let message = error(text);
            assert!(message.contains(&format!("`{key}` has no value (YAML null)")), "{text:?}: {message}");
        }
        assert!(error("- a\n").ends_with(": is not a YAML mapping"), "{}", error("- a\n"));
        assert!(error("a: [\n").contains(": does not read back as YAML: "), "{}", error("a: [\n"));
        check_rendered(&env, "values-prod.yaml", "apps:\n  db:\n    ports:\n    - name: http\n").expect("no null");
    }

    #[test]
    fn an_app_env_value_is_refused_where_a_sibling_or_cluster_value_shadows_it() {
        let web: AppMetadata = serde_json::from_value(serde_json::json!({
            "name": "web", "target": "//x:web", "app_type": "internal-api", "image": {"repository": "r", "tag": "1"},
            "port": 8080, "sibling_env": [{"env": "STATUS_URL", "app": "status-api"}], "cluster_env": {"POD_NAME": "pod-name"}
        }))
        .expect("parses");
        let mut all = apps();
        all.push(App::from_metadata(&web, Path::new("x.json")).expect("valid"));
        let load_env = |env: serde_json::Value| {
            let dir = tempfile::tempdir().expect("tempdir");
            let file = dir.path().join("prod.json");
            fs::write(&file, serde_json::json!({"name": "prod", "env": env}).to_string()).expect("write");
            load(&file, &all, None).map(|_| ()).map_err(|e| e.to_string())
        };
        let error = load_env(serde_json::json!({"STATUS_URL": "http://x"})).expect_err("a sibling address");
        assert!(error.contains("app_env STATUS_URL would never reach app \"web\" (//x:web)"), "{error}");
        assert!(error.contains("the app sets STATUS_URL itself (sibling_env)"), "{error}");
        let error = load_env(serde_json::json!({"POD_NAME": "x"})).expect_err("a cluster value");
        assert!(error.contains("the app sets POD_NAME itself (cluster_env)"), "{error}");
        load_env(serde_json::json!({"LOG_LEVEL": "debug"})).expect("a variable no app sets reaches them all");
    }

    #[test]
    fn switching_off_an_app_nobody_addresses_keeps_its_callers_on() {
        let all = apps_and_a_caller_of_status_api();
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("prod.json");
        fs::write(&file, serde_json::json!({"name": "prod", "disabled_apps": ["worker"]}).to_string()).expect("write");
        let env = load(&file, &all, None).expect("web addresses status-api, not worker");
        let disabled: Vec<_> = env.apps.iter().filter(|a| a.disabled).map(|a| a.values_key.as_str()).collect();
        assert_eq!(disabled, ["worker"]);
    }

    #[test]
    fn a_kubernetes_minor_is_plain_digits() {
        assert_eq!(kubernetes_minor("1.31"), Ok(31));
        assert_eq!(kubernetes_minor("1.25"), Ok(25));
        assert_eq!(kubernetes_minor("1.37"), Ok(37));
        for bad in ["1.+31", "1. 31", "1.31 "] {
            let error = kubernetes_minor(bad).expect_err(bad);
            assert!(error.ends_with("is not a Kubernetes version MAJOR.MINOR, e.g. \"1.31\""), "{error}");
        }
    }

    #[test]
    fn environments_on_one_cluster_may_name_its_version_once_or_alike() {
        let env = |name: &str, cluster: &str, version: &str| {
            load_json(serde_json::json!({"name": name, "cluster": cluster, "kubernetes_version": version}))
                .expect("valid")
        };
        let unnamed = |name: &str, cluster: &str| {
            load_json(serde_json::json!({"name": name, "cluster": cluster})).expect("valid")
        };
        let alike = [env("dev", "shared", "1.33"), env("qa", "shared", "1.33")];
        assert!(check_clusters(&alike).is_ok(), "the same version twice");
        let once = [unnamed("dev", "shared"), env("qa", "shared", "1.33"), unnamed("staging", "shared")];
        assert!(check_clusters(&once).is_ok(), "one environment names the version");
        let groups = cluster_mapping(&once);
        assert_eq!(groups[0].kubernetes_version, "1.33", "a later environment without a version keeps it");
        let no_cluster = [
            load_json(serde_json::json!({"name": "dev", "kubernetes_version": "1.33"})).expect("valid"),
            load_json(serde_json::json!({"name": "qa", "kubernetes_version": "1.32"})).expect("valid"),
        ];
        assert!(check_clusters(&no_cluster).is_ok(), "environments naming no cluster share none");
    }

    #[test]
    fn cluster_versions_are_typed_only_when_a_cluster_names_one() {
        let schema = || {
            serde_json::json!({"properties": {"clusterMapping": {"additionalProperties": {"properties": {
                "environments": {"type": "object"}
            }}}}})
        };
        let typed = |environments: &[Environment]| {
            let mut schema = schema();
            type_cluster_versions(&mut schema, environments);
            schema.pointer("/properties/clusterMapping/additionalProperties/properties/kubernetesVersion").cloned()
        };
        let with = |settings: serde_json::Value| load_json(settings).expect("valid");
        let version = typed(&[
            with(serde_json::json!({"name": "dev"})),
            with(serde_json::json!({"name": "prod", "cluster": "main", "kubernetes_version": "1.31"})),
        ])
        .expect("typed");
        assert_eq!(version["pattern"], "^1\\.[1-9][0-9]*$");
        assert_eq!(version["type"], "string");
        assert_eq!(typed(&[with(serde_json::json!({"name": "prod", "cluster": "main"}))]), None);
        assert_eq!(typed(&[with(serde_json::json!({"name": "prod", "kubernetes_version": "1.31"}))]), None);
        assert_eq!(typed(&[]), None);
    }

    #[test]
    fn an_environment_domain_gives_pattern_hosts_under_it() {
        let web: AppMetadata = serde_json::from_value(serde_json::json!({
            "name": "web", "app_type": "external-api", "image": {"repository": "r", "tag": "1"}, "port": 80
        }))
        .expect("parses");
        let shop: AppMetadata = serde_json::from_value(serde_json::json!({
            "name": "shop", "app_type": "external-api", "image": {"repository": "r", "tag": "1"}, "port": 80,
            "ingress": {"host": "shop.example.com"}
        }))
        .expect("parses");
        let all: Vec<App> =
            [web, shop].iter().map(|m| App::from_metadata(m, Path::new("x.json")).expect("valid")).collect();
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("dev.json");
        let load_with = |domain: &str, pattern: &str| {
            fs::write(&file, serde_json::json!({"name": "dev", "ingress_domain": domain}).to_string()).expect("write");
            let pattern = HostPattern::parse(pattern).expect("a pattern");
            load(&file, &all, Some(&pattern)).map_err(|e| e.to_string())
        };
        let env = load_with("dev.example.com", "{app}.{domain}").expect("valid");
        let hosts: Vec<_> = env.apps.iter().map(|a| (a.values_key.as_str(), a.ingress_host.as_deref())).collect();
        assert_eq!(hosts, [("web", Some("web.dev.example.com")), ("shop", None)], "shop keeps its own host");
        let error = load_with("dev.example.com", "{app}.example.com").expect_err("no {domain}");
        assert!(
            error.contains("field `ingress_domain`: is set but the chart's ingress_host_pattern uses no {domain}"),
            "{error}"
        );
        let error = load_with("Dev.example.com", "{app}.{domain}").expect_err("not a host");
        assert!(error.contains("field `ingress_domain`: \"Dev.example.com\" is not a DNS-1123 subdomain"), "{error}");
        let long = format!("{}.example.com", "d".repeat(60));
        let error = load_with(&long, "{app}.{domain}.{domain}.{domain}.{domain}").expect_err("too long a host");
        assert!(error.contains("field `ingress_domain`: \"web.dddd"), "{error}");
    }
}
