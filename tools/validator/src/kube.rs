//! Validation of rendered objects against the Kubernetes JSON schemas (kubernetes-validate's
//! files: one schema per kind, `<kind>-<group>-<version>.json`, whose `$ref`s point into
//! `/api/_definitions.json`). The strict variant rejects unknown fields.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jsonschema::{Retrieve, Uri, Validator};
use serde_json::Value;

use crate::error::ValidateError;

/// Base under which the schema files' absolute `$ref`s (`/api/...`) are resolved.
const SCHEMA_BASE: &str = "https://kubernetes-schemas.invalid/api/";
const DEFINITIONS_FILE: &str = "_definitions.json";

/// Serves `/api/_definitions.json` from memory; nothing is ever fetched.
struct Definitions(Arc<Value>);

impl Retrieve for Definitions {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        if uri.as_str().ends_with(&format!("/api/{DEFINITIONS_FILE}")) {
            Ok((*self.0).clone())
        } else {
            Err(format!("unexpected schema reference {uri}").into())
        }
    }
}

pub struct KubeSchemas {
    dir: PathBuf,
    definitions: Arc<Value>,
    validators: BTreeMap<String, Validator>,
}

impl KubeSchemas {
    pub fn open(dir: &Path) -> Result<KubeSchemas, ValidateError> {
        let definitions = read_json(&dir.join(DEFINITIONS_FILE))?;
        Ok(KubeSchemas { dir: dir.to_path_buf(), definitions: Arc::new(definitions), validators: BTreeMap::new() })
    }

    /// Whether this version of Kubernetes serves the apiVersion and kind (has its schema), as
    /// `upgrade`'s api-removed rule decides it.
    pub fn serves(&self, api_version: &str, kind: &str) -> bool {
        self.dir.join(schema_file_name(api_version, kind)).is_file()
    }

    /// Problems of one object, each as `field: message`; empty when it is valid.
    pub fn validate(&mut self, object: &Value) -> Result<Vec<String>, ValidateError> {
        let api_version = object.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
        let kind = object.get("kind").and_then(Value::as_str).unwrap_or_default();
        if api_version.is_empty() || kind.is_empty() {
            return Ok(vec!["object has no apiVersion or kind".into()]);
        }
        let file = schema_file_name(api_version, kind);
        let validator = match self.validators.get(&file) {
            Some(v) => v,
            None => {
                let validator = self.build(&file, api_version, kind)?;
                self.validators.entry(file).or_insert(validator)
            }
        };
        Ok(validator
            .iter_errors(object)
            .map(|e| {
                let at = e.instance_path.to_string();
                format!("{}: {e}", if at.is_empty() { "(object)".to_string() } else { at })
            })
            .collect())
    }

    fn build(&self, file: &str, api_version: &str, kind: &str) -> Result<Validator, ValidateError> {
        let path = self.dir.join(file);
        if !path.is_file() {
            return Err(ValidateError::Schema(format!(
                "no schema for {kind} {api_version} in {} (unknown kind or removed API version)",
                self.dir.display()
            )));
        }
        let schema = read_json(&path)?;
        jsonschema::options()
            .with_base_uri(format!("{SCHEMA_BASE}{file}"))
            .with_retriever(Definitions(Arc::clone(&self.definitions)))
            .build(&schema)
            .map_err(|e| ValidateError::Schema(format!("{}: {e}", path.display())))
    }
}

/// `apps/v1` + `Deployment` -> `deployment-apps-v1.json`; `v1` + `Service` -> `service-v1.json`.
pub(crate) fn schema_file_name(api_version: &str, kind: &str) -> String {
    let kind = kind.to_ascii_lowercase();
    match api_version.split_once('/') {
        Some((group, version)) => {
            let group = group.split('.').next().unwrap_or(group);
            format!("{kind}-{group}-{version}.json")
        }
        None => format!("{kind}-{api_version}.json"),
    }
}

