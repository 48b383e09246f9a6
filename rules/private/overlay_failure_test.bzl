"""`overlay_failure_test`: recommendations `values_overlay` must refuse, and the reason it must give.

The test runs the composer's `overlay` command as the `values_overlay` action runs it (with
`--validate`), on a real chart, and passes only when it fails with every expected text in
its message and writes nothing.
"""

load(":chart_validate_test.bzl", "HELM_TOOLCHAIN_TYPE")
load(":utils.bzl", "chart_files_and_dir", "failure_test_script")

def _overlay_failure_test_impl(ctx):
    library = ctx.toolchains[HELM_TOOLCHAIN_TYPE].helm.helm_library
    if not library:
        fail("{}: needs the Helm SDK toolchain (libhelm_c.so)".format(ctx.label))
    chart_files, chart_dir = chart_files_and_dir(ctx.attr.chart)
    arguments = [
        "overlay",
        "--helm-library",
        library.short_path,
        "--recommendations-file",
        ctx.file.recommendations.short_path,
        "--chart",
        chart_dir,
        "--validate",
    ]
    inputs = chart_files + [ctx.file.recommendations, library]
    if ctx.file.mapping:
        arguments.extend(["--mapping", ctx.file.mapping.short_path])
        inputs.append(ctx.file.mapping)
    if ctx.attr.environment:
        arguments.extend(["--environment", ctx.attr.environment])
    script = failure_test_script(ctx, arguments)
    runfiles = ctx.runfiles(files = inputs).merge(ctx.attr._composer[DefaultInfo].default_runfiles)
    return [DefaultInfo(executable = script, runfiles = runfiles)]

overlay_failure_test = rule(
    implementation = _overlay_failure_test_impl,
    doc = "Passes when generating values for `chart` from `recommendations` fails with every text of `expect_errors`.",
    test = True,
    attrs = {
        "chart": attr.label(mandatory = True, allow_files = True, doc = "A `helm_chart` target, or chart files with Chart.yaml."),
        "environment": attr.string(doc = "As `values_overlay`'s."),
        "expect_errors": attr.string_list(mandatory = True, allow_empty = False, doc = "Texts the error must hold."),
        "mapping": attr.label(allow_single_file = [".json"], doc = "Mapping file, as `values_overlay`'s."),
        "recommendations": attr.label(mandatory = True, allow_single_file = [".json"], doc = "RecommendationSet JSON."),
        "_composer": attr.label(default = "//tools/helm:composer", executable = True, cfg = "target"),
        "_script": attr.label(default = "//rules/private:overlay_failure_test.sh.tpl", allow_single_file = True),
    },
    toolchains = [HELM_TOOLCHAIN_TYPE],
)
