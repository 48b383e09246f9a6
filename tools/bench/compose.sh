#!/usr/bin/env bash
# Benchmark: wall time of the composer (one `composer generate`, the work of one Bazel
# action) for the manman chart and for a generated chart of N apps, and of the chart
# validator (real helm lint --strict + render + Kubernetes schema check, and the CRD check
# of the generated workers' ScaledObjects and ServiceMonitors, on Node.js) on both.
#
#   tools/bazel run -c opt //tools/bench:compose -- [N_APPS] [RUNS]   (defaults: 200, 10)
#
# Prints the minimum and median of RUNS runs of each. Inputs come from runfiles (see
# BUILD.bazel), so it runs where Bazel runs.
set -euo pipefail
# Runfiles paths are relative to the runfiles root; `bazel run` starts in <root>/_main.
runfiles="${RUNFILES_DIR:-$PWD/..}"
composer="$runfiles/$1" validator="$runfiles/$2" templates_marker="$runfiles/$3"
helm_library="$runfiles/$4" schemas_marker="$runfiles/$5"
node="$runfiles/$6" crd_script="$runfiles/$7" keda_manifest="$runfiles/$8"
shift 8
manman=()
while [[ $# -gt 0 && "$1" == *.json ]]; do
  manman+=("$runfiles/$1")
  shift
done
apps="${1:-200}"
runs="${2:-10}"
templates="$(dirname "$templates_marker")"
schemas="$(dirname "$schemas_marker")"
crd_models="$(dirname "$(dirname "$(dirname "$keda_manifest")")")"  # node_modules

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# N apps cycling through the four types, as app_metadata would write them; workers are
# scaled by KEDA and serve metrics.
mkdir -p "$work/apps"
types=(external-api internal-api worker job)
for i in $(seq 1 "$apps"); do
  type="${types[$(( i % 4 ))]}"
  extra=""
  case "$type" in
    external-api) extra=", \"port\": 8080, \"ingress\": {\"host\": \"app$i.example.com\"}" ;;
    internal-api) extra=", \"port\": 8080" ;;
    worker) extra=", \"health\": {\"port\": 8081}, \"metrics\": {\"port\": 9090}, \"keda\": {\"enabled\": true, \"triggers\": [{\"type\": \"rabbitmq\", \"metadata\": {\"queueName\": \"q$i\", \"mode\": \"QueueLength\", \"value\": \"20\", \"hostFromEnv\": \"AMQP_URL\"}}]}" ;;
  esac
  printf '{"name": "app-%d", "target": "//bench:app_%d_metadata", "app_type": "%s", "image": {"repository": "ghcr.io/example/app-%d", "tag": "1.0.%d"}, "env": {"INDEX": "%d"}%s}\n' \
    "$i" "$i" "$type" "$i" "$i" "$i" "$extra" >"$work/apps/app-$i.json"
done

# time_runs LABEL COMMAND...: prints min and median wall time over $runs runs.
time_runs() {
  local label="$1" times=() start end
  shift
  for _ in $(seq 1 "$runs"); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "$label: failed: $*" >&2; return 1; }
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  IFS=$'\n' sorted=($(sort -n <<<"${times[*]}")); unset IFS
  printf '%-44s min %5d ms   median %5d ms   (%d runs)\n' "$label" "${sorted[0]}" "${sorted[$(( runs / 2 ))]}" "$runs"
}

compose() { # compose OUTPUT METADATA...
  local out="$1"
  shift
  "$composer" generate --name bench --templates "$templates" --output "$out" \
    $(printf -- '--metadata %s ' "$@")
}
validate() {
  "$validator" --chart "$1" --schemas "$schemas" --kube-version 1.34.0 --helm-library "$helm_library" \
    --node "$node" --crd-script "$crd_script" --crd-models "$crd_models"
}

echo "composer and validator, ${#manman[@]}-app manman chart and ${apps}-app generated chart"
time_runs "compose manman (${#manman[@]} apps)" compose "$work/manman" "${manman[@]}"
time_runs "compose generated (${apps} apps)" compose "$work/many" "$work"/apps/*.json
time_runs "validate manman" validate "$work/manman"
time_runs "validate generated (${apps} apps)" validate "$work/many"
echo "generated chart: $(find "$work/many" -type f | wc -l) files, $(du -sk "$work/many" | cut -f1) KiB"
