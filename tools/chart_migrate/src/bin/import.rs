//! `import`: renders a hand-written chart with the real Helm and writes the BUILD.bazel
//! declarations (`release_app` per app, one `helm_chart`) that reproduce it as closely as
//! the rules allow, printing a report of everything they do not. Exit 0: written (or, with
//! `--check`, current); 1: `--check` found the file out of date; 2: error.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chart_migrate::cli::{line_diff, load_sdk, user_path};
use chart_migrate::compare::random;
use chart_migrate::error::MigrateError;
use chart_migrate::import::emit::{self, Provenance};
use chart_migrate::import::{import, report};
use chart_migrate::render::{render_chart, Release};
use clap::Parser;

#[derive(Parser)]
#[command(name = "import", about = "Writes release_app and helm_chart declarations reproducing a Helm chart")]
struct Args {
    /// The hand-written chart: a directory or a .tgz.
    #[arg(long, value_name = "PATH")]
    chart: PathBuf,
    /// Values file to render the chart with (repeatable; later files win).
    #[arg(long = "values", value_name = "FILE")]
    values: Vec<PathBuf>,
    /// Bazel package the declarations are for, e.g. //demo/shop.
    #[arg(long, value_name = "//PACKAGE")]
    package: String,
    /// BUILD file to write; default: <package>/BUILD.bazel in the workspace.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Release name to render with (strings holding it are reported).
    #[arg(long, default_value = "release-name")]
    release: String,
    #[arg(long, default_value = "default")]
    namespace: String,
    /// Also write the report to this file.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Write nothing: exit 0 when the output file is what import would write, 1 otherwise.
    #[arg(long)]
    check: bool,
    /// libhelm_c.so; default: $HELM_C_LIBRARY.
    #[arg(long, value_name = "FILE")]
    helm_library: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("import: error: {error}");
            ExitCode::from(2)
        }
    }
}

/// The workspace the output is relative to: `bazel run` says where it is.
fn workspace() -> PathBuf {
    env::var_os("BUILD_WORKSPACE_DIRECTORY").map(PathBuf::from).unwrap_or_default()
}

/// `//a/b` -> `a/b`, refusing anything that is not a plain package label.
fn package_dir(package: &str) -> Result<&str, MigrateError> {
    let bad = || MigrateError::Package(package.to_string());
    let dir = package.strip_prefix("//").ok_or_else(bad)?;
    let plain = dir.chars().all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c));
    let parts_ok = dir.is_empty() || dir.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
    if !plain || !parts_ok {
        return Err(bad());
    }
    Ok(dir)
}

/// A path as the re-run command shows it: relative to the workspace when inside it.
fn shown(path: &Path) -> String {
    let workspace = workspace();
    let relative = if workspace.as_os_str().is_empty() { path } else { path.strip_prefix(&workspace).unwrap_or(path) };
    relative.display().to_string()
}

fn run(args: &Args) -> Result<ExitCode, MigrateError> {
    let package = package_dir(&args.package)?;
    let sdk = load_sdk(args.helm_library.as_deref())?;
    let release = Release { name: args.release.clone(), namespace: args.namespace.clone() };
    let chart = user_path(&args.chart);
    let values: Vec<PathBuf> = args.values.iter().map(|v| user_path(v)).collect();
    let rendered = render_chart(&sdk, &chart, &values, &release)?;
    // A second render shows which names come from random functions (helm test pods).
    let again = render_chart(&sdk, &chart, &values, &release)?;
    let randomness = random::detect(&rendered.objects, &again.objects, &release.name, &rendered.metadata.name);
    let imported = import(&rendered, &release, &randomness.names);

    let provenance = Provenance {
        package: args.package.clone(),
        chart: shown(&chart),
        values: values.iter().map(|v| shown(v)).collect(),
        release: (release.name != Release::default().name).then(|| release.name.clone()),
    };
    let region = emit::region(&imported.apps, &imported.chart, &provenance);
    let output = match &args.output {
        Some(output) => user_path(output),
        None => workspace().join(package).join("BUILD.bazel"),
    };
    let existing = match fs::read_to_string(&output) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !args.check => None,
        Err(e) => return Err(MigrateError::io(&output, e)),
    };
    let content = match &existing {
        Some(text) => {
            let (above, below) = emit::split_existing(text).map_err(|reason| MigrateError::RefusedOutput {
                path: output.clone(),
                reason: format!("{reason}; import replaces only its own region, so it leaves this file alone"),
            })?;
            format!("{above}{region}{below}")
        }
        None => region,
    };
    let report = report::render(&imported);
    if let Some(path) = &args.report {
        let path = user_path(path);
        fs::write(&path, &report).map_err(|e| MigrateError::io(&path, e))?;
    }

    if args.check {
        let difference = line_diff(existing.as_deref().unwrap_or_default(), &content);
        if difference.is_empty() {
            println!("import: {} is current", output.display());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "import: {} is not what import writes now (- file, + import):\n{difference}\nUpdate it with:\n  {}",
            output.display(),
            content.lines().nth(1).unwrap_or_default().trim_start_matches("# ")
        );
        return Ok(ExitCode::from(1));
    }
    if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| MigrateError::io(parent, e))?;
    }
    fs::write(&output, &content).map_err(|e| MigrateError::io(&output, e))?;
    print!("{report}");
    println!("\nWrote {}", output.display());
    Ok(ExitCode::SUCCESS)
}
