//! Apps of other charts of the repository that this chart's apps call (helm_chart's
//! `peer_charts`): a `sibling_env` address with a `chart`, or `network_policy.
//! egress_to_peer_apps`.
//!
//! The rule passes each peer chart as its HelmChartInfo gives it (`--peer-chart`): its name,
//! release name and namespace, and its apps' and environments' own files, which are read and
//! checked here exactly as when that chart is composed (so ports, protocols and names have one
//! source). values.yaml gets `peerCharts.<chart>`: the release and namespace of the default
//! values' environment and the called apps' names and ports; each values-<env>.yaml the
//! release and namespace of the peer's environment of the same name. The templates write the
//! address (`<release>-<app>.<namespace>.svc`) and the NetworkPolicy egress rule (namespace
//! `kubernetes.io/metadata.name` and the peer app's selector labels, on its ports) from those
//! values, which the validator's reachability check reads too.
//!
//! The callee's own NetworkPolicy must admit the caller: the callee's chart cannot name the
//! caller's (the dependency goes one way), so its app declares the callers' namespace in
//! `network_policy.ingress_from_selectors`, and this module refuses a path whose callee
//! admits nobody of the caller's namespace and app where both namespaces are known.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use super::environment::{Environment, PeerChartOverlay};
use crate::app::{App, PeerAppRef, SelectorPeer};
use crate::checks;
use crate::error::ComposeError;
use crate::input;
use crate::model::{AddressForm, ChartSpec, EnvironmentMetadata, PeerChartSpec, Protocol, TransportProtocol};

/// A peer chart as read: its apps and environments, checked.
pub struct PeerChart {
    pub spec: PeerChartSpec,
    /// Key under `peerCharts` in values (lowerCamelCase of the chart name).
    pub key: String,
    pub apps: Vec<App>,
    pub environments: Vec<PeerEnvironment>,
}

/// What this chart needs of a peer chart's environment.
pub struct PeerEnvironment {
    pub name: String,
    pub namespace: String,
    pub network_policy: bool,
    pub disabled_apps: Vec<String>,
    pub target: String,
}

/// `peerCharts.<key>` of values.yaml: a peer chart's release and namespace in the default
/// values' environment, and the apps of it this chart calls.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerChartValues {
    pub key: String,
    pub chart: String,
    pub target: String,
    pub release: String,
    pub namespace: String,
    pub apps: Vec<PeerAppValues>,
}

/// One called app of a peer chart: its name (its pods' `app.kubernetes.io/name`) and ports.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerAppValues {
    pub values_key: String,
    pub name: String,
    pub protocol: Protocol,
    pub container_port: u16,
    pub service_port: u16,
    pub ports: Vec<PeerPortValues>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerPortValues {
    pub name: String,
    pub container_port: u16,
    pub service_port: u16,
    pub protocol: TransportProtocol,
}

fn invalid(message: String) -> ComposeError {
    ComposeError::InvalidChart { message }
}

/// Reads the peer charts' apps and environments.
pub fn load(spec: &ChartSpec) -> Result<Vec<PeerChart>, ComposeError> {
    let mut charts: Vec<PeerChart> = Vec::new();
    for peer in &spec.peer_charts {
        let about = format!("peer chart {:?} ({})", peer.chart, peer.target);
        checks::dns_label(&peer.chart).map_err(|m| invalid(format!("{about}: chart name: {m}")))?;
        checks::dns1123_label(&peer.release).map_err(|m| invalid(format!("{about}: release name: {m}")))?;
        if !peer.namespace.is_empty() {
            checks::dns_label(&peer.namespace).map_err(|m| invalid(format!("{about}: namespace: {m}")))?;
        }
        if peer.chart == spec.name {
            return Err(invalid(format!("{about} has this chart's own name; a chart calls its own apps by app name")));
        }
        let key = checks::lower_camel_case(&peer.chart);
        if charts.iter().any(|c| c.key == key) {
            return Err(invalid(format!("{about}: two peer_charts are named {:?}", peer.chart)));
        }
        let apps = crate::load_apps(&peer.metadata)?;
        let environments = peer.environments.iter().map(|file| load_environment(file)).collect::<Result<_, _>>()?;
        charts.push(PeerChart { spec: peer.clone(), key, apps, environments });
    }
    charts.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(charts)
}

fn load_environment(file: &Path) -> Result<PeerEnvironment, ComposeError> {
    let meta: EnvironmentMetadata = input::read_json(file, "environment")?;
    // Checked as when its own chart is composed: it reaches this chart's values.
    let origin = crate::origin::Origin::new(file, &meta.target);
    if !meta.namespace.is_empty() {
        origin.check("namespace", checks::dns_label(&meta.namespace))?;
    }
    Ok(PeerEnvironment {
        name: meta.name,
        namespace: meta.namespace,
        network_policy: meta.network_policy,
        disabled_apps: meta.disabled_apps,
        target: if meta.target.is_empty() { file.display().to_string() } else { meta.target },
    })
}

/// One path from an app of this chart to an app of a peer chart.
struct Call<'a> {
    caller: &'a App,
    /// The field that declares it, for messages.
    field: String,
    chart: &'a PeerChart,
    callee: &'a App,
}

