"""Analysis tests: each Starlark `fail` of the rules stops the build with its own message."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load("//rules:defs.bzl", "app_metadata", "chart_validate_test", "helm_environment", "helm_toolchain")
load("//rules/private:rust_version.bzl", "rust_version_check")

def _expect_failure_impl(ctx):
    env = analysistest.begin(ctx)
    asserts.expect_failure(env, ctx.attr.expected)
    return analysistest.end(env)

_expect_failure_test = analysistest.make(
    _expect_failure_impl,
    expect_failure = True,
    attrs = {"expected": attr.string(mandatory = True, doc = "Text the failure message must hold.")},
)

def _failure_test(name, target, expected):
    _expect_failure_test(name = name, target_under_test = target, expected = expected)

def rule_failure_tests(name):
    """Declares one broken target (tagged manual, so only its test builds it) per `fail`.

    Args:
      name: name of the test suite grouping them.
    """
    app_metadata(
        name = "bad_json_metadata",
        image_repository = "ghcr.io/example/app",
        image_tag = "1.0.0",
        app_type = "worker",
        keda_triggers = "[{not json",
        tags = ["manual"],
    )
    _failure_test(
        name = "app_metadata_rejects_invalid_json_test",
        target = ":bad_json_metadata",
        expected = "keda_triggers is not valid JSON",
    )

    helm_environment(
        name = "fractional_replicas",
        replicas = {"web": "2.5"},
        tags = ["manual"],
    )
    _failure_test(
        name = "helm_environment_rejects_fractional_replicas_test",
        target = ":fractional_replicas",
        expected = "replicas of web: 2.5 is not a whole number",
    )

    helm_toolchain(
        name = "no_helm",
        tags = ["manual"],
    )
    _failure_test(
        name = "helm_toolchain_needs_one_helm_test",
        target = ":no_helm",
        expected = "set exactly one of helm_library and helm",
    )

    native.filegroup(
        name = "not_a_chart",
        srcs = ["failures_test.bzl"],
        tags = ["manual"],
    )
    chart_validate_test(
        name = "validate_not_a_chart",
        chart = ":not_a_chart",
        tags = ["manual"],
    )
    _failure_test(
        name = "chart_validate_test_rejects_non_charts_test",
        target = ":validate_not_a_chart",
        expected = "is neither a helm_chart nor files with a Chart.yaml",
    )

    # What a consumer whose root module pins a Rust older than our minimum (rules_rust 0.54.1's
    # default, 1.82.0, which needs no lines) sees.
    rust_version_check(
        name = "old_rust",
        versions = ["1.81.0"],
        tags = ["manual"],
    )
    _failure_test(
        name = "rust_version_check_names_the_lines_to_add_test",
        target = ":old_rust",
        expected = "need Rust 1.82.0 or newer, and this build's Rust toolchain is 1.81.0. rules_rust takes its " +
                   "toolchain from the root module only, so your MODULE.bazel's rust.toolchain needs a newer release",
    )

    native.test_suite(
        name = name,
        tests = [
            ":app_metadata_rejects_invalid_json_test",
            ":chart_validate_test_rejects_non_charts_test",
            ":helm_environment_rejects_fractional_replicas_test",
            ":helm_toolchain_needs_one_helm_test",
            ":rust_version_check_names_the_lines_to_add_test",
        ],
    )
