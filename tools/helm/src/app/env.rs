//! Environment variables: literal values, Secret references, and whole Secrets or ConfigMaps.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{AddressForm, AppMetadata, ClusterField};
use crate::origin::Origin;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecretKeyRef {
    pub name: String,
    pub key: String,
}

pub(super) fn env(meta: &AppMetadata, origin: &Origin) -> Result<BTreeMap<String, String>, ComposeError> {
    for name in meta.env.keys() {
        origin.check("env", checks::env_name(name))?;
        if meta.secret_env.contains_key(name) {
            return Err(origin.error("env", format!("{name:?} is also set in secret_env; names must be unique")));
        }
    }
    for (name, value) in &meta.env {
        origin.check(&format!("env.{name}"), literal_not_credential(name, value))?;
    }
    Ok(meta.env.clone())
}

/// A literal value lands in values.yaml in clear text: credentials must come from a Secret.
fn literal_not_credential(name: &str, value: &str) -> Result<(), String> {
    let fix = format!(
        "move it to secret_env = {{{name:?}: \"<secret-name>/<key>\"}} (or mount the Secret as files with secret_mounts)"
    );
    if let Some(word) = checks::credential_name_word(name) {
        return Err(format!(
            "{name:?} looks like a credential ({word}) and a literal value would sit in values.yaml in clear text; {fix}"
        ));
    }
    if checks::url_with_password(value) {
        return Err(format!("holds a URL with a password, which would sit in values.yaml in clear text; {fix}"));
    }
    Ok(())
}

pub(super) fn secret_env(meta: &AppMetadata, origin: &Origin) -> Result<BTreeMap<String, SecretKeyRef>, ComposeError> {
    meta.secret_env
        .iter()
        .map(|(name, reference)| {
            origin.check("secret_env", checks::env_name(name))?;
            let (secret, key) = origin.check(&format!("secret_env.{name}"), checks::secret_key_ref(reference))?;
            Ok((name.clone(), SecretKeyRef { name: secret.into(), key: key.into() }))
        })
        .collect()
}

/// A Secret mounted read-only as files at `path` (volume `secret-<n>`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecretMount {
    pub volume: String,
    pub path: String,
    pub secret: String,
}

pub(super) fn secret_mounts(meta: &AppMetadata, origin: &Origin) -> Result<Vec<SecretMount>, ComposeError> {
    meta.secret_mounts
        .iter()
        .enumerate()
        .map(|(index, (path, secret))| {
            origin.check("secret_mounts", checks::mount_path(path))?;
            if meta.config.mount_path == *path {
                return Err(origin.error("secret_mounts", format!("{path:?} is also config.mount_path")));
            }
            origin.check(&format!("secret_mounts.{path}"), checks::dns_subdomain(secret))?;
            Ok(SecretMount { volume: format!("secret-{index}"), path: path.clone(), secret: secret.clone() })
        })
        .collect()
}

pub(super) fn names(values: &[String], field: &str, origin: &Origin) -> Result<Vec<String>, ComposeError> {
    for value in values {
        origin.check(field, checks::dns_subdomain(value))?;
    }
    Ok(values.to_vec())
}

/// An environment variable holding another app's address, resolved against the chart's apps
/// when composing (`plan::check_sibling_addresses`), or against a peer chart's
/// (`plan::peers`): the template writes it from the release name, the namespace and the
/// target's Service port (a peer's from `peerCharts.<chart>` in values).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SiblingAddress {
    pub env: String,
    /// The addressed app's name and values key (in its chart).
    pub app: String,
    pub values_key: String,
    pub form: AddressForm,
    /// The peer chart of the addressed app, by name; empty: this chart.
    #[serde(skip)]
    pub chart: String,
    /// Its key under `peerCharts` in values; empty: this chart.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub chart_key: String,
}

impl SiblingAddress {
    /// Whether the address is of an app of this chart (not of a peer chart).
    pub fn in_chart(&self) -> bool {
        self.chart.is_empty()
    }
}

