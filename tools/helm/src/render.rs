//! Template rendering: Handlebars templates loaded from files (never strings in code).
//!
//! Templates resolve the chart's *structure* at compose time (which objects an app gets,
//! which blocks its type needs); the Helm template code they emit (written `\{{ ... }}` in
//! the .hbs files) reads every tunable from values.yaml at install time. User-supplied
//! strings never pass through a Helm template: they are data in the chart's data files
//! (`DATA_TEMPLATES`), written by the `json` helper (`encode::yaml_data`), so they cannot
//! become YAML structure or template code. Two guards make that hold whatever a template
//! says, for charts (`Renderer::for_charts`):
//! - the `json` helper refuses to write into any other template;
//! - a plain `{{value}}` is written only when it is a `safe_token` (names, numbers, enum
//!   values: nothing YAML or Helm could read as structure); anything else fails the render
//!   with the template and the value named.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use handlebars::{Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason, Template};
use serde::Serialize;

use crate::encode;
use crate::error::ComposeError;
use crate::parallel;

/// File name suffix of a template; the rest of the file name is its name.
const TEMPLATE_SUFFIX: &str = ".hbs";
/// Subdirectory of partials (blocks shared between templates, such as the pod spec).
const PARTIALS_DIR: &str = "partials";
/// A file every template directory has, used to find the directory in runfiles.
pub const MARKER_TEMPLATE: &str = "Chart.yaml.hbs";
/// Templates of the chart's data files, which Helm reads as data and never as templates:
/// the only ones user data may be written into. README.md is no Helm file at all: Helm ships
/// it as a plain file and never renders it.
pub const DATA_TEMPLATES: [&str; 5] = ["Chart.yaml", "Chart.lock", "values.yaml", "values-env.yaml", "README.md"];
/// Longest default a README table shows whole, in characters.
const MARKDOWN_CODE_MAX: usize = 120;
/// Marks a plain `{{value}}` that is not a safe token; never part of a legitimate output.
const NON_TOKEN_MARK: char = '\u{0}';

/// Most threads that compile templates at once: the files are few (about thirty).
const MAX_COMPILE_THREADS: usize = 4;

pub struct Renderer {
    registry: Handlebars<'static>,
    /// Whether the chart guards apply (see the module docs).
    guarded: bool,
    /// Time spent so far turning contexts into JSON and executing templates (`--timings`),
    /// summed over every thread that renders.
    spent: Mutex<RenderTimes>,
}

/// Where `Renderer::render` spends its time, summed over every call (and thread).
#[derive(Default, Clone, Copy, Debug)]
pub struct RenderTimes {
    pub calls: usize,
    /// Serialising each call's context into the JSON value Handlebars reads.
    pub serialise: Duration,
    /// Executing the template (helpers, partials, the guards' check of the text).
    pub execute: Duration,
}

impl Renderer {
    /// The renderer of chart files, with both guards on.
    pub fn for_charts(dir: &Path) -> Result<Renderer, ComposeError> {
        Renderer::load(dir, true)
    }

    /// The renderer of files generated from this repository's own sources (reference docs,
    /// Starlark tables), which hold no user input.
    pub fn for_sources(dir: &Path) -> Result<Renderer, ComposeError> {
        Renderer::load(dir, false)
    }

