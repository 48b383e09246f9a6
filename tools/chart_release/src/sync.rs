//! Charts kept in git (`charts/<name>/`): `//charts:update` writes them from the build and
//! `//charts:up_to_date_test` fails when one differs from the build, printing the diff and
//! the command that fixes it. Like chart-testing's version check, a chart whose content
//! changed while its version stayed the same is refused by both: a GitOps tool would
//! otherwise see new content under an old version.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use helm_sdk::{Chart, HelmSdk};

use crate::diff::unified;
use crate::error::ReleaseError;

/// A chart from the build and the target that builds it (named in messages).
#[derive(Clone, Debug)]
pub struct BuiltChart {
    pub label: String,
    pub dir: PathBuf,
}

/// The checked-in charts directory.
#[derive(Debug)]
pub struct ChartsDir<'a> {
    /// Where it is on disk.
    pub path: &'a Path,
    /// How messages name it (its workspace path, e.g. `charts`).
    pub display: &'a str,
    /// The command that rewrites it, for messages.
    pub update_command: &'a str,
}

enum Difference {
    OnlyInBuild(String),
    OnlyCheckedIn(String),
    Changed { path: String, old: Vec<u8>, new: Vec<u8> },
}

/// One built chart against its checked-in copy.
struct Comparison {
    label: String,
    /// `charts/<name>` as messages show it.
    shown: String,
    target: PathBuf,
    built_version: String,
    checked_in_version: Option<String>,
    exists: bool,
    differences: Vec<Difference>,
}

impl Comparison {
    fn is_current(&self) -> bool {
        self.differences.is_empty()
    }

    /// Content changed, version did not.
    fn version_not_bumped(&self) -> bool {
        !self.is_current() && self.checked_in_version.as_deref() == Some(self.built_version.as_str())
    }
}

/// Fails with every out-of-date chart's report; returns a summary when all are current.
pub fn check(sdk: &HelmSdk, dir: &ChartsDir, charts: &[BuiltChart]) -> Result<String, ReleaseError> {
    let comparisons = compare_all(sdk, dir, charts)?;
    let stale: Vec<String> = comparisons.iter().filter(|c| !c.is_current()).map(|c| report(c, dir)).collect();
    if stale.is_empty() {
        Ok(format!("{} chart(s) in {} match the build", comparisons.len(), dir.display))
    } else {
        Err(ReleaseError::OutOfDate(stale.join("\n")))
    }
}

/// Writes every out-of-date chart; refuses all of them (writing none) when one changed
/// without a new version. Returns what it did, one line per chart.
pub fn update(sdk: &HelmSdk, dir: &ChartsDir, charts: &[BuiltChart]) -> Result<Vec<String>, ReleaseError> {
    let comparisons = compare_all(sdk, dir, charts)?;
    let refused: Vec<String> = comparisons.iter().filter(|c| c.version_not_bumped()).map(|c| report(c, dir)).collect();
    if !refused.is_empty() {
        return Err(ReleaseError::OutOfDate(refused.join("\n")));
    }
    let mut done = Vec::new();
    for (comparison, chart) in comparisons.iter().zip(charts) {
        if comparison.is_current() {
            done.push(format!("{} is up to date ({})", comparison.shown, comparison.built_version));
        } else {
            replace_dir(&chart.dir, &comparison.target)?;
            done.push(format!("wrote {} {} from {}", comparison.shown, comparison.built_version, comparison.label));
        }
    }
    Ok(done)
}

fn compare_all(sdk: &HelmSdk, dir: &ChartsDir, charts: &[BuiltChart]) -> Result<Vec<Comparison>, ReleaseError> {
    let comparisons: Vec<Comparison> = charts.iter().map(|c| compare(sdk, dir, c)).collect::<Result<_, _>>()?;
    for (i, a) in comparisons.iter().enumerate() {
        if let Some(b) = comparisons[..i].iter().find(|b| b.target == a.target) {
            return Err(ReleaseError::Usage(format!("{} and {} both write {}", b.label, a.label, a.shown)));
        }
    }
    Ok(comparisons)
}

fn compare(sdk: &HelmSdk, dir: &ChartsDir, chart: &BuiltChart) -> Result<Comparison, ReleaseError> {
    let built = Chart::load(sdk, &chart.dir).map_err(ReleaseError::helm(format!("loading {}", chart.label)))?;
    let metadata = built.metadata().map_err(ReleaseError::helm(format!("reading {}", chart.label)))?;
    let target = dir.path.join(&metadata.name);
    let exists = target.exists();
    // A checked-in chart Helm cannot load has no version to compare: it is only stale.
    let checked_in_version = target
        .join("Chart.yaml")
        .is_file()
        .then(|| Chart::load(sdk, &target).and_then(|c| c.metadata()).ok().map(|m| m.version))
        .flatten();
    let old = if exists { read_tree(&target)? } else { BTreeMap::new() };
    let differences = differences(old, read_tree(&chart.dir)?);
    Ok(Comparison {
        label: chart.label.clone(),
        shown: format!("{}/{}", dir.display, metadata.name),
        target,
        built_version: metadata.version,
        checked_in_version,
        exists,
        differences,
    })
}

