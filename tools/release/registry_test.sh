#!/usr/bin/env bash
# What a team sees once helm_composer is published: releases this checkout's committed HEAD
# into a local file registry (module_release.sh), copies examples/consumer without its
# local_path_override, so its MODULE.bazel holds bazel_dep only, and tests it resolving
# helm_composer through --registry=file://... . Run by .ci/run; it starts a Bazel server for
# the copy (its own output base: the first run compiles the composer, minutes). Arguments are
# passed to `bazel test`.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd -P)"
release="$repo/.release-test"                       # ignored by git and by Bazel
consumer="$repo/examples/consumer-from-registry"    # same depth as examples/consumer
rm -rf "$release"
"$repo/tools/release/module_release.sh" "$release" >/dev/null

rm -rf "$consumer"
mkdir -p "$consumer"
cp "$repo/examples/consumer/BUILD.bazel" "$repo/examples/consumer/.bazelrc" "$consumer/"
[[ -f "$repo/examples/consumer/user.bazelrc" ]] && cp "$repo/examples/consumer/user.bazelrc" "$consumer/"
# Drop the local_path_override(...) call: helm_composer must come from the registry.
awk '/^local_path_override\(/ {skip = 1} !skip {print} skip && /^\)/ {skip = 0}' \
  "$repo/examples/consumer/MODULE.bazel" >"$consumer/MODULE.bazel"
if grep -q override "$consumer/MODULE.bazel"; then
  echo "FAIL: $consumer/MODULE.bazel still overrides a module" >&2
  exit 1
fi
# What a team writes is module() and bazel_dep() lines only: anything else (a Rust toolchain,
# an extension) would be a line the README does not show.
extra="$(awk '/^"""/ {if (!/^""".*"""/) doc = !doc; next} !doc' "$consumer/MODULE.bazel" | grep -vE '^(#|$|module\(|bazel_dep\()' || true)"
if [[ -n "$extra" ]]; then
  printf 'FAIL: examples/consumer/MODULE.bazel holds more than module() and bazel_dep():\n%s\n' "$extra" >&2
  exit 1
fi

cd "$consumer"
start=$(date +%s)
../../tools/bazel test --registry="file://$release/registry" "$@" //... :chart.package :chart.rendered
../../tools/bazel shutdown
echo "consumer from the local registry: tested in $(($(date +%s) - start))s"
