//! Objects no app claimed: one report line each, saying why and what to do instead. Values
//! are never shown here (a Secret's least of all).

use crate::object::Object;

/// API groups of Kubernetes itself; any other group is a custom resource.
fn is_builtin(api_version: &str) -> bool {
    match api_version.split_once('/') {
        None => true,
        Some((group, _)) => matches!(group, "apps" | "batch" | "autoscaling" | "policy") || group.ends_with(".k8s.io"),
    }
}

/// Why `object` is not imported. `users`: the apps that use it (ServiceAccount, ConfigMap).
pub fn explain(object: &Object, users: &[String]) -> String {
    let used_by = if users.is_empty() { "no imported app".to_string() } else { users.join(", ") };
    let api_version = object.body.get("apiVersion").and_then(|v| v.as_str()).unwrap_or_default();
    if !is_builtin(api_version) {
        return format!(
            "a custom resource ({api_version}) is not expressible: not imported (KEDA ScaledObjects and \
             ServiceMonitors come from the keda_* and metrics_* attributes)"
        );
    }
    match object.kind.as_str() {
        "ReplicaSet" | "ReplicationController" => format!(
            "a {} is not an app type the rules express (a Deployment is: external-api, internal-api or worker): not imported",
            object.kind
        ),
        "Pod" if object.annotation("helm.sh/hook").is_some_and(|h| h.contains("test")) => {
            "a Helm test hook is not expressible: not imported (the generated chart's .validate test checks the chart)"
                .into()
        }
        "Pod" => "a bare Pod is not expressible: not imported".into(),
        "ServiceAccount" => format!(
            "the rules give every app its own ServiceAccount, with no token mounted: not imported (used by {used_by})"
        ),
        "Secret" => "secret values never go into a generated chart: create this Secret outside the chart and \
                     reference it (secret_env, env_from_secrets); not imported"
            .into(),
        "ConfigMap" => format!(
            "only a ConfigMap one app alone uses becomes that app's config_data; this one is used by {used_by}: not \
             imported (create it outside the chart and use env_from_configmaps)"
        ),
        "Service" => "selects no imported workload: not imported".into(),
        "Ingress" => "routes to no imported API: not imported".into(),
        "HorizontalPodAutoscaler" | "PodDisruptionBudget" => "applies to no imported Deployment: not imported".into(),
        "NetworkPolicy" => "network policies come from the network_policy_* attributes (allow_from_apps, \
                            egress_to_apps, egress_cidrs), which import does not infer: not imported, declare them by hand"
            .into(),
        "Role" | "RoleBinding" | "ClusterRole" | "ClusterRoleBinding" => {
            "RBAC is not expressible by release_app (environments grant view, edit or admin in the namespace): not imported"
                .into()
        }
        kind => format!("a {kind} is not expressible by release_app: not imported"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn explain_kind(kind: &str, api_version: &str) -> String {
        let object = Object {
            kind: kind.into(),
            name: "x".into(),
            template: "t".into(),
            body: json!({"apiVersion": api_version, "kind": kind}),
        };
        explain(&object, &[])
    }

    #[test]
    fn kubernetes_kinds_are_explained_and_custom_resources_are_not_expressible() {
        assert_eq!(
            explain_kind("ScaledObject", "keda.sh/v1alpha1"),
            "a custom resource (keda.sh/v1alpha1) is not expressible: not imported (KEDA ScaledObjects and \
             ServiceMonitors come from the keda_* and metrics_* attributes)"
        );
        for (kind, api_version) in [
            ("ReplicaSet", "apps/v1"),
            ("Job", "batch/v1"),
            ("HorizontalPodAutoscaler", "autoscaling/v2"),
            ("PodDisruptionBudget", "policy/v1"),
            ("NetworkPolicy", "networking.k8s.io/v1"),
            ("Secret", "v1"),
        ] {
            assert!(!explain_kind(kind, api_version).starts_with("a custom resource"), "{kind} {api_version}");
        }
        assert_eq!(
            explain_kind("ReplicaSet", "apps/v1"),
            "a ReplicaSet is not an app type the rules express (a Deployment is: external-api, internal-api or \
             worker): not imported"
        );
        assert_eq!(explain_kind("Job", "batch/v1"), "a Job is not expressible by release_app: not imported");
        assert_eq!(
            explain_kind("Secret", "v1"),
            "secret values never go into a generated chart: create this Secret outside the chart and reference it \
             (secret_env, env_from_secrets); not imported"
        );
    }

    #[test]
    fn a_test_hook_pod_is_told_apart_from_a_bare_pod_and_users_are_named() {
        let mut pod =
            Object { kind: "Pod".into(), name: "t".into(), template: "t".into(), body: json!({"apiVersion": "v1"}) };
        assert_eq!(explain(&pod, &[]), "a bare Pod is not expressible: not imported");
        pod.body["metadata"] = json!({"annotations": {"helm.sh/hook": "test-success"}});
        assert!(explain(&pod, &[]).starts_with("a Helm test hook is not expressible"), "{}", explain(&pod, &[]));
        let account = Object { kind: "ServiceAccount".into(), name: "a".into(), template: "t".into(), body: json!({}) };
        assert!(explain(&account, &["web".into(), "api".into()]).ends_with("(used by web, api)"));
        assert!(explain(&account, &[]).ends_with("(used by no imported app)"));
    }
}
