//! Repository index: Helm's generator over several packages, every chart, version and digest
//! found again in index.yaml, dates fixed so two runs write the same bytes.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use chart_release::epoch::DEFAULT_EPOCH;
use chart_release::index::{index, IndexRequest};
use chart_release::package::{package, PackageRequest};
use helm_sdk::HelmSdk;
use support::{sdk, write, write_chart};
use tempfile::TempDir;

/// Packages the demo chart at `version` into `dir/<version>/`, renamed to `name`.
fn package_version(sdk: &HelmSdk, dir: &Path, name: &str, version: &str) -> PathBuf {
    let chart = write_chart(&dir.join(format!("src-{name}-{version}")));
    write(
        &chart.join("Chart.yaml"),
        &fs::read_to_string(chart.join("Chart.yaml")).unwrap().replace("name: demo", &format!("name: {name}")),
    );
    let out_dir = dir.join(format!("{name}-{version}"));
    let request = PackageRequest {
        chart: &chart,
        out_dir: &out_dir,
        version: Some(version.into()),
        app_version: None,
        epoch: DEFAULT_EPOCH,
        signing: None,
    };
    package(sdk, &request).unwrap();
    out_dir
}

#[test]
fn indexes_every_chart_version_and_digest_with_fixed_dates() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let packages = vec![
        package_version(&sdk, tmp.path(), "demo", "0.1.0"),
        package_version(&sdk, tmp.path(), "demo", "0.2.0"),
        package_version(&sdk, tmp.path(), "other", "1.0.0"),
    ];
    let write_index = |out: &str| {
        let request = IndexRequest {
            package_dirs: &packages,
            out_dir: &tmp.path().join(out),
            base_url: Some("https://charts.example.com/stable".into()),
            epoch: DEFAULT_EPOCH,
        };
        index(&sdk, &request).unwrap()
    };
    let first = write_index("repo");
    let text = fs::read_to_string(&first).unwrap();
    let parsed = sdk.values_from_yaml(&text).unwrap();
    assert_eq!(parsed["generated"], "2000-01-01T00:00:00Z", "{text}");

    for (name, version) in [("demo", "0.1.0"), ("demo", "0.2.0"), ("other", "1.0.0")] {
        let entries = parsed["entries"][name].as_array().unwrap_or_else(|| panic!("no entry {name}: {text}"));
        let entry = entries.iter().find(|e| e["version"] == version).unwrap_or_else(|| panic!("{name} {version}"));
        let file = format!("{name}-{version}.tgz");
        let archive = first.parent().unwrap().join(&file);
        let digest = sdk.digest(&archive).unwrap();
        assert_eq!(format!("sha256:{}", entry["digest"].as_str().unwrap()), digest, "{name} {version}");
        assert_eq!(entry["urls"][0], format!("https://charts.example.com/stable/{file}"));
        assert_eq!(entry["created"], "2000-01-01T00:00:00Z");
    }

    let second = write_index("again");
    assert_eq!(fs::read(&first).unwrap(), fs::read(&second).unwrap(), "two runs must write the same index.yaml");
}

#[test]
fn one_chart_version_twice_is_refused() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let packages =
        vec![package_version(&sdk, tmp.path(), "demo", "0.1.0"), package_version(&sdk, tmp.path(), "demo", "0.1.0")];
    let request = IndexRequest {
        package_dirs: &packages,
        out_dir: &tmp.path().join("repo"),
        base_url: None,
        epoch: DEFAULT_EPOCH,
    };
    let error = index(&sdk, &request).unwrap_err();
    assert!(error.to_string().contains("two packages write demo-0.1.0.tgz"), "{error}");
}
