//! What makes a Job or CronJob: Helm hook phases, retries, deadlines, the schedule.

use serde_json::Value;

use super::app::{App, AttrValue, Attribute};
use super::fields::Fields;
use super::note::Note;
use crate::path::FieldPath;

const DEFAULT_HOOK: &str = "pre-install,pre-upgrade";
const HOOK_PHASES: [&str; 4] = ["pre-install", "pre-upgrade", "post-install", "post-upgrade"];

/// A Job's Helm hook annotation as `job_hook` and its weight as `job_hook_weight`; the delete
/// policy stays for the report (the rules set their own: before-hook-creation).
pub fn read_hook(fields: &mut Fields, app: &mut App, notes: &mut Vec<Note>) {
    read_hook_phases(fields, app, notes);
    let plain = matches!(app.get(Attribute::JobHook), Some(AttrValue::Str(hook)) if hook == "none");
    if !plain {
        read_hook_weight(fields, app);
    }
}

/// The rules' default hook weight (and Argo CD wave) of a Job.
const DEFAULT_HOOK_WEIGHT: i64 = -5;

fn read_hook_weight(fields: &mut Fields, app: &mut App) {
    let path = FieldPath::of_keys(&["metadata", "annotations", "helm.sh/hook-weight"]);
    let weight = fields.peek(&path).and_then(Value::as_str).and_then(|w| w.trim().parse::<i32>().ok());
    if let Some(weight) = weight {
        fields.take(&path);
        if i64::from(weight) != DEFAULT_HOOK_WEIGHT {
            app.set(Attribute::JobHookWeight, AttrValue::Int(i64::from(weight)));
        }
    }
}

fn read_hook_phases(fields: &mut Fields, app: &mut App, notes: &mut Vec<Note>) {
    let path = FieldPath::of_keys(&["metadata", "annotations", "helm.sh/hook"]);
    match fields.peek(&path).and_then(Value::as_str) {
        None => app.set_str(Attribute::JobHook, "none"),
        Some(hook) => {
            let phases: Vec<&str> = hook.split(',').map(str::trim).collect();
            if phases.iter().all(|p| HOOK_PHASES.contains(p)) {
                fields.take(&path);
                let phases = phases.join(",");
                if phases != DEFAULT_HOOK {
                    app.set_str(Attribute::JobHook, &phases);
                }
            } else {
                notes.push(Note::field(
                    &fields.id,
                    &path,
                    format!("{hook}: the rules' hooks are {}; imported as a plain Job", HOOK_PHASES.join(", ")),
                ));
                fields.take(&path);
                app.set_str(Attribute::JobHook, "none");
            }
        }
    }
}

/// `backoffLimit`, `activeDeadlineSeconds` and `ttlSecondsAfterFinished` of a Job spec.
pub fn read_job_spec(fields: &mut Fields, spec: &FieldPath, app: &mut App) {
    let table = [
        ("backoffLimit", Attribute::JobBackoffLimit, Some(3)),
        ("activeDeadlineSeconds", Attribute::JobActiveDeadlineSeconds, None),
        ("ttlSecondsAfterFinished", Attribute::JobTtlSecondsAfterFinished, Some(3600)),
    ];
    for (key, attribute, default) in table {
        if let Some(n) = fields.peek(&spec.key(key)).and_then(Value::as_i64) {
            fields.take(&spec.key(key));
            if Some(n) != default {
                app.set(attribute, AttrValue::Int(n));
            }
        }
    }
    // A Job without a TTL is kept until deleted by hand, which the rules say explicitly.
    let ttl_set = app.get(Attribute::JobTtlSecondsAfterFinished).is_some();
    if !ttl_set && fields.peek(&spec.key("ttlSecondsAfterFinished")).is_none() {
        app.set(Attribute::JobKeepFinished, AttrValue::Bool(true));
    }
}

/// A CronJob's schedule and limits.
pub fn read_cron_spec(fields: &mut Fields, app: &mut App) {
    let spec = FieldPath::of_keys(&["spec"]);
    if let Some(schedule) = fields.take_str(&spec.key("schedule")) {
        app.set_str(Attribute::CronSchedule, schedule);
    }
    if let Some(policy) = fields.take_str(&spec.key("concurrencyPolicy")) {
        if policy != "Forbid" {
            app.set_str(Attribute::CronConcurrencyPolicy, policy);
        }
    }
    if fields.peek(&spec.key("suspend")) == Some(&Value::Bool(false)) {
        fields.take(&spec.key("suspend"));
    }
    let table = [
        ("startingDeadlineSeconds", Attribute::CronStartingDeadlineSeconds, 300),
        ("successfulJobsHistoryLimit", Attribute::CronSuccessfulJobsHistoryLimit, 3),
        ("failedJobsHistoryLimit", Attribute::CronFailedJobsHistoryLimit, 3),
    ];
    for (key, attribute, default) in table {
        if let Some(n) = fields.peek(&spec.key(key)).and_then(Value::as_i64) {
            fields.take(&spec.key(key));
            if n != default {
                app.set(attribute, AttrValue::Int(n));
            }
        }
    }
}
