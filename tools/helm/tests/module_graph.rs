//! The composer's modules import each other without a circle, so data flows one way: model,
//! validation into the typed app, the chart plan, rendering, output.
//!
//! A parent module depends on the children it declares; a child that names its parent (or
//! any ancestor) through `super::` or `crate::` closes a circle too. Test code is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// `src/` in the source tree (cargo) or in the test's runfiles (Bazel).
fn source_dir() -> PathBuf {
    if let Ok(runfiles) = runfiles::Runfiles::create() {
        if let Some(dir) = runfiles.rlocation("_main/tools/helm/src").filter(|d| d.join("lib.rs").is_file()) {
            return dir;
        }
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// `app/keda.rs` -> `app::keda`, `plan/mod.rs` -> `plan`; the crate roots and test modules
/// are not part of the graph.
fn module_of(relative: &Path) -> Option<String> {
    let text = relative.to_str()?.strip_suffix(".rs")?;
    let text = text.strip_suffix("/mod").unwrap_or(text);
    let name = text.replace('/', "::");
    let excluded = ["lib", "main"].contains(&name.as_str()) || name == "tests" || name.ends_with("::tests");
    (!excluded).then_some(name)
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        fs::read_dir(dir).expect("src/ is readable").map(|e| e.expect("directory entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The file's text before its `#[cfg(test)]` part (tests may reach anything).
fn production_code(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |at| &text[..at])
}

/// Every module path the code names: `crate::a::b::Item`, `super::x`, `self::y`, and the
/// members of `crate::{a, b::c}` groups; each as the segments after the keyword, resolved.
fn named_paths(module: &str, code: &str) -> Vec<Vec<String>> {
    let own: Vec<String> = module.split("::").map(String::from).collect();
    let mut paths = Vec::new();
    for (keyword, base) in [("crate::", Vec::new()), ("super::", own[..own.len() - 1].to_vec()), ("self::", own)] {
        for (at, _) in code.match_indices(keyword) {
            let preceded_by_ident =
                code[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
            if preceded_by_ident {
                continue;
            }
            let rest = &code[at + keyword.len()..];
            let group = rest.strip_prefix('{').map(|g| &g[..g.find('}').unwrap_or(g.len())]);
            let members: Vec<&str> = group.map_or_else(|| vec![rest], |g| g.split(',').collect());
            for member in members {
                let segments = member
                    .trim()
                    .split("::")
                    .map(|s| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>())
                    .take_while(|s| !s.is_empty());
                paths.push(base.iter().cloned().chain(segments).collect());
            }
        }
    }
    paths
}

/// The longest known module a path starts with.
fn resolve(path: &[String], modules: &BTreeSet<String>) -> Option<String> {
    (1..=path.len()).rev().map(|n| path[..n].join("::")).find(|candidate| modules.contains(candidate))
}

fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = source_dir();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let sources: BTreeMap<String, String> = files
        .iter()
        .filter_map(|path| {
            let module = module_of(path.strip_prefix(&src).expect("under src/"))?;
            Some((module, fs::read_to_string(path).expect("source is readable")))
        })
        .collect();
    let modules: BTreeSet<String> = sources.keys().cloned().collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in &sources {
        graph.entry(module.clone()).or_default();
        if let Some((parent, _)) = module.rsplit_once("::") {
            // Declared by its parent: the parent depends on it.
            graph.entry(parent.to_string()).or_default().insert(module.clone());
        }
        for path in named_paths(module, production_code(text)) {
            if let Some(target) = resolve(&path, &modules).filter(|t| t != module) {
                graph.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    graph
}

/// A circle through the graph, as the modules on it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn composer_modules_import_each_other_without_a_circle() {
    let graph = import_graph();
    assert!(graph.contains_key("app::keda") && graph.contains_key("plan::ingress"), "modules found: {graph:?}");
    assert!(graph["app::keda"].contains("origin"), "crate:: imports are read: {:?}", graph["app::keda"]);
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import circle: {}", cycle.join(" -> "));
    }
}

#[test]
fn a_child_naming_its_parent_is_a_circle() {
    let mut graph = BTreeMap::new();
    graph.insert("app".to_string(), BTreeSet::from(["app::resources".to_string()]));
    let resources = named_paths("app::resources", "use super::App;\nfn f() {}");
    let modules = BTreeSet::from(["app".to_string(), "app::resources".to_string()]);
    let target = resolve(&resources[0], &modules).expect("super resolves to the parent");
    graph.insert("app::resources".to_string(), BTreeSet::from([target]));
    assert_eq!(find_cycle(&graph), Some(vec!["app".into(), "app::resources".into(), "app".into()]));
}

#[test]
fn grouped_imports_are_read() {
    let paths = named_paths("plan", "use crate::{app::App, model};");
    assert_eq!(paths, vec![vec!["app".to_string(), "App".to_string()], vec!["model".to_string()]]);
}
