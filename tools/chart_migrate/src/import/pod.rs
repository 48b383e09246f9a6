//! The pod-level settings beside the container: image pull secrets, pod annotations and
//! labels, scheduling, graceful shutdown and the startup probe. Each is read into its
//! `release_app` attribute when the rules can reproduce it; a value the rules would refuse
//! (a system- PriorityClass, a chart's own annotation key) stays in the report with the
//! reason, and a shape they cannot say (several node selector terms, pod affinity) stays as
//! a left-over field (see [`super::why`]).

use serde_json::{json, Map, Value};

use super::app::{App, AttrValue, Attribute};
use super::common::{is_standard_label, scalar_string, string_list};
use super::fields::Fields;
use super::note::Note;
use crate::path::FieldPath;

/// Kubernetes' terminationGracePeriodSeconds when unset, which the rules keep when unset.
const KUBERNETES_GRACE_SECONDS: i64 = 30;
/// Kubernetes' probe defaults, for the seconds a startup probe allows.
const PROBE_PERIOD_SECONDS: i64 = 10;
const PROBE_FAILURE_THRESHOLD: i64 = 3;

/// Reads the pod's own settings (those of the pod template at `pod`, `container` its
/// main container) into `app`.
pub fn read_pod_settings(
    fields: &mut Fields,
    pod: &FieldPath,
    container: &FieldPath,
    app: &mut App,
    has_own_config: bool,
    notes: &mut Vec<Note>,
) {
    let spec = pod.key("spec");
    read_pull_secrets(fields, &spec, app, notes);
    read_pod_metadata(fields, &pod.key("metadata"), app, has_own_config, notes);
    read_node_selector(fields, &spec, app);
    read_priority_class(fields, &spec, app, notes);
    read_tolerations(fields, &spec, app);
    read_node_affinity(fields, &spec.key("affinity"), app);
    read_topology_spread(fields, &spec, &pod.key("metadata").key("labels"), app);
    read_shutdown(fields, &spec, container, app);
    read_startup_probe(fields, container, app, notes);
}

/// A DNS-1123 subdomain: what a Secret or PriorityClass name must be, and the rules check.
pub fn is_subdomain(name: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    !name.is_empty()
        && name.len() <= 253
        && name.chars().all(|c| alnum(c) || c == '-' || c == '.')
        && name.starts_with(alnum)
        && name.ends_with(alnum)
}

fn read_pull_secrets(fields: &mut Fields, spec: &FieldPath, app: &mut App, notes: &mut Vec<Note>) {
    for item in fields.items(&spec.key("imagePullSecrets")) {
        if fields.keys(&item) != ["name"] {
            continue;
        }
        let Some(name) = fields.peek(&item.key("name")).and_then(Value::as_str) else { continue };
        if is_subdomain(name) {
            fields.take(&item);
            app.push(Attribute::ImagePullSecrets, name);
        } else {
            notes.push(Note::field(
                &fields.id,
                &item,
                format!("{name}: not a DNS-1123 subdomain, which image_pull_secrets requires; not imported"),
            ));
            fields.mark(&item);
        }
    }
}

/// Annotation and label keys the generated chart writes itself; the rules refuse them.
fn is_chart_own_key(key: &str) -> bool {
    key.starts_with("checksum/") || key.starts_with("helm.sh/") || key.starts_with("app.kubernetes.io/")
}

/// The annotation with which the generated chart rolls an app's pods when its own ConfigMap
/// (config_data) changes.
const CONFIG_CHECKSUM: &str = "checksum/config";

fn read_pod_metadata(
    fields: &mut Fields,
    metadata: &FieldPath,
    app: &mut App,
    has_own_config: bool,
    notes: &mut Vec<Note>,
) {
    for (key, attribute) in [("annotations", Attribute::PodAnnotations), ("labels", Attribute::PodLabels)] {
        let map = metadata.key(key);
        for name in fields.keys(&map) {
            if is_standard_label(&name) && key == "labels" {
                continue; // taken with the standard labels
            }
            let path = map.key(&name);
            if name == CONFIG_CHECKSUM && key == "annotations" && has_own_config {
                fields.take(&path); // the generated chart writes it, of the app's config_data
                continue;
            }
            if name.starts_with("checksum/") {
                continue; // reported as a checksum annotation, with its own reason
            }
            let Some(value) = fields.peek(&path).and_then(scalar_string) else { continue };
            if is_chart_own_key(&name) {
                notes.push(Note::field(
                    &fields.id,
                    &path,
                    format!("{name}: the generated chart writes its own {key} under this prefix; not imported"),
                ));
                fields.mark(&path);
                continue;
            }
            fields.take(&path);
            app.insert(attribute, &name, &value);
        }
    }
}

fn read_node_selector(fields: &mut Fields, spec: &FieldPath, app: &mut App) {
    let path = spec.key("nodeSelector");
    for key in fields.keys(&path) {
        if let Some(value) = fields.peek(&path.key(&key)).and_then(scalar_string) {
            fields.take(&path.key(&key));
            app.insert(Attribute::SchedulingNodeSelector, &key, &value);
        }
    }
}

