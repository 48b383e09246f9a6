//! `--previous-chart`: renders the version a chart replaces with the values of each run and
//! hands both renders to the upgrade rules (`upgrade.rs`).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::ValidateError;
use crate::helm::{Helm, RenderOptions};
use crate::kube::schema_file_name;
use crate::problem::{Kind, Problem};
use crate::upgrade::{self, AcceptedValues, Finding};

/// What names a run, and the Kubernetes schemas of its version: a built-in apiVersion and kind
/// without one is not served.
pub struct Run<'a> {
    pub label: &'a str,
    pub schemas: &'a Path,
}

/// The previous version of the chart, as a directory Helm can render.
pub struct PreviousChart {
    dir: PathBuf,
    /// Kept until the run ends: an archive is unpacked into it.
    _unpacked: Option<tempfile::TempDir>,
    /// The findings reported so far: one that every environment repeats is reported once,
    /// under the first run that found it.
    reported: RefCell<BTreeSet<Finding>>,
}

impl PreviousChart {
    /// A chart directory, a `.tgz` archive, a directory holding exactly one archive (what
    /// `helm_package` builds), or a directory of charts (as `charts/` keeps them in git), of
    /// which the one named like `chart` is taken; `None` when it has none (a new chart).
    pub fn open(
        path: &Path,
        chart: &Path,
        helm: &Helm,
        scratch: &Path,
    ) -> Result<Option<PreviousChart>, ValidateError> {
        let at = |dir, unpacked| PreviousChart { dir, _unpacked: unpacked, reported: RefCell::new(BTreeSet::new()) };
        if path.join("Chart.yaml").is_file() {
            return Ok(Some(at(crate::resolve_chart_dir(path)?, None)));
        }
        if path.is_dir() && !has_archive(path)? {
            let name = chart_name(chart)?;
            let kept = subdirectories(path)?.into_iter().find(|dir| chart_name(dir).is_ok_and(|n| n == name));
            if kept.is_none() {
                println!("==> upgrade: {} keeps no chart named {name}; nothing to upgrade from", path.display());
            }
            return kept.map(|dir| Ok(at(crate::resolve_chart_dir(&dir)?, None))).transpose();
        }
        let archive = if path.is_dir() { only_archive_in(path)? } else { path.to_path_buf() };
        let Helm::Sdk(sdk) = helm else {
            return Err(usage(path, "unpacking a chart archive needs the Helm SDK (libhelm_c.so), not a helm binary"));
        };
        let unpacked = crate::scratch_dir(scratch, "previous-chart")?;
        sdk.chart_expand(&archive, unpacked.path())?;
        let dir = subdirectories(unpacked.path())?
            .into_iter()
            .next()
            .ok_or_else(|| usage(&archive, "the archive holds no chart"))?;
        Ok(Some(at(dir, Some(unpacked))))
    }

