//! `composer`: the command line of the Helm chart composer. Parses arguments, runs the
//! library, reports errors; nothing else lives here.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use helm_composer::error::ComposeError;
use helm_composer::model::{
    ChartRouting, ChartSpec, GatewayMetadata, IngressMode, PeerChartSpec, ResourcePreset, SubchartSpec,
};
use helm_composer::{argocd, compose_umbrella_timed, metadata_schema, output, subchart, templates};
use phase_timing::Timings;

#[derive(Parser)]
#[command(name = "composer", version, about = "Composes Helm charts from app metadata")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes a complete chart directory from app metadata JSON files.
    Generate(Box<GenerateArgs>),
    /// Prints what follows from the app metadata schema: its JSON schema, the Starlark
    /// attribute table of `app_metadata`, or the reference docs.
    Metadata(MetadataArgs),
    /// Writes a values overlay or full preset from autotuning recommendations, checked by
    /// Helm (tools/overlay, docs/overlays.md).
    Overlay(Box<values_overlay::OverlayArgs>),
    /// Writes Argo CD Applications (or an ApplicationSet) for a chart's environments
    /// (the `argocd_applications` rule, docs/argocd.md).
    Argocd(ArgocdArgs),
}

#[derive(clap::Args)]
struct ArgocdArgs {
    /// The JSON spec the `argocd_applications` rule writes.
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// Environment JSON written by a `helm_environment` target of the chart (repeat for each).
    #[arg(long = "environment-file", value_name = "FILE")]
    environment_files: Vec<PathBuf>,
    /// YAML file to write.
    #[arg(long, value_name = "FILE")]
    output: PathBuf,
}

#[derive(clap::Args)]
struct MetadataArgs {
    #[arg(long, value_enum, default_value = "json-schema")]
    format: MetadataFormat,
    /// Directory of Handlebars templates; by default the ones in the composer's runfiles.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum MetadataFormat {
    JsonSchema,
    Starlark,
    Markdown,
}