/// Checks every reference to a peer chart's app, opens the caller's egress to it (a sibling
/// address declares the path too), and returns values.yaml's `peerCharts`.
pub fn resolve(spec: &ChartSpec, apps: &mut [App], peers: &[PeerChart]) -> Result<Vec<PeerChartValues>, ComposeError> {
    let (added, values) = {
        let calls = calls(apps, peers)?;
        let mut used: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let mut namespaces: BTreeMap<&str, String> = BTreeMap::new();
        let mut added: Vec<(String, PeerAppRef)> = Vec::new();
        for call in &calls {
            used.entry(call.chart.key.as_str()).or_default().insert(call.callee.name.as_str());
            added.push((call.caller.name.clone(), PeerAppRef::new(&call.chart.spec.chart, &call.callee.name)));
            let namespace = default_namespace(spec, call)?;
            check_callee_admits(call, &namespace, &spec.namespace, "the default values")?;
            namespaces.insert(call.chart.key.as_str(), namespace);
        }
        let mut values = Vec::new();
        for chart in peers {
            let Some(names) = used.get(chart.key.as_str()) else { continue };
            let mut apps: Vec<PeerAppValues> =
                chart.apps.iter().filter(|a| names.contains(a.name.as_str())).map(app_values).collect();
            apps.sort_by(|a, b| a.values_key.cmp(&b.values_key));
            values.push(PeerChartValues {
                key: chart.key.clone(),
                chart: chart.spec.chart.clone(),
                target: chart.spec.target.clone(),
                release: chart.spec.release.clone(),
                namespace: namespaces.get(chart.key.as_str()).cloned().unwrap_or_default(),
                apps,
            });
        }
        (added, values)
    };
    for app in apps.iter_mut() {
        for (caller, reference) in &added {
            if *caller == app.name && !app.network_policy.egress_to_peer_apps.contains(reference) {
                app.network_policy.egress_to_peer_apps.push(reference.clone());
            }
        }
    }
    Ok(values)
}

fn app_values(app: &App) -> PeerAppValues {
    PeerAppValues {
        values_key: app.values_key.clone(),
        name: app.name.clone(),
        protocol: app.protocol,
        container_port: app.port.unwrap_or_default(),
        service_port: app.service_port.or(app.port).unwrap_or_default(),
        ports: app
            .ports
            .iter()
            .map(|p| PeerPortValues {
                name: p.name.clone(),
                container_port: p.container_port,
                service_port: p.service_port,
                protocol: p.protocol,
            })
            .collect(),
    }
}

/// Every declared call of a peer chart's app, each checked: the chart is a peer chart, the
/// app one of its apps with a port, a URL address one of an http app.
fn calls<'a>(apps: &'a [App], peers: &'a [PeerChart]) -> Result<Vec<Call<'a>>, ComposeError> {
    let mut calls = Vec::new();
    for app in apps {
        let mut references: Vec<(String, &str, &str, Option<AddressForm>)> = app
            .sibling_env
            .iter()
            .filter(|s| !s.in_chart())
            .map(|s| (format!("sibling_env.{}", s.env), s.chart.as_str(), s.app.as_str(), Some(s.form)))
            .collect();
        references.extend(app.network_policy.egress_to_peer_apps.iter().enumerate().map(|(index, p)| {
            (format!("network_policy.egress_to_peer_apps[{index}]"), p.chart.as_str(), p.app.as_str(), None)
        }));
        for (field, chart_name, app_name, form) in references {
            let refuse =
                |part: &str, why: String| invalid(format!("{} ({}): {field}.{part}: {why}", app.name, app.target));
            let Some(chart) = peers.iter().find(|c| c.spec.chart == chart_name) else {
                let known: Vec<String> =
                    peers.iter().map(|c| format!("{} ({})", c.spec.chart, c.spec.target)).collect();
                let known = if known.is_empty() { "it names none".to_string() } else { known.join(", ") };
                return Err(refuse(
                    "chart",
                    format!(
                        "{chart_name:?} is not one of the helm_chart's peer_charts ({known}); add that chart's \
                         helm_chart target to peer_charts"
                    ),
                ));
            };
            let Some(callee) = chart.apps.iter().find(|a| a.name == app_name) else {
                let served: Vec<&str> =
                    chart.apps.iter().filter(|a| a.port.is_some()).map(|a| a.name.as_str()).collect();
                return Err(refuse(
                    "app",
                    format!(
                        "{app_name:?} is not an app of chart {:?} ({}); its apps with a port: {}",
                        chart.spec.chart,
                        chart.spec.target,
                        served.join(", ")
                    ),
                ));
            };
            if callee.port.is_none() {
                return Err(refuse(
                    "app",
                    format!(
                        "{app_name:?} of chart {:?} is a {} without a port, so it has no Service to call",
                        chart.spec.chart, callee.app_type
                    ),
                ));
            }
            if form == Some(AddressForm::Url) && callee.protocol != Protocol::Http {
                return Err(refuse(
                    "app",
                    format!(
                        "{app_name:?} of chart {:?} speaks {}, not http, so it has no http:// URL; set \"form\": \
                         \"host-port\" (host:port)",
                        chart.spec.chart,
                        callee.protocol.as_str()
                    ),
                ));
            }
            calls.push(Call { caller: app, field, chart, callee });
        }
    }
    Ok(calls)
}

