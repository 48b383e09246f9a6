//! Ingress composition: which apps share an Ingress, and the checks that make sharing safe.

use std::collections::BTreeMap;

use crate::app::App;
use crate::checks;
use crate::error::ComposeError;
use crate::model::{ChartSpec, IngressMode};

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

/// One piece of a host pattern: text as written, or a placeholder filled in per app and
/// environment. The pattern is parsed into these when composing, so it only ever produces a
/// host (checked as one), never template code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPiece {
    Text(String),
    App,
    Domain,
}

/// The chart's ingress_host_pattern, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPattern {
    pieces: Vec<HostPiece>,
}

impl HostPattern {
    /// Parses `{app}` and `{domain}` placeholders and the text between them (lowercase
    /// letters, digits, '-' and '.').
    pub fn parse(pattern: &str) -> Result<HostPattern, String> {
        let mut pieces = Vec::new();
        let mut rest = pattern;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('{') {
                let (name, tail) = after
                    .split_once('}')
                    .ok_or_else(|| format!("{pattern:?} opens a placeholder with '{{' that no '}}' closes"))?;
                pieces.push(match name {
                    "app" => HostPiece::App,
                    "domain" => HostPiece::Domain,
                    other => {
                        return Err(format!(
                            "{pattern:?} has the placeholder {{{other}}}; only {{app}} and {{domain}} exist"
                        ))
                    }
                });
                rest = tail;
            } else {
                let end = rest.find('{').unwrap_or(rest.len());
                let text = &rest[..end];
                if let Some(bad) =
                    text.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || "-.".contains(*c)))
                {
                    return Err(format!(
                        "{pattern:?} holds {bad:?}; between placeholders only lowercase letters, digits, '-' and '.' \
                         may appear (e.g. \"{{app}}.{{domain}}\")"
                    ));
                }
                pieces.push(HostPiece::Text(text.to_string()));
                rest = &rest[end..];
            }
        }
        if pieces.is_empty() {
            return Err("is empty".into());
        }
        Ok(HostPattern { pieces })
    }

    pub fn uses_domain(&self) -> bool {
        self.pieces.contains(&HostPiece::Domain)
    }

    /// The host of `app` under `domain`, checked as an Ingress host.
    pub fn host(&self, app: &str, domain: &str) -> Result<String, String> {
        let host: String = self
            .pieces
            .iter()
            .map(|piece| match piece {
                HostPiece::Text(text) => text.as_str(),
                HostPiece::App => app,
                HostPiece::Domain => domain,
            })
            .collect();
        checks::ingress_host(&host).map(|()| host)
    }
}

/// The chart's host pattern, checked against its default domain: `None` when it has none.
pub fn host_pattern(spec: &ChartSpec) -> Result<Option<HostPattern>, ComposeError> {
    let invalid =
        |what: &str, message: String| ComposeError::InvalidChart { message: format!("chart {what}: {message}") };
    if spec.ingress_host_pattern.is_empty() {
        if !spec.ingress_domain.is_empty() {
            return Err(invalid(
                "ingress_domain",
                "is set but ingress_host_pattern is not; set ingress_host_pattern = \"{app}.{domain}\" to use it"
                    .into(),
            ));
        }
        return Ok(None);
    }
    let pattern = HostPattern::parse(&spec.ingress_host_pattern).map_err(|m| invalid("ingress_host_pattern", m))?;
    if pattern.uses_domain() {
        if spec.ingress_domain.is_empty() {
            return Err(invalid(
                "ingress_domain",
                format!(
                    "is required: ingress_host_pattern {:?} uses {{domain}}; set helm_chart(ingress_domain = \
                     \"example.com\") for the default values (environments may change it)",
                    spec.ingress_host_pattern
                ),
            ));
        }
        checks::ingress_host(&spec.ingress_domain).map_err(|m| invalid("ingress_domain", m))?;
    }
    Ok(Some(pattern))
}

/// Gives every app with an Ingress but no host its host from the chart's pattern under the
/// chart's default domain.
pub fn apply_host_pattern(apps: &mut [App], pattern: Option<&HostPattern>, domain: &str) -> Result<(), ComposeError> {
    for app in apps.iter_mut() {
        let Some(ingress) = app.ingress.as_mut().filter(|i| i.host_from_pattern) else { continue };
        let Some(pattern) = pattern else {
            return Err(ComposeError::InvalidChart {
                message: format!(
                    "{} ({}): ingress.host: is required for an app with an Ingress; set ingress_host, or give the \
                     chart a pattern: helm_chart(ingress_host_pattern = \"{{app}}.{{domain}}\", ingress_domain = \
                     \"example.com\")",
                    app.name, app.target
                ),
            });
        };
        ingress.host = pattern.host(&app.name, domain).map_err(|m| ComposeError::InvalidChart {
            message: format!("chart ingress_host_pattern: for app {:?}: {m}", app.name),
        })?;
    }
    Ok(())
}

/// Groups the apps with an Ingress into Ingress objects for `mode`, refusing two apps that claim
/// the same host and path or set one annotation to different values on a shared Ingress.
pub fn plan(apps: &[App], mode: IngressMode) -> Result<Vec<IngressPlan<'_>>, ComposeError> {
    let external: Vec<&App> = apps.iter().filter(|a| a.ingress.is_some()).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_pattern_is_parsed_into_pieces_and_yields_checked_hosts() {
        let pattern = HostPattern::parse("{app}.apps.{domain}").expect("valid");
        assert_eq!(pattern.pieces, [HostPiece::App, HostPiece::Text(".apps.".into()), HostPiece::Domain]);
        assert!(pattern.uses_domain());
        assert_eq!(pattern.host("web", "example.com").as_deref(), Ok("web.apps.example.com"));
        assert!(pattern.host("web", "EXAMPLE.com").is_err(), "the result is checked as a host");
        assert!(!HostPattern::parse("{app}.example.com").expect("no domain").uses_domain());
        for (bad, why) in [
            ("{app}.{{ .Values }}", "placeholder"),
            ("{app}.{env}", "only {app} and {domain} exist"),
            ("{app}.{domain", "no '}' closes"),
            ("{app} .{domain}", "between placeholders only lowercase letters"),
            ("", "is empty"),
        ] {
            let error = HostPattern::parse(bad).expect_err(bad);
            assert!(error.contains(why), "{bad}: {error}");
        }
    }
}
