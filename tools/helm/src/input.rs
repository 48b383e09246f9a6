//! Reading metadata and environment files strictly: a JSON object, no key twice in one
//! object, no string (key or value) longer than 1 MiB (`MAX_TEXT_BYTES`) or holding a
//! character Helm 3 cannot read back from values (`checks::helm3_readable`), and schema errors
//! that name the field they are about.

use std::fs;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;
use strict_json::{child_field, ParseError};

use crate::checks;
use crate::error::ComposeError;
use crate::origin::Origin;

/// Longest string, key or value, a metadata or environment file may hold: 1 MiB. Helm
/// refuses any chart file over 5 MiB and values.yaml holds every value, so a longer string
/// is a mistake (or an attack), not configuration.
pub const MAX_TEXT_BYTES: usize = 1 << 20;

/// Reads a metadata or environment file (`what` names it in errors) into its schema type,
/// strictly: see the module documentation.
pub fn read_json<T: DeserializeOwned>(file: &Path, what: &'static str) -> Result<T, ComposeError> {
    let text =
        fs::read_to_string(file).map_err(|source| ComposeError::ReadMetadata { path: file.into(), what, source })?;
    let value = parse_unique_keys(&text, file, what)?;
    let Some(object) = value.as_object() else {
        return Err(ComposeError::NotAnObject { path: file.into(), what });
    };
    // The target is read first so that every later error can name it.
    let origin = Origin::new(file, object.get("target").and_then(Value::as_str).unwrap_or_default());
    check_texts(&value, "", &origin)?;
    let location = origin.location();
    serde_path_to_error::deserialize(value).map_err(|error| {
        // serde_path_to_error writes the top level as ".".
        let field = Some(error.path().to_string()).filter(|p| p != ".").unwrap_or_default();
        ComposeError::InvalidMetadata { location, what, field, message: error.into_inner().to_string() }
    })
}

/// Parses JSON text, refusing a key that appears twice in one object (serde_json keeps the
/// last one silently, so a second `"replicas"` would quietly win).
fn parse_unique_keys(text: &str, file: &Path, what: &'static str) -> Result<Value, ComposeError> {
    strict_json::parse_unique_keys(text).map_err(|error| match error {
        ParseError::DuplicateKey { key, field, line } => {
            ComposeError::DuplicateKey { path: file.into(), what, key, field, line }
        }
        ParseError::Syntax(source) => ComposeError::ParseMetadata { path: file.into(), what, source },
    })
}

