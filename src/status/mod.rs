//! Status and error code tables of the Cypher components ("Cypher for Digital
//! Media — Status and Error Codes", version 1.3).
//!
//! One module per table of the spec. The numeric tables are newtypes over
//! `u32` in the style of `http::StatusCode`; the VOD Dealer tables, whose
//! values are strings, are enums with a lossless wrapper that keeps any
//! unrecognised string verbatim:
//!
//! | module | type | spec section |
//! |---|---|---|
//! | [`license`] | [`LicenseStatus`] | 3, "Widevine license status" (the `GetEMMs.cgi` header field) |
//! | [`client`] | [`ClientStatus`] | 2, "Widevine client error codes" (`WVMKStatus_*`) |
//! | [`dcp`] | [`DcpStatus`] | 4, "DCP error codes" |
//! | [`package`] | [`IdStatus`], [`GuiStatus`], [`PackageStatus`], [`PackageGuiStatus`] | 5, "VOD Dealer package status" |
//! | [`ftp`] | [`FtpError`], [`ReplyCode`], [`ReplyLine`] | 6, "VOD Dealer FTP errors" |
//!
//! Every table type enumerates its rows with `rows()`: the numeric tables
//! yield a [`Row`] per spec row, the vocabularies their values in spec order,
//! and [`package::PackageStatusRow::rows`] the package table's rows. The lossless
//! wrapper is [`Reported`]. Name look-ups fail with [`NameError`], reply
//! lines with [`ReplyLineError`].
//!
//! # Guarantees
//! - Lossless: every `u32` is a valid status of every numeric table and
//!   converts back unchanged, known to the table or not; every package
//!   status string is kept as it came.
//! - Every row of the spec is present with its exact code and text, the spec's
//!   typos included ("Servers-side", "geo-graphic"): the text is what
//!   operators grep their logs for. Each table is written once, as data, and
//!   everything else (constants, `Display`, `FromStr`, the `rows()`
//!   iterators, the README's tables from [`markdown_tables`]) is derived
//!   from it.
//! - No allocation and no panic, for any code and any string.
//! - The third-party ranges 512–768 and 769–999 of the license and client
//!   tables carry their meaning, [`StoredLicenseAction::Remove`] and
//!   [`StoredLicenseAction::Retain`].
//!
//! Every type prints (`Display`) as its code followed by the spec's text in
//! parentheses, `2 (Server-side database error: Asset not found)`, or as the
//! bare code when the table has no text for it, so a log line always has the
//! number; `Debug` prints the constant, `LicenseStatus::ASSET_NOT_FOUND`, or
//! `LicenseStatus(1234)`.

use core::fmt;
use core::ops::RangeInclusive;

mod error;
mod macros;
mod markdown;
mod reply_line;
#[cfg(feature = "serde")]
mod serde_impls;
mod table;
mod vocabulary;

pub mod client;
pub mod dcp;
pub mod ftp;
pub mod license;
pub mod package;

pub use client::{ClientStatus, Source};
pub use dcp::DcpStatus;
pub use error::{NameError, ReplyLineError, Table};
pub use ftp::{FtpError, ReplyCode, ReplyLine};
pub use license::{LicenseCategory, LicenseStatus};
pub use package::{GuiStatus, IdStatus, PackageGuiStatus, PackageStatus, Stage};
pub use table::Row;
pub use vocabulary::Reported;

/// What a client does with its stored license when it receives a third-party
/// code (spec 1.3, sections 2 and 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StoredLicenseAction {
    /// Codes 512–768: the client removes its stored license, if any.
    Remove,
    /// Codes 769–999: the client retains its stored license, if any.
    Retain,
}

impl StoredLicenseAction {
    /// The codes that carry this action.
    ///
    /// ```
    /// use getemms::status::StoredLicenseAction;
    ///
    /// assert_eq!(StoredLicenseAction::Remove.codes(), 512..=768);
    /// assert_eq!(StoredLicenseAction::Retain.codes(), 769..=999);
    /// ```
    #[must_use]
    pub const fn codes(self) -> RangeInclusive<u32> {
        match self {
            StoredLicenseAction::Remove => 512..=768,
            StoredLicenseAction::Retain => 769..=999,
        }
    }

    /// The action a third-party `code` carries; `None` outside 512–999.
    ///
    /// ```
    /// use getemms::status::StoredLicenseAction;
    ///
    /// assert_eq!(StoredLicenseAction::for_code(768), Some(StoredLicenseAction::Remove));
    /// assert_eq!(StoredLicenseAction::for_code(769), Some(StoredLicenseAction::Retain));
    /// assert_eq!(StoredLicenseAction::for_code(1000), None);
    /// ```
    #[must_use]
    pub const fn for_code(code: u32) -> Option<Self> {
        match code {
            512..=768 => Some(StoredLicenseAction::Remove),
            769..=999 => Some(StoredLicenseAction::Retain),
            _ => None,
        }
    }

    /// `"remove"` or `"retain"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            StoredLicenseAction::Remove => "remove",
            StoredLicenseAction::Retain => "retain",
        }
    }
}

impl fmt::Display for StoredLicenseAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A range row of a table: the third-party codes 512–768 or 769–999 with the
/// table's own text for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ThirdPartyRange {
    action: StoredLicenseAction,
    description: &'static str,
}

impl ThirdPartyRange {
    pub(crate) const fn new(action: StoredLicenseAction, description: &'static str) -> Self {
        Self {
            action,
            description,
        }
    }

    /// The first code of the range (512 or 769).
    #[must_use]
    pub const fn first(&self) -> u32 {
        *self.action.codes().start()
    }

    /// The last code of the range (768 or 999).
    #[must_use]
    pub const fn last(&self) -> u32 {
        *self.action.codes().end()
    }

    /// Whether `code` is in the range.
    #[must_use]
    pub const fn contains(&self, code: u32) -> bool {
        self.first() <= code && code <= self.last()
    }

    /// What the client does with its stored license.
    #[must_use]
    pub const fn action(&self) -> StoredLicenseAction {
        self.action
    }

    /// The spec's text for the range, exactly as the spec spells it.
    #[must_use]
    pub const fn description(&self) -> &'static str {
        self.description
    }
}

/// Renders every table of this crate's status modules as markdown: the
/// section that README.md carries between `<!-- status-tables:start -->` and
/// `<!-- status-tables:end -->`, and the one entry any other consumer of the
/// tables should use.
///
/// Each table comes from its module's `render_markdown`, in spec order
/// (client, license, DCP, package, FTP), each under a `###` heading and
/// separated by a blank line. Every cell of every table is escaped by the
/// same rule. Nothing is allocated; the output is the same on every call.
///
/// # Errors
/// Only the errors of `out`.
///
/// ```
/// let mut markdown = String::new();
/// getemms::status::markdown_tables(&mut markdown).unwrap();
/// assert!(markdown.contains("| 1004 | `TAMPER_DETECTED` | `WVMKStatus_Tamper_Detected` |"));
/// ```
pub fn markdown_tables<W: fmt::Write + ?Sized>(out: &mut W) -> fmt::Result {
    client::render_markdown(out)?;
    out.write_str("\n")?;
    license::render_markdown(out)?;
    out.write_str("\n")?;
    dcp::render_markdown(out)?;
    out.write_str("\n")?;
    package::render_markdown(out)?;
    out.write_str("\n")?;
    ftp::render_markdown(out)
}
