"""Charts leaving the build: `helm_package`, `helm_push`, `helm_repo_index`, `helm_rendered`
and the charts kept in git (`checked_in_charts`). Every rule runs //tools/chart_release, which
calls Helm's own Go SDK (the Helm toolchain's `libhelm_c.so`) for every Helm operation.
"""

load("//rules:providers.bzl", "HelmChartInfo", "HelmPackageInfo")
load(":chart_validate_test.bzl", "chart_validate_test")
load(":utils.bzl", "chart_files_and_exec_dir", "exec_launcher", "label_text")

HELM_TOOLCHAIN_TYPE = Label("//rules:helm_toolchain_type")

_TOOL = "//tools/chart_release"

# Whether `--stamp` is on, as a provider the rules can read (a rule attribute cannot hold a
# select() on a command-line flag directly); see //rules/private:stamp.
StampSettingInfo = provider(doc = "Whether the build is stamped.", fields = {"value": "bool"})

def _stamp_setting_impl(ctx):
    return [StampSettingInfo(value = ctx.attr.value)]

stamp_setting = rule(
    implementation = _stamp_setting_impl,
    doc = "Carries whether `--stamp` is on (a select() on a config_setting) to the release rules.",
    attrs = {"value": attr.bool(doc = "True when the build is stamped.")},
)

_STAMP_ATTRS = {
    "stamp": attr.int(
        default = -1,
        values = [-1, 0, 1],
        doc = "1: always read the workspace status (`STABLE_CHART_VERSION` for the version, " +
              "`STABLE_SOURCE_DATE_EPOCH` for dates); 0: never; -1: only under `--stamp`. " +
              "Unstamped outputs are deterministic.",
    ),
    "_stamp_flag": attr.label(default = "//rules/private:stamp", providers = [StampSettingInfo]),
}

def _stamp_args(ctx, args):
    """Adds the workspace status files when the build is stamped; returns them as inputs."""
    stamped = ctx.attr.stamp == 1 or (ctx.attr.stamp == -1 and ctx.attr._stamp_flag[StampSettingInfo].value)
    if not stamped:
        return []
    args.add("--stamp-file", ctx.info_file)
    args.add("--stamp-file", ctx.version_file)
    return [ctx.info_file, ctx.version_file]

def _helm_library(ctx):
    helm = ctx.toolchains[HELM_TOOLCHAIN_TYPE].helm
    if not helm.helm_library:
        fail("{}: packaging, signing and publishing run Helm's Go SDK (libhelm_c.so); the registered Helm toolchain only has a helm binary".format(ctx.label))
    return helm.helm_library

def _tool_runfiles(ctx, files):
    runfiles = ctx.runfiles(files = files)
    return runfiles.merge(ctx.attr._tool[DefaultInfo].default_runfiles)

# --- helm_package ---------------------------------------------------------------------------

def _helm_package_impl(ctx):
    if ctx.attr.sign and not ctx.attr.key:
        fail("{}: sign = True needs key, the signing identity in the keyring".format(ctx.label))
    if ctx.file.secret_keyring and not ctx.attr.sign:
        fail("{}: secret_keyring is only used with sign = True".format(ctx.label))
    library = _helm_library(ctx)
    chart_files, chart_path = chart_files_and_exec_dir(ctx.attr.chart)
    out = ctx.actions.declare_directory(ctx.label.name)

    args = ctx.actions.args()
    args.add("--helm-library", library)
    args.add("package")
    args.add("--chart", chart_path)
    args.add("--out-dir", out.path)
    if ctx.attr.version:
        args.add("--version", ctx.attr.version)
    if ctx.attr.app_version:
        args.add("--app-version", ctx.attr.app_version)
    inputs = chart_files + [library] + _stamp_args(ctx, args)
    signed = bool(ctx.attr.sign and ctx.file.secret_keyring)
    if signed:
        args.add("--sign")
        args.add("--key", ctx.attr.key)
        args.add("--keyring", ctx.file.secret_keyring)
        inputs.append(ctx.file.secret_keyring)

    ctx.actions.run(
        executable = ctx.executable._tool,
        arguments = [args],
        inputs = inputs,
        outputs = [out],
        mnemonic = "HelmPackage",
        progress_message = "Packaging Helm chart %{label}",
        # Signing reads a secret keyring: never send it to a remote executor or cache.
        execution_requirements = {"no-remote": "1"} if signed else {},
    )
    chart_info = ctx.attr.chart[HelmChartInfo] if HelmChartInfo in ctx.attr.chart else None
    return [
        DefaultInfo(files = depset([out])),
        HelmPackageInfo(
            directory = out,
            chart_name = chart_info.chart_name if chart_info else "",
            chart_version = ctx.attr.version or (chart_info.chart_version if chart_info else ""),
            sign = ctx.attr.sign,
            key = ctx.attr.key,
            signed = signed,
        ),
    ]

