//! `compare`: two charts rendered by the real Helm as the same release, their objects paired
//! by kind and name, every differing field reported as a path and grouped by intent.
//!
//! render (crate::render, twice per chart) -> find randomness (random) -> pair -> strip
//! noise and random fields, fill in Kubernetes' defaults (defaults) -> diff -> group ->
//! report.

pub mod defaults;
pub mod diff;
pub mod group;
pub mod noise;
pub mod pair;
pub mod random;
pub mod report;

use std::collections::BTreeMap;

use crate::error::MigrateError;
use crate::path::FieldPath;
use crate::render::{Release, RenderedChart};
use diff::Change;
use group::Group;
use noise::Noise;
use pair::{Naming, ObjectKey, Rename};
use random::Randomness;

#[derive(Clone, Debug, Default)]
pub struct CompareOptions {
    /// Keep the documented noise (chart labels, checksum annotations).
    pub strict: bool,
    pub renames: Vec<Rename>,
    /// Leave Kubernetes' defaults out: a field one chart writes with its default value is
    /// then a difference from a chart that omits it.
    pub no_defaults: bool,
}

/// One side of the comparison, as the report names it.
#[derive(Clone, Debug)]
pub struct ChartSide {
    pub name: String,
    pub version: String,
    pub objects: usize,
}

/// A field of a paired object that differs.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub object: ObjectKey,
    pub path: FieldPath,
    pub change: Change,
}

#[derive(Debug)]
pub struct Comparison {
    pub manual: ChartSide,
    pub generated: ChartSide,
    pub release: Release,
    pub strict: bool,
    /// Noise removed from both sides, by kind (empty with `strict`).
    pub noise: BTreeMap<Noise, usize>,
    pub renamed: Vec<(ObjectKey, ObjectKey)>,
    /// Objects paired by kind and the rest of a name made at random (`Pod/test-*`).
    pub random_names: Vec<ObjectKey>,
    /// Fields left out because two renders of one chart gave them different values.
    pub random_fields: usize,
    /// Whether Kubernetes' defaults were filled in on both sides.
    pub defaults: bool,
    pub paired: usize,
    /// Paired objects with at least one difference.
    pub differing: usize,
    pub only_manual: Vec<ObjectKey>,
    pub only_generated: Vec<ObjectKey>,
    pub groups: BTreeMap<Group, Vec<Finding>>,
}

impl Comparison {
    pub fn is_equivalent(&self) -> bool {
        self.only_manual.is_empty() && self.only_generated.is_empty() && self.groups.is_empty()
    }

    pub fn field_count(&self) -> usize {
        self.groups.values().map(Vec::len).sum()
    }
}

