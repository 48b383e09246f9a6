//! Gateway API routing: instead of Ingress objects, HTTPRoutes (GRPCRoutes for gRPC apps)
//! attached to a Gateway the platform runs, chosen per environment.
//!
//! The routes are grouped as the Ingress objects are (`ingress_mode`: one per app, or shared
//! by the chart), live in the release namespace next to the Services they send traffic to,
//! and attach to a Gateway in its own namespace. Gateway API needs no ReferenceGrant for that:
//! a ReferenceGrant admits a reference *to* an object in another namespace (a backend Service,
//! a certificate Secret), while a route attaching to another namespace's Gateway is admitted
//! by the Gateway's listener (`allowedRoutes.namespaces`), which the platform team sets.
//! So the chart renders none, and its NetworkPolicies admit the Gateway's namespace to the
//! routed apps instead of the ingress controller's.

use serde::Serialize;

use crate::app::App;
use crate::checks;
use crate::error::ComposeError;
use crate::model::{ChartSpec, GatewayMetadata, IngressApi, Protocol};
use crate::plan::environment::{check_gateway, Environment, IngressOverlay};
use crate::plan::ingress::IngressPlan;

/// Kinds of route, one template each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    Http,
    Grpc,
}

impl RouteKind {
    pub fn file_stem(self) -> &'static str {
        match self {
            RouteKind::Http => "httproute",
            RouteKind::Grpc => "grpcroute",
        }
    }

    fn of(app: &App) -> RouteKind {
        if app.protocol == Protocol::Grpc {
            RouteKind::Grpc
        } else {
            RouteKind::Http
        }
    }
}

/// The routes of one Ingress plan of one kind: a template renders one route per host among
/// them (a route's rules apply to every one of its hostnames, so apps on different hosts
/// never share one).
#[derive(Debug, Serialize)]
pub struct RoutePlan<'a> {
    #[serde(skip)]
    pub kind: RouteKind,
    #[serde(skip)]
    pub path: String,
    pub apps: Vec<&'a App>,
}

/// The route files of the Ingress plans, for a chart that routes through a Gateway anywhere.
pub fn plan<'a>(ingresses: &[IngressPlan<'a>]) -> Vec<RoutePlan<'a>> {
    let mut routes = Vec::new();
    for ingress in ingresses {
        for kind in [RouteKind::Http, RouteKind::Grpc] {
            let apps: Vec<&App> = ingress.apps.iter().copied().filter(|a| RouteKind::of(a) == kind).collect();
            if apps.is_empty() {
                continue;
            }
            let path = if ingress.shared {
                format!("templates/{}.yaml", kind.file_stem())
            } else {
                format!("templates/{}-{}.yaml", ingress.name, kind.file_stem())
            };
            routes.push(RoutePlan { kind, path, apps });
        }
    }
    routes
}

/// A Gateway routes attach to: both its name and namespace (a route's parentRef must name
/// the namespace the Gateway is in; the release namespace is rarely it).
fn check_complete(gateway: &GatewayMetadata) -> Result<(), (&'static str, String)> {
    if gateway.name.is_empty() {
        return Err(("gateway.name", "is required to route through a Gateway".into()));
    }
    if gateway.namespace.is_empty() {
        return Err((
            "gateway.namespace",
            "is required: the namespace the Gateway is in (routes stay in the release namespace)".into(),
        ));
    }
    Ok(())
}

/// The chart's Ingress class and Gateway.
pub fn check_chart(spec: &ChartSpec, has_ingress: bool) -> Result<(), ComposeError> {
    let invalid =
        |field: &str, message: String| ComposeError::InvalidChart { message: format!("chart {field}: {message}") };
    let routing = &spec.routing;
    if !has_ingress && (routing.gateway.is_set() || !routing.ingress_class.is_empty()) {
        let field = if routing.gateway.is_set() { "gateway" } else { "ingress_class" };
        return Err(invalid(field, "is set but no app of the chart has an Ingress (an external-api)".into()));
    }
    if !routing.ingress_class.is_empty() {
        checks::dns_subdomain(&routing.ingress_class).map_err(|m| invalid("ingress_class", m))?;
    }
    check_gateway(&routing.gateway).map_err(|(field, m)| invalid(field, m))?;
    if routing.gateway.is_set() {
        check_complete(&routing.gateway).map_err(|(field, m)| invalid(field, m))?;
    }
    Ok(())
}

