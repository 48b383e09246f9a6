#!/usr/bin/env bash
# Every crate the workspace compiles must build with the minimum supported Rust (MSRV): the
# release rules_rust gives a module that configures no toolchain (rules/private/rust_version.bzl).
#   msrv_test.sh MSRV LISTING WORKSPACE_CARGO_TOML
# MSRV: for example 1.82.0. LISTING: runfiles paths of the crates' published Cargo.toml, one a
# line (//third_party:msrv_crates). WORKSPACE_CARGO_TOML: runfiles path of our Cargo.toml.
# A crate needs a newer Rust when its [package] rust-version is above the MSRV or its edition
# is 2024 (stable from Rust 1.85). A crate declaring neither is only checked by compiling it
# with the MSRV (cargo +1.82.0 build --workspace --tests).
set -euo pipefail

runfiles="${RUNFILES_DIR:-$0.runfiles}"
msrv="$1"
listing="$runfiles/$2"
workspace_toml="$runfiles/$3"

# "1.82" and "1.82.0" are the same release.
full_version() {
  local v="$1"
  while [[ "$(tr -cd . <<<"$v" | wc -c)" -lt 2 ]]; do v="$v.0"; done
  echo "$v"
}

# True when release $1 is newer than release $2.
newer_than() {
  local a b
  a="$(full_version "$1")"
  b="$(full_version "$2")"
  [[ "$a" != "$b" && "$(printf '%s\n%s\n' "$a" "$b" | sort -V | tail -n 1)" == "$a" ]]
}

# KEY of TABLE in a Cargo.toml (published manifests are normalized: `key = "value"` lines).
manifest_field() {
  local file="$1" table="$2" key="$3"
  awk -v table="[$table]" -v key="$key" '
    /^\[/ { in_table = ($0 == table) }
    in_table && $1 == key && $2 == "=" { gsub(/"/, "", $3); print $3; exit }
  ' "$file"
}

status=0
workspace_msrv="$(manifest_field "$workspace_toml" workspace.package rust-version)"
if [[ "$(full_version "${workspace_msrv:-none}")" != "$(full_version "$msrv")" ]]; then
  echo "Cargo.toml: [workspace.package] rust-version is \"${workspace_msrv:-missing}\", but the minimum supported Rust is $msrv (MINIMUM_RUST_VERSION in rules/private/rust_version.bzl): make them the same release." >&2
  status=1
fi

checked=0
while IFS= read -r manifest; do
  [[ -n "$manifest" ]] || continue
  file="$runfiles/$manifest"
  name="$(manifest_field "$file" package name)"
  version="$(manifest_field "$file" package version)"
  rust_version="$(manifest_field "$file" package rust-version)"
  edition="$(manifest_field "$file" package edition)"
  needs=""
  if [[ -n "$rust_version" ]] && newer_than "$rust_version" "$msrv"; then
    needs="rust-version $rust_version"
  elif [[ "$edition" == "2024" ]]; then
    needs="edition 2024 (Rust 1.85)"
  fi
  if [[ -n "$needs" ]]; then
    echo "crate $name $version needs a newer Rust than the minimum supported $msrv: its Cargo.toml declares $needs. Pick a release for $msrv (CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback cargo update -p $name@$version, cargo >= 1.84), then tools/bootstrap/update_crates.sh." >&2
    status=1
  fi
  checked=$((checked + 1))
done <"$listing"

if [[ $checked -eq 0 ]]; then
  echo "no crate manifest to check in $2: the aspect found none (rules_rust's attributes renamed?)" >&2
  exit 1
fi
if [[ $status -eq 0 ]]; then
  echo "$checked crates and the workspace build with Rust $msrv (by their rust-version and edition)"
fi
exit "$status"
