//! Conversions between Rust values and the C strings and JSON documents Helm exchanges.

use std::ffi::CString;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::HelmError;

/// A text argument; `what` names it in the error if it holds a NUL byte.
pub(crate) fn text(what: &'static str, value: &str) -> Result<CString, HelmError> {
    CString::new(value).map_err(|_| HelmError::NulByte { what })
}

/// A path argument: Helm takes UTF-8 only, so other paths are refused rather than mangled.
pub(crate) fn path(what: &'static str, value: &Path) -> Result<CString, HelmError> {
    let utf8 = value.to_str().ok_or_else(|| HelmError::NonUtf8Path { what, path: value.to_path_buf() })?;
    text(what, utf8)
}

/// A JSON argument (values or options).
pub(crate) fn json<T: Serialize + ?Sized>(what: &'static str, value: &T) -> Result<CString, HelmError> {
    let encoded = serde_json::to_string(value).map_err(|source| HelmError::Encode { what, source })?;
    text(what, &encoded)
}

/// An optional values document; `None` is passed as NULL (no overrides).
pub(crate) fn values(values: Option<&serde_json::Value>) -> Result<Option<CString>, HelmError> {
    values.map(|v| json("values", v)).transpose()
}

/// Decodes a JSON result of `operation`.
pub(crate) fn parse<T: DeserializeOwned>(operation: &'static str, result: &str) -> Result<T, HelmError> {
    serde_json::from_str(result).map_err(|source| HelmError::InvalidJson { operation, source })
}

/// A path Helm returned (Helm's paths are UTF-8 by contract).
pub(crate) fn returned_path(result: String) -> PathBuf {
    PathBuf::from(result)
}

/// Deserializes a JSON `null` (Go's nil slice or map) as the type's default.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    let value: Option<T> = serde::Deserialize::deserialize(deserializer)?;
    Ok(value.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_bytes_are_refused_with_the_argument_name() {
        let error = text("chart path", "a\0b").unwrap_err();
        assert!(matches!(error, HelmError::NulByte { what: "chart path" }), "{error:?}");
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_paths_are_refused() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let bad = Path::new(OsStr::from_bytes(b"/tmp/\xff"));
        let error = path("chart path", bad).unwrap_err();
        assert!(matches!(error, HelmError::NonUtf8Path { what: "chart path", .. }), "{error:?}");
    }

    #[test]
    fn absent_values_are_null() {
        assert!(values(None).unwrap().is_none());
        let given = values(Some(&serde_json::json!({"a": 1}))).unwrap().unwrap();
        assert_eq!(given.to_str().unwrap(), r#"{"a":1}"#);
    }
}
