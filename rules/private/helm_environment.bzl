"""`helm_environment`: one logical environment of a chart, as the composer reads it.

Each environment given to `helm_chart(environments = ...)` becomes `values-<name>.yaml` in
the chart (only what differs from values.yaml), and the chart's `.validate` lints and
renders the chart with it. The fields are those of EnvironmentMetadata in
tools/helm/src/model.rs.
"""

load("//rules:providers.bzl", "EnvironmentInfo")

# Fields written only when set, so that an unset one keeps the composer's default (in this
# order, which is the order of the keys in the environment file). Unknown keys in `gateway`
# are refused by the composer (the schema is closed), naming the field.
_OPTIONAL_FIELDS = [
    "resource_preset",
    "disabled_apps",
    "image_tags",
    "node_selector",
    "tolerations",
    "priority_class_name",
    "pod_annotations",
    "pod_labels",
    "app_resource_presets",
    "ingress_class",
    "ingress_tls_secret",
    "ingress_api",
    "gateway",
    "kubernetes_version",
]

# Attributes holding JSON text (a list of dicts has no Starlark attribute type).
_JSON_FIELDS = ["tolerations"]

def _helm_environment_impl(ctx):
    replicas = {}
    for app, count in ctx.attr.replicas.items():
        if not count.isdigit():
            fail("{}: replicas of {}: {} is not a whole number".format(ctx.label, app, count))
        replicas[app] = int(count)
    environment = {
        "access": ctx.attr.access,
        "autoscaling": ctx.attr.autoscaling,
        "keda": ctx.attr.keda,
        "cluster": ctx.attr.cluster,
        "env": ctx.attr.app_env,
        "ingress_domain": ctx.attr.ingress_domain,
        "ingress_tls": ctx.attr.ingress_tls,
        "name": ctx.attr.env or ctx.label.name,
        "namespace": ctx.attr.namespace,
        "network_policy": ctx.attr.network_policy,
        "replicas": replicas,
        "target": str(ctx.label),
    }
    for name in _OPTIONAL_FIELDS:
        value = getattr(ctx.attr, name)
        if value:
            environment[name] = json.decode(value) if name in _JSON_FIELDS else value
    out = ctx.actions.declare_file(ctx.label.name + ".environment.json")
    ctx.actions.write(out, json.encode_indent(environment, indent = "  ") + "\n")
    return [DefaultInfo(files = depset([out])), EnvironmentInfo(
        environment = out,
        name = environment["name"],
        kubernetes_version = ctx.attr.kubernetes_version,
    )]

helm_environment = rule(
    implementation = _helm_environment_impl,
    doc = "One logical environment (dev, staging, prod, ...) of a chart: replica counts, " +
          "autoscalers, KEDA, network policies, resource preset, Ingress class and TLS or Gateway routes, namespace access, " +
          "and where it runs.",
    attrs = {
        "access": attr.string_list_dict(doc = "Groups granted a built-in role in the environment's namespace: {\"view\" | \"edit\" | \"admin\": [groups]}, bound by RoleBindings."),
        "app_resource_presets": attr.string_dict(doc = "Resource presets of named apps (small, medium, large), over any other preset."),
        "autoscaling": attr.string_list(doc = "Apps whose HorizontalPodAutoscaler is on (off for the others)."),
        "cluster": attr.string(doc = "Physical cluster the environment runs on; environments sharing one are isolated by namespace (clusterMapping in values.yaml)."),
        "app_env": attr.string_dict(doc = "Environment variables of every app in this environment, NAME: value, over the chart's `env`. An app setting the same variable itself (env with another value, secret_env, sibling_env, cluster_env) is refused, naming the environment, app and variable: its own would win and this value never reach it."),
        "ingress_domain": attr.string(doc = "Domain of the chart's `ingress_host_pattern` in this environment, e.g. `staging.example.com`."),
        "env": attr.string(doc = "Environment name (DNS-1123 label); defaults to the target name."),
        "ingress_api": attr.string(default = "", values = ["", "ingress", "gateway"], doc = "What routes traffic to the external APIs here: `ingress` (Ingress objects) or `gateway` (HTTPRoutes and GRPCRoutes attached to `gateway`). Unset: `gateway` when this environment or the chart names a Gateway, else `ingress`."),
        "ingress_class": attr.string(doc = "IngressClass of the chart's Ingress objects in this environment, over the chart's `ingress_class`."),
        "ingress_tls_secret": attr.string(doc = "Secret with one TLS certificate for every Ingress host in this environment (`ingress.tlsSecret`), over each app's own `ingress_tls_secret`; never with `ingress_tls = False`."),
        "gateway": attr.string_dict(doc = "Gateway the routes attach to in this environment, over the chart's `gateway` key by key: `{\"name\": ..., \"namespace\": ..., \"section_name\": listener}`. Setting it routes this environment through the Gateway (unless `ingress_api` says otherwise, which is refused)."),
        "ingress_tls": attr.bool(default = True, doc = "Whether Ingress TLS stays on; False serves plain HTTP."),
        "keda": attr.string_list(doc = "Apps whose KEDA ScaledObject is on (off for the other apps with triggers); never an app whose autoscaler is on."),
        "kubernetes_version": attr.string(doc = "Kubernetes version of the environment's cluster, MAJOR.MINOR (1.25 to 1.37), e.g. `1.31`: the chart's `.validate` lints, renders and schema-checks this environment for it (an object in an API version it does not serve, or with a field its schema lacks, fails naming both). Unset: the chart's first `kubernetes_versions`, or 1.34."),
        "namespace": attr.string(doc = "Namespace the environment is installed into."),
        "network_policy": attr.bool(default = True, doc = "Whether NetworkPolicies are on (the default); False switches them off."),
        "disabled_apps": attr.string_list(doc = "Apps switched off in this environment (apps.<app>.enabled: false): none of their objects is rendered."),
        "image_tags": attr.string_dict(doc = "Image tags of named apps in this environment, e.g. {\"web\": \"1.5.0-rc.1\"} (never \"latest\")."),
        "node_selector": attr.string_dict(doc = "Node labels every app's pods need in this environment (its node pool), e.g. {\"pool\": \"prod\"}; an app's own `scheduling_node_selector` key wins."),
        "tolerations": attr.string(doc = "Node taints every app's pods tolerate in this environment, as JSON text of a list like an app's `scheduling_tolerations`, e.g. `json.encode([{\"key\": \"pool\", \"value\": \"prod\", \"effect\": \"NoSchedule\"}])`."),
        "pod_annotations": attr.string_dict(doc = "Annotations of every app's pods in this environment; an app's own `pod_annotations` of the same key win; never the chart's own keys (checksum/*, helm.sh/*)."),
        "pod_labels": attr.string_dict(doc = "Labels of every app's pods in this environment (e.g. a cost center); an app's own `pod_labels` of the same key win; never the chart's own keys (app.kubernetes.io/*, helm.sh/*)."),
        "priority_class_name": attr.string(doc = "PriorityClass of every app's pods in this environment, but those setting their own `scheduling_priority_class_name`."),
        "replicas": attr.string_dict(doc = "Replica counts by app name, e.g. {\"philotes-api\": \"3\"}."),
        "resource_preset": attr.string(default = "", values = ["", "small", "medium", "large"], doc = "Resource preset of apps that do not choose their own."),
    },
    provides = [EnvironmentInfo],
)
