//! Syntax checks for the strings Kubernetes and Helm are strict about. Each returns a short
//! reason on failure; callers add the file, target and field.

/// Kubernetes keeps a CronJob's name to 52 characters, as it appends 11 to name its Jobs
/// (`ValidateCronJobCreate`); the chart cuts a CronJob's `<release>-<app>` to this.
pub const CRON_JOB_NAME_MAX: usize = 52;

/// A StatefulSet's name may have 52 characters for its pods to be created: its controller
/// labels each pod `controller-revision-hash: <name>-<10-character hash>`, a label value of
/// at most 63 (kubernetes/kubernetes#64023); the chart cuts a StatefulSet's name to this.
pub const STATEFUL_SET_NAME_MAX: usize = 52;

/// Text Helm 3 can carry through values: no DEL (U+007F) and no C1 control character
/// (U+0080 to U+009F) but NEL (U+0085), which YAML counts as printable. Helm 3 checks values
/// against values.schema.json after writing them out with yaml.v2, which writes these
/// characters raw and then refuses to read them back ("control characters are not allowed"),
/// so any chart with a schema (every composed chart) would fail `helm install` with Helm 3,
/// however correctly values.yaml encodes them.
pub fn helm3_readable(value: &str) -> Result<(), String> {
    match value.chars().find(|&c| ('\u{7f}'..='\u{9f}').contains(&c) && c != '\u{85}') {
        Some(c) => Err(format!(
            "contains the control character U+{:04X}, which Helm 3 cannot read back from values (its schema check \
             round-trips values through YAML that refuses it), so `helm install` with Helm 3 would fail; remove it",
            u32::from(c)
        )),
        None => Ok(()),
    }
}

/// Kubernetes object names of Services and most others: a DNS-1035 label.
pub fn dns_label(value: &str) -> Result<(), String> {
    if value.is_empty() || value.len() > 63 {
        return Err(format!("must be 1 to 63 characters long, got {}", value.len()));
    }
    let bytes = value.as_bytes();
    if !bytes[0].is_ascii_lowercase() {
        return Err("must start with a lowercase letter (DNS-1035 label)".into());
    }
    if !bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-') {
        return Err("may contain only lowercase letters, digits and '-' (DNS-1035 label)".into());
    }
    if bytes[bytes.len() - 1] == b'-' {
        return Err("must not end with '-' (DNS-1035 label)".into());
    }
    Ok(())
}

/// Kubernetes' longest DNS-1123 subdomain (`DNS1123SubdomainMaxLength`).
const SUBDOMAIN_MAX: usize = 253;

/// Names of Secrets, ConfigMaps and host names: a DNS-1123 subdomain (dot-separated labels
/// of lowercase letters, digits and '-', each starting and ending with a letter or digit).
pub fn dns_subdomain(value: &str) -> Result<(), String> {
    if value.len() <= SUBDOMAIN_MAX && value.split('.').all(is_label_text) {
        Ok(())
    } else {
        Err(format!(
            "{value:?} is not a DNS-1123 subdomain (at most 253 lowercase letters, digits, '-' and '.', each \
             dot-separated part starting and ending with a letter or digit)"
        ))
    }
}

/// Names of Secrets a pod pulls its images with: each a DNS-1123 subdomain, none twice (the
/// pod spec's list is keyed by name).
pub fn pull_secret_names(names: &[String]) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for name in names {
        dns_subdomain(name)?;
        if !seen.insert(name) {
            return Err(format!("{name:?} is listed twice"));
        }
    }
    Ok(())
}

/// Namespaces and (here) cluster names: a DNS-1123 label, which unlike a DNS-1035 label
/// may start with a digit.
pub fn dns1123_label(value: &str) -> Result<(), String> {
    if value.len() <= 63 && is_label_text(value) {
        Ok(())
    } else {
        Err(format!(
            "{value:?} is not a DNS-1123 label (1 to 63 lowercase letters, digits and '-', starting and ending \
             with a letter or digit)"
        ))
    }
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, the label of DNS-1123 names (length checked by callers).
fn is_label_text(label: &str) -> bool {
    !label.is_empty()
        && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// An Ingress host as Kubernetes validates it: a DNS-1123 subdomain, optionally with a
/// leading `*.` wildcard label, and never an IP address.
pub fn ingress_host(value: &str) -> Result<(), String> {
    // Kubernetes parses "sloppily" (leading zeros too), so four numeric parts count as an IP.
    let ipv4_like = value.split('.').count() == 4
        && value.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if ipv4_like || value.parse::<std::net::IpAddr>().is_ok() {
        return Err(format!("{value:?} must be a DNS name, not an IP address"));
    }
    let reason = |m: String| format!("{m}; only a leading \"*.\" wildcard is allowed");
    match value.strip_prefix("*.") {
        Some(_) if value.len() > SUBDOMAIN_MAX => Err(format!("{value:?} is longer than 253 characters")),
        Some(rest) => dns_subdomain(rest).map_err(reason),
        None => dns_subdomain(value).map_err(reason),
    }
}

/// An Ingress path of type Prefix or Exact as Kubernetes validates it
/// (`validateHTTPIngressPath`): absolute, without `//`, `/./`, `/../` or an escaped slash, and
/// not ending in `/.` or `/..`.
pub fn ingress_path(value: &str) -> Result<(), String> {
    if !value.starts_with('/') {
        return Err(format!("{value:?} must start with '/'"));
    }
    if let Some(bad) = ["//", "/./", "/../", "%2f", "%2F"].iter().find(|s| value.contains(*s)) {
        return Err(format!("{value:?} must not contain '{bad}'"));
    }
    if let Some(bad) = ["/..", "/."].iter().find(|s| value.ends_with(*s)) {
        return Err(format!("{value:?} must not end with '{bad}'"));
    }
    Ok(())
}

/// A label or annotation key: a Kubernetes qualified name, an optional DNS-1123 subdomain
/// prefix and '/', then a name of 1 to 63 characters `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
pub fn qualified_name(value: &str) -> Result<(), String> {
    let (prefix, name) = match value.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, value),
    };
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            return Err(format!("{value:?}: the prefix before '/' must not be empty"));
        }
        dns_subdomain(prefix).map_err(|m| format!("{value:?}: prefix {m}"))?;
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let valid = (1..=63).contains(&name.len())
        && edge_ok(name.chars().next())
        && edge_ok(name.chars().next_back())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{value:?} is not a qualified name: the name part (after an optional DNS subdomain prefix and '/') \
             must be 1 to 63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or \
             digit"
        ))
    }
}

