//! `chart_release`: the command line of the chart release rules (`<chart>.package`,
//! `<chart>.push`, `<chart>.rendered`, `helm_repo_index`, `//charts:update` and its test).
//! It only parses arguments, reads the environment and reports; the work is in the library.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chart_release::epoch::DEFAULT_EPOCH;
use chart_release::index::{index, IndexRequest};
use chart_release::inspect::inspect;
use chart_release::package::{package, PackageRequest, Signing};
use chart_release::push::{push, Credentials, PushRequest};
use chart_release::render::{render_environments, RenderRequest};
use chart_release::stamp::{epoch, read_status};
use chart_release::sync::{check, update, BuiltChart, ChartsDir};
use chart_release::ReleaseError;
use clap::{Args, Parser, Subcommand};
use helm_sdk::{HelmSdk, Secret};

#[derive(Parser)]
#[command(name = "chart_release", about = "Packages, signs, pushes, indexes and renders Helm charts with Helm's SDK")]
struct Cli {
    /// libhelm_c.so (Helm's Go SDK behind a C ABI); default: $HELM_C_LIBRARY.
    #[arg(long, global = true)]
    helm_library: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes <name>-<version>.tgz (and .prov when signing) into --out-dir.
    Package(PackageArgs),
    /// Pushes a package directory to an OCI registry and prints the pushed reference.
    Push(PushArgs),
    /// Writes a chart repository (archives and index.yaml) into --out-dir.
    Index(IndexArgs),
    /// Renders the chart with its defaults and each values-<env>.yaml into --out-dir.
    Render(RenderArgs),
    /// Fails when a checked-in chart differs from the build.
    CheckCharts(ChartsArgs),
    /// Writes the built charts into the checked-in charts directory (under `bazel run`).
    UpdateCharts(ChartsArgs),
    /// Fails unless the package loads, lints (strict), renders and, with --keyring, verifies.
    CheckPackage(CheckPackageArgs),
}

#[derive(Args)]
struct CheckPackageArgs {
    #[arg(long)]
    package_dir: PathBuf,
    /// A public keyring (gpg --export) to verify the package's provenance with.
    #[arg(long)]
    keyring: Option<PathBuf>,
}

#[derive(Args)]
struct StampArgs {
    /// A Bazel workspace status file (stable-status.txt, volatile-status.txt); only given
    /// when the build is stamped.
    #[arg(long = "stamp-file")]
    stamp_files: Vec<PathBuf>,
    /// Status key whose value, when present, is the mtime of archive members and the date
    /// of index entries (seconds since 1970).
    #[arg(long, default_value = "STABLE_SOURCE_DATE_EPOCH")]
    epoch_key: String,
    /// The date when no status key gives one.
    #[arg(long, default_value_t = DEFAULT_EPOCH)]
    epoch: u64,
}

#[derive(Args)]
struct PackageArgs {
    #[arg(long)]
    chart: PathBuf,
    #[arg(long)]
    out_dir: PathBuf,
    /// The chart's version; a stamped build may override it with --version-key.
    #[arg(long)]
    version: Option<String>,
    #[arg(long)]
    app_version: Option<String>,
    /// Status key whose value, when present in a stamped build, is the release version.
    #[arg(long, default_value = "STABLE_CHART_VERSION")]
    version_key: String,
    #[command(flatten)]
    stamp: StampArgs,
    /// Sign with --key from --keyring (a GnuPG secret keyring).
    #[arg(long, requires_all = ["key", "keyring"])]
    sign: bool,
    #[arg(long)]
    key: Option<String>,
    #[arg(long)]
    keyring: Option<PathBuf>,
    #[arg(long)]
    passphrase_file: Option<PathBuf>,
}

