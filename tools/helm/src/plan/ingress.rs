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

    /// An external API named `name` (target `//x:<name>`) with the ingress metadata given.
    fn api(name: &str, ingress: serde_json::Value) -> App {
        let meta: crate::model::AppMetadata = serde_json::from_value(serde_json::json!({
            "name": name, "target": format!("//x:{name}"), "app_type": "external-api",
            "image": {"repository": "r", "tag": "1"}, "port": 8080, "ingress": ingress,
        }))
        .expect("test metadata parses");
        App::from_metadata(&meta, std::path::Path::new("x.json")).expect("a valid app")
    }

    fn worker(name: &str) -> App {
        let meta: crate::model::AppMetadata = serde_json::from_value(serde_json::json!({
            "name": name, "app_type": "worker", "image": {"repository": "r", "tag": "1"},
            "health": {"probe": "exec", "command": ["true"]},
        }))
        .expect("test metadata parses");
        App::from_metadata(&meta, std::path::Path::new("x.json")).expect("a valid app")
    }

    fn message(error: ComposeError) -> String {
        error.to_string()
    }

    #[test]
    fn the_text_of_a_host_pattern_takes_lowercase_letters_digits_dashes_and_dots() {
        let pattern = HostPattern::parse("{app}-9.a{domain}").expect("valid");
        assert_eq!(pattern.host("web", "example.com").as_deref(), Ok("web-9.aexample.com"));
        assert_eq!(
            HostPattern::parse("web.example.com").expect("no placeholder").host("x", "y").as_deref(),
            Ok("web.example.com")
        );
        for bad in ["{app}_x", "{app}.Example.com", "{app}/x", "{app}:1"] {
            let error = HostPattern::parse(bad).expect_err(bad);
            assert!(error.contains("between placeholders only lowercase letters"), "{bad}: {error}");
        }
    }

    #[test]
    fn a_chart_host_pattern_and_its_domain_are_checked_together() {
        let mut spec = ChartSpec::for_tests();
        assert_eq!(host_pattern(&spec).expect("neither set"), None);
        spec.ingress_domain = "example.com".into();
        let error = message(host_pattern(&spec).expect_err("a domain without a pattern"));
        assert!(error.starts_with("chart ingress_domain: is set but ingress_host_pattern is not"), "{error}");
        spec.ingress_host_pattern = "{app}.{domain}".into();
        let pattern = host_pattern(&spec).expect("both set").expect("a pattern");
        assert_eq!(pattern.host("web", "example.com").as_deref(), Ok("web.example.com"));
        spec.ingress_domain = "Example.com".into();
        let error = message(host_pattern(&spec).expect_err("not a host"));
        assert!(error.starts_with("chart ingress_domain: "), "{error}");
        spec.ingress_domain = String::new();
        let error = message(host_pattern(&spec).expect_err("the pattern needs a domain"));
        assert!(
            error.contains("chart ingress_domain: is required: ingress_host_pattern \"{app}.{domain}\""),
            "{error}"
        );
        spec.ingress_host_pattern = "{app}.example.com".into();
        assert_eq!(
            host_pattern(&spec).expect("no domain needed"),
            Some(HostPattern::parse("{app}.example.com").unwrap())
        );
        spec.ingress_host_pattern = "{app}.{env}".into();
        let error = message(host_pattern(&spec).expect_err("unknown placeholder"));
        assert!(error.starts_with("chart ingress_host_pattern: "), "{error}");
    }

    #[test]
    fn apps_without_a_host_take_it_from_the_pattern() {
        let mut apps = [
            api("web", serde_json::json!({})),
            api("own", serde_json::json!({"host": "own.example.org"})),
            worker("w"),
        ];
        let pattern = HostPattern::parse("{app}.{domain}").unwrap();
        apply_host_pattern(&mut apps, Some(&pattern), "example.com").expect("hosts");
        let hosts: Vec<Option<&str>> = apps.iter().map(|a| a.ingress.as_ref().map(|i| i.host.as_str())).collect();
        assert_eq!(hosts, [Some("web.example.com"), Some("own.example.org"), None]);
        let mut apps = [api("web", serde_json::json!({}))];
        let error = message(apply_host_pattern(&mut apps, None, "").expect_err("no pattern"));
        assert!(error.starts_with("web (//x:web): ingress.host: is required for an app with an Ingress"), "{error}");
        let error = message(apply_host_pattern(&mut apps, Some(&pattern), "-bad.com").expect_err("not a host"));
        assert!(error.starts_with("chart ingress_host_pattern: for app \"web\": "), "{error}");
    }

    #[test]
    fn apps_share_one_ingress_or_get_one_each() {
        let apps = [
            api("a", serde_json::json!({"host": "a.example.com", "annotations": {"x": "1", "y": "2"}})),
            worker("w"),
            api("b", serde_json::json!({"host": "a.example.com", "path": "/b", "annotations": {"x": "1"}})),
        ];
        // Name, shared, apps and annotations of each plan.
        type Summary = (String, bool, Vec<String>, BTreeMap<String, String>);
        let summary = |plans: Vec<IngressPlan>| -> Vec<Summary> {
            plans
                .into_iter()
                .map(|p| (p.name, p.shared, p.apps.iter().map(|a| a.name.clone()).collect(), p.annotations))
                .collect()
        };
        let annotations = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(
            summary(plan(&apps, IngressMode::Single).expect("one shared Ingress")),
            [(
                "ingress".to_string(),
                true,
                vec!["a".to_string(), "b".to_string()],
                annotations(&[("x", "1"), ("y", "2")])
            )]
        );
        assert_eq!(
            summary(plan(&apps, IngressMode::PerApp).expect("one Ingress each")),
            [
                ("a".to_string(), false, vec!["a".to_string()], annotations(&[("x", "1"), ("y", "2")])),
                ("b".to_string(), false, vec!["b".to_string()], annotations(&[("x", "1")])),
            ]
        );
        assert!(plan(&[worker("w")], IngressMode::Single).expect("no Ingress").is_empty());
    }

    #[test]
    fn a_shared_ingress_refuses_two_values_of_one_annotation_and_one_route_twice() {
        let apps = [
            api("a", serde_json::json!({"host": "a.example.com", "annotations": {"x": "1"}})),
            api("b", serde_json::json!({"host": "b.example.com", "annotations": {"x": "2"}})),
        ];
        let error = message(plan(&apps, IngressMode::Single).expect_err("two values of x"));
        assert!(
            error.starts_with("ingress annotation \"x\" is \"1\" for a (//x:a) but \"2\" for b (//x:b)"),
            "{error}"
        );
        assert_eq!(plan(&apps, IngressMode::PerApp).expect("separate objects").len(), 2);
        let apps = [
            api("a", serde_json::json!({"host": "a.example.com", "path": "/x"})),
            api("b", serde_json::json!({"host": "a.example.com", "path": "/x"})),
        ];
        for mode in [IngressMode::Single, IngressMode::PerApp] {
            let error = message(plan(&apps, mode).expect_err("one route twice"));
            assert_eq!(
                error,
                "ingress collision: a (//x:a) and b (//x:b) both route host \"a.example.com\" path \"/x\""
            );
        }
    }
}
