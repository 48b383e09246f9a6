"""`helm_toolchain`: which Helm the `.validate` tests run."""

load("//rules:providers.bzl", "HelmToolchainInfo")

def _helm_toolchain_impl(ctx):
    if bool(ctx.file.helm_library) == bool(ctx.file.helm):
        fail("helm_toolchain {}: set exactly one of helm_library and helm".format(ctx.label))
    helm = HelmToolchainInfo(
        helm_binary = ctx.file.helm,
        helm_library = ctx.file.helm_library,
        helm3_binary = ctx.file.helm3,
    )
    return [platform_common.ToolchainInfo(helm = helm)]

helm_toolchain = rule(
    implementation = _helm_toolchain_impl,
    doc = "Declares a Helm for `//rules:helm_toolchain_type`: Helm's Go SDK as `libhelm_c.so` " +
          "(the default, fetched as pinned data) or a `helm` binary you provide, registered with " +
          "`register_toolchains` or `--extra_toolchains`; optionally a Helm 3 binary that " +
          "`.validate` also lints and renders with, comparing its output with the first Helm's.",
    attrs = {
        "helm": attr.label(allow_single_file = True, executable = True, cfg = "target", doc = "A `helm` executable (Helm 3.14+ or 4)."),
        "helm3": attr.label(allow_single_file = True, executable = True, cfg = "target", doc = "A Helm 3 `helm` executable (3.14+) that `.validate` also lints (`--strict`) and renders with; unset: only the first Helm runs."),
        "helm_library": attr.label(allow_single_file = [".so"], doc = "libhelm_c.so from helm-c-sdk."),
    },
)
