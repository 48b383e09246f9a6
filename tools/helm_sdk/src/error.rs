//! The crate's one error type, and the library's stable error codes.

use std::fmt;
use std::path::PathBuf;

/// A stable `helm_error_code` from `helm_c.h`; codes this crate does not know yet are kept
/// as [`ErrorCode::Unknown`] with their raw value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `HELM_ERR_UNKNOWN` (-1): an error the library could not classify.
    Unclassified,
    /// `HELM_ERR_INVALID_ARG` (-2): a malformed argument, e.g. an unknown option key.
    InvalidArg,
    /// `HELM_ERR_INVALID_HANDLE` (-3): an unknown or already freed handle.
    InvalidHandle,
    /// `HELM_ERR_WRONG_HANDLE_TYPE` (-4): a handle of another kind.
    WrongHandleType,
    /// `HELM_ERR_PANIC` (-5): the Go side panicked and recovered. The handle involved may be
    /// unusable afterwards: make a fresh one.
    Panic,
    /// `HELM_ERR_CANCELLED` (-6).
    Cancelled,
    /// `HELM_ERR_NOT_FOUND` (-7).
    NotFound,
    /// `HELM_ERR_IO` (-8).
    Io,
    /// `HELM_ERR_CHART_LOAD` (-20): the chart could not be read.
    ChartLoad,
    /// `HELM_ERR_CHART_INVALID` (-21): a chart that cannot be packaged, signed or verified.
    ChartInvalid,
    /// `HELM_ERR_VALUES` (-22): bad values, or values that break the chart's schema.
    Values,
    /// `HELM_ERR_RENDER` (-23): a template failed to render.
    Render,
    /// `HELM_ERR_REGISTRY` (-40).
    Registry,
    /// `HELM_ERR_REPO` (-41).
    Repo,
    /// `HELM_ERR_KUBE` (-60).
    Kube,
    /// `HELM_ERR_STORAGE` (-61).
    Storage,
    /// `HELM_ERR_RELEASE` (-62).
    Release,
    /// A code this crate does not know (a newer library); the raw value.
    Unknown(i32),
}

impl ErrorCode {
    /// The code for a raw non-zero status.
    pub fn from_raw(code: i32) -> ErrorCode {
        match code {
            -1 => ErrorCode::Unclassified,
            -2 => ErrorCode::InvalidArg,
            -3 => ErrorCode::InvalidHandle,
            -4 => ErrorCode::WrongHandleType,
            -5 => ErrorCode::Panic,
            -6 => ErrorCode::Cancelled,
            -7 => ErrorCode::NotFound,
            -8 => ErrorCode::Io,
            -20 => ErrorCode::ChartLoad,
            -21 => ErrorCode::ChartInvalid,
            -22 => ErrorCode::Values,
            -23 => ErrorCode::Render,
            -40 => ErrorCode::Registry,
            -41 => ErrorCode::Repo,
            -60 => ErrorCode::Kube,
            -61 => ErrorCode::Storage,
            -62 => ErrorCode::Release,
            other => ErrorCode::Unknown(other),
        }
    }

    /// The raw `helm_error_code` value.
    pub fn raw(self) -> i32 {
        match self {
            ErrorCode::Unclassified => -1,
            ErrorCode::InvalidArg => -2,
            ErrorCode::InvalidHandle => -3,
            ErrorCode::WrongHandleType => -4,
            ErrorCode::Panic => -5,
            ErrorCode::Cancelled => -6,
            ErrorCode::NotFound => -7,
            ErrorCode::Io => -8,
            ErrorCode::ChartLoad => -20,
            ErrorCode::ChartInvalid => -21,
            ErrorCode::Values => -22,
            ErrorCode::Render => -23,
            ErrorCode::Registry => -40,
            ErrorCode::Repo => -41,
            ErrorCode::Kube => -60,
            ErrorCode::Storage => -61,
            ErrorCode::Release => -62,
            ErrorCode::Unknown(raw) => raw,
        }
    }

    /// The C name of the code (`HELM_ERR_CHART_LOAD`), or `unknown` for codes not in the header.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::Unclassified => "HELM_ERR_UNKNOWN",
            ErrorCode::InvalidArg => "HELM_ERR_INVALID_ARG",
            ErrorCode::InvalidHandle => "HELM_ERR_INVALID_HANDLE",
            ErrorCode::WrongHandleType => "HELM_ERR_WRONG_HANDLE_TYPE",
            ErrorCode::Panic => "HELM_ERR_PANIC",
            ErrorCode::Cancelled => "HELM_ERR_CANCELLED",
            ErrorCode::NotFound => "HELM_ERR_NOT_FOUND",
            ErrorCode::Io => "HELM_ERR_IO",
            ErrorCode::ChartLoad => "HELM_ERR_CHART_LOAD",
            ErrorCode::ChartInvalid => "HELM_ERR_CHART_INVALID",
            ErrorCode::Values => "HELM_ERR_VALUES",
            ErrorCode::Render => "HELM_ERR_RENDER",
            ErrorCode::Registry => "HELM_ERR_REGISTRY",
            ErrorCode::Repo => "HELM_ERR_REPO",
            ErrorCode::Kube => "HELM_ERR_KUBE",
            ErrorCode::Storage => "HELM_ERR_STORAGE",
            ErrorCode::Release => "HELM_ERR_RELEASE",
            ErrorCode::Unknown(_) => "unknown",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.raw())
    }
}