/// Refuses any string, key or value, longer than MAX_TEXT_BYTES or that Helm 3 could not
/// read back from values, naming its field.
fn check_texts(value: &Value, field: &str, origin: &Origin) -> Result<(), ComposeError> {
    let too_long = |length: usize| {
        format!(
            "is {length} bytes long; a string may have at most {MAX_TEXT_BYTES} bytes (1 MiB), so that every chart \
             file stays under Helm's 5 MiB"
        )
    };
    match value {
        Value::String(text) if text.len() > MAX_TEXT_BYTES => Err(origin.error(field, too_long(text.len()))),
        Value::String(text) => origin.check(field, checks::helm3_readable(text)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(index, item)| check_texts(item, &format!("{field}[{index}]"), origin)),
        Value::Object(object) => object.iter().try_for_each(|(key, item)| {
            let parent = if field.is_empty() { "(top level)" } else { field };
            if key.len() > MAX_TEXT_BYTES {
                let shown: String = key.chars().take(20).collect();
                return Err(origin.error(parent, format!("the key starting {shown:?} {}", too_long(key.len()))));
            }
            if let Err(message) = checks::helm3_readable(key) {
                return Err(origin.error(parent, format!("the key {key:?} {message}")));
            }
            check_texts(item, &child_field(field, key), origin)
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AppMetadata;

    /// `read_json` of `text` as app metadata, and its error message.
    fn read_error(text: &str) -> String {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("app.json");
        fs::write(&file, text).expect("write");
        let error = read_json::<AppMetadata>(&file, "app metadata").expect_err("must be refused").to_string();
        error.replace(&dir.path().display().to_string(), "DIR")
    }

    const IMAGE: &str = r#""image": {"repository": "r", "tag": "1"}"#;

    #[test]
    fn duplicate_keys_are_refused_with_their_path() {
        let env = format!("{{\"name\": \"a-api\", {IMAGE},\n \"env\": {{\"A\": \"1\",\n \"A\": \"2\"}}}}");
        assert_eq!(read_error(&env), "DIR/app.json: app metadata is not valid: duplicate key \"A\" in `env` (line 3)");
        let top = format!(r#"{{"name": "a-api", "replicas": 2, {IMAGE}, "replicas": 3}}"#);
        assert!(read_error(&top).contains("duplicate key \"replicas\" at the top level"), "{}", read_error(&top));
        let trigger = r#"{"type": "cron", "metadata": {"x": "1", "x": "2"}}"#;
        let nested = format!(r#"{{"name": "a-api", {IMAGE}, "keda": {{"triggers": [{trigger}]}}}}"#);
        assert!(
            read_error(&nested).contains("duplicate key \"x\" in `keda.triggers[0].metadata`"),
            "{}",
            read_error(&nested)
        );
    }

    #[test]
    fn schema_errors_name_the_field() {
        let target = r#""target": "//x:a_metadata""#;
        let replicas = format!(r#"{{"name": "a-api", {target}, {IMAGE}, "replicas": "5"}}"#);
        assert_eq!(
            read_error(&replicas),
            "//x:a_metadata (DIR/app.json): app metadata does not match the schema: field `replicas`: invalid type: \
             string \"5\", expected i64"
        );
        let trigger = format!(r#"{{"name": "a-api", {IMAGE}, "keda": {{"triggers": [{{"type": 5}}]}}}}"#);
        assert!(read_error(&trigger).contains("field `keda.triggers[0].type`: invalid type: integer `5`"));
        let missing = r#"{"name": "a-api"}"#;
        assert!(
            read_error(missing).ends_with("does not match the schema: missing field `image`"),
            "{}",
            read_error(missing)
        );
        assert_eq!(read_error(r#"[{"name": "a"}]"#), "DIR/app.json: app metadata must be a JSON object");
        assert_eq!(read_error("\"a\""), "DIR/app.json: app metadata must be a JSON object");
    }

    #[test]
    fn strings_longer_than_a_mebibyte_are_refused() {
        let huge = "x".repeat(10_000_000);
        let big_env = format!(r#"{{"name": "a-api", {IMAGE}, "env": {{"BIG": "{huge}"}}}}"#);
        let expected = "field `env.BIG`: is 10000000 bytes long; a string may have at most 1048576 bytes (1 MiB), so \
                        that every chart file stays under Helm's 5 MiB";
        assert!(read_error(&big_env).ends_with(expected), "{}", &read_error(&big_env)[..200]);
        let big_arg = format!(r#"{{"name": "a-api", {IMAGE}, "args": ["a", "{}"]}}"#, "x".repeat(MAX_TEXT_BYTES + 1));
        assert!(read_error(&big_arg).contains("field `args[1]`: is 1048577 bytes long"));
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("app.json");
        let largest = format!(r#"{{"name": "a-api", {IMAGE}, "env": {{"BIG": "{}"}}}}"#, "x".repeat(MAX_TEXT_BYTES));
        fs::write(&file, largest).expect("write");
        let meta: AppMetadata = read_json(&file, "app metadata").expect("exactly 1 MiB is accepted");
        assert_eq!(meta.env["BIG"].len(), MAX_TEXT_BYTES);
    }

    #[test]
    fn characters_helm3_cannot_read_back_are_refused_naming_the_field() {
        let error = read_error(r#"{"target": "//a:b", "app_type": "worker", "env": {"NOTE": "a\u007fb"}}"#);
        assert!(error.contains("field `env.NOTE`: contains the control character U+007F, which Helm 3"), "{error}");
        let error = read_error(r#"{"target": "//a:b", "app_type": "worker", "env": {"N\u0086": "x"}}"#);
        assert!(error.contains("field `env`: the key \"N\\u{86}\" contains the control character U+0086"), "{error}");
    }

    #[test]
    fn keys_longer_than_a_mebibyte_are_refused_naming_their_object() {
        let long_key = "k".repeat(MAX_TEXT_BYTES + 1);
        let in_env = format!(r#"{{"name": "a-api", {IMAGE}, "env": {{"{long_key}": "1"}}}}"#);
        assert!(
            read_error(&in_env).ends_with(
                "field `env`: the key starting \"kkkkkkkkkkkkkkkkkkkk\" is 1048577 bytes long; a string may have at most \
                 1048576 bytes (1 MiB), so that every chart file stays under Helm's 5 MiB"
            ),
            "{}",
            &read_error(&in_env)[..200]
        );
        let at_top = format!(r#"{{"name": "a-api", {IMAGE}, "{long_key}": "1"}}"#);
        assert!(
            read_error(&at_top).contains("field `(top level)`: the key starting \"kkkk"),
            "{}",
            &read_error(&at_top)[..200]
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("app.json");
        let largest = format!(r#"{{"name": "a-api", {IMAGE}, "env": {{"{}": "1"}}}}"#, "k".repeat(MAX_TEXT_BYTES));
        fs::write(&file, largest).expect("write");
        let meta: AppMetadata = read_json(&file, "app metadata").expect("a key of exactly 1 MiB is accepted");
        assert_eq!(meta.env.keys().map(String::len).collect::<Vec<_>>(), [MAX_TEXT_BYTES]);
    }
}
