//! Subcharts of an umbrella chart, read through Helm (`tools/helm_sdk`): a chart directory (a
//! `helm_chart` target) or a chart archive. Helm loads each one, so "not a chart" is Helm's
//! own verdict; its files are then copied verbatim into the umbrella's `charts/<name>/`.
//!
//! Everything else about the subchart the plan needs comes from here: its name and version
//! (checked against the pin), and, for a chart this composer wrote, its apps (from the
//! `helm-composer/apps` annotation) and the values of its environments (its
//! `values-<env>.yaml`, read with Helm's own YAML reader).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use helm_sdk::{Chart, HelmSdk};
use serde_json::Value;

use crate::checks;
use crate::error::ComposeError;
use crate::model::SubchartSpec;
use crate::origin::Origin;

/// The Chart.yaml annotation listing a composed chart's apps as `name:type` pairs.
pub const APPS_ANNOTATION: &str = "helm-composer/apps";
/// How deep a subchart's own directory tree may go (its nested `charts/` included); deeper
/// is a loop of directory links, not a chart.
const MAX_DEPTH: usize = 32;

/// One loaded subchart.
#[derive(Debug, Clone, PartialEq)]
pub struct Subchart {
    /// The Bazel target, for errors.
    pub target: String,
    /// `name` of its Chart.yaml: the directory under `charts/` and the dependency's name.
    pub name: String,
    pub version: String,
    /// Name the umbrella gives it, when not its own.
    pub alias: Option<String>,
    pub description: String,
    /// `application` or `library`.
    pub chart_type: String,
    /// Apps of a chart composed by this composer, as (name, type); empty for any other chart.
    pub apps: Vec<(String, String)>,
    /// Whether this composer wrote the chart (it carries the apps annotation).
    pub composed: bool,
    /// Environment name -> the values of its `values-<env>.yaml`, for a composed chart.
    pub environments: BTreeMap<String, Value>,
    /// Every file of the chart, relative to its root, as it is.
    pub files: BTreeMap<PathBuf, Vec<u8>>,
}

impl Subchart {
    /// Its key in the umbrella's values (and the name it renders under): the alias, else its name.
    pub fn key(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }
}

/// Loads every subchart with the Helm library at `library`.
pub fn load_all(library: &Path, specs: &[SubchartSpec]) -> Result<Vec<Subchart>, ComposeError> {
    if specs.is_empty() {
        return Ok(Vec::new());
    }
    let sdk = HelmSdk::load(library)
        .map_err(|e| ComposeError::HelmLibrary { path: library.to_path_buf(), message: e.to_string() })?;
    specs.iter().map(|spec| load(&sdk, spec)).collect()
}

/// Checks the spec's own fields, then has Helm load the chart and reads it.
pub fn load(sdk: &HelmSdk, spec: &SubchartSpec) -> Result<Subchart, ComposeError> {
    let path = Path::new(&spec.path);
    let origin = Origin::new(path, &spec.target);
    if !spec.alias.is_empty() {
        origin.check("alias", checks::dns1123_label(&spec.alias))?;
    }
    if !spec.version.is_empty() {
        origin.check("version", checks::semver(&spec.version))?;
    }
    let not_a_chart = |why: String| origin.error("path", format!("is not a Helm chart: {why}"));
    let scratch = tempfile::tempdir().map_err(|e| ComposeError::io(std::env::temp_dir(), e))?;
    let files = if path.is_dir() {
        read_tree(path, &origin)?
    } else {
        // An archive: Helm unpacks it (with its own path checks) into `<dir>/<chart name>/`.
        sdk.chart_expand(path, scratch.path()).map_err(|e| not_a_chart(e.to_string()))?;
        let unpacked = fs::read_dir(scratch.path())
            .map_err(|e| ComposeError::io(scratch.path(), e))?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .find(|p| p.is_dir())
            .ok_or_else(|| not_a_chart("the archive holds no chart directory".into()))?;
        read_tree(&unpacked, &origin)?
    };
    // Helm judges the files as they will be vendored, from a copy: in Bazel's sandbox a
    // chart directory's files are links, and Helm logs every link it follows.
    let copy = scratch.path().join("vendored");
    for (relative, content) in &files {
        let file = copy.join(relative);
        if let Some(dir) = file.parent() {
            fs::create_dir_all(dir).map_err(|e| ComposeError::io(dir, e))?;
        }
        fs::write(&file, content).map_err(|e| ComposeError::io(&file, e))?;
    }
    let metadata = Chart::load(sdk, &copy).and_then(|c| c.metadata()).map_err(|e| not_a_chart(e.to_string()))?;
    // Helm loads charts it would refuse to install (a name that is no label, a version that
    // is no SemVer): the umbrella's Chart.yaml and charts/ directory need both.
    origin.check("path", checks::dns1123_label(&metadata.name).map_err(|m| format!("its Chart.yaml name {m}")))?;
    origin.check("path", checks::semver(&metadata.version).map_err(|m| format!("its Chart.yaml version {m}")))?;
    if !spec.version.is_empty() && spec.version != metadata.version {
        return Err(origin.error(
            "version",
            format!(
                "pins {} but the chart {:?} is version {}; pin the version the chart has, or change the chart",
                spec.version, metadata.name, metadata.version
            ),
        ));
    }
    let composed = metadata.annotations.contains_key(APPS_ANNOTATION);
    let apps = metadata.annotations.get(APPS_ANNOTATION).map(|list| parse_apps(list)).unwrap_or_default();
    let environments = if composed { environment_values(sdk, &files, &origin)? } else { BTreeMap::new() };
    Ok(Subchart {
        target: spec.target.clone(),
        name: metadata.name,
        version: metadata.version,
        alias: Some(spec.alias.clone()).filter(|a| !a.is_empty()),
        description: metadata.description.unwrap_or_default(),
        chart_type: metadata.chart_type.unwrap_or_else(|| "application".into()),
        apps,
        composed,
        environments,
        files,
    })
}

