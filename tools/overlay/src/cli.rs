//! `composer overlay`: the command line (arguments, then one straight run: read, plan,
//! check, write or show).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use helm_sdk::HelmSdk;
use serde_json::Value;

use crate::apply::{self, Plan};
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
    /// Also run helm lint --strict and render the chart with the new values.
    #[arg(long)]
    pub validate: bool,
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

/// Runs `composer overlay`; what it did or would do goes to stdout.
pub fn run(args: &OverlayArgs) -> Result<(), OverlayError> {
    check_usage(args)?;
    let library = match &args.helm_library {
        Some(path) => path.clone(),
        None => std::env::var_os("HELM_C_LIBRARY")
            .map(PathBuf::from)
            .ok_or_else(|| OverlayError::Usage("give --helm-library (libhelm_c.so) or set HELM_C_LIBRARY".into()))?,
    };
    let sdk = HelmSdk::load(&library)?;
    let set = input::read(&args.recommendations_file)?;
    let chart = ChartContext::load(&sdk, &args.chart, args.environment.as_deref())?;
    let mapping = Mapping::new(args.mapping.as_deref(), chart.composed_apps())?;
    let plan = apply::plan(&set, &mapping, &chart.effective, args.min_confidence, chart.has_schema)?;
    validate::schema(&chart, &plan)?;
    if args.validate || args.dry_run {
        validate::lint(&chart, &plan.proposed)?;
    }
    if args.dry_run {
        print!("{}", dry_run_report(&chart, &plan, &args.release)?);
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
    if args.validate {
        validate::render(&chart, &plan.proposed, &args.release)?;
    }
    let files = output_files(args, &set, &chart, text)?;
    output::write_all(&files)?;
    if !args.quiet {
        print!("{}", summary(&plan, &files));
    }
    Ok(())
}

fn check_usage(args: &OverlayArgs) -> Result<(), OverlayError> {
    if !(0.0..=1.0).contains(&args.min_confidence) {
        return Err(OverlayError::Usage(format!("--min-confidence {} is outside [0, 1]", args.min_confidence)));
    }
    if args.configmap && args.output_format != Format::Full {
        return Err(OverlayError::Usage("--configmap wraps a full preset: add --output-format full".into()));
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
