//! Everything derived from the metadata schema in `model.rs`: its JSON schema, the flat list
//! of fields the Starlark rule exposes as attributes, and the files generated from them
//! (rules/private/metadata_fields.bzl, docs/app-metadata.md).

use std::path::Path;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::ComposeError;
use crate::model::AppMetadata;
use crate::render::Renderer;

/// Subdirectory of the templates with the generated files' templates.
pub const CODEGEN_DIR: &str = "codegen";
pub const STARLARK_TEMPLATE: &str = "metadata_fields.bzl";
pub const MARKDOWN_TEMPLATE: &str = "app-metadata.md";

/// Fields the rule sets itself rather than taking from an attribute.
const RULE_SET_FIELDS: [&str; 1] = ["target"];

/// One leaf field of the metadata: one `app_metadata` attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// Attribute name: the JSON path joined by `_` (`name` is `app_name`, as `name` is the
    /// Bazel target's).
    pub attr: String,
    /// Place of the value in the metadata JSON.
    pub path: Vec<String>,
    /// `string`, `int`, `bool`, `string_list`, `string_dict`, `label` (one file, its path),
    /// `label_list` (files), `json`
    /// (structured data such as a list of dicts, passed to the rule as JSON text).
    pub kind: &'static str,
    /// Allowed values of an enumerated string (empty otherwise).
    pub values: Vec<String>,
    pub required: bool,
    pub doc: String,
    /// An integer that may be negative (a sync wave, a hook weight): the rule cannot use -1
    /// for "unset" and uses the smallest int32 instead.
    pub signed: bool,
}

/// The JSON schema of the app metadata (draft 2020-12).
pub fn json_schema() -> Value {
    serde_json::to_value(schemars::schema_for!(AppMetadata)).unwrap_or(Value::Null)
}

/// Every leaf field of the schema, in JSON-path order.
pub fn fields() -> Result<Vec<Field>, ComposeError> {
    let schema = json_schema();
    let defs = schema.get("$defs").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut fields = Vec::new();
    collect(&schema, &defs, &mut Vec::new(), true, &mut fields)?;
    fields.retain(|f| !RULE_SET_FIELDS.contains(&f.path.join(".").as_str()));
    Ok(fields)
}

fn collect(
    object: &Value,
    defs: &Map<String, Value>,
    prefix: &mut Vec<String>,
    parent_required: bool,
    out: &mut Vec<Field>,
) -> Result<(), ComposeError> {
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, property) in object.get("properties").and_then(Value::as_object).into_iter().flatten() {
        prefix.push(name.clone());
        let is_required = parent_required && required.contains(&name.as_str());
        let resolved = resolve(property, defs);
        if resolved.get("properties").is_some() {
            collect(&resolved, defs, prefix, is_required, out)?;
        } else {
            out.push(leaf(prefix, property, &resolved, is_required)?);
        }
        prefix.pop();
    }
    Ok(())
}

/// Follows `$ref` and `anyOf: [$ref, null]` (an optional enum) to the definition.
fn resolve(property: &Value, defs: &Map<String, Value>) -> Value {
    let reference = property.get("$ref").or_else(|| {
        property
            .get("anyOf")
            .and_then(Value::as_array)
            .and_then(|alternatives| alternatives.iter().find_map(|a| a.get("$ref")))
    });
    reference
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
        .and_then(|name| defs.get(name))
        .cloned()
        .unwrap_or_else(|| property.clone())
}

fn leaf(path: &[String], property: &Value, resolved: &Value, required: bool) -> Result<Field, ComposeError> {
    let types: Vec<&str> = match resolved.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect(),
        _ => Vec::new(),
    };
    let kind = match types.as_slice() {
        ["string"] => "string",
        ["integer"] => "int",
        ["boolean"] => "bool",
        ["array"] if is_list_of_strings(resolved) => "string_list",
        ["array"] => "json",
        ["object"] => "string_dict",
        other => {
            return Err(ComposeError::InvalidChart {
                message: format!("metadata field {} has a type ({other:?}) no attribute kind maps to", path.join(".")),
            })
        }
    };
    let values = resolved
        .get("enum")
        .and_then(Value::as_array)
        .map(|v| v.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default();
    let mut doc = property.get("description").and_then(Value::as_str).unwrap_or_default().replace('\n', " ");
    let signed = resolved.get("minimum").and_then(Value::as_i64).is_some_and(|minimum| minimum < 0);
    // A single file from a Bazel label: the rule writes its path.
    if path == ["image", "digest_file"] {
        return Ok(Field { attr: path.join("_"), path: path.to_vec(), kind: "label", values, required, doc, signed });
    }
    // Files come from Bazel labels: the rule maps each to its file name and path.
    if path == ["config", "files"] {
        return Ok(Field {
            attr: path.join("_"),
            path: path.to_vec(),
            kind: "label_list",
            values,
            required,
            doc,
            signed,
        });
    }
    if path == ["name"] {
        // The rule derives the name from the target when the attribute is unset.
        doc.push_str(" Unset: the target name without a `_metadata` suffix, `_` becoming `-`.");
        return Ok(Field { attr: "app_name".into(), path: path.to_vec(), kind, values, required: false, doc, signed });
    }
    Ok(Field { attr: path.join("_"), path: path.to_vec(), kind, values, required, doc, signed })
}

