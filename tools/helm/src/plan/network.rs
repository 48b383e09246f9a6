//! The paths between apps a chart declares, each opened at both of its ends.
//!
//! An app declares that it calls another in three ways: a sibling address (`sibling_env`,
//! which writes the other app's Service address into its environment), `network_policy.
//! egress_to_apps` (on the caller), or `network_policy.allow_from_apps` (on the callee). Any
//! one of them is a declaration of the whole path: with the chart's default-deny policies a
//! path opened at one end only is as closed as one never declared, so each declaration adds
//! the caller's egress rule and the callee's ingress rule. Both templates read these lists;
//! the validator's reachability check then proves the rendered policies open exactly these
//! paths (`tools/validator/src/reachability`).

use crate::app::{App, AppRef};

/// Completes every app's NetworkPolicy peers so that each declared path is open at both
/// ends. Peers an app names itself keep their order; the ones a declaration elsewhere adds
/// follow, in the (sorted) order of the apps. The names were checked beforehand
/// (`check_network_references`, `check_sibling_addresses`).
pub(super) fn open_declared_paths(apps: &mut [App]) {
    let paths = declared_paths(apps);
    for app in apps.iter_mut() {
        for (caller, callee) in &paths {
            if *caller == app.name {
                add_peer(&mut app.network_policy.egress_to_apps, callee);
            }
            if *callee == app.name {
                add_peer(&mut app.network_policy.allow_from_apps, caller);
            }
        }
    }
}

/// (caller, callee) of every declared path to an app with a port (an app without one has no
/// Service to call; `allow_from_apps` on it admits the caller on any port, and nothing more
/// can be opened at the caller's end, which needs a port).
fn declared_paths(apps: &[App]) -> Vec<(String, String)> {
    let has_port = |name: &str| apps.iter().any(|a| a.name == name && a.port.is_some());
    let mut paths = Vec::new();
    for app in apps {
        let calls = app
            .sibling_env
            .iter()
            .filter(|s| s.in_chart())
            .map(|s| &s.app)
            .chain(app.network_policy.egress_to_apps.iter().map(|p| &p.name));
        paths.extend(calls.map(|callee| (app.name.clone(), callee.clone())));
        if app.port.is_some() {
            paths.extend(app.network_policy.allow_from_apps.iter().map(|p| (p.name.clone(), app.name.clone())));
        }
    }
    paths.retain(|(caller, callee)| caller != callee && has_port(callee));
    paths.sort();
    paths.dedup();
    paths
}

fn add_peer(peers: &mut Vec<AppRef>, name: &str) {
    if !peers.iter().any(|p| p.name == name) {
        peers.push(AppRef { name: name.to_string(), values_key: crate::checks::lower_camel_case(name) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AppMetadata;

    fn app(json: &str) -> App {
        let meta: AppMetadata = serde_json::from_str(json).expect("test metadata parses");
        App::from_metadata(&meta, std::path::Path::new("app.json")).expect("valid app")
    }

    fn api(name: &str, extra: &str) -> App {
        app(&format!(
            r#"{{"name": "{name}", "app_type": "internal-api", "target": "//x:{name}", "image": {{"repository": "r", "tag": "1"}}, "port": 8080{extra}}}"#
        ))
    }

    fn worker(name: &str, extra: &str) -> App {
        app(&format!(
            r#"{{"name": "{name}", "app_type": "worker", "target": "//x:{name}", "image": {{"repository": "r", "tag": "1"}}, "health": {{"command": ["true"]}}{extra}}}"#
        ))
    }

    fn names(peers: &[AppRef]) -> Vec<&str> {
        peers.iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn a_sibling_address_opens_the_callers_egress_and_the_targets_ingress() {
        let mut apps =
            vec![api("api", ""), api("web", r#", "sibling_env": [{"env": "API_URL", "app": "api", "form": "url"}]"#)];
        open_declared_paths(&mut apps);
        assert_eq!(names(&apps[1].network_policy.egress_to_apps), ["api"]);
        assert_eq!(names(&apps[0].network_policy.allow_from_apps), ["web"]);
        assert_eq!(apps[0].network_policy.allow_from_apps[0].values_key, "web");
        assert!(apps[0].network_policy.egress_to_apps.is_empty() && apps[1].network_policy.allow_from_apps.is_empty());
    }

    #[test]
    fn one_end_of_a_path_declares_the_other() {
        let mut apps = vec![
            api("api", r#", "network_policy": {"allow_from_apps": ["batch-worker"]}"#),
            worker("batch-worker", ""),
            worker("report-worker", r#", "network_policy": {"egress_to_apps": ["api"]}"#),
        ];
        open_declared_paths(&mut apps);
        assert_eq!(names(&apps[1].network_policy.egress_to_apps), ["api"]);
        assert_eq!(names(&apps[0].network_policy.allow_from_apps), ["batch-worker", "report-worker"]);
        assert_eq!(apps[2].network_policy.egress_to_apps[0].values_key, "api");
    }

    #[test]
    fn peers_are_added_once_and_never_toward_an_app_without_a_port() {
        let both = r#", "sibling_env": [{"env": "API", "app": "api"}], "network_policy": {"egress_to_apps": ["api"]}"#;
        let mut apps = vec![
            api("api", r#", "network_policy": {"allow_from_apps": ["web"]}"#),
            api("web", both),
            worker("queue-worker", r#", "network_policy": {"allow_from_apps": ["web"]}"#),
        ];
        open_declared_paths(&mut apps);
        assert_eq!(names(&apps[0].network_policy.allow_from_apps), ["web"]);
        assert_eq!(names(&apps[1].network_policy.egress_to_apps), ["api"]);
        // The worker admits web on any port, but has no port web's egress could name.
        assert_eq!(names(&apps[2].network_policy.allow_from_apps), ["web"]);
    }

    #[test]
    fn a_declared_call_to_an_app_without_a_port_opens_nothing() {
        // The composer refuses such a call before (`check_network_references`); the paths
        // themselves never lead to an app without a Service either.
        let mut apps =
            vec![worker("a-worker", r#", "network_policy": {"egress_to_apps": ["b-worker"]}"#), worker("b-worker", "")];
        open_declared_paths(&mut apps);
        assert_eq!(names(&apps[0].network_policy.egress_to_apps), ["b-worker"], "as declared, nothing added");
        assert!(apps[1].network_policy.allow_from_apps.is_empty());
        assert_eq!(declared_paths(&apps), Vec::<(String, String)>::new());
    }
}
