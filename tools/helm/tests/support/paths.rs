//! Where the composer's tests find their inputs, under cargo and under Bazel alike: the
//! package directory (templates, testdata) and the real Helm's libhelm_c.so.
#![allow(dead_code)] // each user of this shared file uses part of it

use std::path::PathBuf;

/// tools/helm in the source tree (cargo) or in the test's runfiles (Bazel).
pub fn package_dir() -> PathBuf {
    if let Ok(runfiles) = runfiles::Runfiles::create() {
        if let Some(dir) = runfiles.rlocation("_main/tools/helm").filter(|d| d.join("templates").is_dir()) {
            return dir;
        }
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// libhelm_c.so from `HELM_C_LIBRARY` (Bazel passes its runfiles path).
pub fn helm_library() -> PathBuf {
    let Some(value) = std::env::var_os("HELM_C_LIBRARY") else {
        panic!(
            "HELM_C_LIBRARY is not set: this test runs the real Helm. Under cargo, set it to libhelm_c.so, e.g. \
             HELM_C_LIBRARY=$HOME/.cache/helm-composer/helm_sdk/libhelm_c.so (see tools/helm_sdk/tests/support)"
        )
    };
    let path = PathBuf::from(value);
    let path = if path.is_absolute() { path } else { std::env::current_dir().expect("cwd").join(path) };
    assert!(path.is_file(), "HELM_C_LIBRARY names {}, which is not a file", path.display());
    path
}
