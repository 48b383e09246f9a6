//! The API server's rule on container resources, checked on the rendered objects: a request
//! may not exceed the limit of the same resource (`spec.containers[].resources.requests:
//! Invalid value: "32Gi": must be less than or equal to memory limit of 16Gi`), so an
//! overlay that raises a request over the chart's limit would be refused at install.
//!
//! Kept small on purpose: the chart validator (tools/validator) owns the full set of
//! API-server rules; this is the one an autotuner's recommendations can break.

use std::collections::BTreeMap;

use serde_json::Value;

/// Where a kind keeps its pod spec.
fn pod_spec(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &["spec"],
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => &["spec", "template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return None,
    })
}

/// What the check saw: the containers it looked at, and every request above its limit.
#[derive(Debug, Default, PartialEq)]
pub struct LimitsReport {
    pub containers: usize,
    pub violations: Vec<String>,
}

/// Checks every container of every rendered object (`Kind/name` -> object).
pub fn check(objects: &BTreeMap<String, Value>) -> LimitsReport {
    let mut report = LimitsReport::default();
    for (id, object) in objects {
        let kind = object.get("kind").and_then(Value::as_str).unwrap_or_default();
        let Some(keys) = pod_spec(kind) else { continue };
        let Some(spec) = keys.iter().try_fold(object, |value, key| value.get(*key)) else { continue };
        for list in ["initContainers", "containers"] {
            for container in spec.get(list).and_then(Value::as_array).into_iter().flatten() {
                report.containers += 1;
                let name = container.get("name").and_then(Value::as_str).unwrap_or("?");
                let resources = container.get("resources");
                let (Some(requests), Some(limits)) = (
                    resources.and_then(|r| r.get("requests")).and_then(Value::as_object),
                    resources.and_then(|r| r.get("limits")).and_then(Value::as_object),
                ) else {
                    continue;
                };
                for (resource, request) in requests {
                    let Some(limit) = limits.get(resource) else { continue };
                    if exceeds(request, limit) {
                        report.violations.push(format!(
                            "{id} container {name}: requests.{resource} {} is above limits.{resource} {} (Kubernetes \
                             refuses the {kind}: a request must be at most its limit)",
                            text(request),
                            text(limit)
                        ));
                    }
                }
            }
        }
    }
    report
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether the quantity `request` is more than `limit`; quantities that do not parse are
/// left to the API server's own validation.
fn exceeds(request: &Value, limit: &Value) -> bool {
    match (quantity(&text(request)), quantity(&text(limit))) {
        (Some(request), Some(limit)) => request > limit,
        _ => false,
    }
}

/// A Kubernetes quantity in units of 10⁻⁹ (exact for every suffix the API accepts short of
/// exa-scale, which saturates): `500m`, `1.5`, `16Gi`, `2k`, `1e3`.
pub fn quantity(text: &str) -> Option<i128> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-')).unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let nanos_per_unit: i128 = match suffix {
        "" => 1_000_000_000,
        "n" => 1,
        "u" => 1_000,
        "m" => 1_000_000,
        "k" => 1_000_000_000_000,
        "M" => 1_000_000_000_000_000,
        "G" => 1_000_000_000_000_000_000,
        "T" => 1_000_000_000_000_000_000_000,
        "P" => 1_000_000_000_000_000_000_000_000,
        "E" => 1_000_000_000_000_000_000_000_000_000,
        "Ki" => 1_000_000_000 << 10,
        "Mi" => 1_000_000_000 << 20,
        "Gi" => 1_000_000_000 << 30,
        "Ti" => 1_000_000_000 << 40,
        "Pi" => 1_000_000_000 << 50,
        "Ei" => 1_000_000_000 << 60,
        exponent if exponent.starts_with(['e', 'E']) => {
            let power: u32 = exponent[1..].parse().ok().filter(|p| *p <= 18)?;
            1_000_000_000 * 10i128.pow(power)
        }
        _ => return None,
    };
    let negative = number.starts_with('-');
    let number = number.trim_start_matches(['+', '-']);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() || fraction.len() > 9 {
        return None;
    }
    let whole: i128 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let fraction: i128 = format!("{fraction:0<9}").parse().ok()?;
    // value = (whole + fraction / 10⁹) × unit, in nanos.
    let scaled =
        whole.checked_mul(nanos_per_unit)?.checked_add(fraction.checked_mul(nanos_per_unit)? / 1_000_000_000)?;
    Some(if negative { -scaled } else { scaled })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quantities_compare_across_suffixes() {
        assert_eq!(quantity("1"), quantity("1000m"));
        assert_eq!(quantity("1Gi"), quantity("1024Mi"));
        assert_eq!(quantity("0.5"), quantity("500m"));
        assert_eq!(quantity("1e3"), quantity("1k"));
        assert!(quantity("32Gi") > quantity("16Gi"));
        assert!(quantity("1G") < quantity("1Gi"));
        assert_eq!(quantity("12x"), None);
        assert_eq!(quantity(""), None);
    }

    #[test]
    fn every_suffix_in_nanos() {
        let cases: [(&str, i128); 18] = [
            ("1n", 1),
            ("1u", 1_000),
            ("1m", 1_000_000),
            ("1", 1_000_000_000),
            ("1k", 1_000_000_000_000),
            ("1M", 1_000_000_000_000_000),
            ("1G", 1_000_000_000_000_000_000),
            ("1T", 1_000_000_000_000_000_000_000),
            ("1P", 1_000_000_000_000_000_000_000_000),
            ("1E", 1_000_000_000_000_000_000_000_000_000),
            ("1Ki", 1_024_000_000_000),
            ("1Mi", 1_048_576_000_000_000),
            ("1Gi", 1_073_741_824_000_000_000),
            ("1Ti", 1_099_511_627_776_000_000_000),
            ("1Pi", 1_125_899_906_842_624_000_000_000),
            ("1Ei", 1_152_921_504_606_846_976_000_000_000),
            ("2e3", 2_000_000_000_000),
            ("1e18", 1_000_000_000_000_000_000_000_000_000),
        ];
        for (text, nanos) in cases {
            assert_eq!(quantity(text), Some(nanos), "{text}");
        }
        assert_eq!(quantity("1e19"), None, "exponents stop at 18");
        assert_eq!(quantity("1x5"), None, "only e and E start an exponent");
    }

    #[test]
    fn signs_and_fractions() {
        assert_eq!(quantity("-1"), Some(-1_000_000_000));
        assert_eq!(quantity("+1"), Some(1_000_000_000));
        assert_eq!(quantity(" 2 "), Some(2_000_000_000));
        assert_eq!(quantity(".5"), Some(500_000_000));
        assert_eq!(quantity("0.123456789"), Some(123_456_789), "nine fraction digits are nanos");
        assert_eq!(quantity("0.1234567891"), None, "a tenth is finer than a nano");
        assert_eq!(quantity("."), None);
        assert_eq!(quantity("1.5Gi"), Some(1_610_612_736_000_000_000));
    }

    #[test]
    fn a_request_equal_to_its_limit_passes_in_pods_jobs_and_cronjobs() {
        let containers = |request: &str| {
            json!({"initContainers": [{"name": "init", "resources": {"requests": {"cpu": request}, "limits": {"cpu": "500m"}}}],
                   "containers": [{"name": "main"}]})
        };
        let objects = BTreeMap::from([
            ("Pod/p".to_string(), json!({"kind": "Pod", "spec": containers("0.5")})),
            (
                "CronJob/c".to_string(),
                json!({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": containers("600m")}}}}}),
            ),
            ("Job/j".to_string(), json!({"kind": "Job", "spec": {"template": {"spec": containers("1")}}})),
        ]);
        let report = check(&objects);
        assert_eq!(report.containers, 6);
        assert_eq!(
            report.violations,
            [
                "CronJob/c container init: requests.cpu 600m is above limits.cpu 500m (Kubernetes refuses the CronJob: \
                 a request must be at most its limit)",
                "Job/j container init: requests.cpu 1 is above limits.cpu 500m (Kubernetes refuses the Job: a request \
                 must be at most its limit)",
            ]
        );
    }

    #[test]
    fn a_request_above_its_limit_is_named() {
        let deployment = json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers": [
            {"name": "executor", "resources": {"requests": {"memory": "32Gi", "cpu": "1"}, "limits": {"memory": "16Gi", "cpu": 2}}},
            {"name": "sidecar", "resources": {"requests": {"memory": "64Mi"}}}
        ]}}}});
        let objects = BTreeMap::from([
            ("Deployment/x".to_string(), deployment),
            ("ConfigMap/c".into(), json!({"kind": "ConfigMap"})),
        ]);
        let report = check(&objects);
        assert_eq!(report.containers, 2);
        assert_eq!(
            report.violations,
            ["Deployment/x container executor: requests.memory 32Gi is above limits.memory 16Gi (Kubernetes refuses \
              the Deployment: a request must be at most its limit)"]
        );
    }
}
