//! `import` on objects given directly (no Helm): which objects make which app and its type.

use std::collections::BTreeMap;
use std::path::PathBuf;

use helm_sdk::ChartMetadata;
use serde_json::{json, Value};

use super::app::{AppType, AttrValue, Attribute};
use super::{import, Imported};
use crate::object::Object;
use crate::render::{Release, RenderedChart};

fn object(kind: &str, name: &str, body: Value) -> Object {
    let mut body = body;
    body["kind"] = json!(kind);
    body["metadata"]["name"] = json!(format!("release-name-{name}"));
    Object { kind: kind.into(), name: format!("release-name-{name}"), template: "shop/templates/x.yaml".into(), body }
}

fn deployment(name: &str) -> Object {
    object("Deployment", name, json!({"spec": {"template": {
        "metadata": {"labels": {"app": name}},
        "spec": {"containers": [{"name": name, "image": "shop:1"}]}}}}))
}

fn service(name: &str, selector: Value) -> Object {
    object("Service", name, json!({"spec": {"selector": selector, "ports": [{"port": 80}]}}))
}

fn ingress(name: &str, rules: Value) -> Object {
    object("Ingress", name, json!({"spec": {"rules": rules}}))
}

fn route(service: &str) -> Value {
    json!({"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": format!("release-name-{service}"), "port": {"number": 80}}}}]})
}

fn run(objects: Vec<Object>) -> Imported {
    let metadata = ChartMetadata { name: "shop".into(), version: "1.0.0".into(), ..ChartMetadata::default() };
    let rendered = RenderedChart { path: PathBuf::from("shop"), metadata, objects };
    import(&rendered, &Release::default(), &BTreeMap::new())
}

fn app_type(imported: &Imported, name: &str) -> AppType {
    imported.apps.iter().find(|a| a.name == name).unwrap_or_else(|| panic!("no app {name}: {:?}", imported.apps)).app_type
}

fn notes(imported: &Imported) -> String {
    imported.notes.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_service_selecting_a_deployments_pods_makes_it_an_internal_api() {
    let imported = run(vec![
        deployment("web"),
        deployment("worker"),
        service("web", json!({"app": "web"})),
        service("other", json!({"app": "web", "tier": "x"})),
    ]);
    assert_eq!(app_type(&imported, "web"), AppType::InternalApi);
    assert_eq!(app_type(&imported, "worker"), AppType::Worker);
    assert!(!notes(&imported).contains("a second Service"), "{}", notes(&imported));
}

#[test]
fn an_empty_selector_selects_no_app() {
    let imported = run(vec![deployment("web"), service("web", json!({}))]);
    assert_eq!(app_type(&imported, "web"), AppType::Worker);
}

#[test]
fn a_second_service_of_one_app_is_not_imported() {
    let imported = run(vec![deployment("web"), service("web", json!({"app": "web"})), service("web2", json!({"app": "web"}))]);
    assert_eq!(app_type(&imported, "web"), AppType::InternalApi);
    assert!(notes(&imported).contains("a second Service of app web: an app has one; not imported"), "{}", notes(&imported));
}

#[test]
fn an_ingress_route_with_a_host_makes_an_external_api_and_a_second_route_is_noted() {
    let mut first = route("web");
    first["host"] = json!("shop.example.com");
    let mut second = route("web");
    second["host"] = json!("other.example.com");
    let imported = run(vec![
        deployment("web"),
        service("web", json!({"app": "web"})),
        ingress("web", json!([{"http": route("elsewhere")}, {"host": "shop.example.com", "http": first}, {"host": "other.example.com", "http": second}])),
    ]);
    assert_eq!(app_type(&imported, "web"), AppType::ExternalApi);
    let web = imported.apps.iter().find(|a| a.name == "web").unwrap();
    assert_eq!(web.get(Attribute::IngressHost), Some(&AttrValue::Str("shop.example.com".into())));
    let notes = notes(&imported);
    // The note is on the route not taken (the third rule), not on the one imported.
    let other = "Ingress/web spec.rules[2].http.paths[0]: another route to app web: an external-api has one host and path; not imported";
    assert!(notes.contains(other), "{notes}");
    assert_eq!(notes.matches("another route to app web").count(), 1, "{notes}");
}

#[test]
fn a_route_without_a_host_keeps_an_internal_api_with_a_note() {
    let imported = run(vec![
        deployment("web"),
        service("web", json!({"app": "web"})),
        ingress("web", json!([{"http": route("web")}])),
    ]);
    assert_eq!(app_type(&imported, "web"), AppType::InternalApi);
    let notes = notes(&imported);
    assert!(notes.contains("routes to app web without a host, which the rules require: it is imported as an internal-api"), "{notes}");
}

#[test]
fn the_autoscaler_and_budget_of_the_deployment_are_its_own() {
    let hpa = |name: &str, kind: &str, target: &str| {
        object("HorizontalPodAutoscaler", name, json!({"spec": {"scaleTargetRef": {"kind": kind, "name": format!("release-name-{target}")}, "minReplicas": 2, "maxReplicas": 5}}))
    };
    let pdb = |name: &str, selector: Value| object("PodDisruptionBudget", name, json!({"spec": {"selector": selector, "minAvailable": 1}}));
    let imported = run(vec![
        deployment("web"),
        hpa("other-kind", "StatefulSet", "web"),
        hpa("other-name", "Deployment", "db"),
        hpa("web", "Deployment", "web"),
        pdb("expressions", json!({"matchLabels": {"app": "web"}, "matchExpressions": []})),
        pdb("other", json!({"matchLabels": {"app": "db"}})),
        pdb("web", json!({"matchLabels": {"app": "web"}})),
    ]);
    let web = imported.apps.iter().find(|a| a.name == "web").unwrap();
    assert!(web.sources.contains(&"HorizontalPodAutoscaler/web".to_string()), "{:?}", web.sources);
    assert!(web.sources.contains(&"PodDisruptionBudget/web".to_string()), "{:?}", web.sources);
    assert_eq!(web.sources.len(), 3, "{:?}", web.sources);
    assert_eq!(web.get(Attribute::AutoscalingMaxReplicas), Some(&AttrValue::Int(5)));
    assert_eq!(web.get(Attribute::PdbMinAvailable), Some(&AttrValue::Str("1".into())));
}
