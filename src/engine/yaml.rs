//! YAML to JSON the way kubectl converts a manifest before sending it: `sigs.k8s.io/yaml` over its
//! go-yaml v2 fork, which resolves plain scalars by YAML 1.1 rules.
//!
//! The YAML is read by `serde_yaml` (YAML 1.2 rules); this module gives the plain scalars the values
//! go-yaml v2 gives them where the two disagree, so what reaches the API server is what kubectl sends:
//! - `yes`, `on`, `y` (and `Yes`, `YES`, `On`, `ON`, `Y`) are `true`; `no`, `off`, `n` and their case
//!   variants are `false` (a label `enabled: on` is then refused by the API server, as upstream);
//! - integers are read as Go's `strconv.ParseInt(s, 0, 64)` reads them after removing underscores: a
//!   leading `0` is octal (`defaultMode: 0644` is 420), `0x`/`0o`/`0b` are hex, octal and binary,
//!   `1_000` is 1000; what is not an integer but looks like a float (`08`, `1e3`) is a float;
//! - a float with no fractional part is written as an integer (Go's JSON encoder writes `1000`, not
//!   `1000.0`), and infinities and NaN cannot be written at all (`json: unsupported value: +Inf`);
//! - `<<` merges a mapping (or a sequence of mappings) into the one it is in;
//! - mapping keys become strings as `sigs.k8s.io/yaml` makes them (`true`, `420`).
//!
//! Quoted scalars, block scalars and multi-line plain scalars stay strings. Upstream:
//! `sigs.k8s.io/yaml` `yaml.go` (`convertToJSONableObject`) and `goyaml.v2` `resolve.go` / `decode.go`.
//!
//! Simplification: a scalar with an explicit `!!str` tag is resolved like a plain one, and a null
//! mapping key is refused with a message of podflow's own (go-yaml builds a Go-syntax dump of it).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// The marker of errors that come from the JSON side of the conversion (not from reading YAML).
pub const JSON_ERROR_PREFIX: &str = "json: ";
/// go-yaml's error for a merge key whose value is not a mapping or a sequence of mappings.
pub const MERGE_ERROR: &str = "map merge requires map or sequence of maps as the value";

/// kubectl's message for a manifest it could not convert. go-yaml's own errors read `yaml: …`, the JSON
/// encoder's `json: …`; neither carries serde_yaml's key path or position.
///
/// A YAML syntax error is placed as go-yaml v2's `parser.fail` places it: kubectl hands go-yaml one
/// document at a time (its YAMLReader splits the stream at `---` lines), so lines count from the
/// document's first line; a scanner error names the problem's line, a parser error the line before
/// it (libyaml's 0-based line, printed as is), and a problem on the document's first line falls back
/// to the context's line, or to no line at all.
pub fn conversion_error(error: &serde_yaml::Error, input: &str) -> String {
    let message = error.to_string();
    let own = |marker: &str| {
        message.find(marker).map(|at| {
            let text = &message[at..];
            text.split(" at line ").next().unwrap_or(text).to_string()
        })
    };
    if let Some(json) = own(JSON_ERROR_PREFIX) {
        return format!("error converting YAML to JSON: {json}");
    }
    if let Some(merge) = own(MERGE_ERROR) {
        return format!("error converting YAML to JSON: yaml: {merge}");
    }
    match LibyamlProblem::read(error) {
        Some(problem) => format!(
            "error converting YAML to JSON: yaml: {}",
            problem.go_yaml_message(input)
        ),
        None => format!("error converting YAML to JSON: yaml: {message}"),
    }
}

/// A libyaml scanner or parser error, as serde_yaml describes it.
#[derive(Debug, PartialEq)]
struct LibyamlProblem {
    scanner: bool,
    problem: String,
    /// 0-based lines in the whole stream (0 when libyaml gave no mark).
    problem_line: usize,
    context_line: usize,
    /// 0-based columns, in characters, of the same marks.
    problem_column: usize,
    context_column: usize,
}

