//! The container image: repository, tag or digest (never an implicit latest), pull policy.

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{AppMetadata, PullPolicy};
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
    if image.tag.is_empty() && image.digest.is_empty() {
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
        digest: image.digest.clone(),
        pull_policy: image.pull_policy.unwrap_or_default(),
    })
}
