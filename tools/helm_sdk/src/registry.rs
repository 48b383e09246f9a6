//! OCI registries: [`RegistryClient`], and pushing, pulling and showing charts.
//!
//! All of this is network I/O and blocks the calling thread.

use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::args;
use crate::error::HelmError;
use crate::ffi::{Handle, HandleKind, Login};
use crate::options::{LoginOptions, PullOptions, PushOptions, RegistryClientOptions, ShowOptions};
use crate::sdk::HelmSdk;

/// The manifest descriptor an OCI reference resolves to.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Descriptor {
    /// `sha256:<hex>`.
    pub digest: String,
    pub media_type: String,
    pub size: u64,
}

/// The `{"output": "..."}` result of pull and push.
#[derive(Deserialize)]
struct Output {
    #[serde(default)]
    output: String,
}

/// An OCI registry client, freed when this value drops.
///
/// After a call on a client fails, later calls on the same client may fail with
/// [`ErrorCode::Panic`](crate::ErrorCode::Panic) (the Go side recovered from a panic and the
/// client is left in a bad state): make a fresh client after any failure.
pub struct RegistryClient<'sdk> {
    sdk: &'sdk HelmSdk,
    handle: Handle,
}

impl<'sdk> RegistryClient<'sdk> {
    /// Creates a client. Without `credentials_file`, logins are stored in the user's Helm
    /// registry config.
    pub fn new(sdk: &'sdk HelmSdk, options: &RegistryClientOptions) -> Result<RegistryClient<'sdk>, HelmError> {
        let handle = sdk.ffi().registry_client_new(&args::json("registry client options", options)?)?;
        Ok(RegistryClient { sdk, handle })
    }

    /// Logs in to `host` (e.g. `localhost:5000`) with basic credentials, stored in the
    /// client's credentials file. The password is never logged or echoed in errors.
    pub fn login(&self, host: &str, username: &str, password: &str, options: &LoginOptions) -> Result<(), HelmError> {
        let host = args::text("registry host", host)?;
        let username = args::text("username", username)?;
        let password = args::text("password", password)?;
        let options = args::json("login options", options)?;
        let login = Login { host: &host, username: &username, password: &password, options: &options };
        self.sdk.ffi().registry_login(self.handle, &login)
    }

    /// Removes the stored credentials for `host`.
    pub fn logout(&self, host: &str) -> Result<(), HelmError> {
        self.sdk.ffi().registry_logout(self.handle, &args::text("registry host", host)?)
    }

    /// The semver tags of `oci://host/path/chart`, newest first.
    pub fn tags(&self, reference: &str) -> Result<Vec<String>, HelmError> {
        let result = self.sdk.ffi().registry_tags(self.handle, &args::text("OCI reference", reference)?)?;
        args::parse("registry tags", &result)
    }

    /// The manifest descriptor of `oci://host/path/chart:tag`.
    pub fn resolve(&self, reference: &str) -> Result<Descriptor, HelmError> {
        let result = self.sdk.ffi().registry_resolve(self.handle, &args::text("OCI reference", reference)?)?;
        args::parse("registry resolve", &result)
    }

    /// [`HelmSdk::push`] with this client.
    pub fn push(&self, archive: &Path, remote: &str, options: &PushOptions) -> Result<String, HelmError> {
        self.sdk.push(Some(self), archive, remote, options)
    }

    /// [`HelmSdk::pull`] with this client.
    pub fn pull(&self, chart_ref: &str, options: &PullOptions) -> Result<String, HelmError> {
        self.sdk.pull(Some(self), chart_ref, options)
    }
}

impl Drop for RegistryClient<'_> {
    fn drop(&mut self) {
        // A failure here means the handle is already gone; there is nothing left to free.
        let _ = self.sdk.ffi().free_handle(HandleKind::RegistryClient, self.handle);
    }
}

impl fmt::Debug for RegistryClient<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryClient").field("handle", &self.handle).finish()
    }
}

fn client_handle(client: Option<&RegistryClient<'_>>) -> Handle {
    client.map_or(0, |c| c.handle)
}

impl HelmSdk {
    /// `helm push`: uploads a chart archive to an OCI remote (`oci://host/path`; name and
    /// version come from the archive). Without a client an anonymous one is used, which
    /// private registries refuse. Returns Helm's human-readable summary.
    pub fn push(
        &self,
        client: Option<&RegistryClient<'_>>,
        archive: &Path,
        remote: &str,
        options: &PushOptions,
    ) -> Result<String, HelmError> {
        let archive = args::path("chart archive", archive)?;
        let remote = args::text("OCI remote", remote)?;
        let options = args::json("push options", options)?;
        let result = self.ffi().push(client_handle(client), &archive, &remote, &options)?;
        args::parse::<Output>("push", &result).map(|o| o.output)
    }

    /// `helm pull`: downloads `oci://host/path/name`, or a chart name from an HTTP repository
    /// given as `repo_url`, into `dest_dir` as `<name>-<version>.tgz`. Without a client an
    /// anonymous one is used for OCI. Returns Helm's human-readable summary.
    pub fn pull(
        &self,
        client: Option<&RegistryClient<'_>>,
        chart_ref: &str,
        options: &PullOptions,
    ) -> Result<String, HelmError> {
        let chart_ref = args::text("chart reference", chart_ref)?;
        let options = args::json("pull options", options)?;
        let result = self.ffi().pull(client_handle(client), &chart_ref, &options)?;
        args::parse::<Output>("pull", &result).map(|o| o.output)
    }

    /// `helm show`: Chart.yaml, values, README or CRDs of a local path, a repository chart or
    /// an `oci://` reference, as Helm prints them.
    pub fn show(
        &self,
        client: Option<&RegistryClient<'_>>,
        chart_ref: &str,
        options: &ShowOptions,
    ) -> Result<String, HelmError> {
        let chart_ref = args::text("chart reference", chart_ref)?;
        let options = args::json("show options", options)?;
        self.ffi().show(client_handle(client), &chart_ref, &options)
    }
}
