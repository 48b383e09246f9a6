//! The app metadata schema: the one definition of what an app may declare.
//!
//! `app_metadata` (rules/private/app_metadata.bzl) writes one JSON file per app in exactly
//! this shape; unknown fields are rejected so a rule and the composer cannot drift apart
//! silently. These types describe *input*; `validate` turns them into the checked model
//! in `app.rs`.

use std::collections::BTreeMap;

use serde::Deserialize;

/// One app as written by the `app_metadata` rule.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AppMetadata {
    /// App name: DNS-1123 label, used in object names and file names.
    pub name: String,
    /// Bazel label of the `app_metadata` target, for error messages.
    #[serde(default)]
    pub target: String,
    /// `external-api`, `internal-api`, `worker` or `job`; empty means inferred from the name.
    #[serde(default)]
    pub app_type: String,
    /// Container image; the tag or the digest must be given and is never `latest`.
    pub image: ImageMetadata,
    /// Container port of an API (required for the API types, ignored otherwise).
    #[serde(default)]
    pub port: Option<i64>,
    /// Overrides the image entrypoint.
    #[serde(default)]
    pub command: Vec<String>,
    /// Arguments to the entrypoint.
    #[serde(default)]
    pub args: Vec<String>,
    /// Plain environment variables (names are unique by construction).
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Environment variables read from Secrets: name -> "secret-name/key".
    #[serde(default)]
    pub secret_env: BTreeMap<String, String>,
    /// Secrets whose every key becomes an environment variable.
    #[serde(default)]
    pub env_from_secrets: Vec<String>,
    /// ConfigMaps whose every key becomes an environment variable.
    #[serde(default)]
    pub env_from_configmaps: Vec<String>,
    /// CPU and memory requests and limits.
    #[serde(default)]
    pub resources: ResourcesMetadata,
    /// Replica count of a long-running app (ignored for jobs).
    #[serde(default)]
    pub replicas: Option<i64>,
    /// HTTP health checks.
    #[serde(default)]
    pub health: HealthMetadata,
    /// Ingress settings of an external-api.
    #[serde(default)]
    pub ingress: IngressMetadata,
    /// Settings of a job.
    #[serde(default)]
    pub job: JobMetadata,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ImageMetadata {
    pub repository: String,
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub digest: String,
    #[serde(default)]
    pub pull_policy: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ResourcesMetadata {
    #[serde(default)]
    pub cpu_request: String,
    #[serde(default)]
    pub memory_request: String,
    #[serde(default)]
    pub cpu_limit: String,
    #[serde(default)]
    pub memory_limit: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HealthMetadata {
    /// Liveness path; APIs default to `/healthz`. Empty on a worker means no probe.
    #[serde(default)]
    pub liveness_path: String,
    /// Readiness path; APIs default to `/readyz`.
    #[serde(default)]
    pub readiness_path: String,
    /// Port of a worker's health endpoint (APIs use `port`).
    #[serde(default)]
    pub port: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IngressMetadata {
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub tls_secret: String,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct JobMetadata {
    #[serde(default)]
    pub backoff_limit: Option<i64>,
    #[serde(default)]
    pub ttl_seconds_after_finished: Option<i64>,
    #[serde(default)]
    pub active_deadline_seconds: Option<i64>,
    /// Helm hook phases, e.g. "pre-install,pre-upgrade"; empty means a plain Job.
    #[serde(default)]
    pub hook: String,
}
