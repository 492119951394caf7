//! The one macro every code table of [`crate::status`] is generated from.
//!
//! A table is written once, as a list of rows (`CONST = code => ctor(...)`);
//! [`status_table!`] turns that list into the newtype, its associated
//! constants, the sorted row slice, the lookups (`description`, `name`,
//! `const_name`), `known()`, `codes_named()`, `Debug`, `Display`, `FromStr`,
//! the `u32` conversions and the optional serde impls. Each table module adds
//! only what is its own (categories, third-party ranges, sources).
//!
//! Guarantees of the generated code: no allocation, no panic on any `u32` or
//! any string, and the rows are checked at compile time to be sorted by code
//! with no code twice (so a code has at most one row, and binary search is
//! exact).

/// One row of a table, as stored: the code, the Rust constant name and the
/// table-specific data `T`.
pub(crate) struct Row<T: 'static> {
    pub(crate) code: u32,
    pub(crate) const_name: &'static str,
    pub(crate) data: T,
}

/// What every table-specific row type must say about itself.
pub(crate) trait RowData: 'static {
    /// The spec's text for the row.
    fn description(&'static self) -> &'static str;

    /// The row's primary name, when it is not the Rust constant name.
    fn name(&'static self) -> Option<&'static str> {
        None
    }

    /// Further spellings the row answers to in `FromStr` (other spec names,
    /// later-SDK names), returned as the table spells them.
    fn other_spelling(&'static self, _candidate: &str) -> Option<&'static str> {
        None
    }
}

impl<T: RowData> Row<T> {
    /// The row's primary name: its own, or else the Rust constant name.
    pub(crate) fn name(&'static self) -> &'static str {
        self.data.name().unwrap_or(self.const_name)
    }

    /// The table's spelling of `candidate` if this row answers to it
    /// (ASCII case-insensitive): the Rust constant name, the primary name,
    /// the description, or one of the row's other spellings.
    pub(crate) fn answers_to(&'static self, candidate: &str) -> Option<&'static str> {
        [self.const_name, self.name(), self.data.description()]
            .into_iter()
            .find(|spelling| spelling.eq_ignore_ascii_case(candidate))
            .or_else(|| self.data.other_spelling(candidate))
    }
}

/// `input` without a leading `prefix` (`"LicenseStatus::"`), compared ASCII
/// case-insensitively like the names themselves.
pub(crate) fn strip_type_prefix<'a>(input: &'a str, prefix: &str) -> &'a str {
    match (input.get(..prefix.len()), input.get(prefix.len()..)) {
        (Some(head), Some(rest)) if head.eq_ignore_ascii_case(prefix) => rest,
        _ => input,
    }
}

/// Fails the build when `rows` is not strictly ascending by code.
pub(crate) const fn assert_strictly_ascending<T>(rows: &[Row<T>]) {
    let mut i = 1;
    while i < rows.len() {
        assert!(
            rows[i - 1].code < rows[i].code,
            "status table rows must be sorted by code, each code once"
        );
        i += 1;
    }
}

/// The row for `code`, by binary search over rows sorted by code.
pub(crate) const fn find<T>(rows: &'static [Row<T>], code: u32) -> Option<&'static Row<T>> {
    let (mut low, mut high) = (0, rows.len());
    while low < high {
        let mid = low + (high - low) / 2;
        // `mid < high <= rows.len()`: in bounds.
        let row = &rows[mid];
        if row.code == code {
            return Some(row);
        } else if row.code < code {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    None
}

/// Generates a status newtype and everything derived from its rows.
///
/// ```text
/// status_table! {
///     /// docs of the type
///     pub struct LicenseStatus;
///     table: Table::LicenseStatus;        // for errors and docs
///     row: LicenseRow;                   // the table-specific row data, impl RowData
///     third_party: &THIRD_PARTY;         // &'static [ThirdPartyRange], `&[]` if none
///     rows: [
///         OK = 1 => row("OK, successful", Success);
///     ]
/// }
/// ```
///
/// The first argument of each row constructor must be a string literal: it
/// becomes the constant's doc line.
macro_rules! status_table {
    (
        $(#[$attr:meta])*
        pub struct $Type:ident;
        table: $table:expr;
        row: $Row:ty;
        third_party: $third_party:expr;
        rows: [
            $(
                $CONST:ident = $code:literal => $ctor:ident($doc:literal $(, $arg:expr)* $(,)?);
            )*
        ]
    ) => {
        $(#[$attr])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $Type(u32);

        /// The table, sorted by code (checked at compile time below).
        const ROWS: &[$crate::status::table::Row<$Row>] = &[
            $(
                $crate::status::table::Row {
                    code: $code,
                    const_name: stringify!($CONST),
                    data: $ctor($doc $(, $arg)*),
                },
            )*
        ];

        const _: () = $crate::status::table::assert_strictly_ascending(ROWS);

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

            #[inline]
            const fn row(self) -> Option<&'static $crate::status::table::Row<$Row>> {
                $crate::status::table::find(ROWS, self.0)
            }

            /// Whether the code has its own row in the table (third-party
            /// range codes and unlisted codes do not).
            #[inline]
            #[must_use]
            pub const fn is_known(self) -> bool {
                self.row().is_some()
            }

            /// The Rust name of the associated constant for this code
            #[doc = concat!("(`\"OK\"` for `", stringify!($Type), "::OK`),")]
            /// or `None` when the code has no row.
            #[must_use]
            pub const fn const_name(self) -> Option<&'static str> {
                match self.row() {
                    Some(row) => Some(row.const_name),
                    None => None,
                }
            }

            /// The row's primary name (see the module docs for what it is in
            /// this table), or `None` when the code has no row.
            #[must_use]
            pub fn name(self) -> Option<&'static str> {
                self.row().map(|row| row.name())
            }

            /// The spec's text for the code: its row, or the text of the
            /// third-party range it falls in; `None` for a code the table
            /// does not list.
            #[must_use]
            pub fn description(self) -> Option<&'static str> {
                use $crate::status::table::RowData as _;
                match self.row() {
                    Some(row) => Some(row.data.description()),
                    None => $crate::status::ThirdPartyRange::find($third_party, self.0)
                        .map(|range| range.description()),
                }
            }

            /// Every row of the table, in ascending code order.
            ///
            /// Third-party ranges are not rows; see `third_party_ranges()`
            /// where the table has them.
            pub fn known() -> impl ExactSizeIterator<Item = $crate::status::Entry<Self>>
                + DoubleEndedIterator
                + Clone
                + 'static {
                use $crate::status::table::RowData as _;
                ROWS.iter().map(|row| {
                    $crate::status::Entry::new(
                        Self(row.code),
                        row.const_name,
                        row.name(),
                        row.data.description(),
                    )
                })
            }

            /// Every code that answers to `name` (ASCII case-insensitive): the
            /// Rust constant name (with or without
            #[doc = concat!("a `", stringify!($Type), "::` prefix),")]
            /// the spec's name or text, or another listed spelling.
            ///
            /// Most names have exactly one code; the module docs list the
            /// names the spec gives to two. An unknown name yields nothing.
            pub fn codes_named(name: &str) -> impl Iterator<Item = Self> + Clone + '_ {
                let name = $crate::status::table::strip_type_prefix(
                    name,
                    concat!(stringify!($Type), "::"),
                );
                ROWS.iter()
                    .filter(move |row| row.answers_to(name).is_some())
                    .map(|row| Self(row.code))
            }
        }

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
                match self.const_name() {
                    Some(name) => write!(f, concat!(stringify!($Type), "::{}"), name),
                    None => write!(f, concat!(stringify!($Type), "({})"), self.0),
                }
            }
        }

        /// The code followed by the spec's text in parentheses, or the bare
        /// code when the table has no text for it.
        impl core::fmt::Display for $Type {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.description() {
                    Some(text) => write!(f, "{} ({})", self.0, text),
                    None => write!(f, "{}", self.0),
                }
            }
        }

        /// Parses a decimal code (any `u32`, known or not) or a name that
        /// answers to exactly one code (see `codes_named`).
        ///
        /// # Errors
        /// [`Error::UnknownName`](crate::Error::UnknownName) when the input
        /// is neither a `u32` nor a name of the table;
        /// [`Error::AmbiguousName`](crate::Error::AmbiguousName) when the
        /// name stands for two codes.
        impl core::str::FromStr for $Type {
            type Err = $crate::Error;

            fn from_str(input: &str) -> Result<Self, Self::Err> {
                if let Ok(code) = input.parse::<u32>() {
                    return Ok(Self(code));
                }
                let name = $crate::status::table::strip_type_prefix(
                    input,
                    concat!(stringify!($Type), "::"),
                );
                let mut matches = ROWS
                    .iter()
                    .filter_map(|row| row.answers_to(name).map(|spelling| (row.code, spelling)));
                match (matches.next(), matches.next()) {
                    (Some((code, _)), None) => Ok(Self(code)),
                    (Some((first, spelling)), Some((second, _))) => {
                        Err($crate::Error::AmbiguousName {
                            table: $table,
                            name: spelling,
                            codes: [first, second],
                        })
                    }
                    (None, _) => Err($crate::Error::UnknownName { table: $table }),
                }
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $Type {
            /// Serializes as the bare code, a `u32`.
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_u32(self.0)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $Type {
            /// Deserializes from a `u32` code, known to the table or not.
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <u32 as serde::Deserialize>::deserialize(deserializer).map(Self)
            }
        }
    };
}

