//! `composer overlay`: the command line (arguments, then one straight run: read, plan,
//! check, write or show).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use helm_sdk::HelmSdk;
use serde_json::Value;

use crate::apply::{self, Plan, PlanOptions};
use crate::chart::ChartContext;
use crate::diff;
use crate::error::OverlayError;
use crate::input::{self, RecommendationSet};
use crate::mapping::Mapping;
use crate::output::{self, ChartDescription, Format};
use crate::validate;

/// Arguments of `composer overlay`.
#[derive(Debug, clap::Args)]
pub struct OverlayArgs {
    /// RecommendationSet JSON (docs/recommendation-set.schema.json).
    #[arg(long, value_name = "FILE")]
    pub recommendations_file: PathBuf,
    /// Chart directory the values are for.
    #[arg(long, value_name = "DIR")]
    pub chart: PathBuf,
    /// Mapping from recommendation keys to values paths (docs/values-mapping.schema.json);
    /// a chart composed here also understands the built-in keys.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// The chart's values-<ENV>.yaml is part of the values the overlay changes.
    #[arg(long, value_name = "ENV")]
    pub environment: Option<String>,
    /// overlay: only what changes; full: every value.
    #[arg(long, value_enum, default_value = "overlay")]
    pub output_format: Format,
    /// Directory to write <workload>-<date>.yaml into (seed 000's layout).
    #[arg(long, value_name = "DIR", required_unless_present_any = ["output_file", "dry_run"])]
    pub output_dir: Option<PathBuf>,
    /// Exact file to write instead (as the Bazel rule does).
    #[arg(long, value_name = "FILE", conflicts_with = "output_dir")]
    pub output_file: Option<PathBuf>,
    /// With --output-format full: also write the preset wrapped in a ConfigMap
    /// (<workload>-<date>-configmap.yaml, or this file).
    #[arg(long)]
    pub configmap: bool,
    #[arg(long, value_name = "FILE", requires = "configmap")]
    pub configmap_file: Option<PathBuf>,
    /// Skip recommendations less confident than this (they are listed).
    #[arg(long, value_name = "0..1", default_value_t = 0.0)]
    pub min_confidence: f64,
    /// Also run helm lint --strict, render the chart with the new values and check every
    /// container's requests against its limits (what it ran is printed).
    #[arg(long)]
    pub validate: bool,
    /// Apply the recommendations that have a mapping and list the others (with the reason)
    /// instead of refusing the set.
    #[arg(long)]
    pub skip_unmapped: bool,
    /// Replace an existing output file (without it an existing file is refused).
    #[arg(long)]
    pub force: bool,
    /// Write nothing; print what the overlay changes in the rendered objects.
    #[arg(long)]
    pub dry_run: bool,
    /// Print nothing on success (the Bazel rule's actions stay silent).
    #[arg(long)]
    pub quiet: bool,
    /// Release name for rendering.
    #[arg(long, default_value = "release-name")]
    pub release: String,
    /// libhelm_c.so (Helm's Go SDK); unset: $HELM_C_LIBRARY.
    #[arg(long, value_name = "FILE")]
    pub helm_library: Option<PathBuf>,
}

/// A path the user typed, made absolute against the directory they typed it in: `bazel
/// run` starts binaries in their runfiles and says where the user was in
/// BUILD_WORKING_DIRECTORY (a Bazel action sets neither, and its paths stay as they are).
fn user_path(path: &Path) -> PathBuf {
    match std::env::var_os("BUILD_WORKING_DIRECTORY") {
        Some(dir) if path.is_relative() && !dir.is_empty() => PathBuf::from(dir).join(path),
        _ => path.to_path_buf(),
    }
}

impl OverlayArgs {
    /// The arguments with every path the user typed made absolute (see [`user_path`]).
    fn resolved(&self) -> OverlayArgs {
        let path = |p: &PathBuf| user_path(p);
        let optional = |p: &Option<PathBuf>| p.as_deref().map(user_path);
        OverlayArgs {
            recommendations_file: path(&self.recommendations_file),
            chart: path(&self.chart),
            mapping: optional(&self.mapping),
            environment: self.environment.clone(),
            output_format: self.output_format,
            output_dir: optional(&self.output_dir),
            output_file: optional(&self.output_file),
            configmap: self.configmap,
            configmap_file: optional(&self.configmap_file),
            min_confidence: self.min_confidence,
            validate: self.validate,
            skip_unmapped: self.skip_unmapped,
            force: self.force,
            dry_run: self.dry_run,
            quiet: self.quiet,
            release: self.release.clone(),
            helm_library: optional(&self.helm_library),
        }
    }
}

