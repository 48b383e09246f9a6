//! The chart plan: which files a chart has (objects per app, the Ingress plan, environments,
//! values and their schema), each rendered by `render`.

pub mod environment;
pub mod gateway;
pub mod ingress;
mod network;
pub mod peers;
pub mod readme;
pub mod subcharts;
pub mod values_schema;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use handlebars::Context;
use serde::Serialize;
use serde_json::Value;

use self::environment::{ClusterGroup, Environment};
use self::ingress::IngressPlan;
use self::subcharts::Dependency;
use crate::app::App;
use crate::checks;
use crate::error::ComposeError;
use crate::model::{AddressForm, AppType, ChartSpec, IngressApi, Protocol};
use crate::parallel;
use crate::render::Renderer;
use crate::subchart::Subchart;

/// Kubernetes objects an app can get, one template (and one file per app) each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Resource {
    ConfigMap,
    ServiceAccount,
    NetworkPolicy,
    Deployment,
    StatefulSet,
    DaemonSet,
    Service,
    PodDisruptionBudget,
    HorizontalPodAutoscaler,
    ScaledObject,
    ServiceMonitor,
    Job,
    CronJob,
    PersistentVolumeClaim,
}

impl Resource {
    /// File name part and template name of the resource.
    pub fn file_stem(self) -> &'static str {
        match self {
            Resource::ConfigMap => "configmap",
            Resource::ServiceAccount => "serviceaccount",
            Resource::NetworkPolicy => "networkpolicy",
            Resource::Deployment => "deployment",
            Resource::StatefulSet => "statefulset",
            Resource::DaemonSet => "daemonset",
            Resource::Service => "service",
            Resource::PodDisruptionBudget => "pdb",
            Resource::HorizontalPodAutoscaler => "hpa",
            Resource::ScaledObject => "scaledobject",
            Resource::ServiceMonitor => "servicemonitor",
            Resource::Job => "job",
            Resource::CronJob => "cronjob",
            Resource::PersistentVolumeClaim => "persistentvolumeclaim",
        }
    }

    /// The object as the chart's README names it, with the value that switches it when it
    /// is optional.
    pub fn describe(self) -> &'static str {
        match self {
            Resource::ConfigMap => "ConfigMap",
            Resource::ServiceAccount => "ServiceAccount",
            Resource::NetworkPolicy => "NetworkPolicy (when networkPolicy.enabled)",
            Resource::Deployment => "Deployment",
            Resource::StatefulSet => "StatefulSet (a volume per pod)",
            Resource::DaemonSet => "DaemonSet (a pod per node)",
            Resource::Service => "Service",
            Resource::PodDisruptionBudget => "PodDisruptionBudget (when it can be satisfied)",
            Resource::HorizontalPodAutoscaler => "HorizontalPodAutoscaler (when autoscaling.enabled)",
            Resource::ScaledObject => "KEDA ScaledObject (when keda.enabled)",
            Resource::ServiceMonitor => "ServiceMonitor (when metrics.enabled and monitoring.serviceMonitors)",
            Resource::Job => "Job (a Helm hook unless its hook is none)",
            Resource::CronJob => "CronJob",
            Resource::PersistentVolumeClaim => "PersistentVolumeClaim (each volume claim the chart creates)",
        }
    }

    /// The objects of one app: its type's, plus a ConfigMap when it has configuration, a
    /// ScaledObject when it declares KEDA triggers, a ServiceMonitor (with a Service to
    /// select, for a worker) when it serves metrics, and a Service for a daemon with a port.
    pub fn for_app(app: &App) -> Vec<Resource> {
        let mut resources = Resource::for_type(app.app_type);
        if app.app_type == AppType::Daemon && app.port.is_some() {
            resources.push(Resource::Service);
        }
        if app.config.is_some() {
            resources.push(Resource::ConfigMap);
        }
        if app.keda.is_some() {
            resources.push(Resource::ScaledObject);
        }
        if app.volumes.iter().any(|v| v.created_claim()) {
            resources.push(Resource::PersistentVolumeClaim);
        }
        if app.metrics.is_some() {
            resources.extend([Resource::Service, Resource::ServiceMonitor]);
        }
        resources.sort();
        resources.dedup();
        resources
    }

    /// The resource matrix of the core design.
    pub fn for_type(app_type: AppType) -> Vec<Resource> {
        use Resource::*;
        match app_type {
            // An external-api's Ingress is planned by `ingress::plan` (its own, or shared).
            AppType::ExternalApi | AppType::InternalApi => {
                vec![ServiceAccount, NetworkPolicy, Deployment, Service, PodDisruptionBudget, HorizontalPodAutoscaler]
            }
            AppType::Worker => {
                vec![ServiceAccount, NetworkPolicy, Deployment, PodDisruptionBudget, HorizontalPodAutoscaler]
            }
            AppType::Stateful => vec![ServiceAccount, NetworkPolicy, StatefulSet, Service, PodDisruptionBudget],
            AppType::Daemon => vec![ServiceAccount, NetworkPolicy, DaemonSet],
            AppType::Job => vec![ServiceAccount, NetworkPolicy, Job],
            AppType::Cronjob => vec![ServiceAccount, NetworkPolicy, CronJob],
        }
    }
}

/// A composed chart: relative path -> file content, in a stable order.
#[derive(Debug, Default, PartialEq)]
pub struct Chart {
    /// The files the composer writes.
    pub files: BTreeMap<PathBuf, String>,
    /// Files of subcharts, under `charts/<name>/`, copied as they are (they may be binary).
    pub vendored: BTreeMap<PathBuf, Vec<u8>>,
}

/// What every template sees.
#[derive(Serialize)]
struct ChartContext<'a> {
    chart: &'a ChartSpec,
    apps: &'a [App],
    #[serde(rename = "appTypes")]
    app_types: String,
    #[serde(rename = "hasIngress")]
    has_ingress: bool,
    /// Some app serves Prometheus metrics.
    #[serde(rename = "hasMetrics")]
    has_metrics: bool,
    /// The chart routes through a Gateway in its default values or some environment.
    #[serde(rename = "hasGateway")]
    has_gateway: bool,
    /// `ingress.api` of the default values.
    #[serde(rename = "ingressApi")]
    ingress_api: &'static str,
    /// Longest release name that keeps every app's object names distinct after truncation
    /// to 63 characters, when that is below Helm's own limit.
    #[serde(rename = "releaseNameLimit")]
    release_name_limit: Option<ReleaseNameLimit>,
    /// Annotations of the shared Ingress (single mode), merged from the apps'.
    #[serde(rename = "sharedAnnotations")]
    shared_annotations: BTreeMap<String, String>,
    #[serde(rename = "clusterMapping")]
    cluster_mapping: Vec<ClusterGroup>,
    /// Chart.yaml's kubeVersion constraint.
    #[serde(rename = "kubeVersion")]
    kube_version: String,
    /// Subcharts (an umbrella chart), sorted by values key.
    subcharts: &'a [Dependency],
    /// Peer charts whose apps the apps call, sorted by values key.
    #[serde(rename = "peerCharts")]
    peer_charts: &'a [peers::PeerChartValues],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EnvironmentContext<'a> {
    chart: &'a ChartSpec,
    environment: &'a Environment,
    has_ingress: bool,
    /// Values key of each composed subchart with this environment -> its values-<env>.yaml.
    subcharts: BTreeMap<&'a str, Value>,
}