/// The peer's namespace in the default values: that of its environment named like this
/// chart's `environment`, else its helm_chart namespace.
fn default_namespace(spec: &ChartSpec, call: &Call) -> Result<String, ComposeError> {
    let chart = call.chart;
    let environment = chart.environments.iter().find(|e| e.name == spec.environment);
    if let Some(environment) = environment {
        check_enabled(call, environment, "the default values")?;
    }
    let namespace =
        environment.map(|e| e.namespace.as_str()).filter(|n| !n.is_empty()).unwrap_or(&chart.spec.namespace);
    if namespace.is_empty() {
        return Err(invalid(format!(
            "{} ({}): {}: calls app {:?} of chart {:?} ({}), whose namespace in environment {:?} (the default \
             values') is unknown: give that chart's helm_environment {:?} a namespace, or set its helm_chart's \
             namespace",
            call.caller.name,
            call.caller.target,
            call.field,
            call.callee.name,
            chart.spec.chart,
            chart.spec.target,
            spec.environment,
            spec.environment
        )));
    }
    Ok(namespace.to_string())
}

fn check_enabled(call: &Call, environment: &PeerEnvironment, context: &str) -> Result<(), ComposeError> {
    if environment.disabled_apps.contains(&call.callee.name) {
        return Err(invalid(format!(
            "{} ({}): {}: calls app {:?} of chart {:?}, which its environment {:?} ({}) switches off \
             (disabled_apps), in {context}",
            call.caller.name,
            call.caller.target,
            call.field,
            call.callee.name,
            call.chart.spec.chart,
            environment.name,
            environment.target
        )));
    }
    Ok(())
}

/// Sets each environment's `peerCharts`: the peer's environment of the same name, which it
/// must have.
pub fn environments(
    spec: &ChartSpec,
    apps: &[App],
    peers: &[PeerChart],
    values: &[PeerChartValues],
    environments: &mut [Environment],
) -> Result<(), ComposeError> {
    if values.is_empty() {
        return Ok(());
    }
    let calls = calls(apps, peers)?;
    for env in environments.iter_mut() {
        let mut overlays = Vec::new();
        for chart_values in values {
            let Some(chart) = peers.iter().find(|c| c.key == chart_values.key) else { continue };
            let call = calls.iter().find(|c| c.chart.key == chart.key);
            let Some(peer_env) = chart.environments.iter().find(|e| e.name == env.name) else {
                let names: Vec<&str> = chart.environments.iter().map(|e| e.name.as_str()).collect();
                let by = call.map(|c| format!(" (called by app {:?}, {})", c.caller.name, c.field)).unwrap_or_default();
                return Err(invalid(format!(
                    "environment {:?} ({}): peer chart {:?} ({}){by} has no environment {:?} (its environments: {}); \
                     give it one, or remove the call",
                    env.name,
                    env.origin,
                    chart.spec.chart,
                    chart.spec.target,
                    env.name,
                    if names.is_empty() { "none".to_string() } else { names.join(", ") }
                )));
            };
            let namespace = if peer_env.namespace.is_empty() { &chart.spec.namespace } else { &peer_env.namespace };
            if namespace.is_empty() {
                return Err(invalid(format!(
                    "environment {:?} ({}): peer chart {:?} ({}) has no namespace in its environment {:?} ({}); set \
                     that helm_environment's namespace or the chart's helm_chart namespace",
                    env.name, env.origin, chart.spec.chart, chart.spec.target, peer_env.name, peer_env.target
                )));
            }
            let own_namespace = if env.namespace.is_empty() { &spec.namespace } else { &env.namespace };
            for call in calls.iter().filter(|c| c.chart.key == chart.key) {
                let context = format!("environment {:?}", env.name);
                check_enabled(call, peer_env, &context)?;
                if peer_env.network_policy {
                    check_callee_admits(call, namespace, own_namespace, &context)?;
                }
            }
            overlays.push(PeerChartOverlay {
                key: chart.key.clone(),
                release: chart.spec.release.clone(),
                namespace: namespace.clone(),
            });
        }
        env.peer_charts = overlays;
    }
    Ok(())
}

const NAMESPACE_NAME: &str = "kubernetes.io/metadata.name";

