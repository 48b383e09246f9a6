//! Reading JSON input strictly, like the composer reads app metadata (tools/helm/src/input.rs),
//! through the same parser (tools/strict_json): a key twice in one object is refused, and a
//! schema error names the path of the bad field.

use std::fs;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;
use strict_json::ParseError;

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
    strict_json::parse_unique_keys(text).map_err(|error| match error {
        ParseError::DuplicateKey { key, field, line } => {
            let place = if field.is_empty() { "at the top level".to_string() } else { format!("in `{field}`") };
            OverlayError::DuplicateKey { path: file.into(), what, key, place, line }
        }
        ParseError::Syntax(source) => OverlayError::Syntax { path: file.into(), what, source },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_of(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("input.json");
        fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn files_stop_at_4_mib() {
        let limit = 4 * 1024 * 1024;
        let (_dir, path) = file_of(&format!("[1{}]", " ".repeat(limit - 3)));
        assert_eq!(read::<Vec<u32>>(&path, "list").unwrap(), [1]);
        let (_dir, path) = file_of(&format!("[1{}]", " ".repeat(limit - 2)));
        assert_eq!(
            read::<Vec<u32>>(&path, "list").unwrap_err().to_string(),
            format!(
                "{}: the list is not valid: field `(file)`: is 4194305 bytes; at most 4194304 (4 MiB) are read",
                path.display()
            )
        );
    }

    #[test]
    fn schema_errors_name_the_field_below_the_top_level() {
        let (_dir, path) = file_of("{}");
        assert_eq!(
            read::<Vec<u32>>(&path, "list").unwrap_err().to_string(),
            format!("{}: the list does not match its schema: invalid type: map, expected a sequence", path.display())
        );
        let (_dir, path) = file_of("[1, \"two\"]");
        assert_eq!(
            read::<Vec<u32>>(&path, "list").unwrap_err().to_string(),
            format!(
                "{}: the list does not match its schema: field `[1]`: invalid type: string \"two\", expected u32",
                path.display()
            )
        );
        let (_dir, path) = file_of("{\"a\": 1, \"a\": 2}");
        assert_eq!(
            read::<Value>(&path, "map").unwrap_err().to_string(),
            format!("{}: the map is not valid: duplicate key \"a\" at the top level (line 1)", path.display())
        );
    }
}
