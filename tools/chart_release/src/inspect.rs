//! `helm_package_test`: proves a built package is a chart Helm accepts: loaded from the
//! archive bytes, linted strictly, rendered with its defaults, and verified against a public
//! keyring when it carries a provenance file.

use std::fs;
use std::path::Path;

use helm_sdk::{Chart, HelmSdk, LintOptions, RenderOptions};

use crate::error::ReleaseError;
use crate::package::find_archive;

/// What the check found, for the test log.
#[derive(Debug)]
pub struct Inspection {
    pub archive: String,
    pub digest: String,
    pub size: u64,
    pub manifests: usize,
    pub signed_by: Vec<String>,
}

/// Checks the package in `package_dir`; `public_keyring` verifies its `.prov`, which must
/// then exist.
pub fn inspect(sdk: &HelmSdk, package_dir: &Path, public_keyring: Option<&Path>) -> Result<Inspection, ReleaseError> {
    let (archive, prov) = find_archive(package_dir)?;
    let shown = archive.display().to_string();
    let bytes = fs::read(&archive).map_err(|e| ReleaseError::io(&archive, e))?;
    let chart = Chart::load_archive(sdk, &bytes).map_err(ReleaseError::helm(format!("loading {shown}")))?;
    let metadata = chart.metadata().map_err(ReleaseError::helm(format!("reading {shown}")))?;
    let expected = format!("{}-{}.tgz", metadata.name, metadata.version);
    if !shown.ends_with(&expected) {
        return Err(ReleaseError::Usage(format!("{shown} holds chart {expected}")));
    }
    let report = sdk
        .lint(&archive, None, &LintOptions { strict: true, ..LintOptions::default() })
        .map_err(ReleaseError::helm(format!("linting {shown}")))?;
    if report.has_errors() {
        return Err(ReleaseError::Usage(format!("helm lint --strict {shown}: {:?}", report.errors)));
    }
    let manifests = chart
        .render(None, &RenderOptions { is_install: true, ..RenderOptions::default() })
        .map_err(ReleaseError::helm(format!("rendering {shown}")))?
        .len();
    let signed_by = match (public_keyring, prov) {
        (None, _) => Vec::new(),
        (Some(_), None) => return Err(ReleaseError::Usage(format!("{shown} has no provenance file to verify"))),
        (Some(keyring), Some(prov)) => {
            let verified =
                sdk.verify(&archive, Some(&prov), keyring).map_err(ReleaseError::helm(format!("verifying {shown}")))?;
            verified.signed_by
        }
    };
    let digest = sdk.digest(&archive).map_err(ReleaseError::helm(format!("hashing {shown}")))?;
    Ok(Inspection { archive: expected, digest, size: bytes.len() as u64, manifests, signed_by })
}
