#!/usr/bin/env bash
# Prints the path of libhelm_c.so (Helm's Go SDK behind a C ABI) for `cargo test`, fetching
# it once into the machine's cache: the same pinned wheel MODULE.bazel fetches for Bazel.
#   HELM_C_LIBRARY=$(tools/helm_sdk/library.sh) cargo test --workspace
set -euo pipefail
version=0.2.2
sha256=28cc13abaf134c3a7e37f070c939be8d9cdc9825c3c8b8b2d35161073bcd4578
cache="${HELM_COMPOSER_CACHE:-$HOME/.cache/helm-composer}/helm_sdk"
library="$cache/libhelm_c.so"
if [[ ! -f "$library" ]]; then
  mkdir -p "$cache"
  wheels="$(mktemp -d)"
  trap 'rm -rf "$wheels"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$wheels" \
    "helm-python-sdk==$version" >&2
  wheel=("$wheels"/*.whl)
  echo "$sha256  ${wheel[0]}" | sha256sum --check --quiet >&2
  python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("helm_python/lib/libhelm_c.so"))' \
    "${wheel[0]}" >"$library.partial"
  mv "$library.partial" "$library"
fi
echo "$library"
