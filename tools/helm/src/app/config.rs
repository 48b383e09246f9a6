//! An app's ConfigMap: key/values and files, mounted as a directory or read as environment.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::ConfigMetadata;
use crate::origin::Origin;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    pub data: BTreeMap<String, String>,
    pub files: Vec<ConfigFile>,
    /// Where the ConfigMap is mounted; empty: its keys become environment variables.
    pub mount_path: String,
    /// Its keys become environment variables (it is not mounted).
    pub as_env: bool,
    /// The app's target and metadata file, for errors about the files' content.
    #[serde(skip)]
    pub location: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigFile {
    /// Key in the ConfigMap (the file name).
    pub name: String,
    /// Where the composer reads the content from.
    #[serde(skip)]
    pub source: std::path::PathBuf,
}

pub(super) fn config(meta: &ConfigMetadata, origin: &Origin) -> Result<Option<Config>, ComposeError> {
    if meta.data.is_empty() && meta.files.is_empty() {
        if !meta.mount_path.is_empty() {
            return Err(origin.error("config.mount_path", "is set but the ConfigMap has no data or files"));
        }
        return Ok(None);
    }
    let as_env = meta.mount_path.is_empty();
    let data_keys = meta.data.keys().map(|key| ("config.data", key));
    for (field, key) in data_keys.chain(meta.files.keys().map(|key| ("config.files", key))) {
        origin.check(field, checks::config_key(key))?;
        if as_env {
            origin.check(
                field,
                checks::env_name(key).map_err(|m| format!("{m}; set config_mount_path to mount it as a file")),
            )?;
        }
        if meta.data.contains_key(key) && meta.files.contains_key(key) {
            return Err(origin.error("config", format!("{key:?} is both a data key and a file name")));
        }
    }
    if !as_env {
        origin.check("config.mount_path", checks::mount_path(&meta.mount_path))?;
    }
    Ok(Some(Config {
        data: meta.data.clone(),
        files: meta
            .files
            .iter()
            .map(|(name, source)| ConfigFile { name: name.clone(), source: source.into() })
            .collect(),
        mount_path: meta.mount_path.clone(),
        as_env,
        location: origin.location(),
    }))
}

/// A byte order mark (U+FEFF in UTF-8), which Helm strips from the start of every chart file
/// it loads.
const UTF8_BOM: char = '\u{feff}';

impl Config {
    /// The content of one of its files, which the chart ships under files/<app>/ and the
    /// ConfigMap holds exactly. Refused, naming the field, when it is not UTF-8 text or begins
    /// with a byte order mark: Helm removes that mark when it loads the chart (from a
    /// directory or an archive alike), so the ConfigMap would hold the file without it.
    pub fn read_file(&self, file: &ConfigFile) -> Result<String, ComposeError> {
        let error = |message: String| ComposeError::InvalidField {
            location: self.location.clone(),
            field: "config.files".into(),
            message: format!("{:?} ({}) {message}", file.name, file.source.display()),
        };
        let content =
            std::fs::read_to_string(&file.source).map_err(|e| error(format!("cannot be read as UTF-8 text: {e}")))?;
        if content.starts_with(UTF8_BOM) {
            return Err(error(
                "begins with a byte order mark (U+FEFF), which Helm strips from every chart file it loads, so the \
                 ConfigMap would not hold the file as it is; save the file without it"
                    .into(),
            ));
        }
        Ok(content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The config of an app with one file `settings.conf` holding `content`, and its file.
    fn config_with(content: &[u8]) -> (Config, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("tempdir");
        let source = dir.path().join("settings.conf");
        std::fs::write(&source, content).expect("write");
        let meta = ConfigMetadata {
            files: [("settings.conf".to_string(), source.display().to_string())].into(),
            mount_path: "/etc/web".into(),
            ..Default::default()
        };
        let config =
            config(&meta, &Origin::new(Path::new("x.json"), "//x:web_metadata")).expect("valid").expect("some");
        (config, dir)
    }

    #[test]
    fn a_file_beginning_with_a_byte_order_mark_is_refused_naming_the_field() {
        let (config, dir) = config_with("\u{feff}a = 1\n".as_bytes());
        let error = config.read_file(&config.files[0]).expect_err("Helm would strip it").to_string();
        let error = error.replace(&dir.path().display().to_string(), "DIR");
        assert_eq!(
            error,
            "//x:web_metadata (x.json): field `config.files`: \"settings.conf\" (DIR/settings.conf) begins with a byte \
             order mark (U+FEFF), which Helm strips from every chart file it loads, so the ConfigMap would not hold \
             the file as it is; save the file without it"
        );
        // Anywhere else the character is content like any other, and arrives as it is.
        let (config, _dir) = config_with("a = 1\n\u{feff}b = 2\r\n".as_bytes());
        assert_eq!(config.read_file(&config.files[0]).expect("kept"), "a = 1\n\u{feff}b = 2\r\n");
        let (config, _dir) = config_with(b"\xff\xfe");
        let error = config.read_file(&config.files[0]).expect_err("not UTF-8").to_string();
        assert!(
            error.contains("field `config.files`: \"settings.conf\" (") && error.contains("cannot be read as UTF-8")
        );
    }
}