#[derive(Serialize)]
struct IngressContext<'a> {
    chart: &'a ChartSpec,
    ingress: &'a IngressPlan<'a>,
    /// The chart routes through a Gateway somewhere: the Ingress is off where it does.
    gateway: bool,
}

#[derive(Serialize)]
struct RouteContext<'a> {
    chart: &'a ChartSpec,
    route: &'a gateway::RoutePlan<'a>,
}

#[derive(Serialize)]
struct AppContext<'a> {
    chart: &'a ChartSpec,
    app: &'a App,
    /// The chart routes through a Gateway somewhere: its NetworkPolicy admits the Gateway's
    /// namespace where it does.
    gateway: bool,
}

/// Checks the chart settings, the app set and the subcharts, then renders every file.
pub fn compose(
    spec: &ChartSpec,
    mut apps: Vec<App>,
    environment_files: &[PathBuf],
    subcharts: &[Subchart],
    renderer: &Renderer,
) -> Result<Chart, ComposeError> {
    check_spec(spec)?;
    apps.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(preset) = spec.resource_preset {
        apps.iter_mut().for_each(|app| app.apply_chart_preset(preset));
    }
    if apps.is_empty() && subcharts.is_empty() {
        return Err(ComposeError::InvalidChart { message: "a chart needs at least one app or subchart".into() });
    }
    check_unique_names(&apps)?;
    check_network_references(&apps)?;
    check_sibling_addresses(&apps)?;
    let peer_charts = peers::load(spec)?;
    let peer_values = peers::resolve(spec, &mut apps, &peer_charts)?;
    network::open_declared_paths(&mut apps);
    let host_pattern = ingress::host_pattern(spec)?;
    ingress::apply_host_pattern(&mut apps, host_pattern.as_ref(), &spec.ingress_domain)?;
    let dependencies = subcharts::plan(spec, &apps, subcharts)?;

    let has_ingress = apps.iter().any(|a| a.ingress.is_some());
    gateway::check_chart(spec, has_ingress)?;
    let mut environments = load_environments(environment_files, &apps, host_pattern.as_ref())?;
    environment::check_clusters(&environments)?;
    peers::environments(spec, &apps, &peer_charts, &peer_values, &mut environments)?;
    gateway::resolve_environments(spec, &apps, &mut environments)?;
    let has_gateway =
        gateway::chart_api(spec) == IngressApi::Gateway || environments.iter().any(|e| e.routes_through_gateway);
    if has_gateway {
        gateway::check_routable(&apps)?;
    } else if let Some(app) = apps.iter().find(|a| a.ingress.as_ref().is_some_and(|i| !i.timeout.is_empty())) {
        return Err(ComposeError::InvalidChart {
            message: format!(
                "{} ({}): ingress.timeout: is only used by HTTPRoutes, and the chart routes through a Gateway in \
                 no environment (helm_chart or helm_environment gateway); remove it, or set a timeout annotation of \
                 the ingress controller",
                app.name, app.target
            ),
        });
    }
    let ingresses = ingress::plan(&apps, spec.ingress_mode)?;
    let routes = if has_gateway { gateway::plan(&ingresses) } else { Vec::new() };
    let shared_annotations = ingresses.iter().find(|i| i.shared).map(|i| i.annotations.clone()).unwrap_or_default();
    let context = ChartContext {
        chart: spec,
        apps: &apps,
        app_types: app_types_annotation(&apps),
        has_ingress: !ingresses.is_empty(),
        has_metrics: apps.iter().any(|a| a.metrics.is_some()),
        has_gateway,
        ingress_api: gateway::chart_api(spec).as_str(),
        release_name_limit: release_name_limit(&apps),
        shared_annotations,
        cluster_mapping: environment::cluster_mapping(&environments),
        kube_version: environment::kube_version_constraint(&spec.kubernetes_versions, &environments).map_err(
            |message| ComposeError::InvalidChart { message: format!("chart kubernetes_versions: {message}") },
        )?,
        subcharts: &dependencies,
        peer_charts: &peer_values,
    };
    // Serialised once: five templates read it.
    let chart_context = renderer.prepare("Chart.yaml", &context)?;
    let values_files = ValuesFiles {
        spec,
        apps: &apps,
        dependencies: &dependencies,
        environments: &environments,
        ingresses: &ingresses,
        has_ingress: context.has_ingress,
        has_metrics: context.has_metrics,
        has_gateway,
        peer_charts: &peer_values,
    };
    // Every file is rendered by one job; the jobs run on a few threads, and their results are
    // taken in this order, so the files and the first error reported are those of rendering
    // one after the other. The longest job (values.yaml, its schema and the README) is early.
    let chart_file = |path: &'static str, template: &'static str| -> FileJob {
        let chart_context = &chart_context;
        Box::new(move || Ok(vec![(PathBuf::from(path), renderer.render_prepared(template, chart_context)?)]))
    };
    let mut jobs: Vec<FileJob> = vec![
        chart_file("Chart.yaml", "Chart.yaml"),
        Box::new(|| values_files.render(renderer, &chart_context)),
        chart_file("templates/_helpers.tpl", "_helpers.tpl"),
        chart_file("templates/NOTES.txt", "NOTES.txt"),
        chart_file("templates/rbac.yaml", "rbac.yaml"),
    ];
    if !dependencies.is_empty() {
        let dependencies = &dependencies;
        jobs.push(Box::new(move || {
            Ok(vec![(PathBuf::from("Chart.lock"), renderer.render("Chart.lock", &subcharts::lock(dependencies))?)])
        }));
    }
    for env in &environments {
        jobs.push(Box::new(move || {
            let env_context = EnvironmentContext {
                chart: spec,
                environment: env,
                has_ingress: context.has_ingress,
                subcharts: subcharts::environment_values(subcharts, &env.name, env.network_policy),
            };
            let file = format!("values-{}.yaml", env.name);
            let text = renderer.render("values-env.yaml", &env_context)?;
            environment::check_rendered(env, &file, &text)?;
            Ok(vec![(PathBuf::from(file), text)])
        }));
    }
    for app in &apps {
        jobs.push(Box::new(move || app_objects(spec, app, has_gateway, renderer)));
    }
    jobs.push(Box::new(|| config_files(&apps)));
    for plan in &ingresses {
        jobs.push(Box::new(move || {
            let path = if plan.shared {
                "templates/ingress.yaml".to_string()
            } else {
                format!("templates/{}-ingress.yaml", plan.name)
            };
            Ok(vec![(
                PathBuf::from(path),
                renderer
                    .render("ingress.yaml", &IngressContext { chart: spec, ingress: plan, gateway: has_gateway })?,
            )])
        }));
    }
    for route in &routes {
        jobs.push(Box::new(move || {
            let template = format!("{}.yaml", route.kind.file_stem());
            Ok(vec![(PathBuf::from(&route.path), renderer.render(&template, &RouteContext { chart: spec, route })?)])
        }));
    }
    let mut chart = Chart::default();
    for files in parallel::map(&jobs, MAX_RENDER_THREADS, |job| job()) {
        chart.files.extend(files?);
    }
    for subchart in subcharts {
        for (path, content) in &subchart.files {
            chart.vendored.insert(PathBuf::from("charts").join(&subchart.name).join(path), content.clone());
        }
    }
    check_file_sizes(&chart)?;
    Ok(chart)
}

