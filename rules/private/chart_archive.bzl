"""`helm_chart_archive`: a third-party chart archive fetched by URL and pinned by sha256, as
`http_archive` fetches sources; for `helm_chart(subcharts = ...)`.

    chart_archive = use_extension("//rules/private:chart_archive.bzl", "chart_archive")
    chart_archive.archive(
        name = "postgresql_chart",
        urls = ["https://charts.example.com/postgresql-15.5.0.tgz"],
        sha256 = "...",
        version = "15.5.0",
    )
    use_repo(chart_archive, "postgresql_chart")

gives `@postgresql_chart//:chart` (a `helm_subchart`, with the version pinned) and
`@postgresql_chart//:chart.tgz`. The archive is not unpacked here: the composer has Helm
read it, so a file that is no chart fails the build that uses it, naming the target.
Downloads go through Bazel's repository cache and `--distdir`, so a pinned archive is
fetched once per machine and never again.
"""

_BUILD = """\
load("{subchart_bzl}", "helm_subchart")

exports_files(["chart.tgz"])

helm_subchart(
    name = "chart",
    alias = {alias},
    chart = "chart.tgz",
    version = {version},
    visibility = ["//visibility:public"],
)
"""

def _helm_chart_archive_impl(rctx):
    rctx.download(url = rctx.attr.urls, output = "chart.tgz", sha256 = rctx.attr.sha256)
    rctx.file("BUILD.bazel", _BUILD.format(
        subchart_bzl = str(Label("//rules/private:helm_subchart.bzl")),
        alias = repr(rctx.attr.alias),
        version = repr(rctx.attr.version),
    ))

helm_chart_archive = repository_rule(
    implementation = _helm_chart_archive_impl,
    doc = "Fetches a chart archive (.tgz) by URL, checked against its sha256.",
    attrs = {
        "alias": attr.string(doc = "Name umbrellas give the chart (its values key); unset: its own name."),
        "sha256": attr.string(mandatory = True, doc = "SHA-256 of the archive: a download that differs fails."),
        "urls": attr.string_list(mandatory = True, doc = "Where the archive is, tried in order."),
        "version": attr.string(doc = "Version the chart must have (SemVer 2); unset: any."),
    },
)

_archive = tag_class(
    doc = "One chart archive: `@<name>//:chart` for `subcharts`.",
    attrs = {
        "alias": attr.string(doc = "Name umbrellas give the chart (its values key); unset: its own name."),
        "name": attr.string(mandatory = True, doc = "Repository name."),
        "sha256": attr.string(mandatory = True, doc = "SHA-256 of the archive."),
        "urls": attr.string_list(doc = "Where the archive is, tried in order."),
        "mirror": attr.label(
            allow_single_file = [".tgz"],
            doc = "A copy of the archive in this repository, tried first (as a file:// URL, so it is " +
                  "checked against sha256 like any download): for machines without the network, and tests.",
        ),
        "version": attr.string(doc = "Version the chart must have (SemVer 2); unset: any."),
    },
)

def _chart_archive_impl(module_ctx):
    for module in module_ctx.modules:
        for archive in module.tags.archive:
            urls = list(archive.urls)
            if archive.mirror:
                urls.insert(0, "file://" + str(module_ctx.path(archive.mirror)))
            if not urls:
                fail("chart_archive.archive({}): give urls, a mirror or both".format(archive.name))
            helm_chart_archive(
                name = archive.name,
                alias = archive.alias,
                sha256 = archive.sha256,
                urls = urls,
                version = archive.version,
            )

chart_archive = module_extension(
    implementation = _chart_archive_impl,
    doc = "Chart archives fetched by URL and sha256 (`archive` tags), for umbrella charts.",
    tag_classes = {"archive": _archive},
)
