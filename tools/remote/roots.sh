#!/usr/bin/env bash
# The two Debian sid roots remote execution needs, made like tools/bazel makes its own
# (debootstrap, then apt-get), each step idempotent and published with a rename or a stamp:
#
#   services root: BuildGrid's PostgreSQL, Python for BuildGrid, and buildbox (casd, worker,
#                  the bubblewrap runner, casupload). The services run in it.
#   worker root:   the root filesystem every remote action runs in (the platform property
#                  chrootRootDigest of //tools/remote:worker names it). It holds the Debian
#                  packages of the launcher's root that actions use: bash and coreutils
#                  (minbase: rules_rust's bootstrap script and test scripts run /bin/bash and
#                  /usr/bin/env), gcc, g++ and libc6-dev (Bazel's auto-detected C toolchain
#                  links the Rust binaries with /usr/bin/gcc and -lstdc++), ca-certificates.
#                  Node.js, Helm, the Rust toolchain and the schemas are not in it: they are
#                  pinned inputs of the actions.
#
# Sourced by tools/bench/remote_execution.sh. Needs root (debootstrap, mount, pivot_root).
# Everything lives in $HELM_COMPOSER_CACHE/remote-execution, outside the checkout and apart
# from the launcher's own root.

remote_cache_dir="${HELM_COMPOSER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/helm-composer}/remote-execution"
services_root="$remote_cache_dir/services-root"
worker_root="$remote_cache_dir/worker-root"

# Bumping a version re-runs that root's package step.
SERVICES_PACKAGES=(buildbox bubblewrap fuse3 postgresql python3-venv ca-certificates mount)
SERVICES_PACKAGES_VERSION=1
WORKER_PACKAGES=(gcc g++ libc6-dev ca-certificates)
WORKER_PACKAGES_VERSION=2
BUILDGRID_VERSION=0.9.1

roots_log() { printf '[remote] %s\n' "$*" >&2; }

# The Debian mirror the host already uses (as tools/bazel finds it).
roots_debian_mirror() {
  if [[ -n "${HELM_COMPOSER_DEBIAN_MIRROR:-}" ]]; then
    echo "$HELM_COMPOSER_DEBIAN_MIRROR"
    return
  fi
  local uri
  uri="$(grep -hoE '(URIs:[[:space:]]*|^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?)https?://[^[:space:]]+/debian/?([[:space:]]|$)' \
           /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
         | grep -oE 'https?://[^[:space:]]+' | head -n 1 || true)"
  [[ -n "$uri" ]] || { roots_log "no Debian mirror in /etc/apt sources; set HELM_COMPOSER_DEBIAN_MIRROR"; return 1; }
  echo "${uri%/}"
}

# in_root ROOT [--bind SOURCE TARGET]... COMMAND...: runs COMMAND with ROOT as its whole
# filesystem, in a mount namespace of its own with /proc, /sys, /dev (and /dev/pts) bound in,
# and each SOURCE of the host bound at TARGET inside. pivot_root, not chroot: the kernel
# refuses new user namespaces to a chrooted process, and bubblewrap needs them.
in_root() {
  local root="$1" binds=()
  shift
  while [[ "${1:-}" == --bind ]]; do
    binds+=("$2" "$3")
    shift 3
  done
  # IN_ROOT_EXEC=1 (for a server started with &): unshare replaces this shell, and the
  # shell inside replaces itself with COMMAND, so $! is the server's own pid.
  ${IN_ROOT_EXEC:+exec} unshare --mount --propagation private -- /bin/sh -c '
    set -e
    root="$1" count="$2"; shift 2
    mount --bind "$root" "$root"
    for fs in proc sys dev; do mount --rbind "/$fs" "$root/$fs"; done
    while [ "$count" -gt 0 ]; do
      mkdir -p "$root$2"
      mount --bind "$1" "$root$2"
      shift 2; count=$((count - 1))
    done
    mkdir -p "$root/.old-root"
    cd "$root"
    pivot_root . .old-root
    cd /
    umount --lazy /.old-root
    exec /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
  ' sh "$root" "$(( ${#binds[@]} / 2 ))" "${binds[@]}" "$@"
}

make_root() {
  local root="$1" partial="$1.partial"
  [[ -x "$root/usr/bin/env" ]] && return 0
  command -v debootstrap >/dev/null || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  }
  roots_log "creating a Debian sid root in $root (about 1 min)"
  rm -rf "$partial"
  mkdir -p "$(dirname "$root")"
  debootstrap --variant=minbase sid "$partial" "$(roots_debian_mirror)" >"$root.debootstrap.log" 2>&1 \
    || { roots_log "debootstrap failed, see $root.debootstrap.log"; return 1; }
  # The mirror may serve a frozen snapshot whose Release file has expired.
  echo 'Acquire::Check-Valid-Until "false";' >"$partial/etc/apt/apt.conf.d/90helm-composer"
  mv "$partial" "$root"
}

# The host's extra CAs (a TLS-intercepting proxy's) for pip inside the services root.
trust_host_certificates() {
  local root="$1" dir=/usr/local/share/ca-certificates
  [[ -d "$dir" && -x "$root/usr/sbin/update-ca-certificates" ]] || return 0
  if ! diff -rq "$dir" "$root$dir" >/dev/null 2>&1; then
    mkdir -p "$root$dir"
    cp -r "$dir/." "$root$dir/"
    in_root "$root" update-ca-certificates >/dev/null 2>&1
  fi
}

# install_packages ROOT VERSION PACKAGE...
install_packages() {
  local root="$1" version="$2"
  shift 2
  [[ "$(cat "$root.packages" 2>/dev/null)" == "$version" ]] && return 0
  roots_log "installing $* in $root"
  cp -L /etc/resolv.conf "$root/etc/resolv.conf"
  # No service may start inside the root while installing (postgresql would).
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  in_root "$root" apt-get update -qq
  in_root "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-unsafe-io "$@" >"$root.apt.log" 2>&1 \
    || { roots_log "apt-get install failed, see $root.apt.log"; return 1; }
  echo "$version" >"$root.packages"
}

install_buildgrid() {
  local venv="$services_root/opt/buildgrid"
  [[ "$(cat "$venv.version" 2>/dev/null)" == "$BUILDGRID_VERSION" ]] && return 0
  roots_log "installing BuildGrid $BUILDGRID_VERSION from PyPI into /opt/buildgrid of the services root"
  # A venv's scripts name its own path, so it is made where it stays; the stamp written
  # last marks it complete (a half-made one is removed and made again).
  rm -rf "$venv"
  in_root "$services_root" sh -c '
    python3 -m venv /opt/buildgrid &&
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt PIP_DISABLE_PIP_VERSION_CHECK=1 \
      /opt/buildgrid/bin/pip install -q "buildgrid==$1"' sh "$BUILDGRID_VERSION" \
    >"$remote_cache_dir/pip.log" 2>&1 \
    || { roots_log "pip install buildgrid failed, see $remote_cache_dir/pip.log"; return 1; }
  echo "$BUILDGRID_VERSION" >"$venv.version"
}

provision_roots() {
  mkdir -p "$remote_cache_dir"
  exec 7>"$remote_cache_dir/provision.lock"
  flock 7
  make_root "$services_root"
  make_root "$worker_root"
  install_packages "$services_root" "$SERVICES_PACKAGES_VERSION" "${SERVICES_PACKAGES[@]}"
  trust_host_certificates "$services_root"
  install_buildgrid
  install_packages "$worker_root" "$WORKER_PACKAGES_VERSION" "${WORKER_PACKAGES[@]}"
  flock -u 7
  exec 7>&-
}