fn read_priority_class(fields: &mut Fields, spec: &FieldPath, app: &mut App, notes: &mut Vec<Note>) {
    let path = spec.key("priorityClassName");
    let Some(name) = fields.peek(&path).and_then(Value::as_str) else { return };
    let refused = if name.starts_with("system-") {
        Some("the system- PriorityClasses are the cluster's own, which the rules refuse to an app")
    } else if !is_subdomain(name) {
        Some("not a DNS-1123 subdomain")
    } else {
        None
    };
    match refused {
        Some(reason) => {
            notes.push(Note::field(&fields.id, &path, format!("{name}: {reason}; not imported")));
            fields.mark(&path);
        }
        None => {
            fields.take(&path);
            app.set_str(Attribute::SchedulingPriorityClassName, name);
        }
    }
}

/// Copies `from` keys of `object` to `to` keys; `None` when `object` has a key not listed.
fn renamed(object: &Value, table: &[(&str, &str)]) -> Option<Value> {
    let map = object.as_object()?;
    let mut out = Map::new();
    for (key, value) in map {
        let (_, to) = table.iter().find(|(from, _)| from == key)?;
        out.insert((*to).to_string(), value.clone());
    }
    Some(Value::Object(out))
}

fn read_tolerations(fields: &mut Fields, spec: &FieldPath, app: &mut App) {
    const TABLE: [(&str, &str); 5] = [
        ("key", "key"),
        ("operator", "operator"),
        ("value", "value"),
        ("effect", "effect"),
        ("tolerationSeconds", "toleration_seconds"),
    ];
    let path = spec.key("tolerations");
    let Some(items) = fields.peek(&path).and_then(Value::as_array) else { return };
    let Some(tolerations) = items.iter().map(|t| renamed(t, &TABLE)).collect::<Option<Vec<_>>>() else { return };
    fields.take(&path);
    if !tolerations.is_empty() {
        app.set(Attribute::SchedulingTolerations, AttrValue::Json(Value::Array(tolerations)));
    }
}

/// A node selector requirement as the rules write one (`values` only where it has some).
fn requirement(expression: &Value) -> Option<Map<String, Value>> {
    let out = renamed(expression, &[("key", "key"), ("operator", "operator"), ("values", "values")])?;
    let mut out = out.as_object()?.clone();
    if out.get("values").and_then(Value::as_array).is_some_and(Vec::is_empty) {
        out.remove("values");
    }
    Some(out)
}

/// Node affinity: one required term of match expressions (all must hold) and preferences of
/// one expression each (the rules weigh requirements one by one). Several required terms
/// (any may hold), matchFields and pod (anti-)affinity stay in the report.
fn read_node_affinity(fields: &mut Fields, affinity: &FieldPath, app: &mut App) {
    let node = affinity.key("nodeAffinity");
    let required = node.key("requiredDuringSchedulingIgnoredDuringExecution");
    let preferred = node.key("preferredDuringSchedulingIgnoredDuringExecution");
    let mut out = Vec::new();
    let required_value = fields.peek(&required);
    if let Some(value) = required_value {
        let terms = value.get("nodeSelectorTerms").and_then(Value::as_array);
        let single = match terms.map(Vec::as_slice) {
            Some([term]) if fields.keys(&required) == ["nodeSelectorTerms"] => term.as_object(),
            _ => None,
        };
        let expressions = single
            .filter(|term| term.keys().all(|k| k == "matchExpressions"))
            .and_then(|term| term.get("matchExpressions")?.as_array())
            .and_then(|list| list.iter().map(requirement).collect::<Option<Vec<_>>>());
        let Some(expressions) = expressions else { return };
        out.extend(expressions.into_iter().map(Value::Object));
    }
    if let Some(value) = fields.peek(&preferred) {
        let weighted = value.as_array().and_then(|items| {
            items
                .iter()
                .map(|item| {
                    let weight = item.get("weight")?.as_i64()?;
                    let preference = item.get("preference")?.as_object()?;
                    if item.as_object()?.len() != 2 || preference.keys().any(|k| k != "matchExpressions") {
                        return None;
                    }
                    match preference.get("matchExpressions")?.as_array()?.as_slice() {
                        [one] => {
                            let mut requirement = requirement(one)?;
                            requirement.insert("weight".into(), json!(weight));
                            Some(Value::Object(requirement))
                        }
                        _ => None,
                    }
                })
                .collect::<Option<Vec<_>>>()
        });
        let Some(weighted) = weighted else { return };
        out.extend(weighted);
    }
    if required_value.is_some() {
        fields.take(&required);
    }
    if fields.peek(&preferred).is_some() {
        fields.take(&preferred);
    }
    if fields.keys(&node).is_empty() {
        fields.mark(&node);
    }
    if !out.is_empty() {
        app.set(Attribute::SchedulingNodeAffinity, AttrValue::Json(Value::Array(out)));
    }
}