/// Most threads rendering a chart's files at once.
const MAX_RENDER_THREADS: usize = 4;

/// The files of one job of `compose`, or the first error of its rendering.
type FileJob<'a> = Box<dyn Fn() -> Result<Vec<(PathBuf, String)>, ComposeError> + Sync + 'a>;

/// The objects of one app, its context serialised once for all of them.
fn app_objects(
    spec: &ChartSpec,
    app: &App,
    gateway: bool,
    renderer: &Renderer,
) -> Result<Vec<(PathBuf, String)>, ComposeError> {
    let resources = Resource::for_app(app);
    let template = |resource: Resource| format!("{}.yaml", resource.file_stem());
    let first = resources.first().map(|r| template(*r)).unwrap_or_default();
    let app_context = renderer.prepare(&first, &AppContext { chart: spec, app, gateway })?;
    let mut files = Vec::with_capacity(resources.len());
    for resource in resources {
        let object = renderer.render_prepared(&template(resource), &app_context)?;
        let path = PathBuf::from(format!("templates/{}-{}.yaml", app.name, resource.file_stem()));
        files.push((path, when_enabled(app, &object)));
    }
    Ok(files)
}

/// What values.yaml, values.schema.json and the README are made from.
struct ValuesFiles<'a> {
    spec: &'a ChartSpec,
    apps: &'a [App],
    dependencies: &'a [Dependency],
    environments: &'a [Environment],
    ingresses: &'a [IngressPlan<'a>],
    has_ingress: bool,
    has_metrics: bool,
    has_gateway: bool,
    peer_charts: &'a [peers::PeerChartValues],
}

impl ValuesFiles<'_> {
    /// values.yaml, values.schema.json, and the README, which documents the values as
    /// values.yaml holds them and the schema types them.
    fn render(&self, renderer: &Renderer, chart_context: &Context) -> Result<Vec<(PathBuf, String)>, ComposeError> {
        let values = renderer.render_prepared("values.yaml", chart_context)?;
        let mut schema =
            values_schema::values_schema(self.spec, self.apps, self.has_ingress, self.has_metrics, self.dependencies);
        environment::type_cluster_versions(&mut schema, self.environments);
        if self.has_gateway {
            gateway::type_values(&mut schema, self.apps);
        }
        peers::type_values(&mut schema, self.peer_charts);
        let listed = readme::lists_app_values(self.apps.len());
        let defaults: Value = serde_yaml_ng::from_str(readme_defaults(&values, listed)).map_err(|e| {
            ComposeError::InvalidChart { message: format!("values.yaml does not read back as YAML: {e}") }
        })?;
        let (rows, app_values_listed) = readme::listed_values(&schema, &defaults, self.apps.len());
        let readme = renderer.render("README.md", &self.readme(rows, app_values_listed))?;
        Ok(vec![
            (PathBuf::from("README.md"), readme),
            (PathBuf::from("values.yaml"), values),
            (PathBuf::from("values.schema.json"), pretty_json(&schema)?),
        ])
    }

    fn readme(&self, values: Vec<readme::ValueRow>, app_values_listed: bool) -> readme::Readme<'_> {
        let shared_ingress = self.ingresses.iter().any(|i| i.shared);
        readme::Readme {
            chart: self.spec,
            apps: self
                .apps
                .iter()
                .map(|app| readme::AppSummary {
                    name: app.name.clone(),
                    app_type: app.app_type.to_string(),
                    values_key: app.values_key.clone(),
                    exceptions: app
                        .policy_exceptions
                        .iter()
                        .map(|e| readme::ExceptionSummary { name: e.name, reason: e.reason.clone() })
                        .collect(),
                    objects: Resource::for_app(app)
                        .into_iter()
                        .map(|r| r.describe().to_string())
                        .chain(app.ingress.as_ref().map(|_| {
                            if shared_ingress { "Ingress (the chart's shared one)" } else { "Ingress" }.to_string()
                        }))
                        .chain(app.ingress.as_ref().filter(|_| self.has_gateway).map(|_| {
                            let route = if app.protocol == Protocol::Grpc { "GRPCRoute" } else { "HTTPRoute" };
                            format!("{route} (instead of the Ingress where ingress.api is gateway)")
                        }))
                        .collect(),
                })
                .collect(),
            subcharts: self.dependencies,
            environments: self.environments.iter().map(|e| e.name.clone()).collect(),
            has_ingress: self.has_ingress,
            has_exceptions: self.apps.iter().any(|app| !app.policy_exceptions.is_empty()),
            values,
            app_values_listed,
        }
    }
}

/// `value` as indented JSON with a final line break, as `format!("{value:#}\n")` writes it
/// (the same formatter), without going through `fmt`, which took a tenth of composing a
/// large chart.
fn pretty_json(value: &Value) -> Result<String, ComposeError> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| ComposeError::InvalidChart { message: format!("values.schema.json cannot be written: {e}") })?;
    text.push('\n');
    Ok(text)
}

/// The part of the rendered values.yaml whose defaults the README shows: all of it, or, when
/// it does not list per-app values, what comes before the per-app block (`apps:`, the last
/// top-level key of values.yaml.hbs). That block is most of the file in a large chart, and
/// reading it back only to leave it out was a sixth of composing one. When `apps:` is not the
/// last top-level key (a template changed), all of it.
fn readme_defaults(values: &str, apps_listed: bool) -> &str {
    const APPS: &str = "\napps:\n";
    let Some(at) = values.find(APPS).filter(|_| !apps_listed) else { return values };
    // In the block every line is indented, a comment or empty.
    let top_level_after =
        values[at + APPS.len()..].split('\n').any(|line| line.starts_with(|c: char| c != ' ' && c != '#'));
    if top_level_after {
        values
    } else {
        &values[..=at]
    }
}

/// An app's object is rendered only while the app is on (`apps.<app>.enabled`), so every
/// app can be switched off per environment. The values key is a lowerCamelCase DNS label:
/// a template token, never user text.
fn when_enabled(app: &App, object: &str) -> String {
    format!("{{{{- if .Values.apps.{}.enabled }}}}\n{object}{{{{- end }}}}\n", app.values_key)
}

