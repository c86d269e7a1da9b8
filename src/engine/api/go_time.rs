//! Go's `time.Parse` for the two layouts Kubernetes timestamps use, with Go's exact error texts.
//!
//! `metav1.Time.UnmarshalJSON` (`k8s.io/apimachinery/pkg/apis/meta/v1/time.go`) parses its string with
//! `time.Parse(time.RFC3339, s)` and `metav1.MicroTime.UnmarshalJSON` (`micro_time.go`) with
//! `time.Parse(RFC3339Micro, s)`; the error they return reaches the API server's 400 message unchanged.
//! This module mirrors Go's general parser (`parse`, `skip`, `getnum`, `atoi`, `parseNanoseconds`, the
//! `Z07:00` zone case, the range checks, `ParseError.Error()` and the package's own `quote`) from
//! `src/time/format.go` for those two layouts only. `Parse`'s RFC 3339 fast path
//! (`parseRFC3339` in `src/time/format_rfc3339.go`) accepts a subset of what the general parser accepts and
//! falls back to it on failure, so acceptance and every error come from the general parser.
//!
//! Go is more lenient than RFC 3339 in places, and so is this module: a one-digit hour (`T1:00:00Z`), zone
//! offsets up to `+24:60`, a fraction after the seconds in `RFC3339` (`.5`, `,5`; kept in memory, dropped
//! when serialized), and a signed micro fraction in `RFC3339Micro` (`.+12345`).

/// The layouts of `metav1.Time` and `metav1.MicroTime`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoLayout {
    /// `time.RFC3339`, used by `metav1.Time`.
    Rfc3339,
    /// `metav1.RFC3339Micro`, used by `metav1.MicroTime`.
    Rfc3339Micro,
}

impl GoLayout {
    /// The layout string as Go spells it (it appears in error messages).
    pub fn text(self) -> &'static str {
        match self {
            GoLayout::Rfc3339 => "2006-01-02T15:04:05Z07:00",
            GoLayout::Rfc3339Micro => "2006-01-02T15:04:05.000000Z07:00",
        }
    }

    /// The parse steps: the literal text before each element, and the element.
    fn steps(self) -> &'static [(&'static str, Element)] {
        const RFC3339: &[(&str, Element)] = &[
            ("", Element::LongYear),
            ("-", Element::ZeroMonth),
            ("-", Element::ZeroDay),
            ("T", Element::Hour),
            (":", Element::ZeroMinute),
            (":", Element::ZeroSecond),
            ("", Element::ColonZone),
        ];
        const RFC3339_MICRO: &[(&str, Element)] = &[
            ("", Element::LongYear),
            ("-", Element::ZeroMonth),
            ("-", Element::ZeroDay),
            ("T", Element::Hour),
            (":", Element::ZeroMinute),
            (":", Element::ZeroSecond),
            ("", Element::MicroFraction),
            ("", Element::ColonZone),
        ];
        match self {
            GoLayout::Rfc3339 => RFC3339,
            GoLayout::Rfc3339Micro => RFC3339_MICRO,
        }
    }
}

/// The layout elements these two layouts contain (Go's `std*` chunk codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Element {
    /// `2006`
    LongYear,
    /// `01`
    ZeroMonth,
    /// `02`
    ZeroDay,
    /// `15` (one or two digits)
    Hour,
    /// `04`
    ZeroMinute,
    /// `05`
    ZeroSecond,
    /// `.000000`
    MicroFraction,
    /// `Z07:00`
    ColonZone,
}

impl Element {
    fn text(self) -> &'static str {
        match self {
            Element::LongYear => "2006",
            Element::ZeroMonth => "01",
            Element::ZeroDay => "02",
            Element::Hour => "15",
            Element::ZeroMinute => "04",
            Element::ZeroSecond => "05",
            Element::MicroFraction => ".000000",
            Element::ColonZone => "Z07:00",
        }
    }
}

/// A time Go's parser accepted, as its fields (before any zone conversion).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoTime {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    pub nanosecond: i64,
    /// East of UTC, in seconds (`Z` is 0).
    pub offset_seconds: i64,
}