/// libhelm_c.so: `--helm-library`, else HELM_C_LIBRARY (which `bazel run //tools/helm:overlay`
/// sets to the library in its runfiles).
fn library(args: &OverlayArgs) -> Result<PathBuf, OverlayError> {
    match (&args.helm_library, std::env::var_os("HELM_C_LIBRARY")) {
        (Some(path), _) => Ok(path.clone()),
        (None, Some(path)) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ => Err(OverlayError::Usage(
            "no Helm library: give --helm-library (libhelm_c.so) or set HELM_C_LIBRARY; `tools/bazel run \
             //tools/helm:overlay -- ...` finds it in its runfiles"
                .into(),
        )),
    }
}

/// Runs `composer overlay`; what it did or would do goes to stdout.
pub fn run(args: &OverlayArgs) -> Result<(), OverlayError> {
    let args = &args.resolved();
    check_usage(args)?;
    let sdk = HelmSdk::load(&library(args)?)?;
    let set = input::read(&args.recommendations_file)?;
    let chart = ChartContext::load(&sdk, &args.chart, args.environment.as_deref())?;
    let mapping = Mapping::new(args.mapping.as_deref(), chart.composed_apps())?;
    let options = PlanOptions {
        min_confidence: args.min_confidence,
        open_maps: chart.has_schema,
        skip_unmapped: args.skip_unmapped,
    };
    let plan = apply::plan(&set, &mapping, &chart.effective, options)?;
    let mut checked = Vec::new();
    validate::schema(&chart, &plan)?;
    checked.push(if chart.has_schema {
        "values.schema.json with each recommendation alone, then all together".to_string()
    } else {
        "no values.schema.json in the chart: the values are checked by lint and render only".to_string()
    });
    if args.validate || args.dry_run {
        validate::lint(&chart, &plan.proposed)?;
        checked.push(format!("helm lint --strict with the new values (Kubernetes {})", validate::KUBE_VERSION));
        checked.push(validate::render_and_check_limits(&chart, &plan.proposed, &args.release)?);
    }
    if args.dry_run {
        print!("{}", dry_run_report(&chart, &plan, &args.release)?);
        print!("{}", checked_lines(&checked));
        return Ok(());
    }
    let description = ChartDescription {
        name: chart.metadata.name.clone(),
        version: chart.metadata.version.clone(),
        base: chart.base_description(),
        min_confidence: args.min_confidence,
    };
    let values = match args.output_format {
        Format::Overlay => diff::overlay(&plan),
        Format::Full => plan.proposed.clone(),
    };
    let text = output::values_file(&set, &plan, &description, args.output_format, &values);
    check_round_trip(&sdk, &text, &values)?;
    checked.push("Helm reads the written file back as exactly these values".into());
    let files = output_files(args, &set, &chart, text)?;
    output::check_targets(&files, args.force)?;
    output::write_all(&files)?;
    if !args.quiet {
        print!("{}", summary(&plan, &files));
        print!("{}", checked_lines(&checked));
    }
    Ok(())
}

fn checked_lines(checked: &[String]) -> String {
    checked.iter().map(|line| format!("checked {line}\n")).collect()
}

fn check_usage(args: &OverlayArgs) -> Result<(), OverlayError> {
    if !(0.0..=1.0).contains(&args.min_confidence) {
        return Err(OverlayError::Usage(format!("--min-confidence {} is outside [0, 1]", args.min_confidence)));
    }
    if args.configmap && args.output_format != Format::Full {
        return Err(OverlayError::Usage("--configmap wraps a full preset: add --output-format full".into()));
    }
    if let Some(dir) = args.output_dir.as_deref().filter(|d| d.exists() && !d.is_dir()) {
        return Err(OverlayError::Usage(format!(
            "--output-dir {} is a file, not a directory: name a directory (it is created when missing), or use \
             --output-file to name the file",
            dir.display()
        )));
    }
    Ok(())
}

/// Helm must read the written text back as exactly the values meant.
fn check_round_trip(sdk: &HelmSdk, text: &str, values: &Value) -> Result<(), OverlayError> {
    let read_back = sdk.values_from_yaml(text)?;
    if &read_back == values {
        Ok(())
    } else {
        Err(OverlayError::Usage("internal error: Helm reads the generated values file differently".into()))
    }
}