fn read_json(path: &Path) -> Result<Value, ValidateError> {
    let text = fs::read_to_string(path).map_err(|e| ValidateError::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| ValidateError::Schema(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A schema directory laid out as kubernetes-validate's: one file per kind whose `$ref`s
    /// point into `/api/_definitions.json`.
    fn schemas(files: &[(&str, Value)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let definitions = json!({"$defs": {"meta": {"type": "object", "additionalProperties": false,
            "properties": {"name": {"type": "string"}}}}});
        fs::write(dir.path().join(DEFINITIONS_FILE), definitions.to_string()).unwrap();
        for (file, schema) in files {
            fs::write(dir.path().join(file), schema.to_string()).unwrap();
        }
        dir
    }

    fn config_map_schema() -> Value {
        json!({"type": "object", "additionalProperties": false, "properties": {
            "apiVersion": {"type": "string"}, "kind": {"type": "string"},
            "metadata": {"$ref": "/api/_definitions.json#/$defs/meta"}, "data": {"type": "object"}}})
    }

    #[test]
    fn schema_file_names() {
        assert_eq!(schema_file_name("apps/v1", "Deployment"), "deployment-apps-v1.json");
        assert_eq!(schema_file_name("v1", "Service"), "service-v1.json");
        assert_eq!(schema_file_name("networking.k8s.io/v1", "Ingress"), "ingress-networking-v1.json");
        assert_eq!(
            schema_file_name("autoscaling/v2", "HorizontalPodAutoscaler"),
            "horizontalpodautoscaler-autoscaling-v2.json"
        );
    }

    #[test]
    fn objects_are_checked_strictly_against_their_kinds_schema_and_its_definitions() {
        let dir = schemas(&[("configmap-v1.json", config_map_schema())]);
        let mut kube = KubeSchemas::open(dir.path()).unwrap();
        let config = |extra: Value| {
            let mut object = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {}});
            object.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            object
        };
        assert_eq!(kube.validate(&config(json!({}))).unwrap(), Vec::<String>::new());
        assert_eq!(
            kube.validate(&config(json!({"metadata": {"name": 5}}))).unwrap(),
            ["/metadata/name: 5 is not of type \"string\""]
        );
        assert_eq!(
            kube.validate(&config(json!({"extra": 1}))).unwrap(),
            ["(object): Additional properties are not allowed ('extra' was unexpected)"]
        );
        assert_eq!(kube.validate(&json!({"kind": "ConfigMap"})).unwrap(), ["object has no apiVersion or kind"]);
        assert_eq!(kube.validate(&json!({"apiVersion": "v1"})).unwrap(), ["object has no apiVersion or kind"]);
    }

    #[test]
    fn a_kind_without_a_schema_is_not_served_and_cannot_be_checked() {
        let dir = schemas(&[("configmap-v1.json", config_map_schema())]);
        let mut kube = KubeSchemas::open(dir.path()).unwrap();
        assert!(kube.serves("v1", "ConfigMap"));
        assert!(!kube.serves("apps/v1", "Deployment"));
        let error = kube.validate(&json!({"apiVersion": "apps/v1", "kind": "Deployment"})).unwrap_err().to_string();
        assert_eq!(
            error,
            format!(
                "Kubernetes schemas: no schema for Deployment apps/v1 in {} (unknown kind or removed API version)",
                dir.path().display()
            )
        );
    }

    #[test]
    fn only_the_definitions_file_is_ever_retrieved() {
        let dir = schemas(&[("secret-v1.json", json!({"properties": {"data": {"$ref": "/api/other.json#/x"}}}))]);
        let mut kube = KubeSchemas::open(dir.path()).unwrap();
        let error = kube.validate(&json!({"apiVersion": "v1", "kind": "Secret"})).unwrap_err().to_string();
        assert!(error.starts_with("Kubernetes schemas: "), "{error}");
        assert!(error.contains("secret-v1.json: "), "{error}");
        fs::write(dir.path().join("secret-v1.json"), "{not json").unwrap();
        let error = kube.validate(&json!({"apiVersion": "v1", "kind": "Secret"})).unwrap_err().to_string();
        assert!(error.starts_with(&format!("Kubernetes schemas: {}: ", dir.path().join("secret-v1.json").display())));
        let missing = KubeSchemas::open(&dir.path().join("missing")).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(missing.contains("missing/_definitions.json"), "{missing}");
    }
}
