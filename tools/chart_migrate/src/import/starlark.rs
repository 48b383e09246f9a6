//! Starlark literals. Every string import writes into a BUILD file, whatever a chart put in
//! it, goes through [`string`]: a double-quoted literal in which nothing can end the string,
//! the line or the file early. So a hostile chart can only ever produce string values, never
//! Starlark code.

/// `text` as a Starlark string literal that reads back as exactly `text`.
///
/// Quotes and backslashes are escaped, line breaks and tabs by name, every other ASCII
/// control character and DEL as an octal escape: the literal is one line of printable text.
/// Non-ASCII text is written as it is (Bazel keeps a BUILD file's bytes in its strings, and
/// its lexer ends lines only at `\n` and `\r`), so names and messages stay readable; the
/// Bazel test `hostile_import` proves U+2028 and friends arrive unchanged.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\{:03o}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn needs_escape(c: char) -> bool {
    c.is_ascii_control()
}

/// Reads back a literal written by [`string`] (for tests: the round trip is the proof).
pub fn parse_string(literal: &str) -> Option<String> {
    let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut bytes = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            return None; // an unescaped quote would have ended the literal
        }
        if c != '\\' {
            let mut buffer = [0u8; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            continue;
        }
        match chars.next()? {
            'n' => bytes.push(b'\n'),
            'r' => bytes.push(b'\r'),
            't' => bytes.push(b'\t'),
            '"' => bytes.push(b'"'),
            '\\' => bytes.push(b'\\'),
            d @ '0'..='7' => {
                let mut value = d.to_digit(8)?;
                for _ in 0..2 {
                    value = value * 8 + chars.next()?.to_digit(8)?;
                }
                bytes.push(u8::try_from(value).ok()?);
            }
            _ => return None,
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings a chart could carry to break out of a literal, a line or a file.
    pub const HOSTILE: &[&str] = &[
        "plain",
        "\"",
        "\\",
        "\\\"",
        "\")\nrelease_app(name = \"evil\")\n#",
        "\"\"\"",
        "'''",
        "{{ .Values.x }}",
        "line\nbreak\rreturn\ttab",
        "\u{0}\u{1}\u{7f}\u{85}\u{9b}",
        "\u{2028}\u{2029}\u{feff}",
        "é ü 日本 🚀",
        "# not a comment",
        "\\n literal backslash-n",
        "$(location //x) ${VAR} %{label}",
    ];

    #[test]
    fn every_hostile_string_round_trips_in_one_line() {
        for text in HOSTILE {
            let literal = string(text);
            assert!(!literal.contains('\n') && !literal.contains('\r'), "{literal}");
            assert!(!literal.chars().any(needs_escape), "{literal:?}");
            assert_eq!(parse_string(&literal).as_deref(), Some(*text), "{literal}");
        }
    }

    #[test]
    fn readable_text_stays_readable() {
        assert_eq!(string("ghcr.io/example/web"), "\"ghcr.io/example/web\"");
        assert_eq!(string("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(string("\u{1}\u{2028}"), "\"\\001\u{2028}\"");
    }
}