/// The callee's NetworkPolicy admits the caller (`network_policy.ingress_from_selectors`),
/// as far as the labels this chart knows tell: the caller's namespace by name (or, for a
/// selector without namespace labels, the callee's own namespace), its
/// `app.kubernetes.io/name`, and the callee's port. Labels of other keys are not known here
/// and are taken to match. Nothing is checked where the caller's namespace is not known.
fn check_callee_admits(
    call: &Call,
    callee_namespace: &str,
    caller_namespace: &str,
    context: &str,
) -> Result<(), ComposeError> {
    if caller_namespace.is_empty() {
        return Ok(());
    }
    let port = call.callee.port.unwrap_or_default();
    let admits = |peer: &SelectorPeer| {
        let namespace = match peer.namespace_labels.get(NAMESPACE_NAME) {
            Some(name) => name == caller_namespace,
            None => !peer.namespace_labels.is_empty() || callee_namespace == caller_namespace,
        };
        let pod = peer.pod_labels.get("app.kubernetes.io/name").is_none_or(|name| *name == call.caller.name);
        namespace && pod && peer.ports.contains(&port)
    };
    if call.callee.network_policy.ingress_selectors.iter().any(admits) {
        return Ok(());
    }
    Err(invalid(format!(
        "{} ({}): {}: calls app {:?} of chart {:?} ({}) from namespace {caller_namespace:?} in {context}, and that \
         app's NetworkPolicy admits no such caller on port {port}: add {{\"namespace_labels\": {{\"{NAMESPACE_NAME}\": \
         \"{caller_namespace}\"}}, \"pod_labels\": {{\"app.kubernetes.io/name\": \"{}\"}}}} to its \
         network_policy.ingress_from_selectors ({})",
        call.caller.name,
        call.caller.target,
        call.field,
        call.callee.name,
        call.chart.spec.chart,
        call.chart.spec.target,
        call.caller.name,
        call.callee.target
    )))
}

/// Types `peerCharts` in values.schema.json (each chart and app by key, release and
/// namespace as Kubernetes names them), lets `siblingEnv` entries name a peer chart's app,
/// and lets apps' `networkPolicy` list `egressToPeerApps`. Nothing changes without peers.
pub fn type_values(schema: &mut serde_json::Value, peers: &[PeerChartValues]) {
    use serde_json::{json, Map, Value};
    if peers.is_empty() {
        return;
    }
    let label =
        json!({"type": "string", "minLength": 1, "maxLength": 63, "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"});
    let port = json!({"type": "integer", "minimum": 1, "maximum": 65535});
    let mut charts = Map::new();
    for chart in peers {
        let mut apps = Map::new();
        for app in &chart.apps {
            apps.insert(
                app.values_key.clone(),
                json!({
                    "description": format!("App {} of the chart: its name and ports.", app.name),
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name", "protocol", "containerPort", "servicePort", "ports"],
                    "properties": {
                        "name": {"description": "The app's name (its pods' app.kubernetes.io/name).", "const": app.name},
                        "protocol": {"description": "What its main port speaks.", "type": "string", "enum": ["http", "grpc", "tcp"]},
                        "containerPort": port,
                        "servicePort": port,
                        "ports": {"type": "array", "items": {
                            "type": "object",
                            "additionalProperties": false,
                            "required": ["name", "containerPort", "servicePort", "protocol"],
                            "properties": {
                                "name": {"type": "string"},
                                "containerPort": port,
                                "servicePort": port,
                                "protocol": {"type": "string", "enum": ["TCP", "UDP", "SCTP"]}
                            }
                        }}
                    }
                }),
            );
        }
        let keys: Vec<&str> = chart.apps.iter().map(|a| a.values_key.as_str()).collect();
        charts.insert(
            chart.key.clone(),
            json!({
                "description": format!("Chart {}: its release and namespace in this environment, and the apps called.", chart.chart),
                "type": "object",
                "additionalProperties": false,
                "required": ["chart", "release", "namespace", "apps"],
                "properties": {
                    "chart": {"const": chart.chart},
                    "release": {"description": "Its release name.", "type": "string", "minLength": 1, "maxLength": 53, "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},
                    "namespace": {"description": "Its namespace.", "allOf": [label]},
                    "apps": {"type": "object", "additionalProperties": false, "required": keys, "properties": apps}
                }
            }),
        );
    }
    let chart_keys: Vec<&str> = peers.iter().map(|c| c.key.as_str()).collect();
    if let Some(properties) = schema.pointer_mut("/properties").and_then(Value::as_object_mut) {
        properties.insert(
            "peerCharts".into(),
            json!({
                "description": "Apps of other charts of the repository the apps call (peer_charts), by chart.",
                "type": "object",
                "additionalProperties": false,
                "required": chart_keys,
                "properties": charts
            }),
        );
    }
    if let Some(required) = schema.pointer_mut("/required").and_then(Value::as_array_mut) {
        required.push(json!("peerCharts"));
    }
    let app_names: Vec<&str> = peers.iter().flat_map(|c| c.apps.iter().map(|a| a.name.as_str())).collect();
    let app_keys: Vec<&str> = peers.iter().flat_map(|c| c.apps.iter().map(|a| a.values_key.as_str())).collect();
    let peer_address = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["app", "valuesKey", "form", "chart"],
        "properties": {
            "app": {"description": "The addressed app of the peer chart.", "type": "string", "enum": app_names},
            "valuesKey": {"description": "Its key under peerCharts.<chart>.apps.", "type": "string", "enum": app_keys},
            "form": {"description": "host, host-port or url.", "type": "string", "enum": ["host", "host-port", "url"]},
            "chart": {"description": "The peer chart's key under peerCharts.", "type": "string", "enum": chart_keys}
        }
    });
    if let Some(definition) = schema.pointer_mut("/definitions/siblingEnv") {
        let own = definition.get("additionalProperties").cloned().unwrap_or(Value::Bool(false));
        definition["additionalProperties"] =
            if own == Value::Bool(false) { peer_address } else { json!({"oneOf": [own, peer_address]}) };
    }
    let egress = json!({
        "description": "Apps of peer charts the app may reach (peerCharts.<chart>.apps.<app>).",
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": false,
            "required": ["chart", "app"],
            "properties": {
                "chart": {"type": "string", "enum": chart_keys},
                "app": {"type": "string", "enum": app_keys}
            }
        }
    });
    add_egress(schema, &egress);
}