/// Semantic version 2.0.0, as Helm requires for chart versions.
pub fn semver(value: &str) -> Result<(), String> {
    let reason = || format!("{value:?} is not a SemVer 2 version such as 1.2.3");
    let (core, build) = value.split_once('+').map_or((value, None), |(c, b)| (c, Some(b)));
    let (core, pre) = core.split_once('-').map_or((core, None), |(c, p)| (c, Some(p)));
    let parts: Vec<&str> = core.split('.').collect();
    let numeric =
        |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (p.len() == 1 || !p.starts_with('0'));
    // Pre-release and build metadata: dot-separated identifiers of [0-9A-Za-z-].
    let identifiers = |text: Option<&str>| {
        text.is_none_or(|t| {
            t.split('.').all(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        })
    };
    if parts.len() == 3 && parts.iter().all(numeric) && identifiers(pre) && identifiers(build) {
        Ok(())
    } else {
        Err(reason())
    }
}

/// A Kubernetes resource quantity such as `100m`, `0.5`, `128Mi` or `1e3`.
pub fn quantity(value: &str) -> Result<(), String> {
    quantity_nanos(value).map(|_| ())
}

/// A non-negative quantity in nano-units (10^-9 of its unit), exact: `1Gi` and `1024Mi` are
/// equal, `500m` is half of `1`. Kubernetes keeps quantities to the nano and rounds finer
/// ones up, as this does.
pub fn quantity_nanos(value: &str) -> Result<i128, String> {
    let reason = || format!("{value:?} is not a Kubernetes quantity such as 250m, 1, 512Mi or 2Gi");
    let unsigned = value.strip_prefix('+').unwrap_or(value);
    let number_end = unsigned.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(unsigned.len());
    let (number, suffix) = unsigned.split_at(number_end);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') {
        return Err(reason());
    }
    let (numerator, denominator) = quantity_scale(suffix).ok_or_else(reason)?;
    let too_large = || format!("{value:?} is too large a quantity");
    let mut mantissa: i128 = 0;
    for digit in whole.bytes().chain(fraction.bytes()) {
        mantissa =
            mantissa.checked_mul(10).and_then(|m| m.checked_add(i128::from(digit - b'0'))).ok_or_else(too_large)?;
    }
    let fraction_digits = u32::try_from(fraction.len()).map_err(|_| too_large())?;
    let top = mantissa.checked_mul(numerator).and_then(|t| t.checked_mul(1_000_000_000)).ok_or_else(too_large)?;
    let bottom = 10i128.checked_pow(fraction_digits).and_then(|f| f.checked_mul(denominator)).ok_or_else(too_large)?;
    Ok((top + bottom - 1) / bottom)
}

/// The factor of a quantity's suffix as a fraction (numerator, denominator): binary `Ki` to
/// `Ei`, decimal `n` to `E`, or an exponent `e3`/`E-2` (at most 10^±40, past which no
/// quantity fits).
fn quantity_scale(suffix: &str) -> Option<(i128, i128)> {
    const BINARY: [&str; 6] = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    const DECIMAL: [(&str, i32); 10] =
        [("n", -9), ("u", -6), ("m", -3), ("", 0), ("k", 3), ("M", 6), ("G", 9), ("T", 12), ("P", 15), ("E", 18)];
    if let Some(index) = BINARY.iter().position(|s| *s == suffix) {
        return Some((1i128 << (10 * (index + 1)), 1));
    }
    let power = match DECIMAL.iter().find(|(s, _)| *s == suffix) {
        Some((_, power)) => *power,
        None => {
            let exponent = suffix.strip_prefix(['e', 'E'])?;
            let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            exponent.parse::<i32>().ok().filter(|e| e.abs() <= 40)?
        }
    };
    let factor = 10i128.checked_pow(power.unsigned_abs())?;
    Some(if power >= 0 { (factor, 1) } else { (1, factor) })
}

/// Docker's longest repository name (`NameTotalLengthMax`).
const IMAGE_NAME_MAX: usize = 255;

