//! The command line the Bazel rules run: each subcommand through the built binary, with its
//! arguments, environment (stamping, the Helm library, signing keyrings, `bazel run`'s
//! directories), standard input, output and exit status.

mod support;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chart_release::inspect::inspect;
use chart_release::package::{package, PackageRequest};
use support::{sdk, write, write_chart, Keys, Registry, IDENTITY};
use tempfile::TempDir;

const UPDATE: &str = "bazel run //charts:update";

/// The binary under test: cargo builds it for integration tests, Bazel passes its runfiles path.
fn binary() -> PathBuf {
    std::env::current_dir().unwrap().join(env!("CARGO_BIN_EXE_chart_release"))
}

/// `HELM_C_LIBRARY` made absolute, since the commands run in other directories.
fn library() -> PathBuf {
    let value =
        std::env::var_os("HELM_C_LIBRARY").expect("HELM_C_LIBRARY is not set: these tests run the real libhelm_c.so");
    std::env::current_dir().unwrap().join(value)
}

/// The binary with the Helm library from the environment and nothing else from this process's
/// environment that it reads.
fn cli() -> Command {
    let mut command = Command::new(binary());
    command.env("HELM_C_LIBRARY", library()).stdin(Stdio::null());
    for name in
        ["BUILD_WORKSPACE_DIRECTORY", "BUILD_WORKING_DIRECTORY", "HELM_SIGNING_KEYRING", "HELM_SIGNING_PASSPHRASE_FILE"]
    {
        command.env_remove(name);
    }
    command
}

