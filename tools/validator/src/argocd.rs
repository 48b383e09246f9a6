//! Argo CD's rules (`--argocd`): a chart deployed by Argo CD is rendered by `helm template`
//! with no cluster and applied by Argo CD, not installed by Helm. It renders and behaves as
//! under Helm only when
//! - no template calls `lookup` (Argo CD's render answers it with nothing), nor a random or
//!   clock function (`rand*`, `uuidv4`, `genPrivateKey`, `now`, ...: every refresh renders
//!   another value, so the application is never in sync);
//! - no template reads the release's install state (`.Release.IsInstall`, `.Release.IsUpgrade`,
//!   `.Release.Revision`): under Argo CD every render is a first install;
//! - no hook relies on install-only phases: Argo CD runs `pre-install` and `pre-upgrade` hooks
//!   alike as PreSync on every sync (`post-*` as PostSync), so a hook that is only
//!   `pre-install` (or only `post-install`, or only an upgrade one) runs at times Helm never
//!   would.
//! With `--argocd-applications`, the Argo CD objects generated for the chart are also checked:
//! against Argo CD's CRD schemas, and against the chart (its name and version, its values
//! files, the release name).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::crd::CrdSchemas;
use crate::error::ValidateError;
use crate::problem::{Kind, Problem};

/// Functions whose result differs from one render to the next (Sprig's and Helm's).
const RANDOM_FUNCTIONS: [&str; 16] = [
    "randAlphaNum",
    "randAlpha",
    "randNumeric",
    "randAscii",
    "randInt",
    "randBytes",
    "uuidv4",
    "shuffle",
    "genPrivateKey",
    "genCA",
    "genCAWithKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "now",
];

/// Fields of `.Release` whose value Argo CD's render fixes (always a first install).
const RELEASE_STATE: [&str; 3] = ["IsInstall", "IsUpgrade", "Revision"];

/// Every template of the chart and of the subcharts it vendors as directories, checked for
/// the functions and fields Argo CD renders differently.
pub fn check_templates(chart: &Path) -> Result<Vec<Problem>, ValidateError> {
    let mut problems = Vec::new();
    for file in template_files(chart)? {
        let text = fs::read_to_string(&file).map_err(|e| ValidateError::io(&file, e))?;
        let name = file.strip_prefix(chart).unwrap_or(&file).display().to_string();
        problems.extend(template_problems(&name, &text));
    }
    Ok(problems)
}

