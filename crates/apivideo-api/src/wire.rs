//! How the models read and write JSON: the three-state [`Nullable`] and the lenient
//! readers the generated code names in `deserialize_with`.
//!
//! api.video sometimes sends a count as `"33"`, a list as `null`, or a date-time with an
//! unusual offset. Failing on those would lose a whole response for one odd field, so
//! the readers accept them; what they produce is always what the spec says.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Stands in for a credential in `Debug` output of the generated models (fields marked
/// `x-secret` in the spec).
pub(crate) struct Redacted;

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// A date-time with the offset it was sent with (the instant and its notation survive a
/// round trip).
pub type DateTime = chrono::DateTime<chrono::FixedOffset>;

/// A request field that can be left out, sent as `null`, or sent with a value.
///
/// PATCH bodies need all three: leaving `playerId` out keeps the video's player, `null`
/// detaches it, a value sets it.
///
/// ```
/// use apivideo_api::models::VideoUpdatePayload;
///
/// let keep = VideoUpdatePayload::new().title("Keynote");
/// let detach = VideoUpdatePayload::new().clear_player_id();
/// let set = VideoUpdatePayload::new().player_id("pt1A2b3C4d5E6f7G8h9I0j");
/// assert_eq!(serde_json::to_string(&keep).unwrap(), r#"{"title":"Keynote"}"#);
/// assert_eq!(serde_json::to_string(&detach).unwrap(), r#"{"playerId":null}"#);
/// assert_eq!(serde_json::to_string(&set).unwrap(), r#"{"playerId":"pt1A2b3C4d5E6f7G8h9I0j"}"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// Not sent: the server keeps (or defaults) the value.
    #[default]
    Omitted,
    /// Sent as `null`.
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// True when the field is left out (used by `skip_serializing_if`).
    pub fn is_omitted(&self) -> bool {
        matches!(self, Self::Omitted)
    }

    /// The value, if one is set.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            _ => None,
        }
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `Some` sets the value, `None` sends `null`.
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Self::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => value.serialize(serializer),
            Self::Omitted | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Self::from)
    }
}

/// Reads a `T` the way the adapter `A` says: `deserialize_with = "As::<A>::deserialize"`.
pub struct As<A>(PhantomData<A>);

impl<A> As<A> {
    /// Deserializes with the adapter.
    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        A: DeserializeAs<'de, T>,
    {
        A::deserialize_as(deserializer)
    }
}

/// A way of reading a `T` other than `T`'s own `Deserialize`.
pub trait DeserializeAs<'de, T> {
    /// Reads a `T`.
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>;
}

/// `T`'s own `Deserialize`.
pub struct Same;

impl<'de, T: Deserialize<'de>> DeserializeAs<'de, T> for Same {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }
}

/// An integer, also from a string such as `"33"` or a float with no fraction.
pub struct Int;

impl<'de> DeserializeAs<'de, i64> for Int {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = i64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string holding one")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
                Ok(v)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
                i64::try_from(v).map_err(|_| E::custom(format!("{v} is too large")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
                if v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
                    Ok(v as i64)
                } else {
                    Err(E::custom(format!("{v} is not an integer")))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
                v.trim()
                    .parse()
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A number, also from a string such as `"12.5"`.
pub struct Num;

impl<'de> DeserializeAs<'de, f64> for Num {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = f64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a string holding one")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
                Ok(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
                Ok(v as f64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
                Ok(v)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
                v.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// An RFC 3339 date-time with any offset notation (`Z`, `z`, `+02:00`, `+0200`), also with
/// a space instead of `T`; the offset is kept.
pub struct Rfc3339;

impl<'de> DeserializeAs<'de, DateTime> for Rfc3339 {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<DateTime, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_date_time(&text).ok_or_else(|| {
            de::Error::invalid_value(de::Unexpected::Str(&text), &"an RFC 3339 date-time")
        })
    }
}

/// Parses the date-time notations [`Rfc3339`] accepts.
pub fn parse_date_time(text: &str) -> Option<DateTime> {
    let text = text.trim();
    if let Ok(value) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(value);
    }
    // `+0200` instead of `+02:00`, or a space instead of `T`.
    let normalized = text.replacen(' ', "T", 1);
    [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.fZ",
    ]
    .iter()
    .find_map(|format| chrono::DateTime::parse_from_str(&normalized, format).ok())
    .or_else(|| chrono::DateTime::parse_from_rfc3339(&normalized).ok())
    .or_else(|| chrono::DateTime::parse_from_rfc3339(&normalized.replace('z', "Z")).ok())
}

/// `null` reads as `None`; a value is read with `A`.
pub struct Opt<A>(PhantomData<A>);

impl<'de, T, A: DeserializeAs<'de, T>> DeserializeAs<'de, Option<T>> for Opt<A> {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
        Option::<With<T, A>>::deserialize(deserializer).map(|v| v.map(|w| w.0))
    }
}

/// `null` reads as `Null`; a value is read with `A`.
// Named by the generator for a nullable field that needs a lenient reader; no field of
// today's spec does.
#[allow(dead_code)]
pub struct NullableAs<A>(PhantomData<A>);

impl<'de, T, A: DeserializeAs<'de, T>> DeserializeAs<'de, Nullable<T>> for NullableAs<A> {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<Nullable<T>, D::Error> {
        Opt::<A>::deserialize_as(deserializer).map(Nullable::from)
    }
}

