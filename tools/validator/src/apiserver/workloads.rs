//! Deployments, StatefulSets, DaemonSets, Jobs and CronJobs (pkg/apis/apps/validation/validation.go and
//! pkg/apis/batch/validation/validation.go).

use serde_json::Value;

use super::pod::{self, TemplateRules};
use super::{cron, syntax};
use super::{
    int, items, selector_is_empty, selector_matches, text, Report, CRON_JOB, CRON_SCHEDULE, CRON_TIME_ZONE, DAEMON_SET,
    DEPLOYMENT, JOB, SELECTOR, STATEFUL_SET, UNIQUE_NAMES,
};

const ALWAYS: &[&str] = &["Always"];
const ON_FAILURE_OR_NEVER: &[&str] = &["OnFailure", "Never"];

/// `ValidateDeploymentSpec`.
pub fn deployment(spec: &Value, report: &mut Report) {
    for field in ["replicas", "minReadySeconds", "revisionHistoryLimit"] {
        report.at_least(DEPLOYMENT, spec, field, "spec", 0);
    }
    if let (Some(deadline), minimum) = (int(spec, "progressDeadlineSeconds"), int(spec, "minReadySeconds").unwrap_or(0))
    {
        if deadline <= minimum {
            report.add(
                DEPLOYMENT,
                "spec.progressDeadlineSeconds",
                format!("{deadline} must be greater than minReadySeconds ({minimum})"),
            );
        }
    }
    rolling_update(spec, report);
    selected_template(spec, report);
    pod::template(
        template(spec),
        "spec.template",
        &TemplateRules { restart_policies: ALWAYS, claim_names: vec![] },
        report,
    );
}

/// `ValidateDeploymentStrategy` and `ValidateRollingUpdateDeployment`.
fn rolling_update(spec: &Value, report: &mut Report) {
    let Some(strategy) = spec.get("strategy") else { return };
    report.one_of(DEPLOYMENT, strategy, "type", "spec.strategy", &["RollingUpdate", "Recreate"]);
    let Some(rolling) = strategy.get("rollingUpdate") else { return };
    if text(strategy, "type") == Some("Recreate") {
        report.add(
            DEPLOYMENT,
            "spec.strategy.rollingUpdate",
            "may not be specified when strategy `type` is 'Recreate'",
        );
        return;
    }
    let path = "spec.strategy.rollingUpdate";
    for key in ["maxUnavailable", "maxSurge"] {
        if let Some(value) = rolling.get(key) {
            report.check(DEPLOYMENT, format!("{path}.{key}"), syntax::int_or_percent(value));
        }
    }
    // Unset, each defaults to 25%.
    let zero = |key: &str| rolling.get(key).is_some_and(syntax::is_zero);
    if zero("maxUnavailable") && zero("maxSurge") {
        report.add(DEPLOYMENT, format!("{path}.maxUnavailable"), "may not be 0 when `maxSurge` is 0");
    }
}

fn template(spec: &Value) -> &Value {
    spec.get("template").unwrap_or(&Value::Null)
}

/// A Deployment's, StatefulSet's or DaemonSet's selector is not empty and selects its own template.
fn selected_template(spec: &Value, report: &mut Report) {
    let selector = spec.get("selector").unwrap_or(&Value::Null);
    let labels = template(spec).pointer("/metadata/labels").unwrap_or(&Value::Null);
    if selector_is_empty(selector) {
        report.add(SELECTOR, "spec.selector", "empty selector is invalid for this kind");
    } else if !selector_matches(selector, labels) {
        report.add(SELECTOR, "spec.template.metadata.labels", "`selector` does not match template `labels`");
    }
}