impl LibyamlProblem {
    /// Reads the error's kind, problem and marks. serde_yaml keeps them private; its `Debug` prints
    /// `Error { kind: SCANNER, problem: "…", problem_mark: Mark { line: 5, column: 12 }, … }` (1-based,
    /// a zero mark left out). The version is pinned, so the format is fixed.
    fn read(error: &serde_yaml::Error) -> Option<LibyamlProblem> {
        let debug = format!("{error:?}");
        let kind = debug.split("kind: ").nth(1)?.split([',', ' ']).next()?;
        let scanner = match kind {
            "SCANNER" => true,
            "PARSER" => false,
            _ => return None,
        };
        let problem = debug
            .split("problem: \"")
            .nth(1)?
            .split('"')
            .next()?
            .to_string();
        // `Mark { line: L, column: C }`, both 1-based; a mark at the stream's start prints its index.
        let mark_of = |field: &str| {
            debug
                .split(field)
                .nth(1)
                .and_then(|rest| rest.strip_prefix(": Mark { line: "))
                .and_then(|rest| {
                    let (line, rest) = rest.split_once(", column: ")?;
                    let column = rest.split(' ').next()?;
                    Some((line.parse::<usize>().ok()?, column.parse::<usize>().ok()?))
                })
                .map_or((0, 0), |(line, column)| {
                    (line.saturating_sub(1), column.saturating_sub(1))
                })
        };
        let (problem_line, problem_column) = mark_of("problem_mark");
        let (context_line, context_column) = mark_of("context_mark");
        Some(LibyamlProblem {
            scanner,
            problem,
            problem_line,
            context_line,
            problem_column,
            context_column,
        })
    }

    /// `line N: <problem>` as go-yaml v2 prints it for kubectl's document of `input`.
    fn go_yaml_message(&self, input: &str) -> String {
        // The document holding the problem starts after the last `---` line before it.
        let document_start = input
            .lines()
            .take(self.problem_line)
            .enumerate()
            .filter(|(_, line)| line.starts_with("---"))
            .last()
            .map_or(0, |(index, _)| index + 1);
        let relative = |line: usize| line.saturating_sub(document_start);
        let line = match (relative(self.problem_line), relative(self.context_line)) {
            (0, 0) => 0,
            (0, context) => context,
            (problem, _) if self.scanner => problem + 1,
            (problem, _) => problem,
        };
        if line == 0 {
            self.problem.clone()
        } else {
            format!("line {line}: {}", self.problem)
        }
    }
}

/// Why a YAML stream could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The stream holds more documents than the caller allows.
    TooManyDocuments,
    /// A document could not be converted: kubectl's message (`conversion_error`).
    Conversion(String),
}

/// At most this many double-quoted scalars with `\'` escapes are rewritten in one stream; each costs
/// one more read of it.
const MAX_QUOTED_SCALAR_REWRITES: usize = 1_000;

/// Every document of a YAML stream as the JSON kubectl sends (`KubectlJson`), in order; documents that
/// are null stay in. More than `max_documents` documents is an error.
///
/// go-yaml v2 knows one escape libyaml does not: `\'` in a double-quoted scalar is an apostrophe
/// (`scannerc.go`, `yaml_parser_scan_flow_scalar`), and the kubernetes.io docs use it. libyaml stops there
/// with "found unknown escape character", placing the problem at the backslash and the context at the
/// scalar's opening quote. The stream is then read again with that scalar's `\'` escapes written as
/// plain apostrophes, which is the same string; no line changes, so later messages keep their lines.
pub fn read_documents(input: &str, max_documents: usize) -> Result<Vec<Value>, ReadError> {
    let mut text = std::borrow::Cow::Borrowed(input);
    let mut rewrites = 0;
    loop {
        let failure = 'read: {
            let mut documents = Vec::new();
            for (index, document) in serde_yaml::Deserializer::from_str(&text).enumerate() {
                if index >= max_documents {
                    return Err(ReadError::TooManyDocuments);
                }
                match (KubectlJson { input: &text }).deserialize(document) {
                    Ok(value) => documents.push(value),
                    Err(error) => break 'read error,
                }
            }
            return Ok(documents);
        };
        let rewritten = (rewrites < MAX_QUOTED_SCALAR_REWRITES)
            .then(|| escaped_apostrophes_written_plain(&failure, &text))
            .flatten();
        match rewritten {
            Some(rewritten) => {
                rewrites += 1;
                text = std::borrow::Cow::Owned(rewritten);
            }
            None => return Err(ReadError::Conversion(conversion_error(&failure, &text))),
        }
    }
}