    /// The upgrade findings of one run: the previous version rendered with the same values
    /// (its own `values-<env>.yaml` for an environment of this chart) against `current`, and
    /// what is to be printed about them (after lint's findings, found at the same time).
    pub fn check_run(
        &self,
        helm: &Helm,
        chart: &Path,
        values: Option<&Path>,
        options: &RenderOptions,
        current: &BTreeMap<String, Value>,
        run: Run,
    ) -> Result<(Vec<Problem>, String), ValidateError> {
        let Run { label, schemas } = run;
        if current.is_empty() {
            // This version did not render (already a problem): there is nothing to compare.
            return Ok((Vec::new(), String::new()));
        }
        let previous_values = match values.map(|file| self.values_file_for(chart, file)) {
            None => None,
            Some(Some(file)) => Some(file),
            Some(None) => {
                let output = format!(
                    "==> upgrade ({label}): the previous version has no such environment; nothing to upgrade\n"
                );
                return Ok((Vec::new(), output));
            }
        };
        let run_values = helm.values(previous_values.as_deref(), options)?;
        let manifests = match helm.render(&self.dir, &run_values, options) {
            Ok(manifests) => manifests,
            Err(error) => {
                let message =
                    format!("{label}: the previous version does not render, so nothing was compared: {error}");
                let problems = vec![Problem::new(Kind::Upgrade("previous-render"), message)];
                let output = crate::found(&problems);
                return Ok((problems, output));
            }
        };
        let mut previous = BTreeMap::new();
        for (_, text) in manifests.iter().filter(|(t, _)| t.ends_with(".yaml") || t.ends_with(".yml")) {
            // What of the previous render is not YAML was refused when it was the current version.
            let (objects, _) = crate::documents(text);
            previous.extend(objects.into_iter().map(|object| (crate::describe(&object), object)));
        }
        // The schemas of the run's Kubernetes version (its environment's cluster's).
        let served = |api_version: &str, kind: &str| schemas.join(schema_file_name(api_version, kind)).is_file();
        let mut findings = upgrade::removed_apis(&previous, options.kube_version, served);
        findings.extend(upgrade::compare(&previous, current));
        let found = findings.len();
        let new: Vec<Finding> = findings.into_iter().filter(|f| self.reported.borrow_mut().insert(f.clone())).collect();
        let problems = to_problems(new, label);
        let output = format!(
            "{}==> upgrade ({label}): {} object(s) of the previous version compared, {found} finding(s){}\n",
            crate::found(&problems),
            previous.keys().filter(|key| current.contains_key(*key)).count(),
            match found - problems.len() {
                0 => String::new(),
                repeated => format!(", {repeated} already reported for an earlier run"),
            }
        );
        Ok((problems, output))
    }

    /// The values keys that `files` and this chart's environment files set, which the
    /// previous version accepted and this one no longer does.
    pub fn check_values(&self, chart: &Path, files: &[PathBuf]) -> Result<Vec<Problem>, ValidateError> {
        let previous = accepted_values(&self.dir)?;
        let current = accepted_values(chart)?;
        let mut files: Vec<PathBuf> = files.to_vec();
        files.extend(crate::environment_files(chart)?);
        let mut problems = Vec::new();
        for file in &files {
            // A file that is no YAML map is reported by lint, with its line.
            let Some(values) = read_yaml(file)? else { continue };
            let name = file.strip_prefix(chart).unwrap_or(file).display().to_string();
            let findings = upgrade::removed_values(&name, &values, &previous, &current);
            problems.extend(findings.into_iter().map(|f| Problem::new(Kind::Upgrade(f.rule), f.message)));
        }
        crate::print_found(&problems);
        println!("==> upgrade: {} values file(s) checked for keys the chart no longer accepts", files.len());
        Ok(problems)
    }

    /// For a values file of a run: the same file, or for an environment file of this chart the
    /// previous version's file of that name (`None` when it has none: a new environment).
    fn values_file_for(&self, chart: &Path, file: &Path) -> Option<PathBuf> {
        match file.strip_prefix(chart) {
            Ok(inside) => Some(self.dir.join(inside)).filter(|f| f.is_file()),
            Err(_) => Some(file.to_path_buf()),
        }
    }
}

fn to_problems(findings: Vec<Finding>, label: &str) -> Vec<Problem> {
    findings.into_iter().map(|f| Problem::new(Kind::Upgrade(f.rule), format!("{label}: {}", f.message))).collect()
}

fn usage(path: &Path, message: &str) -> ValidateError {
    ValidateError::Usage(format!("--previous-chart {}: {message}", path.display()))
}

/// The subdirectories of `dir` that hold a Chart.yaml, sorted.
fn subdirectories(dir: &Path) -> Result<Vec<PathBuf>, ValidateError> {
    let mut charts: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| ValidateError::io(dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.join("Chart.yaml").is_file())
        .collect();
    charts.sort();
    Ok(charts)
}

/// The `name` in a chart directory's Chart.yaml.
fn chart_name(chart: &Path) -> Result<String, ValidateError> {
    let file = chart.join("Chart.yaml");
    let metadata = read_yaml(&file)?.unwrap_or(Value::Null);
    let name = metadata.get("name").and_then(Value::as_str);
    name.map(str::to_string).ok_or_else(|| usage(&file, "no chart name"))
}

fn has_archive(dir: &Path) -> Result<bool, ValidateError> {
    let mut entries = fs::read_dir(dir).map_err(|e| ValidateError::io(dir, e))?;
    Ok(entries.any(|entry| entry.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "tgz"))))
}

