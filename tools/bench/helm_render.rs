//! The real Helm's in-process render of a chart directory, for the benchmark: loads Helm's Go
//! SDK (`libhelm_c.so`) through //tools/helm_sdk, loads the chart and renders it offline as
//! `helm template` does, and prints the number of manifests and their total size. Timed as a
//! whole process, as the composer is.
//!
//!   helm_render LIBHELM_C CHART_DIR

use std::path::Path;
use std::process::ExitCode;

use helm_sdk::{Chart, HelmSdk, RenderOptions};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: helm_render LIBHELM_C CHART_DIR");
        return ExitCode::from(2);
    }
    let rendered = HelmSdk::load(Path::new(&args[1])).and_then(|sdk| {
        let chart = Chart::load(&sdk, Path::new(&args[2]))?;
        let options = RenderOptions {
            kube_version: Some("v1.34.0".to_owned()),
            ..RenderOptions::default()
        };
        chart.render(None, &options)
    });
    match rendered {
        Ok(manifests) => {
            let bytes: usize = manifests.values().map(String::len).sum();
            println!("{} manifests, {} bytes", manifests.len(), bytes);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("helm_render: {error}");
            ExitCode::FAILURE
        }
    }
}
