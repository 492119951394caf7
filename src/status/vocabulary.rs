//! What every closed vocabulary of spec strings shares (the
//! [`Vocabulary`] trait that `vocabulary!` implements, and the generic
//! functions its thin methods call), and [`Reported`], the one lossless
//! wrapper that keeps a string the vocabulary does not know.
//!
//! Guarantees: names are matched exactly as the spec spells them
//! (case-sensitive, no trimming); [`Reported::parse`] never fails and keeps
//! an unrecognised string verbatim, borrowed; nothing allocates or panics.

use core::fmt;

use super::{NameError, Table};

/// A closed vocabulary of spec strings, as `vocabulary!` implements it.
///
/// Public in name only, so that it may bound [`Reported`]'s methods: the
/// module is private, so the trait cannot be named or implemented outside
/// the crate.
pub trait Vocabulary: Copy + 'static {
    /// The table, for errors.
    const TABLE: Table;
    /// Every value, in spec order.
    const VALUES: &'static [Self];
    /// The string exactly as the spec spells it.
    fn as_str(self) -> &'static str;
    /// The value spelled exactly `name`.
    fn from_name(name: &str) -> Option<Self>;
}

/// Every value of `T`, in spec order.
pub(crate) fn values<T: Vocabulary>()
-> impl ExactSizeIterator<Item = T> + DoubleEndedIterator + Clone + 'static {
    T::VALUES.iter().copied()
}

/// The value spelled exactly `name`, or [`NameError::Unknown`].
pub(crate) fn parse<T: Vocabulary>(name: &str) -> Result<T, NameError> {
    T::from_name(name).ok_or(NameError::Unknown { table: T::TABLE })
}

/// A value of a closed vocabulary as a server reported it: recognised, or
/// kept verbatim.
///
/// [`PackageStatus`](super::PackageStatus) and
/// [`PackageGuiStatus`](super::PackageGuiStatus) are its two uses.
///
/// ```
/// use getemms::status::{IdStatus, PackageStatus, Reported};
///
/// assert_eq!(PackageStatus::parse("canceled"), Reported::Recognized(IdStatus::Canceled));
/// // Not the spec's spelling: kept, not rejected.
/// let odd = PackageStatus::parse(" Canceled");
/// assert_eq!(odd, Reported::Unrecognized(" Canceled"));
/// assert_eq!(odd.recognized(), None);
/// assert_eq!(odd.to_string(), " Canceled");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Reported<'a, T> {
    /// A value spelled exactly as in the spec.
    Recognized(T),
    /// Any other string, kept exactly as it came (not trimmed, not
    /// case-folded).
    Unrecognized(&'a str),
}

impl<'a, T: Vocabulary> Reported<'a, T> {
    /// Reads a reported string. Never fails: a string that is not spelled
    /// exactly as in the spec is kept as `Unrecognized`.
    #[must_use]
    pub fn parse(text: &'a str) -> Self {
        match T::from_name(text) {
            Some(value) => Self::Recognized(value),
            None => Self::Unrecognized(text),
        }
    }

    /// The recognised value, if the text was spelled as in the spec.
    #[must_use]
    pub const fn recognized(self) -> Option<T> {
        match self {
            Self::Recognized(value) => Some(value),
            Self::Unrecognized(_) => None,
        }
    }

    /// The text, exactly as it came (or the spec's spelling).
    #[must_use]
    pub fn as_str(self) -> &'a str {
        match self {
            Self::Recognized(value) => value.as_str(),
            Self::Unrecognized(text) => text,
        }
    }
}

impl<'a, T: Vocabulary> From<&'a str> for Reported<'a, T> {
    fn from(text: &'a str) -> Self {
        Self::parse(text)
    }
}

impl<T: Vocabulary> From<T> for Reported<'_, T> {
    fn from(value: T) -> Self {
        Self::Recognized(value)
    }
}

/// The text, exactly as it came (or the spec's spelling).
impl<T: Vocabulary> fmt::Display for Reported<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}
