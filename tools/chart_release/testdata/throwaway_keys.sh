#!/usr/bin/env bash
# Writes a throwaway GnuPG secret and public keyring (legacy keyring files, as Helm reads
# them) for the build-time signing test: generated at build time, never committed.
#   throwaway_keys.sh SECRET_OUT PUBLIC_OUT
set -euo pipefail
# Under /tmp: gpg-agent's socket lives in GNUPGHOME, and Bazel's long paths overflow it.
home="$(mktemp -d /tmp/gnupg-XXXXXX)"
trap 'GNUPGHOME="$home" gpgconf --kill gpg-agent >/dev/null 2>&1 || true; rm -rf "$home"' EXIT
export GNUPGHOME="$home"
identity="Throwaway Test Key <throwaway@example.com>"
quiet=(--batch --pinentry-mode loopback --passphrase '')
gpg "${quiet[@]}" --quiet --quick-gen-key "$identity" rsa2048 sign never 2>/dev/null
gpg "${quiet[@]}" --export-secret-keys "$identity" >"$1"
gpg --batch --export "$identity" >"$2"
