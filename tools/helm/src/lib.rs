//! The Helm chart composer: app metadata in, a complete chart directory out.
//!
//! Data flows one way: `model` (metadata as written by the Bazel rules) is validated into
//! `app` (one module per concern), `plan` decides the files and renders them with `render`,
//! `output` writes them. Nothing lower in that list imports anything higher.

pub mod app;
pub mod argocd;
pub mod checks;
pub mod encode;
pub mod error;
pub mod input;
pub mod metadata_schema;
pub mod model;
mod origin;
pub mod output;
mod parallel;
pub mod plan;
pub mod render;
mod sha256;
pub mod subchart;
pub mod templates;

use std::path::{Path, PathBuf};

use crate::app::App;
use crate::error::ComposeError;
use crate::model::AppMetadata;
use crate::model::ChartSpec;
use crate::plan::Chart;
use crate::render::Renderer;
use crate::subchart::Subchart;
use phase_timing::Timings;

/// Reads and validates app metadata files; the error is that of the first bad file.
pub fn load_apps(paths: &[PathBuf]) -> Result<Vec<App>, ComposeError> {
    paths.iter().map(|path| load_app(path)).collect()
}

/// Reads and validates one app metadata file.
fn load_app(path: &Path) -> Result<App, ComposeError> {
    let metadata: AppMetadata = input::read_json(path, "app metadata")?;
    App::from_metadata(&metadata, path)
}

/// Composes a chart from app metadata files and environment files, rendering with the
/// templates in `templates`.
pub fn compose_files(
    spec: &ChartSpec,
    metadata: &[PathBuf],
    environments: &[PathBuf],
    templates: &Path,
) -> Result<Chart, ComposeError> {
    compose_umbrella(spec, metadata, environments, &[], templates)
}

/// Composes a chart that may have subcharts (see `subchart::load_all`): an umbrella chart.
pub fn compose_umbrella(
    spec: &ChartSpec,
    metadata: &[PathBuf],
    environments: &[PathBuf],
    subcharts: &[Subchart],
    templates: &Path,
) -> Result<Chart, ComposeError> {
    compose_umbrella_timed(spec, metadata, environments, subcharts, templates, &mut Timings::default())
}

/// `compose_umbrella`, recording the time of each phase. The app metadata files are read and
/// checked on a thread of their own while the templates load: neither needs the other.
pub fn compose_umbrella_timed(
    spec: &ChartSpec,
    metadata: &[PathBuf],
    environments: &[PathBuf],
    subcharts: &[Subchart],
    templates: &Path,
    timings: &mut Timings,
) -> Result<Chart, ComposeError> {
    let (apps, renderer) = std::thread::scope(|scope| {
        let apps = scope.spawn(|| timed(|| load_apps(metadata)));
        let renderer = timed(|| Renderer::for_charts(templates));
        (apps.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), renderer)
    });
    timings.record("read and check app metadata (beside loading templates)", apps.1);
    timings.record("load templates: read and compile", renderer.1);
    // An error in the apps is reported first, as when they were read before the templates.
    let (apps, renderer) = (apps.0?, renderer.0?);
    let chart = timings.time("plan the chart and render its files", || {
        plan::compose(spec, apps, environments, subcharts, &renderer)
    })?;
    let spent = renderer.times();
    timings.record("  of which Handlebars: serialise contexts to JSON", spent.serialise);
    timings.record("  of which Handlebars: execute templates", spent.execute);
    Ok(chart)
}

