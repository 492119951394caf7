//! The two macros every table of [`crate::status`] is written with, one per
//! kind of table:
//!
//! - `code_table!`: a numeric code table (license, client, DCP status), a
//!   newtype over `u32` in the style of `http::StatusCode`;
//! - `vocabulary!`: a closed vocabulary of spec strings (package id and GUI
//!   statuses, FTP errors), an enum.
//!
//! Each takes the table as data, one line per spec row, and generates only
//! what must be per type (the type, its constants or variants, thin methods,
//! trait impls); the logic lives in the generic functions of `table` and
//! `vocabulary`, and the serde impls call the one `serde_impls` module.

/// Generates a numeric status newtype from its rows.
///
/// ```text
/// code_table! {
///     /// docs of the type
///     pub struct LicenseStatus in Table::LicenseStatus;
///     third_party: "remove text", "retain text";     // optional: the 512–768 / 769–999 rows
///     row: LicenseRow;                                // impl RowData
///     OK = 1 => row("OK, successful", Success);       // one line per spec row
/// }
/// ```
///
/// The first argument of each row constructor must be a string literal: it
/// becomes the constant's doc line. The rows must be sorted by code, each
/// code once (checked at compile time).
macro_rules! code_table {
    (
        $(#[$attr:meta])*
        pub struct $Type:ident in $table:expr;
        $(third_party: $remove:literal, $retain:literal;)?
        row: $Data:ty;
        $( $CONST:ident = $code:literal => $ctor:ident($doc:literal $(, $arg:expr)* $(,)?); )*
    ) => {
        $(#[$attr])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $Type(u32);

        impl $crate::status::table::CodeTable for $Type {
            type Data = $Data;
            const TABLE: $crate::status::Table = $table;
            const TYPE_NAME: &'static str = stringify!($Type);
            const RECORDS: &'static [$crate::status::table::Record<$Data>] = &[
                $( $crate::status::table::Record { code: $code, const_name: stringify!($CONST), data: $ctor($doc $(, $arg)*) }, )*
            ];
            const THIRD_PARTY: &'static [$crate::status::ThirdPartyRange] = &[$(
                $crate::status::ThirdPartyRange::new($crate::status::StoredLicenseAction::Remove, $remove),
                $crate::status::ThirdPartyRange::new($crate::status::StoredLicenseAction::Retain, $retain),
            )?];
        }

        const _: () = $crate::status::table::assert_strictly_ascending(
            <$Type as $crate::status::table::CodeTable>::RECORDS,
        );

        impl $Type {
            $(
                #[doc = concat!("`", stringify!($code), "`: ", $doc)]
                pub const $CONST: Self = Self($code);
            )*

            /// The name of this table, as errors report it.
            pub const TABLE: $crate::status::Table = $table;

            /// The status with this numeric code, known to the table or not.
            #[inline]
            #[must_use]
            pub const fn new(code: u32) -> Self {
                Self(code)
            }

            /// The numeric code.
            #[inline]
            #[must_use]
            pub const fn code(self) -> u32 {
                self.0
            }

            /// The stored row of this code, if it has one.
            #[inline]
            const fn record(self) -> Option<&'static $crate::status::table::Record<$Data>> {
                $crate::status::table::find(<Self as $crate::status::table::CodeTable>::RECORDS, self.0)
            }

            /// Whether the code has its own row in the table (third-party
            /// range codes and unlisted codes do not).
            #[inline]
            #[must_use]
            pub const fn is_known(self) -> bool {
                self.record().is_some()
            }

            /// The Rust name of the associated constant for this code
            #[doc = concat!("(`\"OK\"` for `", stringify!($Type), "::OK`),")]
            /// or `None` when the code has no row.
            #[must_use]
            pub const fn const_name(self) -> Option<&'static str> {
                match self.record() {
                    Some(record) => Some(record.const_name),
                    None => None,
                }
            }

            /// The row's primary name (see the module docs for what it is in
            /// this table), or `None` when the code has no row.
            #[must_use]
            pub fn name(self) -> Option<&'static str> {
                $crate::status::table::name(self)
            }

            /// The spec's text for the code: its row, or the text of the
            /// third-party range it falls in; `None` for a code the table
            /// does not list.
            #[must_use]
            pub fn description(self) -> Option<&'static str> {
                $crate::status::table::description(self)
            }

            /// Every row of the table, in ascending code order.
            ///
            /// Third-party ranges are not rows; see `third_party_ranges()`
            /// where the table has them.
            pub fn rows() -> impl ExactSizeIterator<Item = $crate::status::Row<Self>> + DoubleEndedIterator + Clone + 'static {
                $crate::status::table::rows()
            }

            /// Every code that answers to `name` (ASCII case-insensitive): the
            /// Rust constant name (with or without
            #[doc = concat!("a `", stringify!($Type), "::` prefix),")]
            /// the spec's name or text, or another listed spelling.
            ///
            /// Most names have exactly one code; the module docs list the
            /// names the spec gives to two. An unknown name yields nothing.
            pub fn codes_named(name: &str) -> impl Iterator<Item = Self> + Clone + '_ {
                $crate::status::table::codes_named(name)
            }
        }

        $(
            impl $Type {
                #[doc = concat!(
                    "A third-party status, checked to be in 512–999, for a proxy that refuses a\n",
                    "request with a code of its own.\n\n",
                    "# Errors\n",
                    "[`NameError::NotThirdParty`](crate::status::NameError::NotThirdParty) when `code` is outside 512–999.\n\n",
                    "```\n",
                    "use getemms::", stringify!($Type), ";\n",
                    "use getemms::status::NameError;\n\n",
                    "assert_eq!(", stringify!($Type), "::third_party(600), Ok(", stringify!($Type), "::new(600)));\n",
                    "assert_eq!(", stringify!($Type), "::third_party(999), Ok(", stringify!($Type), "::new(999)));\n",
                    "assert_eq!(", stringify!($Type), "::third_party(511), Err(NameError::NotThirdParty { code: 511 }));\n",
                    "assert_eq!(", stringify!($Type), "::third_party(1000), Err(NameError::NotThirdParty { code: 1000 }));\n",
                    "```",
                )]
                pub const fn third_party(code: u32) -> Result<Self, $crate::status::NameError> {
                    match $crate::status::StoredLicenseAction::for_code(code) {
                        Some(_) => Ok(Self(code)),
                        None => Err($crate::status::NameError::NotThirdParty { code }),
                    }
                }

                #[doc = concat!("The spec's two third-party range rows, 512–768 (\"", $remove, "\") then 769–999.")]
                #[must_use]
                pub fn third_party_ranges() -> &'static [$crate::status::ThirdPartyRange] {
                    <Self as $crate::status::table::CodeTable>::THIRD_PARTY
                }

                /// Whether the code is in 512–999, defined by a third party.
                #[inline]
                #[must_use]
                pub const fn is_third_party(self) -> bool {
                    $crate::status::StoredLicenseAction::for_code(self.0).is_some()
                }

                /// What the client does with its stored license on this code: `Remove`
                /// for 512–768, `Retain` for 769–999, `None` for every other code.
                #[inline]
                #[must_use]
                pub const fn stored_license_action(self) -> Option<$crate::status::StoredLicenseAction> {
                    $crate::status::StoredLicenseAction::for_code(self.0)
                }
            }
        )?

        impl From<u32> for $Type {
            #[inline]
            fn from(code: u32) -> Self {
                Self(code)
            }
        }

        impl From<$Type> for u32 {
            #[inline]
            fn from(status: $Type) -> Self {
                status.0
            }
        }

        /// The constant's path when the code has a row
        #[doc = concat!("(`", stringify!($Type), "::OK`), else the number (`", stringify!($Type), "(1234)`).")]
        impl core::fmt::Debug for $Type {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                $crate::status::table::fmt_debug(*self, f)
            }
        }

        /// The code followed by the spec's text in parentheses, or the bare
        /// code when the table has no text for it.
        impl core::fmt::Display for $Type {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                $crate::status::table::fmt_display(*self, f)
            }
        }

        /// Parses a decimal code (any `u32`, known or not) or a name that
        /// answers to exactly one code (see `codes_named`).
        ///
        /// # Errors
        /// [`NameError::Unknown`](crate::status::NameError::Unknown) when the
        /// input is neither a `u32` nor a name of the table;
        /// [`NameError::Ambiguous`](crate::status::NameError::Ambiguous) when
        /// the name stands for two codes.
        impl core::str::FromStr for $Type {
            type Err = $crate::status::NameError;

            fn from_str(input: &str) -> Result<Self, Self::Err> {
                $crate::status::table::parse(input)
            }
        }

        /// Serializes as the bare code, a `u32`.
        #[cfg(feature = "serde")]
        impl serde::Serialize for $Type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_u32(self.0)
            }
        }

        /// Deserializes from a `u32` code, known to the table or not.
        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $Type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::status::serde_impls::deserialize_code(deserializer)
            }
        }
    };
}