/// Go's `ParseError.Error()` text for `value`, or `None` when `time.Parse(layout, value)` accepts it.
pub fn parse_rfc3339_error(value: &str, layout: GoLayout) -> Option<String> {
    parse_go_time(value, layout).err()
}

/// `time.Parse(layout, value)`: the parsed fields, or Go's error text.
pub fn parse_go_time(value: &str, layout: GoLayout) -> Result<GoTime, String> {
    let whole = value.as_bytes();
    let failure = |element: &str, rest: &[u8]| -> String {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            go_time_quote(whole),
            go_time_quote(layout.text().as_bytes()),
            go_time_quote(rest),
            go_time_quote(element.as_bytes())
        )
    };
    let with_message = |message: &str| format!("parsing time {}{message}", go_time_quote(whole));
    let out_of_range = |what: &str| with_message(&format!(": {what} out of range"));

    let mut parsed = GoTime {
        year: 0,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
        nanosecond: 0,
        offset_seconds: 0,
    };
    let mut rest = whole;
    for &(prefix, element) in layout.steps() {
        rest = match skip_literal(rest, prefix) {
            Some(after) => after,
            None => return Err(failure(prefix, rest)),
        };
        let hold = rest;
        let mut range_error: Option<&str> = None;
        let mut bad = false;
        match element {
            Element::LongYear => {
                if rest.len() < 4 || !is_digit(rest, 0) {
                    bad = true;
                } else {
                    let (digits, after) = rest.split_at(4);
                    rest = after;
                    match go_atoi(digits) {
                        Some(year) => parsed.year = year,
                        None => bad = true,
                    }
                }
            }
            Element::ZeroMonth | Element::ZeroDay | Element::Hour | Element::ZeroMinute => {
                // Go's `getnum`: two digits, or one or two for the hour. The day is checked against
                // its month at the end, so any two digits pass here.
                match get_number(rest, element != Element::Hour) {
                    Some((value, after)) => {
                        rest = after;
                        let (field, valid, name) = match element {
                            Element::ZeroMonth => (&mut parsed.month, 1..=12, "month"),
                            Element::ZeroDay => (&mut parsed.day, 0..=99, "day"),
                            Element::Hour => (&mut parsed.hour, 0..=23, "hour"),
                            _ => (&mut parsed.minute, 0..=59, "minute"),
                        };
                        *field = value;
                        if !valid.contains(&value) {
                            range_error = Some(name);
                        }
                    }
                    None => bad = true,
                }
            }
            Element::ZeroSecond => match get_number(rest, true) {
                Some((second, after)) => {
                    rest = after;
                    parsed.second = second;
                    if second >= 60 {
                        range_error = Some("second");
                    } else if layout == GoLayout::Rfc3339
                        && rest.len() >= 2
                        && is_comma_or_period(rest[0])
                        && is_digit(rest, 1)
                    {
                        // A fraction the layout does not ask for is still accepted after the seconds.
                        let mut end = 2;
                        while is_digit(rest, end) {
                            end += 1;
                        }
                        match parse_nanoseconds(rest, end) {
                            Fraction::Nanos(nanos) => parsed.nanosecond = nanos,
                            Fraction::Negative => range_error = Some("fractional second"),
                            Fraction::Bad => bad = true,
                        }
                        rest = &rest[end..];
                    }
                }
                None => bad = true,
            },
            Element::MicroFraction => {
                // Exactly the layout's digit count, after a comma or period.
                let width = 7;
                if rest.len() < width {
                    bad = true;
                } else {
                    match parse_nanoseconds(rest, width) {
                        Fraction::Nanos(nanos) => parsed.nanosecond = nanos,
                        Fraction::Negative => range_error = Some("fractional second"),
                        Fraction::Bad => bad = true,
                    }
                    rest = &rest[width..];
                }
            }
            Element::ColonZone => {
                if rest.first() == Some(&b'Z') {
                    rest = &rest[1..];
                    parsed.offset_seconds = 0;
                } else if rest.len() < 6 || rest[3] != b':' {
                    bad = true;
                } else {
                    let (zone, after) = rest.split_at(6);
                    rest = after;
                    let hours = get_number(&zone[1..3], true).map(|(n, _)| n);
                    let minutes = hours.and_then(|_| get_number(&zone[4..6], true).map(|(n, _)| n));
                    // Go keeps a failed number as 0, so only a parsed one can be out of range.
                    let (hour_value, minute_value) = (hours.unwrap_or(0), minutes.unwrap_or(0));
                    if hours.is_none() || minutes.is_none() {
                        bad = true;
                    }
                    // Offsets of 24 hours or 60 minutes are let through; the later check wins.
                    if hour_value > 24 {
                        range_error = Some("time zone offset hour");
                    }
                    if minute_value > 60 {
                        range_error = Some("time zone offset minute");
                    }
                    let magnitude = (hour_value * 60 + minute_value) * 60;
                    match zone[0] {
                        b'+' => parsed.offset_seconds = magnitude,
                        b'-' => parsed.offset_seconds = -magnitude,
                        _ => bad = true,
                    }
                }
            }
        }
        if let Some(what) = range_error {
            return Err(out_of_range(what));
        }
        if bad {
            return Err(failure(element.text(), hold));
        }
    }
    if !rest.is_empty() {
        return Err(with_message(&format!(
            ": extra text: {}",
            go_time_quote(rest)
        )));
    }
    if parsed.day < 1 || parsed.day > days_in_month(parsed.month, parsed.year) {
        return Err(out_of_range("day"));
    }
    Ok(parsed)
}

