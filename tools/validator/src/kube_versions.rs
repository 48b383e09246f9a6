//! The Kubernetes version of each lint and render run. A chart is checked against one or more
//! versions (`--kube-version`, repeated: its default values run once for each), and an
//! environment whose cluster runs another version (`--kube-version-for ENV=VERSION`) is
//! checked against that one: Helm lints and renders for it (Capabilities.KubeVersion and the
//! chart's kubeVersion), and its objects meet that version's schemas (`--schemas-for`).
//!
//! What a version does not serve is known as `upgrade`'s `api-removed` rule knows it: a
//! built-in apiVersion and kind without a schema in that version's directory of the pinned
//! kubernetes-validate wheel is not served (autoscaling/v2 before 1.23, policy/v1
//! PodDisruptionBudget before 1.21, ...); a field the version lacks fails its strict schema.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::ValidateError;

pub struct KubeVersions {
    /// The versions of the default values and `--values` runs; the first also stands for an
    /// environment that names none.
    chart: Vec<String>,
    /// Environment name -> the version of its cluster.
    environments: BTreeMap<String, String>,
    /// Version -> its directory of schemas.
    schemas: BTreeMap<String, PathBuf>,
}

impl KubeVersions {
    /// From the flags: `chart` (`--kube-version`, at least one) with `schemas` the directory of
    /// the first, `ENV=VERSION` pairs, and `VERSION=DIR` pairs for every other version used.
    pub fn new(
        chart: &[String],
        schemas: &Path,
        for_environments: &[String],
        schemas_for: &[String],
    ) -> Result<KubeVersions, ValidateError> {
        let first = chart.first().ok_or_else(|| ValidateError::Usage("--kube-version is required".into()))?;
        let mut directories = BTreeMap::from([(first.clone(), schemas.to_path_buf())]);
        for pair in schemas_for {
            let (version, dir) = split_pair(pair, "--schemas-for", "VERSION=DIR")?;
            directories.insert(version.to_string(), PathBuf::from(dir));
        }
        let mut environments = BTreeMap::new();
        for pair in for_environments {
            let (environment, version) = split_pair(pair, "--kube-version-for", "ENV=VERSION")?;
            environments.insert(environment.to_string(), version.to_string());
        }
        let versions = KubeVersions { chart: chart.to_vec(), environments, schemas: directories };
        if let Some(missing) = versions.all().into_iter().find(|v| !versions.schemas.contains_key(*v)) {
            return Err(ValidateError::Usage(format!(
                "Kubernetes {missing} is used but no --schemas-for {missing}=DIR gives its schemas"
            )));
        }
        Ok(versions)
    }

    /// The versions a run is checked against: an environment's own, or else the first of
    /// the chart's; every one of the chart's for the default values and other values files.
    pub fn of_run(&self, environment: Option<&str>) -> Vec<&str> {
        match environment {
            Some(name) => vec![self.environments.get(name).unwrap_or(&self.chart[0]).as_str()],
            None => self.chart.iter().map(String::as_str).collect(),
        }
    }

    /// Every version some run may use, each once.
    pub fn all(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self.chart.iter().chain(self.environments.values()).map(String::as_str).collect();
        all.sort();
        all.dedup();
        all
    }

    /// Whether runs differ in version (then every run and schema problem names its version).
    pub fn several(&self) -> bool {
        self.all().len() > 1
    }

    pub fn schemas(&self, version: &str) -> Option<&Path> {
        self.schemas.get(version).map(PathBuf::as_path)
    }

    /// The environments named by `--kube-version-for` that the chart has no file of (a typo
    /// would otherwise check the environment silently against the chart's version).
    pub fn unknown_environments<'a>(&'a self, known: &[&str]) -> Vec<&'a str> {
        self.environments.keys().map(String::as_str).filter(|name| !known.contains(name)).collect()
    }

    /// How an object in an API version that `version` does not serve is reported.
    pub fn not_served(api_version: &str, kind: &str, version: &str) -> String {
        format!(
            "{kind} {api_version} is not served by Kubernetes {version}: the API server refuses the object; render \
             another apiVersion for this cluster, or run it on a newer one"
        )
    }
}

/// Why Chart.yaml's `kubeVersion` refuses `version`, when it is a lower bound
/// `>=MAJOR.MINOR.PATCH` (with or without a `-0` pre-release, as the composer writes it).
/// Helm 3's `helm template` and every install refuse such a cluster; the SDK's render does not
/// check, so the validator does. Other constraint forms (ranges, `~`, `^`, `||`) are left to
/// Helm 3's run.
pub fn refused_by_chart(kube_version_constraint: &str, version: &str) -> Option<String> {
    let floor = kube_version_constraint.trim().strip_prefix(">=")?.trim();
    let floor_numbers = numbers(floor.strip_suffix("-0").unwrap_or(floor))?;
    (numbers(version)? < floor_numbers).then(|| {
        format!(
            "Chart.yaml's kubeVersion {kube_version_constraint:?} refuses Kubernetes {version}: Helm installs the \
             chart on no such cluster; lower the chart's kubernetes_versions, or move the environment to a newer cluster"
        )
    })
}

/// `1.25.0` -> [1, 25, 0].
fn numbers(version: &str) -> Option<Vec<u64>> {
    let parts: Option<Vec<u64>> = version.trim_start_matches('v').split('.').map(|n| n.parse().ok()).collect();
    parts.filter(|p| p.len() == 3)
}

