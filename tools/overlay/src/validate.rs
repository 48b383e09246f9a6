//! Checking a plan with the real Helm: every recommendation against the chart's
//! values.schema.json on its own (so a refusal names it), then all together; with
//! `--validate` also `helm lint --strict` and a render of the chart with the new values.

use std::collections::BTreeMap;

use helm_sdk::{LintOptions, RenderOptions, Severity};
use serde_json::Value;

use crate::apply::Plan;
use crate::chart::ChartContext;
use crate::error::OverlayError;
use crate::paths;

/// Kubernetes version lint and render assume (the one `chart_validate_test` uses).
pub const KUBE_VERSION: &str = "v1.34.0";

/// Each applied recommendation, alone over the effective values, must satisfy the chart's
/// schema; then all of them together.
pub fn schema(chart: &ChartContext, plan: &Plan) -> Result<(), OverlayError> {
    if !chart.has_schema {
        return Ok(());
    }
    let loaded = chart.reload()?;
    for applied in &plan.applied {
        let mut alone = plan.effective.clone();
        for change in &applied.changes {
            paths::set(&mut alone, &change.path, change.after.clone());
        }
        if let Err(error) = loaded.validate_schema(Some(&alone)) {
            let recommendation = &applied.recommendation;
            let values_path = applied.changes.iter().map(|c| c.path.to_string()).collect::<Vec<_>>().join(", ");
            let after = applied.changes.iter().map(|c| c.after.to_string()).collect::<Vec<_>>().join(", ");
            return Err(OverlayError::Recommendation {
                key: recommendation.key.clone(),
                value: recommendation.value.to_json().to_string(),
                values_path,
                message: format!("the chart's values.schema.json refuses {after}: {}", helm_detail(&error)),
            });
        }
    }
    // A fresh handle: Helm's handles may misbehave after a failed call.
    chart.reload()?.validate_schema(Some(&plan.proposed)).map_err(|error| OverlayError::Chart {
        chart: chart.dir.clone(),
        message: format!("the recommendations together break values.schema.json: {}", helm_detail(&error)),
    })
}

/// `helm lint --strict` with the new values: any warning or error fails.
pub fn lint(chart: &ChartContext, values: &Value) -> Result<(), OverlayError> {
    let options = LintOptions { strict: true, kube_version: Some(KUBE_VERSION.into()), ..LintOptions::default() };
    let report = chart.sdk.lint(&chart.dir, Some(values), &options)?;
    let findings: Vec<String> = report
        .messages
        .iter()
        .filter(|m| matches!(m.severity, Severity::Warning | Severity::Error | Severity::Other(_)))
        .map(|m| format!("{}: {}", m.path, m.error))
        .chain(report.errors.iter().cloned())
        .collect();
    if findings.is_empty() {
        Ok(())
    } else {
        Err(OverlayError::Chart {
            chart: chart.dir.clone(),
            message: format!("helm lint --strict fails with the new values: {}", findings.join("; ")),
        })
    }
}

/// The chart rendered as `helm template` would, release `release`, with `values`.
pub fn render(chart: &ChartContext, values: &Value, release: &str) -> Result<BTreeMap<String, String>, OverlayError> {
    let options = RenderOptions {
        name: Some(release.into()),
        namespace: Some("default".into()),
        is_install: true,
        kube_version: Some(KUBE_VERSION.into()),
        ..RenderOptions::default()
    };
    chart.reload()?.render(Some(values), &options).map_err(|error| OverlayError::Chart {
        chart: chart.dir.clone(),
        message: format!("Helm cannot render the chart with the new values: {}", helm_detail(&error)),
    })
}

/// Renders the chart with `values` and checks every container's requests against its
/// limits (what the API server refuses); returns what it checked, for the user.
pub fn render_and_check_limits(chart: &ChartContext, values: &Value, release: &str) -> Result<String, OverlayError> {
    let chart_error = |message: String| OverlayError::Chart { chart: chart.dir.clone(), message };
    let objects = crate::diff::objects(&render(chart, values, release)?).map_err(chart_error)?;
    let report = crate::limits::check(&objects);
    if !report.violations.is_empty() {
        return Err(chart_error(format!("with the new values, {}", report.violations.join("; "))));
    }
    Ok(format!(
        "a render with the new values ({} objects) and requests at most limits in its {} containers",
        objects.len(),
        report.containers
    ))
}

/// Helm's own words on one line, without our wrapper's prefix (Helm lists schema
/// violations under a `<chart>:` line, one `- at '<pointer>': ...` line each).
fn helm_detail(error: &helm_sdk::HelmError) -> String {
    let text = match error {
        helm_sdk::HelmError::Call { detail, .. } => detail.clone(),
        other => other.to_string(),
    };
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let listed = lines.len() > 1 && lines[0].ends_with(':') && lines[1..].iter().all(|l| l.starts_with("- "));
    if listed {
        lines[1..].iter().map(|l| l.trim_start_matches("- ")).collect::<Vec<_>>().join("; ")
    } else {
        lines.join(" ")
    }
}