#[derive(Args)]
struct PushArgs {
    /// The package directory (<name>-<version>.tgz, maybe with its .prov).
    #[arg(long)]
    package_dir: PathBuf,
    /// oci://HOST[:PORT]/PATH; the chart lands at PATH/<name>:<version>.
    remote: String,
    /// The registry speaks HTTP (a local test registry).
    #[arg(long)]
    plain_http: bool,
    /// Log in as this user, with the password read from standard input.
    #[arg(long, requires = "password_stdin")]
    username: Option<String>,
    #[arg(long, requires = "username")]
    password_stdin: bool,
    /// The package must be pushed with a provenance file (its rule has sign = True).
    #[arg(long, requires = "key")]
    require_signature: bool,
    /// The signing identity, for a package not signed at build time.
    #[arg(long)]
    key: Option<String>,
    /// Secret keyring that signs an unsigned package; default: $HELM_SIGNING_KEYRING.
    #[arg(long)]
    keyring: Option<PathBuf>,
    /// Unlocks a protected key; default: $HELM_SIGNING_PASSPHRASE_FILE.
    #[arg(long)]
    passphrase_file: Option<PathBuf>,
}

#[derive(Args)]
struct IndexArgs {
    #[arg(long = "package-dir", required = true)]
    package_dirs: Vec<PathBuf>,
    #[arg(long)]
    out_dir: PathBuf,
    /// Absolute URL the archives are served from.
    #[arg(long)]
    base_url: Option<String>,
    #[command(flatten)]
    stamp: StampArgs,
}

#[derive(Args)]
struct RenderArgs {
    #[arg(long)]
    chart: PathBuf,
    #[arg(long)]
    out_dir: PathBuf,
    #[arg(long, default_value = "release-name")]
    release: String,
    #[arg(long, default_value = "default")]
    namespace: String,
}

