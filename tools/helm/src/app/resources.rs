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
    requests_within_limits(meta, origin)?;
    Ok(meta.clone())
}

/// Kubernetes refuses a container whose request of a resource is above its limit
/// (`ValidateResourceRequirements`). What one declaration fixes is checked here: the app's
/// own quantities, and those of the preset it names for the ones it leaves unset. A chart or
/// environment preset filling the rest is chosen elsewhere; the validator checks the
/// rendered result (api-server:requests-within-limits).
fn requests_within_limits(meta: &ResourcesMetadata, origin: &Origin) -> Result<(), ComposeError> {
    let preset = meta.preset.map(ResourcePreset::quantities);
    let pairs = [
        ("cpu", "cpu_request", &meta.cpu_request, "cpu_limit", &meta.cpu_limit),
        ("memory", "memory_request", &meta.memory_request, "memory_limit", &meta.memory_limit),
        (
            "ephemeral storage",
            "ephemeral_storage_request",
            &meta.ephemeral_storage_request,
            "ephemeral_storage_limit",
            &meta.ephemeral_storage_limit,
        ),
    ];
    for (index, (resource, request_field, request, limit_field, limit)) in pairs.into_iter().enumerate() {
        if request.is_empty() && limit.is_empty() {
            continue;
        }
        let from_preset = |own: &str, side: usize| match (own, preset) {
            ("", Some(quantities)) => Some((quantities[side][index].to_string(), "its preset's")),
            ("", None) => None,
            (own, _) => Some((own.to_string(), "")),
        };
        let (Some((request_value, request_source)), Some((limit_value, limit_source))) =
            (from_preset(request, 0), from_preset(limit, 1))
        else {
            continue;
        };
        // Every quantity parsed above (the explicit ones) or is a preset constant.
        let nanos = |value: &str| checks::quantity_nanos(value).unwrap_or_default();
        if nanos(&request_value) > nanos(&limit_value) {
            // Blame the field the app set itself (the request when it set both).
            let field = if request.is_empty() { limit_field } else { request_field };
            let own = |source: &str, field: &str| {
                if source.is_empty() {
                    format!("resources.{field}")
                } else {
                    source.to_string()
                }
            };
            return Err(origin.error(
                &format!("resources.{field}"),
                format!(
                    "the {resource} request {request_value:?} ({}) is above the {resource} limit {limit_value:?} ({}); \
                     Kubernetes refuses a request above its limit",
                    own(request_source, request_field),
                    own(limit_source, limit_field),
                ),
            ));
        }
    }
    Ok(())
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
