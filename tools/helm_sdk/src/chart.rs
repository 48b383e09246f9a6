//! [`Chart`]: a chart loaded into the library, and chart scaffolding.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::args::{self, null_as_default};
use crate::error::HelmError;
use crate::ffi::{ChartPart, Handle, HandleKind};
use crate::options::RenderOptions;
use crate::sdk::HelmSdk;

/// A chart loaded by Helm (from a directory, a `.tgz`, or archive bytes). The library-side
/// chart is freed when this value drops.
///
/// Reading it (metadata, values, schema, ...) never changes it and may happen from several
/// threads. [`Chart::render`] consumes it: rendering processes subchart conditions, tags and
/// import-values *in place*, as a Helm install does, so a second render of the same loaded
/// chart could silently miss subcharts the first one disabled. Load again to render again.
pub struct Chart<'sdk> {
    sdk: &'sdk HelmSdk,
    handle: Handle,
}

impl<'sdk> Chart<'sdk> {
    /// Loads a chart directory or `.tgz` file; fails with
    /// [`ErrorCode::ChartLoad`](crate::ErrorCode::ChartLoad).
    pub fn load(sdk: &'sdk HelmSdk, path: &Path) -> Result<Chart<'sdk>, HelmError> {
        let handle = sdk.ffi().chart_load(&args::path("chart path", path)?)?;
        Ok(Chart { sdk, handle })
    }

    /// Loads a chart from the bytes of a `.tgz` archive (1 byte to 2 GiB), without touching
    /// the filesystem.
    pub fn load_archive(sdk: &'sdk HelmSdk, archive: &[u8]) -> Result<Chart<'sdk>, HelmError> {
        let handle = sdk.ffi().chart_load_archive(archive)?;
        Ok(Chart { sdk, handle })
    }

    /// The Chart.yaml metadata.
    pub fn metadata(&self) -> Result<ChartMetadata, HelmError> {
        self.read(ChartPart::Metadata, "chart metadata")
    }

    /// The default values (values.yaml) as JSON.
    pub fn values(&self) -> Result<Value, HelmError> {
        self.read(ChartPart::Values, "chart values")
    }

    /// The default values coalesced with `overrides` (overrides win, tables merge), as an
    /// install would compute them.
    pub fn merge_values(&self, overrides: Option<&Value>) -> Result<Value, HelmError> {
        let overrides = args::values(overrides)?;
        let result = self.sdk.ffi().chart_merge_values(self.handle, overrides.as_deref())?;
        args::parse("chart merge values", &result)
    }

    /// Validates the effective values (defaults plus `overrides`) against the chart's
    /// values.schema.json; a violation is [`ErrorCode::Values`](crate::ErrorCode::Values)
    /// with Helm's description of it. A chart without a schema always passes.
    pub fn validate_schema(&self, overrides: Option<&Value>) -> Result<(), HelmError> {
        let overrides = args::values(overrides)?;
        self.sdk.ffi().schema_validate(self.handle, overrides.as_deref())
    }

    /// The chart's values.schema.json, or `None` when it ships none.
    pub fn schema(&self) -> Result<Option<Value>, HelmError> {
        let schema: Value = self.read(ChartPart::Schema, "chart schema")?;
        Ok(if schema.is_null() { None } else { Some(schema) })
    }

    /// The metadata of the subcharts loaded from `charts/` (declared but absent ones are only
    /// in [`ChartMetadata::dependencies`]).
    pub fn dependencies(&self) -> Result<Vec<ChartMetadata>, HelmError> {
        self.read(ChartPart::Dependencies, "chart dependencies")
    }

    /// The non-template files (README, LICENSE, ...).
    pub fn files(&self) -> Result<Vec<ChartFile>, HelmError> {
        self.read(ChartPart::Files, "chart files")
    }

    /// The raw templates.
    pub fn templates(&self) -> Result<Vec<ChartFile>, HelmError> {
        self.read(ChartPart::Templates, "chart templates")
    }

    /// The CRDs under `crds/` of the chart and its subcharts.
    pub fn crds(&self) -> Result<Vec<Crd>, HelmError> {
        self.read(ChartPart::Crds, "chart crds")
    }

    /// Writes the chart as `<dest_dir>/<name>-<version>.tgz`; returns that path.
    pub fn save(&self, dest_dir: &Path) -> Result<PathBuf, HelmError> {
        let dest_dir = args::path("destination directory", dest_dir)?;
        self.sdk.ffi().chart_save(self.handle, &dest_dir).map(args::returned_path)
    }

    /// Writes the chart as a directory tree `<dest_dir>/<name>`; returns that path.
    pub fn save_dir(&self, dest_dir: &Path) -> Result<PathBuf, HelmError> {
        let dest_dir = args::path("destination directory", dest_dir)?;
        self.sdk.ffi().chart_save_dir(self.handle, &dest_dir).map(args::returned_path)
    }

    /// Renders the templates offline, as `helm template` does (`lookup` finds nothing):
    /// template path (`<chart>/templates/x.yaml`) to manifest text. Consumes the chart, see
    /// the type's documentation. Bad values fail with
    /// [`ErrorCode::Values`](crate::ErrorCode::Values), a failing template with
    /// [`ErrorCode::Render`](crate::ErrorCode::Render).
    pub fn render(
        self,
        values: Option<&Value>,
        options: &RenderOptions,
    ) -> Result<BTreeMap<String, String>, HelmError> {
        let values = args::values(values)?;
        let options = args::json("render options", options)?;
        let result = self.sdk.ffi().render(self.handle, values.as_deref(), &options)?;
        args::parse("render", &result)
    }

    fn read<T: serde::de::DeserializeOwned>(&self, part: ChartPart, operation: &'static str) -> Result<T, HelmError> {
        let result = self.sdk.ffi().chart_read(self.handle, part)?;
        args::parse(operation, &result)
    }
}

impl Drop for Chart<'_> {
    fn drop(&mut self) {
        // A failure here means the handle is already gone; there is nothing left to free.
        let _ = self.sdk.ffi().free_handle(HandleKind::Chart, self.handle);
    }
}

impl fmt::Debug for Chart<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chart").field("handle", &self.handle).finish()
    }
}

