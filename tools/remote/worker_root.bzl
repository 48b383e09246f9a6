"""The root filesystem remote actions run in, pinned by its CAS digest.

tools/bench/remote_execution.sh makes it (tools/remote/roots.sh: Debian sid minbase plus gcc, g++,
libc6-dev and ca-certificates, the packages of the launcher's root that actions use), leaves out
the paths in worker_root.ignore, uploads it with buildbox's casupload and compares the digest
it gets with this one. A Debian mirror that serves other package versions makes another
digest: the script then says so, prints the line to put here, and runs with the digest it made.
"""

WORKER_ROOT_DIGEST = "0522d75d22ad056c8c5984a153330370bf582c5841bfc47b1d43a17fc07aec0c/1213"