pub(super) fn sibling_env(meta: &AppMetadata, origin: &Origin) -> Result<Vec<SiblingAddress>, ComposeError> {
    meta.sibling_env
        .iter()
        .map(|entry| {
            origin.check("sibling_env", checks::env_name(&entry.env))?;
            origin.check(&format!("sibling_env.{}.app", entry.env), checks::dns_label(&entry.app))?;
            if !entry.chart.is_empty() {
                origin.check(&format!("sibling_env.{}.chart", entry.env), checks::dns_label(&entry.chart))?;
            }
            if entry.app == meta.name && entry.chart.is_empty() {
                return Err(origin.error(
                    &format!("sibling_env.{}.app", entry.env),
                    format!("{:?} is this app itself; address another app of the chart", entry.app),
                ));
            }
            Ok(SiblingAddress {
                env: entry.env.clone(),
                app: entry.app.clone(),
                values_key: checks::lower_camel_case(&entry.app),
                form: entry.form.unwrap_or_default(),
                chart: entry.chart.clone(),
                chart_key: if entry.chart.is_empty() { String::new() } else { checks::lower_camel_case(&entry.chart) },
            })
        })
        .collect()
}

/// An environment variable the cluster (downward API) or Helm provides; the pod template maps
/// the field to its `fieldRef`, `resourceFieldRef` or Helm value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterEnv {
    pub env: String,
    pub field: ClusterField,
}

pub(super) fn cluster_env(meta: &AppMetadata, origin: &Origin) -> Result<Vec<ClusterEnv>, ComposeError> {
    meta.cluster_env
        .iter()
        .map(|(env, field)| {
            origin.check("cluster_env", checks::env_name(env))?;
            Ok(ClusterEnv { env: env.clone(), field: *field })
        })
        .collect()
}

/// One name is set in one place only (env, secret_env, sibling_env or cluster_env), or the
/// pod would get it twice.
pub(super) fn check_unique_names(
    meta: &AppMetadata,
    siblings: &[SiblingAddress],
    cluster: &[ClusterEnv],
    origin: &Origin,
) -> Result<(), ComposeError> {
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    let all = meta
        .secret_env
        .keys()
        .map(|n| (n.as_str(), "secret_env"))
        .chain(meta.env.keys().map(|n| (n.as_str(), "env")))
        .chain(siblings.iter().map(|s| (s.env.as_str(), "sibling_env")))
        .chain(cluster.iter().map(|c| (c.env.as_str(), "cluster_env")));
    for (name, field) in all {
        if let Some(first) = names.insert(name, field) {
            return Err(origin.error(
                field,
                format!("{name:?} is also set in {first}; an environment variable is set in one place only"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::literal_not_credential;

    #[test]
    fn credentials_are_refused_as_literal_env() {
        assert!(literal_not_credential("LOG_LEVEL", "info").is_ok());
        assert!(literal_not_credential("AMQP_HOST", "amqp://rabbit:5672/vhost").is_ok());
        assert!(literal_not_credential("AMQP_URL", "amqp://user@rabbit:5672/").is_ok());
        for name in [
            "DB_PASSWORD",
            "db_passwd",
            "SECRET_KEY",
            "GITHUB_TOKEN",
            "STRIPE_API_KEY",
            "OPENAI_APIKEY",
            "AWS_ACCESS_KEY_ID",
            "SSH_PRIVATE_KEY",
            "GOOGLE_CREDENTIALS",
        ] {
            let message = literal_not_credential(name, "x").expect_err(name);
            assert!(message.contains("secret_env"), "{message}");
        }
        let message =
            literal_not_credential("AMQP_URL", "amqp://user:password@host").expect_err("a URL with a password");
        assert!(message.contains("URL with a password") && message.contains("secret_env = {\"AMQP_URL\""), "{message}");
    }
}
