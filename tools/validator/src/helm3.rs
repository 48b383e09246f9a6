//! Helm 3 beside Helm 4: many users still install with Helm 3 (Argo CD before 3.5, most CI),
//! so every run is also linted (`helm lint --strict`) and rendered (`helm template`) by the
//! official Helm 3 binary, with the same values, `--set` expressions, release, namespace and
//! Kubernetes version, and its objects are compared with the first Helm's one by one.
//!
//! Helm 3 is a subprocess (the SDK in `libhelm_c.so` is Helm 4). Its lint findings, a render
//! only one of the two Helms manages, and every field whose value differs are problems of
//! the chart; a Helm 3 that cannot be started at all is an error of the validator.
//!
//! Known differences, normalised before comparing (each is a difference in how the two are
//! driven or print, not in what a cluster would receive):
//! - `helm template` prints one stream with `# Source:` comments, in install order; the SDK
//!   returns each template's text. Both are parsed as YAML and matched by `Kind/name`, so
//!   comments, document order, empty documents and YAML formatting (quoting, indentation,
//!   key order) do not count.
//! - Helm 3 parses the rendered YAML itself and refuses a stream that is not YAML; the SDK
//!   hands the text back. When the first Helm's render already fails (or is not YAML), Helm
//!   3's failure to render adds nothing, so only the first Helm's problem is reported.
//!
//! Not normalised, because a cluster would receive different objects: a template that reads
//! `.Capabilities.HelmVersion` (v3.17.2 against v4.2) renders differently and is reported.
//!
//! Differences found so far between the two (each has a failure test in BUILD.bazel):
//! - Helm 3 checks values.schema.json with gojsonschema, Helm 4 with santhosh-tekuri's
//!   jsonschema; their `format` checks differ (Helm 3 refuses a trailing-dot hostname).
//! - Helm 3 validates values against the schema after a round trip through yaml.v2, which
//!   writes DEL and the C1 control characters raw and then refuses to read them ("yaml:
//!   control characters are not allowed"): such a value cannot be installed with Helm 3.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;
use thiserror::Error;

use crate::helm::{lints_subcharts_alone, RenderOptions};
use crate::problem::{Kind, Problem};

/// Why Helm 3 could not be run at all (as opposed to what it found wrong with a chart).
#[derive(Debug, Error)]
pub enum Helm3Error {
    #[error("Helm 3 {binary}: could not be started: {source}")]
    Start { binary: PathBuf, source: io::Error },

    #[error("Helm 3 {binary}: `helm version --short` said {answer:?}, which is not Helm 3")]
    NotHelm3 { binary: PathBuf, answer: String },

    #[error("Helm 3 home {path}: {source}")]
    Home { path: PathBuf, source: io::Error },
}

/// The Helm 3 binary, with a home of its own (caches, config, data) for as long as it lives.
pub struct Helm3 {
    binary: PathBuf,
    version: String,
    home: tempfile::TempDir,
}

/// What Helm 3 said about one run: its lint findings, and its objects or why it could not
/// render.
pub struct Helm3Run {
    findings: Vec<String>,
    render: Result<Objects, String>,
}

/// Rendered objects by `Kind/name`, each with the template Helm 3 says it comes from.
type Objects = BTreeMap<String, (String, Value)>;

/// How many differing fields are listed per object before the rest are only counted.
const FIELDS_SHOWN: usize = 8;

impl Helm3 {
    /// Checks that `binary` is Helm 3 and gives it a home inside `scratch`.
    pub fn new(binary: &Path, scratch: &Path) -> Result<Helm3, Helm3Error> {
        let home = tempfile::Builder::new()
            .prefix("helm3-home")
            .tempdir_in(scratch)
            .map_err(|source| Helm3Error::Home { path: scratch.to_path_buf(), source })?;
        let mut helm3 = Helm3 { binary: binary.to_path_buf(), version: String::new(), home };
        let output = helm3.command(["version", "--short"]).output().map_err(|e| helm3.start_error(e))?;
        let answer = String::from_utf8_lossy(&output.stdout).trim().to_string();
        match answer.strip_prefix("v3.") {
            Some(_) if output.status.success() => {
                helm3.version = answer.split('+').next().unwrap_or(&answer).to_string();
                Ok(helm3)
            }
            _ => Err(Helm3Error::NotHelm3 { binary: binary.to_path_buf(), answer }),
        }
    }

