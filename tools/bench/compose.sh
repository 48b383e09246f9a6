#!/usr/bin/env bash
# Benchmark: wall time of the composer (one `composer generate`, the work of one Bazel
# action) and of the chart validator (real helm lint --strict + render + Kubernetes schema
# check, and the CRD check of the generated workers' ScaledObjects and ServiceMonitors, on
# Node.js), first on the manman demo chart, then on generated charts of 5, 200 and 1,000 apps
# (SIZES overrides), where the real Helm's in-process load and render of the same chart
# (helm_render.rs, through //tools/helm_sdk) is timed too: all whole processes, with the ratio
# composer/Helm and each one's peak memory.
#
#   tools/bazel run -c opt //tools/bench:compose -- [RUNS] [SIZES]
#   (defaults: 10, "5 200 1000")
#
# Prints the minimum and median of RUNS runs of each. Inputs come from runfiles (see
# BUILD.bazel), so it runs where Bazel runs.
set -euo pipefail
# Runfiles paths are relative to the runfiles root; `bazel run` starts in <root>/_main.
runfiles="${RUNFILES_DIR:-$PWD/..}"
composer="$runfiles/$1" validator="$runfiles/$2" templates_marker="$runfiles/$3"
helm_library="$runfiles/$4" schemas_marker="$runfiles/$5"
node="$runfiles/$6" crd_script="$runfiles/$7" keda_manifest="$runfiles/$8"
helm_render="$runfiles/$9"
shift 9
manman=()
while [[ $# -gt 0 && "$1" == *.json ]]; do
  manman+=("$runfiles/$1")
  shift
done
runs="${1:-10}"
sizes="${2:-5 200 1000}"
templates="$(dirname "$templates_marker")"
schemas="$(dirname "$schemas_marker")"
crd_models="$(dirname "$(dirname "$(dirname "$keda_manifest")")")"  # node_modules

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# generate_apps DIR N: N apps cycling through the four types, as app_metadata would write
# them; workers are scaled by KEDA and serve metrics.
generate_apps() {
  local dir="$1" count="$2" i type extra
  local types=(external-api internal-api worker job)
  mkdir -p "$dir"
  for i in $(seq 1 "$count"); do
    type="${types[$(( i % 4 ))]}"
    extra=""
    case "$type" in
      external-api) extra=", \"port\": 8080, \"ingress\": {\"host\": \"app$i.example.com\"}" ;;
      internal-api) extra=", \"port\": 8080" ;;
      worker) extra=", \"health\": {\"port\": 8081}, \"metrics\": {\"port\": 9090}, \"keda\": {\"enabled\": true, \"triggers\": [{\"type\": \"rabbitmq\", \"metadata\": {\"queueName\": \"q$i\", \"mode\": \"QueueLength\", \"value\": \"20\", \"hostFromEnv\": \"AMQP_URL\"}}]}" ;;
    esac
    printf '{"name": "app-%d", "target": "//bench:app_%d_metadata", "app_type": "%s", "image": {"repository": "ghcr.io/example/app-%d", "tag": "1.0.%d"}, "env": {"INDEX": "%d"}%s}\n' \
      "$i" "$i" "$type" "$i" "$i" "$i" "$extra" >"$dir/app-$i.json"
  done
}

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
  last_min="${sorted[0]}" last_median="${sorted[$(( runs / 2 ))]}"
  printf '%-44s min %5d ms   median %5d ms   (%d runs)\n' "$label" "${sorted[0]}" "${sorted[$(( runs / 2 ))]}" "$runs"
}

composer_cmd=("$composer" generate --name bench --templates "$templates")
validator_cmd=("$validator" --schemas "$schemas" --kube-version 1.34.0 --helm-library "$helm_library"
  --node "$node" --crd-script "$crd_script" --crd-models "$crd_models")
compose() { # compose OUTPUT METADATA...
  local out="$1"
  shift
  "${composer_cmd[@]}" --output "$out" $(printf -- '--metadata %s ' "$@")
}
helm_render_chart() {
  "$helm_render" "$helm_library" "$1"
}
# peak_rss_mib COMMAND...: the peak resident memory of one run of COMMAND, in MiB.
peak_rss_mib() {
  if command -v python3 >/dev/null; then
    python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print("%.1f" % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))' "$@"
  elif [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f\n", $1 / 1024}'
  else
    echo "n/a"
  fi
}
validate() {
  "${validator_cmd[@]}" --chart "$1"
}

echo "5-app manman chart (demo/manman)"
time_runs "compose manman (${#manman[@]} apps)" compose "$work/manman" "${manman[@]}"
time_runs "validate manman" validate "$work/manman"

echo
echo "generated charts: the composer, the real Helm's in-process render of the chart it wrote,"
echo "and the chart validator, each timed as a whole process"
for size in $sizes; do
  echo
  generate_apps "$work/apps-$size" "$size"
  if ! compose "$work/chart-$size" "$work/apps-$size"/*.json >"$work/compose-$size.log" 2>&1; then
    # For example the composer's own 5 MiB guard on a chart file (Helm refuses larger ones).
    printf '%-44s composer fails: %s\n' "compose generated (${size} apps)" "$(tail -1 "$work/compose-$size.log")"
    continue
  fi
  echo "${size}-app chart: $(find "$work/chart-$size" -type f | wc -l) files, $(du -sk "$work/chart-$size" | cut -f1) KiB"
  time_runs "compose generated (${size} apps)" compose "$work/chart-$size" "$work/apps-$size"/*.json
  composer_min="$last_min" composer_median="$last_median"
  time_runs "helm render generated (${size} apps)" helm_render_chart "$work/chart-$size"
  helm_min="$last_min" helm_median="$last_median"
  time_runs "validate generated (${size} apps)" validate "$work/chart-$size"
  awk -v size="$size" -v cmin="$composer_min" -v cmed="$composer_median" -v hmin="$helm_min" -v hmed="$helm_median" \
    'BEGIN { printf "%-44s min %6.3f      median %6.3f\n", "ratio composer/Helm (" size " apps)", cmin / (hmin ? hmin : 1), cmed / (hmed ? hmed : 1) }'
  printf '%-44s composer %s MiB, Helm render %s MiB, validator %s MiB\n' "peak memory (${size} apps)" \
    "$(peak_rss_mib "${composer_cmd[@]}" --output "$work/chart-$size" \
        $(printf -- '--metadata %s ' "$work/apps-$size"/*.json))" \
    "$(peak_rss_mib "$helm_render" "$helm_library" "$work/chart-$size")" \
    "$(peak_rss_mib "${validator_cmd[@]}" --chart "$work/chart-$size")"
done
