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
    /// Request timeout of its HTTPRoute rule (Gateway API duration); empty: none.
    pub timeout: String,
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
    if !meta.timeout.is_empty() {
        origin.check("ingress.timeout", gateway_duration(&meta.timeout))?;
    }
    Ok(Some(Ingress {
        host: meta.host.clone(),
        host_from_pattern: meta.host.is_empty(),
        path,
        tls_secret: meta.tls_secret.clone(),
        annotations: meta.annotations.clone(),
        timeout: meta.timeout.clone(),
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

/// A Gateway API duration (GEP-2257), as its CRDs validate it: one to four numbers of at most
/// five digits, each with a unit h, m, s or ms, e.g. "30s", "1m30s", "500ms"; never zero,
/// which Gateway API reads as "no timeout" for some fields and "fail at once" for others.
pub fn gateway_duration(value: &str) -> Result<(), String> {
    let mut rest = value;
    let mut parts = 0;
    let mut total_ms: u64 = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let unit = ["ms", "h", "m", "s"].into_iter().find(|u| rest[digits..].starts_with(u));
        let (Some(unit), 1..=5) = (unit, digits) else {
            return Err(format!(
                "{value:?} is not a Gateway API duration: numbers of at most five digits, each followed by h, m, s \
                 or ms (e.g. \"30s\", \"1m30s\")"
            ));
        };
        let number: u64 = rest[..digits].parse().map_err(|_| format!("{value:?} is not a duration"))?;
        total_ms += number
            * match unit {
                "h" => 3_600_000,
                "m" => 60_000,
                "s" => 1_000,
                _ => 1,
            };
        parts += 1;
        rest = &rest[digits + unit.len()..];
    }
    match (parts, total_ms) {
        (0, _) => Err("is empty".into()),
        (5.., _) => Err(format!("{value:?} has more than four parts; Gateway API durations have at most four")),
        (_, 0) => Err(format!("{value:?} is zero; leave it unset for the Gateway's default")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::gateway_duration;

    #[test]
    fn timeouts_are_gateway_api_durations() {
        for good in ["30s", "1m30s", "500ms", "1h", "99999ms", "1h2m3s4ms"] {
            assert_eq!(gateway_duration(good), Ok(()), "{good}");
        }
        for (bad, why) in [
            ("30", "not a Gateway API duration"),
            ("1.5s", "not a Gateway API duration"),
            ("100000s", "not a Gateway API duration"),
            ("1d", "not a Gateway API duration"),
            ("-1s", "not a Gateway API duration"),
            ("1h1m1s1ms1s", "more than four parts"),
            ("0s", "is zero"),
            ("0h0m0s0ms", "is zero"),
            ("", "is empty"),
            ("30s\n", "not a Gateway API duration"),
        ] {
            let error = gateway_duration(bad).expect_err(bad);
            assert!(error.contains(why), "{bad}: {error}");
        }
    }
}
