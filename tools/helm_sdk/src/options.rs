//! The `opts_json` documents of helm-c, one struct per function.
//!
//! helm-c decodes options strictly: an unknown key fails the call with
//! [`ErrorCode::InvalidArg`](crate::ErrorCode::InvalidArg). Every field here is named after
//! the key in helm-c's `docs/API.md` (0.2.2) and is left out of the JSON while unset
//! (`None`, `false`, empty), so Helm's own default applies. `Default::default()` is "all
//! defaults" everywhere except [`SignOptions`], whose key and keyring are required.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

fn is_false(value: &bool) -> bool {
    !*value
}

/// A password or other secret: serialized as-is for Helm, but never shown by `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(secret: impl Into<String>) -> Secret {
        Secret(secret.into())
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Secret {
        Secret::new(secret)
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Secret {
        Secret(secret)
    }
}

/// `helm lint` options (`helm_lint_run_opts`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LintOptions {
    /// Warnings count as errors.
    #[serde(skip_serializing_if = "is_false")]
    pub strict: bool,
    /// `.Release.Namespace` during lint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `helm lint --with-subcharts`, passed through to Helm's lint action, which does not read
    /// it: finding the charts under `charts/` is the CLI's work, so a caller lints each itself
    /// (chart_validator's helm.rs does).
    #[serde(skip_serializing_if = "is_false")]
    pub with_subcharts: bool,
    /// Report only warnings and errors.
    #[serde(skip_serializing_if = "is_false")]
    pub quiet: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub skip_schema_validation: bool,
    /// `.Capabilities.KubeVersion`, e.g. `v1.30.0`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kube_version: Option<String>,
}

/// Offline render options (`helm_render`), as `helm template` takes them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RenderOptions {
    /// Release name; Helm's default is `release-name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Release namespace; Helm's default is `default`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Release revision; Helm's default is 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<u32>,
    /// Render as an install (the default unless `is_upgrade` is set).
    #[serde(skip_serializing_if = "is_false")]
    pub is_install: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub is_upgrade: bool,
    /// `.Capabilities.KubeVersion`, e.g. `v1.30.0`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kube_version: Option<String>,
    /// Extra `.Capabilities.APIVersions` entries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub api_versions: Vec<String>,
    /// Fail on references to values that were not passed.
    #[serde(skip_serializing_if = "is_false")]
    pub strict: bool,
    /// Allow DNS lookups in templates.
    #[serde(skip_serializing_if = "is_false")]
    pub enable_dns: bool,
}

/// `helm package` options (`helm_package_run`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PackageOptions {
    /// Output directory; Helm's default is the current directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<PathBuf>,
    /// Overrides the chart's version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Overrides the chart's appVersion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
    /// Clear-sign the archive too (needs `key` and `keyring`), as [`SignOptions`].
    #[serde(skip_serializing_if = "is_false")]
    pub sign: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// PGP secret keyring file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyring: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passphrase_file: Option<PathBuf>,
    /// Fetch the declared dependencies first (network).
    #[serde(skip_serializing_if = "is_false")]
    pub dependency_update: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub plain_http: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "is_false")]
    pub insecure_skip_tls_verify: bool,
}

/// Provenance signing options (`helm_chart_sign`); `key` and `keyring` are required.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignOptions {
    /// The signing identity in the keyring (a substring that matches one key).
    pub key: String,
    /// PGP secret keyring file.
    pub keyring: PathBuf,
    /// A file whose first line unlocks a protected key; without it a protected key fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passphrase_file: Option<PathBuf>,
}

impl SignOptions {
    pub fn new(key: impl Into<String>, keyring: impl Into<PathBuf>) -> SignOptions {
        SignOptions { key: key.into(), keyring: keyring.into(), passphrase_file: None }
    }
}

/// `helm pull` options (`helm_pull`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PullOptions {
    /// Where the archive lands; Helm's default is the current directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dest_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The HTTP repository of a chart named without `oci://`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repo_url: Option<String>,
    #[serde(skip_serializing_if = "is_false")]
    pub untar: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub untar_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "is_false")]
    pub plain_http: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub insecure_skip_tls_verify: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "is_false")]
    pub pass_credentials_all: bool,
    /// Check the provenance signature against `keyring`.
    #[serde(skip_serializing_if = "is_false")]
    pub verify: bool,
    /// Fetch the `.prov` file for a later [`HelmSdk::verify`](crate::HelmSdk::verify).
    #[serde(skip_serializing_if = "is_false")]
    pub verify_later: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyring: Option<PathBuf>,
    /// Allow pre-release versions.
    #[serde(skip_serializing_if = "is_false")]
    pub devel: bool,
}

/// `helm push` options (`helm_push`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PushOptions {
    #[serde(skip_serializing_if = "is_false")]
    pub plain_http: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub insecure_skip_tls_verify: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
}