/// Everything that can go wrong between Rust and Helm.
#[derive(Debug, thiserror::Error)]
pub enum HelmError {
    /// The shared library could not be opened.
    #[error("cannot load the Helm library {}: {reason}", path.display())]
    Load { path: PathBuf, reason: String },

    /// The library lacks a function this crate needs (an older or foreign library).
    #[error("the Helm library {} lacks the function {symbol}: {reason}", path.display())]
    MissingSymbol { path: PathBuf, symbol: &'static str, reason: String },

    /// An input string holds a NUL byte, which C strings cannot carry.
    #[error("{what} contains a NUL byte, which Helm's C interface cannot carry")]
    NulByte { what: &'static str },

    /// A path is not valid UTF-8, which Helm's C interface requires.
    #[error("{what} is not valid UTF-8: {}", path.display())]
    NonUtf8Path { what: &'static str, path: PathBuf },

    /// Helm ran and reported a failure: `detail` is Helm's own message.
    #[error("helm {operation} failed with {code}: {detail}")]
    Call { operation: &'static str, code: ErrorCode, detail: String },

    /// Helm's JSON result did not have the documented shape.
    #[error("helm {operation} returned JSON this crate cannot read: {source}")]
    InvalidJson {
        operation: &'static str,
        #[source]
        source: serde_json::Error,
    },

    /// Helm returned text that is not UTF-8.
    #[error("helm {operation} returned text that is not valid UTF-8")]
    InvalidUtf8 { operation: &'static str },

    /// Helm reported success but left out the result it documents.
    #[error("helm {operation} reported success but returned no result")]
    MissingResult { operation: &'static str },

    /// Values or options could not be encoded as JSON for Helm.
    #[error("cannot encode the {what} for helm as JSON: {source}")]
    Encode {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
}

impl HelmError {
    /// Helm's error code when this is a failed call.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            HelmError::Call { code, .. } => Some(*code),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for raw in [-1, -2, -3, -4, -5, -6, -7, -8, -20, -21, -22, -23, -40, -41, -60, -61, -62, -99] {
            assert_eq!(ErrorCode::from_raw(raw).raw(), raw);
        }
        assert_eq!(ErrorCode::from_raw(-99), ErrorCode::Unknown(-99));
        assert_eq!(ErrorCode::from_raw(-20), ErrorCode::ChartLoad);
    }

    #[test]
    fn every_code_has_its_c_value_and_name() {
        let codes = [
            (-1, ErrorCode::Unclassified, "HELM_ERR_UNKNOWN"),
            (-2, ErrorCode::InvalidArg, "HELM_ERR_INVALID_ARG"),
            (-3, ErrorCode::InvalidHandle, "HELM_ERR_INVALID_HANDLE"),
            (-4, ErrorCode::WrongHandleType, "HELM_ERR_WRONG_HANDLE_TYPE"),
            (-5, ErrorCode::Panic, "HELM_ERR_PANIC"),
            (-6, ErrorCode::Cancelled, "HELM_ERR_CANCELLED"),
            (-7, ErrorCode::NotFound, "HELM_ERR_NOT_FOUND"),
            (-8, ErrorCode::Io, "HELM_ERR_IO"),
            (-20, ErrorCode::ChartLoad, "HELM_ERR_CHART_LOAD"),
            (-21, ErrorCode::ChartInvalid, "HELM_ERR_CHART_INVALID"),
            (-22, ErrorCode::Values, "HELM_ERR_VALUES"),
            (-23, ErrorCode::Render, "HELM_ERR_RENDER"),
            (-40, ErrorCode::Registry, "HELM_ERR_REGISTRY"),
            (-41, ErrorCode::Repo, "HELM_ERR_REPO"),
            (-60, ErrorCode::Kube, "HELM_ERR_KUBE"),
            (-61, ErrorCode::Storage, "HELM_ERR_STORAGE"),
            (-62, ErrorCode::Release, "HELM_ERR_RELEASE"),
            (-99, ErrorCode::Unknown(-99), "unknown"),
        ];
        for (raw, code, name) in codes {
            assert_eq!(ErrorCode::from_raw(raw), code, "{raw}");
            assert_eq!((code.raw(), code.name()), (raw, name));
            assert_eq!(code.to_string(), format!("{name} ({raw})"));
        }
    }

    #[test]
    fn only_call_errors_carry_a_code() {
        assert_eq!(HelmError::NulByte { what: "chart path" }.code(), None);
        assert_eq!(HelmError::MissingResult { operation: "render" }.code(), None);
    }

    #[test]
    fn call_error_names_operation_code_and_detail() {
        let error =
            HelmError::Call { operation: "chart load", code: ErrorCode::ChartLoad, detail: "no Chart.yaml".into() };
        assert_eq!(error.to_string(), "helm chart load failed with HELM_ERR_CHART_LOAD (-20): no Chart.yaml");
        assert_eq!(error.code(), Some(ErrorCode::ChartLoad));
    }
}
