//! Writes a chart directory without ever destroying anything that is not a chart it wrote.
//!
//! Everything goes into a temporary sibling directory first, so a failure leaves no partial
//! chart. The destination must be missing, an empty directory (Bazel creates one for a
//! directory output) or a chart this composer wrote before; a file, a symlink or a directory
//! holding anything else is refused. An old chart is replaced by two renames; if the second
//! fails, the first is undone, and if even that fails the error says where the old chart is.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::ComposeError;
use crate::plan::Chart;
use phase_timing::Timings;

/// The Chart.yaml annotation every composed chart carries (see templates/Chart.yaml.hbs):
/// how a directory is recognised as a chart this composer wrote.
const COMPOSED_MARKER: &str = "helm-composer/apps:";

pub fn write_chart(chart: &Chart, destination: &Path) -> Result<(), ComposeError> {
    write_chart_timed(chart, destination, &mut Timings::default())
}

/// `write_chart`, recording the time of writing the files and of moving them into place.
pub fn write_chart_timed(chart: &Chart, destination: &Path, timings: &mut Timings) -> Result<(), ComposeError> {
    let existing = check_destination(destination)?;
    let parent = parent_of(destination);
    fs::create_dir_all(parent).map_err(|e| ComposeError::io(parent, e))?;
    let staging =
        tempfile::Builder::new().prefix(".chart-").tempdir_in(parent).map_err(|e| ComposeError::io(parent, e))?;
    timings.time("write files into a staging directory", || {
        let files = chart.files.iter().map(|(p, c)| (p.as_path(), c.as_bytes()));
        let vendored = chart.vendored.iter().map(|(p, c)| (p.as_path(), c.as_slice()));
        write_files(staging.path(), files.chain(vendored))
    })?;
    timings.time("move the chart into place (renames)", || match existing {
        Destination::Missing => rename(staging.path(), destination),
        Destination::EmptyDirectory => {
            fs::remove_dir(destination).map_err(|e| ComposeError::io(destination, e))?;
            rename(staging.path(), destination)
        }
        Destination::ComposedChart => replace_chart(staging.path(), destination),
    })?;
    // The staging directory now is the destination; nothing is left to clean up.
    let _ = staging.keep();
    Ok(())
}

/// Most threads writing files at once.
const MAX_WRITE_THREADS: usize = 4;

/// Writes each file under `root`: every directory first, once (a chart of 1,000 apps has
/// 5,000 files in a handful of directories), then the files on a few threads, as creating a
/// file is mostly kernel work. On failure the error of the first failing file (in `files`'
/// order) is returned.
fn write_files<'a>(root: &Path, files: impl Iterator<Item = (&'a Path, &'a [u8])>) -> Result<(), ComposeError> {
    let files: Vec<(PathBuf, &[u8])> = files.map(|(relative, content)| (root.join(relative), content)).collect();
    let dirs: std::collections::BTreeSet<&Path> = files.iter().filter_map(|(path, _)| path.parent()).collect();
    for dir in dirs {
        fs::create_dir_all(dir).map_err(|e| ComposeError::io(dir, e))?;
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_WRITE_THREADS);
    let next = AtomicUsize::new(0);
    let work = || -> Option<(usize, ComposeError)> {
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let (path, content) = files.get(index)?;
            if let Err(e) = fs::write(path, content) {
                // Later files are left unwritten: the staging directory is deleted anyway.
                next.store(files.len(), Ordering::Relaxed);
                return Some((index, ComposeError::io(path, e)));
            }
        }
    };
    let failed = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads.min(files.len())).map(|_| scope.spawn(work)).collect();
        let mut failed: Vec<(usize, ComposeError)> = work().into_iter().collect();
        for helper in helpers {
            failed.extend(helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        failed
    });
    match failed.into_iter().min_by_key(|(index, _)| *index) {
        Some((_, error)) => Err(error),
        None => Ok(()),
    }
}

/// What is at the output path before writing.
#[derive(Debug, PartialEq)]
enum Destination {
    Missing,
    EmptyDirectory,
    ComposedChart,
}

fn check_destination(destination: &Path) -> Result<Destination, ComposeError> {
    let refuse = |reason: &str| ComposeError::RefusedOutput { path: destination.to_path_buf(), reason: reason.into() };
    let metadata = match fs::symlink_metadata(destination) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Destination::Missing),
        Err(e) => return Err(ComposeError::io(destination, e)),
    };
    if metadata.file_type().is_symlink() {
        return Err(refuse("is a symbolic link; give the directory it points to, or a new path"));
    }
    if !metadata.is_dir() {
        return Err(refuse("is a file, not a chart directory"));
    }
    let mut entries = fs::read_dir(destination).map_err(|e| ComposeError::io(destination, e))?;
    if entries.next().is_none() {
        return Ok(Destination::EmptyDirectory);
    }
    if is_composed_chart(destination) {
        Ok(Destination::ComposedChart)
    } else {
        Err(refuse("is a directory that holds files but no chart written by the composer; it is left as it is"))
    }
}