/// Compares `manual` and `generated`, each with what two renders of it showed to be random.
pub fn compare(
    manual: &RenderedChart,
    generated: &RenderedChart,
    randomness: [&Randomness; 2],
    release: &Release,
    options: &CompareOptions,
) -> Result<Comparison, MigrateError> {
    let [manual_random, generated_random] = randomness;
    let naming = Naming {
        release: &release.name,
        manual_chart: &manual.metadata.name,
        generated_chart: &generated.metadata.name,
        manual_random: &manual_random.names,
        generated_random: &generated_random.names,
    };
    let pairing = pair::pair(&manual.objects, &generated.objects, &naming, &options.renames)?;
    let mut noise = BTreeMap::new();
    let mut groups: BTreeMap<Group, Vec<Finding>> = BTreeMap::new();
    let mut differing = 0;
    let mut random_names = Vec::new();
    let mut random_fields = 0;
    let index_of = |objects: &[crate::object::Object], object: &crate::object::Object| {
        objects.iter().position(|o| std::ptr::eq(o, object)).unwrap_or(usize::MAX)
    };
    for (key, manual_object, generated_object) in &pairing.both {
        let (mut manual_body, mut generated_body) = (manual_object.body.clone(), generated_object.body.clone());
        let (m, g) = (index_of(&manual.objects, manual_object), index_of(&generated.objects, generated_object));
        if manual_random.names.contains_key(&m) || generated_random.names.contains_key(&g) {
            random_names.push(key.clone());
            let name = FieldPath::of_keys(&["metadata", "name"]);
            random::remove(&mut manual_body, &name);
            random::remove(&mut generated_body, &name);
        }
        let random_paths = manual_random.fields.get(&m).into_iter().chain(generated_random.fields.get(&g)).flatten();
        for path in random_paths {
            random::remove(&mut manual_body, path);
            random::remove(&mut generated_body, path);
            random_fields += 1;
        }
        if !options.strict {
            noise::strip(&mut manual_body, &mut noise);
            noise::strip(&mut generated_body, &mut noise);
        }
        if !options.no_defaults {
            defaults::apply(&key.kind, &mut manual_body);
            defaults::apply(&key.kind, &mut generated_body);
        }
        let differences = diff::diff(&manual_body, &generated_body);
        if !differences.is_empty() {
            differing += 1;
        }
        for difference in differences {
            groups.entry(group::classify(&key.kind, &difference.path)).or_default().push(Finding {
                object: key.clone(),
                path: difference.path,
                change: difference.change,
            });
        }
    }
    let side = |chart: &RenderedChart| ChartSide {
        name: chart.metadata.name.clone(),
        version: chart.metadata.version.clone(),
        objects: chart.objects.len(),
    };
    Ok(Comparison {
        manual: side(manual),
        generated: side(generated),
        release: release.clone(),
        strict: options.strict,
        noise,
        renamed: pairing.renamed,
        random_names,
        random_fields,
        defaults: !options.no_defaults,
        paired: pairing.both.len(),
        differing,
        only_manual: pairing.only_manual,
        only_generated: pairing.only_generated,
        groups,
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use helm_sdk::ChartMetadata;
    use serde_json::{json, Value};

    use super::*;
    use crate::object::Object;

    fn object(kind: &str, name: &str, body: Value) -> Object {
        Object { kind: kind.into(), name: name.into(), template: "x/templates/x.yaml".into(), body }
    }

    fn chart(name: &str, objects: Vec<Object>) -> RenderedChart {
        let metadata = ChartMetadata { name: name.into(), version: "1.0.0".into(), ..ChartMetadata::default() };
        RenderedChart { path: PathBuf::from(name), metadata, objects }
    }

    fn key(kind: &str, name: &str) -> ObjectKey {
        ObjectKey { kind: kind.into(), name: name.into() }
    }

    /// A Service that differs only by its chart label and Kubernetes' defaults, a ConfigMap
    /// whose one differing field is random on both sides, and a test Pod named at random on
    /// the manual side only (its generated twin has the masked name as its name).
    fn manual_and_generated() -> (RenderedChart, RenderedChart, Randomness, Randomness) {
        let manual = chart(
            "shop",
            vec![
                object(
                    "Service",
                    "release-name-web",
                    json!({"metadata": {"labels": {"helm.sh/chart": "shop-1.0.0"}},
                           "spec": {"type": "ClusterIP", "sessionAffinity": "None",
                                    "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}]}}),
                ),
                object("ConfigMap", "release-name-cfg", json!({"data": {"token": "a1"}})),
                object("Pod", "release-name-test-ab1", json!({"metadata": {"name": "release-name-test-ab1"}})),
            ],
        );
        let generated = chart(
            "web",
            vec![
                object(
                    "Service",
                    "release-name-web",
                    json!({"metadata": {"labels": {"helm.sh/chart": "web-2.0.0"}}, "spec": {"ports": [{"port": 80}]}}),
                ),
                object("ConfigMap", "release-name-cfg", json!({"data": {"token": "b2"}})),
                object("Pod", "release-name-test-*", json!({"metadata": {"name": "release-name-test-*"}})),
            ],
        );
        let token = FieldPath::of_keys(&["data", "token"]);
        let manual_random = Randomness {
            names: BTreeMap::from([(2, "test-*".to_string())]),
            fields: BTreeMap::from([(1, vec![token.clone()])]),
        };
        let generated_random = Randomness { names: BTreeMap::new(), fields: BTreeMap::from([(1, vec![token])]) };
        (manual, generated, manual_random, generated_random)
    }

    fn run(options: &CompareOptions) -> Comparison {
        run_edited(options, |_, _| {})
    }

    /// As `run`, with `edit` applied to the manual and the generated chart first.
    fn run_edited(options: &CompareOptions, edit: impl FnOnce(&mut RenderedChart, &mut RenderedChart)) -> Comparison {
        let (mut manual, mut generated, manual_random, generated_random) = manual_and_generated();
        edit(&mut manual, &mut generated);
        compare(&manual, &generated, [&manual_random, &generated_random], &Release::default(), options)
            .expect("compares")
    }

    #[test]
    fn noise_defaults_and_randomness_leave_no_difference() {
        let comparison = run(&CompareOptions::default());
        assert!(comparison.is_equivalent(), "{:?}", comparison.groups);
        assert_eq!(comparison.field_count(), 0);
        assert_eq!(comparison.paired, 3);
        assert_eq!(comparison.differing, 0);
        assert_eq!(comparison.random_names, vec![key("Pod", "test-*")]);
        // The token path, once from each side.
        assert_eq!(comparison.random_fields, 2);
        assert_eq!(comparison.noise, BTreeMap::from([(Noise::ChartLabel, 2)]));
        assert!(comparison.defaults);
        assert!(!comparison.strict);
        assert_eq!((comparison.manual.name.as_str(), comparison.manual.version.as_str()), ("shop", "1.0.0"));
        assert_eq!((comparison.generated.name.as_str(), comparison.generated.objects), ("web", 3));
    }

    #[test]
    fn strict_without_defaults_reports_the_label_and_the_defaulted_fields() {
        let options = CompareOptions { strict: true, no_defaults: true, ..CompareOptions::default() };
        let comparison = run(&options);
        assert!(!comparison.is_equivalent());
        assert!(comparison.noise.is_empty());
        assert!(!comparison.defaults);
        assert!(comparison.strict);
        assert_eq!(comparison.differing, 1);
        let findings: Vec<String> =
            comparison.groups.values().flatten().map(|f| format!("{} {}", f.object.kind, f.path)).collect();
        assert_eq!(comparison.field_count(), findings.len());
        assert_eq!(findings.len(), 5, "{findings:?}");
        assert!(findings.iter().all(|f| f.starts_with("Service ")), "{findings:?}");
        assert!(findings.iter().any(|f| f.contains("helm.sh/chart")), "{findings:?}");
        assert!(findings.iter().any(|f| f.contains("sessionAffinity")), "{findings:?}");
    }

    #[test]
    fn an_object_of_one_side_only_is_a_difference() {
        let extra = || object("Secret", "release-name-extra", json!({}));
        let comparison = run_edited(&CompareOptions::default(), |manual, _| manual.objects.push(extra()));
        assert!(comparison.groups.is_empty() && comparison.only_generated.is_empty());
        assert_eq!(comparison.only_manual, vec![key("Secret", "extra")]);
        assert!(!comparison.is_equivalent());

        let comparison = run_edited(&CompareOptions::default(), |_, generated| generated.objects.push(extra()));
        assert_eq!(comparison.only_generated, vec![key("Secret", "extra")]);
        assert!(!comparison.is_equivalent());
    }
}
