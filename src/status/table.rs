//! What every numeric code table of [`crate::status`] shares: the stored
//! [`Record`], the public [`Row`] view, and the generic functions that the
//! `code_table!` macro's thin methods and impls call (look-up, name parsing,
//! `Debug`, `Display`, enumeration).
//!
//! Guarantees: no allocation, no panic on any `u32` or any string; the
//! records of a table are checked at compile time to be sorted by code with
//! no code twice ([`assert_strictly_ascending`]), so a code has at most one
//! row and binary search ([`find`]) is exact.

use core::fmt;

use super::{NameError, Table, ThirdPartyRange};

/// One row of a table, as stored: the code, the Rust constant name and the
/// table-specific data `T`.
pub(crate) struct Record<T: 'static> {
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

impl<T: RowData> Record<T> {
    /// The row's primary name: its own, or else the Rust constant name.
    fn name(&'static self) -> &'static str {
        self.data.name().unwrap_or(self.const_name)
    }

    /// The table's spelling of `candidate` if this row answers to it
    /// (ASCII case-insensitive): the Rust constant name, the primary name,
    /// the description, or one of the row's other spellings.
    fn answers_to(&'static self, candidate: &str) -> Option<&'static str> {
        [self.const_name, self.name(), self.data.description()]
            .into_iter()
            .find(|spelling| spelling.eq_ignore_ascii_case(candidate))
            .or_else(|| self.data.other_spelling(candidate))
    }
}

/// A numeric code table, as `code_table!` implements it for its newtype.
pub(crate) trait CodeTable: Copy + From<u32> + Into<u32> + 'static {
    /// The table-specific row data.
    type Data: RowData;
    /// The table, for errors.
    const TABLE: Table;
    /// The Rust type name, for `Debug` and the optional `Type::` prefix.
    const TYPE_NAME: &'static str;
    /// The rows, sorted by code.
    const RECORDS: &'static [Record<Self::Data>];
    /// The third-party range rows, empty when the table has none.
    const THIRD_PARTY: &'static [ThirdPartyRange];
}

/// Fails the build when `records` is not strictly ascending by code.
pub(crate) const fn assert_strictly_ascending<T>(records: &[Record<T>]) {
    let mut i = 1;
    while i < records.len() {
        assert!(
            records[i - 1].code < records[i].code,
            "status table rows must be sorted by code, each code once"
        );
        i += 1;
    }
}

/// The record for `code`, by binary search over records sorted by code.
pub(crate) const fn find<T>(
    records: &'static [Record<T>],
    code: u32,
) -> Option<&'static Record<T>> {
    let (mut low, mut high) = (0, records.len());
    while low < high {
        let mid = low + (high - low) / 2;
        // `mid < high <= records.len()`: in bounds.
        let record = &records[mid];
        // Each boundary once: below, above, else the code itself.
        if record.code < code {
            low = mid + 1;
        } else if record.code > code {
            high = mid;
        } else {
            return Some(record);
        }
    }
    None
}

/// The record for `status`'s code.
fn record<T: CodeTable>(status: T) -> Option<&'static Record<T::Data>> {
    find(T::RECORDS, status.into())
}

/// The row's primary name, or `None` when the code has no row.
pub(crate) fn name<T: CodeTable>(status: T) -> Option<&'static str> {
    record(status).map(Record::name)
}

/// The row's text, or else the text of the third-party range the code is in.
pub(crate) fn description<T: CodeTable>(status: T) -> Option<&'static str> {
    let code = status.into();
    match record(status) {
        Some(record) => Some(record.data.description()),
        None => T::THIRD_PARTY
            .iter()
            .find(|range| range.contains(code))
            .map(ThirdPartyRange::description),
    }
}

/// Every row of the table, in ascending code order.
pub(crate) fn rows<T: CodeTable>()
-> impl ExactSizeIterator<Item = Row<T>> + DoubleEndedIterator + Clone + 'static {
    T::RECORDS.iter().map(|record| Row {
        status: T::from(record.code),
        const_name: record.const_name,
        name: record.name(),
        description: record.data.description(),
    })
}

/// `input` without a leading `Type::` prefix, compared ASCII
/// case-insensitively like the names themselves.
fn strip_type_prefix<T: CodeTable>(input: &str) -> &str {
    let prefix = T::TYPE_NAME;
    match (input.get(..prefix.len()), input.get(prefix.len()..)) {
        (Some(head), Some(rest)) if head.eq_ignore_ascii_case(prefix) => {
            rest.strip_prefix("::").unwrap_or(input)
        }
        _ => input,
    }
}