/// Adds `egressToPeerApps` to every app's `networkPolicy` schema (in place or in a shared
/// definition): the objects whose properties are egressCidrs and egressSelectors.
fn add_egress(schema: &mut serde_json::Value, egress: &serde_json::Value) {
    use serde_json::Value;
    match schema {
        Value::Object(object) => {
            if let Some(Value::Object(properties)) = object.get_mut("properties") {
                if properties.contains_key("egressCidrs") && properties.contains_key("egressSelectors") {
                    properties.insert("egressToPeerApps".into(), egress.clone());
                    return;
                }
            }
            object.values_mut().for_each(|value| add_egress(value, egress));
        }
        Value::Array(items) => items.iter_mut().for_each(|value| add_egress(value, egress)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::{json, Value};

    use crate::model::{ChartSpec, PeerChartSpec};
    use crate::plan::Chart;
    use crate::render::Renderer;

    /// The shop chart's API (callee), admitting the bots domain's namespaces.
    fn orders_api(ingress: Value) -> Value {
        json!({"name": "orders-api", "target": "//shop:orders_api_metadata", "app_type": "internal-api",
               "image": {"repository": "r", "tag": "1"}, "port": 8080,
               "ports": [{"name": "admin", "port": 9090}],
               "network_policy": {"ingress_from_selectors": ingress}})
    }

    fn bots_admitted() -> Value {
        json!([{"namespace_labels": {"kubernetes.io/metadata.name": "bots-prod"},
                "pod_labels": {"app.kubernetes.io/name": "order-bot"}, "ports": [8080, 9090]}])
    }

    fn order_bot(extra: Value) -> Value {
        let mut bot = json!({"name": "order-bot", "target": "//bots:order_bot_metadata", "app_type": "worker",
                             "image": {"repository": "r", "tag": "1"}, "health": {"command": ["true"]}});
        bot.as_object_mut().expect("an object").extend(extra.as_object().expect("an object").clone());
        bot
    }

    fn environment(name: &str, namespace: &str, target: &str) -> Value {
        json!({"name": name, "namespace": namespace, "target": target})
    }

    /// Composes chart bots (namespace bots-prod, environment prod) of `caller` with the shop
    /// chart (`callee`, release shop, its environments `shop_environments`) as a peer.
    fn compose(caller: Value, callee: Value, shop_environments: &[Value]) -> Result<Chart, crate::error::ComposeError> {
        compose_with(&[caller], callee, shop_environments, |_| {})
    }

    /// As `compose`, with several apps in chart bots and `edit` applied to its spec last.
    fn compose_with(
        callers: &[Value],
        callee: Value,
        shop_environments: &[Value],
        edit: impl FnOnce(&mut ChartSpec),
    ) -> Result<Chart, crate::error::ComposeError> {
        let bots_prod = environment("prod", "bots-prod", "//bots:prod");
        compose_in(callers, callee, shop_environments, &[bots_prod], edit)
    }

    /// As `compose_with`, chart bots having the environments `bots_environments`.
    fn compose_in(
        callers: &[Value],
        callee: Value,
        shop_environments: &[Value],
        bots_environments: &[Value],
        edit: impl FnOnce(&mut ChartSpec),
    ) -> Result<Chart, crate::error::ComposeError> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let write = |name: &str, value: &Value| {
            let file = dir.path().join(name);
            std::fs::write(&file, value.to_string()).expect("written");
            file
        };
        let shop_envs: Vec<_> =
            shop_environments.iter().enumerate().map(|(i, e)| write(&format!("shop-env-{i}.json"), e)).collect();
        let mut spec = ChartSpec::for_tests();
        spec.name = "bots".into();
        spec.namespace = "bots-prod".into();
        spec.environment = "prod".into();
        spec.peer_charts = vec![PeerChartSpec {
            target: "//shop:chart".into(),
            chart: "shop".into(),
            release: "shop".into(),
            namespace: String::new(),
            metadata: vec![write("orders-api.json", &callee)],
            environments: shop_envs,
        }];
        edit(&mut spec);
        let bots_envs: Vec<_> =
            bots_environments.iter().enumerate().map(|(i, e)| write(&format!("bots-env-{i}.json"), e)).collect();
        let callers: Vec<_> = callers.iter().enumerate().map(|(i, c)| write(&format!("caller-{i}.json"), c)).collect();
        let apps = crate::load_apps(&callers)?;
        let renderer = Renderer::for_charts(&crate::templates::for_tests())?;
        super::super::compose(&spec, apps, &bots_envs, &[], &renderer)
    }

    fn file<'a>(chart: &'a Chart, path: &str) -> &'a str {
        chart.files.get(Path::new(path)).map(String::as_str).unwrap_or_else(|| panic!("{path} is composed"))
    }

    fn shop_prod() -> Vec<Value> {
        vec![environment("prod", "shop-prod", "//shop:prod")]
    }

    #[test]
    fn an_address_of_a_peer_app_is_written_from_its_release_and_namespace_per_environment() {
        let bot = order_bot(json!({"sibling_env": [{"env": "ORDERS", "chart": "shop", "app": "orders-api"}]}));
        let chart = compose(bot, orders_api(bots_admitted()), &shop_prod()).expect("composes");
        let values = file(&chart, "values.yaml");
        assert!(
            values.contains(
                "peerCharts:\n  \"shop\":\n    chart: \"shop\"\n    release: \"shop\"\n    namespace: \"shop-prod\""
            ),
            "{values}"
        );
        assert!(values.contains("\"ordersApi\": {name: \"orders-api\", protocol: \"http\", containerPort: 8080, servicePort: 80, ports: [{name: \"admin\", containerPort: 9090, servicePort: 9090, protocol: \"TCP\"}]}"), "{values}");
        assert!(
            values.contains(
                "\"ORDERS\": {app: \"orders-api\", valuesKey: \"ordersApi\", form: \"url\", chart: \"shop\"}"
            ),
            "{values}"
        );
        // The address opens the egress toward the peer app.
        assert!(values.contains("egressToPeerApps:\n        - {chart: \"shop\", app: \"ordersApi\"}"), "{values}");
        let prod = file(&chart, "values-prod.yaml");
        assert!(
            prod.contains("peerCharts:\n  \"shop\":\n    release: \"shop\"\n    namespace: \"shop-prod\""),
            "{prod}"
        );
        let helpers = file(&chart, "templates/_helpers.tpl");
        assert!(helpers.contains("define \"bots.peerAddress\""), "{helpers}");
        let policy = file(&chart, "templates/order-bot-networkpolicy.yaml");
        assert!(policy.contains("kubernetes.io/metadata.name: {{ $peer.namespace | quote }}"), "{policy}");
        let schema: Value = serde_json::from_str(file(&chart, "values.schema.json")).expect("JSON");
        assert_eq!(schema["properties"]["peerCharts"]["required"], json!(["shop"]));
        let address = &schema["definitions"]["siblingEnv"]["additionalProperties"];
        assert_eq!(address["required"], json!(["app", "valuesKey", "form", "chart"]), "{address}");
        // Every app's networkPolicy takes egressToPeerApps, typed by the peer's keys.
        let policies = network_policy_schemas(&schema);
        assert!(!policies.is_empty(), "{schema}");
        for policy in policies {
            let egress = &policy["properties"]["egressToPeerApps"]["items"]["properties"];
            assert_eq!(egress["app"]["enum"], json!(["ordersApi"]), "{policy}");
        }
    }

    /// The schemas of objects with egressCidrs and egressSelectors: apps' `networkPolicy`.
    fn network_policy_schemas(schema: &Value) -> Vec<&Value> {
        let own = schema
            .get("properties")
            .and_then(Value::as_object)
            .filter(|p| p.contains_key("egressCidrs") && p.contains_key("egressSelectors"));
        let nested: Vec<&Value> = match schema {
            Value::Object(object) => object.values().flat_map(network_policy_schemas).collect(),
            Value::Array(items) => items.iter().flat_map(network_policy_schemas).collect(),
            _ => Vec::new(),
        };
        own.map(|_| schema).into_iter().chain(nested).collect()
    }

    #[test]
    fn a_chart_without_peers_renders_as_before() {
        let chart = crate::plan::compose_for_tests(&[orders_api(json!([]))]).expect("composes");
        assert!(!file(&chart, "values.yaml").contains("peerCharts"));
        assert!(!file(&chart, "templates/_helpers.tpl").contains("peerAddress"));
    }

    fn error(caller: Value, callee: Value, shop_environments: &[Value]) -> String {
        compose(caller, callee, shop_environments).map(|_| ()).expect_err("refused").to_string()
    }

    #[test]
    fn unknown_charts_and_apps_are_refused_naming_the_field() {
        let bot = order_bot(json!({"sibling_env": [{"env": "ORDERS", "chart": "shoe", "app": "orders-api"}]}));
        let message = error(bot, orders_api(bots_admitted()), &shop_prod());
        assert!(message.contains("order-bot (//bots:order_bot_metadata): sibling_env.ORDERS.chart: \"shoe\" is not one of the helm_chart's peer_charts (shop (//shop:chart))"), "{message}");
        let bot =
            order_bot(json!({"network_policy": {"egress_to_peer_apps": [{"chart": "shop", "app": "order-api"}]}}));
        let message = error(bot, orders_api(bots_admitted()), &shop_prod());
        assert!(message.contains("network_policy.egress_to_peer_apps[0].app: \"order-api\" is not an app of chart \"shop\" (//shop:chart); its apps with a port: orders-api"), "{message}");
    }

    #[test]
    fn a_peer_app_without_a_port_or_http_is_refused() {
        let worker = json!({"name": "orders-api", "target": "//shop:w", "app_type": "worker",
                            "image": {"repository": "r", "tag": "1"}, "health": {"command": ["true"]}});
        let bot = order_bot(json!({"sibling_env": [{"env": "ORDERS", "chart": "shop", "app": "orders-api"}]}));
        let message = error(bot, worker, &shop_prod());
        assert!(
            message.contains("sibling_env.ORDERS.app: \"orders-api\" of chart \"shop\" is a worker without a port"),
            "{message}"
        );
        let mut grpc = orders_api(bots_admitted());
        grpc["protocol"] = json!("grpc");
        let bot = order_bot(json!({"sibling_env": [{"env": "ORDERS", "chart": "shop", "app": "orders-api"}]}));
        let message = error(bot, grpc, &shop_prod());
        assert!(
            message.contains("speaks grpc, not http, so it has no http:// URL; set \"form\": \"host-port\""),
            "{message}"
        );
    }

    #[test]
    fn an_environment_the_peer_chart_lacks_is_refused() {
        let bot = order_bot(json!({"sibling_env": [{"env": "ORDERS", "chart": "shop", "app": "orders-api"}]}));
        let staging = [environment("staging", "shop-staging", "//shop:staging")];
        let message = error(bot, orders_api(bots_admitted()), &staging);
        // The default values (environment prod) have no namespace of the peer either.
        assert!(
            message.contains("whose namespace in environment \"prod\" (the default values') is unknown"),
            "{message}"
        );
        // With a chart namespace for the default values, the environment itself is refused.
        let bot = order_bot(json!({"sibling_env": [{"env": "ORDERS", "chart": "shop", "app": "orders-api"}]}));
        let both = [environment("staging", "shop-staging", "//shop:staging")];
        let message = {
            let dir = tempfile::tempdir().expect("dir");
            let write = |name: &str, value: &Value| {
                let file = dir.path().join(name);
                std::fs::write(&file, value.to_string()).expect("written");
                file
            };
            let mut spec = ChartSpec::for_tests();
            spec.environment = "dev".into();
            spec.peer_charts = vec![PeerChartSpec {
                target: "//shop:chart".into(),
                chart: "shop".into(),
                release: "shop".into(),
                namespace: "shop-dev".into(),
                metadata: vec![write("callee.json", &orders_api(json!([])))],
                environments: vec![write("staging.json", &both[0])],
            }];
            let apps = crate::load_apps(&[write("bot.json", &bot)]).expect("valid");
            let renderer = Renderer::for_charts(&crate::templates::for_tests()).expect("templates");
            let prod = write("prod.json", &environment("prod", "", "//bots:prod"));
            super::super::compose(&spec, apps, &[prod], &[], &renderer).map(|_| ()).expect_err("refused").to_string()
        };
        assert!(message.contains("environment \"prod\" (//bots:prod ("), "{message}");
        assert!(message.contains("peer chart \"shop\" (//shop:chart) (called by app \"order-bot\", sibling_env.ORDERS) has no environment \"prod\" (its environments: staging)"), "{message}");
    }

    #[test]
    fn a_callee_that_admits_no_caller_of_its_namespace_is_refused_with_the_selector_to_add() {
        let bot = order_bot(json!({"sibling_env": [{"env": "ORDERS", "chart": "shop", "app": "orders-api"}]}));
        let others = json!([{"namespace_labels": {"kubernetes.io/metadata.name": "billing"}}]);
        let message = error(bot, orders_api(others), &shop_prod());
        assert!(message.contains("calls app \"orders-api\" of chart \"shop\" (//shop:chart) from namespace \"bots-prod\" in the default values, and that app's NetworkPolicy admits no such caller on port 8080"), "{message}");
        assert!(message.contains("add {\"namespace_labels\": {\"kubernetes.io/metadata.name\": \"bots-prod\"}, \"pod_labels\": {\"app.kubernetes.io/name\": \"order-bot\"}} to its network_policy.ingress_from_selectors (//shop:orders_api_metadata)"), "{message}");
        // A namespace selected by another label may be the caller's: not refused.
        let bot = order_bot(json!({"sibling_env": [{"env": "ORDERS", "chart": "shop", "app": "orders-api"}]}));
        let by_domain = json!([{"namespace_labels": {"example.com/domain": "bots"}}]);
        assert!(compose(bot, orders_api(by_domain), &shop_prod()).is_ok());
    }

    #[test]
    fn a_peer_app_switched_off_in_its_environment_is_refused() {
        let bot = order_bot(json!({"sibling_env": [{"env": "ORDERS", "chart": "shop", "app": "orders-api"}]}));
        let mut prod = environment("prod", "shop-prod", "//shop:prod");
        prod["disabled_apps"] = json!(["orders-api"]);
        let message = error(bot, orders_api(bots_admitted()), &[prod]);
        assert!(message.contains("calls app \"orders-api\" of chart \"shop\", which its environment \"prod\" (//shop:prod) switches off (disabled_apps)"), "{message}");
    }

    #[test]
    fn peer_charts_are_told_apart_by_their_values_key() {
        let bot = || order_bot(json!({"sibling_env": [{"env": "ORDERS", "chart": "shop", "app": "orders-api"}]}));
        let twice = compose_with(&[bot()], orders_api(bots_admitted()), &shop_prod(), |spec| {
            let again = PeerChartSpec { target: "//shop2:chart".into(), ..spec.peer_charts[0].clone() };
            spec.peer_charts.push(again);
        });
        let message = twice.map(|_| ()).expect_err("refused").to_string();
        assert!(
            message.contains("peer chart \"shop\" (//shop2:chart): two peer_charts are named \"shop\""),
            "{message}"
        );
        let another = compose_with(&[bot()], orders_api(bots_admitted()), &shop_prod(), |spec| {
            let billing = PeerChartSpec {
                target: "//billing:chart".into(),
                chart: "billing".into(),
                release: "billing".into(),
                ..spec.peer_charts[0].clone()
            };
            spec.peer_charts.push(billing);
        });
        another.expect("a second peer chart of another name composes");
    }

    #[test]
    fn a_peer_environments_namespace_is_checked_as_its_own_chart_checks_it() {
        let bot = order_bot(json!({"sibling_env": [{"env": "ORDERS", "chart": "shop", "app": "orders-api"}]}));
        let message = error(bot, orders_api(bots_admitted()), &[environment("prod", "Shop_Prod", "//shop:prod")]);
        assert!(message.starts_with("//shop:prod ("), "{message}");
        assert!(
            message.contains("field `namespace`: must start with a lowercase letter (DNS-1035 label)"),
            "{message}"
        );
    }

    #[test]
    fn only_the_calling_app_gets_egress_to_a_peer_app_and_once() {
        let declared_twice = order_bot(json!({
            "sibling_env": [{"env": "ORDERS", "chart": "shop", "app": "orders-api"}],
            "network_policy": {"egress_to_peer_apps": [{"chart": "shop", "app": "orders-api"}]}
        }));
        let idle = order_bot(json!({"name": "idle-bot", "target": "//bots:idle_bot_metadata"}));
        let chart =
            compose_with(&[declared_twice, idle], orders_api(bots_admitted()), &shop_prod(), |_| {}).expect("composes");
        let values = file(&chart, "values.yaml");
        assert_eq!(values.matches("{chart: \"shop\", app: \"ordersApi\"}").count(), 1, "{values}");
    }

    #[test]
    fn a_grpc_peer_app_is_called_by_host_and_port_or_by_egress_alone() {
        let mut grpc = orders_api(bots_admitted());
        grpc["protocol"] = json!("grpc");
        let by_address = order_bot(
            json!({"sibling_env": [{"env": "ORDERS", "chart": "shop", "app": "orders-api", "form": "host-port"}]}),
        );
        compose(by_address, grpc.clone(), &shop_prod()).expect("host:port of a gRPC app composes");
        let by_egress =
            order_bot(json!({"network_policy": {"egress_to_peer_apps": [{"chart": "shop", "app": "orders-api"}]}}));
        compose(by_egress, grpc, &shop_prod()).expect("egress alone to a gRPC app composes");
    }

    #[test]
    fn each_environment_checks_the_calls_to_its_peer_charts_apps() {
        // Staging is not the default values' environment: only the per-environment check sees
        // that the shop's staging switches the called app off.
        let bot = order_bot(json!({"sibling_env": [{"env": "ORDERS", "chart": "shop", "app": "orders-api"}]}));
        let mut shop_staging = environment("staging", "shop-staging", "//shop:staging");
        shop_staging["disabled_apps"] = json!(["orders-api"]);
        let bots =
            [environment("prod", "bots-prod", "//bots:prod"), environment("staging", "bots-staging", "//bots:staging")];
        let shop = [environment("prod", "shop-prod", "//shop:prod"), shop_staging];
        let message = compose_in(&[bot], orders_api(bots_admitted()), &shop, &bots, |_| {})
            .map(|_| ())
            .expect_err("refused")
            .to_string();
        assert!(
            message.contains("which its environment \"staging\" (//shop:staging) switches off (disabled_apps)"),
            "{message}"
        );
    }

    #[test]
    fn a_selector_without_namespace_labels_admits_callers_of_the_callees_own_namespace() {
        let bot = || order_bot(json!({"sibling_env": [{"env": "ORDERS", "chart": "shop", "app": "orders-api"}]}));
        let pods_only = json!([{"pod_labels": {"app.kubernetes.io/name": "order-bot"}, "ports": [8080]}]);
        let beside = [environment("prod", "bots-prod", "//shop:prod")];
        compose(bot(), orders_api(pods_only.clone()), &beside).expect("a caller in the callee's namespace");
        let message = error(bot(), orders_api(pods_only), &shop_prod());
        assert!(message.contains("that app's NetworkPolicy admits no such caller on port 8080"), "{message}");
    }
}
