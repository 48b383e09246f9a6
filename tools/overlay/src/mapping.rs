//! From recommendation keys to values paths: a mapping file (seed 000's
//! `RECOMMENDATION_TO_HELM`), and the built-in keys every chart composed here understands.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use crate::convert::Conversion;
use crate::error::OverlayError;
use crate::paths::ValuesPath;
use crate::strict_json;

/// The one `apiVersion` of mapping files.
pub const API_VERSION: &str = "autotuning.helm-composer.dev/v1";
/// The one `kind`.
pub const KIND: &str = "ValuesMapping";

/// Chart.yaml annotation that marks a chart composed here, listing its apps as `name:type`.
pub const APPS_ANNOTATION: &str = "helm-composer/apps";

/// A mapping file: recommendation key to the values it sets.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "ValuesMapping")]
pub struct MappingFile {
    /// Format version: "autotuning.helm-composer.dev/v1".
    pub api_version: String,
    /// Always "ValuesMapping".
    pub kind: String,
    /// Recommendation key (e.g. "spark.executor.memory") to the values it sets, one or more.
    pub mappings: BTreeMap<String, Vec<TargetSpec>>,
}

/// One value a recommendation sets.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    /// Values path: segments separated by dots, a segment with dots in double quotes, `[N]`
    /// for a list item: `apps.sparkConnect.config.data."spark.sql.shuffle.partitions"`.
    pub path: String,
    /// How the recommended value is converted for this path; unset: none.
    #[serde(default)]
    pub convert: Conversion,
}

/// One resolved value a recommendation sets.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub path: ValuesPath,
    pub convert: Conversion,
}

/// The mapping in force: a file's entries first, then the built-in keys of a composed chart.
pub struct Mapping {
    file: BTreeMap<String, Vec<Target>>,
    /// The mapping file's path, for messages.
    file_path: Option<PathBuf>,
    /// App name to its values key (`spark-connect` -> `sparkConnect`), for a composed chart.
    apps: Option<BTreeMap<String, String>>,
}

impl Mapping {
    /// Reads the mapping file (if any); `apps_annotation` is the chart's
    /// `helm-composer/apps` annotation, present only on charts composed here.
    pub fn new(file: Option<&Path>, apps_annotation: Option<&str>) -> Result<Mapping, OverlayError> {
        let file_path = file;
        let file = match file {
            Some(path) => read_file(path)?,
            None => BTreeMap::new(),
        };
        let apps = apps_annotation.map(|annotation| {
            annotation
                .split(',')
                .filter_map(|pair| pair.split_once(':').map(|(name, _)| name.trim()))
                .filter(|name| !name.is_empty())
                .map(|name| (name.to_string(), lower_camel_case(name)))
                .collect()
        });
        Ok(Mapping { file, file_path: file_path.map(Path::to_path_buf), apps })
    }

    /// The values `key` sets. `values` are the chart's effective values (to find a KEDA
    /// trigger by name).
    pub fn resolve(&self, key: &str, values: &Value) -> Result<Vec<Target>, OverlayError> {
        if let Some(targets) = self.file.get(key) {
            return Ok(targets.clone());
        }
        let unmapped = |message: String| OverlayError::Unmapped { key: key.to_string(), message };
        let Some(apps) = &self.apps else {
            return Err(unmapped(match &self.file_path {
                Some(path) => format!(
                    "the mapping file {} has no entry for it (add one), and the chart was not composed by \
                     helm-composer, so it has no built-in keys",
                    path.display()
                ),
                None => {
                    "the chart was not composed by helm-composer, so only a mapping file (--mapping) can map it".into()
                }
            }));
        };
        builtin(key, apps, values).map_err(unmapped)
    }
}

