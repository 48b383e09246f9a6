#!/usr/bin/env bash
# msrv_test.sh refuses what would not build with the minimum supported Rust, naming the crate
# and why: a crate declaring a newer rust-version, a crate on edition 2024, and a workspace
# whose rust-version is not the minimum. Crates within the minimum pass.
#   msrv_rejects_newer_crates_test.sh MSRV_TEST_SH   (runfiles path)
set -euo pipefail

runfiles="${RUNFILES_DIR:-$0.runfiles}"
check="$runfiles/$1"
fake="${TEST_TMPDIR:-$(mktemp -d)}/runfiles"
mkdir -p "$fake"

# A crate's published Cargo.toml under $fake/NAME/, listed in $fake/listing.txt.
crate() {
  local name="$1" fields="$2"
  mkdir -p "$fake/$name"
  printf '[package]\nedition = "2021"\nname = "%s"\nversion = "1.0.0"\n%s\n\n[dependencies.x]\nrust-version = "9.9"\n' \
    "$name" "$fields" >"$fake/$name/Cargo.toml"
  echo "$name/Cargo.toml" >>"$fake/listing.txt"
}
workspace() {
  printf '[workspace]\nmembers = []\n\n[workspace.package]\nedition = "2021"\nrust-version = "%s"\n' "$1" >"$fake/Cargo.toml"
}

# Runs the check on the fake runfiles; prints its stderr, fails when its exit status differs.
run_check() {
  local expected_status="$1" status=0
  RUNFILES_DIR="$fake" "$check" 1.82.0 listing.txt Cargo.toml 2>"$fake/stderr" >/dev/null || status=$?
  if [[ $status -ne $expected_status ]]; then
    echo "msrv_test.sh exited $status, expected $expected_status; stderr:" >&2
    cat "$fake/stderr" >&2
    exit 1
  fi
  cat "$fake/stderr"
}
expect_in() {
  if [[ "$1" != *"$2"* ]]; then
    echo "expected the message to contain: $2" >&2
    echo "got: $1" >&2
    exit 1
  fi
}

# Within the minimum: older, equal (two-part form), none declared. A rust-version outside
# [package] (here in a dependency table) is not the crate's.
workspace 1.82
crate old 'rust-version = "1.70"'
crate equal 'rust-version = "1.82"'
crate undeclared ''
out="$(run_check 0)"
[[ -z "$out" ]] || { echo "unexpected complaint: $out" >&2; exit 1; }

crate newer 'rust-version = "1.85.1"'
crate edition2024 'rust-version = "1.80"'
sed -i 's/^edition = "2021"$/edition = "2024"/' "$fake/edition2024/Cargo.toml"
workspace 1.85
out="$(run_check 1)"
expect_in "$out" "crate newer 1.0.0 needs a newer Rust than the minimum supported 1.82.0: its Cargo.toml declares rust-version 1.85.1."
expect_in "$out" "cargo update -p newer@1.0.0"
expect_in "$out" "crate edition2024 1.0.0 needs a newer Rust than the minimum supported 1.82.0: its Cargo.toml declares edition 2024 (Rust 1.85)."
expect_in "$out" "Cargo.toml: [workspace.package] rust-version is \"1.85\", but the minimum supported Rust is 1.82.0"
for fine in old equal undeclared; do
  [[ "$out" != *"crate $fine "* ]] || { echo "crate $fine was refused: $out" >&2; exit 1; }
done

# Nothing to check is an error, not a pass.
workspace 1.82
: >"$fake/listing.txt"
out="$(run_check 1)"
expect_in "$out" "no crate manifest to check in listing.txt"
echo "msrv_test.sh refuses newer crates, edition 2024 and a different workspace rust-version"
