//! Resource quantities (`500m`, `2Gi`, `1e3`) as the API server parses, canonicalizes and compares them.
//!
//! Mirrors `k8s.io/apimachinery/pkg/api/resource/quantity.go`: the same grammar and error texts, exact
//! decimal arithmetic, `Value()`/`MilliValue()` rounding up, and the canonical string form the API server
//! returns (`0.1` is stored as `100m`, `2048Mi` as `2Gi`). Simplification: magnitudes beyond what an i128
//! mantissa holds saturate instead of using arbitrary precision; every real manifest is far below that.

use std::cmp::Ordering;
use std::fmt;

/// The regular expression upstream's parse errors quote.
pub const QUANTITY_REGEX: &str = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

/// Upstream's `ErrFormatWrong` text.
pub const ERR_FORMAT_WRONG: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// How the quantity was written, which decides how it is printed back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `Ki`, `Mi`, `Gi`, ...
    BinarySI,
    /// `m`, `k`, `M`, or no suffix.
    DecimalSI,
    /// `1e3`, `5E-3`.
    DecimalExponent,
}

/// A parsed quantity: `mantissa × 10^exponent`, exact.
#[derive(Clone, Copy, Debug)]
pub struct Quantity {
    mantissa: i128,
    exponent: i32,
    format: Format,
    /// Set when the magnitude overflowed: the value saturates.
    saturated: bool,
}

/// Why a string is not a quantity (upstream's `ErrFormatWrong`, `ErrNumeric`, `ErrSuffix`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuantityError {
    FormatWrong,
    Numeric,
    Suffix,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QuantityError::FormatWrong => ERR_FORMAT_WRONG,
            QuantityError::Numeric => "unable to parse numeric part of quantity",
            QuantityError::Suffix => "unable to parse quantity's suffix",
        })
    }
}

impl std::error::Error for QuantityError {}

const MAX_DIGITS: usize = 30;

fn checked_pow10(exp: u32) -> Option<i128> {
    10i128.checked_pow(exp)
}

impl Quantity {
    /// Zero, as a missing entry of a resource list reads (`String()` prints `0`).
    pub const ZERO: Quantity = Quantity {
        mantissa: 0,
        exponent: 0,
        format: Format::DecimalSI,
        saturated: false,
    };

    /// Parses a quantity string exactly as `resource.ParseQuantity` does.
    pub fn parse(input: &str) -> Result<Quantity, QuantityError> {
        let s = input;
        if s.is_empty() {
            return Err(QuantityError::FormatWrong);
        }
        let bytes = s.as_bytes();
        let mut pos = 0;
        let mut negative = false;
        if bytes[0] == b'+' || bytes[0] == b'-' {
            negative = bytes[0] == b'-';
            pos = 1;
        }
        let num_start = pos;
        let mut seen_dot = false;
        // The integer and fraction digits, as byte ranges of the input (no copies).
        let mut int_end = pos;
        let mut frac_start = pos;
        while pos < bytes.len() {
            let c = bytes[pos];
            if c.is_ascii_digit() {
                pos += 1;
                if !seen_dot {
                    int_end = pos;
                }
            } else if c == b'.' {
                if seen_dot {
                    return Err(QuantityError::FormatWrong);
                }
                seen_dot = true;
                pos += 1;
                frac_start = pos;
            } else {
                break;
            }
        }
        let int_digits = &bytes[num_start..int_end];
        let frac_digits = if seen_dot {
            &bytes[frac_start..pos]
        } else {
            &bytes[pos..pos]
        };
        if pos == num_start || (int_digits.is_empty() && frac_digits.is_empty()) {
            return Err(QuantityError::FormatWrong);
        }
        let suffix = &s[pos..];
        if !suffix
            .bytes()
            .all(|c| b"eEinumkKMGTP+-0123456789".contains(&c))
        {
            return Err(QuantityError::FormatWrong);
        }
        let (format, dec_exp, bin_exp) = parse_suffix(suffix)?;

        // Mantissa from all digits, trimming leading zeros; the fraction's length lowers the exponent.
        let mut digits = int_digits
            .iter()
            .chain(frac_digits.iter())
            .copied()
            .skip_while(|&d| d == b'0');
        let mut exponent = dec_exp - frac_digits.len() as i32;
        let mut saturated = false;
        let mut mantissa: i128 = 0;
        let mut taken = 0;
        while let Some(ch) = digits.next() {
            if taken >= MAX_DIGITS {
                // Drop excess precision; round up if anything non-zero was dropped (quantities round up).
                let mut dropped = 1;
                let mut non_zero = ch != b'0';
                for d in digits.by_ref() {
                    dropped += 1;
                    non_zero |= d != b'0';
                }
                exponent += dropped;
                if non_zero {
                    mantissa += 1;
                }
                break;
            }
            mantissa = mantissa * 10 + i128::from(ch - b'0');
            taken += 1;
        }
        // Apply the binary multiplier exactly.
        if bin_exp > 0 {
            match 2i128
                .checked_pow(bin_exp)
                .and_then(|m| mantissa.checked_mul(m))
            {
                Some(v) => mantissa = v,
                None => saturated = true,
            }
        }
        if negative {
            mantissa = -mantissa;
        }
        let mut q = Quantity {
            mantissa,
            exponent,
            format,
            saturated,
        };
        q.normalize();
        Ok(q)
    }

