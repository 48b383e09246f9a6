//! Provenance: Helm signs a package with a throwaway key, Helm verifies it against the public
//! keyring, and a tampered archive fails verification; a package that must be signed is
//! never pushed unsigned.

mod support;

use std::fs;
use std::path::PathBuf;

use chart_release::epoch::DEFAULT_EPOCH;
use chart_release::package::{package, PackageRequest, Signing};
use chart_release::push::{push, PushRequest};
use chart_release::ReleaseError;
use helm_sdk::ErrorCode;
use support::{sdk, write_chart, Keys, IDENTITY};
use tempfile::TempDir;

#[test]
fn signs_verifies_and_detects_tampering() {
    let keys = Keys::generate();
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let request = PackageRequest {
        chart: &write_chart(tmp.path()),
        out_dir: &tmp.path().join("out"),
        version: None,
        app_version: None,
        epoch: DEFAULT_EPOCH,
        signing: Some(Signing {
            key: "release@example.com".into(),
            keyring: keys.secret.clone(),
            passphrase_file: None,
        }),
    };
    let archive = package(&sdk, &request).unwrap();
    let prov = PathBuf::from(format!("{}.prov", archive.display()));
    assert!(fs::read_to_string(&prov).unwrap().contains("BEGIN PGP SIGNED MESSAGE"));

    let verified = sdk.verify(&archive, None, &keys.public).unwrap();
    assert_eq!(verified.signed_by, [IDENTITY]);
    assert_eq!(verified.file_hash, sdk.digest(&archive).unwrap());

    let mut bytes = fs::read(&archive).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    fs::write(&archive, bytes).unwrap();
    let error = sdk.verify(&archive, None, &keys.public).unwrap_err();
    assert_eq!(error.code(), Some(ErrorCode::ChartInvalid), "a tampered archive must fail verification: {error}");
}

#[test]
fn a_package_that_must_be_signed_needs_a_keyring() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let request = PackageRequest {
        chart: &write_chart(tmp.path()),
        out_dir: &tmp.path().join("out"),
        version: None,
        app_version: None,
        epoch: DEFAULT_EPOCH,
        signing: None,
    };
    package(&sdk, &request).unwrap();
    // Port 9 (discard) on loopback: the refusal must come before any network call.
    let push_request = PushRequest {
        package_dir: &tmp.path().join("out"),
        remote: "oci://127.0.0.1:9/charts",
        plain_http: true,
        credentials: None,
        require_signature: true,
        signing: None,
    };
    let error = push(&sdk, &push_request).unwrap_err();
    assert!(matches!(error, ReleaseError::SignatureRequired { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("demo-0.1.0.tgz must be signed"), "{message}");
    assert!(message.contains("set HELM_SIGNING_KEYRING"), "{message}");
}
