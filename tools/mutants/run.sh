#!/usr/bin/env bash
# cargo-mutants over one crate (or some of its files) the way docs/mutation-report.md was
# measured: installs cargo-mutants 27 once into a cache outside the checkout, runs one mutant
# at a time (-j 1) in cargo-mutants' scratch copy of the tree (never --in-place), builds
# incrementally and without debug info into a
# target directory outside the checkout and deletes it afterwards, writes mutants.out outside
# the checkout too.
#
#   tools/mutants/run.sh -p strict_json
#   tools/mutants/run.sh -p chart_migrate --shard 1/3
#   tools/mutants/run.sh -p chart_migrate -f tools/chart_migrate/src/import/batch.rs \
#     --bazel-test //tools/chart_migrate:import_test
#
# Every argument goes to `cargo mutants` except `--bazel-test LABEL` (repeatable): then a
# mutant the cargo tests miss is also tested with those Bazel tests, built from the same mutated
# copy (tools/mutants/cargo_then_bazel.sh), and counts as caught when one of them fails.
#
# Environment: MUTANTS_WORK (default $TMPDIR/<checkout>-mutants) holds the target directory,
# mutants.out and the Bazel copy; MUTANTS_KEEP_TARGET=1 keeps the target directory for the
# next run (shards of one crate share their third-party builds); MUTANTS_TIMEOUT is the test
# timeout in seconds unless --timeout is given (default 300: the slowest crates' tests take
# about a minute on a loaded 2-core machine); MUTANTS_MEMORY_KIB caps each process's address
# space (default 8 GiB; not with --bazel-test).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd -P)"
work="${MUTANTS_WORK:-${TMPDIR:-/tmp}/$(basename "$repo")-mutants}"
root="${CARGO_MUTANTS_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/cargo-mutants}"
mutants="$root/bin/cargo-mutants"

install_cargo_mutants() {
  if [[ "$("$mutants" mutants --version 2>/dev/null)" == "cargo-mutants 27."* ]]; then
    return
  fi
  echo "installing cargo-mutants 27 into $root (a few minutes, once)" >&2
  local build
  build="$(mktemp -d)"
  CARGO_TARGET_DIR="$build" cargo install --locked --quiet cargo-mutants --version '^27' --root "$root"
  rm -rf "$build"
}

args=()
bazel_tests=()
while (( $# > 0 )); do
  case "$1" in
    --bazel-test) bazel_tests+=("$2"); shift 2 ;;
    --bazel-test=*) bazel_tests+=("${1#*=}"); shift ;;
    *) args+=("$1"); shift ;;
  esac
done

# Each mutant changes one file of one crate: incremental compilation rebuilds only what that
# file touches, and without debug info the test binaries link faster. Both stay inside the
# scratch target directory, which is deleted afterwards (MUTANTS_INCREMENTAL=0 turns it off).
export CARGO_INCREMENTAL="${MUTANTS_INCREMENTAL:-1}"
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-0}"
export CARGO_PROFILE_TEST_DEBUG="${CARGO_PROFILE_TEST_DEBUG:-0}"
# A mutant's failing tests print backtraces; symbolising them took over a minute once under
# load and turned a caught mutant into a timeout.
export RUST_BACKTRACE=0
install_cargo_mutants
mkdir -p "$work"
export CARGO_TARGET_DIR="$work/target"
[[ -n "${MUTANTS_KEEP_TARGET:-}" ]] || trap 'rm -rf "$CARGO_TARGET_DIR"' EXIT
HELM_C_LIBRARY="$("$repo/tools/helm_sdk/library.sh")"
export HELM_C_LIBRARY
if [[ " ${args[*]} " == *" chart_validator "* || " ${args[*]} " == *"-p=chart_validator "* ]]; then
  # The validator's end-to-end test reads the schemas Bazel fetched.
  eval "$("$repo/tools/validator/test_env.sh")"
fi
export MUTANTS_REAL_CARGO="${CARGO:-$(command -v cargo)}"
if (( ${#bazel_tests[@]} > 0 )); then
  # cargo-mutants runs "$CARGO test ..." in its scratch copy.
  export CARGO="$repo/tools/mutants/cargo_then_bazel.sh"
  export MUTANTS_BAZEL_TESTS="${bazel_tests[*]}"
  export MUTANTS_BAZEL_TREE="$work/bazel-tree"
  [[ ! -f "$repo/user.bazelrc" ]] || export MUTANTS_BAZELRC="$repo/user.bazelrc"
else
  export CARGO="$MUTANTS_REAL_CARGO"
fi
# A mutant can turn a loop into one that never ends while its output grows (chart_migrate's
# line_diff did, at 20-35 MB a second): cap each process's address space so that such a mutant
# fails on its own instead of taking the shared machine's memory before the timeout.
# Bazel's JVM reserves more address space than that, so --bazel-test runs go without the cap.
if (( ${#bazel_tests[@]} == 0 )); then
  ulimit -v "${MUTANTS_MEMORY_KIB:-8388608}"
fi
cd "$repo"
status=0
timeout=(--timeout "${MUTANTS_TIMEOUT:-300}")
[[ " ${args[*]} " != *" --timeout"* ]] || timeout=()
"$mutants" mutants -j 1 "${timeout[@]}" --output "$work" "${args[@]}" || status=$?
echo "mutants.out: $work/mutants.out" >&2
if (( ${#bazel_tests[@]} > 0 )) && [[ -x "$MUTANTS_BAZEL_TREE/tools/bazel" ]]; then
  # The copy's own launcher: the checkout's picks its workspace from its own path, so it would
  # stop the checkout's Bazel server and leave the copy's running. Without MUTANTS_KEEP_TARGET
  # the copy's output base (GBs, outside the copy) goes too.
  stop=(clean --expunge)
  [[ -z "${MUTANTS_KEEP_TARGET:-}" ]] || stop=(shutdown)
  (cd "$MUTANTS_BAZEL_TREE" && tools/bazel "${stop[@]}") || true
fi
exit "$status"
