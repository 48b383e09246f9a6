#!/usr/bin/env bash
# Remote execution on a real engine, every server on 127.0.0.1: PostgreSQL and BuildGrid (the
# Remote Execution API server: scheduler, CAS, action cache), buildbox-casd and one
# buildbox-worker whose runner, buildbox-run-bubblewrap, runs each action in a sandbox that
# sees only its inputs and the worker root of //tools/remote:worker (chrootRootDigest).
# Runs `tools/bazel test --config=remote TARGETS` (default //...) from a fresh output base,
# counts the actions run remotely and locally and the tests, then again from a second fresh
# output base and counts the remote cache hits.
#
#   tools/bench/remote_execution.sh [TARGETS...]     (as root: debootstrap, apt-get, mount)
#   tools/bench/remote_execution.sh --serve          (only start the engine, until Ctrl-C or a server stops)
#
# Installs what it needs once, idempotently, like tools/bazel (tools/remote/roots.sh): a Debian
# sid root with Debian's postgresql and buildbox and BuildGrid from PyPI in a venv, and the
# worker root, both in $HELM_COMPOSER_CACHE/remote-execution. Stops every server it started
# and deletes its output bases and server data on exit (KEEP_BENCH_DIRS=1 keeps them).
# A benchmark, not a test: on 2 cores a full `//...` takes tens of minutes.
#
# Last line: remote execution: <R> actions remote, <L> local, <P> tests passed, <F> failed;
# second run: <H> of <T> actions cache hits
set -euo pipefail
cd "$(dirname "$0")/../.."
workspace="$PWD"
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(//...)
[[ "$(id -u)" == 0 ]] || { echo "run as root (debootstrap, apt-get, mount, pivot_root)" >&2; exit 1; }

# shellcheck source=../remote/roots.sh
source tools/remote/roots.sh
log() { printf '[remote-execution] %s\n' "$*" >&2; }

# Two output bases, BuildGrid's CAS and the worker's local CAS: several GB for //... .
free_gb="$(df -BG --output=avail "$HOME" | tail -n 1 | tr -dc 0-9)"
if (( free_gb < 12 )) && [[ -z "${REMOTE_EXECUTION_LOW_DISK:-}" ]]; then
  echo "only ${free_gb} GB free: the benchmark needs about 12 (REMOTE_EXECUTION_LOW_DISK=1 runs anyway)" >&2
  exit 1
fi
provision_roots

# The disk watchdog's floor: it stops the engine when the free space under $HOME falls below
# 15 GB, or when this run has used more than 15 GB of it (the disk is shared).
free_mb_now() { df -BM --output=avail "$HOME" | tail -n 1 | tr -dc 0-9; }
free_mb_at_start="$(free_mb_now)"
disk_floor_mb=$(( ${REMOTE_EXECUTION_DISK_FLOOR_GB:-15} * 1024 ))
budget_floor_mb=$(( free_mb_at_start - ${REMOTE_EXECUTION_DISK_BUDGET_GB:-15} * 1024 ))
(( budget_floor_mb > disk_floor_mb )) && disk_floor_mb=$budget_floor_mb

instance=helm-composer
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
bgd_port="$(free_port)"
pg_port="$(free_port)"
engine="grpc://127.0.0.1:$bgd_port"

# Server data lives inside the services root (the services see only it); output bases and
# execution logs where the launcher's Bazel sees them (it mounts $HELM_COMPOSER_CACHE/bazel).
data="$(mktemp -d "$services_root/srv/bench.XXXXXX")"
data_in_root="/srv/$(basename "$data")"
chmod 0755 "$data"   # PostgreSQL runs as the postgres user
bazel_cache="${HELM_COMPOSER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/helm-composer}/bazel"
[[ -d "$bazel_cache" ]] || bazel_cache="${TMPDIR:-/tmp}"
scratch="$(mktemp -d "$bazel_cache/bench-remote-execution.XXXXXX")"
pids=()
cleanup() {
  set +e
  [[ -n "${watchdog:-}" ]] && kill "$watchdog" 2>/dev/null
  for ob in "$scratch"/ob-*; do
    [[ -d "$ob" ]] && tools/bazel --output_base="$ob" shutdown >/dev/null 2>&1
  done
  # Newest first: the worker before casd, BuildGrid before PostgreSQL.
  local i
  for (( i = ${#pids[@]} - 1; i >= 0; i-- )); do
    kill_tree TERM "${pids[i]}"
    wait "${pids[i]}" 2>/dev/null
  done
  if [[ "${KEEP_BENCH_DIRS:-}" == 1 ]]; then
    log "kept $scratch and $data"
  else
    rm -rf "$scratch" "$data"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME COMMAND...: one server in the services root, its output in $data/NAME.log.
start() {
  local name="$1"
  shift
  IN_ROOT_EXEC=1 in_root "$services_root" "$@" >"$data/$name.log" 2>&1 &
  pids+=($!)
}

# start_beside PID NAME COMMAND...: one server in the mount namespace of the server PID (in
# the services root, its environment as in_root gives).
start_beside() {
  local pid="$1" name="$2"
  shift 2
  nsenter --mount --target="$pid" -- /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@" >"$data/$name.log" 2>&1 &
  pids+=($!)
}

# kill_tree SIGNAL PID: PID and every process under it (the worker's runners and their
# sandboxed actions).
kill_tree() {
  local child
  for child in $(ps -o pid= --ppid "$2" 2>/dev/null); do
    kill_tree "$1" "$child"
  done
  kill "-$1" "$2" 2>/dev/null || true
}

# watch_disk: every 2 s, the free space under $HOME; below the floor it kills the worker, casd
# and BuildGrid (Bazel's remote calls then fail at once), says so on stderr and leaves
# $scratch/disk-exhausted for the summary.
watch_disk() {
  local free i
  set +e
  while sleep 2; do
    free="$(free_mb_now)"
    (( free >= disk_floor_mb )) && continue
    printf '\n[remote-execution] !!! DISK WATCHDOG: %s MB free under %s, below the floor of %s MB: killing the worker, casd and BuildGrid !!!\n\n' \
      "$free" "$HOME" "$disk_floor_mb" >&2
    echo "$free" >"$scratch/disk-exhausted"
    # Newest first, PostgreSQL (the first) left to the cleanup.
    for (( i = ${#pids[@]} - 1; i >= 1; i-- )); do
      kill_tree KILL "${pids[i]}"
    done
    return 1
  done
}

# wait_for NAME COMMAND...: until COMMAND succeeds (30 s at most).
wait_for() {
  local name="$1"
  shift
  for _ in $(seq 1 150); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  log "$name did not start; its log:"
  tail -30 "$data/$name.log" >&2
  return 1
}

postgres_bin="/usr/lib/postgresql/$(ls "$services_root/usr/lib/postgresql" | sort -V | tail -n 1)/bin"
start_postgresql() {
  mkdir -p "$data/pg"
  in_root "$services_root" chown postgres "$data_in_root/pg"
  in_root "$services_root" runuser -u postgres -- "$postgres_bin/initdb" -D "$data_in_root/pg" \
    -U bgd --auth=trust >"$data/initdb.log" 2>&1
  # setpriv, not runuser: it replaces itself with postgres, so stopping the pid stops it.
  start postgresql setpriv --reuid=postgres --regid=postgres --init-groups "$postgres_bin/postgres" -D "$data_in_root/pg" \
    -h 127.0.0.1 -p "$pg_port" -k "$data_in_root/pg"
  wait_for postgresql in_root "$services_root" "$postgres_bin/pg_isready" -h 127.0.0.1 -p "$pg_port"
  in_root "$services_root" "$postgres_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U bgd bgd
}

write_buildgrid_config() {
  cat >"$data/buildgrid.yml" <<EOF
# BuildGrid for one machine: one insecure channel on loopback, PostgreSQL for the scheduler
# (the only database BuildGrid's scheduler takes), a disk CAS and an in-memory action cache.
server:
  - !channel
    address: "127.0.0.1:$bgd_port"
    insecure-mode: true
authorization:
  method: none
monitoring:
  enabled: false
# Every Execute stream holds one thread for the action's whole run, and Bazel uploads inputs
# many at a time: RPCs past the limit are refused (RESOURCE_EXHAUSTED), past the pool they wait.
thread-pool-size: 64
maximum-concurrent-rpcs: 10000
connections:
  - !sql-connection &sql
    connection-string: postgresql+psycopg://bgd@127.0.0.1:$pg_port/bgd
storages:
  - !disk-storage &cas
    path: $data_in_root/cas
caches:
  - !lru-action-cache &action-cache
    storage: *cas
    max-cached-refs: 100000
    allow-updates: true
    cache-failed-actions: false
schedulers:
  - !sql-scheduler &scheduler
    sql: *sql
    storage: *cas
    action-cache: *action-cache
    # The worker root is named by the action, not advertised by the worker.
    property-set: !dynamic-property-set
      wildcard-property-keys:
        - chrootRootDigest
instances:
  - name: $instance
    services:
      - !action-cache
        cache: *action-cache
      - !execution
        scheduler: *scheduler
      - !cas
        storage: *cas
      - !bytestream
        storage: *cas
EOF
}

start_buildgrid() {
  mkdir -p "$data/cas"
  write_buildgrid_config
  in_root "$services_root" /opt/buildgrid/bin/bgd migrate apply \
    "postgresql+psycopg://bgd@127.0.0.1:$pg_port/bgd" >"$data/migrate.log" 2>&1 \
    || { tail -20 "$data/migrate.log" >&2; return 1; }
  start buildgrid /opt/buildgrid/bin/bgd server start -v "$data_in_root/buildgrid.yml"
  wait_for buildgrid bash -c "exec 3<>/dev/tcp/127.0.0.1/$bgd_port"
}

# The worker root, uploaded to BuildGrid's CAS; prints its digest.
upload_worker_root() {
  in_root "$services_root" --bind "$worker_root" /srv/worker-root \
    --bind "$workspace/tools/remote" /srv/remote-config \
    casupload --remote="http://127.0.0.1:$bgd_port" --instance="$instance" \
      --ignore-file=/srv/remote-config/worker_root.ignore \
      --output-digest-file="$data_in_root/worker-root.digest" /srv/worker-root \
    >"$data/casupload.log" 2>&1 || { tail -20 "$data/casupload.log" >&2; return 1; }
  cat "$data/worker-root.digest"
}

start_worker() {
  mkdir -p "$data/casd"
  # The worker's local CAS keeps what actions stage and make. A small quota keeps it off the
  # shared disk; --protect-session-blobs keeps LRU expiry from removing a blob an action of
  # this run still has to stage (a staging error "Blob not available" otherwise).
  start casd buildbox-casd --cas-remote="http://127.0.0.1:$bgd_port" --cas-instance="$instance" \
    --quota-high="${REMOTE_EXECUTION_CASD_QUOTA:-4G}" --quota-low=50% --reserved=1G \
    --protect-session-blobs --bind="unix:$data_in_root/casd.sock" "$data_in_root/casd"
  wait_for casd test -S "$data/casd.sock"
  # The worker (and so its runner) joins casd's mount namespace: casd stages each action's
  # inputs and the worker root there, with the runner's staging mode (FUSE by default), and a
  # FUSE mount is visible only in the namespace it was made in. Two jobs at once: this
  # machine has 2 cores.
  start_beside "${pids[-1]}" worker buildbox-worker \
    --bots-instance="$instance" --bots-remote="http://127.0.0.1:$bgd_port" \
    --cas-remote="unix:$data_in_root/casd.sock" --buildbox-run=/usr/bin/buildbox-run-bubblewrap \
    --runner-arg=--staging-mode="${REMOTE_EXECUTION_STAGING:-fuse}" \
    --platform OSFamily=linux --concurrent-jobs="${REMOTE_EXECUTION_JOBS:-2}" "bench-worker-$$"
}

log "PostgreSQL on 127.0.0.1:$pg_port"
start_postgresql
log "BuildGrid $BUILDGRID_VERSION on $engine (instance $instance)"
start_buildgrid
digest="$(upload_worker_root)"
platform_flags=()
pinned="$(sed -n 's/^WORKER_ROOT_DIGEST = "\(.*\)"$/\1/p' tools/remote/worker_root.bzl)"
if [[ "$digest" == "$pinned" ]]; then
  log "worker root uploaded: $digest (the pinned digest)"
else
  log "worker root uploaded: $digest, NOT the pinned $pinned (another Debian snapshot?)."
  log "  To pin it: WORKER_ROOT_DIGEST = \"$digest\" in tools/remote/worker_root.bzl."
  log "  This run passes it with --remote_default_exec_properties."
  platform_flags=(--extra_execution_platforms=//tools/remote:worker_unpinned
                  --remote_default_exec_properties=OSFamily=linux
                  --remote_default_exec_properties=chrootRootDigest="$digest")
fi
log "buildbox-casd and buildbox-worker (buildbox-run-bubblewrap)"
start_worker
watch_disk &
watchdog=$!
if [[ "${targets[0]}" == --serve ]]; then
  log "serving until interrupted: tools/bazel test --config=remote --remote_executor=$engine ${platform_flags[*]} TARGETS"
  log "server logs in $data"
  # Until a server exits or the disk watchdog fires (then everything is stopped).
  wait -n || true
  log "a server or the disk watchdog stopped: stopping the rest"
  exit 1
fi

# run N [BAZEL FLAGS...]: `bazel test --config=remote` of the targets from a fresh output base.
run() {
  local n="$1" ob="$scratch/ob-$1" start end status=0
  shift
  start=$(date +%s)
  # --disk_cache= turns off the launcher's disk cache: every hit must come from the engine.
  # Only what the no-remote actions need is downloaded (less disk; test logs always are).
  nice -n 10 tools/bazel --output_base="$ob" test --config=remote \
    --remote_executor="$engine" --disk_cache= "${platform_flags[@]}" \
    --remote_download_minimal --keep_going "$@" \
    "${targets[@]}" >"$scratch/bazel-$n.log" 2>&1 || status=$?
  end=$(date +%s)
  if [[ -f "$scratch/disk-exhausted" ]]; then
    log "run $n STOPPED by the disk watchdog ($(cat "$scratch/disk-exhausted") MB free); nothing to count"
    exit 1
  fi
  log "run $n: $(( end - start )) s, bazel exit $status"
  grep -E '^INFO: [0-9]+ processes' "$scratch/bazel-$n.log" | sed 's/^/  /' >&2 || true
  if (( status != 0 )); then
    grep -E '^(ERROR|FAIL)|FAILED|NO STATUS' "$scratch/bazel-$n.log" | head -40 >&2 || true
  fi
  echo $(( end - start )) >"$scratch/time-$n"
}

# summary N: "remote local hits total passed failed" of run N, from Bazel's process summary
# ("N processes: X internal, Y remote, Z remote cache hit, W processwrapper-sandbox") and its
# per-test lines.
summary() {
  python3 - "$scratch/bazel-$1.log" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read()
counts = {}
lines = re.findall(r"^INFO: \d+ processes?: (.*)\.$", text, re.M)
for part in (lines[-1].split(", ") if lines else []):
    number, _, kind = part.partition(" ")
    counts[kind] = counts.get(kind, 0) + int(number)
remote = counts.get("remote", 0)
hits = counts.get("remote cache hit", 0) + counts.get("disk cache hit", 0)
local = sum(n for kind, n in counts.items() if kind not in ("internal", "remote", "remote cache hit", "disk cache hit"))
total = remote + hits + local
passed = len(re.findall(r"^//\S+\s+(?:\(cached\) )?PASSED", text, re.M))
failed = len(re.findall(r"^//\S+\s+(?:\(cached\) )?(?:FAILED|TIMEOUT|NO STATUS|FAILED TO BUILD|INCOMPLETE)", text, re.M))
print(remote, local, hits, total, passed, failed)
PY
}

log "testing ${targets[*]} with --config=remote, twice, each from a fresh output base"
run 1 --execution_log_json_file="$scratch/exec-1.json"
read -r remote1 local1 hits1 total1 passed1 failed1 < <(summary 1)
# What ran locally, and why (their tags): the execution log names each spawn's runner.
python3 - "$scratch/exec-1.json" <<'PY' >&2
import json, sys
text = open(sys.argv[1]).read()
decoder, pos = json.JSONDecoder(), 0
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    spawn, pos = decoder.raw_decode(text, pos)
    runner = spawn.get("runner", "")
    if "remote" not in runner:
        print(f"  ran locally: {spawn.get('mnemonic')} {spawn.get('targetLabel', '?')} ({runner})")
PY
# The first output base and its execution log (GBs for //...) are not needed any more.
tools/bazel --output_base="$scratch/ob-1" shutdown >/dev/null 2>&1 || true
rm -rf "$scratch/ob-1" "$scratch/exec-1.json"
run 2
read -r remote2 local2 hits2 total2 passed2 failed2 < <(summary 2)
log "run 2: $passed2 tests passed, $failed2 failed"
echo "first run: $(cat "$scratch/time-1") s; second run: $(cat "$scratch/time-2") s; worker root $digest"
echo "remote execution: $remote1 actions remote, $local1 local, $passed1 tests passed, $failed1 failed; second run: $hits2 of $total2 actions cache hits"
