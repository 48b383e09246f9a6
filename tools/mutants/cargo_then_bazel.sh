#!/usr/bin/env bash
# Stands in for cargo under cargo-mutants (tools/mutants/run.sh --bazel-test sets CARGO to
# it; cargo-mutants calls "$CARGO test ..." in its scratch copy of the tree, which holds the
# mutation). Every command goes to the real cargo; after a `cargo test` that passed, the Bazel
# tests in MUTANTS_BAZEL_TESTS run on the same tree, so a mutant that only a Bazel test catches
# is reported as caught, and the log of the mutant (mutants.out/log/) shows which test failed.
#
# Bazel runs in one stable copy, MUTANTS_BAZEL_TREE, refreshed from the scratch copy before
# each run: the scratch directory has a new name every run, and each new workspace path would
# cost Bazel a new output base (a full analysis and GBs of disk). The stable copy keeps one
# output base, so each mutant rebuilds only what depends on the mutated file.
set -euo pipefail
"${MUTANTS_REAL_CARGO:?}" "$@"
if [[ "${1:-}" != test || " $* " == *" --no-run "* || -z "${MUTANTS_BAZEL_TESTS:-}" ]]; then
  exit 0
fi
tree="${MUTANTS_BAZEL_TREE:?}"
mkdir -p "$tree"
find "$tree" -mindepth 1 -maxdepth 1 ! -name 'bazel-*' -exec rm -rf {} +
tar -C "$PWD" --exclude=./target --exclude='./bazel-*' --exclude=./mutants.out -cf - . | tar -C "$tree" -xf -
[[ -z "${MUTANTS_BAZELRC:-}" ]] || cp "$MUTANTS_BAZELRC" "$tree/user.bazelrc"
read -ra targets <<<"$MUTANTS_BAZEL_TESTS"
cd "$tree"
exec tools/bazel test --test_output=errors "${targets[@]}"