    /// Loads every `*.hbs` in `dir` as a template and every `dir/partials/*.hbs` as a partial.
    fn load(dir: &Path, guarded: bool) -> Result<Renderer, ComposeError> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        if guarded {
            registry.register_escape_fn(mark_non_tokens);
            registry.register_helper("json", Box::new(data_only(json_helper)));
            registry.register_helper("md", Box::new(data_only(markdown_helper)));
            registry.register_helper("md_code", Box::new(data_only(markdown_code_helper)));
        } else {
            registry.register_escape_fn(handlebars::no_escape);
            registry.register_helper("json", Box::new(json_helper));
            registry.register_helper("md", Box::new(markdown_helper));
            registry.register_helper("md_code", Box::new(markdown_code_helper));
        }
        registry.register_helper("plus", Box::new(plus_helper));
        // Templates first, then partials: a partial replaces a template of the same name, as
        // Handlebars' register_partial does.
        let mut files = template_files(dir)?;
        files.extend(template_files(&dir.join(PARTIALS_DIR))?);
        for ((name, _), template) in files.iter().zip(compile_all(&files)) {
            registry.register_template(name, template?);
        }
        Ok(Renderer { registry, guarded, spent: Mutex::default() })
    }

    pub fn render(&self, template: &str, context: &impl Serialize) -> Result<String, ComposeError> {
        let context = self.prepare(template, context)?;
        self.render_prepared(template, &context)
    }

    /// `context` serialised into the JSON value Handlebars reads, once, for rendering several
    /// templates with it (`render_prepared`); `template` is the first of them, which a
    /// failure names.
    pub fn prepare(&self, template: &str, context: &impl Serialize) -> Result<Context, ComposeError> {
        let start = Instant::now();
        let prepared = Context::wraps(context).map_err(|source| template_error(template, source));
        self.record(|spent| spent.serialise += start.elapsed());
        prepared
    }

    /// `template` rendered with a context from `prepare`, through the guards.
    pub fn render_prepared(&self, template: &str, context: &Context) -> Result<String, ComposeError> {
        let start = Instant::now();
        let text =
            self.registry.render_with_context(template, context).map_err(|source| template_error(template, source))?;
        let checked = match marked_value(&text) {
            Some(value) if self.guarded => {
                Err(ComposeError::RawInterpolation { template: template.to_string(), value: value.to_string() })
            }
            _ => Ok(text),
        };
        self.record(|spent| {
            spent.calls += 1;
            spent.execute += start.elapsed();
        });
        checked
    }

    fn record(&self, add: impl FnOnce(&mut RenderTimes)) {
        // A thread that panicked while holding the lock left only a sum of durations behind.
        add(&mut self.spent.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    }

    /// Time spent in `render` so far.
    pub fn times(&self) -> RenderTimes {
        *self.spent.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn template_error(template: &str, source: handlebars::RenderError) -> ComposeError {
    ComposeError::Template { name: template.to_string(), source: Box::new(source) }
}

/// A value a template may write as it is: empty, a negative whole number, or ASCII letters
/// and digits with `.`, `_`, `,` and `-` inside, at most 253 characters. No quote, space,
/// colon, brace, `#`, `&`, `*`, `!`, `|`, `>`, `%`, `@` or line break: nothing that starts YAML
/// structure or Helm code.
pub fn safe_token(value: &str) -> bool {
    let inner = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ',' | '-');
    let negative_number =
        value.strip_prefix('-').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    value.is_empty()
        || negative_number
        || (value.len() <= 253
            && value.starts_with(|c: char| c.is_ascii_alphanumeric())
            && value.ends_with(|c: char| c.is_ascii_alphanumeric())
            && value.chars().all(inner))
}

/// Escape function of chart templates: safe tokens pass, anything else is wrapped in marks
/// that `Renderer::render` turns into an error.
fn mark_non_tokens(value: &str) -> String {
    if safe_token(value) {
        value.to_string()
    } else {
        format!("{NON_TOKEN_MARK}{value}{NON_TOKEN_MARK}")
    }
}

/// The first marked value in rendered text.
fn marked_value(text: &str) -> Option<&str> {
    let start = text.find(NON_TOKEN_MARK)? + NON_TOKEN_MARK.len_utf8();
    let end = text[start..].find(NON_TOKEN_MARK).map_or(text.len(), |e| start + e);
    Some(&text[start..end])
}

/// Compiles every template file, on a few threads (compiling is most of loading: Handlebars'
/// parser finds each expression's line and column by scanning from the file's start), and
/// returns the templates in the order of `files`. The longest files go first, so that the
/// threads finish close together.
fn compile_all(files: &[(String, PathBuf)]) -> Vec<Result<Template, ComposeError>> {
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&index| std::cmp::Reverse(fs::metadata(&files[index].1).map_or(0, |m| m.len())));
    let mut compiled =
        parallel::map(&order, MAX_COMPILE_THREADS, |&index| (index, compile(&files[index].0, &files[index].1)));
    compiled.sort_by_key(|(index, _)| *index);
    compiled.into_iter().map(|(_, template)| template).collect()
}

