"""`argocd_applications`: Argo CD objects that deploy a chart's environments, and their test.

The composer (`composer argocd`, tools/helm/src/argocd/) writes `<name>.yaml` from the
chart's `helm_environment` files (cluster and namespace of each: the cluster mapping) and the
attributes below; `<name>.validate` checks the chart under Argo CD's rules and the objects
against Argo CD's CRD schemas and the chart. See docs/argocd.md.
"""

load("//rules:providers.bzl", "HelmChartInfo")
load(":chart_validate_test.bzl", "chart_validate_test")
load(":utils.bzl", "failure_test_script", "label_text")

def _write_spec(ctx):
    """The spec file the composer reads: the chart's name and version and the attributes."""
    chart = ctx.attr.chart[HelmChartInfo]
    spec = ctx.actions.declare_file(ctx.label.name + ".spec.json")
    ctx.actions.write(spec, json.encode_indent({
        "argocd_namespace": ctx.attr.argocd_namespace,
        "chart_digest": ctx.attr.chart_digest,
        "chart_name": chart.chart_name,
        "chart_version": chart.chart_version,
        "cluster_servers": ctx.attr.cluster_servers,
        "create_namespace": ctx.attr.create_namespace,
        "git_path": ctx.attr.git_path,
        "git_repository": ctx.attr.git_repository,
        "git_revision": ctx.attr.git_revision,
        "manual_sync": ctx.attr.manual_sync,
        "mode": ctx.attr.mode,
        "oci_repository": ctx.attr.oci_repository,
        "progressive_sync": ctx.attr.progressive_sync,
        "project": ctx.attr.project,
        "release_name": _release_name(ctx, chart),
        "target": label_text(ctx.label),
    }, indent = "  ") + "\n")
    return spec

def _release_name(ctx, chart):
    """This rule's release_name, else the chart's (its release_name, else its name); charts
    calling the chart's apps address that one, so another is refused."""
    if ctx.attr.release_name and chart.release_name != chart.chart_name and ctx.attr.release_name != chart.release_name:
        fail("{}: release_name {} differs from the chart's release_name {}, which charts calling its apps address".format(
            ctx.label,
            repr(ctx.attr.release_name),
            repr(chart.release_name),
        ))
    return ctx.attr.release_name or chart.release_name

def _argocd_applications_impl(ctx):
    environments = ctx.attr.chart[HelmChartInfo].environments
    spec = _write_spec(ctx)
    out = ctx.actions.declare_file(ctx.label.name + ".yaml")
    args = ctx.actions.args()
    args.add("argocd")
    args.add("--spec", spec)
    args.add_all(environments, before_each = "--environment-file")
    args.add("--output", out)
    ctx.actions.run(
        executable = ctx.executable._composer,
        arguments = [args],
        inputs = [spec] + environments,
        outputs = [out],
        mnemonic = "ArgoCdApplications",
        progress_message = "Writing Argo CD objects %{label}",
    )
    return [DefaultInfo(files = depset([out]))]