/// Topology spread constraints counting the app's own pods (the rules fill the selector in
/// from the app's labels); one selecting other pods stays in the report.
fn read_topology_spread(fields: &mut Fields, spec: &FieldPath, pod_labels: &FieldPath, app: &mut App) {
    const TABLE: [(&str, &str); 4] = [
        ("topologyKey", "topology_key"),
        ("maxSkew", "max_skew"),
        ("whenUnsatisfiable", "when_unsatisfiable"),
        ("minDomains", "min_domains"),
    ];
    let path = spec.key("topologySpreadConstraints");
    let Some(items) = fields.peek(&path).and_then(Value::as_array) else { return };
    let labels = fields.peek(pod_labels);
    let own = |constraint: &Value| {
        let selector = constraint.get("labelSelector")?.as_object()?;
        if selector.keys().any(|k| k != "matchLabels") {
            return None;
        }
        let match_labels = selector.get("matchLabels")?.as_object()?;
        let selects_own = !match_labels.is_empty()
            && match_labels.iter().all(|(key, value)| labels.and_then(|l| l.get(key)) == Some(value));
        let mut rest = constraint.as_object()?.clone();
        rest.remove("labelSelector");
        selects_own.then(|| renamed(&Value::Object(rest), &TABLE)).flatten()
    };
    let Some(constraints) = items.iter().map(own).collect::<Option<Vec<_>>>() else { return };
    fields.take(&path);
    if !constraints.is_empty() {
        app.set(Attribute::SchedulingTopologySpread, AttrValue::Json(Value::Array(constraints)));
    }
}

fn read_shutdown(fields: &mut Fields, spec: &FieldPath, container: &FieldPath, app: &mut App) {
    let grace = spec.key("terminationGracePeriodSeconds");
    if let Some(seconds) = fields.peek(&grace).and_then(Value::as_i64) {
        fields.take(&grace);
        if seconds != KUBERNETES_GRACE_SECONDS {
            app.set(Attribute::ShutdownGracePeriodSeconds, AttrValue::Int(seconds));
        }
    }
    let pre_stop = container.key("lifecycle").key("preStop");
    let sleep = pre_stop.key("sleep");
    let exec = pre_stop.key("exec");
    let sleep_seconds = fields.peek(&sleep.key("seconds")).and_then(Value::as_i64);
    let command = fields.peek(&exec.key("command")).and_then(string_list).filter(|c| !c.is_empty());
    let taken = match (fields.keys(&pre_stop).as_slice(), sleep_seconds, command) {
        ([only], Some(seconds), _) if only == "sleep" && fields.keys(&sleep) == ["seconds"] => {
            app.set(Attribute::ShutdownPreStopSleepSeconds, AttrValue::Int(seconds));
            true
        }
        ([only], _, Some(command)) if only == "exec" && fields.keys(&exec) == ["command"] => {
            app.set(Attribute::ShutdownPreStopCommand, AttrValue::List(command));
            true
        }
        _ => false, // an httpGet hook, or more than one: left over, reported
    };
    // The whole lifecycle is accounted for when the preStop hook was its only hook.
    let lifecycle = container.key("lifecycle");
    if taken && fields.keys(&lifecycle) == ["preStop"] {
        fields.take(&lifecycle);
    }
}

/// The probe handler kinds Kubernetes has: the startup probe the rules write checks as the
/// liveness probe does.
const HANDLERS: [&str; 4] = ["httpGet", "grpc", "tcpSocket", "exec"];

/// The startup probe as the seconds it lets the app take to start (initial delay plus
/// period times failure threshold), which is what health_startup_seconds says.
fn read_startup_probe(fields: &mut Fields, container: &FieldPath, app: &mut App, notes: &mut Vec<Note>) {
    let probe = container.key("startupProbe");
    let Some(value) = fields.peek(&probe) else { return };
    let number = |key: &str, default: i64| value.get(key).and_then(Value::as_i64).unwrap_or(default);
    let seconds = number("initialDelaySeconds", 0)
        + number("periodSeconds", PROBE_PERIOD_SECONDS) * number("failureThreshold", PROBE_FAILURE_THRESHOLD);
    fields.take(&probe);
    app.set(Attribute::HealthStartupSeconds, AttrValue::Int(seconds));
    let check = |path: &FieldPath| HANDLERS.into_iter().find_map(|h| fields.peek(&path.key(h)).map(|v| (h, v)));
    let startup_check = check(&probe);
    if startup_check.is_none() || startup_check != check(&container.key("livenessProbe")) {
        notes.push(Note::field(
            &fields.id,
            &probe,
            format!(
                "imported as health_startup_seconds = {seconds}: the generated startup probe checks as the liveness \
                 probe does, every 10 seconds, not with this probe's own check"
            ),
        ));
    }
}