/// Generates a closed vocabulary of spec strings: the enum, `rows()` (its
/// values in spec order), `as_str`, `from_name`, `Display`, `FromStr` and
/// (with the `serde` feature) serde as the spec string.
///
/// ```text
/// vocabulary! {
///     /// docs of the type
///     pub enum IdStatus in Table::PackageIdStatus;
///     Queued = "queued";                                      // one line per value
/// }
/// vocabulary! {
///     pub enum FtpError in Table::FtpError;
///     row: FtpRow;                                            // optional: more columns
///     NeedAccount = "Need account for storing files" => FtpRow::new(ReplyCode::Code(532), &[]);
/// }
/// ```
///
/// With `row: T`, each value carries the expression after `=>` (a constant
/// `T`), returned by the private `const fn spec_row(self) -> T`.
macro_rules! vocabulary {
    (
        $(#[$attr:meta])*
        pub enum $Type:ident in $table:expr;
        row: $Row:ty;
        $( $(#[$meta:meta])* $Variant:ident = $text:literal => $row:expr; )*
    ) => {
        $crate::status::macros::vocabulary! {
            $(#[$attr])*
            pub enum $Type in $table;
            $( $(#[$meta])* $Variant = $text; )*
        }

        impl $Type {
            /// The other columns of this value's row.
            const fn spec_row(self) -> $Row {
                match self {
                    $( Self::$Variant => $row, )*
                }
            }
        }
    };
    (
        $(#[$attr:meta])*
        pub enum $Type:ident in $table:expr;
        $( $(#[$meta:meta])* $Variant:ident = $text:literal; )*
    ) => {
        $(#[$attr])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub enum $Type {
            $(
                #[doc = concat!("\"", $text, "\"")]
                $(#[$meta])*
                $Variant,
            )*
        }

        impl $crate::status::vocabulary::Vocabulary for $Type {
            const TABLE: $crate::status::Table = $table;
            const VALUES: &'static [Self] = &[$(Self::$Variant),*];

            fn as_str(self) -> &'static str {
                Self::as_str(self)
            }

            fn from_name(name: &str) -> Option<Self> {
                Self::from_name(name)
            }
        }

        impl $Type {
            /// Every value, in the order of the spec's table.
            pub fn rows() -> impl ExactSizeIterator<Item = Self> + DoubleEndedIterator + Clone + 'static {
                $crate::status::vocabulary::values()
            }

            /// The string exactly as the spec spells it.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$Variant => $text,)*
                }
            }

            /// The value spelled exactly `name` (case-sensitive, no trimming).
            #[must_use]
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($text => Some(Self::$Variant),)*
                    _ => None,
                }
            }
        }

        impl core::fmt::Display for $Type {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.pad(self.as_str())
            }
        }

        /// Reads the value spelled exactly as in the spec.
        ///
        /// # Errors
        /// [`NameError::Unknown`](crate::status::NameError::Unknown) for any
        /// other string.
        impl core::str::FromStr for $Type {
            type Err = $crate::status::NameError;

            fn from_str(name: &str) -> Result<Self, Self::Err> {
                $crate::status::vocabulary::parse(name)
            }
        }

        /// Serializes as the spec's string.
        #[cfg(feature = "serde")]
        impl serde::Serialize for $Type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        /// Deserializes from the spec's string, exactly.
        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $Type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::status::serde_impls::deserialize_spec_string(deserializer, $table)
            }
        }
    };
}

pub(crate) use code_table;
pub(crate) use vocabulary;
