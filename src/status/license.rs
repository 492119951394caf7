//! Widevine license status: the first field of a `GetEMMs.cgi` body.

use core::fmt;

/// A Widevine license status, the first field of a `GetEMMs.cgi` body.
///
/// A lossless newtype over `u32`: every value is a valid `LicenseStatus`,
/// known to the spec's table or not, and converts back unchanged.
///
/// ```
/// use getemms::LicenseStatus;
///
/// let status = LicenseStatus::from(600);
/// assert_eq!(u32::from(status), 600);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LicenseStatus(u32);

impl LicenseStatus {
    /// The status with this numeric code.
    #[inline]
    #[must_use]
    pub const fn new(code: u32) -> Self {
        Self(code)
    }

    /// The numeric code, as it travels on the wire.
    #[inline]
    #[must_use]
    pub const fn code(self) -> u32 {
        self.0
    }
}

impl From<u32> for LicenseStatus {
    #[inline]
    fn from(code: u32) -> Self {
        Self(code)
    }
}

impl From<LicenseStatus> for u32 {
    #[inline]
    fn from(status: LicenseStatus) -> Self {
        status.0
    }
}

impl fmt::Debug for LicenseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LicenseStatus({})", self.0)
    }
}

impl fmt::Display for LicenseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
