#!/usr/bin/env bash
# `.push` of a sign = True package that was not signed at build time, with no secret keyring
# given at push time: it must stop before any network call (port 9 on loopback is never
# reached), exit 1 and say how to sign.
#   push_refuses_unsigned_test.sh PUSH_LAUNCHER
set -uo pipefail
unset HELM_SIGNING_KEYRING
output="$("$1" oci://127.0.0.1:9/charts --plain-http 2>&1)"
status=$?
expected="fixture-0.3.0.tgz must be signed (the package has sign = True) but it has no .prov and no secret keyring was given: set HELM_SIGNING_KEYRING"
if [[ $status -ne 1 || "$output" != *"$expected"* ]]; then
  printf 'expected exit 1 and:\n  %s\ngot exit %s and:\n  %s\n' "$expected" "$status" "$output"
  exit 1
fi
echo "refused as expected: $output"
