//! `import`: a hand-written chart, rendered by the real Helm, read back as the `release_app`
//! and `helm_chart` declarations that reproduce it as closely as the rules allow.
//!
//! infer (this module: which objects make which app, and what type it is; the readers per
//! concern: workload, probes, network, scaling, config, batch) -> emit (the BUILD file) and
//! report (every field the declarations do not reproduce, one line each).
//!
//! Nothing is dropped silently: each object an app is read from is tracked field by field
//! ([`fields::Fields`]); what no reader took is reported with the reason ([`why`]), and every
//! object no app claims gets a line of its own ([`other`]).

pub mod app;
mod batch;
mod common;
mod config;
pub mod emit;
mod fields;
mod network;
pub mod note;
mod other;
mod probes;
pub mod report;
mod scaling;
pub mod starlark;
mod why;
mod workload;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::compare::report::show;
use crate::object::{short_name, Object};
use crate::path::FieldPath;
use crate::render::{Release, RenderedChart};
use app::{App, AppType, AttrValue, Attribute, ChartDecl};
use common::{selects, take_identity};
use fields::Fields;
use note::Note;
use workload::OwnConfig;

#[derive(Debug)]
pub struct Imported {
    pub chart: ChartDecl,
    /// Sorted by name.
    pub apps: Vec<App>,
    /// Sorted by object and field.
    pub notes: Vec<Note>,
    /// `--rename` arguments that pair this chart's objects with the generated chart's.
    pub renames: Vec<String>,
    pub release: Release,
    pub chart_version: String,
    pub objects: usize,
}

/// The objects one app is read from.
#[derive(Debug, Default)]
struct Claims {
    workload: usize,
    service: Option<usize>,
    route: Option<network::Route>,
    hpa: Option<usize>,
    pdb: Option<usize>,
    config: Option<usize>,
}

struct Context<'a> {
    objects: &'a [Object],
    release: &'a Release,
    chart: &'a str,
    fields: BTreeMap<usize, Fields<'a>>,
    notes: Vec<Note>,
}

impl<'a> Context<'a> {
    fn short(&self, index: usize) -> String {
        short_name(&self.objects[index].name, &self.release.name, self.chart)
    }

    fn id(&self, index: usize) -> String {
        format!("{}/{}", self.objects[index].kind, self.short(index))
    }

    fn claim(&mut self, index: usize) -> &mut Fields<'a> {
        let id = self.id(index);
        let object = &self.objects[index];
        self.fields.entry(index).or_insert_with(|| Fields::new(object, id))
    }

    fn indices(&self, kind: &str) -> Vec<usize> {
        (0..self.objects.len()).filter(|&i| self.objects[i].kind == kind).collect()
    }
}

/// The pod template of a workload kind.
fn pod_path(kind: &str) -> FieldPath {
    match kind {
        "CronJob" => FieldPath::of_keys(&["spec", "jobTemplate", "spec", "template"]),
        _ => FieldPath::of_keys(&["spec", "template"]),
    }
}

const WORKLOADS: [&str; 3] = ["Deployment", "Job", "CronJob"];

pub fn import(rendered: &RenderedChart, release: &Release) -> Imported {
    let mut cx = Context {
        objects: &rendered.objects,
        release,
        chart: &rendered.metadata.name,
        fields: BTreeMap::new(),
        notes: Vec::new(),
    };
    let mut taken = BTreeSet::new();
    let mut apps: Vec<(App, Claims)> = Vec::new();
    for workload in (0..cx.objects.len()).filter(|&i| WORKLOADS.contains(&cx.objects[i].kind.as_str())) {
        let name = app_name(&mut cx, workload, &mut taken);
        let app_type = match cx.objects[workload].kind.as_str() {
            "Job" => AppType::Job,
            "CronJob" => AppType::Cronjob,
            _ => AppType::Worker, // until a Service or an Ingress route says otherwise
        };
        apps.push((App::new(&name, app_type, cx.id(workload)), Claims { workload, ..Claims::default() }));
    }
    for (app, claims) in &mut apps {
        if app.app_type == AppType::Worker {
            find_service_objects(&mut cx, app, claims);
        }
    }
    let config_users = config_users(&cx, &apps);
    for (app, claims) in &mut apps {
        claims.config = config_users
            .iter()
            .find(|(_, users)| users.len() == 1 && users[0].0 == app.name && users[0].1)
            .map(|(index, _)| *index);
        read_app(&mut cx, app, claims);
    }

    let per_app_ingress = per_app_ingress(&apps);
    report_unclaimed(&mut cx, &apps, &config_users);
    report_leftovers(&mut cx);
    report_release_names(&mut cx, &apps, per_app_ingress);
    let renames = renames(&cx, &apps, per_app_ingress);

    let metadata = &rendered.metadata;
    let mut apps: Vec<App> = apps.into_iter().map(|(app, _)| app).collect();
    apps.sort_by(|a, b| a.name.cmp(&b.name));
    let mut notes = cx.notes;
    notes.sort();
    notes.dedup();
    Imported {
        chart: ChartDecl {
            chart_name: metadata.name.clone(),
            chart_version: metadata.version.clone(),
            app_version: metadata.app_version.clone().filter(|v| !v.is_empty()),
            description: metadata.description.clone().filter(|d| !d.is_empty()),
            per_app_ingress,
        },
        apps,
        notes,
        renames,
        release: release.clone(),
        chart_version: metadata.version.clone(),
        objects: rendered.objects.len(),
    }
}

