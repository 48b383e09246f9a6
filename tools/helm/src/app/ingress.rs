//! An external API's route: host, path, TLS secret and annotations.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{AppType, IngressMetadata};
use crate::origin::Origin;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ingress {
    pub host: String,
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
    if app_type != AppType::ExternalApi {
        if declared {
            return Err(origin.error("ingress", format!("is only meaningful for an external-api, not an {app_type}")));
        }
        return Ok(None);
    }
    if meta.host.is_empty() {
        return Err(origin.error("ingress.host", "is required for an external-api"));
    }
    origin.check("ingress.host", checks::dns_subdomain(&meta.host))?;
    let path = if meta.path.is_empty() { "/".to_string() } else { meta.path.clone() };
    if !path.starts_with('/') {
        return Err(origin.error("ingress.path", format!("{path:?} must start with '/'")));
    }
    if !meta.tls_secret.is_empty() {
        origin.check("ingress.tls_secret", checks::dns_subdomain(&meta.tls_secret))?;
    }
    Ok(Some(Ingress {
        host: meta.host.clone(),
        path,
        tls_secret: meta.tls_secret.clone(),
        annotations: meta.annotations.clone(),
    }))
}