fn output_files(
    args: &OverlayArgs,
    set: &RecommendationSet,
    chart: &ChartContext,
    text: String,
) -> Result<Vec<(PathBuf, String)>, OverlayError> {
    let stem = set.file_stem();
    let values_file = match (&args.output_file, &args.output_dir) {
        (Some(file), _) => file.clone(),
        (None, dir) => dir.as_deref().unwrap_or(Path::new(".")).join(format!("{stem}.yaml")),
    };
    let mut files = Vec::new();
    if args.configmap {
        let wrapped = output::configmap(set, &chart.metadata.name, &text).map_err(OverlayError::Usage)?;
        // Beside the values file unless named: <values file stem>-configmap.yaml.
        let beside = || {
            let values_stem = values_file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or(stem.clone());
            values_file.with_file_name(format!("{values_stem}-configmap.yaml"))
        };
        files.push((args.configmap_file.clone().unwrap_or_else(beside), wrapped));
    }
    files.insert(0, (values_file, text));
    Ok(files)
}

fn summary(plan: &Plan, files: &[(PathBuf, String)]) -> String {
    let mut text = String::new();
    for (path, _) in files {
        let _ = writeln!(text, "wrote {}", path.display());
    }
    for applied in &plan.applied {
        for change in &applied.changes {
            let before = change.before.as_ref().map_or("(unset)".to_string(), Value::to_string);
            let _ = writeln!(
                text,
                "changed {}: {} -> {} ({})",
                change.path, before, change.after, applied.recommendation.key
            );
        }
    }
    for r in &plan.unchanged {
        let _ = writeln!(text, "dropped {} = {}: the chart already has this value", r.key, r.value.to_json());
    }
    for r in &plan.skipped {
        let _ = writeln!(text, "skipped {} (confidence {}): below --min-confidence", r.key, r.confidence);
    }
    for (r, why) in &plan.unmapped {
        let _ = writeln!(text, "skipped {} = {}: no mapping to a values path: {why}", r.key, r.value.to_json());
    }
    text
}