/// A list whose items are read with `A`; `null` reads as an empty list.
pub struct Seq<A>(PhantomData<A>);

impl<'de, T, A: DeserializeAs<'de, T>> DeserializeAs<'de, Vec<T>> for Seq<A> {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
        struct V<T, A>(PhantomData<(T, A)>);
        impl<'de, T, A: DeserializeAs<'de, T>> Visitor<'de> for V<T, A> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list or null")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
                Ok(Vec::new())
            }
            fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
                Ok(Vec::new())
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
                d.deserialize_seq(self)
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Vec<T>, S::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(item) = seq.next_element_seed(Seed::<T, A>(PhantomData))? {
                    out.push(item);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_option(V::<T, A>(PhantomData))
    }
}

/// `null` reads as `T::default()`; a value is read with `A`.
pub struct OrDefault<A>(PhantomData<A>);

impl<'de, T: Default, A: DeserializeAs<'de, T>> DeserializeAs<'de, T> for OrDefault<A> {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        Opt::<A>::deserialize_as(deserializer).map(Option::unwrap_or_default)
    }
}

/// A `T` read with `A`, so adapters compose inside `Option` and lists.
struct With<T, A>(T, PhantomData<A>);

impl<'de, T, A: DeserializeAs<'de, T>> Deserialize<'de> for With<T, A> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        A::deserialize_as(deserializer).map(|v| With(v, PhantomData))
    }
}

struct Seed<T, A>(PhantomData<(T, A)>);

impl<'de, T, A: DeserializeAs<'de, T>> DeserializeSeed<'de> for Seed<T, A> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        A::deserialize_as(deserializer)
    }
}

/// Strategies the generated property tests use for leaf values.
#[cfg(test)]
pub(crate) mod arbitrary {
    use chrono::{FixedOffset, TimeZone};
    use proptest::prelude::*;

    use super::{DateTime, Nullable};

    /// Instants from 1970 to 2100 with offsets from -12:00 to +14:00 in quarter hours,
    /// some with milliseconds.
    pub(crate) fn date_time() -> BoxedStrategy<DateTime> {
        (
            0i64..4_102_444_800,
            -48i32..=56,
            prop::option::of(0u32..1000),
        )
            .prop_map(|(secs, quarters, millis)| {
                let offset = FixedOffset::east_opt(quarters * 900).expect("offset in range");
                offset
                    .timestamp_opt(secs, millis.unwrap_or(0) * 1_000_000)
                    .single()
                    .expect("valid instant")
            })
            .boxed()
    }

    /// Finite numbers (JSON has no NaN or infinity).
    pub(crate) fn number() -> BoxedStrategy<f64> {
        prop_oneof![
            any::<i32>().prop_map(f64::from),
            proptest::num::f64::NORMAL,
            Just(0.0),
        ]
        .boxed()
    }

    pub(crate) fn json_scalar() -> BoxedStrategy<serde_json::Value> {
        prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<String>().prop_map(serde_json::Value::from),
        ]
        .boxed()
    }

    /// Unknown fields; the `x_` prefix never collides with the spec's camelCase names.
    pub(crate) fn extra_fields() -> BoxedStrategy<serde_json::Map<String, serde_json::Value>> {
        proptest::collection::btree_map("x_[a-z]{1,6}", json_scalar(), 0..3)
            .prop_map(|map| map.into_iter().collect())
            .boxed()
    }

    pub(crate) fn nullable<T: std::fmt::Debug + Clone + 'static>(
        value: impl Strategy<Value = T> + 'static,
    ) -> BoxedStrategy<Nullable<T>> {
        prop_oneof![
            Just(Nullable::Omitted),
            Just(Nullable::Null),
            value.prop_map(Nullable::Value)
        ]
        .boxed()
    }
}