/// OCI registry client options (`helm_registry_client_new`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RegistryClientOptions {
    #[serde(skip_serializing_if = "is_false")]
    pub debug: bool,
    /// The registry speaks HTTP, not HTTPS.
    #[serde(skip_serializing_if = "is_false")]
    pub plain_http: bool,
    /// Where logins are stored; Helm's default is the user's registry config, so set this
    /// to keep the user's credentials out of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials_file: Option<PathBuf>,
    /// Static basic auth on the client itself (no login call, nothing stored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
}

/// `helm registry login` options (`helm_registry_login`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LoginOptions {
    /// Skip TLS verification.
    #[serde(skip_serializing_if = "is_false")]
    pub insecure: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub plain_http: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
}

/// `helm repo index` options (`helm_repo_index_generate`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RepoIndexOptions {
    /// Absolute URL prefix for the entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// An existing `index.yaml` whose entries are kept for versions the directory lacks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merge: Option<PathBuf>,
    /// Also write `index.json`.
    #[serde(skip_serializing_if = "is_false")]
    pub json: bool,
}

/// Options for fetching a repository index (`helm_repo_index_download`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RepoIndexDownloadOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    #[serde(skip_serializing_if = "is_false")]
    pub insecure_skip_tls_verify: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "is_false")]
    pub pass_credentials_all: bool,
}

/// How dependencies' provenance is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyMode {
    Never,
    Always,
    IfPossible,
    Later,
}

/// `helm dependency build` / `update` options (`helm_dependency_build`, `_update`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DependencyOptions {
    /// Don't refresh the repository indexes first.
    #[serde(skip_serializing_if = "is_false")]
    pub skip_refresh: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyring: Option<PathBuf>,
    /// Legacy form of `verify_mode: Always`.
    #[serde(skip_serializing_if = "is_false")]
    pub verify: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify_mode: Option<VerifyMode>,
    /// For `oci://` dependencies.
    #[serde(skip_serializing_if = "is_false")]
    pub plain_http: bool,
    /// SDK debug output (through helm-c's log handler, which this crate leaves silent).
    #[serde(skip_serializing_if = "is_false")]
    pub debug: bool,
    /// Basic auth for every HTTP(S) dependency repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "is_false")]
    pub insecure_skip_tls_verify: bool,
}

/// What `helm show` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ShowFormat {
    All,
    Chart,
    Values,
    Readme,
    Crds,
}

/// `helm show` options (`helm_show`): the format plus how to resolve the chart reference.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ShowOptions {
    /// Helm's default is [`ShowFormat::All`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<ShowFormat>,
    /// Allow pre-release versions.
    #[serde(skip_serializing_if = "is_false")]
    pub devel: bool,
    /// The HTTP repository of a chart named without `oci://`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart_repo_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart_version: Option<String>,
    #[serde(skip_serializing_if = "is_false")]
    pub plain_http: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "is_false")]
    pub insecure_skip_tls_verify: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub verify: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyring: Option<PathBuf>,
    #[serde(skip_serializing_if = "is_false")]
    pub pass_credentials_all: bool,
    /// Fetch missing dependencies of a local chart directory first.
    #[serde(skip_serializing_if = "is_false")]
    pub dependency_update: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unset_options_are_left_out() {
        assert_eq!(serde_json::to_value(LintOptions::default()).unwrap(), json!({}));
        assert_eq!(serde_json::to_value(RenderOptions::default()).unwrap(), json!({}));
        assert_eq!(serde_json::to_value(PackageOptions::default()).unwrap(), json!({}));
        assert_eq!(serde_json::to_value(PullOptions::default()).unwrap(), json!({}));
        assert_eq!(serde_json::to_value(DependencyOptions::default()).unwrap(), json!({}));
        assert_eq!(serde_json::to_value(ShowOptions::default()).unwrap(), json!({}));
    }

    #[test]
    fn set_options_use_helm_c_keys() {
        let render = RenderOptions {
            name: Some("rel".into()),
            revision: Some(2),
            is_upgrade: true,
            api_versions: vec!["x/v1".into()],
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(render).unwrap(),
            json!({"name": "rel", "revision": 2, "is_upgrade": true, "api_versions": ["x/v1"]})
        );
        let deps = DependencyOptions { verify_mode: Some(VerifyMode::IfPossible), ..Default::default() };
        assert_eq!(serde_json::to_value(deps).unwrap(), json!({"verify_mode": "if_possible"}));
        let show = ShowOptions { format: Some(ShowFormat::Crds), ..Default::default() };
        assert_eq!(serde_json::to_value(show).unwrap(), json!({"format": "crds"}));
        let sign = SignOptions::new("Test", "/k/secring.gpg");
        assert_eq!(serde_json::to_value(sign).unwrap(), json!({"key": "Test", "keyring": "/k/secring.gpg"}));
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let options = RegistryClientOptions { password: Some("hunter2".into()), ..Default::default() };
        let debug = format!("{options:?}");
        assert!(debug.contains("password: Some(Secret(***))") && !debug.contains("hunter2"), "{debug}");
        assert_eq!(serde_json::to_value(options).unwrap(), json!({"password": "hunter2"}));
        assert_eq!(Secret::new("hunter2").expose(), "hunter2", "the library gets the secret itself");
    }
}
