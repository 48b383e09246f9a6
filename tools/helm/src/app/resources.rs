//! CPU, memory and ephemeral storage requests and limits: a preset, with explicit quantities winning.

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{ResourcePreset, ResourcesMetadata};
use crate::origin::Origin;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantities {
    pub cpu: String,
    pub memory: String,
    #[serde(rename = "ephemeralStorage")]
    pub ephemeral_storage: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resources {
    pub requests: Quantities,
    pub limits: Quantities,
}

/// Checks the quantities an app set itself.
pub(super) fn checked_resources(meta: &ResourcesMetadata, origin: &Origin) -> Result<ResourcesMetadata, ComposeError> {
    for (field, value) in [
        ("resources.cpu_request", &meta.cpu_request),
        ("resources.memory_request", &meta.memory_request),
        ("resources.cpu_limit", &meta.cpu_limit),
        ("resources.memory_limit", &meta.memory_limit),
        ("resources.ephemeral_storage_request", &meta.ephemeral_storage_request),
        ("resources.ephemeral_storage_limit", &meta.ephemeral_storage_limit),
    ] {
        if !value.is_empty() {
            origin.check(field, checks::quantity(value))?;
        }
    }
    Ok(meta.clone())
}

impl Resources {
    /// The preset's quantities, with every quantity the app set itself winning.
    pub fn resolve(explicit: &ResourcesMetadata, preset: ResourcePreset) -> Resources {
        let [[cpu_request, memory_request, storage_request], [cpu_limit, memory_limit, storage_limit]] =
            preset.quantities();
        let pick = |own: &str, preset: &str| if own.is_empty() { preset.to_string() } else { own.to_string() };
        Resources {
            requests: Quantities {
                cpu: pick(&explicit.cpu_request, cpu_request),
                memory: pick(&explicit.memory_request, memory_request),
                ephemeral_storage: pick(&explicit.ephemeral_storage_request, storage_request),
            },
            limits: Quantities {
                cpu: pick(&explicit.cpu_limit, cpu_limit),
                memory: pick(&explicit.memory_limit, memory_limit),
                ephemeral_storage: pick(&explicit.ephemeral_storage_limit, storage_limit),
            },
        }
    }
}
