//! `import`: a hand-written chart, rendered by the real Helm, read back as the `release_app`
//! and `helm_chart` declarations that reproduce it as closely as the rules allow.
//!
//! infer (which objects make which app, and its type) -> read (the readers per concern:
//! workload, probes, network, scaling, config, batch) -> findings (what no reader took) ->
//! emit (the BUILD file) and report (every field the declarations do not reproduce).
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
mod findings;
mod infer;
mod init;
mod network;
pub mod note;
mod other;
mod pod;
mod pod_volumes;
mod probes;
mod read;
pub mod report;
mod scaling;
pub mod starlark;
mod volumes;
mod why;
mod workload;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use crate::object::{short_name, Object};
use crate::path::FieldPath;
use crate::render::{Release, RenderedChart};
use app::{App, AppType, ChartDecl};
use fields::Fields;
use note::Note;

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
pub(super) struct Claims {
    workload: usize,
    service: Option<usize>,
    route: Option<network::Route>,
    hpa: Option<usize>,
    pdb: Option<usize>,
    config: Option<usize>,
}

pub(super) struct Context<'a> {
    objects: &'a [Object],
    release: &'a Release,
    chart: &'a str,
    fields: BTreeMap<usize, Fields<'a>>,
    notes: Vec<Note>,
    /// Objects named at random (found by rendering twice), with the random part as `*`.
    random_names: &'a BTreeMap<usize, String>,
}

impl<'a> Context<'a> {
    /// The object's name without the release prefix; a random name masked, so the report
    /// is the same on every run.
    fn short(&self, index: usize) -> String {
        match self.random_names.get(&index) {
            Some(masked) => masked.clone(),
            None => short_name(&self.objects[index].name, &self.release.name, self.chart),
        }
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
pub(super) fn pod_path(kind: &str) -> FieldPath {
    match kind {
        "CronJob" => FieldPath::of_keys(&["spec", "jobTemplate", "spec", "template"]),
        _ => FieldPath::of_keys(&["spec", "template"]),
    }
}

const WORKLOADS: [&str; 5] = ["Deployment", "DaemonSet", "StatefulSet", "Job", "CronJob"];

/// Imports `rendered`; `random_names` are its objects named at random, by index, masked
/// (`compare::random::detect` of two renders).
pub fn import(rendered: &RenderedChart, release: &Release, random_names: &BTreeMap<usize, String>) -> Imported {
    let mut cx = Context {
        objects: &rendered.objects,
        release,
        chart: &rendered.metadata.name,
        fields: BTreeMap::new(),
        notes: Vec::new(),
        random_names,
    };
    let mut taken = BTreeSet::new();
    let mut apps: Vec<(App, Claims)> = Vec::new();
    for workload in (0..cx.objects.len()).filter(|&i| WORKLOADS.contains(&cx.objects[i].kind.as_str())) {
        let name = infer::app_name(&mut cx, workload, &mut taken);
        let app_type = match cx.objects[workload].kind.as_str() {
            "Job" => AppType::Job,
            "CronJob" => AppType::Cronjob,
            "DaemonSet" => AppType::Daemon,
            "StatefulSet" => AppType::Stateful,
            _ => AppType::Worker, // until a Service or an Ingress route says otherwise
        };
        apps.push((App::new(&name, app_type, cx.id(workload)), Claims { workload, ..Claims::default() }));
    }
    for (app, claims) in &mut apps {
        if matches!(app.app_type, AppType::Worker | AppType::Daemon | AppType::Stateful) {
            infer::find_service_objects(&mut cx, app, claims);
        }
    }
    let config_users = infer::config_users(&cx, &apps);
    for (app, claims) in &mut apps {
        claims.config = config_users
            .iter()
            .find(|(_, users)| users.len() == 1 && users[0].0 == app.name && users[0].1)
            .map(|(index, _)| *index);
        read::read_app(&mut cx, app, claims);
    }

    let per_app_ingress = infer::per_app_ingress(&apps);
    findings::report_unclaimed(&mut cx, &apps, &config_users);
    findings::report_leftovers(&mut cx);
    findings::report_release_names(&mut cx, &apps, per_app_ingress);
    let renames = findings::renames(&cx, &apps, per_app_ingress);

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
