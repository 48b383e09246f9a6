#!/usr/bin/env bash
# The rendered chart (defaults and every environment) runs exactly the image reference
# given, repository@digest, and names no other image.
set -euo pipefail

rendered="$1"
reference="$2"
checked=0
for manifests in "$rendered"/*.yaml; do
  images="$(grep -E '^ *image: ' "$manifests" | sed -E 's/^ *image: *//; s/^"//; s/"$//' | sort -u)"
  if [[ "$images" != "$reference" ]]; then
    printf 'FAIL: %s runs\n%s\ninstead of only %s\n' "$manifests" "$images" "$reference" >&2
    exit 1
  fi
  checked=$((checked + 1))
done
if ((checked < 2)); then
  echo "FAIL: expected the defaults and the prod environment rendered, found $checked file(s) in $rendered" >&2
  exit 1
fi
echo "$checked rendered files run $reference"
