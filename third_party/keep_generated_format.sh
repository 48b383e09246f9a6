#!/usr/bin/env bash
# crates_vendor formats what cargo-bazel writes with buildifier, which is only released on
# GitHub (unreachable from the machines this project provisions): keep the files as rendered.
exit 0
