"""Offline stand-in for buildozer's module extension: an empty `buildozer_binary` repo.

bazel_tools only uses it for `bazel mod tidy`, which the offline route does not offer.
"""

def _empty_repo_impl(rctx):
    rctx.file("BUILD.bazel", "")

_empty_repo = repository_rule(implementation = _empty_repo_impl)

def _buildozer_binary_impl(_mctx):
    _empty_repo(name = "buildozer_binary")

buildozer_binary = module_extension(implementation = _buildozer_binary_impl)
