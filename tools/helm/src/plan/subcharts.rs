//! The subcharts of an umbrella chart, as a set: the dependencies Chart.yaml declares, the
//! Chart.lock that pins them, their keys in values.yaml and values.schema.json, and the
//! checks that only the whole set can make (one name, one key, one owner per object name).
//!
//! Subcharts are vendored: their files sit in `charts/<name>/` and each dependency has an
//! empty `repository`, which is how Helm marks a chart kept in `charts/` (`helm dependency
//! build` then only checks that it is there, in a version the constraint allows).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use crate::app::App;
use crate::error::ComposeError;
use crate::model::ChartSpec;
use crate::sha256;
use crate::subchart::Subchart;

/// `generated` of every Chart.lock: Helm writes the time of `helm dependency update`, which
/// would make every build differ. The Unix epoch says "not a time"; Helm rewrites the lock
/// only when its digest changes, so the fixed time stays until the dependencies do.
pub const LOCK_GENERATED: &str = "1970-01-01T00:00:00Z";

/// Top-level values keys of a composed chart, which no subchart key may take.
const RESERVED_KEYS: [&str; 8] =
    ["access", "apps", "clusterMapping", "enabled", "global", "ingress", "monitoring", "networkPolicy"];

/// One dependency of the umbrella, as its templates see it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub alias: Option<String>,
    /// Values key: the alias, else the name.
    pub key: String,
    /// `<key>.enabled`: the value that switches the subchart.
    pub condition: String,
    pub target: String,
    pub description: String,
    pub chart_type: String,
    /// Apps of a composed subchart, as `name (type)` for the README.
    pub apps: Vec<String>,
    pub composed: bool,
}

/// Chart.lock as Helm writes it.
#[derive(Debug, Serialize)]
pub struct Lock {
    pub dependencies: Vec<LockedDependency>,
    pub digest: String,
    pub generated: &'static str,
}

/// A dependency as Go's encoding/json writes Helm's `chart.Dependency`: fields in declaration
/// order, empty optional ones left out. Its JSON is what the lock digest is made of.
#[derive(Debug, Serialize)]
pub struct LockedDependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub condition: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub alias: String,
}

/// Checks the subcharts as a set against the umbrella and its apps; the dependencies sorted
/// by key.
pub fn plan(spec: &ChartSpec, apps: &[App], subcharts: &[Subchart]) -> Result<Vec<Dependency>, ComposeError> {
    let invalid = |message: String| ComposeError::InvalidChart { message };
    let mut by_name: BTreeMap<&str, &Subchart> = BTreeMap::new();
    let mut by_key: BTreeMap<&str, &Subchart> = BTreeMap::new();
    for subchart in subcharts {
        if subchart.name == spec.name {
            return Err(invalid(format!(
                "subchart {} is named {:?} like the umbrella chart: their template helpers (\"{}.fullname\", ...) \
                 would clash; rename one",
                subchart.target, subchart.name, subchart.name
            )));
        }
        if let Some(other) = by_name.insert(&subchart.name, subchart) {
            return Err(invalid(format!(
                "two subcharts are named {:?}: {} and {}; a chart can be a subchart once (charts/{} holds one)",
                subchart.name, other.target, subchart.target, subchart.name
            )));
        }
        if RESERVED_KEYS.contains(&subchart.key()) {
            return Err(invalid(format!(
                "subchart {} would take the values key {:?}, which the umbrella chart uses itself; give it an alias",
                subchart.target,
                subchart.key()
            )));
        }
        if let Some(other) = by_key.insert(subchart.key(), subchart) {
            return Err(invalid(format!(
                "subcharts {} and {} both take the values key {:?}; give one an alias",
                other.target,
                subchart.target,
                subchart.key()
            )));
        }
    }
    check_app_names(apps, subcharts)?;
    Ok(by_key
        .into_values()
        .map(|subchart| Dependency {
            name: subchart.name.clone(),
            version: subchart.version.clone(),
            alias: subchart.alias.clone(),
            key: subchart.key().to_string(),
            condition: format!("{}.enabled", subchart.key()),
            target: subchart.target.clone(),
            description: subchart.description.clone(),
            chart_type: subchart.chart_type.clone(),
            apps: subchart.apps.iter().map(|(name, app_type)| format!("{name} ({app_type})")).collect(),
            composed: subchart.composed,
        })
        .collect())
}

