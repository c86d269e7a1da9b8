//! Compact JSON text from any `Serialize` value, byte for byte what `serde_json::to_string` writes.
//!
//! It exists for the size of the browser build: serde_json's writer inlines the writing of each struct
//! field's key into the code it instantiates per field type, which for the k8s-openapi kinds is tens of
//! kilobytes; here the key is written by one shared function. The browser build serializes typed values
//! (trace details, `objects::to_json_value`) through it; the native build keeps `serde_json::to_string`. Tests
//! check both give the same text for every kubernetes.io example, the traces of the built-in scenarios and a
//! table of edge cases.
//!
//! Mirrors no upstream Kubernetes file.

use serde::ser::{self, Impossible, Serialize};
use serde_json::Error;

/// The name serde_json gives the struct a `serde_json::value::RawValue` serializes as; its one field is JSON
/// text to copy as it is.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// Serializes `value` as compact JSON text, like `serde_json::to_string`.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut writer = Writer {
        out: String::with_capacity(128),
    };
    value.serialize(&mut writer)?;
    Ok(writer.out)
}

struct Writer {
    out: String,
}

impl Writer {
    #[inline(never)]
    fn string(&mut self, value: &str) {
        write_escaped(&mut self.out, value);
    }

    /// `,` before every member but the first, then `"key":`.
    #[inline(never)]
    fn key(&mut self, first: &mut bool, key: &str) {
        if !std::mem::take(first) {
            self.out.push(',');
        }
        write_escaped(&mut self.out, key);
        self.out.push(':');
    }

    #[inline(never)]
    fn separator(&mut self, first: &mut bool) {
        if !std::mem::take(first) {
            self.out.push(',');
        }
    }

    fn number(&mut self, value: impl std::fmt::Display) {
        use std::fmt::Write;
        let _ = write!(self.out, "{value}");
    }
}

/// `"text"` with serde_json's escapes: `\"`, `\\`, the short forms of control characters, `\u00XX` for the
/// rest below U+0020; everything else as it is.
fn write_escaped(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, byte) in value.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&value[start..i]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0xf)] as char);
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&value[start..]);
    out.push('"');
}

/// An open array or object: whether the next member is the first, and what closes it.
struct Compound<'a> {
    writer: &'a mut Writer,
    first: bool,
    close: &'static str,
    /// A `RawValue`'s struct: its one field is written through `RawText`.
    raw: bool,
}

impl<'a> Compound<'a> {
    fn open(writer: &'a mut Writer, open: &str, close: &'static str) -> Compound<'a> {
        writer.out.push_str(open);
        Compound {
            writer,
            first: true,
            close,
            raw: false,
        }
    }

    fn end(self) -> Result<(), Error> {
        self.writer.out.push_str(self.close);
        Ok(())
    }
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.number(v);
        Ok(())
    }

    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.number(v);
        Ok(())
    }

    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.number(v);
        Ok(())
    }

    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.number(v);
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.number(v);
        Ok(())
    }

    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.number(v);
        Ok(())
    }

    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.number(v);
        Ok(())
    }

    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.number(v);
        Ok(())
    }

    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.number(v);
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.number(v);
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        if v.is_finite() {
            self.out.push_str(zmij::Buffer::new().format_finite(v));
        } else {
            self.out.push_str("null");
        }
        Ok(())
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        if v.is_finite() {
            self.out.push_str(zmij::Buffer::new().format_finite(v));
        } else {
            self.out.push_str("null");
        }
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        let mut compound = Compound::open(self, "[", "]");
        for byte in v {
            compound.writer.separator(&mut compound.first);
            compound.writer.number(byte);
        }
        compound.end()
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.out.push_str("null");
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.out.push_str("null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let mut compound = Compound::open(self, "{", "}");
        compound.writer.key(&mut compound.first, variant);
        value.serialize(&mut *compound.writer)?;
        compound.end()
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(Compound::open(self, "[", "]"))
    }

    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a>, Error> {
        Ok(Compound::open(self, "[", "]"))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        Ok(Compound::open(self, "[", "]"))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        self.out.push('{');
        self.string(variant);
        Ok(Compound::open(self, ":[", "]}"))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(Compound::open(self, "{", "}"))
    }

    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Compound<'a>, Error> {
        if name == RAW_VALUE_TOKEN {
            return Ok(Compound {
                writer: self,
                first: true,
                close: "",
                raw: true,
            });
        }
        Ok(Compound::open(self, "{", "}"))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        self.out.push('{');
        self.string(variant);
        Ok(Compound::open(self, ":{", "}}"))
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.writer.separator(&mut self.first);
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.writer.separator(&mut self.first);
        key.serialize(MapKey {
            writer: &mut *self.writer,
        })?;
        self.writer.out.push(':');
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        if self.raw {
            return value.serialize(RawText {
                out: &mut self.writer.out,
            });
        }
        self.writer.key(&mut self.first, key);
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.writer.key(&mut self.first, key);
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

