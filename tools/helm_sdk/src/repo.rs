//! Chart repositories and chart dependencies.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::args;
use crate::error::HelmError;
use crate::options::{DependencyOptions, RepoIndexDownloadOptions, RepoIndexOptions};
use crate::sdk::HelmSdk;

/// One declared dependency of a chart directory and its state (`helm dependency list`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct DependencyStatus {
    pub name: String,
    /// The version constraint from Chart.yaml.
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub repository: String,
    /// `ok`, `missing`, `unpacked`, `wrong version`, `invalid version`, `corrupt`,
    /// `misnamed` or `too many matches`.
    pub status: String,
}

impl DependencyStatus {
    /// Whether the dependency is present as a packaged archive that matches.
    pub fn is_ok(&self) -> bool {
        self.status == "ok"
    }
}

impl HelmSdk {
    /// `helm repo index`: indexes every `*.tgz` in `dir` into `dir/index.yaml` and returns
    /// the index as JSON (`{"apiVersion", "entries": {"<chart>": [...]}, ...}`).
    pub fn repo_index_generate(&self, dir: &Path, options: &RepoIndexOptions) -> Result<Value, HelmError> {
        let dir = args::path("repository directory", dir)?;
        let options = args::json("repo index options", options)?;
        let result = self.ffi().repo_index_generate(&dir, &options)?;
        args::parse("repo index generate", &result)
    }

    /// Downloads and parses a chart repository's `index.yaml` (network; Helm's caches are
    /// private temporary directories, never the user's).
    pub fn repo_index_download(&self, url: &str, options: &RepoIndexDownloadOptions) -> Result<Value, HelmError> {
        let url = args::text("repository URL", url)?;
        let options = args::json("repo index download options", options)?;
        let result = self.ffi().repo_index_download(&url, &options)?;
        args::parse("repo index download", &result)
    }

    /// `helm dependency list` for the chart directory.
    pub fn dependency_list(&self, chart_dir: &Path) -> Result<Vec<DependencyStatus>, HelmError> {
        let result = self.ffi().dependency_list(&args::path("chart directory", chart_dir)?)?;
        args::parse("dependency list", &result)
    }

    /// `helm dependency build`: rebuilds `charts/` from `Chart.lock` (or from Chart.yaml
    /// when there is no lock). Network for remote repositories.
    pub fn dependency_build(&self, chart_dir: &Path, options: &DependencyOptions) -> Result<(), HelmError> {
        let chart_dir = args::path("chart directory", chart_dir)?;
        let options = args::json("dependency options", options)?;
        self.ffi().dependency_build(&chart_dir, &options)
    }

    /// `helm dependency update`: resolves the declared dependencies into `charts/` and
    /// writes `Chart.lock`. Network for remote repositories.
    pub fn dependency_update(&self, chart_dir: &Path, options: &DependencyOptions) -> Result<(), HelmError> {
        let chart_dir = args::path("chart directory", chart_dir)?;
        let options = args::json("dependency options", options)?;
        self.ffi().dependency_update(&chart_dir, &options)
    }
}
