"""`chart_validate_test`: real Helm lint --strict and render, Kubernetes schema validation, policy checks."""

load("//rules:providers.bzl", "EnvironmentInfo", "HelmChartInfo", "HelmPackageInfo")
load(":utils.bzl", "chart_files_and_dir", "exec_launcher")

HELM_TOOLCHAIN_TYPE = Label("//rules:helm_toolchain_type")

# Kubernetes version the charts are linted for and validated against (schemas from the
# kubernetes-validate wheel, strict: unknown fields are errors).
KUBE_VERSION = "1.34.0"

# Kubernetes minors (of 1.x) whose schemas the pinned wheel holds (kubernetes_schemas.BUILD.bazel);
# tools/helm/src/plan/environment.rs KUBERNETES_MINORS says the same for the composer.
KUBE_MINORS = range(25, 38)

def _chart_validate_test_impl(ctx):
    helm = ctx.toolchains[HELM_TOOLCHAIN_TYPE].helm
    chart_files, chart_dir = chart_files_and_dir(ctx.attr.chart)
    validator = ctx.executable._validator
    versions = _kube_versions(ctx)
    schemas = {version: _schemas_of(ctx, version) for version in versions.all}

    command = [
        validator.short_path,
        "--chart",
        chart_dir,
    ]
    for version in versions.chart:
        command += ["--kube-version", version]
    command += ["--schemas", _schema_short_dir(schemas[versions.chart[0]])]
    for version in versions.all:
        if version != versions.chart[0]:
            command += ["--schemas-for", "{}={}".format(version, _schema_short_dir(schemas[version]))]
    for environment, version in sorted(versions.environments.items()):
        command += ["--kube-version-for", "{}={}".format(environment, version)]
    command += [
        "--node",
        ctx.file._node.short_path,
        "--crd-script",
        ctx.file._crd_script.short_path,
        "--crd-models",
        _node_modules_short_dir(ctx.files._crd_models),
    ]
    tool_files = []
    if helm.helm_library:
        command += ["--helm-library", helm.helm_library.short_path]
        tool_files.append(helm.helm_library)
    else:
        command += ["--helm-binary", helm.helm_binary.short_path]
        tool_files.append(helm.helm_binary)
    if helm.helm3_binary:
        command += ["--helm3", helm.helm3_binary.short_path]
        tool_files.append(helm.helm3_binary)
    for values_file in ctx.files.values:
        command += ["--values", values_file.short_path]
    if ctx.attr.values_only:
        command.append("--values-only")
    for key, value in sorted(ctx.attr.set.items()):
        command += ["--set", "{}={}".format(key, value)]
    for object in ctx.attr.expect_objects:
        command += ["--expect-object", object]
    for place, value in sorted(ctx.attr.expect_values.items()):
        command += ["--expect-value", "{}={}".format(place, value)]
    if ctx.attr.environments:
        command.append("--environments")
    if ctx.attr.environment:
        command += ["--environment", ctx.attr.environment]
    if ctx.attr.release:
        command += ["--release", ctx.attr.release]
    if ctx.attr.policy:
        command.append("--policy")
    if ctx.attr.argocd:
        command.append("--argocd")
    for applications in ctx.files.argocd_applications:
        command += ["--argocd-applications", applications.short_path]
    for edit in ctx.attr.edits:
        command += ["--edit", edit]
    if ctx.attr.must_fail:
        command.append("--expect-failure")
    for problem in ctx.attr.expect_problems:
        command += ["--expect-problem", problem]
    previous_files = []
    if ctx.attr.previous_chart:
        previous_files, previous_path = _previous_chart(ctx.attr.previous_chart)
        command += ["--previous-chart", previous_path]

    launcher = exec_launcher(ctx, command)
    crd_files = [ctx.file._node, ctx.file._crd_script] + ctx.files._crd_models
    schema_files = [f for version in versions.all for f in schemas[version]]
    runfiles = ctx.runfiles(files = chart_files + schema_files + tool_files + crd_files + ctx.files.values + previous_files + ctx.files.argocd_applications)
    runfiles = runfiles.merge(ctx.attr._validator[DefaultInfo].default_runfiles)
    return [DefaultInfo(executable = launcher, runfiles = runfiles)]

