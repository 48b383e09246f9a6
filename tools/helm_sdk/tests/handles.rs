//! The leak gate: every handle the binding creates is freed. Its own test binary, so no
//! other test creates handles while this one counts them.

mod support;

use helm_sdk::{Chart, RegistryClient, RegistryClientOptions, RenderOptions};
use support::{sdk, write_demo_chart};
use tempfile::TempDir;

#[test]
fn handles_are_freed_on_drop() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let dir = write_demo_chart(tmp.path());
    let start = sdk.open_handles_count();

    {
        let chart = Chart::load(&sdk, &dir).unwrap();
        let archived = Chart::load_archive(&sdk, &std::fs::read(chart.save(tmp.path()).unwrap()).unwrap()).unwrap();
        let client = RegistryClient::new(&sdk, &RegistryClientOptions::default()).unwrap();
        let other = RegistryClient::new(&sdk, &RegistryClientOptions::default()).unwrap();
        assert_eq!(sdk.open_handles_count(), start + 4);
        drop((archived, client, other));
        assert_eq!(sdk.open_handles_count(), start + 1);
        chart.metadata().unwrap();
    }
    assert_eq!(sdk.open_handles_count(), start);

    // Rendering consumes the chart and frees it, whether it succeeds or fails.
    Chart::load(&sdk, &dir).unwrap().render(None, &RenderOptions::default()).unwrap();
    Chart::load(&sdk, &dir).unwrap().render(Some(&serde_json::json!([1])), &RenderOptions::default()).unwrap_err();
    // Failed loads leave nothing behind.
    Chart::load(&sdk, &tmp.path().join("missing")).unwrap_err();
    Chart::load_archive(&sdk, b"garbage").unwrap_err();
    assert_eq!(sdk.open_handles_count(), start);
}