/// Files under every `templates/` directory of the chart and of its `charts/<sub>/`.
fn template_files(chart: &Path) -> Result<Vec<PathBuf>, ValidateError> {
    let mut files = Vec::new();
    let mut charts = vec![chart.to_path_buf()];
    while let Some(dir) = charts.pop() {
        collect_files(&dir.join("templates"), &mut files)?;
        let subcharts = dir.join("charts");
        if let Ok(entries) = fs::read_dir(&subcharts) {
            charts.extend(entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.join("Chart.yaml").is_file()));
        }
    }
    files.sort();
    Ok(files)
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), ValidateError> {
    let Ok(entries) = fs::read_dir(dir) else { return Ok(()) };
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        if path.is_dir() {
            collect_files(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// The problems of one template's text: each action (`{{ ... }}`, comments aside) is read
/// word by word, outside its string literals.
fn template_problems(name: &str, text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (line, action) in actions(text) {
        for (word, after_dot) in words(action) {
            let at = format!("{name}:{line}");
            if !after_dot && word == "lookup" {
                problems.push(Problem::new(
                    Kind::ArgoCd("lookup"),
                    format!(
                        "{at}: calls lookup, which Argo CD's render (helm template, no cluster) answers with an \
                         empty result: the objects differ from Helm's"
                    ),
                ));
            } else if !after_dot && RANDOM_FUNCTIONS.contains(&word) {
                problems.push(Problem::new(
                    Kind::ArgoCd("random"),
                    format!(
                        "{at}: calls {word}, whose result changes at every render: Argo CD re-renders at every \
                         refresh, so the application never stays in sync"
                    ),
                ));
            } else if after_dot && RELEASE_STATE.contains(&word) && action_reads_release(action, word) {
                problems.push(Problem::new(
                    Kind::ArgoCd("release-state"),
                    format!(
                        "{at}: reads .Release.{word}, which Argo CD's render fixes (every render is a first \
                         install): the objects differ from Helm's on upgrades"
                    ),
                ));
            }
        }
    }
    problems
}

fn action_reads_release(action: &str, field: &str) -> bool {
    action.contains(&format!("Release.{field}"))
}

/// Each `{{ ... }}` action with the line it starts on; comments (`{{/* */}}`) are skipped.
fn actions(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(start) = rest.find("{{") {
        let Some(length) = rest[start + 2..].find("}}") else { break };
        let action = &rest[start + 2..start + 2 + length];
        let trimmed = action.trim_start_matches('-').trim_start();
        if !trimmed.starts_with("/*") {
            let line = text[..offset + start].matches('\n').count() + 1;
            found.push((line, action));
        }
        offset += start + 2 + length + 2;
        rest = &rest[start + 2 + length + 2..];
    }
    found
}

/// The identifiers of an action outside string literals, each with whether a `.` or `$`
/// precedes it (a field or variable, not a function).
fn words(action: &str) -> Vec<(&str, bool)> {
    let mut words = Vec::new();
    let bytes = action.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'"' | b'`') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if bytes[i] == b'\\' && quote == b'"' { 2 } else { 1 };
                }
                i += 1;
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let after_dot = start > 0 && matches!(bytes[start - 1], b'.' | b'$');
                words.push((&action[start..i], after_dot));
            }
            _ => i += 1,
        }
    }
    words
}

/// Hooks whose phases Argo CD runs differently from Helm, in one run's objects.
pub fn check_hooks(objects: &BTreeMap<String, Value>, label: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (name, object) in objects {
        let annotations = object.pointer("/metadata/annotations");
        // An Argo CD hook annotation wins: Argo CD then ignores Helm's.
        if annotations.and_then(|a| a.get("argocd.argoproj.io/hook")).is_some() {
            continue;
        }
        let Some(hook) = annotations.and_then(|a| a.get("helm.sh/hook")).and_then(Value::as_str) else { continue };
        let phases: Vec<&str> = hook.split(',').map(str::trim).collect();
        for (install, upgrade, argo) in
            [("pre-install", "pre-upgrade", "PreSync"), ("post-install", "post-upgrade", "PostSync")]
        {
            let (has_install, has_upgrade) = (phases.contains(&install), phases.contains(&upgrade));
            if has_install != has_upgrade {
                let (only, missing) = if has_install { (install, upgrade) } else { (upgrade, install) };
                problems.push(Problem::new(
                    Kind::ArgoCd("install-only-hook"),
                    format!(
                        "{label}: {name}: helm.sh/hook {hook:?} is {only} without {missing}: Argo CD runs it as \
                         {argo} on every sync, Helm only on {}; make it \"{install},{upgrade}\"",
                        if has_install { "install" } else { "upgrade" }
                    ),
                ));
            }
        }
    }
    print_found(&problems);
    problems
}

