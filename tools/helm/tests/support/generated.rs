//! What the checked-in generated files are generated from, shared by the tests that compare
//! them and by `update_generated`, the one command that rewrites them.
#![allow(dead_code)] // each user of this shared file uses part of it

use std::fs;
use std::path::{Path, PathBuf};

use helm_composer::compose_files;
use helm_composer::error::ComposeError;
use helm_composer::metadata_schema::{self, CODEGEN_DIR, MARKDOWN_TEMPLATE, STARLARK_TEMPLATE};
use helm_composer::model::{ChartSpec, IngressMode};
use helm_composer::plan::Chart;

/// Every sample app; they name each other in their network policies, so they go together.
pub const SAMPLE_APPS: [&str; 6] = ["status-api", "processor", "migrations", "web", "nightly-report", "cache"];

/// Where the golden sample chart lives, under the workspace root.
pub const GOLDEN_SAMPLE: &str = "tools/helm/testdata/golden/sample";

/// The files generated from the metadata schema: (template, path under the workspace root).
pub const SCHEMA_OUTPUTS: [(&str, &str); 2] =
    [(STARLARK_TEMPLATE, "rules/private/metadata_fields.bzl"), (MARKDOWN_TEMPLATE, "docs/app-metadata.md")];

/// The command that rewrites every generated file, named in every staleness message.
pub const UPDATE_COMMAND: &str =
    "tools/bazel run //tools/helm:update_generated (or cargo run -p helm_composer --bin update_generated)";

pub fn sample_spec() -> ChartSpec {
    ChartSpec {
        name: "sample".into(),
        version: "1.2.3".into(),
        app_version: "2.3.1".into(),
        description: "Sample chart of the golden test".into(),
        namespace: "sample".into(),
        environment: "dev".into(),
        ingress_mode: IngressMode::Single,
        resource_preset: None,
        env: [("OTEL_EXPORTER_OTLP_ENDPOINT".to_string(), "http://otel-collector.observability:4317".to_string())]
            .into_iter()
            .collect(),
        ingress_host_pattern: String::new(),
        ingress_domain: String::new(),
        kubernetes_versions: Vec::new(),
        routing: Default::default(),
        peer_charts: Vec::new(),
        image_pull_secrets: Vec::new(),
    }
}

/// Copies the sample apps' metadata into `into`, with `{testdata}` in file paths pointing at
/// `workspace`'s testdata/ (the rule writes paths the composer's action can read).
pub fn write_sample_metadata(workspace: &Path, into: &Path) -> std::io::Result<()> {
    let testdata = workspace.join("tools/helm/testdata");
    for entry in fs::read_dir(testdata.join("apps"))? {
        let path = entry?.path();
        let text = fs::read_to_string(&path)?;
        let name = path.file_name().unwrap_or_default();
        fs::write(into.join(name), text.replace("{testdata}", &testdata.display().to_string()))?;
    }
    Ok(())
}

/// The golden sample chart composed from metadata already written into `metadata_dir`.
pub fn sample_chart(workspace: &Path, metadata_dir: &Path, names: &[&str]) -> Result<Chart, ComposeError> {
    let metadata: Vec<PathBuf> = names.iter().map(|n| metadata_dir.join(format!("{n}.json"))).collect();
    compose_files(&sample_spec(), &metadata, &[], &workspace.join("tools/helm/templates"))
}

/// The content of one file generated from the metadata schema.
pub fn schema_output(workspace: &Path, template: &str) -> Result<String, ComposeError> {
    metadata_schema::generate(&workspace.join("tools/helm/templates").join(CODEGEN_DIR), template)
}
