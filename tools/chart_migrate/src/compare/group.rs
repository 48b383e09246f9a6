//! Grouping differences by what they mean, so a reviewer sees intent ("the security context
//! was added everywhere") before detail. The groups print in this order.

use crate::path::FieldPath;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Names,
    SecurityContext,
    Resources,
    Probes,
    Labels,
    Annotations,
    Scaling,
    Images,
    CommandAndEnv,
    Networking,
    Volumes,
    Scheduling,
    Jobs,
    Other,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Group::Names => "Object names",
            Group::SecurityContext => "Security context and service accounts",
            Group::Resources => "Resources",
            Group::Probes => "Probes",
            Group::Labels => "Labels and selectors",
            Group::Annotations => "Annotations",
            Group::Scaling => "Replicas, autoscaling and disruption budgets",
            Group::Images => "Images",
            Group::CommandAndEnv => "Command, arguments and environment",
            Group::Networking => "Ports, Services and Ingress",
            Group::Volumes => "Volumes",
            Group::Scheduling => "Scheduling and rollout",
            Group::Jobs => "Jobs",
            Group::Other => "Other fields",
        }
    }

    /// A stable identifier for machine-readable output.
    pub fn slug(self) -> &'static str {
        match self {
            Group::Names => "names",
            Group::SecurityContext => "security-context",
            Group::Resources => "resources",
            Group::Probes => "probes",
            Group::Labels => "labels",
            Group::Annotations => "annotations",
            Group::Scaling => "scaling",
            Group::Images => "images",
            Group::CommandAndEnv => "command-env",
            Group::Networking => "networking",
            Group::Volumes => "volumes",
            Group::Scheduling => "scheduling",
            Group::Jobs => "jobs",
            Group::Other => "other",
        }
    }
}

/// The group of a field a key along its path names, the outermost such key deciding:
/// `...containers[web].securityContext.runAsUser` is a security context change,
/// `spec.template.metadata.labels[...]` a label change.
fn by_key(key: &str) -> Option<Group> {
    Some(match key {
        "securityContext" | "automountServiceAccountToken" | "serviceAccountName" | "serviceAccount" => {
            Group::SecurityContext
        }
        "resources" => Group::Resources,
        "livenessProbe" | "readinessProbe" | "startupProbe" => Group::Probes,
        "labels" | "selector" | "matchLabels" | "labelSelector" => Group::Labels,
        "annotations" => Group::Annotations,
        "replicas" | "minReplicas" | "maxReplicas" | "scaleTargetRef" | "minAvailable" => Group::Scaling,
        "image" | "imagePullPolicy" | "imagePullSecrets" => Group::Images,
        "command" | "args" | "env" | "envFrom" | "workingDir" => Group::CommandAndEnv,
        "ports" | "ingressClassName" | "rules" | "tls" => Group::Networking,
        "volumes" | "volumeMounts" => Group::Volumes,
        "affinity"
        | "nodeSelector"
        | "tolerations"
        | "terminationGracePeriodSeconds"
        | "topologySpreadConstraints"
        | "priorityClassName"
        | "strategy"
        | "revisionHistoryLimit"
        | "progressDeadlineSeconds" => Group::Scheduling,
        _ => return None,
    })
}

