//! Syntax checks for the strings Kubernetes and Helm are strict about. Each returns a short
//! reason on failure; callers add the file, target and field.

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

/// Names of Secrets, ConfigMaps and host names: a DNS-1123 subdomain.
pub fn dns_subdomain(value: &str) -> Result<(), String> {
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if value.len() <= 253 && value.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(format!("{value:?} is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')"))
    }
}

/// Semantic version 2.0.0, as Helm requires for chart versions.
pub fn semver(value: &str) -> Result<(), String> {
    let reason = || format!("{value:?} is not a SemVer 2 version such as 1.2.3");
    let (core, _build) = value.split_once('+').unwrap_or((value, ""));
    let (core, _pre) = core.split_once('-').unwrap_or((core, ""));
    let parts: Vec<&str> = core.split('.').collect();
    let numeric =
        |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (p.len() == 1 || !p.starts_with('0'));
    if parts.len() == 3 && parts.iter().all(numeric) {
        Ok(())
    } else {
        Err(reason())
    }
}

/// A Kubernetes resource quantity such as `100m`, `0.5`, `128Mi` or `1e3`.
pub fn quantity(value: &str) -> Result<(), String> {
    let reason = || format!("{value:?} is not a Kubernetes quantity such as 250m, 1, 512Mi or 2Gi");
    let digits_end = value
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '+' || *c == '-'))))
        .map_or(value.len(), |(i, _)| i);
    let (number, suffix) = value.split_at(digits_end);
    let number = number.trim_start_matches(['+', '-']);
    let valid_number = !number.is_empty()
        && number.matches('.').count() <= 1
        && number != "."
        && number.bytes().any(|b| b.is_ascii_digit());
    if !valid_number || value.starts_with('-') {
        return Err(reason());
    }
    const SUFFIXES: [&str; 17] =
        ["", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "K"];
    let exponent = suffix
        .strip_prefix(['e', 'E'])
        .map(|e| e.trim_start_matches(['+', '-']))
        .is_some_and(|e| !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()));
    if (SUFFIXES.contains(&suffix) && suffix != "K") || exponent {
        Ok(())
    } else {
        Err(reason())
    }
}

/// The repository part of an image reference (no tag, no digest).
pub fn image_repository(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("is required".into());
    }
    let last = value.rsplit('/').next().unwrap_or(value);
    if last.contains(':') || value.contains('@') {
        return Err(format!("{value:?} must not carry a tag or digest; use image tag/digest"));
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/:".contains(c);
    if !value.chars().all(allowed) || value.starts_with('/') || value.ends_with('/') {
        return Err(format!("{value:?} is not a valid image repository"));
    }
    Ok(())
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

/// An environment variable name: printable, no '=', as Kubernetes accepts.
pub fn env_name(value: &str) -> Result<(), String> {
    let valid = !value.is_empty()
        && !value.starts_with(|c: char| c.is_ascii_digit())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if valid {
        Ok(())
    } else {
        Err(format!("{value:?} is not a valid environment variable name"))
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

/// A ConfigMap key: letters, digits, '-', '_' and '.', at most 253 characters.
pub fn config_key(value: &str) -> Result<(), String> {
    let valid = !value.is_empty()
        && value.len() <= 253
        && value != "."
        && value != ".."
        && value.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if valid {
        Ok(())
    } else {
        Err(format!("{value:?} is not a ConfigMap key (letters, digits, '-', '_', '.')"))
    }
}

/// A CronJob schedule: five fields of digits and `*,-/` (names like MON or JAN too), or one
/// of the macros Kubernetes accepts.
pub fn cron_schedule(value: &str) -> Result<(), String> {
    const MACROS: [&str; 7] = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
    let fields: Vec<&str> = value.split_whitespace().collect();
    let field_ok = |f: &&str| f.chars().all(|c| c.is_ascii_alphanumeric() || "*,-/?".contains(c));
    if MACROS.contains(&value) || (fields.len() == 5 && fields.iter().all(field_ok)) {
        Ok(())
    } else {
        Err(format!("{value:?} is not a cron schedule of five fields (e.g. \"0 3 * * *\") or a macro such as @daily"))
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
        for bad in ["1.2", "01.2.3", "v1.2.3", "1.2.x", ""] {
            assert!(semver(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quantities() {
        for ok in ["100m", "1", "0.5", "128Mi", "2Gi", "1e3", "1k", "1.5G", "+1"] {
            assert!(quantity(ok).is_ok(), "{ok}");
        }
        for bad in ["", "abc", "100MB", "1.2.3", "-1", "Mi", "1K", "1e", "."] {
            assert!(quantity(bad).is_err(), "{bad}");
        }
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
}