/// `ValidateStatefulSetSpec`.
pub fn stateful_set(spec: &Value, report: &mut Report) {
    for field in ["replicas", "minReadySeconds", "revisionHistoryLimit"] {
        report.at_least(STATEFUL_SET, spec, field, "spec", 0);
    }
    report.one_of(STATEFUL_SET, spec, "podManagementPolicy", "spec", &["OrderedReady", "Parallel"]);
    if let Some(strategy) = spec.get("updateStrategy") {
        report.one_of(STATEFUL_SET, strategy, "type", "spec.updateStrategy", &["RollingUpdate", "OnDelete"]);
        if let Some(rolling) = strategy.get("rollingUpdate") {
            report.at_least(STATEFUL_SET, rolling, "partition", "spec.updateStrategy.rollingUpdate", 0);
        }
    }
    if let Some(service) = text(spec, "serviceName").filter(|s| !s.is_empty()) {
        // The governing Service becomes each pod's DNS subdomain, which pod validation
        // (`ValidatePodSpec`) requires to be a DNS label: pods of another name never start.
        report.check(STATEFUL_SET, "spec.serviceName", syntax::dns1123_label(service));
    }
    let mut claims = Vec::new();
    for (index, claim) in items(spec, "volumeClaimTemplates").enumerate() {
        let name = claim.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default();
        let at = format!("spec.volumeClaimTemplates[{index}]");
        if claims.contains(&name) {
            report.add(UNIQUE_NAMES, format!("{at}.metadata.name"), format!("duplicate claim name {name:?}"));
        }
        claims.push(name);
        if items(claim.get("spec").unwrap_or(&Value::Null), "accessModes").next().is_none() {
            report.add(STATEFUL_SET, format!("{at}.spec.accessModes"), "at least 1 access mode is required");
        }
        if claim.pointer("/spec/resources/requests/storage").is_none() {
            report.add(STATEFUL_SET, format!("{at}.spec.resources.requests.storage"), "a storage request is required");
        }
    }
    selected_template(spec, report);
    pod::template(
        template(spec),
        "spec.template",
        &TemplateRules { restart_policies: ALWAYS, claim_names: claims },
        report,
    );
}

/// `ValidateDaemonSetSpec`, `ValidateDaemonSetUpdateStrategy` and
/// `ValidateRollingUpdateDaemonSet`: unlike a Deployment's, an unset maxSurge is 0, so a
/// maxUnavailable of 0 alone is a rollout that can replace no pod.
pub fn daemon_set(spec: &Value, report: &mut Report) {
    for field in ["minReadySeconds", "revisionHistoryLimit"] {
        report.at_least(DAEMON_SET, spec, field, "spec", 0);
    }
    if let Some(strategy) = spec.get("updateStrategy") {
        report.one_of(DAEMON_SET, strategy, "type", "spec.updateStrategy", &["RollingUpdate", "OnDelete"]);
        if let Some(rolling) = strategy.get("rollingUpdate") {
            let path = "spec.updateStrategy.rollingUpdate";
            for key in ["maxUnavailable", "maxSurge"] {
                if let Some(value) = rolling.get(key) {
                    report.check(DAEMON_SET, format!("{path}.{key}"), syntax::int_or_percent(value));
                }
            }
            let zero_or_unset = |key: &str| rolling.get(key).is_none_or(syntax::is_zero);
            if rolling.get("maxUnavailable").is_some_and(syntax::is_zero) && zero_or_unset("maxSurge") {
                report.add(DAEMON_SET, format!("{path}.maxUnavailable"), "may not be 0 when `maxSurge` is 0");
            }
        }
    }
    selected_template(spec, report);
    pod::template(
        template(spec),
        "spec.template",
        &TemplateRules { restart_policies: ALWAYS, claim_names: vec![] },
        report,
    );
}

/// `validateJobSpec` at `path` (`spec`, or a CronJob's `spec.jobTemplate.spec`).
pub fn job(spec: &Value, path: &str, report: &mut Report) {
    for field in ["parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished"] {
        report.at_least(JOB, spec, field, path, 0);
    }
    report.one_of(JOB, spec, "completionMode", path, &["NonIndexed", "Indexed"]);
    let manual = spec.get("manualSelector").and_then(Value::as_bool) == Some(true);
    if spec.get("selector").is_some() && !manual {
        // The API server generates a Job's selector from its UID.
        report.add(
            JOB,
            format!("{path}.selector"),
            "`selector` will be auto-generated; set it only with manualSelector",
        );
    }
    let rules = TemplateRules { restart_policies: ON_FAILURE_OR_NEVER, claim_names: vec![] };
    pod::template(template(spec), &format!("{path}.template"), &rules, report);
}

/// `ValidateCronJobSpec` and `validateScheduleFormat`, and the time zone (`validateTimeZone`).
pub fn cron_job(spec: &Value, report: &mut Report) {
    match text(spec, "schedule") {
        None | Some("") => report.add(CRON_SCHEDULE, "spec.schedule", "is required"),
        Some(schedule) => report.check(CRON_SCHEDULE, "spec.schedule", cron::schedule(schedule)),
    }
    if let Some(zone) = spec.get("timeZone").filter(|z| !z.is_null()) {
        report.check(CRON_TIME_ZONE, "spec.timeZone", syntax::time_zone(zone.as_str().unwrap_or_default()));
    }
    for field in ["startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"] {
        report.at_least(CRON_JOB, spec, field, "spec", 0);
    }
    report.one_of(CRON_JOB, spec, "concurrencyPolicy", "spec", &["Allow", "Forbid", "Replace"]);
    job(spec.pointer("/jobTemplate/spec").unwrap_or(&Value::Null), "spec.jobTemplate.spec", report);
}