    fn normalize(&mut self) {
        if self.mantissa == 0 {
            self.exponent = 0;
            return;
        }
        while self.mantissa % 10 == 0 {
            self.mantissa /= 10;
            self.exponent += 1;
        }
    }

    /// The value rounded up to an integer, saturating at `i64::MAX` (upstream `Value()`).
    pub fn value(&self) -> i64 {
        self.scaled_ceil(0)
    }

    /// The value in thousandths rounded up, saturating at `i64::MAX` (upstream `MilliValue()`).
    pub fn milli_value(&self) -> i64 {
        self.scaled_ceil(3)
    }

    /// ceil(value × 10^scale) as i64, saturating.
    fn scaled_ceil(&self, scale: i32) -> i64 {
        if self.saturated {
            return if self.mantissa < 0 {
                i64::MIN
            } else {
                i64::MAX
            };
        }
        let exp = self.exponent + scale;
        let v: Option<i128> = if exp >= 0 {
            u32::try_from(exp)
                .ok()
                .and_then(checked_pow10)
                .and_then(|p| self.mantissa.checked_mul(p))
        } else {
            let div = u32::try_from(-exp).ok().and_then(checked_pow10);
            match div {
                Some(d) => {
                    let q = self.mantissa.div_euclid(d);
                    Some(if self.mantissa.rem_euclid(d) != 0 {
                        q + 1
                    } else {
                        q
                    })
                }
                // Divisor beyond i128: the magnitude is below one unit.
                None => Some(if self.mantissa > 0 { 1 } else { 0 }),
            }
        };
        match v {
            Some(v) => v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64,
            None => {
                if self.mantissa < 0 {
                    i64::MIN
                } else {
                    i64::MAX
                }
            }
        }
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    pub fn is_negative(&self) -> bool {
        self.mantissa < 0
    }

    /// Rounds up to a multiple of 10^scale (upstream `RoundUp(scale)`; defaulting uses `RoundUp(-3)`, milli).
    pub fn round_up(&mut self, scale: i32) {
        if self.saturated || self.exponent >= scale {
            return;
        }
        let Some(d) = u32::try_from(scale - self.exponent)
            .ok()
            .and_then(checked_pow10)
        else {
            self.mantissa = i128::from(self.mantissa > 0);
            self.exponent = scale;
            self.normalize();
            return;
        };
        let q = self.mantissa.div_euclid(d);
        self.mantissa = if self.mantissa.rem_euclid(d) != 0 {
            q + 1
        } else {
            q
        };
        self.exponent = scale;
        self.normalize();
    }

    /// The canonical string form the API server returns (upstream `Quantity.String()`).
    pub fn canonical(&self) -> String {
        if self.mantissa == 0 {
            return "0".into();
        }
        let mut format = self.format;
        if format == Format::BinarySI {
            // Small or fractional binary values print as decimal.
            let integral = self.exponent >= 0;
            let small = self.exponent <= 3
                && self.mantissa.abs() * 10i128.pow(self.exponent.max(0) as u32) < 1024;
            if !integral || small || self.saturated {
                format = Format::DecimalSI;
            } else if let Some(v) = 10i128
                .checked_pow(self.exponent as u32)
                .and_then(|p| self.mantissa.checked_mul(p))
            {
                let mut value = v;
                let mut power = 0usize;
                while power < 6 && value % 1024 == 0 {
                    value /= 1024;
                    power += 1;
                }
                let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][power];
                return format!("{value}{suffix}");
            } else {
                format = Format::DecimalSI;
            }
        }
        // Decimal: exponent a multiple of 3 with an integral mantissa.
        let mut mantissa = self.mantissa;
        let mut exponent = self.exponent;
        match exponent.rem_euclid(3) {
            1 => {
                mantissa = mantissa.saturating_mul(10);
                exponent -= 1;
            }
            2 => {
                mantissa = mantissa.saturating_mul(100);
                exponent -= 2;
            }
            _ => {}
        }
        let suffix = match (format, exponent) {
            (Format::DecimalExponent, 0) => String::new(),
            (Format::DecimalExponent, e) => format!("e{e}"),
            (_, -9) => "n".into(),
            (_, -6) => "u".into(),
            (_, -3) => "m".into(),
            (_, 0) => String::new(),
            (_, 3) => "k".into(),
            (_, 6) => "M".into(),
            (_, 9) => "G".into(),
            (_, 12) => "T".into(),
            (_, 15) => "P".into(),
            (_, 18) => "E".into(),
            (_, e) if e < -9 => {
                // Below nano upstream rounds up to nano.
                let mut q = *self;
                q.round_up(-9);
                return q.canonical();
            }
            (_, e) => format!("e{e}"),
        };
        format!("{mantissa}{suffix}")
    }