fn describe(output: &Output) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs the command, feeding `stdin`; returns its output.
fn run_with_input(command: &mut Command, stdin: &str) -> Output {
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// Runs the command, which must succeed; returns its standard output.
#[track_caller]
fn succeed(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(output.status.success(), "{}", describe(&output));
    String::from_utf8(output.stdout).unwrap()
}

/// Runs the command, which must exit with 1; returns its error message (without the prefix).
#[track_caller]
fn fail(command: &mut Command) -> String {
    check_failure(command.output().unwrap())
}

#[track_caller]
fn check_failure(output: Output) -> String {
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let message = stderr.lines().find_map(|l| l.strip_prefix("chart_release: error: "));
    message.unwrap_or_else(|| panic!("no error line in {stderr}")).to_string()
}

#[test]
fn packages_with_the_stamped_version_and_date_then_checks_indexes_and_renders() {
    let keys = Keys::generate();
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = write_chart(tmp.path());
    let status = tmp.path().join("stable-status.txt");
    write(&status, "STABLE_CHART_VERSION 2.0.0\nSTABLE_SOURCE_DATE_EPOCH 1700000000\n");

    let packaged = tmp.path().join("package");
    let mut package_command = cli();
    package_command.arg("package").arg("--chart").arg(&chart).arg("--out-dir").arg(&packaged);
    package_command.arg("--stamp-file").arg(&status).args(["--epoch", "0", "--sign", "--key", "release@example.com"]);
    succeed(package_command.arg("--keyring").arg(&keys.secret));
    let archive = packaged.join("demo-2.0.0.tgz");
    assert!(PathBuf::from(format!("{}.prov", archive.display())).is_file(), "--sign writes the provenance file");
    // The version and the date come from the status file: the library's bytes for them.
    let expected = PackageRequest {
        chart: &chart,
        out_dir: &tmp.path().join("expected"),
        version: Some("2.0.0".into()),
        app_version: None,
        epoch: 1_700_000_000,
        signing: None,
    };
    assert_eq!(fs::read(&archive).unwrap(), fs::read(package(&sdk, &expected).unwrap()).unwrap());

    let found = inspect(&sdk, &packaged, None).unwrap();
    let line =
        format!("demo-2.0.0.tgz: {} bytes, {}, {} manifests rendered\n", found.size, found.digest, found.manifests);
    assert_eq!(succeed(cli().arg("check-package").arg("--package-dir").arg(&packaged)), line);
    let verified =
        succeed(cli().arg("check-package").arg("--package-dir").arg(&packaged).arg("--keyring").arg(&keys.public));
    assert_eq!(verified, format!("{line}signed by {IDENTITY}\n"));
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let error = fail(cli().arg("check-package").arg("--package-dir").arg(&empty));
    assert!(error.contains("must hold exactly one chart archive (*.tgz), found 0"), "{error}");

    let repo = tmp.path().join("repo");
    let mut index_command = cli();
    index_command.arg("index").arg("--package-dir").arg(&packaged).arg("--out-dir").arg(&repo);
    succeed(index_command.arg("--stamp-file").arg(&status).args(["--base-url", "https://charts.example.com/demo"]));
    let index = fs::read_to_string(repo.join("index.yaml")).unwrap();
    assert!(index.contains("created: \"2023-11-14T22:13:20Z\""), "the status file's date: {index}");
    assert!(index.contains("- https://charts.example.com/demo/demo-2.0.0.tgz"), "{index}");

    let rendered = tmp.path().join("rendered");
    let mut render_command = cli();
    render_command.arg("render").arg("--chart").arg(&chart).arg("--out-dir").arg(&rendered);
    succeed(render_command.args(["--release", "shop", "--namespace", "apps"]));
    let prod = fs::read_to_string(rendered.join("prod.yaml")).unwrap();
    assert!(prod.contains("name: shop-config") && prod.contains("greeting: \"hello from prod\""), "{prod}");
    assert!(rendered.join("default.yaml").is_file());
}

#[test]
fn the_helm_library_comes_from_the_flag_or_the_environment() {
    let tmp = TempDir::new().unwrap();
    let chart = write_chart(tmp.path());
    let mut without = cli();
    without.env_remove("HELM_C_LIBRARY").arg("render").arg("--chart").arg(&chart);
    let error = fail(without.arg("--out-dir").arg(tmp.path().join("a")));
    assert_eq!(error, "no Helm library: pass --helm-library or set HELM_C_LIBRARY to libhelm_c.so");
    let mut flag = cli();
    flag.env_remove("HELM_C_LIBRARY").arg("--helm-library").arg(library()).arg("render").arg("--chart").arg(&chart);
    succeed(flag.arg("--out-dir").arg(tmp.path().join("b")));
    assert!(tmp.path().join("b/default.yaml").is_file());
}

/// `check-charts` or `update-charts` of one built chart into `charts_dir`.
fn charts_command(subcommand: &str, charts_dir: &Path, chart: &Path) -> Command {
    let mut command = cli();
    command.arg(subcommand).arg("--charts-dir").arg(charts_dir).args(["--update-command", UPDATE]);
    command.args(["--label", "//demo:chart", "--chart-dir"]).arg(chart);
    command
}

#[test]
fn keeps_charts_in_git_through_the_command_line() {
    let tmp = TempDir::new().unwrap();
    let chart = write_chart(tmp.path());
    let workspace = tmp.path().join("workspace");
    fs::create_dir(&workspace).unwrap();
    let charts = workspace.join("charts");

    let error = fail(&mut charts_command("check-charts", &charts, &chart));
    assert!(
        error.contains("/demo is missing: //demo:chart is listed for it. Run `bazel run //charts:update`"),
        "{error}"
    );
    let error = fail(&mut charts_command("update-charts", Path::new("charts"), &chart));
    assert_eq!(error, "update-charts writes into the workspace: run it with `bazel run //charts:update`");

    // Under `bazel run` the charts directory is relative to the workspace.
    let mut update = charts_command("update-charts", Path::new("charts"), &chart);
    let written = succeed(update.env("BUILD_WORKSPACE_DIRECTORY", &workspace).current_dir(tmp.path()));
    assert_eq!(written, "wrote charts/demo 0.1.0 from //demo:chart\n");
    assert_eq!(fs::read_to_string(charts.join("demo/values.yaml")).unwrap(), "greeting: hello\n");
    let checked = succeed(&mut charts_command("check-charts", &charts, &chart));
    assert_eq!(checked, format!("1 chart(s) in {} match the build\n", charts.display()));

    let error = fail(charts_command("check-charts", &charts, &chart).args(["--label", "//other:chart"]));
    assert_eq!(error, "every --label needs one --chart-dir, in the same order");
}

#[test]
fn pushes_with_the_password_from_stdin_and_signs_with_the_keyring_from_the_environment() {
    const USER: &str = "publisher";
    const PASSWORD: &str = "correct horse battery staple";
    let registry = Registry::start(USER, PASSWORD);
    let keys = Keys::generate();
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let packaged = tmp.path().join("package");
    let unsigned = PackageRequest {
        chart: &write_chart(tmp.path()),
        out_dir: &packaged,
        version: None,
        app_version: None,
        epoch: 0,
        signing: None,
    };
    package(&sdk, &unsigned).unwrap();
    let remote = format!("oci://{}/charts", registry.host);
    let push = || {
        let mut command = cli();
        command.arg("push").arg("--package-dir").arg(&packaged).arg(&remote);
        command.args(["--plain-http", "--username", USER, "--password-stdin", "--require-signature"]);
        command.args(["--key", "release@example.com"]).current_dir(tmp.path());
        command
    };

    let error = check_failure(run_with_input(&mut push(), &format!("{PASSWORD}\n")));
    assert!(error.contains("must be signed (the package has sign = True) but it has no .prov"), "{error}");
    let error = check_failure(run_with_input(push().env("HELM_SIGNING_KEYRING", ""), &format!("{PASSWORD}\n")));
    assert!(error.contains("must be signed"), "an empty HELM_SIGNING_KEYRING is none: {error}");
    let error = check_failure(run_with_input(&mut push(), "\n"));
    assert_eq!(error, "--password-stdin: standard input held no password");

    // A relative keyring is relative to where `bazel run` was started, not to the tool's directory.
    let mut signing_push = push();
    signing_push.env("HELM_SIGNING_KEYRING", "secring.gpg").env("BUILD_WORKING_DIRECTORY", keys.home.path());
    // The login goes to a private credentials file, never to the user's Helm configuration.
    let home = tmp.path().join("home");
    fs::create_dir(&home).unwrap();
    signing_push.env("HOME", &home).env("XDG_CONFIG_HOME", home.join(".config")).env_remove("HELM_REGISTRY_CONFIG");
    let output = run_with_input(&mut signing_push, &format!("{PASSWORD}\r\n"));
    assert!(output.status.success(), "{}", describe(&output));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let pinned = stdout.strip_suffix('\n').unwrap_or_else(|| panic!("one line: {stdout:?}"));
    let digest = pinned.strip_prefix(&format!("{remote}/demo:0.1.0@sha256:")).unwrap_or_else(|| panic!("{pinned}"));
    assert!(digest.len() == 64 && digest.chars().all(|c| c.is_ascii_hexdigit()), "{pinned}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(&format!("pushed {remote}/demo:0.1.0 with its provenance file")), "{stderr}");
    assert_eq!(fs::read_dir(&home).unwrap().count(), 0, "the push wrote into HOME");
}
