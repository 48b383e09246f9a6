//! Helm's own Go SDK through the C ABI of helm-c-sdk (`libhelm_c.so`): lint and render.
//!
//! Every call takes and returns JSON strings; strings the library returns are owned by it
//! and released with `helm_free_string`, which `take_string` does exactly once.

use std::collections::BTreeMap;
use std::ffi::{c_char, CStr, CString};
use std::path::Path;
use std::ptr;

use libloading::Library;
use serde::Deserialize;

use crate::error::ValidateError;

type Status = i32;
type Handle = u64;
type LintFn =
    unsafe extern "C" fn(*const c_char, *const c_char, *const c_char, *mut *mut c_char, *mut *mut c_char) -> Status;
type LoadFn = unsafe extern "C" fn(*const c_char, *mut Handle, *mut *mut c_char) -> Status;
type RenderFn =
    unsafe extern "C" fn(Handle, *const c_char, *const c_char, *mut *mut c_char, *mut *mut c_char) -> Status;
type FreeHandleFn = unsafe extern "C" fn(Handle, *mut *mut c_char) -> Status;
type ParseValuesFn = unsafe extern "C" fn(*const c_char, *mut *mut c_char, *mut *mut c_char) -> Status;
type FreeStringFn = unsafe extern "C" fn(*mut c_char);
type VersionFn = unsafe extern "C" fn() -> *mut c_char;

/// The lint report: `helm lint`'s messages for one chart.
#[derive(Debug, Deserialize)]
pub struct LintReport {
    #[serde(default)]
    pub messages: Vec<LintMessage>,
    #[serde(default)]
    pub errors: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct LintMessage {
    /// 0 unknown, 1 info, 2 warning, 3 error.
    pub severity: u8,
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub error: String,
}

pub struct HelmSdk {
    library: Library,
}

impl HelmSdk {
    /// Loads the library by absolute path (never through the loader's search path).
    pub fn load(path: &Path) -> Result<HelmSdk, ValidateError> {
        let path = path.canonicalize().map_err(|e| ValidateError::io(path, e))?;
        // SAFETY: loading runs the library's initialisers; libhelm_c has no unsafe ones
        // beyond starting the Go runtime.
        let library = unsafe { Library::new(&path) }
            .map_err(|e| ValidateError::Helm(format!("cannot load {}: {e}", path.display())))?;
        Ok(HelmSdk { library })
    }

    pub fn version(&self) -> Result<String, ValidateError> {
        let version: VersionFn = self.symbol(b"helm_sdk_version\0")?;
        // SAFETY: the function takes no input and returns a library-owned string or NULL.
        let raw = unsafe { version() };
        Ok(self.take_string(raw)?.unwrap_or_else(|| "unknown".into()))
    }

    /// `helm lint` with the given values (JSON) and options (JSON, e.g. strict, kube_version).
    pub fn lint(
        &self,
        chart: &Path,
        values: &serde_json::Value,
        options: &serde_json::Value,
    ) -> Result<LintReport, ValidateError> {
        let lint: LintFn = self.symbol(b"helm_lint_run_opts\0")?;
        let chart = c_string(&chart.to_string_lossy())?;
        let values = c_string(&values.to_string())?;
        let options = c_string(&options.to_string())?;
        let (mut out, mut err) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: inputs are NUL-terminated and live for the call; out-params are ours.
        let status = unsafe { lint(chart.as_ptr(), values.as_ptr(), options.as_ptr(), &mut out, &mut err) };
        let report = self.finish("lint", status, out, err)?;
        serde_json::from_str(&report).map_err(|e| ValidateError::Helm(format!("lint returned invalid JSON: {e}")))
    }

