//! The chart's README.md, from the same sources as its values: the apps and what they render,
//! the subcharts, and one row per value, read from the values schema (path, type,
//! description) and from the rendered values.yaml (default). A value the schema does not
//! describe is a hole in the docs, which `undocumented` finds and the tests refuse.

use serde::Serialize;
use serde_json::Value;

use super::subcharts::Dependency;
use crate::model::ChartSpec;

/// One documented value.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValueRow {
    /// Dotted path, as `--set` takes it.
    pub path: String,
    #[serde(rename = "type")]
    pub type_name: String,
    /// The default from values.yaml; `None`: unset (optional, or filled by an environment).
    pub default: Option<Value>,
    /// Whether there is a default (the template cannot tell `false`, `0` or `[]` from none).
    pub has_default: bool,
    pub description: String,
}

/// One app and the objects it renders.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppSummary {
    pub name: String,
    pub app_type: String,
    pub values_key: String,
    pub objects: Vec<String>,
    /// Policy exceptions the app declares, with their reasons.
    pub exceptions: Vec<ExceptionSummary>,
}

/// A hardening default an app is excused from, and why.
#[derive(Debug, Serialize)]
pub struct ExceptionSummary {
    pub name: &'static str,
    pub reason: String,
}

/// What the README template sees.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Readme<'a> {
    pub chart: &'a ChartSpec,
    pub apps: Vec<AppSummary>,
    pub subcharts: &'a [Dependency],
    pub environments: Vec<String>,
    pub has_ingress: bool,
    /// Some app declares a policy exception (listed with its reason).
    pub has_exceptions: bool,
    pub values: Vec<ValueRow>,
    /// Whether the per-app values (`apps.*`) are in `values`; left out for charts of more than
    /// `APP_VALUES_LISTED_MAX` apps (see `listed_values`).
    pub app_values_listed: bool,
}

/// Most apps whose values the README lists one by one. Each app adds about 6 KB of rows, and
/// Helm refuses a chart file over 5 MiB: a chart of 800 apps would not load. Above this, the
/// schema's descriptions and values.yaml's comments document the per-app values.
pub const APP_VALUES_LISTED_MAX: usize = 100;

/// Whether the README of a chart of `app_count` apps lists the per-app values (`apps.*`).
pub fn lists_app_values(app_count: usize) -> bool {
    app_count <= APP_VALUES_LISTED_MAX
}

/// The rows the README lists for a chart of `app_count` apps: `value_rows` but, above
/// `APP_VALUES_LISTED_MAX` apps, none under `apps.`. Those are never walked, so `defaults`
/// need not hold them. The second part: whether per-app rows are in.
pub fn listed_values(schema: &Value, defaults: &Value, app_count: usize) -> (Vec<ValueRow>, bool) {
    let all = lists_app_values(app_count);
    let mut rows = Vec::new();
    walk(schema, schema, "", None, Some(defaults), &|path| all || !path.starts_with("apps."), &mut rows);
    (rows, all)
}

/// One row per value: the schema's leaves (and its maps, lists and free-form objects, which
/// are values as a whole), in schema order, with their defaults from `defaults`.
pub fn value_rows(schema: &Value, defaults: &Value) -> Vec<ValueRow> {
    let mut rows = Vec::new();
    walk(schema, schema, "", None, Some(defaults), &|_| true, &mut rows);
    rows
}

/// The paths of rows without a description.
pub fn undocumented(rows: &[ValueRow]) -> Vec<&str> {
    rows.iter().filter(|row| row.description.trim().is_empty()).map(|row| row.path.as_str()).collect()
}

/// Adds the rows of `node` at `path`, leaving out every path `listed` refuses and all below it
/// (a path below one starts with it, so a prefix test refuses both).
fn walk(
    node: &Value,
    root: &Value,
    path: &str,
    description: Option<&str>,
    defaults: Option<&Value>,
    listed: &dyn Fn(&str) -> bool,
    rows: &mut Vec<ValueRow>,
) {
    let resolved = resolve(node, root);
    // The description where the value is used wins over the one of its shared definition.
    let description = description
        .or_else(|| node.get("description").and_then(Value::as_str))
        .or_else(|| resolved.get("description").and_then(Value::as_str));
    let fixed_keys = resolved.get("properties").and_then(Value::as_object).filter(|p| !p.is_empty());
    match fixed_keys {
        Some(properties) => {
            for (key, property) in properties {
                let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                if !listed(&child) {
                    continue;
                }
                let child_description = property.get("description").and_then(Value::as_str);
                walk(property, root, &child, child_description, defaults.and_then(|d| d.get(key)), listed, rows);
            }
        }
        _ => rows.push(ValueRow {
            path: path.to_string(),
            type_name: type_name(resolved),
            default: defaults.cloned(),
            has_default: defaults.is_some(),
            description: description.unwrap_or_default().to_string(),
        }),
    }
}

/// Follows a `#/definitions/<name>` reference.
fn resolve<'a>(node: &'a Value, root: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/definitions/")) {
        Some(name) => root.get("definitions").and_then(|d| d.get(name)).map_or(node, |d| resolve(d, root)),
        None => node,
    }
}

