//! `composer overlay` end to end: the real binary, the real Helm (libhelm_c.so), the
//! composed Spark Connect demo chart and a hand-written chart with a values schema.
//!
//! Run with `tools/bazel test //tools/overlay:cli_test`, which hands over COMPOSER,
//! HELM_C_LIBRARY and SPARK_CHART.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use helm_sdk::{Chart, HelmSdk, RenderOptions};
use serde_json::{json, Value};
use values_overlay::diff;

const NYC_TAXI: &str = "demo/spark_connect/autotuning/nyc-taxi-etl.recommendations.json";
const SPARK_MAPPING: &str = "demo/spark_connect/autotuning/spark-mapping.json";
const BAD: &str = "tools/overlay/testdata/bad";
const PLAIN_CHART: &str = "tools/overlay/testdata/plain-chart";

/// A repository file: under Bazel the test starts at the runfiles root, under cargo in
/// tools/overlay.
fn repo(path: &str) -> String {
    if Path::new(path).exists() {
        path.to_string()
    } else {
        format!("../../{path}")
    }
}

fn given(variable: &str) -> PathBuf {
    match std::env::var_os(variable) {
        Some(value) => PathBuf::from(value),
        None => panic!("{variable} is not set: run `tools/bazel test //tools/overlay:cli_test`"),
    }
}

fn spark_chart() -> PathBuf {
    given("SPARK_CHART")
}

struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