/// Objects are named `<release>-<app>` in every composed chart, so an app name may occur once
/// in the whole tree.
fn check_app_names(apps: &[App], subcharts: &[Subchart]) -> Result<(), ComposeError> {
    let mut owners: BTreeMap<&str, String> =
        apps.iter().map(|app| (app.name.as_str(), format!("the umbrella chart ({})", app.target))).collect();
    for subchart in subcharts {
        for (app, _) in &subchart.apps {
            let owner = format!("subchart {}", subchart.target);
            if let Some(other) = owners.insert(app, owner.clone()) {
                return Err(ComposeError::InvalidChart {
                    message: format!(
                        "app {app:?} is in {other} and in {owner}: both would name their objects <release>-{app}; \
                         rename one app"
                    ),
                });
            }
        }
    }
    Ok(())
}

/// The lock of the dependencies, with the digest `helm dependency build` recomputes: SHA-256
/// of the JSON of [the dependencies as Chart.yaml declares them, as locked].
pub fn lock(dependencies: &[Dependency]) -> Lock {
    let declared: Vec<LockedDependency> = dependencies
        .iter()
        .map(|d| LockedDependency {
            name: d.name.clone(),
            version: d.version.clone(),
            repository: String::new(),
            condition: d.condition.clone(),
            alias: d.alias.clone().unwrap_or_default(),
        })
        .collect();
    // A vendored dependency locks at the version Chart.yaml names, with nothing else.
    let locked: Vec<LockedDependency> = dependencies
        .iter()
        .map(|d| LockedDependency {
            name: d.name.clone(),
            version: d.version.clone(),
            repository: String::new(),
            condition: String::new(),
            alias: String::new(),
        })
        .collect();
    // Serialised straight from the structs: a `Value` would sort the keys, and Go does not.
    // Plain strings cannot fail to serialise; an empty text would only give a stale digest,
    // which `helm dependency build` reports.
    let text = serde_json::to_string(&(&declared, &locked)).unwrap_or_default();
    let digest = sha256::hex_digest(text.as_bytes());
    Lock { dependencies: locked, digest: format!("sha256:{digest}"), generated: LOCK_GENERATED }
}

/// What the umbrella's `values-<environment>.yaml` passes to each composed subchart: that
/// subchart's own `values-<environment>.yaml`, under its key, with two settings that belong
/// to the release as a whole and so are the umbrella's environment's:
/// - `access`, a grant on the release namespace, is left out: each chart names its
///   RoleBindings `<release>-access-<role>`, so two charts granting would clash;
/// - `networkPolicy.enabled` is the umbrella's: NetworkPolicies deny what they do not allow,
///   so a release with some pods under policies and some without is half locked.
pub fn environment_values<'a>(
    subcharts: &'a [Subchart],
    environment: &str,
    network_policy: bool,
) -> BTreeMap<&'a str, Value> {
    subcharts
        .iter()
        .filter(|subchart| subchart.composed)
        .map(|subchart| {
            // An empty file reads as null, which under the subchart's key would delete its
            // values: the umbrella's entry is always a mapping.
            let mut values =
                subchart.environments.get(environment).filter(|v| v.is_object()).cloned().unwrap_or_else(|| json!({}));
            if let Some(object) = values.as_object_mut() {
                object.remove("access");
                object.insert("networkPolicy".into(), json!({"enabled": network_policy}));
            }
            (subchart.key(), values)
        })
        .collect()
}

