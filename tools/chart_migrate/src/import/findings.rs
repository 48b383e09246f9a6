//! The report lines that are not a reader's: objects no app claimed, fields no reader took,
//! strings rendered from the release name, and the `--rename` flags that pair the charts.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::app::{App, AttrValue};
use super::note::Note;
use super::{other, pod_path, why, Claims, Context};
use crate::compare::report::show;
use crate::compare::{defaults, random};

pub(super) fn report_unclaimed(
    cx: &mut Context,
    apps: &[(App, Claims)],
    config_users: &BTreeMap<usize, Vec<(String, bool)>>,
) {
    for index in 0..cx.objects.len() {
        if cx.fields.contains_key(&index) {
            continue;
        }
        let object = &cx.objects[index];
        let users: Vec<String> = match object.kind.as_str() {
            "ServiceAccount" => apps
                .iter()
                .filter(|(_, claims)| {
                    let workload = &cx.objects[claims.workload];
                    pod_path(&workload.kind).key("spec").key("serviceAccountName").lookup(&workload.body)
                        == Some(&Value::String(object.name.clone()))
                })
                .map(|(app, _)| app.name.clone())
                .collect(),
            "ConfigMap" => {
                config_users.get(&index).map(|u| u.iter().map(|(n, _)| n.clone()).collect()).unwrap_or_default()
            }
            _ => Vec::new(),
        };
        let message = other::explain(object, &users);
        let id = cx.id(index);
        cx.notes.push(Note::object(&id, message));
    }
}

/// Fields generated charts leave to Kubernetes' defaults (the rules set their own rollout,
/// probe timings and Secret file modes, so those are reported whatever their value).
const LEFT_TO_KUBERNETES: &[&str] = &[
    "terminationGracePeriodSeconds",
    "successThreshold",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "dnsPolicy",
    "schedulerName",
    "protocol",
    "sessionAffinity",
    "scheme",
    "completions",
    "parallelism",
];

/// Whether `value` at `path` is what Kubernetes would set if the chart left it out
/// (`successThreshold: 1`, a 30 second grace period) and generated charts leave it out too:
/// nothing is lost by not writing it.
fn is_kubernetes_default(kind: &str, body: &Value, path: &crate::path::FieldPath, value: &Value) -> bool {
    if !path.keys().last().is_some_and(|key| LEFT_TO_KUBERNETES.contains(&key)) {
        return false;
    }
    let mut without = body.clone();
    random::remove(&mut without, path);
    defaults::apply(kind, &mut without);
    path.lookup(&without) == Some(value)
}

pub(super) fn report_leftovers(cx: &mut Context) {
    let mut notes = Vec::new();
    for fields in cx.fields.values() {
        for (path, value) in fields.leftovers() {
            if is_kubernetes_default(&fields.object.kind, &fields.object.body, &path, value) {
                continue;
            }
            let why = why::explain(&fields.object.kind, &path);
            notes.push(Note::field(&fields.id, &path, format!("{}: {why}", show(value))));
        }
    }
    cx.notes.extend(notes);
}

/// The name the generated chart gives the object an app was read from.
fn generated_name(kind: &str, app: &App, per_app_ingress: bool) -> String {
    if kind == "Ingress" && !per_app_ingress {
        "ingress".into()
    } else {
        app.name.clone()
    }
}

fn claimed_objects(claims: &Claims) -> Vec<usize> {
    [
        Some(claims.workload),
        claims.service,
        claims.route.as_ref().map(|r| r.ingress),
        claims.hpa,
        claims.pdb,
        claims.config,
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Strings rendered from the release name (`http://release-name-shop-api:8080`) are
/// written literally; they would not follow another release, and name objects the generated
/// chart names differently.
pub(super) fn report_release_names(cx: &mut Context, apps: &[(App, Claims)], per_app_ingress: bool) {
    // Rendered object names, longest first, and what the generated chart calls them.
    let mut renamed: Vec<(String, String)> = Vec::new();
    for (app, claims) in apps {
        for index in claimed_objects(claims) {
            let object = &cx.objects[index];
            let new = format!("{}-{}", cx.release.name, generated_name(&object.kind, app, per_app_ingress));
            renamed.push((object.name.clone(), new));
        }
    }
    renamed.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.cmp(b)));
    renamed.dedup();
    for (app, claims) in apps {
        for (attribute, value) in &app.attributes {
            let strings: Vec<(String, &String)> = match value {
                AttrValue::Str(s) => vec![(attribute.name().to_string(), s)],
                AttrValue::List(items) => {
                    items.iter().enumerate().map(|(i, s)| (format!("{}[{i}]", attribute.name()), s)).collect()
                }
                AttrValue::Dict(entries) => entries
                    .iter()
                    .map(|(k, s)| (format!("{}[{}]", attribute.name(), show(&Value::String(k.clone()))), s))
                    .collect(),
                _ => Vec::new(),
            };
            for (place, text) in strings {
                if !text.contains(&cx.release.name) {
                    continue;
                }
                let hint = match renamed.iter().find(|(old, _)| text.contains(old.as_str())) {
                    Some((old, new)) if old != new => {
                        format!(" (the generated chart's name for {old} is {new})")
                    }
                    _ => String::new(),
                };
                let id = cx.id(claims.workload);
                cx.notes.push(Note::object(
                    &id,
                    format!(
                        "{place} = {}: rendered from the release name {:?} and written literally, so it will not \
                         follow the release{hint}",
                        show(&Value::String(text.clone())),
                        cx.release.name
                    ),
                ));
            }
        }
    }
}

/// `--rename` arguments for compare: the hand-written name of each object an app was read
/// from, and the generated chart's.
pub(super) fn renames(cx: &Context, apps: &[(App, Claims)], per_app_ingress: bool) -> Vec<String> {
    let mut renames = BTreeSet::new();
    for (app, claims) in apps {
        for index in claimed_objects(claims) {
            let kind = &cx.objects[index].kind;
            let (old, new) = (cx.short(index), generated_name(kind, app, per_app_ingress));
            if old != new {
                renames.insert(format!("{kind}/{old}={new}"));
            }
        }
    }
    renames.into_iter().collect()
}