fn composer(args: &[&str]) -> Run {
    let output = Command::new(given("COMPOSER"))
        .arg("overlay")
        .args(["--helm-library", given("HELM_C_LIBRARY").to_str().expect("utf-8 path")])
        .args(args)
        .output()
        .expect("run the composer");
    Run {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Generates for `chart` into a fresh directory; returns it and the run.
fn generate(recommendations: &str, chart: &Path, extra: &[&str]) -> (tempfile::TempDir, Run) {
    let out = tempfile::tempdir().expect("tempdir");
    let recommendations = repo(recommendations);
    let recommendations = recommendations.as_str();
    let extra: Vec<String> = extra.iter().map(|a| if a.ends_with(".json") { repo(a) } else { a.to_string() }).collect();
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let chart = chart.to_str().expect("utf-8 path");
    let chart_path = if chart.starts_with('/') { chart.to_string() } else { repo(chart) };
    let chart = chart_path.as_str();
    let out_dir = out.path().to_str().expect("utf-8 path").to_string();
    let mut args = vec!["--recommendations-file", recommendations, "--chart", chart, "--output-dir", &out_dir];
    args.extend_from_slice(&extra);
    let run = composer(&args);
    (out, run)
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn sdk() -> HelmSdk {
    HelmSdk::load(&given("HELM_C_LIBRARY")).expect("load libhelm_c.so")
}

fn render(sdk: &HelmSdk, chart: &Path, values: Option<&Value>) -> BTreeMap<String, Value> {
    let options = RenderOptions { name: Some("release-name".into()), is_install: true, ..RenderOptions::default() };
    let manifests = Chart::load(sdk, chart).expect("load chart").render(values, &options).expect("render");
    diff::objects(&manifests).expect("rendered YAML")
}

#[test]
fn nyc_taxi_overlay_holds_exactly_the_changes() {
    let (out, run) =
        generate(NYC_TAXI, &spark_chart(), &["--mapping", SPARK_MAPPING, "--min-confidence", "0.6", "--validate"]);
    assert!(run.success, "{}", run.stderr);
    assert_eq!(files_in(out.path()), ["nyc-taxi-etl-2026-02-22.yaml"]);
    let text = fs::read_to_string(out.path().join("nyc-taxi-etl-2026-02-22.yaml")).expect("read overlay");
    let overlay = sdk().values_from_yaml(&text).expect("Helm reads the overlay");
    assert_eq!(
        overlay,
        json!({"apps": {
            "sparkConnect": {"config": {"data": {
                "spark.executor.cores": "3",
                "spark.executor.memory": "6g",
                "spark.executor.memoryOverhead": "2g",
                "spark.memory.fraction": "0.7",
                "spark.memory.storageFraction": "0.3",
                "spark.sql.adaptive.advisoryPartitionSizeInBytes": "128MB",
                "spark.sql.autoBroadcastJoinThreshold": "104857600",
                "spark.sql.shuffle.partitions": "400"
            }}},
            "sparkExecutor": {"replicas": 4, "resources": {"requests": {"cpu": "3", "memory": "6Gi"}}}
        }})
    );
    // The provenance is comments (the chart's schema is closed), generatedAt from the input.
    for line in [
        "# App ID: \"app-20260222120000-0001\"\n",
        "# Confidence: 0.85\n",
        "# Source: \"metrics analysis (14.2M records, 45s duration)\"\n",
        "# autotuning:\n#   generatedAt: \"2026-02-22T12:00:00Z\"\n#   appId: \"app-20260222120000-0001\"\n#   confidence: 0.85\n",
        "#     - \"cpu_util: 0.55 (low -> reduced cores)\"\n",
        "# Dropped, the chart already has these values:\n#   \"spark.sql.adaptive.enabled\" = true\n",
        "# Skipped, confidence below 0.6:\n#   \"spark.sql.adaptive.skewJoin.enabled\" (0.5)\n",
    ] {
        assert!(text.contains(line), "the header lacks {line:?}:\n{text}");
    }
    assert!(run.stdout.contains("dropped spark.sql.adaptive.enabled = true: the chart already has this value"));
    assert!(run
        .stdout
        .contains("skipped spark.sql.adaptive.skewJoin.enabled (confidence 0.5): below --min-confidence"));
}

#[test]
fn the_overlay_changes_only_the_recommended_fields_of_the_rendered_objects() {
    let (out, run) = generate(NYC_TAXI, &spark_chart(), &["--mapping", SPARK_MAPPING, "--min-confidence", "0.6"]);
    assert!(run.success, "{}", run.stderr);
    let sdk = sdk();
    let overlay = sdk
        .values_from_yaml(&fs::read_to_string(out.path().join("nyc-taxi-etl-2026-02-22.yaml")).expect("read"))
        .expect("parse");
    let before = render(&sdk, &spark_chart(), None);
    let after = render(&sdk, &spark_chart(), Some(&overlay));
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "no object added or removed");
    let changes = diff::rendered(&before, &after);
    let mut found = BTreeMap::new();
    for (object, fields) in &changes {
        for field in fields {
            found.insert((object.as_str(), field.pointer.as_str()), field.after.clone());
        }
    }
    let configmap = "ConfigMap/release-name-spark-connect";
    let executor = "Deployment/release-name-spark-executor";
    let mut expected: BTreeMap<(&str, &str), Option<Value>> = [
        (configmap, "/data/spark.executor.cores", json!("3")),
        (configmap, "/data/spark.executor.memory", json!("6g")),
        (configmap, "/data/spark.executor.memoryOverhead", json!("2g")),
        (configmap, "/data/spark.memory.fraction", json!("0.7")),
        (configmap, "/data/spark.memory.storageFraction", json!("0.3")),
        (configmap, "/data/spark.sql.adaptive.advisoryPartitionSizeInBytes", json!("128MB")),
        (configmap, "/data/spark.sql.autoBroadcastJoinThreshold", json!("104857600")),
        (configmap, "/data/spark.sql.shuffle.partitions", json!("400")),
        (executor, "/spec/replicas", json!(4)),
        (executor, "/spec/template/spec/containers/0/resources/requests/cpu", json!("3")),
        (executor, "/spec/template/spec/containers/0/resources/requests/memory", json!("6Gi")),
    ]
    .into_iter()
    .map(|(object, pointer, value)| ((object, pointer), Some(value)))
    .collect();
    // The one derived change: the server's pod template carries its ConfigMap's checksum, so
    // that a new Spark configuration rolls the server (the chart's own design).
    let checksum = changes["Deployment/release-name-spark-connect"]
        .iter()
        .find(|f| f.pointer == "/spec/template/metadata/annotations/checksum~1config")
        .expect("the server's config checksum changes");
    let server = "Deployment/release-name-spark-connect";
    expected.insert((server, "/spec/template/metadata/annotations/checksum~1config"), checksum.after.clone());
    assert_eq!(found, expected);
}

#[test]
fn two_runs_write_the_same_bytes() {
    let args = ["--mapping", SPARK_MAPPING, "--output-format", "full", "--configmap"];
    let (first, run) = generate(NYC_TAXI, &spark_chart(), &args);
    assert!(run.success, "{}", run.stderr);
    let (second, _) = generate(NYC_TAXI, &spark_chart(), &args);
    assert_eq!(files_in(first.path()), ["nyc-taxi-etl-2026-02-22-configmap.yaml", "nyc-taxi-etl-2026-02-22.yaml"]);
    for name in files_in(first.path()) {
        let a = fs::read(first.path().join(&name)).expect("read");
        let b = fs::read(second.path().join(&name)).expect("read");
        assert!(a == b, "{name} differs between two runs");
    }
}

#[test]
fn the_full_preset_is_every_value_and_its_configmap_wraps_it() {
    let args = ["--mapping", SPARK_MAPPING, "--output-format", "full", "--configmap", "--validate"];
    let (out, run) = generate(NYC_TAXI, &spark_chart(), &args);
    assert!(run.stdout.contains("-configmap.yaml\n"), "{}", run.stdout);
    assert!(run.success, "{}", run.stderr);
    let sdk = sdk();
    let text = fs::read_to_string(out.path().join("nyc-taxi-etl-2026-02-22.yaml")).expect("read");
    let full = sdk.values_from_yaml(&text).expect("parse");
    let defaults = Chart::load(&sdk, &spark_chart()).expect("load").values().expect("values");
    let changed = diff::fields(&defaults, &full);
    let pointers: BTreeSet<&str> = changed.iter().map(|c| c.pointer.as_str()).collect();
    assert!(pointers.contains("/apps/sparkExecutor/replicas"));
    assert!(pointers
        .iter()
        .all(|p| p.starts_with("/apps/sparkExecutor/") || p.starts_with("/apps/sparkConnect/config/data/")));
    assert_eq!(full["apps"]["sparkMaster"], defaults["apps"]["sparkMaster"], "every other value is there, unchanged");

    let wrapped = fs::read_to_string(out.path().join("nyc-taxi-etl-2026-02-22-configmap.yaml")).expect("read");
    let configmap: Value = serde_yaml_ng::from_str(&wrapped).expect("the ConfigMap is YAML");
    assert_eq!(configmap["kind"], "ConfigMap");
    assert_eq!(configmap["metadata"]["name"], "spark-connect-autotuned-nyc-taxi-etl");
    assert_eq!(
        configmap["metadata"]["labels"],
        json!({"autotuning/generated": "true", "autotuning/app-id": "app-20260222120000-0001"})
    );
    assert_eq!(configmap["metadata"]["annotations"]["autotuning/generated-at"], "2026-02-22T12:00:00Z");
    assert_eq!(configmap["data"]["values.yaml"], text, "the ConfigMap carries the preset byte for byte");
}

#[test]
fn a_composed_chart_needs_no_mapping_file() {
    let set = r#"{"apiVersion": "autotuning.helm-composer.dev/v1", "kind": "RecommendationSet",
        "appId": "app-7", "workload": "builtin", "generatedAt": "2026-02-22T12:00:00Z",
        "source": "test", "confidence": 0.9, "recommendations": [
        {"key": "spark-executor.replicas", "value": 3, "reason": "r", "confidence": 0.9},
        {"key": "spark-executor.memory.limit", "value": 17179869184, "reason": "16 GiB in bytes: unchanged", "confidence": 0.9},
        {"key": "spark-connect.cpu.limit", "value": 1.5, "reason": "r", "confidence": 0.9},
        {"key": "spark-connect.env.SPARK_LOG_LEVEL", "value": "WARN", "reason": "r", "confidence": 0.9},
        {"key": "spark-connect.config.spark.sql.shuffle.partitions", "value": 300, "reason": "r", "confidence": 0.9}]}"#;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("set.json");
    fs::write(&file, set).expect("write");
    let (out, run) = generate(file.to_str().expect("utf-8"), &spark_chart(), &["--validate"]);
    assert!(run.success, "{}", run.stderr);
    let text = fs::read_to_string(out.path().join("builtin-2026-02-22.yaml")).expect("read");
    assert_eq!(
        sdk().values_from_yaml(&text).expect("parse"),
        json!({"apps": {
            "sparkConnect": {"config": {"data": {"spark.sql.shuffle.partitions": "300"}}, "env": {"SPARK_LOG_LEVEL": "WARN"},
                             "resources": {"limits": {"cpu": "1500m"}}},
            "sparkExecutor": {"replicas": 3}
        }})
    );
    assert!(run.stdout.contains("dropped spark-executor.memory.limit = 17179869184: the chart already has this value"));
}

#[test]
fn an_environment_is_part_of_the_values_an_overlay_changes() {
    let set = r#"{"apiVersion": "autotuning.helm-composer.dev/v1", "kind": "RecommendationSet",
        "appId": "app-8", "workload": "prod-run", "generatedAt": "2026-02-22T12:00:00Z",
        "source": "test", "confidence": 0.9, "recommendations": [
        {"key": "spark-executor.replicas", "value": 3, "reason": "r", "confidence": 0.9},
        {"key": "spark-executor.memory.request", "value": "8g", "reason": "r", "confidence": 0.9}]}"#;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("set.json");
    fs::write(&file, set).expect("write");
    let file = file.to_str().expect("utf-8");
    // prod already runs 3 executors: only the memory changes.
    let (out, run) = generate(file, &spark_chart(), &["--environment", "prod", "--validate"]);
    assert!(run.success, "{}", run.stderr);
    let text = fs::read_to_string(out.path().join("prod-run-2026-02-22.yaml")).expect("read");
    assert!(text.contains("# Chart: \"spark-connect\" \"0.1.0\" over its defaults and values-prod.yaml\n"), "{text}");
    let overlay = sdk().values_from_yaml(&text).expect("parse");
    assert_eq!(overlay, json!({"apps": {"sparkExecutor": {"resources": {"requests": {"memory": "8Gi"}}}}}));
    assert!(run.stdout.contains("dropped spark-executor.replicas = 3: the chart already has this value"));
    // Over the defaults alone (2 executors), the replicas change too.
    let (out, run) = generate(file, &spark_chart(), &[]);
    assert!(run.success, "{}", run.stderr);
    let text = fs::read_to_string(out.path().join("prod-run-2026-02-22.yaml")).expect("read");
    assert_eq!(sdk().values_from_yaml(&text).expect("parse")["apps"]["sparkExecutor"]["replicas"], json!(3));
}