/// The repository part of an image reference (no tag, no digest), by Docker's reference
/// grammar: an optional registry `host[:port]`, then path components
/// `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*` separated by '/'.
pub fn image_repository(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("is required".into());
    }
    let last = value.rsplit('/').next().unwrap_or(value);
    if last.contains(':') || value.contains('@') {
        return Err(format!("{value:?} must not carry a tag or digest; use image tag/digest"));
    }
    if value.len() > IMAGE_NAME_MAX {
        return Err(format!("is {} characters long; an image repository has at most 255", value.len()));
    }
    let mut components: Vec<&str> = value.split('/').collect();
    // As Docker reads it: the first component is a registry when it has a '.' or a port,
    // or is localhost, and something follows it.
    let first = components[0];
    if components.len() > 1 && (first.contains(['.', ':']) || first == "localhost") {
        registry_host(first).map_err(|m| format!("{value:?}: registry {first:?} {m}"))?;
        components.remove(0);
    }
    match components.iter().find(|c| !is_path_component(c)) {
        Some(bad) => Err(format!(
            "{value:?} is not a valid image repository: path component {bad:?} must be lowercase letters and \
             digits, separated by one '.', one or two '_', or dashes"
        )),
        None => Ok(()),
    }
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*`: alphanumeric runs joined by single separators.
fn is_path_component(component: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let separator_ok = |s: &str| matches!(s, "." | "_" | "__") || s.bytes().all(|b| b == b'-');
    !component.is_empty()
        && component.starts_with(alnum)
        && component.ends_with(alnum)
        && component.chars().all(|c| alnum(c) || "._-".contains(c))
        && component.split(alnum).all(|s| s.is_empty() || separator_ok(s))
}

/// A registry `host[:port]`: DNS labels of letters, digits and '-', or `[IPv6]`.
fn registry_host(value: &str) -> Result<(), String> {
    let port = match value.strip_prefix('[') {
        Some(rest) => {
            let (ip, after) = rest.split_once(']').ok_or("has no closing ']'")?;
            ip.parse::<std::net::Ipv6Addr>().map_err(|_| format!("{ip:?} is not an IPv6 address"))?;
            match after {
                "" => None,
                _ => Some(after.strip_prefix(':').ok_or("has text after ']'")?),
            }
        }
        None => {
            let (host, port) = value.split_once(':').map_or((value, None), |(h, p)| (h, Some(p)));
            let label_ok = |l: &str| {
                !l.is_empty()
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            };
            if !host.split('.').all(label_ok) {
                return Err("is not a host name (dot-separated labels of letters, digits and '-')".into());
            }
            port
        }
    };
    match port {
        Some(p) if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) => Err(format!("has a bad port {p:?}")),
        _ => Ok(()),
    }
}

/// An image tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`, and never `latest`.
pub fn image_tag(value: &str) -> Result<(), String> {
    if value == "latest" {
        return Err("must not be \"latest\": pin a version or a digest".into());
    }
    let mut chars = value.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if first_ok && rest_ok && value.len() <= 128 {
        Ok(())
    } else {
        Err(format!("{value:?} is not a valid image tag"))
    }
}

/// An image digest: `sha256:` and 64 lowercase hex digits.
pub fn image_digest(value: &str) -> Result<(), String> {
    match value.strip_prefix("sha256:") {
        Some(hex) if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) => Ok(()),
        _ => Err(format!("{value:?} is not a digest of the form sha256:<64 hex digits>")),
    }
}

/// An environment variable name as Kubernetes validates it (`IsEnvVarName`):
/// `[-._a-zA-Z][-._a-zA-Z0-9]*`, and not `.`, `..` nor starting with `..`.
pub fn env_name(value: &str) -> Result<(), String> {
    // Kubernetes sets no length limit; YAML does (an implicit key holds at most 1024
    // characters), and no real program reads a longer name.
    if value.len() > SUBDOMAIN_MAX {
        return Err(format!("environment variable name of {} characters is longer than 253", value.len()));
    }
    let mut chars = value.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || "-._".contains(c));
    if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)) {
        return Err(format!(
            "{value:?} is not a valid environment variable name: it must consist of letters, digits, '_', '-' or \
             '.', and must not start with a digit ([-._a-zA-Z][-._a-zA-Z0-9]*)"
        ));
    }
    not_a_directory(value)
}

/// Kubernetes refuses `.`, `..` and a leading `..` in names that become file names: the
/// atomic writer of ConfigMap and Secret volumes keeps its own `..data` entries.
fn not_a_directory(value: &str) -> Result<(), String> {
    match value {
        "." => Err(format!("{value:?} must not be '.'")),
        ".." => Err(format!("{value:?} must not be '..'")),
        _ if value.starts_with("..") => Err(format!("{value:?} must not start with '..'")),
        _ => Ok(()),
    }
}

/// A TCP port number.
pub fn port(value: i64) -> Result<u16, String> {
    u16::try_from(value).ok().filter(|p| *p > 0).ok_or_else(|| format!("{value} is out of range 1-65535"))
}

/// A Kubernetes IntOrString count: a whole number, or a percentage such as "50%".
pub fn int_or_percent(value: &str) -> Result<serde_json::Value, String> {
    let reason = || format!("{value:?} is neither a whole number nor a percentage such as 50%");
    match value.strip_suffix('%') {
        Some(p) => match p.parse::<u32>() {
            Ok(n) if n <= 100 => Ok(serde_json::Value::String(value.to_string())),
            _ => Err(reason()),
        },
        None => value.parse::<u32>().map(serde_json::Value::from).map_err(|_| reason()),
    }
}

