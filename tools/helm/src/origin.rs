//! Where an app came from, for error messages: every validation error names the Bazel target,
//! the metadata file and the field.

use std::path::Path;

use crate::error::ComposeError;

/// Where an app came from, for error messages: the metadata file and its Bazel target.
pub(crate) struct Origin<'a> {
    file: &'a Path,
    target: &'a str,
}

impl<'a> Origin<'a> {
    pub(crate) fn new(file: &'a Path, target: &'a str) -> Origin<'a> {
        Origin { file, target }
    }

    pub(crate) fn error(&self, field: &str, message: impl Into<String>) -> ComposeError {
        let location = if self.target.is_empty() {
            self.file.display().to_string()
        } else {
            format!("{} ({})", self.target, self.file.display())
        };
        ComposeError::InvalidField { location, field: field.into(), message: message.into() }
    }

    pub(crate) fn check<T>(&self, field: &str, result: Result<T, String>) -> Result<T, ComposeError> {
        result.map_err(|message| self.error(field, message))
    }

    /// A whole number of at least `minimum`, or `default` when unset.
    pub(crate) fn count(
        &self,
        field: &str,
        value: Option<i64>,
        default: u32,
        minimum: u32,
    ) -> Result<u32, ComposeError> {
        value.map_or(Ok(default), |v| {
            u32::try_from(v)
                .ok()
                .filter(|v| *v >= minimum)
                .ok_or_else(|| self.error(field, format!("{v} must be at least {minimum}")))
        })
    }
}
