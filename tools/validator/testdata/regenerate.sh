#!/usr/bin/env bash
# Rebuilds the broken charts from the composer's golden sample chart, each with one kind of
# damage the validator must catch. Run after regenerating the golden files.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
golden="$here/../../../../tools/helm/testdata/golden/sample"

fresh_copy() {
  rm -rf "${here:?}/$1"
  cp -r "$golden" "$here/$1"
}

# Kubernetes schema damage: an unknown field, a wrong type, a hard-coded namespace.
fresh_copy broken_schema
sed -i 's/^  revisionHistoryLimit: 5$/  revisionHistoryLimit: 5\n  bogusField: true/' \
  "$here/broken_schema/templates/processor-deployment.yaml"
sed -i 's/^      port: {{ $app.service.port }}$/      port: "eighty"/' \
  "$here/broken_schema/templates/status-api-service.yaml"
sed -i 's/^  name: {{ include "sample.fullname" (list $ "status-api") }}$/&\n  namespace: production/' \
  "$here/broken_schema/templates/status-api-service.yaml"

# Helm lint damage: a chart version that is not SemVer.
fresh_copy broken_lint
sed -i 's/^version: "1.2.3"$/version: "one"/' "$here/broken_lint/Chart.yaml"

# CRD schema damage (KEDA, Prometheus operator): a wrong type and a malformed duration.
fresh_copy broken_crd
sed -i 's/^  minReplicaCount: {{ $app.keda.minReplicaCount }}$/  minReplicaCount: "zero"/' \
  "$here/broken_crd/templates/processor-scaledobject.yaml"
sed -i 's/^      interval: {{ $app.metrics.interval | quote }}$/      interval: "15 seconds"/' \
  "$here/broken_crd/templates/status-api-servicemonitor.yaml"