/// "CIDR:port" such as "10.0.0.0/8:5432" (IPv4) or "fd00::/8:443" (IPv6, split at the last
/// colon).
pub fn cidr_port(value: &str) -> Result<(String, u16), String> {
    let reason = || format!("{value:?} is not of the form CIDR:port, e.g. 10.0.0.0/8:5432");
    let (cidr, port) = value.rsplit_once(':').ok_or_else(reason)?;
    let (address, prefix) = cidr.split_once('/').ok_or_else(reason)?;
    let address: std::net::IpAddr = address.parse().map_err(|_| reason())?;
    let max_prefix = if address.is_ipv4() { 32 } else { 128 };
    prefix.parse::<u8>().ok().filter(|p| *p <= max_prefix).ok_or_else(reason)?;
    let port = port.parse::<i64>().map_err(|_| reason())?;
    Ok((cidr.to_string(), self::port(port)?))
}

/// A ConfigMap or Secret key as Kubernetes validates it (`IsConfigMapKey`):
/// `[-._a-zA-Z0-9]+`, at most 253 characters, and not `.`, `..` nor starting with `..`.
pub fn config_key(value: &str) -> Result<(), String> {
    if value.is_empty() || value.len() > SUBDOMAIN_MAX {
        return Err(format!("{value:?} is not a ConfigMap key: it must be 1 to 253 characters long"));
    }
    if !value.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        return Err(format!(
            "{value:?} is not a ConfigMap key: it must consist of letters, digits, '-', '_' or '.' ([-._a-zA-Z0-9]+)"
        ));
    }
    not_a_directory(value)
}

/// A label value: empty, or at most 63 characters, letters, digits, '-', '_' and '.',
/// starting and ending with a letter or digit.
pub fn label_value(value: &str) -> Result<(), String> {
    let inner = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
    let valid = value.is_empty()
        || (value.len() <= 63
            && value.starts_with(|c: char| c.is_ascii_alphanumeric())
            && value.ends_with(|c: char| c.is_ascii_alphanumeric())
            && value.chars().all(inner));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{value:?} is not a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', starting and \
             ending with a letter or digit"
        ))
    }
}

/// A Secret reference `secret-name/key`: a DNS-1123 subdomain, '/', a valid Secret key.
pub fn secret_key_ref(reference: &str) -> Result<(&str, &str), String> {
    let (secret, key) =
        reference.split_once('/').ok_or_else(|| format!("{reference:?} is not of the form <secret-name>/<key>"))?;
    dns_subdomain(secret).map_err(|m| format!("{reference:?}: the secret name {m}"))?;
    config_key(key).map_err(|m| format!("{reference:?}: the key {m}"))?;
    Ok((secret, key))
}

/// Longest container mount path accepted (Linux PATH_MAX is 4096; Kubernetes keeps paths
/// far shorter in practice, and a longer one is a mistake, not a directory).
const MOUNT_PATH_MAX: usize = 1024;

/// A directory a volume is mounted at: absolute, at most 1024 characters, no ':' (the
/// volume separator of container runtimes), no control characters, no empty, '.' or '..'
/// segments, and never `/` or `/tmp`, which the container needs.
/// Whether `value` holds a URL whose authority carries a password (`scheme://user:pass@host`).
pub fn url_with_password(value: &str) -> bool {
    value
        .split_once("://")
        .and_then(|(_, rest)| rest.split('/').next())
        .is_some_and(|authority| authority.rsplit_once('@').is_some_and(|(user, _)| user.contains(':')))
}

/// Words of an environment variable name that mark a credential (matched on the upper-cased
/// name, so `db_password` and `GITHUB_TOKEN` both are).
const CREDENTIAL_NAME_WORDS: [&str; 9] =
    ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL"];

/// The credential word an environment variable name contains, if any.
pub fn credential_name_word(name: &str) -> Option<&'static str> {
    let upper = name.to_ascii_uppercase();
    CREDENTIAL_NAME_WORDS.iter().copied().find(|word| upper.contains(word))
}

pub fn mount_path(value: &str) -> Result<(), String> {
    if value.len() > MOUNT_PATH_MAX {
        return Err(format!("is {} characters long; a mount path has at most {MOUNT_PATH_MAX}", value.len()));
    }
    let problem = if !value.starts_with('/') {
        "must be an absolute path"
    } else if value == "/" || value == "/tmp" {
        "must be an absolute directory other than / and /tmp"
    } else if value.contains(':') {
        "must not contain ':'"
    } else if value.chars().any(char::is_control) {
        "must not contain control characters"
    } else if value[1..].split('/').any(|s| s == ".." || s == ".") {
        "must not contain a '.' or '..' segment"
    } else if value[1..].split('/').any(str::is_empty) {
        "must not contain an empty segment ('//' or a trailing '/')"
    } else {
        return Ok(());
    };
    Err(format!("{value:?} {problem}"))
}

/// One field of a cron schedule: its name, its range, and the names it accepts (the first
/// stands for `min`).
struct CronField {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

/// The five fields as Kubernetes parses them (robfig/cron v3 `ParseStandard`): day of week
/// 0-6 (7 is refused there, unlike in some crons).
const CRON_FIELDS: [CronField; 5] = [
    CronField { name: "minute", min: 0, max: 59, names: &[] },
    CronField { name: "hour", min: 0, max: 23, names: &[] },
    CronField { name: "day of month", min: 1, max: 31, names: &[] },
    CronField {
        name: "month",
        min: 1,
        max: 12,
        names: &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
    },
    CronField { name: "day of week", min: 0, max: 6, names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

/// A CronJob schedule as Kubernetes accepts it: one of the macros, or five fields (minute,
/// hour, day of month, month, day of week), each a comma-separated list of `*` or `?`, a
/// value, or a range `a-b`, any of them with a step `/n`.
pub fn cron_schedule(value: &str) -> Result<(), String> {
    const MACROS: [&str; 7] = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
    if MACROS.contains(&value) {
        return Ok(());
    }
    let fields: Vec<&str> = value.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "{value:?} is not a cron schedule: expected five fields (minute hour day-of-month month day-of-week, \
             e.g. \"0 3 * * *\") or a macro such as @daily, found {}",
            fields.len()
        ));
    }
    for (field, spec) in fields.iter().zip(&CRON_FIELDS) {
        let checked = field.split(',').try_for_each(|item| cron_item(item, spec));
        checked.map_err(|m| {
            format!("{value:?}: {} field {field:?}: {m} (allowed {}-{})", spec.name, spec.min, spec.max)
        })?;
    }
    Ok(())
}

