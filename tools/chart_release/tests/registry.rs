//! Publishing: push a signed package to a real OCI registry (Debian's docker-registry on
//! 127.0.0.1, htpasswd auth), resolve it, pull it back by digest, verify its provenance and
//! compare the bytes; a wrong password and an anonymous push are refused.

mod support;

use std::fs;
use std::path::Path;
use std::time::Instant;

use chart_release::epoch::DEFAULT_EPOCH;
use chart_release::package::{find_archive, package, PackageRequest, Signing};
use chart_release::push::{push, Credentials, PushRequest, Pushed};
use chart_release::ReleaseError;
use helm_sdk::{HelmSdk, LoginOptions, PullOptions, RegistryClient, RegistryClientOptions};
use support::{sdk, write_chart, Keys, Registry, IDENTITY};
use tempfile::TempDir;

const USER: &str = "publisher";
const PASSWORD: &str = "correct horse battery staple";

fn credentials(password: &str) -> Option<Credentials> {
    Some(Credentials { username: USER.into(), password: password.into() })
}

fn push_to(
    sdk: &HelmSdk,
    package_dir: &Path,
    remote: &str,
    credentials: Option<Credentials>,
) -> Result<Pushed, ReleaseError> {
    let request =
        PushRequest { package_dir, remote, plain_http: true, credentials, require_signature: true, signing: None };
    push(sdk, &request)
}

#[test]
fn pushes_resolves_pulls_by_digest_and_verifies() {
    let registry = Registry::start(USER, PASSWORD);
    let keys = Keys::generate();
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let package_dir = tmp.path().join("package");
    let request = PackageRequest {
        chart: &write_chart(tmp.path()),
        out_dir: &package_dir,
        version: None,
        app_version: None,
        epoch: DEFAULT_EPOCH,
        signing: Some(Signing {
            key: "release@example.com".into(),
            keyring: keys.secret.clone(),
            passphrase_file: None,
        }),
    };
    let archive = package(&sdk, &request).unwrap();
    let remote = format!("oci://{}/charts", registry.host);

    let started = Instant::now();
    let pushed = push_to(&sdk, &package_dir, &remote, credentials(PASSWORD)).unwrap();
    assert_eq!(pushed.reference, format!("{remote}/demo:0.1.0"));
    assert!(pushed.signed);
    assert!(pushed.digest.starts_with("sha256:") && pushed.digest.len() == 71, "{pushed:?}");

    let client = logged_in_client(&sdk, &registry.host);
    assert_eq!(client.resolve(&pushed.reference).unwrap().digest, pushed.digest);
    let pulled = tmp.path().join("pulled");
    fs::create_dir(&pulled).unwrap();
    let options =
        PullOptions { dest_dir: Some(pulled.clone()), plain_http: true, verify_later: true, ..Default::default() };
    client.pull(&format!("{remote}/demo@{}", pushed.digest), &options).unwrap();
    eprintln!("push + resolve + pull round trip: {:?}", started.elapsed());

    // A pull by digest names the files demo@sha256-<hex>.tgz(.prov); the provenance names the
    // archive demo-0.1.0.tgz, and Helm's verify checks that name, so restore it first.
    let (pulled_archive, pulled_prov) = find_archive(&pulled).unwrap();
    assert_eq!(fs::read(&pulled_archive).unwrap(), fs::read(&archive).unwrap(), "pulled bytes differ");
    let renamed = pulled.join("demo-0.1.0.tgz");
    fs::rename(&pulled_archive, &renamed).unwrap();
    fs::rename(pulled_prov.expect("the .prov was pushed and pulled"), pulled.join("demo-0.1.0.tgz.prov")).unwrap();
    let verified = sdk.verify(&renamed, None, &keys.public).unwrap();
    assert_eq!(verified.signed_by, [IDENTITY]);
    drop(registry);
}

