//! The errors of the status tables: [`NameError`] for name look-ups and
//! third-party codes, [`ReplyLineError`] for FTP reply lines, and [`Table`],
//! which names the table a look-up searched.
//!
//! Both errors are small, `Copy` and allocation-free, and their `Display` is
//! one line that says what was expected, what came, and where.

use core::fmt;

/// A table of the spec, as [`NameError`] names it.
///
/// One byte, so that the errors that carry it stay small.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Table {
    /// Widevine license status ([`LicenseStatus`](super::LicenseStatus)).
    LicenseStatus,
    /// Widevine client status ([`ClientStatus`](super::ClientStatus)).
    ClientStatus,
    /// DCP error codes ([`DcpStatus`](super::DcpStatus)).
    DcpError,
    /// VOD Dealer package status, as a query by id returns it
    /// ([`IdStatus`](super::IdStatus)).
    PackageIdStatus,
    /// VOD Dealer package status, as a query by name returns it
    /// ([`GuiStatus`](super::GuiStatus)).
    PackageGuiStatus,
    /// VOD Dealer FTP errors, by description ([`FtpError`](super::FtpError)).
    FtpError,
    /// The "FTP Error Code" column ([`ReplyCode`](super::ReplyCode)).
    FtpErrorCode,
}

const _: () = assert!(core::mem::size_of::<Table>() == 1);

impl Table {
    /// The table's name in words, as error messages print it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Table::LicenseStatus => "license status",
            Table::ClientStatus => "client status",
            Table::DcpError => "DCP error",
            Table::PackageIdStatus => "VOD Dealer package status (query by id)",
            Table::PackageGuiStatus => "VOD Dealer package status (query by name)",
            Table::FtpError => "VOD Dealer FTP error",
            Table::FtpErrorCode => "VOD Dealer FTP error code (NA, n/a, 5XX or three digits)",
        }
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A name that does not stand for exactly one value of a table, or a code
/// asked for as third-party that is not: what every table's `FromStr` and
/// `third_party()` return.
///
/// ```
/// use getemms::ClientStatus;
/// use getemms::status::{NameError, Table};
///
/// assert_eq!(
///     "WVMKStatus_Nope".parse::<ClientStatus>(),
///     Err(NameError::Unknown { table: Table::ClientStatus })
/// );
/// assert_eq!(
///     ClientStatus::third_party(1000).unwrap_err().to_string(),
///     "not a third-party status: expected a code in 512..=768 (remove stored \
///      license) or 769..=999 (retain it), got 1000"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameError {
    /// A name is not in the table.
    Unknown {
        /// The table that was searched.
        table: Table,
    },
    /// A name stands for two codes in the spec, and the caller must choose
    /// (`codes_named()` lists them).
    Ambiguous {
        /// The table that was searched.
        table: Table,
        /// The name, as the spec spells it.
        name: &'static str,
        /// The two codes the spec gives the name.
        codes: [u32; 2],
    },
    /// A third-party status was asked for outside 512–999.
    NotThirdParty {
        /// The code that was given.
        code: u32,
    },
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            NameError::Unknown { table } => {
                write!(f, "unknown name: expected a name from the {table} table")
            }
            NameError::Ambiguous { table, name, codes } => write!(
                f,
                "ambiguous name: {name} stands for both {} and {} in the {table} table; \
                 choose by code",
                codes[0], codes[1]
            ),
            NameError::NotThirdParty { code } => write!(
                f,
                "not a third-party status: expected a code in 512..=768 (remove stored \
                 license) or 769..=999 (retain it), got {code}"
            ),
        }
    }
}

impl core::error::Error for NameError {}

/// An FTP reply line that is not `NNN text`, `NNN-text` or a bare `NNN`
/// (RFC 959 section 4.2), optionally ended by `\r\n` or `\n`: what
/// [`ReplyLine::parse`](super::ReplyLine::parse) returns.
///
/// ```
/// use getemms::status::ReplyLine;
///
/// let error = ReplyLine::parse("425x").unwrap_err();
/// assert_eq!((error.offset(), error.found()), (3, Some(b'x')));
/// assert_eq!(
///     error.to_string(),
///     "bad FTP reply line: expected ' ' or '-' after the reply code at byte offset 3, got 'x'"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ReplyLineError {
    offset: usize,
    expected: &'static str,
    found: Option<u8>,
}

impl ReplyLineError {
    pub(crate) const fn new(offset: usize, expected: &'static str, found: Option<u8>) -> Self {
        Self {
            offset,
            expected,
            found,
        }
    }

    /// Byte offset in the line where the problem is.
    #[must_use]
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// What was expected there, in words.
    #[must_use]
    pub const fn expected(&self) -> &'static str {
        self.expected
    }

    /// The byte found there, or `None` when the line ended.
    #[must_use]
    pub const fn found(&self) -> Option<u8> {
        self.found
    }
}

impl fmt::Display for ReplyLineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            offset,
            expected,
            found,
        } = *self;
        write!(
            f,
            "bad FTP reply line: expected {expected} at byte offset {offset}, got "
        )?;
        match found {
            None => f.write_str("the end of the line"),
            Some(b) if b.is_ascii_graphic() => write!(f, "'{}'", char::from(b)),
            Some(b) => write!(f, "byte 0x{b:02x}"),
        }
    }
}

impl core::error::Error for ReplyLineError {}
