//! DCP error codes (spec 1.3, section 4, "DCP error codes"): what the
//! Cypher DCP (the client-side protection component) reports.
//!
//! [`DcpStatus`] is lossless: every `u32` is a valid status; the spec lists
//! 0–12 and any other value prints as its number. The spec has no name
//! column, so a row's [`name`](DcpStatus::name) is its Rust constant name
//! and its [`description`](DcpStatus::description) is the spec's text.
//!
//! ```
//! use getemms::DcpStatus;
//!
//! let status: DcpStatus = "Debugger detected".parse()?;
//! assert_eq!(status, DcpStatus::DEBUGGER_DETECTED);
//! assert_eq!(status.to_string(), "2 (Debugger detected)");
//! assert!(DcpStatus::NORMAL.is_normal());
//! assert_eq!(DcpStatus::new(13).to_string(), "13");
//! # Ok::<(), getemms::status::NameError>(())
//! ```

use core::fmt;

use super::macros::code_table;
use super::markdown::{Align, Cell, write_head, write_line};
use super::table::RowData;

/// A row of the DCP table: the spec's text.
pub(crate) struct DcpRow {
    description: &'static str,
}

impl RowData for DcpRow {
    fn description(&'static self) -> &'static str {
        self.description
    }
}

const fn row(description: &'static str) -> DcpRow {
    DcpRow { description }
}

code_table! {
    /// A DCP error code.
    ///
    /// A lossless newtype over `u32`: every value is a valid `DcpStatus`,
    /// known to the spec's table or not, and converts back unchanged.
    ///
    /// ```
    /// use getemms::DcpStatus;
    ///
    /// assert_eq!(DcpStatus::RDP_DETECTED.code(), 11);
    /// assert_eq!(DcpStatus::RDP_DETECTED.description(), Some("RDP detected"));
    /// ```
    pub struct DcpStatus in super::Table::DcpError;
    row: DcpRow;
    UNKNOWN = 0 => row("Unknown");
    NORMAL = 1 => row("Normal");
    DEBUGGER_DETECTED = 2 => row("Debugger detected");
    HEARTBEAT_FAILURE = 3 => row("Heartbeat failure");
    THREAD_EARLY_EXIT = 4 => row("Thread early exit");
    DCP_NOT_RUNNING = 5 => row("DCP not running");
    ILLEGAL_APPLICATION = 6 => row("Illegal application");
    EXCESSIVE_WRITES = 7 => row("Excessive writes");
    EXCESSIVE_NETWORK_USAGE = 8 => row("Excessive network usage");
    EXCESSIVE_MEMORY_USAGE = 9 => row("Excessive memory usage");
    VIRTUAL_MACHINE_DETECTED = 10 => row("Virtual machine detected");
    RDP_DETECTED = 11 => row("RDP detected");
    UNHANDLED_EXCEPTION = 12 => row("Unhandled exception");
}

impl DcpStatus {
    /// Whether this is 1, "Normal".
    #[inline]
    #[must_use]
    pub const fn is_normal(self) -> bool {
        self.0 == Self::NORMAL.0
    }
}

/// Renders the DCP table as markdown: a `###` heading and one line per row.
///
/// # Errors
/// Only the errors of `out`.
pub fn render_markdown<W: fmt::Write + ?Sized>(out: &mut W) -> fmt::Result {
    write_head(
        out,
        "DCP error codes (`DcpStatus`)",
        "Spec section 4.",
        &[
            ("Code", Align::Right),
            ("Constant", Align::Left),
            ("Description", Align::Left),
        ],
    )?;
    for row in DcpStatus::rows() {
        write_line(
            out,
            &[
                Cell::Text(&row.code()),
                Cell::Code(&row.const_name(), ""),
                Cell::Text(&row.description()),
            ],
        )?;
    }
    Ok(())
}