helm_package = rule(
    implementation = _helm_package_impl,
    doc = "Packages a chart with Helm's own packaging into a directory holding " +
          "`<name>-<version>.tgz` (and its `.prov` when signed at build time). The archive is " +
          "byte-identical across machines and output bases: Helm packages a staged copy whose " +
          "files carry one fixed mtime (2000-01-01, or `STABLE_SOURCE_DATE_EPOCH` when stamped); " +
          "Helm itself writes no gzip timestamp, owner 0 and a fixed member order.",
    attrs = dict({
        "app_version": attr.string(doc = "Overrides the chart's appVersion."),
        "chart": attr.label(mandatory = True, allow_files = True, doc = "A `helm_chart` target, or the files of a chart directory (with its Chart.yaml)."),
        "key": attr.string(doc = "With `sign`: the signing identity (a substring matching one key of the keyring, e.g. an e-mail address)."),
        "secret_keyring": attr.label(
            allow_single_file = True,
            doc = "With `sign`: a GnuPG secret keyring (`gpg --export-secret-keys`) to sign with at build time " +
                  "(for throwaway or CI keys; the action never runs remotely). Without it a `sign = True` package " +
                  "is signed by `.push`, from `$HELM_SIGNING_KEYRING` or `--keyring`.",
        ),
        "sign": attr.bool(doc = "The package must carry a provenance file (`.prov`, Helm's signing). `.push` refuses to push it unsigned."),
        "version": attr.string(doc = "Overrides the chart's version; a stamped build's `STABLE_CHART_VERSION` overrides both."),
        "_tool": attr.label(default = _TOOL, executable = True, cfg = "exec"),
    }, **_STAMP_ATTRS),
    provides = [HelmPackageInfo],
    toolchains = [HELM_TOOLCHAIN_TYPE],
)

# --- helm_push ------------------------------------------------------------------------------

def _helm_push_impl(ctx):
    package = ctx.attr.package[HelmPackageInfo]
    library = _helm_library(ctx)
    words = [
        ctx.executable._tool.short_path,
        "--helm-library",
        library.short_path,
        "push",
        "--package-dir",
        package.directory.short_path,
    ]
    if package.sign:
        words += ["--require-signature", "--key", package.key]
    launcher = exec_launcher(ctx, words)
    return [DefaultInfo(executable = launcher, runfiles = _tool_runfiles(ctx, [library, package.directory]))]

helm_push = rule(
    implementation = _helm_push_impl,
    doc = "`bazel run` it to push a package with Helm's OCI push: " +
          "`bazel run //pkg:chart.push -- oci://HOST/PATH [--plain-http] [--username U --password-stdin]`. " +
          "It uploads the `.prov` with the archive, signs a `sign = True` package first when it was not " +
          "signed at build time (`--keyring` or `$HELM_SIGNING_KEYRING`, `--passphrase-file` or " +
          "`$HELM_SIGNING_PASSPHRASE_FILE`), and prints the pushed reference with its digest " +
          "(`oci://HOST/PATH/<name>:<version>@sha256:...`) as its last line.",
    attrs = {
        "package": attr.label(mandatory = True, providers = [HelmPackageInfo], doc = "A `helm_package` target."),
        "_tool": attr.label(default = _TOOL, executable = True, cfg = "target"),
    },
    executable = True,
    toolchains = [HELM_TOOLCHAIN_TYPE],
)

# --- helm_package_test ----------------------------------------------------------------------

def _helm_package_test_impl(ctx):
    package = ctx.attr.package[HelmPackageInfo]
    library = _helm_library(ctx)
    words = [
        ctx.executable._tool.short_path,
        "--helm-library",
        library.short_path,
        "check-package",
        "--package-dir",
        package.directory.short_path,
    ]
    files = [library, package.directory]
    if ctx.file.public_keyring:
        words += ["--keyring", ctx.file.public_keyring.short_path]
        files.append(ctx.file.public_keyring)
    return [DefaultInfo(executable = exec_launcher(ctx, words), runfiles = _tool_runfiles(ctx, files))]

