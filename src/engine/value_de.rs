//! A path-tracking deserializer over a parsed JSON document (`&serde_json::Value`): typed decoding that,
//! when it fails, also says where (`spec.containers[0].ports[0].containerPort`).
//!
//! It behaves exactly like `serde_json`'s own `&Value` deserializer (the same visitor calls, so the same values
//! and the same error texts, which are `serde_json::Error`s) wrapped by `serde_path_to_error` (the same paths,
//! including its rule that the first, innermost failure names the path). It exists because it is one layer
//! instead of two: every k8s-openapi type's `Deserialize` code is instantiated once for it, without a second
//! set of wrapper visitors, which matters for the size of the browser build. A test
//! (`should_match_serde_path_to_error_*`) checks both give identical results. Its generic methods are
//! `#[inline(always)]`: each is instantiated per decoded type and called from one place, so inlining removes
//! a layer of calls and moves per type (measured: 5.8 KB less gzip in the browser build).
//!
//! Mirrors no upstream Kubernetes file; the paths feed the API server's decode errors (`api::decode`).
//!
//! Simplification: map keys are always read as strings (every map the engine decodes has string keys), and
//! `serde_json::value::RawValue` cannot be decoded through it (nothing the engine decodes contains one).

use std::cell::Cell;
use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess,
    SeqAccess, Unexpected, VariantAccess, Visitor,
};
use serde_json::{Error, Value};

/// Where a decode failed: the keys and list indexes from the document's root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Path {
    segments: Vec<Segment>,
}

/// One step of a `Path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// A list element.
    Seq { index: usize },
    /// A map entry or struct field.
    Map { key: String },
    /// The content of an enum variant.
    Enum { variant: String },
}

impl Path {
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }
}

impl fmt::Display for Path {
    /// `spec.containers[0].name`, or `.` for the root.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.segments.is_empty() {
            return f.write_str(".");
        }
        let mut separator = "";
        for segment in &self.segments {
            match segment {
                Segment::Seq { index } => write!(f, "[{index}]")?,
                Segment::Map { key } | Segment::Enum { variant: key } => {
                    f.write_str(separator)?;
                    f.write_str(key)?;
                }
            }
            separator = ".";
        }
        Ok(())
    }
}

/// A failed decode: the path to the failing value and serde_json's error.
#[derive(Debug)]
pub struct PathError {
    pub path: Path,
    pub error: Error,
}

impl fmt::Display for PathError {
    /// `path: message` (only the message for a failure at the root), like `serde_path_to_error::Error`.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if !self.path.segments.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{}", self.error)
    }
}

/// Decodes a typed value from `value` like `T::deserialize(value)`, and on failure says where.
pub fn from_value_with_path<T: DeserializeOwned>(value: &Value) -> Result<T, PathError> {
    let track = Track::default();
    let result = T::deserialize(Tracked {
        value,
        chain: &Chain::Root,
        track: &track,
    });
    result.map_err(|error| PathError {
        path: track.path.take().unwrap_or_default(),
        error,
    })
}

/// The path from the root to the value being decoded, as a linked list on the stack (no allocation).
enum Chain<'a> {
    Root,
    Key {
        parent: &'a Chain<'a>,
        key: &'a str,
    },
    Index {
        parent: &'a Chain<'a>,
        index: usize,
    },
    Variant {
        parent: &'a Chain<'a>,
        variant: &'a str,
    },
}

impl Chain<'_> {
    fn to_path(&self) -> Path {
        let mut segments = Vec::new();
        let mut chain = self;
        loop {
            match chain {
                Chain::Root => break,
                Chain::Key { parent, key } => {
                    segments.push(Segment::Map {
                        key: (*key).to_string(),
                    });
                    chain = parent;
                }
                Chain::Index { parent, index } => {
                    segments.push(Segment::Seq { index: *index });
                    chain = parent;
                }
                Chain::Variant { parent, variant } => {
                    segments.push(Segment::Enum {
                        variant: (*variant).to_string(),
                    });
                    chain = parent;
                }
            }
        }
        segments.reverse();
        Path { segments }
    }
}

/// Remembers the path of the first failure seen, which is the innermost one: an error is seen first by the
/// deserializer of the value that failed, then by each of its ancestors.
#[derive(Default)]
struct Track {
    path: Cell<Option<Path>>,
}

