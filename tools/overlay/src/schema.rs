//! The JSON schemas of the inputs, generated from their Rust types (the one source of
//! truth) into docs/; `tools/bazel run //tools/overlay:update_schemas` rewrites them and
//! //tools/overlay:schemas_test fails when they are stale.

use serde_json::Value;

use crate::input::RecommendationSet;
use crate::mapping::MappingFile;

/// `(file name under docs/, schema)` of every input format.
pub fn all() -> Vec<(&'static str, Value)> {
    vec![
        (
            "recommendation-set.schema.json",
            with_id(schemars::schema_for!(RecommendationSet).to_value(), "recommendation-set"),
        ),
        ("values-mapping.schema.json", with_id(schemars::schema_for!(MappingFile).to_value(), "values-mapping")),
    ]
}

fn with_id(mut schema: Value, name: &str) -> Value {
    if let Some(object) = schema.as_object_mut() {
        object.insert(
            "$id".into(),
            Value::String(format!("https://helm-composer.dev/schemas/autotuning/v1/{name}.json")),
        );
    }
    schema
}

/// A schema as written to docs/: pretty JSON, keys sorted, one final newline.
pub fn text(schema: &Value) -> String {
    format!("{schema:#}\n")
}
