//! Typed literals: numbers with units, checked while parsing so that `300xs` or `120%` is reported
//! with a precise span.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Literal {
    Int(u64),
    /// A count written with a multiplier: `10K`, `1M`.
    Count(u64),
    Float(f64),
    /// Nanoseconds.
    Duration(u64),
    /// Events per second.
    Rate(f64),
    Percent(f64),
    /// Bytes.
    Size(u64),
    Date {
        year: u16,
        month: u8,
        day: u8,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiteralError {
    pub message: String,
    pub help: Option<String>,
}

const DURATION_UNITS: &[(&str, u64)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("min", 60_000_000_000),
    ("h", 3_600_000_000_000),
    ("d", 86_400_000_000_000),
    ("w", 604_800_000_000_000),
];
const RATE_UNITS: &[(&str, f64)] = &[
    ("/s", 1.0),
    ("/min", 1.0 / 60.0),
    ("/h", 1.0 / 3600.0),
    ("/d", 1.0 / 86400.0),
    ("rps", 1.0),
    ("rpm", 1.0 / 60.0),
];
const SIZE_UNITS: &[(&str, u64)] = &[
    ("B", 1),
    ("KB", 1_000),
    ("MB", 1_000_000),
    ("GB", 1_000_000_000),
    ("TB", 1_000_000_000_000),
    ("PB", 1_000_000_000_000_000),
    ("KiB", 1 << 10),
    ("MiB", 1 << 20),
    ("GiB", 1 << 30),
    ("TiB", 1 << 40),
];
const COUNT_UNITS: &[(&str, u64)] = &[("k", 1_000), ("K", 1_000), ("M", 1_000_000), ("G", 1_000_000_000)];

/// Every unit, for help lines.
pub const ALL_UNITS_HELP: &str = "durations: ns, us, ms, s, m or min, h, d, w; rates: /s, /min, /h, /d, rps, rpm; percentages: %; sizes: B, KB, MB, GB, TB, PB, KiB, MiB, GiB, TiB; counts: k or K, M, G";

/// Common spellings that are not units, and the unit meant.
const ALIASES: &[(&str, &str)] = &[
    ("sec", "s"),
    ("secs", "s"),
    ("second", "s"),
    ("seconds", "s"),
    ("msec", "ms"),
    ("millis", "ms"),
    ("mins", "min"),
    ("minute", "min"),
    ("minutes", "min"),
    ("hr", "h"),
    ("hrs", "h"),
    ("hour", "h"),
    ("hours", "h"),
    ("day", "d"),
    ("days", "d"),
    ("week", "w"),
    ("weeks", "w"),
    ("/sec", "/s"),
    ("/second", "/s"),
    ("/hour", "/h"),
    ("/day", "/d"),
    ("qps", "rps"),
    ("tps", "rps"),
    ("kb", "KB"),
    ("mb", "MB"),
    ("gb", "GB"),
    ("tb", "TB"),
];

/// The unit most likely meant, among `candidates` (the units of the expected type when known).
pub fn suggest_unit<'a>(unit: &str, candidates: impl Iterator<Item = &'a str> + Clone) -> Option<&'a str> {
    if let Some((_, meant)) = ALIASES.iter().find(|a| a.0 == unit) {
        if let Some(c) = candidates.clone().find(|c| c == meant) {
            return Some(c);
        }
    }
    crate::diagnostics::did_you_mean(unit, candidates)
}

/// The units of one kind of literal, for suggestions that fit the expected type.
pub fn units_of(kind: UnitKind) -> Vec<&'static str> {
    match kind {
        UnitKind::Duration => DURATION_UNITS.iter().map(|u| u.0).collect(),
        UnitKind::Rate => RATE_UNITS.iter().map(|u| u.0).collect(),
        UnitKind::Size => SIZE_UNITS.iter().map(|u| u.0).collect(),
        UnitKind::Count => COUNT_UNITS.iter().map(|u| u.0).collect(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitKind {
    Duration,
    Rate,
    Size,
    Count,
}

/// The unit part of a number token (`xs` in `300xs`).
pub fn unit_of(text: &str) -> &str {
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '_' || c == '.')).unwrap_or(text.len());
    &text[split..]
}

fn all_units() -> impl Iterator<Item = &'static str> + Clone {
    DURATION_UNITS
        .iter()
        .map(|u| u.0)
        .chain(RATE_UNITS.iter().map(|u| u.0))
        .chain(SIZE_UNITS.iter().map(|u| u.0))
        .chain(COUNT_UNITS.iter().map(|u| u.0))
        .chain(["%"])
}