    /// Both mantissas scaled to the smaller of the two exponents, and that exponent; `None` when a
    /// scaled mantissa would overflow.
    fn aligned(&self, other: &Quantity) -> Option<(i128, i128, i32)> {
        let e = self.exponent.min(other.exponent);
        let scale = |q: &Quantity| -> Option<i128> {
            u32::try_from(q.exponent - e)
                .ok()
                .and_then(checked_pow10)
                .and_then(|p| q.mantissa.checked_mul(p))
        };
        Some((scale(self)?, scale(other)?, e))
    }

    /// Adds `other` exactly (upstream `Add`): a zero quantity takes `other`'s format, so sums print
    /// in the format of their first non-zero term. A sum beyond the mantissa's range saturates.
    pub fn add(&mut self, other: &Quantity) {
        if self.is_zero() {
            self.format = other.format;
        }
        if self.saturated || other.saturated {
            self.saturated = true;
            self.mantissa = if self.mantissa < 0 && other.mantissa <= 0 {
                -1
            } else {
                1
            };
            return;
        }
        match self.aligned(other) {
            Some((a, b, e)) if a.checked_add(b).is_some() => {
                self.mantissa = a + b;
                self.exponent = e;
                self.normalize();
            }
            _ => {
                self.saturated = true;
                self.mantissa = if self.mantissa < 0 { -1 } else { 1 };
            }
        }
    }

    /// Compares by value.
    pub fn cmp_value(&self, other: &Quantity) -> Ordering {
        if self.saturated || other.saturated {
            return self.milli_value().cmp(&other.milli_value());
        }
        match self.aligned(other) {
            Some((a, b, _)) => a.cmp(&b),
            None => self.milli_value().cmp(&other.milli_value()),
        }
    }
}

