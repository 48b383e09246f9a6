//! Provenance: sign with a throwaway GnuPG key, verify, and catch tampering.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use helm_sdk::{ErrorCode, HelmError, PackageOptions, SignOptions};
use support::{sdk, write_demo_chart};
use tempfile::TempDir;

const IDENTITY: &str = "Test <t@example.com>";

/// A private GNUPGHOME with one unprotected signing key, exported as legacy keyring files;
/// its gpg-agent is stopped on drop.
struct Keys {
    home: TempDir,
    secret: PathBuf,
    public: PathBuf,
}

impl Keys {
    fn generate() -> Keys {
        // Under /tmp, not $TMPDIR: without /run/user/<uid>, gpg-agent puts its socket in
        // GNUPGHOME, and a long $TMPDIR (as under Bazel) overflows the socket path limit.
        let home = tempfile::Builder::new().prefix("gnupg").tempdir_in("/tmp").unwrap();
        let keys = Keys { secret: home.path().join("secring.gpg"), public: home.path().join("pubring.gpg"), home };
        keys.gpg(&[
            "--batch",
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "",
            "--quick-gen-key",
            IDENTITY,
            "rsa2048",
            "sign",
            "never",
        ]);
        let secret =
            keys.gpg(&["--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--export-secret-keys", IDENTITY]);
        fs::write(&keys.secret, secret.stdout).unwrap();
        fs::write(&keys.public, keys.gpg(&["--batch", "--export", IDENTITY]).stdout).unwrap();
        keys
    }

    fn gpg(&self, args: &[&str]) -> Output {
        let output =
            Command::new("gpg").args(args).env("GNUPGHOME", self.home.path()).output().unwrap_or_else(|e| {
                panic!("cannot run gpg ({e}): these tests need GnuPG, e.g. `apt-get install gnupg`")
            });
        assert!(output.status.success(), "gpg {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
        output
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf").args(["--kill", "gpg-agent"]).env("GNUPGHOME", self.home.path()).status();
    }
}

fn package(dir: &Path) -> PathBuf {
    let chart = write_demo_chart(dir);
    sdk().package(&chart, &PackageOptions { destination: Some(dir.to_path_buf()), ..Default::default() }).unwrap()
}

#[test]
fn signs_verifies_and_detects_tampering() {
    let keys = Keys::generate();
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let archive = package(tmp.path());

    let prov = sdk.sign(&archive, &SignOptions::new("Test", &keys.secret)).unwrap();
    assert_eq!(prov, PathBuf::from(format!("{}.prov", archive.display())));
    assert!(fs::read_to_string(&prov).unwrap().contains("BEGIN PGP SIGNED MESSAGE"));

    let verified = sdk.verify(&archive, None, &keys.public).unwrap();
    assert_eq!(verified.file_name, "demo-0.1.0.tgz");
    assert_eq!(verified.file_hash, sdk.digest(&archive).unwrap());
    assert_eq!(verified.signed_by, [IDENTITY]);
    assert_eq!(sdk.verify(&archive, Some(&prov), &keys.public).unwrap(), verified);

    let mut bytes = fs::read(&archive).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    fs::write(&archive, bytes).unwrap();
    match sdk.verify(&archive, None, &keys.public) {
        Err(HelmError::Call { operation: "chart verify", code: ErrorCode::ChartInvalid, detail }) => {
            assert!(!detail.is_empty());
        }
        other => panic!("a tampered archive must fail verification, got {other:?}"),
    }
}

#[test]
fn packages_and_signs_in_one_call() {
    let keys = Keys::generate();
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = write_demo_chart(tmp.path());
    let options = PackageOptions {
        destination: Some(tmp.path().to_path_buf()),
        sign: true,
        key: Some("t@example.com".into()),
        keyring: Some(keys.secret.clone()),
        ..Default::default()
    };
    let archive = sdk.package(&chart, &options).unwrap();
    assert_eq!(sdk.verify(&archive, None, &keys.public).unwrap().signed_by, [IDENTITY]);

    let other = Keys::generate();
    let error = sdk.verify(&archive, None, &other.public).unwrap_err();
    assert_eq!(error.code(), Some(ErrorCode::ChartInvalid), "{error}");
}

#[test]
fn signing_needs_a_key_that_exists() {
    let keys = Keys::generate();
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let archive = package(tmp.path());
    let error = sdk.sign(&archive, &SignOptions::new("Nobody", &keys.secret)).unwrap_err();
    assert_eq!(error.code(), Some(ErrorCode::ChartInvalid), "{error}");
    let error = sdk.sign(&archive, &SignOptions::new("", &keys.secret)).unwrap_err();
    assert_eq!(error.code(), Some(ErrorCode::InvalidArg), "{error}");
    let error = sdk.sign(&tmp.path().join("missing.tgz"), &SignOptions::new("Test", &keys.secret)).unwrap_err();
    assert_eq!(error.code(), Some(ErrorCode::Io), "{error}");
}
