//! Documented noise: fields that differ between any two charts without meaning anything,
//! removed from both sides before diffing (unless `--strict`) and counted for the report.
//!
//! - the `helm.sh/chart` label: chart name and version, different by construction;
//! - `checksum/*` annotations: hashes of other templates, which change whenever those do and
//!   are reported there;
//! - key order: gone by construction, objects are compared as parsed data.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Noise {
    ChartLabel,
    ChecksumAnnotation,
}

impl fmt::Display for Noise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Noise::ChartLabel => "helm.sh/chart labels",
            Noise::ChecksumAnnotation => "checksum/* annotations",
        })
    }
}

/// Removes the noise from every `metadata` in `body` (the object's own and its pod
/// templates'); a labels or annotations map left empty goes too, so that an annotation map
/// holding only a checksum does not show up as a difference of its own.
pub fn strip(body: &mut Value, counts: &mut BTreeMap<Noise, usize>) {
    match body {
        Value::Object(map) => {
            if let Some(Value::Object(metadata)) = map.get_mut("metadata") {
                strip_map(metadata, "labels", counts, |key| (key == "helm.sh/chart").then_some(Noise::ChartLabel));
                strip_map(metadata, "annotations", counts, |key| {
                    key.starts_with("checksum/").then_some(Noise::ChecksumAnnotation)
                });
            }
            for value in map.values_mut() {
                strip(value, counts);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| strip(item, counts)),
        _ => {}
    }
}

fn strip_map(
    metadata: &mut serde_json::Map<String, Value>,
    field: &str,
    counts: &mut BTreeMap<Noise, usize>,
    noise: impl Fn(&str) -> Option<Noise>,
) {
    let Some(Value::Object(entries)) = metadata.get_mut(field) else { return };
    let noisy: Vec<(String, Noise)> = entries.keys().filter_map(|k| noise(k).map(|n| (k.clone(), n))).collect();
    if noisy.is_empty() {
        return;
    }
    for (key, kind) in noisy {
        entries.remove(&key);
        *counts.entry(kind).or_default() += 1;
    }
    if entries.is_empty() {
        metadata.remove(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn chart_labels_and_checksums_go_everywhere() {
        let mut body = json!({
            "metadata": {"labels": {"helm.sh/chart": "a-1", "app": "x"}},
            "spec": {"template": {"metadata": {"annotations": {"checksum/config": "abc"}, "labels": {"helm.sh/chart": "a-1"}}}}
        });
        let mut counts = BTreeMap::new();
        strip(&mut body, &mut counts);
        assert_eq!(body, json!({"metadata": {"labels": {"app": "x"}}, "spec": {"template": {"metadata": {}}}}));
        assert_eq!(counts, BTreeMap::from([(Noise::ChartLabel, 2), (Noise::ChecksumAnnotation, 1)]));
    }

    #[test]
    fn other_annotations_stay() {
        let mut body = json!({"metadata": {"annotations": {"checksum/x": "1", "helm.sh/hook": "test"}}});
        strip(&mut body, &mut BTreeMap::new());
        assert_eq!(body, json!({"metadata": {"annotations": {"helm.sh/hook": "test"}}}));
    }

    #[test]
    fn noise_inside_lists_goes_too() {
        let mut body = json!({"items": [
            {"metadata": {"labels": {"helm.sh/chart": "a-1", "app": "x"}}},
            [{"metadata": {"annotations": {"checksum/secret": "1"}}}]
        ]});
        let mut counts = BTreeMap::new();
        strip(&mut body, &mut counts);
        assert_eq!(body, json!({"items": [{"metadata": {"labels": {"app": "x"}}}, [{"metadata": {}}]]}));
        assert_eq!(counts, BTreeMap::from([(Noise::ChartLabel, 1), (Noise::ChecksumAnnotation, 1)]));
        assert_eq!(Noise::ChartLabel.to_string(), "helm.sh/chart labels");
        assert_eq!(Noise::ChecksumAnnotation.to_string(), "checksum/* annotations");
    }
}
