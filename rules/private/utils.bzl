"""Helpers the rules share: shell quoting, labels in messages, a launcher for tests and `bazel run`, and where a chart is."""

load("//rules:providers.bzl", "HelmChartInfo")

def shell_quote(word):
    """`word` as one single-quoted shell word."""
    return "'" + word.replace("'", "'\\''") + "'"

def label_text(label):
    """`//pkg:name` for a target of the main repository (Bazel 7 prints `@@//pkg:name`), for
    messages and the composer's `target` fields; `@repo//pkg:name` otherwise."""
    if label.workspace_name:
        return str(label)
    return "//{}:{}".format(label.package, label.name)

def failure_test_script(ctx, arguments, links = []):
    """The script of a test that runs the composer (`_composer`) with `arguments` and passes
    only when it fails with every text of `expect_errors` (the template `_script`). `links`: a
    flat list of (execroot path, runfiles short path) pairs the script links before running,
    for generated files the composer expects at their execroot path.
    """
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.expand_template(
        template = ctx.file._script,
        output = script,
        substitutions = {
            "%{composer}": shell_quote(ctx.executable._composer.short_path),
            "%{arguments}": " ".join([shell_quote(a) for a in arguments]),
            "%{expected}": " ".join([shell_quote(e) for e in ctx.attr.expect_errors]),
            "%{links}": " ".join([shell_quote(path) for path in links]),
        },
        is_executable = True,
    )
    return script

def exec_launcher(ctx, words):
    """A script, `<target name>.sh`, that runs `words` and passes its own arguments on.

    Tests and `bazel run` start it in the main repository's runfiles directory, where every
    short path resolves (an external repository's files are at ../<repo>/).
    """
    launcher = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(
        launcher,
        "#!/bin/sh\nexec {} \"$@\"\n".format(" ".join([shell_quote(w) for w in words])),
        is_executable = True,
    )
    return launcher

def _chart_root(target):
    """A chart's files and its root: the composed chart's directory, or its own Chart.yaml."""
    if HelmChartInfo in target:
        chart = target[HelmChartInfo].chart
        return [chart], chart
    files = target[DefaultInfo].files.to_list()
    charts = sorted([f for f in files if f.basename == "Chart.yaml"], key = lambda f: len(f.short_path))
    if charts:
        # The chart's own Chart.yaml is the shallowest one (subcharts are below it).
        return files, charts[0]
    fail("{} is neither a helm_chart nor files with a Chart.yaml".format(target.label))

def chart_files_and_dir(target):
    """A composed chart (HelmChartInfo), or a chart kept as source files (with Chart.yaml).

    Returns the chart's files and its directory's short path (for runfiles).
    """
    files, root = _chart_root(target)
    return files, root.short_path if root.is_directory else root.short_path.removesuffix("/Chart.yaml")

def chart_files_and_exec_dir(target):
    """As `chart_files_and_dir`, with the directory's path as actions see it."""
    files, root = _chart_root(target)
    return files, root.path if root.is_directory else root.dirname
