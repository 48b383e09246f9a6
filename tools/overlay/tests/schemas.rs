//! docs/recommendation-set.schema.json and docs/values-mapping.schema.json are generated
//! from the input types; this fails when either is stale.

use std::path::PathBuf;

fn docs_file(variable: &str) -> PathBuf {
    let Some(path) = std::env::var_os(variable) else {
        panic!("{variable} is not set: run `tools/bazel test //tools/overlay:schemas_test`");
    };
    PathBuf::from(path)
}

#[test]
fn schemas_in_docs_follow_the_types() {
    for (name, schema) in values_overlay::schema::all() {
        let variable = match name {
            "recommendation-set.schema.json" => "RECOMMENDATION_SET_SCHEMA",
            _ => "VALUES_MAPPING_SCHEMA",
        };
        let on_disk = std::fs::read_to_string(docs_file(variable)).expect("read the schema in docs/");
        assert!(
            on_disk == values_overlay::schema::text(&schema),
            "docs/{name} is stale: run `tools/bazel run //tools/overlay:update_schemas`"
        );
    }
}

#[test]
fn the_recommendation_schema_is_closed_and_bounded() {
    let (_, schema) = &values_overlay::schema::all()[0];
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["properties"]["confidence"]["minimum"], 0.0);
    assert_eq!(schema["properties"]["confidence"]["maximum"], 1.0);
    let required = schema["required"].as_array().expect("required fields");
    for field in ["apiVersion", "kind", "appId", "workload", "generatedAt", "source", "confidence", "recommendations"] {
        assert!(required.contains(&serde_json::json!(field)), "{field} is required");
    }
}
