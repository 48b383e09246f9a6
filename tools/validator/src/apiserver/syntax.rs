//! The string grammars of Kubernetes' validation (k8s.io/apimachinery
//! pkg/util/validation/validation.go), each returning a short reason on failure.

/// `DNS1123LabelMaxLength`, `DNS1123SubdomainMaxLength`.
const LABEL_MAX: usize = 63;
const SUBDOMAIN_MAX: usize = 253;

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, length checked by the callers.
fn is_label_text(label: &str) -> bool {
    !label.is_empty()
        && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// `IsDNS1123Label`: container, volume and Service port names, namespaces.
pub fn dns1123_label(value: &str) -> Result<(), String> {
    if value.len() <= LABEL_MAX && is_label_text(value) {
        Ok(())
    } else {
        Err(format!(
            "{value:?} is not a DNS-1123 label (1 to 63 lowercase letters, digits and '-', starting and ending with \
             a letter or digit)"
        ))
    }
}

/// `IsDNS1035Label`: Service names, which must start with a letter.
pub fn dns1035_label(value: &str) -> Result<(), String> {
    if value.len() <= LABEL_MAX && is_label_text(value) && value.starts_with(|c: char| c.is_ascii_lowercase()) {
        Ok(())
    } else {
        Err(format!(
            "{value:?} is not a DNS-1035 label (1 to 63 lowercase letters, digits and '-', starting with a letter \
             and ending with a letter or digit)"
        ))
    }
}

/// `IsDNS1123Subdomain`: most object names, hosts, Secret names.
pub fn dns1123_subdomain(value: &str) -> Result<(), String> {
    if value.len() <= SUBDOMAIN_MAX && value.split('.').all(is_label_text) {
        Ok(())
    } else {
        Err(format!(
            "{value:?} is not a DNS-1123 subdomain (at most 253 characters: dot-separated lowercase labels of \
             letters, digits and '-', each starting and ending with a letter or digit)"
        ))
    }
}

/// `IsWildcardDNS1123Subdomain`: `*.` and a subdomain; the wildcard only as the first label.
pub fn wildcard_subdomain(value: &str) -> Result<(), String> {
    match value.strip_prefix("*.") {
        Some(rest) if value.len() <= SUBDOMAIN_MAX && dns1123_subdomain(rest).is_ok() => Ok(()),
        _ => {
            Err(format!("{value:?} is not a wildcard DNS-1123 subdomain: '*' is allowed only as the whole first label"))
        }
    }
}

/// `ValidatePathSegmentName`: names of RBAC objects, may be anything but `.`, `..` and
/// names containing '/' or '%'.
pub fn path_segment_name(value: &str) -> Result<(), String> {
    match value {
        "" => Err("must not be empty".into()),
        "." | ".." => Err(format!("{value:?} may not be '.' or '..'")),
        _ if value.contains(['/', '%']) => Err(format!("{value:?} may not contain '/' or '%'")),
        _ => Ok(()),
    }
}

/// `IsQualifiedName`: label and annotation keys, an optional DNS-1123 subdomain prefix and
/// '/', then 1 to 63 of `[A-Za-z0-9_.-]`, starting and ending alphanumeric.
pub fn qualified_name(value: &str) -> Result<(), String> {
    let (prefix, name) = value.split_once('/').map_or((None, value), |(p, n)| (Some(p), n));
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            return Err(format!("{value:?}: the prefix before '/' must not be empty"));
        }
        dns1123_subdomain(prefix).map_err(|m| format!("{value:?}: prefix {m}"))?;
    }
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let valid = (1..=LABEL_MAX).contains(&name.len())
        && edge(name.chars().next())
        && edge(name.chars().next_back())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{value:?} is not a qualified name: the name (after an optional DNS subdomain prefix and '/') must be 1 \
             to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
        ))
    }
}

/// `IsValidLabelValue`: empty, or at most 63 of `[A-Za-z0-9_.-]` starting and ending
/// alphanumeric.
pub fn label_value(value: &str) -> Result<(), String> {
    let valid = value.is_empty()
        || (value.len() <= LABEL_MAX
            && value.starts_with(|c: char| c.is_ascii_alphanumeric())
            && value.ends_with(|c: char| c.is_ascii_alphanumeric())
            && value.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{value:?} is not a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a \
             letter or digit"
        ))
    }
}

