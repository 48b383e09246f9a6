//! Persistent storage of a stateful app: the StatefulSet's volume claim template.

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{AppType, StorageMetadata};
use crate::origin::Origin;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Storage {
    pub size: String,
    pub mount_path: String,
    /// StorageClass; empty: the cluster's default.
    pub class: String,
}

pub(super) fn storage(
    meta: &StorageMetadata,
    app_type: AppType,
    origin: &Origin,
) -> Result<Option<Storage>, ComposeError> {
    if app_type != AppType::Stateful {
        if *meta != StorageMetadata::default() {
            return Err(origin.error("storage", format!("is only meaningful for a stateful app, not an {app_type}")));
        }
        return Ok(None);
    }
    if meta.size.is_empty() {
        return Err(origin.error("storage.size", "is required for a stateful app (e.g. \"10Gi\")"));
    }
    origin.check("storage.size", checks::quantity(&meta.size))?;
    if meta.mount_path.is_empty() {
        return Err(origin.error("storage.mount_path", "is required for a stateful app (where its data lives)"));
    }
    origin.check("storage.mount_path", checks::mount_path(&meta.mount_path))?;
    if !meta.class.is_empty() {
        origin.check("storage.class", checks::dns_subdomain(&meta.class))?;
    }
    Ok(Some(Storage { size: meta.size.clone(), mount_path: meta.mount_path.clone(), class: meta.class.clone() }))
}
