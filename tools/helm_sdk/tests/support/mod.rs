//! Shared by the integration tests: finding the real library and writing test charts.
#![allow(dead_code)] // each test binary uses a different part

use std::fs;
use std::path::{Path, PathBuf};

use helm_sdk::HelmSdk;

/// The library under test, from `HELM_C_LIBRARY`: an absolute path, or a path relative to
/// the current directory (Bazel passes a runfiles-relative path; tests run in runfiles).
pub fn library_path() -> PathBuf {
    let Some(value) = std::env::var_os("HELM_C_LIBRARY") else {
        panic!(
            "HELM_C_LIBRARY is not set. These tests run against the real libhelm_c.so: set \
             HELM_C_LIBRARY to its path, e.g. HELM_C_LIBRARY=$HOME/.cache/helm-composer/helm_sdk/libhelm_c.so \
             (unzip helm_python/lib/libhelm_c.so from the helm-python-sdk 0.2.2 wheel)"
        );
    };
    let path = PathBuf::from(value);
    let path = if path.is_absolute() { path } else { std::env::current_dir().unwrap().join(path) };
    assert!(path.is_file(), "HELM_C_LIBRARY names {}, which is not a file", path.display());
    path
}

pub fn sdk() -> HelmSdk {
    let path = library_path();
    HelmSdk::load(&path).unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()))
}

pub const CHART_YAML: &str = "\
apiVersion: v2
name: demo
description: A chart the helm_sdk tests write
type: application
version: 0.1.0
appVersion: \"1.2.3\"
icon: https://example.com/icon.png
";

pub const VALUES_YAML: &str = "\
greeting: hello
replicas: 1
";

pub const SCHEMA_JSON: &str = r#"{
  "type": "object",
  "properties": {
    "greeting": {"type": "string"},
    "replicas": {"type": "integer", "minimum": 1}
  },
  "required": ["greeting"]
}
"#;

pub const CONFIGMAP_YAML: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
  namespace: {{ .Release.Namespace }}
data:
  greeting: {{ .Values.greeting | quote }}
  replicas: {{ .Values.replicas | quote }}
";

/// Writes the `demo` chart (Chart.yaml, values.yaml, values.schema.json, one ConfigMap
/// template) into `parent/demo` and returns that directory.
pub fn write_demo_chart(parent: &Path) -> PathBuf {
    let dir = parent.join("demo");
    write(&dir.join("Chart.yaml"), CHART_YAML);
    write(&dir.join("values.yaml"), VALUES_YAML);
    write(&dir.join("values.schema.json"), SCHEMA_JSON);
    write(&dir.join("templates/configmap.yaml"), CONFIGMAP_YAML);
    dir
}

pub fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}
