//! Chart archives: package, sign, verify, digest and expand.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::args::{self, null_as_default};
use crate::error::HelmError;
use crate::options::{PackageOptions, SignOptions};
use crate::sdk::HelmSdk;

/// A verified provenance signature.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Verification {
    /// The archive's file name, e.g. `demo-0.1.0.tgz`.
    pub file_name: String,
    /// `sha256:<hex>` of the archive.
    pub file_hash: String,
    /// The signing identities, e.g. `Alice <alice@example.com>`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub signed_by: Vec<String>,
}

impl HelmSdk {
    /// `helm package`: archives the chart directory at `chart` and returns the archive path
    /// (`<destination>/<name>-<version>.tgz`). Fails with
    /// [`ErrorCode::ChartInvalid`](crate::ErrorCode::ChartInvalid).
    pub fn package(&self, chart: &Path, options: &PackageOptions) -> Result<PathBuf, HelmError> {
        let chart = args::path("chart path", chart)?;
        let options = args::json("package options", options)?;
        self.ffi().package(&chart, &options).map(args::returned_path)
    }

    /// Clear-signs the chart archive and writes `<archive>.prov` beside it; returns that path.
    /// The library never prompts: a protected key needs `passphrase_file`.
    pub fn sign(&self, archive: &Path, options: &SignOptions) -> Result<PathBuf, HelmError> {
        let archive = args::path("chart archive", archive)?;
        let options = args::json("sign options", options)?;
        self.ffi().chart_sign(&archive, &options).map(args::returned_path)
    }

    /// Verifies the archive against its provenance file (`None`: `<archive>.prov`) with a
    /// public keyring. A bad or missing signature is
    /// [`ErrorCode::ChartInvalid`](crate::ErrorCode::ChartInvalid).
    pub fn verify(&self, archive: &Path, prov: Option<&Path>, keyring: &Path) -> Result<Verification, HelmError> {
        let archive = args::path("chart archive", archive)?;
        let prov = prov.map(|p| args::path("provenance file", p)).transpose()?;
        let keyring = args::path("keyring", keyring)?;
        let result = self.ffi().chart_verify(&archive, prov.as_deref(), &keyring)?;
        args::parse("chart verify", &result)
    }

    /// `sha256:<hex>` of a chart archive: the digest repository indexes carry.
    pub fn digest(&self, archive: &Path) -> Result<String, HelmError> {
        self.ffi().chart_digest(&args::path("chart archive", archive)?)
    }

    /// Unpacks a chart archive into `dest_dir/<chart name>/`.
    pub fn chart_expand(&self, archive: &Path, dest_dir: &Path) -> Result<(), HelmError> {
        let dest_dir = args::path("destination directory", dest_dir)?;
        let archive = args::path("chart archive", archive)?;
        self.ffi().chart_expand(&dest_dir, &archive)
    }
}