/// Whether the default values route through a Gateway.
pub fn chart_api(spec: &ChartSpec) -> IngressApi {
    if spec.routing.gateway.is_set() {
        IngressApi::Gateway
    } else {
        IngressApi::Ingress
    }
}

/// Resolves each environment's routing against the chart's: its API (given, or gateway when
/// it or the chart names a Gateway), its Gateway (its fields over the chart's, complete when
/// it routes through one), and what its values file changes. Errors name the environment and
/// the field.
pub fn resolve_environments(
    spec: &ChartSpec,
    apps: &[App],
    environments: &mut [Environment],
) -> Result<(), ComposeError> {
    let has_ingress = apps.iter().any(|a| a.ingress.is_some());
    let default_api = chart_api(spec);
    for env in environments.iter_mut() {
        let error = |field: &str, message: String| ComposeError::InvalidField {
            location: env.origin.clone(),
            field: field.into(),
            message,
        };
        let routing = &env.routing;
        let says_something = routing.api.is_some()
            || routing.gateway.is_set()
            || !routing.ingress_class.is_empty()
            || !routing.tls_secret.is_empty();
        if !has_ingress {
            if says_something {
                return Err(error(
                    "ingress",
                    "ingress_api, gateway, ingress_class and ingress_tls_secret need an app with an Ingress (an \
                     external-api); this chart has none"
                        .into(),
                ));
            }
            continue;
        }
        let api =
            match (routing.api, routing.gateway.is_set()) {
                (Some(IngressApi::Ingress), true) => return Err(error(
                    "gateway",
                    "is set but ingress_api is \"ingress\": routes through a Gateway need ingress_api = \"gateway\" \
                     (or unset)"
                        .into(),
                )),
                (Some(api), _) => api,
                (None, true) => IngressApi::Gateway,
                (None, false) => default_api,
            };
        let merged = merged_gateway(&spec.routing.gateway, &routing.gateway);
        if api == IngressApi::Gateway {
            check_complete(&merged).map_err(|(field, m)| {
                error(field, format!("{m}; set it on this environment or on the chart (helm_chart gateway)"))
            })?;
        }
        // The Gateway's listener holds the class and the certificate: an environment's own
        // Ingress settings would be written and never read.
        if api == IngressApi::Gateway {
            for (field, value) in
                [("ingress_class", &routing.ingress_class), ("ingress_tls_secret", &routing.tls_secret)]
            {
                if !value.is_empty() {
                    return Err(error(
                        field,
                        "is set but this environment routes through a Gateway, whose listener holds the class and \
                         the certificate: the Ingress settings would be ignored; remove it, or set ingress_api = \
                         \"ingress\""
                            .into(),
                    ));
                }
            }
        }
        if !env.ingress_tls && !routing.tls_secret.is_empty() {
            return Err(error(
                "ingress_tls_secret",
                "is set but ingress_tls is False (plain HTTP); set one of them".into(),
            ));
        }
        let overlay = IngressOverlay {
            class_name: Some(routing.ingress_class.clone()).filter(|c| !c.is_empty()),
            tls_secret: if env.ingress_tls {
                Some(routing.tls_secret.clone()).filter(|s| !s.is_empty())
            } else {
                Some(String::new())
            },
            api: (api != default_api).then_some(api.as_str()),
            gateway: Some(routing.gateway.clone()).filter(GatewayMetadata::is_set),
        };
        env.routes_through_gateway = api == IngressApi::Gateway;
        env.ingress = Some(overlay).filter(|o| !o.changes_nothing());
    }
    Ok(())
}

