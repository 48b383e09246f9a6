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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::{self, PlanOptions};
    use crate::chart::fixture;
    use crate::input::{Recommendation, RecommendationSet, ScalarValue};
    use crate::mapping::Mapping;
    use serde_json::json;

    fn plan_for(chart: &ChartContext, recommendations: &[(&str, Value)]) -> Plan {
        let set = RecommendationSet {
            api_version: crate::input::API_VERSION.into(),
            kind: crate::input::KIND.into(),
            app_id: "app-1".into(),
            workload: "etl".into(),
            generated_at: "2026-02-22T12:00:00Z".into(),
            source: "test".into(),
            confidence: 1.0,
            based_on: vec![],
            recommendations: recommendations
                .iter()
                .map(|(key, value)| Recommendation {
                    key: key.to_string(),
                    value: serde_json::from_value::<ScalarValue>(value.clone()).unwrap(),
                    reason: "r".into(),
                    confidence: 1.0,
                })
                .collect(),
        };
        let mapping = Mapping::new(None, chart.composed_apps()).unwrap();
        apply::plan(&set, &mapping, &chart.effective, PlanOptions::default()).unwrap()
    }

    #[test]
    fn the_schema_refuses_a_recommendation_by_name_and_only_when_the_chart_has_one() {
        let sdk = fixture::sdk();
        let dir = tempfile::tempdir().unwrap();
        fixture::chart(dir.path(), true, true);
        let chart = ChartContext::load(&sdk, dir.path(), None).unwrap();
        assert!(schema(&chart, &plan_for(&chart, &[("api.replicas", json!(4))])).is_ok());
        let error = schema(&chart, &plan_for(&chart, &[("api.replicas", json!(11))])).unwrap_err().to_string();
        assert_eq!(
            error,
            "recommendation \"api.replicas\" (value 11) -> apps.api.replicas: the chart's values.schema.json refuses \
             11: at '/apps/api/replicas': maximum: got 11, want 10"
        );
        let unchecked = tempfile::tempdir().unwrap();
        fixture::chart(unchecked.path(), true, false);
        let chart = ChartContext::load(&sdk, unchecked.path(), None).unwrap();
        assert!(schema(&chart, &plan_for(&chart, &[("api.replicas", json!(11))])).is_ok(), "no schema, no check");
    }

    #[test]
    fn lint_fails_naming_what_helm_found() {
        let sdk = fixture::sdk();
        let dir = tempfile::tempdir().unwrap();
        fixture::chart(dir.path(), true, false);
        let chart = ChartContext::load(&sdk, dir.path(), None).unwrap();
        assert!(lint(&chart, &chart.effective).is_ok(), "Chart.yaml's missing icon is only information");
        let mut broken = chart.effective.clone();
        broken["apps"]["api"]["replicas"] = json!("a: b: c");
        // Helm lists an error both as a message and among its errors; the message names the file.
        let error = lint(&chart, &broken).unwrap_err().to_string();
        let expected = format!(
            "chart {}: helm lint --strict fails with the new values: templates/deployment.yaml: unable to parse YAML: \
             error converting YAML to JSON: yaml: line 6: mapping values are not allowed in this context",
            dir.path().display()
        );
        assert!(error.starts_with(&expected), "{error}");
    }

    #[test]
    fn lint_counts_warnings_as_failures() {
        let sdk = fixture::sdk();
        let dir = tempfile::tempdir().unwrap();
        fixture::chart(dir.path(), true, false);
        let budget = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: {{ .Release.Name }}\n\
                      spec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: api\n";
        std::fs::write(dir.path().join("templates/pdb.yaml"), budget).unwrap();
        let chart = ChartContext::load(&sdk, dir.path(), None).unwrap();
        let error = lint(&chart, &chart.effective).unwrap_err().to_string();
        let expected = format!(
            "chart {}: helm lint --strict fails with the new values: templates/pdb.yaml: policy/v1beta1 \
             PodDisruptionBudget is deprecated in v1.21+, unavailable in v1.25+; use policy/v1 PodDisruptionBudget",
            dir.path().display()
        );
        assert!(error.starts_with(&expected), "{error}");
    }

    #[test]
    fn lint_sees_the_chart_as_kubernetes_1_34_does() {
        let sdk = fixture::sdk();
        let dir = tempfile::tempdir().unwrap();
        fixture::chart(dir.path(), true, false);
        // Valid YAML on 1.34; on any later version (Helm's default is newer) a broken document.
        let by_version =
            "{{- if semverCompare \">=1.35.0-0\" .Capabilities.KubeVersion.Version }}\nbroken: [\n{{- else }}\n\
                          apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: by-version\n{{- end }}\n";
        std::fs::write(dir.path().join("templates/by-version.yaml"), by_version).unwrap();
        let chart = ChartContext::load(&sdk, dir.path(), None).unwrap();
        assert!(lint(&chart, &chart.effective).is_ok());
    }

    #[test]
    fn the_render_is_an_install_of_the_release_in_default_on_kubernetes_1_34() {
        let sdk = fixture::sdk();
        let dir = tempfile::tempdir().unwrap();
        fixture::chart(dir.path(), true, false);
        let chart = ChartContext::load(&sdk, dir.path(), None).unwrap();
        let objects = crate::diff::objects(&render(&chart, &chart.effective, "rel").unwrap()).unwrap();
        assert_eq!(
            objects["ConfigMap/rel-release"]["data"],
            json!({"namespace": "default", "install": "true", "kube": "v1.34.0", "note": "hello"})
        );
        assert_eq!(
            render_and_check_limits(&chart, &chart.effective, "rel").unwrap(),
            "a render with the new values (2 objects) and requests at most limits in its 1 containers"
        );
        let over = plan_for(&chart, &[("api.memory.request", json!("4g"))]);
        assert_eq!(
            render_and_check_limits(&chart, &over.proposed, "rel").unwrap_err().to_string(),
            format!(
                "chart {}: with the new values, Deployment/rel-api container api: requests.memory 4Gi is above \
                 limits.memory 2Gi (Kubernetes refuses the Deployment: a request must be at most its limit)",
                dir.path().display()
            )
        );
    }

    #[test]
    fn helm_details_are_one_line() {
        let call = |detail: &str| helm_sdk::HelmError::Call {
            operation: "validate",
            code: helm_sdk::ErrorCode::from_raw(1),
            detail: detail.into(),
        };
        assert_eq!(
            helm_detail(&call("shop:\n- at '/a': bad\n\n  - at '/b': worse\n")),
            "at '/a': bad; at '/b': worse",
            "a list under its chart's line"
        );
        assert_eq!(helm_detail(&call("first line\n  second:\n")), "first line second:");
        assert_eq!(helm_detail(&call("shop:\nnot listed\n")), "shop: not listed");
        assert_eq!(helm_detail(&call("- only\n")), "- only");
        assert_eq!(helm_detail(&call("shop:\n")), "shop:");
        assert_eq!(
            helm_detail(&helm_sdk::HelmError::NulByte { what: "values" }),
            "values contains a NUL byte, which Helm's C interface cannot carry"
        );
    }
}
