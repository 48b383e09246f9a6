//! Reading JSON input strictly, like the composer reads app metadata (tools/helm/src/input.rs):
//! a key twice in one object is refused (serde_json would silently keep the last one), and a
//! schema error names the path of the bad field.

use std::cell::RefCell;
use std::fmt;
use std::fs;
use std::path::Path;

use serde::de::{DeserializeOwned, DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use serde::Deserializer;
use serde_json::{Map, Value};

use crate::error::OverlayError;

/// Longest input file: 4 MiB. A recommendation set or mapping is a few kilobytes; a larger
/// file is a mistake, and every string of it may end up in a values file Helm caps at 5 MiB.
const MAX_FILE_BYTES: u64 = 4 << 20;

/// Reads `file` (named `what` in errors) into `T`: valid JSON, no duplicate key, every field
/// known (the types say `deny_unknown_fields`), the bad field's path in the error.
pub fn read<T: DeserializeOwned>(file: &Path, what: &'static str) -> Result<T, OverlayError> {
    let read_error = |source| OverlayError::Read { path: file.into(), what, source };
    let size = fs::metadata(file).map_err(read_error)?.len();
    if size > MAX_FILE_BYTES {
        let message = format!("is {size} bytes; at most {MAX_FILE_BYTES} (4 MiB) are read");
        return Err(OverlayError::Invalid { path: file.into(), what, field: "(file)".into(), message });
    }
    let text = fs::read_to_string(file).map_err(read_error)?;
    let value = parse_unique_keys(&text, file, what)?;
    serde_path_to_error::deserialize(value).map_err(|error| {
        // serde_path_to_error writes the top level as ".".
        let path = error.path().to_string();
        let field = if path == "." { String::new() } else { format!("field `{path}`: ") };
        OverlayError::Schema { path: file.into(), what, field, message: error.into_inner().to_string() }
    })
}

/// Parses JSON text into a `Value`, failing at the first key seen twice in one object.
fn parse_unique_keys(text: &str, file: &Path, what: &'static str) -> Result<Value, OverlayError> {
    let duplicate = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = UniqueKeys { field: String::new(), duplicate: &duplicate }
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    parsed.map_err(|source| match duplicate.take() {
        Some((key, field)) => {
            let place = if field.is_empty() { "at the top level".to_string() } else { format!("in `{field}`") };
            OverlayError::DuplicateKey { path: file.into(), what, key, place, line: source.line() }
        }
        None => OverlayError::Syntax { path: file.into(), what, source },
    })
}

/// Builds a `Value` as serde_json does, recording the first duplicate key and its field.
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
            let field = if self.field.is_empty() { key.clone() } else { format!("{}.{key}", self.field) };
            let value = map.next_value_seed(UniqueKeys { field, duplicate: self.duplicate })?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}
