//! Why a field left over after import is not in the declarations: one sentence per kind of
//! field, so the report tells the reader what the generated chart does instead.

use crate::path::{FieldPath, Segment};

const SECURITY: &str = "the rules set their own security context (non-root UID 10001, read-only root filesystem, \
                        no privilege escalation, all capabilities dropped, RuntimeDefault seccomp profile)";
const SCHEDULING: &str =
    "not expressible: the rules take a node selector, tolerations, node affinity as one required term \
                          and preferences of one expression each, topology spread counting the app's own pods and a \
                          priority class (scheduling_*); pod affinity and anti-affinity are their own (a soft pod \
                          anti-affinity)";
const ROLLOUT: &str =
    "the rules set their own rollout (RollingUpdate, maxSurge 25%, maxUnavailable 0, 5 revisions kept)";
const PROBE_TIMING: &str =
    "probe timing is not expressible: the rules set their own (liveness more patient than readiness)";
const VOLUMES: &str = "not expressible: the rules mount the app's own ConfigMap (config_data, config_mount_path), \
                       Secrets (secret_mounts), an emptyDir on /tmp, writable directories \
                       (security_writable_paths) and volumes (an existing claim, ConfigMap or Secret at the rules' \
                       file mode, an emptyDir, a projected token; each at one directory, without subPath); declare \
                       one of those instead";
const FILE_MODE: &str =
    "file modes are not expressible (the rules mount ConfigMaps with mode 0644 and Secrets with 0440)";
const DEFAULT: &str = "not expressible (no release_app attribute)";

pub fn explain(kind: &str, path: &FieldPath) -> &'static str {
    let keys: Vec<&str> = path.keys().collect();
    let last = keys.last().copied().unwrap_or_default();
    if keys == ["metadata", "namespace"] {
        return "generated charts never hard-code a namespace (the release's applies)";
    }
    if keys.contains(&"securityContext") {
        return SECURITY;
    }
    if last == "automountServiceAccountToken" {
        return "the rules mount no service account token";
    }
    if keys.iter().any(|k| matches!(*k, "livenessProbe" | "readinessProbe")) {
        return PROBE_TIMING;
    }
    if keys.contains(&"startupProbe") {
        return "a startup probe is expressible as the seconds it allows (health_startup_seconds) only";
    }
    if keys.contains(&"annotations") {
        let key = path.to_string();
        if key.contains("helm.sh/hook-weight") {
            return "a hook weight the rules take is a whole number (job_hook_weight), on a hook job only";
        }
        if key.contains("helm.sh/hook-delete-policy") {
            return "the rules delete hooks before the next run (before-hook-creation)";
        }
        return if key.contains("checksum/") {
            "checksum annotations are not expressible: generated charts roll pods on a hash of the app's own \
             ConfigMap only (checksum/config, with config_data)"
        } else {
            "annotations of this object are not expressible"
        };
    }
    if keys.contains(&"labels") {
        return "custom labels are not expressible here (the rules write the standard app.kubernetes.io labels; \
                pod_labels label the pods)";
    }
    if keys.iter().any(|k| {
        matches!(*k, "nodeSelector" | "affinity" | "tolerations" | "topologySpreadConstraints" | "priorityClassName")
    }) {
        return SCHEDULING;
    }
    if last == "terminationGracePeriodSeconds" {
        return "a whole number of seconds is expressible (shutdown_grace_period_seconds) only";
    }
    if keys
        .iter()
        .any(|k| matches!(*k, "strategy" | "revisionHistoryLimit" | "minReadySeconds" | "progressDeadlineSeconds"))
    {
        return ROLLOUT;
    }
    if keys.contains(&"imagePullSecrets") {
        return "image pull secrets are expressible by name only (image_pull_secrets)";
    }
    if keys.iter().any(|k| matches!(*k, "volumes")) && matches!(last, "defaultMode" | "mode") {
        return FILE_MODE;
    }
    if keys.iter().any(|k| matches!(*k, "volumes" | "volumeMounts")) {
        return VOLUMES;
    }
    if keys.contains(&"initContainers") {
        return "not expressible: an init container (init_containers) has a name, an image, command, args, \
                literal and Secret env, resources and, as a sidecar, restartPolicy Always; the rules give it the \
                app's security context";
    }
    if last == "containers" && matches!(path.segments().last(), Some(Segment::Name(_) | Segment::Index(_))) {
        return "a second container is not expressible (an app has one container)";
    }
    if keys.contains(&"env") || keys.contains(&"envFrom") {
        return "only literal values, Secret keys and whole Secrets or ConfigMaps are expressible (env, secret_env, \
                env_from_secrets, env_from_configmaps)";
    }
    if last == "ingressClassName" {
        return "the IngressClass is chart-wide in generated charts: set ingress.className in values";
    }
    if kind == "Service" && keys.first() == Some(&"spec") {
        return "not expressible (the rules make the app's Service from port, service_port, ports and \
                service_type)";
    }
    DEFAULT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_follow_the_field() {
        let p = |keys: &[&str]| FieldPath::of_keys(keys);
        assert_eq!(explain("Deployment", &p(&["spec", "template", "spec", "tolerations"])), SCHEDULING);
        assert_eq!(explain("Deployment", &p(&["spec", "template", "spec", "securityContext", "fsGroup"])), SECURITY);
        assert_eq!(explain("Deployment", &p(&["spec", "paused"])), DEFAULT);
    }

    #[test]
    fn file_modes_containers_env_and_services_have_their_reasons() {
        let p = |keys: &[&str]| FieldPath::of_keys(keys);
        let pod = p(&["spec", "template", "spec"]);
        let volume = pod.key("volumes").child(Segment::Name("data".into()));
        assert_eq!(explain("Deployment", &volume.key("configMap").key("defaultMode")), FILE_MODE);
        assert_eq!(explain("Deployment", &volume.key("configMap").key("name")), VOLUMES);
        // A mode outside volumes is no file mode.
        assert_eq!(explain("Deployment", &pod.key("mode")), DEFAULT);
        let second = "a second container is not expressible (an app has one container)";
        assert_eq!(explain("Deployment", &pod.key("containers").child(Segment::Name("sidecar".into()))), second);
        assert_eq!(explain("Deployment", &pod.key("containers").child(Segment::Index(1))), second);
        assert_eq!(explain("Deployment", &pod.key("containers")), DEFAULT);
        let env = "only literal values, Secret keys and whole Secrets or ConfigMaps are expressible (env, secret_env, \
                   env_from_secrets, env_from_configmaps)";
        let container = pod.key("containers").child(Segment::Name("web".into()));
        assert_eq!(explain("Deployment", &container.key("env").child(Segment::Name("A".into()))), env);
        assert_eq!(explain("Deployment", &container.key("envFrom").child(Segment::Index(0))), env);
        let service = "not expressible (the rules make the app's Service from port, service_port, ports and \
                       service_type)";
        assert_eq!(explain("Service", &p(&["spec", "externalTrafficPolicy"])), service);
        assert_eq!(explain("Service", &p(&["status"])), DEFAULT);
        assert_eq!(explain("Ingress", &p(&["spec", "defaultBackend"])), DEFAULT);
    }
}
