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

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::import::app::AppType;
    use crate::object::Object;

    fn job(body: Value) -> Object {
        Object { kind: "Job".into(), name: "migrate".into(), template: "t.yaml".into(), body }
    }

    fn app() -> App {
        App::new("migrate", AppType::Job, "Job/migrate".into())
    }

    fn hook_of(annotations: Value) -> (App, Vec<Note>, usize) {
        let object = job(json!({"metadata": {"annotations": annotations}}));
        let mut fields = Fields::new(&object, "Job/migrate".into());
        let (mut app, mut notes) = (app(), Vec::new());
        read_hook(&mut fields, &mut app, &mut notes);
        let left = fields.leftovers().len();
        (app, notes, left)
    }

    fn str_attr(app: &App, attribute: Attribute) -> Option<&str> {
        match app.get(attribute) {
            Some(AttrValue::Str(s)) => Some(s),
            _ => None,
        }
    }

    #[test]
    fn a_job_without_a_hook_annotation_is_a_plain_job() {
        let (app, notes, _) = hook_of(json!({}));
        assert_eq!(str_attr(&app, Attribute::JobHook), Some("none"));
        assert!(notes.is_empty());
    }

    #[test]
    fn the_default_hook_phases_set_nothing_and_are_accounted_for() {
        let (app, notes, left) = hook_of(json!({"helm.sh/hook": "pre-install, pre-upgrade"}));
        assert_eq!(app.get(Attribute::JobHook), None);
        assert!(notes.is_empty());
        assert_eq!(left, 0, "the hook annotation is taken");
    }

    #[test]
    fn other_known_hook_phases_are_kept_joined() {
        let (app, _, left) = hook_of(json!({"helm.sh/hook": "post-install , post-upgrade"}));
        assert_eq!(str_attr(&app, Attribute::JobHook), Some("post-install,post-upgrade"));
        assert_eq!(left, 0);
    }

    #[test]
    fn an_unknown_hook_phase_makes_a_plain_job_with_a_note() {
        let object = job(json!({"metadata": {"annotations": {
            "helm.sh/hook": "pre-install,test", "helm.sh/hook-weight": "3"}}}));
        let mut fields = Fields::new(&object, "Job/migrate".into());
        let (mut app, mut notes) = (app(), Vec::new());
        read_hook(&mut fields, &mut app, &mut notes);
        assert_eq!(str_attr(&app, Attribute::JobHook), Some("none"));
        assert_eq!(notes.len(), 1);
        let note = notes[0].to_string();
        assert!(note.contains("pre-install,test: the rules' hooks are pre-install, pre-upgrade"), "{note}");
        assert!(note.contains("imported as a plain Job"), "{note}");
        // A plain Job has no weight: the annotation stays for the report.
        assert_eq!(app.get(Attribute::JobHookWeight), None);
        assert_eq!(fields.leftovers().len(), 1, "{:?}", fields.leftovers());
    }

    #[test]
    fn a_hook_weight_other_than_the_default_is_kept() {
        let (app, _, left) = hook_of(json!({"helm.sh/hook": "pre-install", "helm.sh/hook-weight": " 2 "}));
        assert_eq!(app.get(Attribute::JobHookWeight), Some(&AttrValue::Int(2)));
        assert_eq!(left, 0);
        let (app, _, left) = hook_of(json!({"helm.sh/hook": "pre-install", "helm.sh/hook-weight": "-5"}));
        assert_eq!(app.get(Attribute::JobHookWeight), None);
        assert_eq!(left, 0, "the default weight is accounted for");
    }

    fn job_spec(spec: Value) -> (App, usize) {
        let object = job(json!({"spec": spec}));
        let mut fields = Fields::new(&object, "Job/migrate".into());
        let mut app = app();
        read_job_spec(&mut fields, &FieldPath::of_keys(&["spec"]), &mut app);
        let left = fields.leftovers().len();
        (app, left)
    }

    #[test]
    fn job_spec_values_other_than_the_defaults_become_attributes() {
        let (app, left) =
            job_spec(json!({"backoffLimit": 1, "activeDeadlineSeconds": 600, "ttlSecondsAfterFinished": 60}));
        assert_eq!(app.get(Attribute::JobBackoffLimit), Some(&AttrValue::Int(1)));
        assert_eq!(app.get(Attribute::JobActiveDeadlineSeconds), Some(&AttrValue::Int(600)));
        assert_eq!(app.get(Attribute::JobTtlSecondsAfterFinished), Some(&AttrValue::Int(60)));
        assert_eq!(app.get(Attribute::JobKeepFinished), None);
        assert_eq!(left, 0);
    }

    #[test]
    fn job_spec_defaults_set_nothing_but_are_accounted_for() {
        let (app, left) = job_spec(json!({"backoffLimit": 3, "ttlSecondsAfterFinished": 3600}));
        assert!(app.attributes.is_empty(), "{:?}", app.attributes);
        assert_eq!(left, 0);
    }

    #[test]
    fn a_job_without_a_ttl_is_kept_finished() {
        let (app, _) = job_spec(json!({"backoffLimit": 3}));
        assert_eq!(app.get(Attribute::JobKeepFinished), Some(&AttrValue::Bool(true)));
    }

    fn cron_spec(spec: Value) -> (App, usize) {
        let object = job(json!({"spec": spec}));
        let mut fields = Fields::new(&object, "CronJob/migrate".into());
        let mut app = App::new("migrate", AppType::Cronjob, "CronJob/migrate".into());
        read_cron_spec(&mut fields, &mut app);
        let left = fields.leftovers().len();
        (app, left)
    }

    #[test]
    fn cron_spec_values_other_than_the_defaults_become_attributes() {
        let (app, left) = cron_spec(json!({
            "schedule": "*/5 * * * *", "concurrencyPolicy": "Replace", "suspend": false,
            "startingDeadlineSeconds": 60, "successfulJobsHistoryLimit": 1, "failedJobsHistoryLimit": 5}));
        assert_eq!(str_attr(&app, Attribute::CronSchedule), Some("*/5 * * * *"));
        assert_eq!(str_attr(&app, Attribute::CronConcurrencyPolicy), Some("Replace"));
        assert_eq!(app.get(Attribute::CronStartingDeadlineSeconds), Some(&AttrValue::Int(60)));
        assert_eq!(app.get(Attribute::CronSuccessfulJobsHistoryLimit), Some(&AttrValue::Int(1)));
        assert_eq!(app.get(Attribute::CronFailedJobsHistoryLimit), Some(&AttrValue::Int(5)));
        assert_eq!(left, 0);
    }

    #[test]
    fn cron_spec_defaults_set_nothing_and_a_suspended_cronjob_is_left_over() {
        let (app, left) = cron_spec(json!({
            "concurrencyPolicy": "Forbid", "suspend": false,
            "startingDeadlineSeconds": 300, "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 3}));
        assert!(app.attributes.is_empty(), "{:?}", app.attributes);
        assert_eq!(left, 0);
        let (_, left) = cron_spec(json!({"suspend": true}));
        assert_eq!(left, 1, "suspend: true is not what the rules write");
    }
}