/// The result of `work` and how long it took.
fn timed<T>(work: impl FnOnce() -> T) -> (T, std::time::Duration) {
    let start = std::time::Instant::now();
    let result = work();
    (result, start.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// Composes internal APIs, one per (name, env) pair, from metadata files in `dir`.
    fn compose_apis(dir: &Path, apps: &[(&str, serde_json::Value)]) -> Result<Chart, ComposeError> {
        let files: Vec<PathBuf> = apps
            .iter()
            .map(|(name, env)| {
                let file = dir.join(format!("{name}.json"));
                let metadata = serde_json::json!({
                    "name": name, "target": format!("//x:{name}"), "app_type": "internal-api",
                    "image": {"repository": "r", "tag": "1"}, "port": 80, "env": env
                });
                fs::write(&file, metadata.to_string()).expect("write");
                file
            })
            .collect();
        let spec = ChartSpec::for_tests();
        compose_files(&spec, &files, &[], &crate::templates::for_tests())
    }

    #[test]
    fn apps_alike_under_every_release_name_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (x, y) = (format!("{}-x", "a".repeat(61)), format!("{}-y", "a".repeat(61)));
        let error = compose_apis(dir.path(), &[(&x, serde_json::json!({})), (&y, serde_json::json!({}))])
            .expect_err("no release name keeps them apart")
            .to_string();
        assert!(error.contains(&format!("apps {x:?} (//x:{x}) and {y:?} (//x:{y}) would get the same object names")));
        assert!(error.contains("make them differ in their first 61 characters"), "{error}");
        // Differing at the 61st character still works with a one-character release name.
        let (x, y) = (format!("{}bx", "a".repeat(60)), format!("{}cy", "a".repeat(60)));
        let chart = compose_apis(dir.path(), &[(&x, serde_json::json!({})), (&y, serde_json::json!({}))])
            .expect("a release name of 1 character keeps them apart");
        let helpers = &chart.files[Path::new("templates/_helpers.tpl")];
        assert!(helpers.contains("gt (len (index . 0).Release.Name) 1"), "{helpers}");
    }

    #[test]
    fn chart_files_over_helms_5_mib_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let env = |count: usize| -> serde_json::Value {
            (0..count).map(|i| (format!("V{i}"), serde_json::json!("x".repeat(input::MAX_TEXT_BYTES)))).collect()
        };
        let error = compose_apis(dir.path(), &[("big-api", env(6))]).expect_err("values.yaml is over 5 MiB");
        let message = error.to_string();
        assert!(message.starts_with("chart file values.yaml is 629"), "{message}");
        assert!(message.ends_with("bytes; Helm refuses chart files larger than 5242880 bytes (5 MiB)"), "{message}");
        compose_apis(dir.path(), &[("big-api", env(4))]).expect("4 MiB of values compose");
    }

    #[test]
    fn cronjobs_or_stateful_apps_alike_limit_release_names_by_their_52_characters() {
        let kinds = [
            serde_json::json!({"app_type": "cronjob", "cron": {"schedule": "0 * * * *"}}),
            serde_json::json!({"app_type": "stateful", "port": 5432, "protocol": "tcp",
                               "storage": {"size": "1Gi", "mount_path": "/data"}}),
        ];
        for kind in kinds {
            let dir = tempfile::tempdir().expect("tempdir");
            let stem = "a".repeat(39);
            let files: Vec<PathBuf> = ["x", "y"]
                .iter()
                .map(|last| {
                    let name = format!("{stem}{last}");
                    let file = dir.path().join(format!("{name}.json"));
                    let mut metadata = serde_json::json!({
                        "name": name, "target": format!("//x:{name}"), "image": {"repository": "r", "tag": "1"}
                    });
                    metadata.as_object_mut().expect("object").extend(kind.as_object().expect("object").clone());
                    fs::write(&file, metadata.to_string()).expect("write");
                    file
                })
                .collect();
            let chart =
                compose_files(&ChartSpec::for_tests(), &files, &[], &crate::templates::for_tests()).expect("composes");
            let helpers = &chart.files[Path::new("templates/_helpers.tpl")];
            // Their 40-character names differ in the last: other objects stay distinct up to a
            // 22-character release name (63 - 23 = 40), CronJobs and StatefulSets only up to 11
            // (52 - 12 = 40).
            assert!(helpers.contains("if gt (len (index . 0).Release.Name) 11 -}}"), "{kind}: {helpers}");
        }
    }
}