helm_package_test = rule(
    implementation = _helm_package_test_impl,
    doc = "Proves a built package is a chart Helm accepts: loads the archive bytes, lints them " +
          "(`--strict`), renders the defaults and, with `public_keyring`, verifies the provenance " +
          "file. Prints the archive's size and sha256.",
    attrs = {
        "package": attr.label(mandatory = True, providers = [HelmPackageInfo], doc = "A `helm_package` target."),
        "public_keyring": attr.label(allow_single_file = True, doc = "A public keyring (`gpg --export`) the package's `.prov` must verify against."),
        "_tool": attr.label(default = _TOOL, executable = True, cfg = "target"),
    },
    test = True,
    toolchains = [HELM_TOOLCHAIN_TYPE],
)

# --- helm_repo_index ------------------------------------------------------------------------

def _helm_repo_index_impl(ctx):
    library = _helm_library(ctx)
    out = ctx.actions.declare_directory(ctx.label.name)
    packages = [p[HelmPackageInfo].directory for p in ctx.attr.packages]
    args = ctx.actions.args()
    args.add("--helm-library", library)
    args.add("index")
    args.add_all(packages, before_each = "--package-dir", expand_directories = False)
    args.add("--out-dir", out.path)
    if ctx.attr.base_url:
        args.add("--base-url", ctx.attr.base_url)
    inputs = packages + [library] + _stamp_args(ctx, args)
    ctx.actions.run(
        executable = ctx.executable._tool,
        arguments = [args],
        inputs = inputs,
        outputs = [out],
        mnemonic = "HelmRepoIndex",
        progress_message = "Indexing Helm charts %{label}",
    )
    return [DefaultInfo(files = depset([out]))]

helm_repo_index = rule(
    implementation = _helm_repo_index_impl,
    doc = "A static chart repository in directory `<name>/`: every package's archive and `.prov` " +
          "plus `index.yaml` written by Helm's own index generator (digests included). Helm stamps " +
          "`created` and `generated` with the current time; this rule replaces exactly those " +
          "timestamps with a fixed date (2000-01-01, or `STABLE_SOURCE_DATE_EPOCH` when stamped), " +
          "so the index is deterministic. Upload the directory to `base_url`.",
    attrs = dict({
        "base_url": attr.string(doc = "Absolute URL the repository is served from (the entries' `urls`); unset: relative URLs."),
        "packages": attr.label_list(mandatory = True, providers = [HelmPackageInfo], doc = "`helm_package` targets (`<chart>.package`); each chart version at most once."),
        "_tool": attr.label(default = _TOOL, executable = True, cfg = "exec"),
    }, **_STAMP_ATTRS),
    toolchains = [HELM_TOOLCHAIN_TYPE],
)

# --- helm_rendered --------------------------------------------------------------------------

def _helm_rendered_impl(ctx):
    library = _helm_library(ctx)
    chart_files, chart_path = chart_files_and_exec_dir(ctx.attr.chart)
    out = ctx.actions.declare_directory(ctx.label.name)
    args = ctx.actions.args()
    args.add("--helm-library", library)
    args.add("render")
    args.add("--chart", chart_path)
    args.add("--out-dir", out.path)
    args.add("--release", ctx.attr.release)
    args.add("--namespace", ctx.attr.namespace)
    ctx.actions.run(
        executable = ctx.executable._tool,
        arguments = [args],
        inputs = chart_files + [library],
        outputs = [out],
        mnemonic = "HelmRender",
        progress_message = "Rendering Helm chart %{label}",
    )
    return [DefaultInfo(files = depset([out]))]

helm_rendered = rule(
    implementation = _helm_rendered_impl,
    doc = "The chart rendered by Helm (as `helm template`, hooks included) into directory `<name>/`: " +
          "`default.yaml` with the chart's defaults and `<env>.yaml` with each `values-<env>.yaml`, " +
          "documents sorted by kind and name, each under a `# Source:` comment. Deterministic: " +
          "diff two builds to review what a change does to every environment.",
    attrs = {
        "chart": attr.label(mandatory = True, allow_files = True, doc = "A `helm_chart` target, or the files of a chart directory."),
        "namespace": attr.string(default = "default", doc = "Release namespace to render with."),
        "release": attr.string(default = "release-name", doc = "Release name to render with (`helm template`'s default)."),
        "_tool": attr.label(default = _TOOL, executable = True, cfg = "exec"),
    },
    toolchains = [HELM_TOOLCHAIN_TYPE],
)

# --- charts kept in git ---------------------------------------------------------------------

def _charts_words(ctx, command, update_target):
    library = _helm_library(ctx)
    words = [
        ctx.executable._tool.short_path,
        "--helm-library",
        library.short_path,
        command,
        "--charts-dir",
        ctx.label.package,
        "--update-command",
        "tools/bazel run //{}:{}".format(ctx.label.package, update_target),
    ]
    charts = []
    for target in ctx.attr.charts:
        chart = target[HelmChartInfo].chart
        words += ["--label", label_text(target.label), "--chart-dir", chart.short_path]
        charts.append(chart)
    return words, charts + [library]

