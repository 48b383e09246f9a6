//! Charts in git: the update writes them, the check passes on a current copy and fails on a
//! stale one (with the diff and the fixing command) and on changed content under an
//! unchanged version, which the update refuses as well.

mod support;

use std::fs;
use std::path::Path;

use chart_release::sync::{check, update, BuiltChart, ChartsDir};
use chart_release::ReleaseError;
use support::{sdk, write, write_chart};
use tempfile::TempDir;

const UPDATE: &str = "tools/bazel run //charts:update";

fn charts_dir(path: &Path) -> ChartsDir<'_> {
    ChartsDir { path, display: "charts", update_command: UPDATE }
}

fn built(dir: &Path) -> Vec<BuiltChart> {
    vec![BuiltChart { label: "//demo:chart".into(), dir: dir.to_path_buf() }]
}

fn out_of_date(result: Result<impl std::fmt::Debug, ReleaseError>) -> String {
    match result {
        Err(ReleaseError::OutOfDate(report)) => report,
        other => panic!("expected the charts to be out of date, got {other:?}"),
    }
}

fn set_version(chart: &Path, version: &str) {
    let text =
        fs::read_to_string(chart.join("Chart.yaml")).unwrap().replace("version: 0.1.0", &format!("version: {version}"));
    write(&chart.join("Chart.yaml"), &text);
}

#[test]
fn update_then_check_then_stale_then_version_not_bumped() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let build = write_chart(&tmp.path().join("build"));
    let git = tmp.path().join("charts");
    fs::create_dir(&git).unwrap();
    let dir = charts_dir(&git);

    let missing = out_of_date(check(&sdk, &dir, &built(&build)));
    assert!(missing.contains("charts/demo is missing: //demo:chart is listed for it"), "{missing}");

    assert_eq!(update(&sdk, &dir, &built(&build)).unwrap(), ["wrote charts/demo 0.1.0 from //demo:chart"]);
    assert_eq!(
        fs::read(git.join("demo/templates/job.yaml")).unwrap(),
        fs::read(build.join("templates/job.yaml")).unwrap()
    );
    assert_eq!(check(&sdk, &dir, &built(&build)).unwrap(), "1 chart(s) in charts match the build");

    // Content changed, version not: both the check and the update refuse, naming the reason.
    write(&build.join("values.yaml"), "greeting: hi\n");
    write(&build.join("templates/extra.yaml"), "# nothing\n");
    let report = out_of_date(check(&sdk, &dir, &built(&build)));
    assert!(report.contains("charts/demo differs from //demo:chart:"), "{report}");
    assert!(report.contains("-greeting: hello\n    +greeting: hi\n"), "{report}");
    assert!(report.contains("only in the build: templates/extra.yaml"), "{report}");
    assert!(
        report.contains("The content changed but the version was not bumped: //demo:chart and charts/demo/Chart.yaml both say version 0.1.0"),
        "{report}"
    );
    let refused = out_of_date(update(&sdk, &dir, &built(&build)));
    assert!(
        refused.contains("Bump chart_version of //demo:chart, then run `tools/bazel run //charts:update`"),
        "{refused}"
    );
    assert_eq!(fs::read_to_string(git.join("demo/values.yaml")).unwrap(), "greeting: hello\n", "nothing written");

    // With a new version the chart is only stale, and the update fixes it.
    set_version(&build, "0.2.0");
    let stale = out_of_date(check(&sdk, &dir, &built(&build)));
    assert!(stale.contains("Run `tools/bazel run //charts:update` to update it."), "{stale}");
    assert!(!stale.contains("was not bumped"), "{stale}");
    update(&sdk, &dir, &built(&build)).unwrap();
    check(&sdk, &dir, &built(&build)).unwrap();
    assert!(!git.join(".demo.old").exists() && !git.join(".demo.partial").exists());

    // A file only in git is a difference too.
    write(&git.join("demo/stray.txt"), "x\n");
    let stray = out_of_date(check(&sdk, &dir, &built(&build)));
    assert!(stray.contains("only in charts/demo: stray.txt"), "{stray}");
}

#[test]
fn update_never_replaces_a_directory_that_is_not_a_chart() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let build = write_chart(&tmp.path().join("build"));
    let git = tmp.path().join("charts");
    write(&git.join("demo/notes.txt"), "mine\n");
    let error = update(&sdk, &charts_dir(&git), &built(&build)).unwrap_err();
    assert!(error.to_string().contains("exists but is not a chart (no Chart.yaml): not replacing it"), "{error}");
    assert_eq!(fs::read_to_string(git.join("demo/notes.txt")).unwrap(), "mine\n");
}

#[test]
fn two_charts_are_kept_side_by_side_but_never_in_one_directory() {
    let sdk = sdk();
    let tmp = TempDir::new().unwrap();
    let demo = write_chart(&tmp.path().join("a"));
    let other = write_chart(&tmp.path().join("b"));
    let text = fs::read_to_string(other.join("Chart.yaml")).unwrap().replace("name: demo", "name: other");
    write(&other.join("Chart.yaml"), &text);
    let git = tmp.path().join("charts");
    fs::create_dir(&git).unwrap();
    let both = vec![
        BuiltChart { label: "//demo:chart".into(), dir: demo.clone() },
        BuiltChart { label: "//other:chart".into(), dir: other },
    ];
    let written = update(&sdk, &charts_dir(&git), &both).unwrap();
    assert_eq!(written, ["wrote charts/demo 0.1.0 from //demo:chart", "wrote charts/other 0.1.0 from //other:chart"]);
    assert_eq!(check(&sdk, &charts_dir(&git), &both).unwrap(), "2 chart(s) in charts match the build");

    let twice = vec![both[0].clone(), BuiltChart { label: "//copy:chart".into(), dir: demo }];
    let error = check(&sdk, &charts_dir(&git), &twice).unwrap_err();
    assert_eq!(error.to_string(), "//demo:chart and //copy:chart both write charts/demo");
}
