//! A line of the import report: a field of the chart the declarations do not reproduce, or a
//! decision the reader should check.

use std::fmt;

use crate::path::FieldPath;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    /// `Kind/name` (name without the release prefix).
    pub object: String,
    /// The field, or `None` for the whole object.
    pub path: Option<FieldPath>,
    pub message: String,
}

impl Note {
    pub fn field(object: &str, path: &FieldPath, message: impl Into<String>) -> Note {
        Note { object: object.to_string(), path: Some(path.clone()), message: message.into() }
    }

    pub fn object(object: &str, message: impl Into<String>) -> Note {
        Note { object: object.to_string(), path: None, message: message.into() }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(f, "{} {path}: {}", self.object, self.message),
            None => write!(f, "{}: {}", self.object, self.message),
        }
    }
}
