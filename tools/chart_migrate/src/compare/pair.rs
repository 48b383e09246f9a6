//! Pairing the objects of two charts: by kind and name without the release prefix, after
//! the user's renames; an object named at random by kind and the rest of its name.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::error::MigrateError;
use crate::object::{short_name, Object};

/// What an object is called across the two charts: its kind and its short name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectKey {
    pub kind: String,
    pub name: String,
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind, self.name)
    }
}

/// `--rename [KIND/]OLD=NEW`: the manual chart's object OLD is the generated chart's NEW
/// (both short names; OLD may also be the full rendered name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rename {
    pub spec: String,
    pub kind: Option<String>,
    pub from: String,
    pub to: String,
}

impl FromStr for Rename {
    type Err = MigrateError;

    fn from_str(spec: &str) -> Result<Rename, MigrateError> {
        let bad = |reason: &str| MigrateError::Rename { spec: spec.to_string(), reason: reason.to_string() };
        let (old, new) = spec.split_once('=').ok_or_else(|| bad("expected [KIND/]OLD=NEW"))?;
        let (kind, from) = match old.split_once('/') {
            Some((kind, from)) => (Some(kind.to_string()), from),
            None => (None, old),
        };
        // NEW may repeat the kind (`Ingress/web=Ingress/ingress`); it must be the same one.
        let to = match (new.split_once('/'), &kind) {
            (Some((new_kind, to)), Some(kind)) if new_kind == kind => to,
            (Some(_), _) => return Err(bad("a rename cannot change the kind of an object")),
            (None, _) => new,
        };
        if from.is_empty() || to.is_empty() || kind.as_deref() == Some("") {
            return Err(bad("expected [KIND/]OLD=NEW with non-empty names"));
        }
        Ok(Rename { spec: spec.to_string(), kind, from: from.to_string(), to: to.to_string() })
    }
}

impl Rename {
    fn matches(&self, object: &Object, short: &str) -> bool {
        self.kind.as_deref().is_none_or(|k| k == object.kind) && (self.from == short || self.from == object.name)
    }
}

/// Names the keys of both sides are computed with.
pub struct Naming<'a> {
    pub release: &'a str,
    pub manual_chart: &'a str,
    pub generated_chart: &'a str,
    /// Objects named at random, by index, with their masked short names (`test-*`).
    pub manual_random: &'a BTreeMap<usize, String>,
    pub generated_random: &'a BTreeMap<usize, String>,
}

#[derive(Debug)]
pub struct Pairing<'a> {
    pub both: Vec<(ObjectKey, &'a Object, &'a Object)>,
    pub only_manual: Vec<ObjectKey>,
    pub only_generated: Vec<ObjectKey>,
    /// Renames that applied: manual key before -> after.
    pub renamed: Vec<(ObjectKey, ObjectKey)>,
}

pub fn pair<'a>(
    manual: &'a [Object],
    generated: &'a [Object],
    naming: &Naming,
    renames: &[Rename],
) -> Result<Pairing<'a>, MigrateError> {
    let mut used = vec![false; renames.len()];
    let mut renamed = Vec::new();
    let manual = keyed("manual", manual, naming.manual_random, |object| {
        let short = short_name(&object.name, naming.release, naming.manual_chart);
        let before = ObjectKey { kind: object.kind.clone(), name: short.clone() };
        match renames.iter().position(|r| r.matches(object, &short)) {
            Some(i) => {
                used[i] = true;
                let after = ObjectKey { kind: object.kind.clone(), name: renames[i].to.clone() };
                renamed.push((before, after.clone()));
                after
            }
            None => before,
        }
    })?;
    if let Some(unused) = renames.iter().zip(&used).find_map(|(r, used)| (!used).then_some(r)) {
        return Err(MigrateError::Rename {
            spec: unused.spec.clone(),
            reason: "matches no object of the manual chart".into(),
        });
    }
    let mut generated = keyed("generated", generated, naming.generated_random, |object| ObjectKey {
        kind: object.kind.clone(),
        name: short_name(&object.name, naming.release, naming.generated_chart),
    })?;

    let mut both = Vec::new();
    let mut only_manual = Vec::new();
    for (key, manual_object) in manual {
        match generated.remove(&key) {
            Some(generated_object) => both.push((key, manual_object, generated_object)),
            None => only_manual.push(key),
        }
    }
    Ok(Pairing { both, only_manual, only_generated: generated.into_keys().collect(), renamed })
}

