//! Values paths: where in a chart's values a recommendation lands.
//!
//! Segments are separated by `.`; a segment that holds anything but letters, digits, `_` and
//! `-` (a Spark key with dots, a ConfigMap key) is written in double quotes, with `\"` and
//! `\\` inside; `[N]` after a segment indexes a list:
//!
//! ```text
//! apps.sparkConnect.config.data."spark.sql.shuffle.partitions"
//! apps.worker.keda.triggers[0].metadata.value
//! ```

use std::fmt;

use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A parsed values path (never empty).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ValuesPath(Vec<Segment>);

impl ValuesPath {
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// `self` followed by the key `key`.
    pub fn child(&self, key: &str) -> ValuesPath {
        let mut segments = self.0.clone();
        segments.push(Segment::Key(key.to_string()));
        ValuesPath(segments)
    }

    pub fn from_keys<'a>(keys: impl IntoIterator<Item = &'a str>) -> ValuesPath {
        ValuesPath(keys.into_iter().map(|k| Segment::Key(k.to_string())).collect())
    }

    /// The longest prefix without a list index: Helm replaces lists as a whole, so an
    /// overlay that changes one item must carry the whole list, found at this prefix.
    pub fn before_first_index(&self) -> ValuesPath {
        let keys = self.0.iter().take_while(|s| matches!(s, Segment::Key(_))).cloned().collect();
        ValuesPath(keys)
    }
}

fn is_plain(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl fmt::Display for ValuesPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) => {
                    if position > 0 {
                        f.write_str(".")?;
                    }
                    if is_plain(key) {
                        f.write_str(key)?;
                    } else {
                        write!(f, "\"{}\"", key.replace('\\', "\\\\").replace('"', "\\\""))?;
                    }
                }
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for ValuesPath {
    type Err = String;

    fn from_str(text: &str) -> Result<ValuesPath, String> {
        Parser { chars: text.char_indices().peekable(), text }.path()
    }
}

struct Parser<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    text: &'a str,
}

impl Parser<'_> {
    fn path(mut self) -> Result<ValuesPath, String> {
        let mut segments = Vec::new();
        loop {
            segments.push(Segment::Key(self.key()?));
            while self.chars.peek().map(|&(_, c)| c) == Some('[') {
                segments.push(Segment::Index(self.index()?));
            }
            match self.chars.next() {
                None => return Ok(ValuesPath(segments)),
                Some((_, '.')) => continue,
                Some((at, c)) => {
                    return Err(format!("unexpected {c:?} at byte {at} (quote a key with dots in \"...\")"))
                }
            }
        }
    }

    fn key(&mut self) -> Result<String, String> {
        match self.chars.peek().copied() {
            Some((_, '"')) => self.quoted(),
            Some((_, c)) if c.is_ascii_alphanumeric() || c == '_' || c == '-' => Ok(self.plain()),
            Some((at, c)) => Err(format!("expected a key at byte {at}, found {c:?}")),
            None => Err(format!("expected a key at the end of {:?}", self.text)),
        }
    }

    fn plain(&mut self) -> String {
        let mut key = String::new();
        while let Some(&(_, c)) = self.chars.peek() {
            if !(c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                break;
            }
            key.push(c);
            self.chars.next();
        }
        key
    }

    fn quoted(&mut self) -> Result<String, String> {
        let (start, _) = self.chars.next().ok_or("expected '\"'")?;
        let mut key = String::new();
        loop {
            match self.chars.next() {
                Some((_, '"')) if key.is_empty() => return Err(format!("empty quoted key at byte {start}")),
                Some((_, '"')) => return Ok(key),
                Some((at, '\\')) => match self.chars.next() {
                    Some((_, c @ ('"' | '\\'))) => key.push(c),
                    _ => return Err(format!("bad escape at byte {at}: only \\\" and \\\\ are allowed")),
                },
                Some((_, c)) => key.push(c),
                None => return Err(format!("the quote opened at byte {start} is not closed")),
            }
        }
    }

    fn index(&mut self) -> Result<usize, String> {
        let (start, _) = self.chars.next().ok_or("expected '['")?;
        let mut digits = String::new();
        while let Some(&(_, c)) = self.chars.peek() {
            if !c.is_ascii_digit() {
                break;
            }
            digits.push(c);
            self.chars.next();
        }
        match (self.chars.next(), digits.parse()) {
            (Some((_, ']')), Ok(index)) => Ok(index),
            _ => Err(format!("the index at byte {start} is not [N]")),
        }
    }
}

