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
}
