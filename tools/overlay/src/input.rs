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
}
