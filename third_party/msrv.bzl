"""Collects the Cargo.toml of every third-party crate the build compiles, for msrv_test.

A module depending on helm_composer builds our tools with its own Rust, by default the
release rules_rust gives a module that configures none (rules/private/rust_version.bzl,
MINIMUM_RUST_VERSION). msrv_test reads each crate's `rust-version` and `edition` from its
published Cargo.toml and fails when one needs a newer Rust. The aspect walks what rustc
compiles: library and proc-macro dependencies, and build scripts with their own
dependencies; the crates' Cargo.toml are in their targets' compile_data.
"""

load("@crates//:defs.bzl", "all_crate_deps")
load("//rules/private:rust_version.bzl", "MINIMUM_RUST_VERSION")

CrateManifestsInfo = provider(
    doc = "Cargo.toml files of the external crates a target compiles, itself included.",
    fields = {"manifests": "depset of File"},
)

# rules_rust's attributes that lead to compiled crates: deps and proc_macro_deps of libraries,
# binaries and build scripts, `crate` of tests, `script` from a cargo_build_script to its binary.
_CRATE_EDGES = ["deps", "proc_macro_deps", "crate", "script", "actual"]

def _own_manifest(ctx):
    """The Cargo.toml at the root of the crate repository `ctx.label` lives in, if any."""
    if not ctx.label.workspace_name:
        return []
    wanted = ctx.label.workspace_root + "/Cargo.toml"
    return [f for f in getattr(ctx.rule.files, "compile_data", []) if f.path == wanted][:1]

def _crate_manifests_aspect_impl(_target, ctx):
    transitive = []
    for edge in _CRATE_EDGES:
        deps = getattr(ctx.rule.attr, edge, None)
        if deps == None:
            continue
        for dep in (deps if type(deps) == "list" else [deps]):
            if type(dep) == "Target" and CrateManifestsInfo in dep:
                transitive.append(dep[CrateManifestsInfo].manifests)
    return [CrateManifestsInfo(manifests = depset(_own_manifest(ctx), transitive = transitive))]

crate_manifests_aspect = aspect(
    implementation = _crate_manifests_aspect_impl,
    attr_aspects = _CRATE_EDGES,
    doc = "Gathers the Cargo.toml of the external crates reachable through rules_rust's edges.",
)

def _crate_manifests_impl(ctx):
    manifests = depset(transitive = [root[CrateManifestsInfo].manifests for root in ctx.attr.roots]).to_list()
    listing = ctx.actions.declare_file(ctx.label.name + ".txt")

    # One runfiles path a line (an external file's short_path is ../<repo>/Cargo.toml).
    ctx.actions.write(listing, "".join([f.short_path.removeprefix("../") + "\n" for f in manifests]))
    return [DefaultInfo(files = depset([listing]), runfiles = ctx.runfiles(files = [listing] + manifests))]

crate_manifests = rule(
    implementation = _crate_manifests_impl,
    doc = "Writes `<name>.txt`, the runfiles paths of the Cargo.toml of every external crate " +
          "`roots` compile (the files themselves are in the runfiles).",
    attrs = {
        "roots": attr.label_list(
            aspects = [crate_manifests_aspect],
            doc = "Crates whose closure is checked (the workspace members' dependencies).",
        ),
    },
)

def member_crate_manifests(name, members):
    """`crate_manifests` of every dependency (any kind) of the workspace members `members`.

    Args:
      name: the target's name.
      members: the members' package names (tools/helm, ...), as crate_universe keys them.
    """
    roots = []
    platform_specific = []
    for member in members:
        deps = all_crate_deps(
            normal = True,
            normal_dev = True,
            proc_macro = True,
            proc_macro_dev = True,
            build = True,
            build_proc_macro = True,
            package_name = member,
        )

        # A plain list unless a dependency is platform-specific (then a select).
        if type(deps) == "list":
            roots.extend([dep for dep in deps if dep not in roots])
        else:
            platform_specific.append(deps)
    for deps in platform_specific:
        roots = roots + deps
    crate_manifests(name = name, roots = roots)

# For msrv_test's arguments: the one place the minimum is written for Starlark.
MSRV = MINIMUM_RUST_VERSION
