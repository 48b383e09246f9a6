//! Where an app's pods run: node selector, tolerations, node affinity, topology spread and
//! priority class, checked as the API server checks them.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use crate::checks;
use crate::error::ComposeError;
use crate::model::{
    NodeOperator, NodeRequirementMetadata, SchedulingMetadata, TaintEffect, TolerationMetadata, TolerationOperator,
    TopologySpreadMetadata, WhenUnsatisfiable,
};
use crate::origin::Origin;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Scheduling {
    pub node_selector: BTreeMap<String, String>,
    pub tolerations: Vec<Toleration>,
    /// Kubernetes' nodeAffinity object; empty: none.
    pub node_affinity: Value,
    pub topology_spread_constraints: Vec<SpreadConstraint>,
    pub priority_class_name: String,
}

/// A toleration as the pod spec has it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Toleration {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub key: String,
    pub operator: TolerationOperator,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect: Option<TaintEffect>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
}

/// A topology spread constraint but its label selector, which the template fills in from the
/// app's own selector labels (so it always counts the app's pods).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpreadConstraint {
    pub topology_key: String,
    pub max_skew: u32,
    pub when_unsatisfiable: WhenUnsatisfiable,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_domains: Option<u32>,
}

pub(super) fn scheduling(meta: &SchedulingMetadata, origin: &Origin) -> Result<Scheduling, ComposeError> {
    Ok(Scheduling {
        node_selector: node_selector(&meta.node_selector, "scheduling.node_selector", origin)?,
        tolerations: tolerations(&meta.tolerations, "scheduling.tolerations", origin)?,
        node_affinity: node_affinity(&meta.node_affinity, origin)?,
        topology_spread_constraints: topology_spread(&meta.topology_spread, origin)?,
        priority_class_name: priority_class_name(&meta.priority_class_name, "scheduling.priority_class_name", origin)?,
    })
}

/// Node labels: keys and values as Kubernetes labels.
pub(crate) fn node_selector(
    labels: &BTreeMap<String, String>,
    field: &str,
    origin: &Origin,
) -> Result<BTreeMap<String, String>, ComposeError> {
    for (key, value) in labels {
        origin.check(field, checks::qualified_name(key))?;
        origin.check(field, checks::label_value(value).map_err(|m| format!("{key}: {m}")))?;
    }
    Ok(labels.clone())
}

/// Tolerations as the API server accepts them (`validateTolerations`).
pub(crate) fn tolerations(
    list: &[TolerationMetadata],
    field: &str,
    origin: &Origin,
) -> Result<Vec<Toleration>, ComposeError> {
    list.iter()
        .enumerate()
        .map(|(i, t)| {
            let field = format!("{field}[{i}]");
            let operator = t.operator.unwrap_or(TolerationOperator::Equal);
            if t.key.is_empty() && operator != TolerationOperator::Exists {
                return Err(
                    origin.error(&field, "a toleration without a key tolerates every taint: it needs operator Exists")
                );
            }
            if !t.key.is_empty() {
                origin.check(&format!("{field}.key"), checks::qualified_name(&t.key))?;
            }
            match operator {
                TolerationOperator::Exists if !t.value.is_empty() => {
                    return Err(origin.error(&format!("{field}.value"), "must be empty with operator Exists"))
                }
                _ => origin.check(&format!("{field}.value"), checks::label_value(&t.value))?,
            }
            if t.toleration_seconds.is_some() && t.effect != Some(TaintEffect::NoExecute) {
                return Err(origin.error(
                    &format!("{field}.toleration_seconds"),
                    "is only meaningful with effect NoExecute (how long a pod stays on a node tainted so)",
                ));
            }
            Ok(Toleration {
                key: t.key.clone(),
                operator,
                value: t.value.clone(),
                effect: t.effect,
                toleration_seconds: t.toleration_seconds,
            })
        })
        .collect()
}

