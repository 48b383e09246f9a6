//! HorizontalPodAutoscalers (pkg/apis/autoscaling/validation/validation.go),
//! PodDisruptionBudgets (pkg/apis/policy/validation/validation.go) and KEDA ScaledObjects
//! (KEDA's admission webhook, apis/keda/v1alpha1/scaledobject_webhook.go).

use serde_json::Value;

use super::quantity;
use super::syntax;
use super::{int, items, text, Report, HPA, KEDA_REPLICAS, PDB};

/// `validateHorizontalPodAutoscalerSpec`: 1 <= minReplicas <= maxReplicas, a target, and
/// valid metrics.
pub fn hpa(spec: &Value, report: &mut Report) {
    // Unset, minReplicas defaults to 1. Zero needs the alpha HPAScaleToZero gate.
    let min = int(spec, "minReplicas").unwrap_or(1);
    if min < 1 {
        report.add(HPA, "spec.minReplicas", format!("{min} must be greater than or equal to 1"));
    }
    match int(spec, "maxReplicas") {
        Some(max) if max < 1 => {
            report.add(HPA, "spec.maxReplicas", format!("{max} must be greater than or equal to 1"))
        }
        Some(max) if max < min => {
            report.add(HPA, "spec.maxReplicas", format!("{max} must be greater than or equal to `minReplicas` {min}"))
        }
        Some(_) => {}
        None => report.add(HPA, "spec.maxReplicas", "is required"),
    }
    let target = spec.get("scaleTargetRef").unwrap_or(&Value::Null);
    for key in ["kind", "name"] {
        if text(target, key).is_none_or(str::is_empty) {
            report.add(HPA, format!("spec.scaleTargetRef.{key}"), "is required");
        }
    }
    for (index, metric) in items(spec, "metrics").enumerate() {
        hpa_metric(metric, &format!("spec.metrics[{index}]"), report);
    }
}

/// `validateMetricSpec`: the source its type names, and a target that can be met.
fn hpa_metric(metric: &Value, path: &str, report: &mut Report) {
    let source = match text(metric, "type") {
        Some("Resource") => "resource",
        Some("ContainerResource") => "containerResource",
        Some("Pods") => "pods",
        Some("Object") => "object",
        Some("External") => "external",
        other => {
            report.add(
                HPA,
                format!("{path}.type"),
                format!("{other:?} is not one of Resource, ContainerResource, Pods, Object, External"),
            );
            return;
        }
    };
    let Some(source_spec) = metric.get(source) else {
        report.add(
            HPA,
            format!("{path}.{source}"),
            format!("must be populated for type {:?}", text(metric, "type").unwrap_or_default()),
        );
        return;
    };
    let at = format!("{path}.{source}");
    let resource_metric = matches!(source, "resource" | "containerResource");
    if resource_metric && text(source_spec, "name").is_none_or(str::is_empty) {
        report.add(HPA, format!("{at}.name"), "must specify a resource name");
    }
    let target = source_spec.get("target").unwrap_or(&Value::Null);
    let at = format!("{at}.target");
    match text(target, "type") {
        Some("Utilization") => match int(target, "averageUtilization") {
            Some(percent) if percent <= 0 => {
                report.add(HPA, format!("{at}.averageUtilization"), format!("{percent} must be greater than 0"))
            }
            Some(_) => {}
            None => report.add(HPA, format!("{at}.averageUtilization"), "is required for type Utilization"),
        },
        Some(kind @ ("Value" | "AverageValue")) => {
            if resource_metric && kind == "Value" {
                report.add(HPA, format!("{at}.type"), "a resource metric's target must be Utilization or AverageValue");
            }
            let key = if kind == "Value" { "value" } else { "averageValue" };
            let value = target.get(key).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string));
            match value.map(|v| (quantity::parse(&v), v)) {
                Some((Ok(n), _)) if n > 0 => {}
                Some((Ok(_), v)) => report.add(HPA, format!("{at}.{key}"), format!("{v} must be positive")),
                Some((Err(message), _)) => report.add(HPA, format!("{at}.{key}"), message),
                None => report.add(HPA, format!("{at}.{key}"), format!("is required for type {kind}")),
            }
        }
        other => {
            report.add(HPA, format!("{at}.type"), format!("{other:?} is not one of Utilization, Value, AverageValue"))
        }
    }
}

/// `ValidatePodDisruptionBudgetSpec`: one of minAvailable and maxUnavailable, each a count
/// or a percentage up to 100%.
pub fn pdb(spec: &Value, report: &mut Report) {
    if spec.get("minAvailable").is_some() && spec.get("maxUnavailable").is_some() {
        report.add(PDB, "spec", "minAvailable and maxUnavailable cannot be both set");
    }
    for key in ["minAvailable", "maxUnavailable"] {
        if let Some(value) = spec.get(key) {
            report.check(PDB, format!("spec.{key}"), syntax::int_or_percent(value));
        }
    }
    report.one_of(PDB, spec, "unhealthyPodEvictionPolicy", "spec", &["IfHealthyBudget", "AlwaysAllow"]);
}

/// KEDA's bounds (`CheckReplicaCountBoundsAreValid`): minReplicaCount <= maxReplicaCount and
/// idleReplicaCount below minReplicaCount. Unset, KEDA takes 0 and 100.
pub fn scaled_object(spec: &Value, report: &mut Report) {
    let min = int(spec, "minReplicaCount").unwrap_or(0);
    let max = int(spec, "maxReplicaCount").unwrap_or(100);
    if min < 0 {
        report.add(KEDA_REPLICAS, "spec.minReplicaCount", format!("{min} must be at least 0"));
    }
    if min > max {
        report.add(
            KEDA_REPLICAS,
            "spec.maxReplicaCount",
            format!("{max} must be greater than or equal to minReplicaCount {min}"),
        );
    }
    if let Some(idle) = int(spec, "idleReplicaCount") {
        if idle >= min {
            report.add(
                KEDA_REPLICAS,
                "spec.idleReplicaCount",
                format!("{idle} must be less than minReplicaCount {min}"),
            );
        }
    }
}