/// The one `.tgz` in a directory.
fn only_archive_in(dir: &Path) -> Result<PathBuf, ValidateError> {
    let archives: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| ValidateError::io(dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "tgz"))
        .collect();
    match archives.as_slice() {
        [archive] => Ok(archive.clone()),
        _ => Err(usage(
            dir,
            &format!(
                "expected a chart directory, a .tgz, or a directory with one .tgz; found {} archive(s)",
                archives.len()
            ),
        )),
    }
}

/// A chart's defaults, values schema and the top-level keys its subcharts (and `global`) take.
fn accepted_values(chart: &Path) -> Result<AcceptedValues, ValidateError> {
    let defaults = read_yaml(&chart.join("values.yaml"))?.unwrap_or(Value::Null);
    let schema_file = chart.join("values.schema.json");
    let schema = match schema_file.is_file() {
        true => {
            let text = fs::read_to_string(&schema_file).map_err(|e| ValidateError::io(&schema_file, e))?;
            Some(serde_json::from_str(&text).map_err(|e| usage(&schema_file, &e.to_string()))?)
        }
        false => None,
    };
    let mut passed_on = BTreeSet::from(["global".to_string()]);
    let metadata = read_yaml(&chart.join("Chart.yaml"))?.unwrap_or(Value::Null);
    for dependency in metadata.get("dependencies").and_then(Value::as_array).into_iter().flatten() {
        let name = dependency.get("alias").or_else(|| dependency.get("name")).and_then(Value::as_str);
        passed_on.extend(name.map(str::to_string));
    }
    Ok(AcceptedValues { defaults, schema, passed_on })
}

