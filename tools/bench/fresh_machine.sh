#!/usr/bin/env bash
# The README's first command on a fresh machine: from an empty provisioning cache (a new
# HELM_COMPOSER_CACHE, so no Debian root, no Bazel, no repository cache, no crates) and a
# fresh clone of the committed HEAD, runs `tools/bazel build //demo:chart` and prints each
# step's time: the Debian sid root, its packages, and the build (fetching and compiling), with
# Bazel's critical path and the machine's load.
#
#   tools/bench/fresh_machine.sh [TARGET]      (default //demo:chart; run as root, like the
#                                               launcher's provisioning)
#
# Downloads what a new machine downloads (Debian packages, crates, the Helm SDK), so it needs
# the package registries. Always shuts the new Bazel server down, ends the new mount
# namespace and deletes the cache and clone it made (KEEP_BENCH_DIRS=1 keeps them).
set -euo pipefail
cd "$(dirname "$0")/../.."
workspace="$PWD"
target="${1:-//demo:chart}"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/bench-fresh-machine.XXXXXX")"
export HELM_COMPOSER_CACHE="$scratch/cache" HELM_COMPOSER_FORCE_PROVISION=1
clone="$scratch/checkout"
cleanup() {
  set +e
  if [[ -x "$clone/tools/bazel" && -d "$HELM_COMPOSER_CACHE/sid-root" ]]; then
    (cd "$clone" && tools/bazel shutdown >/dev/null 2>&1)
  fi
  # The launcher's mount namespace is held by one sleeping process; with Bazel's server gone
  # it is the namespace's last process, and its mounts end with it.
  local holder
  holder="$(cat "$HELM_COMPOSER_CACHE/mount-namespace.pid" 2>/dev/null || true)"
  if [[ -n "$holder" && "$(cat "/proc/$holder/comm" 2>/dev/null)" == sleep ]]; then
    kill "$holder"
  fi
  if [[ "${KEEP_BENCH_DIRS:-}" == 1 ]]; then
    echo "kept $scratch"
  elif grep -q " $scratch/" /proc/mounts; then
    echo "not deleting $scratch: something is still mounted under it" >&2
  else
    rm -rf "$scratch"
  fi
}
trap cleanup EXIT

git clone -q "$workspace" "$clone"
echo "fresh clone of $(git -C "$clone" rev-parse --short HEAD), empty cache; load average $(cut -d' ' -f1-3 /proc/loadavg)"
log="$scratch/build.log"
start=$(date +%s)
(cd "$clone" && tools/bazel build "$target") >"$log" 2>&1 || {
  tail -20 "$log" >&2
  echo "tools/bazel build $target failed" >&2
  exit 1
}
total=$(( $(date +%s) - start ))

# The launcher prints "<step>: done in Ns" for each provisioning step it ran.
provisioning=0
while IFS= read -r line; do
  seconds="${line##*done in }"
  seconds="${seconds%s}"
  step="${line#\[tools/bazel\] }"
  step="${step%%: done in*}"
  step="${step% (about*}"
  step="${step% in /*}"
  printf '%-60s %5d s\n' "$step" "$seconds"
  provisioning=$(( provisioning + seconds ))
done < <(grep -E '^\[tools/bazel\] .*: done in [0-9]+s$' "$log")
printf '%-60s %5d s   (%s)\n' "tools/bazel build $target (fetch and compile)" "$(( total - provisioning ))" \
  "$(grep -oE 'Critical Path: [0-9.]+s' "$log" | tail -1)"
printf '%-60s %5d s   (load average now %s)\n' "total" "$total" "$(cut -d' ' -f1-3 /proc/loadavg)"
grep -E '^INFO: [0-9]+ processes' "$log" | tail -1