/// `a:worker,b:internal-api` -> [(a, worker), (b, internal-api)].
fn parse_apps(list: &str) -> Vec<(String, String)> {
    list.split(',')
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let (name, app_type) = entry.split_once(':').unwrap_or((entry, ""));
            (name.to_string(), app_type.to_string())
        })
        .collect()
}

/// The values of each `values-<env>.yaml` at the chart's root, read by Helm.
fn environment_values(
    sdk: &HelmSdk,
    files: &BTreeMap<PathBuf, Vec<u8>>,
    origin: &Origin,
) -> Result<BTreeMap<String, Value>, ComposeError> {
    let mut environments = BTreeMap::new();
    for (path, content) in files {
        let Some(name) = path.to_str().and_then(|p| p.strip_prefix("values-")).and_then(|p| p.strip_suffix(".yaml"))
        else {
            continue;
        };
        let field = format!("values-{name}.yaml");
        let text = std::str::from_utf8(content).map_err(|e| origin.error(&field, format!("is not UTF-8: {e}")))?;
        let values = sdk.values_from_yaml(text).map_err(|e| origin.error(&field, e.to_string()))?;
        environments.insert(name.to_string(), values);
    }
    Ok(environments)
}

/// Every file under `root`, by path relative to it. Links are followed (Bazel stages inputs
/// as links), to a bounded depth.
fn read_tree(root: &Path, origin: &Origin) -> Result<BTreeMap<PathBuf, Vec<u8>>, ComposeError> {
    let mut files = BTreeMap::new();
    let mut pending = vec![(root.to_path_buf(), 0)];
    while let Some((dir, depth)) = pending.pop() {
        if depth > MAX_DEPTH {
            return Err(
                origin.error("path", format!("{} is nested deeper than {MAX_DEPTH} directories", dir.display()))
            );
        }
        for entry in fs::read_dir(&dir).map_err(|e| ComposeError::io(&dir, e))? {
            let path = entry.map_err(|e| ComposeError::io(&dir, e))?.path();
            if fs::metadata(&path).map_err(|e| ComposeError::io(&path, e))?.is_dir() {
                pending.push((path, depth + 1));
                continue;
            }
            let content = fs::read(&path).map_err(|e| ComposeError::io(&path, e))?;
            let relative = path.strip_prefix(root).map_err(|_| origin.error("path", "walked outside the chart"))?;
            files.insert(relative.to_path_buf(), content);
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn the_apps_annotation_lists_names_and_types() {
        assert_eq!(
            parse_apps("api:internal-api,worker:worker"),
            [("api".to_string(), "internal-api".to_string()), ("worker".to_string(), "worker".to_string())]
        );
        assert!(parse_apps("").is_empty());
    }

    #[test]
    fn an_entry_without_a_type_keeps_its_name() {
        assert_eq!(parse_apps("api,,worker:"), [("api".into(), String::new()), ("worker".into(), String::new())]);
    }

    fn subchart(alias: Option<&str>) -> Subchart {
        Subchart {
            target: "//charts:redis".into(),
            name: "redis".into(),
            version: "1.0.0".into(),
            alias: alias.map(String::from),
            description: String::new(),
            chart_type: "application".into(),
            apps: Vec::new(),
            composed: false,
            environments: BTreeMap::new(),
            files: BTreeMap::new(),
        }
    }

    #[test]
    fn a_subchart_is_keyed_by_its_alias_else_its_name() {
        assert_eq!(subchart(None).key(), "redis");
        assert_eq!(subchart(Some("cache")).key(), "cache");
    }

    #[test]
    fn no_subcharts_need_no_helm_library() {
        let loaded = load_all(Path::new("/no/such/libhelm_c.so"), &[]).expect("nothing to load");
        assert!(loaded.is_empty());
    }

    /// A tree of `depth` nested directories under `root`, with a file in the deepest.
    fn nested(root: &Path, depth: usize) -> PathBuf {
        let mut dir = root.to_path_buf();
        for level in 0..depth {
            dir = dir.join(format!("d{level}"));
        }
        fs::create_dir_all(&dir).expect("mkdir");
        fs::write(dir.join("deep.txt"), "deep").expect("write");
        dir
    }

    #[test]
    fn a_chart_tree_is_read_whole_to_32_directories_deep() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("chart");
        fs::create_dir_all(root.join("templates")).expect("mkdir");
        fs::write(root.join("Chart.yaml"), "name: a\n").expect("write");
        fs::write(root.join("templates/a.yaml"), [0u8, 1, 2]).expect("write");
        let deepest = nested(&root, MAX_DEPTH);
        let file = Path::new("/chart/Chart.yaml");
        let origin = Origin::new(file, "//charts:a");
        let files = read_tree(&root, &origin).expect("32 levels are read");
        let deep = deepest.join("deep.txt").strip_prefix(&root).expect("under root").to_path_buf();
        assert_eq!(
            files.keys().cloned().collect::<Vec<_>>(),
            [PathBuf::from("Chart.yaml"), deep.clone(), "templates/a.yaml".into()]
        );
        assert_eq!(files[&deep], b"deep");
        assert_eq!(files[Path::new("templates/a.yaml")], [0u8, 1, 2]);

        let too_deep = dir.path().join("deeper");
        let below = nested(&too_deep, MAX_DEPTH + 1);
        let error = read_tree(&too_deep, &origin).expect_err("33 levels").to_string();
        assert_eq!(
            error,
            format!(
                "//charts:a (/chart/Chart.yaml): field `path`: {} is nested deeper than 32 directories",
                below.display()
            )
        );
    }
}