/// One list item of a cron field, with robfig/cron's rules and messages.
fn cron_item(item: &str, spec: &CronField) -> Result<(), String> {
    let (range, step) = match item.split_once('/') {
        Some((range, step)) => (range, Some(step)),
        None => (item, None),
    };
    if let Some(step) = step {
        match step.parse::<u32>() {
            Ok(0) => return Err(format!("step of {item:?} must be a positive number")),
            Ok(_) if step.bytes().all(|b| b.is_ascii_digit()) => {}
            _ => return Err(format!("step {step:?} of {item:?} is not a number")),
        }
    }
    if range == "*" || range == "?" {
        return Ok(());
    }
    let (start, end) = match range.split_once('-') {
        Some((low, high)) => (cron_value(low, spec)?, cron_value(high, spec)?),
        // "n/step" means "n-max/step".
        None if step.is_some() => (cron_value(range, spec)?, spec.max),
        None => (cron_value(range, spec)?, cron_value(range, spec)?),
    };
    if start < spec.min {
        Err(format!("beginning of range ({start}) below minimum ({})", spec.min))
    } else if end > spec.max {
        Err(format!("end of range ({end}) above maximum ({})", spec.max))
    } else if start > end {
        Err(format!("beginning of range ({start}) beyond end of range ({end})"))
    } else {
        Ok(())
    }
}

/// A number, or a name such as JAN or mon (any case) where the field has names.
fn cron_value(text: &str, spec: &CronField) -> Result<u32, String> {
    let named = spec.names.iter().zip(spec.min..).find(|(name, _)| name.eq_ignore_ascii_case(text));
    match named {
        Some((_, number)) => Ok(number),
        None if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
            text.parse().map_err(|_| format!("{text:?} is out of range"))
        }
        None => Err(format!("{text:?} is not a number{}", if spec.names.is_empty() { "" } else { " or a name" })),
    }
}

/// A Prometheus duration as the Prometheus operator takes it: units from ms to y, largest
/// first, such as "30s", "1m30s" or "2h".
pub fn prometheus_duration(value: &str) -> Result<(), String> {
    const UNITS: [&str; 7] = ["y", "w", "d", "h", "m", "s", "ms"];
    let reason = || format!("{value:?} is not a Prometheus duration such as 30s, 1m or 1h30m");
    let mut rest = value;
    let mut next_unit = 0;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(reason)?;
        if digits == 0 {
            return Err(reason());
        }
        rest = &rest[digits..];
        // "ms" before "m", so that 500ms is not read as 500m followed by "s".
        let unit = UNITS[next_unit..]
            .iter()
            .enumerate()
            .filter(|(_, u)| rest.starts_with(*u))
            .max_by_key(|(_, u)| u.len())
            .ok_or_else(reason)?;
        next_unit += unit.0 + 1;
        rest = &rest[unit.1.len()..];
    }
    if value.is_empty() || value == "0" {
        return Err(reason());
    }
    Ok(())
}