/// `IsValidPortName` (IANA_SVC_NAME): at most 15 lowercase letters, digits and '-', with a
/// letter, neither starting nor ending with '-' and no "--".
pub fn port_name(value: &str) -> Result<(), String> {
    let reason = |what: &str| Err(format!("port name {value:?} {what} (IANA_SVC_NAME)"));
    if value.is_empty() || value.len() > 15 {
        return reason("must be 1 to 15 characters long");
    }
    if !value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return reason("may contain only lowercase letters, digits and '-'");
    }
    if !value.bytes().any(|b| b.is_ascii_lowercase()) {
        return reason("must contain at least one letter");
    }
    if value.contains("--") || value.starts_with('-') || value.ends_with('-') {
        return reason("must not start or end with '-' nor contain \"--\"");
    }
    Ok(())
}

/// `IsValidPortNum`.
pub fn port_number(value: i64) -> Result<(), String> {
    if (1..=65535).contains(&value) {
        Ok(())
    } else {
        Err(format!("{value} is not a port number from 1 to 65535"))
    }
}

/// `ValidatePortNumOrName`: a number from 1 to 65535, or an IANA_SVC_NAME.
pub fn port_number_or_name(value: &serde_json::Value) -> Result<(), String> {
    match value {
        serde_json::Value::String(name) => port_name(name),
        other => match other.as_i64() {
            Some(number) => port_number(number),
            None => Err(format!("{other} is neither a port number nor a port name")),
        },
    }
}

/// An IntOrString count or percentage at least 0 (`ValidatePositiveIntOrPercent`) and, as
/// a percentage, at most 100% (`IsNotMoreThan100Percent`).
pub fn int_or_percent(value: &serde_json::Value) -> Result<(), String> {
    match value {
        serde_json::Value::String(text) => match text.strip_suffix('%').map(str::parse::<i64>) {
            Some(Ok(percent)) if (0..=100).contains(&percent) => Ok(()),
            Some(Ok(_)) => Err(format!("{text:?} must be a percentage from 0% to 100%")),
            _ => Err(format!("{text:?} must be an integer or percentage (e.g. '5%')")),
        },
        other => match other.as_i64() {
            Some(number) if number >= 0 => Ok(()),
            _ => Err(format!("{other} must be greater than or equal to 0")),
        },
    }
}

/// Whether an IntOrString is zero (`0` or `"0%"`).
pub fn is_zero(value: &serde_json::Value) -> bool {
    value.as_i64() == Some(0) || value.as_str().is_some_and(|s| s.trim_end_matches('%') == "0")
}