    /// `Helm v3.17.2`, as problems name it.
    pub fn name(&self) -> String {
        format!("Helm {}", self.version)
    }

    /// Lints (`--strict`) and renders one run; both processes run at once.
    pub fn run(&self, chart: &Path, values: Option<&Path>, options: &RenderOptions) -> Result<Helm3Run, Helm3Error> {
        let mut lint = self.command(["lint", "--strict"]);
        // As with the first Helm: subcharts are linted on their own only with their defaults.
        if lints_subcharts_alone(values, options) {
            lint.arg("--with-subcharts");
        }
        let mut template = self.command(["template", options.release]);
        let lint = self.spawn(with_run_args(&mut lint, chart, values, options))?;
        let template = self.spawn(with_run_args(&mut template, chart, values, options))?;
        let lint = lint.wait_with_output().map_err(|e| self.start_error(e))?;
        let template = template.wait_with_output().map_err(|e| self.start_error(e))?;
        Ok(Helm3Run { findings: lint_findings(&lint), render: objects(&template) })
    }

    /// A `helm` command whose caches, config and data stay in this validator's home for it.
    fn command<const N: usize>(&self, args: [&str; N]) -> Command {
        let mut command = Command::new(&self.binary);
        command.args(args).env("HOME", self.home.path());
        for (variable, dir) in
            [("HELM_CACHE_HOME", "cache"), ("HELM_CONFIG_HOME", "config"), ("HELM_DATA_HOME", "data")]
        {
            command.env(variable, self.home.path().join(dir));
        }
        command
    }

    fn spawn(&self, command: &mut Command) -> Result<Child, Helm3Error> {
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        command.spawn().map_err(|e| self.start_error(e))
    }

    fn start_error(&self, source: io::Error) -> Helm3Error {
        Helm3Error::Start { binary: self.binary.clone(), source }
    }
}

/// The arguments lint and template share: the same values, release namespace and Kubernetes
/// version as the first Helm's run.
fn with_run_args<'c>(
    command: &'c mut Command,
    chart: &Path,
    values: Option<&Path>,
    options: &RenderOptions,
) -> &'c mut Command {
    command.args(["--namespace", options.namespace, "--kube-version", options.kube_version]);
    if let Some(values) = values {
        command.arg("--values").arg(values);
    }
    for expression in options.set {
        command.arg("--set").arg(expression);
    }
    command.arg(chart)
}