/// The app's name: the workload's name without the release prefix, made a DNS-1035 label
/// (what the rules require) and unique.
fn app_name(cx: &mut Context, workload: usize, taken: &mut BTreeSet<String>) -> String {
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
            format!("{short:?} is not a usable app name (a unique DNS-1035 label): the app is {name:?}"),
        ));
    }
    taken.insert(name.clone());
    name
}

/// The Service selecting a Deployment's pods, the Ingress routes to it, its autoscaler and
/// disruption budget; they decide its type.
fn find_service_objects(cx: &mut Context, app: &mut App, claims: &mut Claims) {
    let workload = &cx.objects[claims.workload];
    if workload.kind != "Deployment" {
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
        app.app_type = AppType::InternalApi;
        for &other in others {
            let id = cx.id(other);
            cx.notes
                .push(Note::object(&id, format!("a second Service of app {}: an app has one; not imported", app.name)));
            cx.claim(other).mark(&FieldPath::root());
        }
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
fn config_users(cx: &Context, apps: &[(App, Claims)]) -> BTreeMap<usize, Vec<(String, bool)>> {
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

fn read_app(cx: &mut Context, app: &mut App, claims: &Claims) {
    let workload = claims.workload;
    let kind = cx.objects[workload].kind.clone();
    let mut notes = Vec::new();
    let own_config_name = claims.config.map(|c| cx.objects[c].name.clone());
    let own_config = own_config_name.as_deref().map(|name| OwnConfig { name });
    let (container, ports) = {
        let fields = cx.claim(workload);
        take_identity(fields);
        let spec = FieldPath::of_keys(&["spec"]);
        match kind.as_str() {
            "Deployment" => {
                fields.take(&spec.key("selector"));
                if let Some(replicas) = fields.peek(&spec.key("replicas")).and_then(Value::as_i64) {
                    fields.take(&spec.key("replicas"));
                    let default = if app.app_type == AppType::Worker { 1 } else { 2 };
                    if claims.hpa.is_none() && replicas != default {
                        app.set(Attribute::Replicas, AttrValue::Int(replicas));
                    }
                }
            }
            "Job" => {
                batch::read_hook(fields, app, &mut notes);
                batch::read_job_spec(fields, &spec, app);
            }
            _ => {
                batch::read_cron_spec(fields, app);
                batch::read_job_spec(fields, &FieldPath::of_keys(&["spec", "jobTemplate", "spec"]), app);
            }
        }
        workload::read_pod(fields, &pod_path(&kind), app, own_config.as_ref(), &mut notes)
    };
    if let Some(container) = &container {
        probes::read_probes(cx.claim(workload), container, app, &ports, &mut notes);
    }
    if let Some(service) = claims.service {
        let service_port = network::read_service(cx.claim(service), &ports, &mut notes);
        app.sources.push(cx.id(service));
        if app.get(Attribute::Port).is_none() {
            notes.push(Note::object(
                &cx.id(workload),
                format!("an API needs a port and its container declares none: set port by hand (app {})", app.name),
            ));
        }
        if let Some(route) = &claims.route {
            network::read_route(cx.claim(route.ingress), route, service_port, app, &mut notes);
            app.sources.push(cx.id(route.ingress));
        }
    }
    if let Some(hpa) = claims.hpa {
        scaling::read_hpa(cx.claim(hpa), app);
        app.sources.push(cx.id(hpa));
    }
    if let Some(pdb) = claims.pdb {
        scaling::read_pdb(cx.claim(pdb), app);
        app.sources.push(cx.id(pdb));
    }
    if let Some(config) = claims.config {
        config::read_config_map(cx.claim(config), app);
        app.sources.push(cx.id(config));
    }
    cx.notes.extend(notes);
}

/// Per-app Ingresses when every Ingress routes to one app: the generated Ingresses then
/// carry the app's name, as hand-written charts usually name them.
fn per_app_ingress(apps: &[(App, Claims)]) -> bool {
    let mut apps_per_ingress: BTreeMap<usize, usize> = BTreeMap::new();
    for (_, claims) in apps {
        if let Some(route) = &claims.route {
            *apps_per_ingress.entry(route.ingress).or_default() += 1;
        }
    }
    !apps_per_ingress.is_empty() && apps_per_ingress.values().all(|&n| n == 1)
}

fn report_unclaimed(cx: &mut Context, apps: &[(App, Claims)], config_users: &BTreeMap<usize, Vec<(String, bool)>>) {
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

fn report_leftovers(cx: &mut Context) {
    let mut notes = Vec::new();
    for fields in cx.fields.values() {
        for (path, value) in fields.leftovers() {
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
fn report_release_names(cx: &mut Context, apps: &[(App, Claims)], per_app_ingress: bool) {
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
fn renames(cx: &Context, apps: &[(App, Claims)], per_app_ingress: bool) -> Vec<String> {
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