#[test]
fn signs_an_unsigned_package_at_push_time() {
    let registry = Registry::start(USER, PASSWORD);
    let keys = Keys::generate();
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let package_dir = unsigned_package(&sdk, tmp.path());
    let remote = format!("oci://{}/charts", registry.host);
    let request = PushRequest {
        package_dir: &package_dir,
        remote: &remote,
        plain_http: true,
        credentials: credentials(PASSWORD),
        require_signature: true,
        signing: Some(Signing {
            key: "release@example.com".into(),
            keyring: keys.secret.clone(),
            passphrase_file: None,
        }),
    };
    let pushed = push(&sdk, &request).unwrap();
    assert!(pushed.signed, "{pushed:?}");
    assert!(!package_dir.join("demo-0.1.0.tgz.prov").exists(), "the package directory is never written to");

    let client = logged_in_client(&sdk, &registry.host);
    let pulled = tmp.path().join("pulled");
    fs::create_dir(&pulled).unwrap();
    let options =
        PullOptions { dest_dir: Some(pulled.clone()), plain_http: true, verify_later: true, ..Default::default() };
    client.pull(&format!("{remote}/demo"), &PullOptions { version: Some("0.1.0".into()), ..options }).unwrap();
    let verified = sdk.verify(&pulled.join("demo-0.1.0.tgz"), None, &keys.public).unwrap();
    assert_eq!(verified.signed_by, [IDENTITY]);
}

#[test]
fn a_wrong_password_is_refused_with_a_clear_message() {
    let registry = Registry::start(USER, PASSWORD);
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let package_dir = unsigned_package(&sdk, tmp.path());
    let remote = format!("oci://{}/charts", registry.host);

    let error = push_to_unsigned(&sdk, &package_dir, &remote, credentials("wrong password")).unwrap_err();
    assert!(matches!(error, ReleaseError::LoginRefused { .. }), "{error:?}");
    let message = error.to_string();
    let expected =
        format!("registry {} refused the login of user {USER} (wrong user name or password?)", registry.host);
    assert!(message.contains(&expected), "{message}");
    assert!(!message.contains("wrong password"), "the password must not be echoed: {message}");

    let error = push_to_unsigned(&sdk, &package_dir, &remote, None).unwrap_err();
    assert!(matches!(error, ReleaseError::PushFailed { .. }), "an anonymous push must be refused: {error:?}");
    assert!(error.to_string().starts_with("pushing demo-0.1.0.tgz to oci://"), "{error}");
}

/// The rest of helm_sdk's registry client (tags, logout), which a push does not use: this is
/// the one test with a registry to run them against.
#[test]
fn lists_tags_and_logs_out() {
    let registry = Registry::start(USER, PASSWORD);
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let package_dir = unsigned_package(&sdk, tmp.path());
    let remote = format!("oci://{}/charts", registry.host);
    push_to_unsigned(&sdk, &package_dir, &remote, credentials(PASSWORD)).unwrap();

    let config = tmp.path().join("registry-config.json");
    let options =
        RegistryClientOptions { plain_http: true, credentials_file: Some(config.clone()), ..Default::default() };
    let client = RegistryClient::new(&sdk, &options).unwrap();
    client.login(&registry.host, USER, PASSWORD, &LoginOptions { plain_http: true, ..Default::default() }).unwrap();
    assert!(fs::read_to_string(&config).unwrap().contains(&registry.host), "the login is stored");
    assert_eq!(client.tags(&format!("{remote}/demo")).unwrap(), ["0.1.0"]);
    client.logout(&registry.host).unwrap();
    let stored = fs::read_to_string(&config).unwrap();
    assert!(!stored.contains(&registry.host), "the logout removes the login: {stored}");
}

fn push_to_unsigned(
    sdk: &HelmSdk,
    package_dir: &Path,
    remote: &str,
    credentials: Option<Credentials>,
) -> Result<Pushed, ReleaseError> {
    let request =
        PushRequest { package_dir, remote, plain_http: true, credentials, require_signature: false, signing: None };
    push(sdk, &request)
}

fn unsigned_package(sdk: &HelmSdk, dir: &Path) -> std::path::PathBuf {
    let out_dir = dir.join("package");
    let request = PackageRequest {
        chart: &write_chart(dir),
        out_dir: &out_dir,
        version: None,
        app_version: None,
        epoch: DEFAULT_EPOCH,
        signing: None,
    };
    package(sdk, &request).unwrap();
    out_dir
}

fn logged_in_client<'a>(sdk: &'a HelmSdk, host: &str) -> RegistryClient<'a> {
    let credentials_dir = TempDir::new().unwrap().keep();
    let options = RegistryClientOptions {
        plain_http: true,
        credentials_file: Some(credentials_dir.join("config.json")),
        ..Default::default()
    };
    let client = RegistryClient::new(sdk, &options).unwrap();
    client.login(host, USER, PASSWORD, &LoginOptions { plain_http: true, ..Default::default() }).unwrap();
    client
}