fn read_file(path: &Path) -> Result<BTreeMap<String, Vec<Target>>, OverlayError> {
    let file: MappingFile = strict_json::read(path, "mapping")?;
    let invalid =
        |key: &str, message: String| OverlayError::Mapping { path: PathBuf::from(path), key: key.into(), message };
    if file.api_version != API_VERSION {
        return Err(invalid("apiVersion", format!("is {:?}; this generator reads {API_VERSION:?}", file.api_version)));
    }
    if file.kind != KIND {
        return Err(invalid("kind", format!("is {:?}; must be {KIND:?}", file.kind)));
    }
    let mut mappings = BTreeMap::new();
    for (key, specs) in file.mappings {
        if specs.is_empty() {
            return Err(invalid(&key, "maps to no path".into()));
        }
        let mut targets = Vec::new();
        for spec in specs {
            let parsed = spec.path.parse().map_err(|e| invalid(&key, format!("path {:?}: {e}", spec.path)))?;
            targets.push(Target { path: parsed, convert: spec.convert });
        }
        mappings.insert(key, targets);
    }
    Ok(mappings)
}

/// lowerCamelCase of a dashed app name, as the composer writes values keys
/// (tools/helm/src/checks.rs `lower_camel_case`); the chart's values are checked to hold it.
fn lower_camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = false;
    for c in name.chars() {
        if c == '-' {
            upper_next = true;
        } else if upper_next {
            out.push(c.to_ascii_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The built-in keys: `<app>.<setting>`, `<app>` an app of the chart by its name.
pub const BUILTIN_KEYS: &[(&str, &str, Conversion)] = &[
    ("replicas", "replicas", Conversion::Integer),
    ("cpu.request", "resources.requests.cpu", Conversion::Cpu),
    ("cpu.limit", "resources.limits.cpu", Conversion::Cpu),
    ("memory.request", "resources.requests.memory", Conversion::Memory),
    ("memory.limit", "resources.limits.memory", Conversion::Memory),
    ("ephemeral-storage.request", "resources.requests.ephemeral-storage", Conversion::Memory),
    ("ephemeral-storage.limit", "resources.limits.ephemeral-storage", Conversion::Memory),
    ("autoscaling.min-replicas", "autoscaling.minReplicas", Conversion::Integer),
    ("autoscaling.max-replicas", "autoscaling.maxReplicas", Conversion::Integer),
    ("autoscaling.target-cpu-utilization", "autoscaling.targetCPUUtilizationPercentage", Conversion::Integer),
    ("autoscaling.target-memory-utilization", "autoscaling.targetMemoryUtilizationPercentage", Conversion::Integer),
    ("keda.min-replicas", "keda.minReplicaCount", Conversion::Integer),
    ("keda.max-replicas", "keda.maxReplicaCount", Conversion::Integer),
    ("keda.polling-interval", "keda.pollingInterval", Conversion::Integer),
    ("keda.cooldown-period", "keda.cooldownPeriod", Conversion::Integer),
];

const BUILTIN_HELP: &str = "use a built-in key <app>.<setting> (replicas, cpu.request, cpu.limit, memory.request, \
                            memory.limit, ephemeral-storage.request, ephemeral-storage.limit, autoscaling.min-replicas, \
                            autoscaling.max-replicas, autoscaling.target-cpu-utilization, \
                            autoscaling.target-memory-utilization, keda.min-replicas, keda.max-replicas, \
                            keda.polling-interval, keda.cooldown-period, keda.trigger.<name or index>.<metadata key>, \
                            env.<NAME>, config.<KEY>) or map it in a mapping file (--mapping)";

fn builtin(key: &str, apps: &BTreeMap<String, String>, values: &Value) -> Result<Vec<Target>, String> {
    let Some((app, setting)) = key.split_once('.') else {
        return Err(format!("it is not <app>.<setting>; {BUILTIN_HELP}"));
    };
    let Some(values_key) = apps.get(app) else {
        let names: Vec<&str> = apps.keys().map(String::as_str).collect();
        return Err(format!("{app:?} is not an app of the chart (apps: {}); {BUILTIN_HELP}", names.join(", ")));
    };
    let base = ValuesPath::from_keys(["apps", values_key]);
    let target = |relative: &str, convert| {
        let mut path = base.clone();
        for segment in relative.split('.') {
            path = path.child(segment);
        }
        Target { path, convert }
    };
    if let Some((_, relative, convert)) = BUILTIN_KEYS.iter().find(|(name, _, _)| *name == setting) {
        return Ok(vec![target(relative, *convert)]);
    }
    if let Some(name) = setting.strip_prefix("env.") {
        check_key(name, true)?;
        return Ok(vec![Target { path: base.child("env").child(name), convert: Conversion::String }]);
    }
    if let Some(data_key) = setting.strip_prefix("config.") {
        check_key(data_key, false)?;
        return Ok(vec![Target {
            path: base.child("config").child("data").child(data_key),
            convert: Conversion::String,
        }]);
    }
    if let Some(rest) = setting.strip_prefix("keda.trigger.") {
        return keda_trigger(&base, rest, values).map(|path| vec![Target { path, convert: Conversion::String }]);
    }
    Err(format!("{setting:?} is not a built-in setting; {BUILTIN_HELP}"))
}

/// The grammar the composer checks (tools/helm/src/checks.rs): an environment variable name
/// `[-._a-zA-Z][-._a-zA-Z0-9]*`, a ConfigMap key `[-._a-zA-Z0-9]+`; at most 253, never `.`
/// or `..`. Values schemas leave these keys open, so the check is here.
fn check_key(key: &str, env: bool) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._".contains(c);
    let first_ok = key.chars().next().is_some_and(|c| allowed(c) && !(env && c.is_ascii_digit()));
    if key.len() <= 253 && first_ok && key.chars().all(allowed) && key != "." && key != ".." {
        return Ok(());
    }
    Err(if env {
        format!("{key:?} is not an environment variable name ([-._a-zA-Z][-._a-zA-Z0-9]*)")
    } else {
        format!("{key:?} is not a ConfigMap key ([-._a-zA-Z0-9]+)")
    })
}

/// `<name or index>.<metadata key>` of a KEDA trigger: its `metadata` entry.
fn keda_trigger(base: &ValuesPath, rest: &str, values: &Value) -> Result<ValuesPath, String> {
    let Some((trigger, metadata_key)) = rest.split_once('.').filter(|(t, k)| !t.is_empty() && !k.is_empty()) else {
        return Err("a KEDA trigger key is keda.trigger.<name or index>.<metadata key>".into());
    };
    let triggers_path = base.child("keda").child("triggers");
    let triggers = crate::paths::get(values, &triggers_path).and_then(Value::as_array);
    let Some(triggers) = triggers.filter(|t| !t.is_empty()) else {
        return Err(format!("the chart has no KEDA triggers at {triggers_path}"));
    };
    let by_name = triggers.iter().position(|t| t.get("name").and_then(Value::as_str) == Some(trigger));
    let index = by_name.or_else(|| trigger.parse().ok().filter(|i| *i < triggers.len()));
    let Some(index) = index else {
        return Err(format!("no KEDA trigger named or numbered {trigger:?} at {triggers_path}"));
    };
    let path = format!("{triggers_path}[{index}].metadata");
    let path: ValuesPath = path.parse().map_err(|e| format!("internal path {path:?}: {e}"))?;
    Ok(path.child(metadata_key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn composed() -> Mapping {
        Mapping::new(None, Some("spark-connect:internal-api,spark-executor:worker")).unwrap()
    }

    fn paths(mapping: &Mapping, key: &str, values: &Value) -> Result<Vec<String>, String> {
        mapping
            .resolve(key, values)
            .map(|targets| targets.iter().map(|t| t.path.to_string()).collect())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn builtin_keys_of_a_composed_chart() {
        let mapping = composed();
        let none = json!({});
        assert_eq!(paths(&mapping, "spark-executor.replicas", &none), Ok(vec!["apps.sparkExecutor.replicas".into()]));
        assert_eq!(
            paths(&mapping, "spark-executor.memory.limit", &none),
            Ok(vec!["apps.sparkExecutor.resources.limits.memory".into()])
        );
        assert_eq!(
            paths(&mapping, "spark-connect.config.spark.sql.shuffle.partitions", &none),
            Ok(vec![r#"apps.sparkConnect.config.data."spark.sql.shuffle.partitions""#.into()])
        );
        assert_eq!(
            paths(&mapping, "spark-connect.env.JAVA_OPTS", &none),
            Ok(vec!["apps.sparkConnect.env.JAVA_OPTS".into()])
        );
        assert!(paths(&mapping, "spark-connect.env.1X", &none)
            .unwrap_err()
            .ends_with("\"1X\" is not an environment variable name ([-._a-zA-Z][-._a-zA-Z0-9]*)"));
        assert!(paths(&mapping, "spark-connect.config.a b", &none)
            .unwrap_err()
            .ends_with("\"a b\" is not a ConfigMap key ([-._a-zA-Z0-9]+)"));
        assert!(paths(&mapping, "spark-connect.config.", &none).is_err());
    }

    #[test]
    fn keda_triggers_by_name_or_index() {
        let mapping = composed();
        let values = json!({"apps": {"sparkExecutor": {"keda": {"triggers": [
            {"type": "cron", "metadata": {}}, {"type": "rabbitmq", "name": "queue", "metadata": {"value": "50"}}
        ]}}}});
        let by_name = "spark-executor.keda.trigger.queue.value";
        assert_eq!(
            paths(&mapping, by_name, &values),
            Ok(vec!["apps.sparkExecutor.keda.triggers[1].metadata.value".into()])
        );
        let by_index = "spark-executor.keda.trigger.0.desiredReplicas";
        assert_eq!(
            paths(&mapping, by_index, &values),
            Ok(vec!["apps.sparkExecutor.keda.triggers[0].metadata.desiredReplicas".into()])
        );
        assert!(paths(&mapping, "spark-executor.keda.trigger.nope.value", &values)
            .unwrap_err()
            .ends_with("no KEDA trigger named or numbered \"nope\" at apps.sparkExecutor.keda.triggers"));
    }

    #[test]
    fn unknown_keys_say_what_would_work() {
        let mapping = composed();
        let error = paths(&mapping, "spark.executor.memory", &json!({})).unwrap_err();
        assert!(
            error.starts_with(
                "recommendation \"spark.executor.memory\" has no mapping to a values path: \"spark\" is not an app of \
                 the chart (apps: spark-connect, spark-executor); use a built-in key"
            ),
            "{error}"
        );
        let plain = Mapping::new(None, None).unwrap();
        assert_eq!(
            paths(&plain, "replicas", &json!({})).unwrap_err(),
            "recommendation \"replicas\" has no mapping to a values path: the chart was not composed by helm-composer, \
             so only a mapping file (--mapping) can map it"
        );
    }

    #[test]
    fn camel_case_matches_the_composer() {
        assert_eq!(lower_camel_case("worker-dal-api"), "workerDalApi");
        assert_eq!(lower_camel_case("api"), "api");
    }

    fn mapping_file(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mapping.json");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn a_mapping_file_comes_before_the_built_in_keys() {
        let (_dir, path) = mapping_file(
            r#"{"apiVersion": "autotuning.helm-composer.dev/v1", "kind": "ValuesMapping", "mappings": {
                "spark.executor.memory": [{"path": "apps.sparkExecutor.resources.limits.memory", "convert": "memory"},
                                          {"path": "apps.sparkExecutor.config.data.\"spark.executor.memory\""}],
                "spark-executor.replicas": [{"path": "apps.sparkExecutor.keda.minReplicaCount", "convert": "integer"}]}}"#,
        );
        let mapping = Mapping::new(Some(&path), Some("spark-executor:worker")).unwrap();
        let targets = mapping.resolve("spark.executor.memory", &json!({})).unwrap();
        let shown: Vec<(String, Conversion)> = targets.iter().map(|t| (t.path.to_string(), t.convert)).collect();
        assert_eq!(
            shown,
            [
                ("apps.sparkExecutor.resources.limits.memory".to_string(), Conversion::Memory),
                (r#"apps.sparkExecutor.config.data."spark.executor.memory""#.to_string(), Conversion::None),
            ]
        );
        assert_eq!(
            paths(&mapping, "spark-executor.replicas", &json!({})),
            Ok(vec!["apps.sparkExecutor.keda.minReplicaCount".into()]),
            "the file's entry wins over the built-in key"
        );
        assert_eq!(
            paths(&mapping, "spark-executor.cpu.request", &json!({})),
            Ok(vec!["apps.sparkExecutor.resources.requests.cpu".into()])
        );
        let plain = Mapping::new(Some(&path), None).unwrap();
        assert_eq!(
            paths(&plain, "other", &json!({})).unwrap_err(),
            format!(
                "recommendation \"other\" has no mapping to a values path: the mapping file {} has no entry for it (add \
                 one), and the chart was not composed by helm-composer, so it has no built-in keys",
                path.display()
            )
        );
    }

    #[test]
    fn a_bad_mapping_file_names_the_key() {
        let error = |text: &str| {
            let (_dir, path) = mapping_file(text);
            let message = Mapping::new(Some(&path), None).err().unwrap().to_string();
            message.strip_prefix(&format!("{}: ", path.display())).unwrap().to_string()
        };
        let header = r#""apiVersion": "autotuning.helm-composer.dev/v1", "kind": "ValuesMapping""#;
        assert_eq!(
            error(r#"{"apiVersion": "v2", "kind": "ValuesMapping", "mappings": {}}"#),
            "the mapping is not valid: `apiVersion`: is \"v2\"; this generator reads \"autotuning.helm-composer.dev/v1\""
        );
        assert_eq!(
            error(r#"{"apiVersion": "autotuning.helm-composer.dev/v1", "kind": "Mapping", "mappings": {}}"#),
            "the mapping is not valid: `kind`: is \"Mapping\"; must be \"ValuesMapping\""
        );
        assert_eq!(
            error(&format!(r#"{{{header}, "mappings": {{"k": []}}}}"#)),
            "the mapping is not valid: `k`: maps to no path"
        );
        assert_eq!(
            error(&format!(r#"{{{header}, "mappings": {{"k": [{{"path": "a..b"}}]}}}}"#)),
            "the mapping is not valid: `k`: path \"a..b\": expected a key at byte 2, found '.'"
        );
    }

    #[test]
    fn keys_stop_at_253_bytes() {
        let mapping = composed();
        let key = |name: String| paths(&mapping, &format!("spark-connect.config.{name}"), &json!({}));
        assert!(key("k".repeat(253)).is_ok());
        assert!(key("k".repeat(254)).unwrap_err().ends_with("is not a ConfigMap key ([-._a-zA-Z0-9]+)"));
        assert!(key("1.x".into()).is_ok(), "a ConfigMap key may start with a digit");
        assert!(key("..".into()).is_err());
        assert!(paths(&mapping, "spark-connect.env.", &json!({})).is_err());
    }

    #[test]
    fn a_keda_trigger_key_needs_both_parts_and_a_trigger_in_range() {
        let mapping = composed();
        let values = json!({"apps": {"sparkExecutor": {"keda": {"triggers": [{"name": "a"}, {"name": "queue"}]}}}});
        let error = |key: &str| paths(&mapping, key, &values).unwrap_err();
        assert!(error("spark-executor.keda.trigger.queue.")
            .ends_with("a KEDA trigger key is keda.trigger.<name or index>.<metadata key>"));
        assert!(error("spark-executor.keda.trigger..value")
            .ends_with("a KEDA trigger key is keda.trigger.<name or index>.<metadata key>"));
        assert!(error("spark-executor.keda.trigger.2.value")
            .ends_with("no KEDA trigger named or numbered \"2\" at apps.sparkExecutor.keda.triggers"));
        assert_eq!(
            paths(&mapping, "spark-executor.keda.trigger.1.value", &values),
            Ok(vec!["apps.sparkExecutor.keda.triggers[1].metadata.value".into()])
        );
        assert!(paths(
            &mapping,
            "spark-executor.keda.trigger.0.value",
            &json!({"apps": {"sparkExecutor": {"keda": {"triggers": []}}}})
        )
        .unwrap_err()
        .ends_with("the chart has no KEDA triggers at apps.sparkExecutor.keda.triggers"));
    }
}
