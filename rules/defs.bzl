"""Public API of the Helm chart composer rules. Load everything from here.

    load("//rules:defs.bzl", "helm_chart", "release_app")
"""

load(
    "//rules:providers.bzl",
    _AppInfo = "AppInfo",
    _EnvironmentInfo = "EnvironmentInfo",
    _HelmChartInfo = "HelmChartInfo",
    _HelmPackageInfo = "HelmPackageInfo",
    _HelmSubchartInfo = "HelmSubchartInfo",
    _HelmToolchainInfo = "HelmToolchainInfo",
)
load("//rules/private:app_metadata.bzl", _app_metadata = "app_metadata")
load("//rules/private:argocd_applications.bzl", _argocd_applications = "argocd_applications")
load("//rules/private:chart_validate_test.bzl", _chart_validate_test = "chart_validate_test")
load("//rules/private:helm_chart.bzl", _helm_chart = "helm_chart")
load("//rules/private:helm_environment.bzl", _helm_environment = "helm_environment")
load(
    "//rules/private:helm_package.bzl",
    _checked_in_charts = "checked_in_charts",
    _helm_charts_test = "helm_charts_test",
    _helm_charts_update = "helm_charts_update",
    _helm_package = "helm_package",
    _helm_package_test = "helm_package_test",
    _helm_push = "helm_push",
    _helm_rendered = "helm_rendered",
    _helm_repo_index = "helm_repo_index",
)
load("//rules/private:helm_subchart.bzl", _helm_subchart = "helm_subchart")
load("//rules/private:helm_toolchain.bzl", _helm_toolchain = "helm_toolchain")
load("//rules/private:release_app.bzl", _release_app = "release_app")
load("//rules/private:values_overlay.bzl", _values_overlay = "values_overlay")

AppInfo = _AppInfo
EnvironmentInfo = _EnvironmentInfo
HelmChartInfo = _HelmChartInfo
HelmPackageInfo = _HelmPackageInfo
HelmSubchartInfo = _HelmSubchartInfo
HelmToolchainInfo = _HelmToolchainInfo
app_metadata = _app_metadata
argocd_applications = _argocd_applications
chart_validate_test = _chart_validate_test
checked_in_charts = _checked_in_charts
helm_chart = _helm_chart
helm_charts_test = _helm_charts_test
helm_charts_update = _helm_charts_update
helm_environment = _helm_environment
helm_package = _helm_package
helm_package_test = _helm_package_test
helm_push = _helm_push
helm_rendered = _helm_rendered
helm_repo_index = _helm_repo_index
helm_subchart = _helm_subchart
helm_toolchain = _helm_toolchain
release_app = _release_app
values_overlay = _values_overlay
