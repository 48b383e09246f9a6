//! The container image: repository, tag or digest (never an implicit latest), pull policy.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{AppMetadata, ImageMetadata, PullPolicy};
use crate::origin::Origin;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    pub repository: String,
    pub tag: String,
    pub digest: String,
    pub pull_policy: PullPolicy,
}

pub(super) fn image(meta: &AppMetadata, origin: &Origin) -> Result<Image, ComposeError> {
    let image = &meta.image;
    origin.check("image.repository", checks::image_repository(&image.repository))?;
    let digest = match image.digest_file.as_str() {
        "" => image.digest.clone(),
        file => digest_from_file(image, Path::new(file), origin)?,
    };
    if image.tag.is_empty() && digest.is_empty() {
        return Err(origin.error("image.tag", "a tag or a digest is required (never an implicit latest)"));
    }
    if !image.tag.is_empty() {
        origin.check("image.tag", checks::image_tag(&image.tag))?;
    }
    if !image.digest.is_empty() {
        origin.check("image.digest", checks::image_digest(&image.digest))?;
    }
    Ok(Image {
        repository: image.repository.clone(),
        tag: image.tag.clone(),
        digest,
        pull_policy: image.pull_policy.unwrap_or_default(),
    })
}

/// Secrets the kubelet pulls the image with, by name: a name, never a credential.
pub(super) fn pull_secrets(meta: &AppMetadata, origin: &Origin) -> Result<Vec<String>, ComposeError> {
    origin.check("image_pull_secrets", checks::pull_secret_names(&meta.image_pull_secrets))?;
    Ok(meta.image_pull_secrets.clone())
}

/// Bytes of a digest file read at most (a digest and a newline are 72).
const MAX_DIGEST_FILE_BYTES: u64 = 256;

/// The digest a file of the same build holds (rules_oci writes `sha256:<hex>` and a newline).
/// It stands alone: a literal digest beside it could be stale, and a tag beside it could name
/// an image other than the one the chart runs.
fn digest_from_file(image: &ImageMetadata, file: &Path, origin: &Origin) -> Result<String, ComposeError> {
    const FIELD: &str = "image.digest_file";
    for (set, other) in [(!image.digest.is_empty(), "image_digest"), (!image.tag.is_empty(), "image_tag")] {
        if set {
            return Err(origin.error(
                FIELD,
                format!("is set together with {other}; the digest file alone names the image this build made"),
            ));
        }
    }
    let unreadable = |error: std::io::Error| origin.error(FIELD, format!("cannot read {}: {error}", file.display()));
    // A digest is 71 bytes: reading a little more shows what the file holds without
    // reading a file that is no digest file whole.
    let mut text = String::new();
    File::open(file).and_then(|f| f.take(MAX_DIGEST_FILE_BYTES).read_to_string(&mut text)).map_err(unreadable)?;
    let digest = text.trim();
    origin.check(FIELD, checks::image_digest(digest).map_err(|reason| format!("{}: {reason}", file.display())))?;
    Ok(digest.to_string())
}
