//! helm-c rejects unknown option keys: every option struct, with every field set, must get
//! past option decoding in the real library. Network calls go to a closed local port, so
//! they fail fast, but with a network error rather than an options error.

mod support;

use std::fmt::Debug;
use std::fs;
use std::path::{Path, PathBuf};

use helm_sdk::{
    Chart, DependencyOptions, ErrorCode, HelmError, LintOptions, LoginOptions, PackageOptions, PullOptions,
    PushOptions, RegistryClient, RegistryClientOptions, RenderOptions, RepoIndexDownloadOptions, RepoIndexOptions,
    ShowFormat, ShowOptions, SignOptions, VerifyMode,
};
use support::{sdk, write_demo_chart};
use tempfile::TempDir;

/// A closed port: connections are refused at once.
const NOWHERE: &str = "127.0.0.1:1";

/// Fails when `result` is an options-decoding failure; returns the error code if any.
#[track_caller]
fn accepted<T: Debug>(result: Result<T, HelmError>) -> Option<ErrorCode> {
    match result {
        Ok(_) => None,
        Err(HelmError::Call { operation, code, detail }) => {
            assert!(
                !detail.contains("unknown field") && !detail.contains("options JSON"),
                "helm {operation} rejected its options ({code}): {detail}"
            );
            Some(code)
        }
        Err(other) => panic!("unexpected error: {other:?}"),
    }
}

fn file(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, "").unwrap();
    path
}

#[test]
fn lint_render_and_show_options() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = write_demo_chart(tmp.path());

    let lint = LintOptions {
        strict: true,
        namespace: Some("ns".into()),
        with_subcharts: true,
        quiet: true,
        skip_schema_validation: true,
        kube_version: Some("v1.30.0".into()),
    };
    assert_eq!(accepted(sdk.lint(&chart, None, &lint)), None);

    let render = RenderOptions {
        name: Some("rel".into()),
        namespace: Some("ns".into()),
        revision: Some(3),
        is_install: false,
        is_upgrade: true,
        kube_version: Some("v1.30.0".into()),
        api_versions: vec!["example.com/v1".into()],
        strict: true,
        enable_dns: true,
    };
    let loaded = Chart::load(&sdk, &chart).unwrap();
    assert_eq!(accepted(loaded.render(None, &render)), None);

    let show = ShowOptions {
        format: Some(ShowFormat::Readme),
        devel: true,
        chart_repo_url: Some(format!("http://{NOWHERE}")),
        chart_version: Some("0.1.0".into()),
        plain_http: true,
        username: Some("user".into()),
        password: Some("secret".into()),
        ca_file: Some(file(tmp.path(), "ca.pem")),
        cert_file: Some(file(tmp.path(), "cert.pem")),
        key_file: Some(file(tmp.path(), "key.pem")),
        insecure_skip_tls_verify: true,
        verify: true,
        keyring: Some(file(tmp.path(), "pubring.gpg")),
        pass_credentials_all: true,
        dependency_update: true,
    };
    // A local chart path: nothing to download, so every key is decoded and then ignored.
    assert_eq!(accepted(sdk.show(None, chart.to_str().unwrap(), &show)), None);
}

#[test]
fn package_sign_repo_and_dependency_options() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = write_demo_chart(tmp.path());
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    let keyring = file(tmp.path(), "secring.gpg");

    let package = PackageOptions {
        destination: Some(out.clone()),
        version: Some("0.1.0".into()),
        app_version: Some("1.0".into()),
        sign: true,
        key: Some("nobody".into()),
        keyring: Some(keyring.clone()),
        passphrase_file: Some(file(tmp.path(), "passphrase")),
        dependency_update: true,
        plain_http: true,
        username: Some("user".into()),
        password: Some("secret".into()),
        cert_file: Some(file(tmp.path(), "cert.pem")),
        key_file: Some(file(tmp.path(), "key.pem")),
        ca_file: Some(file(tmp.path(), "ca.pem")),
        insecure_skip_tls_verify: true,
    };
    // Packaging works; signing with an empty keyring cannot.
    assert_eq!(accepted(sdk.package(&chart, &package)), Some(ErrorCode::ChartInvalid));
    let archive = out.join("demo-0.1.0.tgz");
    assert!(archive.is_file());

    let sign =
        SignOptions { passphrase_file: Some(file(tmp.path(), "passphrase")), ..SignOptions::new("nobody", &keyring) };
    assert_eq!(accepted(sdk.sign(&archive, &sign)), Some(ErrorCode::ChartInvalid));

    sdk.repo_index_generate(&out, &RepoIndexOptions::default()).unwrap();
    let index = RepoIndexOptions {
        base_url: Some("https://x.example".into()),
        merge: Some(out.join("index.yaml")),
        json: true,
    };
    assert_eq!(accepted(sdk.repo_index_generate(&out, &index)), None);

    let download = RepoIndexDownloadOptions {
        username: Some("user".into()),
        password: Some("secret".into()),
        insecure_skip_tls_verify: true,
        cert_file: None,
        key_file: None,
        ca_file: None,
        pass_credentials_all: true,
    };
    assert_eq!(
        accepted(sdk.repo_index_download(&format!("http://{NOWHERE}/charts"), &download)),
        Some(ErrorCode::Repo)
    );

    let dependency = DependencyOptions {
        skip_refresh: true,
        keyring: Some(keyring),
        verify: false,
        verify_mode: Some(VerifyMode::IfPossible),
        plain_http: true,
        debug: true,
        username: Some("user".into()),
        password: Some("secret".into()),
        cert_file: None,
        key_file: None,
        ca_file: None,
        insecure_skip_tls_verify: true,
    };
    assert_eq!(accepted(sdk.dependency_build(&chart, &dependency)), None);
    assert_eq!(accepted(sdk.dependency_update(&chart, &dependency)), None);
}

#[test]
fn registry_pull_and_push_options() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = write_demo_chart(tmp.path());
    let archive =
        sdk.package(&chart, &PackageOptions { destination: Some(tmp.path().into()), ..Default::default() }).unwrap();

    let client_options = RegistryClientOptions {
        debug: true,
        plain_http: true,
        credentials_file: Some(tmp.path().join("registry.json")),
        username: Some("user".into()),
        password: Some("secret".into()),
    };
    let client = RegistryClient::new(&sdk, &client_options).unwrap();
    let login = LoginOptions { insecure: true, plain_http: true, cert_file: None, key_file: None, ca_file: None };
    let code = accepted(client.login(NOWHERE, "user", "secret", &login));
    assert_eq!(code, Some(ErrorCode::Registry));
    drop(client);

    let pull = PullOptions {
        dest_dir: Some(tmp.path().join("pulled")),
        version: Some("0.1.0".into()),
        repo_url: None,
        untar: true,
        untar_dir: Some(tmp.path().join("untarred")),
        plain_http: true,
        insecure_skip_tls_verify: true,
        username: Some("user".into()),
        password: Some("secret".into()),
        ca_file: None,
        cert_file: None,
        key_file: None,
        pass_credentials_all: true,
        verify: false,
        verify_later: true,
        keyring: None,
        devel: true,
    };
    assert_eq!(accepted(sdk.pull(None, &format!("oci://{NOWHERE}/charts/demo"), &pull)), Some(ErrorCode::Repo));

    let push = PushOptions {
        plain_http: true,
        insecure_skip_tls_verify: true,
        cert_file: None,
        key_file: None,
        ca_file: None,
    };
    assert_eq!(
        accepted(sdk.push(None, &archive, &format!("oci://{NOWHERE}/charts"), &push)),
        Some(ErrorCode::Registry)
    );
}