pub(crate) use status_table;

/// The third-party methods shared by the two tables whose spec has the
/// 512–768 / 769–999 rows (license and client status). Expects a
/// `THIRD_PARTY: [ThirdPartyRange; 2]` in the calling module.
macro_rules! third_party_methods {
    ($Type:ident) => {
        impl $Type {
            #[doc = concat!(
                "A third-party status, checked to be in 512–999, for a proxy that refuses a\n",
                "request with a code of its own.\n\n",
                "# Errors\n",
                "[`Error::NotThirdParty`](crate::Error::NotThirdParty) when `code` is outside 512–999.\n\n",
                "```\n",
                "use getemms::{Error, ", stringify!($Type), "};\n\n",
                "assert_eq!(", stringify!($Type), "::third_party(600), Ok(", stringify!($Type), "::new(600)));\n",
                "assert_eq!(", stringify!($Type), "::third_party(999), Ok(", stringify!($Type), "::new(999)));\n",
                "assert_eq!(", stringify!($Type), "::third_party(511), Err(Error::NotThirdParty { code: 511 }));\n",
                "assert_eq!(", stringify!($Type), "::third_party(1000), Err(Error::NotThirdParty { code: 1000 }));\n",
                "```",
            )]
            pub const fn third_party(code: u32) -> Result<Self, $crate::Error> {
                match $crate::status::StoredLicenseAction::for_code(code) {
                    Some(_) => Ok(Self(code)),
                    None => Err($crate::Error::NotThirdParty { code }),
                }
            }

            /// The spec's two third-party range rows, 512–768 then 769–999.
            #[must_use]
            pub fn third_party_ranges() -> &'static [$crate::status::ThirdPartyRange] {
                &THIRD_PARTY
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
    };
}
pub(crate) use third_party_methods;
