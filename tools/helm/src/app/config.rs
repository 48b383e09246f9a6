//! An app's ConfigMap: key/values and files, mounted as a directory or read as environment.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::ConfigMetadata;
use crate::origin::Origin;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    pub data: BTreeMap<String, String>,
    pub files: Vec<ConfigFile>,
    /// Where the ConfigMap is mounted; empty: its keys become environment variables.
    pub mount_path: String,
    /// Its keys become environment variables (it is not mounted).
    pub as_env: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigFile {
    /// Key in the ConfigMap (the file name).
    pub name: String,
    /// Where the composer reads the content from.
    #[serde(skip)]
    pub source: std::path::PathBuf,
}

pub(super) fn config(meta: &ConfigMetadata, origin: &Origin) -> Result<Option<Config>, ComposeError> {
    if meta.data.is_empty() && meta.files.is_empty() {
        if !meta.mount_path.is_empty() {
            return Err(origin.error("config.mount_path", "is set but the ConfigMap has no data or files"));
        }
        return Ok(None);
    }
    let as_env = meta.mount_path.is_empty();
    let data_keys = meta.data.keys().map(|key| ("config.data", key));
    for (field, key) in data_keys.chain(meta.files.keys().map(|key| ("config.files", key))) {
        origin.check(field, checks::config_key(key))?;
        if as_env {
            origin.check(
                field,
                checks::env_name(key).map_err(|m| format!("{m}; set config_mount_path to mount it as a file")),
            )?;
        }
        if meta.data.contains_key(key) && meta.files.contains_key(key) {
            return Err(origin.error("config", format!("{key:?} is both a data key and a file name")));
        }
    }
    if !as_env {
        origin.check("config.mount_path", checks::mount_path(&meta.mount_path))?;
    }
    Ok(Some(Config {
        data: meta.data.clone(),
        files: meta
            .files
            .iter()
            .map(|(name, source)| ConfigFile { name: name.clone(), source: source.into() })
            .collect(),
        mount_path: meta.mount_path.clone(),
        as_env,
    }))
}