def kube_version(version, owner, field):
    """`1.31` -> `1.31.0`, for a version whose schemas the wheel holds; fails naming `owner` and `field`."""
    major, _, minor = version.partition(".")
    if major != "1" or not minor.isdigit() or minor.startswith("0") or int(minor) not in KUBE_MINORS:
        fail("{}: {}: {} is not a Kubernetes version MAJOR.MINOR the validator has schemas for (1.{} to 1.{})".format(
            owner,
            field,
            repr(version),
            KUBE_MINORS[0],
            KUBE_MINORS[-1],
        ))
    return version + ".0"

def _kube_versions(ctx):
    """The versions the default values run with (the first also for an environment naming none),
    each environment's own, and all of them."""
    chart = [kube_version(v, ctx.label, "kubernetes_versions") for v in ctx.attr.kubernetes_versions] or [KUBE_VERSION]
    environments = {}
    for target in ctx.attr.environment_targets:
        info = target[EnvironmentInfo]
        if info.kubernetes_version:
            environments[info.name] = kube_version(info.kubernetes_version, target.label, "kubernetes_version")
    return struct(
        chart = chart,
        environments = environments,
        all = sorted({v: None for v in chart + environments.values()}.keys()),
    )

def _schemas_of(ctx, version):
    for target in ctx.attr._kubernetes_schemas_by_version:
        if target.label.name == "v{}-strict".format(version):
            return target.files.to_list()
    fail("no Kubernetes schemas for {}".format(version))

def _previous_chart(target):
    """The files and runfiles path of a previous chart: a chart, a package, a .tgz, or the
    files of a directory of charts (`charts/`), where the validator takes the one of this name."""
    if HelmPackageInfo in target:
        directory = target[HelmPackageInfo].directory
        return [directory], directory.short_path
    if HelmChartInfo in target:
        return chart_files_and_dir(target)
    files = target[DefaultInfo].files.to_list()
    if len(files) == 1 and files[0].basename.endswith(".tgz"):
        return files, files[0].short_path
    roots = [f.short_path.removesuffix("/Chart.yaml") for f in files if f.basename == "Chart.yaml"]
    if not roots:
        fail("{}: previous_chart is neither a chart, a package, a .tgz nor chart files".format(target.label))
    shallowest = sorted(roots, key = lambda r: r.count("/"))[0]
    if all([r == shallowest or r.startswith(shallowest + "/") for r in roots]):
        return files, shallowest
    # Several charts side by side: their directory.
    return files, shallowest.rpartition("/")[0]

def _schema_short_dir(files):
    for f in files:
        if f.basename == "_definitions.json":
            return f.short_path.removesuffix("/_definitions.json")
    fail("the Kubernetes schema files lack _definitions.json")

def _node_modules_short_dir(files):
    for f in files:
        if f.basename == "package.json" and f.dirname.endswith("/node_modules/@kubernetes-models/keda"):
            return f.short_path.removesuffix("/@kubernetes-models/keda/package.json")
    fail("the CRD models lack @kubernetes-models/keda")