impl Track {
    #[inline(never)]
    fn record(&self, chain: &Chain) {
        let path = self.path.take().unwrap_or_else(|| chain.to_path());
        self.path.set(Some(path));
    }
}

/// `result`, after recording `chain` as the failure's path if it failed and no deeper one was recorded.
/// A macro, not a generic function, so that the check is not instantiated once per decoded type.
macro_rules! checked {
    ($track:expr, $chain:expr, $result:expr) => {{
        let result = $result;
        if result.is_err() {
            $track.record($chain);
        }
        result
    }};
}

/// The deserializer for one value of the document.
struct Tracked<'de, 'a> {
    value: &'de Value,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

/// What `serde_json` calls the value in a type mismatch message.
#[cold]
fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Unexpected::Unsigned(u)
            } else if let Some(i) = n.as_i64() {
                Unexpected::Signed(i)
            } else {
                Unexpected::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

#[cold]
fn invalid_type(value: &Value, expected: &dyn de::Expected) -> Error {
    de::Error::invalid_type(unexpected(value), expected)
}

impl<'de, 'a> Tracked<'de, 'a> {
    #[inline(always)]
    fn visit_array<V: Visitor<'de>>(
        &self,
        items: &'de [Value],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let mut access = Elements {
            iter: items.iter(),
            index: 0,
            chain: self.chain,
            track: self.track,
        };
        let seq = visitor.visit_seq(&mut access)?;
        if access.iter.len() == 0 {
            Ok(seq)
        } else {
            Err(de::Error::invalid_length(
                items.len(),
                &"fewer elements in array",
            ))
        }
    }

    #[inline(always)]
    fn visit_object<V: Visitor<'de>>(
        &self,
        map: &'de serde_json::Map<String, Value>,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let mut access = Entries {
            iter: map.iter(),
            pending: None,
            chain: self.chain,
            track: self.track,
        };
        let value = visitor.visit_map(&mut access)?;
        if access.iter.len() == 0 {
            Ok(value)
        } else {
            Err(de::Error::invalid_length(
                map.len(),
                &"fewer elements in map",
            ))
        }
    }

    #[inline(always)]
    fn any<V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(v) => visitor.visit_bool(*v),
            Value::Number(n) => n.clone().deserialize_any(visitor),
            Value::String(v) => visitor.visit_borrowed_str(v),
            Value::Array(v) => self.visit_array(v, visitor),
            Value::Object(v) => self.visit_object(v, visitor),
        }
    }

    #[inline(always)]
    fn number<V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Number(n) => n.clone().deserialize_any(visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    #[inline(always)]
    fn str<V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::String(v) => visitor.visit_borrowed_str(v),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    #[inline(always)]
    fn seq<V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Array(v) => self.visit_array(v, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    #[inline(always)]
    fn unit<V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn enumeration<V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Object(map) => {
                let mut entries = map.iter();
                match (entries.next(), entries.next()) {
                    (Some((variant, value)), None) => visitor.visit_enum(Variant {
                        variant,
                        value: Some(value),
                        chain: self.chain,
                        track: self.track,
                    }),
                    _ => Err(de::Error::invalid_value(
                        Unexpected::Map,
                        &"map with a single key",
                    )),
                }
            }
            Value::String(variant) => visitor.visit_enum(Variant {
                variant,
                value: None,
                chain: self.chain,
                track: self.track,
            }),
            other => Err(invalid_type(other, &"string or map")),
        }
    }
}

macro_rules! tracked_methods {
    ($($method:ident => $how:ident;)*) => {
        $(
            #[inline(always)]
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                checked!(self.track, self.chain, self.$how(visitor))
            }
        )*
    };
}

