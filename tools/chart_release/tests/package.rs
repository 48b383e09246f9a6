//! Packages: Helm's own archive, byte-identical whatever the files' mtimes, and still a chart
//! Helm loads, lints and renders.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use chart_release::epoch::DEFAULT_EPOCH;
use chart_release::package::{package, PackageRequest};
use helm_sdk::{Chart, HelmSdk, LintOptions, RenderOptions};
use support::{now_secs, sdk, touch_all, write_chart};
use tempfile::TempDir;

fn package_at(sdk: &HelmSdk, chart: &Path, out_dir: &Path, epoch: u64, version: Option<&str>) -> PathBuf {
    let request = PackageRequest {
        chart,
        out_dir,
        version: version.map(str::to_string),
        app_version: None,
        epoch,
        signing: None,
    };
    package(sdk, &request).unwrap()
}

#[test]
fn two_staging_copies_with_different_mtimes_give_identical_archives() {
    let sdk = sdk();
    let (a, b) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let (chart_a, chart_b) = (write_chart(a.path()), write_chart(b.path()));
    touch_all(&chart_a, 1_000_000);
    touch_all(&chart_b, now_secs());

    let first = package_at(&sdk, &chart_a, &a.path().join("out"), DEFAULT_EPOCH, None);
    let second = package_at(&sdk, &chart_b, &b.path().join("out"), DEFAULT_EPOCH, None);
    assert_eq!(first.file_name().unwrap(), "demo-0.1.0.tgz");
    let (digest_a, digest_b) = (sdk.digest(&first).unwrap(), sdk.digest(&second).unwrap());
    eprintln!("archive a: {digest_a}\narchive b: {digest_b}");
    assert_eq!(digest_a, digest_b, "the same chart with other file mtimes must give the same archive");
    assert_eq!(fs::read(&first).unwrap(), fs::read(&second).unwrap());

    // The epoch is what the members carry: another epoch, another archive.
    let other = package_at(&sdk, &chart_a, &a.path().join("other"), DEFAULT_EPOCH + 1, None);
    assert_ne!(sdk.digest(&other).unwrap(), digest_a);
}

#[test]
fn archives_have_no_gzip_timestamp() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let archive = package_at(&sdk, &write_chart(tmp.path()), &tmp.path().join("out"), DEFAULT_EPOCH, None);
    let bytes = fs::read(archive).unwrap();
    assert_eq!(&bytes[..2], [0x1f, 0x8b], "a gzip stream");
    assert_eq!(&bytes[4..8], [0, 0, 0, 0], "gzip MTIME must be zero");
}

#[test]
fn helm_loads_lints_and_renders_the_package() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let archive = package_at(&sdk, &write_chart(tmp.path()), &tmp.path().join("out"), DEFAULT_EPOCH, None);

    let chart = Chart::load_archive(&sdk, &fs::read(&archive).unwrap()).unwrap();
    let metadata = chart.metadata().unwrap();
    assert_eq!((metadata.name.as_str(), metadata.version.as_str()), ("demo", "0.1.0"));
    assert_eq!(chart.values().unwrap()["greeting"], "hello");

    let report = sdk.lint(&archive, None, &LintOptions { strict: true, ..LintOptions::default() }).unwrap();
    assert!(!report.has_errors(), "{report:?}");

    let rendered = chart.render(None, &RenderOptions::default()).unwrap();
    let configmap = &rendered["demo/templates/configmap.yaml"];
    assert!(configmap.contains("name: release-name-config"), "{configmap}");
    assert!(rendered["demo/templates/job.yaml"].contains("helm.sh/hook"), "the hook is in the package");
}

#[test]
fn a_release_version_overrides_the_charts() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let archive =
        package_at(&sdk, &write_chart(tmp.path()), &tmp.path().join("out"), DEFAULT_EPOCH, Some("1.4.0-rc.1"));
    assert_eq!(archive.file_name().unwrap(), "demo-1.4.0-rc.1.tgz");
    let chart = Chart::load(&sdk, &archive).unwrap();
    assert_eq!(chart.metadata().unwrap().version, "1.4.0-rc.1");
    let rendered = chart.render(None, &RenderOptions::default()).unwrap();
    assert!(rendered["demo/templates/configmap.yaml"].contains("demo-1.4.0-rc.1"), "labels follow the version");
}

#[test]
fn a_release_app_version_overrides_the_charts() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let request = PackageRequest {
        chart: &write_chart(tmp.path()),
        out_dir: &tmp.path().join("out"),
        version: None,
        app_version: Some("2.0.0".into()),
        epoch: DEFAULT_EPOCH,
        signing: None,
    };
    let archive = package(&sdk, &request).unwrap();
    assert_eq!(Chart::load(&sdk, &archive).unwrap().metadata().unwrap().app_version.as_deref(), Some("2.0.0"));
}

#[test]
fn a_directory_without_chart_yaml_is_refused() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let request = PackageRequest {
        chart: tmp.path(),
        out_dir: &tmp.path().join("out"),
        version: None,
        app_version: None,
        epoch: DEFAULT_EPOCH,
        signing: None,
    };
    let error = package(&sdk, &request).unwrap_err();
    assert!(error.to_string().contains("is not a chart directory (no Chart.yaml)"), "{error}");
}

#[test]
fn inspect_accepts_a_package_and_refuses_a_misnamed_one() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    let archive = package_at(&sdk, &write_chart(tmp.path()), &out, DEFAULT_EPOCH, None);
    let found = chart_release::inspect::inspect(&sdk, &out, None).unwrap();
    assert_eq!(found.archive, "demo-0.1.0.tgz");
    assert_eq!(found.digest, sdk.digest(&archive).unwrap());
    assert!(found.manifests >= 2, "{found:?}");

    fs::rename(&archive, out.join("demo-9.9.9.tgz")).unwrap();
    let error = chart_release::inspect::inspect(&sdk, &out, None).unwrap_err();
    assert!(error.to_string().ends_with("holds chart demo-0.1.0.tgz"), "{error}");
    let error = chart_release::inspect::inspect(&sdk, &out, Some(&tmp.path().join("pubring.gpg"))).unwrap_err();
    assert!(error.to_string().contains("holds chart"), "{error}");
}

#[test]
fn inspect_lints_strictly() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let chart = write_chart(tmp.path());
    // A chart without templates/ is only a lint warning, which --strict makes an error.
    fs::remove_dir_all(chart.join("templates")).unwrap();
    let out = tmp.path().join("out");
    package_at(&sdk, &chart, &out, DEFAULT_EPOCH, None);
    assert!(!sdk.lint(&chart, None, &LintOptions::default()).unwrap().has_errors());
    let error = chart_release::inspect::inspect(&sdk, &out, None).unwrap_err();
    assert!(error.to_string().contains("helm lint --strict"), "{error}");
}