/// The findings of `helm lint --strict` (warnings and errors; a message may span lines).
/// A failed lint that printed no finding (it could not even load the chart) is one finding:
/// its error output.
fn lint_findings(output: &Output) -> Vec<String> {
    if output.status.success() {
        return Vec::new();
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut findings: Vec<String> = Vec::new();
    let mut in_finding = false;
    for line in stdout.lines() {
        if line.starts_with("[ERROR]") || line.starts_with("[WARNING]") {
            findings.push(line.to_string());
            in_finding = true;
        } else if line.starts_with('[') || line.starts_with("==>") || line.trim().is_empty() {
            in_finding = false;
        } else if let (true, Some(last)) = (in_finding, findings.last_mut()) {
            last.push('\n');
            last.push_str(line);
        }
    }
    if findings.is_empty() {
        findings.push(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    findings
}

/// The objects `helm template` printed, or its error output when it failed.
///
/// Helm splits what templates render into documents wherever a line starts with `---`
/// (releaseutil.SplitManifests) and prints each after `---` and a `# Source:` comment, so
/// splitting its output at line-leading `---` gives back exactly its documents, each read
/// once, with the template it came from.
fn objects(output: &Output) -> Result<Objects, String> {
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    let stream = String::from_utf8_lossy(&output.stdout);
    let mut objects = Objects::new();
    for document in stream.split("\n---") {
        let source = document.lines().find_map(|l| l.strip_prefix("# Source: ")).unwrap_or_default();
        let object: Value = serde_yaml_ng::from_str(document)
            .map_err(|e| format!("Helm 3 printed a document that is not YAML ({source}): {e}"))?;
        if !object.is_null() {
            objects.insert(crate::describe(&object), (source.to_string(), object));
        }
    }
    Ok(objects)
}

/// The problems of one run: Helm 3's lint findings, then how its render differs from the
/// first Helm's (`first` is None when that one could not render: see the module's notes).
pub fn problems(
    run: &Helm3Run,
    helm3: &str,
    first_name: &str,
    first: Option<&BTreeMap<String, Value>>,
) -> Vec<Problem> {
    let mut problems: Vec<Problem> =
        run.findings.iter().map(|f| Problem::new(Kind::Helm3("lint"), format!("{helm3}: {f}"))).collect();
    match (&run.render, first) {
        (Err(error), Some(_)) => problems.push(Problem::new(
            Kind::Helm3("render"),
            format!("{helm3} cannot render the chart, which {first_name} renders: {error}"),
        )),
        (Ok(_), None) | (Err(_), None) => {}
        (Ok(objects), Some(first)) => {
            let found = compare(objects, first);
            problems
                .extend(found.iter().map(|d| Problem::new(Kind::Helm3("difference"), d.describe(helm3, first_name))));
        }
    }
    problems
}

/// One object on which the two renders disagree.
#[derive(Debug, PartialEq)]
pub struct Difference {
    /// `Kind/name`.
    object: String,
    /// The template Helm 3 rendered it from (empty when only the first Helm rendered it).
    template: String,
    /// Where they differ: each field's JSON pointer with Helm 3's and the first Helm's value
    /// (None: absent); empty when one of the two does not render the object at all.
    fields: Vec<(String, Option<Value>, Option<Value>)>,
    /// Which Helm renders the object, when only one does: true for Helm 3.
    only_helm3: Option<bool>,
}

impl Difference {
    fn describe(&self, helm3: &str, first: &str) -> String {
        let object = &self.object;
        let from = if self.template.is_empty() { String::new() } else { format!(" ({})", self.template) };
        match self.only_helm3 {
            Some(true) => return format!("{object}{from} is rendered by {helm3} but not by {first}"),
            Some(false) => return format!("{object} is rendered by {first} but not by {helm3}"),
            None => {}
        }
        let show = |value: &Option<Value>| value.as_ref().map_or("nothing (absent)".to_string(), Value::to_string);
        let mut text = format!("{object}{from} is rendered differently by {helm3} and {first}:");
        for (field, ours, theirs) in self.fields.iter().take(FIELDS_SHOWN) {
            text.push_str(&format!("\n{field}: {helm3} renders {}, {first} renders {}", show(ours), show(theirs)));
        }
        if self.fields.len() > FIELDS_SHOWN {
            text.push_str(&format!("\nand {} more field(s)", self.fields.len() - FIELDS_SHOWN));
        }
        text
    }
}

/// Every object rendered by only one of the two, and every field whose value differs.
fn compare(helm3: &Objects, first: &BTreeMap<String, Value>) -> Vec<Difference> {
    let mut differences = Vec::new();
    for (key, (template, object)) in helm3 {
        let difference =
            |fields, only_helm3| Difference { object: key.clone(), template: template.clone(), fields, only_helm3 };
        match first.get(key) {
            None => differences.push(difference(Vec::new(), Some(true))),
            Some(theirs) => {
                let mut fields = Vec::new();
                differing_fields(String::new(), Some(object), Some(theirs), &mut fields);
                if !fields.is_empty() {
                    differences.push(difference(fields, None));
                }
            }
        }
    }
    differences.extend(first.keys().filter(|key| !helm3.contains_key(*key)).map(|key| Difference {
        object: key.clone(),
        template: String::new(),
        fields: Vec::new(),
        only_helm3: Some(false),
    }));
    differences
}

/// Collects, depth first, the JSON pointer of every leaf where `ours` and `theirs` differ.
fn differing_fields(
    at: String,
    ours: Option<&Value>,
    theirs: Option<&Value>,
    found: &mut Vec<(String, Option<Value>, Option<Value>)>,
) {
    match (ours, theirs) {
        (Some(Value::Object(ours)), Some(Value::Object(theirs))) => {
            let mut keys: Vec<&String> = ours.keys().chain(theirs.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                differing_fields(format!("{at}/{}", escape(key)), ours.get(key), theirs.get(key), found);
            }
        }
        (Some(Value::Array(ours)), Some(Value::Array(theirs))) => {
            for index in 0..ours.len().max(theirs.len()) {
                differing_fields(format!("{at}/{index}"), ours.get(index), theirs.get(index), found);
            }
        }
        (ours, theirs) if ours != theirs => found.push((at, ours.cloned(), theirs.cloned())),
        _ => {}
    }
}

/// A key as a JSON pointer segment (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Whether the first Helm's render failed (or gave no YAML): then there is nothing to compare.
pub fn first_rendered(render_problems: &[Problem]) -> bool {
    !render_problems.iter().any(|p| matches!(p.kind, Kind::Render | Kind::ValuesSchema | Kind::Yaml))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn helm3_objects(objects: &[Value]) -> Objects {
        objects.iter().map(|o| (crate::describe(o), ("chart/templates/x.yaml".to_string(), o.clone()))).collect()
    }

    fn first_objects(objects: &[Value]) -> BTreeMap<String, Value> {
        objects.iter().map(|o| (crate::describe(o), o.clone())).collect()
    }

    fn deployment(replicas: Value) -> Value {
        json!({"kind": "Deployment", "metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"}},
               "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": "web", "args": ["a"]}]}}}})
    }

    #[test]
    fn equal_renders_have_no_difference() {
        let service = json!({"kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}});
        let objects = [deployment(json!(2)), service];
        assert_eq!(compare(&helm3_objects(&objects), &first_objects(&objects)), []);
    }

    #[test]
    fn a_differing_field_is_named_with_both_values() {
        let found = compare(&helm3_objects(&[deployment(json!(3))]), &first_objects(&[deployment(json!(2))]));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].describe("Helm v3.17.2", "Helm Go SDK v4.2.3"),
            "Deployment/web (chart/templates/x.yaml) is rendered differently by Helm v3.17.2 and Helm Go SDK \
             v4.2.3:\n/spec/replicas: Helm v3.17.2 renders 3, Helm Go SDK v4.2.3 renders 2"
        );
    }

    #[test]
    fn absent_fields_list_items_and_escaped_keys_are_named() {
        let mut ours = deployment(json!(2));
        let mut theirs = deployment(json!(2));
        ours["metadata"]["labels"]["a/b~c"] = json!("x");
        theirs["spec"]["template"]["spec"]["containers"][0]["args"] = json!(["a", "b"]);
        let found = compare(&helm3_objects(&[ours]), &first_objects(&[theirs]));
        let fields: Vec<_> = found[0].fields.iter().map(|(f, o, t)| (f.as_str(), o.clone(), t.clone())).collect();
        assert_eq!(
            fields,
            [
                ("/metadata/labels/a~1b~0c", Some(json!("x")), None),
                ("/spec/template/spec/containers/0/args/1", None, Some(json!("b"))),
            ]
        );
        assert!(found[0].describe("H3", "H4").contains("args/1: H3 renders nothing (absent), H4 renders \"b\""));
    }

    #[test]
    fn an_object_only_one_helm_renders_is_named() {
        let config = [json!({"kind": "ConfigMap", "metadata": {"name": "extra"}})];
        let found = compare(&helm3_objects(&config), &first_objects(&[deployment(json!(2))]));
        let texts: Vec<String> = found.iter().map(|d| d.describe("H3", "H4")).collect();
        assert_eq!(
            texts,
            [
                "ConfigMap/extra (chart/templates/x.yaml) is rendered by H3 but not by H4",
                "Deployment/web is rendered by H4 but not by H3",
            ]
        );
    }

    #[test]
    fn problems_name_helm3_and_skip_what_the_first_helm_already_failed() {
        let run = Helm3Run { findings: vec!["[ERROR] Chart.yaml: bad".into()], render: Err("boom".into()) };
        let first = first_objects(&[deployment(json!(2))]);
        let texts: Vec<String> = problems(&run, "H3", "H4", Some(&first)).iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            [
                "helm3:lint: H3: [ERROR] Chart.yaml: bad",
                "helm3:render: H3 cannot render the chart, which H4 renders: boom"
            ]
        );
        assert_eq!(problems(&run, "H3", "H4", None).len(), 1);
        let rendered = Helm3Run { findings: Vec::new(), render: Ok(helm3_objects(&[deployment(json!(2))])) };
        assert_eq!(problems(&rendered, "H3", "H4", Some(&first)), []);
    }

    #[test]
    fn lint_findings_keep_continuation_lines_and_drop_info() {
        let output = |code: i32, stdout: &str, stderr: &str| Output {
            status: std::os::unix::process::ExitStatusExt::from_raw(code << 8),
            stdout: stdout.as_bytes().to_vec(),
            stderr: stderr.as_bytes().to_vec(),
        };
        let stdout = "==> Linting c\n[INFO] Chart.yaml: icon is recommended\n[ERROR] values.yaml: - at '/a':\n  got string\n[WARNING] templates/: w\n\nError: 1 chart(s) linted, 1 chart(s) failed\n";
        assert_eq!(
            lint_findings(&output(1, stdout, "")),
            ["[ERROR] values.yaml: - at '/a':\n  got string", "[WARNING] templates/: w"]
        );
        assert_eq!(lint_findings(&output(0, "[INFO] Chart.yaml: icon is recommended\n", "")), Vec::<String>::new());
        assert_eq!(lint_findings(&output(1, "", "Error: unable to load chart\n")), ["Error: unable to load chart"]);
    }

    #[test]
    fn template_output_is_parsed_into_objects_with_their_templates() {
        let stdout = "---\n# Source: c/templates/a.yaml\nkind: A\nmetadata:\n  name: x\n---\n# Source: c/templates/empty.yaml\n# only a comment\n---\n# Source: c/templates/b.yaml\n# a comment\nkind: B\nmetadata:\n  name: y\n";
        let output = Output {
            status: std::os::unix::process::ExitStatusExt::from_raw(0),
            stdout: stdout.as_bytes().to_vec(),
            stderr: Vec::new(),
        };
        let objects = objects(&output).unwrap();
        assert_eq!(objects.len(), 2);
        assert_eq!(objects["A/x"].0, "c/templates/a.yaml");
        assert_eq!(objects["B/y"], ("c/templates/b.yaml".to_string(), json!({"kind": "B", "metadata": {"name": "y"}})));
    }

    fn exited(code: i32, stdout: &str, stderr: &str) -> Output {
        Output {
            status: std::os::unix::process::ExitStatusExt::from_raw(code << 8),
            stdout: stdout.as_bytes().to_vec(),
            stderr: stderr.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_binary_that_is_not_helm_3_or_does_not_start_is_refused() {
        let scratch = tempfile::tempdir().unwrap();
        // `echo version --short` answers, but not with a Helm 3 version.
        let error = Helm3::new(Path::new("/bin/echo"), scratch.path()).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(error, "Helm 3 /bin/echo: `helm version --short` said \"version --short\", which is not Helm 3");
        let missing = scratch.path().join("no-helm");
        let error = Helm3::new(&missing, scratch.path()).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.starts_with(&format!("Helm 3 {}: could not be started: ", missing.display())), "{error}");
        let error = Helm3::new(Path::new("/bin/echo"), &missing).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.starts_with(&format!("Helm 3 home {}: ", missing.display())), "{error}");
    }

    #[test]
    fn lint_and_template_get_the_runs_values_set_expressions_namespace_and_version() {
        let set = ["a=1".to_string(), "b=2".to_string()];
        let options = RenderOptions { release: "r", namespace: "team", kube_version: "1.29.0", set: &set };
        let mut command = Command::new("helm");
        with_run_args(&mut command, Path::new("chart"), Some(Path::new("values-prod.yaml")), &options);
        let args: Vec<_> = command.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        assert_eq!(
            args,
            [
                "--namespace",
                "team",
                "--kube-version",
                "1.29.0",
                "--values",
                "values-prod.yaml",
                "--set",
                "a=1",
                "--set",
                "b=2",
                "chart"
            ]
        );
        let options = RenderOptions { set: &[], ..options };
        let mut command = Command::new("helm");
        with_run_args(&mut command, Path::new("chart"), None, &options);
        assert_eq!(command.get_args().count(), 5);
    }

    #[test]
    fn helm3_runs_in_a_home_of_its_own() {
        let scratch = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir_in(scratch.path()).unwrap();
        let home_path = home.path().to_path_buf();
        let helm3 = Helm3 { binary: "helm".into(), version: "v3.17.2".into(), home };
        assert_eq!(helm3.name(), "Helm v3.17.2");
        let command = helm3.command(["version"]);
        let envs: BTreeMap<String, String> = command
            .get_envs()
            .map(|(k, v)| (k.to_string_lossy().into_owned(), v.unwrap().to_string_lossy().into_owned()))
            .collect();
        let under = |dir: &str| home_path.join(dir).display().to_string();
        assert_eq!(envs["HOME"], home_path.display().to_string());
        assert_eq!(envs["HELM_CACHE_HOME"], under("cache"));
        assert_eq!(envs["HELM_CONFIG_HOME"], under("config"));
        assert_eq!(envs["HELM_DATA_HOME"], under("data"));
    }

    #[test]
    fn info_lines_and_section_headers_end_a_findings_continuation() {
        let stdout =
            "[ERROR] a: one\n  more\n[INFO] b: two\n  not part of a\n==> Linting\n  nor this\n[WARNING] c: three\n";
        assert_eq!(lint_findings(&exited(1, stdout, "ignored")), ["[ERROR] a: one\n  more", "[WARNING] c: three"]);
        let blank = "[ERROR] a: one\n\n  after a blank line\n";
        assert_eq!(lint_findings(&exited(1, blank, "")), ["[ERROR] a: one"]);
    }

    #[test]
    fn a_failed_or_unreadable_template_output_is_the_error() {
        assert_eq!(objects(&exited(1, "kind: A\n", "  Error: boom\n")), Err("Error: boom".to_string()));
        let error = objects(&exited(0, "---\n# Source: c/templates/a.yaml\nkind: [A\n", "")).unwrap_err();
        assert!(error.starts_with("Helm 3 printed a document that is not YAML (c/templates/a.yaml): "), "{error}");
    }

    #[test]
    fn renders_are_compared_only_when_both_helms_render() {
        let first = first_objects(&[deployment(json!(2))]);
        let other = Helm3Run { findings: Vec::new(), render: Ok(helm3_objects(&[deployment(json!(3))])) };
        assert_eq!(problems(&other, "H3", "H4", None), []);
        let texts: Vec<String> = problems(&other, "H3", "H4", Some(&first)).iter().map(ToString::to_string).collect();
        assert_eq!(texts.len(), 1);
        assert!(
            texts[0].starts_with("helm3:difference: Deployment/web (chart/templates/x.yaml) is rendered"),
            "{texts:?}"
        );
    }

    #[test]
    fn at_most_eight_fields_are_listed_and_the_rest_counted() {
        let with = |n: usize, value: i32| {
            let labels: serde_json::Map<String, Value> = (0..n).map(|i| (format!("l{i}"), json!(value))).collect();
            json!({"kind": "ConfigMap", "metadata": {"name": "c", "labels": labels}})
        };
        let described = |n: usize| {
            let found = compare(&helm3_objects(&[with(n, 1)]), &first_objects(&[with(n, 2)]));
            found[0].describe("H3", "H4")
        };
        let eight = described(8);
        assert_eq!(eight.lines().count(), 9, "{eight}");
        assert!(!eight.contains("more field(s)"), "{eight}");
        let ten = described(10);
        assert_eq!(ten.lines().count(), 10, "{ten}");
        assert!(ten.ends_with("\nand 2 more field(s)"), "{ten}");
    }

    #[test]
    fn only_a_failed_render_or_unreadable_yaml_stops_the_comparison() {
        for kind in [Kind::Render, Kind::ValuesSchema, Kind::Yaml] {
            assert!(!first_rendered(&[Problem::new(Kind::Lint, "x"), Problem::new(kind, "y")]), "{kind}");
        }
        assert!(first_rendered(&[Problem::new(Kind::KubernetesSchema, "x"), Problem::new(Kind::Duplicate, "y")]));
        assert!(first_rendered(&[]));
    }
}
