//! The comparison as text (for a terminal and a checked-in expected report), Markdown (for a
//! pull request) or JSON (for tools). Deterministic: same charts, same bytes.

use std::fmt::Write;

use serde_json::{json, Value};

use super::diff::Change;
use super::{Comparison, Finding};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

pub fn render(comparison: &Comparison, format: Format) -> String {
    match format {
        Format::Text => text(comparison),
        Format::Markdown => markdown(comparison),
        Format::Json => {
            let mut out = serde_json::to_string_pretty(&to_json(comparison)).unwrap_or_default();
            out.push('\n');
            out
        }
    }
}

/// A value as a reviewer reads it: a string bare when that cannot be mistaken for anything
/// else (`500m`), else JSON (`"1"`, so that the string "1" and the number 1 differ visibly,
/// and no value can break a line).
pub fn show(value: &Value) -> String {
    match value {
        Value::String(s) if bare(s) => s.clone(),
        other => other.to_string(),
    }
}

fn bare(s: &str) -> bool {
    !s.is_empty()
        && s.trim() == s
        && !s.chars().any(|c| c.is_control() || matches!(c, '"' | '`' | '|' | '\u{2028}' | '\u{2029}' | '\u{feff}'))
        && !s.starts_with(['{', '[', '('])
        && !s.contains(" -> ")
        && serde_json::from_str::<Value>(s).is_err()
}

fn change(change: &Change) -> (String, String) {
    const ABSENT: &str = "(absent)";
    match change {
        Change::Added(g) => (ABSENT.into(), show(g)),
        Change::Removed(m) => (show(m), ABSENT.into()),
        Change::Changed(m, g) => (show(m), show(g)),
    }
}

fn finding_line(finding: &Finding) -> String {
    let (manual, generated) = change(&finding.change);
    format!("{} {}: {manual} -> {generated}", finding.object, finding.path)
}

fn header(c: &Comparison) -> Vec<String> {
    let mut lines = vec![
        format!("Manual:    {} {} ({} objects)", c.manual.name, c.manual.version, c.manual.objects),
        format!("Generated: {} {} ({} objects)", c.generated.name, c.generated.version, c.generated.objects),
        format!(
            "Both rendered as release {:?} in namespace {:?}; objects paired by kind and name without the release prefix.",
            c.release.name, c.release.namespace
        ),
    ];
    if !c.renamed.is_empty() {
        let renames: Vec<String> = c.renamed.iter().map(|(from, to)| format!("{from} -> {to}")).collect();
        lines.push(format!("Renamed: {}", renames.join(", ")));
    }
    if !c.random_names.is_empty() {
        let names: Vec<String> = c.random_names.iter().map(ToString::to_string).collect();
        lines.push(format!(
            "Named at random (two renders differ; paired by kind and the rest of the name, names not compared): {}",
            names.join(", ")
        ));
    }
    if c.random_fields > 0 {
        lines.push(format!(
            "Left out: {} fields whose values differ between two renders (random functions).",
            c.random_fields
        ));
    }
    if c.defaults {
        lines.push("Kubernetes defaults filled in on both sides where absent (--no-defaults leaves them out).".into());
    }
    if c.strict {
        lines.push("Strict: documented noise (helm.sh/chart labels, checksum/* annotations) kept.".into());
    } else if !c.noise.is_empty() {
        let noise: Vec<String> = c.noise.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
        lines.push(format!("Ignored as noise (--strict keeps it): {}.", noise.join(", ")));
    }
    lines
}

fn verdict(c: &Comparison) -> String {
    if c.is_equivalent() {
        return format!("Result: equivalent ({} objects paired, no differences).", c.paired);
    }
    format!(
        "Result: different: {} objects removed, {} added, {} fields differ in {} of {} paired objects.",
        c.only_manual.len(),
        c.only_generated.len(),
        c.field_count(),
        c.differing,
        c.paired
    )
}

const REMOVED: &str = "Objects only in the manual chart (removed)";
const ADDED: &str = "Objects only in the generated chart (added)";

