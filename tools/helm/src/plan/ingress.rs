//! Ingress composition: which apps share an Ingress, and the checks that make sharing safe.

use std::collections::BTreeMap;

use crate::app::App;
use crate::error::ComposeError;
use crate::model::{AppType, IngressMode};

/// One Ingress object: its name part and the external APIs it routes to.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressPlan<'a> {
    /// File and object name part: the app's name, or `ingress` for the shared one.
    pub name: String,
    pub apps: Vec<&'a App>,
    /// Whether the chart-wide settings (`ingress.*` in values) hold its annotations.
    pub shared: bool,
    /// Annotations of the object, merged from its apps.
    pub annotations: BTreeMap<String, String>,
}

/// Groups the external APIs into Ingress objects for `mode`, refusing two apps that claim
/// the same host and path or set one annotation to different values on a shared Ingress.
pub fn plan(apps: &[App], mode: IngressMode) -> Result<Vec<IngressPlan<'_>>, ComposeError> {
    let external: Vec<&App> = apps.iter().filter(|a| a.app_type == AppType::ExternalApi).collect();
    check_routes_unique(&external)?;
    match mode {
        IngressMode::PerApp => external
            .into_iter()
            .map(|app| {
                let annotations = merged_annotations(&[app])?;
                Ok(IngressPlan { name: app.name.clone(), shared: false, annotations, apps: vec![app] })
            })
            .collect(),
        IngressMode::Single if external.is_empty() => Ok(Vec::new()),
        IngressMode::Single => Ok(vec![IngressPlan {
            name: "ingress".into(),
            shared: true,
            annotations: merged_annotations(&external)?,
            apps: external,
        }]),
    }
}

fn route(app: &App) -> Option<(&str, &str)> {
    app.ingress.as_ref().map(|i| (i.host.as_str(), i.path.as_str()))
}

fn check_routes_unique(apps: &[&App]) -> Result<(), ComposeError> {
    let mut claimed: BTreeMap<(&str, &str), &App> = BTreeMap::new();
    for app in apps {
        let Some(route) = route(app) else { continue };
        if let Some(other) = claimed.insert(route, app) {
            return Err(ComposeError::InvalidChart {
                message: format!(
                    "ingress collision: {} ({}) and {} ({}) both route host {:?} path {:?}",
                    other.name, other.target, app.name, app.target, route.0, route.1
                ),
            });
        }
    }
    Ok(())
}

fn merged_annotations(apps: &[&App]) -> Result<BTreeMap<String, String>, ComposeError> {
    let mut merged: BTreeMap<String, (String, &App)> = BTreeMap::new();
    for app in apps {
        for (key, value) in app.ingress.iter().flat_map(|i| &i.annotations) {
            match merged.get(key) {
                Some((existing, owner)) if existing != value => {
                    return Err(ComposeError::InvalidChart {
                        message: format!(
                            "ingress annotation {key:?} is {existing:?} for {} ({}) but {value:?} for {} ({}); \
                             a shared Ingress has one value per annotation (or use ingress_mode = \"per-app\")",
                            owner.name, owner.target, app.name, app.target
                        ),
                    })
                }
                _ => {
                    merged.insert(key.clone(), (value.clone(), app));
                }
            }
        }
    }
    Ok(merged.into_iter().map(|(k, (v, _))| (k, v)).collect())
}
