#!/usr/bin/env bash
# Releases this Bazel module the way a registry serves it:
#
#   tools/release/module_release.sh OUT_DIR [URL_BASE]
#
# writes OUT_DIR/helm_composer-<version>.tar.gz (`git archive` of the committed HEAD, every
# file under helm_composer-<version>/) and a registry entry in the Bazel Central Registry's
# layout, OUT_DIR/registry/:
#   bazel_registry.json
#   modules/helm_composer/metadata.json
#   modules/helm_composer/<version>/MODULE.bazel    (the archive's own)
#   modules/helm_composer/<version>/source.json     (url, integrity, strip_prefix)
# URL_BASE is where the archive will be downloaded from (default: file://OUT_DIR, a local
# file registry). The version is MODULE.bazel's module(version = ...): bump it there, commit,
# run this, then submit the entry to a registry (for the BCR: a pull request adding
# modules/helm_composer/<version>/ and the version in metadata.json). An existing entry of the
# same version with another archive is refused: a released version never changes.
set -euo pipefail

die() { echo "module_release: $*" >&2; exit 1; }
(($# >= 1 && $# <= 2)) || die "usage: $0 OUT_DIR [URL_BASE]"
repo="$(cd "$(dirname "$0")/../.." && pwd -P)"
mkdir -p "$1"
out="$(cd "$1" && pwd -P)"
url_base="${2:-file://$out}"

git -C "$repo" diff --quiet HEAD -- MODULE.bazel ||
  die "MODULE.bazel has uncommitted changes: the archive holds the committed HEAD; commit first"
module="$(git -C "$repo" show HEAD:MODULE.bazel)"
name="$(sed -nE '/^module\(/,/^\)/s/^ *name = "([^"]+)",?$/\1/p' <<<"$module")"
version="$(sed -nE '/^module\(/,/^\)/s/^ *version = "([^"]+)",?$/\1/p' <<<"$module")"
[[ "$name" == helm_composer && -n "$version" ]] || die "no module(name = \"helm_composer\", version = ...) in MODULE.bazel"

prefix="$name-$version"
archive="$out/$prefix.tar.gz"
# gzip -n: no name or time in the header, so the same commit gives the same bytes.
git -C "$repo" archive --format=tar --prefix="$prefix/" HEAD | gzip -9 -n >"$archive.partial"
mv "$archive.partial" "$archive"
integrity="sha256-$(openssl dgst -sha256 -binary "$archive" | base64 -w0)"

entry="$out/registry/modules/$name/$version"
source_json="$(printf '{\n  "url": "%s/%s.tar.gz",\n  "integrity": "%s",\n  "strip_prefix": "%s"\n}\n' \
  "$url_base" "$prefix" "$integrity" "$prefix")"
if [[ -f "$entry/source.json" && "$(cat "$entry/source.json")" != "$source_json" ]]; then
  die "$entry/source.json exists with another archive: $version is released; bump the version in MODULE.bazel"
fi
mkdir -p "$entry"
printf '%s\n' "$module" >"$entry/MODULE.bazel"
printf '%s\n' "$source_json" >"$entry/source.json"
printf '{\n  "mirrors": [],\n  "module_base_path": ""\n}\n' >"$out/registry/bazel_registry.json"
# Every version with an entry, in version order.
versions="$(find "$out/registry/modules/$name" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -V |
  sed 's/.*/    "&"/' | paste -sd, - | sed 's/,/,\n/g')"
printf '{\n  "homepage": "",\n  "maintainers": [],\n  "versions": [\n%s\n  ],\n  "yanked_versions": {}\n}\n' \
  "$versions" >"$out/registry/modules/$name/metadata.json"
echo "$archive ($integrity)"
echo "$entry/{MODULE.bazel,source.json}"
