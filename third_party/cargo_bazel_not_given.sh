#!/usr/bin/env bash
# Stands in for crates_vendor's generator when none was given: explain how to run it.
echo "third_party:crates_vendor needs cargo-bazel: run tools/bootstrap/update_crates.sh (with a Bazel on PATH, set CARGO_BAZEL_GENERATOR_PATH first)" >&2
exit 1