fn is_composed_chart(dir: &Path) -> bool {
    fs::read_to_string(dir.join("Chart.yaml"))
        .is_ok_and(|text| text.lines().any(|l| l.trim_start().starts_with(COMPOSED_MARKER)))
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn rename(from: &Path, to: &Path) -> Result<(), ComposeError> {
    fs::rename(from, to).map_err(|e| ComposeError::io(to, e))
}

/// Moves the old chart aside, the new one in, then deletes the old one; on failure the old
/// chart goes back where it was.
fn replace_chart(staged: &Path, destination: &Path) -> Result<(), ComposeError> {
    let backup = backup_path(staged);
    rename(destination, &backup)?;
    if let Err(error) = rename(staged, destination) {
        return Err(match fs::rename(&backup, destination) {
            Ok(()) => error,
            Err(_) => {
                ComposeError::OldChartMoved { path: destination.to_path_buf(), kept_at: backup, cause: Box::new(error) }
            }
        });
    }
    fs::remove_dir_all(&backup).map_err(|e| ComposeError::io(&backup, e))
}

fn backup_path(staged: &Path) -> PathBuf {
    staged.with_extension("old")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(marker: &str) -> Chart {
        let mut chart = Chart::default();
        chart.files.insert("Chart.yaml".into(), format!("name: x\nannotations:\n  {marker} \"a:worker\"\n"));
        chart.files.insert("templates/a.yaml".into(), "kind: ConfigMap\n".into());
        chart
    }

    fn composed() -> Chart {
        chart(COMPOSED_MARKER)
    }

    fn error_of(result: Result<(), ComposeError>) -> String {
        result.expect_err("must be refused").to_string()
    }

    #[test]
    fn writes_into_a_missing_or_empty_directory_and_replaces_its_own_chart() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("chart");
        write_chart(&composed(), &out).unwrap();
        assert!(out.join("templates/a.yaml").is_file());
        fs::write(out.join("templates/stale.yaml"), "old").unwrap();
        write_chart(&composed(), &out).unwrap();
        assert!(!out.join("templates/stale.yaml").exists(), "the old chart is replaced as a whole");
        let empty = dir.path().join("empty");
        fs::create_dir(&empty).unwrap();
        write_chart(&composed(), &empty).unwrap();
        assert!(empty.join("Chart.yaml").is_file());
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers.len(), 2, "no staging or backup directory is left: {leftovers:?}");
    }

    #[test]
    fn never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("notes.txt");
        fs::write(&file, "mine").unwrap();
        assert!(error_of(write_chart(&composed(), &file)).contains("is a file, not a chart directory"));
        assert_eq!(fs::read_to_string(&file).unwrap(), "mine");
    }

    #[test]
    fn never_replaces_a_directory_of_other_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("BUILD.bazel"), "mine").unwrap();
        let error = error_of(write_chart(&composed(), dir.path()));
        assert!(error.contains("holds files but no chart written by the composer"), "{error}");
        assert_eq!(fs::read_to_string(dir.path().join("BUILD.bazel")).unwrap(), "mine");
        // A hand-written chart (no composer annotation) is somebody's work too.
        fs::write(dir.path().join("Chart.yaml"), "apiVersion: v2\nname: mine\n").unwrap();
        assert!(error_of(write_chart(&composed(), dir.path())).contains("no chart written by the composer"));
    }

    #[test]
    fn never_follows_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        write_chart(&composed(), &target).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(error_of(write_chart(&composed(), &link)).contains("is a symbolic link"));
        assert!(target.join("Chart.yaml").is_file() && fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    }

    #[test]
    fn a_failed_replacement_restores_the_old_chart() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("chart");
        write_chart(&composed(), &out).unwrap();
        let staged = dir.path().join(".chart-missing");
        let error = replace_chart(&staged, &out).expect_err("nothing staged to move in");
        assert!(matches!(error, ComposeError::Io { .. }), "{error}");
        assert!(out.join("templates/a.yaml").is_file(), "the old chart is back in place");
        assert!(!backup_path(&staged).exists());
    }

    #[test]
    fn a_destination_that_cannot_be_examined_is_an_error_about_it_not_a_missing_one() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("notes.txt");
        fs::write(&file, "mine").unwrap();
        // Below a file: not "missing" (NotFound) but "not a directory".
        let below = file.join("chart");
        let error = write_chart(&composed(), &below).expect_err("cannot write below a file");
        assert!(matches!(&error, ComposeError::Io { path, .. } if path == &below), "{error}");
        assert_eq!(fs::read_to_string(&file).unwrap(), "mine");
    }

    #[test]
    fn the_staging_directory_is_a_sibling_of_the_destination() {
        assert_eq!(parent_of(Path::new("/out/chart")), Path::new("/out"));
        assert_eq!(parent_of(Path::new("out/chart")), Path::new("out"));
        assert_eq!(parent_of(Path::new("chart")), Path::new("."));
        assert_eq!(backup_path(Path::new("/out/.chart-x1")), Path::new("/out/.chart-x1.old"));
    }

    #[test]
    fn files_are_written_below_the_staging_directory_with_their_content() {
        let dir = tempfile::tempdir().unwrap();
        let files = [(Path::new("a/b.yaml"), b"b".as_slice()), (Path::new("c.txt"), b"c".as_slice())];
        write_files(dir.path(), files.into_iter()).unwrap();
        assert_eq!(fs::read_to_string(dir.path().join("a/b.yaml")).unwrap(), "b");
        assert_eq!(fs::read_to_string(dir.path().join("c.txt")).unwrap(), "c");
        // A file where a directory must go: the first failing file is reported.
        let error = write_files(dir.path(), [(Path::new("c.txt/d"), b"d".as_slice())].into_iter()).unwrap_err();
        assert!(matches!(&error, ComposeError::Io { path, .. } if path == &dir.path().join("c.txt")), "{error}");
    }
}
