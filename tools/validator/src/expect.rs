//! What a test expects of the rendered objects (`--expect-object`, `--expect-value`); every
//! unmet expectation is a problem of kind `expectation`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::ValidateError;
use crate::problem::{Kind, Problem};

pub struct Expectations {
    /// When not empty, exactly the objects (`Kind/name`) every run must render.
    objects: BTreeSet<String>,
    /// `(Kind/name, /json/pointer, value)`; a null value: the field must be absent (or null).
    values: Vec<(String, String, Value)>,
}

impl Expectations {
    /// From `Kind/name` objects and `Kind/name:/pointer=JSON` values.
    pub fn parse(objects: &[String], values: &[String]) -> Result<Expectations, ValidateError> {
        let values = values
            .iter()
            .map(|spec| {
                let bad = || ValidateError::Usage(format!("--expect-value {spec:?} is not Kind/name:/pointer=JSON"));
                let (object, rest) = spec.split_once(":/").ok_or_else(bad)?;
                let (pointer, json) = rest.split_once('=').ok_or_else(bad)?;
                let expected = serde_json::from_str(json).map_err(|_| bad())?;
                Ok((object.to_string(), format!("/{pointer}"), expected))
            })
            .collect::<Result<_, ValidateError>>()?;
        Ok(Expectations { objects: objects.iter().cloned().collect(), values })
    }

    /// Every unmet expectation, for the objects (keyed `Kind/name`) of one run.
    pub fn check(&self, objects: &BTreeMap<String, Value>) -> Vec<Problem> {
        let mut problems = Vec::new();
        if !self.objects.is_empty() {
            let rendered: BTreeSet<String> = objects.keys().cloned().collect();
            for missing in self.objects.difference(&rendered) {
                problems.push(Problem::new(Kind::Expectation, format!("{missing} was not rendered")));
            }
            for extra in rendered.difference(&self.objects) {
                problems.push(Problem::new(Kind::Expectation, format!("{extra} was rendered but not expected")));
            }
        }
        for (object, pointer, expected) in &self.values {
            let actual = objects.get(object).and_then(|o| o.pointer(pointer));
            let met = if expected.is_null() {
                objects.contains_key(object) && actual.is_none_or(Value::is_null)
            } else {
                actual == Some(expected)
            };
            if !met {
                let got = match (objects.contains_key(object), actual) {
                    (false, _) => format!("no {object} was rendered"),
                    (true, None) => "nothing".to_string(),
                    (true, Some(value)) => value.to_string(),
                };
                problems.push(Problem::new(Kind::Expectation, format!("{object} {pointer} = {expected}, got {got}")));
            }
        }
        problems
    }

    /// How many objects and values are expected.
    pub fn counts(&self) -> (usize, usize) {
        (self.objects.len(), self.values.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rendered() -> BTreeMap<String, Value> {
        BTreeMap::from([
            ("Deployment/web".to_string(), json!({"kind": "Deployment", "spec": {"replicas": 2}})),
            ("Service/web".to_string(), json!({"kind": "Service", "spec": {"type": "ClusterIP"}})),
        ])
    }

    fn texts(problems: Vec<Problem>) -> Vec<String> {
        problems.iter().map(ToString::to_string).collect()
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn no_expectations_are_always_met() {
        assert_eq!(Expectations::parse(&[], &[]).unwrap().check(&rendered()), []);
        assert_eq!(Expectations::parse(&[], &[]).unwrap().check(&BTreeMap::new()), []);
    }

    #[test]
    fn the_exact_set_of_objects() {
        let met = Expectations::parse(&strings(&["Service/web", "Deployment/web"]), &[]).unwrap();
        assert_eq!(met.check(&rendered()), []);
        let unmet = Expectations::parse(&strings(&["Deployment/web", "Ingress/web"]), &[]).unwrap();
        assert_eq!(
            texts(unmet.check(&rendered())),
            ["expectation: Ingress/web was not rendered", "expectation: Service/web was rendered but not expected"]
        );
    }

    #[test]
    fn values_in_objects() {
        let met = Expectations::parse(
            &[],
            &strings(&["Deployment/web:/spec/replicas=2", "Service/web:/spec/type=\"ClusterIP\""]),
        )
        .unwrap();
        assert_eq!(met.check(&rendered()), []);
        let unmet = Expectations::parse(
            &[],
            &strings(&[
                "Deployment/web:/spec/replicas=3",
                "Deployment/web:/spec/paused=true",
                "Deployment/other:/spec/replicas=2",
            ]),
        )
        .unwrap();
        assert_eq!(
            texts(unmet.check(&rendered())),
            [
                "expectation: Deployment/web /spec/replicas = 3, got 2",
                "expectation: Deployment/web /spec/paused = true, got nothing",
                "expectation: Deployment/other /spec/replicas = 2, got no Deployment/other was rendered",
            ]
        );
    }

    #[test]
    fn null_means_absent_from_a_rendered_object() {
        let absent = Expectations::parse(&[], &strings(&["Deployment/web:/spec/paused=null"])).unwrap();
        assert_eq!(absent.check(&rendered()), []);
        let present = Expectations::parse(&[], &strings(&["Deployment/web:/spec/replicas=null"])).unwrap();
        assert_eq!(texts(present.check(&rendered())), ["expectation: Deployment/web /spec/replicas = null, got 2"]);
        let no_object = Expectations::parse(&[], &strings(&["Deployment/other:/spec/replicas=null"])).unwrap();
        assert_eq!(no_object.check(&rendered()).len(), 1);
    }

    #[test]
    fn malformed_values_are_refused() {
        for spec in ["Deployment/web", "Deployment/web:/spec/replicas", "Deployment/web:/spec/replicas=two"] {
            assert!(Expectations::parse(&[], &strings(&[spec])).is_err(), "{spec}");
        }
    }

    #[test]
    fn expectations_are_counted_and_an_explicit_null_is_absent() {
        let expectations = Expectations::parse(
            &strings(&["Deployment/web", "Service/web", "Deployment/web"]),
            &strings(&["Deployment/web:/spec/replicas=2", "Deployment/web:/spec/paused=null"]),
        )
        .unwrap();
        assert_eq!(expectations.counts(), (2, 2));
        assert_eq!(Expectations::parse(&[], &[]).unwrap().counts(), (0, 0));
        let mut objects = rendered();
        objects.insert("ConfigMap/c".to_string(), json!({"data": {"k": null}}));
        let null = Expectations::parse(&[], &strings(&["ConfigMap/c:/data/k=null"])).unwrap();
        assert_eq!(null.check(&objects), []);
        let missing = Expectations::parse(&[], &strings(&["ConfigMap/d:/data/k=null"])).unwrap();
        assert_eq!(
            texts(missing.check(&objects)),
            ["expectation: ConfigMap/d /data/k = null, got no ConfigMap/d was rendered"]
        );
        let error = Expectations::parse(&[], &strings(&["Deployment/web:/x"])).err().map(|e| e.to_string());
        assert_eq!(error.unwrap_or_default(), "--expect-value \"Deployment/web:/x\" is not Kind/name:/pointer=JSON");
    }
}
