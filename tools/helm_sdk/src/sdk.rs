//! [`HelmSdk`]: the loaded library, the value every call goes through.

use std::fmt;
use std::path::Path;

use crate::args;
use crate::error::HelmError;
use crate::ffi::Library;

/// The loaded `libhelm_c.so`. Load it once and pass it around by reference: charts and
/// registry clients borrow it. It is `Send + Sync` (helm-c is thread-safe), and holds no
/// global state of its own.
///
/// The Go runtime inside the library writes some logs straight to the process's stderr.
pub struct HelmSdk {
    library: Library,
}

impl HelmSdk {
    /// Loads the library from `path` (relative paths are resolved against the current
    /// directory; the loader's search path is never used) and resolves every function this
    /// crate calls, so a wrong or old library fails here rather than mid-way.
    ///
    /// Loading the same file again is cheap and shares one Go runtime; the library is never
    /// unloaded. Do not load two *different* copies of the library in one process: each
    /// would start its own Go runtime.
    pub fn load(path: &Path) -> Result<HelmSdk, HelmError> {
        Ok(HelmSdk { library: Library::open(path)? })
    }

    pub(crate) fn ffi(&self) -> &Library {
        &self.library
    }

    /// The absolute path the library was loaded from.
    pub fn library_path(&self) -> &Path {
        self.library.path()
    }

    /// The Helm Go SDK version compiled into the library (e.g. `v4.2.3`).
    pub fn version(&self) -> Result<String, HelmError> {
        self.library.sdk_version()
    }

    /// The helm-c version of the library (e.g. `0.2.2`).
    pub fn c_version(&self) -> Result<String, HelmError> {
        self.library.c_version()
    }

    /// The number of live handles in the whole process (charts, registry clients, ...):
    /// a leak probe for tests.
    pub fn open_handles_count(&self) -> i64 {
        self.library.open_handles_count()
    }

    /// Checks `name` against Helm's release-name rules (length and DNS-label charset);
    /// fails with [`ErrorCode::InvalidArg`](crate::ErrorCode::InvalidArg).
    pub fn validate_release_name(&self, name: &str) -> Result<(), HelmError> {
        self.library.release_name_validate(&args::text("release name", name)?)
    }
}

impl fmt::Debug for HelmSdk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HelmSdk").field("library", &self.library.path()).finish()
    }
}
