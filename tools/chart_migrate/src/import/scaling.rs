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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::object::Object;

    #[test]
    fn cpu_and_memory_utilization_targets_are_read_and_other_metrics_stay() {
        let resource =
            |name: &str, target: Value| json!({"type": "Resource", "resource": {"name": name, "target": target}});
        let object = Object {
            kind: "HorizontalPodAutoscaler".into(),
            name: "web".into(),
            template: "t".into(),
            body: json!({"spec": {"minReplicas": 2, "maxReplicas": 5, "metrics": [
                {"type": "Pods", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 10}}},
                resource("cpu", json!({"type": "AverageValue", "averageUtilization": 20})),
                resource("memory", json!({"type": "Utilization", "averageUtilization": 30, "averageValue": "1Gi"})),
                resource("gpu", json!({"type": "Utilization", "averageUtilization": 40})),
                resource("cpu", json!({"type": "Utilization", "averageUtilization": 70})),
                resource("memory", json!({"type": "Utilization", "averageUtilization": 80})),
            ]}}),
        };
        let mut fields = Fields::new(&object, "HorizontalPodAutoscaler/web".into());
        let mut app = App::new("web", AppType::InternalApi, "Deployment/web".into());
        read_hpa(&mut fields, &mut app);
        assert_eq!(app.get(Attribute::AutoscalingEnabled), Some(&AttrValue::Bool(true)));
        assert_eq!(app.get(Attribute::AutoscalingMinReplicas), Some(&AttrValue::Int(2)));
        assert_eq!(app.get(Attribute::AutoscalingMaxReplicas), Some(&AttrValue::Int(5)));
        assert_eq!(app.get(Attribute::AutoscalingTargetCpuUtilization), Some(&AttrValue::Int(70)));
        assert_eq!(app.get(Attribute::AutoscalingTargetMemoryUtilization), Some(&AttrValue::Int(80)));
        let left: Vec<String> = fields.leftovers().iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(left, ["spec.metrics[0]", "spec.metrics[1]", "spec.metrics[2]", "spec.metrics[3]"]);
    }

    #[test]
    fn the_added_budget_is_noted_with_the_pods_the_app_runs() {
        let note = |app: &App| {
            let mut notes = Vec::new();
            note_added_budget("Deployment/web", app, &mut notes);
            notes.iter().map(ToString::to_string).collect::<Vec<_>>()
        };
        let mut worker = App::new("web", AppType::Worker, "Deployment/web".into());
        assert!(note(&worker).is_empty(), "a worker runs one pod");
        worker.set(Attribute::Replicas, AttrValue::Int(3));
        let notes = note(&worker);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("because app web runs 3 pods"), "{notes:?}");
        worker.set(Attribute::AutoscalingEnabled, AttrValue::Bool(true));
        worker.set(Attribute::AutoscalingMinReplicas, AttrValue::Int(4));
        assert!(note(&worker)[0].contains("because app web runs 4 pods"));
        let api = App::new("api", AppType::InternalApi, "Deployment/api".into());
        assert!(note(&api)[0].contains("because app api runs 2 pods"));
    }
}
