//! Template rendering: Handlebars templates loaded from files (never strings in code).
//!
//! Templates resolve the chart's *structure* at compose time (which objects an app gets,
//! which blocks its type needs); the Helm template code they emit (written `\{{ ... }}` in
//! the .hbs files) reads every tunable from values.yaml at install time. User-supplied
//! strings never pass through a template: they are data in values.yaml, written by the
//! `json` helper, so they cannot become YAML structure or template code.

use std::fs;
use std::path::{Path, PathBuf};

use handlebars::{Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason};
use serde::Serialize;

use crate::error::ComposeError;

/// File name suffix of a template; the rest of the file name is its name.
const TEMPLATE_SUFFIX: &str = ".hbs";
/// Subdirectory of partials (blocks shared between templates, such as the pod spec).
const PARTIALS_DIR: &str = "partials";
/// A file every template directory has, used to find the directory in runfiles.
pub const MARKER_TEMPLATE: &str = "Chart.yaml.hbs";

pub struct Renderer {
    registry: Handlebars<'static>,
}

impl Renderer {
    /// Loads every `*.hbs` in `dir` as a template and every `dir/partials/*.hbs` as a partial.
    pub fn load(dir: &Path) -> Result<Renderer, ComposeError> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        registry.register_helper("json", Box::new(json_helper));
        registry.register_helper("plus", Box::new(plus_helper));
        for (name, path) in template_files(dir)? {
            registry
                .register_template_file(&name, &path)
                .map_err(|source| ComposeError::LoadTemplates { path: path.clone(), source: Box::new(source) })?;
        }
        for (name, path) in template_files(&dir.join(PARTIALS_DIR))? {
            let text = fs::read_to_string(&path).map_err(|e| ComposeError::io(&path, e))?;
            registry
                .register_partial(&name, text)
                .map_err(|source| ComposeError::LoadTemplates { path: path.clone(), source: Box::new(source) })?;
        }
        Ok(Renderer { registry })
    }

    pub fn render(&self, template: &str, context: &impl Serialize) -> Result<String, ComposeError> {
        self.registry
            .render(template, context)
            .map_err(|source| ComposeError::Template { name: template.to_string(), source: Box::new(source) })
    }
}

/// `(name, path)` of the `*.hbs` files directly in `dir`, sorted; none if `dir` is missing.
fn template_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, ComposeError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(ComposeError::io(dir, e)),
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| ComposeError::io(dir, e))?.path();
        let name = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(TEMPLATE_SUFFIX));
        if let Some(name) = name {
            files.push((name.to_string(), path.clone()));
        }
    }
    files.sort();
    Ok(files)
}

/// `{{json value}}`: the value as JSON, which is also valid YAML (a double-quoted scalar,
/// a number, a flow sequence or mapping). This is how every user string reaches a file.
fn json_helper(h: &Helper, _: &Handlebars, _: &Context, _: &mut RenderContext, out: &mut dyn Output) -> HelperResult {
    let value = h.param(0).ok_or(RenderErrorReason::ParamNotFoundForIndex("json", 0))?;
    let text = serde_json::to_string(value.value()).map_err(RenderErrorReason::SerdeError)?;
    out.write(&text)?;
    Ok(())
}

/// `{{plus a b}}`: the sum of two whole numbers (for indentation widths).
fn plus_helper(h: &Helper, _: &Handlebars, _: &Context, _: &mut RenderContext, out: &mut dyn Output) -> HelperResult {
    let number = |i: usize| {
        h.param(i).and_then(|p| p.value().as_u64()).ok_or(RenderErrorReason::ParamNotFoundForIndex("plus", i))
    };
    out.write(&(number(0)? + number(1)?).to_string())?;
    Ok(())
}
