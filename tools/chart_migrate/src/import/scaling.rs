//! A HorizontalPodAutoscaler and a PodDisruptionBudget as `autoscaling_*` and `pdb_*`.

use serde_json::Value;

use super::app::{App, AppType, AttrValue, Attribute};
use super::common::{scalar_string, take_identity};
use super::fields::Fields;
use super::note::Note;
use crate::path::FieldPath;

pub fn read_hpa(fields: &mut Fields, app: &mut App) {
    take_identity(fields);
    let spec = FieldPath::of_keys(&["spec"]);
    fields.take(&spec.key("scaleTargetRef"));
    app.set(Attribute::AutoscalingEnabled, AttrValue::Bool(true));
    for (key, attribute) in
        [("minReplicas", Attribute::AutoscalingMinReplicas), ("maxReplicas", Attribute::AutoscalingMaxReplicas)]
    {
        if let Some(n) = fields.peek(&spec.key(key)).and_then(Value::as_i64) {
            fields.take(&spec.key(key));
            app.set(attribute, AttrValue::Int(n));
        }
    }
    // CPU and memory utilization targets are expressible; any other metric is reported.
    for metric in fields.items(&spec.key("metrics")) {
        let resource = metric.key("resource");
        let is_utilization = fields.peek(&metric.key("type")).and_then(Value::as_str) == Some("Resource")
            && fields.peek(&resource.key("target").key("type")).and_then(Value::as_str) == Some("Utilization")
            && fields.keys(&resource.key("target")).len() == 2;
        let target = fields.peek(&resource.key("target").key("averageUtilization")).and_then(Value::as_i64);
        let attribute = match fields.peek(&resource.key("name")).and_then(Value::as_str) {
            Some("cpu") => Attribute::AutoscalingTargetCpuUtilization,
            Some("memory") => Attribute::AutoscalingTargetMemoryUtilization,
            _ => continue,
        };
        if let (true, Some(target)) = (is_utilization, target) {
            fields.take(&metric);
            app.set(attribute, AttrValue::Int(target));
        }
    }
}

pub fn read_pdb(fields: &mut Fields, app: &mut App) {
    take_identity(fields);
    let spec = FieldPath::of_keys(&["spec"]);
    fields.take(&spec.key("selector"));
    for (key, attribute) in
        [("minAvailable", Attribute::PdbMinAvailable), ("maxUnavailable", Attribute::PdbMaxUnavailable)]
    {
        if let Some(value) = fields.peek(&spec.key(key)).and_then(scalar_string) {
            fields.take(&spec.key(key));
            app.set_str(attribute, &value);
        }
    }
}

/// A Deployment the chart gives no PodDisruptionBudget: the generated chart adds one
/// (maxUnavailable 1) whenever the app runs 2 or more pods, and no attribute leaves it out.
pub fn note_added_budget(id: &str, app: &App, notes: &mut Vec<Note>) {
    let int = |attribute| match app.get(attribute) {
        Some(AttrValue::Int(n)) => Some(*n),
        _ => None,
    };
    let default = if app.app_type == AppType::Worker { 1 } else { 2 };
    let pods = if app.get(Attribute::AutoscalingEnabled).is_some() {
        int(Attribute::AutoscalingMinReplicas).or(int(Attribute::Replicas)).unwrap_or(default)
    } else {
        int(Attribute::Replicas).unwrap_or(default)
    };
    if pods > 1 {
        notes.push(Note::object(
            id,
            format!(
                "no PodDisruptionBudget in the chart: the generated chart adds one (maxUnavailable 1) because app {} \
                 runs {pods} pods, so a node drain evicts its pods one at a time; no attribute leaves it out \
                 (pdb_max_unavailable or pdb_min_available shape it)",
                app.name
            ),
        ));
    }
}
