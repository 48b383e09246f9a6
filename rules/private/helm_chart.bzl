"""`helm_chart`: composes a chart from apps in one composer action, plus its `.validate` test."""

load("//rules:providers.bzl", "AppInfo", "EnvironmentInfo", "HelmChartInfo")
load(":chart_validate_test.bzl", "HELM_TOOLCHAIN_TYPE", "chart_validate_test")
load(":helm_subchart.bzl", "subchart_file")
load(":helm_package.bzl", "declare_release_targets", "pop_release_attrs")
load(":utils.bzl", "label_text")

def _helm_chart_impl(ctx):
    chart_name = ctx.attr.chart_name or ctx.label.name.replace("_", "-")
    chart = ctx.actions.declare_directory(ctx.label.name)
    metadata = [app[AppInfo].metadata for app in ctx.attr.apps]
    environments = [env[EnvironmentInfo].environment for env in ctx.attr.environments]

    args = ctx.actions.args()
    args.add("generate")
    args.add("--name", chart_name)
    args.add("--chart-version", ctx.attr.chart_version)
    args.add("--app-version", ctx.attr.app_version)
    args.add("--namespace", ctx.attr.namespace)
    args.add("--environment", ctx.attr.environment)
    args.add("--ingress-mode", ctx.attr.ingress_mode)
    if ctx.attr.description:
        args.add("--description", ctx.attr.description)
    if ctx.attr.resource_preset:
        args.add("--resource-preset", ctx.attr.resource_preset)
    args.add_all(["{}={}".format(name, value) for name, value in ctx.attr.env.items()], before_each = "--env")
    if ctx.attr.ingress_host_pattern:
        args.add("--ingress-host-pattern", ctx.attr.ingress_host_pattern)
    if ctx.attr.ingress_domain:
        args.add("--ingress-domain", ctx.attr.ingress_domain)
    if ctx.attr.ingress_class:
        args.add("--ingress-class", ctx.attr.ingress_class)
    _add_gateway(ctx, args)
    args.add_all(ctx.attr.kubernetes_versions, before_each = "--kubernetes-version")
    args.add_all(ctx.attr.image_pull_secrets, before_each = "--image-pull-secret")
    args.add_all(metadata, before_each = "--metadata")
    args.add_all(environments, before_each = "--environment-file")
    subcharts = [(target, subchart_file(target)) for target in ctx.attr.subcharts]
    tools = []
    if subcharts:
        # The composer reads subcharts (directories and archives) through Helm's Go SDK.
        library = ctx.toolchains[HELM_TOOLCHAIN_TYPE].helm.helm_library
        if not library:
            fail("{}: subcharts need the Helm SDK toolchain (libhelm_c.so); this toolchain has only a helm binary".format(ctx.label))
        args.add("--helm-library", library)
        tools.append(library)
    for target, subchart in subcharts:
        args.add("--subchart", json.encode({
            "alias": subchart.alias,
            "path": subchart.chart.path,
            "target": str(target.label),
            "version": subchart.version,
        }))
    peer_inputs = _add_peer_charts(ctx, args, chart_name)
    args.add("--output", chart.path)

    ctx.actions.run(
        executable = ctx.executable._composer,
        arguments = [args],
        inputs = depset(
            metadata + environments + [subchart.chart for _, subchart in subcharts],
            transitive = [app[AppInfo].files for app in ctx.attr.apps] + [peer_inputs],
        ),
        tools = tools,
        outputs = [chart],
        mnemonic = "HelmCompose",
        progress_message = "Composing Helm chart %{label}",
    )
    return [
        DefaultInfo(files = depset([chart])),
        HelmChartInfo(
            chart = chart,
            chart_name = chart_name,
            chart_version = ctx.attr.chart_version,
            environments = environments,
            apps = [app[AppInfo] for app in ctx.attr.apps],
            namespace = ctx.attr.namespace,
            release_name = _release_name(ctx, chart_name),
        ),
    ]

def _release_name(ctx, chart_name):
    return ctx.attr.release_name or chart_name