fn parse_suffix(suffix: &str) -> Result<(Format, i32, u32), QuantityError> {
    let binary = [
        ("Ki", 10),
        ("Mi", 20),
        ("Gi", 30),
        ("Ti", 40),
        ("Pi", 50),
        ("Ei", 60),
    ];
    if let Some((_, b)) = binary.iter().find(|(s, _)| *s == suffix) {
        return Ok((Format::BinarySI, 0, *b));
    }
    let decimal = [
        ("n", -9),
        ("u", -6),
        ("m", -3),
        ("", 0),
        ("k", 3),
        ("M", 6),
        ("G", 9),
        ("T", 12),
        ("P", 15),
        ("E", 18),
    ];
    if let Some((_, e)) = decimal.iter().find(|(s, _)| *s == suffix) {
        return Ok((Format::DecimalSI, *e, 0));
    }
    if let Some(rest) = suffix
        .strip_prefix('e')
        .or_else(|| suffix.strip_prefix('E'))
    {
        let e: i32 = rest.parse().map_err(|_| QuantityError::Suffix)?;
        if !(-1000..=1000).contains(&e) {
            return Err(QuantityError::Numeric);
        }
        return Ok((Format::DecimalExponent, e, 0));
    }
    Err(QuantityError::Suffix)
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

/// `MilliValue()` of a k8s-openapi quantity; `None` when it does not parse.
pub fn milli(q: &k8s_openapi::apimachinery::pkg::api::resource::Quantity) -> Option<i64> {
    Quantity::parse(&q.0).ok().map(|q| q.milli_value())
}

/// `Value()` of a k8s-openapi quantity; `None` when it does not parse.
pub fn value(q: &k8s_openapi::apimachinery::pkg::api::resource::Quantity) -> Option<i64> {
    Quantity::parse(&q.0).ok().map(|q| q.value())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_scales_like_upstream() {
        let cases: &[(&str, i64, i64)] = &[
            ("1", 1, 1000),
            ("500m", 1, 500),
            ("0.5", 1, 500),
            ("0.1", 1, 100),
            ("2Gi", 2147483648, 2147483648000),
            ("1Ki", 1024, 1024000),
            ("1e3", 1000, 1000000),
            ("1.5Gi", 1610612736, 1610612736000),
            ("100M", 100000000, 100000000000),
            ("1n", 1, 1),
            ("-1", -1, -1000),
            ("0", 0, 0),
            (".5", 1, 500),
        ];
        for (s, v, m) in cases {
            let q = Quantity::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(q.value(), *v, "value of {s}");
            assert_eq!(q.milli_value(), *m, "milli of {s}");
        }
    }

    #[test]
    fn rejects_malformed_with_upstream_errors() {
        assert_eq!(
            Quantity::parse("abc").unwrap_err(),
            QuantityError::FormatWrong
        );
        assert_eq!(Quantity::parse("").unwrap_err(), QuantityError::FormatWrong);
        assert_eq!(
            Quantity::parse("1.2.3").unwrap_err(),
            QuantityError::FormatWrong
        );
        assert_eq!(
            Quantity::parse("1 Gi").unwrap_err(),
            QuantityError::FormatWrong
        );
        assert_eq!(
            Quantity::parse("1Gb").unwrap_err(),
            QuantityError::FormatWrong
        );
        assert_eq!(Quantity::parse("1Mm").unwrap_err(), QuantityError::Suffix);
        assert_eq!(
            QuantityError::FormatWrong.to_string(),
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        );
    }

    #[test]
    fn canonical_forms_match_what_the_api_server_returns() {
        let cases = [
            ("0.1", "100m"),
            ("0.5", "500m"),
            ("1", "1"),
            ("1000m", "1"),
            ("1500m", "1500m"),
            ("2000", "2k"),
            ("1500", "1500"),
            ("2Gi", "2Gi"),
            ("2048Mi", "2Gi"),
            ("1536Mi", "1536Mi"),
            ("1.5Gi", "1536Mi"),
            ("128974848", "128974848"),
            ("129e6", "129e6"),
            ("129M", "129M"),
            ("1e3", "1e3"),
            ("100Mi", "100Mi"),
            ("512", "512"),
            ("0", "0"),
        ];
        for (input, want) in cases {
            assert_eq!(Quantity::parse(input).unwrap().canonical(), want, "{input}");
        }
    }

    #[test]
    fn absurd_quantities_saturate_instead_of_panicking() {
        let q = Quantity::parse("99999999999999999999999999999999999999999999999Ei").unwrap();
        assert_eq!(q.value(), i64::MAX);
        let q = Quantity::parse("1e1000").unwrap();
        assert_eq!(q.milli_value(), i64::MAX);
        assert!(Quantity::parse("1e100000").is_err());
        let tiny = Quantity::parse("1e-1000").unwrap();
        assert_eq!(tiny.milli_value(), 1);
    }

    #[test]
    fn sums_print_in_their_first_non_zero_terms_format() {
        let cases = [
            (&["100m", "1"][..], "1100m"),
            (&["1Gi", "512Mi"][..], "1536Mi"),
            (&["1", "1Gi"][..], "1073741825"),
            (&["0", "64Mi"][..], "64Mi"),
            (&["1.5", "500m"][..], "2"),
            (&["64Mi", "100M"][..], "167108864"),
            (&["-1", "1"][..], "0"),
        ];
        for (terms, want) in cases {
            let mut sum = Quantity::ZERO;
            for t in terms {
                sum.add(&Quantity::parse(t).unwrap());
            }
            assert_eq!(sum.canonical(), want, "{terms:?}");
        }
    }

    #[test]
    fn round_up_to_milli_as_defaulting_does() {
        let mut q = Quantity::parse("0.0001").unwrap();
        q.round_up(-3);
        assert_eq!(q.canonical(), "1m");
    }
}
