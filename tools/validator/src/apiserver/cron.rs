//! CronJob schedules as the API server parses them (`cron.ParseStandard` of robfig/cron v3,
//! called by `validateScheduleFormat` in pkg/apis/batch/validation/validation.go).

/// One of the five fields: name, range, and the names it takes (the first stands for `min`).
struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const FIELDS: [Field; 5] = [
    Field { name: "minute", min: 0, max: 59, names: &[] },
    Field { name: "hour", min: 0, max: 23, names: &[] },
    Field { name: "day of month", min: 1, max: 31, names: &[] },
    Field {
        name: "month",
        min: 1,
        max: 12,
        names: &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
    },
    Field { name: "day of week", min: 0, max: 6, names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

const MACROS: [&str; 7] = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/// Checks a schedule: a macro, `@every <Go duration>`, or five fields, each a list of `*`,
/// `?`, values, names or ranges, any with a `/step`.
pub fn schedule(value: &str) -> Result<(), String> {
    if value.contains("TZ") {
        return Err(format!("{value:?}: cannot use TZ or CRON_TZ in schedule, use the timeZone field instead"));
    }
    if MACROS.contains(&value) {
        return Ok(());
    }
    if let Some(duration) = value.strip_prefix("@every ") {
        return go_duration(duration.trim()).map_err(|m| format!("{value:?}: {m}"));
    }
    let fields: Vec<&str> = value.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "{value:?}: expected exactly 5 fields (minute hour day-of-month month day-of-week) or a macro such as \
             @hourly, found {}",
            fields.len()
        ));
    }
    for (text, field) in fields.iter().zip(&FIELDS) {
        text.split(',').try_for_each(|item| item_ok(item, field)).map_err(|m| {
            format!("{value:?}: {} field {text:?}: {m} (allowed {}-{})", field.name, field.min, field.max)
        })?;
    }
    Ok(())
}

fn item_ok(item: &str, field: &Field) -> Result<(), String> {
    let (range, step) = item.split_once('/').map_or((item, None), |(r, s)| (r, Some(s)));
    if let Some(step) = step {
        match number(step) {
            Some(0) => return Err(format!("step of {item:?} must be positive")),
            Some(_) => {}
            None => return Err(format!("step {step:?} of {item:?} is not a number")),
        }
    }
    if range == "*" || range == "?" {
        return Ok(());
    }
    let (start, end) = match range.split_once('-') {
        Some((low, high)) => (value(low, field)?, value(high, field)?),
        // "n/step" runs from n to the field's maximum.
        None if step.is_some() => (value(range, field)?, field.max),
        None => (value(range, field)?, value(range, field)?),
    };
    if start < field.min {
        Err(format!("{start} is below the minimum {}", field.min))
    } else if end > field.max {
        Err(format!("{end} is above the maximum {}", field.max))
    } else if start > end {
        Err(format!("range {start}-{end} runs backwards"))
    } else {
        Ok(())
    }
}

/// A number as robfig/cron reads one (`strconv.Atoi`): decimal digits after an optional `+`.
/// A `-` never reaches here (it splits a range), so no number is negative.
fn number(text: &str) -> Option<u32> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().ok()).flatten()
}

fn value(text: &str, field: &Field) -> Result<u32, String> {
    if let Some((_, n)) = field.names.iter().zip(field.min..).find(|(name, _)| name.eq_ignore_ascii_case(text)) {
        return Ok(n);
    }
    number(text)
        .ok_or_else(|| format!("{text:?} is not a number{}", if field.names.is_empty() { "" } else { " or a name" }))
}

/// A Go `time.Duration` such as `90s`, `1h30m` or `1.5h`.
fn go_duration(text: &str) -> Result<(), String> {
    let reason = || format!("{text:?} is not a duration such as 90s or 1h30m");
    let mut rest = text;
    if rest.is_empty() {
        return Err(reason());
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(reason)?;
        if digits == 0 {
            return Err(reason());
        }
        rest = &rest[digits..];
        let unit = ["ns", "us", "µs", "ms", "s", "m", "h"]
            .iter()
            .filter(|u| rest.starts_with(**u))
            .max_by_key(|u| u.len())
            .ok_or_else(reason)?;
        rest = &rest[unit.len()..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::schedule;

    #[test]
    fn schedules_kubernetes_accepts() {
        for good in [
            "0 3 * * *",
            "*/15 * * * *",
            "0 0-23/2 * * mon-fri",
            "30 4 1,15 JAN,jul ?",
            "5/10 * * * *",
            "0 0 31 12 6",
            "@hourly",
            "@every 1h30m",
            "@every 1.5h",
            "@every 500ms",
            "@yearly",
            "@midnight",
            "59 23 31 dec sat",
            "0 0 1-31/2 1-12 0-6",
            // strconv.Atoi takes a leading plus sign, in values, range ends and steps alike.
            "+5 +0-+23/+2 * +12 +6",
        ] {
            assert_eq!(schedule(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn schedules_kubernetes_refuses() {
        let cases = [
            ("61 * * * *", "minute field \"61\": 61 is above the maximum 59"),
            ("* 24 * * *", "hour field"),
            ("* * 0 * *", "0 is below the minimum 1"),
            ("* * * 13 *", "month field"),
            ("* * * * 7", "day of week field"),
            ("* * * *", "expected exactly 5 fields"),
            ("0 0 * * * *", "found 6"),
            ("*/0 * * * *", "step of \"*/0\" must be positive"),
            ("10-5 * * * *", "runs backwards"),
            ("x * * * *", "\"x\" is not a number"),
            ("@fortnightly", "expected exactly 5 fields"),
            ("@every soon", "is not a duration"),
            ("CRON_TZ=UTC 0 3 * * *", "use the timeZone field instead"),
            // robfig/cron's getRange: "N/step" runs from N to the field's maximum, so a
            // start past the maximum is a range running backwards.
            ("61/5 * * * *", "minute field \"61/5\": range 61-59 runs backwards (allowed 0-59)"),
            ("* * * 0 *", "month field \"0\": 0 is below the minimum 1"),
            ("* * 32 * *", "32 is above the maximum 31"),
            ("* * * * 1-7", "7 is above the maximum 6"),
            ("* * * * mon-sun", "range 1-0 runs backwards"),
            ("*/x * * * *", "step \"x\" of \"*/x\" is not a number"),
            ("* * * jam *", "\"jam\" is not a number or a name"),
            ("@every 90", "is not a duration"),
            ("@every h", "is not a duration"),
            ("@every 1h30", "is not a duration"),
            ("++5 * * * *", "\"++5\" is not a number"),
            ("+ * * * *", "\"+\" is not a number"),
            ("*/+ * * * *", "step \"+\" of \"*/+\" is not a number"),
            ("* * * * +7", "7 is above the maximum 6"),
        ];
        for (bad, reason) in cases {
            let message = schedule(bad).unwrap_err();
            assert!(message.contains(reason), "{bad}: {message}");
        }
    }
}