fn err(message: impl Into<String>, help: Option<String>) -> LiteralError {
    LiteralError { message: message.into(), help }
}

/// Parses the text of a number token (`1.5s`, `200/s`, `99.9%`, `10K`).
pub fn parse_number(text: &str) -> Result<Literal, LiteralError> {
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '_' || c == '.')).unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let is_float = clean.contains('.');
    let value: f64 = clean.parse().map_err(|_| err(format!("`{text}` is not a number"), None))?;
    let whole = || -> Result<u64, LiteralError> {
        if is_float {
            return Err(err(format!("`{text}` must be a whole number"), None));
        }
        clean
            .parse::<u64>()
            .map_err(|_| err(format!("`{text}` is too large"), Some("numbers must fit in 64 bits".into())))
    };
    let scaled = |factor: f64| -> Result<u64, LiteralError> {
        let v = value * factor;
        if !(0.0..1.8e19).contains(&v) {
            return Err(err(format!("`{text}` is too large"), None));
        }
        // Rounding to whole base units is exact for every unit and value a model uses.
        Ok(v.round() as u64)
    };
    match unit {
        "" if is_float => Ok(Literal::Float(value)),
        "" => whole().map(Literal::Int),
        "%" if value > 100.0 => {
            Err(err(format!("`{text}` is more than 100%"), Some("percentages go from 0% to 100%".into())))
        }
        "%" => Ok(Literal::Percent(value)),
        _ => {
            if let Some((_, f)) = DURATION_UNITS.iter().find(|u| u.0 == unit) {
                return scaled(*f as f64).map(Literal::Duration);
            }
            if let Some((_, f)) = RATE_UNITS.iter().find(|u| u.0 == unit) {
                return Ok(Literal::Rate(value * f));
            }
            if let Some((_, f)) = SIZE_UNITS.iter().find(|u| u.0 == unit) {
                return scaled(*f as f64).map(Literal::Size);
            }
            if let Some((_, f)) = COUNT_UNITS.iter().find(|u| u.0 == unit) {
                return scaled(*f as f64).map(Literal::Count);
            }
            // A counted rate: `6K/s` is 6,000 per second.
            if let Some((count, per)) = unit.split_once('/') {
                let c = COUNT_UNITS.iter().find(|u| u.0 == count);
                let r = RATE_UNITS.iter().find(|u| u.0.strip_prefix('/') == Some(per));
                if let (Some((_, c)), Some((_, r))) = (c, r) {
                    return Ok(Literal::Rate(value * *c as f64 * r));
                }
            }
            let help = match crate::diagnostics::did_you_mean(unit, all_units()) {
                Some(s) => format!("did you mean `{digits}{s}`?"),
                None => "units are ms, s, m, h, d (durations), /s, /min, rps (rates), % and B, KB, MB, GB (sizes)"
                    .to_string(),
            };
            Err(err(format!("unknown unit `{unit}` in `{text}`"), Some(help)))
        }
    }
}

pub fn parse_date(text: &str) -> Result<Literal, LiteralError> {
    if text.len() != 10 {
        return Err(err(format!("`{text}` is not a date"), Some("write dates as YYYY-MM-DD".into())));
    }
    let part = |r: std::ops::Range<usize>| text.get(r).and_then(|s| s.parse::<u16>().ok()).unwrap_or(0);
    let (year, month, day) = (part(0..4), part(5..7), part(8..10));
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(err(format!("`{text}` has no month {month}"), Some("write dates as YYYY-MM-DD".into()))),
    };
    if day == 0 || day > days {
        return Err(err(format!("`{text}` is not a day of that month"), None));
    }
    Ok(Literal::Date { year, month: month as u8, day: day as u8 })
}

impl Literal {
    pub fn kind_name(&self) -> &'static str {
        match self {
            Literal::Int(_) => "a whole number",
            Literal::Count(_) => "a count",
            Literal::Float(_) => "a decimal number",
            Literal::Duration(_) => "a duration",
            Literal::Rate(_) => "a rate",
            Literal::Percent(_) => "a percentage",
            Literal::Size(_) => "a size",
            Literal::Date { .. } => "a date",
        }
    }

    pub fn as_millis(&self) -> Option<f64> {
        match self {
            Literal::Duration(ns) => Some(*ns as f64 / 1e6),
            _ => None,
        }
    }
}