/// One template file, compiled as Handlebars' `register_template_string` compiles it.
fn compile(name: &str, path: &Path) -> Result<Template, ComposeError> {
    let text = fs::read_to_string(path).map_err(|e| ComposeError::io(path, e))?;
    Template::compile_with_name(&text, name.to_string())
        .map_err(|source| ComposeError::LoadTemplates { path: path.to_path_buf(), source: Box::new(source) })
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

/// `{{json value}}`: the value through the one encoder (`encode::yaml_data`): a YAML scalar
/// or flow collection holding exactly the value. This is how every user string reaches a file.
fn json_helper(h: &Helper, _: &Handlebars, _: &Context, _: &mut RenderContext, out: &mut dyn Output) -> HelperResult {
    let value = h.param(0).ok_or(RenderErrorReason::ParamNotFoundForIndex("json", 0))?;
    let text = encode::yaml_data(value.value()).map_err(RenderErrorReason::SerdeError)?;
    out.write(&text)?;
    Ok(())
}

/// The signature of a Handlebars helper function.
type HelperFn = fn(&Helper, &Handlebars, &Context, &mut RenderContext, &mut dyn Output) -> HelperResult;

/// A helper that writes user data, allowed only into data files: in a Helm template even a
/// quoted user string would be read as template code (`"{{ .Release.Name }}"` is rendered).
fn data_only(helper: HelperFn) -> impl handlebars::HelperDef + Send + Sync + 'static {
    move |h: &Helper, registry: &Handlebars, context: &Context, rc: &mut RenderContext, out: &mut dyn Output| {
        let template = rc.get_root_template_name().map(String::as_str).unwrap_or_default();
        if !DATA_TEMPLATES.contains(&template) {
            return Err(RenderErrorReason::Other(format!(
                "`{}` writes user data, which belongs in the data files ({}), not in the Helm template {template:?}",
                h.name(),
                DATA_TEMPLATES.join(", ")
            ))
            .into());
        }
        helper(h, registry, context, rc, out)
    }
}

/// `{{md value}}`: text for Markdown (a table cell or a line), inert: see `markdown_text`.
/// A non-string value is written as JSON, escaped the same way.
fn markdown_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let value = h.param(0).ok_or(RenderErrorReason::ParamNotFoundForIndex("md", 0))?.value();
    let text = match value.as_str() {
        Some(text) => text.to_string(),
        None => encode::yaml_data(value).map_err(RenderErrorReason::SerdeError)?,
    };
    out.write(&markdown_text(&text))?;
    Ok(())
}

/// `{{md_code value}}`: the value as the encoder writes it (JSON) in a Markdown code span,
/// for defaults in a table: the span's fence is longer than any run of backticks inside,
/// and `|` is escaped, which GitHub's tables require even inside code. Past
/// `MARKDOWN_CODE_MAX` characters it is cut (with `...`): values.yaml has it whole, and a
/// README as large as the values would double what Helm's 5 MiB file limit leaves.
fn markdown_code_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let value = h.param(0).ok_or(RenderErrorReason::ParamNotFoundForIndex("md_code", 0))?.value();
    let mut json = encode::yaml_data(value).map_err(RenderErrorReason::SerdeError)?;
    if let Some((cut, _)) = json.char_indices().nth(MARKDOWN_CODE_MAX) {
        json.truncate(cut);
        json.push_str("...");
    }
    let json = json.replace('|', "\\|");
    let longest_run = json.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    // JSON never starts or ends with a backtick, so the span needs no padding spaces.
    out.write(&format!("{fence}{json}{fence}"))?;
    Ok(())
}

/// Characters that start Markdown (GitHub's) markup anywhere in a line: emphasis, code,
/// links and images, HTML and entities, table cells, strikethrough, math and autolinks.
const MARKDOWN_INLINE: &str = "\\`*_[]()<>|#!~&:$";

