#!/usr/bin/env bash
# Prints a directory to put in front of PATH so that chart_release's cargo tests find Debian's
# docker-registry and htpasswd on a host without them: the ones tools/bazel installed in its
# sid root, run with that root's dynamic loader and libraries (the host's glibc may be older
# than sid's, and htpasswd needs libapr, which the host may not have). Nothing is installed on
# the host; the directory holds two small scripts and lives outside the checkout.
#
#   PATH="$(tools/chart_release/sid_programs.sh):$PATH" HELM_C_LIBRARY=... cargo test -p chart_release
#   PATH="$(tools/chart_release/sid_programs.sh):$PATH" tools/mutants/run.sh -p chart_release
#
# Under Bazel the tests run inside the root, where the programs are installed: this is for cargo.
set -euo pipefail
cache="${HELM_COMPOSER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/helm-composer}"
root="$cache/sid-root"
programs=(docker-registry htpasswd)
for program in "${programs[@]}"; do
  if [[ ! -x "$root/usr/bin/$program" ]]; then
    echo "$root/usr/bin/$program is missing: run tools/bazel once to provision the sid root" >&2
    exit 1
  fi
done
dir="${TMPDIR:-/tmp}/helm-composer-sid-programs-$(id -u)"
mkdir -p "$dir"
for program in "${programs[@]}"; do
  # exec: the test's child process is the program itself, so killing it stops the registry.
  printf '#!/bin/sh\nexec %q --library-path %q %q "$@"\n' \
    "$root/usr/lib64/ld-linux-x86-64.so.2" "$root/usr/lib/x86_64-linux-gnu" "$root/usr/bin/$program" \
    >"$dir/$program.partial"
  chmod +x "$dir/$program.partial"
  mv "$dir/$program.partial" "$dir/$program"
done
echo "$dir"
