//! The input: a RecommendationSet, what an autotuner recommends for one workload. Its JSON
//! schema (docs/recommendation-set.schema.json) is generated from these types.

use std::collections::BTreeSet;
use std::path::Path;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use crate::error::OverlayError;
use crate::strict_json;

/// The one `apiVersion` this generator reads; a later format gets a new version.
pub const API_VERSION: &str = "autotuning.helm-composer.dev/v1";
/// The one `kind`.
pub const KIND: &str = "RecommendationSet";

const WHAT: &str = "recommendation set";

/// What an autotuner recommends for one workload, with its provenance.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "RecommendationSet")]
pub struct RecommendationSet {
    /// Format version: "autotuning.helm-composer.dev/v1".
    pub api_version: String,
    /// Always "RecommendationSet".
    pub kind: String,
    /// Id of the application run the recommendations were made for, e.g. a Spark app id
    /// "app-20260222120000-0001" (printable, at most 253 characters).
    pub app_id: String,
    /// The workload tuned, a DNS-1123 label such as "nyc-taxi-etl"; names the output files.
    pub workload: String,
    /// When the recommendations were made, RFC 3339 in UTC ("2026-02-22T12:00:00Z"). Outputs
    /// carry this time, never the clock's.
    pub generated_at: String,
    /// What the recommendations were derived from, e.g. "metrics analysis (14.2M records)".
    pub source: String,
    /// Confidence in the set as a whole, from 0 to 1.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub confidence: f64,
    /// The evidence, one line per observation ("gc_ratio: 0.08 (ok)").
    #[serde(default)]
    pub based_on: Vec<String>,
    /// The settings recommended, each key at most once.
    pub recommendations: Vec<Recommendation>,
}

/// One recommended setting.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    /// The setting, as the tuner names it ("spark.executor.memory"), or a built-in key of a
    /// composed chart ("<app>.replicas"); see docs/overlays.md.
    pub key: String,
    /// The recommended value: a string, number or boolean.
    pub value: ScalarValue,
    /// Why, in one sentence.
    pub reason: String,
    /// Confidence in this recommendation, from 0 to 1.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub confidence: f64,
}

/// A string, number or boolean (a null, list or object is refused).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(untagged, expecting = "a string, number or boolean")]
pub enum ScalarValue {
    Bool(bool),
    Number(serde_json::Number),
    String(String),
}

impl ScalarValue {
    pub fn to_json(&self) -> Value {
        match self {
            ScalarValue::Bool(b) => Value::Bool(*b),
            ScalarValue::Number(n) => Value::Number(n.clone()),
            ScalarValue::String(s) => Value::String(s.clone()),
        }
    }
}

/// Longest free text (source, reason, one basedOn line): 4 KiB.
const MAX_TEXT: usize = 4096;

/// Reads and checks a RecommendationSet file.
pub fn read(file: &Path) -> Result<RecommendationSet, OverlayError> {
    let set: RecommendationSet = strict_json::read(file, WHAT)?;
    check(&set).map_err(|(field, message)| OverlayError::Invalid { path: file.into(), what: WHAT, field, message })?;
    Ok(set)
}

/// What the types cannot say: versions, ranges, grammars, unique keys. `(field, message)`.
fn check(set: &RecommendationSet) -> Result<(), (String, String)> {
    let fail = |field: &str, message: String| Err((field.to_string(), message));
    if set.api_version != API_VERSION {
        return fail("apiVersion", format!("is {:?}; this generator reads {API_VERSION:?}", set.api_version));
    }
    if set.kind != KIND {
        return fail("kind", format!("is {:?}; must be {KIND:?}", set.kind));
    }
    check_text("appId", &set.app_id, 253)?;
    if !is_dns_label(&set.workload) {
        return fail("workload", format!("{:?} is not a DNS-1123 label (a-z, 0-9, '-', at most 63)", set.workload));
    }
    if let Err(message) = check_timestamp(&set.generated_at) {
        return fail("generatedAt", format!("{:?} {message}", set.generated_at));
    }
    check_text("source", &set.source, MAX_TEXT)?;
    check_confidence("confidence", set.confidence)?;
    for (index, line) in set.based_on.iter().enumerate() {
        check_text(&format!("basedOn[{index}]"), line, MAX_TEXT)?;
    }
    if set.recommendations.is_empty() {
        return fail("recommendations", "is empty: there is nothing to apply".into());
    }
    let mut keys = BTreeSet::new();
    for (index, recommendation) in set.recommendations.iter().enumerate() {
        let field = format!("recommendations[{index}]");
        check_text(&format!("{field}.key"), &recommendation.key, 253)?;
        if !keys.insert(recommendation.key.as_str()) {
            return fail(&format!("{field}.key"), format!("{:?} is recommended twice", recommendation.key));
        }
        check_text(&format!("{field}.reason"), &recommendation.reason, MAX_TEXT)?;
        check_confidence(&format!("{field}.confidence"), recommendation.confidence)?;
        if let ScalarValue::String(text) = &recommendation.value {
            if text.len() > MAX_TEXT {
                return fail(&format!("{field}.value"), format!("is {} bytes; at most {MAX_TEXT}", text.len()));
            }
        }
    }
    Ok(())
}