_ATTRS = {
    "argocd_namespace": attr.string(default = "argocd", doc = "Namespace of Argo CD, where the objects live."),
    "chart": attr.label(mandatory = True, providers = [HelmChartInfo], doc = "The `helm_chart` target deployed; its `environments` (each with `cluster` and `namespace`) are the destinations."),
    "chart_digest": attr.string(doc = "With `oci_repository`: the pushed chart's digest (`sha256:...`, the last line `.push` prints), pinned instead of the version."),
    "cluster_servers": attr.string_dict(doc = "API server URL (`https://...`) of clusters by the name environments give (`helm_environment(cluster = ...)`); a cluster not listed is addressed by that name, as registered in Argo CD (`argocd cluster add --name`)."),
    "create_namespace": attr.bool(default = True, doc = "Argo CD creates each environment's namespace (sync option `CreateNamespace=true`); False when a platform team creates namespaces."),
    "git_path": attr.string(doc = "With `git_repository`: the chart's directory in it, e.g. `charts/floe-platform` (`checked_in_charts` keeps a chart in `<package>/<chart name>/`)."),
    "git_repository": attr.string(doc = "A git repository holding the chart (https://, ssh:// or git@host:path); instead of `oci_repository`."),
    "git_revision": attr.string(doc = "With `git_repository`: the branch, tag or commit Argo CD follows."),
    "manual_sync": attr.string_list(doc = "Environments synced only when asked (no automated sync), e.g. `[\"prod\"]`; mode `applications` only."),
    "mode": attr.string(default = "applications", values = ["applications", "applicationset"], doc = "`applications`: one Application per environment; `applicationset`: one ApplicationSet with a list generator over the environments."),
    "oci_repository": attr.string(doc = "The registry the chart is pushed to, as `.push` takes it: `oci://HOST/PATH`. Argo CD (3.1+) fetches `oci://HOST/PATH/<chart>` at the chart's version (or `chart_digest`)."),
    "progressive_sync": attr.string_list(doc = "Every environment in promotion order, e.g. `[\"dev\", \"qa\", \"uat\", \"staging\", \"prod\"]`: the ApplicationSet rolls out one environment at a time (RollingSync strategy, a step per environment selected by the `environment` label). Mode `applicationset` only; needs progressive syncs enabled in the ApplicationSet controller."),
    "project": attr.string(default = "default", doc = "Argo CD project of the Applications."),
    "release_name": attr.string(doc = "Helm release name in every environment; unset: the chart's `release_name` (else its name)."),
}

_argocd_applications = rule(
    implementation = _argocd_applications_impl,
    doc = "Writes `<name>.yaml`: one Argo CD `Application` per environment of a chart, or one " +
          "`ApplicationSet` whose list generator holds them, each sent to its environment's cluster " +
          "and namespace with its `values-<env>.yaml`.",
    attrs = dict(_ATTRS, _composer = attr.label(default = "//tools/helm:composer", executable = True, cfg = "exec")),
)

def _argocd_failure_test_impl(ctx):
    environments = ctx.attr.chart[HelmChartInfo].environments
    spec = _write_spec(ctx)
    arguments = ["argocd", "--spec", spec.short_path]
    for file in environments:
        arguments.extend(["--environment-file", file.short_path])
    script = failure_test_script(ctx, arguments)
    runfiles = ctx.runfiles(files = [spec] + environments).merge(ctx.attr._composer[DefaultInfo].default_runfiles)
    return [DefaultInfo(executable = script, runfiles = runfiles)]

argocd_failure_test = rule(
    implementation = _argocd_failure_test_impl,
    doc = "Passes when the composer refuses these `argocd_applications` attributes with every text of " +
          "`expect_errors` in its error, and writes nothing.",
    test = True,
    attrs = dict(
        _ATTRS,
        expect_errors = attr.string_list(mandatory = True, allow_empty = False, doc = "Texts the composer's error must hold."),
        _composer = attr.label(default = "//tools/helm:composer", executable = True, cfg = "target"),
        _script = attr.label(default = "//rules/private:compose_failure_test.sh.tpl", allow_single_file = True),
    ),
)

def argocd_applications(name, chart, validate = True, visibility = None, tags = [], **kwargs):
    """Argo CD objects deploying `chart`'s environments (`name`, writing `<name>.yaml`) and `<name>.validate`.

    `<name>.validate` lints and renders the chart with every environment under Argo CD's rules
    (no `lookup`, no random or clock functions, no release install state, no install-only
    hooks) and checks the objects against Argo CD's CRD schemas and the chart.

    Args:
        name: Target name; the objects are `bazel-bin/<package>/<name>.yaml`.
        chart: The `helm_chart` target.
        validate: Whether to declare `<name>.validate`.
        visibility: Visibility of both targets.
        tags: Tags of both targets.
        **kwargs: Attributes of the rule: mode, oci_repository, chart_digest, git_repository,
            git_path, git_revision, release_name, project, argocd_namespace, cluster_servers,
            create_namespace, manual_sync, progressive_sync.
    """
    _argocd_applications(name = name, chart = chart, visibility = visibility, tags = tags, **kwargs)
    if validate:
        chart_validate_test(
            name = name + ".validate",
            size = "small",
            chart = chart,
            environments = True,
            # The chart's own .validate applies the policy checks; this one adds Argo CD's.
            policy = False,
            argocd_applications = [":" + name],
            visibility = visibility,
            tags = tags,
        )