#[derive(clap::Args)]
struct GenerateArgs {
    /// App metadata JSON written by an `app_metadata` target (repeat for every app).
    #[arg(long = "metadata", value_name = "FILE")]
    metadata: Vec<PathBuf>,
    /// A subchart, as a JSON object {"target", "path", "alias", "version"} (repeat for every
    /// subchart): the chart becomes an umbrella chart.
    #[arg(long = "subchart", value_name = "JSON", value_parser = parse_subchart)]
    subcharts: Vec<SubchartSpec>,
    /// Another chart whose apps this chart's apps call, as a JSON object {"target", "chart",
    /// "release", "namespace", "metadata", "environments"} (repeat for every peer chart).
    #[arg(long = "peer-chart", value_name = "JSON", value_parser = parse_peer_chart)]
    peer_charts: Vec<PeerChartSpec>,
    /// libhelm_c.so (Helm's Go SDK), which reads the subcharts; required with --subchart.
    #[arg(long, value_name = "FILE")]
    helm_library: Option<PathBuf>,
    /// Environment JSON written by a `helm_environment` target; each becomes values-<name>.yaml.
    #[arg(long = "environment-file", value_name = "FILE")]
    environment_files: Vec<PathBuf>,
    /// Chart name (DNS-1123 label).
    #[arg(long)]
    name: String,
    /// Chart version (SemVer 2).
    #[arg(long, default_value = "0.1.0")]
    chart_version: String,
    /// Version of the apps the chart deploys.
    #[arg(long, default_value = "0.1.0")]
    app_version: String,
    /// Chart description for Chart.yaml.
    #[arg(long, default_value = "")]
    description: String,
    /// Namespace the chart is meant for (documentation only: objects use the release namespace).
    #[arg(long, default_value = "")]
    namespace: String,
    /// Logical environment the default values are for.
    #[arg(long, default_value = "dev")]
    environment: String,
    /// One Ingress for every external-api, or one per app.
    #[arg(long, value_enum, default_value = "single")]
    ingress_mode: IngressMode,
    /// Resource preset of every app that does not choose its own.
    #[arg(long, value_enum)]
    resource_preset: Option<ResourcePreset>,
    /// An environment variable of every app, NAME=VALUE (repeat for each).
    #[arg(long = "env", value_name = "NAME=VALUE", value_parser = parse_env)]
    env: Vec<(String, String)>,
    /// Host of an Ingress whose app sets none, e.g. "{app}.{domain}".
    #[arg(long, default_value = "")]
    ingress_host_pattern: String,
    /// Domain of the host pattern in the default values.
    #[arg(long, default_value = "")]
    ingress_domain: String,
    /// IngressClass of the chart's Ingress objects; empty: the cluster's default class.
    #[arg(long, default_value = "")]
    ingress_class: String,
    /// Gateway (Gateway API) the default values route through instead of Ingress objects.
    #[arg(long, default_value = "")]
    gateway_name: String,
    /// Namespace of the Gateway.
    #[arg(long, default_value = "")]
    gateway_namespace: String,
    /// Listener (sectionName) of the Gateway the routes attach to.
    #[arg(long, default_value = "")]
    gateway_section_name: String,
    /// A Kubernetes version (MAJOR.MINOR) the chart is validated against (repeat for each);
    /// the lowest becomes Chart.yaml's kubeVersion.
    #[arg(long = "kubernetes-version", value_name = "MAJOR.MINOR")]
    kubernetes_versions: Vec<String>,
    /// A Secret (by name) with credentials of a private image registry, used by every app's
    /// pods (repeat for each).
    #[arg(long = "image-pull-secret", value_name = "NAME")]
    image_pull_secrets: Vec<String>,
    /// Directory of Handlebars templates; by default the ones in the composer's runfiles.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Chart directory to write (replaced atomically).
    #[arg(long, value_name = "DIR")]
    output: PathBuf,
    /// Print the wall time of each phase (reading metadata, loading templates, planning and
    /// rendering, writing files, renaming) to stderr.
    #[arg(long)]
    timings: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate(*args).map_err(|e| e.to_string()),
        Command::Metadata(args) => metadata(args).map_err(|e| e.to_string()),
        Command::Overlay(args) => values_overlay::run(&args).map_err(|e| e.to_string()),
        Command::Argocd(args) => argocd::generate(&args.spec, &args.environment_files)
            .and_then(|text| argocd::write(&args.output, &text))
            .map_err(|e| e.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("composer: error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn metadata(args: MetadataArgs) -> Result<(), ComposeError> {
    let text = match args.format {
        MetadataFormat::JsonSchema => format!("{:#}\n", metadata_schema::json_schema()),
        MetadataFormat::Starlark | MetadataFormat::Markdown => {
            let codegen = templates::locate(args.templates.as_deref())?.join(metadata_schema::CODEGEN_DIR);
            let template = match args.format {
                MetadataFormat::Starlark => metadata_schema::STARLARK_TEMPLATE,
                _ => metadata_schema::MARKDOWN_TEMPLATE,
            };
            metadata_schema::generate(&codegen, template)?
        }
    };
    print!("{text}");
    Ok(())
}

/// A `--subchart` value: one JSON object, strictly typed (unknown fields are errors).
fn parse_subchart(text: &str) -> Result<SubchartSpec, String> {
    serde_json::from_str(text)
        .map_err(|e| format!("not a subchart object {{\"target\", \"path\", \"alias\", \"version\"}}: {e}"))
}

/// A `--peer-chart` value: one JSON object, strictly typed (unknown fields are errors).
fn parse_peer_chart(text: &str) -> Result<PeerChartSpec, String> {
    serde_json::from_str(text).map_err(|e| {
        format!("not a peer chart object {{\"target\", \"chart\", \"release\", \"namespace\", \"metadata\", \"environments\"}}: {e}")
    })
}

/// An `--env` value: the name up to the first '=', the value after it (checked when composing).
fn parse_env(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .ok_or_else(|| format!("{text:?} is not NAME=VALUE"))
}

fn generate(args: GenerateArgs) -> Result<(), ComposeError> {
    let started = Instant::now();
    let mut timings = Timings::new(args.timings, "timings (wall):", 2);
    let description = if !args.description.is_empty() {
        args.description.clone()
    } else if args.subcharts.is_empty() {
        format!("Chart {} composed from {} app(s)", args.name, args.metadata.len())
    } else {
        format!(
            "Chart {} composed from {} app(s) and {} subchart(s)",
            args.name,
            args.metadata.len(),
            args.subcharts.len()
        )
    };
    let spec = ChartSpec {
        name: args.name,
        version: args.chart_version,
        app_version: args.app_version,
        description,
        namespace: args.namespace,
        environment: args.environment,
        ingress_mode: args.ingress_mode,
        resource_preset: args.resource_preset,
        env: args.env.into_iter().collect(),
        ingress_host_pattern: args.ingress_host_pattern,
        ingress_domain: args.ingress_domain,
        kubernetes_versions: args.kubernetes_versions,
        image_pull_secrets: args.image_pull_secrets,
        routing: ChartRouting {
            ingress_class: args.ingress_class,
            gateway: GatewayMetadata {
                name: args.gateway_name,
                namespace: args.gateway_namespace,
                section_name: args.gateway_section_name,
            },
        },
        peer_charts: args.peer_charts,
    };
    let templates = templates::locate(args.templates.as_deref())?;
    let subcharts = match (&args.helm_library, args.subcharts.is_empty()) {
        (_, true) => Vec::new(),
        (Some(library), false) => subchart::load_all(library, &args.subcharts)?,
        (None, false) => {
            return Err(ComposeError::InvalidChart {
                message: "--subchart needs --helm-library: subcharts are read through Helm".into(),
            })
        }
    };
    let chart =
        compose_umbrella_timed(&spec, &args.metadata, &args.environment_files, &subcharts, &templates, &mut timings)?;
    output::write_chart_timed(&chart, &args.output, &mut timings)?;
    eprint!("{}", timings.report(started.elapsed()));
    Ok(())
}
