//! Parsing JSON that users write, strictly: serde_json keeps the last of two equal keys in one
//! object silently, so a second `"replicas"` would quietly win. `parse_unique_keys` refuses it
//! and says which key and in which field, so every reader of user JSON (the composer's metadata
//! and environment files, the overlay generator's recommendations and mappings) reports it the
//! same way. Each caller maps `ParseError` into its own typed error.

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use serde::Deserializer;
use serde_json::{Map, Value};

/// Why JSON text was refused.
#[derive(Debug)]
pub enum ParseError {
    /// `key` stands twice in the object at `field` (`""` at the top level; otherwise the
    /// path serde_path_to_error would write, such as `apps[0].env`), first repeated on `line`.
    DuplicateKey { key: String, field: String, line: usize },
    /// Not JSON at all; serde_json's error carries line and column.
    Syntax(serde_json::Error),
}

impl fmt::Display for ParseError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::DuplicateKey { key, field, line } if field.is_empty() => {
                write!(formatter, "duplicate key {key:?} at the top level (line {line})")
            }
            ParseError::DuplicateKey { key, field, line } => {
                write!(formatter, "duplicate key {key:?} in `{field}` (line {line})")
            }
            ParseError::Syntax(source) => write!(formatter, "not valid JSON: {source}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Parses JSON text into a `Value`, failing at the first key seen twice in one object.
pub fn parse_unique_keys(text: &str) -> Result<Value, ParseError> {
    let duplicate = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = UniqueKeys { field: String::new(), duplicate: &duplicate }
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    parsed.map_err(|source| match duplicate.take() {
        Some((key, field)) => ParseError::DuplicateKey { key, field, line: source.line() },
        None => ParseError::Syntax(source),
    })
}

/// `parent.key`, or `key` at the top level: the field paths serde_path_to_error writes, which
/// every error about a field of user JSON uses.
pub fn child_field(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// Builds a `Value` like serde_json does, but records the first duplicate key (and the
/// field holding it) in `duplicate` and fails there.
struct UniqueKeys<'a> {
    field: String,
    duplicate: &'a RefCell<Option<(String, String)>>,
}

impl<'de> DeserializeSeed<'de> for UniqueKeys<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UniqueKeys<'_> {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_string()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let field = format!("{}[{}]", self.field, items.len());
            match seq.next_element_seed(UniqueKeys { field, duplicate: self.duplicate })? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                let message = format!("duplicate key {key:?}");
                *self.duplicate.borrow_mut() = Some((key, self.field));
                return Err(A::Error::custom(message));
            }
            let field = child_field(&self.field, &key);
            let value = map.next_value_seed(UniqueKeys { field, duplicate: self.duplicate })?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn duplicate_of(text: &str) -> (String, String, usize) {
        match parse_unique_keys(text) {
            Err(ParseError::DuplicateKey { key, field, line }) => (key, field, line),
            other => panic!("expected a duplicate key, got {other:?}"),
        }
    }

    #[test]
    fn keeps_every_kind_of_value() {
        let text = r#"{"a": [true, null, -3, 18446744073709551615, 1.5, "s"], "b": {}}"#;
        let expected = json!({"a": [true, null, -3, 18446744073709551615u64, 1.5, "s"], "b": {}});
        assert_eq!(parse_unique_keys(text).unwrap(), expected);
    }

    #[test]
    fn refuses_a_key_twice_at_the_top_level() {
        assert_eq!(duplicate_of("{\"a\": 1,\n\"a\": 2}"), ("a".into(), "".into(), 2));
    }

    #[test]
    fn names_the_nested_field_that_holds_the_duplicate() {
        let text = r#"{"apps": [{"env": {"X": "1"}}, {"env": {"X": "1", "X": "2"}}]}"#;
        assert_eq!(duplicate_of(text), ("X".into(), "apps[1].env".into(), 1));
    }

    #[test]
    fn the_same_key_in_sibling_objects_is_no_duplicate() {
        assert!(parse_unique_keys(r#"[{"a": 1}, {"a": 1}]"#).is_ok());
    }

    #[test]
    fn text_after_the_value_and_broken_json_are_syntax_errors() {
        assert!(matches!(parse_unique_keys("{} {}"), Err(ParseError::Syntax(_))));
        assert!(matches!(parse_unique_keys("{\"a\": "), Err(ParseError::Syntax(_))));
    }

    /// The visitor is serde's: any deserializer may drive it, not only serde_json's text parser
    /// (which hands over strings borrowed and never a value JSON cannot hold).
    #[test]
    fn owned_strings_and_values_json_cannot_hold_from_other_deserializers() {
        use serde::de::value::{BytesDeserializer, Error, StringDeserializer};
        let duplicate = RefCell::new(None);
        let owned = UniqueKeys { field: String::new(), duplicate: &duplicate }
            .deserialize(StringDeserializer::<Error>::new("s".to_string()));
        assert_eq!(owned.unwrap(), json!("s"));
        let bytes = UniqueKeys { field: String::new(), duplicate: &duplicate }
            .deserialize(BytesDeserializer::<Error>::new(b"x"));
        assert_eq!(bytes.unwrap_err().to_string(), "invalid type: byte array, expected any JSON value");
    }

    #[test]
    fn messages_name_key_field_and_line() {
        let nested = parse_unique_keys("{\"b\": {\"k\": 1, \"k\": 2}}").unwrap_err().to_string();
        assert_eq!(nested, "duplicate key \"k\" in `b` (line 1)");
        let top = parse_unique_keys("{\"k\": 1, \"k\": 2}").unwrap_err().to_string();
        assert_eq!(top, "duplicate key \"k\" at the top level (line 1)");
    }
}
