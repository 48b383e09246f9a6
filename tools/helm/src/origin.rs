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

    /// The target and file, or the file alone when the target is unknown.
    pub(crate) fn location(&self) -> String {
        if self.target.is_empty() {
            self.file.display().to_string()
        } else {
            format!("{} ({})", self.target, self.file.display())
        }
    }

    pub(crate) fn error(&self, field: &str, message: impl Into<String>) -> ComposeError {
        ComposeError::InvalidField { location: self.location(), field: field.into(), message: message.into() }
    }

    pub(crate) fn check<T>(&self, field: &str, result: Result<T, String>) -> Result<T, ComposeError> {
        result.map_err(|message| self.error(field, message))
    }

    /// A whole number from `minimum` to 2147483647, or `default` when unset. Kubernetes
    /// stores replica counts, limits and most durations as int32; the two deadlines it keeps
    /// as int64 share the limit (68 years of seconds), so one rule covers every count.
    pub(crate) fn count(
        &self,
        field: &str,
        value: Option<i64>,
        default: u32,
        minimum: u32,
    ) -> Result<u32, ComposeError> {
        let Some(value) = value else { return Ok(default) };
        if value < i64::from(minimum) {
            return Err(self.error(field, format!("{value} must be at least {minimum}")));
        }
        u32::try_from(value)
            .ok()
            .filter(|v| i32::try_from(*v).is_ok())
            .ok_or_else(|| self.error(field, format!("{value} must be at most {}", i32::MAX)))
    }
}