impl<'de, 'a> Deserializer<'de> for Tracked<'de, 'a> {
    type Error = Error;

    tracked_methods! {
        deserialize_any => any;
        deserialize_i8 => number;
        deserialize_i16 => number;
        deserialize_i32 => number;
        deserialize_i64 => number;
        deserialize_i128 => number;
        deserialize_u8 => number;
        deserialize_u16 => number;
        deserialize_u32 => number;
        deserialize_u64 => number;
        deserialize_u128 => number;
        deserialize_f32 => number;
        deserialize_f64 => number;
        deserialize_char => str;
        deserialize_str => str;
        deserialize_string => str;
        deserialize_identifier => str;
        deserialize_seq => seq;
        deserialize_unit => unit;
    }

    #[inline(always)]
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::Bool(v) => visitor.visit_bool(*v),
            other => Err(invalid_type(other, &visitor)),
        };
        checked!(self.track, self.chain, result)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::String(v) => visitor.visit_borrowed_str(v),
            Value::Array(v) => self.visit_array(v, visitor),
            other => Err(invalid_type(other, &visitor)),
        };
        checked!(self.track, self.chain, result)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    #[inline(always)]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let (chain, track) = (self.chain, self.track);
        let result = match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        };
        checked!(track, chain, result)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    #[inline(always)]
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let (chain, track) = (self.chain, self.track);
        checked!(track, chain, visitor.visit_newtype_struct(self))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    #[inline(always)]
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::Object(v) => self.visit_object(v, visitor),
            other => Err(invalid_type(other, &visitor)),
        };
        checked!(self.track, self.chain, result)
    }

    #[inline(always)]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::Array(v) => self.visit_array(v, visitor),
            Value::Object(v) => self.visit_object(v, visitor),
            other => Err(invalid_type(other, &visitor)),
        };
        checked!(self.track, self.chain, result)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        checked!(self.track, self.chain, self.enumeration(visitor))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        checked!(self.track, self.chain, visitor.visit_unit())
    }
}

/// The elements of a JSON array, each decoded at `<array>[i]`.
struct Elements<'de, 'a> {
    iter: std::slice::Iter<'de, Value>,
    index: usize,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

impl<'de> SeqAccess<'de> for Elements<'de, '_> {
    type Error = Error;

    #[inline(always)]
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(value) = self.iter.next() else {
            return Ok(None);
        };
        let chain = Chain::Index {
            parent: self.chain,
            index: self.index,
        };
        self.index += 1;
        let result = seed.deserialize(Tracked {
            value,
            chain: &chain,
            track: self.track,
        });
        checked!(self.track, &chain, result).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// The members of a JSON object, each value decoded at `<object>.<key>`.
struct Entries<'de, 'a> {
    iter: serde_json::map::Iter<'de>,
    pending: Option<(&'de str, &'de Value)>,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

impl<'de> MapAccess<'de> for Entries<'de, '_> {
    type Error = Error;

    #[inline(always)]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.pending = Some((key, value));
        let result = seed.deserialize(de::value::BorrowedStrDeserializer::<Error>::new(key));
        let chain = Chain::Key {
            parent: self.chain,
            key,
        };
        checked!(self.track, &chain, result).map(Some)
    }