/// When `error` is libyaml stopping at a `\'` escape, `input` with the `\'` escapes of that
/// double-quoted scalar written as `'`; otherwise `None`.
fn escaped_apostrophes_written_plain(error: &serde_yaml::Error, input: &str) -> Option<String> {
    let problem = LibyamlProblem::read(error)?;
    if !problem.scanner || problem.problem != "found unknown escape character" {
        return None;
    }
    let at = libyaml_offset(input, problem.problem_line, problem.problem_column)?;
    if !input[at..].starts_with("\\'") {
        return None;
    }
    let open = libyaml_offset(input, problem.context_line, problem.context_column)?;
    if open >= at || !input[open..].starts_with('"') {
        return None;
    }
    let mut out = String::with_capacity(input.len());
    out.push_str(&input[..=open]);
    let mut chars = input[open + 1..].char_indices();
    let mut end = input.len();
    while let Some((offset, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, '\'')) => out.push('\''),
                Some((_, escaped)) => {
                    out.push('\\');
                    out.push(escaped);
                }
                None => out.push('\\'),
            },
            '"' => {
                end = open + 1 + offset;
                break;
            }
            other => out.push(other),
        }
    }
    out.push_str(&input[end..]);
    Some(out)
}

/// The byte offset of libyaml's mark (0-based line and column, in characters) in `input`. libyaml ends a
/// line at `\n`, `\r\n`, `\r`, NEL, LS and PS.
fn libyaml_offset(input: &str, line: usize, column: usize) -> Option<usize> {
    let (mut at_line, mut at_column) = (0, 0);
    let mut chars = input.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        if at_line == line && at_column == column {
            return Some(offset);
        }
        match c {
            '\r' => {
                chars.next_if(|&(_, next)| next == '\n');
                at_line += 1;
                at_column = 0;
            }
            '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                at_line += 1;
                at_column = 0;
            }
            _ => at_column += 1,
        }
    }
    None
}

/// Deserializes one YAML document (from `serde_yaml::Deserializer::from_str(input)`) into the JSON
/// value kubectl would send. `input` is the whole text the document was read from: it tells quoted
/// scalars from plain ones.
#[derive(Clone, Copy)]
pub struct KubectlJson<'t> {
    pub input: &'t str,
}

impl<'t> KubectlJson<'t> {
    /// True when `value` is the text between the quotes of a quoted scalar of `input`.
    fn is_quoted(&self, value: &str) -> bool {
        let bytes = self.input.as_bytes();
        let Some(start) = (value.as_ptr() as usize).checked_sub(bytes.as_ptr() as usize) else {
            return true;
        };
        if start > bytes.len() {
            // Not a slice of the input: never resolve what we cannot place.
            return true;
        }
        let before = start.checked_sub(1).and_then(|at| bytes.get(at));
        let after = bytes.get(start + value.len());
        matches!(
            (before, after),
            (Some(b'"'), Some(b'"')) | (Some(b'\''), Some(b'\''))
        )
    }
}

impl<'de> DeserializeSeed<'de> for KubectlJson<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KubectlJson<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        // Beyond 64 bits go-yaml falls back to a float.
        float_value(v as f64)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        float_value(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        float_value(v)
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        // Owned text: a quoted scalar with escapes, a block scalar or a multi-line plain scalar;
        // none of them is resolved.
        Ok(Value::String(v.to_string()))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Value, E> {
        if self.is_quoted(v) {
            return Ok(Value::String(v.to_string()));
        }
        resolve_plain(v)
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed(self))? {
            let value = map.next_value_seed(self)?;
            match key {
                Key::Merge => merge(&mut object, value)?,
                Key::Name(name) => {
                    object.insert(name, value);
                }
            }
        }
        Ok(Value::Object(object))
    }
}

