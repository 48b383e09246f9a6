//! The one encoder of user data: any value (string, number, list, map) written as a single
//! YAML flow scalar or collection that YAML and Helm can only read back as that same data.
//!
//! JSON is a subset of YAML 1.2, so `serde_json` output is already a quoted string, a number
//! or a flow collection. What JSON leaves raw but YAML does not accept as plain content is
//! escaped on top: DEL and the C1 controls (YAML forbids them in a stream), U+0085, U+2028
//! and U+2029 (line breaks to a YAML 1.1 reader), the byte order mark U+FEFF and the
//! non-characters U+FFFE and U+FFFF. Each becomes a `\uXXXX` escape, which YAML's
//! double-quoted style reads back as the same character.

use serde::Serialize;

/// `value` as one YAML scalar or flow collection holding exactly `value`.
pub fn yaml_data(value: &impl Serialize) -> Result<String, serde_json::Error> {
    let json = serde_json::to_string(value)?;
    Ok(escape_yaml_unreadable(&json))
}

/// Characters JSON writes raw that a YAML reader would not read back unchanged.
fn needs_escape(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

/// They can only occur inside JSON strings (JSON's own syntax is ASCII), so escaping them
/// in place keeps the document valid.
fn escape_yaml_unreadable(json: &str) -> String {
    if !json.chars().any(needs_escape) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs_escape(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::yaml_data;
    use serde_json::json;

    #[test]
    fn strings_are_quoted_with_structure_escaped() {
        assert_eq!(yaml_data(&"a\nb: c").unwrap(), r#""a\nb: c""#);
        assert_eq!(yaml_data(&"{{ .Release.Name }}").unwrap(), r#""{{ .Release.Name }}""#);
        assert_eq!(yaml_data(&"yes").unwrap(), r#""yes""#);
    }

    #[test]
    fn characters_yaml_reads_differently_are_escaped() {
        let text = "a\u{7f}b\u{85}c\u{2028}d\u{2029}e\u{feff}f\u{fffe}g\u{9f}";
        assert_eq!(yaml_data(&text).unwrap(), r#""a\u007fb\u0085c\u2028d\u2029e\ufefff\ufffeg\u009f""#);
    }

    #[test]
    fn numbers_and_collections_stay_json() {
        assert_eq!(yaml_data(&json!({"k": [1, 2.5, true, null]})).unwrap(), r#"{"k":[1,2.5,true,null]}"#);
        assert_eq!(yaml_data(&2_592_000u32).unwrap(), "2592000");
    }
}
