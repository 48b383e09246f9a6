//! The only place that touches C: loads `libhelm_c.so`, resolves every function once into a
//! table of typed pointers, and wraps each call so the rest of the crate stays safe.
//!
//! Ownership rules of the C API (helm-c `docs/MEMORY.md`), all enforced here:
//! - strings passed in are borrowed for the call only: they come in as `&CStr`, which
//!   outlives the call;
//! - every `char*` the library returns (results *and* error details) is copied, then freed
//!   exactly once with `helm_free_string`, before anything else can return early;
//! - handles are plain `u64`s whose owners ([`crate::Chart`], [`crate::RegistryClient`])
//!   free them once, in `Drop`.

use std::ffi::{c_char, CStr};
use std::path::{Path, PathBuf};
use std::ptr;

use crate::error::{ErrorCode, HelmError};

/// An opaque helm-c handle (`helm_handle_t`); 0 is never valid.
pub(crate) type Handle = u64;

type Status = i32;
type Out = *mut *mut c_char;
type Text = *const c_char;

/// Declares the symbol table: one typed function pointer per C function, named as in
/// `helm_c.h`, all resolved when the library is opened.
macro_rules! symbols {
    ($($name:ident: $ty:ty;)*) => {
        struct Symbols {
            $($name: $ty,)*
        }

        impl Symbols {
            fn resolve(library: &libloading::Library, path: &Path) -> Result<Symbols, HelmError> {
                Ok(Symbols { $($name: resolve::<$ty>(library, path, stringify!($name))?,)* })
            }
        }
    };
}

// Each type below is the exact prototype of the function of that name in helm_c.h (0.2.2).
symbols! {
    helm_c_version: unsafe extern "C" fn() -> *mut c_char;
    helm_sdk_version: unsafe extern "C" fn() -> *mut c_char;
    helm_free_string: unsafe extern "C" fn(*mut c_char);
    helm_open_handles_count: unsafe extern "C" fn() -> i64;
    helm_release_name_validate: unsafe extern "C" fn(Text, Out) -> Status;
    helm_strvals_parse: unsafe extern "C" fn(Text, Out, Out) -> Status;
    helm_strvals_parse_string: unsafe extern "C" fn(Text, Out, Out) -> Status;
    helm_strvals_parse_json: unsafe extern "C" fn(Text, Out, Out) -> Status;
    helm_strvals_parse_literal: unsafe extern "C" fn(Text, Out, Out) -> Status;
    helm_strvals_parse_file: unsafe extern "C" fn(Text, Out, Out) -> Status;
    helm_values_from_yaml: unsafe extern "C" fn(Text, Out, Out) -> Status;
    helm_chart_load: unsafe extern "C" fn(Text, *mut Handle, Out) -> Status;
    helm_chart_load_archive: unsafe extern "C" fn(*const u8, u64, *mut Handle, Out) -> Status;
    helm_chart_free: unsafe extern "C" fn(Handle, Out) -> Status;
    helm_chart_metadata: unsafe extern "C" fn(Handle, Out, Out) -> Status;
    helm_chart_values: unsafe extern "C" fn(Handle, Out, Out) -> Status;
    helm_chart_files: unsafe extern "C" fn(Handle, Out, Out) -> Status;
    helm_chart_templates: unsafe extern "C" fn(Handle, Out, Out) -> Status;
    helm_chart_crds: unsafe extern "C" fn(Handle, Out, Out) -> Status;
    helm_chart_schema: unsafe extern "C" fn(Handle, Out, Out) -> Status;
    helm_chart_dependencies: unsafe extern "C" fn(Handle, Out, Out) -> Status;
    helm_chart_merge_values: unsafe extern "C" fn(Handle, Text, Out, Out) -> Status;
    helm_schema_validate: unsafe extern "C" fn(Handle, Text, Out) -> Status;
    helm_render: unsafe extern "C" fn(Handle, Text, Text, Out, Out) -> Status;
    helm_chart_save: unsafe extern "C" fn(Handle, Text, Out, Out) -> Status;
    helm_chart_save_dir: unsafe extern "C" fn(Handle, Text, Out, Out) -> Status;
    helm_chart_create: unsafe extern "C" fn(Text, Text, Out, Out) -> Status;
    helm_chart_create_from: unsafe extern "C" fn(Text, Text, Text, Out, Out) -> Status;
    helm_chart_expand: unsafe extern "C" fn(Text, Text, Out) -> Status;
    helm_chart_digest: unsafe extern "C" fn(Text, Out, Out) -> Status;
    helm_chart_sign: unsafe extern "C" fn(Text, Text, Out, Out) -> Status;
    helm_chart_verify: unsafe extern "C" fn(Text, Text, Text, Out, Out) -> Status;
    helm_lint_run_opts: unsafe extern "C" fn(Text, Text, Text, Out, Out) -> Status;
    helm_package_run: unsafe extern "C" fn(Text, Text, Out, Out) -> Status;
    helm_show: unsafe extern "C" fn(Handle, Text, Text, Out, Out) -> Status;
    helm_repo_index_generate: unsafe extern "C" fn(Text, Text, Out, Out) -> Status;
    helm_repo_index_download: unsafe extern "C" fn(Text, Text, Out, Out) -> Status;
    helm_dependency_list: unsafe extern "C" fn(Text, Out, Out) -> Status;
    helm_dependency_build: unsafe extern "C" fn(Text, Text, Out) -> Status;
    helm_dependency_update: unsafe extern "C" fn(Text, Text, Out) -> Status;
    helm_registry_client_new: unsafe extern "C" fn(Text, *mut Handle, Out) -> Status;
    helm_registry_client_free: unsafe extern "C" fn(Handle, Out) -> Status;
    helm_registry_login: unsafe extern "C" fn(Handle, Text, Text, Text, Text, Out) -> Status;
    helm_registry_logout: unsafe extern "C" fn(Handle, Text, Out) -> Status;
    helm_registry_tags: unsafe extern "C" fn(Handle, Text, Out, Out) -> Status;
    helm_registry_resolve: unsafe extern "C" fn(Handle, Text, Out, Out) -> Status;
    helm_pull: unsafe extern "C" fn(Handle, Text, Text, Out, Out) -> Status;
    helm_push: unsafe extern "C" fn(Handle, Text, Text, Text, Out, Out) -> Status;
}

