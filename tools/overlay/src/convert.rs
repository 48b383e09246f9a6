//! Value conversions between a tuner's units and a chart's: Spark sizes ("6g") or bytes to
//! Kubernetes quantities ("6Gi"), cores to CPU quantities, anything to the string a
//! ConfigMap or an environment variable holds.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Number, Value};

/// How a recommended value becomes a values entry.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Conversion {
    /// The value as recommended (the chart's schema decides whether it fits).
    #[default]
    None,
    /// A string: numbers and booleans as their JSON text ("400", "0.7", "true"); for
    /// ConfigMap data, environment variables and KEDA trigger metadata.
    String,
    /// A whole number, from a number or a string of digits ("4" or 4).
    Integer,
    /// A number, from a number or a numeric string.
    Number,
    /// true or false, from a boolean or the strings "true" and "false".
    Boolean,
    /// A memory quantity with a binary unit ("6Gi"), from bytes (a whole number), a Spark
    /// size with a lowercase unit k, m, g, t or p (binary: "6g" is 6 GiB) or a quantity with
    /// Ki, Mi, Gi, Ti or Pi. Units whose meaning differs between Spark and Kubernetes ("6G",
    /// "6GB", "512M") are refused as ambiguous.
    Memory,
    /// A CPU quantity ("3", "500m"), from cores (3, 0.5) or a quantity ("2", "250m").
    Cpu,
}

/// Converts `value` (a recommended scalar); the error says why, in the recommender's terms.
pub fn convert(conversion: Conversion, value: &Value) -> Result<Value, String> {
    match conversion {
        Conversion::None => Ok(value.clone()),
        Conversion::String => to_string(value).map(Value::String),
        Conversion::Integer => to_integer(value).map(Value::from),
        Conversion::Number => to_number(value),
        Conversion::Boolean => to_boolean(value).map(Value::Bool),
        Conversion::Memory => to_bytes(value).map(|bytes| Value::String(memory_quantity(bytes))),
        Conversion::Cpu => to_millicores(value).map(|millis| Value::String(cpu_quantity(millis))),
    }
}

fn to_string(value: &Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        _ => Err("is not a string, number or boolean".into()),
    }
}

fn to_integer(value: &Value) -> Result<i64, String> {
    let whole = |n: f64| n.fract() == 0.0 && n.abs() < 9.0e15;
    match value {
        Value::Number(number) => match (number.as_i64(), number.as_f64()) {
            (Some(n), _) => Ok(n),
            (None, Some(n)) if whole(n) => Ok(n as i64),
            _ => Err("is not a whole number".into()),
        },
        Value::String(text) => text.trim().parse().map_err(|_| "is not a whole number".into()),
        _ => Err("is not a whole number".into()),
    }
}

fn to_number(value: &Value) -> Result<Value, String> {
    match value {
        Value::Number(_) => Ok(value.clone()),
        Value::String(text) => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| "is not a number".into()),
        _ => Err("is not a number".into()),
    }
}

fn to_boolean(value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(flag) => Ok(*flag),
        Value::String(text) if text == "true" => Ok(true),
        Value::String(text) if text == "false" => Ok(false),
        _ => Err("is not true or false".into()),
    }
}

/// Bytes from a whole number, a Spark size or a binary Kubernetes quantity.
fn to_bytes(value: &Value) -> Result<u64, String> {
    let bytes = match value {
        Value::Number(number) => number.as_u64().ok_or("is not a whole number of bytes")?,
        Value::String(text) => parse_size(text)?,
        _ => return Err("is not a memory size".into()),
    };
    if bytes == 0 {
        return Err("is zero".into());
    }
    Ok(bytes)
}