pub fn classify(kind: &str, path: &FieldPath) -> Group {
    let keys: Vec<&str> = path.keys().collect();
    if keys == ["metadata", "name"] {
        return Group::Names;
    }
    if let Some(group) = keys.iter().find_map(|k| by_key(k)) {
        return group;
    }
    match (kind, keys.first()) {
        ("HorizontalPodAutoscaler" | "PodDisruptionBudget" | "ScaledObject", Some(&"spec")) => Group::Scaling,
        ("Service" | "Ingress" | "NetworkPolicy", Some(&"spec")) => Group::Networking,
        ("Job" | "CronJob", Some(&"spec")) => Group::Jobs,
        _ => Group::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::Segment;

    fn path(keys: &[&str]) -> FieldPath {
        FieldPath::of_keys(keys)
    }

    #[test]
    fn outermost_meaningful_key_decides() {
        let container = path(&["spec", "template", "spec", "containers"]).child(Segment::Name("web".into()));
        assert_eq!(classify("Deployment", &container.key("securityContext").key("runAsUser")), Group::SecurityContext);
        assert_eq!(classify("Deployment", &container.key("resources").key("limits")), Group::Resources);
        assert_eq!(classify("Deployment", &container.key("livenessProbe").key("httpGet").key("port")), Group::Probes);
        assert_eq!(classify("Deployment", &container.key("ports")), Group::Networking);
        assert_eq!(classify("Deployment", &path(&["spec", "template", "metadata", "labels", "x"])), Group::Labels);
        assert_eq!(classify("Deployment", &path(&["metadata", "name"])), Group::Names);
        assert_eq!(classify("Deployment", &path(&["spec", "replicas"])), Group::Scaling);
    }

    #[test]
    fn kind_decides_the_rest() {
        assert_eq!(classify("HorizontalPodAutoscaler", &path(&["spec", "metrics"])), Group::Scaling);
        assert_eq!(classify("Service", &path(&["spec", "type"])), Group::Networking);
        assert_eq!(classify("Service", &path(&["spec", "selector", "app"])), Group::Labels);
        assert_eq!(classify("Job", &path(&["spec", "backoffLimit"])), Group::Jobs);
        assert_eq!(classify("ConfigMap", &path(&["data", "x"])), Group::Other);
    }

    #[test]
    fn every_group_has_its_stable_slug() {
        let slugs = [
            (Group::Names, "names"),
            (Group::SecurityContext, "security-context"),
            (Group::Resources, "resources"),
            (Group::Probes, "probes"),
            (Group::Labels, "labels"),
            (Group::Annotations, "annotations"),
            (Group::Scaling, "scaling"),
            (Group::Images, "images"),
            (Group::CommandAndEnv, "command-env"),
            (Group::Networking, "networking"),
            (Group::Volumes, "volumes"),
            (Group::Scheduling, "scheduling"),
            (Group::Jobs, "jobs"),
            (Group::Other, "other"),
        ];
        for (group, slug) in slugs {
            assert_eq!(group.slug(), slug, "{group:?}");
        }
    }

    #[test]
    fn every_key_that_names_a_group_classifies_its_field() {
        let container = path(&["spec", "template", "spec", "containers"]).child(Segment::Name("web".into()));
        for (key, group) in [
            ("automountServiceAccountToken", Group::SecurityContext),
            ("serviceAccountName", Group::SecurityContext),
            ("serviceAccount", Group::SecurityContext),
            ("readinessProbe", Group::Probes),
            ("startupProbe", Group::Probes),
            ("matchLabels", Group::Labels),
            ("labelSelector", Group::Labels),
            ("annotations", Group::Annotations),
            ("minReplicas", Group::Scaling),
            ("maxReplicas", Group::Scaling),
            ("scaleTargetRef", Group::Scaling),
            ("minAvailable", Group::Scaling),
            ("image", Group::Images),
            ("imagePullPolicy", Group::Images),
            ("imagePullSecrets", Group::Images),
            ("command", Group::CommandAndEnv),
            ("args", Group::CommandAndEnv),
            ("env", Group::CommandAndEnv),
            ("envFrom", Group::CommandAndEnv),
            ("workingDir", Group::CommandAndEnv),
            ("ingressClassName", Group::Networking),
            ("rules", Group::Networking),
            ("tls", Group::Networking),
            ("volumes", Group::Volumes),
            ("volumeMounts", Group::Volumes),
            ("affinity", Group::Scheduling),
            ("nodeSelector", Group::Scheduling),
            ("tolerations", Group::Scheduling),
            ("terminationGracePeriodSeconds", Group::Scheduling),
            ("topologySpreadConstraints", Group::Scheduling),
            ("priorityClassName", Group::Scheduling),
            ("strategy", Group::Scheduling),
            ("revisionHistoryLimit", Group::Scheduling),
            ("progressDeadlineSeconds", Group::Scheduling),
        ] {
            assert_eq!(classify("Deployment", &container.key(key)), group, "{key}");
        }
        assert_eq!(classify("PodDisruptionBudget", &path(&["spec", "maxUnavailable"])), Group::Scaling);
        assert_eq!(classify("ScaledObject", &path(&["spec", "triggers"])), Group::Scaling);
        assert_eq!(classify("Ingress", &path(&["spec", "defaultBackend"])), Group::Networking);
        assert_eq!(classify("NetworkPolicy", &path(&["spec", "policyTypes"])), Group::Networking);
        assert_eq!(classify("CronJob", &path(&["spec", "schedule"])), Group::Jobs);
        assert_eq!(classify("Service", &path(&["metadata", "namespace"])), Group::Other);
        assert_eq!(classify("Deployment", &path(&["metadata", "name", "x"])), Group::Other);
    }
}