fn check_confidence(field: &str, confidence: f64) -> Result<(), (String, String)> {
    if (0.0..=1.0).contains(&confidence) {
        Ok(())
    } else {
        Err((field.to_string(), format!("{confidence} is outside [0, 1]")))
    }
}

/// Non-empty, at most `max` bytes, no control characters (they would only hide text).
fn check_text(field: &str, text: &str, max: usize) -> Result<(), (String, String)> {
    let message = if text.trim().is_empty() {
        "is empty".to_string()
    } else if text.len() > max {
        format!("is {} bytes; at most {max}", text.len())
    } else if let Some(c) = text.chars().find(|c| c.is_control()) {
        format!("holds the control character {c:?}")
    } else {
        return Ok(());
    };
    Err((field.to_string(), message))
}

pub fn is_dns_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// `YYYY-MM-DDTHH:MM:SSZ`, each field in its range (seconds up to 60 for a leap second).
fn check_timestamp(text: &str) -> Result<(), &'static str> {
    let bytes = text.as_bytes();
    let shape = "is not an RFC 3339 UTC time like \"2026-02-22T12:00:00Z\"";
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':'), (19, b'Z')];
    if bytes.len() != 20 || separators.iter().any(|&(at, c)| bytes[at] != c) {
        return Err(shape);
    }
    let number = |from: usize, to: usize| -> Result<u32, &'static str> {
        let digits = &text[from..to];
        if digits.bytes().all(|b| b.is_ascii_digit()) {
            digits.parse().map_err(|_| shape)
        } else {
            Err(shape)
        }
    };
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err("has no month 1 to 12"),
    };
    if day == 0 || day > days || hour > 23 || minute > 59 || second > 60 {
        return Err("is not a real date and time");
    }
    Ok(())
}

impl RecommendationSet {
    /// `2026-02-22` from `generatedAt`.
    pub fn date(&self) -> &str {
        &self.generated_at[..10]
    }