/// The value at `path`, if every segment exists.
pub fn get<'v>(value: &'v Value, path: &ValuesPath) -> Option<&'v Value> {
    path.0.iter().try_fold(value, |node, segment| match segment {
        Segment::Key(key) => node.as_object()?.get(key),
        Segment::Index(index) => node.as_array()?.get(*index),
    })
}

/// Where a path leaves the values: the longest prefix that exists, and the segment missing.
pub fn missing_part(value: &Value, path: &ValuesPath) -> Option<(ValuesPath, Segment)> {
    let mut node = value;
    for (position, segment) in path.0.iter().enumerate() {
        let next = match segment {
            Segment::Key(key) => node.as_object().and_then(|o| o.get(key)),
            Segment::Index(index) => node.as_array().and_then(|a| a.get(*index)),
        };
        match next {
            Some(child) => node = child,
            None => return Some((ValuesPath(path.0[..position].to_vec()), segment.clone())),
        }
    }
    None
}

/// Sets `path` to `new`. Every segment but the last must exist; the last may be a new key of
/// an existing map. Returns false (changing nothing) when the parent is missing.
pub fn set(value: &mut Value, path: &ValuesPath, new: Value) -> bool {
    let Some((last, parents)) = path.0.split_last() else { return false };
    let mut node = value;
    for segment in parents {
        let next = match segment {
            Segment::Key(key) => node.as_object_mut().and_then(|o| o.get_mut(key)),
            Segment::Index(index) => node.as_array_mut().and_then(|a| a.get_mut(*index)),
        };
        match next {
            Some(child) => node = child,
            None => return false,
        }
    }
    match (last, node) {
        (Segment::Key(key), Value::Object(object)) => {
            object.insert(key.clone(), new);
            true
        }
        (Segment::Index(index), Value::Array(items)) if *index < items.len() => {
            items[*index] = new;
            true
        }
        _ => false,
    }
}