fn text(c: &Comparison) -> String {
    let mut out = String::new();
    for line in header(c) {
        let _ = writeln!(out, "{line}");
    }
    for (title, keys) in [(REMOVED, &c.only_manual), (ADDED, &c.only_generated)] {
        if !keys.is_empty() {
            let _ = writeln!(out, "\n{title}: {}", keys.len());
            for key in keys {
                let _ = writeln!(out, "  {key}");
            }
        }
    }
    for (group, findings) in &c.groups {
        let _ = writeln!(out, "\n{}: {}", group.title(), findings.len());
        for finding in findings {
            let _ = writeln!(out, "  {}", finding_line(finding));
        }
    }
    let _ = writeln!(out, "\n{}", verdict(c));
    out
}

/// A Markdown code span that holds `text` whatever backticks it contains, safe in a table
/// cell (a `|` is escaped there even inside code).
fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{}{pad}{fence}", text.replace('|', "\\|"))
}

fn markdown(c: &Comparison) -> String {
    let mut out = String::from("## Chart comparison\n\n");
    for line in header(c) {
        let _ = writeln!(out, "- {line}");
    }
    for (title, keys) in [(REMOVED, &c.only_manual), (ADDED, &c.only_generated)] {
        if !keys.is_empty() {
            let _ = writeln!(out, "\n### {title}: {}\n", keys.len());
            for key in keys {
                let _ = writeln!(out, "- {}", code(&key.to_string()));
            }
        }
    }
    for (group, findings) in &c.groups {
        let _ = writeln!(out, "\n### {}: {}\n", group.title(), findings.len());
        let _ = writeln!(out, "| Object | Field | Manual | Generated |\n|---|---|---|---|");
        for finding in findings {
            let (manual, generated) = change(&finding.change);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                code(&finding.object.to_string()),
                code(&finding.path.to_string()),
                code(&manual),
                code(&generated)
            );
        }
    }
    let _ = writeln!(out, "\n**{}**", verdict(c));
    out
}

