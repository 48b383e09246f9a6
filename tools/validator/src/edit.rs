//! `--edit FILE:OLD=>NEW`: one small, named change to a copy of the chart. Failure tests
//! break a good chart (the golden sample, regenerated from the templates) with one edit each,
//! so the broken charts stay as current as the good one. An edit whose OLD text does not occur
//! exactly once is refused: the chart has changed and the test must be brought up to date.

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::error::ValidateError;

/// Replace the one occurrence of `old` in the chart file `file` by `new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub file: PathBuf,
    pub old: String,
    pub new: String,
}

impl Edit {
    /// `FILE:OLD=>NEW`: FILE relative to the chart directory, OLD non-empty and without `=>`.
    pub fn parse(spec: &str) -> Result<Edit, ValidateError> {
        let bad = |why: &str| ValidateError::Edit(format!("--edit {spec:?}: {why}"));
        let (file, change) = spec.split_once(':').ok_or_else(|| bad("not FILE:OLD=>NEW"))?;
        let (old, new) = change.split_once("=>").ok_or_else(|| bad("not FILE:OLD=>NEW"))?;
        let file = PathBuf::from(file);
        if file.as_os_str().is_empty() || !file.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(bad("FILE must be a path inside the chart directory"));
        }
        if old.is_empty() {
            return Err(bad("OLD is empty"));
        }
        Ok(Edit { file, old: old.to_string(), new: new.to_string() })
    }

    /// `text` with the one occurrence of OLD replaced.
    fn apply(&self, text: &str) -> Result<String, ValidateError> {
        match text.matches(&self.old).count() {
            1 => Ok(text.replacen(&self.old, &self.new, 1)),
            n => Err(ValidateError::Edit(format!(
                "{}: {:?} occurs {n} times, not once; update the edit to the chart",
                self.file.display(),
                self.old
            ))),
        }
    }
}

/// Copies the chart directory `chart` into `into` (following symlinks, as runfiles are) and
/// applies the edits, in order, to the copy. Returns the copy's chart directory.
pub fn edited_copy(chart: &Path, edits: &[Edit], into: &Path) -> Result<PathBuf, ValidateError> {
    let copy = into.join(chart.file_name().unwrap_or("chart".as_ref()));
    copy_dir(chart, &copy)?;
    for edit in edits {
        let path = copy.join(&edit.file);
        let text = fs::read_to_string(&path).map_err(|e| ValidateError::io(&path, e))?;
        fs::write(&path, edit.apply(&text)?).map_err(|e| ValidateError::io(&path, e))?;
        println!("edited {}: {:?} => {:?}", edit.file.display(), edit.old, edit.new);
    }
    Ok(copy)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), ValidateError> {
    fs::create_dir_all(to).map_err(|e| ValidateError::io(to, e))?;
    for entry in fs::read_dir(from).map_err(|e| ValidateError::io(from, e))? {
        let source = entry.map_err(|e| ValidateError::io(from, e))?.path();
        let target = to.join(source.file_name().unwrap_or_default());
        if fs::metadata(&source).map_err(|e| ValidateError::io(&source, e))?.is_dir() {
            copy_dir(&source, &target)?;
        } else {
            fs::copy(&source, &target).map_err(|e| ValidateError::io(&source, e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_file_old_and_new() {
        let edit = Edit::parse("templates/a.yaml:  port: 80=>  port: \"eighty\"").unwrap();
        assert_eq!(
            edit,
            Edit { file: "templates/a.yaml".into(), old: "  port: 80".into(), new: "  port: \"eighty\"".into() }
        );
        // NEW may be empty (a deletion) and may hold `=>` and `:`.
        let edit = Edit::parse("Chart.yaml:a: b\n=>").unwrap();
        assert_eq!((edit.old.as_str(), edit.new.as_str()), ("a: b\n", ""));
        assert_eq!(Edit::parse("f:x=>y=>z").unwrap().new, "y=>z");
    }

    #[test]
    fn refuses_malformed_edits() {
        for spec in ["no-colon", "f:no arrow", "f:=>empty old", ":x=>y", "../f:x=>y", "/etc/f:x=>y", "a/../../f:x=>y"] {
            let error = Edit::parse(spec).unwrap_err().to_string();
            assert!(error.starts_with("--edit"), "{spec}: {error}");
        }
    }

    #[test]
    fn applies_only_to_exactly_one_occurrence() {
        let edit = Edit::parse("f:b=>B").unwrap();
        assert_eq!(edit.apply("abc").unwrap(), "aBc");
        assert!(edit.apply("abcb").unwrap_err().to_string().contains("occurs 2 times"));
        assert!(edit.apply("ac").unwrap_err().to_string().contains("occurs 0 times"));
    }

    #[test]
    fn edits_a_copy_and_leaves_the_chart_alone() {
        let chart = tempfile::tempdir().unwrap();
        fs::create_dir(chart.path().join("templates")).unwrap();
        fs::write(chart.path().join("Chart.yaml"), "version: 1.2.3\n").unwrap();
        fs::write(chart.path().join("templates/a.yaml"), "port: 80\nname: a\n").unwrap();
        let into = tempfile::tempdir().unwrap();
        let edits = [
            Edit::parse("templates/a.yaml:port: 80=>port: eighty").unwrap(),
            Edit::parse("templates/a.yaml:eighty=>81").unwrap(),
        ];
        let copy = edited_copy(chart.path(), &edits, into.path()).unwrap();
        assert!(copy.starts_with(into.path()));
        assert_eq!(fs::read_to_string(copy.join("templates/a.yaml")).unwrap(), "port: 81\nname: a\n");
        assert_eq!(fs::read_to_string(copy.join("Chart.yaml")).unwrap(), "version: 1.2.3\n");
        assert_eq!(fs::read_to_string(chart.path().join("templates/a.yaml")).unwrap(), "port: 80\nname: a\n");
        let missing = [Edit::parse("templates/b.yaml:x=>y").unwrap()];
        assert!(edited_copy(chart.path(), &missing, tempfile::tempdir().unwrap().path()).is_err());
    }
}