#[test]
fn a_hand_written_chart_with_a_schema_and_a_mapping() {
    let plain = repo(PLAIN_CHART);
    let chart = Path::new(&plain);
    let args = ["--mapping", "tools/overlay/testdata/plain-mapping.json", "--validate"];
    let (out, run) = generate("tools/overlay/testdata/plain-recommendations.json", chart, &args);
    assert!(run.success, "{}", run.stderr);
    let text = fs::read_to_string(out.path().join("plain-batch-2026-03-01.yaml")).expect("read");
    let overlay = sdk().values_from_yaml(&text).expect("parse");
    assert_eq!(overlay, json!({"replicaCount": 3, "worker": {"memory": "2Gi", "settings": {"batch.size": "250"}}}));
    let after = render(&sdk(), chart, Some(&overlay));
    assert_eq!(
        after["ConfigMap/release-name-settings"]["data"],
        json!({"replicas": "3", "memory": "2Gi", "batch.size": "250"})
    );
}

#[test]
fn dry_run_shows_rendered_changes_and_writes_nothing() {
    let (out, run) = generate(NYC_TAXI, &spark_chart(), &["--mapping", SPARK_MAPPING, "--dry-run"]);
    assert!(run.success, "{}", run.stderr);
    assert!(files_in(out.path()).is_empty());
    assert!(run.stdout.contains("Deployment/release-name-spark-executor:\n"), "{}", run.stdout);
    assert!(run.stdout.contains("  /spec/replicas: 2 -> 4\n"), "{}", run.stdout);
    assert!(run.stdout.contains("  /data/spark.sql.shuffle.partitions: \"200\" -> \"400\"\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains("  /data/spark.sql.autoBroadcastJoinThreshold: (absent) -> \"104857600\"\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn hostile_provenance_stays_in_its_comments() {
    let hostile = "x\n\"apps\": {\"sparkMaster\": {\"replicas\": 9}}\r\u{2028}\u{85}{{ .Release.Name }}";
    let set = json!({"apiVersion": "autotuning.helm-composer.dev/v1", "kind": "RecommendationSet",
        "appId": "app-1", "workload": "hostile", "generatedAt": "2026-02-22T12:00:00Z",
        "source": "a\u{2028}b", "confidence": 0.5, "basedOn": [hostile],
        "recommendations": [{"key": "spark-executor.replicas", "value": 3, "reason": "\u{2029}\"apps\": 1", "confidence": 0.9}]});
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("set.json");
    fs::write(&file, set.to_string()).expect("write");
    let (out, run) = generate(file.to_str().expect("utf-8"), &spark_chart(), &[]);
    // Control characters in basedOn are refused; the line breaks YAML 1.1 knows are not
    // controls in Rust's sense (U+2028, U+2029), so they reach the comments, escaped.
    assert!(!run.success);
    assert!(run.stderr.contains("field `basedOn[0]`: holds the control character '\\n'"), "{}", run.stderr);
    assert!(files_in(out.path()).is_empty());

    let set = json!({"apiVersion": "autotuning.helm-composer.dev/v1", "kind": "RecommendationSet",
        "appId": "app-1", "workload": "hostile", "generatedAt": "2026-02-22T12:00:00Z",
        "source": "a\u{2028}\"apps\": {\"sparkMaster\": 9}", "confidence": 0.5, "basedOn": ["{{ .Release.Name }}\u{2029}# x"],
        "recommendations": [{"key": "spark-executor.replicas", "value": 3, "reason": "\u{2029}\"apps\": 1", "confidence": 0.9}]});
    fs::write(&file, set.to_string()).expect("write");
    let (out, run) = generate(file.to_str().expect("utf-8"), &spark_chart(), &[]);
    assert!(run.success, "{}", run.stderr);
    let text = fs::read_to_string(out.path().join("hostile-2026-02-22.yaml")).expect("read");
    assert_eq!(sdk().values_from_yaml(&text).expect("parse"), json!({"apps": {"sparkExecutor": {"replicas": 3}}}));
    assert!(text.contains("# Source: \"a\\u2028\\\"apps\\\": {\\\"sparkMaster\\\": 9}\"\n"), "{text}");
}

/// Strings YAML or Helm could read as something else, in every text field and as values:
/// each is refused naming its field, or arrives literally with nothing else changed.
#[test]
fn hostile_strings_are_refused_or_carried_literally() {
    let long = "x".repeat(4096);
    let corpus = [
        "{{ .Release.Name }}",
        "{{- fail \"x\" }}",
        "a: b",
        "- x",
        "? k",
        "&anchor *alias",
        "!!binary aGk=",
        "yes",
        "on",
        "0x1F",
        "1e3",
        "~",
        "null",
        "#not a comment",
        "---",
        "...",
        "\u{2028}x: 1",
        "a\u{2029}b: c",
        "\u{feff}bom",
        "\u{fffe}",
        "\"quoted\" 'single'",
        "\\",
        "a\nb: c",
        "a\r\nb",
        "a\tb",
        "a\u{85}b",
        &long,
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("set.json");
    let sdk = sdk();
    let (mut carried, mut refused) = (0, 0);
    for text in corpus {
        let set = json!({"apiVersion": "autotuning.helm-composer.dev/v1", "kind": "RecommendationSet",
            "appId": "app-1", "workload": "hostile", "generatedAt": "2026-02-22T12:00:00Z",
            "source": text, "confidence": 0.5, "basedOn": [text],
            "recommendations": [
                {"key": "spark-connect.config.tuned", "value": text, "reason": text, "confidence": 0.9},
                {"key": "spark-connect.env.TUNED", "value": text, "reason": "r", "confidence": 0.9}]});
        fs::write(&file, set.to_string()).expect("write");
        let (out, run) = generate(file.to_str().expect("utf-8"), &spark_chart(), &[]);
        assert_eq!(run.success, !text.chars().any(char::is_control), "{text:?}: {}", run.stderr);
        if run.success {
            let written = fs::read_to_string(out.path().join("hostile-2026-02-22.yaml")).expect("read");
            let expected =
                json!({"apps": {"sparkConnect": {"config": {"data": {"tuned": text}}, "env": {"TUNED": text}}}});
            assert_eq!(sdk.values_from_yaml(&written).expect("parse"), expected, "{text:?}");
            assert!(written
                .lines()
                .all(|l| l.is_empty() || l.starts_with('#') || l.starts_with('"') || l.starts_with(' ')));
            carried += 1;
        } else {
            assert!(run.stderr.contains("field `source`: holds the control character"), "{text:?}: {}", run.stderr);
            assert!(files_in(out.path()).is_empty());
            refused += 1;
        }
    }
    assert_eq!((carried, refused), (23, 4), "control characters are refused in text fields, the rest carried");
}

/// Each bad input is refused with its message, and nothing is written.
#[test]
fn bad_inputs_are_refused_naming_what_is_wrong() {
    let spark = spark_chart();
    let with_mapping = ["--mapping", SPARK_MAPPING];
    let cases: &[(&str, &[&str], &str)] = &[
        ("malformed.json", &with_mapping, "the recommendation set is not valid JSON: EOF while parsing a value at line 5 column 0"),
        ("duplicate-key.json", &with_mapping, "the recommendation set is not valid: duplicate key \"confidence\" in `recommendations[0]` (line 10)"),
        ("unknown-field.json", &with_mapping, "the recommendation set does not match its schema: field `recommendations[0].priority`: unknown field `priority`, expected one of `key`, `value`, `reason`, `confidence`"),
        ("missing-app-id.json", &with_mapping, "the recommendation set does not match its schema: missing field `appId`"),
        ("value-not-scalar.json", &with_mapping, "field `recommendations[0].value`: a string, number or boolean"),
        ("set-confidence-above-one.json", &with_mapping, "the recommendation set is not valid: field `confidence`: 1.5 is outside [0, 1]"),
        ("recommendation-confidence-negative.json", &with_mapping, "field `recommendations[0].confidence`: -0.1 is outside [0, 1]"),
        ("wrong-api-version.json", &with_mapping, "field `apiVersion`: is \"autotuning/v0\"; this generator reads \"autotuning.helm-composer.dev/v1\""),
        ("impossible-date.json", &with_mapping, "field `generatedAt`: \"2026-02-30T12:00:00Z\" is not a real date and time"),
        ("workload-not-a-label.json", &with_mapping, "field `workload`: \"../../etc\" is not a DNS-1123 label (a-z, 0-9, '-', at most 63)"),
        ("key-recommended-twice.json", &with_mapping, "field `recommendations[1].key`: \"spark.executor.memory\" is recommended twice"),
        ("no-recommendations.json", &with_mapping, "field `recommendations`: is empty: there is nothing to apply"),
        ("control-character.json", &with_mapping, "field `source`: holds the control character '\\u{7}'"),
        ("key-not-in-mapping.json", &with_mapping, "recommendation \"spark.sql.unknown.setting\" has no mapping to a values path: \"spark\" is not an app of the chart (apps: spark-connect, spark-executor, spark-master); use a built-in key <app>.<setting>"),
        ("memory-wrong-unit.json", &with_mapping, "recommendation \"spark.executor.memory\" (value \"6GB\") -> apps.sparkExecutor.resources.requests.memory: the value has the ambiguous unit \"GB\": Spark reads it as binary, Kubernetes as decimal; write 6g (Spark) or 6Gi (Kubernetes)"),
        ("cores-not-a-number.json", &with_mapping, "recommendation \"spark.executor.cores\" (value \"three\") -> apps.sparkExecutor.resources.requests.cpu: the value is not a CPU quantity such as 2, 0.5 or 500m"),
        ("negative-executors.json", &with_mapping, "recommendation \"spark.executor.instances\" (value -2) -> apps.sparkExecutor.replicas: the chart's values.schema.json refuses -2: at '/apps/sparkExecutor/replicas': minimum: got -2, want 0"),
        ("builtin-negative-replicas.json", &[], "recommendation \"spark-executor.replicas\" (value -1) -> apps.sparkExecutor.replicas: the chart's values.schema.json refuses -1: at '/apps/sparkExecutor/replicas': minimum: got -1, want 0"),
        ("builtin-memory-not-a-size.json", &[], "recommendation \"spark-executor.memory.request\" (value \"lots\") -> apps.sparkExecutor.resources.requests.memory: the value is not a memory size such as 6g, 6Gi or a number of bytes"),
        ("builtin-unknown-setting.json", &[], "recommendation \"spark-executor.gpu.request\" has no mapping to a values path: \"gpu.request\" is not a built-in setting"),
        ("builtin-config-key-invalid.json", &[], "recommendation \"spark-connect.config.spark sql\" has no mapping to a values path: \"spark sql\" is not a ConfigMap key ([-._a-zA-Z0-9]+)"),
        // Bad mappings, with the good NYC taxi recommendations.
        ("mapping-bad-path.json", &[], "the mapping is not valid: `spark.sql.shuffle.partitions`: path \"apps.sparkConnect.config.data.\\\"spark.sql.shuffle.partitions\": the quote opened at byte 30 is not closed"),
        ("mapping-path-not-in-chart.json", &[], "recommendation \"spark.executor.memory\" (value \"6g\") -> apps.sparkExecutor.executor.memory: the chart has no such value: no key \"executor\" under apps.sparkExecutor"),
        ("mapping-unknown-conversion.json", &[], "the mapping does not match its schema: field `mappings.spark.executor.memory[0].convert`: unknown variant `gigabytes`"),
    ];
    let mut refused = 0;
    for (file, extra, message) in cases {
        let path = format!("{BAD}/{file}");
        let (recommendations, mut args) = if file.starts_with("mapping-") {
            (NYC_TAXI.to_string(), vec!["--mapping", path.as_str()])
        } else {
            (path.clone(), Vec::new())
        };
        args.extend_from_slice(extra);
        let (out, run) = generate(&recommendations, &spark, &args);
        assert!(!run.success, "{file} was accepted: {}", run.stdout);
        assert!(run.stderr.contains(message), "{file}: expected {message:?}\n got {}", run.stderr);
        assert!(files_in(out.path()).is_empty(), "{file}: something was written");
        refused += 1;
    }
    assert!(refused >= 12);
}

#[test]
fn usage_errors() {
    let spark = spark_chart();
    let cases: &[(&[&str], &str)] = &[
        (&["--min-confidence", "1.2"], "--min-confidence 1.2 is outside [0, 1]"),
        (&["--configmap"], "--configmap wraps a full preset: add --output-format full"),
        (&["--environment", "staging"], "has no values-staging.yaml for --environment staging"),
        (&["--environment", "../x"], "--environment \"../x\" is not an environment name (a DNS-1123 label)"),
    ];
    for (extra, message) in cases {
        let mut args = vec!["--mapping", SPARK_MAPPING];
        args.extend_from_slice(extra);
        let (_out, run) = generate(NYC_TAXI, &spark, &args);
        assert!(!run.success && run.stderr.contains(message), "{extra:?}: {}", run.stderr);
    }
    // A chart not composed here has no built-in keys.
    let (_out, run) = generate("tools/overlay/testdata/plain-recommendations.json", Path::new(PLAIN_CHART), &[]);
    assert!(
        run.stderr.contains("recommendation \"worker.instances\" has no mapping to a values path: the chart was not composed by helm-composer, so only a mapping file (--mapping) can map it"),
        "{}",
        run.stderr
    );
}

// clickstream: a hand-written chart of a streaming job, with recommendations of another
// engine's settings than Spark's (tools/overlay/testdata/stream-*), written for these tests.
const STREAM_CHART: &str = "tools/overlay/testdata/stream-chart";
const STREAM_MAPPING: &str = "tools/overlay/testdata/stream-mapping.json";
const STREAM_SET: &str = "tools/overlay/testdata/stream-recommendations.json";
const STREAM_OVER_LIMIT: &str = "tools/overlay/testdata/stream-recommendations-over-limit.json";

#[test]
fn every_unmapped_recommendation_is_named_at_once() {
    let (out, run) = generate(STREAM_SET, Path::new(STREAM_CHART), &["--mapping", STREAM_MAPPING]);
    assert!(!run.success, "{}", run.stdout);
    assert!(run.stderr.contains(
        "2 recommendations have no mapping to a values path (--skip-unmapped applies the others and lists these):\n  \
         recommendation \"state.backend.rocksdb.block.cache-size\" has no mapping to a values path: the mapping file "
    ), "{}", run.stderr);
    assert!(run.stderr.contains(
        "stream-mapping.json has no entry for it (add one), and the chart was not composed by helm-composer, so it \
         has no built-in keys\n  recommendation \"taskmanager.network.memory.fraction\" has no mapping"
    ), "{}", run.stderr);
    assert!(files_in(out.path()).is_empty());
}

#[test]
fn skip_unmapped_applies_the_others_and_lists_what_it_skipped() {
    let (out, run) =
        generate(STREAM_SET, Path::new(STREAM_CHART), &["--mapping", STREAM_MAPPING, "--skip-unmapped", "--validate"]);
    assert!(run.success, "{}", run.stderr);
    for line in [
        "changed parallelism: 2 -> 4 (parallelism.default)\n",
        "changed job.checkpointInterval: \"60s\" -> \"30s\" (execution.checkpointing.interval)\n",
        "skipped state.backend.rocksdb.block.cache-size = \"256m\": no mapping to a values path: the mapping file ",
        "stream-mapping.json has no entry for it (add one), and the chart was not composed by helm-composer, so it has no built-in keys\n",
        "skipped taskmanager.network.memory.fraction = 0.2: no mapping to a values path:",
        // --validate says what it ran.
        "checked values.schema.json with each recommendation alone, then all together\n",
        "checked helm lint --strict with the new values (Kubernetes v1.34.0)\n",
        "checked a render with the new values (2 objects) and requests at most limits in its 1 containers\n",
    ] {
        assert!(run.stdout.contains(line), "missing {line:?} in\n{}", run.stdout);
    }
    let text = fs::read_to_string(out.path().join("clickstream-2026-03-01.yaml")).expect("the overlay");
    assert!(text.contains(
        "# Skipped, no mapping to a values path (--skip-unmapped):\n#   \"state.backend.rocksdb.block.cache-size\" = \"256m\": \
         \"the mapping file "
    ), "{text}");
    assert!(text.ends_with("\"job\":\n  \"checkpointInterval\": \"30s\"\n\"parallelism\": 4\n"), "{text}");
}

#[test]
fn validate_refuses_a_request_above_the_charts_limit() {
    let (out, run) = generate(STREAM_OVER_LIMIT, Path::new(STREAM_CHART), &["--mapping", STREAM_MAPPING, "--validate"]);
    assert!(!run.success, "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "with the new values, Deployment/release-name-clickstream container job: requests.memory 32Gi is above \
         limits.memory 16Gi (Kubernetes refuses the Deployment: a request must be at most its limit)"
        ),
        "{}",
        run.stderr
    );
    assert!(files_in(out.path()).is_empty());
    // --dry-run checks it too.
    let (_, run) = generate(STREAM_OVER_LIMIT, Path::new(STREAM_CHART), &["--mapping", STREAM_MAPPING, "--dry-run"]);
    assert!(!run.success && run.stderr.contains("requests.memory 32Gi is above limits.memory 16Gi"), "{}", run.stderr);
}

#[test]
fn an_existing_overlay_is_replaced_only_with_force() {
    let args = ["--mapping", STREAM_MAPPING, "--skip-unmapped"];
    let (out, first) = generate(STREAM_SET, Path::new(STREAM_CHART), &args);
    assert!(first.success, "{}", first.stderr);
    let file = out.path().join("clickstream-2026-03-01.yaml");
    fs::write(&file, "# edited by hand\n").expect("edit");
    let dir = out.path().to_str().expect("utf-8");
    let again = |extra: &[&str]| {
        let (recommendations, chart, mapping) = (repo(STREAM_SET), repo(STREAM_CHART), repo(STREAM_MAPPING));
        let mut all = vec!["--recommendations-file", &recommendations, "--chart", &chart, "--mapping", &mapping];
        all.extend_from_slice(&["--skip-unmapped", "--output-dir", dir]);
        all.extend_from_slice(extra);
        composer(&all)
    };
    let refused = again(&[]);
    assert!(!refused.success);
    assert!(
        refused.stderr.contains(&format!("output {}: exists; pass --force to replace it", file.display())),
        "{}",
        refused.stderr
    );
    assert_eq!(fs::read_to_string(&file).expect("kept"), "# edited by hand\n");
    let forced = again(&["--force"]);
    assert!(forced.success, "{}", forced.stderr);
    assert!(fs::read_to_string(&file).expect("replaced").starts_with("# Values overlay"));
}

#[test]
fn an_output_path_that_is_a_file_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let blocker = dir.path().join("overlays");
    fs::write(&blocker, "not a directory").expect("write");
    let (recommendations, chart, mapping) = (repo(STREAM_SET), repo(STREAM_CHART), repo(STREAM_MAPPING));
    let base =
        ["--recommendations-file", &recommendations, "--chart", &chart, "--mapping", &mapping, "--skip-unmapped"];
    let blocker_text = blocker.to_str().expect("utf-8");
    let run = composer(&[&base[..], &["--output-dir", blocker_text]].concat());
    assert!(!run.success);
    assert!(run.stderr.contains(&format!("--output-dir {blocker_text} is a file, not a directory")), "{}", run.stderr);
    let inside = blocker.join("x.yaml");
    let run = composer(&[&base[..], &["--output-file", inside.to_str().expect("utf-8")]].concat());
    assert!(
        run.stderr.contains(&format!("cannot be written: {blocker_text} is a file, not a directory")),
        "{}",
        run.stderr
    );
    let run = composer(&[&base[..], &["--output-file", dir.path().to_str().expect("utf-8")]].concat());
    assert!(run.stderr.contains("is a directory; the output file goes there"), "{}", run.stderr);
}
