//! What the tool says about one row of one table, built from the library's
//! data only: the JSON objects of `explain` and `codes` (and the
//! `license_status` object of `decode`), and their text cards.

use std::io;

use getemms::status::package::PackageStatusRow;
use getemms::status::{FtpError, Table, ThirdPartyRange};
use getemms::{ClientStatus, DcpStatus, LicenseStatus, StoredLicenseAction};
use serde::Serialize;

use crate::args::TableArg;
use crate::style::Style;

/// One row (or third-party code) of one table, tagged with the table.
#[derive(Debug, Serialize)]
#[serde(tag = "table", rename_all = "snake_case")]
pub enum Entry {
    /// A license status.
    License(LicenseEntry),
    /// A client status.
    Client(ClientEntry),
    /// A DCP error code.
    Dcp(DcpEntry),
    /// A row of the VOD Dealer package status table.
    Package(PackageEntry),
    /// A row of the VOD Dealer FTP error table.
    Ftp(FtpEntry),
}

/// A license status: the `license_status` object of `decode`, and the
/// `license` entries of `explain` and `codes`.
#[derive(Debug, Serialize)]
pub struct LicenseEntry {
    pub code: u32,
    /// The constant name (the spec has no name column); null without a row.
    pub name: Option<&'static str>,
    /// The spec's text, or the text of the third-party range; null for an
    /// unlisted code.
    pub description: Option<&'static str>,
    /// The crate's grouping (`LicenseStatus::category`).
    pub category: &'static str,
    /// `"remove"` (512–768), `"retain"` (769–999) or null.
    pub stored_license: Option<&'static str>,
    #[serde(skip)]
    action: Option<StoredLicenseAction>,
}

impl LicenseEntry {
    pub fn of(status: LicenseStatus) -> Self {
        Self {
            code: status.code(),
            name: status.const_name(),
            description: status.description(),
            category: status.category().as_str(),
            stored_license: status
                .stored_license_action()
                .map(StoredLicenseAction::as_str),
            action: status.stored_license_action(),
        }
    }
}

/// A client status.
#[derive(Debug, Serialize)]
pub struct ClientEntry {
    pub code: u32,
    /// The row's name (the spec's `WVMKStatus_*`, or the SDK's for a
    /// later-SDK row); null without a row.
    pub name: Option<&'static str>,
    pub const_name: Option<&'static str>,
    /// Every name the 1.3 table gives the code (two for 1008).
    pub spec_names: &'static [&'static str],
    /// The name in the later SDK header, `WV_Status_*`.
    pub sdk_name: Option<&'static str>,
    /// `"spec 1.3"` or `"later SDK"`.
    pub source: Option<&'static str>,
    pub description: Option<&'static str>,
    pub warning: bool,
    pub stored_license: Option<&'static str>,
    #[serde(skip)]
    action: Option<StoredLicenseAction>,
}

impl ClientEntry {
    pub fn of(status: ClientStatus) -> Self {
        Self {
            code: status.code(),
            name: status.name(),
            const_name: status.const_name(),
            spec_names: status.spec_names(),
            sdk_name: status.sdk_name(),
            source: status.source().map(|source| source.as_str()),
            description: status.description(),
            warning: status.is_warning(),
            stored_license: status
                .stored_license_action()
                .map(StoredLicenseAction::as_str),
            action: status.stored_license_action(),
        }
    }
}

/// A DCP error code.
#[derive(Debug, Serialize)]
pub struct DcpEntry {
    pub code: u32,
    pub name: Option<&'static str>,
    pub description: Option<&'static str>,
}

impl DcpEntry {
    pub fn of(status: DcpStatus) -> Self {
        Self {
            code: status.code(),
            name: status.const_name(),
            description: status.description(),
        }
    }
}

/// A row of the package status table.
#[derive(Debug, Serialize)]
pub struct PackageEntry {
    /// The statuses a query by id returns for the row (may be empty).
    pub id_statuses: Vec<&'static str>,
    /// The status a query by name (the GUI) shows; null when none.
    pub gui_status: Option<&'static str>,
    pub description: &'static str,
    pub stage: Option<&'static str>,
    pub failure: bool,
    pub terminal: bool,
}

impl PackageEntry {
    pub fn of(row: &'static PackageStatusRow) -> Self {
        Self {
            id_statuses: row.id_statuses.iter().map(|id| id.as_str()).collect(),
            gui_status: row.gui_status.map(|gui| gui.as_str()),
            description: row.description,
            stage: row.stage().map(|stage| stage.as_str()),
            failure: row.is_failure(),
            terminal: row.is_terminal(),
        }
    }

    fn outcome(&self) -> &'static str {
        match (self.failure, self.terminal) {
            (true, true) => "failed",
            (true, false) => "failed, retrying",
            (false, true) => "finished",
            (false, false) => "in progress",
        }
    }
}