fn check_spec(spec: &ChartSpec) -> Result<(), ComposeError> {
    let invalid =
        |what: &str, message: String| ComposeError::InvalidChart { message: format!("chart {what}: {message}") };
    checks::dns_label(&spec.name).map_err(|m| invalid("name", format!("{:?} {m}", spec.name)))?;
    checks::semver(&spec.version).map_err(|m| invalid("version", m))?;
    if spec.app_version.is_empty() {
        return Err(invalid("app_version", "is required".into()));
    }
    // It becomes the app.kubernetes.io/version label, with '+' (SemVer build metadata) as '_'.
    checks::label_value(&spec.app_version.replace('+', "_")).map_err(|m| invalid("app_version", m))?;
    if !spec.namespace.is_empty() {
        checks::dns_label(&spec.namespace).map_err(|m| invalid("namespace", format!("{:?} {m}", spec.namespace)))?;
    }
    checks::dns_label(&spec.environment).map_err(|m| invalid("environment", format!("{:?} {m}", spec.environment)))?;
    for name in spec.env.keys() {
        checks::env_name(name).map_err(|m| invalid("env", m))?;
    }
    // Free text of the chart that reaches values.yaml or Chart.yaml.
    let texts = [
        ("description", &spec.description),
        ("ingress_host_pattern", &spec.ingress_host_pattern),
        ("ingress_domain", &spec.ingress_domain),
    ];
    for (what, text) in texts {
        checks::helm3_readable(text).map_err(|m| invalid(what, m))?;
    }
    for (name, value) in &spec.env {
        checks::helm3_readable(value).map_err(|m| invalid(&format!("env value of {name}"), m))?;
    }
    checks::pull_secret_names(&spec.image_pull_secrets).map_err(|m| invalid("image_pull_secrets", m))?;
    Ok(())
}

fn check_unique_names(apps: &[App]) -> Result<(), ComposeError> {
    let mut seen = BTreeSet::new();
    for pair in apps.windows(2) {
        if pair[0].name == pair[1].name {
            return Err(ComposeError::InvalidChart {
                message: format!("two apps are named {:?}: {} and {}", pair[0].name, pair[0].target, pair[1].target),
            });
        }
    }
    // Distinct names can still collide as values keys (`a-b` and `aB` are both `aB`).
    for app in apps {
        if !seen.insert(app.values_key.as_str()) {
            return Err(ComposeError::InvalidChart {
                message: format!("app {:?} collides with another app as values key {:?}", app.name, app.values_key),
            });
        }
    }
    // Even the shortest release name leaves 61 characters of the app name in an object name:
    // apps alike that far would share objects under every release, so no render can work.
    if let Some((first, second)) = truncation_collision(apps, 1) {
        let room = OBJECT_NAME_MAX - 2;
        return Err(ComposeError::InvalidChart {
            message: format!(
                "apps {:?} ({}) and {:?} ({}) would get the same object names under every release name: \
                 `<release>-<app>` is cut to {OBJECT_NAME_MAX} characters, which keeps at most {room} of the app \
                 name, and theirs agree that far; make them differ in their first {room} characters",
                first.name, first.target, second.name, second.target
            ),
        });
    }
    check_claim_names(apps)
}