/// The umbrella's schema for one subchart's key: `enabled`, and the subchart's own values,
/// which Helm checks against the subchart's own schema.
pub fn values_schema(dependency: &Dependency) -> Value {
    json!({
        "description": format!(
            "Values of the {} subchart ({} {}); Helm checks them against its own schema.",
            dependency.key, dependency.name, dependency.version
        ),
        "type": "object",
        "required": ["enabled"],
        "properties": {
            "enabled": {"description": format!("Whether the {} subchart is installed.", dependency.key), "type": "boolean"}
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dependency(name: &str, alias: Option<&str>) -> Dependency {
        let key = alias.unwrap_or(name).to_string();
        Dependency {
            name: name.into(),
            version: "0.1.0".into(),
            alias: alias.map(String::from),
            condition: format!("{key}.enabled"),
            key,
            target: format!("//x:{name}"),
            description: String::new(),
            chart_type: "application".into(),
            apps: Vec::new(),
            composed: true,
        }
    }

    #[test]
    fn the_lock_digest_hashes_declared_and_locked_dependencies_as_go_writes_them() {
        let lock = lock(&[dependency("philotes-api", Some("api"))]);
        let expected = r#"[[{"name":"philotes-api","version":"0.1.0","repository":"","condition":"api.enabled","alias":"api"}],[{"name":"philotes-api","version":"0.1.0","repository":""}]]"#;
        assert_eq!(lock.digest, format!("sha256:{}", sha256::hex_digest(expected.as_bytes())));
        assert_eq!(lock.generated, LOCK_GENERATED);
    }

    /// A subchart `name` from `//x:<name>`, composed with the apps given when there are any.
    fn subchart(name: &str, alias: Option<&str>, apps: &[&str]) -> Subchart {
        Subchart {
            target: format!("//x:{name}"),
            name: name.into(),
            version: "1.2.3".into(),
            alias: alias.map(String::from),
            description: format!("{name} chart"),
            chart_type: "application".into(),
            apps: apps.iter().map(|app| (app.to_string(), "worker".to_string())).collect(),
            composed: !apps.is_empty(),
            environments: BTreeMap::new(),
            files: BTreeMap::new(),
        }
    }

    fn refusal(subcharts: &[Subchart]) -> String {
        plan(&ChartSpec::for_tests(), &[], subcharts).expect_err("refused").to_string()
    }

    #[test]
    fn dependencies_are_sorted_by_key_with_their_condition() {
        let subcharts = [subchart("zeta", None, &["z"]), subchart("redis", Some("cache"), &[])];
        let dependencies = plan(&ChartSpec::for_tests(), &[], &subcharts).expect("valid");
        // Key, name, alias, condition, target, apps and composed of each dependency.
        type Row<'a> = (&'a str, &'a str, Option<&'a str>, &'a str, &'a str, &'a [String], bool);
        let summary: Vec<Row> = dependencies
            .iter()
            .map(|d| {
                (
                    d.key.as_str(),
                    d.name.as_str(),
                    d.alias.as_deref(),
                    d.condition.as_str(),
                    d.target.as_str(),
                    &d.apps[..],
                    d.composed,
                )
            })
            .collect();
        let z = ["z (worker)".to_string()];
        assert_eq!(
            summary,
            [
                ("cache", "redis", Some("cache"), "cache.enabled", "//x:redis", &[][..], false),
                ("zeta", "zeta", None, "zeta.enabled", "//x:zeta", &z[..], true),
            ]
        );
        assert_eq!((dependencies[0].version.as_str(), dependencies[0].description.as_str()), ("1.2.3", "redis chart"));
        assert_eq!(dependencies[0].chart_type, "application");
    }

    #[test]
    fn subcharts_need_names_and_keys_of_their_own() {
        let error = refusal(&[subchart("c", None, &[])]);
        assert!(error.starts_with("subchart //x:c is named \"c\" like the umbrella chart"), "{error}");
        let error = refusal(&[subchart("a", None, &[]), subchart("a", Some("b"), &[])]);
        assert!(error.starts_with("two subcharts are named \"a\": //x:a and //x:a"), "{error}");
        let error = refusal(&[subchart("apps", None, &[])]);
        assert!(error.contains("would take the values key \"apps\", which the umbrella chart uses itself"), "{error}");
        let error = refusal(&[subchart("a", Some("x"), &[]), subchart("b", Some("x"), &[])]);
        assert!(error.starts_with("subcharts //x:a and //x:b both take the values key \"x\""), "{error}");
        let error = refusal(&[subchart("a", None, &["web"]), subchart("b", None, &["web"])]);
        assert!(error.starts_with("app \"web\" is in subchart //x:a and in subchart //x:b"), "{error}");
    }

    #[test]
    fn an_app_of_the_umbrella_may_not_be_in_a_subchart_too() {
        let meta: crate::model::AppMetadata = serde_json::from_value(json!({
            "name": "web", "target": "//u:web", "app_type": "worker", "image": {"repository": "r", "tag": "1"},
            "health": {"probe": "exec", "command": ["true"]},
        }))
        .expect("test metadata parses");
        let app = App::from_metadata(&meta, std::path::Path::new("x.json")).expect("a valid app");
        let error = plan(&ChartSpec::for_tests(), &[app], &[subchart("a", None, &["web"])]).expect_err("refused");
        assert!(
            error.to_string().starts_with("app \"web\" is in the umbrella chart (//u:web) and in subchart //x:a"),
            "{error}"
        );
    }

    #[test]
    fn a_lock_pins_every_dependency_at_its_version() {
        let lock = lock(&[dependency("a", None), dependency("b", Some("c"))]);
        let locked: Vec<(&str, &str, &str, &str, &str)> = lock
            .dependencies
            .iter()
            .map(|d| {
                (d.name.as_str(), d.version.as_str(), d.repository.as_str(), d.condition.as_str(), d.alias.as_str())
            })
            .collect();
        assert_eq!(locked, [("a", "0.1.0", "", "", ""), ("b", "0.1.0", "", "", "")]);
        assert!(lock.digest.starts_with("sha256:") && lock.digest.len() == "sha256:".len() + 64, "{}", lock.digest);
    }

    #[test]
    fn an_environment_passes_each_composed_subchart_its_own_values_but_not_access_nor_its_network_policy() {
        let mut api = subchart("api", Some("backend"), &["web"]);
        api.environments.insert(
            "prod".into(),
            json!({"access": {"x": 1}, "apps": {"web": {"replicas": 3}}, "networkPolicy": {"enabled": false}}),
        );
        api.environments.insert("dev".into(), Value::Null);
        let redis = subchart("redis", None, &[]);
        let subcharts = [api, redis];
        let prod = environment_values(&subcharts, "prod", true);
        assert_eq!(
            prod,
            BTreeMap::from([(
                "backend",
                json!({"apps": {"web": {"replicas": 3}}, "networkPolicy": {"enabled": true}})
            )])
        );
        // An empty values file, or none, still gives a mapping.
        for environment in ["dev", "test"] {
            let values = environment_values(&subcharts, environment, false);
            assert_eq!(
                values,
                BTreeMap::from([("backend", json!({"networkPolicy": {"enabled": false}}))]),
                "{environment}"
            );
        }
    }

    #[test]
    fn the_umbrella_schema_of_a_subchart_key_requires_enabled() {
        let schema = values_schema(&dependency("redis", Some("cache")));
        assert_eq!(
            schema,
            json!({
                "description": "Values of the cache subchart (redis 0.1.0); Helm checks them against its own schema.",
                "type": "object",
                "required": ["enabled"],
                "properties": {"enabled": {"description": "Whether the cache subchart is installed.", "type": "boolean"}}
            })
        );
    }
}
