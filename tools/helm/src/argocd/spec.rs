//! What an `argocd_applications` target asks for (the JSON file its rule writes), read strictly
//! and checked into a typed plan: where the chart comes from, how Applications are named and
//! synced, and which environment goes where. Every error names the target, the file and the
//! field (the rule's attribute).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::checks;
use crate::error::ComposeError;
use crate::input;
use crate::origin::Origin;

/// The spec as the rule writes it; field names are the rule's attribute names.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgoCdSpec {
    /// Bazel label of the `argocd_applications` target, for error messages.
    #[serde(default)]
    pub target: String,
    pub chart_name: String,
    pub chart_version: String,
    pub mode: Mode,
    #[serde(default)]
    pub oci_repository: String,
    #[serde(default)]
    pub chart_digest: String,
    #[serde(default)]
    pub git_repository: String,
    #[serde(default)]
    pub git_path: String,
    #[serde(default)]
    pub git_revision: String,
    #[serde(default)]
    pub release_name: String,
    pub project: String,
    pub argocd_namespace: String,
    /// Cluster (as environments name it) -> API server URL; clusters not listed are named.
    #[serde(default)]
    pub cluster_servers: BTreeMap<String, String>,
    pub create_namespace: bool,
    /// Environments synced only when asked (no automated sync).
    #[serde(default)]
    pub manual_sync: Vec<String>,
    /// Environments in promotion order: one RollingSync step each (applicationset mode).
    #[serde(default)]
    pub progressive_sync: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// One `Application` per environment.
    Applications,
    /// One `ApplicationSet` with a list generator over the environments.
    Applicationset,
}

/// Where Argo CD fetches the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartSource {
    /// Argo CD's native OCI source (3.1+): `oci://HOST/PATH/<chart>`, path `.`, and the
    /// version (a tag) or a digest as the revision.
    Oci { repo_url: String, revision: String },
    /// The chart kept in git (`checked_in_charts`): repository, directory, branch or tag.
    Git { repo_url: String, path: String, revision: String },
}

impl ChartSource {
    pub fn repo_url(&self) -> &str {
        match self {
            ChartSource::Oci { repo_url, .. } | ChartSource::Git { repo_url, .. } => repo_url,
        }
    }

    pub fn path(&self) -> &str {
        match self {
            ChartSource::Oci { .. } => ".",
            ChartSource::Git { path, .. } => path,
        }
    }

    pub fn revision(&self) -> &str {
        match self {
            ChartSource::Oci { revision, .. } | ChartSource::Git { revision, .. } => revision,
        }
    }
}

/// A checked spec.
#[derive(Debug)]
pub struct Plan {
    pub origin: String,
    pub chart_name: String,
    pub release_name: String,
    pub mode: Mode,
    pub source: ChartSource,
    pub project: String,
    pub argocd_namespace: String,
    pub cluster_servers: BTreeMap<String, String>,
    pub create_namespace: bool,
    pub manual_sync: Vec<String>,
    pub progressive_sync: Vec<String>,
}

/// Reads and checks the spec file.
pub fn load(path: &Path) -> Result<Plan, ComposeError> {
    let spec: ArgoCdSpec = input::read_json(path, "argocd_applications spec")?;
    let origin = Origin::new(path, &spec.target);
    origin.check("chart_name", checks::dns1123_label(&spec.chart_name))?;
    origin.check("chart_version", checks::semver(&spec.chart_version))?;
    let release_name = if spec.release_name.is_empty() { spec.chart_name.clone() } else { spec.release_name.clone() };
    // Helm's own limit: the release name is a DNS-1123 label of at most 53 characters.
    origin.check("release_name", checks::dns1123_label(&release_name))?;
    if release_name.len() > 53 {
        return Err(origin.error("release_name", format!("{release_name:?} is longer than Helm's 53 characters")));
    }
    origin.check("project", checks::dns_subdomain(&spec.project))?;
    origin.check("argocd_namespace", checks::dns1123_label(&spec.argocd_namespace))?;
    for (cluster, server) in &spec.cluster_servers {
        origin.check(&format!("cluster_servers.{cluster}"), https_url(server))?;
    }
    if spec.mode == Mode::Applications && !spec.progressive_sync.is_empty() {
        return Err(origin.error(
            "progressive_sync",
            "needs mode = \"applicationset\": RollingSync is a strategy of an ApplicationSet",
        ));
    }
    Ok(Plan {
        source: source(&spec, &origin)?,
        origin: origin.location(),
        chart_name: spec.chart_name,
        release_name,
        mode: spec.mode,
        project: spec.project,
        argocd_namespace: spec.argocd_namespace,
        cluster_servers: spec.cluster_servers,
        create_namespace: spec.create_namespace,
        manual_sync: spec.manual_sync,
        progressive_sync: spec.progressive_sync,
    })
}

