"""Checks that the Rust toolchain building this module's tools is new enough.

rules_rust takes its toolchain settings from the root module only: when another module
depends on helm_composer, the toolchain in our MODULE.bazel is ignored and the root's builds
the composer. Our minimum is rules_rust's default (1.82.0 for rules_rust 0.54.1), so a root
that configures no toolchain needs no lines; a root that pins an older release would fail
deep inside a crate, so `helm_chart` fails at analysis instead, naming the lines to use.

The version is read from the toolchains repository rules_rust generates (its rust-analyzer
toolchain is named after the Rust version it pairs with).
"""

# Cargo.toml's workspace rust-version (rules_rust 0.54.1's default stable release), and the
# toolchain this repository builds and tests with (MODULE.bazel's RUST_VERSION).
MINIMUM_RUST_VERSION = "1.82.0"
RECOMMENDED_RUST_VERSION = "1.93.0"

_ROOT_MODULE_LINES = """\
bazel_dep(name = "rules_rust", version = "0.54.1")

rust = use_extension("@rules_rust//rust:extensions.bzl", "rust")
rust.toolchain(
    edition = "2021",
    extra_target_triples = [],
    versions = ["{version}"],
)"""

def _version_tuple(version):
    parts = []
    for part in version.split("."):
        if not part.isdigit():
            return None
        parts.append(int(part))
    return tuple(parts)

def _toolchain_versions(build_file_text):
    """Versions named by `rust_analyzer_<version>` toolchains, in order of appearance."""
    versions = []
    for chunk in build_file_text.split('name = "rust_analyzer_')[1:]:
        version = chunk.split('"')[0]
        if _version_tuple(version) and version not in versions:
            versions.append(version)
    return versions

def _rust_version_repository_impl(rctx):
    versions = _toolchain_versions(rctx.read(rctx.attr.toolchains))
    rctx.file("BUILD.bazel", """\
load({bzl}, "rust_version_check")

rust_version_check(
    name = "check",
    versions = {versions},
    visibility = ["//visibility:public"],
)
""".format(bzl = repr(str(Label("//rules/private:rust_version.bzl"))), versions = repr(versions)))

rust_version_repository = repository_rule(
    doc = "Writes `:check`, a `rust_version_check` of the Rust versions rules_rust registered.",
    implementation = _rust_version_repository_impl,
    attrs = {
        "toolchains": attr.label(default = "@rust_toolchains//:BUILD.bazel", doc = "rules_rust's toolchains BUILD file."),
    },
)

def _rust_version_check_impl(ctx):
    minimum = _version_tuple(MINIMUM_RUST_VERSION)
    too_old = [v for v in ctx.attr.versions if _version_tuple(v) < minimum]
    if too_old:
        fail(("helm_composer's tools need Rust {minimum} or newer, and this build's Rust toolchain is {found}. " +
              "rules_rust takes its toolchain from the root module only, so your MODULE.bazel's " +
              "rust.toolchain needs a newer release, for example:\n\n{lines}\n").format(
            minimum = MINIMUM_RUST_VERSION,
            found = ", ".join(too_old),
            lines = _ROOT_MODULE_LINES.format(version = RECOMMENDED_RUST_VERSION),
        ))
    return []

rust_version_check = rule(
    implementation = _rust_version_check_impl,
    doc = "Fails at analysis when a registered Rust toolchain is older than MINIMUM_RUST_VERSION. " +
          "An unknown version (nightly, beta) passes: the compiler has the last word.",
    attrs = {"versions": attr.string_list(doc = "Rust versions of the registered toolchains.")},
)

def _rust_version_impl(_mctx):
    rust_version_repository(name = "helm_composer_rust_version")

rust_version = module_extension(
    doc = "Declares `@helm_composer_rust_version//:check` (see `rust_version_check`).",
    implementation = _rust_version_impl,
)