fn parse_size(text: &str) -> Result<u64, String> {
    let digits_end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (digits, unit) = text.split_at(digits_end);
    if digits.is_empty() {
        return Err("is not a memory size such as 6g, 6Gi or a number of bytes".into());
    }
    if unit.starts_with('.') {
        return Err("has a fraction; write a whole number in a smaller unit (1536m, not 1.5g)".into());
    }
    let power = match unit {
        "" => 0,
        "k" | "Ki" => 1,
        "m" | "Mi" => 2,
        "g" | "Gi" => 3,
        "t" | "Ti" => 4,
        "p" | "Pi" => 5,
        "K" | "M" | "G" | "T" | "P" | "kb" | "mb" | "gb" | "tb" | "pb" | "KB" | "MB" | "GB" | "TB" | "PB" | "Kb"
        | "Mb" | "Gb" | "Tb" | "Pb" => {
            let letter = unit[..1].to_lowercase();
            let binary = format!("{}i", letter.to_uppercase());
            return Err(format!(
                "has the ambiguous unit {unit:?}: Spark reads it as binary, Kubernetes as decimal; write \
                 {digits}{letter} (Spark) or {digits}{binary} (Kubernetes)"
            ));
        }
        _ => return Err(format!("has the unknown unit {unit:?} (use k, m, g, t, p or Ki, Mi, Gi, Ti, Pi)")),
    };
    let number: u64 = digits.parse().map_err(|_| "is too large".to_string())?;
    number.checked_mul(1024u64.pow(power)).ok_or_else(|| "is too large".into())
}

/// The shortest binary quantity for `bytes`: the largest unit that divides it exactly.
pub fn memory_quantity(bytes: u64) -> String {
    const UNITS: [(&str, u32); 5] = [("Pi", 5), ("Ti", 4), ("Gi", 3), ("Mi", 2), ("Ki", 1)];
    for (unit, power) in UNITS {
        let size = 1024u64.pow(power);
        if bytes % size == 0 {
            return format!("{}{unit}", bytes / size);
        }
    }
    bytes.to_string()
}

/// Millicores from cores (a number) or a CPU quantity ("2", "0.5", "250m").
fn to_millicores(value: &Value) -> Result<u64, String> {
    let millis = match value {
        Value::Number(number) => cores_to_millis(number.as_f64().ok_or("is not a number of cores")?)?,
        Value::String(text) => match text.strip_suffix('m') {
            Some(millis) if !millis.is_empty() && millis.bytes().all(|b| b.is_ascii_digit()) => {
                millis.parse().map_err(|_| "is too large".to_string())?
            }
            Some(_) => return Err("is not a CPU quantity such as 500m".into()),
            None => {
                let cores: f64 = text.parse().map_err(|_| "is not a CPU quantity such as 2, 0.5 or 500m")?;
                cores_to_millis(cores)?
            }
        },
        _ => return Err("is not a number of cores".into()),
    };
    if millis == 0 {
        return Err("is zero CPU".into());
    }
    Ok(millis)
}

fn cores_to_millis(cores: f64) -> Result<u64, String> {
    if !cores.is_finite() || cores <= 0.0 {
        return Err("is not a positive number of cores".into());
    }
    let millis = cores * 1000.0;
    if (millis - millis.round()).abs() > 1e-6 || millis > 1.0e12 {
        return Err("is finer than a millicore".into());
    }
    Ok(millis.round() as u64)
}

/// Whether `current` (a chart's value) is the same amount as `converted` written another
/// way ("2000m" and "2", "1024Mi" and "1Gi"): such a recommendation changes nothing.
pub fn same_amount(conversion: Conversion, current: &Value, converted: &Value) -> bool {
    matches!(conversion, Conversion::Memory | Conversion::Cpu)
        && current.is_string()
        && convert(conversion, current).is_ok_and(|normalised| &normalised == converted)
}

