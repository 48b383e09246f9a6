"""Providers of the helm_composer rules."""

AppInfo = provider(
    doc = "One app described by an `app_metadata` target.",
    fields = {
        "app_name": "The app's name (DNS-1123 label).",
        "app_type": "Declared type, or empty when the composer infers it from the name.",
        "files": "depset of Files the composer reads (config files).",
        "metadata": "File: the app metadata JSON the composer reads.",
    },
)

HelmChartInfo = provider(
    doc = "A chart composed by `helm_chart`.",
    fields = {
        "chart": "File: the chart directory (a tree artifact).",
        "chart_name": "Name in Chart.yaml.",
        "chart_version": "Version in Chart.yaml.",
    },
)

HelmToolchainInfo = provider(
    doc = "How to run Helm: its Go SDK as a shared library, or a helm binary.",
    fields = {
        "helm_binary": "File or None: a `helm` executable.",
        "helm_library": "File or None: `libhelm_c.so` (Helm's Go SDK behind a C ABI).",
    },
)

EnvironmentInfo = provider(
    doc = "One logical environment described by a `helm_environment` target.",
    fields = {
        "environment": "File: the environment JSON the composer reads.",
        "name": "Environment name.",
    },
)