/// The PersistentVolumeClaims the chart creates are named `<release>-<app>-<volume>`: two
/// apps' volumes can meet there (app `a` with volume `b-c`, app `a-b` with volume `c`), and
/// Helm would then refuse the install with two objects of one name.
fn check_claim_names(apps: &[App]) -> Result<(), ComposeError> {
    let mut seen: BTreeMap<String, (&App, &str)> = BTreeMap::new();
    for app in apps {
        for volume in app.volumes.iter().filter(|volume| volume.created_claim()) {
            let name = format!("{}-{}", app.name, volume.name);
            if let Some((other, other_volume)) = seen.insert(name.clone(), (app, &volume.name)) {
                return Err(ComposeError::InvalidChart {
                    message: format!(
                        "the claims of app {:?}'s volume {other_volume:?} ({}) and app {:?}'s volume {:?} ({}) \
                         would both be named `<release>-{name}`; rename one of the volumes",
                        other.name, other.target, app.name, volume.name, app.target
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Helm refuses to load a chart with a file over 5 MiB (`MaxDecompressedFileSize`) or over
/// 100 MiB in all (`MaxDecompressedChartSize`); better to fail here, naming the file.
fn check_file_sizes(chart: &Chart) -> Result<(), ComposeError> {
    const FILE_MAX: usize = 5 * 1024 * 1024;
    const CHART_MAX: usize = 100 * 1024 * 1024;
    let sizes = chart.files.iter().map(|(p, c)| (p, c.len())).chain(chart.vendored.iter().map(|(p, c)| (p, c.len())));
    if let Some((path, size)) = sizes.clone().find(|(_, size)| *size > FILE_MAX) {
        return Err(ComposeError::InvalidChart {
            message: format!(
                "chart file {} is {size} bytes; Helm refuses chart files larger than {FILE_MAX} bytes (5 MiB)",
                path.display()
            ),
        });
    }
    let total: usize = sizes.map(|(_, size)| size).sum();
    if total > CHART_MAX {
        return Err(ComposeError::InvalidChart {
            message: format!("the chart is {total} bytes; Helm refuses charts larger than {CHART_MAX} bytes (100 MiB)"),
        });
    }
    Ok(())
}

/// The content of every app's config files, at `files/<app>/<name>` in the chart (where the
/// ConfigMap template reads them with `.Files.Get`).
fn config_files(apps: &[App]) -> Result<Vec<(PathBuf, String)>, ComposeError> {
    let mut files = Vec::new();
    for app in apps {
        let Some(config) = &app.config else { continue };
        for file in &config.files {
            files.push((PathBuf::from(format!("files/{}/{}", app.name, file.name)), config.read_file(file)?));
        }
    }
    Ok(files)
}

fn load_environments(
    files: &[PathBuf],
    apps: &[App],
    host_pattern: Option<&ingress::HostPattern>,
) -> Result<Vec<Environment>, ComposeError> {
    let mut environments: Vec<Environment> = Vec::new();
    for file in files {
        let env = environment::load(file, apps, host_pattern)?;
        if environments.iter().any(|e| e.name == env.name) {
            return Err(ComposeError::InvalidChart { message: format!("two environments are named {:?}", env.name) });
        }
        environments.push(env);
    }
    environments.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(environments)
}

/// Network policy peers must be apps of this chart, and egress targets APIs with a port.
fn check_network_references(apps: &[App]) -> Result<(), ComposeError> {
    let find = |name: &str| apps.iter().find(|a| a.name == name);
    for app in apps {
        let policy = &app.network_policy;
        for (field, peers) in [("allow_from_apps", &policy.allow_from_apps), ("egress_to_apps", &policy.egress_to_apps)]
        {
            for peer in peers {
                let invalid = |why: &str| ComposeError::InvalidChart {
                    message: format!("{} ({}): network_policy.{field}: {:?} {why}", app.name, app.target, peer.name),
                };
                match find(&peer.name) {
                    None => return Err(invalid("is not an app of this chart")),
                    Some(target) if field == "egress_to_apps" && target.port.is_none() => {
                        return Err(invalid("has no port to connect to (only APIs do)"))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    Ok(())
}

/// Every sibling address names an app of this chart that has a Service to address, in a
/// form its protocol supports.
fn check_sibling_addresses(apps: &[App]) -> Result<(), ComposeError> {
    for app in apps {
        // Addresses of peer charts' apps are checked against those charts (`peers::resolve`).
        for sibling in app.sibling_env.iter().filter(|s| s.in_chart()) {
            let invalid = |why: String| ComposeError::InvalidChart {
                message: format!(
                    "{} ({}): sibling_env.{}.app: {:?} {why}",
                    app.name, app.target, sibling.env, sibling.app
                ),
            };
            let Some(target) = apps.iter().find(|a| a.name == sibling.app) else {
                let names: Vec<&str> = apps.iter().filter(|a| a.port.is_some()).map(|a| a.name.as_str()).collect();
                return Err(invalid(format!(
                    "is not an app of this chart; name one of the chart's apps with a port ({}), or add the app to \
                     the helm_chart's apps",
                    names.join(", ")
                )));
            };
            if target.port.is_none() {
                return Err(invalid(format!(
                    "is a {} without a port, so it has no Service to address; give it a port, or address an API",
                    target.app_type
                )));
            }
            if sibling.form == AddressForm::Url && target.protocol != Protocol::Http {
                return Err(invalid(format!(
                    "speaks {}, not http, so it has no http:// URL; set \"form\": \"host-port\" (host:port)",
                    target.protocol.as_str()
                )));
            }
        }
    }
    Ok(())
}

/// Composes apps given as metadata JSON (as `app_metadata` writes it) with the test chart
/// spec, no environments and no subcharts: what unit tests of one feature need.
#[cfg(test)]
pub(crate) fn compose_for_tests(apps: &[serde_json::Value]) -> Result<Chart, ComposeError> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut files = Vec::new();
    for (i, app) in apps.iter().enumerate() {
        let file = dir.path().join(format!("{i}.json"));
        std::fs::write(&file, app.to_string()).expect("metadata written");
        files.push(file);
    }
    let renderer = Renderer::for_charts(&crate::templates::for_tests())?;
    compose(&ChartSpec::for_tests(), crate::load_apps(&files)?, &[], &[], &renderer)
}

/// Helm's longest release name.
const HELM_RELEASE_NAME_MAX: usize = 53;
/// Kubernetes' longest object name (DNS-1123 label), where `fullname` truncates.
const OBJECT_NAME_MAX: usize = 63;

/// Two apps whose `<release>-<app>` names become equal once truncated, for release names
/// longer than `max_length`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ReleaseNameLimit {
    max_length: usize,
    first: String,
    second: String,
}

/// The longest release name under which every app keeps names of its own (`None`: any name
/// Helm accepts does).
fn release_name_limit(apps: &[App]) -> Option<ReleaseNameLimit> {
    let (first, second) = name_collision(apps, HELM_RELEASE_NAME_MAX)?;
    let max_length =
        (1..HELM_RELEASE_NAME_MAX).rev().find(|length| name_collision(apps, *length).is_none()).unwrap_or(0);
    Some(ReleaseNameLimit { max_length, first: first.name.clone(), second: second.name.clone() })
}

/// Two apps whose objects of one kind get the same name under a release name of
/// `release_length` characters: any two apps (names cut to 63 characters), or two cronjobs
/// or two stateful apps (their CronJobs' and StatefulSets' names cut to 52).
fn name_collision(apps: &[App], release_length: usize) -> Option<(&App, &App)> {
    let of_type = |app_type: AppType| apps.iter().filter(|app| app.app_type == app_type).collect::<Vec<_>>();
    truncation_collision(apps, release_length)
        .or_else(|| cut_collision(of_type(AppType::Cronjob), checks::CRON_JOB_NAME_MAX, release_length))
        .or_else(|| cut_collision(of_type(AppType::Stateful), checks::STATEFUL_SET_NAME_MAX, release_length))
}

/// Two apps whose object names `<release>-<app>` become equal under a release name of
/// `release_length` characters. The release prefix is common to all apps, so names stay
/// distinct exactly when the apps' names, cut to what remains of 63 characters (and without
/// a trailing '-', as `fullname` trims), stay distinct.
fn truncation_collision(apps: &[App], release_length: usize) -> Option<(&App, &App)> {
    cut_collision(apps.iter().collect(), OBJECT_NAME_MAX, release_length)
}

/// Two of `apps` whose names `<release>-<app>`, cut to `max` characters, are equal.
fn cut_collision(apps: Vec<&App>, max: usize, release_length: usize) -> Option<(&App, &App)> {
    let room = max.saturating_sub(release_length + 1);
    let cut = |name: &str| name[..name.len().min(room)].trim_end_matches('-').to_string();
    let mut seen: BTreeMap<String, &App> = BTreeMap::new();
    apps.into_iter().find_map(|app| seen.insert(cut(&app.name), app).map(|other| (other, app)))
}

/// `name:type` pairs for the Chart.yaml annotation listing the composed apps.
fn app_types_annotation(apps: &[App]) -> String {
    apps.iter().map(|a| format!("{}:{}", a.name, a.app_type)).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::path::Path;

    /// A chart of a job, a cronjob and a stateful app with the environments given, composed.
    fn compose_batch_and_stateful(environments: &[serde_json::Value]) -> Result<Chart, ComposeError> {
        let dir = tempfile::tempdir().expect("tempdir");
        let apps = [
            serde_json::json!({"name": "migrate", "app_type": "job", "image": {"repository": "r", "tag": "1"}}),
            serde_json::json!({"name": "report", "app_type": "cronjob", "image": {"repository": "r", "tag": "1"},
                               "cron": {"schedule": "0 3 * * *"}}),
            serde_json::json!({"name": "db", "app_type": "stateful", "image": {"repository": "r", "tag": "1"},
                               "port": 5432, "protocol": "tcp", "storage": {"size": "1Gi", "mount_path": "/data"}}),
        ];
        let write = |name: String, value: &serde_json::Value| {
            let file = dir.path().join(name);
            fs::write(&file, value.to_string()).expect("write");
            file
        };
        let apps: Vec<PathBuf> =
            apps.iter().map(|a| write(format!("{}.json", a["name"].as_str().unwrap_or("x")), a)).collect();
        let environments: Vec<PathBuf> =
            environments.iter().map(|e| write(format!("env-{}.json", e["name"].as_str().unwrap_or("x")), e)).collect();
        let apps = crate::load_apps(&apps)?;
        compose(
            &ChartSpec::for_tests(),
            apps,
            &environments,
            &[],
            &Renderer::for_charts(&crate::templates::for_tests())?,
        )
    }

    /// Two workers' created claims named alike (`a` + `b-c`, `a-b` + `c`) are refused, naming
    /// both volumes; an existing claim creates no object, so it cannot collide.
    #[test]
    fn created_claims_of_two_apps_named_alike_are_refused() {
        let worker = |name: &str, volume: &str, claim: serde_json::Value| {
            serde_json::json!({
                "name": name, "target": format!("//x:{name}"), "app_type": "worker",
                "image": {"repository": "r", "tag": "1"}, "health": {"probe": "exec", "command": ["true"]},
                "volumes": [{"name": volume, "mount_path": "/data", "persistent_volume_claim": claim}],
            })
        };
        let compose_pair = |second_claim: serde_json::Value| {
            compose_for_tests(&[
                worker("a", "b-c", serde_json::json!({"size": "1Gi"})),
                worker("a-b", "c", second_claim),
            ])
        };
        let error = compose_pair(serde_json::json!({"size": "1Gi"})).expect_err("one claim name twice").to_string();
        assert!(
            error.contains(
                "the claims of app \"a\"'s volume \"b-c\" (//x:a) and app \"a-b\"'s volume \"c\" (//x:a-b) \
                 would both be named `<release>-a-b-c`"
            ),
            "{error}"
        );
        compose_pair(serde_json::json!({"existing_claim": "shared"})).expect("an existing claim is not created");
    }

    /// An environment's node pool, taints and PriorityClass are checked as an app's are,
    /// naming the environment's field; an environment that sets none writes no `scheduling`.
    #[test]
    fn an_environments_scheduling_is_checked_and_written_once_for_every_app() {
        let chart = compose_batch_and_stateful(&[
            serde_json::json!({"name": "prod", "node_selector": {"pool": "prod"}, "priority_class_name": "prod",
                               "tolerations": [{"key": "pool", "operator": "Exists", "effect": "NoSchedule"}]}),
            serde_json::json!({"name": "dev"}),
        ])
        .expect("composes");
        let values = |env: &str| -> serde_json::Value {
            serde_yaml_ng::from_str(&chart.files[Path::new(&format!("values-{env}.yaml"))]).expect("YAML")
        };
        assert_eq!(
            values("prod")["scheduling"],
            serde_json::json!({"nodeSelector": {"pool": "prod"}, "priorityClassName": "prod",
                               "tolerations": [{"key": "pool", "operator": "Exists", "effect": "NoSchedule"}]})
        );
        assert_eq!(values("dev").get("scheduling"), None);
        let cases = [
            (
                serde_json::json!({"name": "prod", "tolerations": [{"key": "pool", "operator": "Exists", "value": "x"}]}),
                "field `tolerations[0].value`: must be empty with operator Exists",
            ),
            (serde_json::json!({"name": "prod", "node_selector": {"pool": "a b"}}), "field `node_selector`: pool:"),
            (
                serde_json::json!({"name": "prod", "priority_class_name": "system-cluster-critical"}),
                "field `priority_class_name`: \"system-cluster-critical\": the system- PriorityClasses are reserved",
            ),
        ];
        for (environment, expected) in cases {
            let error = compose_batch_and_stateful(&[environment]).expect_err("refused").to_string();
            assert!(error.contains(expected), "{error}");
        }
    }

    #[test]
    fn chart_image_pull_secrets_are_secret_names() {
        let mut spec = ChartSpec::for_tests();
        spec.image_pull_secrets = vec!["Registry_Credentials".into()];
        let error = check_spec(&spec).expect_err("not a Secret name").to_string();
        assert!(
            error.contains("chart image_pull_secrets: \"Registry_Credentials\" is not a DNS-1123 subdomain"),
            "{error}"
        );
        spec.image_pull_secrets = vec!["registry-credentials".into()];
        check_spec(&spec).expect("a Secret name");
    }

    /// Issue 20: an environment that changes nothing of a job, cronjob or stateful app wrote
    /// `"<app>":` with no body, which YAML reads as null and Helm's merge as deleting
    /// `apps.<app>` (then the values schema failed, blaming values.yaml).
    #[test]
    fn an_environment_leaves_out_the_apps_it_changes_nothing_of() {
        let chart = compose_batch_and_stateful(&[
            serde_json::json!({"name": "prod"}),
            serde_json::json!({"name": "dev", "disabled_apps": ["report"], "image_tags": {"migrate": "2"},
                               "replicas": {"db": 3}}),
        ])
        .expect("composes");
        let values = |env: &str| -> serde_json::Value {
            let text = &chart.files[Path::new(&format!("values-{env}.yaml"))];
            serde_yaml_ng::from_str(text).expect("YAML")
        };
        let prod = values("prod");
        assert_eq!(prod.get("apps"), None, "prod changes no app: {prod}");
        let dev = values("dev");
        assert_eq!(
            dev["apps"],
            serde_json::json!({"migrate": {"image": {"tag": "2"}}, "report": {"enabled": false}, "db": {"replicas": 3}})
        );
    }

    /// A hook Job runs before the release's other objects exist: everything of its app that
    /// its pods need (ServiceAccount, ConfigMap, NetworkPolicy) is created by the same hook,
    /// before it, each with its Argo CD wave equal to its hook weight. A plain Job has none.
    #[test]
    fn a_hook_jobs_objects_are_hooks_created_before_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("schema.sql");
        fs::write(&config, "create table t ();\n").expect("write");
        let compose_job = |job: serde_json::Value| -> Chart {
            let app = serde_json::json!({"name": "migrate", "app_type": "job", "image": {"repository": "r", "tag": "1"},
                                         "job": job, "config": {"files": {"schema.sql": config}, "mount_path": "/sql"}});
            let file = dir.path().join("migrate.json");
            fs::write(&file, app.to_string()).expect("write");
            let apps = crate::load_apps(&[file]).expect("valid");
            compose(
                &ChartSpec::for_tests(),
                apps,
                &[],
                &[],
                &Renderer::for_charts(&crate::templates::for_tests()).expect("templates"),
            )
            .expect("composes")
        };
        let chart = compose_job(serde_json::json!({"hook": "pre-install,post-upgrade", "hook_weight": 7}));
        let file = |resource: &str| &chart.files[Path::new(&format!("templates/migrate-{resource}.yaml"))];
        assert!(file("job").contains("helm.sh/hook-weight: \"7\"\n    argocd.argoproj.io/sync-wave: \"7\"\n"));
        for resource in ["serviceaccount", "configmap", "networkpolicy"] {
            let text = file(resource);
            assert!(text.contains("helm.sh/hook: \"pre-install,post-upgrade\"\n"), "{resource}: {text}");
            assert!(
                text.contains("helm.sh/hook-weight: \"2\"\n    argocd.argoproj.io/sync-wave: \"2\"\n"),
                "{resource}: {text}"
            );
        }
        let plain = compose_job(serde_json::json!({"hook": "none"}));
        assert!(plain.files.values().all(|text| !text.contains("helm.sh/hook")), "a plain Job is no hook");
    }

    #[test]
    fn a_key_without_a_value_in_an_environment_file_is_refused_naming_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("prod.json");
        fs::write(&file, r#"{"name": "prod", "target": "//env:prod"}"#).expect("write");
        let env = environment::load(&file, &[], None).expect("valid");
        for (text, key) in [
            ("networkPolicy:\n  enabled: true\napps:\n  \"migrate\":\n", "apps.migrate"),
            ("apps:\n  db:\n    image: ~\n", "apps.db.image"),
            ("sub: null\n", "sub"),
        ] {
            let error = environment::check_rendered(&env, "values-prod.yaml", text).expect_err(text).to_string();
            assert!(
                error.starts_with("values-prod.yaml (environment \"prod\", //env:prod (")
                    && error.ends_with(&format!(
                        "`{key}` has no value (YAML null), which Helm's merge reads as deleting that key from \
                         values.yaml"
                    )),
                "{error}"
            );
        }
        environment::check_rendered(&env, "values-prod.yaml", "apps:\n  db:\n    args: [null]\n").expect("a list item");
    }

    #[test]
    fn the_per_app_block_is_read_back_only_when_the_readme_lists_it() {
        let shared = "env: {}\nnetworkPolicy:\n  enabled: true\n# Per-app settings.\n";
        let values = format!("{shared}apps:\n  # a: worker\n  \"a\":\n\n    enabled: true\n");
        assert_eq!(readme_defaults(&values, true), values);
        assert_eq!(readme_defaults(&values, false), shared);
        // A top-level key after the block would be lost with it: then all is read back.
        let later = format!("{values}global: {{}}\n");
        assert_eq!(readme_defaults(&later, false), later);
        // No per-app block (an umbrella chart of subcharts only).
        assert_eq!(readme_defaults("env: {}\napps: {}\n", false), "env: {}\napps: {}\n");
    }

    #[test]
    fn chart_files_stop_at_5_mib_each_and_100_mib_in_all() {
        const MIB: usize = 1024 * 1024;
        let mut chart = Chart::default();
        chart.files.insert("values.yaml".into(), "x".repeat(5 * MIB));
        check_file_sizes(&chart).expect("5 MiB is allowed");
        chart.vendored.insert("charts/s/big.tgz".into(), vec![0; 5 * MIB + 1]);
        let error = check_file_sizes(&chart).expect_err("over 5 MiB").to_string();
        assert_eq!(
            error,
            format!(
                "chart file charts/s/big.tgz is {} bytes; Helm refuses chart files larger than {} bytes (5 MiB)",
                5 * MIB + 1,
                5 * MIB
            )
        );
        let mut chart = Chart::default();
        for i in 0..20 {
            chart.vendored.insert(format!("charts/s/{i}").into(), vec![0; 5 * MIB]);
        }
        check_file_sizes(&chart).expect("100 MiB is allowed");
        chart.files.insert("README.md".into(), "x".into());
        let error = check_file_sizes(&chart).expect_err("over 100 MiB").to_string();
        assert_eq!(
            error,
            format!(
                "the chart is {} bytes; Helm refuses charts larger than {} bytes (100 MiB)",
                100 * MIB + 1,
                100 * MIB
            )
        );
    }

    /// A worker named `name` (no port), with the network policy given.
    fn worker_with_policy(name: &str, network_policy: serde_json::Value) -> serde_json::Value {
        serde_json::json!({
            "name": name, "target": format!("//x:{name}"), "app_type": "worker",
            "image": {"repository": "r", "tag": "1"}, "health": {"probe": "exec", "command": ["true"]},
            "network_policy": network_policy,
        })
    }

    #[test]
    fn network_peers_are_apps_of_the_chart_and_egress_goes_to_a_port() {
        let api = serde_json::json!({"name": "api", "target": "//x:api", "app_type": "internal-api",
                                     "image": {"repository": "r", "tag": "1"}, "port": 8080,
                                     "network_policy": {"allow_from_apps": ["w"]}});
        let to_api = worker_with_policy("w", serde_json::json!({"egress_to_apps": ["api"]}));
        compose_for_tests(&[api.clone(), to_api]).expect("a worker may call an API and be allowed in by it");
        let to_worker = worker_with_policy("w", serde_json::json!({"egress_to_apps": ["v"]}));
        let error = compose_for_tests(&[api.clone(), to_worker, worker_with_policy("v", serde_json::json!({}))])
            .expect_err("a worker has no port")
            .to_string();
        assert_eq!(error, "w (//x:w): network_policy.egress_to_apps: \"v\" has no port to connect to (only APIs do)");
        let from_ghost = worker_with_policy("w", serde_json::json!({"allow_from_apps": ["ghost"]}));
        let error = compose_for_tests(&[from_ghost]).expect_err("no such app").to_string();
        assert_eq!(error, "w (//x:w): network_policy.allow_from_apps: \"ghost\" is not an app of this chart");
    }

    #[test]
    fn the_release_name_limit_is_the_longest_that_keeps_app_names_apart() {
        let dir = tempfile::tempdir().expect("tempdir");
        let stem = "a".repeat(45);
        let files: Vec<PathBuf> = ["x", "y"]
            .iter()
            .map(|suffix| {
                let file = dir.path().join(format!("{suffix}.json"));
                let app = worker_with_policy(&format!("{stem}-{suffix}"), serde_json::json!({}));
                fs::write(&file, app.to_string()).expect("write");
                file
            })
            .collect();
        let apps = crate::load_apps(&files).expect("valid apps");
        // `<release>-<stem>-x` cut to 63 characters loses its `-x` past a release name of 15.
        let limit = release_name_limit(&apps).expect("a limit");
        assert_eq!(
            (limit.max_length, limit.first.as_str(), limit.second.as_str()),
            (15, apps[0].name.as_str(), apps[1].name.as_str())
        );
        assert!(release_name_limit(&apps[..1]).is_none());
    }

    /// `apps` and `environments` (JSON as `app_metadata` and `helm_environment` write them)
    /// composed with `spec`, without subcharts.
    fn compose_with(
        spec: &ChartSpec,
        apps: &[serde_json::Value],
        environments: &[serde_json::Value],
    ) -> Result<Chart, ComposeError> {
        let dir = tempfile::tempdir().expect("tempdir");
        let write = |name: String, value: &serde_json::Value| {
            let file = dir.path().join(name);
            fs::write(&file, value.to_string()).expect("write");
            file
        };
        let apps: Vec<PathBuf> = apps.iter().enumerate().map(|(i, a)| write(format!("app-{i}.json"), a)).collect();
        let environments: Vec<PathBuf> =
            environments.iter().enumerate().map(|(i, e)| write(format!("env-{i}.json"), e)).collect();
        let renderer = Renderer::for_charts(&crate::templates::for_tests())?;
        compose(spec, crate::load_apps(&apps)?, &environments, &[], &renderer)
    }

    /// An external API with an Ingress (and the `ingress` fields given) and a worker.
    fn web_and_worker(ingress: serde_json::Value) -> [serde_json::Value; 2] {
        [
            serde_json::json!({"name": "web", "target": "//x:web", "app_type": "external-api",
                               "image": {"repository": "r", "tag": "1"}, "port": 8080, "ingress": ingress}),
            worker_with_policy("w", serde_json::json!({})),
        ]
    }

    fn paths(chart: &Chart) -> Vec<String> {
        chart.files.keys().map(|p| p.display().to_string()).collect()
    }

    fn file<'a>(chart: &'a Chart, path: &str) -> &'a str {
        chart.files.get(Path::new(path)).map(String::as_str).unwrap_or_else(|| panic!("no {path}"))
    }

    /// A chart on Ingress objects: values with their settings, the README listing each app's
    /// objects as `Resource::describe` names them, no routes and no Chart.lock (no subcharts).
    #[test]
    fn an_ingress_chart_gets_ingress_values_and_no_routes_or_lock() {
        let chart =
            compose_with(&ChartSpec::for_tests(), &web_and_worker(serde_json::json!({"host": "example.com"})), &[])
                .expect("composes");
        let paths = paths(&chart);
        assert!(paths.contains(&"templates/ingress.yaml".to_string()), "{paths:?}");
        assert!(!paths.iter().any(|p| p.contains("route") || p == "Chart.lock"), "{paths:?}");
        let values = file(&chart, "values.yaml");
        assert!(values.contains("\ningress:\n  enabled: true\n"), "{values}");
        let readme = file(&chart, "README.md");
        // The objects column, as `Resource::describe` names them (parentheses escaped).
        let row =
            "| web | external-api | `apps.web` | ServiceAccount, NetworkPolicy \\(when networkPolicy.enabled\\), \
                   Deployment, Service, PodDisruptionBudget \\(when it can be satisfied\\), HorizontalPodAutoscaler \
                   \\(when autoscaling.enabled\\), Ingress \\(the chart's shared one\\) |\n";
        assert!(readme.contains(row), "{readme}");
        assert!(!readme.contains("## Policy exceptions"), "no app has one: {readme}");
        let chart_yaml = file(&chart, "Chart.yaml");
        assert!(chart_yaml.contains("\n  helm-composer/apps: \"w:worker,web:external-api\"\n"), "{chart_yaml}");

        let worker_only = compose_with(&ChartSpec::for_tests(), &[worker_with_policy("w", serde_json::json!({}))], &[])
            .expect("composes");
        let values = file(&worker_only, "values.yaml");
        assert!(!values.contains("\ningress:"), "no app has an Ingress: {values}");
    }

    /// Routes are rendered when the chart's default values route through a Gateway, with no
    /// environment, or when only an environment does.
    #[test]
    fn routes_are_rendered_when_the_chart_or_an_environment_uses_a_gateway() {
        let apps = web_and_worker(serde_json::json!({"host": "example.com", "timeout": "30s"}));
        let mut on_gateway = ChartSpec::for_tests();
        on_gateway.routing.gateway =
            crate::model::GatewayMetadata { name: "shared".into(), namespace: "gw".into(), section_name: "".into() };
        let chart = compose_with(&on_gateway, &apps, &[]).expect("composes");
        assert!(paths(&chart).contains(&"templates/httproute.yaml".to_string()), "{:?}", paths(&chart));

        let readme = file(&chart, "README.md");
        assert!(
            readme.contains(", HTTPRoute \\(instead of the Ingress where ingress.api is gateway\\) |\n"),
            "{readme}"
        );

        let staging = serde_json::json!({"name": "staging", "gateway": {"name": "shared", "namespace": "gw"}});
        let chart = compose_with(&ChartSpec::for_tests(), &apps, &[staging]).expect("composes");
        assert!(paths(&chart).contains(&"templates/httproute.yaml".to_string()), "{:?}", paths(&chart));
    }

    #[test]
    fn an_ingress_timeout_needs_a_gateway_somewhere() {
        let apps = web_and_worker(serde_json::json!({"host": "example.com", "timeout": "30s"}));
        let error = compose_with(&ChartSpec::for_tests(), &apps, &[]).expect_err("no gateway").to_string();
        assert!(
            error.starts_with(
                "web (//x:web): ingress.timeout: is only used by HTTPRoutes, and the chart routes through a Gateway \
                 in no environment"
            ),
            "{error}"
        );
    }

    /// An app's config files are copied to `files/<app>/<name>`, and an app's policy
    /// exception gets the README's section on them.
    #[test]
    fn config_files_are_copied_and_policy_exceptions_listed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let settings = dir.path().join("settings.toml");
        fs::write(&settings, "level = \"info\"\n").expect("write");
        let worker = serde_json::json!({
            "name": "w", "target": "//x:w", "app_type": "worker", "image": {"repository": "r", "tag": "1"},
            "policy_exceptions": {"probes": "reads a queue"},
            "config": {"files": {"settings.toml": settings.display().to_string()}, "mount_path": "/etc/w"},
        });
        let chart = compose_with(&ChartSpec::for_tests(), &[worker], &[]).expect("composes");
        assert_eq!(file(&chart, "files/w/settings.toml"), "level = \"info\"\n");
        let readme = file(&chart, "README.md");
        assert!(readme.contains("\n## Policy exceptions\n"), "{readme}");
    }

    /// A sibling address names an app of the chart with a port, and a URL only an http one.
    #[test]
    fn sibling_addresses_name_an_app_with_a_port_in_a_form_it_speaks() {
        let api = |name: &str, protocol: &str| {
            serde_json::json!({"name": name, "target": format!("//x:{name}"), "app_type": "internal-api",
                               "image": {"repository": "r", "tag": "1"}, "port": 8080, "protocol": protocol})
        };
        let caller = |app: &str, form: &str| {
            let mut worker = worker_with_policy("w", serde_json::json!({}));
            worker["sibling_env"] = serde_json::json!([{"env": "API_URL", "app": app, "form": form}]);
            worker
        };
        let apps = |app: &str, form: &str| {
            vec![
                api("api", "http"),
                api("rpc", "grpc"),
                worker_with_policy("v", serde_json::json!({})),
                caller(app, form),
            ]
        };
        let error = |app: &str, form: &str| compose_for_tests(&apps(app, form)).expect_err("refused").to_string();
        compose_for_tests(&apps("api", "url")).expect("an http API has a URL");
        compose_for_tests(&apps("rpc", "host-port")).expect("a gRPC API has a host and port");
        let prefix = "w (//x:w): sibling_env.API_URL.app:";
        assert_eq!(
            error("ghost", "url"),
            format!(
                "{prefix} \"ghost\" is not an app of this chart; name one of the chart's apps with a port (api, rpc), \
                 or add the app to the helm_chart's apps"
            )
        );
        assert_eq!(
            error("v", "host-port"),
            format!(
                "{prefix} \"v\" is a worker without a port, so it has no Service to address; give it a port, or \
                 address an API"
            )
        );
        assert_eq!(
            error("rpc", "url"),
            format!(
                "{prefix} \"rpc\" speaks grpc, not http, so it has no http:// URL; set \"form\": \"host-port\" \
                 (host:port)"
            )
        );
    }
}
