"""`values_overlay`: a Helm values overlay or full preset generated from autotuning recommendations (docs/overlays.md)."""

load(":chart_validate_test.bzl", "HELM_TOOLCHAIN_TYPE", "chart_validate_test")
load(":utils.bzl", "chart_files_and_exec_dir")

def _values_overlay_impl(ctx):
    library = ctx.toolchains[HELM_TOOLCHAIN_TYPE].helm.helm_library
    if not library:
        fail("{}: values_overlay needs the Helm SDK toolchain (libhelm_c.so); this toolchain has only a helm binary".format(ctx.label))
    chart_files, chart_dir = chart_files_and_exec_dir(ctx.attr.chart)
    kind = "overlays" if ctx.attr.output_format == "overlay" else "full"
    out = ctx.actions.declare_file(ctx.attr.out or "presets/autotuned/{}/{}.yaml".format(kind, ctx.label.name))

    args = ctx.actions.args()
    args.add("overlay")
    args.add("--helm-library", library)
    args.add("--recommendations-file", ctx.file.recommendations)
    args.add("--chart", chart_dir)
    args.add("--output-format", ctx.attr.output_format)
    args.add("--output-file", out)
    args.add("--validate")
    args.add("--quiet")
    inputs = chart_files + [ctx.file.recommendations]
    if ctx.file.mapping:
        args.add("--mapping", ctx.file.mapping)
        inputs.append(ctx.file.mapping)
    if ctx.attr.environment:
        args.add("--environment", ctx.attr.environment)
    if ctx.attr.min_confidence:
        args.add("--min-confidence", ctx.attr.min_confidence)
    if ctx.attr.skip_unmapped:
        args.add("--skip-unmapped")
    outputs = [out]
    if ctx.attr.configmap:
        if ctx.attr.output_format != "full":
            fail("{}: configmap = True wraps a full preset: set output_format = \"full\"".format(ctx.label))
        configmap = ctx.actions.declare_file(out.basename.removesuffix(".yaml") + "-configmap.yaml", sibling = out)
        args.add("--configmap")
        args.add("--configmap-file", configmap)
        outputs.append(configmap)

    ctx.actions.run(
        executable = ctx.executable._composer,
        arguments = [args],
        inputs = inputs,
        tools = [library],
        outputs = outputs,
        mnemonic = "HelmValuesOverlay",
        progress_message = "Generating values %s %%{label}" % ctx.attr.output_format,
    )
    return [
        DefaultInfo(files = depset(outputs)),
        OutputGroupInfo(values = depset([out])),
    ]

_values_overlay = rule(
    implementation = _values_overlay_impl,
    doc = "Generates a values overlay (only what changes) or a full values preset for a chart from a " +
          "RecommendationSet, checked by Helm (schema, lint --strict, render) while it is built.",
    attrs = {
        "chart": attr.label(mandatory = True, allow_files = True, doc = "A `helm_chart` target, or the files of a chart directory (with its Chart.yaml and values.schema.json)."),
        "configmap": attr.bool(doc = "Also write the full preset wrapped in a ConfigMap (`<out>-configmap.yaml`); needs `output_format = \"full\"`."),
        "environment": attr.string(doc = "The chart's values-<environment>.yaml is part of the values the recommendations change."),
        "mapping": attr.label(allow_single_file = [".json"], doc = "Mapping from recommendation keys to values paths (docs/values-mapping.schema.json); optional for charts composed here."),
        "min_confidence": attr.string(doc = "Skip recommendations less confident than this, e.g. \"0.7\"."),
        "out": attr.string(doc = "Output file, relative to the package; unset: presets/autotuned/overlays/<name>.yaml (or full/)."),
        "output_format": attr.string(default = "overlay", values = ["overlay", "full"], doc = "`overlay`: only the values that change; `full`: every value."),
        "recommendations": attr.label(mandatory = True, allow_single_file = [".json"], doc = "RecommendationSet JSON (docs/recommendation-set.schema.json)."),
        "skip_unmapped": attr.bool(doc = "Apply the recommendations that have a mapping and list the others in the file's header, instead of failing on them."),
        "_composer": attr.label(default = "//tools/helm:composer", executable = True, cfg = "exec"),
    },
    toolchains = [HELM_TOOLCHAIN_TYPE],
)

def values_overlay(name, chart, recommendations, validate = True, expect_values = {}, visibility = None, tags = [], **kwargs):
    """Generates values from recommendations as `name` and declares `name + ".validate"`.

    The test runs the chart validator (Helm lint --strict and render, Kubernetes schemas,
    policy checks) on the chart with the generated values file; for an overlay of an
    `environment`, with the environment's file and the overlay together.

    Args:
        name: Target name.
        chart: The chart (`helm_chart` target or chart files).
        recommendations: RecommendationSet JSON file.
        validate: Whether to declare the `.validate` test.
        expect_values: `Kind/name:/json/pointer` -> JSON the rendered objects must hold with
            the generated values (as `chart_validate_test`).
        visibility: Visibility of the targets.
        tags: Tags of the targets.
        **kwargs: mapping, environment, output_format, configmap, min_confidence, skip_unmapped, out.
    """
    _values_overlay(name = name, chart = chart, recommendations = recommendations, visibility = visibility, tags = tags, **kwargs)
    if not validate:
        return
    validated = name
    if kwargs.get("environment") and kwargs.get("output_format", "overlay") == "overlay":
        # An environment's overlay is installed after values-<env>.yaml; the validator runs
        # each values file alone, so it checks the full preset of the same inputs: the
        # chart's defaults, the environment's file and the overlay together.
        validated = name + ".stacked"
        stacked = dict(kwargs, output_format = "full", out = "presets/autotuned/stacked/{}.yaml".format(name))
        stacked.pop("configmap", None)
        _values_overlay(name = validated, chart = chart, recommendations = recommendations, visibility = ["//visibility:private"], tags = tags, **stacked)
    native.filegroup(
        name = name + ".values",
        srcs = [":" + validated],
        output_group = "values",
        visibility = visibility,
        tags = tags,
    )
    chart_validate_test(
        name = name + ".validate",
        chart = chart,
        values = [":" + name + ".values"],
        # The chart's defaults alone are its own .validate; here only the new values run.
        values_only = True,
        expect_values = expect_values,
        size = "small",
        visibility = visibility,
        tags = tags,
    )