/// Methods of a serializer that accepts only some kinds of value: the rest fail with `$error`.
macro_rules! refuse {
    ($error:expr; $($method:ident($($arg:ty),*);)*) => {
        $(
            fn $method(self, $(_: $arg),*) -> Result<(), Error> {
                Err(ser::Error::custom($error))
            }
        )*
    };
}

/// A map key: strings as they are; integers, finite floats, booleans and characters quoted, as serde_json
/// writes them.
struct MapKey<'a> {
    writer: &'a mut Writer,
}

impl MapKey<'_> {
    fn quoted(self, value: impl std::fmt::Display) -> Result<(), Error> {
        self.writer.out.push('"');
        self.writer.number(value);
        self.writer.out.push('"');
        Ok(())
    }
}

const KEY_MUST_BE_A_STRING: &str = "key must be a string";

impl ser::Serializer for MapKey<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.writer.string(v);
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.writer.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.quoted(v)
    }

    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.quoted(v)
    }

    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.quoted(v)
    }

    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.quoted(v)
    }

    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.quoted(v)
    }

    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.quoted(v)
    }

    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.quoted(v)
    }

    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.quoted(v)
    }

    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.quoted(v)
    }

    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.quoted(v)
    }

    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.quoted(v)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        if !v.is_finite() {
            return Err(ser::Error::custom(
                "float key must be finite (got NaN or +/-inf)",
            ));
        }
        self.quoted(zmij::Buffer::new().format_finite(v))
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        if !v.is_finite() {
            return Err(ser::Error::custom(
                "float key must be finite (got NaN or +/-inf)",
            ));
        }
        self.quoted(zmij::Buffer::new().format_finite(v))
    }

    refuse! { KEY_MUST_BE_A_STRING;
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Error> {
        Err(ser::Error::custom(KEY_MUST_BE_A_STRING))
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(ser::Error::custom(KEY_MUST_BE_A_STRING))
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(ser::Error::custom(KEY_MUST_BE_A_STRING))
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(ser::Error::custom(KEY_MUST_BE_A_STRING))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(ser::Error::custom(KEY_MUST_BE_A_STRING))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(ser::Error::custom(KEY_MUST_BE_A_STRING))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(ser::Error::custom(KEY_MUST_BE_A_STRING))
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(ser::Error::custom(KEY_MUST_BE_A_STRING))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(ser::Error::custom(KEY_MUST_BE_A_STRING))
    }
}

/// The text of a `RawValue`, copied as it is.
struct RawText<'a> {
    out: &'a mut String,
}

const EXPECTED_RAW_TEXT: &str = "expected RawValue";

