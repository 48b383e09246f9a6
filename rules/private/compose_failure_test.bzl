"""`compose_failure_test`: apps the composer must refuse, and the reason it must give.

The test runs the same composer the `helm_chart` action runs, on the metadata the
`app_metadata` targets write, and passes only when composing fails with every expected text
in its message and leaves no chart behind.
"""

load("//rules:providers.bzl", "AppInfo", "EnvironmentInfo")
load(":utils.bzl", "failure_test_script")

def _compose_failure_test_impl(ctx):
    metadata = [app[AppInfo].metadata for app in ctx.attr.apps]
    environments = [env[EnvironmentInfo].environment for env in ctx.attr.environments]
    arguments = ["generate", "--name", ctx.attr.chart_name]
    for file in metadata:
        arguments.extend(["--metadata", file.short_path])
    for file in environments:
        arguments.extend(["--environment-file", file.short_path])
    for name, value in ctx.attr.env.items():
        arguments.extend(["--env", "{}={}".format(name, value)])
    if ctx.attr.ingress_host_pattern:
        arguments.extend(["--ingress-host-pattern", ctx.attr.ingress_host_pattern])
    if ctx.attr.ingress_domain:
        arguments.extend(["--ingress-domain", ctx.attr.ingress_domain])
    # Metadata names the files it refers to (config files, an image digest file) by their
    # paths in the chart action; generated ones sit elsewhere in runfiles: link them there.
    links = []
    for app in ctx.attr.apps:
        for file in app[AppInfo].files.to_list():
            if not file.is_source:
                links.extend([file.path, file.short_path])
    script = failure_test_script(ctx, arguments, links)
    runfiles = ctx.runfiles(files = metadata + environments).merge_all(
        [ctx.attr._composer[DefaultInfo].default_runfiles] +
        [ctx.runfiles(transitive_files = app[AppInfo].files) for app in ctx.attr.apps],
    )
    return [DefaultInfo(executable = script, runfiles = runfiles)]

compose_failure_test = rule(
    implementation = _compose_failure_test_impl,
    doc = "Passes when composing `apps` (and `environments`) fails with every text of `expect_errors` in the error.",
    test = True,
    attrs = {
        "apps": attr.label_list(mandatory = True, providers = [AppInfo], doc = "`app_metadata` targets."),
        "chart_name": attr.string(default = "refused", doc = "Chart name given to the composer."),
        "env": attr.string_dict(doc = "The chart's `env` (as `helm_chart` takes it)."),
        "environments": attr.label_list(providers = [EnvironmentInfo], doc = "`helm_environment` targets."),
        "ingress_domain": attr.string(doc = "The chart's `ingress_domain`."),
        "ingress_host_pattern": attr.string(doc = "The chart's `ingress_host_pattern`."),
        "expect_errors": attr.string_list(mandatory = True, allow_empty = False, doc = "Texts the composer's error must hold."),
        "_composer": attr.label(default = "//tools/helm:composer", executable = True, cfg = "target"),
        "_script": attr.label(default = "//rules/private:compose_failure_test.sh.tpl", allow_single_file = True),
    },
)