/// A row of the FTP error table.
#[derive(Debug, Serialize)]
pub struct FtpEntry {
    pub description: &'static str,
    /// The spec's "FTP Error Code" cell: three digits, `NA`, `n/a` or `5XX`.
    pub reply_code: String,
    pub error_texts: &'static [&'static str],
    /// `"transient"` (4xx, or no reply) or `"permanent"` (5xx).
    pub retry: &'static str,
}

impl FtpEntry {
    pub fn of(error: FtpError) -> Self {
        Self {
            description: error.description(),
            reply_code: error.reply_code().to_string(),
            error_texts: error.error_texts(),
            retry: if error.is_transient() {
                "transient"
            } else {
                "permanent"
            },
        }
    }
}

/// A third-party range row, for `codes`.
#[derive(Debug, Serialize)]
pub struct RangeEntry {
    pub first: u32,
    pub last: u32,
    pub description: &'static str,
    pub stored_license: &'static str,
}

impl RangeEntry {
    pub fn of(range: &ThirdPartyRange) -> Self {
        Self {
            first: range.first(),
            last: range.last(),
            description: range.description(),
            stored_license: range.action().as_str(),
        }
    }
}

/// The library's name of a table, as headings print it.
pub fn title(table: TableArg) -> &'static str {
    match table {
        TableArg::License => LicenseStatus::TABLE.as_str(),
        TableArg::Client => ClientStatus::TABLE.as_str(),
        TableArg::Dcp => DcpStatus::TABLE.as_str(),
        TableArg::Package => "VOD Dealer package status",
        TableArg::Ftp => Table::FtpError.as_str(),
    }
}

fn or_none(value: Option<&str>) -> &str {
    value.unwrap_or("none")
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

/// `remove (third-party codes 512–768)`.
pub fn stored_license_line(action: StoredLicenseAction) -> String {
    let codes = action.codes();
    format!(
        "{action} (third-party codes {}–{})",
        codes.start(),
        codes.end()
    )
}

impl Entry {
    /// The table this entry belongs to.
    pub fn table(&self) -> TableArg {
        match self {
            Entry::License(_) => TableArg::License,
            Entry::Client(_) => TableArg::Client,
            Entry::Dcp(_) => TableArg::Dcp,
            Entry::Package(_) => TableArg::Package,
            Entry::Ftp(_) => TableArg::Ftp,
        }
    }

    /// Writes the entry as a heading and aligned fields.
    pub fn write_card(&self, out: &mut dyn io::Write, style: Style) -> io::Result<()> {
        let title = title(self.table());
        match self {
            Entry::License(entry) => {
                writeln!(
                    out,
                    "{}",
                    style.bold(format_args!("{title} {}", entry.code))
                )?;
                style.field(out, "name", or_none(entry.name))?;
                style.field(out, "description", or_none(entry.description))?;
                style.field(out, "category", entry.category)?;
                if let Some(action) = entry.action {
                    style.field(out, "stored license", stored_license_line(action))?;
                }
            }
            Entry::Client(entry) => {
                writeln!(
                    out,
                    "{}",
                    style.bold(format_args!("{title} {}", entry.code))
                )?;
                style.field(out, "name", or_none(entry.name))?;
                // A third-party or unlisted code has no row: no other names.
                if let Some(const_name) = entry.const_name {
                    style.field(out, "constant", const_name)?;
                    if entry.spec_names.len() > 1 {
                        style.field(out, "spec names", entry.spec_names.join(", "))?;
                    }
                    style.field(out, "SDK name", or_none(entry.sdk_name))?;
                    style.field(out, "source", or_none(entry.source))?;
                }
                style.field(out, "description", or_none(entry.description))?;
                if entry.warning {
                    style.field(out, "warning", yes_no(entry.warning))?;
                }
                if let Some(action) = entry.action {
                    style.field(out, "stored license", stored_license_line(action))?;
                }
            }
            Entry::Dcp(entry) => {
                writeln!(
                    out,
                    "{}",
                    style.bold(format_args!("{title} {}", entry.code))
                )?;
                style.field(out, "name", or_none(entry.name))?;
                style.field(out, "description", or_none(entry.description))?;
            }
            Entry::Package(entry) => {
                writeln!(out, "{}", style.bold(title))?;
                let ids = entry.id_statuses.join(", ");
                style.field(out, "by id", if ids.is_empty() { "none" } else { &ids })?;
                style.field(out, "by name (GUI)", or_none(entry.gui_status))?;
                style.field(out, "description", entry.description)?;
                style.field(out, "stage", or_none(entry.stage))?;
                style.field(out, "outcome", entry.outcome())?;
            }
            Entry::Ftp(entry) => {
                writeln!(out, "{}", style.bold(title))?;
                style.field(out, "description", entry.description)?;
                style.field(out, "reply code", &entry.reply_code)?;
                let texts = entry.error_texts.join(" | ");
                style.field(
                    out,
                    "error texts",
                    if texts.is_empty() {
                        "none listed"
                    } else {
                        &texts
                    },
                )?;
                style.field(out, "retry", entry.retry)?;
            }
        }
        Ok(())
    }
}