#[derive(Args)]
struct ChartsArgs {
    /// The checked-in charts directory; relative to the workspace for update-charts.
    #[arg(long)]
    charts_dir: PathBuf,
    /// The command that updates the directory, for messages.
    #[arg(long)]
    update_command: String,
    /// A target that builds a chart; paired in order with --chart-dir.
    #[arg(long = "label")]
    labels: Vec<String>,
    /// That target's chart directory.
    #[arg(long = "chart-dir")]
    chart_dirs: Vec<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("chart_release: error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), ReleaseError> {
    let sdk = load_sdk(cli.helm_library)?;
    match cli.command {
        Command::Package(args) => run_package(&sdk, args),
        Command::Push(args) => run_push(&sdk, args),
        Command::Index(args) => run_index(&sdk, args),
        Command::Render(args) => run_render(&sdk, args),
        Command::CheckCharts(args) => run_check(&sdk, args),
        Command::UpdateCharts(args) => run_update(&sdk, args),
        Command::CheckPackage(args) => run_check_package(&sdk, args),
    }
}

fn load_sdk(path: Option<PathBuf>) -> Result<HelmSdk, ReleaseError> {
    let path = path.or_else(|| std::env::var_os("HELM_C_LIBRARY").map(PathBuf::from)).ok_or_else(|| {
        ReleaseError::Usage("no Helm library: pass --helm-library or set HELM_C_LIBRARY to libhelm_c.so".into())
    })?;
    HelmSdk::load(&path).map_err(ReleaseError::helm("loading Helm"))
}

fn run_package(sdk: &HelmSdk, args: PackageArgs) -> Result<(), ReleaseError> {
    let status = read_status(&args.stamp.stamp_files)?;
    let version = status.get(&args.version_key).cloned().or(args.version);
    let signing = match (args.sign, args.key, args.keyring) {
        (true, Some(key), Some(keyring)) => Some(Signing { key, keyring, passphrase_file: args.passphrase_file }),
        _ => None,
    };
    let request = PackageRequest {
        chart: &args.chart,
        out_dir: &args.out_dir,
        version,
        app_version: args.app_version,
        epoch: epoch(&status, &args.stamp.epoch_key)?.unwrap_or(args.stamp.epoch),
        signing,
    };
    package(sdk, &request).map(|_| ())
}

fn run_push(sdk: &HelmSdk, args: PushArgs) -> Result<(), ReleaseError> {
    let credentials = match args.username {
        Some(username) => Some(Credentials { username, password: read_password()? }),
        None => None,
    };
    let keyring = args.keyring.or_else(|| env_path("HELM_SIGNING_KEYRING"));
    let passphrase_file = args.passphrase_file.or_else(|| env_path("HELM_SIGNING_PASSPHRASE_FILE"));
    let signing = match (args.key, keyring) {
        (Some(key), Some(keyring)) => Some(Signing {
            key,
            keyring: user_path(&keyring),
            passphrase_file: passphrase_file.as_deref().map(user_path),
        }),
        _ => None,
    };
    let request = PushRequest {
        package_dir: &args.package_dir,
        remote: &args.remote,
        plain_http: args.plain_http,
        credentials,
        require_signature: args.require_signature,
        signing,
    };
    let pushed = push(sdk, &request)?;
    eprintln!("pushed {}{}", pushed.reference, if pushed.signed { " with its provenance file" } else { "" });
    // The last line alone, so a release script can take it: the reference pinned to its digest.
    println!("{}", pushed.pinned());
    Ok(())
}

fn run_index(sdk: &HelmSdk, args: IndexArgs) -> Result<(), ReleaseError> {
    let status = read_status(&args.stamp.stamp_files)?;
    let request = IndexRequest {
        package_dirs: &args.package_dirs,
        out_dir: &args.out_dir,
        base_url: args.base_url,
        epoch: epoch(&status, &args.stamp.epoch_key)?.unwrap_or(args.stamp.epoch),
    };
    index(sdk, &request).map(|_| ())
}

fn run_render(sdk: &HelmSdk, args: RenderArgs) -> Result<(), ReleaseError> {
    let request = RenderRequest {
        chart: &args.chart,
        out_dir: &args.out_dir,
        release: &args.release,
        namespace: &args.namespace,
    };
    render_environments(sdk, &request).map(|_| ())
}

fn run_check(sdk: &HelmSdk, args: ChartsArgs) -> Result<(), ReleaseError> {
    let charts = built_charts(&args)?;
    let display = args.charts_dir.display().to_string();
    let dir = ChartsDir { path: &args.charts_dir, display: &display, update_command: &args.update_command };
    println!("{}", check(sdk, &dir, &charts)?);
    Ok(())
}

fn run_update(sdk: &HelmSdk, args: ChartsArgs) -> Result<(), ReleaseError> {
    let workspace = std::env::var_os("BUILD_WORKSPACE_DIRECTORY").ok_or_else(|| {
        ReleaseError::Usage(format!("update-charts writes into the workspace: run it with `{}`", args.update_command))
    })?;
    let charts = built_charts(&args)?;
    let path = Path::new(&workspace).join(&args.charts_dir);
    let display = args.charts_dir.display().to_string();
    let dir = ChartsDir { path: &path, display: &display, update_command: &args.update_command };
    for line in update(sdk, &dir, &charts)? {
        println!("{line}");
    }
    Ok(())
}

fn run_check_package(sdk: &HelmSdk, args: CheckPackageArgs) -> Result<(), ReleaseError> {
    let found = inspect(sdk, &args.package_dir, args.keyring.as_deref())?;
    println!("{}: {} bytes, {}, {} manifests rendered", found.archive, found.size, found.digest, found.manifests);
    if !found.signed_by.is_empty() {
        println!("signed by {}", found.signed_by.join(", "));
    }
    Ok(())
}

fn built_charts(args: &ChartsArgs) -> Result<Vec<BuiltChart>, ReleaseError> {
    if args.labels.len() != args.chart_dirs.len() {
        return Err(ReleaseError::Usage("every --label needs one --chart-dir, in the same order".into()));
    }
    Ok(args.labels.iter().zip(&args.chart_dirs).map(|(l, d)| BuiltChart { label: l.clone(), dir: d.clone() }).collect())
}

/// The registry password from standard input, without its line ending.
fn read_password() -> Result<Secret, ReleaseError> {
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password).map_err(|e| ReleaseError::io("standard input", e))?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        return Err(ReleaseError::Usage("--password-stdin: standard input held no password".into()));
    }
    Ok(Secret::new(password))
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// A path the user typed: under `bazel run` relative paths mean the directory the command
/// was started in, not the runfiles directory the tool runs in.
fn user_path(path: &Path) -> PathBuf {
    match std::env::var_os("BUILD_WORKING_DIRECTORY") {
        Some(base) if path.is_relative() => Path::new(&base).join(path),
        _ => path.to_path_buf(),
    }
}
