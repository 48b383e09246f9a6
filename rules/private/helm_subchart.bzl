"""`helm_subchart`: a chart as an umbrella `helm_chart` takes it, with an alias or a pinned version."""

load("//rules:providers.bzl", "HelmChartInfo", "HelmSubchartInfo")

def subchart_file(target):
    """The chart a `subcharts` entry stands for: a chart directory or a single `.tgz`.

    Args:
        target: A `helm_chart`, a `helm_subchart`, or a target whose one file is a chart archive.

    Returns:
        HelmSubchartInfo of the entry.
    """
    if HelmSubchartInfo in target:
        return target[HelmSubchartInfo]
    if HelmChartInfo in target:
        return HelmSubchartInfo(chart = target[HelmChartInfo].chart, alias = "", version = "")
    files = target[DefaultInfo].files.to_list()
    if len(files) != 1 or not files[0].basename.endswith(".tgz"):
        fail("{} is not a chart: a subchart is a helm_chart, a helm_subchart or one chart archive (.tgz), not {}".format(
            target.label,
            [f.short_path for f in files],
        ))
    return HelmSubchartInfo(chart = files[0], alias = "", version = "")

def _helm_subchart_impl(ctx):
    chart = subchart_file(ctx.attr.chart)
    return [
        DefaultInfo(files = depset([chart.chart])),
        HelmSubchartInfo(chart = chart.chart, alias = ctx.attr.alias, version = ctx.attr.version),
    ]

helm_subchart = rule(
    implementation = _helm_subchart_impl,
    doc = "Names how an umbrella `helm_chart` takes a chart as a subchart: under an alias, or pinned " +
          "to a version (the build fails when the chart has another). The composer checks both.",
    attrs = {
        "alias": attr.string(doc = "Name the umbrella gives the chart: its key in values.yaml (a DNS-1123 label). Unset: the chart's own name."),
        "chart": attr.label(mandatory = True, allow_files = [".tgz"], doc = "A `helm_chart` target or a chart archive (.tgz)."),
        "version": attr.string(doc = "Version the chart must have (SemVer 2); unset: any."),
    },
    provides = [HelmSubchartInfo],
)