fn resolve<T: Copy>(library: &libloading::Library, path: &Path, symbol: &'static str) -> Result<T, HelmError> {
    // SAFETY: `T` is the prototype declared for `symbol` in the table above, copied from
    // helm_c.h; the pointer is only used while `Library` (which owns `library`) is alive.
    let found = unsafe { library.get::<T>(symbol.as_bytes()) };
    found.map(|symbol| *symbol).map_err(|e| HelmError::MissingSymbol {
        path: path.to_path_buf(),
        symbol,
        reason: e.to_string(),
    })
}

/// Which kind of handle to free, so the type-checked free function is used.
#[derive(Clone, Copy, Debug)]
pub(crate) enum HandleKind {
    Chart,
    RegistryClient,
}

/// The `--set` family of parsers.
#[derive(Clone, Copy, Debug)]
pub(crate) enum SetParser {
    Set,
    SetString,
    SetJson,
    SetLiteral,
    SetFile,
}

/// The opened library and its resolved functions.
pub(crate) struct Library {
    symbols: Symbols,
    path: PathBuf,
    // Kept open for as long as the function pointers above are used. libhelm_c is a Go
    // c-shared library linked with NODELETE, so closing it never unmaps the Go runtime.
    _library: libloading::Library,
}

impl Library {
    /// Opens the library at `path` (made absolute first, so the loader's search path is
    /// never consulted) and resolves every function.
    pub(crate) fn open(path: &Path) -> Result<Library, HelmError> {
        let path = std::path::absolute(path)
            .map_err(|e| HelmError::Load { path: path.to_path_buf(), reason: e.to_string() })?;
        // SAFETY: opening runs the library's initialisers, which only start the Go runtime;
        // libhelm_c has no other load-time side effects.
        let library = unsafe { libloading::Library::new(&path) }
            .map_err(|e| HelmError::Load { path: path.clone(), reason: e.to_string() })?;
        let symbols = Symbols::resolve(&library, &path)?;
        Ok(Library { symbols, path, _library: library })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    // ----- strings and status --------------------------------------------------------

    /// Copies a library-owned string and frees it exactly once; NULL is `None`.
    fn take(&self, raw: *mut c_char) -> Option<Vec<u8>> {
        if raw.is_null() {
            return None;
        }
        // SAFETY: `raw` is a non-NULL, NUL-terminated string the library just returned to
        // us; it is read here and nowhere else.
        let bytes = unsafe { CStr::from_ptr(raw) }.to_bytes().to_vec();
        // SAFETY: `raw` came from this library and is freed once: the caller's copy of the
        // pointer is dropped after this call.
        unsafe { (self.symbols.helm_free_string)(raw) };
        Some(bytes)
    }

    /// A call returning only a status (and an error detail on failure).
    fn status_call(&self, operation: &'static str, call: impl FnOnce(Out) -> Status) -> Result<(), HelmError> {
        let mut err = ptr::null_mut();
        let status = call(&mut err);
        let detail = self.take(err);
        check(operation, status, detail)
    }

    /// A call returning a string result in `*out` (and an error detail on failure).
    fn text_call(&self, operation: &'static str, call: impl FnOnce(Out, Out) -> Status) -> Result<String, HelmError> {
        let (mut out, mut err) = (ptr::null_mut(), ptr::null_mut());
        let status = call(&mut out, &mut err);
        // Both are taken (and freed) before any early return.
        let result = self.take(out);
        let detail = self.take(err);
        check(operation, status, detail)?;
        let bytes = result.ok_or(HelmError::MissingResult { operation })?;
        String::from_utf8(bytes).map_err(|_| HelmError::InvalidUtf8 { operation })
    }

    /// A call creating a handle in `*out`.
    fn handle_call(
        &self,
        operation: &'static str,
        call: impl FnOnce(*mut Handle, Out) -> Status,
    ) -> Result<Handle, HelmError> {
        let mut handle: Handle = 0;
        let mut err = ptr::null_mut();
        let status = call(&mut handle, &mut err);
        let detail = self.take(err);
        check(operation, status, detail)?;
        if handle == 0 {
            return Err(HelmError::MissingResult { operation });
        }
        Ok(handle)
    }

    // ----- library info ------------------------------------------------------------

    pub(crate) fn c_version(&self) -> Result<String, HelmError> {
        // SAFETY: takes no input; returns a library-owned string (never NULL) that `take` frees.
        let raw = unsafe { (self.symbols.helm_c_version)() };
        utf8("c version", self.take(raw))
    }

    pub(crate) fn sdk_version(&self) -> Result<String, HelmError> {
        // SAFETY: as for helm_c_version.
        let raw = unsafe { (self.symbols.helm_sdk_version)() };
        utf8("sdk version", self.take(raw))
    }

    pub(crate) fn open_handles_count(&self) -> i64 {
        // SAFETY: takes no input and returns a plain integer.
        unsafe { (self.symbols.helm_open_handles_count)() }
    }

    pub(crate) fn free_handle(&self, kind: HandleKind, handle: Handle) -> Result<(), HelmError> {
        let (operation, free) = match kind {
            HandleKind::Chart => ("chart free", self.symbols.helm_chart_free),
            HandleKind::RegistryClient => ("registry client free", self.symbols.helm_registry_client_free),
        };
        // SAFETY: a type-checked, idempotent free of a handle value; `err` is our out-param.
        self.status_call(operation, |err| unsafe { free(handle, err) })
    }

    // ----- values ------------------------------------------------------------------

    pub(crate) fn release_name_validate(&self, name: &CStr) -> Result<(), HelmError> {
        // SAFETY: `name` is NUL-terminated and outlives the call; `err` is our out-param.
        self.status_call("release name validate", |err| unsafe {
            (self.symbols.helm_release_name_validate)(name.as_ptr(), err)
        })
    }

    pub(crate) fn parse_set(&self, parser: SetParser, expression: &CStr) -> Result<String, HelmError> {
        let (operation, parse) = match parser {
            SetParser::Set => ("strvals parse", self.symbols.helm_strvals_parse),
            SetParser::SetString => ("strvals parse string", self.symbols.helm_strvals_parse_string),
            SetParser::SetJson => ("strvals parse json", self.symbols.helm_strvals_parse_json),
            SetParser::SetLiteral => ("strvals parse literal", self.symbols.helm_strvals_parse_literal),
            SetParser::SetFile => ("strvals parse file", self.symbols.helm_strvals_parse_file),
        };
        // SAFETY: `expression` is NUL-terminated and outlives the call; out-params are ours.
        self.text_call(operation, |out, err| unsafe { parse(expression.as_ptr(), out, err) })
    }

    pub(crate) fn values_from_yaml(&self, yaml: &CStr) -> Result<String, HelmError> {
        // SAFETY: as above.
        self.text_call("values from yaml", |out, err| unsafe {
            (self.symbols.helm_values_from_yaml)(yaml.as_ptr(), out, err)
        })
    }

    // ----- charts ------------------------------------------------------------------

    pub(crate) fn chart_load(&self, path: &CStr) -> Result<Handle, HelmError> {
        // SAFETY: `path` is NUL-terminated and outlives the call; out-params are ours.
        self.handle_call("chart load", |out, err| unsafe { (self.symbols.helm_chart_load)(path.as_ptr(), out, err) })
    }

    pub(crate) fn chart_load_archive(&self, data: &[u8]) -> Result<Handle, HelmError> {
        let length = data.len() as u64;
        // SAFETY: `data` points at `length` readable bytes for the whole call; the library
        // copies them and keeps no pointer.
        self.handle_call("chart load archive", |out, err| unsafe {
            (self.symbols.helm_chart_load_archive)(data.as_ptr(), length, out, err)
        })
    }

    /// One of the read-only accessors of a loaded chart, by its operation name.
    pub(crate) fn chart_read(&self, chart: Handle, what: ChartPart) -> Result<String, HelmError> {
        let (operation, read) = match what {
            ChartPart::Metadata => ("chart metadata", self.symbols.helm_chart_metadata),
            ChartPart::Values => ("chart values", self.symbols.helm_chart_values),
            ChartPart::Files => ("chart files", self.symbols.helm_chart_files),
            ChartPart::Templates => ("chart templates", self.symbols.helm_chart_templates),
            ChartPart::Crds => ("chart crds", self.symbols.helm_chart_crds),
            ChartPart::Schema => ("chart schema", self.symbols.helm_chart_schema),
            ChartPart::Dependencies => ("chart dependencies", self.symbols.helm_chart_dependencies),
        };
        // SAFETY: takes a handle value and our out-params.
        self.text_call(operation, |out, err| unsafe { read(chart, out, err) })
    }

    pub(crate) fn chart_merge_values(&self, chart: Handle, values: Option<&CStr>) -> Result<String, HelmError> {
        // SAFETY: `values` is NUL-terminated or NULL (allowed) and outlives the call.
        self.text_call("chart merge values", |out, err| unsafe {
            (self.symbols.helm_chart_merge_values)(chart, opt(values), out, err)
        })
    }

    pub(crate) fn schema_validate(&self, chart: Handle, values: Option<&CStr>) -> Result<(), HelmError> {
        // SAFETY: as above.
        self.status_call("schema validate", |err| unsafe {
            (self.symbols.helm_schema_validate)(chart, opt(values), err)
        })
    }

    pub(crate) fn render(&self, chart: Handle, values: Option<&CStr>, options: &CStr) -> Result<String, HelmError> {
        // SAFETY: string inputs are NUL-terminated (or NULL where allowed) and outlive the call.
        self.text_call("render", |out, err| unsafe {
            (self.symbols.helm_render)(chart, opt(values), options.as_ptr(), out, err)
        })
    }

    pub(crate) fn chart_save(&self, chart: Handle, dest_dir: &CStr) -> Result<String, HelmError> {
        // SAFETY: as above.
        self.text_call("chart save", |out, err| unsafe {
            (self.symbols.helm_chart_save)(chart, dest_dir.as_ptr(), out, err)
        })
    }

    pub(crate) fn chart_save_dir(&self, chart: Handle, dest_dir: &CStr) -> Result<String, HelmError> {
        // SAFETY: as above.
        self.text_call("chart save dir", |out, err| unsafe {
            (self.symbols.helm_chart_save_dir)(chart, dest_dir.as_ptr(), out, err)
        })
    }

    pub(crate) fn chart_create(&self, name: &CStr, dir: &CStr, starter: Option<&CStr>) -> Result<String, HelmError> {
        match starter {
            // SAFETY: as above.
            None => self.text_call("chart create", |out, err| unsafe {
                (self.symbols.helm_chart_create)(name.as_ptr(), dir.as_ptr(), out, err)
            }),
            // SAFETY: as above.
            Some(starter) => self.text_call("chart create from", |out, err| unsafe {
                (self.symbols.helm_chart_create_from)(name.as_ptr(), dir.as_ptr(), starter.as_ptr(), out, err)
            }),
        }
    }

    pub(crate) fn chart_expand(&self, dest_dir: &CStr, archive: &CStr) -> Result<(), HelmError> {
        // SAFETY: as above.
        self.status_call("chart expand", |err| unsafe {
            (self.symbols.helm_chart_expand)(dest_dir.as_ptr(), archive.as_ptr(), err)
        })
    }

    pub(crate) fn chart_digest(&self, archive: &CStr) -> Result<String, HelmError> {
        // SAFETY: as above.
        self.text_call("chart digest", |out, err| unsafe {
            (self.symbols.helm_chart_digest)(archive.as_ptr(), out, err)
        })
    }

    pub(crate) fn chart_sign(&self, archive: &CStr, options: &CStr) -> Result<String, HelmError> {
        // SAFETY: as above.
        self.text_call("chart sign", |out, err| unsafe {
            (self.symbols.helm_chart_sign)(archive.as_ptr(), options.as_ptr(), out, err)
        })
    }

    pub(crate) fn chart_verify(
        &self,
        archive: &CStr,
        prov: Option<&CStr>,
        keyring: &CStr,
    ) -> Result<String, HelmError> {
        // SAFETY: as above.
        self.text_call("chart verify", |out, err| unsafe {
            (self.symbols.helm_chart_verify)(archive.as_ptr(), opt(prov), keyring.as_ptr(), out, err)
        })
    }

    pub(crate) fn lint(&self, path: &CStr, values: Option<&CStr>, options: &CStr) -> Result<String, HelmError> {
        // SAFETY: as above.
        self.text_call("lint", |out, err| unsafe {
            (self.symbols.helm_lint_run_opts)(path.as_ptr(), opt(values), options.as_ptr(), out, err)
        })
    }

    pub(crate) fn package(&self, path: &CStr, options: &CStr) -> Result<String, HelmError> {
        // SAFETY: as above.
        self.text_call("package", |out, err| unsafe {
            (self.symbols.helm_package_run)(path.as_ptr(), options.as_ptr(), out, err)
        })
    }

    pub(crate) fn show(&self, client: Handle, chart_ref: &CStr, options: &CStr) -> Result<String, HelmError> {
        // SAFETY: as above; `client` may be 0 (documented as "use a default client").
        self.text_call("show", |out, err| unsafe {
            (self.symbols.helm_show)(client, chart_ref.as_ptr(), options.as_ptr(), out, err)
        })
    }

    // ----- repositories and dependencies --------------------------------------------

    pub(crate) fn repo_index_generate(&self, dir: &CStr, options: &CStr) -> Result<String, HelmError> {
        // SAFETY: as above.
        self.text_call("repo index generate", |out, err| unsafe {
            (self.symbols.helm_repo_index_generate)(dir.as_ptr(), options.as_ptr(), out, err)
        })
    }

    pub(crate) fn repo_index_download(&self, url: &CStr, options: &CStr) -> Result<String, HelmError> {
        // SAFETY: as above.
        self.text_call("repo index download", |out, err| unsafe {
            (self.symbols.helm_repo_index_download)(url.as_ptr(), options.as_ptr(), out, err)
        })
    }

    pub(crate) fn dependency_list(&self, chart_dir: &CStr) -> Result<String, HelmError> {
        // SAFETY: as above.
        self.text_call("dependency list", |out, err| unsafe {
            (self.symbols.helm_dependency_list)(chart_dir.as_ptr(), out, err)
        })
    }

    pub(crate) fn dependency_build(&self, chart_dir: &CStr, options: &CStr) -> Result<(), HelmError> {
        // SAFETY: as above.
        self.status_call("dependency build", |err| unsafe {
            (self.symbols.helm_dependency_build)(chart_dir.as_ptr(), options.as_ptr(), err)
        })
    }

    pub(crate) fn dependency_update(&self, chart_dir: &CStr, options: &CStr) -> Result<(), HelmError> {
        // SAFETY: as above.
        self.status_call("dependency update", |err| unsafe {
            (self.symbols.helm_dependency_update)(chart_dir.as_ptr(), options.as_ptr(), err)
        })
    }

    // ----- OCI registries ----------------------------------------------------------

    pub(crate) fn registry_client_new(&self, options: &CStr) -> Result<Handle, HelmError> {
        // SAFETY: as above.
        self.handle_call("registry client new", |out, err| unsafe {
            (self.symbols.helm_registry_client_new)(options.as_ptr(), out, err)
        })
    }

    pub(crate) fn registry_login(&self, client: Handle, login: &Login<'_>) -> Result<(), HelmError> {
        // SAFETY: every string is NUL-terminated and outlives the call.
        self.status_call("registry login", |err| unsafe {
            (self.symbols.helm_registry_login)(
                client,
                login.host.as_ptr(),
                login.username.as_ptr(),
                login.password.as_ptr(),
                login.options.as_ptr(),
                err,
            )
        })
    }

    pub(crate) fn registry_logout(&self, client: Handle, host: &CStr) -> Result<(), HelmError> {
        // SAFETY: as above.
        self.status_call("registry logout", |err| unsafe {
            (self.symbols.helm_registry_logout)(client, host.as_ptr(), err)
        })
    }

    pub(crate) fn registry_tags(&self, client: Handle, reference: &CStr) -> Result<String, HelmError> {
        // SAFETY: as above.
        self.text_call("registry tags", |out, err| unsafe {
            (self.symbols.helm_registry_tags)(client, reference.as_ptr(), out, err)
        })
    }

    pub(crate) fn registry_resolve(&self, client: Handle, reference: &CStr) -> Result<String, HelmError> {
        // SAFETY: as above.
        self.text_call("registry resolve", |out, err| unsafe {
            (self.symbols.helm_registry_resolve)(client, reference.as_ptr(), out, err)
        })
    }

    pub(crate) fn pull(&self, client: Handle, chart_ref: &CStr, options: &CStr) -> Result<String, HelmError> {
        // SAFETY: as above; `client` may be 0 (documented as "use a default client").
        self.text_call("pull", |out, err| unsafe {
            (self.symbols.helm_pull)(client, chart_ref.as_ptr(), options.as_ptr(), out, err)
        })
    }

    pub(crate) fn push(
        &self,
        client: Handle,
        archive: &CStr,
        remote: &CStr,
        options: &CStr,
    ) -> Result<String, HelmError> {
        // SAFETY: as above; `client` may be 0 (documented as "use a default client").
        self.text_call("push", |out, err| unsafe {
            (self.symbols.helm_push)(client, archive.as_ptr(), remote.as_ptr(), options.as_ptr(), out, err)
        })
    }
}

/// The read-only parts of a loaded chart.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ChartPart {
    Metadata,
    Values,
    Files,
    Templates,
    Crds,
    Schema,
    Dependencies,
}

/// The C arguments of `helm_registry_login`.
pub(crate) struct Login<'a> {
    pub(crate) host: &'a CStr,
    pub(crate) username: &'a CStr,
    pub(crate) password: &'a CStr,
    pub(crate) options: &'a CStr,
}

/// A nullable C string argument.
fn opt(text: Option<&CStr>) -> Text {
    text.map_or(ptr::null(), CStr::as_ptr)
}

/// Turns a status into `Ok` or a typed call error carrying Helm's detail.
fn check(operation: &'static str, status: Status, detail: Option<Vec<u8>>) -> Result<(), HelmError> {
    if status == 0 {
        return Ok(());
    }
    let detail = detail.map_or_else(|| "no detail".to_string(), |d| String::from_utf8_lossy(&d).into_owned());
    Err(HelmError::Call { operation, code: ErrorCode::from_raw(status), detail })
}

fn utf8(operation: &'static str, bytes: Option<Vec<u8>>) -> Result<String, HelmError> {
    let bytes = bytes.ok_or(HelmError::MissingResult { operation })?;
    String::from_utf8(bytes).map_err(|_| HelmError::InvalidUtf8 { operation })
}
