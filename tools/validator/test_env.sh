#!/usr/bin/env bash
# Prints `export` lines naming what the validator's end-to-end test needs, from this
# workspace's Bazel output base (build any chart's .validate once first), so that cargo runs
# it too:   eval "$(tools/validator/test_env.sh)"; cargo test -p chart_validator
set -euo pipefail
top="$(cd "$(dirname "$0")/../.." && pwd)"
execroot="$(readlink -f "$top/bazel-$(basename "$top")" 2>/dev/null || true)"
external="${execroot%/execroot/*}/external"
[[ -d "$external" ]] || { echo "no Bazel output base for $top: run tools/bazel test //demo:chart.validate first" >&2; exit 1; }
one() { compgen -G "$1" | head -n 1 || true; }
cat <<VARS
export HELM3='$(one "$external/*~helm3/helm/helm")'
export HELM_C_LIBRARY='$(one "$external/*~helm_sdk/helm_python/lib/libhelm_c.so")'
export KUBERNETES_SCHEMAS='$(one "$external/*~kubernetes_schemas/kubernetes_validate/kubernetes-json-schema/v1.34.0-local-strict/_definitions.json")'
export CRD_MODELS='$(one "$external/*~crd_models/node_modules/@kubernetes-models/keda/package.json")'
export NODE='$(one "$external/*~nodejs/bin/node")'
export CRD_SCRIPT='$top/tools/validator/crd_validate.mjs'
export GOLDEN_CHART='$top/tools/helm/testdata/golden/sample/Chart.yaml'
VARS
