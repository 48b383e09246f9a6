//! `<chart>.package`: a reproducible `<name>-<version>.tgz` written by Helm's own packaging,
//! optionally with its provenance file.

use std::fs;
use std::path::{Path, PathBuf};

use helm_sdk::{HelmSdk, PackageOptions, SignOptions};

use crate::error::ReleaseError;
use crate::stage::stage_chart;

/// A GnuPG secret keyring and the key in it that signs.
#[derive(Clone, Debug)]
pub struct Signing {
    /// The signing identity: a substring that matches exactly one key of the keyring.
    pub key: String,
    /// A secret keyring file (`gpg --export-secret-keys`).
    pub keyring: PathBuf,
    /// A file whose first line unlocks a protected key.
    pub passphrase_file: Option<PathBuf>,
}

/// What to package and how.
#[derive(Debug)]
pub struct PackageRequest<'a> {
    /// The chart directory (with Chart.yaml).
    pub chart: &'a Path,
    /// Where `<name>-<version>.tgz` (and its `.prov`) are written; created when missing.
    pub out_dir: &'a Path,
    /// Overrides the chart's version (a stamped release version).
    pub version: Option<String>,
    pub app_version: Option<String>,
    /// The mtime every archive member gets.
    pub epoch: u64,
    pub signing: Option<Signing>,
}

/// Packages the chart; returns the archive's path.
pub fn package(sdk: &HelmSdk, request: &PackageRequest) -> Result<PathBuf, ReleaseError> {
    let staging = tempfile::tempdir().map_err(|e| ReleaseError::io(std::env::temp_dir(), e))?;
    let staged = staging.path().join("chart");
    stage_chart(request.chart, &staged, request.epoch)?;
    fs::create_dir_all(request.out_dir).map_err(|e| ReleaseError::io(request.out_dir, e))?;
    let options = PackageOptions {
        destination: Some(request.out_dir.to_path_buf()),
        version: request.version.clone(),
        app_version: request.app_version.clone(),
        ..PackageOptions::default()
    };
    let what = format!("packaging {}", request.chart.display());
    let archive = sdk.package(&staged, &options).map_err(ReleaseError::helm(what))?;
    if let Some(signing) = &request.signing {
        sign(sdk, &archive, signing)?;
    }
    Ok(archive)
}

/// Writes `<archive>.prov` with Helm's provenance signing; returns its path.
pub fn sign(sdk: &HelmSdk, archive: &Path, signing: &Signing) -> Result<PathBuf, ReleaseError> {
    let options = SignOptions {
        key: signing.key.clone(),
        keyring: signing.keyring.clone(),
        passphrase_file: signing.passphrase_file.clone(),
    };
    let what = format!("signing {} with key {:?} of {}", archive.display(), signing.key, signing.keyring.display());
    sdk.sign(archive, &options).map_err(ReleaseError::helm(what))
}

/// The one chart archive of a package directory, and its `.prov` when there is one.
pub fn find_archive(dir: &Path) -> Result<(PathBuf, Option<PathBuf>), ReleaseError> {
    let mut archives = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| ReleaseError::io(dir, e))? {
        let path = entry.map_err(|e| ReleaseError::io(dir, e))?.path();
        if path.extension().is_some_and(|e| e == "tgz") {
            archives.push(path);
        }
    }
    let [archive] = archives.as_slice() else {
        return Err(ReleaseError::Usage(format!(
            "{} must hold exactly one chart archive (*.tgz), found {}",
            dir.display(),
            archives.len()
        )));
    };
    let prov = PathBuf::from(format!("{}.prov", archive.display()));
    Ok((archive.clone(), prov.is_file().then_some(prov)))
}
