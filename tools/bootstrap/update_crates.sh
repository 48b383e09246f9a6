#!/usr/bin/env bash
# Regenerates third_party/crates/ (crate_universe's vendored BUILD files and crate repository
# definitions) from Cargo.lock and the Cargo.toml files, and records their digests in
# third_party/crates_inputs.sha256 for //third_party:crates_up_to_date_test.
#
#   tools/bootstrap/update_crates.sh
#
# Run it after changing Cargo.lock or any Cargo.toml, then commit third_party/. It needs
# crate_universe's generator, cargo-bazel:
#   - with the Bazel tools/bazel provisions, the launcher builds cargo-bazel once per machine
#     (about 10 minutes on 2 cores, kept in its cache) and passes it;
#   - with a Bazel on PATH, set CARGO_BAZEL_GENERATOR_PATH to a cargo-bazel binary matching
#     rules_rust 0.54.1 (for example from the rules_rust release).
set -euo pipefail

workspace="$(dirname "$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")")"
cd "$workspace"

# What cargo-bazel reads: Cargo.lock, the workspace's Cargo.toml and each member's (the same
# list as CARGO_INPUTS in third_party/BUILD.bazel; crates_up_to_date_test compares them).
members="$(sed -n 's/^members = \[\(.*\)\]/\1/p' Cargo.toml | tr -d '" ' | tr ',' ' ')"
inputs=(Cargo.lock Cargo.toml)
for member in $members; do inputs+=("$member/Cargo.toml"); done

# A crate added to the workspace since the last run is unknown to the generated defs.bzl, whose
# all_crate_deps() fails while Bazel loads that crate's BUILD file (which crates_vendor needs for
# its Cargo.toml), so cargo-bazel could never learn of it. While regenerating, and only then, an
# unknown package gets no dependencies; the regenerated defs.bzl replaces the patched one, and a
# failed run puts the original back.
defs=third_party/crates/defs.bzl
cp "$defs" "$defs.orig"
trap 'if [[ -f "$defs.orig" ]]; then mv "$defs.orig" "$defs"; fi' EXIT
sed -i 's/^\( *\)fail("Tried to get all_crate_deps for package .*$/\1return []/' "$defs"

if [[ -n "${CARGO_BAZEL_GENERATOR_PATH:-}" ]]; then
  tools/bazel run "--define=CARGO_BAZEL_GENERATOR_PATH=$CARGO_BAZEL_GENERATOR_PATH" //third_party:crates_vendor
else
  HELM_COMPOSER_CARGO_BAZEL=1 tools/bazel run //third_party:crates_vendor
fi
rm -f "$defs.orig"

# cargo-bazel may rewrite Cargo.lock: record the digests of what it left.
sha256sum "${inputs[@]}" >third_party/crates_inputs.sha256.partial
mv third_party/crates_inputs.sha256.partial third_party/crates_inputs.sha256
echo "third_party/crates/ regenerated; commit third_party/ (and Cargo.lock if it changed)" >&2
