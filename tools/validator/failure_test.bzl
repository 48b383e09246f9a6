"""`golden_failure_test`: the golden sample chart with one fault, which the validator must reject for it."""

load("//rules:defs.bzl", "chart_validate_test")

def golden_failure_test(name, expect_problems, edits = [], set = {}, **kwargs):
    """The golden sample chart (regenerated from the templates by the composer's golden test),
    broken by one small edit of a copy or by values, must be rejected with the named problems.

    Args:
      name: the test's name, after the check it proves.
      expect_problems: texts that must each be part of a reported problem (`<kind>: <message>`).
      edits: `FILE:OLD=>NEW` edits of the chart, each OLD occurring exactly once in FILE.
      set: `--set` overrides.
      **kwargs: further `chart_validate_test` attributes (`release`, `expect_values`, ...).
    """
    chart_validate_test(
        name = name,
        size = "small",
        chart = "//tools/helm:golden_sample",
        edits = edits,
        expect_problems = expect_problems,
        must_fail = True,
        set = set,
        **kwargs
    )
