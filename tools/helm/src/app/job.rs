//! Batch apps: a Job (a Helm hook by default) and a CronJob's schedule and limits.

use serde::Serialize;

use crate::checks::{self, CRON_JOB_NAME_MAX};
use crate::error::ComposeError;
use crate::model::{AppType, ConcurrencyPolicy, CronMetadata, JobMetadata, JobRestartPolicy};
use crate::origin::Origin;

const DEFAULT_JOB_BACKOFF_LIMIT: u32 = 3;
const DEFAULT_JOB_TTL_SECONDS: u32 = 3600;
const DEFAULT_JOB_HOOK: &str = "pre-install,pre-upgrade";
const HOOK_PHASES: [&str; 4] = ["pre-install", "pre-upgrade", "post-install", "post-upgrade"];

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cron {
    pub schedule: String,
    pub concurrency_policy: ConcurrencyPolicy,
    pub starting_deadline_seconds: u32,
    pub successful_jobs_history_limit: u32,
    pub failed_jobs_history_limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub backoff_limit: u32,
    /// Never: a failed container fails its pod (backoffLimit counts pods); OnFailure: the
    /// container restarts in its pod (backoffLimit counts restarts).
    pub restart_policy: JobRestartPolicy,
    /// None: finished Jobs are kept until deleted by hand.
    pub ttl_seconds_after_finished: Option<u32>,
    pub active_deadline_seconds: Option<u32>,
    /// Helm hook phases joined by commas; empty for a plain Job.
    pub hook: String,
    /// Helm hook weight of a hook job, which is also its Argo CD sync wave.
    pub hook_weight: i32,
    /// Weight of the hook's ServiceAccount, ConfigMap and NetworkPolicy, created just before it.
    pub prerequisite_weight: i32,
}

const DEFAULT_HOOK_WEIGHT: i32 = -5;

pub(super) fn job(meta: &JobMetadata, app_type: AppType, origin: &Origin) -> Result<Option<Job>, ComposeError> {
    if !app_type.is_batch() {
        if *meta != JobMetadata::default() {
            return Err(origin.error("job", format!("is only meaningful for a job or cronjob, not an {app_type}")));
        }
        return Ok(None);
    }
    // A scheduled run is not part of installing the release: a cronjob is never a hook.
    let hook = match (app_type, meta.hook.as_str()) {
        (AppType::Cronjob, "" | "none") => String::new(),
        (AppType::Cronjob, _) => return Err(origin.error("job.hook", "a cronjob cannot be a Helm hook")),
        _ => job_hook(&meta.hook, origin)?,
    };
    let weight = hook_weight(meta, &hook, origin)?;
    Ok(Some(Job {
        backoff_limit: origin.count("job.backoff_limit", meta.backoff_limit, DEFAULT_JOB_BACKOFF_LIMIT, 0)?,
        restart_policy: meta.restart_policy.unwrap_or_default(),
        ttl_seconds_after_finished: ttl(meta, origin)?,
        active_deadline_seconds: meta
            .active_deadline_seconds
            .map(|v| origin.count("job.active_deadline_seconds", Some(v), 0, 1))
            .transpose()?,
        hook_weight: weight,
        prerequisite_weight: weight - PREREQUISITE_OFFSET,
        hook,
    }))
}

fn ttl(meta: &JobMetadata, origin: &Origin) -> Result<Option<u32>, ComposeError> {
    match (meta.keep_finished, meta.ttl_seconds_after_finished) {
        (true, Some(_)) => Err(origin.error(
            "job.keep_finished",
            "keeps finished Jobs forever, which contradicts job.ttl_seconds_after_finished; set one of them",
        )),
        (true, None) => Ok(None),
        (false, ttl) => origin.count("job.ttl_seconds_after_finished", ttl, DEFAULT_JOB_TTL_SECONDS, 0).map(Some),
    }
}

