#!/usr/bin/env bash
# Instruction counts of the composer composing the generated charts of compose.sh (the same
# generator, read from compose.sh), under valgrind's callgrind: unlike wall time, they repeat
# on a loaded machine, so two composers (say, two commits) compare on them.
#
#   tools/bench/callgrind.sh COMPOSER TEMPLATES_DIR [SIZES]     (default SIZES: "200")
#
# COMPOSER is a `composer` binary (e.g. `cargo build --release -p helm_composer --bin composer`
# in a worktree of the commit, CARGO_TARGET_DIR outside the checkout), TEMPLATES_DIR that
# commit's tools/helm/templates. Prints, per size, the instructions of one `composer generate`
# (every thread's, as callgrind counts them). Needs valgrind (`apt-get install valgrind`).
set -euo pipefail
composer="$1" templates="$2" sizes="${3:-200}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# generate_apps DIR N, exactly as compose.sh defines it.
eval "$(sed -n '/^generate_apps() {/,/^}/p' "$here/compose.sh")"
for size in $sizes; do
  generate_apps "$work/apps-$size" "$size"
  valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
    "$composer" generate --name bench --templates "$templates" --output "$work/chart-$size" \
    $(printf -- '--metadata %s ' "$work/apps-$size"/*.json) 2>"$work/valgrind.log" >/dev/null ||
    { tail -5 "$work/valgrind.log" >&2; exit 1; }
  instructions="$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/valgrind.log")"
  printf 'compose generated (%s apps): %s instructions\n' "$size" "$instructions"
done
