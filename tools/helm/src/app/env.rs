//! Environment variables: literal values, Secret references, and whole Secrets or ConfigMaps.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::AppMetadata;
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

#[cfg(test)]
mod tests {
    use super::literal_not_credential;

    #[test]
    fn credentials_are_refused_as_literal_env() {
        assert!(literal_not_credential("LOG_LEVEL", "info").is_ok());
        assert!(literal_not_credential("AMQP_HOST", "amqp://rabbit:5672/vhost").is_ok());
        assert!(literal_not_credential("AMQP_URL", "amqp://user@rabbit:5672/").is_ok());
        for name in ["DB_PASSWORD", "db_passwd", "SECRET_KEY", "GITHUB_TOKEN", "STRIPE_API_KEY", "OPENAI_APIKEY",
                     "AWS_ACCESS_KEY_ID", "SSH_PRIVATE_KEY", "GOOGLE_CREDENTIALS"] {
            let message = literal_not_credential(name, "x").expect_err(name);
            assert!(message.contains("secret_env"), "{message}");
        }
        let message = literal_not_credential("AMQP_URL", "amqp://user:password@host").expect_err("a URL with a password");
        assert!(message.contains("URL with a password") && message.contains("secret_env = {\"AMQP_URL\""), "{message}");
    }
}
