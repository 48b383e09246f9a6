"""Tests of a chart migration: `chart_compare_test` and `chart_import_test`.

    load("//tools/chart_migrate:defs.bzl", "chart_compare_test", "chart_import_test")

Both run the real tools (//tools/helm:compare, //tools/helm:import) with the real Helm library,
so the migration's checks are ordinary tests: a hand-written chart and its generated
replacement differ exactly as a checked-in report says, and the imported declarations are what
import writes today.
"""

load("//rules/private:utils.bzl", "chart_files_and_dir", "exec_launcher")

def _runfiles(ctx, tool, files):
    runfiles = ctx.runfiles(files = files + [ctx.file._helm_library])
    return runfiles.merge(tool[DefaultInfo].default_runfiles)

def _chart_compare_test_impl(ctx):
    manual_files, manual_dir = chart_files_and_dir(ctx.attr.manual)
    generated_files, generated_dir = chart_files_and_dir(ctx.attr.generated)
    words = [
        ctx.executable._compare.short_path,
        "--helm-library",
        ctx.file._helm_library.short_path,
        "--manual",
        manual_dir,
        "--generated",
        generated_dir,
        "--release",
        ctx.attr.release,
        "--namespace",
        ctx.attr.namespace,
        "--format",
        ctx.attr.format,
    ]
    for rename in ctx.attr.renames:
        words += ["--rename", rename]
    for values in ctx.files.values:
        words += ["--values", values.short_path]
    for values in ctx.files.manual_values:
        words += ["--manual-values", values.short_path]
    for values in ctx.files.generated_values:
        words += ["--generated-values", values.short_path]
    if ctx.attr.strict:
        words.append("--strict")
    if ctx.attr.no_defaults:
        words.append("--no-defaults")
    files = manual_files + generated_files + ctx.files.values + ctx.files.manual_values + ctx.files.generated_values
    if ctx.file.expected:
        words += ["--expect", ctx.file.expected.short_path]
        files.append(ctx.file.expected)
    return [DefaultInfo(
        executable = exec_launcher(ctx, words),
        runfiles = _runfiles(ctx, ctx.attr._compare, files),
    )]

chart_compare_test = rule(
    implementation = _chart_compare_test_impl,
    doc = "Compares two charts as Helm renders them (//tools/helm:compare). With `expected`, passes " +
          "when the report is exactly that file (regenerate it with the `bazel run` command in " +
          "docs/migration.md); without, passes when the charts are equivalent.",
    attrs = {
        "manual": attr.label(mandatory = True, allow_files = True, doc = "The hand-written chart: a `helm_chart` target or the files of a chart directory."),
        "generated": attr.label(mandatory = True, allow_files = True, doc = "The generated chart, likewise."),
        "expected": attr.label(allow_single_file = True, doc = "The expected report; unset: the charts must be equivalent."),
        "renames": attr.string_list(doc = "`--rename [KIND/]OLD=NEW` pairs."),
        "values": attr.label_list(allow_files = [".yaml", ".yml"], doc = "Values files for both charts."),
        "manual_values": attr.label_list(allow_files = [".yaml", ".yml"], doc = "Values files for the hand-written chart only (its own keys, e.g. its values-prod.yaml), after `values`."),
        "generated_values": attr.label_list(allow_files = [".yaml", ".yml"], doc = "Values files for the generated chart only, after `values`."),
        "no_defaults": attr.bool(doc = "Do not fill in Kubernetes' defaults where a chart leaves a field out (docs/migration.md lists them)."),
        "release": attr.string(default = "release-name", doc = "Release name both are rendered with."),
        "namespace": attr.string(default = "default", doc = "Release namespace."),
        "format": attr.string(default = "text", values = ["text", "json", "markdown"], doc = "Report format (of `expected`)."),
        "strict": attr.bool(doc = "Keep the documented noise."),
        "_compare": attr.label(default = "//tools/chart_migrate:compare", executable = True, cfg = "target"),
        "_helm_library": attr.label(default = "@helm_sdk//:libhelm_c", allow_single_file = True),
    },
    test = True,
)

def _chart_import_test_impl(ctx):
    chart_files, chart_dir = chart_files_and_dir(ctx.attr.chart)
    words = [
        ctx.executable._import.short_path,
        "--helm-library",
        ctx.file._helm_library.short_path,
        "--chart",
        chart_dir,
        "--package",
        ctx.attr.package or "//" + ctx.label.package,
        "--output",
        ctx.file.build_file.short_path,
        "--check",
    ]
    for values in ctx.files.values:
        words += ["--values", values.short_path]
    if ctx.attr.release:
        words += ["--release", ctx.attr.release]
    return [DefaultInfo(
        executable = exec_launcher(ctx, words),
        runfiles = _runfiles(ctx, ctx.attr._import, chart_files + ctx.files.values + [ctx.file.build_file]),
    )]

chart_import_test = rule(
    implementation = _chart_import_test_impl,
    doc = "Fails when `build_file`'s imported region is not what //tools/helm:import writes for " +
          "`chart` now (a chart changed, or import did): re-run the import command the region names.",
    attrs = {
        "chart": attr.label(mandatory = True, allow_files = True, doc = "The hand-written chart's files (with Chart.yaml)."),
        "build_file": attr.label(mandatory = True, allow_single_file = True, doc = "The BUILD file holding the imported region."),
        "package": attr.string(doc = "`--package`; unset: this package."),
        "values": attr.label_list(allow_files = [".yaml", ".yml"], doc = "Values files import was run with."),
        "release": attr.string(doc = "Release name import was run with; unset: release-name."),
        "_import": attr.label(default = "//tools/chart_migrate:import", executable = True, cfg = "target"),
        "_helm_library": attr.label(default = "@helm_sdk//:libhelm_c", allow_single_file = True),
    },
    test = True,
)