def _helm_charts_update_impl(ctx):
    words, files = _charts_words(ctx, "update-charts", ctx.label.name)
    return [DefaultInfo(executable = exec_launcher(ctx, words), runfiles = _tool_runfiles(ctx, files))]

_CHARTS_ATTRS = {
    "charts": attr.label_list(mandatory = True, providers = [HelmChartInfo], doc = "`helm_chart` targets; each is kept in `<this package>/<chart name>/`."),
    "_tool": attr.label(default = _TOOL, executable = True, cfg = "target"),
}

helm_charts_update = rule(
    implementation = _helm_charts_update_impl,
    doc = "`bazel run` it to write each chart into `<this package>/<chart name>/` of the workspace. " +
          "It refuses (writing nothing) when a chart's content changed but its version did not.",
    attrs = _CHARTS_ATTRS,
    executable = True,
    toolchains = [HELM_TOOLCHAIN_TYPE],
)

def _helm_charts_test_impl(ctx):
    words, files = _charts_words(ctx, "check-charts", ctx.attr.update_target)
    launcher = exec_launcher(ctx, words)
    return [DefaultInfo(executable = launcher, runfiles = _tool_runfiles(ctx, files + ctx.files.srcs))]

helm_charts_test = rule(
    implementation = _helm_charts_test_impl,
    doc = "Fails when a checked-in chart differs from the build (printing a diff and the update " +
          "command), and says so when its content changed but its version did not.",
    attrs = dict(_CHARTS_ATTRS, **{
        "srcs": attr.label_list(allow_files = True, doc = "The checked-in chart files (`glob([\"*/**\"])`)."),
        "update_target": attr.string(mandatory = True, doc = "Name of the `helm_charts_update` target, for the message."),
    }),
    test = True,
    toolchains = [HELM_TOOLCHAIN_TYPE],
)

def checked_in_charts(charts, srcs, update_name = "update", test_name = "up_to_date_test", visibility = None):
    """Charts kept in git in this package, one directory per chart.

    Declares `update_name` (`bazel run` it to write the charts) and `test_name`, a test suite
    that fails when a checked-in chart is stale or changed without a version bump
    (`<test_name>.files`) and when `helm upgrade` from a checked-in chart to the one the build
    makes now would be refused (`<test_name>.upgrade_<n>`, one `.validate` per chart with the
    checked-in charts as `previous_chart`).

    Args:
        charts: `helm_chart` targets to keep, the one list both targets use.
        srcs: The checked-in files, `glob(["*/**"], allow_empty = True)`.
        update_name: Name of the update target.
        test_name: Name of the test.
        visibility: Visibility of both targets.
    """
    helm_charts_update(name = update_name, charts = charts, visibility = visibility)
    helm_charts_test(
        name = test_name + ".files",
        size = "small",
        charts = charts,
        srcs = srcs,
        update_target = update_name,
        visibility = visibility,
    )
    native.filegroup(name = test_name + ".kept", srcs = srcs, visibility = ["//visibility:private"])
    upgrade_tests = []
    for index, chart in enumerate(charts):
        upgrade_tests.append("{}.upgrade_{}".format(test_name, index))
        chart_validate_test(
            name = upgrade_tests[-1],
            size = "small",
            chart = chart,
            environments = True,
            previous_chart = ":" + test_name + ".kept",
            visibility = visibility,
        )
    native.test_suite(name = test_name, tests = [":" + test_name + ".files"] + [":" + t for t in upgrade_tests], visibility = visibility)

# --- what helm_chart declares ---------------------------------------------------------------

_RELEASE_ATTRS = ["sign", "key", "secret_keyring"]

def pop_release_attrs(kwargs):
    """Takes the package attributes (`sign`, `key`, `secret_keyring`) out of helm_chart's kwargs."""
    return {name: kwargs.pop(name) for name in _RELEASE_ATTRS if name in kwargs}

def declare_release_targets(name, visibility = None, tags = [], **package_attrs):
    """Declares `<name>.package`, `<name>.push` and `<name>.rendered` for helm_chart `name`.

    The package is public whatever the chart's visibility: it is what leaves the build, and
    repository indexes elsewhere in the repository collect packages.
    """
    helm_package(
        name = name + ".package",
        chart = ":" + name,
        visibility = ["//visibility:public"],
        tags = tags,
        **package_attrs
    )
    helm_push(name = name + ".push", package = ":" + name + ".package", visibility = visibility, tags = tags)
    helm_rendered(name = name + ".rendered", chart = ":" + name, visibility = visibility, tags = tags)
