//! `<chart>.push`: uploads a package (and its provenance) to an OCI registry with Helm's own
//! push, then resolves the pushed tag to its manifest digest.

use std::fs;
use std::path::{Path, PathBuf};

use helm_sdk::{Chart, HelmSdk, LoginOptions, PushOptions, RegistryClient, RegistryClientOptions, Secret};

use crate::error::ReleaseError;
use crate::package::{find_archive, sign, Signing};

/// A user name and password for the registry.
#[derive(Debug)]
pub struct Credentials {
    pub username: String,
    pub password: Secret,
}

/// What to push where.
#[derive(Debug)]
pub struct PushRequest<'a> {
    /// A package directory: `<name>-<version>.tgz`, maybe with its `.prov`.
    pub package_dir: &'a Path,
    /// `oci://HOST[:PORT]/PATH`; the chart lands at `PATH/<name>:<version>`.
    pub remote: &'a str,
    pub plain_http: bool,
    pub credentials: Option<Credentials>,
    /// The package must carry a `.prov` (`sign = True`); one signed at build time is pushed
    /// as it is, otherwise `signing` signs it now.
    pub require_signature: bool,
    pub signing: Option<Signing>,
}

/// Where the chart went.
#[derive(Debug, PartialEq, Eq)]
pub struct Pushed {
    /// `oci://HOST/PATH/<name>:<tag>`.
    pub reference: String,
    /// `sha256:<hex>` of the pushed manifest.
    pub digest: String,
    /// A provenance file was pushed with the chart.
    pub signed: bool,
}

impl Pushed {
    /// The reference pinned to its digest: `oci://HOST/PATH/<name>:<tag>@sha256:<hex>`.
    pub fn pinned(&self) -> String {
        format!("{}@{}", self.reference, self.digest)
    }
}

/// Pushes the package; see [`PushRequest`].
pub fn push(sdk: &HelmSdk, request: &PushRequest) -> Result<Pushed, ReleaseError> {
    let host = registry_host(request.remote)?;
    let work = tempfile::tempdir().map_err(|e| ReleaseError::io(std::env::temp_dir(), e))?;
    let (archive, signed) = stage_package(sdk, request, work.path())?;
    let client = RegistryClient::new(
        sdk,
        &RegistryClientOptions {
            plain_http: request.plain_http,
            // A private credentials store: a push never reads or changes the user's logins.
            credentials_file: Some(work.path().join("registry-config.json")),
            ..RegistryClientOptions::default()
        },
    )
    .map_err(ReleaseError::helm("creating a registry client"))?;
    if let Some(credentials) = &request.credentials {
        login(&client, host, credentials, request.plain_http)?;
    }
    let options = PushOptions { plain_http: request.plain_http, ..PushOptions::default() };
    client.push(&archive, request.remote, &options).map_err(|e| ReleaseError::PushFailed {
        archive: file_name(&archive),
        remote: request.remote.to_string(),
        detail: e.to_string(),
    })?;
    let reference = chart_reference(sdk, &archive, request.remote)?;
    let descriptor = client.resolve(&reference).map_err(ReleaseError::helm(format!("resolving {reference}")))?;
    Ok(Pushed { reference, digest: descriptor.digest, signed })
}

/// Copies the archive (and `.prov`) into `work`, signing it there when required and not yet
/// signed: Helm uploads the `.prov` lying next to the archive, and Bazel's outputs are
/// read-only. Returns the copy and whether it is signed.
fn stage_package(sdk: &HelmSdk, request: &PushRequest, work: &Path) -> Result<(PathBuf, bool), ReleaseError> {
    let (archive, prov) = find_archive(request.package_dir)?;
    let staged = work.join(file_name(&archive));
    fs::copy(&archive, &staged).map_err(|e| ReleaseError::io(&archive, e))?;
    if let Some(prov) = prov {
        let target = PathBuf::from(format!("{}.prov", staged.display()));
        fs::copy(&prov, &target).map_err(|e| ReleaseError::io(&prov, e))?;
        return Ok((staged, true));
    }
    if !request.require_signature {
        return Ok((staged, false));
    }
    let signing =
        request.signing.as_ref().ok_or_else(|| ReleaseError::SignatureRequired { archive: file_name(&archive) })?;
    sign(sdk, &staged, signing)?;
    Ok((staged, true))
}

fn login(client: &RegistryClient, host: &str, credentials: &Credentials, plain_http: bool) -> Result<(), ReleaseError> {
    let options = LoginOptions { plain_http, ..LoginOptions::default() };
    client.login(host, &credentials.username, credentials.password.expose(), &options).map_err(|e| {
        ReleaseError::LoginRefused {
            host: host.to_string(),
            username: credentials.username.clone(),
            detail: e.to_string(),
        }
    })
}

/// `oci://HOST/PATH/<name>:<tag>` of the archive's chart. OCI tags cannot hold `+`, so Helm
/// tags a SemVer build suffix with `_` instead.
fn chart_reference(sdk: &HelmSdk, archive: &Path, remote: &str) -> Result<String, ReleaseError> {
    let chart = Chart::load(sdk, archive).map_err(ReleaseError::helm(format!("loading {}", archive.display())))?;
    let metadata = chart.metadata().map_err(ReleaseError::helm(format!("reading {}", archive.display())))?;
    Ok(format!("{}/{}:{}", remote.trim_end_matches('/'), metadata.name, metadata.version.replace('+', "_")))
}

/// The `HOST[:PORT]` of `oci://HOST[:PORT]/PATH`.
pub fn registry_host(remote: &str) -> Result<&str, ReleaseError> {
    let rest = remote
        .strip_prefix("oci://")
        .ok_or_else(|| ReleaseError::Usage(format!("{remote:?} is not an OCI remote: write oci://HOST[:PORT]/PATH")))?;
    match rest.split('/').next() {
        Some(host) if !host.is_empty() => Ok(host),
        _ => Err(ReleaseError::Usage(format!("{remote:?} names no registry host: write oci://HOST[:PORT]/PATH"))),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::registry_host;

    #[test]
    fn finds_the_registry_host() {
        assert_eq!(registry_host("oci://127.0.0.1:5000/charts").unwrap(), "127.0.0.1:5000");
        assert_eq!(registry_host("oci://ghcr.io/example/charts/").unwrap(), "ghcr.io");
        assert!(registry_host("https://ghcr.io/x").unwrap_err().to_string().contains("not an OCI remote"));
        assert!(registry_host("oci:///x").unwrap_err().to_string().contains("names no registry host"));
    }
}
