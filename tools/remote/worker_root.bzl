"""The root filesystem remote actions run in, pinned by its CAS digest.

tools/bench/remote_execution.sh makes it (tools/remote/roots.sh: Debian sid minbase plus gcc,
libc6-dev and ca-certificates, the packages of the launcher's root that actions use), leaves out
the paths in worker_root.ignore, uploads it with buildbox's casupload and compares the digest
it gets with this one. A Debian mirror that serves other package versions makes another
digest: the script then says so, prints the line to put here, and runs with the digest it made.
"""

WORKER_ROOT_DIGEST = "392d6f6811bdadf991ac75836fbd50e8d078e07a5c0363f0bcfcd76a27851ba0/1213"