/// The Argo CD objects of `file`: each against its CRD schema, then against the chart.
pub fn check_applications(file: &Path, chart: &Path, crd: &mut CrdSchemas) -> Result<Vec<Problem>, ValidateError> {
    let text = fs::read_to_string(file).map_err(|e| ValidateError::io(file, e))?;
    let shown = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let mut objects = Vec::new();
    for document in serde_yaml_ng::Deserializer::from_str(&text) {
        let value: Value = serde::Deserialize::deserialize(document)
            .map_err(|e| ValidateError::Usage(format!("{}: not YAML: {e}", file.display())))?;
        if !value.is_null() {
            objects.push(value);
        }
    }
    let mut problems = Vec::new();
    if objects.is_empty() {
        problems.push(Problem::new(Kind::ArgoCd("application"), format!("{shown}: holds no Argo CD object")));
    }
    let pending = crd.send(&objects.iter().collect::<Vec<_>>())?;
    for (object, found) in objects.iter().zip(crd.receive(pending)?) {
        problems
            .extend(found.into_iter().map(|p| Problem::new(Kind::Crd, format!("{shown}: {}: {p}", describe(object)))));
    }
    let chart_info = ChartInfo::read(chart)?;
    for object in &objects {
        problems.extend(chart_info.check(object).into_iter().map(|message| {
            Problem::new(Kind::ArgoCd("application"), format!("{shown}: {}: {message}", describe(object)))
        }));
    }
    print_found(&problems);
    println!("==> Argo CD objects ({shown}): {} object(s), {} problem(s)", objects.len(), problems.len());
    Ok(problems)
}

/// What the Argo CD objects must agree with: the chart's name, version and values files.
struct ChartInfo {
    name: String,
    version: String,
    values_files: Vec<String>,
}

impl ChartInfo {
    fn read(chart: &Path) -> Result<ChartInfo, ValidateError> {
        let file = chart.join("Chart.yaml");
        let text = fs::read_to_string(&file).map_err(|e| ValidateError::io(&file, e))?;
        let metadata: Value = serde_yaml_ng::from_str(&text).unwrap_or(Value::Null);
        let field = |key: &str| metadata.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
        let mut values_files: Vec<String> = fs::read_dir(chart)
            .map_err(|e| ValidateError::io(chart, e))?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with("values") && n.ends_with(".yaml"))
            .collect();
        values_files.sort();
        Ok(ChartInfo { name: field("name"), version: field("version"), values_files })
    }

    /// The sources an object deploys (an Application's, or each list element of an
    /// ApplicationSet, whose template reads them by name), checked against the chart.
    fn check(&self, object: &Value) -> Vec<String> {
        match object.get("kind").and_then(Value::as_str) {
            Some("Application") => {
                let source = object.pointer("/spec/source").cloned().unwrap_or(Value::Null);
                let values = source.pointer("/helm/valueFiles").and_then(Value::as_array).cloned().unwrap_or_default();
                let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
                self.check_source(
                    &text(&source["repoURL"]),
                    &text(&source["targetRevision"]),
                    values.iter().map(text).collect(),
                )
            }
            Some("ApplicationSet") => {
                let elements = object.pointer("/spec/generators/0/list/elements").and_then(Value::as_array);
                let Some(elements) = elements.filter(|e| !e.is_empty()) else {
                    return vec!["has no list generator elements (one per environment)".into()];
                };
                let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
                elements
                    .iter()
                    .flat_map(|e| {
                        let environment = text(e, "environment");
                        self.check_source(&text(e, "repoURL"), &text(e, "targetRevision"), vec![text(e, "valuesFile")])
                            .into_iter()
                            .map(move |m| format!("element {environment:?}: {m}"))
                    })
                    .collect()
            }
            other => vec![format!("is a {other:?}, not an Application or ApplicationSet")],
        }
    }

    fn check_source(&self, repo_url: &str, revision: &str, values_files: Vec<String>) -> Vec<String> {
        let mut problems = Vec::new();
        // An OCI source names the chart's repository and pins its version (or a digest).
        if let Some(reference) = repo_url.strip_prefix("oci://") {
            if reference.rsplit('/').next() != Some(self.name.as_str()) {
                problems.push(format!("repoURL {repo_url:?} is not the repository of chart {:?}", self.name));
            }
            if revision != self.version && !revision.starts_with("sha256:") {
                problems.push(format!(
                    "targetRevision {revision:?} is neither the chart's version {:?} nor a digest",
                    self.version
                ));
            }
        }
        for file in values_files {
            if !self.values_files.contains(&file) {
                problems.push(format!(
                    "values file {file:?} is not in the chart (it has {})",
                    self.values_files.join(", ")
                ));
            }
        }
        problems
    }
}

