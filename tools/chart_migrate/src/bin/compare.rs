//! `compare`: renders a hand-written and a generated chart with the real Helm, as the same
//! release, and reports every difference. Exit 0: equivalent; 1: they differ (or, with
//! `--expect`, the report is not the expected one); 2: error.

use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

use chart_migrate::cli::{line_diff, load_sdk, user_path};
use chart_migrate::compare::pair::Rename;
use chart_migrate::compare::random;
use chart_migrate::compare::report::{self, Format};
use chart_migrate::compare::{compare, CompareOptions};
use chart_migrate::error::MigrateError;
use chart_migrate::render::{render_chart, Release};
use clap::Parser;

#[derive(Parser)]
#[command(name = "compare", about = "Compares two Helm charts as Helm renders them")]
struct Args {
    /// The hand-written chart: a directory or a .tgz.
    #[arg(long, value_name = "PATH")]
    manual: PathBuf,
    /// The generated chart: a directory (bazel-bin/<package>/<target>) or a .tgz.
    #[arg(long, value_name = "PATH")]
    generated: PathBuf,
    /// Values file for both charts (repeatable; later files win).
    #[arg(long = "values", value_name = "FILE")]
    values: Vec<PathBuf>,
    /// Values file for the manual chart only, after --values (repeatable).
    #[arg(long = "manual-values", value_name = "FILE")]
    manual_values: Vec<PathBuf>,
    /// Values file for the generated chart only, after --values (repeatable).
    #[arg(long = "generated-values", value_name = "FILE")]
    generated_values: Vec<PathBuf>,
    /// Release name both charts are rendered with.
    #[arg(long, default_value = "release-name")]
    release: String,
    /// Release namespace both charts are rendered in.
    #[arg(long, default_value = "default")]
    namespace: String,
    /// `[KIND/]OLD=NEW`: the manual chart's object OLD is the generated chart's NEW (names
    /// without the release prefix; repeatable).
    #[arg(long = "rename", value_name = "[KIND/]OLD=NEW")]
    renames: Vec<Rename>,
    /// Keep the documented noise: helm.sh/chart labels and checksum/* annotations.
    #[arg(long)]
    strict: bool,
    /// Do not fill in Kubernetes' defaults (successThreshold 1, protocol TCP, a 30 s grace
    /// period, ...; the list is in docs/migration.md) where one chart leaves a field out.
    #[arg(long)]
    no_defaults: bool,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// A checked-in report: exit 0 when this comparison's report is exactly it, 1 otherwise
    /// (the difference is printed).
    #[arg(long, value_name = "FILE")]
    expect: Option<PathBuf>,
    /// libhelm_c.so; default: $HELM_C_LIBRARY.
    #[arg(long, value_name = "FILE")]
    helm_library: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("compare: error: {error}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<ExitCode, MigrateError> {
    let sdk = load_sdk(args.helm_library.as_deref())?;
    let release = Release { name: args.release.clone(), namespace: args.namespace.clone() };
    let paths = |files: &[&[PathBuf]]| files.concat().iter().map(|p| user_path(p)).collect::<Vec<_>>();
    let manual_values = paths(&[&args.values, &args.manual_values]);
    let generated_values = paths(&[&args.values, &args.generated_values]);
    let manual_chart = user_path(&args.manual);
    let generated_chart = user_path(&args.generated);
    // Each chart twice: what differs between two renders comes from random functions.
    let manual = render_chart(&sdk, &manual_chart, &manual_values, &release)?;
    let manual_again = render_chart(&sdk, &manual_chart, &manual_values, &release)?;
    let generated = render_chart(&sdk, &generated_chart, &generated_values, &release)?;
    let generated_again = render_chart(&sdk, &generated_chart, &generated_values, &release)?;
    let randomness = [
        random::detect(&manual.objects, &manual_again.objects, &release.name, &manual.metadata.name),
        random::detect(&generated.objects, &generated_again.objects, &release.name, &generated.metadata.name),
    ];
    let options = CompareOptions { strict: args.strict, renames: args.renames.clone(), no_defaults: args.no_defaults };
    let comparison = compare(&manual, &generated, [&randomness[0], &randomness[1]], &release, &options)?;
    let report = report::render(&comparison, args.format);

    if let Some(expected_path) = &args.expect {
        let expected_path = user_path(expected_path);
        let expected = fs::read_to_string(&expected_path).map_err(|e| MigrateError::io(&expected_path, e))?;
        let difference = line_diff(&expected, &report);
        if difference.is_empty() {
            println!("compare: the report is the expected one ({})", expected_path.display());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "compare: the report differs from {} (- expected, + actual):\n{difference}\nThe whole report:\n{report}",
            expected_path.display()
        );
        return Ok(ExitCode::from(1));
    }
    print!("{report}");
    Ok(if comparison.is_equivalent() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