fn to_json(c: &Comparison) -> Value {
    let keys = |keys: &[super::pair::ObjectKey]| keys.iter().map(ToString::to_string).collect::<Vec<_>>();
    let groups: Vec<Value> = c
        .groups
        .iter()
        .map(|(group, findings)| {
            let differences: Vec<Value> = findings
                .iter()
                .map(|f| {
                    let mut entry = json!({"object": f.object.to_string(), "path": f.path.to_string()});
                    let (kind, manual, generated) = match &f.change {
                        Change::Added(g) => ("added", None, Some(g)),
                        Change::Removed(m) => ("removed", Some(m), None),
                        Change::Changed(m, g) => ("changed", Some(m), Some(g)),
                    };
                    entry["change"] = json!(kind);
                    if let Some(m) = manual {
                        entry["manual"] = m.clone();
                    }
                    if let Some(g) = generated {
                        entry["generated"] = g.clone();
                    }
                    entry
                })
                .collect();
            json!({"group": group.slug(), "title": group.title(), "differences": differences})
        })
        .collect();
    json!({
        "equivalent": c.is_equivalent(),
        "manual": {"chart": c.manual.name, "version": c.manual.version, "objects": c.manual.objects},
        "generated": {"chart": c.generated.name, "version": c.generated.version, "objects": c.generated.objects},
        "release": c.release.name,
        "namespace": c.release.namespace,
        "strict": c.strict,
        "ignored": c.noise.iter().map(|(k, n)| (k.to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
        "random_names": c.random_names.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "random_fields": c.random_fields,
        "defaults": c.defaults,
        "renamed": c.renamed.iter().map(|(from, to)| json!({"manual": from.to_string(), "generated": to.to_string()})).collect::<Vec<_>>(),
        "paired": c.paired,
        "removed": keys(&c.only_manual),
        "added": keys(&c.only_generated),
        "groups": groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_show_bare_only_when_unambiguous() {
        assert_eq!(show(&json!("500m")), "500m");
        assert_eq!(show(&json!(1)), "1");
        assert_eq!(show(&json!("1")), "\"1\"");
        assert_eq!(show(&json!("true")), "\"true\"");
        assert_eq!(show(&json!("two words")), "two words");
        assert_eq!(show(&json!("line\nbreak")), "\"line\\nbreak\"");
        assert_eq!(show(&json!("")), "\"\"");
        assert_eq!(show(&json!({"a": [1]})), "{\"a\":[1]}");
    }

    fn key(kind: &str, name: &str) -> super::super::pair::ObjectKey {
        super::super::pair::ObjectKey { kind: kind.into(), name: name.into() }
    }

    /// A comparison with a removed and an added object, a rename, noise, random names and
    /// fields, and one changed field.
    fn comparison() -> Comparison {
        use super::super::{group::Group, noise::Noise, ChartSide};
        let side = |name: &str, objects| ChartSide { name: name.into(), version: "1.0.0".into(), objects };
        let finding = Finding {
            object: key("Deployment", "web"),
            path: crate::path::FieldPath::of_keys(&["spec", "replicas"]),
            change: Change::Changed(json!(1), json!(3)),
        };
        Comparison {
            manual: side("shop", 3),
            generated: side("shop-gen", 3),
            release: crate::render::Release::default(),
            strict: false,
            noise: [(Noise::ChartLabel, 2)].into_iter().collect(),
            renamed: vec![(key("Service", "web-svc"), key("Service", "web"))],
            random_names: vec![key("Pod", "test-*")],
            random_fields: 1,
            defaults: true,
            paired: 2,
            differing: 1,
            only_manual: vec![key("ConfigMap", "old")],
            only_generated: vec![key("PodDisruptionBudget", "web")],
            groups: [(Group::Scaling, vec![finding])].into_iter().collect(),
        }
    }

    #[test]
    fn markdown_lists_removed_and_added_objects_and_a_table_per_group() {
        let out = render(&comparison(), Format::Markdown);
        assert_eq!(out, MARKDOWN, "{out}");
    }

    #[test]
    fn text_lists_removed_and_added_objects_and_each_finding() {
        let out = render(&comparison(), Format::Text);
        assert_eq!(out, TEXT, "{out}");
    }

    #[test]
    fn an_equivalent_strict_comparison_has_no_optional_lines() {
        let mut c = comparison();
        c.strict = true;
        c.defaults = false;
        c.random_fields = 0;
        c.renamed.clear();
        c.random_names.clear();
        c.only_manual.clear();
        c.only_generated.clear();
        c.groups.clear();
        assert_eq!(
            render(&c, Format::Text),
            "Manual:    shop 1.0.0 (3 objects)\nGenerated: shop-gen 1.0.0 (3 objects)\n\
             Both rendered as release \"release-name\" in namespace \"default\"; objects paired by kind and name without the release prefix.\n\
             Strict: documented noise (helm.sh/chart labels, checksum/* annotations) kept.\n\
             \nResult: equivalent (2 objects paired, no differences).\n"
        );
    }

    const MARKDOWN: &str = r#"## Chart comparison

- Manual:    shop 1.0.0 (3 objects)
- Generated: shop-gen 1.0.0 (3 objects)
- Both rendered as release "release-name" in namespace "default"; objects paired by kind and name without the release prefix.
- Renamed: Service/web-svc -> Service/web
- Named at random (two renders differ; paired by kind and the rest of the name, names not compared): Pod/test-*
- Left out: 1 fields whose values differ between two renders (random functions).
- Kubernetes defaults filled in on both sides where absent (--no-defaults leaves them out).
- Ignored as noise (--strict keeps it): 2 helm.sh/chart labels.

### Objects only in the manual chart (removed): 1

- `ConfigMap/old`

### Objects only in the generated chart (added): 1

- `PodDisruptionBudget/web`

### Replicas, autoscaling and disruption budgets: 1

| Object | Field | Manual | Generated |
|---|---|---|---|
| `Deployment/web` | `spec.replicas` | `1` | `3` |

**Result: different: 1 objects removed, 1 added, 1 fields differ in 1 of 2 paired objects.**
"#;
    const TEXT: &str = r#"Manual:    shop 1.0.0 (3 objects)
Generated: shop-gen 1.0.0 (3 objects)
Both rendered as release "release-name" in namespace "default"; objects paired by kind and name without the release prefix.
Renamed: Service/web-svc -> Service/web
Named at random (two renders differ; paired by kind and the rest of the name, names not compared): Pod/test-*
Left out: 1 fields whose values differ between two renders (random functions).
Kubernetes defaults filled in on both sides where absent (--no-defaults leaves them out).
Ignored as noise (--strict keeps it): 2 helm.sh/chart labels.

Objects only in the manual chart (removed): 1
  ConfigMap/old

Objects only in the generated chart (added): 1
  PodDisruptionBudget/web

Replicas, autoscaling and disruption budgets: 1
  Deployment/web spec.replicas: 1 -> 3

Result: different: 1 objects removed, 1 added, 1 fields differ in 1 of 2 paired objects.
"#;

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("a|b"), "`a\\|b`");
    }

    #[test]
    fn json_holds_every_figure_and_each_kind_of_change() {
        let mut c = comparison();
        let at = |keys: &[&str]| crate::path::FieldPath::of_keys(keys);
        let findings = c.groups.values_mut().next().expect("one group");
        findings.push(Finding {
            object: key("Deployment", "web"),
            path: at(&["spec", "minReadySeconds"]),
            change: Change::Added(json!(5)),
        });
        findings.push(Finding {
            object: key("Deployment", "web"),
            path: at(&["spec", "paused"]),
            change: Change::Removed(json!(false)),
        });
        let out = render(&c, Format::Json);
        assert!(out.ends_with("}\n"), "{out}");
        let parsed: Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(
            parsed,
            json!({
                "equivalent": false,
                "manual": {"chart": "shop", "version": "1.0.0", "objects": 3},
                "generated": {"chart": "shop-gen", "version": "1.0.0", "objects": 3},
                "release": "release-name",
                "namespace": "default",
                "strict": false,
                "ignored": {"helm.sh/chart labels": 2},
                "random_names": ["Pod/test-*"],
                "random_fields": 1,
                "defaults": true,
                "renamed": [{"manual": "Service/web-svc", "generated": "Service/web"}],
                "paired": 2,
                "removed": ["ConfigMap/old"],
                "added": ["PodDisruptionBudget/web"],
                "groups": [{
                    "group": "scaling",
                    "title": "Replicas, autoscaling and disruption budgets",
                    "differences": [
                        {"object": "Deployment/web", "path": "spec.replicas", "change": "changed", "manual": 1, "generated": 3},
                        {"object": "Deployment/web", "path": "spec.minReadySeconds", "change": "added", "generated": 5},
                        {"object": "Deployment/web", "path": "spec.paused", "change": "removed", "manual": false}
                    ]
                }]
            })
        );
        let text = render(&c, Format::Text);
        assert!(text.contains("  Deployment/web spec.minReadySeconds: (absent) -> 5\n"), "{text}");
        assert!(text.contains("  Deployment/web spec.paused: false -> (absent)\n"), "{text}");
    }

    #[test]
    fn only_unambiguous_strings_show_bare() {
        for s in [
            " x",
            "x ",
            "a\tb",
            "a\"b",
            "a`b",
            "a|b",
            "a\u{2028}b",
            "a\u{2029}b",
            "\u{feff}a",
            "{a",
            "[a",
            "(a",
            "a -> b",
            "null",
            "1.5",
        ] {
            assert_eq!(show(&json!(s)), serde_json::to_string(s).unwrap(), "{s:?}");
        }
        for s in ["a->b", "a-b", "x)", "nul"] {
            assert_eq!(show(&json!(s)), s, "{s:?}");
        }
    }
}