/// The weight orders a hook among the release's hooks; a Job that is no hook has none.
fn hook_weight(meta: &JobMetadata, hook: &str, origin: &Origin) -> Result<i32, ComposeError> {
    let Some(weight) = meta.hook_weight else { return Ok(DEFAULT_HOOK_WEIGHT) };
    if hook.is_empty() {
        return Err(origin.error("job.hook_weight", "is only meaningful for a Helm hook; this job's hook is none"));
    }
    // Its ServiceAccount, ConfigMap and NetworkPolicy are created PREREQUISITE_OFFSET lower,
    // so that much room must remain below the weight.
    let lowest = i64::from(i32::MIN) + i64::from(PREREQUISITE_OFFSET);
    match i32::try_from(weight) {
        Ok(weight) if i64::from(weight) >= lowest => Ok(weight),
        _ => Err(origin.error(
            "job.hook_weight",
            format!(
                "{weight} is outside {lowest}..2147483647 (Helm weights are 32-bit, and the hook's ServiceAccount, \
                 ConfigMap and NetworkPolicy take the weight {PREREQUISITE_OFFSET} below it)"
            ),
        )),
    }
}

/// How much lower than its Job a hook's prerequisites are weighted: created just before it.
const PREREQUISITE_OFFSET: i32 = 5;

pub(super) fn cron(
    meta: &CronMetadata,
    name: &str,
    app_type: AppType,
    origin: &Origin,
) -> Result<Option<Cron>, ComposeError> {
    if app_type != AppType::Cronjob {
        if *meta != CronMetadata::default() {
            return Err(origin.error("cron", format!("is only meaningful for a cronjob, not an {app_type}")));
        }
        return Ok(None);
    }
    // The CronJob is named `<release>-<name>`, cut to 52 characters: with the shortest release
    // name, one character and a dash, a longer app name would never appear whole in it.
    if name.len() + 2 > CRON_JOB_NAME_MAX {
        return Err(origin.error(
            "name",
            format!(
                "{name:?} is {} characters long; a cronjob's CronJob is named <release>-<name>, which Kubernetes \
                 keeps to {CRON_JOB_NAME_MAX} characters, so the name may have at most {}",
                name.len(),
                CRON_JOB_NAME_MAX - 2
            ),
        ));
    }
    if meta.schedule.is_empty() {
        return Err(origin.error("cron.schedule", "is required for a cronjob"));
    }
    origin.check("cron.schedule", checks::cron_schedule(&meta.schedule))?;
    Ok(Some(Cron {
        schedule: meta.schedule.clone(),
        concurrency_policy: meta.concurrency_policy.unwrap_or_default(),
        starting_deadline_seconds: origin.count(
            "cron.starting_deadline_seconds",
            meta.starting_deadline_seconds,
            300,
            0,
        )?,
        successful_jobs_history_limit: origin.count(
            "cron.successful_jobs_history_limit",
            meta.successful_jobs_history_limit,
            3,
            0,
        )?,
        failed_jobs_history_limit: origin.count(
            "cron.failed_jobs_history_limit",
            meta.failed_jobs_history_limit,
            3,
            0,
        )?,
    }))
}

/// Hook phases of a job: `none` for a plain Job, empty for the default (run before installs
/// and upgrades, as migrations need), or a comma-separated list of phases.
pub(super) fn job_hook(value: &str, origin: &Origin) -> Result<String, ComposeError> {
    match value.trim() {
        "none" => return Ok(String::new()),
        "" => return Ok(DEFAULT_JOB_HOOK.to_string()),
        _ => {}
    }
    let phases: Vec<&str> = value.split(',').map(str::trim).collect();
    if let Some(bad) = phases.iter().find(|p| !HOOK_PHASES.contains(p)) {
        return Err(origin.error("job.hook", format!("{bad:?} is not one of {} (or \"none\")", HOOK_PHASES.join(", "))));
    }
    Ok(phases.join(","))
}