/// lowerCamelCase of a dashed name, for values keys (`status-api` -> `statusApi`), so
/// `--set apps.statusApi.replicas=3` works without quoting.
pub fn lower_camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = false;
    for c in name.chars() {
        if c == '-' {
            upper_next = true;
        } else if upper_next {
            out.push(c.to_ascii_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        assert!(dns_label("status-api").is_ok());
        assert!(dns_label("a").is_ok());
        assert!(dns_label("Status").is_err());
        assert!(dns_label("1api").is_err());
        assert!(dns_label("api-").is_err());
        assert!(dns_label("my_api").is_err());
        assert!(dns_label("").is_err());
        assert!(dns_label(&"a".repeat(63)).is_ok());
        assert!(dns_label(&"a".repeat(64)).is_err());
    }

    #[test]
    fn semvers() {
        for ok in ["0.1.0", "1.2.3", "1.0.0-rc.1", "1.0.0+build.5"] {
            assert!(semver(ok).is_ok(), "{ok}");
        }
        for bad in ["1.2", "01.2.3", "v1.2.3", "1.2.x", "", "1.0.0-{{x}}", "1.0.0+a b", "1.0.0-", "1.0.0-a..b"] {
            assert!(semver(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quantities() {
        for ok in ["100m", "1", "0.5", "128Mi", "2Gi", "1e3", "1k", "1.5G", "+1"] {
            assert!(quantity(ok).is_ok(), "{ok}");
        }
        for bad in ["", "abc", "100MB", "1.2.3", "-1", "Mi", "1K", "1e", ".", "1 Gi", "1e99"] {
            assert!(quantity(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quantities_compare_exactly() {
        let nanos = |text| quantity_nanos(text).unwrap();
        assert_eq!(nanos("1Gi"), nanos("1024Mi"));
        assert!(nanos("1Gi") > nanos("1000Mi"));
        assert_eq!(nanos("500m") * 2, nanos("1"));
        assert_eq!(nanos("0.5"), nanos("500m"));
        assert_eq!(nanos("1e3"), nanos("1k"));
        assert_eq!(nanos("1000m"), nanos("1"));
        assert_eq!(nanos("0.1n"), 1, "finer than a nano rounds up");
    }

    #[test]
    fn images() {
        assert!(image_repository("ghcr.io/example/app").is_ok());
        assert!(image_repository("localhost:5000/app").is_ok());
        assert!(image_repository("ghcr.io/example/app:1.0").is_err());
        assert!(image_repository("app@sha256:abc").is_err());
        assert!(image_repository("Upper/app").is_err());
        assert!(image_tag("1.2.3").is_ok());
        assert!(image_tag("latest").is_err());
        assert!(image_tag(".hidden").is_err());
        assert!(image_digest(&format!("sha256:{}", "a".repeat(64))).is_ok());
        assert!(image_digest("sha256:abc").is_err());
    }

    #[test]
    fn prometheus_durations() {
        for ok in ["30s", "1m", "1h30m", "500ms", "1m500ms", "2d"] {
            assert!(prometheus_duration(ok).is_ok(), "{ok}");
        }
        for bad in ["", "30", "s", "30 s", "1s1m", "30sec", "-1s"] {
            assert!(prometheus_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cidr_ports() {
        assert_eq!(cidr_port("10.0.0.0/8:5432"), Ok(("10.0.0.0/8".into(), 5432)));
        assert_eq!(cidr_port("fd00::/8:443"), Ok(("fd00::/8".into(), 443)));
        assert!(cidr_port("10.0.0.0:5432").is_err());
        assert!(cidr_port("10.0.0.0/40:5432").is_err());
        assert!(cidr_port("10.0.0.0/8").is_err());
        assert!(cidr_port("10.0.0.0/8:0").is_err());
    }

    #[test]
    fn ports_and_names() {
        assert_eq!(port(8080), Ok(8080));
        assert!(port(0).is_err());
        assert!(port(65536).is_err());
        assert!(env_name("LOG_LEVEL").is_ok());
        assert!(env_name("1ABC").is_err());
        assert!(env_name("A=B").is_err());
        assert_eq!(lower_camel_case("worker-dal-api"), "workerDalApi");
        assert_eq!(lower_camel_case("api"), "api");
    }

    /// Every `bad` value fails with a message containing its `reason`; every `ok` passes.
    fn assert_rule(check: impl Fn(&str) -> Result<(), String>, ok: &[&str], bad: &[(&str, &str)]) {
        for value in ok {
            assert!(check(value).is_ok(), "{value:?} must pass: {:?}", check(value));
        }
        for (value, reason) in bad {
            let message = check(value).expect_err(value);
            assert!(message.contains(reason), "{value:?}: {message:?} lacks {reason:?}");
        }
    }

    #[test]
    fn env_names_follow_kubernetes() {
        let rule = "[-._a-zA-Z][-._a-zA-Z0-9]*";
        assert_rule(
            env_name,
            &["LOG_LEVEL", "-x", "_a", "a.b", "x..y", ".x"],
            &[
                (".", "must not be '.'"),
                ("..", "must not be '..'"),
                ("..x", "must not start with '..'"),
                ("1ABC", rule),
                ("A=B", rule),
                ("a b", rule),
                ("", rule),
            ],
        );
    }

    #[test]
    fn config_keys_follow_kubernetes() {
        let long = "k".repeat(253);
        let too_long = "k".repeat(254);
        assert_rule(
            config_key,
            &["app.conf", "a-b_c", "1", &long],
            &[
                ("..data", "must not start with '..'"),
                (".", "must not be '.'"),
                ("..", "must not be '..'"),
                ("a/b", "[-._a-zA-Z0-9]+"),
                ("", "1 to 253 characters"),
                (&too_long, "1 to 253 characters"),
            ],
        );
    }

    #[test]
    fn secret_references_name_a_secret_and_a_key() {
        assert_rule(
            |r| secret_key_ref(r).map(|_| ()),
            &["db/password", "db.example/tls.crt"],
            &[
                ("db/a b/c", "the key \"a b/c\" is not a ConfigMap key"),
                ("DB/url", "the secret name \"DB\" is not a DNS-1123 subdomain"),
                ("no-key", "<secret-name>/<key>"),
                ("db/", "the key \"\" is not a ConfigMap key"),
                ("db/..data", "must not start with '..'"),
            ],
        );
        assert_eq!(secret_key_ref("db/url"), Ok(("db", "url")));
    }

    #[test]
    fn annotation_keys_are_qualified_names() {
        let name63 = "n".repeat(63);
        let prefixed = format!("{}/x", "p".repeat(253));
        let long_prefix = format!("{}/x", "p".repeat(254));
        let name64 = "n".repeat(64);
        assert_rule(
            qualified_name,
            &["nginx.ingress.kubernetes.io/rewrite-target", "a", "example.com/X_y.z", &name63, &prefixed],
            &[
                ("not a key!", "is not a qualified name"),
                ("/x", "the prefix before '/' must not be empty"),
                ("a/", "is not a qualified name"),
                (&name64, "1 to 63 characters"),
                ("-a", "starting and ending with a letter or digit"),
                ("Example.com/a", "prefix \"Example.com\" is not a DNS-1123 subdomain"),
                (&long_prefix, "is not a DNS-1123 subdomain"),
                ("a/b/c", "is not a qualified name"),
            ],
        );
    }

    #[test]
    fn ingress_hosts_may_be_wildcards_but_not_addresses() {
        assert_rule(
            ingress_host,
            &["*.example.com", "example.com", "api.example.com"],
            &[
                ("*", "only a leading \"*.\" wildcard is allowed"),
                ("a.*.com", "only a leading \"*.\" wildcard"),
                ("*example.com", "not a DNS-1123 subdomain"),
                ("10.0.0.1", "must be a DNS name, not an IP address"),
                ("010.0.0.1", "not an IP address"),
                ("::1", "not an IP address"),
                ("Example.com", "not a DNS-1123 subdomain"),
            ],
        );
    }

    #[test]
    fn dns1123_labels_may_start_with_a_digit() {
        assert_rule(
            dns1123_label,
            &["eu-west", "1a", &"a".repeat(63)],
            &[
                ("euWest", "is not a DNS-1123 label"),
                ("eu_west", "is not a DNS-1123 label"),
                ("-eu", "is not a DNS-1123 label"),
                (&"a".repeat(64), "1 to 63"),
            ],
        );
    }

    #[test]
    fn mount_paths_are_plain_absolute_directories() {
        let longest = format!("/{}", "d".repeat(1023));
        let too_long = format!("/{}", "d".repeat(1024));
        assert_rule(
            mount_path,
            &["/etc/app", "/tmp/app", "/srv/app.d", &longest],
            &[
                ("etc/app", "must be an absolute path"),
                ("/", "other than / and /tmp"),
                ("/tmp", "other than / and /tmp"),
                ("/a/../b", "'..' segment"),
                ("/a/./b", "'.' or '..' segment"),
                ("/a:b", "must not contain ':'"),
                ("/a\nb", "control characters"),
                ("/a//b", "empty segment"),
                ("/a/", "empty segment"),
                (&too_long, "at most 1024"),
            ],
        );
    }

    #[test]
    fn cron_fields_are_checked_for_their_ranges() {
        assert_rule(
            cron_schedule,
            &[
                "0-59 * * * *",
                "*/15 0-23 1-31 1-12 0-6",
                "0 3 * JAN-DEC MON-FRI",
                "0 0 ? * sun",
                "5/10 * * * *",
                "1,2,59 * * * *",
                "0 0 1-31/2 * *",
                "@daily",
                "@hourly",
            ],
            &[
                ("99 99 * * *", "minute field \"99\": end of range (99) above maximum (59)"),
                ("60 * * * *", "end of range (60) above maximum (59)"),
                ("* 24 * * *", "hour field \"24\": end of range (24) above maximum (23)"),
                ("* * 0 * *", "day of month field \"0\": beginning of range (0) below minimum (1)"),
                ("* * 32 * *", "above maximum (31)"),
                ("* * * 13 *", "month field \"13\": end of range (13) above maximum (12)"),
                ("* * * * 7", "day of week field \"7\": end of range (7) above maximum (6)"),
                ("*/0 * * * *", "step of \"*/0\" must be a positive number"),
                ("5-1 * * * *", "beginning of range (5) beyond end of range (1)"),
                ("60/5 * * * *", "beginning of range (60) beyond end of range (59)"),
                ("* * * * MOO", "\"MOO\" is not a number or a name"),
                ("JAN * * * *", "\"JAN\" is not a number (allowed 0-59)"),
                ("1,,2 * * * *", "\"\" is not a number"),
                ("1-2-3 * * * *", "\"2-3\" is not a number"),
                ("0 3 * *", "expected five fields"),
                ("0 3 * * * *", "found 6"),
                ("@every 1h", "expected five fields"),
            ],
        );
    }

    #[test]
    fn image_repositories_follow_the_reference_grammar() {
        let longest = format!("r/{}", "a".repeat(253));
        let too_long = format!("r/{}", "a".repeat(254));
        assert_rule(
            image_repository,
            &[
                "ghcr.io/example/app",
                "localhost:5000/app",
                "r",
                "a__b/c-d--e",
                "[::1]:5000/app",
                "Registry.Example.com:443/a.b/c_d",
                &longest,
            ],
            &[
                ("..", "path component \"..\" must be lowercase"),
                ("a/../b", "path component \"..\""),
                ("a//b", "path component \"\""),
                ("a..b", "path component \"a..b\""),
                ("a___b", "path component \"a___b\""),
                ("-a", "path component \"-a\""),
                ("Upper/app", "path component \"Upper\""),
                ("ghcr.io:port/x", "registry \"ghcr.io:port\" has a bad port"),
                ("my_registry.io/x", "registry \"my_registry.io\" is not a host name"),
                ("[fe80::zz]:5000/x", "is not an IPv6 address"),
                ("app:1.0", "must not carry a tag or digest"),
                (&too_long, "at most 255"),
            ],
        );
    }
}

#[cfg(test)]
mod label_value_tests {
    use super::label_value;

    #[test]
    fn label_values_are_short_tokens() {
        for ok in ["", "1.4.0", "v2_beta-1", &"a".repeat(63)] {
            assert!(label_value(ok).is_ok(), "{ok:?}");
        }
        for bad in ["-1", "1.", "a b", "a\nb", "yes:no", &"a".repeat(64)] {
            let error = label_value(bad).expect_err(bad);
            assert!(error.contains("is not a Kubernetes label value"), "{error}");
        }
    }
}

#[cfg(test)]
mod boundary_tests {
    use super::{
        credential_name_word, cron_schedule, env_name, helm3_readable, image_repository, ingress_host, int_or_percent,
        prometheus_duration, quantity, quantity_nanos, url_with_password,
    };

    /// A wildcard host of `length` characters made of 63-character labels.
    fn wildcard_host(length: usize) -> String {
        let labels = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(length - 194)];
        format!("*.{}", labels.join("."))
    }

    #[test]
    fn a_wildcard_host_counts_its_star_towards_253_characters() {
        assert_eq!(wildcard_host(253).len(), 253);
        assert!(ingress_host(&wildcard_host(253)).is_ok());
        let error = ingress_host(&wildcard_host(254)).expect_err("254 characters");
        assert!(error.contains("is longer than 253 characters"), "{error}");
    }

    #[test]
    fn an_ipv6_registry_may_go_without_a_port() {
        assert!(image_repository("[::1]/team/app").is_ok());
        assert!(image_repository("[::1]:5000/app").is_ok());
        assert!(image_repository("[::1]x/app").is_err());
    }

    #[test]
    fn env_names_stop_at_253_characters() {
        assert!(env_name(&"A".repeat(253)).is_ok());
        let error = env_name(&"A".repeat(254)).expect_err("254 characters");
        assert!(error.contains("is longer than 253"), "{error}");
    }

    #[test]
    fn a_cron_step_is_plain_digits() {
        assert!(cron_schedule("*/5 * * * *").is_ok());
        let error = cron_schedule("*/+5 * * * *").expect_err("a signed step");
        assert!(error.contains("is not a number"), "{error}");
    }

    #[test]
    fn duration_units_come_largest_first_and_once() {
        assert!(prometheus_duration("1h30m").is_ok());
        for bad in ["1h1h", "30s1m", "1m1h"] {
            assert!(prometheus_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_percentage_stops_at_100() {
        assert_eq!(int_or_percent("100%"), Ok(serde_json::json!("100%")));
        assert!(int_or_percent("101%").is_err());
    }

    #[test]
    fn a_quantity_takes_its_sign_only_in_front() {
        assert!(quantity("+1").is_ok());
        for bad in ["1-2", "1+5", "5-"] {
            let error = quantity(bad).expect_err(bad);
            assert!(error.contains("is not a Kubernetes quantity"), "{error}");
        }
    }

    #[test]
    fn helm3_readable_refuses_del_and_c1_controls_only() {
        for ok in ["plain", "tab\tand\nnewline\u{1}\u{1b}", "~\u{7e}", "next\u{85}line", "nbsp\u{a0}", "\u{2028}", ""] {
            assert_eq!(helm3_readable(ok), Ok(()), "{ok:?}");
        }
        for (bad, code) in [
            ("del\u{7f}", "U+007F"),
            ("\u{80}", "U+0080"),
            ("\u{84}", "U+0084"),
            ("\u{86}", "U+0086"),
            ("\u{9f}", "U+009F"),
        ] {
            let message = helm3_readable(bad).expect_err(bad);
            assert!(message.starts_with(&format!("contains the control character {code}, which Helm 3")), "{message}");
        }
    }

    #[test]
    fn every_quantity_suffix_scales_to_its_exact_nano_count() {
        let giga: i128 = 1_000_000_000;
        for (text, nanos) in [
            ("1n", 1),
            ("1u", 1_000),
            ("1m", 1_000_000),
            ("1", giga),
            ("1k", 1_000 * giga),
            ("1M", 1_000_000 * giga),
            ("1E", 10i128.pow(18) * giga),
            ("1Ki", 1 << 10),
            ("1Mi", 1 << 20),
            ("1Gi", 1 << 30),
            ("1Ei", 1 << 60),
            ("1e-3", 1_000_000),
            ("2E+2", 200 * giga),
        ] {
            let expected = if text.ends_with('i') { nanos * giga } else { nanos };
            assert_eq!(quantity_nanos(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn only_four_numeric_parts_make_a_host_an_address() {
        assert!(ingress_host("a.b.c.d").is_ok(), "four labels are a name");
        assert!(ingress_host("1.example.com").is_ok());
        assert!(ingress_host("7").is_ok(), "one numeric label is a name");
        let error = ingress_host("10.0..1").expect_err("an empty label");
        assert!(error.contains("is not a DNS-1123 subdomain"), "{error}");
    }

    #[test]
    fn a_lone_component_is_a_path_never_a_registry() {
        let error = image_repository("Upper.io").expect_err("uppercase path");
        assert!(error.contains("path component \"Upper.io\""), "{error}");
        assert!(image_repository("Upper.io/app").is_ok(), "a registry host may have capitals");
    }

    #[test]
    fn passwords_are_found_in_url_authorities_only() {
        for url in ["postgres://user:secret@db:5432/app", "https://a:b@example.com", "amqp://u:p@h:5672/v/x@y"] {
            assert!(url_with_password(url), "{url}");
        }
        for text in ["https://user@example.com", "https://example.com/a:b@c", "user:pass@host", "plain", "s3://b:1"] {
            assert!(!url_with_password(text), "{text}");
        }
    }

    #[test]
    fn credential_words_are_matched_in_any_case() {
        assert_eq!(credential_name_word("db_password"), Some("PASSWORD"));
        assert_eq!(credential_name_word("GITHUB_TOKEN"), Some("TOKEN"));
        assert_eq!(credential_name_word("Stripe_ApiKey"), Some("APIKEY"));
        assert_eq!(credential_name_word("LOG_LEVEL"), None);
    }
}