/// The value the API server serves back for a parsed time: `MarshalJSON` writes it in UTC, `Time` to the
/// second (any fraction dropped) and `MicroTime` with six fraction digits. `None` when the UTC year leaves
/// 0000..9999 (Go would print it in a form RFC 3339 has no room for).
pub fn canonical_utc(time: &GoTime, layout: GoLayout) -> Option<String> {
    let days = days_from_civil(time.year, time.month, time.day);
    let seconds =
        days * 86_400 + time.hour * 3_600 + time.minute * 60 + time.second - time.offset_seconds;
    let day_number = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(day_number);
    if !(0..=9999).contains(&year) {
        return None;
    }
    let clock = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        of_day / 3_600,
        of_day % 3_600 / 60,
        of_day % 60
    );
    Some(match layout {
        GoLayout::Rfc3339 => format!("{clock}Z"),
        GoLayout::Rfc3339Micro => format!("{clock}.{:06}Z", time.nanosecond / 1_000),
    })
}

/// Go's `skip` for the literal text of these layouts (no spaces in them).
fn skip_literal<'a>(value: &'a [u8], literal: &str) -> Option<&'a [u8]> {
    value.strip_prefix(literal.as_bytes())
}

fn is_digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

fn is_comma_or_period(b: u8) -> bool {
    b == b'.' || b == b','
}

/// Go's `getnum`: one or two digits (`fixed` demands two).
fn get_number(s: &[u8], fixed: bool) -> Option<(i64, &[u8])> {
    if !is_digit(s, 0) {
        return None;
    }
    let first = i64::from(s[0] - b'0');
    if !is_digit(s, 1) {
        return if fixed { None } else { Some((first, &s[1..])) };
    }
    Some((first * 10 + i64::from(s[1] - b'0'), &s[2..]))
}

/// Go's `atoi`: an optional sign, then digits only (an empty digit run is 0).
fn go_atoi(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut n: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(i64::from(c - b'0'))?;
    }
    Some(if negative { -n } else { n })
}

enum Fraction {
    Nanos(i64),
    Negative,
    Bad,
}

