#!/usr/bin/env bash
# crates/ is generated from Cargo.lock and the Cargo.toml files; crates_inputs.sha256 records
# their digests when it was generated. Any difference means crates/ is stale.
#   crates_up_to_date_test.sh RECORDED_DIGESTS INPUT...   (runfiles paths)
set -euo pipefail

runfiles="${RUNFILES_DIR:-$0.runfiles}"
recorded="$runfiles/$1"
shift

# A workspace member missing from CARGO_INPUTS would go unchecked (and crates_vendor would not
# read it): name it.
members="$(sed -n 's/^members = \[\(.*\)\]/\1/p' "$runfiles/_main/Cargo.toml" | tr -d '" ' | tr ',' ' ')"
for member in $members; do
  if [[ " $* " != *" _main/$member/Cargo.toml "* ]]; then
    echo "//$member:Cargo.toml is a Cargo workspace member but not in CARGO_INPUTS (third_party/BUILD.bazel)." >&2
    exit 1
  fi
done

actual=""
for input in "$@"; do
  path="${input#_main/}"
  actual+="$(sha256sum <"$runfiles/$input" | cut -d' ' -f1)  $path"$'\n'
done

if [[ "$(cat "$recorded")" != "${actual%$'\n'}" ]]; then
  echo "third_party/crates/ is stale: Cargo.lock or a Cargo.toml changed since it was generated." >&2
  echo "Run tools/bootstrap/update_crates.sh and commit third_party/." >&2
  diff <(cat "$recorded") <(printf '%s' "$actual") >&2 || true
  exit 1
fi
echo "third_party/crates/ matches Cargo.lock and every Cargo.toml"