/// Whole cores as "3", anything else as millicores "2500m".
pub fn cpu_quantity(millis: u64) -> String {
    if millis % 1000 == 0 {
        (millis / 1000).to_string()
    } else {
        format!("{millis}m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn memory(value: Value) -> Result<Value, String> {
        convert(Conversion::Memory, &value)
    }

    #[test]
    fn spark_sizes_and_bytes_become_binary_quantities() {
        assert_eq!(memory(json!("6g")), Ok(json!("6Gi")));
        assert_eq!(memory(json!("2048m")), Ok(json!("2Gi")));
        assert_eq!(memory(json!("1536m")), Ok(json!("1536Mi")));
        assert_eq!(memory(json!("6Gi")), Ok(json!("6Gi")));
        assert_eq!(memory(json!(104857600)), Ok(json!("100Mi")));
        assert_eq!(memory(json!(1000)), Ok(json!("1000")));
        assert_eq!(memory(json!("1t")), Ok(json!("1Ti")));
    }

    #[test]
    fn ambiguous_and_wrong_memory_units_are_refused() {
        assert_eq!(
            memory(json!("6GB")),
            Err("has the ambiguous unit \"GB\": Spark reads it as binary, Kubernetes as decimal; write 6g (Spark) \
                 or 6Gi (Kubernetes)"
                .into())
        );
        assert!(memory(json!("512M")).unwrap_err().contains("write 512m (Spark) or 512Mi (Kubernetes)"));
        assert_eq!(
            memory(json!("6 apples")),
            Err("has the unknown unit \" apples\" (use k, m, g, t, p or Ki, Mi, Gi, Ti, Pi)".into())
        );
        assert_eq!(
            memory(json!("1.5g")),
            Err("has a fraction; write a whole number in a smaller unit (1536m, not 1.5g)".into())
        );
        assert_eq!(memory(json!("0g")), Err("is zero".into()));
        assert_eq!(memory(json!(-1)), Err("is not a whole number of bytes".into()));
        assert_eq!(memory(json!("99999999999p")), Err("is too large".into()));
        assert_eq!(memory(json!(true)), Err("is not a memory size".into()));
    }

    #[test]
    fn cores_become_cpu_quantities() {
        let cpu = |value: Value| convert(Conversion::Cpu, &value);
        assert_eq!(cpu(json!(3)), Ok(json!("3")));
        assert_eq!(cpu(json!(0.5)), Ok(json!("500m")));
        assert_eq!(cpu(json!(2.25)), Ok(json!("2250m")));
        assert_eq!(cpu(json!("250m")), Ok(json!("250m")));
        assert_eq!(cpu(json!("2")), Ok(json!("2")));
        assert_eq!(cpu(json!("2000m")), Ok(json!("2")), "written the shortest way");
        assert_eq!(cpu(json!(0)), Err("is not a positive number of cores".into()));
        assert_eq!(cpu(json!(-2)), Err("is not a positive number of cores".into()));
        assert_eq!(cpu(json!(0.0005)), Err("is finer than a millicore".into()));
        assert_eq!(cpu(json!("two")), Err("is not a CPU quantity such as 2, 0.5 or 500m".into()));
        assert_eq!(cpu(json!("0m")), Err("is zero CPU".into()));
    }

    #[test]
    fn same_amounts_written_differently() {
        assert!(same_amount(Conversion::Cpu, &json!("2000m"), &json!("2")));
        assert!(same_amount(Conversion::Memory, &json!("1024Mi"), &json!("1Gi")));
        assert!(!same_amount(Conversion::Memory, &json!("1000Mi"), &json!("1Gi")));
        assert!(!same_amount(Conversion::String, &json!("2000m"), &json!("2")));
    }

    #[test]
    fn scalars_to_strings_integers_numbers_booleans() {
        assert_eq!(convert(Conversion::String, &json!(400)), Ok(json!("400")));
        assert_eq!(convert(Conversion::String, &json!(0.7)), Ok(json!("0.7")));
        assert_eq!(convert(Conversion::String, &json!(true)), Ok(json!("true")));
        assert_eq!(convert(Conversion::Integer, &json!("4")), Ok(json!(4)));
        assert_eq!(convert(Conversion::Integer, &json!(4.0)), Ok(json!(4)));
        assert_eq!(convert(Conversion::Integer, &json!(-3)), Ok(json!(-3)), "the schema judges the range");
        assert_eq!(convert(Conversion::Integer, &json!(4.5)), Err("is not a whole number".into()));
        assert_eq!(convert(Conversion::Number, &json!("0.7")), Ok(json!(0.7)));
        assert_eq!(convert(Conversion::Boolean, &json!("true")), Ok(json!(true)));
        assert_eq!(convert(Conversion::Boolean, &json!("yes")), Err("is not true or false".into()));
        assert_eq!(convert(Conversion::None, &json!("6GB")), Ok(json!("6GB")));
    }

    #[test]
    fn every_conversion_takes_its_own_kind_of_value() {
        assert_eq!(convert(Conversion::String, &json!("as is")), Ok(json!("as is")));
        assert_eq!(convert(Conversion::String, &json!(null)), Err("is not a string, number or boolean".into()));
        assert_eq!(convert(Conversion::Number, &json!(0.7)), Ok(json!(0.7)));
        assert_eq!(convert(Conversion::Number, &json!(true)), Err("is not a number".into()));
        assert_eq!(convert(Conversion::Boolean, &json!(true)), Ok(json!(true)));
        assert_eq!(convert(Conversion::Boolean, &json!(false)), Ok(json!(false)));
        assert_eq!(convert(Conversion::Boolean, &json!("false")), Ok(json!(false)));
        assert_eq!(convert(Conversion::Integer, &json!(true)), Err("is not a whole number".into()));
    }

    #[test]
    fn whole_floats_stop_below_nine_quadrillion() {
        assert_eq!(convert(Conversion::Integer, &json!(8.0e15)), Ok(json!(8_000_000_000_000_000_i64)));
        assert_eq!(convert(Conversion::Integer, &json!(9.0e15)), Err("is not a whole number".into()));
        assert_eq!(convert(Conversion::Integer, &json!(-8.0e15)), Ok(json!(-8_000_000_000_000_000_i64)));
    }

    #[test]
    fn every_memory_unit_and_plain_bytes_as_text() {
        assert_eq!(memory(json!("1048576")), Ok(json!("1Mi")), "a string of digits is bytes");
        assert_eq!(memory(json!("512k")), Ok(json!("512Ki")));
        assert_eq!(memory(json!("3Ki")), Ok(json!("3Ki")));
        assert_eq!(memory(json!("2Mi")), Ok(json!("2Mi")));
        assert_eq!(memory(json!("5Ti")), Ok(json!("5Ti")));
        assert_eq!(memory(json!("1p")), Ok(json!("1Pi")));
        assert_eq!(memory(json!("2Pi")), Ok(json!("2Pi")));
        assert_eq!(memory(json!("1023")), Ok(json!("1023")), "not a whole KiB: bytes");
        assert_eq!(memory(json!("g")), Err("is not a memory size such as 6g, 6Gi or a number of bytes".into()));
    }

    #[test]
    fn cpu_quantities_in_millicores_are_digits_then_m() {
        let cpu = |value: Value| convert(Conversion::Cpu, &value);
        assert_eq!(cpu(json!("1.5m")), Err("is not a CPU quantity such as 500m".into()));
        assert_eq!(cpu(json!("m")), Err("is not a CPU quantity such as 500m".into()));
        assert_eq!(cpu(json!("xm")), Err("is not a CPU quantity such as 500m".into()));
        assert_eq!(cpu(json!("1500m")), Ok(json!("1500m")));
        assert_eq!(cpu(json!(null)), Err("is not a number of cores".into()));
    }

    #[test]
    fn cores_stop_at_a_billion() {
        let cpu = |value: Value| convert(Conversion::Cpu, &value);
        assert_eq!(cpu(json!(1.0e9)), Ok(json!("1000000000")));
        assert_eq!(cpu(json!(2.0e9)), Err("is finer than a millicore".into()));
        assert_eq!(cpu(json!(f64::MAX)), Err("is finer than a millicore".into()));
        // 1e-6 of a millicore off a whole number is still whole (here: zero millicores).
        assert_eq!(cpu(json!(9.999999999999999e-10)), Err("is zero CPU".into()));
    }

    #[test]
    fn only_memory_and_cpu_have_other_spellings_of_one_amount() {
        assert!(!same_amount(Conversion::String, &json!("x"), &json!("x")), "equal values are no other spelling");
        assert!(!same_amount(Conversion::None, &json!("2"), &json!("2")));
        assert!(!same_amount(Conversion::Memory, &json!(1073741824), &json!("1Gi")), "only a string is re-read");
        assert!(same_amount(Conversion::Memory, &json!("1073741824"), &json!("1Gi")));
    }
}