/// What the overlay changes in the rendered objects, field by field.
fn dry_run_report(chart: &ChartContext, plan: &Plan, release: &str) -> Result<String, OverlayError> {
    let as_chart_error = |message: String| OverlayError::Chart { chart: chart.dir.clone(), message };
    let before = diff::objects(&validate::render(chart, &plan.effective, release)?).map_err(as_chart_error)?;
    let after = diff::objects(&validate::render(chart, &plan.proposed, release)?).map_err(as_chart_error)?;
    let mut text = String::new();
    let changes = diff::rendered(&before, &after);
    if changes.is_empty() {
        text.push_str("no rendered object changes\n");
    }
    for (object, fields) in changes {
        let _ = writeln!(text, "{object}:");
        for field in fields {
            let show = |v: &Option<Value>| v.as_ref().map_or("(absent)".to_string(), Value::to_string);
            let _ = writeln!(text, "  {}: {} -> {}", field.pointer, show(&field.before), show(&field.after));
        }
    }
    let unchanged_summary = summary(plan, &[]);
    text.push_str(&unchanged_summary);
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::fixture;
    use serde_json::json;
    use std::fs;

    const SET: &str = r#"{"apiVersion": "autotuning.helm-composer.dev/v1", "kind": "RecommendationSet",
        "appId": "app-1", "workload": "etl", "generatedAt": "2026-02-22T12:00:00Z", "source": "metrics",
        "confidence": 0.9, "recommendations": [
          {"key": "api.replicas", "value": 4, "reason": "busy", "confidence": 0.9},
          {"key": "api.memory.request", "value": "MEMORY", "reason": "heap", "confidence": 0.8}]}"#;

    /// A composed chart and a recommendation set (replicas 4, the given memory request) in
    /// `dir`; the arguments write into `dir/out`, quietly.
    fn args(dir: &Path, memory_request: &str) -> OverlayArgs {
        fixture::chart(&dir.join("chart"), true, true);
        fs::write(dir.join("set.json"), SET.replace("MEMORY", memory_request)).unwrap();
        OverlayArgs {
            recommendations_file: dir.join("set.json"),
            chart: dir.join("chart"),
            mapping: None,
            environment: None,
            output_format: Format::Overlay,
            output_dir: Some(dir.join("out")),
            output_file: None,
            configmap: false,
            configmap_file: None,
            min_confidence: 0.0,
            validate: false,
            skip_unmapped: false,
            force: false,
            dry_run: false,
            quiet: true,
            release: "rel".into(),
            helm_library: None,
        }
    }

    #[test]
    fn a_run_writes_the_overlay() {
        let dir = tempfile::tempdir().unwrap();
        run(&args(dir.path(), "1536m")).unwrap();
        let text = fs::read_to_string(dir.path().join("out/etl-2026-02-22.yaml")).unwrap();
        assert!(text.starts_with("# Values overlay (only what the recommendations change)"), "{text}");
        assert!(
            text.ends_with("\"apps\":\n  \"api\":\n    \"replicas\": 4\n    \"resources\":\n      \"requests\":\n        \"memory\": \"1536Mi\"\n"),
            "{text}"
        );
    }

    #[test]
    fn a_full_preset_with_its_configmap_beside_it_or_where_named() {
        let dir = tempfile::tempdir().unwrap();
        let full = OverlayArgs { output_format: Format::Full, configmap: true, ..args(dir.path(), "1Gi") };
        run(&full).unwrap();
        let preset = fs::read_to_string(dir.path().join("out/etl-2026-02-22.yaml")).unwrap();
        assert!(preset.starts_with("# Full values preset (every value of the chart)"), "{preset}");
        assert!(preset.contains("\n    \"note\": \"hello\"\n"), "every value: {preset}");
        let wrapped = fs::read_to_string(dir.path().join("out/etl-2026-02-22-configmap.yaml")).unwrap();
        assert!(wrapped.contains("  name: \"shop-autotuned-etl\"\n"), "{wrapped}");
        let named = OverlayArgs {
            output_dir: None,
            output_file: Some(dir.path().join("named/preset.yaml")),
            configmap_file: Some(dir.path().join("named/wrapped.yaml")),
            ..full
        };
        run(&named).unwrap();
        let mut names: Vec<String> = fs::read_dir(dir.path().join("named"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["preset.yaml", "wrapped.yaml"]);
        let beside = OverlayArgs { configmap_file: None, output_file: Some(dir.path().join("other/p.yaml")), ..named };
        run(&beside).unwrap();
        assert!(dir.path().join("other/p-configmap.yaml").exists());
    }

    #[test]
    fn validate_and_dry_run_check_requests_against_limits() {
        let dir = tempfile::tempdir().unwrap();
        let over = args(dir.path(), "4g");
        let refusal = format!(
            "chart {}: with the new values, Deployment/rel-api container api: requests.memory 4Gi is above limits.memory \
             2Gi (Kubernetes refuses the Deployment: a request must be at most its limit)",
            over.chart.display()
        );
        let validating = OverlayArgs { validate: true, ..args(dir.path(), "4g") };
        assert_eq!(run(&validating).unwrap_err().to_string(), refusal);
        assert!(!dir.path().join("out").exists(), "nothing written");
        let dry = OverlayArgs { dry_run: true, ..args(dir.path(), "4g") };
        assert_eq!(run(&dry).unwrap_err().to_string(), refusal);
        run(&over).unwrap();
        assert!(dir.path().join("out/etl-2026-02-22.yaml").exists(), "without --validate only the schema is checked");
    }

    #[test]
    fn usage_errors_name_the_argument() {
        let dir = tempfile::tempdir().unwrap();
        let base = args(dir.path(), "1Gi");
        let usage = |args: OverlayArgs| check_usage(&args).map_err(|e| e.to_string());
        assert_eq!(usage(args(dir.path(), "1Gi")), Ok(()));
        assert_eq!(
            usage(OverlayArgs { min_confidence: 1.5, ..args(dir.path(), "1Gi") }),
            Err("--min-confidence 1.5 is outside [0, 1]".into())
        );
        assert_eq!(usage(OverlayArgs { min_confidence: 1.0, ..args(dir.path(), "1Gi") }), Ok(()));
        assert_eq!(
            usage(OverlayArgs { configmap: true, ..args(dir.path(), "1Gi") }),
            Err("--configmap wraps a full preset: add --output-format full".into())
        );
        assert_eq!(
            usage(OverlayArgs { configmap: true, output_format: Format::Full, ..args(dir.path(), "1Gi") }),
            Ok(())
        );
        assert_eq!(usage(OverlayArgs { output_format: Format::Full, ..args(dir.path(), "1Gi") }), Ok(()));
        fs::create_dir_all(dir.path().join("out")).unwrap();
        assert_eq!(usage(args(dir.path(), "1Gi")), Ok(()), "an existing directory");
        let file = dir.path().join("set.json");
        assert_eq!(
            usage(OverlayArgs { output_dir: Some(file.clone()), ..base }),
            Err(format!(
                "--output-dir {} is a file, not a directory: name a directory (it is created when missing), or use \
                 --output-file to name the file",
                file.display()
            ))
        );
    }

    #[test]
    fn the_library_given_wins() {
        let dir = tempfile::tempdir().unwrap();
        let given = OverlayArgs { helm_library: Some("/opt/helm/libhelm_c.so".into()), ..args(dir.path(), "1Gi") };
        assert_eq!(library(&given).unwrap(), PathBuf::from("/opt/helm/libhelm_c.so"));
    }

    #[test]
    fn helm_must_read_the_file_back_as_the_values_meant() {
        let sdk = fixture::sdk();
        assert!(check_round_trip(&sdk, "\"a\": 1\n", &json!({"a": 1})).is_ok());
        assert_eq!(
            check_round_trip(&sdk, "\"a\": 1\n", &json!({"a": 2})).unwrap_err().to_string(),
            "internal error: Helm reads the generated values file differently"
        );
    }

    fn plan_of(dir: &Path, sdk: &HelmSdk, recommendations: &[(&str, Value, f64)]) -> (Plan, Vec<String>) {
        fixture::chart(dir, true, false);
        let chart = ChartContext::load(sdk, dir, None).unwrap();
        let mut set: RecommendationSet = serde_json::from_str(&SET.replace("MEMORY", "1Gi")).unwrap();
        set.recommendations = recommendations
            .iter()
            .map(|(key, value, confidence)| input::Recommendation {
                key: key.to_string(),
                value: serde_json::from_value(value.clone()).unwrap(),
                reason: "r".into(),
                confidence: *confidence,
            })
            .collect();
        let mapping = Mapping::new(None, chart.composed_apps()).unwrap();
        let options = PlanOptions { min_confidence: 0.5, open_maps: false, skip_unmapped: true };
        let plan = apply::plan(&set, &mapping, &chart.effective, options).unwrap();
        let report = dry_run_report(&chart, &plan, "rel").unwrap();
        (plan, report.lines().map(str::to_string).collect())
    }

    #[test]
    fn the_summary_and_the_dry_run_list_every_recommendation() {
        let sdk = fixture::sdk();
        let dir = tempfile::tempdir().unwrap();
        let recommendations = [
            ("api.replicas", json!(4), 0.9),
            ("api.memory.limit", json!("4g"), 0.9),
            ("api.memory.request", json!("1Gi"), 0.9),
            ("api.cpu.limit", json!(2), 0.1),
            ("gpu", json!(1), 0.9),
        ];
        let (plan, report) = plan_of(dir.path(), &sdk, &recommendations);
        let summary_lines = [
            "changed apps.api.replicas: 2 -> 4 (api.replicas)",
            "changed apps.api.resources.limits.memory: \"2Gi\" -> \"4Gi\" (api.memory.limit)",
            "dropped api.memory.request = \"1Gi\": the chart already has this value",
            "skipped api.cpu.limit (confidence 0.1): below --min-confidence",
            "skipped gpu = 1: no mapping to a values path: it is not <app>.<setting>; use a built-in key",
        ];
        let summary = summary(&plan, &[(PathBuf::from("out/a.yaml"), String::new())]);
        let lines: Vec<&str> = summary.lines().collect();
        assert_eq!(lines[0], "wrote out/a.yaml");
        for (line, expected) in lines[1..].iter().zip(summary_lines) {
            assert!(line.starts_with(expected), "{line}");
        }
        assert_eq!(lines.len(), 6);
        assert_eq!(
            report[..3],
            [
                "Deployment/rel-api:",
                "  /spec/replicas: 2 -> 4",
                "  /spec/template/spec/containers/0/resources/limits/memory: \"2Gi\" -> \"4Gi\""
            ]
        );
        assert_eq!(report[3..], lines[1..]);
        let checked = checked_lines(&["one".into(), "two".into()]);
        assert_eq!(checked, "checked one\nchecked two\n");
    }

    #[test]
    fn a_dry_run_that_changes_nothing_says_so() {
        let sdk = fixture::sdk();
        let dir = tempfile::tempdir().unwrap();
        let (_, report) = plan_of(dir.path(), &sdk, &[("api.replicas", json!(2), 0.9)]);
        assert_eq!(
            report,
            ["no rendered object changes", "dropped api.replicas = 2: the chart already has this value"]
        );
    }
}
