//! KEDA event-driven autoscaling: a ScaledObject per app, its triggers taken as data.
//! KEDA runs its own HorizontalPodAutoscaler for the Deployment, so an app never has both.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{AppType, KedaMetadata, KedaMetricType, KedaTrigger};
use crate::origin::Origin;

const DEFAULT_MIN_REPLICAS: u32 = 1;
const DEFAULT_MAX_REPLICAS: u32 = 5;
const DEFAULT_POLLING_INTERVAL_SECONDS: u32 = 30;
const DEFAULT_COOLDOWN_PERIOD_SECONDS: u32 = 300;
/// Metadata keys that would carry a credential in values.yaml; KEDA takes them from the
/// target's environment (`<key>FromEnv`) or a TriggerAuthentication instead.
const CREDENTIAL_WORDS: [&str; 6] = ["password", "connection", "secret", "token", "apikey", "accesskey"];

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Keda {
    pub enabled: bool,
    pub min_replicas: u32,
    pub max_replicas: u32,
    pub polling_interval: u32,
    pub cooldown_period: u32,
    pub triggers: Vec<Trigger>,
}

/// A trigger exactly as a ScaledObject lists it (`spec.triggers[]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Trigger {
    #[serde(rename = "type")]
    pub scaler: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    pub metadata: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_ref: Option<AuthenticationRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_type: Option<KedaMetricType>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthenticationRef {
    pub name: String,
}

/// Validates an app's KEDA settings; `None` when it declares none.
pub(crate) fn keda(
    meta: &KedaMetadata,
    app_type: AppType,
    autoscaling_enabled: bool,
    origin: &Origin,
) -> Result<Option<Keda>, ComposeError> {
    if *meta == KedaMetadata::default() {
        return Ok(None);
    }
    if !app_type.is_long_running() {
        return Err(origin.error("keda", format!("is only meaningful for a long-running app, not a {app_type}")));
    }
    if meta.enabled && autoscaling_enabled {
        return Err(origin.error(
            "keda.enabled",
            "is on together with autoscaling.enabled; KEDA runs its own HorizontalPodAutoscaler, so enable one of them",
        ));
    }
    if meta.triggers.is_empty() {
        return Err(origin.error("keda.triggers", "at least one trigger is required"));
    }
    let min_replicas = origin.count("keda.min_replicas", meta.min_replicas, DEFAULT_MIN_REPLICAS, 0)?;
    let max_replicas =
        origin.count("keda.max_replicas", meta.max_replicas, DEFAULT_MAX_REPLICAS.max(min_replicas.max(1)), 1)?;
    if max_replicas < min_replicas {
        return Err(origin.error("keda.max_replicas", format!("{max_replicas} is below min_replicas {min_replicas}")));
    }
    Ok(Some(Keda {
        enabled: meta.enabled,
        min_replicas,
        max_replicas,
        polling_interval: origin.count(
            "keda.polling_interval",
            meta.polling_interval,
            DEFAULT_POLLING_INTERVAL_SECONDS,
            1,
        )?,
        cooldown_period: origin.count(
            "keda.cooldown_period",
            meta.cooldown_period,
            DEFAULT_COOLDOWN_PERIOD_SECONDS,
            0,
        )?,
        triggers: triggers(&meta.triggers, origin)?,
    }))
}

fn triggers(triggers: &[KedaTrigger], origin: &Origin) -> Result<Vec<Trigger>, ComposeError> {
    let mut names = BTreeSet::new();
    triggers
        .iter()
        .enumerate()
        .map(|(index, trigger)| {
            let field = format!("keda.triggers[{index}]");
            let scaler_ok = !trigger.scaler.is_empty()
                && trigger.scaler.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !scaler_ok {
                return Err(
                    origin.error(&format!("{field}.type"), format!("{:?} is not a KEDA scaler type", trigger.scaler))
                );
            }
            if !trigger.name.is_empty() && !names.insert(trigger.name.as_str()) {
                return Err(origin.error(&format!("{field}.name"), format!("{:?} names two triggers", trigger.name)));
            }
            // KEDA reads these from the container's requests, and needs to know how to compare.
            let resource_scaler = matches!(trigger.scaler.as_str(), "cpu" | "memory");
            if resource_scaler
                && !matches!(trigger.metric_type, Some(KedaMetricType::Utilization | KedaMetricType::AverageValue))
            {
                return Err(origin.error(
                    &format!("{field}.metric_type"),
                    format!("the {} scaler needs metric_type Utilization or AverageValue", trigger.scaler),
                ));
            }
            for (key, value) in &trigger.metadata {
                // KEDA's metadata keys are identifiers (queueName, hostFromEnv); the same
                // grammar as a ConfigMap key keeps them short enough to be YAML keys.
                origin.check(&format!("{field}.metadata"), checks::config_key(key))?;
                origin.check(&format!("{field}.metadata"), credential_free(key, value))?;
            }
            let authentication_ref = match trigger.authentication_ref.as_str() {
                "" => None,
                name => {
                    origin.check(&format!("{field}.authentication_ref"), checks::dns_subdomain(name))?;
                    Some(AuthenticationRef { name: name.to_string() })
                }
            };
            Ok(Trigger {
                scaler: trigger.scaler.clone(),
                name: trigger.name.clone(),
                metadata: trigger.metadata.clone(),
                authentication_ref,
                metric_type: trigger.metric_type,
            })
        })
        .collect()
}

/// Secrets never reach values.yaml: no credential-like key, no password inside a URL.
fn credential_free(key: &str, value: &str) -> Result<(), String> {
    let lower = key.to_ascii_lowercase();
    if !lower.ends_with("fromenv") && CREDENTIAL_WORDS.iter().any(|word| lower.contains(word)) {
        return Err(format!(
            "{key:?} would put a credential in values.yaml; use {key}FromEnv (an environment variable of the \
             app, e.g. from secret_env) or authentication_ref (a TriggerAuthentication)"
        ));
    }
    if crate::checks::url_with_password(value) {
        return Err(format!("{key:?} holds a URL with a password; reference the credential instead"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::credential_free;

    #[test]
    fn credentials_stay_out_of_trigger_metadata() {
        assert!(credential_free("query", "SELECT count(*) FROM jobs").is_ok());
        assert!(credential_free("passwordFromEnv", "PG_PASSWORD").is_ok());
        assert!(credential_free("host", "amqp://rabbit:5672/vhost").is_ok());
        assert!(credential_free("password", "hunter2").is_err());
        assert!(credential_free("connectionString", "x").is_err());
        assert!(credential_free("host", "amqp://user:hunter2@rabbit:5672/").is_err());
    }
}