impl ser::Serializer for RawText<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.out.push_str(v);
        Ok(())
    }

    refuse! { EXPECTED_RAW_TEXT;
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Error> {
        Err(ser::Error::custom(EXPECTED_RAW_TEXT))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(ser::Error::custom(EXPECTED_RAW_TEXT))
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(ser::Error::custom(EXPECTED_RAW_TEXT))
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(ser::Error::custom(EXPECTED_RAW_TEXT))
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(ser::Error::custom(EXPECTED_RAW_TEXT))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(ser::Error::custom(EXPECTED_RAW_TEXT))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(ser::Error::custom(EXPECTED_RAW_TEXT))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(ser::Error::custom(EXPECTED_RAW_TEXT))
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(ser::Error::custom(EXPECTED_RAW_TEXT))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(ser::Error::custom(EXPECTED_RAW_TEXT))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::objects::Object;
    use serde::Serialize;
    use serde_json::{json, Value};
    use std::collections::BTreeMap;

    fn assert_same<T: Serialize + ?Sized>(label: &str, value: &T) {
        let expected = serde_json::to_string(value).map_err(|e| e.to_string());
        let actual = to_string(value).map_err(|e| e.to_string());
        assert_eq!(actual, expected, "{label}");
    }

    #[test]
    fn should_write_every_website_example_like_serde_json() {
        let mut typed = 0;
        for (label, value) in crate::engine::website_examples::documents() {
            assert_same(&label, &value);
            let kind = value.get("kind").and_then(Value::as_str).unwrap_or("Pod");
            if let Ok(object) = Object::from_json(kind, value.clone()) {
                assert_same(&label, &object);
                typed += 1;
            }
        }
        assert!(typed > 50);
    }

    #[test]
    fn should_write_the_traces_and_objects_of_the_built_in_scenarios_like_serde_json() {
        use crate::engine::scenario;
        for name in scenario::builtin_names() {
            let text = scenario::builtin(name).expect("built-in");
            let parsed = scenario::parse(name, &text).expect("parses");
            let mut sim = scenario::start(&parsed, 7).expect("starts");
            sim.run_until_idle(100_000);
            assert_same(name, &sim.trace);
            for entry in &sim.trace.entries {
                assert_same(name, &entry.data.value());
            }
            for (key, stored) in sim.api.store.list("/") {
                assert_same(key, &stored.object);
            }
        }
    }

    #[derive(Serialize)]
    enum Shape {
        Unit,
        Newtype(u8),
        Tuple(u8, &'static str),
        Struct { a: u8, b: Option<bool> },
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Wrapper(Vec<u8>);

    #[derive(Serialize)]
    struct Pair(u8, i64);

    #[derive(Serialize)]
    struct Everything {
        text: &'static str,
        character: char,
        small: i8,
        big: u128,
        negative: i128,
        float: f64,
        single: f32,
        not_a_number: f64,
        infinite: f32,
        none: Option<u8>,
        unit: (),
        unit_struct: Unit,
        wrapper: Wrapper,
        pair: Pair,
        tuple: (u8, char),
        shapes: Vec<Shape>,
        empty_list: Vec<u8>,
        empty_map: BTreeMap<String, u8>,
        int_keys: BTreeMap<i32, &'static str>,
        bool_keys: BTreeMap<bool, u8>,
        char_keys: BTreeMap<char, u8>,
        #[serde(with = "serde_bytes_as_bytes")]
        bytes: Vec<u8>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        raw: Box<serde_json::value::RawValue>,
    }

    mod serde_bytes_as_bytes {
        pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(v)
        }
    }

    #[test]
    fn should_write_every_kind_of_value_like_serde_json() {
        let everything = Everything {
            text: "quote \" backslash \\ newline \n tab \t return \r bell \u{7} nul \0 esc \u{1b} del \u{7f} é 日本 / <>",
            character: '"',
            small: -128,
            big: u128::MAX,
            negative: i128::MIN,
            float: 0.1,
            single: 1.5e-7,
            not_a_number: f64::NAN,
            infinite: f32::INFINITY,
            none: None,
            unit: (),
            unit_struct: Unit,
            wrapper: Wrapper(vec![1, 2]),
            pair: Pair(3, -4),
            tuple: (5, '\n'),
            shapes: vec![
                Shape::Unit,
                Shape::Newtype(6),
                Shape::Tuple(7, "x"),
                Shape::Struct { a: 8, b: Some(true) },
                Shape::Struct { a: 9, b: None },
            ],
            empty_list: Vec::new(),
            empty_map: BTreeMap::new(),
            int_keys: BTreeMap::from([(-1, "a"), (20, "b")]),
            bool_keys: BTreeMap::from([(false, 1), (true, 2)]),
            char_keys: BTreeMap::from([('\u{1}', 1), ('k', 2)]),
            bytes: vec![0, 255],
            skipped: None,
            raw: serde_json::value::RawValue::from_string(r#"{"a": [1, 2]}"#.into()).unwrap(),
        };
        assert_same("everything", &everything);
        for value in [
            json!(null),
            json!(true),
            json!(-0.0),
            json!(1e300),
            json!(123456789.125),
            json!(u64::MAX),
            json!(i64::MIN),
            json!([]),
            json!({}),
            json!({"b": 1, "a": [{"": ""}], "\u{0}": "\u{1f}"}),
        ] {
            assert_same(&value.to_string(), &value);
        }
        assert_same("float keys", &BTreeMap::from([((), 1)]));
        let mut floats: Vec<(f64, u8)> = vec![(1.5, 1)];
        floats.push((f64::NAN, 2));
        let as_map = |pairs: &[(f64, u8)]| -> Result<String, String> {
            struct Map<'a>(&'a [(f64, u8)]);
            impl Serialize for Map<'_> {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    use serde::ser::SerializeMap;
                    let mut map = s.serialize_map(Some(self.0.len()))?;
                    for (k, v) in self.0 {
                        map.serialize_entry(k, v)?;
                    }
                    map.end()
                }
            }
            assert_same("float-keyed map", &Map(pairs));
            to_string(&Map(pairs)).map_err(|e| e.to_string())
        };
        assert_eq!(as_map(&floats[..1]), Ok(r#"{"1.5":1}"#.to_string()));
        assert!(as_map(&floats).is_err());
    }
}
