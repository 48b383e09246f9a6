//! The chart an overlay is for, read through Helm: its metadata, whether it has a values
//! schema, and its effective values (defaults coalesced with an environment's file).

use std::fs;
use std::path::{Path, PathBuf};

use helm_sdk::{Chart, ChartMetadata, HelmSdk};
use serde_json::Value;

use crate::error::OverlayError;

pub struct ChartContext<'sdk> {
    pub sdk: &'sdk HelmSdk,
    pub dir: PathBuf,
    pub metadata: ChartMetadata,
    pub has_schema: bool,
    /// `values-<env>.yaml` (file name and values), when an environment was chosen.
    pub environment: Option<(String, Value)>,
    /// The values an install would use: defaults, then the environment's file.
    pub effective: Value,
}

impl<'sdk> ChartContext<'sdk> {
    pub fn load(sdk: &'sdk HelmSdk, dir: &Path, environment: Option<&str>) -> Result<ChartContext<'sdk>, OverlayError> {
        let chart = Chart::load(sdk, dir)?;
        let metadata = chart.metadata()?;
        let has_schema = chart.schema()?.is_some();
        let environment = match environment {
            None => None,
            Some(name) => Some(read_environment(sdk, dir, name)?),
        };
        let effective = chart.merge_values(environment.as_ref().map(|(_, values)| values))?;
        Ok(ChartContext { sdk, dir: dir.into(), metadata, has_schema, environment, effective })
    }

    /// The `helm-composer/apps` annotation: present only on charts composed here.
    pub fn composed_apps(&self) -> Option<&str> {
        self.metadata.annotations.get(crate::mapping::APPS_ANNOTATION).map(String::as_str)
    }

    /// A fresh load of the chart (a loaded chart renders only once).
    pub fn reload(&self) -> Result<Chart<'sdk>, OverlayError> {
        Ok(Chart::load(self.sdk, &self.dir)?)
    }

    /// `values over the chart's defaults plus values-<env>.yaml`, for headers.
    pub fn base_description(&self) -> String {
        match &self.environment {
            Some((file, _)) => format!("its defaults and {file}"),
            None => "its defaults".into(),
        }
    }
}

fn read_environment(sdk: &HelmSdk, dir: &Path, name: &str) -> Result<(String, Value), OverlayError> {
    let chart_error = |message: String| OverlayError::Chart { chart: dir.into(), message };
    if !crate::input::is_dns_label(name) {
        return Err(chart_error(format!("--environment {name:?} is not an environment name (a DNS-1123 label)")));
    }
    let file_name = format!("values-{name}.yaml");
    let file = dir.join(&file_name);
    let text = fs::read_to_string(&file)
        .map_err(|e| chart_error(format!("has no {file_name} for --environment {name}: {e}")))?;
    let values = sdk.values_from_yaml(&text)?;
    Ok((file_name, values))
}

/// A small chart written for each test (a composed `shop` with one app, `api`), and the real
/// Helm from HELM_C_LIBRARY (`tools/helm_sdk/library.sh`; Bazel hands it over).
#[cfg(test)]
pub(crate) mod fixture {
    use std::fs;
    use std::path::Path;

    use helm_sdk::HelmSdk;

    pub fn sdk() -> HelmSdk {
        let Some(library) = std::env::var_os("HELM_C_LIBRARY") else {
            panic!("HELM_C_LIBRARY is not set: HELM_C_LIBRARY=$(tools/helm_sdk/library.sh) cargo test");
        };
        HelmSdk::load(Path::new(&library)).expect("load libhelm_c.so")
    }

    const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-api
spec:
  replicas: {{ .Values.apps.api.replicas }}
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.0.0
          resources: {{ toJson .Values.apps.api.resources }}
"#;

    const RELEASE: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-release
data:
  namespace: {{ .Release.Namespace | quote }}
  install: {{ .Release.IsInstall | quote }}
  kube: {{ .Capabilities.KubeVersion.Version | quote }}
  note: {{ .Values.apps.api.note | quote }}
"#;

    const SCHEMA: &str = r#"{"type": "object", "properties": {"apps": {"type": "object", "properties": {"api": {
  "type": "object", "properties": {"replicas": {"type": "integer", "minimum": 0, "maximum": 10}}}}}}}"#;

    /// Writes the chart into `dir`: composed (the `helm-composer/apps` annotation) or not,
    /// with a values.schema.json (replicas 0 to 10) or not.
    pub fn chart(dir: &Path, composed: bool, schema: bool) {
        let annotation = if composed { "annotations:\n  helm-composer/apps: \"api:internal-api\"\n" } else { "" };
        fs::create_dir_all(dir.join("templates")).unwrap();
        fs::write(dir.join("Chart.yaml"), format!("apiVersion: v2\nname: shop\nversion: 1.2.3\n{annotation}")).unwrap();
        fs::write(
            dir.join("values.yaml"),
            "apps:\n  api:\n    replicas: 2\n    note: hello\n    resources:\n      requests:\n        memory: 1Gi\n      \
             limits:\n        memory: 2Gi\n",
        )
        .unwrap();
        fs::write(dir.join("templates/deployment.yaml"), DEPLOYMENT).unwrap();
        fs::write(dir.join("templates/release.yaml"), RELEASE).unwrap();
        if schema {
            fs::write(dir.join("values.schema.json"), SCHEMA).unwrap();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_composed_chart_with_an_environment() {
        let sdk = fixture::sdk();
        let dir = tempfile::tempdir().unwrap();
        fixture::chart(dir.path(), true, true);
        fs::write(dir.path().join("values-prod.yaml"), "apps:\n  api:\n    replicas: 5\n").unwrap();
        let chart = ChartContext::load(&sdk, dir.path(), Some("prod")).unwrap();
        assert_eq!((chart.metadata.name.as_str(), chart.has_schema), ("shop", true));
        assert_eq!(chart.composed_apps(), Some("api:internal-api"));
        assert_eq!(chart.base_description(), "its defaults and values-prod.yaml");
        assert_eq!(chart.environment.as_ref().map(|(file, _)| file.as_str()), Some("values-prod.yaml"));
        assert_eq!(chart.effective["apps"]["api"]["replicas"], json!(5));
        assert_eq!(chart.effective["apps"]["api"]["note"], json!("hello"), "the defaults stay under the environment");
        assert_eq!(chart.reload().unwrap().metadata().unwrap().name, "shop");
    }

    #[test]
    fn a_plain_chart_without_an_environment() {
        let sdk = fixture::sdk();
        let dir = tempfile::tempdir().unwrap();
        fixture::chart(dir.path(), false, false);
        let chart = ChartContext::load(&sdk, dir.path(), None).unwrap();
        assert_eq!((chart.composed_apps(), chart.has_schema), (None, false));
        assert_eq!(chart.base_description(), "its defaults");
        assert_eq!(chart.effective["apps"]["api"]["replicas"], json!(2));
    }

    #[test]
    fn an_environment_is_a_label_with_its_file() {
        let sdk = fixture::sdk();
        let dir = tempfile::tempdir().unwrap();
        fixture::chart(dir.path(), true, false);
        let error = |name| ChartContext::load(&sdk, dir.path(), Some(name)).err().unwrap().to_string();
        assert_eq!(
            error("../prod"),
            format!(
                "chart {}: --environment \"../prod\" is not an environment name (a DNS-1123 label)",
                dir.path().display()
            )
        );
        assert!(
            error("staging").starts_with(&format!(
                "chart {}: has no values-staging.yaml for --environment staging: ",
                dir.path().display()
            )),
            "{}",
            error("staging")
        );
    }
}