/// A YAML file as JSON; `None` when it is absent or not YAML (lint names those).
fn read_yaml(file: &Path) -> Result<Option<Value>, ValidateError> {
    if !file.is_file() {
        return Ok(None);
    }
    let text = fs::read_to_string(file).map_err(|e| ValidateError::io(file, e))?;
    Ok(serde_yaml_ng::from_str(&text).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(dir: &Path, name: &str, files: &[(&str, &str)]) -> PathBuf {
        let chart = dir.join(name);
        fs::create_dir_all(&chart).unwrap();
        fs::write(chart.join("Chart.yaml"), format!("apiVersion: v2\nname: {name}\nversion: 1.0.0\n")).unwrap();
        for (file, text) in files {
            fs::write(chart.join(file), text).unwrap();
        }
        chart
    }

    fn open(path: &Path, current: &Path) -> Option<PreviousChart> {
        let scratch = tempfile::tempdir().unwrap();
        // Only archives need the SDK; a binary that is never run stands in for it.
        PreviousChart::open(path, current, &Helm::Binary("helm".into()), scratch.path()).unwrap()
    }

    #[test]
    fn a_directory_of_charts_yields_the_one_named_like_this_chart() {
        let kept = tempfile::tempdir().unwrap();
        chart(kept.path(), "legacy-shop", &[]);
        let kept_philotes = chart(kept.path(), "philotes", &[]);
        let build = tempfile::tempdir().unwrap();
        let current = chart(build.path(), "philotes", &[]);
        let previous = open(kept.path(), &current).unwrap();
        assert_eq!(previous.dir, kept_philotes.canonicalize().unwrap());
        let new_chart = chart(build.path(), "brand-new", &[]);
        assert!(open(kept.path(), &new_chart).is_none());
    }

    #[test]
    fn an_environment_runs_against_the_previous_versions_own_file() {
        let old = tempfile::tempdir().unwrap();
        let previous = open(&chart(old.path(), "app", &[("values-prod.yaml", "a: 1\n")]), Path::new("unused")).unwrap();
        let new = tempfile::tempdir().unwrap();
        let current = chart(new.path(), "app", &[("values-prod.yaml", "a: 2\n"), ("values-dev.yaml", "a: 3\n")]);
        assert_eq!(
            previous.values_file_for(&current, &current.join("values-prod.yaml")),
            Some(previous.dir.join("values-prod.yaml"))
        );
        // An environment the previous version did not have: nothing to upgrade.
        assert_eq!(previous.values_file_for(&current, &current.join("values-dev.yaml")), None);
        let overlay = Path::new("/elsewhere/team.yaml");
        assert_eq!(previous.values_file_for(&current, overlay), Some(overlay.to_path_buf()));
    }

    #[test]
    fn a_values_file_setting_a_removed_key_is_named() {
        let old = tempfile::tempdir().unwrap();
        let previous = chart(old.path(), "app", &[("values.yaml", "web:\n  replicas: 1\n  legacyPort: 80\n")]);
        let previous = open(&previous, Path::new("unused")).unwrap();
        let new = tempfile::tempdir().unwrap();
        let current = chart(
            new.path(),
            "app",
            &[("values.yaml", "web:\n  replicas: 1\n"), ("values-prod.yaml", "web:\n  legacyPort: 81\n")],
        );
        let problems = previous.check_values(&current, &[]).unwrap();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].to_string().starts_with("upgrade:removed-value: values-prod.yaml sets web.legacyPort,"));
    }

    fn error_of<T>(result: Result<T, ValidateError>) -> String {
        result.err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn archives_need_the_sdk_and_a_directory_exactly_one_of_them() {
        let scratch = tempfile::tempdir().unwrap();
        let binary = Helm::Binary("helm".into());
        let current = Path::new("unused");
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("app-1.0.0.tgz"), "").unwrap();
        let error = error_of(PreviousChart::open(dir.path(), current, &binary, scratch.path()));
        assert_eq!(
            error,
            format!(
                "--previous-chart {}: unpacking a chart archive needs the Helm SDK (libhelm_c.so), not a helm binary",
                dir.path().display()
            )
        );
        let error = error_of(PreviousChart::open(&dir.path().join("app-1.0.0.tgz"), current, &binary, scratch.path()));
        assert!(error.starts_with("--previous-chart ") && error.contains("needs the Helm SDK"), "{error}");
        fs::write(dir.path().join("app-0.9.0.tgz"), "").unwrap();
        let error = error_of(PreviousChart::open(dir.path(), current, &binary, scratch.path()));
        assert!(
            error.ends_with(": expected a chart directory, a .tgz, or a directory with one .tgz; found 2 archive(s)"),
            "{error}"
        );
        assert!(has_archive(dir.path()).unwrap());
        let empty = tempfile::tempdir().unwrap();
        assert!(!has_archive(empty.path()).unwrap());
        assert!(error_of(only_archive_in(empty.path())).ends_with("found 0 archive(s)"));
        fs::write(empty.path().join("notes.txt"), "").unwrap();
        assert!(!has_archive(empty.path()).unwrap());
    }

    #[test]
    fn a_chart_without_a_name_is_refused_and_yaml_that_is_absent_or_broken_is_none() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("Chart.yaml"), "apiVersion: v2\n").unwrap();
        assert!(error_of(chart_name(dir.path())).ends_with("Chart.yaml: no chart name"));
        fs::write(dir.path().join("Chart.yaml"), "name: [unclosed\n").unwrap();
        assert_eq!(read_yaml(&dir.path().join("Chart.yaml")).unwrap(), None);
        assert_eq!(read_yaml(&dir.path().join("missing.yaml")).unwrap(), None);
        assert_eq!(read_yaml(dir.path()).unwrap(), None, "a directory is no file");
        let kept = tempfile::tempdir().unwrap();
        chart(kept.path(), "web", &[]);
        assert!(error_of(PreviousChart::open(kept.path(), dir.path(), &Helm::Binary("helm".into()), dir.path()))
            .ends_with("Chart.yaml: no chart name"));
    }

    #[test]
    fn accepted_values_hand_subchart_keys_and_global_on_and_read_the_schema() {
        let dir = tempfile::tempdir().unwrap();
        let app = chart(
            dir.path(),
            "app",
            &[("values.yaml", "web:\n  replicas: 1\n"), ("values.schema.json", "{\"type\": \"object\"}")],
        );
        fs::write(
            app.join("Chart.yaml"),
            "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n- name: redis\n  alias: cache\n- name: postgresql\n",
        )
        .unwrap();
        let accepted = accepted_values(&app).unwrap();
        let passed_on: Vec<&str> = accepted.passed_on.iter().map(String::as_str).collect();
        assert_eq!(passed_on, ["cache", "global", "postgresql"]);
        assert_eq!(accepted.defaults, serde_json::json!({"web": {"replicas": 1}}));
        assert_eq!(accepted.schema, Some(serde_json::json!({"type": "object"})));
        fs::write(app.join("values.schema.json"), "{not json").unwrap();
        assert!(error_of(accepted_values(&app)).contains("values.schema.json: key must be a string"));
        let bare = chart(dir.path(), "bare", &[]);
        let accepted = accepted_values(&bare).unwrap();
        assert_eq!((accepted.defaults, accepted.schema), (Value::Null, None));
    }

    #[test]
    fn values_files_outside_the_chart_are_named_by_their_path_and_checked_too() {
        let old = tempfile::tempdir().unwrap();
        let previous = chart(old.path(), "app", &[("values.yaml", "web:\n  legacyPort: 80\n  replicas: 1\n")]);
        let previous = open(&previous, Path::new("unused")).unwrap();
        let new = tempfile::tempdir().unwrap();
        let current = chart(new.path(), "app", &[("values.yaml", "web:\n  replicas: 1\n")]);
        let overlay = new.path().join("team.yaml");
        fs::write(&overlay, "web:\n  legacyPort: 81\n").unwrap();
        let broken = new.path().join("broken.yaml");
        fs::write(&broken, "web: [\n").unwrap();
        let problems = previous.check_values(&current, &[overlay.clone(), broken]).unwrap();
        let texts: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(texts.len(), 1, "{texts:?}");
        assert!(texts[0].starts_with(&format!("upgrade:removed-value: {} sets web.legacyPort,", overlay.display())));
    }

    #[test]
    fn a_run_with_nothing_rendered_or_a_new_environment_compares_nothing() {
        let old = tempfile::tempdir().unwrap();
        let previous = open(&chart(old.path(), "app", &[]), Path::new("unused")).unwrap();
        let new = tempfile::tempdir().unwrap();
        let current = chart(new.path(), "app", &[("values-prod.yaml", "a: 1\n")]);
        let options = RenderOptions { release: "r", namespace: "n", kube_version: "1.34.0", set: &[] };
        // A helm binary that does not exist: reaching the render would report it.
        let helm = Helm::Binary(new.path().join("no-helm"));
        let run = || Run { label: "values-prod.yaml", schemas: Path::new("schemas") };
        let rendered = BTreeMap::from([("ConfigMap/a".to_string(), serde_json::json!({"kind": "ConfigMap"}))]);
        let (problems, output) = previous.check_run(&helm, &current, None, &options, &BTreeMap::new(), run()).unwrap();
        assert_eq!((problems, output), (Vec::new(), String::new()));
        let prod = current.join("values-prod.yaml");
        let (problems, output) = previous.check_run(&helm, &current, Some(&prod), &options, &rendered, run()).unwrap();
        assert_eq!(problems, []);
        assert_eq!(
            output,
            "==> upgrade (values-prod.yaml): the previous version has no such environment; nothing to upgrade\n"
        );
        let (problems, output) = previous.check_run(&helm, &current, None, &options, &rendered, run()).unwrap();
        let texts: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(texts.len(), 1);
        assert!(
            texts[0].starts_with(
                "upgrade:previous-render: values-prod.yaml: the previous version does not render, so nothing was compared: "
            ),
            "{texts:?}"
        );
        assert!(texts[0].contains("no-helm"), "{texts:?}");
        assert_eq!(output, format!("[PROBLEM] {}\n", texts[0]));
    }

    #[test]
    fn findings_carry_their_rule_and_the_run() {
        let findings = upgrade::compare(
            &BTreeMap::from([("Secret/s".to_string(), serde_json::json!({"apiVersion": "v1", "kind": "Secret"}))]),
            &BTreeMap::from([(
                "Secret/s".to_string(),
                serde_json::json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls"}),
            )]),
        );
        let problems: Vec<String> = to_problems(findings, "default values").iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("upgrade:secret-type: default values: Secret/s: type changes from"),
            "{problems:?}"
        );
    }
}