/// The `validTimeZoneCharacters` of a CronJob's time zone, per '/'-separated part: 1 to 14
/// of `[A-Za-z.\-_0-9+]`, not `.` or `..`, not starting with '-'; and never `Local`.
pub fn time_zone(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("must be unset or a non-empty time zone name".into());
    }
    if value.eq_ignore_ascii_case("local") {
        return Err(format!("{value:?} must be an explicit IANA time zone such as Europe/Berlin, not Local"));
    }
    let part_ok = |part: &str| {
        (1..=14).contains(&part.len())
            && part != "."
            && part != ".."
            && !part.starts_with('-')
            && part.chars().all(|c| c.is_ascii_alphanumeric() || ".-_+".contains(c))
    };
    if value.split('/').all(part_ok) {
        Ok(())
    } else {
        Err(format!("unknown time zone {value:?}: not an IANA time zone name such as Europe/Berlin or Etc/UTC"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dns_names() {
        assert!(dns1123_label("web-1").is_ok());
        assert!(dns1123_label("1web").is_ok());
        assert!(dns1035_label("1web").is_err());
        assert!(dns1035_label("web-1").is_ok());
        assert!(dns1123_label(&"a".repeat(64)).is_err());
        assert!(dns1123_label("Web").is_err());
        assert!(dns1123_label("web-").is_err());
        assert!(dns1123_subdomain("a.example.com").is_ok());
        assert!(dns1123_subdomain("a..example").is_err());
        assert!(dns1123_subdomain(&"a".repeat(254)).is_err());
        assert!(wildcard_subdomain("*.example.com").is_ok());
        assert!(wildcard_subdomain("a.*.example.com").is_err());
        assert!(path_segment_name("x:y").is_ok());
        assert!(path_segment_name("x/y").is_err());
    }

    #[test]
    fn labels_and_keys() {
        assert!(qualified_name("app.kubernetes.io/name").is_ok());
        assert!(qualified_name("Name_1.x").is_ok());
        assert!(qualified_name("/name").is_err());
        assert!(qualified_name("a/b/c").is_err());
        assert!(qualified_name(&"n".repeat(64)).is_err());
        assert!(label_value("").is_ok());
        assert!(label_value("1.2.3").is_ok());
        assert!(label_value("-x").is_err());
        assert!(label_value("a b").is_err());
    }

    #[test]
    fn ports() {
        assert!(port_name("http").is_ok());
        assert!(port_name("h2c-8080").is_ok());
        assert!(port_name("8080").is_err());
        assert!(port_name("metrics-endpoint").is_err());
        assert!(port_name("a--b").is_err());
        assert!(port_name("HTTP").is_err());
        assert!(port_number_or_name(&json!(8080)).is_ok());
        assert!(port_number_or_name(&json!(0)).is_err());
        assert!(port_number_or_name(&json!(65536)).is_err());
        assert!(port_number_or_name(&json!("http")).is_ok());
    }

    #[test]
    fn counts_and_percentages() {
        assert!(int_or_percent(&json!(0)).is_ok());
        assert!(int_or_percent(&json!("25%")).is_ok());
        assert!(int_or_percent(&json!(-1)).is_err());
        assert!(int_or_percent(&json!("101%")).is_err());
        assert!(int_or_percent(&json!("two")).is_err());
        assert!(is_zero(&json!("0%")) && is_zero(&json!(0)) && !is_zero(&json!(1)));
    }

    /// `DNS1123LabelMaxLength` (63) for both label grammars, `DNS1123SubdomainMaxLength` (253)
    /// for a subdomain and for a wildcard one counted with its `*.`.
    #[test]
    fn dns_names_stop_at_kubernetes_lengths() {
        assert_eq!(dns1123_label(&"a".repeat(63)), Ok(()));
        assert_eq!(dns1035_label(&"a".repeat(63)), Ok(()));
        let long = dns1035_label(&"a".repeat(64)).unwrap_err();
        assert!(long.contains("is not a DNS-1035 label"), "{long}");
        let subdomain = |length: usize| format!("{}.{}", "a".repeat(63), "b".repeat(length - 64));
        assert_eq!(dns1123_subdomain(&subdomain(253)), Ok(()));
        assert!(dns1123_subdomain(&subdomain(254)).unwrap_err().contains("at most 253 characters"));
        // `*.` and 251 characters is 253; the subdomain after `*.` is valid at 252 too.
        assert_eq!(wildcard_subdomain(&format!("*.{}", subdomain(251))), Ok(()));
        let wide = wildcard_subdomain(&format!("*.{}", subdomain(252))).unwrap_err();
        assert!(wide.contains("is not a wildcard DNS-1123 subdomain"), "{wide}");
    }

    #[test]
    fn dns_labels_start_and_end_with_a_letter_or_digit() {
        for bad in ["-web", "web-", "", "we_b", "web.1"] {
            assert!(dns1123_label(bad).unwrap_err().contains("is not a DNS-1123 label"), "{bad:?}");
            assert!(dns1035_label(bad).is_err(), "{bad:?}");
        }
        assert!(dns1123_subdomain("-a.example.com").is_err());
        assert!(dns1123_subdomain("a-.example.com").is_err());
        assert!(dns1123_subdomain("").is_err());
        // After `*.` comes a DNS-1123 subdomain: lowercase, no second wildcard.
        assert!(wildcard_subdomain("*.Example.com").is_err());
        assert!(wildcard_subdomain("*.*.example.com").is_err());
        assert!(wildcard_subdomain("*").is_err());
    }

    #[test]
    fn path_segment_names_refuse_dots_slashes_and_percent() {
        assert_eq!(path_segment_name("release:view"), Ok(()));
        assert_eq!(path_segment_name("..."), Ok(()));
        assert_eq!(path_segment_name(""), Err("must not be empty".to_string()));
        assert_eq!(path_segment_name("."), Err("\".\" may not be '.' or '..'".to_string()));
        assert_eq!(path_segment_name(".."), Err("\"..\" may not be '.' or '..'".to_string()));
        assert_eq!(path_segment_name("a%2f"), Err("\"a%2f\" may not contain '/' or '%'".to_string()));
    }

    /// `IsQualifiedName`: a name of at most 63 characters, alphanumeric at both ends; the
    /// prefix a DNS-1123 subdomain.
    #[test]
    fn qualified_names_stop_at_63_and_start_and_end_alphanumeric() {
        assert_eq!(qualified_name(&"n".repeat(63)), Ok(()));
        assert_eq!(qualified_name(&format!("example.com/{}", "n".repeat(63))), Ok(()));
        assert!(qualified_name(&format!("example.com/{}", "n".repeat(64))).is_err());
        for bad in ["-a", "a-", "_a", "a.", "", "example.com/", "a b"] {
            let message = qualified_name(bad).unwrap_err();
            assert!(message.contains("is not a qualified name"), "{bad:?}: {message}");
        }
        let prefix = qualified_name("Example.com/name").unwrap_err();
        assert!(prefix.contains("prefix \"Example.com\" is not a DNS-1123 subdomain"), "{prefix}");
    }

    #[test]
    fn label_values_stop_at_63_and_start_and_end_alphanumeric() {
        assert_eq!(label_value(&"v".repeat(63)), Ok(()));
        let long = label_value(&"v".repeat(64)).unwrap_err();
        assert!(long.contains("is not a label value"), "{long}");
        for bad in ["x-", "_x", "x.", "a/b"] {
            assert!(label_value(bad).is_err(), "{bad:?}");
        }
        assert_eq!(label_value("A_b-c.9"), Ok(()));
    }

    /// IANA_SVC_NAME: 15 characters at most, with the reason for each refusal.
    #[test]
    fn port_names_give_the_iana_reason() {
        assert_eq!(port_name("abcdefghijklmno"), Ok(()));
        assert_eq!(port_name("a"), Ok(()));
        let reason = |name: &str| port_name(name).unwrap_err();
        assert!(reason("abcdefghijklmnop").contains("must be 1 to 15 characters long"));
        assert!(reason("").contains("must be 1 to 15 characters long"));
        assert!(reason("a_b").contains("may contain only lowercase letters, digits and '-'"));
        assert!(reason("Http").contains("may contain only lowercase letters, digits and '-'"));
        assert!(reason("80-80").contains("must contain at least one letter"));
        for bad in ["-http", "http-", "h--2"] {
            assert!(reason(bad).contains("must not start or end with '-'"), "{bad}");
        }
        assert_eq!(port_number(1), Ok(()));
        assert_eq!(port_number(65535), Ok(()));
        assert_eq!(port_number_or_name(&json!(true)), Err("true is neither a port number nor a port name".into()));
    }

    #[test]
    fn percentages_name_their_range_and_counts_their_minimum() {
        assert_eq!(int_or_percent(&json!("100%")), Ok(()));
        assert_eq!(int_or_percent(&json!("0%")), Ok(()));
        assert_eq!(int_or_percent(&json!("101%")), Err("\"101%\" must be a percentage from 0% to 100%".into()));
        assert!(int_or_percent(&json!("-1%")).is_err());
        assert_eq!(int_or_percent(&json!("25")), Err("\"25\" must be an integer or percentage (e.g. '5%')".into()));
        assert_eq!(int_or_percent(&json!(-1)), Err("-1 must be greater than or equal to 0".into()));
        assert!(!is_zero(&json!("10%")) && !is_zero(&json!(null)));
    }

    /// `validTimeZoneCharacters`: each '/'-separated part 1 to 14 characters, not `.`, `..`
    /// nor starting with '-'.
    #[test]
    fn time_zone_parts_follow_kubernetes_rules() {
        assert_eq!(time_zone("Etc/abcdefghijklmn"), Ok(()));
        for bad in ["Etc/abcdefghijklmno", "Etc/-abc", "Etc/.", ".", "Europe//Berlin", "local", "Etc/a b"] {
            assert!(time_zone(bad).is_err(), "{bad:?}");
        }
        let message = time_zone("Etc/-abc").unwrap_err();
        assert_eq!(
            message,
            "unknown time zone \"Etc/-abc\": not an IANA time zone name such as Europe/Berlin or Etc/UTC"
        );
    }

    #[test]
    fn time_zones() {
        assert!(time_zone("Europe/Berlin").is_ok());
        assert!(time_zone("Etc/GMT+5").is_ok());
        assert!(time_zone("America/Argentina/Buenos_Aires").is_ok());
        assert!(time_zone("").is_err());
        assert!(time_zone("Local").is_err());
        assert!(time_zone("Europe/../etc").is_err());
        assert!(time_zone("Central European Time").is_err());
    }
}
