//! Applying recommendations to a chart's effective values: each one mapped, converted and
//! placed, or refused naming its key, value and values path; the ones that change nothing
//! and the ones below the confidence floor are set aside and reported.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::convert;
use crate::error::OverlayError;
use crate::input::{Recommendation, RecommendationSet};
use crate::mapping::Mapping;
use crate::paths::{self, Segment, ValuesPath};

/// One value a recommendation changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub path: ValuesPath,
    pub before: Option<Value>,
    pub after: Value,
}

/// A recommendation that changes something.
#[derive(Debug, Clone)]
pub struct Applied {
    pub recommendation: Recommendation,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone)]
pub struct Plan {
    /// The values before: the chart's defaults plus the environment's file.
    pub effective: Value,
    /// The values after every applied recommendation.
    pub proposed: Value,
    pub applied: Vec<Applied>,
    /// Recommendations whose values the chart already has.
    pub unchanged: Vec<Recommendation>,
    /// Recommendations below the confidence floor.
    pub skipped: Vec<Recommendation>,
    /// Recommendations without a mapping, with the reason (only with `skip_unmapped`).
    pub unmapped: Vec<(Recommendation, String)>,
}

/// How recommendations are placed.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanOptions {
    /// Recommendations less confident than this are skipped.
    pub min_confidence: f64,
    /// Whether a new key may be added to an existing map (only when the chart has a values
    /// schema, which then judges it; without one a new key is taken for a typo).
    pub open_maps: bool,
    /// Recommendations without a mapping are set aside (listed with their reason) instead
    /// of refusing the whole set.
    pub skip_unmapped: bool,
}

/// Places every recommendation of `set` at least `options.min_confidence` confident. Every
/// recommendation without a mapping is named in one error (unless `skip_unmapped`).
pub fn plan(
    set: &RecommendationSet,
    mapping: &Mapping,
    effective: &Value,
    options: PlanOptions,
) -> Result<Plan, OverlayError> {
    let PlanOptions { min_confidence, open_maps, skip_unmapped } = options;
    let mut proposed = effective.clone();
    let mut plan = Plan {
        effective: effective.clone(),
        proposed: Value::Null,
        applied: Vec::new(),
        unchanged: Vec::new(),
        skipped: Vec::new(),
        unmapped: Vec::new(),
    };
    let mut unmapped = Vec::new();
    // Which recommendation set each path, to refuse two that disagree.
    let mut owners: BTreeMap<ValuesPath, (String, Value)> = BTreeMap::new();
    for recommendation in &set.recommendations {
        if recommendation.confidence < min_confidence {
            plan.skipped.push(recommendation.clone());
            continue;
        }
        let changes = match place(recommendation, mapping, effective, open_maps, &mut owners) {
            Err(OverlayError::Unmapped { key, message }) => {
                plan.unmapped.push((recommendation.clone(), message.clone()));
                unmapped.push(OverlayError::Unmapped { key, message });
                continue;
            }
            other => other?,
        };
        for change in &changes {
            paths::set(&mut proposed, &change.path, change.after.clone());
        }
        if changes.is_empty() {
            plan.unchanged.push(recommendation.clone());
        } else {
            plan.applied.push(Applied { recommendation: recommendation.clone(), changes });
        }
    }
    if !unmapped.is_empty() && !skip_unmapped {
        return Err(OverlayError::UnmappedAll(unmapped));
    }
    plan.proposed = proposed;
    Ok(plan)
}

/// The changes one recommendation makes (none when the chart already has its values).
fn place(
    recommendation: &Recommendation,
    mapping: &Mapping,
    effective: &Value,
    open_maps: bool,
    owners: &mut BTreeMap<ValuesPath, (String, Value)>,
) -> Result<Vec<Change>, OverlayError> {
    let value = recommendation.value.to_json();
    let mut changes = Vec::new();
    for target in mapping.resolve(&recommendation.key, effective)? {
        let refuse = |message: String| OverlayError::Recommendation {
            key: recommendation.key.clone(),
            value: value.to_string(),
            values_path: target.path.to_string(),
            message,
        };
        let after = convert::convert(target.convert, &value).map_err(|reason| refuse(format!("the value {reason}")))?;
        let before = check_place(effective, &target.path, open_maps).map_err(refuse)?;
        if let Some(Value::Object(_) | Value::Array(_)) = before {
            return Err(refuse("the chart has a map or list there, not a single value".into()));
        }
        if let Some((other, other_value)) = owners.get(&target.path) {
            if *other_value != after {
                return Err(refuse(format!("recommendation {other:?} sets this path to {other_value}")));
            }
        }
        owners.insert(target.path.clone(), (recommendation.key.clone(), after.clone()));
        let same = before.as_ref().is_some_and(|b| b == &after || convert::same_amount(target.convert, b, &after));
        if !same {
            changes.push(Change { path: target.path.clone(), before, after });
        }
    }
    Ok(changes)
}