/// `text` as inert Markdown: the characters of `MARKDOWN_INLINE`, and any ASCII punctuation
/// that starts the text (list markers, headings), backslash-escaped (CommonMark reads `\\x`
/// as a literal x); line breaks and other control or invisible characters as `\\u{...}`,
/// so the text stays on its line.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (index, c) in text.chars().enumerate() {
        if MARKDOWN_INLINE.contains(c) || (index == 0 && c.is_ascii_punctuation()) {
            out.push('\\');
            out.push(c);
        } else if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}') {
            out.push_str(&format!("\\u{{{:04x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// `{{plus a b}}`: the sum of two whole numbers (for indentation widths).
fn plus_helper(h: &Helper, _: &Handlebars, _: &Context, _: &mut RenderContext, out: &mut dyn Output) -> HelperResult {
    let number = |i: usize| {
        h.param(i).and_then(|p| p.value().as_u64()).ok_or(RenderErrorReason::ParamNotFoundForIndex("plus", i))
    };
    out.write(&(number(0)? + number(1)?).to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A renderer over templates written into a temporary directory.
    fn renderer(templates: &[(&str, &str)], guarded: bool) -> (tempfile::TempDir, Renderer) {
        let dir = tempfile::tempdir().expect("temporary directory");
        for (name, text) in templates {
            fs::write(dir.path().join(format!("{name}{TEMPLATE_SUFFIX}")), text).expect("template written");
        }
        let renderer = Renderer::load(dir.path(), guarded).expect("templates load");
        (dir, renderer)
    }

    #[test]
    fn safe_tokens_are_names_numbers_and_enum_values() {
        for token in ["", "status-api", "statusApi", "external-api", "pre-install,pre-upgrade", "1.2.3", "-10", "80"] {
            assert!(safe_token(token), "{token:?}");
        }
        for token in
            ["/etc", "a b", "a:b", "{{x}}", "a\nb", "-", "-a", "a-", "\"q\"", "#c", "*", "&a", "!t", "x\u{2028}"]
        {
            assert!(!safe_token(token), "{token:?}");
        }
    }

    #[test]
    fn a_raw_value_that_is_not_a_safe_token_fails_the_render() {
        let (_dir, guarded) = renderer(&[("deployment.yaml", "path: {{path}}\n")], true);
        assert_eq!(guarded.render("deployment.yaml", &json!({"path": "tmp"})).unwrap(), "path: tmp\n");
        let error = guarded.render("deployment.yaml", &json!({"path": "/etc/{{ .Release.Name }}"})).unwrap_err();
        assert!(
            matches!(&error, ComposeError::RawInterpolation { template, value }
                if template == "deployment.yaml" && value == "/etc/{{ .Release.Name }}"),
            "{error}"
        );
    }

    #[test]
    fn json_writes_only_into_data_files() {
        let templates = [("values.yaml", "env: {{json env}}\n"), ("deployment.yaml", "env: {{json env}}\n")];
        let (_dir, guarded) = renderer(&templates, true);
        let context = json!({"env": "a\u{2028}\"b\"\n"});
        assert_eq!(guarded.render("values.yaml", &context).unwrap(), "env: \"a\\u2028\\\"b\\\"\\n\"\n");
        let error = guarded.render("deployment.yaml", &context).unwrap_err().to_string();
        assert!(error.contains("not in the Helm template \"deployment.yaml\""), "{error}");
    }

    #[test]
    fn markdown_text_is_inert() {
        assert_eq!(markdown_text("a | b"), "a \\| b");
        assert_eq!(markdown_text("[x](javascript:1) <b>*y*</b>"), "\\[x\\]\\(javascript\\:1\\) \\<b\\>\\*y\\*\\</b\\>");
        assert_eq!(markdown_text("- 1.2.3 it's"), "\\- 1.2.3 it's");
        assert_eq!(markdown_text("line\nbreak\u{2028}"), "line\\u{000a}break\\u{2028}");
        let (_dir, guarded) = renderer(&[("README.md", "{{md_code v}}\n"), ("NOTES.txt", "{{md v}}\n")], true);
        assert_eq!(guarded.render("README.md", &json!({"v": "a|`b`"})).unwrap(), "``\"a\\|`b`\"``\n");
        let error = guarded.render("NOTES.txt", &json!({"v": "x"})).unwrap_err().to_string();
        assert!(error.contains("`md` writes user data"), "{error}");
    }

    #[test]
    fn generated_sources_are_not_guarded() {
        let (_dir, sources) = renderer(&[("docs.md", "{{text}}\n")], false);
        assert_eq!(sources.render("docs.md", &json!({"text": "a: `b`"})).unwrap(), "a: `b`\n");
    }

    #[test]
    fn safe_tokens_stop_at_253_characters_and_take_a_minus_only_before_digits() {
        let longest = "a".repeat(253);
        assert!(safe_token(&longest));
        assert!(!safe_token(&format!("{longest}b")));
        assert!(safe_token("a") && safe_token("9") && safe_token("a.b_c,d-e"));
        // Letters or digits at both ends, allowed characters between.
        for token in ["-1a", "--1", ".a", "a.", "_a", "a_", "a/b", "a+b", "-a1"] {
            assert!(!safe_token(token), "{token:?}");
        }
        assert_eq!(mark_non_tokens("a-1"), "a-1");
        assert_eq!(mark_non_tokens("a b"), "\u{0}a b\u{0}");
    }

    #[test]
    fn the_first_marked_value_is_reported_whole() {
        assert_eq!(marked_value("x: ok\n"), None);
        assert_eq!(marked_value("ab \u{0}c d\u{0} \u{0}e f\u{0}"), Some("c d"));
        assert_eq!(marked_value("\u{0}c d"), Some("c d"), "an unclosed mark runs to the end");
    }

    #[test]
    fn an_unguarded_renderer_writes_any_value_as_it_is() {
        let (_dir, sources) = renderer(&[("docs.md", "{{text}} {{md text}} {{json n}}\n")], false);
        let text = "a \u{0}b\u{0}";
        assert_eq!(
            sources.render("docs.md", &json!({"text": text, "n": 1})).unwrap(),
            format!("{text} a \\u{{0000}}b\\u{{0000}} 1\n")
        );
    }

    #[test]
    fn md_escapes_strings_and_writes_other_values_as_json() {
        let (_dir, guarded) = renderer(&[("README.md", "{{md s}} {{md n}} {{md o}}\n")], true);
        let context = json!({"s": "*x*", "n": 3, "o": {"a": "[b]"}});
        assert_eq!(guarded.render("README.md", &context).unwrap(), "\\*x\\* 3 \\{\"a\"\\:\"\\[b\\]\"}\n");
    }

    #[test]
    fn md_code_cuts_long_values() {
        let (_dir, guarded) = renderer(&[("README.md", "{{md_code v}}\n")], true);
        let long = "x".repeat(200);
        let expected = format!("`\"{}...`\n", "x".repeat(MARKDOWN_CODE_MAX - 1));
        assert_eq!(guarded.render("README.md", &json!({"v": long})).unwrap(), expected);
        assert_eq!(guarded.render("README.md", &json!({"v": 7})).unwrap(), "`7`\n");
    }

    #[test]
    fn plus_adds_two_whole_numbers() {
        let (_dir, guarded) = renderer(&[("deployment.yaml", "{{plus a b}}\n")], true);
        assert_eq!(guarded.render("deployment.yaml", &json!({"a": 2, "b": 3})).unwrap(), "5\n");
        let error = guarded.render("deployment.yaml", &json!({"a": 2, "b": "3"})).unwrap_err().to_string();
        assert!(error.contains("plus"), "{error}");
    }

    #[test]
    fn render_times_count_every_render() {
        let (_dir, guarded) = renderer(&[("a.yaml", "{{x}}\n"), ("b.yaml", "{{x}}{{x}}\n")], true);
        assert_eq!(guarded.times().calls, 0);
        let context = guarded.prepare("a.yaml", &json!({"x": 1})).unwrap();
        assert_eq!(guarded.render_prepared("a.yaml", &context).unwrap(), "1\n");
        assert_eq!(guarded.render_prepared("b.yaml", &context).unwrap(), "11\n");
        assert_eq!(guarded.render("a.yaml", &json!({"x": 2})).unwrap(), "2\n");
        assert_eq!(guarded.times().calls, 3);
    }

    #[test]
    fn templates_are_the_hbs_files_with_partials_replacing_templates_of_their_name() {
        let (dir, guarded) = renderer(&[("a.yaml", "{{> pod}}\n"), ("pod", "template\n"), ("notes", "x")], true);
        fs::write(dir.path().join("ignored.txt"), "{{").unwrap();
        fs::create_dir(dir.path().join(PARTIALS_DIR)).unwrap();
        fs::write(dir.path().join(PARTIALS_DIR).join("pod.hbs"), "partial").unwrap();
        let files = template_files(dir.path()).unwrap();
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["a.yaml", "notes", "pod"]);
        drop(guarded);
        let reloaded = Renderer::for_charts(dir.path()).unwrap();
        // A partial alone on its line takes the line's place (Handlebars' standalone rule).
        assert_eq!(reloaded.render("a.yaml", &json!({})).unwrap(), "partial");
        assert_eq!(reloaded.render("notes", &json!({})).unwrap(), "x");
    }

    #[test]
    fn a_template_directory_that_cannot_be_read_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("templates");
        fs::write(&file, "not a directory").unwrap();
        let error = Renderer::for_sources(&file).err().expect("a file is no template directory");
        assert!(matches!(&error, ComposeError::Io { path, .. } if path == &file), "{error}");
        fs::write(dir.path().join("bad.hbs"), "{{#if}}").unwrap();
        let error = Renderer::for_charts(dir.path()).err().expect("a template that does not compile");
        assert!(
            matches!(&error, ComposeError::LoadTemplates { path, .. } if path == &dir.path().join("bad.hbs")),
            "{error}"
        );
    }
}