/// Sets `path` to `new` in `value`, creating the maps on the way (for building overlays).
pub fn insert_creating(value: &mut Map<String, Value>, path: &ValuesPath, new: Value) {
    let keys: Vec<&str> = path
        .0
        .iter()
        .map(|s| match s {
            Segment::Key(key) => key.as_str(),
            Segment::Index(_) => unreachable!("overlay paths stop before the first list index"),
        })
        .collect();
    let Some((last, parents)) = keys.split_last() else { return };
    let mut node = value;
    for key in parents {
        let entry = node.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        node = entry.as_object_mut().expect("made an object above");
    }
    node.insert(last.to_string(), new);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Result<ValuesPath, String> {
        text.parse()
    }

    #[test]
    fn quoted_segments_keep_their_dots() {
        let path = parse(r#"apps.sparkConnect.config.data."spark.sql.shuffle.partitions""#).unwrap();
        assert_eq!(
            path.segments(),
            [
                Segment::Key("apps".into()),
                Segment::Key("sparkConnect".into()),
                Segment::Key("config".into()),
                Segment::Key("data".into()),
                Segment::Key("spark.sql.shuffle.partitions".into()),
            ]
        );
        assert_eq!(path.to_string(), r#"apps.sparkConnect.config.data."spark.sql.shuffle.partitions""#);
    }

    #[test]
    fn unquoted_dots_are_separators() {
        assert_eq!(parse("connect.sparkConf.spark.sql").unwrap().segments().len(), 4);
    }

    #[test]
    fn escapes_and_indexes() {
        let path = parse(r#"a."say \"hi\" \\ ok".list[2][0].b"#).unwrap();
        assert_eq!(
            path.segments(),
            [
                Segment::Key("a".into()),
                Segment::Key(r#"say "hi" \ ok"#.into()),
                Segment::Key("list".into()),
                Segment::Index(2),
                Segment::Index(0),
                Segment::Key("b".into()),
            ]
        );
        assert_eq!(path.to_string().parse::<ValuesPath>().unwrap(), path, "display round-trips");
        assert_eq!(path.before_first_index().to_string(), r#"a."say \"hi\" \\ ok".list"#);
    }

    #[test]
    fn malformed_paths_are_refused_with_the_place() {
        assert_eq!(parse("").unwrap_err(), "expected a key at the end of \"\"");
        assert_eq!(parse("a..b").unwrap_err(), "expected a key at byte 2, found '.'");
        assert_eq!(parse("a.").unwrap_err(), "expected a key at the end of \"a.\"");
        assert_eq!(parse(r#"a."b"#).unwrap_err(), "the quote opened at byte 2 is not closed");
        assert_eq!(parse(r#"a."""#).unwrap_err(), "empty quoted key at byte 2");
        assert_eq!(parse(r#"a."\n""#).unwrap_err(), "bad escape at byte 3: only \\\" and \\\\ are allowed");
        assert_eq!(parse("a[x]").unwrap_err(), "the index at byte 1 is not [N]");
        assert_eq!(parse("a b").unwrap_err(), "unexpected ' ' at byte 1 (quote a key with dots in \"...\")");
        assert_eq!(parse(r#"a"b""#).unwrap_err(), "unexpected '\"' at byte 1 (quote a key with dots in \"...\")");
    }

    #[test]
    fn get_set_and_missing() {
        let mut values = json!({"a": {"b": 1, "l": [{"x": 1}]}});
        assert_eq!(get(&values, &parse("a.l[0].x").unwrap()), Some(&json!(1)));
        assert!(set(&mut values, &parse("a.c").unwrap(), json!(2)), "a new key of an existing map");
        assert!(!set(&mut values, &parse("a.z.c").unwrap(), json!(2)), "no missing parent is made");
        assert!(!set(&mut values, &parse("a.l[1]").unwrap(), json!(2)), "no list grows");
        assert_eq!(values, json!({"a": {"b": 1, "c": 2, "l": [{"x": 1}]}}));
        let (found, missing) = missing_part(&values, &parse("a.z.c").unwrap()).unwrap();
        assert_eq!((found.to_string(), missing), ("a".to_string(), Segment::Key("z".into())));
        assert_eq!(missing_part(&values, &parse("a.b").unwrap()), None);
    }

    #[test]
    fn set_replaces_an_existing_list_item() {
        let mut values = json!({"l": [1, 2]});
        assert!(set(&mut values, &parse("l[1]").unwrap(), json!(9)));
        assert!(set(&mut values, &parse("l[0]").unwrap(), json!(8)));
        assert_eq!(values, json!({"l": [8, 9]}));
    }

    #[test]
    fn insert_creating_merges_into_maps_and_replaces_what_is_no_map() {
        let mut overlay = Map::new();
        insert_creating(&mut overlay, &parse("a.b").unwrap(), json!(1));
        insert_creating(&mut overlay, &parse("a.c").unwrap(), json!(2));
        insert_creating(&mut overlay, &parse("x").unwrap(), json!(3));
        insert_creating(&mut overlay, &parse("x.y").unwrap(), json!(4));
        assert_eq!(Value::Object(overlay), json!({"a": {"b": 1, "c": 2}, "x": {"y": 4}}));
    }

    #[test]
    fn keys_of_letters_digits_underscores_and_dashes_go_unquoted() {
        let path = ValuesPath::from_keys(["my_key-2", "_x", "-y", "a b"]);
        assert_eq!(path.to_string(), r#"my_key-2._x.-y."a b""#);
        assert_eq!(path.to_string().parse::<ValuesPath>().unwrap(), path);
        assert_eq!(path.child("z").to_string(), r#"my_key-2._x.-y."a b".z"#);
    }
}
