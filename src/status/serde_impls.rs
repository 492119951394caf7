//! serde for the status types, behind the `serde` feature, in one place:
//! numeric codes are bare `u32`s (known to their table or not); every string
//! table (package statuses, FTP errors, the FTP error code column) is the
//! spec's string, read back through the one [`SpecString`] visitor over
//! `FromStr`. [`Reported`] keeps an unrecognised string only when the
//! deserializer can lend it, since nothing here allocates.

use core::fmt;
use core::marker::PhantomData;
use core::str::FromStr;

use serde::de::{Unexpected, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::vocabulary::{Reported, Vocabulary};
use super::{ReplyCode, Table};

/// A numeric code, known to the table or not.
pub(crate) fn deserialize_code<'de, D: Deserializer<'de>, T: From<u32>>(
    deserializer: D,
) -> Result<T, D::Error> {
    u32::deserialize(deserializer).map(T::from)
}

/// A string of `table`, spelled exactly as `T::from_str` reads it.
pub(crate) fn deserialize_spec_string<'de, D: Deserializer<'de>, T: FromStr>(
    deserializer: D,
    table: Table,
) -> Result<T, D::Error> {
    deserializer.deserialize_str(SpecString(table, PhantomData))
}

/// Reads a `T` from a string of `table` through its `FromStr`.
struct SpecString<T>(Table, PhantomData<T>);

impl<T: FromStr> Visitor<'_> for SpecString<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a name from the {} table", self.0)
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
        text.parse()
            .map_err(|_| E::invalid_value(Unexpected::Str(text), &self))
    }
}

/// As the spec spells it: `425`, `NA`, `n/a`, `5XX`.
impl Serialize for ReplyCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// From the spec's spelling, exactly.
impl<'de> Deserialize<'de> for ReplyCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_spec_string(deserializer, Table::FtpErrorCode)
    }
}

/// The text, exactly as it came (or the spec's spelling).
impl<T: Vocabulary> Serialize for Reported<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A recognised name deserializes from any string; an unrecognised one is
/// kept only when the deserializer can lend the input's own string (e.g.
/// `serde_json::from_str` without escapes), since nothing here allocates.
impl<'de, T: Vocabulary> Deserialize<'de> for Reported<'de, T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Lossless<T>(PhantomData<T>);

        impl<'de, T: Vocabulary> Visitor<'de> for Lossless<T> {
            type Value = Reported<'de, T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a {} (a borrowed string when unrecognised)", T::TABLE)
            }

            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                text: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(Reported::parse(text))
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
                T::from_name(text)
                    .map(Reported::Recognized)
                    .ok_or_else(|| E::invalid_value(Unexpected::Str(text), &self))
            }
        }

        deserializer.deserialize_str(Lossless(PhantomData))
    }
}
