//! Which objects make which app, and what type it is: a workload (Deployment, Job, CronJob)
//! is an app; a Service selecting a Deployment's pods makes it an internal-api, an Ingress
//! route to that Service an external-api; its autoscaler and disruption budget, and a
//! ConfigMap only it uses, belong to it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::app::{App, AppType};
use super::common::selects;
use super::fields::Fields;
use super::network;
use super::note::Note;
use super::{pod_path, Claims, Context};
use crate::path::FieldPath;

/// The app's name: the workload's name without the release prefix, made a DNS-1035 label
/// (what the rules require) and unique.
pub(super) fn app_name(cx: &mut Context, workload: usize, taken: &mut BTreeSet<String>) -> String {
    let short = cx.short(workload);
    let mut name: String =
        short.to_ascii_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    name = name.trim_matches('-').to_string();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name = format!("app-{name}").trim_end_matches('-').to_string();
    }
    name.truncate(63);
    let mut name = name.trim_end_matches('-').to_string();
    if taken.contains(&name) {
        let base = name.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
    }
    if name != short {
        let id = cx.id(workload);
        cx.notes.push(Note::field(
            &id,
            &FieldPath::of_keys(&["metadata", "name"]),
            format!(
                "{} is not a usable app name (a unique DNS-1035 label): the app is {}",
                Value::String(short.clone()),
                Value::String(name.clone())
            ),
        ));
    }
    taken.insert(name.clone());
    name
}

/// The Service selecting a Deployment's pods, the Ingress routes to it, its autoscaler and
/// disruption budget; they decide its type.
pub(super) fn find_service_objects(cx: &mut Context, app: &mut App, claims: &mut Claims) {
    let workload = &cx.objects[claims.workload];
    // A daemon or stateful app with a Service keeps its type; the rules route no Ingress to it.
    let daemon = matches!(workload.kind.as_str(), "DaemonSet" | "StatefulSet");
    if workload.kind != "Deployment" && !daemon {
        return;
    }
    let pod_labels = workload.get(&["spec", "template", "metadata", "labels"]);
    let services: Vec<usize> = cx
        .indices("Service")
        .into_iter()
        .filter(|&s| !cx.fields.contains_key(&s) && selects(cx.objects[s].get(&["spec", "selector"]), pod_labels))
        .collect();
    if let Some((&first, others)) = services.split_first() {
        claims.service = Some(first);
        for &other in others {
            let id = cx.id(other);
            cx.notes
                .push(Note::object(&id, format!("a second Service of app {}: an app has one; not imported", app.name)));
            cx.claim(other).mark(&FieldPath::root());
        }
        if daemon {
            return;
        }
        app.app_type = AppType::InternalApi;
        let service_name = cx.objects[first].name.clone();
        let mut routes = Vec::new();
        for ingress in cx.indices("Ingress") {
            let probe = Fields::new(&cx.objects[ingress], cx.id(ingress));
            routes.extend(network::routes_to(&probe, ingress, &service_name));
        }
        let with_host = routes.iter().position(|r| r.rule.key("host").lookup(&cx.objects[r.ingress].body).is_some());
        if let Some(index) = with_host {
            claims.route = Some(routes[index].clone());
            app.app_type = AppType::ExternalApi;
            for route in routes.iter().enumerate().filter(|(i, _)| *i != index).map(|(_, r)| r) {
                let id = cx.id(route.ingress);
                cx.notes.push(Note::field(
                    &id,
                    &route.path,
                    format!("another route to app {}: an external-api has one host and path; not imported", app.name),
                ));
                cx.claim(route.ingress).mark(&route.path);
            }
        } else if let Some(route) = routes.first() {
            let id = cx.id(route.ingress);
            cx.notes.push(Note::field(
                &id,
                &route.rule,
                format!(
                    "routes to app {} without a host, which the rules require: it is imported as an internal-api",
                    app.name
                ),
            ));
        }
    }
    let workload = &cx.objects[claims.workload];
    claims.hpa = cx.indices("HorizontalPodAutoscaler").into_iter().find(|&h| {
        let target = &cx.objects[h];
        target.get(&["spec", "scaleTargetRef", "kind"]).and_then(Value::as_str) == Some("Deployment")
            && target.get(&["spec", "scaleTargetRef", "name"]).and_then(Value::as_str) == Some(&workload.name)
    });
    claims.pdb = cx.indices("PodDisruptionBudget").into_iter().find(|&p| {
        selects(cx.objects[p].get(&["spec", "selector", "matchLabels"]), pod_labels)
            && cx.objects[p].get(&["spec", "selector"]).and_then(Value::as_object).is_some_and(|s| s.len() == 1)
    });
}

/// For each ConfigMap: the apps using it, and whether as a whole (envFrom or a volume: then
/// it can become the app's config data) or only key by key.
pub(super) fn config_users(cx: &Context, apps: &[(App, Claims)]) -> BTreeMap<usize, Vec<(String, bool)>> {
    let mut users: BTreeMap<usize, Vec<(String, bool)>> = BTreeMap::new();
    for config in cx.indices("ConfigMap") {
        let name = &cx.objects[config].name;
        for (app, claims) in apps {
            let workload = &cx.objects[claims.workload];
            let Some(spec) = pod_path(&workload.kind).key("spec").lookup(&workload.body) else { continue };
            let containers = spec.get("containers").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            let refers = |list: &str, pointer: &str| {
                containers.iter().any(|c| {
                    c.get(list).and_then(Value::as_array).is_some_and(|items| {
                        items.iter().any(|item| item.pointer(pointer).and_then(Value::as_str) == Some(name))
                    })
                })
            };
            let in_volume = spec.get("volumes").and_then(Value::as_array).is_some_and(|volumes| {
                volumes.iter().any(|v| v.pointer("/configMap/name").and_then(Value::as_str) == Some(name))
            });
            let whole = in_volume || refers("envFrom", "/configMapRef/name");
            let by_key = refers("env", "/valueFrom/configMapKeyRef/name");
            if whole || by_key {
                users.entry(config).or_default().push((app.name.clone(), whole && !by_key));
            }
        }
    }
    users
}

/// Per-app Ingresses when every Ingress routes to one app: the generated Ingresses then
/// carry the app's name, as hand-written charts usually name them.
pub(super) fn per_app_ingress(apps: &[(App, Claims)]) -> bool {
    let mut apps_per_ingress: BTreeMap<usize, usize> = BTreeMap::new();
    for (_, claims) in apps {
        if let Some(route) = &claims.route {
            *apps_per_ingress.entry(route.ingress).or_default() += 1;
        }
    }
    !apps_per_ingress.is_empty() && apps_per_ingress.values().all(|&n| n == 1)
}