fn split_pair<'a>(pair: &'a str, flag: &str, form: &str) -> Result<(&'a str, &'a str), ValidateError> {
    pair.split_once('=')
        .filter(|(left, right)| !left.is_empty() && !right.is_empty())
        .ok_or_else(|| ValidateError::Usage(format!("{flag} {pair:?} is not {form}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(chart: &[&str], environments: &[&str], schemas_for: &[&str]) -> Result<KubeVersions, ValidateError> {
        let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        KubeVersions::new(&strings(chart), Path::new("s34"), &strings(environments), &strings(schemas_for))
    }

    #[test]
    fn an_environment_runs_on_its_cluster_version_and_the_defaults_on_every_chart_version() {
        let v = versions(&["1.34.0", "1.29.0"], &["prod=1.25.0"], &["1.29.0=s29", "1.25.0=s25"]).expect("valid");
        assert_eq!(v.of_run(None), ["1.34.0", "1.29.0"]);
        assert_eq!(v.of_run(Some("prod")), ["1.25.0"]);
        assert_eq!(v.of_run(Some("dev")), ["1.34.0"], "an environment naming none takes the chart's first");
        assert_eq!(v.all(), ["1.25.0", "1.29.0", "1.34.0"]);
        assert_eq!(v.schemas("1.25.0"), Some(Path::new("s25")));
        assert_eq!(v.schemas("1.34.0"), Some(Path::new("s34")));
        assert!(v.several());
        assert_eq!(v.unknown_environments(&["dev", "qa"]), ["prod"]);
    }

    #[test]
    fn every_version_needs_its_schemas_and_pairs_are_checked() {
        let error = versions(&["1.34.0"], &["prod=1.25.0"], &[]).err().expect("no schemas").to_string();
        assert!(error.contains("Kubernetes 1.25.0 is used but no --schemas-for 1.25.0=DIR"), "{error}");
        let error = versions(&["1.34.0"], &["prod"], &[]).err().expect("no =").to_string();
        assert!(error.contains("--kube-version-for \"prod\" is not ENV=VERSION"), "{error}");
        let single = versions(&["1.34.0"], &[], &[]).expect("valid");
        assert!(!single.several());
    }

    #[test]
    fn a_lower_bound_kube_version_refuses_older_clusters() {
        let refusal = refused_by_chart(">=1.29.0-0", "1.25.0").expect("refused");
        assert!(refusal.starts_with("Chart.yaml's kubeVersion \">=1.29.0-0\" refuses Kubernetes 1.25.0"), "{refusal}");
        assert_eq!(refused_by_chart(">=1.29.0-0", "1.29.0"), None);
        assert_eq!(refused_by_chart(">= 1.27.0", "1.34.0"), None);
        assert!(refused_by_chart(">=1.30.0", "1.29.0").is_some());
        assert_eq!(refused_by_chart("~1.29.0", "1.25.0"), None, "left to Helm");
    }

    #[test]
    fn an_unserved_api_names_the_object_kind_api_and_version() {
        let message = KubeVersions::not_served("autoscaling/v2", "HorizontalPodAutoscaler", "1.22.0");
        assert!(message.starts_with("HorizontalPodAutoscaler autoscaling/v2 is not served by Kubernetes 1.22.0"));
    }

    #[test]
    fn versions_are_listed_once_and_several_only_when_they_differ() {
        let v = versions(&["1.34.0", "1.34.0"], &["prod=1.34.0", "dev=1.34.0"], &[]).expect("valid");
        assert_eq!(v.all(), ["1.34.0"]);
        assert!(!v.several(), "one version however often it is named");
        assert_eq!(v.unknown_environments(&["dev", "prod"]), Vec::<&str>::new());
        assert_eq!(v.schemas("1.29.0"), None);
    }

    #[test]
    fn malformed_flags_are_refused_naming_the_flag_and_the_form() {
        let error =
            |result: Result<KubeVersions, ValidateError>| result.err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(error(versions(&[], &[], &[])), "--kube-version is required");
        assert_eq!(error(versions(&["1.34.0"], &[], &["1.29.0"])), "--schemas-for \"1.29.0\" is not VERSION=DIR");
        assert_eq!(error(versions(&["1.34.0"], &[], &["=s29"])), "--schemas-for \"=s29\" is not VERSION=DIR");
        assert_eq!(error(versions(&["1.34.0"], &["prod="], &[])), "--kube-version-for \"prod=\" is not ENV=VERSION");
        assert_eq!(
            error(versions(&["1.34.0"], &["=1.29.0"], &[])),
            "--kube-version-for \"=1.29.0\" is not ENV=VERSION"
        );
        // A second chart version needs its schemas as much as an environment's.
        assert_eq!(
            error(versions(&["1.34.0", "1.30.0"], &[], &[])),
            "Kubernetes 1.30.0 is used but no --schemas-for 1.30.0=DIR gives its schemas"
        );
    }

    #[test]
    fn only_three_part_versions_are_compared() {
        assert_eq!(numbers("v1.25.3"), Some(vec![1, 25, 3]));
        assert_eq!(numbers("1.25"), None);
        assert_eq!(numbers("1.25.0.1"), None);
        assert_eq!(numbers("1.x.0"), None);
        assert!(refused_by_chart(">=v1.30.0", "v1.29.9").is_some());
        assert_eq!(refused_by_chart(">=1.30", "1.25.0"), None, "a floor that is no full version is left to Helm");
        assert_eq!(refused_by_chart(">=1.30.0", "1.25"), None);
        assert_eq!(refused_by_chart(">=1.30.0", "1.31.0"), None);
        assert_eq!(refused_by_chart("", "1.25.0"), None);
    }
}