/// The environment's Gateway fields over the chart's.
fn merged_gateway(chart: &GatewayMetadata, env: &GatewayMetadata) -> GatewayMetadata {
    let pick = |env: &String, chart: &String| if env.is_empty() { chart.clone() } else { env.clone() };
    GatewayMetadata {
        name: pick(&env.name, &chart.name),
        namespace: pick(&env.namespace, &chart.namespace),
        section_name: pick(&env.section_name, &chart.section_name),
    }
}

/// Apps a route cannot carry, refused once the chart routes through a Gateway anywhere: a
/// tcp app (TCPRoute is not in Gateway API's standard channel), a gRPC app with a path (a
/// GRPCRoute matches services and methods, not paths) or a timeout (GRPCRoute has none).
pub fn check_routable(apps: &[App]) -> Result<(), ComposeError> {
    for app in apps {
        let Some(ingress) = &app.ingress else { continue };
        let refuse = |field: &str, message: &str| ComposeError::InvalidChart {
            message: format!("{} ({}): {field}: {message}", app.name, app.target),
        };
        match app.protocol {
            Protocol::Tcp => {
                return Err(refuse(
                    "protocol",
                    "tcp has no route in Gateway API's standard channel (TCPRoute is experimental); a chart that \
                     routes through a Gateway in any environment routes http and grpc apps only",
                ))
            }
            Protocol::Grpc if ingress.path != "/" => {
                return Err(refuse(
                    "ingress.path",
                    "a gRPC app's GRPCRoute matches gRPC services, not paths; leave the path unset (\"/\") when the \
                     chart routes through a Gateway",
                ))
            }
            Protocol::Grpc if !ingress.timeout.is_empty() => {
                return Err(refuse("ingress.timeout", "GRPCRoute has no timeouts; leave it unset for a gRPC app"))
            }
            _ => {}
        }
    }
    Ok(())
}

/// A DNS-1123 subdomain, or empty.
const SUBDOMAIN_OR_EMPTY: &str = "^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
/// A DNS-1123 label, or empty.
const LABEL_OR_EMPTY: &str = "^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
/// A Gateway API duration, as its CRDs accept it.
const DURATION: &str = "^([0-9]{1,5}(h|m|s|ms)){1,4}$";

