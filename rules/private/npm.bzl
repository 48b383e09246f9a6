"""Module extension: npm packages from a committed package-lock.json, unpacked as data, and Node.js.

The CRD validators for KEDA and the Prometheus operator are published on the npm registry
(`@kubernetes-models/*`, generated from the projects' own API types). They are fetched here
without npm: every package of the lock file is downloaded by Bazel from the registry and
checked against the lock file's `integrity` (sha512), then laid out as npm would
(`node_modules/<name>`). Node.js itself is taken from the machine (the `tools/bazel`
launcher installs Debian's `nodejs` into its build root).

Refresh the lock file with npm, next to its package.json:
`npm install --package-lock-only --ignore-scripts`.
"""

_DEFAULT_REGISTRY = "https://registry.npmjs.org"

def _tarball_url(registry, name, version):
    # Registry layout: <registry>/<name>/-/<name without scope>-<version>.tgz
    return "{}/{}/-/{}-{}.tgz".format(registry, name, name.split("/")[-1], version)

def _locked_packages(rctx):
    lock = json.decode(rctx.read(rctx.attr.lock_file))
    if lock.get("lockfileVersion", 0) < 2:
        fail("{}: lockfileVersion 2 or newer is needed (it lists packages by path)".format(rctx.attr.lock_file))
    packages = []
    for path, entry in lock["packages"].items():
        if not path.startswith("node_modules/"):
            continue  # the root project itself
        if "integrity" not in entry or "version" not in entry:
            fail("{}: {} has no version or integrity; regenerate the lock file".format(rctx.attr.lock_file, path))
        name = path.rsplit("node_modules/", 1)[1]
        packages.append(struct(path = path, name = name, version = entry["version"], integrity = entry["integrity"]))
    return packages

def _npm_lock_impl(rctx):
    for package in _locked_packages(rctx):
        rctx.download_and_extract(
            url = _tarball_url(rctx.attr.registry, package.name, package.version),
            integrity = package.integrity,
            type = "tar.gz",
            output = package.path,
            stripPrefix = "package",
        )
    rctx.file("BUILD.bazel", """\
filegroup(
    name = "node_modules",
    srcs = glob(["node_modules/**"], exclude = ["**/*.d.ts", "**/*.md", "**/*.map"]),
    visibility = ["//visibility:public"],
)

# Each package's manifest, to locate a package (and node_modules) in runfiles.
exports_files(glob(["node_modules/**/package.json"]), visibility = ["//visibility:public"])
""")

npm_lock_repository = repository_rule(
    doc = "Every package of a package-lock.json (v2/v3), unpacked under `node_modules/` as `:node_modules`.",
    implementation = _npm_lock_impl,
    attrs = {
        "lock_file": attr.label(mandatory = True, allow_single_file = True, doc = "package-lock.json."),
        "registry": attr.string(default = _DEFAULT_REGISTRY, doc = "npm registry base URL."),
    },
)

def _host_node_impl(rctx):
    node = rctx.which("node")
    if not node:
        fail("Node.js is needed to validate KEDA and Prometheus operator objects, and `node` is not on " +
             "PATH. Install Node.js 20 or newer (the tools/bazel launcher installs Debian's nodejs).")
    rctx.symlink(node, "node")
    rctx.file("BUILD.bazel", 'exports_files(["node"], visibility = ["//visibility:public"])\n')

host_node_repository = repository_rule(
    doc = "The machine's `node`, as `:node`.",
    implementation = _host_node_impl,
    environ = ["PATH"],
    local = True,
)

_lock = tag_class(
    doc = "Declares a repository holding every package of a package-lock.json.",
    attrs = {
        "lock_file": attr.label(mandatory = True, doc = "package-lock.json."),
        "name": attr.string(mandatory = True, doc = "Repository name."),
        "registry": attr.string(default = _DEFAULT_REGISTRY, doc = "npm registry base URL."),
    },
)

_host_node = tag_class(
    doc = "Declares a repository exposing the machine's `node`.",
    attrs = {"name": attr.string(mandatory = True, doc = "Repository name.")},
)

def _npm_impl(mctx):
    for module in mctx.modules:
        for lock in module.tags.lock:
            npm_lock_repository(name = lock.name, lock_file = lock.lock_file, registry = lock.registry)
        for node in module.tags.host_node:
            host_node_repository(name = node.name)

npm = module_extension(
    doc = "npm packages from lock files, and the machine's Node.js (see `npm_lock_repository`).",
    implementation = _npm_impl,
    tag_classes = {"lock": _lock, "host_node": _host_node},
)