def _add_peer_charts(ctx, args, chart_name):
    """One `--peer-chart` JSON object per chart of `peer_charts` (data, never template text):
    its name, release and namespace, and its apps' and environments' files, which the
    composer reads as it does when composing that chart. Returns those files, as inputs."""
    inputs = []
    for target in ctx.attr.peer_charts:
        peer = target[HelmChartInfo]
        if peer.chart_name == chart_name:
            fail("{}: peer_charts: {} is this chart's own name; a chart calls its own apps by app name".format(ctx.label, target.label))
        metadata = [app.metadata for app in peer.apps]
        args.add("--peer-chart", json.encode({
            "chart": peer.chart_name,
            "environments": [f.path for f in peer.environments],
            "metadata": [f.path for f in metadata],
            "namespace": peer.namespace,
            "release": peer.release_name,
            "target": label_text(target.label),
        }))
        inputs.append(depset(metadata + peer.environments, transitive = [app.files for app in peer.apps]))
    return depset(transitive = inputs)

_GATEWAY_KEYS = ["name", "namespace", "section_name"]

def _add_gateway(ctx, args):
    for key, value in ctx.attr.gateway.items():
        if key not in _GATEWAY_KEYS:
            fail("{}: gateway: unknown key {} (the keys are {})".format(ctx.label, repr(key), ", ".join(_GATEWAY_KEYS)))
        args.add("--gateway-" + key.replace("_", "-"), value)

_helm_chart = rule(
    implementation = _helm_chart_impl,
    doc = "Composes a Helm chart directory (Chart.yaml, values.yaml, templates/) from apps.",
    attrs = {
        "app_version": attr.string(default = "0.1.0", doc = "appVersion of Chart.yaml."),
        "apps": attr.label_list(providers = [AppInfo], doc = "`app_metadata` targets (`<app>_metadata` of `release_app`). A chart needs apps, subcharts or both."),
        "chart_name": attr.string(doc = "Chart name (DNS-1123 label); defaults to the target name with `_` as `-`."),
        "chart_version": attr.string(default = "0.1.0", doc = "Chart version (SemVer 2)."),
        "description": attr.string(doc = "Description in Chart.yaml."),
        "env": attr.string_dict(doc = "Environment variables of every app, NAME: value (e.g. an OpenTelemetry collector endpoint); an app's own `env` of that name wins, and `helm_environment(env = ...)` changes them per environment."),
        "image_pull_secrets": attr.string_list(doc = "Secrets (names only, DNS-1123 subdomains; never credentials) holding the credentials of private image registries, used by every app's pods besides each app's own `image_pull_secrets`."),
        "ingress_domain": attr.string(doc = "Domain `{domain}` of `ingress_host_pattern` stands for in the default values; `helm_environment(ingress_domain = ...)` sets it per environment."),
        "ingress_class": attr.string(doc = "IngressClass of the chart's Ingress objects (`ingress.className`); empty: the cluster's default class. `helm_environment(ingress_class = ...)` changes it per environment."),
        "gateway": attr.string_dict(doc = "Gateway (Gateway API) the default values route through instead of Ingress objects: `{\"name\": ..., \"namespace\": ..., \"section_name\": listener (optional)}`. Each external API gets an HTTPRoute (a GRPCRoute for gRPC apps), grouped as `ingress_mode` groups Ingresses, and the NetworkPolicies admit the Gateway's namespace. `helm_environment(gateway = ..., ingress_api = ...)` changes it per environment."),
        "ingress_host_pattern": attr.string(doc = "Host of every Ingress whose app sets no `ingress_host`, e.g. `{app}.{domain}`: `{app}` is the app's name, `{domain}` the `ingress_domain`. Parsed when composing; it never becomes template code."),
        "environment": attr.string(default = "dev", doc = "Logical environment the default values are for."),
        "environments": attr.label_list(providers = [EnvironmentInfo], doc = "`helm_environment` targets; each becomes values-<name>.yaml, which `.validate` also checks."),
        "kubernetes_versions": attr.string_list(doc = "Kubernetes versions (MAJOR.MINOR, 1.25 to 1.37) `.validate` checks the default values against, e.g. `[\"1.29\", \"1.34\"]`; the lowest becomes Chart.yaml's kubeVersion (`>=1.29.0-0`), so Helm refuses an older cluster. Unset: 1.34, and kubeVersion is the lowest `kubernetes_version` of the environments (or `>=1.27.0-0`)."),
        "ingress_mode": attr.string(default = "single", values = ["single", "per-app"], doc = "`single`: one Ingress for every external-api; `per-app`: one each."),
        "resource_preset": attr.string(
            default = "",
            values = ["", "small", "medium", "large"],
            doc = "Resource preset of every app that does not choose its own (`resources_preset`); explicit quantities still win. Unset: small.",
        ),
        "namespace": attr.string(doc = "Namespace the chart is meant for. Objects never hard-code it (the release namespace applies); charts calling this chart's apps (`peer_charts`) address them in it in every environment that names no namespace of its own."),
        "peer_charts": attr.label_list(
            providers = [HelmChartInfo],
            doc = "Other charts of the repository (`helm_chart` targets) whose apps this chart's apps call: an app names one " +
                  "by chart name in `sibling_env` (`{\"env\": ..., \"chart\": <chart name>, \"app\": ...}`) or " +
                  "`network_policy_egress_to_peer_apps`. Each environment addresses the peer's release " +
                  "(`release_name`) in the namespace of the peer's environment of the same name, which it must have; " +
                  "the peer's app must admit the callers (its `network_policy_ingress_from_selectors`). See docs/network.md.",
        ),
        "release_name": attr.string(doc = "Release name the chart is installed under in every environment, which charts calling its apps (`peer_charts`) address; unset: the chart name. `argocd_applications` of this chart uses it unless it sets its own."),
        "subcharts": attr.label_list(
            allow_files = [".tgz"],
            doc = "Subcharts, making this an umbrella chart: `helm_chart` targets, chart archives (.tgz, e.g. " +
                  "`@<repo>//:chart` of `helm_chart_archive`) or `helm_subchart` targets (for an alias or a " +
                  "pinned version). Each is vendored into charts/<name>/, listed in Chart.yaml and Chart.lock, " +
                  "and switched by `<name or alias>.enabled`.",
        ),
        "_composer": attr.label(default = "//tools/helm:composer", executable = True, cfg = "exec"),
        "_rust_version": attr.label(default = "@helm_composer_rust_version//:check"),  # rules/private/rust_version.bzl
    },
    provides = [HelmChartInfo],
    toolchains = [HELM_TOOLCHAIN_TYPE],
)

