//! The route of an external API, or of an internal API that asks for one: host (its own or
//! from the chart's pattern), path, TLS secret and annotations.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{AppType, IngressMetadata};
use crate::origin::Origin;

/// Kubernetes' limit on the annotations of one object, keys and values together
/// (`TotalAnnotationSizeLimitB`).
const ANNOTATIONS_MAX_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ingress {
    /// The host; empty until the chart's host pattern fills it in when the app sets none.
    pub host: String,
    /// The host comes from the chart's ingress_host_pattern (and follows each environment's
    /// domain).
    pub host_from_pattern: bool,
    pub path: String,
    pub tls_secret: String,
    pub annotations: BTreeMap<String, String>,
}

pub(super) fn ingress(
    meta: &IngressMetadata,
    app_type: AppType,
    origin: &Origin,
) -> Result<Option<Ingress>, ComposeError> {
    let declared = *meta != IngressMetadata::default();
    let routed = app_type == AppType::ExternalApi || (app_type == AppType::InternalApi && meta.enabled);
    if !routed {
        return match (declared, app_type) {
            (false, _) => Ok(None),
            (true, AppType::InternalApi) => Err(origin.error(
                "ingress",
                "is set on an internal-api without ingress_enabled = True; set it to give this internal API an \
                 Ingress, or remove the ingress settings",
            )),
            (true, _) => Err(origin.error(
                "ingress",
                format!("is only meaningful for an external-api (or an internal-api with ingress_enabled), not a {app_type}"),
            )),
        };
    }
    // An empty host is derived from the chart's ingress_host_pattern when composing.
    if !meta.host.is_empty() {
        origin.check("ingress.host", checks::ingress_host(&meta.host))?;
    }
    let path = if meta.path.is_empty() { "/".to_string() } else { meta.path.clone() };
    origin.check("ingress.path", checks::ingress_path(&path))?;
    if !meta.tls_secret.is_empty() {
        origin.check("ingress.tls_secret", checks::dns_subdomain(&meta.tls_secret))?;
    }
    origin.check("ingress.annotations", annotations(&meta.annotations))?;
    Ok(Some(Ingress {
        host: meta.host.clone(),
        host_from_pattern: meta.host.is_empty(),
        path,
        tls_secret: meta.tls_secret.clone(),
        annotations: meta.annotations.clone(),
    }))
}

/// Annotation keys are qualified names, and all annotations of an object together stay
/// within 256 KiB, as the API server requires.
fn annotations(annotations: &BTreeMap<String, String>) -> Result<(), String> {
    annotations.keys().try_for_each(|key| checks::qualified_name(key))?;
    let size: usize = annotations.iter().map(|(key, value)| key.len() + value.len()).sum();
    if size > ANNOTATIONS_MAX_BYTES {
        return Err(format!("total {size} bytes; Kubernetes allows at most {ANNOTATIONS_MAX_BYTES} (256 KiB)"));
    }
    Ok(())
}
