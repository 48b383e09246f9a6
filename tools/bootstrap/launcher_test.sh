#!/usr/bin/env bash
# The launcher's choice of directory: Bazel runs where the caller stands when that lies
# inside the workspace (a package directory, a nested module such as examples/consumer),
# else at the workspace root. The launcher is sourced for its functions only, so this test
# starts no Bazel; .ci/run builds `:chart` from demo/philotes/ through the real launcher.
set -euo pipefail

launcher="$1"
# shellcheck source=/dev/null
source "$launcher"

failures=0
expect() {
  local caller="$1" workspace="$2" want="$3" got
  got="$(bazel_working_dir "$caller" "$workspace")"
  if [[ "$got" != "$want" ]]; then
    echo "FAIL: caller $caller, workspace $workspace: runs in $got, expected $want" >&2
    failures=$((failures + 1))
  fi
}

expect /src/repo /src/repo /src/repo
expect /src/repo/demo/philotes /src/repo /src/repo/demo/philotes
expect /src/repo/examples/consumer /src/repo /src/repo/examples/consumer
# Outside the workspace, and a sibling whose name merely starts with the workspace's.
expect /tmp /src/repo /src/repo
expect /src/repo-other/demo /src/repo /src/repo
expect /src /src/repo /src/repo

# Sourcing defines functions and runs nothing: no Bazel started, no variable of the launcher.
[[ -z "${workspace:-}" ]] || { echo "FAIL: sourcing the launcher ran its body" >&2; failures=$((failures + 1)); }

if ((failures > 0)); then
  exit 1
fi
echo "launcher working directory: all cases pass"
