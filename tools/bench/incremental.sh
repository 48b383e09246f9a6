#!/usr/bin/env bash
# Incrementality: changing one app's metadata re-runs only the compose and validate actions
# of the charts that contain it. Builds and tests //demo/... once, changes one attribute of
# one app (a temporary edit of its BUILD file, always reverted), builds and tests again with
# Bazel's execution log, and checks which HelmCompose and test actions ran against the
# charts and tests that depend on the app (bazel query rdeps). Exits non-zero if any other
# chart recomposed or any unrelated test ran.
#
#   tools/bench/incremental.sh [APP_METADATA_LABEL BUILD_FILE OLD_TEXT NEW_TEXT]
#   (default: //demo/hello_worker:hello_worker_metadata, replicas 2 -> 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
app="${1:-//demo/hello_worker:hello_worker_metadata}"
build_file="${2:-demo/hello_worker/BUILD.bazel}"
old_text="${3:-    replicas = 2,}"
new_text="${4:-    replicas = 3,}"
universe=//demo/...

grep -qxF -- "$old_text" "$build_file" || { echo "no line '$old_text' in $build_file" >&2; exit 1; }
# The execution log must be at the same path for Bazel and for this script: the launcher
# runs Bazel in a chroot where only the workspace and $HELM_COMPOSER_CACHE/bazel are mounted.
cache_root="${HELM_COMPOSER_CACHE:-$HOME/.cache/helm-composer}/bazel"
[[ -d "$cache_root" ]] || cache_root="${TMPDIR:-/tmp}"
scratch="$(mktemp -d "$cache_root/bench-incremental.XXXXXX")"
backup="$scratch/$(basename "$build_file").orig"
cp -p "$build_file" "$backup"
restore() {
  # Put the file back byte for byte (and its time stamp), whatever happened.
  cp -p "$backup" "$build_file"
  rm -rf "$scratch"
}
trap restore EXIT

bazel() { nice -n 10 tools/bazel "$@"; }

echo "1. build and test $universe (baseline)"
start=$(date +%s%N)
bazel test --keep_going "$universe" >"$scratch/baseline.log" 2>&1 || echo "   (some tests failed at baseline; see below)"
echo "   $(( ($(date +%s%N) - start) / 1000000 )) ms; $(grep -E '^INFO: [0-9]+ processes' "$scratch/baseline.log" || true)"

# cquery, not query: query's rdeps loads every test's coverage tools, which an offline
# machine cannot fetch. Labels only, without their configuration.
labels() {
  bazel cquery "$1" --output=starlark --starlark:expr='str(target.label)' 2>"$scratch/cquery.err" \
    | sed -E 's/^@@?\/\//\/\//' | sort -u \
    || { cat "$scratch/cquery.err" >&2; return 1; }
}
charts_all="$(labels "kind(_helm_chart, $universe)")"
charts_expected="$(labels "kind(_helm_chart, rdeps($universe, $app))")"
tests_all="$(labels "tests($universe)")"
tests_allowed="$(labels "tests(rdeps($universe, $app))")"
echo "   $(wc -l <<<"$charts_all") charts and $(wc -l <<<"$tests_all") tests in $universe;" \
  "$app is in $(wc -l <<<"$charts_expected") charts, $(wc -l <<<"$tests_allowed") tests depend on it"

echo "2. change one attribute of $app: '${old_text// /}' -> '${new_text// /}' in $build_file (reverted on exit)"
python3 - "$build_file" "$old_text" "$new_text" <<'PY'
import sys
path, old, new = sys.argv[1:]
lines = open(path).read().split("\n")
assert lines.count(old) == 1, f"expected exactly one line {old!r}"
open(path, "w").write("\n".join(new if line == old else line for line in lines))
PY

echo "3. build and test $universe again, with the execution log"
start=$(date +%s%N)
status=0
bazel test --keep_going --execution_log_json_file="$scratch/exec.json" "$universe" >"$scratch/rebuild.log" 2>&1 || status=$?
echo "   $(( ($(date +%s%N) - start) / 1000000 )) ms; $(grep -E '^INFO: [0-9]+ processes' "$scratch/rebuild.log" || true)"
[[ $status == 0 ]] || echo "   (bazel exit $status: a test failed with the changed value, which is expected for golden tests)"

printf '%s\n' "$charts_expected" >"$scratch/charts_expected"
printf '%s\n' "$tests_allowed" >"$scratch/tests_allowed"
python3 - "$scratch/exec.json" "$scratch/charts_expected" "$scratch/tests_allowed" <<'PY'
import collections, json, sys
text = open(sys.argv[1]).read()
decoder, pos, spawns = json.JSONDecoder(), 0, []
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    spawn, pos = decoder.raw_decode(text, pos)
    spawns.append(spawn)
ran = [s for s in spawns if not s.get("cacheHit") and not s.get("remoteCacheHit")]
expected = {l for l in open(sys.argv[2]).read().split() if l}
allowed = {l for l in open(sys.argv[3]).read().split() if l}
by_mnemonic = collections.Counter(s.get("mnemonic", "?") for s in ran)
print("4. actions that ran: " + ", ".join(f"{n} {m}" for m, n in sorted(by_mnemonic.items())))
composed = sorted({s.get("targetLabel") for s in ran if s.get("mnemonic") == "HelmCompose"})
tested = sorted({s.get("targetLabel") for s in ran if s.get("mnemonic") == "TestRunner"})
print(f"   recomposed ({len(composed)}): " + " ".join(composed))
print(f"   tests run ({len(tested)}): " + " ".join(tested))
ok = True
if set(composed) != expected:
    ok = False
    print(f"   FAIL: expected exactly the charts containing the app: {sorted(expected)}")
stray = sorted(set(tested) - allowed)
if stray:
    ok = False
    print(f"   FAIL: tests that do not depend on the app ran: {stray}")
print("   PASS: only the charts containing the app recomposed, only their dependent tests ran" if ok else "   FAIL")
sys.exit(0 if ok else 1)
PY