impl HelmSdk {
    /// `helm create`: scaffolds a chart named `name` in `dir`; returns the chart directory.
    pub fn chart_create(&self, name: &str, dir: &Path) -> Result<PathBuf, HelmError> {
        let name = args::text("chart name", name)?;
        let dir = args::path("directory", dir)?;
        self.ffi().chart_create(&name, &dir, None).map(args::returned_path)
    }

    /// `helm create --starter`: scaffolds `dir/<name>` from the chart at `starter`.
    pub fn chart_create_from(&self, name: &str, dir: &Path, starter: &Path) -> Result<PathBuf, HelmError> {
        let name = args::text("chart name", name)?;
        let dir = args::path("directory", dir)?;
        let starter = args::path("starter chart", starter)?;
        self.ffi().chart_create(&name, &dir, Some(&starter)).map(args::returned_path)
    }
}

/// Chart.yaml metadata. Keys this struct does not name are kept in `other`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartMetadata {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub app_version: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// `application` or `library`.
    #[serde(default, rename = "type")]
    pub chart_type: Option<String>,
    #[serde(default)]
    pub kube_version: Option<String>,
    #[serde(default)]
    pub home: Option<String>,
    #[serde(default)]
    pub icon: Option<String>,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub keywords: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub sources: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub maintainers: Vec<Maintainer>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub annotations: BTreeMap<String, String>,
    /// The dependencies declared in Chart.yaml.
    #[serde(default, deserialize_with = "null_as_default")]
    pub dependencies: Vec<ChartDependency>,
    /// Any other key (e.g. `condition`, `tags`).
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// A chart maintainer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Maintainer {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// A dependency declared in Chart.yaml.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct ChartDependency {
    pub name: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub repository: String,
    #[serde(default)]
    pub condition: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub enabled: bool,
    #[serde(default, rename = "import-values", deserialize_with = "null_as_default")]
    pub import_values: Vec<Value>,
    #[serde(default)]
    pub alias: Option<String>,
}

/// A file of a chart: its path inside the chart and its text.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ChartFile {
    pub name: String,
    pub data: String,
}

/// A CRD shipped under `crds/`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Crd {
    pub name: String,
    pub filename: String,
    pub data: String,
}