/// Canonical text of a literal, used in dumps and reports; numbers print without trailing zeros.
impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Int(n) | Literal::Count(n) => write!(f, "{n}"),
            Literal::Float(x) => write!(f, "{x}"),
            Literal::Duration(ns) => {
                let (v, u) = best_unit(
                    *ns,
                    &[
                        (86_400_000_000_000, "d"),
                        (3_600_000_000_000, "h"),
                        (60_000_000_000, "m"),
                        (1_000_000_000, "s"),
                        (1_000_000, "ms"),
                        (1_000, "us"),
                        (1, "ns"),
                    ],
                );
                write!(f, "{v}{u}")
            }
            Literal::Rate(r) => write!(f, "{r}/s"),
            Literal::Percent(p) => write!(f, "{p}%"),
            Literal::Size(b) => {
                let (v, u) = best_unit(
                    *b,
                    &[(1_000_000_000_000, "TB"), (1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "KB"), (1, "B")],
                );
                write!(f, "{v}{u}")
            }
            Literal::Date { year, month, day } => write!(f, "{year:04}-{month:02}-{day:02}"),
        }
    }
}

/// The date `days` days after 1970-01-01 (proleptic Gregorian; negative goes before).
pub fn date_from_days(days: i64) -> Literal {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    Literal::Date { year, month, day }
}

/// Days since 1970-01-01 of a date literal; `None` for any other literal.
pub fn days_of_date(date: Literal) -> Option<i64> {
    let Literal::Date { year, month, day } = date else { return None };
    let (month, day) = (i64::from(month), i64::from(day));
    let y = if month <= 2 { i64::from(year) - 1 } else { i64::from(year) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn best_unit(n: u64, units: &[(u64, &'static str)]) -> (String, &'static str) {
    for (size, name) in units {
        if n >= *size && n % size == 0 {
            return ((n / size).to_string(), name);
        }
    }
    for (size, name) in units {
        if n >= *size {
            return (format!("{}", n as f64 / *size as f64), name);
        }
    }
    (n.to_string(), units.last().map_or("", |u| u.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_convert_to_days_and_back() {
        assert_eq!(days_of_date(Literal::Date { year: 1970, month: 1, day: 1 }), Some(0));
        let today = Literal::Date { year: 2026, month: 12, day: 6 };
        let days = days_of_date(today).expect("a date");
        assert_eq!(date_from_days(days), today);
        assert_eq!(date_from_days(days + 90), Literal::Date { year: 2027, month: 3, day: 6 });
        assert_eq!(
            date_from_days(days_of_date(Literal::Date { year: 2028, month: 2, day: 28 }).expect("a date") + 1),
            Literal::Date { year: 2028, month: 2, day: 29 }
        );
        assert_eq!(days_of_date(Literal::Int(3)), None);
    }

    #[test]
    fn units_are_checked() {
        assert_eq!(parse_number("300ms"), Ok(Literal::Duration(300_000_000)));
        assert_eq!(parse_number("1.5s"), Ok(Literal::Duration(1_500_000_000)));
        assert_eq!(parse_number("200/s"), Ok(Literal::Rate(200.0)));
        assert_eq!(parse_number("10_000"), Ok(Literal::Int(10_000)));
        assert_eq!(parse_number("10K"), Ok(Literal::Count(10_000)));
        assert_eq!(parse_number("6K/s"), Ok(Literal::Rate(6_000.0)));
        assert!(matches!(parse_number("1M/d"), Ok(Literal::Rate(r)) if (r - 1_000_000.0 / 86_400.0).abs() < 1e-9));
        assert_eq!(parse_number("99.9%"), Ok(Literal::Percent(99.9)));
        assert_eq!(parse_number("2GiB"), Ok(Literal::Size(2 << 30)));
        let e = parse_number("300xs").err().map(|e| e.help);
        assert!(e.flatten().is_some_and(|h| h.starts_with("did you mean `300")));
        assert!(parse_number("120%").is_err());
        assert!(parse_number("99999999999999999999999").is_err());
        assert!(parse_date("2027-02-29").is_err());
        assert!(parse_date("2028-02-29").is_ok());
    }

    #[test]
    fn literals_print_canonically() {
        assert_eq!(Literal::Duration(300_000_000).to_string(), "300ms");
        assert_eq!(Literal::Duration(1_500_000_000).to_string(), "1500ms");
        assert_eq!(Literal::Size(512_000_000).to_string(), "512MB");
    }
}