fn differences(mut old: BTreeMap<String, Vec<u8>>, new: BTreeMap<String, Vec<u8>>) -> Vec<Difference> {
    let mut found = Vec::new();
    for (path, content) in new {
        match old.remove(&path) {
            None => found.push(Difference::OnlyInBuild(path)),
            Some(previous) if previous != content => {
                found.push(Difference::Changed { path, old: previous, new: content })
            }
            Some(_) => {}
        }
    }
    found.extend(old.into_keys().map(Difference::OnlyCheckedIn));
    found
}

fn report(comparison: &Comparison, dir: &ChartsDir) -> String {
    let (shown, label) = (&comparison.shown, &comparison.label);
    if !comparison.exists {
        return format!("{shown} is missing: {label} is listed for it. Run `{}` to write it.\n", dir.update_command);
    }
    let mut text = format!("{shown} differs from {label}:\n");
    for difference in &comparison.differences {
        text.push_str(&describe(difference, shown));
    }
    if comparison.version_not_bumped() {
        text.push_str(&format!(
            "The content changed but the version was not bumped: {label} and {shown}/Chart.yaml both say version \
             {}, and a changed chart needs a new version. Bump chart_version of {label}, then run `{}`.\n",
            comparison.built_version, dir.update_command
        ));
    } else {
        text.push_str(&format!("Run `{}` to update it.\n", dir.update_command));
    }
    text
}

fn describe(difference: &Difference, shown: &str) -> String {
    match difference {
        Difference::OnlyInBuild(path) => format!("  only in the build: {path}\n"),
        Difference::OnlyCheckedIn(path) => format!("  only in {shown}: {path}\n"),
        Difference::Changed { path, old, new } => match (std::str::from_utf8(old), std::str::from_utf8(new)) {
            (Ok(old), Ok(new)) => {
                format!("  changed {path} (- {shown}, + build):\n{}", indent(&unified(old, new, 2, 60)))
            }
            _ => format!("  changed {path} (binary)\n"),
        },
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

/// Every file under `dir`, by `/`-separated relative path.
fn read_tree(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, ReleaseError> {
    let mut files = BTreeMap::new();
    collect(dir, "", &mut files)?;
    Ok(files)
}

fn collect(dir: &Path, prefix: &str, files: &mut BTreeMap<String, Vec<u8>>) -> Result<(), ReleaseError> {
    for entry in fs::read_dir(dir).map_err(|e| ReleaseError::io(dir, e))? {
        let path = entry.map_err(|e| ReleaseError::io(dir, e))?.path();
        let name = format!("{prefix}{}", path.file_name().unwrap_or_default().to_string_lossy());
        if fs::metadata(&path).map_err(|e| ReleaseError::io(&path, e))?.is_dir() {
            collect(&path, &format!("{name}/"), files)?;
        } else {
            files.insert(name, fs::read(&path).map_err(|e| ReleaseError::io(&path, e))?);
        }
    }
    Ok(())
}

/// Replaces `target` by a copy of `source`: the copy is made beside it first, so a failure
/// leaves the old chart in place. Only a chart directory is ever replaced.
fn replace_dir(source: &Path, target: &Path) -> Result<(), ReleaseError> {
    if target.exists() && !target.join("Chart.yaml").is_file() {
        return Err(ReleaseError::Usage(format!(
            "{} exists but is not a chart (no Chart.yaml): not replacing it",
            target.display()
        )));
    }
    let parent = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().unwrap_or_default().to_string_lossy().into_owned();
    let (partial, old) = (parent.join(format!(".{name}.partial")), parent.join(format!(".{name}.old")));
    for leftover in [&partial, &old] {
        if leftover.exists() {
            fs::remove_dir_all(leftover).map_err(|e| ReleaseError::io(leftover, e))?;
        }
    }
    copy_tree(source, &partial)?;
    if target.exists() {
        fs::rename(target, &old).map_err(|e| ReleaseError::io(target, e))?;
    }
    fs::rename(&partial, target).map_err(|e| ReleaseError::io(target, e))?;
    if old.exists() {
        fs::remove_dir_all(&old).map_err(|e| ReleaseError::io(&old, e))?;
    }
    Ok(())
}

/// Copies a tree as plain files: Bazel's outputs are read-only, files in git should not be.
fn copy_tree(from: &Path, to: &Path) -> Result<(), ReleaseError> {
    fs::create_dir_all(to).map_err(|e| ReleaseError::io(to, e))?;
    for (path, content) in read_tree(from)? {
        let file = to.join(&path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent).map_err(|e| ReleaseError::io(parent, e))?;
        }
        fs::write(&file, content).map_err(|e| ReleaseError::io(&file, e))?;
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).map_err(|e| ReleaseError::io(&file, e))?;
    }
    Ok(())
}
