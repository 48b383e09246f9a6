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
        "environments": "list of Files: the environment JSON of each `helm_environment`, in the chart's order.",
        "apps": "list of AppInfo: the chart's own apps (`apps`), which a chart naming it in `peer_charts` reads.",
        "namespace": "The chart's `namespace` (empty when unset): the namespace of an environment that names none.",
        "release_name": "The release name the chart is installed under in every environment (its `release_name`, else its chart name); charts calling its apps address them by it.",
    },
)

HelmSubchartInfo = provider(
    doc = "A chart an umbrella `helm_chart` takes as a subchart, with the name and version it gives it (`helm_subchart`).",
    fields = {
        "alias": "Name the umbrella gives the subchart (its values key), or empty for the chart's own name.",
        "chart": "File: a chart directory (tree artifact) or a chart archive (.tgz).",
        "version": "Version the umbrella pins (the chart must have exactly it), or empty.",
    },
)

HelmToolchainInfo = provider(
    doc = "How to run Helm: its Go SDK as a shared library, or a helm binary.",
    fields = {
        "helm_binary": "File or None: a `helm` executable.",
        "helm_library": "File or None: `libhelm_c.so` (Helm's Go SDK behind a C ABI).",
        "helm3_binary": "File or None: a Helm 3 `helm` executable `.validate` also runs and compares.",
    },
)

EnvironmentInfo = provider(
    doc = "One logical environment described by a `helm_environment` target.",
    fields = {
        "environment": "File: the environment JSON the composer reads.",
        "kubernetes_version": "Kubernetes version (MAJOR.MINOR) of the environment's cluster, or empty.",
        "name": "Environment name.",
    },
)

HelmPackageInfo = provider(
    doc = "A chart package made by `helm_package` (`<chart>.package`).",
    fields = {
        "chart_name": "Name in Chart.yaml (empty for a chart given as source files).",
        "chart_version": "Version the package has unless a stamped build overrides it.",
        "directory": "File: a tree artifact holding `<name>-<version>.tgz` and, when signed at build time, its `.prov`.",
        "key": "The signing identity (`sign`), or empty.",
        "sign": "Whether the package must be pushed with a provenance file.",
        "signed": "Whether the `.prov` is already in `directory` (signed at build time).",
    },
)
