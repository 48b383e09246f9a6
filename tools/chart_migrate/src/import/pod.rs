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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::import::app::AppType;
    use crate::object::Object;

    /// What `read_pod_settings` made of a pod: the app, the notes, the pod fields left over
    /// (the container's name, another reader's, aside).
    struct Read {
        app: App,
        notes: Vec<String>,
        left: Vec<String>,
    }

    fn read_pod(metadata: Value, spec: Value, container: Value, has_own_config: bool) -> Read {
        let mut pod_spec = spec;
        let mut main = json!({"name": "web"});
        main.as_object_mut().unwrap().extend(container.as_object().unwrap().clone());
        pod_spec["containers"] = json!([main]);
        let object = Object {
            kind: "Deployment".into(),
            name: "web".into(),
            template: "t.yaml".into(),
            body: json!({"spec": {"template": {"metadata": metadata, "spec": pod_spec}}}),
        };
        let mut object = object;
        if object.body["spec"]["template"]["metadata"] == json!({}) {
            // Nothing left over of a pod without metadata.
            object.body["spec"]["template"].as_object_mut().unwrap().remove("metadata");
        }
        let mut fields = Fields::new(&object, "Deployment/web".into());
        let mut app = App::new("web", AppType::Worker, "Deployment/web".into());
        let mut notes = Vec::new();
        let pod = FieldPath::of_keys(&["spec", "template"]);
        let container = fields.items(&pod.key("spec").key("containers"))[0].clone();
        fields.take(&container.key("name"));
        read_pod_settings(&mut fields, &pod, &container, &mut app, has_own_config, &mut notes);
        let left = fields
            .leftovers()
            .iter()
            .map(|(path, _)| path.to_string().replace("spec.template.", ""))
            .filter(|p| p != "spec.containers[web]")
            .collect();
        Read { app, notes: notes.iter().map(ToString::to_string).collect(), left }
    }

    fn read_spec(spec: Value) -> Read {
        read_pod(json!({}), spec, json!({}), false)
    }

    fn read_container(container: Value) -> Read {
        read_pod(json!({}), json!({}), container, false)
    }

    fn json_attr(app: &App, attribute: Attribute) -> Option<&Value> {
        match app.get(attribute) {
            Some(AttrValue::Json(value)) => Some(value),
            _ => None,
        }
    }

    fn dict(pairs: &[(&str, &str)]) -> AttrValue {
        AttrValue::Dict(pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect())
    }

    #[test]
    fn a_secret_or_priority_class_name_is_a_dns_subdomain() {
        for good in ["a", "1a", "a.b-c", "registry.example.com", &"a".repeat(253)] {
            assert!(is_subdomain(good), "{good}");
        }
        for bad in ["", "-a", "a-", ".a", "a.", "A", "a_b", &"a".repeat(254)] {
            assert!(!is_subdomain(bad), "{bad}");
        }
    }

    #[test]
    fn pull_secrets_with_more_than_a_name_stay_without_a_note() {
        let read = read_spec(json!({"imagePullSecrets": [{"name": "creds"}, {"name": "other", "x": 1}]}));
        assert_eq!(read.app.get(Attribute::ImagePullSecrets), Some(&AttrValue::List(vec!["creds".into()])));
        assert!(read.notes.is_empty(), "{:?}", read.notes);
        assert_eq!(read.left, ["spec.imagePullSecrets[other]"]);
        let read = read_spec(json!({"imagePullSecrets": [{"name": "Bad"}]}));
        assert_eq!(
            read.notes,
            ["Deployment/web spec.template.spec.imagePullSecrets[Bad]: Bad: not a DNS-1123 subdomain, which \
              image_pull_secrets requires; not imported"]
        );
        assert!(read.left.is_empty(), "{:?}", read.left);
    }

    #[test]
    fn the_charts_own_keys_are_its_prefixes() {
        for own in ["checksum/x", "helm.sh/chart", "app.kubernetes.io/part-of"] {
            assert!(is_chart_own_key(own), "{own}");
        }
        for other in ["sidecar.istio.io/inject", "team", "example.com/helm.sh"] {
            assert!(!is_chart_own_key(other), "{other}");
        }
    }

    #[test]
    fn pod_metadata_skips_standard_labels_and_reports_the_charts_own_annotations() {
        let metadata = json!({
            "annotations": {"helm.sh/chart": "shop-1", "checksum/config": "abc", "note": "x", "odd": {"a": 1}},
            "labels": {"app.kubernetes.io/name": "web", "helm.sh/hook": "x", "tier": "1", "checksum/config": "abc"}
        });
        let read = read_pod(metadata.clone(), json!({}), json!({}), true);
        assert_eq!(read.app.get(Attribute::PodAnnotations), Some(&dict(&[("note", "x")])));
        assert_eq!(read.app.get(Attribute::PodLabels), Some(&dict(&[("tier", "1")])));
        let metadata_path = "Deployment/web spec.template.metadata";
        assert_eq!(
            read.notes,
            [
                format!(
                    "{metadata_path}.annotations[\"helm.sh/chart\"]: helm.sh/chart: the generated chart writes its own \
                     annotations under this prefix; not imported"
                ),
                format!(
                    "{metadata_path}.labels[\"helm.sh/hook\"]: helm.sh/hook: the generated chart writes its own labels \
                     under this prefix; not imported"
                ),
            ]
        );
        // checksum/config of the app's own ConfigMap is the generated chart's; as a label, or
        // without an own ConfigMap, it stays (with the checksum reason).
        let left = [
            "metadata.annotations.odd",
            r#"metadata.labels["app.kubernetes.io/name"]"#,
            r#"metadata.labels["checksum/config"]"#,
        ];
        assert_eq!(read.left, left);
        let read = read_pod(metadata, json!({}), json!({}), false);
        assert!(read.left.contains(&"metadata.annotations[\"checksum/config\"]".to_string()), "{:?}", read.left);
    }

    #[test]
    fn a_node_selector_of_scalars_is_imported() {
        let read = read_spec(json!({"nodeSelector": {"pool": "general", "gpu": true, "odd": ["x"]}}));
        assert_eq!(
            read.app.get(Attribute::SchedulingNodeSelector),
            Some(&dict(&[("gpu", "true"), ("pool", "general")]))
        );
        assert_eq!(read.left, ["spec.nodeSelector.odd"]);
    }

    #[test]
    fn a_priority_class_that_is_no_subdomain_is_reported() {
        let read = read_spec(json!({"priorityClassName": "Critical"}));
        assert_eq!(read.app.get(Attribute::SchedulingPriorityClassName), None);
        assert_eq!(
            read.notes,
            ["Deployment/web spec.template.spec.priorityClassName: Critical: not a DNS-1123 subdomain; not imported"]
        );
        assert!(read.left.is_empty(), "{:?}", read.left);
    }

    #[test]
    fn tolerations_with_a_field_the_rules_lack_stay_whole() {
        let read = read_spec(json!({"tolerations": [{"key": "a", "operator": "Exists"}, {"key": "b", "extra": 1}]}));
        assert_eq!(read.app.get(Attribute::SchedulingTolerations), None);
        assert_eq!(read.left, ["spec.tolerations"]);
        let read = read_spec(json!({"tolerations": []}));
        assert_eq!(read.app.get(Attribute::SchedulingTolerations), None);
        assert!(read.left.is_empty(), "{:?}", read.left);
        assert_eq!(renamed(&json!({"a": 1, "b": 2}), &[("a", "x"), ("b", "y")]), Some(json!({"x": 1, "y": 2})));
        assert_eq!(renamed(&json!({"a": 1, "c": 2}), &[("a", "x"), ("b", "y")]), None);
        assert_eq!(renamed(&json!([1]), &[("a", "x")]), None);
    }

    #[test]
    fn node_affinity_of_one_required_term_and_single_preferences() {
        let affinity = |node: Value| read_spec(json!({"affinity": {"nodeAffinity": node}}));
        let exists = json!({"key": "a", "operator": "Exists", "values": []});
        let read = affinity(json!({"requiredDuringSchedulingIgnoredDuringExecution":
            {"nodeSelectorTerms": [{"matchExpressions": [exists]}]}}));
        assert_eq!(
            json_attr(&read.app, Attribute::SchedulingNodeAffinity),
            Some(&json!([{"key": "a", "operator": "Exists"}]))
        );
        assert!(read.left.is_empty(), "{:?}", read.left);
        let read = affinity(json!({"preferredDuringSchedulingIgnoredDuringExecution":
            [{"weight": 5, "preference": {"matchExpressions": [exists]}}]}));
        assert_eq!(
            json_attr(&read.app, Attribute::SchedulingNodeAffinity),
            Some(&json!([{"key": "a", "operator": "Exists", "weight": 5}]))
        );
        assert!(read.left.is_empty(), "{:?}", read.left);
        // A term of no expressions says nothing: taken, no attribute.
        let read = affinity(json!({"requiredDuringSchedulingIgnoredDuringExecution":
            {"nodeSelectorTerms": [{"matchExpressions": []}]}}));
        assert_eq!(read.app.get(Attribute::SchedulingNodeAffinity), None);
        assert!(read.left.is_empty(), "{:?}", read.left);
        let read = affinity(json!({}));
        assert!(read.left.is_empty(), "{:?}", read.left);
    }

    #[test]
    fn node_affinity_the_rules_cannot_say_stays() {
        let expression = json!({"key": "a", "operator": "Exists"});
        let required = |value: Value| json!({"requiredDuringSchedulingIgnoredDuringExecution": value});
        let preferred = |item: Value| json!({"preferredDuringSchedulingIgnoredDuringExecution": [item]});
        for node in [
            required(json!({"nodeSelectorTerms": [{"matchExpressions": [expression]}], "x": 1})),
            required(json!({"nodeSelectorTerms": [{"matchExpressions": [expression], "matchFields": [expression]}]})),
            required(json!({"nodeSelectorTerms": [{"matchExpressions": [{"key": "a", "op": "x"}]}]})),
            preferred(json!({"weight": 1, "preference": {"matchExpressions": [expression]}, "x": 1})),
            preferred(json!({"weight": 1, "preference": {"matchExpressions": [expression], "matchFields": []}})),
            preferred(json!({"weight": 1, "preference": {"matchExpressions": [expression, expression]}})),
            preferred(json!({"weight": 1, "preference": {"matchExpressions": []}})),
            preferred(json!({"weight": "1", "preference": {"matchExpressions": [expression]}})),
        ] {
            let read = read_spec(json!({"affinity": {"nodeAffinity": node}}));
            assert_eq!(read.app.get(Attribute::SchedulingNodeAffinity), None, "{node}");
            assert_eq!(read.left, ["spec.affinity"], "{node}");
        }
        // Pod affinity is not the rules': it stays beside the node affinity taken.
        let read = read_spec(json!({"affinity": {"podAffinity": {"x": 1}, "nodeAffinity":
            {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [expression]}]}}}}));
        assert_eq!(json_attr(&read.app, Attribute::SchedulingNodeAffinity), Some(&json!([expression])));
        assert_eq!(read.left, ["spec.affinity.podAffinity"]);
    }

    #[test]
    fn topology_spread_counts_the_apps_own_pods_only() {
        let metadata = json!({"labels": {"app": "web", "tier": "front"}});
        let spread = |selector: Value, extra: Value| {
            let mut constraint = json!({"topologyKey": "zone", "maxSkew": 2, "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": selector});
            constraint.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            read_pod(metadata.clone(), json!({"topologySpreadConstraints": [constraint]}), json!({}), false)
        };
        let read = spread(json!({"matchLabels": {"app": "web", "tier": "front"}}), json!({"minDomains": 3}));
        assert_eq!(
            json_attr(&read.app, Attribute::SchedulingTopologySpread),
            Some(
                &json!([{"topology_key": "zone", "max_skew": 2, "when_unsatisfiable": "ScheduleAnyway", "min_domains": 3}])
            )
        );
        assert!(!read.left.iter().any(|l| l.contains("topology")), "{:?}", read.left);
        for (selector, extra) in [
            (json!({"matchLabels": {}}), json!({})),
            (json!({"matchLabels": {"app": "web", "role": "x"}}), json!({})),
            (json!({"matchLabels": {"app": "web"}, "matchExpressions": []}), json!({})),
            (json!({"matchLabels": {"app": "web"}}), json!({"nodeTaintsPolicy": "Honor"})),
        ] {
            let read = spread(selector.clone(), extra);
            assert_eq!(read.app.get(Attribute::SchedulingTopologySpread), None, "{selector}");
            assert!(read.left.contains(&"spec.topologySpreadConstraints".to_string()), "{:?}", read.left);
        }
        let read = read_spec(json!({"topologySpreadConstraints": []}));
        assert_eq!(read.app.get(Attribute::SchedulingTopologySpread), None);
        assert!(read.left.is_empty(), "{:?}", read.left);
    }

    #[test]
    fn shutdown_is_the_grace_period_and_one_pre_stop_hook() {
        let read = read_pod(json!({}), json!({"terminationGracePeriodSeconds": 30}), json!({}), false);
        assert_eq!(read.app.get(Attribute::ShutdownGracePeriodSeconds), None, "Kubernetes' default");
        assert!(read.left.is_empty(), "{:?}", read.left);
        let read = read_container(json!({"lifecycle": {"preStop": {"exec": {"command": ["/drain"]}}}}));
        assert_eq!(read.app.get(Attribute::ShutdownPreStopCommand), Some(&AttrValue::List(vec!["/drain".into()])));
        assert!(read.left.is_empty(), "{:?}", read.left);
        // Another hook beside preStop stays, the preStop taken.
        let read = read_container(json!({"lifecycle": {"preStop": {"sleep": {"seconds": 5}}, "postStart": {"x": 1}}}));
        assert_eq!(read.app.get(Attribute::ShutdownPreStopSleepSeconds), Some(&AttrValue::Int(5)));
        assert_eq!(read.left, ["spec.containers[web].lifecycle"]);
        for pre_stop in [
            json!({"sleep": {"seconds": 5, "x": 1}}),
            json!({"exec": {"command": []}}),
            json!({"exec": {"command": ["/drain"], "x": 1}}),
            json!({"httpGet": {"path": "/drain", "port": 80}}),
            json!({"sleep": {"seconds": 5}, "exec": {"command": ["/drain"]}}),
        ] {
            let read = read_container(json!({"lifecycle": {"preStop": pre_stop}}));
            assert_eq!(read.app.get(Attribute::ShutdownPreStopSleepSeconds), None, "{pre_stop}");
            assert_eq!(read.app.get(Attribute::ShutdownPreStopCommand), None, "{pre_stop}");
            assert_eq!(read.left, ["spec.containers[web].lifecycle"], "{pre_stop}");
        }
    }

    #[test]
    fn the_startup_probe_is_the_seconds_it_allows_with_a_note_when_its_check_differs() {
        let check = json!({"httpGet": {"path": "/healthz", "port": 8080}});
        let mut probe = check.clone();
        probe.as_object_mut().unwrap().extend(
            json!({"initialDelaySeconds": 7, "periodSeconds": 5, "failureThreshold": 4}).as_object().unwrap().clone(),
        );
        let read = read_container(json!({"startupProbe": probe, "livenessProbe": check}));
        assert_eq!(read.app.get(Attribute::HealthStartupSeconds), Some(&AttrValue::Int(27)));
        assert!(read.notes.is_empty(), "{:?}", read.notes);
        assert_eq!(read.left, ["spec.containers[web].livenessProbe"], "the probes' reader's");
        let note = |seconds: i64| {
            format!(
                "Deployment/web spec.template.spec.containers[web].startupProbe: imported as health_startup_seconds = \
                 {seconds}: the generated startup probe checks as the liveness probe does, every 10 seconds, not with \
                 this probe's own check"
            )
        };
        // Kubernetes' defaults: 10 seconds, 3 failures.
        let read = read_container(json!({"startupProbe": {"tcpSocket": {"port": 8080}}, "livenessProbe": check}));
        assert_eq!(read.app.get(Attribute::HealthStartupSeconds), Some(&AttrValue::Int(30)));
        assert_eq!(read.notes, [note(30)]);
        let read = read_container(json!({"startupProbe": {"periodSeconds": 2}}));
        assert_eq!(read.app.get(Attribute::HealthStartupSeconds), Some(&AttrValue::Int(6)));
        assert_eq!(read.notes, [note(6)]);
    }
}