    /// Renders the chart as `helm template` does: template path -> manifest text.
    pub fn render(
        &self,
        chart: &Path,
        values: &serde_json::Value,
        options: &serde_json::Value,
    ) -> Result<BTreeMap<String, String>, ValidateError> {
        let load: LoadFn = self.symbol(b"helm_chart_load\0")?;
        let render: RenderFn = self.symbol(b"helm_render\0")?;
        let free: FreeHandleFn = self.symbol(b"helm_chart_free\0")?;
        let path = c_string(&chart.to_string_lossy())?;
        let mut handle: Handle = 0;
        let mut err = ptr::null_mut();
        // SAFETY: as above; the handle is freed below whatever render returns.
        let status = unsafe { load(path.as_ptr(), &mut handle, &mut err) };
        self.finish("chart load", status, ptr::null_mut(), err)?;
        let values = c_string(&values.to_string())?;
        let options = c_string(&options.to_string())?;
        let (mut out, mut err) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: handle is live; strings are NUL-terminated.
        let status = unsafe { render(handle, values.as_ptr(), options.as_ptr(), &mut out, &mut err) };
        let rendered = self.finish("render", status, out, err);
        let mut free_err = ptr::null_mut();
        // SAFETY: handle came from helm_chart_load and is freed once.
        unsafe { free(handle, &mut free_err) };
        self.take_string(free_err)?;
        serde_json::from_str(&rendered?).map_err(|e| ValidateError::Helm(format!("render returned invalid JSON: {e}")))
    }

    /// Parses a YAML values file the way Helm does, into JSON.
    pub fn values_from_yaml(&self, yaml: &str) -> Result<serde_json::Value, ValidateError> {
        self.parse_values(b"helm_values_from_yaml\0", yaml)
    }

    /// Parses `--set` expressions (`a.b=1,c=x`) the way Helm does, into JSON.
    pub fn values_from_set(&self, expression: &str) -> Result<serde_json::Value, ValidateError> {
        self.parse_values(b"helm_strvals_parse\0", expression)
    }

    fn parse_values(&self, symbol: &[u8], input: &str) -> Result<serde_json::Value, ValidateError> {
        let parse: ParseValuesFn = self.symbol(symbol)?;
        let input = c_string(input)?;
        let (mut out, mut err) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: as above.
        let status = unsafe { parse(input.as_ptr(), &mut out, &mut err) };
        let json = self.finish("values", status, out, err)?;
        serde_json::from_str(&json).map_err(|e| ValidateError::Helm(format!("values returned invalid JSON: {e}")))
    }

    fn symbol<T: Copy>(&self, name: &[u8]) -> Result<T, ValidateError> {
        // SAFETY: every `T` above is the exact C signature of the symbol in helm_c.h.
        unsafe { self.library.get::<T>(name) }
            .map(|s| *s)
            .map_err(|e| ValidateError::Helm(format!("libhelm_c lacks {}: {e}", String::from_utf8_lossy(name))))
    }

    /// Takes ownership of both out-strings and turns a non-zero status into an error.
    fn finish(&self, what: &str, status: Status, out: *mut c_char, err: *mut c_char) -> Result<String, ValidateError> {
        let out = self.take_string(out)?;
        let err = self.take_string(err)?;
        if status != 0 {
            return Err(ValidateError::Helm(format!(
                "{what} failed (code {status}): {}",
                err.unwrap_or_else(|| "no detail".into())
            )));
        }
        Ok(out.unwrap_or_default())
    }

    fn take_string(&self, raw: *mut c_char) -> Result<Option<String>, ValidateError> {
        if raw.is_null() {
            return Ok(None);
        }
        // SAFETY: raw is a NUL-terminated string owned by the library, copied then freed once.
        let text = unsafe { CStr::from_ptr(raw) }.to_string_lossy().into_owned();
        let free: FreeStringFn = self.symbol(b"helm_free_string\0")?;
        unsafe { free(raw) };
        Ok(Some(text))
    }
}

fn c_string(value: &str) -> Result<CString, ValidateError> {
    CString::new(value).map_err(|_| ValidateError::Helm(format!("{value:?} contains a NUL byte")))
}