fn is_list_of_strings(array: &Value) -> bool {
    array.pointer("/items/type").and_then(Value::as_str) == Some("string")
}

/// Renders a generated file (`metadata_fields.bzl`, `app-metadata.md`) from its template in
/// `codegen_templates`.
pub fn generate(codegen_templates: &Path, template: &str) -> Result<String, ComposeError> {
    #[derive(Serialize)]
    struct Context {
        fields: Vec<Field>,
    }
    let renderer = Renderer::for_sources(codegen_templates)?;
    renderer.render(template, &Context { fields: fields()? })
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
    fn fields_cover_nested_structs_enums_and_kinds() {
        let fields = fields().expect("schema maps to attributes");
        let find = |attr: &str| fields.iter().find(|f| f.attr == attr).unwrap_or_else(|| panic!("{attr} missing"));
        assert_eq!(find("app_name").path, ["name"]);
        assert!(!find("app_name").required, "the rule derives it from the target name");
        assert_eq!(find("image_repository").path, ["image", "repository"]);
        assert!(find("image_repository").required);
        assert!(!find("image_tag").required);
        assert_eq!(
            find("app_type").values,
            ["external-api", "internal-api", "worker", "job", "cronjob", "stateful", "daemon"]
        );
        assert_eq!(find("policy_exceptions").kind, "string_dict");
        assert_eq!(find("security_writable_paths").kind, "string_list");
        assert_eq!(find("job_hook_weight").kind, "int");
        assert!(find("job_hook_weight").signed && find("sync_wave").signed, "-1 is a weight and a wave");
        assert!(!find("replicas").signed);
        assert_eq!(find("image_pull_policy").values, ["Always", "IfNotPresent", "Never"]);
        assert_eq!(find("port").kind, "int");
        assert_eq!(find("env").kind, "string_dict");
        assert_eq!(find("command").kind, "string_list");
        assert_eq!(find("keda_triggers").kind, "json");
        assert_eq!(find("job_hook").kind, "string");
        assert_eq!(find("sibling_env").kind, "json", "a list of {{env, app, form}}");
        assert_eq!(find("cluster_env").kind, "string_dict");
        assert_eq!(find("protocol").values, ["http", "grpc", "tcp"]);
        assert_eq!(find("health_probe").values, ["http", "grpc", "tcp", "exec"]);
        assert_eq!(find("health_command").kind, "string_list");
        assert_eq!(find("ingress_enabled").kind, "bool");
        assert!(fields.iter().all(|f| f.attr != "target"));
    }

    #[test]
    fn a_field_is_required_only_when_its_parents_are() {
        let schema = serde_json::json!({
            "required": ["image"],
            "properties": {
                "image": {"required": ["repository"], "properties": {"repository": {"type": "string"}}},
                "probe": {"$ref": "#/$defs/Probe"},
            },
            "$defs": {"Probe": {"required": ["path"], "properties": {"path": {"type": "string"}}}},
        });
        let defs = schema["$defs"].as_object().cloned().unwrap_or_default();
        let mut out = Vec::new();
        collect(&schema, &defs, &mut Vec::new(), true, &mut out).expect("collects");
        let required: Vec<(String, bool)> = out.iter().map(|f| (f.attr.clone(), f.required)).collect();
        assert_eq!(required, [("image_repository".to_string(), true), ("probe_path".to_string(), false)]);
    }

    #[test]
    fn only_a_negative_minimum_makes_an_integer_signed() {
        let path = ["wave".to_string()];
        let signed = |minimum: i64| {
            let property = serde_json::json!({"type": "integer", "minimum": minimum});
            leaf(&path, &property, &property, false).expect("an int").signed
        };
        assert!(signed(-1));
        assert!(!signed(0), "a count from 0 needs no sign");
        assert!(!signed(1));
        let unknown = serde_json::json!({"type": ["number", "null"]});
        let error = leaf(&path, &unknown, &unknown, false).expect_err("no attribute kind").to_string();
        assert_eq!(error, "metadata field wave has a type ([\"number\"]) no attribute kind maps to");
    }

    #[test]
    fn generated_files_render_every_field_through_their_template() {
        let dir = tempfile::tempdir().expect("tempdir");
        let template = "{{#each fields}}{{attr}}={{kind}}{{#if required}}!{{/if}}\n{{/each}}";
        fs::write(dir.path().join("list.txt.hbs"), template).expect("write");
        let text = generate(dir.path(), "list.txt").expect("renders");
        let expected: String = fields()
            .expect("fields")
            .iter()
            .map(|f| format!("{}={}{}\n", f.attr, f.kind, if f.required { "!" } else { "" }))
            .collect();
        assert_eq!(text, expected);
        assert!(text.contains("\nimage_repository=string!\n"), "{text}");
    }
}
