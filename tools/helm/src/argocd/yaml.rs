//! Block-style YAML for people reading a GitOps repository, whose every scalar is written
//! by the one encoder (`yaml_encode::yaml_data`): a value can only read back as itself.
//! Keys are written plain only when they cannot read as anything but that string.

use serde_json::Value;
use yaml_encode::yaml_data;

/// `value` (an object) as a YAML block mapping, ending in a newline.
pub fn block(value: &Value) -> Result<String, serde_json::Error> {
    let mut out = String::new();
    write_value(value, 0, &mut out)?;
    Ok(out)
}

fn write_value(value: &Value, indent: usize, out: &mut String) -> Result<(), serde_json::Error> {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, item) in map {
                out.push_str(&" ".repeat(indent));
                out.push_str(&key_text(key)?);
                out.push(':');
                write_nested(item, indent + 2, out)?;
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&" ".repeat(indent));
                out.push('-');
                match item {
                    // A mapping starts on the dash's line, its other keys under its first.
                    Value::Object(map) if !map.is_empty() => {
                        let mut nested = String::new();
                        write_value(item, indent + 2, &mut nested)?;
                        out.push(' ');
                        out.push_str(&nested[indent + 2..]);
                    }
                    _ => write_nested(item, indent + 2, out)?,
                }
            }
        }
        scalar => {
            out.push_str(&" ".repeat(indent));
            out.push_str(&yaml_data(scalar)?);
            out.push('\n');
        }
    }
    Ok(())
}

/// What follows `key:` or `-`: a scalar (or empty collection) on the same line, a
/// collection on the next lines.
fn write_nested(value: &Value, indent: usize, out: &mut String) -> Result<(), serde_json::Error> {
    let block = matches!(value, Value::Object(m) if !m.is_empty()) || matches!(value, Value::Array(a) if !a.is_empty());
    if block {
        out.push('\n');
        write_value(value, indent, out)
    } else {
        out.push(' ');
        out.push_str(&yaml_data(value)?);
        out.push('\n');
        Ok(())
    }
}

/// Plain when the key is letters, digits, `.`, `/`, `-` starting with a letter, and no YAML
/// 1.1 boolean or null; otherwise encoded.
fn key_text(key: &str) -> Result<String, serde_json::Error> {
    let plain_chars = key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || ".-/".contains(c));
    const SPECIAL: [&str; 11] = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"];
    if plain_chars && !SPECIAL.contains(&key.to_ascii_lowercase().as_str()) {
        Ok(key.to_string())
    } else {
        yaml_data(&key)
    }
}

#[cfg(test)]
mod tests {
    use super::block;
    use serde_json::json;

    #[test]
    fn blocks_read_back_as_the_same_data() {
        let value = json!({
            "apiVersion": "argoproj.io/v1alpha1",
            "on": "yes",
            "list": [{"a": "1", "b": ["x: y", "#z"]}, "plain", {}],
            "empty": [],
            "n": 3,
            "nested": {"app.kubernetes.io/part-of": "a\nb"},
        });
        let text = block(&value).expect("encodes");
        assert!(text.contains("\napiVersion: \"argoproj.io/v1alpha1\"\n") || text.starts_with("apiVersion:"), "{text}");
        assert!(text.contains("\"on\": \"yes\""), "{text}");
        let back: serde_json::Value = serde_yaml_ng::from_str(&text).expect("YAML");
        assert_eq!(back, value, "{text}");
    }

    #[test]
    fn nested_blocks_are_indented_two_spaces_a_level() {
        let value = json!({
            "a": {"b": [{"c": 1, "d": [{"e": "x", "f": []}, "y"]}, {}], "g": {}, "h": [[1, 2], []]},
            "1x": "v",
            "A-b.c/d": null,
            "on": true,
            "x_y": 1,
        });
        let expected = "\"1x\": \"v\"\nA-b.c/d: null\na:\n  b:\n    - c: 1\n      d:\n        - e: \"x\"\n          f: []\n        - \"y\"\n    - {}\n  g: {}\n  h:\n    -\n      - 1\n      - 2\n    - []\n\"on\": true\n\"x_y\": 1\n";
        let text = block(&value).expect("encodes");
        assert_eq!(text, expected, "{text}");
        let back: serde_json::Value = serde_yaml_ng::from_str(&text).expect("YAML");
        assert_eq!(back, value);
        assert_eq!(block(&json!({})).expect("encodes"), "{}\n");
        assert_eq!(block(&json!([])).expect("encodes"), "[]\n");
        assert_eq!(block(&json!("s")).expect("encodes"), "\"s\"\n");
    }
}
