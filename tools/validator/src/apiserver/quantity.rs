//! Kubernetes resource quantities (`500m`, `1`, `1Gi`, `1e3`), read exactly, so that
//! `1Gi` and `1024Mi` are equal and `500m` is half of `1`.

/// A quantity in nano-units (10^-9 of its unit): Kubernetes keeps quantities at most to the
/// nano and rounds a finer one up, so this is exact for every quantity it stores.
pub type Nanos = i128;

const NANOS_PER_UNIT: i128 = 1_000_000_000;

/// Parses a quantity: an optional sign, a decimal number, and a suffix (binary `Ki`..`Ei`,
/// decimal `n`, `u`, `m`, `k`, `M`..`E`, or an exponent `e3`/`E-2`).
pub fn parse(text: &str) -> Result<Nanos, String> {
    let reason = || format!("{text:?} is not a Kubernetes quantity such as 250m, 1, 512Mi or 2Gi");
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let number_end = unsigned.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(unsigned.len());
    let (number, suffix) = unsigned.split_at(number_end);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
        return Err(reason());
    }
    let (numerator, denominator) = scale(suffix).ok_or_else(reason)?;
    let too_large = || format!("{text:?} is too large a quantity");
    let mut mantissa: i128 = 0;
    for digit in whole.bytes().chain(fraction.bytes()) {
        mantissa =
            mantissa.checked_mul(10).and_then(|m| m.checked_add(i128::from(digit - b'0'))).ok_or_else(too_large)?;
    }
    let fraction_scale =
        10i128.checked_pow(u32::try_from(fraction.len()).map_err(|_| reason())?).ok_or_else(too_large)?;
    let top = mantissa.checked_mul(numerator).and_then(|t| t.checked_mul(NANOS_PER_UNIT)).ok_or_else(too_large)?;
    let bottom = denominator.checked_mul(fraction_scale).ok_or_else(too_large)?;
    // Rounded up to the nano, as Kubernetes rounds.
    let nanos = (top + bottom - 1) / bottom;
    Ok(if negative { -nanos } else { nanos })
}

/// The factor of a suffix as a fraction (numerator, denominator).
fn scale(suffix: &str) -> Option<(i128, i128)> {
    let binary = |power: u32| Some((1i128 << power, 1));
    let decimal = |power: i32| {
        let factor = 10i128.checked_pow(power.unsigned_abs())?;
        Some(if power >= 0 { (factor, 1) } else { (1, factor) })
    };
    match suffix {
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "" => decimal(0),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        _ => {
            let exponent = suffix.strip_prefix(['e', 'E'])?;
            let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            // Past 10^±40 no quantity fits; refuse rather than overflow.
            decimal(exponent.parse::<i32>().ok().filter(|e| e.abs() <= 40)?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_decimal_and_milli_quantities_compare_exactly() {
        assert_eq!(parse("1Gi"), parse("1024Mi"));
        assert!(parse("1Gi").unwrap() > parse("1000Mi").unwrap());
        assert_eq!(parse("500m").unwrap() * 2, parse("1").unwrap());
        assert_eq!(parse("0.5"), parse("500m"));
        assert_eq!(parse("1e3"), parse("1k"));
        assert_eq!(parse("1E-3"), parse("1m"));
        assert_eq!(parse("+2"), parse("2"));
        assert_eq!(parse("-1").unwrap(), -NANOS_PER_UNIT);
        assert_eq!(parse(".5"), parse("500m"));
        assert_eq!(parse("128974848"), parse("123Mi"));
        // Finer than a nano rounds up, as Kubernetes does.
        assert_eq!(parse("0.1n").unwrap(), 1);
    }

    /// Every suffix of `resource.Quantity`, at its exact factor.
    #[test]
    fn each_suffix_scales_by_its_own_factor() {
        let unit = NANOS_PER_UNIT;
        let cases: [(&str, Nanos); 16] = [
            ("1n", 1),
            ("1u", 1_000),
            ("1m", 1_000_000),
            ("1", unit),
            ("1k", 1_000 * unit),
            ("1M", 1_000_000 * unit),
            ("1G", 10i128.pow(9) * unit),
            ("1T", 10i128.pow(12) * unit),
            ("1P", 10i128.pow(15) * unit),
            ("1E", 10i128.pow(18) * unit),
            ("1Ki", (1 << 10) * unit),
            ("1Mi", (1 << 20) * unit),
            ("1Gi", (1 << 30) * unit),
            ("1Ti", (1 << 40) * unit),
            ("1Pi", (1 << 50) * unit),
            ("1Ei", (1 << 60) * unit),
        ];
        for (text, nanos) in cases {
            assert_eq!(parse(text), Ok(nanos), "{text}");
        }
        assert_eq!(parse("1e-9"), Ok(1));
        assert_eq!(parse("1.5Gi"), Ok(3 * (1 << 29) * unit));
    }

    #[test]
    fn what_is_no_quantity_is_refused() {
        for bad in ["", "m", "1.2.3", "1 Gi", "1GB", "1K", "one", "1e", "1e+", "1Mi2", "--1", "1e99"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
