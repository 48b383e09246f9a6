//! The chart an overlay is for, read through Helm: its metadata, whether it has a values
//! schema, and its effective values (defaults coalesced with an environment's file).

use std::fs;
use std::path::{Path, PathBuf};

use helm_sdk::{Chart, ChartMetadata, HelmSdk};
use serde_json::Value;

use crate::error::OverlayError;

pub struct ChartContext<'sdk> {
    pub sdk: &'sdk HelmSdk,
    pub dir: PathBuf,
    pub metadata: ChartMetadata,
    pub has_schema: bool,
    /// `values-<env>.yaml` (file name and values), when an environment was chosen.
    pub environment: Option<(String, Value)>,
    /// The values an install would use: defaults, then the environment's file.
    pub effective: Value,
}

impl<'sdk> ChartContext<'sdk> {
    pub fn load(sdk: &'sdk HelmSdk, dir: &Path, environment: Option<&str>) -> Result<ChartContext<'sdk>, OverlayError> {
        let chart = Chart::load(sdk, dir)?;
        let metadata = chart.metadata()?;
        let has_schema = chart.schema()?.is_some();
        let environment = match environment {
            None => None,
            Some(name) => Some(read_environment(sdk, dir, name)?),
        };
        let effective = chart.merge_values(environment.as_ref().map(|(_, values)| values))?;
        Ok(ChartContext { sdk, dir: dir.into(), metadata, has_schema, environment, effective })
    }

    /// The `helm-composer/apps` annotation: present only on charts composed here.
    pub fn composed_apps(&self) -> Option<&str> {
        self.metadata.annotations.get(crate::mapping::APPS_ANNOTATION).map(String::as_str)
    }

    /// A fresh load of the chart (a loaded chart renders only once).
    pub fn reload(&self) -> Result<Chart<'sdk>, OverlayError> {
        Ok(Chart::load(self.sdk, &self.dir)?)
    }

    /// `values over the chart's defaults plus values-<env>.yaml`, for headers.
    pub fn base_description(&self) -> String {
        match &self.environment {
            Some((file, _)) => format!("its defaults and {file}"),
            None => "its defaults".into(),
        }
    }
}

fn read_environment(sdk: &HelmSdk, dir: &Path, name: &str) -> Result<(String, Value), OverlayError> {
    let chart_error = |message: String| OverlayError::Chart { chart: dir.into(), message };
    if !crate::input::is_dns_label(name) {
        return Err(chart_error(format!("--environment {name:?} is not an environment name (a DNS-1123 label)")));
    }
    let file_name = format!("values-{name}.yaml");
    let file = dir.join(&file_name);
    let text = fs::read_to_string(&file)
        .map_err(|e| chart_error(format!("has no {file_name} for --environment {name}: {e}")))?;
    let values = sdk.values_from_yaml(&text)?;
    Ok((file_name, values))
}