/// The current value at `path`; a missing last key of an existing map is allowed when
/// `open_maps`. Anything else missing is a path the chart does not have.
fn check_place(effective: &Value, path: &ValuesPath, open_maps: bool) -> Result<Option<Value>, String> {
    let Some((found, missing)) = paths::missing_part(effective, path) else {
        return Ok(paths::get(effective, path).cloned());
    };
    let is_last = found.segments().len() + 1 == path.segments().len();
    let parent_is_map = paths::get(effective, &found).is_some_and(Value::is_object);
    if is_last && parent_is_map && matches!(missing, Segment::Key(_)) && open_maps {
        return Ok(None);
    }
    let what = match &missing {
        Segment::Key(key) => format!("no key {key:?}"),
        Segment::Index(index) => format!("no item [{index}]"),
    };
    let place = if found.segments().is_empty() { "at the top level".to_string() } else { format!("under {found}") };
    let hint = if is_last && parent_is_map { " (a chart without values.schema.json gets no new keys)" } else { "" };
    Err(format!("the chart has no such value: {what} {place}{hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::ScalarValue;
    use serde_json::json;

    fn set_of(recommendations: &[(&str, Value, f64)]) -> RecommendationSet {
        RecommendationSet {
            api_version: crate::input::API_VERSION.into(),
            kind: crate::input::KIND.into(),
            app_id: "app-1".into(),
            workload: "w".into(),
            generated_at: "2026-02-22T12:00:00Z".into(),
            source: "test".into(),
            confidence: 0.9,
            based_on: vec![],
            recommendations: recommendations
                .iter()
                .map(|(key, value, confidence)| Recommendation {
                    key: key.to_string(),
                    value: serde_json::from_value::<ScalarValue>(value.clone()).unwrap(),
                    reason: "because".into(),
                    confidence: *confidence,
                })
                .collect(),
        }
    }

    fn values() -> Value {
        json!({"apps": {"api": {"replicas": 2, "resources": {"limits": {"memory": "1Gi"}}, "config": {"data": {"A": "1"}}}}})
    }

    fn options(min_confidence: f64, open_maps: bool) -> PlanOptions {
        PlanOptions { min_confidence, open_maps, skip_unmapped: false }
    }

    fn mapping() -> Mapping {
        Mapping::new(None, Some("api:internal-api")).unwrap()
    }

    #[test]
    fn changes_unchanged_and_skipped_are_sorted_out() {
        let set = set_of(&[
            ("api.replicas", json!(4), 0.9),
            ("api.memory.limit", json!("1g"), 0.9),
            ("api.config.B", json!(7), 0.8),
            ("api.config.A", json!("2"), 0.5),
        ]);
        let plan = plan(&set, &mapping(), &values(), options(0.6, true)).unwrap();
        let applied: Vec<&str> = plan.applied.iter().map(|a| a.recommendation.key.as_str()).collect();
        assert_eq!(applied, ["api.replicas", "api.config.B"]);
        assert_eq!(plan.unchanged[0].key, "api.memory.limit", "1g is the 1Gi the chart has");
        assert_eq!(plan.skipped[0].key, "api.config.A");
        assert_eq!(plan.proposed["apps"]["api"]["replicas"], json!(4));
        assert_eq!(plan.proposed["apps"]["api"]["config"]["data"], json!({"A": "1", "B": "7"}));
        assert_eq!(plan.applied[1].changes[0].before, None);
    }

    #[test]
    fn missing_paths_name_the_place() {
        let error = |recommendations: &[(&str, Value, f64)], open| {
            plan(&set_of(recommendations), &mapping(), &values(), options(0.0, open)).unwrap_err().to_string()
        };
        let new_key = plan(&set_of(&[("api.cpu.limit", json!(2), 0.9)]), &mapping(), &values(), options(0.0, true));
        assert_eq!(new_key.unwrap().proposed["apps"]["api"]["resources"]["limits"]["cpu"], json!("2"), "schema judges");
        assert_eq!(
            error(&[("api.config.B", json!("x"), 0.9)], false),
            "recommendation \"api.config.B\" (value \"x\") -> apps.api.config.data.B: the chart has no such value: no \
             key \"B\" under apps.api.config.data (a chart without values.schema.json gets no new keys)"
        );
        assert!(error(&[("api.autoscaling.min-replicas", json!(1), 0.9)], true)
            .ends_with("no key \"autoscaling\" under apps.api"));
    }

    #[test]
    fn every_unmapped_recommendation_is_named_or_skipped() {
        let set = set_of(&[
            ("api.replicas", json!(4), 0.9),
            ("spark.executor.cores", json!(3), 0.9),
            ("api.gpu.limit", json!(1), 0.9),
        ]);
        let error = plan(&set, &mapping(), &values(), options(0.0, true)).unwrap_err().to_string();
        assert!(
            error.starts_with(
                "2 recommendations have no mapping to a values path (--skip-unmapped applies the others and lists \
                 these):\n  recommendation \"spark.executor.cores\" has no mapping to a values path: \"spark\" is not \
                 an app of the chart (apps: api)"
            ),
            "{error}"
        );
        assert!(
            error.contains("\n  recommendation \"api.gpu.limit\" has no mapping to a values path: \"gpu.limit\""),
            "{error}"
        );
        let skipping = PlanOptions { skip_unmapped: true, ..options(0.0, true) };
        let plan = plan(&set, &mapping(), &values(), skipping).unwrap();
        assert_eq!(plan.applied.len(), 1);
        let skipped: Vec<&str> = plan.unmapped.iter().map(|(r, _)| r.key.as_str()).collect();
        assert_eq!(skipped, ["spark.executor.cores", "api.gpu.limit"]);
        assert_eq!(plan.proposed["apps"]["api"]["replicas"], json!(4));
    }

    #[test]
    fn the_confidence_floor_itself_is_applied_and_a_value_the_chart_has_is_unchanged() {
        let set = set_of(&[("api.replicas", json!(4), 0.6), ("api.config.A", json!("1"), 0.9)]);
        let plan = plan(&set, &mapping(), &values(), options(0.6, false)).unwrap();
        assert_eq!(plan.applied.len(), 1, "confidence 0.6 meets a floor of 0.6");
        assert_eq!(plan.applied[0].recommendation.key, "api.replicas");
        assert!(plan.skipped.is_empty());
        let unchanged: Vec<&str> = plan.unchanged.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(unchanged, ["api.config.A"], "\"1\" is the value the chart has");
    }

    #[test]
    fn two_recommendations_for_one_path_must_agree() {
        // A KEDA trigger by its name and by its index is one values path.
        let values = json!({"apps": {"api": {"keda": {"triggers": [{"name": "queue", "metadata": {"value": "50"}}]}}}});
        let by_name = "api.keda.trigger.queue.value";
        let by_index = "api.keda.trigger.0.value";
        let agreeing = set_of(&[(by_name, json!(60), 0.9), (by_index, json!("60"), 0.9)]);
        let agreed = plan(&agreeing, &mapping(), &values, options(0.0, false)).unwrap();
        assert_eq!(agreed.proposed["apps"]["api"]["keda"]["triggers"][0]["metadata"]["value"], json!("60"));
        let disagreeing = set_of(&[(by_name, json!(60), 0.9), (by_index, json!(70), 0.9)]);
        assert_eq!(
            plan(&disagreeing, &mapping(), &values, options(0.0, false)).unwrap_err().to_string(),
            "recommendation \"api.keda.trigger.0.value\" (value 70) -> apps.api.keda.triggers[0].metadata.value: \
             recommendation \"api.keda.trigger.queue.value\" sets this path to \"60\""
        );
    }

    #[test]
    fn conversions_fail_naming_key_value_and_path() {
        let error =
            plan(&set_of(&[("api.memory.limit", json!("6GB"), 0.9)]), &mapping(), &values(), options(0.0, true))
                .unwrap_err()
                .to_string();
        assert_eq!(
            error,
            "recommendation \"api.memory.limit\" (value \"6GB\") -> apps.api.resources.limits.memory: the value has \
             the ambiguous unit \"GB\": Spark reads it as binary, Kubernetes as decimal; write 6g (Spark) or 6Gi \
             (Kubernetes)"
        );
    }
}