/// Types what a chart routing through a Gateway adds to its values: `ingress.api`,
/// `ingress.gateway` (name and namespace required while api is gateway) and each routed
/// app's `ingress.timeout`.
pub fn type_values(schema: &mut serde_json::Value, apps: &[App]) {
    use serde_json::json;
    if let Some(ingress) = schema.pointer_mut("/properties/ingress") {
        ingress["properties"]["api"] = json!({
            "description": "What routes traffic to the external APIs: ingress (Ingress objects) or gateway (HTTPRoutes and GRPCRoutes attached to ingress.gateway).",
            "type": "string",
            "enum": ["ingress", "gateway"]
        });
        ingress["properties"]["gateway"] = json!({
            "description": "The Gateway the routes attach to (api gateway).",
            "type": "object",
            "additionalProperties": false,
            "required": ["name", "namespace", "sectionName"],
            "properties": {
                "name": {"description": "Name of the Gateway.", "type": "string", "maxLength": 253, "pattern": SUBDOMAIN_OR_EMPTY},
                "namespace": {"description": "Namespace of the Gateway (admitted by the NetworkPolicies).", "type": "string", "maxLength": 63, "pattern": LABEL_OR_EMPTY},
                "sectionName": {"description": "Listener of the Gateway; empty: every listener that admits the routes.", "type": "string", "maxLength": 253, "pattern": SUBDOMAIN_OR_EMPTY}
            }
        });
        ingress["if"] = json!({"required": ["api"], "properties": {"api": {"const": "gateway"}}});
        ingress["then"] = json!({"properties": {"gateway": {"properties": {
            "name": {"minLength": 1}, "namespace": {"minLength": 1}
        }}}});
        if let Some(required) = ingress["required"].as_array_mut() {
            required.extend([json!("api"), json!("gateway")]);
        }
    }
    for app in apps.iter().filter(|a| a.ingress.is_some() && a.protocol != Protocol::Grpc) {
        // Apps of one shape share a definition (`$ref`), which then takes the timeout.
        let app_pointer = format!("/properties/apps/properties/{}", app.values_key);
        let shared = schema.pointer(&app_pointer).and_then(|a| a.get("$ref")).and_then(|r| r.as_str());
        let app_pointer = match shared.and_then(|r| r.strip_prefix('#')) {
            Some(definition) => definition.to_string(),
            None => app_pointer,
        };
        if let Some(properties) = schema.pointer_mut(&format!("{app_pointer}/properties/ingress/properties")) {
            properties["timeout"] = json!({
                "description": "Request timeout of the app's HTTPRoute rule (a Gateway API duration); absent: the Gateway's default.",
                "type": "string",
                "pattern": DURATION
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;

    use super::*;
    use crate::model::{AppMetadata, IngressMode};
    use crate::plan::{environment, ingress};

    fn app(json: serde_json::Value) -> App {
        let meta: AppMetadata = serde_json::from_value(json).expect("parses");
        App::from_metadata(&meta, Path::new("x.json")).expect("valid")
    }

    fn apps() -> Vec<App> {
        vec![
            app(serde_json::json!({
                "name": "web", "target": "//x:web", "app_type": "external-api", "image": {"repository": "r", "tag": "1"},
                "port": 8080, "ingress": {"host": "example.com", "timeout": "30s"}
            })),
            app(serde_json::json!({
                "name": "grpc-api", "target": "//x:grpc", "app_type": "external-api", "protocol": "grpc",
                "image": {"repository": "r", "tag": "1"}, "port": 50051, "ingress": {"host": "grpc.example.com"}
            })),
        ]
    }

    fn gateway(name: &str, namespace: &str) -> GatewayMetadata {
        GatewayMetadata { name: name.into(), namespace: namespace.into(), section_name: String::new() }
    }

    fn environments(
        spec: &ChartSpec,
        apps: &[App],
        envs: &[serde_json::Value],
    ) -> Result<Vec<Environment>, ComposeError> {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut loaded = Vec::new();
        for env in envs {
            let file = dir.path().join("env.json");
            fs::write(&file, env.to_string()).expect("write");
            loaded.push(environment::load(&file, apps, None)?);
        }
        resolve_environments(spec, apps, &mut loaded)?;
        Ok(loaded)
    }

    #[test]
    fn an_environment_naming_a_gateway_routes_through_it_and_others_keep_the_ingress() {
        let spec = ChartSpec::for_tests();
        let envs = environments(
            &spec,
            &apps(),
            &[
                serde_json::json!({"name": "staging", "gateway": {"name": "shared", "namespace": "gateway-system", "section_name": "https"}}),
                serde_json::json!({"name": "dev", "ingress_class": "internal", "ingress_tls": false}),
                serde_json::json!({"name": "prod", "ingress_tls_secret": "wildcard-tls"}),
                serde_json::json!({"name": "qa"}),
            ],
        )
        .expect("valid");
        let staging = envs[0].ingress.as_ref().expect("changes");
        assert!(envs[0].routes_through_gateway);
        assert_eq!(
            (staging.api, staging.gateway.as_ref().map(|g| g.section_name.as_str())),
            (Some("gateway"), Some("https"))
        );
        let dev = envs[1].ingress.as_ref().expect("changes");
        assert_eq!((dev.class_name.as_deref(), dev.tls_secret.as_deref(), dev.api), (Some("internal"), Some(""), None));
        assert_eq!(envs[2].ingress.as_ref().and_then(|i| i.tls_secret.as_deref()), Some("wildcard-tls"));
        assert!(envs[3].ingress.is_none() && !envs[3].routes_through_gateway, "qa changes nothing");
    }

    #[test]
    fn a_chart_on_a_gateway_lets_an_environment_return_to_the_ingress() {
        let mut spec = ChartSpec::for_tests();
        spec.routing.gateway = gateway("shared", "gateway-system");
        assert_eq!(chart_api(&spec), IngressApi::Gateway);
        let envs = environments(
            &spec,
            &apps(),
            &[
                serde_json::json!({"name": "prod", "ingress_api": "ingress"}),
                serde_json::json!({"name": "qa", "gateway": {"section_name": "qa"}}),
            ],
        )
        .expect("valid");
        assert_eq!(
            (envs[0].ingress.as_ref().and_then(|i| i.api), envs[0].routes_through_gateway),
            (Some("ingress"), false)
        );
        let qa = envs[1].ingress.as_ref().expect("changes the listener");
        assert_eq!((qa.api, qa.gateway.as_ref().map(|g| g.name.as_str())), (None, Some("")), "the chart's name stays");
        assert!(envs[1].routes_through_gateway);
    }

    #[test]
    fn environment_routing_errors_name_the_environment_and_field() {
        let spec = ChartSpec::for_tests();
        let error = |env: serde_json::Value| environments(&spec, &apps(), &[env]).expect_err("refused").to_string();
        let cases = [
            (serde_json::json!({"name": "s", "gateway": {"name": "shared"}}), "field `gateway.namespace`: is required: the namespace the Gateway is in"),
            (serde_json::json!({"name": "s", "ingress_api": "gateway"}), "field `gateway.name`: is required to route through a Gateway; set it on this environment or on the chart"),
            (serde_json::json!({"name": "s", "ingress_api": "ingress", "gateway": {"name": "g", "namespace": "n"}}), "field `gateway`: is set but ingress_api is \"ingress\""),
            (serde_json::json!({"name": "s", "gateway": {"name": "Shared", "namespace": "n"}}), "field `gateway.name`: \"Shared\""),
            (serde_json::json!({"name": "s", "gateway": {"name": "g", "namespace": "gw.system"}}), "field `gateway.namespace`"),
            (serde_json::json!({"name": "s", "gateway": {"name": "g", "namespace": "n", "section_name": "{{ x }}"}}), "field `gateway.section_name`"),
            (serde_json::json!({"name": "s", "gateway": {"name": "g", "namespace": "n", "listener": "x"}}), "unknown field `listener`"),
            (serde_json::json!({"name": "s", "ingress_class": "a b"}), "field `ingress_class`"),
            (serde_json::json!({"name": "s", "ingress_tls_secret": "t", "ingress_tls": false}), "field `ingress_tls_secret`: is set but ingress_tls is False"),
            (serde_json::json!({"name": "s", "gateway": {"name": "g", "namespace": "n"}, "ingress_class": "public"}), "field `ingress_class`: is set but this environment routes through a Gateway"),
            (serde_json::json!({"name": "s", "ingress_api": "gateway", "gateway": {"name": "g", "namespace": "n"}, "ingress_tls_secret": "t"}), "field `ingress_tls_secret`: is set but this environment routes through a Gateway"),
        ];
        for (env, expected) in cases {
            let message = error(env.clone());
            assert!(message.contains(expected), "{env}: {message}");
        }
        let workers = [app(serde_json::json!({
            "name": "w", "app_type": "worker", "image": {"repository": "r", "tag": "1"},
            "policy_exceptions": {"probes": "serves nothing"}
        }))];
        // Each routing setting alone is refused without an Ingress to route.
        let settings = [
            serde_json::json!({"name": "s", "ingress_class": "x"}),
            serde_json::json!({"name": "s", "ingress_api": "ingress"}),
            serde_json::json!({"name": "s", "gateway": {"name": "g", "namespace": "n"}}),
            serde_json::json!({"name": "s", "ingress_tls_secret": "t"}),
        ];
        for env in settings {
            let message = environments(&spec, &workers, &[env.clone()]).expect_err("no ingress").to_string();
            assert!(message.contains("field `ingress`: ingress_api, gateway, ingress_class and ingress_tls_secret need an app with an Ingress"), "{env}: {message}");
        }
        environments(&spec, &workers, &[serde_json::json!({"name": "s"})]).expect("an environment silent on routing");
    }

    #[test]
    fn the_chart_gateway_is_complete_and_needs_an_ingress() {
        let mut spec = ChartSpec::for_tests();
        spec.routing.gateway = gateway("shared", "");
        let error = check_chart(&spec, true).expect_err("no namespace").to_string();
        assert!(error.starts_with("chart gateway.namespace: is required"), "{error}");
        spec.routing.gateway = gateway("shared", "gateway-system");
        check_chart(&spec, true).expect("complete");
        let error = check_chart(&spec, false).expect_err("no ingress").to_string();
        assert_eq!(error, "chart gateway: is set but no app of the chart has an Ingress (an external-api)");
        spec.routing = Default::default();
        spec.routing.ingress_class = "Public".into();
        assert!(check_chart(&spec, true).expect_err("class").to_string().starts_with("chart ingress_class: "));
    }

    #[test]
    fn routes_follow_the_ingress_grouping_one_kind_per_template() {
        let apps = apps();
        let shared = ingress::plan(&apps, IngressMode::Single).expect("plan");
        let routes: Vec<_> = plan(&shared).iter().map(|r| (r.path.clone(), r.apps.len())).collect();
        assert_eq!(routes, [("templates/httproute.yaml".to_string(), 1), ("templates/grpcroute.yaml".to_string(), 1)]);
        let per_app = ingress::plan(&apps, IngressMode::PerApp).expect("plan");
        let paths: Vec<_> = plan(&per_app).iter().map(|r| r.path.clone()).collect();
        assert_eq!(
            paths,
            ["templates/web-httproute.yaml", "templates/grpc-api-grpcroute.yaml"],
            "in the order of the apps"
        );
    }

    #[test]
    fn apps_a_route_cannot_carry_are_refused_naming_the_field() {
        check_routable(&apps()).expect("http with a timeout, grpc at /");
        let refused = [
            (
                serde_json::json!({"protocol": "tcp", "port": 5432, "ingress": {"host": "db.example.com"}}),
                "protocol: tcp has no route",
            ),
            (
                serde_json::json!({"protocol": "grpc", "port": 50051, "ingress": {"host": "a.example.com", "path": "/pkg.Svc"}}),
                "ingress.path: a gRPC app's GRPCRoute matches gRPC services",
            ),
            (
                serde_json::json!({"protocol": "grpc", "port": 50051, "ingress": {"host": "a.example.com", "timeout": "5s"}}),
                "ingress.timeout: GRPCRoute has no timeouts",
            ),
        ];
        for (fields, expected) in refused {
            let mut meta = serde_json::json!({"name": "a", "target": "//x:a", "app_type": "external-api", "image": {"repository": "r", "tag": "1"}});
            meta.as_object_mut().expect("object").extend(fields.as_object().expect("object").clone());
            let error = check_routable(&[app(meta)]).expect_err(expected).to_string();
            assert!(error.starts_with("a (//x:a): ") && error.contains(expected), "{error}");
        }
    }

    #[test]
    fn the_timeout_is_typed_for_routed_apps_other_than_grpc() {
        // An app's values with an `ingress` object, as values_schema writes them.
        let app =
            serde_json::json!({"type": "object", "properties": {"ingress": {"type": "object", "properties": {}}}});
        let mut schema = serde_json::json!({"properties": {
            "ingress": {"type": "object", "properties": {}, "required": ["className"]},
            "apps": {"properties": {"web": app.clone(), "grpcApi": app}}
        }});
        type_values(&mut schema, &apps());
        let timeout = |key: &str| {
            schema.pointer(&format!("/properties/apps/properties/{key}/properties/ingress/properties/timeout")).cloned()
        };
        assert_eq!(timeout("web").and_then(|t| t.get("pattern").cloned()), Some(serde_json::json!(DURATION)));
        assert_eq!(timeout("grpcApi"), None, "GRPCRoute has no timeouts");
        assert_eq!(
            schema.pointer("/properties/ingress/required"),
            Some(&serde_json::json!(["className", "api", "gateway"]))
        );
        assert_eq!(
            schema.pointer("/properties/ingress/properties/api/enum"),
            Some(&serde_json::json!(["ingress", "gateway"]))
        );
    }
}