/// A mapping key: the merge key `<<` (plain), or a name.
enum Key {
    Merge,
    Name(String),
}

struct KeySeed<'t>(KubectlJson<'t>);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key, E> {
        if v == "<<" && !self.0.is_quoted(v) {
            return Ok(Key::Merge);
        }
        key_of(self.0.visit_borrowed_str(v)?)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(Key::Name(v.to_string()))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Key, E> {
        key_of(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
        key_of(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
        key_of(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Key, E> {
        // sigs.k8s.io/yaml prints float keys with FormatFloat(k, 'g', -1, 32).
        Ok(Key::Name(match v {
            v if v == f64::INFINITY => ".inf".to_string(),
            v if v == f64::NEG_INFINITY => "-.inf".to_string(),
            v if v.is_nan() => ".nan".to_string(),
            v => go_format_g32(v),
        }))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
        Err(E::custom("a mapping key is null, which JSON cannot have"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Key, A::Error> {
        Err(de::Error::custom(
            "a mapping key is a sequence, which JSON cannot have",
        ))
    }

    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<Key, A::Error> {
        Err(de::Error::custom(
            "a mapping key is a mapping, which JSON cannot have",
        ))
    }
}

/// The JSON key of a resolved scalar key (`convertToJSONableObject`'s key switch).
fn key_of<E: de::Error>(value: Value) -> Result<Key, E> {
    match value {
        Value::String(s) => Ok(Key::Name(s)),
        Value::Bool(b) => Ok(Key::Name(b.to_string())),
        Value::Number(n) => Ok(Key::Name(match n.as_f64() {
            Some(f) if !n.is_i64() && !n.is_u64() => go_format_g32(f),
            _ => n.to_string(),
        })),
        Value::Null => Err(E::custom("a mapping key is null, which JSON cannot have")),
        Value::Array(_) | Value::Object(_) => Err(E::custom("a mapping key is not a scalar")),
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)` for the finite floats a YAML key can hold.
fn go_format_g32(f: f64) -> String {
    let single = f as f32;
    let exponent = if single == 0.0 {
        0
    } else {
        single.abs().log10().floor() as i32
    };
    // With the shortest digits Go switches to an exponent from 1e+06 on, and below 1e-04.
    if (-4..6).contains(&exponent) {
        format!("{single}")
    } else {
        let text = format!("{single:e}");
        // Go writes at least two exponent digits, with a sign: 1e+21, 1e-05.
        match text.split_once('e') {
            Some((mantissa, exp)) => {
                let (sign, digits) = match exp.strip_prefix('-') {
                    Some(digits) => ('-', digits),
                    None => ('+', exp),
                };
                format!("{mantissa}e{sign}{digits:0>2}")
            }
            None => text,
        }
    }
}

/// `<<: map` or `<<: [map, …]`: the merged mappings' keys, set in the order go-yaml v2 sets them (the
/// sequence from its last mapping to its first, so the first wins); keys written after the merge
/// replace merged ones.
fn merge<E: de::Error>(object: &mut Map<String, Value>, value: Value) -> Result<(), E> {
    let refuse = || E::custom(MERGE_ERROR);
    match value {
        Value::Object(merged) => object.extend(merged),
        Value::Array(items) => {
            for item in items.into_iter().rev() {
                match item {
                    Value::Object(merged) => object.extend(merged),
                    _ => return Err(refuse()),
                }
            }
        }
        _ => return Err(refuse()),
    }
    Ok(())
}

/// A float as Go's JSON encoder writes it: whole values as integers, NaN and infinities refused.
fn float_value<E: de::Error>(v: f64) -> Result<Value, E> {
    if v.is_nan() {
        return Err(E::custom(format!(
            "{JSON_ERROR_PREFIX}unsupported value: NaN"
        )));
    }
    if v.is_infinite() {
        let sign = if v > 0.0 { "+" } else { "-" };
        return Err(E::custom(format!(
            "{JSON_ERROR_PREFIX}unsupported value: {sign}Inf"
        )));
    }
    // Within ±2^53 every whole float is an exact integer, and Go prints it without a fraction.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if v.fract() == 0.0 && v.abs() <= EXACT {
        return Ok(Value::from(v as i64));
    }
    Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
}

/// go-yaml v2's resolution of a plain scalar that YAML 1.2 left a string.
fn resolve_plain<E: de::Error>(text: &str) -> Result<Value, E> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Ok(Value::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Ok(Value::Bool(false))
        }
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        _ => {}
    }
    match text.bytes().next() {
        Some(b'0'..=b'9' | b'+' | b'-') => {}
        // Only a float can start with a dot (Go's ParseFloat, underscores not removed).
        Some(b'.') if is_yaml_float(text) => {
            if let Ok(float) = text.parse::<f64>() {
                return float_value(float);
            }
            return Ok(Value::String(text.to_string()));
        }
        _ => return Ok(Value::String(text.to_string())),
    }
    // Underscores go before the integer and float attempts.
    let plain: String = text.chars().filter(|c| *c != '_').collect();
    if let Some(int) = go_parse_int(&plain) {
        return Ok(Value::from(int));
    }
    if let Some(uint) = go_parse_uint(&plain) {
        return Ok(Value::from(uint));
    }
    if is_yaml_float(&plain) {
        if let Ok(float) = plain.parse::<f64>() {
            return float_value(float);
        }
    }
    Ok(Value::String(text.to_string()))
}

/// Go's `strconv.ParseInt(s, 0, 64)` for text without underscores: an optional sign, then `0x`, `0o`,
/// `0b` (either case) or a leading `0` (octal) choose the base.
fn go_parse_int(text: &str) -> Option<i64> {
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, text.get(1..)?),
        b'+' => (false, text.get(1..)?),
        _ => (false, text),
    };
    let magnitude = go_parse_uint(unsigned)?;
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)` for text without underscores.
fn go_parse_uint(text: &str) -> Option<u64> {
    let lower = text.get(..2).map(str::to_ascii_lowercase);
    let (digits, radix) = match lower.as_deref() {
        Some("0x") => (text.get(2..)?, 16),
        Some("0o") => (text.get(2..)?, 8),
        Some("0b") => (text.get(2..)?, 2),
        _ if text.len() > 1 && text.starts_with('0') => (text.get(1..)?, 8),
        _ => (text, 10),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// go-yaml v2's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(text: &str) -> bool {
    let rest = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", fraction)) => digits(fraction),
        Some((whole, fraction)) => digits(whole) && (fraction.is_empty() || digits(fraction)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn convert(text: &str) -> Result<Value, String> {
        convert_with(text, |e| e.to_string())
    }

    /// The first document of `text`, or kubectl's message for its error.
    fn kubectl(text: &str) -> Result<Value, String> {
        convert_with(text, |e| conversion_error(e, text))
    }

    fn convert_with(
        text: &str,
        describe: impl Fn(&serde_yaml::Error) -> String,
    ) -> Result<Value, String> {
        for document in serde_yaml::Deserializer::from_str(text) {
            let value = KubectlJson { input: text }
                .deserialize(document)
                .map_err(|e| describe(&e))?;
            if !value.is_null() {
                return Ok(value);
            }
        }
        Err("no document".into())
    }

    #[test]
    fn should_read_escaped_apostrophes_in_double_quoted_scalars_as_go_yaml_v2_does() {
        let read = |text: &str| read_documents(text, 10);
        // The kubernetes.io envars-file-container example: two `\'` in one scalar.
        let command =
            "command: ['sh', '-c', \"echo \\\"A=\\'a\\'\\nB=\\'b\\'\\\" > /data/config.env\"]\n";
        assert_eq!(
            read(command),
            Ok(vec![
                json!({"command": ["sh", "-c", "echo \"A='a'\nB='b'\" > /data/config.env"]})
            ])
        );
        let cases: &[(&str, Value)] = &[
            // Several scalars, documents and lines; a `\\` before `'` is an escaped backslash.
            (
                "a: \"it\\'s\"\nb: \"x\\\\'y\"\n---\nc: \"\\'\\'\"\n",
                json!([{"a": "it's", "b": "x\\'y"}, {"c": "''"}]),
            ),
            // Single-quoted and plain scalars keep their backslashes; after CRLF and multi-byte text.
            (
                "a: 'x\\'\r\nb: \"é\\'\"\r\nc: d\\'e\n",
                json!([{"a": "x\\", "b": "é'", "c": "d\\'e"}]),
            ),
            // An escaped line break next to the escape; a quoted key.
            ("\"k\\'\": \"a\\\n  \\'b\"\n", json!([{"k'": "a'b"}])),
        ];
        for (yaml, want) in cases {
            assert_eq!(
                read(yaml),
                Ok(want.as_array().cloned().unwrap_or_default()),
                "{yaml:?}"
            );
        }
        // Escapes go-yaml refuses too stay errors, on the line go-yaml names.
        assert_eq!(
            read("a: b\nc: \"it\\'s \\q\"\n"),
            Err(ReadError::Conversion(
                "error converting YAML to JSON: yaml: line 2: found unknown escape character"
                    .into()
            ))
        );
        // A later error keeps its line after a rewrite.
        assert_eq!(
            read("a: \"it\\'s\"\nb: [\n"),
            Err(ReadError::Conversion(conversion_error_of(
                "a: \"it's\"\nb: [\n"
            )))
        );
        assert_eq!(
            read("a: 1\n---\nb: 2\n---\nc: 3"),
            Ok(vec![json!({"a": 1}), json!({"b": 2}), json!({"c": 3})])
        );
        assert_eq!(
            read_documents("a: 1\n---\nb: 2\n", 1),
            Err(ReadError::TooManyDocuments)
        );
    }

    /// kubectl's message for the first error in `text`.
    fn conversion_error_of(text: &str) -> String {
        for document in serde_yaml::Deserializer::from_str(text) {
            if let Err(error) = (KubectlJson { input: text }).deserialize(document) {
                return conversion_error(&error, text);
            }
        }
        String::new()
    }

    #[test]
    fn should_read_many_rewritten_scalars_and_stop_at_the_limit() {
        let line = "- \"a\\'b\"\n";
        let many = line.repeat(MAX_QUOTED_SCALAR_REWRITES);
        let read = read_documents(&many, 1).map(|docs| docs[0].as_array().map(Vec::len));
        assert_eq!(read, Ok(Some(MAX_QUOTED_SCALAR_REWRITES)));
        let too_many = line.repeat(MAX_QUOTED_SCALAR_REWRITES + 1);
        assert!(
            matches!(read_documents(&too_many, 1), Err(ReadError::Conversion(m)) if m.contains("found unknown escape character"))
        );
    }

    #[test]
    fn should_resolve_plain_scalars_as_go_yaml_v2_does_and_keep_quoted_ones() {
        let cases: &[(&str, Value)] = &[
            ("v: yes", json!(true)),
            ("v: On", json!(true)),
            ("v: Y", json!(true)),
            ("v: no", json!(false)),
            ("v: OFF", json!(false)),
            ("v: n", json!(false)),
            ("v: TRUE", json!(true)),
            ("v: 'yes'", json!("yes")),
            ("v: \"on\"", json!("on")),
            ("v: 0644", json!(420)),
            ("v: 0400", json!(256)),
            ("v: 01777", json!(1023)),
            ("v: -0644", json!(-420)),
            ("v: '0644'", json!("0644")),
            ("v: 0o644", json!(420)),
            ("v: 0x1F", json!(31)),
            ("v: 0X1f", json!(31)),
            ("v: 0b101", json!(5)),
            ("v: 1_000", json!(1000)),
            ("v: .5_0", json!(".5_0")),
            ("v: -x", json!("-x")),
            ("v: 09", json!(9)),
            ("v: 08", json!(8)),
            ("v: 1e3", json!(1000)),
            ("v: 1.0", json!(1)),
            ("v: 0.5", json!(0.5)),
            ("v: +12", json!(12)),
            ("v: 12", json!(12)),
            ("v: 18446744073709551615", json!(18446744073709551615u64)),
            ("v: 2001-12-14", json!("2001-12-14")),
            ("v: 1.2.3", json!("1.2.3")),
            ("v: 10:30", json!("10:30")),
            ("v: ~", Value::Null),
            ("v:", Value::Null),
            ("v: nginx:1.27", json!("nginx:1.27")),
            ("v: |\n  yes\n", json!("yes\n")),
            ("v: \"a\\tb\"", json!("a\tb")),
            ("v: [yes, 'no', 0755]", json!([true, "no", 493])),
        ];
        for (yaml, want) in cases {
            assert_eq!(convert(yaml), Ok(json!({ "v": want })), "{yaml}");
        }
    }

    #[test]
    fn should_write_keys_as_sigs_yaml_does() {
        assert_eq!(
            convert("yes: 1\n'no': 2\n0644: 3\n1.5: 4\n"),
            Ok(json!({"true": 1, "no": 2, "420": 3, "1.5": 4}))
        );
        assert!(convert("~: 1").is_err());
    }

    #[test]
    fn should_merge_mappings_under_the_merge_key() {
        let yaml = "base: &base {a: 1, b: 2}\nother: &other {b: 3, c: 4}\n\
                    one: {<<: *base, b: 9}\nmany: {<<: [*base, *other]}\nquoted: {'<<': 1}\n";
        assert_eq!(
            convert(yaml),
            Ok(json!({
                "base": {"a": 1, "b": 2},
                "other": {"b": 3, "c": 4},
                "one": {"a": 1, "b": 9},
                "many": {"a": 1, "b": 2, "c": 4},
                "quoted": {"<<": 1}
            }))
        );
        assert_eq!(
            kubectl("m: {<<: 1}"),
            Err(
                "error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value"
                    .to_string()
            )
        );
    }

    #[test]
    fn should_refuse_values_json_cannot_hold() {
        for (yaml, want) in [
            ("v: .inf", "json: unsupported value: +Inf"),
            ("v: -.inf", "json: unsupported value: -Inf"),
            ("v: [1, .nan]", "json: unsupported value: NaN"),
        ] {
            assert_eq!(
                kubectl(yaml),
                Err(format!("error converting YAML to JSON: {want}")),
                "{yaml}"
            );
        }
    }

    #[test]
    fn should_place_syntax_errors_on_the_lines_go_yaml_v2_names() {
        let cases = [
            // Scanner errors name the problem's line.
            (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels: x: y\n",
                "line 5: mapping values are not allowed in this context",
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: a\n",
                "line 4: found character that cannot start any token",
            ),
            // Parser errors name the line before.
            (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n bad: 1\n",
                "line 4: did not find expected key",
            ),
            (
                "a: [1, 2\nb: 3\n",
                "line 1: did not find expected ',' or ']'",
            ),
            // kubectl reads one document at a time: lines count from the document's start.
            (
                "a: 1\n---\nkind: Pod\nmetadata:\n  labels: x: y\n",
                "line 3: mapping values are not allowed in this context",
            ),
        ];
        for (yaml, want) in cases {
            // The documents before the broken one convert; the broken one gives kubectl's text.
            let got = serde_yaml::Deserializer::from_str(yaml)
                .map(|document| KubectlJson { input: yaml }.deserialize(document))
                .find_map(Result::err)
                .map(|e| conversion_error(&e, yaml));
            assert_eq!(
                got,
                Some(format!("error converting YAML to JSON: yaml: {want}")),
                "{yaml:?}"
            );
        }
    }

    #[test]
    fn should_format_float_keys_like_go() {
        let cases = [
            (1.5, "1.5"),
            (100.0, "100"),
            (123456.0, "123456"),
            (1e6, "1e+06"),
            (1e21, "1e+21"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
        ];
        for (value, want) in cases {
            assert_eq!(go_format_g32(value), want, "{value}");
        }
    }
}