    #[inline(always)]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, value)) = self.pending.take() else {
            let missing = de::Error::custom("value is missing");
            return checked!(self.track, self.chain, Err(missing));
        };
        let chain = Chain::Key {
            parent: self.chain,
            key,
        };
        let result = seed.deserialize(Tracked {
            value,
            chain: &chain,
            track: self.track,
        });
        checked!(self.track, &chain, result)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// An enum written as `"Variant"` or `{"Variant": content}`; the content is decoded at `<enum>.<Variant>`.
struct Variant<'de, 'a> {
    variant: &'de str,
    value: Option<&'de Value>,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

impl<'de, 'a> EnumAccess<'de> for Variant<'de, 'a> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let result = seed.deserialize(IntoDeserializer::<Error>::into_deserializer(self.variant));
        checked!(self.track, self.chain, result).map(|v| (v, self))
    }
}

impl<'de> VariantAccess<'de> for Variant<'de, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        let chain = Chain::Variant {
            parent: self.chain,
            variant: self.variant,
        };
        let result = match self.value {
            Some(value) => serde::Deserialize::deserialize(value),
            None => Ok(()),
        };
        checked!(self.track, &chain, result)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        let chain = Chain::Variant {
            parent: self.chain,
            variant: self.variant,
        };
        let result = match self.value {
            Some(value) => seed.deserialize(Tracked {
                value,
                chain: &chain,
                track: self.track,
            }),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"newtype variant",
            )),
        };
        checked!(self.track, &chain, result)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        let chain = Chain::Variant {
            parent: self.chain,
            variant: self.variant,
        };
        let here = Tracked {
            value: &Value::Null,
            chain: &chain,
            track: self.track,
        };
        let result = match self.value {
            Some(Value::Array(v)) if v.is_empty() => visitor.visit_unit(),
            Some(Value::Array(v)) => here.visit_array(v, visitor),
            Some(other) => Err(invalid_type(other, &"tuple variant")),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"tuple variant",
            )),
        };
        checked!(self.track, &chain, result)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let chain = Chain::Variant {
            parent: self.chain,
            variant: self.variant,
        };
        let here = Tracked {
            value: &Value::Null,
            chain: &chain,
            track: self.track,
        };
        let result = match self.value {
            Some(Value::Object(v)) => here.visit_object(v, visitor),
            Some(other) => Err(invalid_type(other, &"struct variant")),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"struct variant",
            )),
        };
        checked!(self.track, &chain, result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
    use k8s_openapi::api::core::v1::{
        Binding, ConfigMap, Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod,
        Secret, Service, ServiceAccount, Taint,
    };
    use k8s_openapi::api::policy::v1::PodDisruptionBudget;
    use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
    use k8s_openapi::api::scheduling::v1::PriorityClass;
    use serde::Deserialize;
    use serde_json::json;
    use std::collections::BTreeMap;
    use std::fmt::Debug;

    /// The reference: serde_json's `&Value` deserializer wrapped by serde_path_to_error, as
    /// (value, path, segments, message).
    fn reference<T: DeserializeOwned>(value: &Value) -> Result<T, (String, Vec<Segment>, String)> {
        serde_path_to_error::deserialize(value).map_err(|e: serde_path_to_error::Error<Error>| {
            let segments = e
                .path()
                .iter()
                .map(|s| match s {
                    serde_path_to_error::Segment::Seq { index } => Segment::Seq { index: *index },
                    serde_path_to_error::Segment::Map { key } => Segment::Map { key: key.clone() },
                    serde_path_to_error::Segment::Enum { variant } => Segment::Enum {
                        variant: variant.clone(),
                    },
                    serde_path_to_error::Segment::Unknown => Segment::Map { key: "?".into() },
                })
                .collect();
            (e.path().to_string(), segments, e.to_string())
        })
    }

    fn ours<T: DeserializeOwned>(value: &Value) -> Result<T, (String, Vec<Segment>, String)> {
        from_value_with_path(value).map_err(|e| {
            (
                e.path.to_string(),
                e.path.segments().to_vec(),
                e.to_string(),
            )
        })
    }

    fn assert_same_kind(label: &str, value: &Value) {
        let kind = value.get("kind").and_then(Value::as_str).unwrap_or("Pod");
        macro_rules! each_kind {
            ($($ty:ident),*) => {
                match kind {
                    $( stringify!($ty) => assert_same_values::<$ty>(label, value), )*
                    _ => assert_same_values::<Pod>(label, value),
                }
            };
        }
        crate::engine::objects::with_each_kind!(each_kind);
    }

    /// Same value or same (path, segments, message) as the reference, and on success the same value as the
    /// plain decoder.
    fn assert_same_values<T: DeserializeOwned + PartialEq + Debug>(label: &str, value: &Value) {
        let expected = reference::<T>(value);
        let actual = ours::<T>(value);
        assert_eq!(actual, expected, "{label}: {value}");
        match (T::deserialize(value), actual) {
            (Ok(plain), Ok(tracked)) => assert_eq!(plain, tracked, "{label}"),
            (Err(plain), Err((_, _, message))) => {
                assert!(
                    message.ends_with(&plain.to_string()),
                    "{label}: {message} / {plain}"
                )
            }
            (plain, tracked) => panic!("{label}: plain {plain:?}, tracked {tracked:?}"),
        }
    }

    #[test]
    fn should_match_serde_path_to_error_for_every_website_example() {
        let mut decoded = 0;
        for (label, value) in crate::engine::website_examples::documents() {
            assert_same_kind(&label, &value);
            decoded += 1;
        }
        assert!(decoded > 50);
    }

    #[test]
    fn should_match_serde_path_to_error_for_bad_objects() {
        let cases = [
            json!({"kind": "Pod", "spec": {"containers": "nginx"}}),
            json!({"kind": "Pod", "spec": {"containers": [{"name": "a"}, {"name": "b", "ports": [{"containerPort": "80"}]}]}}),
            json!({"kind": "Pod", "spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": []}}}]}}),
            json!({"kind": "Pod", "spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": "1x"}}}]}}),
            json!({"kind": "Pod", "spec": {"containers": [{"image": "nginx"}]}}),
            json!({"kind": "Pod", "spec": {"containers": [{"name": 7}]}}),
            json!({"kind": "Pod", "spec": {"containers": [{"name": "a", "env": [{"name": "X", "valueFrom": {"fieldRef": {"fieldPath": false}}}]}]}}),
            json!({"kind": "Pod", "spec": {"containers": [{"name": "a", "livenessProbe": {"httpGet": {"port": 1.5}}}]}}),
            json!({"kind": "Pod", "spec": {"containers": [{"name": "a", "livenessProbe": {"httpGet": {"port": {}}}}]}}),
            json!({"kind": "Pod", "spec": {"volumes": [{"name": "v", "configMap": {"items": [{"key": "k", "path": "p", "mode": -1.0}]}}]}}),
            json!({"kind": "Pod", "spec": {"tolerations": [{"tolerationSeconds": "5"}]}}),
            json!({"kind": "Pod", "spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "k", "operator": "In", "values": "x"}]}]}}}}}),
            json!({"kind": "Pod", "spec": {"priority": 1.5}}),
            json!({"kind": "Pod", "spec": {"priority": 4294967296u64}}),
            json!({"kind": "Pod", "spec": {"priority": -4294967296i64}}),
            json!({"kind": "Pod", "spec": {"terminationGracePeriodSeconds": true}}),
            json!({"kind": "Pod", "spec": {"hostNetwork": "yes"}}),
            json!({"kind": "Pod", "spec": null}),
            json!({"kind": "Pod", "spec": []}),
            json!({"kind": "Pod", "spec": [1, 2]}),
            json!({"kind": "Pod", "metadata": {"labels": [1]}}),
            json!({"kind": "Pod", "metadata": {"labels": {"a": 1}}}),
            json!({"kind": "Pod", "metadata": {"labels": {"a": null}}}),
            json!({"kind": "Pod", "metadata": {"creationTimestamp": "yesterday"}}),
            json!({"kind": "Pod", "metadata": {"ownerReferences": [{"apiVersion": "v1", "kind": "X", "name": "n", "uid": "u", "controller": "true"}]}}),
            json!({"kind": "Pod", "unknownTop": {"x": 1}, "spec": {"unknownNested": true}}),
            json!({"kind": "Pod", "status": {"conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": 5}]}}),
            json!({"kind": "Node", "spec": {"taints": [{"key": "k", "effect": 7}]}}),
            json!({"kind": "Node", "status": {"capacity": {"cpu": 4, "memory": "1Gi"}, "allocatable": {"pods": {}}}}),
            json!({"kind": "Node", "status": {"addresses": [{"type": "InternalIP"}]}}),
            json!({"kind": "Secret", "data": {"a": "not base64!"}}),
            json!({"kind": "Secret", "data": {"a": 5}}),
            json!({"kind": "ConfigMap", "binaryData": {"a": "AAA="}, "data": {"b": ["c"]}}),
            json!({"kind": "Deployment", "spec": {"replicas": "3"}}),
            json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "a"}, {"name": "b", "ports": "x"}]}}}}),
            json!({"kind": "Deployment", "spec": {"strategy": {"rollingUpdate": {"maxSurge": true}}}}),
            json!({"kind": "Service", "spec": {"ports": [{"port": 80, "targetPort": []}]}}),
            json!({"kind": "PersistentVolume", "spec": {"capacity": {"storage": "1Gi"}, "hostPath": {"path": 1}}}),
            json!({"kind": "PersistentVolumeClaim", "spec": {"resources": {"requests": {"storage": []}}}}),
            json!({"kind": "ClusterRole", "rules": [{"verbs": "get"}]}),
            json!({"kind": "Role", "rules": [{"verbs": ["get"]}, {"verbs": [1]}]}),
            json!({"kind": "RoleBinding", "roleRef": {"kind": "Role"}}),
            json!({"kind": "ClusterRoleBinding", "subjects": [{"kind": "User"}]}),
            json!({"kind": "PriorityClass", "value": "high"}),
            json!({"kind": "Event", "eventTime": "2026-01-01"}),
            json!({"kind": "Event", "count": -1.5, "involvedObject": {}}),
            json!({"kind": "Namespace", "spec": {"finalizers": [null]}}),
            json!({"kind": "ServiceAccount", "automountServiceAccountToken": 0}),
            json!([]),
            json!([{}]),
            json!("Pod"),
            json!(null),
            json!(3),
        ];
        for (i, case) in cases.iter().enumerate() {
            assert_same_kind(&format!("case {i}"), case);
        }
        let taints = json!([{"key": "k", "effect": "NoSchedule"}, {"key": 3}]);
        assert_same_values::<Vec<Taint>>("taints", &taints);
        let binding = json!({"metadata": {"name": "p"}, "target": {"name": 1}});
        assert_same_values::<Binding>("binding", &binding);
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Strict {
        name: String,
        #[serde(default)]
        items: Vec<Item>,
        #[serde(default)]
        choice: Option<Choice>,
        #[serde(default)]
        counts: BTreeMap<String, u8>,
        #[serde(default)]
        pair: Option<(u8, String)>,
        #[serde(default)]
        wrapped: Option<Newtype>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Item {
        id: u32,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    enum Choice {
        Plain,
        One(u8),
        Two(u8, u8),
        Named { x: u8 },
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Newtype(Vec<u16>);

    #[test]
    fn should_match_serde_path_to_error_for_strict_structs_enums_and_tuples() {
        let cases = [
            json!({"name": "a"}),
            json!({"name": "a", "extra": 1}),
            json!({"name": "a", "items": [{"id": 1}, {"id": 2, "bogus": true}]}),
            json!({"name": "a", "items": [{"id": 1}, {"id": 2, "tags": ["x", 3]}]}),
            json!({"name": "a", "items": [{"tags": []}]}),
            json!({"name": "a", "items": {"id": 1}}),
            json!({"name": "a", "items": [{"id": -1}]}),
            json!({"name": "a", "items": [{"id": 4294967296u64}]}),
            json!({"name": "a", "choice": "Plain"}),
            json!({"name": "a", "choice": "Missing"}),
            json!({"name": "a", "choice": {"One": 3}}),
            json!({"name": "a", "choice": {"One": 300}}),
            json!({"name": "a", "choice": {"One": 3, "Two": [1, 2]}}),
            json!({"name": "a", "choice": {}}),
            json!({"name": "a", "choice": {"Two": [1, 2]}}),
            json!({"name": "a", "choice": {"Two": [1, "x"]}}),
            json!({"name": "a", "choice": {"Two": [1, 2, 3]}}),
            json!({"name": "a", "choice": {"Two": 5}}),
            json!({"name": "a", "choice": {"Named": {"x": 1}}}),
            json!({"name": "a", "choice": {"Named": {"x": "1"}}}),
            json!({"name": "a", "choice": {"Named": {}}}),
            json!({"name": "a", "choice": {"Plain": null}}),
            json!({"name": "a", "choice": {"Plain": 1}}),
            json!({"name": "a", "choice": "One"}),
            json!({"name": "a", "choice": 5}),
            json!({"name": "a", "counts": {"x": 1, "y": 256}}),
            json!({"name": "a", "pair": [1, "b"]}),
            json!({"name": "a", "pair": [1, "b", 3]}),
            json!({"name": "a", "pair": [1]}),
            json!({"name": "a", "wrapped": [1, 2]}),
            json!({"name": "a", "wrapped": [1, -2]}),
            json!({"name": 1.5}),
            json!({"name": null}),
            json!(["a"]),
            json!(["a", [{"id": 1}]]),
            json!(["a", [{"id": "1"}]]),
            json!(true),
        ];
        for (i, case) in cases.iter().enumerate() {
            assert_same_values::<Strict>(&format!("case {i}"), case);
        }
    }

    #[test]
    fn should_print_paths_like_serde_path_to_error() {
        let value = json!({"name": "a", "items": [{"id": 1}, {"id": 2, "tags": ["x", 3]}]});
        let error = from_value_with_path::<Strict>(&value).expect_err("bad tag");
        assert_eq!(error.path.to_string(), "items[1].tags[1]");
        assert_eq!(
            error.to_string(),
            "items[1].tags[1]: invalid type: integer `3`, expected a string"
        );
        let error = from_value_with_path::<Strict>(&json!({})).expect_err("no name");
        assert_eq!(error.path.to_string(), ".");
        assert_eq!(error.to_string(), "missing field `name`");
    }
}