fn describe(object: &Value) -> String {
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("?");
    let name = object.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("?");
    format!("{kind}/{name}")
}

fn print_found(problems: &[Problem]) {
    problems.iter().for_each(|problem| println!("[PROBLEM] {problem}"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules(problems: &[Problem]) -> Vec<String> {
        problems.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn lookup_random_and_release_state_are_found_with_their_line() {
        let text = "a: {{ .Values.x }}\nb: {{ lookup \"v1\" \"Secret\" .Release.Namespace \"s\" }}\n\
                    c: {{ randAlphaNum 16 | b64enc }}\n{{- if .Release.IsUpgrade }}\nd: {{ now | date \"2006\" }}\n";
        let found = rules(&template_problems("templates/x.yaml", text));
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found[0].starts_with("argocd:lookup: templates/x.yaml:2: calls lookup"), "{found:?}");
        assert!(found[1].starts_with("argocd:random: templates/x.yaml:3: calls randAlphaNum"), "{found:?}");
        assert!(
            found[2].starts_with("argocd:release-state: templates/x.yaml:4: reads .Release.IsUpgrade"),
            "{found:?}"
        );
        assert!(found[3].starts_with("argocd:random: templates/x.yaml:5: calls now"), "{found:?}");
    }

    #[test]
    fn words_in_strings_comments_and_fields_are_not_calls() {
        let text = "{{/* lookup randAlphaNum */}}\na: {{ \"lookup\" }} {{ .Values.lookup }} {{ $now := 1 }}\n\
                    b: {{ `uuidv4` }} {{ include \"x.now\" . }}\n";
        assert!(template_problems("t.yaml", text).is_empty());
    }

    #[test]
    fn install_only_hooks_are_named_with_the_phase_they_lack() {
        let hook =
            |value: &str| json!({"kind": "Job", "metadata": {"name": "m", "annotations": {"helm.sh/hook": value}}});
        let objects = BTreeMap::from([
            ("Job/both".to_string(), hook("pre-install,pre-upgrade")),
            ("Job/install".to_string(), hook("pre-install")),
            ("Job/post".to_string(), hook("post-upgrade")),
            ("Pod/test".to_string(), hook("test")),
        ]);
        let found = rules(&check_hooks(&objects, "values-prod.yaml"));
        assert_eq!(
            found,
            [
                "argocd:install-only-hook: values-prod.yaml: Job/install: helm.sh/hook \"pre-install\" is pre-install \
                 without pre-upgrade: Argo CD runs it as PreSync on every sync, Helm only on install; make it \
                 \"pre-install,pre-upgrade\"",
                "argocd:install-only-hook: values-prod.yaml: Job/post: helm.sh/hook \"post-upgrade\" is post-upgrade \
                 without post-install: Argo CD runs it as PostSync on every sync, Helm only on upgrade; make it \
                 \"post-install,post-upgrade\"",
            ]
        );
    }

    #[test]
    fn applications_must_deploy_this_chart_its_version_and_its_values_files() {
        let chart = ChartInfo {
            name: "floe-platform".into(),
            version: "0.1.0".into(),
            values_files: vec!["values-dev.yaml".into(), "values.yaml".into()],
        };
        let app = |repo: &str, revision: &str, file: &str| {
            json!({"kind": "Application", "spec": {"source": {
                "repoURL": repo, "targetRevision": revision, "helm": {"valueFiles": [file]}}}})
        };
        assert!(chart.check(&app("oci://r.example.com/c/floe-platform", "0.1.0", "values-dev.yaml")).is_empty());
        assert_eq!(
            chart.check(&app("oci://r.example.com/c/other", "0.2.0", "values-qa.yaml")),
            [
                "repoURL \"oci://r.example.com/c/other\" is not the repository of chart \"floe-platform\"",
                "targetRevision \"0.2.0\" is neither the chart's version \"0.1.0\" nor a digest",
                "values file \"values-qa.yaml\" is not in the chart (it has values-dev.yaml, values.yaml)",
            ]
        );
        let set = json!({"kind": "ApplicationSet", "spec": {"generators": [{"list": {"elements": [
            {"environment": "qa", "repoURL": "https://git.example.com/x.git", "targetRevision": "main", "valuesFile": "values-qa.yaml"}
        ]}}]}});
        assert_eq!(chart.check(&set), ["element \"qa\": values file \"values-qa.yaml\" is not in the chart (it has values-dev.yaml, values.yaml)"]);
    }

    /// A chart directory with `files` (path, text) written under it.
    fn chart_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn templates_of_the_chart_its_nested_directories_and_its_vendored_subcharts_are_read() {
        let chart = chart_with(&[
            ("Chart.yaml", "name: top\nversion: 1.0.0\n"),
            ("templates/a.yaml", "a: {{ lookup \"v1\" \"Secret\" \"\" \"s\" }}\n"),
            ("templates/jobs/b.yaml", "\nb: {{ uuidv4 }}\n"),
            ("templates/clean.yaml", "c: {{ .Values.c }}\n"),
            ("charts/sub/Chart.yaml", "name: sub\n"),
            ("charts/sub/templates/s.yaml", "{{ .Release.Revision }}\n"),
            ("charts/sub/charts/deep/Chart.yaml", "name: deep\n"),
            ("charts/sub/charts/deep/templates/d.yaml", "{{ now }}\n"),
            // Not a chart (no Chart.yaml), and a file outside any templates/ directory.
            ("charts/loose/templates/x.yaml", "{{ now }}\n"),
            ("values.yaml", "x: \"{{ now }}\"\n"),
        ]);
        let found = rules(&check_templates(chart.path()).unwrap());
        assert_eq!(
            found.iter().map(|p| p.split(", ").next().unwrap_or_default()).collect::<Vec<_>>(),
            [
                "argocd:random: charts/sub/charts/deep/templates/d.yaml:1: calls now",
                "argocd:release-state: charts/sub/templates/s.yaml:1: reads .Release.Revision",
                "argocd:lookup: templates/a.yaml:1: calls lookup",
                "argocd:random: templates/jobs/b.yaml:2: calls uuidv4",
            ]
        );
        // A chart without templates has nothing to report.
        assert_eq!(check_templates(chart_with(&[("Chart.yaml", "name: x\n")]).path()).unwrap(), []);
    }

    #[test]
    fn a_field_of_the_same_name_outside_release_is_no_release_state() {
        let text = "{{ .Values.IsUpgrade }} {{ $.Values.Revision }} {{ $r.IsInstall }}\n{{ $.Release.IsInstall }}\n";
        let found = rules(&template_problems("t.yaml", text));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("argocd:release-state: t.yaml:2: reads .Release.IsInstall"), "{found:?}");
    }

    #[test]
    fn actions_are_numbered_by_the_line_they_start_on_and_trimmed_comments_skipped() {
        let text = "a\n{{ one }}\n{{- /* two */ -}}\nb {{ three\n }} {{ four }}\n{{ unclosed";
        assert_eq!(actions(text), [(2, " one "), (4, " three\n "), (5, " four ")]);
    }

    #[test]
    fn words_skip_escaped_quotes_and_know_variables_from_functions() {
        assert_eq!(words(r#" "a \" lookup" now"#), [("now", false)]);
        assert_eq!(words("`raw \\` now"), [("now", false)]);
        assert_eq!(words("$x .y z_1 2b"), [("x", true), ("y", true), ("z_1", false), ("b", false)]);
        assert_eq!(words("now"), [("now", false)]);
    }

    #[test]
    fn argo_hooks_and_objects_without_helm_hooks_are_left_alone() {
        let objects = BTreeMap::from([
            (
                "Job/argo".to_string(),
                json!({"metadata": {"annotations": {"helm.sh/hook": "pre-install", "argocd.argoproj.io/hook": "PreSync"}}}),
            ),
            ("Job/plain".to_string(), json!({"metadata": {"annotations": {"team": "a"}}})),
            ("Job/bare".to_string(), json!({"metadata": {"name": "bare"}})),
            (
                "Job/spaced".to_string(),
                json!({"metadata": {"annotations": {"helm.sh/hook": "post-install, post-upgrade"}}}),
            ),
        ]);
        assert_eq!(check_hooks(&objects, "default values"), []);
        let install = BTreeMap::from([(
            "Job/i".to_string(),
            json!({"metadata": {"annotations": {"helm.sh/hook": "post-install"}}}),
        )]);
        let found = rules(&check_hooks(&install, "default values"));
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("is post-install without post-upgrade: Argo CD runs it as PostSync"), "{found:?}");
        assert!(found[0].ends_with("Helm only on install; make it \"post-install,post-upgrade\""), "{found:?}");
    }

    #[test]
    fn chart_info_reads_name_version_and_the_values_files_sorted() {
        let chart = chart_with(&[
            ("Chart.yaml", "name: shop\nversion: 2.1.0\n"),
            ("values.yaml", ""),
            ("values-prod.yaml", ""),
            ("values-dev.yaml", ""),
            ("values.schema.json", "{}"),
            ("my-values.yaml", ""),
            ("values-x.yml", ""),
        ]);
        let info = ChartInfo::read(chart.path()).unwrap();
        assert_eq!((info.name.as_str(), info.version.as_str()), ("shop", "2.1.0"));
        assert_eq!(info.values_files, ["values-dev.yaml", "values-prod.yaml", "values.yaml"]);
        let error = ChartInfo::read(&chart.path().join("missing")).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("missing/Chart.yaml"), "{error}");
    }

    #[test]
    fn sources_pinned_by_digest_or_not_from_oci_and_other_kinds_are_judged() {
        let chart =
            ChartInfo { name: "shop".into(), version: "1.0.0".into(), values_files: vec!["values.yaml".into()] };
        let app = |repo: &str, revision: &str| json!({"kind": "Application", "spec": {"source": {"repoURL": repo, "targetRevision": revision}}});
        assert_eq!(chart.check(&app("oci://r.example.com/shop", "sha256:abc")), Vec::<String>::new());
        assert_eq!(chart.check(&app("https://git.example.com/x.git", "main")), Vec::<String>::new());
        assert_eq!(
            chart.check(&app("oci://r.example.com/shop", "1.0.1")),
            ["targetRevision \"1.0.1\" is neither the chart's version \"1.0.0\" nor a digest"]
        );
        let empty = json!({"kind": "ApplicationSet", "spec": {"generators": [{"list": {"elements": []}}]}});
        assert_eq!(chart.check(&empty), ["has no list generator elements (one per environment)"]);
        let set = json!({"kind": "ApplicationSet", "spec": {"generators": [{"list": {"elements": [
            {"environment": "dev", "repoURL": "oci://r.example.com/shop", "targetRevision": "1.0.0", "valuesFile": "values.yaml"},
            {"environment": "prod", "repoURL": "oci://r.example.com/other", "targetRevision": "1.0.0", "valuesFile": "values.yaml"}
        ]}}]}});
        assert_eq!(
            chart.check(&set),
            ["element \"prod\": repoURL \"oci://r.example.com/other\" is not the repository of chart \"shop\""]
        );
        assert_eq!(
            chart.check(&json!({"kind": "ConfigMap"})),
            ["is a Some(\"ConfigMap\"), not an Application or ApplicationSet"]
        );
        assert_eq!(describe(&json!({"kind": "Application", "metadata": {"name": "shop-dev"}})), "Application/shop-dev");
        assert_eq!(describe(&json!({})), "?/?");
    }

    #[test]
    fn an_unterminated_string_ends_the_action() {
        assert_eq!(words("x \"lookup"), [("x", false)]);
        assert_eq!(words("x `now"), [("x", false)]);
        assert_eq!(words("x \"a\\"), [("x", false)]);
    }
}