/// Exactly one of the OCI registry and git.
fn source(spec: &ArgoCdSpec, origin: &Origin) -> Result<ChartSource, ComposeError> {
    let git = !spec.git_repository.is_empty() || !spec.git_path.is_empty() || !spec.git_revision.is_empty();
    match (spec.oci_repository.as_str(), git) {
        ("", false) => Err(origin.error(
            "oci_repository",
            "is unset and so is git_repository: say where Argo CD fetches the chart (the registry `.push` pushes \
             it to, or the git repository `checked_in_charts` keeps it in)",
        )),
        (_, true) if !spec.oci_repository.is_empty() => Err(origin
            .error("git_repository", "is set besides oci_repository: the chart comes from one of them; remove one")),
        (oci, false) => {
            let registry = origin.check("oci_repository", oci_repository(oci))?;
            let revision = if spec.chart_digest.is_empty() {
                spec.chart_version.clone()
            } else {
                origin.check("chart_digest", digest(&spec.chart_digest))?;
                spec.chart_digest.clone()
            };
            Ok(ChartSource::Oci { repo_url: format!("oci://{registry}/{}", spec.chart_name), revision })
        }
        (_, true) => {
            if !spec.chart_digest.is_empty() {
                return Err(
                    origin.error("chart_digest", "pins an OCI artifact; a chart from git is pinned by git_revision")
                );
            }
            origin.check("git_repository", git_url(&spec.git_repository))?;
            origin.check("git_path", relative_path(&spec.git_path))?;
            if spec.git_revision.is_empty() || spec.git_revision.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(
                    origin.error("git_revision", format!("{:?} is not a branch, tag or commit", spec.git_revision))
                );
            }
            Ok(ChartSource::Git {
                repo_url: spec.git_repository.clone(),
                path: spec.git_path.clone(),
                revision: spec.git_revision.clone(),
            })
        }
    }
}

/// `oci://HOST[:PORT]/PATH` as `helm_push` takes it; returns `HOST[:PORT]/PATH`.
fn oci_repository(value: &str) -> Result<&str, String> {
    let rest = value
        .strip_prefix("oci://")
        .ok_or_else(|| format!("{value:?} must start with oci:// (the reference `.push` takes)"))?
        .trim_end_matches('/');
    let valid = |c: char| c.is_ascii_alphanumeric() || "-._/:".contains(c);
    if rest.is_empty() || !rest.chars().all(valid) || rest.contains("//") {
        return Err(format!("{value:?} is not oci://HOST/PATH"));
    }
    Ok(rest)
}

fn digest(value: &str) -> Result<(), String> {
    match value.strip_prefix("sha256:") {
        Some(hex) if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) => Ok(()),
        _ => Err(format!("{value:?} is not a digest sha256:<64 lowercase hex digits> (as `.push` prints it)")),
    }
}

fn https_url(value: &str) -> Result<(), String> {
    let rest = value.strip_prefix("https://").ok_or_else(|| format!("{value:?} is not an https:// URL"))?;
    if rest.is_empty() || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{value:?} is not an https:// URL"));
    }
    Ok(())
}

/// A repository URL Argo CD clones: https://, ssh:// or scp-like git@host:path.
fn git_url(value: &str) -> Result<(), String> {
    let known = ["https://", "ssh://", "git@"].iter().any(|prefix| value.starts_with(prefix));
    if !known || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{value:?} is not a git repository URL (https://, ssh:// or git@host:path)"));
    }
    Ok(())
}

/// The chart's directory inside the repository: relative, no `..`.
fn relative_path(value: &str) -> Result<(), String> {
    let bad = value.is_empty()
        || value.starts_with('/')
        || value.split('/').any(|part| part.is_empty() || part == "..")
        || value.chars().any(|c| c.is_whitespace() || c.is_control());
    if bad {
        return Err(format!("{value:?} is not a relative path to the chart's directory in the repository"));
    }
    Ok(())
}
