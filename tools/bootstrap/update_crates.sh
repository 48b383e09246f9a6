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

# Keep in step with CARGO_INPUTS in third_party/BUILD.bazel (the test compares both).
inputs=(Cargo.lock Cargo.toml tools/chart_migrate/Cargo.toml tools/chart_release/Cargo.toml
        tools/helm/Cargo.toml tools/helm_sdk/Cargo.toml tools/validator/Cargo.toml)

if [[ -n "${CARGO_BAZEL_GENERATOR_PATH:-}" ]]; then
  tools/bazel run "--define=CARGO_BAZEL_GENERATOR_PATH=$CARGO_BAZEL_GENERATOR_PATH" //third_party:crates_vendor
else
  HELM_COMPOSER_CARGO_BAZEL=1 tools/bazel run //third_party:crates_vendor
fi

# cargo-bazel may rewrite Cargo.lock: record the digests of what it left.
sha256sum "${inputs[@]}" >third_party/crates_inputs.sha256.partial
mv third_party/crates_inputs.sha256.partial third_party/crates_inputs.sha256
echo "third_party/crates/ regenerated; commit third_party/ (and Cargo.lock if it changed)" >&2