/// The objects of one side by key. An object named at random is keyed by its masked name
/// (`Pod/test-*`), numbered in render order when a chart has several such (`test-*#2`).
fn keyed<'a>(
    side: &'static str,
    objects: &'a [Object],
    random: &BTreeMap<usize, String>,
    mut key_of: impl FnMut(&Object) -> ObjectKey,
) -> Result<BTreeMap<ObjectKey, &'a Object>, MigrateError> {
    let mut keyed: BTreeMap<ObjectKey, &Object> = BTreeMap::new();
    for (index, object) in objects.iter().enumerate() {
        let key = match random.get(&index) {
            Some(masked) => {
                let mut key = ObjectKey { kind: object.kind.clone(), name: masked.clone() };
                let mut n = 2;
                while keyed.contains_key(&key) {
                    key.name = format!("{masked}#{n}");
                    n += 1;
                }
                key
            }
            None => key_of(object),
        };
        if let Some(first) = keyed.get(&key) {
            return Err(MigrateError::DuplicateObject {
                side,
                key: key.to_string(),
                first: first.template.clone(),
                second: object.template.clone(),
            });
        }
        keyed.insert(key, object);
    }
    Ok(keyed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(kind: &str, name: &str) -> Object {
        Object { kind: kind.into(), name: name.into(), template: format!("t/{name}.yaml"), body: json!({}) }
    }

    const NONE: &BTreeMap<usize, String> = &BTreeMap::new();
    const NAMING: Naming = Naming {
        release: "r",
        manual_chart: "shop",
        generated_chart: "shop",
        manual_random: NONE,
        generated_random: NONE,
    };

    #[test]
    fn pairs_by_kind_and_short_name() {
        let manual =
            [object("Deployment", "r-shop-web"), object("Service", "r-shop-web"), object("Pod", "r-shop-test")];
        let generated =
            [object("Deployment", "r-web"), object("Service", "r-web"), object("PodDisruptionBudget", "r-web")];
        let pairing = pair(&manual, &generated, &NAMING, &[]).unwrap();
        let both: Vec<String> = pairing.both.iter().map(|(k, _, _)| k.to_string()).collect();
        assert_eq!(both, ["Deployment/web", "Service/web"]);
        assert_eq!(pairing.only_manual[0].to_string(), "Pod/test");
        assert_eq!(pairing.only_generated[0].to_string(), "PodDisruptionBudget/web");
    }

    #[test]
    fn renames_apply_and_must_match() {
        let manual = [object("ConfigMap", "r-shop-config")];
        let generated = [object("ConfigMap", "r-api")];
        let rename: Rename = "ConfigMap/config=api".parse().unwrap();
        let pairing = pair(&manual, &generated, &NAMING, &[rename]).unwrap();
        assert_eq!(pairing.both.len(), 1);
        assert_eq!(pairing.renamed[0].0.to_string(), "ConfigMap/config");

        let unused: Rename = "Secret/config=api".parse().unwrap();
        let error = pair(&manual, &generated, &NAMING, &[unused]).unwrap_err();
        assert_eq!(error.to_string(), "--rename \"Secret/config=api\": matches no object of the manual chart");
    }

    #[test]
    fn bad_renames_are_refused() {
        assert!("web".parse::<Rename>().is_err());
        assert!("Ingress/web=Service/web".parse::<Rename>().is_err());
        assert_eq!("Ingress/web=Ingress/ingress".parse::<Rename>().unwrap().to, "ingress");
    }

    #[test]
    fn objects_named_at_random_pair_by_kind_and_the_rest_of_the_name() {
        let manual = [object("Pod", "r-shop-test-abcde"), object("Pod", "r-shop-test-fghij")];
        let generated = [object("Pod", "r-shop-test-klmno"), object("Pod", "r-shop-test-pqrst")];
        let random = BTreeMap::from([(0, "test-*".to_string()), (1, "test-*".to_string())]);
        let naming = Naming { manual_random: &random, generated_random: &random, ..NAMING };
        let pairing = pair(&manual, &generated, &naming, &[]).unwrap();
        let both: Vec<String> = pairing.both.iter().map(|(k, m, g)| format!("{k} {} {}", m.name, g.name)).collect();
        assert_eq!(
            both,
            ["Pod/test-* r-shop-test-abcde r-shop-test-klmno", "Pod/test-*#2 r-shop-test-fghij r-shop-test-pqrst"]
        );
    }

    #[test]
    fn duplicates_are_errors() {
        let manual = [object("Service", "r-shop-web"), object("Service", "r-web")];
        let error = pair(&manual, &[], &NAMING, &[]).unwrap_err();
        assert!(error.to_string().starts_with("the manual chart renders Service/web twice"), "{error}");
    }

    #[test]
    fn a_rename_needs_every_name() {
        for spec in ["=api", "ConfigMap/=api", "config=", "ConfigMap/config=ConfigMap/", "/config=api"] {
            let error = spec.parse::<Rename>().unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("--rename {spec:?}: expected [KIND/]OLD=NEW with non-empty names"),
                "{spec}"
            );
        }
        assert_eq!("web".parse::<Rename>().unwrap_err().to_string(), "--rename \"web\": expected [KIND/]OLD=NEW");
        assert_eq!(
            "web=Service/api".parse::<Rename>().unwrap_err().to_string(),
            "--rename \"web=Service/api\": a rename cannot change the kind of an object"
        );
        let rename: Rename = "config=api".parse().unwrap();
        assert_eq!((rename.kind, rename.from.as_str(), rename.to.as_str()), (None, "config", "api"));
    }

    #[test]
    fn a_rename_matches_the_short_or_the_full_name_of_its_kind() {
        let manual = [object("ConfigMap", "r-shop-config"), object("Secret", "r-shop-config")];
        let generated = [object("ConfigMap", "r-api"), object("Secret", "r-config")];
        for spec in ["ConfigMap/config=api", "ConfigMap/r-shop-config=api"] {
            let rename: Rename = spec.parse().unwrap();
            let pairing = pair(&manual, &generated, &NAMING, &[rename]).unwrap();
            let both: Vec<String> = pairing.both.iter().map(|(k, m, _)| format!("{k} {}", m.id())).collect();
            assert_eq!(both, ["ConfigMap/api ConfigMap/r-shop-config", "Secret/config Secret/r-shop-config"], "{spec}");
            assert_eq!(pairing.renamed.len(), 1, "{spec}");
        }
        let other: Rename = "ConfigMap/other=api".parse().unwrap();
        let error = pair(&manual, &generated, &NAMING, &[other]).unwrap_err();
        assert!(error.to_string().ends_with("matches no object of the manual chart"), "{error}");
    }

    #[test]
    fn a_third_object_named_at_random_alike_is_numbered_three() {
        let manual =
            [object("Pod", "r-shop-test-a1"), object("Pod", "r-shop-test-b2"), object("Pod", "r-shop-test-c3")];
        let random = BTreeMap::from([(0, "test-*".to_string()), (1, "test-*".to_string()), (2, "test-*".to_string())]);
        let naming = Naming { manual_random: &random, ..NAMING };
        let pairing = pair(&manual, &[], &naming, &[]).unwrap();
        let keys: Vec<String> = pairing.only_manual.iter().map(ToString::to_string).collect();
        assert_eq!(keys, ["Pod/test-*", "Pod/test-*#2", "Pod/test-*#3"]);
    }
}