chart_validate_test = rule(
    implementation = _chart_validate_test_impl,
    doc = "Lints a chart with Helm (strict), renders it as `helm template` does and validates " +
          "every rendered object against the Kubernetes schemas (unknown fields rejected) or, for " +
          "KEDA and Prometheus operator objects, their CRD schemas.",
    attrs = {
        "chart": attr.label(mandatory = True, allow_files = True, doc = "A `helm_chart` target, or the files of a chart directory (with its Chart.yaml)."),
        "environment": attr.string(doc = "Check only the chart rendered with its values-<environment>.yaml."),
        "environments": attr.bool(doc = "Also lint and render with every values-<env>.yaml of the chart."),
        "policy": attr.bool(default = True, doc = "Apply the policy checks (security context, resources, probes, disruption budgets, one scaler per Deployment, network policy coverage, references between objects, namespaced RBAC) to the rendered objects."),
        "expect_objects": attr.string_list(doc = "The exact set of rendered objects, as `Kind/name` (release name `release-name`)."),
        "expect_values": attr.string_dict(doc = "`Kind/name:/json/pointer` -> JSON value the rendered object must hold; `null`: the field must be absent."),
        "edits": attr.string_list(doc = "`FILE:OLD=>NEW`: before validating, replace the one occurrence of OLD (which must occur exactly once, and not contain `=>`) by NEW in the chart file FILE, in a temporary copy of the chart. Failure tests break a good chart this way."),
        "expect_problems": attr.string_list(doc = "With `must_fail` (and required by it): texts that must each be part of some reported problem, `<kind>: <message>` with kind `lint`, `values-schema`, `render`, `yaml`, `kubernetes-schema`, `kubernetes-version`, `crd`, `namespace`, `duplicate`, `policy:<rule>`, `api-server:<rule>`, `reachability`, `upgrade:<rule>`, `expectation` or `helm3:lint`, `helm3:render`, `helm3:difference` (Helm 3 beside the toolchain's Helm). A chart rejected for other reasons fails the test."),
        "previous_chart": attr.label(
            allow_files = True,
            doc = "The version this chart replaces: a `helm_chart` or `helm_package` target, the files of a chart " +
                  "directory (with its Chart.yaml), a `.tgz`, or the files of a directory of charts (as `charts/` " +
                  "keeps them), of which the one with this chart's name is taken (none: nothing to compare). The test then also fails on every change " +
                  "`helm upgrade` from it would be refused (immutable fields, hooks, removed values keys; " +
                  "problems `upgrade:<rule>`, see docs/upgrades.md).",
        ),
        "argocd": attr.bool(doc = "Also check Argo CD's rules: no template calls `lookup`, a random or clock function (`rand*`, `uuidv4`, `genPrivateKey`, `now`, ...) or reads `.Release.IsInstall`/`IsUpgrade`/`Revision`, and no hook is install-only (`pre-install` without `pre-upgrade`, ...); problems `argocd:<rule>` naming the template line or the object."),
        "argocd_applications": attr.label_list(allow_files = [".yaml"], doc = "Argo CD objects generated for the chart (`argocd_applications` targets): checked against Argo CD's CRD schemas (problems `crd`) and against the chart, its name, version and values files (`argocd:application`); implies `argocd`."),
        "must_fail": attr.bool(doc = "Pass only when validation fails with every problem of `expect_problems` (for tests of the validator itself)."),
        "release": attr.string(doc = "Release name to render with; unset: `release-name`, as `helm template` uses."),
        "values": attr.label_list(allow_files = [".yaml", ".yml"], doc = "Values files: the chart is linted and rendered once with its defaults and once with each."),
        "values_only": attr.bool(doc = "Lint and render only with `values`, not with the chart's defaults alone (so `expect_values` can assert what a values overlay changes)."),
        "set": attr.string_dict(doc = "`--set` overrides (`key.path`: value) applied when linting and rendering."),
        "_crd_models": attr.label(default = "@crd_models//:node_modules"),
        "_crd_script": attr.label(default = "//tools/validator:crd_validate.mjs", allow_single_file = True),
        "kubernetes_versions": attr.string_list(doc = "Kubernetes versions (MAJOR.MINOR, 1.25 to 1.37) the chart is linted, rendered and schema-checked for with its default values (and `values`), each a run; the first also for every environment that names no version of its own. Unset: " + KUBE_VERSION + "."),
        "environment_targets": attr.label_list(providers = [EnvironmentInfo], doc = "The chart's `helm_environment` targets: an environment naming a `kubernetes_version` is checked against that version (its schemas, Helm's Capabilities.KubeVersion and the chart's kubeVersion), not the chart's."),
        "_kubernetes_schemas_by_version": attr.label_list(default = ["@kubernetes_schemas//:v1.{}.0-strict".format(minor) for minor in KUBE_MINORS]),
        "_node": attr.label(default = "@nodejs//:bin/node", allow_single_file = True),
        "_validator": attr.label(default = "//tools/validator:chart_validator", executable = True, cfg = "target"),
    },
    test = True,
    toolchains = [HELM_TOOLCHAIN_TYPE],
)