/// Every record that answers to `name`, with the table's spelling of it.
fn named<T: CodeTable>(name: &str) -> impl Iterator<Item = (u32, &'static str)> + Clone + '_ {
    let name = strip_type_prefix::<T>(name);
    T::RECORDS.iter().filter_map(move |record| {
        record
            .answers_to(name)
            .map(|spelling| (record.code, spelling))
    })
}

/// Every code that answers to `name`.
pub(crate) fn codes_named<T: CodeTable>(name: &str) -> impl Iterator<Item = T> + Clone + '_ {
    named::<T>(name).map(|(code, _)| T::from(code))
}

/// A decimal code, or a name that answers to exactly one code.
pub(crate) fn parse<T: CodeTable>(input: &str) -> Result<T, NameError> {
    if let Ok(code) = input.parse::<u32>() {
        return Ok(T::from(code));
    }
    let mut matches = named::<T>(input);
    match (matches.next(), matches.next()) {
        (Some((code, _)), None) => Ok(T::from(code)),
        (Some((first, name)), Some((second, _))) => Err(NameError::Ambiguous {
            table: T::TABLE,
            name,
            codes: [first, second],
        }),
        (None, _) => Err(NameError::Unknown { table: T::TABLE }),
    }
}

/// `Type::CONST` when the code has a row, else `Type(1234)`.
pub(crate) fn fmt_debug<T: CodeTable>(status: T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let code: u32 = status.into();
    match record(status) {
        Some(record) => write!(f, "{}::{}", T::TYPE_NAME, record.const_name),
        None => write!(f, "{}({code})", T::TYPE_NAME),
    }
}

/// The code followed by the spec's text in parentheses, or the bare code.
pub(crate) fn fmt_display<T: CodeTable>(status: T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let code: u32 = status.into();
    match description(status) {
        Some(text) => write!(f, "{code} ({text})"),
        None => write!(f, "{code}"),
    }
}

/// One row of a numeric status table, as the tables' `rows()` iterators
/// yield it.
///
/// ```
/// use getemms::LicenseStatus;
///
/// let row = LicenseStatus::rows().nth(2).unwrap();
/// assert_eq!(row.code(), 2);
/// assert_eq!(row.status(), LicenseStatus::ASSET_NOT_FOUND);
/// assert_eq!(row.const_name(), "ASSET_NOT_FOUND");
/// assert_eq!(row.description(), "Server-side database error: Asset not found");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Row<S> {
    status: S,
    const_name: &'static str,
    name: &'static str,
    description: &'static str,
}

impl<S: Copy> Row<S> {
    /// The status this row describes.
    #[must_use]
    pub const fn status(&self) -> S {
        self.status
    }

    /// The Rust name of the status's associated constant (`"ASSET_NOT_FOUND"`).
    #[must_use]
    pub const fn const_name(&self) -> &'static str {
        self.const_name
    }

    /// The row's primary name: the spec's name where the table has a name
    /// column (`"WVMKStatus_Tamper_Detected"`), else the constant name.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The spec's text for the row, exactly as the spec spells it.
    #[must_use]
    pub const fn description(&self) -> &'static str {
        self.description
    }
}

impl<S: Copy + Into<u32>> Row<S> {
    /// The numeric code.
    #[must_use]
    pub fn code(&self) -> u32 {
        self.status.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn record(code: u32) -> Record<()> {
        Record {
            code,
            const_name: "ROW",
            data: (),
        }
    }

    static SORTED: [Record<()>; 5] = [record(1), record(3), record(4), record(512), record(1008)];

    #[test]
    fn test_find_gets_every_code_and_no_other() {
        for (index, row) in SORTED.iter().enumerate() {
            assert!(core::ptr::eq(
                find(&SORTED, row.code).unwrap(),
                &SORTED[index]
            ));
        }
        for absent in [0, 2, 5, 511, 513, 1007, 1009, u32::MAX] {
            assert!(find(&SORTED, absent).is_none(), "{absent}");
        }
        assert!(find::<()>(&[], 1).is_none());
    }

    #[test]
    fn test_sorted_rows_pass_the_build_check() {
        assert_strictly_ascending(&SORTED);
        assert_strictly_ascending(&SORTED[..1]);
        assert_strictly_ascending::<()>(&[]);
    }

    #[test]
    #[should_panic(expected = "sorted by code, each code once")]
    fn test_rows_out_of_order_fail_the_build_check() {
        assert_strictly_ascending(&[record(1), record(4), record(3)]);
    }

    #[test]
    #[should_panic(expected = "sorted by code, each code once")]
    fn test_a_code_twice_fails_the_build_check() {
        assert_strictly_ascending(&[record(1), record(3), record(3)]);
    }
}