    /// `<workload>-<date>`: the stem of every file written for this set (seed 000's layout).
    pub fn file_stem(&self) -> String {
        format!("{}-{}", self.workload, self.date())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_checked_field_by_field() {
        assert_eq!(check_timestamp("2026-02-22T12:00:00Z"), Ok(()));
        assert_eq!(check_timestamp("2024-02-29T23:59:60Z"), Ok(()));
        assert!(check_timestamp("2026-02-29T12:00:00Z").is_err());
        assert!(check_timestamp("2026-13-01T12:00:00Z").is_err());
        assert!(check_timestamp("2026-02-22 12:00:00Z").is_err());
        assert!(check_timestamp("2026-02-22T12:00:00+01:00").is_err());
        assert!(check_timestamp("2026-02-22T24:00:00Z").is_err());
    }

    #[test]
    fn workload_names_are_labels() {
        assert!(is_dns_label("nyc-taxi-etl"));
        assert!(!is_dns_label("../etc"));
        assert!(!is_dns_label("Nyc"));
        assert!(!is_dns_label("-a"));
        assert!(!is_dns_label(&"a".repeat(64)));
    }

    #[test]
    fn months_have_their_own_lengths_and_centuries_leap_every_400_years() {
        assert_eq!(check_timestamp("2026-01-31T00:00:00Z"), Ok(()));
        assert_eq!(check_timestamp("2026-12-31T00:00:00Z"), Ok(()));
        assert_eq!(check_timestamp("2026-04-30T00:00:00Z"), Ok(()));
        assert_eq!(check_timestamp("2026-04-31T00:00:00Z"), Err("is not a real date and time"));
        assert_eq!(check_timestamp("2000-02-29T00:00:00Z"), Ok(()));
        assert_eq!(check_timestamp("1900-02-29T00:00:00Z"), Err("is not a real date and time"));
        assert_eq!(check_timestamp("2026-00-10T00:00:00Z"), Err("has no month 1 to 12"));
    }

    #[test]
    fn every_time_field_has_its_range() {
        let real = Err("is not a real date and time");
        assert_eq!(check_timestamp("2026-01-00T12:00:00Z"), real);
        assert_eq!(check_timestamp("2026-01-01T12:60:00Z"), real);
        assert_eq!(check_timestamp("2026-01-01T12:00:61Z"), real);
        assert_eq!(check_timestamp("2026-01-01T23:59:59Z"), Ok(()));
        assert_eq!(
            check_timestamp("2026-0a-01T12:00:00Z"),
            Err("is not an RFC 3339 UTC time like \"2026-02-22T12:00:00Z\"")
        );
    }

    fn valid() -> RecommendationSet {
        RecommendationSet {
            api_version: API_VERSION.into(),
            kind: KIND.into(),
            app_id: "app-20260222120000-0001".into(),
            workload: "nyc-taxi-etl".into(),
            generated_at: "2026-02-22T12:00:00Z".into(),
            source: "metrics".into(),
            confidence: 0.9,
            based_on: vec!["gc_ratio: 0.08 (ok)".into()],
            recommendations: vec![
                Recommendation {
                    key: "spark.executor.memory".into(),
                    value: ScalarValue::String("6g".into()),
                    reason: "headroom".into(),
                    confidence: 1.0,
                },
                Recommendation {
                    key: "spark.executor.cores".into(),
                    value: ScalarValue::Number(3.into()),
                    reason: "cpu bound".into(),
                    confidence: 0.0,
                },
            ],
        }
    }

    fn refusal(change: impl FnOnce(&mut RecommendationSet)) -> (String, String) {
        let mut set = valid();
        change(&mut set);
        check(&set).unwrap_err()
    }

    fn pair(field: &str, message: &str) -> (String, String) {
        (field.to_string(), message.to_string())
    }

    #[test]
    fn a_valid_set_passes_and_each_rule_names_its_field() {
        assert_eq!(check(&valid()), Ok(()));
        assert_eq!(
            refusal(|s| s.api_version = "v2".into()),
            pair("apiVersion", "is \"v2\"; this generator reads \"autotuning.helm-composer.dev/v1\"")
        );
        assert_eq!(refusal(|s| s.kind = "Other".into()), pair("kind", "is \"Other\"; must be \"RecommendationSet\""));
        assert_eq!(refusal(|s| s.app_id = " ".into()), pair("appId", "is empty"));
        assert_eq!(
            refusal(|s| s.workload = "Etl".into()),
            pair("workload", "\"Etl\" is not a DNS-1123 label (a-z, 0-9, '-', at most 63)")
        );
        assert_eq!(
            refusal(|s| s.generated_at = "2026-02-30T12:00:00Z".into()),
            pair("generatedAt", "\"2026-02-30T12:00:00Z\" is not a real date and time")
        );
        assert_eq!(refusal(|s| s.source = "a\u{7}b".into()), pair("source", "holds the control character '\\u{7}'"));
        assert_eq!(refusal(|s| s.confidence = 1.5), pair("confidence", "1.5 is outside [0, 1]"));
        assert_eq!(refusal(|s| s.confidence = -0.1), pair("confidence", "-0.1 is outside [0, 1]"));
        assert_eq!(refusal(|s| s.based_on.push(String::new())), pair("basedOn[1]", "is empty"));
        assert_eq!(
            refusal(|s| s.recommendations.clear()),
            pair("recommendations", "is empty: there is nothing to apply")
        );
        assert_eq!(
            refusal(|s| s.recommendations[1].key = "spark.executor.memory".into()),
            pair("recommendations[1].key", "\"spark.executor.memory\" is recommended twice")
        );
        assert_eq!(
            refusal(|s| s.recommendations[0].reason = "\n".into()),
            pair("recommendations[0].reason", "is empty")
        );
        assert_eq!(
            refusal(|s| s.recommendations[1].confidence = 2.0),
            pair("recommendations[1].confidence", "2 is outside [0, 1]")
        );
    }

    #[test]
    fn lengths_stop_at_their_limits() {
        let mut set = valid();
        set.app_id = "a".repeat(253);
        set.source = "s".repeat(MAX_TEXT);
        set.recommendations[0].key = "k".repeat(253);
        set.recommendations[0].value = ScalarValue::String("v".repeat(MAX_TEXT));
        assert_eq!(check(&set), Ok(()));
        assert_eq!(refusal(|s| s.app_id = "a".repeat(254)), pair("appId", "is 254 bytes; at most 253"));
        assert_eq!(
            refusal(|s| s.recommendations[0].value = ScalarValue::String("v".repeat(MAX_TEXT + 1))),
            pair("recommendations[0].value", "is 4097 bytes; at most 4096")
        );
    }

    #[test]
    fn a_file_is_read_strictly_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("set.json");
        let text = r#"{"apiVersion": "autotuning.helm-composer.dev/v1", "kind": "RecommendationSet", "appId": "app-1",
            "workload": "etl", "generatedAt": "2026-02-22T12:00:00Z", "source": "metrics", "confidence": 0.5,
            "recommendations": [{"key": "a.replicas", "value": true, "reason": "r", "confidence": 1}]}"#;
        std::fs::write(&file, text).unwrap();
        let set = read(&file).unwrap();
        assert_eq!(
            (set.workload.as_str(), set.date(), set.file_stem()),
            ("etl", "2026-02-22", "etl-2026-02-22".into())
        );
        assert_eq!(set.recommendations[0].value.to_json(), serde_json::json!(true));
        std::fs::write(&file, text.replace("\"etl\"", "\"ETL\"")).unwrap();
        assert_eq!(
            read(&file).unwrap_err().to_string(),
            format!(
                "{}: the recommendation set is not valid: field `workload`: \"ETL\" is not a DNS-1123 label (a-z, \
                 0-9, '-', at most 63)",
                file.display()
            )
        );
    }
}
