//! The environments Argo CD deploys: each `helm_environment`'s file, read as the composer
//! reads it, becomes a destination (cluster, namespace, values file), checked against the
//! spec's lists of environments.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::checks;
use crate::error::ComposeError;
use crate::input;
use crate::model::EnvironmentMetadata;
use crate::origin::Origin;

use super::spec::{Mode, Plan};

/// Where one environment is deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub environment: String,
    pub namespace: String,
    pub cluster: String,
    /// The cluster's API server URL when the spec gives one; else Argo CD finds the cluster by name.
    pub server: Option<String>,
    /// Synced automatically (prune, self-heal) unless listed in `manual_sync` or rolled out
    /// by progressive sync.
    pub automated: bool,
}

impl Destination {
    pub fn values_file(&self) -> String {
        format!("values-{}.yaml", self.environment)
    }
}

/// Every environment, in the order given; each must say where it runs.
pub fn load_all(plan: &Plan, files: &[PathBuf]) -> Result<Vec<Destination>, ComposeError> {
    if files.is_empty() {
        return Err(invalid(plan, "chart", "has no environments (helm_chart(environments = ...)): nothing to deploy"));
    }
    let mut destinations: Vec<Destination> = Vec::new();
    for file in files {
        let destination = load(plan, file)?;
        if destinations.iter().any(|d| d.environment == destination.environment) {
            return Err(invalid(plan, "chart", &format!("names environment {:?} twice", destination.environment)));
        }
        destinations.push(destination);
    }
    check_named(plan, "manual_sync", &plan.manual_sync, &destinations)?;
    check_named(plan, "progressive_sync", &plan.progressive_sync, &destinations)?;
    check_progressive(plan, &destinations)?;
    check_servers_named(plan, &destinations)?;
    check_one_destination_kind(plan, &destinations)?;
    Ok(order(plan, destinations))
}

fn load(plan: &Plan, file: &PathBuf) -> Result<Destination, ComposeError> {
    let meta: EnvironmentMetadata = input::read_json(file, "environment")?;
    let origin = Origin::new(file, &meta.target);
    origin.check("name", checks::dns_label(&meta.name))?;
    if meta.cluster.is_empty() {
        return Err(origin.error(
            "cluster",
            format!("is unset: {} cannot send environment {:?} to a cluster without one", plan.origin, meta.name),
        ));
    }
    origin.check("cluster", checks::dns1123_label(&meta.cluster))?;
    if meta.namespace.is_empty() {
        return Err(origin.error(
            "namespace",
            format!(
                "is unset: {} needs the namespace environment {:?} is installed into (its isolation on a shared \
                 cluster)",
                plan.origin, meta.name
            ),
        ));
    }
    origin.check("namespace", checks::dns1123_label(&meta.namespace))?;
    let automated = !plan.manual_sync.contains(&meta.name) && plan.progressive_sync.is_empty();
    Ok(Destination {
        server: plan.cluster_servers.get(&meta.cluster).cloned(),
        environment: meta.name,
        namespace: meta.namespace,
        cluster: meta.cluster,
        automated,
    })
}

/// A list of environment names names only environments of the chart, each once.
fn check_named(plan: &Plan, field: &str, names: &[String], destinations: &[Destination]) -> Result<(), ComposeError> {
    let mut seen = BTreeSet::new();
    for name in names {
        if !destinations.iter().any(|d| &d.environment == name) {
            let known: Vec<&str> = destinations.iter().map(|d| d.environment.as_str()).collect();
            return Err(invalid(
                plan,
                field,
                &format!("{name:?} is not an environment of the chart (its environments: {})", known.join(", ")),
            ));
        }
        if !seen.insert(name) {
            return Err(invalid(plan, field, &format!("names {name:?} twice")));
        }
    }
    Ok(())
}

/// A rollout by environment order must place every environment: one left out would never
/// be synced by the ApplicationSet controller.
fn check_progressive(plan: &Plan, destinations: &[Destination]) -> Result<(), ComposeError> {
    if plan.progressive_sync.is_empty() {
        return Ok(());
    }
    if !plan.manual_sync.is_empty() {
        return Err(invalid(
            plan,
            "manual_sync",
            "is set with progressive_sync, whose controller syncs every environment step by step; use one of them",
        ));
    }
    let missing: Vec<&str> = destinations
        .iter()
        .filter(|d| !plan.progressive_sync.contains(&d.environment))
        .map(|d| d.environment.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(invalid(
            plan,
            "progressive_sync",
            &format!("leaves out {}: a RollingSync step must place every environment", missing.join(", ")),
        ));
    }
    Ok(())
}

/// A server for a cluster no environment runs on is a typo: that cluster would silently be
/// addressed by name.
fn check_servers_named(plan: &Plan, destinations: &[Destination]) -> Result<(), ComposeError> {
    match plan.cluster_servers.keys().find(|cluster| !destinations.iter().any(|d| &d.cluster == *cluster)) {
        Some(cluster) => {
            let clusters: BTreeSet<&str> = destinations.iter().map(|d| d.cluster.as_str()).collect();
            Err(invalid(
                plan,
                "cluster_servers",
                &format!(
                    "{cluster:?} is no environment's cluster (the environments run on {})",
                    clusters.into_iter().collect::<Vec<_>>().join(", ")
                ),
            ))
        }
        None => Ok(()),
    }
}

/// An ApplicationSet has one template: every destination is a server URL, or every one a name.
fn check_one_destination_kind(plan: &Plan, destinations: &[Destination]) -> Result<(), ComposeError> {
    if plan.mode != Mode::Applicationset {
        return Ok(());
    }
    if !plan.manual_sync.is_empty() {
        return Err(invalid(
            plan,
            "manual_sync",
            "is per Application; an ApplicationSet's template syncs every environment alike (use mode = \
             \"applications\", or progressive_sync)",
        ));
    }
    let with_server: Vec<&str> =
        destinations.iter().filter(|d| d.server.is_some()).map(|d| d.cluster.as_str()).collect();
    if !with_server.is_empty() && with_server.len() != destinations.len() {
        let named: BTreeSet<&str> =
            destinations.iter().filter(|d| d.server.is_none()).map(|d| d.cluster.as_str()).collect();
        return Err(invalid(
            plan,
            "cluster_servers",
            &format!(
                "gives no server for {}: an ApplicationSet's one template addresses every cluster by server or every \
                 one by name",
                named.into_iter().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    Ok(())
}

/// Promotion order when progressive sync gives one, else the chart's.
fn order(plan: &Plan, mut destinations: Vec<Destination>) -> Vec<Destination> {
    if !plan.progressive_sync.is_empty() {
        destinations.sort_by_key(|d| plan.progressive_sync.iter().position(|name| name == &d.environment));
    }
    destinations
}

fn invalid(plan: &Plan, field: &str, message: &str) -> ComposeError {
    ComposeError::InvalidField { location: plan.origin.clone(), field: field.into(), message: message.into() }
}