/// `string`, `integer or string`, `one of A, B`, `map of string`, `list of string`, ...
fn type_name(schema: &Value) -> String {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let names: Vec<String> = values.iter().map(|v| v.as_str().map_or(v.to_string(), String::from)).collect();
        return format!("one of {}", names.join(", "));
    }
    let base = match schema.get("type") {
        Some(Value::String(name)) => name.clone(),
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or "),
        _ => "any".to_string(),
    };
    if base == "object" {
        if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
            return format!("map of {}", type_name(values));
        }
    }
    if base == "array" {
        if let Some(items) = schema.get("items") {
            return format!("list of {}", type_name(items));
        }
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_are_the_leaves_with_their_defaults_and_shared_descriptions() {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "image": {"description": "The image.", "$ref": "#/definitions/image"},
                "env": {"description": "Variables.", "type": "object", "additionalProperties": {"type": "string"}},
                "bare": {"type": "integer"}
            },
            "definitions": {"image": {"type": "object", "properties": {
                "tag": {"description": "Tag.", "type": "string"},
                "pullPolicy": {"type": "string", "enum": ["Always", "Never"], "description": "When."}
            }}}
        });
        let defaults = json!({"image": {"tag": "1.0"}, "env": {"A": "b"}});
        let rows = value_rows(&schema, &defaults);
        let table: Vec<(&str, &str, Option<&Value>, &str)> = rows
            .iter()
            .map(|r| (r.path.as_str(), r.type_name.as_str(), r.default.as_ref(), r.description.as_str()))
            .collect();
        assert_eq!(
            table,
            [
                ("bare", "integer", None, ""),
                ("env", "map of string", Some(&json!({"A": "b"})), "Variables."),
                ("image.pullPolicy", "one of Always, Never", None, "When."),
                ("image.tag", "string", Some(&json!("1.0")), "Tag."),
            ]
        );
        assert_eq!(undocumented(&rows), ["bare"]);
    }

    #[test]
    fn charts_of_many_apps_list_only_their_shared_values() {
        let schema = json!({"type": "object", "properties": {
            "networkPolicy": {"type": "object", "properties": {"enabled": {"type": "boolean", "description": "d"}}},
            "apps": {"type": "object", "properties": {"a": {"type": "object", "properties": {
                "replicas": {"type": "integer", "description": "d"}
            }}}},
            "appsNote": {"type": "string", "description": "d"}
        }});
        let defaults = json!({"networkPolicy": {"enabled": true}, "apps": {"a": {"replicas": 1}}});
        let paths = |(rows, all): (Vec<ValueRow>, bool)| (rows.into_iter().map(|r| r.path).collect::<Vec<_>>(), all);
        let every = ["apps.a.replicas", "appsNote", "networkPolicy.enabled"].map(String::from).to_vec();
        assert_eq!(paths(listed_values(&schema, &defaults, APP_VALUES_LISTED_MAX)), (every.clone(), true));
        let listed = paths(listed_values(&schema, &defaults, APP_VALUES_LISTED_MAX + 1));
        assert_eq!(listed, (every[1..].to_vec(), false));
        // The per-app defaults are not needed once the per-app rows are left out.
        let shared = json!({"networkPolicy": {"enabled": true}});
        assert_eq!(paths(listed_values(&schema, &shared, APP_VALUES_LISTED_MAX + 1)), listed);
    }

    #[test]
    fn type_names_spell_out_unions_lists_maps_and_enums() {
        for (schema, expected) in [
            (json!({"type": ["integer", "string"]}), "integer or string"),
            (json!({"type": "array", "items": {"type": "string"}}), "list of string"),
            (json!({"type": "array"}), "array"),
            (
                json!({"type": "object", "additionalProperties": {"type": "array", "items": {"type": "integer"}}}),
                "map of list of integer",
            ),
            (json!({"type": "object", "additionalProperties": true}), "object"),
            (json!({"type": "string", "items": {"type": "string"}}), "string"),
            (json!({"type": "string", "additionalProperties": {"type": "string"}}), "string"),
            (json!({"enum": ["a", 1]}), "one of a, 1"),
            (json!({}), "any"),
        ] {
            assert_eq!(type_name(&schema), expected, "{schema}");
        }
    }

    #[test]
    fn an_object_without_properties_is_one_value_and_a_reference_is_followed() {
        let schema = json!({
            "type": "object",
            "properties": {
                "free": {"type": "object", "properties": {}, "description": "Anything."},
                "port": {"$ref": "#/definitions/port"},
                "missing": {"$ref": "#/definitions/none", "type": "string", "description": "Kept."}
            },
            "definitions": {"port": {"$ref": "#/definitions/number"}, "number": {"type": "integer", "description": "A port."}}
        });
        let rows = value_rows(&schema, &json!({"free": {"a": 1}, "port": 80}));
        let table: Vec<(&str, &str, bool, &str)> = rows
            .iter()
            .map(|r| (r.path.as_str(), r.type_name.as_str(), r.has_default, r.description.as_str()))
            .collect();
        assert_eq!(
            table,
            [
                ("free", "object", true, "Anything."),
                ("missing", "string", false, "Kept."),
                ("port", "integer", true, "A port.")
            ]
        );
    }
}
