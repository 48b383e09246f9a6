//! Staging: a copy of a chart directory whose files all carry one fixed mtime.
//!
//! Helm v4's `package` (measured on the SDK v4.2.3) already writes a gzip header without a
//! timestamp, members with uid/gid 0, no owner names and mode 0644, in its own fixed order;
//! the one thing it takes from the machine is each file's mtime (it ignores
//! SOURCE_DATE_EPOCH). Packaging a staged copy therefore makes Helm itself write a
//! byte-identical archive wherever and whenever the chart was built.

use std::fs;
use std::path::Path;

use crate::epoch::system_time;
use crate::error::ReleaseError;

/// Copies the chart directory `chart` to `dest` (which must not exist), following symlinks,
/// and sets the mtime of every copied file to `epoch` (seconds since 1970).
pub fn stage_chart(chart: &Path, dest: &Path, epoch: u64) -> Result<(), ReleaseError> {
    if !chart.join("Chart.yaml").is_file() {
        return Err(ReleaseError::Usage(format!("{} is not a chart directory (no Chart.yaml)", chart.display())));
    }
    copy_tree(chart, dest, epoch)
}

fn copy_tree(from: &Path, to: &Path, epoch: u64) -> Result<(), ReleaseError> {
    fs::create_dir(to).map_err(|e| ReleaseError::io(to, e))?;
    for entry in fs::read_dir(from).map_err(|e| ReleaseError::io(from, e))? {
        let entry = entry.map_err(|e| ReleaseError::io(from, e))?;
        let source = entry.path();
        let target = to.join(entry.file_name());
        // metadata() follows symlinks: Bazel may hand over a chart as links to its files.
        let metadata = fs::metadata(&source).map_err(|e| ReleaseError::io(&source, e))?;
        if metadata.is_dir() {
            copy_tree(&source, &target, epoch)?;
        } else {
            copy_file(&source, &target, epoch)?;
        }
    }
    Ok(())
}

fn copy_file(from: &Path, to: &Path, epoch: u64) -> Result<(), ReleaseError> {
    fs::copy(from, to).map_err(|e| ReleaseError::io(from, e))?;
    let file = fs::File::options().write(true).open(to).map_err(|e| ReleaseError::io(to, e))?;
    file.set_modified(system_time(epoch)).map_err(|e| ReleaseError::io(to, e))
}
