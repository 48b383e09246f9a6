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
    Ok(meta.env.clone())
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

pub(super) fn names(values: &[String], field: &str, origin: &Origin) -> Result<Vec<String>, ComposeError> {
    for value in values {
        origin.check(field, checks::dns_subdomain(value))?;
    }
    Ok(values.to_vec())
}