/// Kubernetes' nodeAffinity: the requirements without a weight in one node selector term (all
/// must hold), each weighted one a preferred term of its own.
fn node_affinity(list: &[NodeRequirementMetadata], origin: &Origin) -> Result<Value, ComposeError> {
    let mut required = Vec::new();
    let mut preferred = Vec::new();
    for (i, requirement) in list.iter().enumerate() {
        let field = format!("scheduling.node_affinity[{i}]");
        let expression = node_expression(requirement, &field, origin)?;
        match requirement.weight {
            None => required.push(expression),
            Some(weight @ 1..=100) => {
                preferred.push(json!({"weight": weight, "preference": {"matchExpressions": [expression]}}))
            }
            Some(weight) => return Err(origin.error(&format!("{field}.weight"), format!("{weight} is outside 1..100"))),
        }
    }
    let mut affinity = serde_json::Map::new();
    if !required.is_empty() {
        affinity.insert(
            "requiredDuringSchedulingIgnoredDuringExecution".into(),
            json!({"nodeSelectorTerms": [{"matchExpressions": required}]}),
        );
    }
    if !preferred.is_empty() {
        affinity.insert("preferredDuringSchedulingIgnoredDuringExecution".into(), Value::Array(preferred));
    }
    Ok(Value::Object(affinity))
}

/// One node selector requirement (`validateNodeSelectorRequirement`): In and NotIn need
/// values, Exists and DoesNotExist take none, Gt and Lt one whole number.
fn node_expression(requirement: &NodeRequirementMetadata, field: &str, origin: &Origin) -> Result<Value, ComposeError> {
    origin.check(&format!("{field}.key"), checks::qualified_name(&requirement.key))?;
    let values = &requirement.values;
    let values_field = format!("{field}.values");
    match requirement.operator {
        NodeOperator::In | NodeOperator::NotIn if values.is_empty() => {
            return Err(origin.error(&values_field, "needs at least one value with operator In or NotIn"))
        }
        NodeOperator::Exists | NodeOperator::DoesNotExist if !values.is_empty() => {
            return Err(origin.error(&values_field, "must be empty with operator Exists or DoesNotExist"))
        }
        NodeOperator::Gt | NodeOperator::Lt if values.len() != 1 || values[0].parse::<i64>().is_err() => {
            return Err(origin.error(&values_field, "must be one whole number with operator Gt or Lt"))
        }
        _ => {}
    }
    for value in values {
        origin.check(&values_field, checks::label_value(value))?;
    }
    let mut expression = json!({"key": requirement.key, "operator": requirement.operator});
    if !values.is_empty() {
        expression["values"] = json!(values);
    }
    Ok(expression)
}

/// Topology spread constraints (`validateTopologySpreadConstraints`): one per topology key
/// and condition, minDomains only when scheduling may be refused.
fn topology_spread(list: &[TopologySpreadMetadata], origin: &Origin) -> Result<Vec<SpreadConstraint>, ComposeError> {
    let mut seen = std::collections::BTreeSet::new();
    list.iter()
        .enumerate()
        .map(|(i, c)| {
            let field = format!("scheduling.topology_spread[{i}]");
            origin.check(&format!("{field}.topology_key"), checks::qualified_name(&c.topology_key))?;
            let when_unsatisfiable = c.when_unsatisfiable.unwrap_or(WhenUnsatisfiable::ScheduleAnyway);
            if !seen.insert((c.topology_key.clone(), when_unsatisfiable)) {
                return Err(origin.error(
                    &format!("{field}.topology_key"),
                    format!("{:?} with {when_unsatisfiable:?} is already constrained", c.topology_key),
                ));
            }
            let max_skew = origin.count(&format!("{field}.max_skew"), c.max_skew, 1, 1)?;
            let min_domains = match c.min_domains {
                Some(_) if when_unsatisfiable != WhenUnsatisfiable::DoNotSchedule => {
                    return Err(origin.error(
                        &format!("{field}.min_domains"),
                        "is only meaningful with when_unsatisfiable DoNotSchedule",
                    ))
                }
                Some(value) => Some(origin.count(&format!("{field}.min_domains"), Some(value), 1, 1)?),
                None => None,
            };
            Ok(SpreadConstraint { topology_key: c.topology_key.clone(), max_skew, when_unsatisfiable, min_domains })
        })
        .collect()
}

/// A PriorityClass name; the `system-` classes are reserved for kube-system's own pods.
pub(crate) fn priority_class_name(name: &str, field: &str, origin: &Origin) -> Result<String, ComposeError> {
    if name.is_empty() {
        return Ok(String::new());
    }
    origin.check(field, checks::dns_subdomain(name))?;
    if name.starts_with("system-") {
        return Err(origin.error(
            field,
            format!("{name:?}: the system- PriorityClasses are reserved for the cluster's own pods in kube-system"),
        ));
    }
    Ok(name.to_string())
}
