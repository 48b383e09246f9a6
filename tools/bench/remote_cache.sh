#!/usr/bin/env bash
# Shared remote cache on a real server: Bazel's HTTP cache protocol served by Debian's nginx
# (WebDAV PUT) on 127.0.0.1. Builds and tests TARGETS (default //demo/...) into a fresh
# output base against it, then again from a second fresh output base at another path, and
# reports the remote cache hits of the compose (HelmCompose), package (HelmPackage) and
# test actions of the second run. Every one a hit proves the actions are cacheable and that
# their outputs do not depend on the output base's path.
#
#   tools/bench/remote_cache.sh [TARGETS...]      (run from the workspace, as root for apt)
#
# Installs nginx with apt-get when it is missing. Always stops nginx and deletes the output
# bases, logs and cache it made (set KEEP_BENCH_DIRS=1 to keep them). Two cold builds: on
# 2 cores expect several minutes for the first, much less for the second.
set -euo pipefail
cd "$(dirname "$0")/../.."
workspace="$PWD"
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(//demo/...)

if ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
  echo "installing Debian's nginx ..."
  # No service is started here: policy-rc.d is only honoured when an init system runs, and
  # this script starts its own server with its own config below.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

# Output bases and execution logs must be at the same path for Bazel and for this script:
# the launcher runs Bazel in a chroot where only the workspace and $HELM_COMPOSER_CACHE/bazel
# are mounted, so they go there (any directory works with a Bazel on PATH).
cache_root="${HELM_COMPOSER_CACHE:-$HOME/.cache/helm-composer}/bazel"
[[ -d "$cache_root" ]] || cache_root="${TMPDIR:-/tmp}"
scratch="$(mktemp -d "$cache_root/bench-remote-cache.XXXXXX")"
server="$(mktemp -d)"
nginx_pid=""
cleanup() {
  set +e
  [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  for ob in "$scratch"/ob-*; do
    [[ -d "$ob" ]] && tools/bazel --output_base="$ob" shutdown >/dev/null 2>&1
  done
  if [[ "${KEEP_BENCH_DIRS:-}" == 1 ]]; then
    echo "kept $scratch and $server"
  else
    rm -rf "$scratch" "$server"
  fi
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mkdir -p "$server/cache" "$server/tmp" "$server/logs"
chmod 0755 "$server"
chmod 0777 "$server/cache" "$server/tmp"   # nginx's workers run as nobody
cat >"$server/nginx.conf" <<EOF
# Minimal Bazel HTTP remote cache: GET and PUT of /ac/<sha256> and /cas/<sha256>.
worker_processes 2;
pid $server/nginx.pid;
error_log $server/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $server/tmp;
  proxy_temp_path $server/tmp;
  fastcgi_temp_path $server/tmp;
  uwsgi_temp_path $server/tmp;
  scgi_temp_path $server/tmp;
  server {
    listen 127.0.0.1:$port;
    root $server/cache;
    location ~ "^/(ac|cas)/[0-9a-f]{64}\$" {
      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
      client_max_body_size 0;
    }
    location / { return 403; }
  }
}
EOF
"$nginx_bin" -p "$server" -c "$server/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 1 50); do
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/cas/$(printf '0%.0s' $(seq 64))" || true)"
  [[ "$code" == 404 ]] && break
  sleep 0.1
done
[[ "${code:-}" == 404 ]] || { echo "nginx did not answer on 127.0.0.1:$port" >&2; exit 1; }
echo "remote cache: nginx $("$nginx_bin" -v 2>&1 | sed 's/.*\///') on http://127.0.0.1:$port (data in $server/cache)"

# run N: a cold build and test of the targets in a fresh output base, against the cache.
run() {
  local n="$1" ob="$scratch/ob-$1" start end
  start=$(date +%s)
  # --disk_cache= turns off a disk cache a user.bazelrc may set: every hit must come from
  # the remote cache (a disk cache hit would be counted as a cache hit too).
  nice -n 10 tools/bazel --output_base="$ob" test \
    --disk_cache= \
    --remote_cache="http://127.0.0.1:$port" \
    --execution_log_json_file="$scratch/exec-$n.json" \
    "${targets[@]}" >"$scratch/bazel-$n.log" 2>&1 \
    || { tail -40 "$scratch/bazel-$n.log" >&2; echo "run $n failed" >&2; return 1; }
  end=$(date +%s)
  echo "run $n: output base $ob, $(( end - start )) s"
  grep -E '^INFO: [0-9]+ processes' "$scratch/bazel-$n.log" | sed 's/^/  /'
  # Each spawn's mnemonic and remote cache hit, per kind of action of interest.
  python3 - "$scratch/exec-$n.json" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
decoder, pos, spawns = json.JSONDecoder(), 0, []
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    spawn, pos = decoder.raw_decode(text, pos)
    spawns.append(spawn)
def hit(s):
    # SpawnExec's cache_hit (Bazel 7.7; remote_cache_hit before); runner "remote cache hit".
    return bool(s.get("cacheHit") or s.get("remoteCacheHit") or "cache hit" in s.get("runner", ""))
kinds = [("compose", "HelmCompose"), ("package", "HelmPackage"), ("render", "HelmRender"),
         ("repo index", "HelmRepoIndex"), ("test", "TestRunner")]
for label, mnemonic in kinds:
    of_kind = [s for s in spawns if s.get("mnemonic") == mnemonic]
    if not of_kind:
        continue
    hits = [s for s in of_kind if hit(s)]
    print(f"  {label:<10} ({mnemonic}): {len(hits):4d} of {len(of_kind):4d} remote cache hits")
    if 0 < len(hits) < len(of_kind) or (sys.argv[1].endswith("-2.json") and len(hits) < len(of_kind)):
        for label in sorted({s.get("targetLabel", "?") for s in of_kind if not hit(s)}):
            print(f"    miss: {label}")
other = [s for s in spawns if s.get("mnemonic") not in {m for _, m in kinds}]
print(f"  other spawns: {sum(1 for s in other if hit(s))} of {len(other)} remote cache hits")
if sys.argv[1].endswith("-2.json"):
    for s in spawns:
        if not hit(s):
            print(f"  ran locally: {s.get('mnemonic')} {s.get('targetLabel', '?')} ({s.get('runner', '?')})")
PY
}

echo "building and testing ${targets[*]} twice, each from a fresh output base"
run 1
run 2
echo "cache size: $(du -sh "$server/cache" | cut -f1), $(find "$server/cache" -type f | wc -l) entries"
