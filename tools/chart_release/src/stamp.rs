//! Bazel's workspace status files (`--stamp`): `KEY value` per line.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use crate::error::ReleaseError;

/// Every key of the given status files (stable-status.txt, volatile-status.txt); a key in a
/// later file wins.
pub fn read_status(files: &[PathBuf]) -> Result<BTreeMap<String, String>, ReleaseError> {
    let mut status = BTreeMap::new();
    for file in files {
        let text = fs::read_to_string(file).map_err(|e| ReleaseError::io(file, e))?;
        for line in text.lines() {
            let (key, value) = line.split_once(' ').unwrap_or((line, ""));
            if !key.is_empty() {
                status.insert(key.to_string(), value.trim().to_string());
            }
        }
    }
    Ok(status)
}

/// An epoch from the status value of `key`, when present; an unparsable value is an error
/// rather than a silent fallback, so a release never gets the default date by accident.
pub fn epoch(status: &BTreeMap<String, String>, key: &str) -> Result<Option<u64>, ReleaseError> {
    status
        .get(key)
        .map(|v| {
            v.parse().map_err(|_| ReleaseError::Usage(format!("workspace status {key}={v} is not seconds since 1970")))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_epochs() {
        let dir = tempfile::tempdir().unwrap();
        let (stable, volatile) = (dir.path().join("stable"), dir.path().join("volatile"));
        fs::write(&stable, "STABLE_CHART_VERSION 1.2.3\nSTABLE_SOURCE_DATE_EPOCH 1700000000\nEMPTY\n").unwrap();
        fs::write(&volatile, "BUILD_TIMESTAMP 1800000000\nSTABLE_CHART_VERSION 9.9.9\n").unwrap();
        let status = read_status(&[stable, volatile]).unwrap();
        assert_eq!(status["STABLE_CHART_VERSION"], "9.9.9", "a later file wins");
        assert_eq!(status["EMPTY"], "");
        assert_eq!(epoch(&status, "STABLE_SOURCE_DATE_EPOCH").unwrap(), Some(1_700_000_000));
        assert_eq!(epoch(&status, "MISSING").unwrap(), None);
        let error = epoch(&status, "STABLE_CHART_VERSION").unwrap_err();
        assert!(error.to_string().contains("is not seconds since 1970"), "{error}");
    }
}