def helm_chart(name, validate = True, previous_chart = None, tags = [], visibility = None, **kwargs):
    """Composes chart `name` and declares `name + ".validate"`, a test that lints and renders it.

    Also declares `name + ".package"` (`helm_package`: `<chart>-<version>.tgz`, signed with
    `sign`, `key` and `secret_keyring`), `name + ".push"` (`helm_push`) and `name + ".rendered"`
    (`helm_rendered`: the manifests of every environment).

    Args:
        name: Target name; the chart directory is `bazel-bin/<package>/<name>`.
        validate: Whether to declare the `.validate` test.
        previous_chart: The version this chart replaces (a chart, package or .tgz label): `.validate`
            also fails on every change `helm upgrade` from it would be refused.
        tags: Tags of the chart target.
        visibility: Visibility of the chart and its test.
        **kwargs: Attributes of the chart rule: apps, chart_name, chart_version, app_version,
            description, namespace, environment, environments, ingress_mode, resource_preset,
            env, ingress_host_pattern, ingress_domain, ingress_class, gateway, kubernetes_versions, image_pull_secrets, subcharts,
            peer_charts, release_name.
    """
    release = pop_release_attrs(kwargs)
    _helm_chart(name = name, tags = tags, visibility = visibility, **kwargs)
    if validate:
        chart_validate_test(
            name = name + ".validate",
            chart = ":" + name,
            environments = True,
            kubernetes_versions = kwargs.get("kubernetes_versions", []),
            environment_targets = kwargs.get("environments", []),
            previous_chart = previous_chart,
            size = "small",
            visibility = visibility,
        )
    declare_release_targets(name, visibility = visibility, tags = tags, **release)
