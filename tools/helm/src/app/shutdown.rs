//! How an app's pods stop: the grace period between SIGTERM and SIGKILL, and a preStop hook
//! (a sleep, so endpoints and load balancers drop the pod before it stops serving, or a
//! command).

use serde::Serialize;

use crate::error::ComposeError;
use crate::model::ShutdownMetadata;
use crate::origin::Origin;

/// Kubernetes' own default grace period.
const DEFAULT_GRACE_PERIOD_SECONDS: u32 = 30;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Shutdown {
    pub grace_period_seconds: u32,
    pub pre_stop: PreStop,
}

/// The preStop hook as values.yaml holds it: a sleep or a command, or neither (`{}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreStop {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sleep_seconds: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
}

pub(super) fn shutdown(meta: &ShutdownMetadata, origin: &Origin) -> Result<Shutdown, ComposeError> {
    let grace_period_seconds =
        origin.count("shutdown.grace_period_seconds", meta.grace_period_seconds, DEFAULT_GRACE_PERIOD_SECONDS, 0)?;
    if meta.pre_stop_sleep_seconds.is_some() && !meta.pre_stop_command.is_empty() {
        return Err(origin.error(
            "shutdown.pre_stop_command",
            "is set together with shutdown.pre_stop_sleep_seconds; a container has one preStop hook: a sleep or a \
             command",
        ));
    }
    let sleep_seconds = match meta.pre_stop_sleep_seconds {
        None => None,
        Some(seconds) => {
            let seconds = origin.count("shutdown.pre_stop_sleep_seconds", Some(seconds), 1, 1)?;
            // The API server refuses a sleep longer than the grace period: the kubelet would
            // kill the container during it.
            if seconds > grace_period_seconds {
                return Err(origin.error(
                    "shutdown.pre_stop_sleep_seconds",
                    format!(
                        "{seconds} is longer than the grace period ({grace_period_seconds} seconds): raise \
                         shutdown_grace_period_seconds"
                    ),
                ));
            }
            Some(seconds)
        }
    };
    if meta.pre_stop_command.iter().any(String::is_empty) {
        return Err(origin.error("shutdown.pre_stop_command", "has an empty word"));
    }
    Ok(Shutdown { grace_period_seconds, pre_stop: PreStop { sleep_seconds, command: meta.pre_stop_command.clone() } })
}