/// Go's `parseNanoseconds`: `value[..width]` is a separator and digits (at most nine count).
fn parse_nanoseconds(value: &[u8], width: usize) -> Fraction {
    if !value.first().copied().is_some_and(is_comma_or_period) {
        return Fraction::Bad;
    }
    let width = width.min(10).min(value.len());
    match go_atoi(&value[1..width]) {
        None => Fraction::Bad,
        Some(n) if n < 0 => Fraction::Negative,
        Some(n) => {
            let scale = 10u32.saturating_sub(width as u32);
            Fraction::Nanos(n * 10i64.pow(scale))
        }
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(month: i64, year: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count since 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The time package's own `quote`: `"` and `\` get a backslash, every byte of a non-ASCII or control
/// character is written `\xNN`, everything else as is (unlike `strconv.Quote`).
pub fn go_time_quote(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for &b in s {
        if !(b' '..0x80).contains(&b) {
            out.push_str(&format!("\\x{b:02x}"));
        } else {
            if b == b'"' || b == b'\\' {
                out.push('\\');
            }
            out.push(char::from(b));
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC: GoLayout = GoLayout::Rfc3339;
    const MICRO: GoLayout = GoLayout::Rfc3339Micro;

    #[test]
    fn should_word_rejections_exactly_as_go_time_parse() {
        // (layout, value, Go's ParseError.Error(), the upstream step that rejects it)
        let cases: &[(GoLayout, &str, &str)] = &[
            // stdLongYear: fewer than four bytes or no leading digit
            (
                RFC,
                "garbage",
                r#"parsing time "garbage" as "2006-01-02T15:04:05Z07:00": cannot parse "garbage" as "2006""#,
            ),
            (
                RFC,
                "",
                r#"parsing time "" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "2006""#,
            ),
            // stdLongYear: atoi of the four bytes fails
            (
                RFC,
                "20x4-01-01T00:00:00Z",
                r#"parsing time "20x4-01-01T00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "20x4-01-01T00:00:00Z" as "2006""#,
            ),
            // getnum range check on stdZeroMonth
            (
                RFC,
                "2024-13-01T00:00:00Z",
                r#"parsing time "2024-13-01T00:00:00Z": month out of range"#,
            ),
            (
                RFC,
                "2024-00-01T00:00:00Z",
                r#"parsing time "2024-00-01T00:00:00Z": month out of range"#,
            ),
            // the day-of-month check after the loop (daysIn)
            (
                RFC,
                "2024-02-30T00:00:00Z",
                r#"parsing time "2024-02-30T00:00:00Z": day out of range"#,
            ),
            (
                RFC,
                "2023-02-29T00:00:00Z",
                r#"parsing time "2023-02-29T00:00:00Z": day out of range"#,
            ),
            (
                RFC,
                "2024-01-00T00:00:00Z",
                r#"parsing time "2024-01-00T00:00:00Z": day out of range"#,
            ),
            // skip of the literal "T" on an exhausted value
            (
                RFC,
                "2024-01-01",
                r#"parsing time "2024-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T""#,
            ),
            // skip of "T" on a space separator
            (
                RFC,
                "2024-01-01 00:00:00Z",
                r#"parsing time "2024-01-01 00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 00:00:00Z" as "T""#,
            ),
            // skip of "-" after the year
            (
                RFC,
                "2024/01/01T00:00:00Z",
                r#"parsing time "2024/01/01T00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "/01/01T00:00:00Z" as "-""#,
            ),
            // getnum fixed on stdZeroMonth with one digit
            (
                RFC,
                "2024-1-01T00:00:00Z",
                r#"parsing time "2024-1-01T00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "1-01T00:00:00Z" as "01""#,
            ),
            // stdHour range check
            (
                RFC,
                "2024-01-01T25:00:00Z",
                r#"parsing time "2024-01-01T25:00:00Z": hour out of range"#,
            ),
            (
                RFC,
                "2024-01-01T24:00:00Z",
                r#"parsing time "2024-01-01T24:00:00Z": hour out of range"#,
            ),
            // stdZeroMinute and stdZeroSecond range checks
            (
                RFC,
                "2024-01-01T00:60:00Z",
                r#"parsing time "2024-01-01T00:60:00Z": minute out of range"#,
            ),
            (
                RFC,
                "2024-01-01T00:00:60Z",
                r#"parsing time "2024-01-01T00:00:60Z": second out of range"#,
            ),
            // stdISO8601ColonTZ with nothing left (len < 6)
            (
                RFC,
                "2024-01-01T00:00:00",
                r#"parsing time "2024-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00""#,
            ),
            // stdISO8601ColonTZ with a one-digit offset hour (len < 6)
            (
                RFC,
                "2024-01-01T00:00:00+2:00",
                r#"parsing time "2024-01-01T00:00:00+2:00" as "2006-01-02T15:04:05Z07:00": cannot parse "+2:00" as "Z07:00""#,
            ),
            // stdISO8601ColonTZ without the colon (value[3] != ':')
            (
                RFC,
                "2024-01-01T00:00:00+0200",
                r#"parsing time "2024-01-01T00:00:00+0200" as "2006-01-02T15:04:05Z07:00": cannot parse "+0200" as "Z07:00""#,
            ),
            // lower-case z is not the UTC mark
            (
                RFC,
                "2024-01-01T00:00:00z",
                r#"parsing time "2024-01-01T00:00:00z" as "2006-01-02T15:04:05Z07:00": cannot parse "z" as "Z07:00""#,
            ),
            // stdISO8601ColonTZ sign check
            (
                RFC,
                "2024-01-01T00:00:00*02:00",
                r#"parsing time "2024-01-01T00:00:00*02:00" as "2006-01-02T15:04:05Z07:00": cannot parse "*02:00" as "Z07:00""#,
            ),
            // zone range checks: hour > 24, minute > 60, the minute message wins, and a range error beats a bad sign
            (
                RFC,
                "2024-01-01T00:00:00+25:00",
                r#"parsing time "2024-01-01T00:00:00+25:00": time zone offset hour out of range"#,
            ),
            (
                RFC,
                "2024-01-01T00:00:00+01:61",
                r#"parsing time "2024-01-01T00:00:00+01:61": time zone offset minute out of range"#,
            ),
            (
                RFC,
                "2024-01-01T00:00:00+25:61",
                r#"parsing time "2024-01-01T00:00:00+25:61": time zone offset minute out of range"#,
            ),
            (
                RFC,
                "2024-01-01T00:00:00*25:00",
                r#"parsing time "2024-01-01T00:00:00*25:00": time zone offset hour out of range"#,
            ),
            // the "extra text" check once the layout is used up
            (
                RFC,
                "2024-01-01T00:00:00Zjunk",
                r#"parsing time "2024-01-01T00:00:00Zjunk": extra text: "junk""#,
            ),
            (
                RFC,
                "2024-01-01T00:00:00+01:00 ",
                r#"parsing time "2024-01-01T00:00:00+01:00 ": extra text: " ""#,
            ),
            // extra text beats the day check (the day is validated after the loop)
            (
                RFC,
                "2024-02-30T00:00:00Zx",
                r#"parsing time "2024-02-30T00:00:00Zx": extra text: "x""#,
            ),
            // quote: non-ASCII bytes as \xNN, quotes and backslashes escaped, control bytes as \xNN
            (
                RFC,
                "2024-01-01T00:00:00Zé",
                r#"parsing time "2024-01-01T00:00:00Z\xc3\xa9": extra text: "\xc3\xa9""#,
            ),
            (
                RFC,
                "héllo",
                r#"parsing time "h\xc3\xa9llo" as "2006-01-02T15:04:05Z07:00": cannot parse "h\xc3\xa9llo" as "2006""#,
            ),
            (
                RFC,
                "\"x\\\t",
                r#"parsing time "\"x\\\x09" as "2006-01-02T15:04:05Z07:00": cannot parse "\"x\\\x09" as "2006""#,
            ),
            // getnum on stdHour: no digit at all
            (
                RFC,
                "2024-01-01Tx:00:00Z",
                r#"parsing time "2024-01-01Tx:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "x:00:00Z" as "15""#,
            ),
            // stdHour reads two digits, then the ":" literal meets the third
            (
                RFC,
                "2024-01-01T123:00:00Z",
                r#"parsing time "2024-01-01T123:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "3:00:00Z" as ":""#,
            ),
            // MicroTime: stdFracSecond0 needs seven bytes
            (
                MICRO,
                "2024-01-01T00:00:00Z",
                r#"parsing time "2024-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000""#,
            ),
            (
                MICRO,
                "2024-01-01T00:00:00.123Z",
                r#"parsing time "2024-01-01T00:00:00.123Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as ".000000""#,
            ),
            // MicroTime: seven digits leave one for the zone
            (
                MICRO,
                "2024-01-01T00:00:00.1234567Z",
                r#"parsing time "2024-01-01T00:00:00.1234567Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "7Z" as "Z07:00""#,
            ),
            // MicroTime: parseNanoseconds wants a separator first
            (
                MICRO,
                "2024-01-01T00:00:00+01:00",
                r#"parsing time "2024-01-01T00:00:00+01:00" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "+01:00" as ".000000""#,
            ),
            // MicroTime: atoi accepts a sign, and a negative fraction is a range error
            (
                MICRO,
                "2024-01-01T00:00:00.-12345Z",
                r#"parsing time "2024-01-01T00:00:00.-12345Z": fractional second out of range"#,
            ),
            (
                MICRO,
                "garbage",
                r#"parsing time "garbage" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "garbage" as "2006""#,
            ),
        ];
        for (layout, value, want) in cases {
            assert_eq!(
                parse_rfc3339_error(value, *layout).as_deref(),
                Some(*want),
                "{value:?}"
            );
        }
    }

    #[test]
    fn should_accept_what_go_accepts_and_serve_it_back_in_utc() {
        // (layout, value, what MarshalJSON writes back)
        let cases: &[(GoLayout, &str, &str)] = &[
            (RFC, "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z"),
            // a fraction after the seconds is parsed and dropped on output
            (
                RFC,
                "2024-01-01T00:00:00.123456789Z",
                "2024-01-01T00:00:00Z",
            ),
            (RFC, "2024-01-01T00:00:00,5Z", "2024-01-01T00:00:00Z"),
            (
                RFC,
                "2024-01-01T00:00:00.1234567891234Z",
                "2024-01-01T00:00:00Z",
            ),
            // offsets are converted to UTC, across day and year boundaries
            (RFC, "2024-01-01T01:30:00+02:00", "2023-12-31T23:30:00Z"),
            (RFC, "2024-02-28T23:00:00-01:30", "2024-02-29T00:30:00Z"),
            (RFC, "2024-01-01T00:00:00-00:00", "2024-01-01T00:00:00Z"),
            // Go's leniency: one-digit hour, 24-hour and 60-minute offsets, leap day
            (RFC, "2024-01-01T1:00:00Z", "2024-01-01T01:00:00Z"),
            (RFC, "2024-01-02T00:00:00+24:00", "2024-01-01T00:00:00Z"),
            (RFC, "2024-01-01T02:00:00+01:60", "2024-01-01T00:00:00Z"),
            (RFC, "2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z"),
            (RFC, "0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"),
            (RFC, "9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"),
            (
                MICRO,
                "2024-01-01T00:00:00.123456Z",
                "2024-01-01T00:00:00.123456Z",
            ),
            (
                MICRO,
                "2024-01-01T00:00:00,123456+01:00",
                "2023-12-31T23:00:00.123456Z",
            ),
            (
                MICRO,
                "2024-01-01T00:00:00.+12345Z",
                "2024-01-01T00:00:00.012345Z",
            ),
        ];
        for (layout, value, served) in cases {
            assert_eq!(parse_rfc3339_error(value, *layout), None, "{value:?}");
            let parsed = parse_go_time(value, *layout).expect("accepted");
            assert_eq!(
                canonical_utc(&parsed, *layout).as_deref(),
                Some(*served),
                "{value:?}"
            );
        }
    }

    #[test]
    fn should_leave_years_outside_four_digits_uncanonicalized() {
        let parsed = parse_go_time("0000-01-01T00:00:00+01:00", RFC).expect("accepted");
        assert_eq!(canonical_utc(&parsed, RFC), None);
    }

    #[test]
    fn should_convert_days_both_ways() {
        for days in [-800_000, -1, 0, 1, 19_723, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 1, 1), 19_723);
    }
}
