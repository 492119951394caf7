//! VOD Dealer package status (section 5 of "Status and Error Codes" 1.3).
//!
//! The VOD Dealer reports a package's progress in two vocabularies:
//!
//! - [`IdStatus`], the status returned when a package is queried **by id**
//!   (`queued`, `importStarted`, `exportRetry`, `error`, …);
//! - [`GuiStatus`], the status shown when it is queried **by name** (the GUI
//!   status: "Pull Queue", "Pulling", "Validation Failed", …).
//!
//! The spec's table lives once, one line per row, enumerated by
//! [`PackageStatusRow::rows`]: each row has zero or more id
//! statuses, at most one GUI status, and a description. Some rows have only
//! a GUI status (`Validating`), some only id statuses (`exportRetry`), and a
//! GUI status may stand for several id statuses (`processing`,
//! `importStarted` and `importCompleted` are all "Pulling"). Names,
//! descriptions, the mapping both ways ([`IdStatus::gui_status`],
//! [`GuiStatus::id_statuses`]) and [`render_markdown`] are all derived from
//! that data.
//!
//! # Guarantees
//! - Names are matched exactly as the spec spells them (case-sensitive, no
//!   trimming); `Display` writes them back unchanged.
//! - Lossless: [`PackageStatus`] and [`PackageGuiStatus`] (a
//!   [`Reported`] id or GUI status) never fail to parse. A string that is not in the table is kept, borrowed, as
//!   `Unrecognized`, and `Display` prints it unchanged: it is what the server
//!   said. Nothing here allocates or panics, on any input.
//! - Every id status and every GUI status is in exactly one row; this is
//!   checked at compile time.
//!
//! # Our classification, not the spec's
//! [`Stage`], `is_failure()` and `is_terminal()` are this crate's reading of
//! the table for dashboards; the spec gives only names and descriptions. The
//! rules are in [`PackageStatusRow::stage`],
//! [`PackageStatusRow::is_failure`] and [`PackageStatusRow::is_terminal`].
//!
//! ```
//! use getemms::status::package::{GuiStatus, IdStatus, PackageStatus, Stage};
//!
//! let status = PackageStatus::parse("importStarted");
//! assert_eq!(status.recognized(), Some(IdStatus::ImportStarted));
//! assert_eq!(status.gui_status(), Some(GuiStatus::Pulling));
//! assert_eq!(status.stage(), Some(Stage::Pull));
//!
//! // A status this crate does not know is kept as the server sent it.
//! let status = PackageStatus::parse("reticulating");
//! assert_eq!(status.recognized(), None);
//! assert_eq!(status.to_string(), "reticulating");
//! ```

use core::fmt;

use super::macros::vocabulary;
use super::markdown::{Align, Cell, write_head, write_line};
use super::vocabulary::{Reported, Vocabulary};

vocabulary! {
    /// A VOD Dealer package status as returned when the package is queried
    /// **by id** ("Status (if query by id)" column).
    ///
    /// ```
    /// use getemms::status::package::{GuiStatus, IdStatus};
    ///
    /// let status: IdStatus = "exportRetry".parse()?;
    /// assert_eq!(status, IdStatus::ExportRetry);
    /// assert_eq!(status.gui_status(), None); // the spec gives it no GUI status
    /// assert!(status.row().is_failure() && !status.row().is_terminal());
    /// assert_eq!(IdStatus::Processing.gui_status(), Some(GuiStatus::Pulling));
    /// # Ok::<(), getemms::status::NameError>(())
    /// ```
    pub enum IdStatus in super::Table::PackageIdStatus;
    Queued = "queued";
    Processing = "processing";
    ImportStarted = "importStarted";
    ImportCompleted = "importCompleted";
    EncryptionStarted = "encryptionStarted";
    EncryptionCompleted = "encryptionCompleted";
    ImportFailed = "importFailed";
    ProcessingFailed = "processingFailed";
    Exporting = "exporting";
    ExportStarted = "exportStarted";
    ExportCompleted = "exportCompleted";
    ExportFailed = "exportFailed";
    ExportRetry = "exportRetry";
    Successful = "successful";
    Unknown = "unknown";
    Canceled = "canceled";
    PackageDeleteStarted = "packageDeleteStarted";
    PackageDeleteCompleted = "packageDeleteCompleted";
    PackageDeleteFailed = "packageDeleteFailed";
    Error = "error";
}

vocabulary! {
    /// A VOD Dealer package status as shown when the package is queried
    /// **by name** ("GUI status (if query by name)" column).
    ///
    /// ```
    /// use getemms::status::package::{GuiStatus, IdStatus};
    ///
    /// let status: GuiStatus = "Push Queue".parse()?;
    /// assert_eq!(
    ///     status.id_statuses(),
    ///     [IdStatus::Exporting, IdStatus::ExportStarted, IdStatus::ExportCompleted]
    /// );
    /// assert!(GuiStatus::Validating.id_statuses().is_empty());
    /// # Ok::<(), getemms::status::NameError>(())
    /// ```
    pub enum GuiStatus in super::Table::PackageGuiStatus;
    NotProcessed = "Not Processed";
    PullQueue = "Pull Queue";
    Pulling = "Pulling";
    Validating = "Validating";
    EncryptQueue = "Encrypt Queue";
    Encrypting = "Encrypting";
    UpdatingMetadata = "Updating Metadata";
    PullFailed = "Pull Failed";
    ValidationFailed = "Validation Failed";
    EncryptionFailed = "Encryption Failed";
    MetadataUpdateFailed = "Metadata Update Failed";
    PushQueue = "Push Queue";
    Pushing = "Pushing";
    ExportFailed = "Export Failed";
    Completed = "Completed";
    GeneralError = "General Error";
}

/// Where in the VOD Dealer pipeline a package is.
///
/// This grouping is ours, not the spec's: the spec lists statuses without
/// naming stages. A package is pulled from the source FTP server, validated
/// (file sizes and checksums), encrypted, has its metadata updated, and is
/// pushed to the destination; the package can later be deleted from the
/// source FTP server.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Stage {
    /// On the FTP server, not yet picked up ("Not Processed").
    NotStarted,
    /// Queued for or being pulled from the source, or the pull failed.
    Pull,
    /// File sizes and checksums being checked, or the check failed.
    Validate,
    /// Queued for or being encrypted, or encryption failed.
    Encrypt,
    /// Metadata being updated, or the update failed.
    Metadata,
    /// Queued for or being pushed (exported) to the destination, or the
    /// export failed or will be retried.
    Push,
    /// Being deleted from the source FTP server, deleted, or the delete
    /// failed.
    Delete,
    /// Processed without error (`successful`, "Completed").
    Done,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub fn rows() -> impl ExactSizeIterator<Item = Self> + DoubleEndedIterator + Clone + 'static {
        [
            Self::NotStarted,
            Self::Pull,
            Self::Validate,
            Self::Encrypt,
            Self::Metadata,
            Self::Push,
            Self::Delete,
            Self::Done,
        ]
        .into_iter()
    }

    /// A short lowercase name for logs and dashboards (`"pull"`,
    /// `"not started"`, …).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not started",
            Self::Pull => "pull",
            Self::Validate => "validate",
            Self::Encrypt => "encrypt",
            Self::Metadata => "metadata",
            Self::Push => "push",
            Self::Delete => "delete",
            Self::Done => "done",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Our classification of one row (see [`Stage`]): not part of the spec.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct Class {
    stage: Option<Stage>,
    failure: bool,
    terminal: bool,
}

/// In progress (or waiting) in `stage`.
const fn busy(stage: Stage) -> Class {
    Class {
        stage: Some(stage),
        failure: false,
        terminal: false,
    }
}

/// Failed in `stage`; the package will not move on by itself.
const fn failed(stage: Option<Stage>) -> Class {
    Class {
        stage,
        failure: true,
        terminal: true,
    }
}

/// Failed in `stage`, and will be retried.
const fn retrying(stage: Stage) -> Class {
    Class {
        stage: Some(stage),
        failure: true,
        terminal: false,
    }
}

/// Finished without failure.
const fn finished(stage: Option<Stage>) -> Class {
    Class {
        stage,
        failure: false,
        terminal: true,
    }
}

/// One row of the spec's "VOD Dealer package status" table.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub struct PackageStatusRow {
    /// The "Status (if query by id)" cell: zero or more id statuses.
    pub id_statuses: &'static [IdStatus],
    /// The "GUI status (if query by name)" cell, when the row has one.
    pub gui_status: Option<GuiStatus>,
    /// The "Description" cell, exactly as the spec writes it (typos kept).
    pub description: &'static str,
    class: Class,
}

impl PackageStatusRow {
    /// Every row of the spec's table, in its order.
    ///
    /// ```
    /// use getemms::status::package::{GuiStatus, PackageStatusRow};
    ///
    /// let row = PackageStatusRow::rows().nth(3).unwrap();
    /// assert_eq!(row.gui_status, Some(GuiStatus::Validating));
    /// assert!(row.id_statuses.is_empty());
    /// ```
    pub fn rows()
    -> impl ExactSizeIterator<Item = &'static Self> + DoubleEndedIterator + Clone + 'static {
        ROWS.iter()
    }

    const fn new(
        id_statuses: &'static [IdStatus],
        gui_status: Option<GuiStatus>,
        description: &'static str,
        class: Class,
    ) -> Self {
        Self {
            id_statuses,
            gui_status,
            description,
            class,
        }
    }

    /// The pipeline stage (ours, see [`Stage`]).
    ///
    /// `None` for the rows that do not say where the package is: `unknown` /
    /// "General Error", `canceled`, and `error` (an error of the
    /// PackageNotify or PackageQuery request itself).
    #[must_use]
    pub const fn stage(&self) -> Option<Stage> {
        self.class.stage
    }

    /// Whether the row reports a failure (ours).
    ///
    /// True for every "… Failed" row, `exportRetry` (the export failed and
    /// needs the operator to fix the FTP problem, even though it will be
    /// retried), `unknown` / "General Error", and `error`. `canceled` is not
    /// a failure: someone asked for it.
    #[must_use]
    pub const fn is_failure(&self) -> bool {
        self.class.failure
    }

    /// Whether the package will not move on by itself (ours): a dashboard can
    /// stop polling.
    ///
    /// True for `successful` / "Completed", `canceled`,
    /// `packageDeleteCompleted`, and every failure except `exportRetry`
    /// (which the VOD Dealer retries). `successful` is terminal for
    /// processing; deleting the package from the source FTP server is a
    /// later, separate step with its own statuses.
    #[must_use]
    pub const fn is_terminal(&self) -> bool {
        self.class.terminal
    }
}

use GuiStatus as G;
use IdStatus as I;
use Stage::{Delete, Done, Encrypt, Metadata, NotStarted, Pull, Push, Validate};

/// The spec's "VOD Dealer package status" table, one line per row, in its
/// order: id statuses, GUI status, description, and our classification.
#[rustfmt::skip]
const ROWS: &[PackageStatusRow] = &[
    PackageStatusRow::new(&[], Some(G::NotProcessed), "Package exists on ftp server but has not been processed.", busy(NotStarted)),
    PackageStatusRow::new(&[I::Queued], Some(G::PullQueue), "Package has been added to the pull queue.", busy(Pull)),
    PackageStatusRow::new(&[I::Processing, I::ImportStarted, I::ImportCompleted], Some(G::Pulling), "Package is being pulled from source.", busy(Pull)),
    PackageStatusRow::new(&[], Some(G::Validating), "Package is being validated. The file sizes and checksums are being checked.", busy(Validate)),
    PackageStatusRow::new(&[], Some(G::EncryptQueue), "Package has been added to the encrypt queue.", busy(Encrypt)),
    PackageStatusRow::new(&[I::EncryptionStarted, I::EncryptionCompleted], Some(G::Encrypting), "Assets in the package are being encrypted.", busy(Encrypt)),
    PackageStatusRow::new(&[], Some(G::UpdatingMetadata), "Package metadata is being updated", busy(Metadata)),
    PackageStatusRow::new(&[I::ImportFailed], Some(G::PullFailed), "Problem importing file(s) from source.", failed(Some(Pull))),
    PackageStatusRow::new(&[], Some(G::ValidationFailed), "File size or checksum in metadata does not match physical file.", failed(Some(Validate))),
    PackageStatusRow::new(&[I::ProcessingFailed], Some(G::EncryptionFailed), "Problem occurred during encryption.", failed(Some(Encrypt))),
    PackageStatusRow::new(&[], Some(G::MetadataUpdateFailed), "Problem updating the metadata", failed(Some(Metadata))),
    PackageStatusRow::new(&[I::Exporting, I::ExportStarted, I::ExportCompleted], Some(G::PushQueue), "Package has been added to the push queue", busy(Push)),
    PackageStatusRow::new(&[], Some(G::Pushing), "Package is being pushed to destination", busy(Push)),
    PackageStatusRow::new(&[I::ExportFailed], Some(G::ExportFailed), "Problem exporting file(s) to destination.", failed(Some(Push))),
    PackageStatusRow::new(&[I::ExportRetry], None, "Export failed and will retry. Please take action to fix ftp problem.", retrying(Push)),
    PackageStatusRow::new(&[I::Successful], Some(G::Completed), "Package had been process without error", finished(Some(Done))),
    PackageStatusRow::new(&[I::Unknown], Some(G::GeneralError), "Unknown error was returned.", failed(None)),
    PackageStatusRow::new(&[I::Canceled], None, "Request has been canceled.", finished(None)),
    PackageStatusRow::new(&[I::PackageDeleteStarted], None, "Starting delete of package from source ftp server.", busy(Delete)),
    PackageStatusRow::new(&[I::PackageDeleteCompleted], None, "Successfully completed delete of package from source ftp server.", finished(Some(Delete))),
    PackageStatusRow::new(&[I::PackageDeleteFailed], None, "Package delete failed.", failed(Some(Delete))),
    PackageStatusRow::new(&[I::Error], None, "Error returned from PackageNotify or PackageQuery. Check errorText attribute.", failed(None)),
];

/// The two columns of [`ROWS`] that hold a vocabulary.
#[derive(Clone, Copy)]
enum Column {
    /// "Status (if query by id)": [`IdStatus`].
    Id,
    /// "GUI status (if query by name)": [`GuiStatus`].
    Gui,
}

impl PackageStatusRow {
    /// The discriminant of the `k`-th value of `column` in this row, if the
    /// cell has that many.
    const fn value_in(&self, column: Column, k: usize) -> Option<usize> {
        match (column, self.gui_status) {
            (Column::Id, _) if k < self.id_statuses.len() => Some(self.id_statuses[k] as usize),
            (Column::Gui, Some(gui)) if k == 0 => Some(gui as usize),
            _ => None,
        }
    }
}

/// Marks a slot of a row index that no row has filled yet.
const NO_ROW: u8 = u8::MAX;

/// For each value of `column`'s vocabulary (by discriminant, `values` of
/// them in declaration order), the index in [`ROWS`] of its row.
///
/// Built at compile time; the build fails if a value is in no row or in two,
/// so that the look-ups in `IdStatus::row` and `GuiStatus::row` cannot miss.
const fn row_index<const N: usize>(column: Column) -> [u8; N] {
    assert!(ROWS.len() < NO_ROW as usize);
    let mut index = [NO_ROW; N];
    let mut r = 0;
    while r < ROWS.len() {
        let mut k = 0;
        while let Some(slot) = ROWS[r].value_in(column, k) {
            assert!(index[slot] == NO_ROW, "a package status is in two rows");
            index[slot] = r as u8;
            k += 1;
        }
        r += 1;
    }
    let mut slot = 0;
    while slot < N {
        assert!(index[slot] != NO_ROW, "a package status is in no row");
        slot += 1;
    }
    index
}

const ID_ROW: [u8; IdStatus::VALUES.len()] = row_index(Column::Id);
const GUI_ROW: [u8; GuiStatus::VALUES.len()] = row_index(Column::Gui);

// `VALUES` lists the variants in declaration order (the macro writes both
// from the same list), so a discriminant is an index into it.
const _: () = {
    let mut k = 0;
    while k < IdStatus::VALUES.len() {
        assert!(IdStatus::VALUES[k] as usize == k);
        k += 1;
    }
    let mut k = 0;
    while k < GuiStatus::VALUES.len() {
        assert!(GuiStatus::VALUES[k] as usize == k);
        k += 1;
    }
};

impl IdStatus {
    /// The row of the spec's table this status is in: its description,
    /// and this crate's [`stage`](PackageStatusRow::stage),
    /// [`is_failure`](PackageStatusRow::is_failure) and
    /// [`is_terminal`](PackageStatusRow::is_terminal).
    #[must_use]
    pub const fn row(self) -> &'static PackageStatusRow {
        &ROWS[ID_ROW[self as usize] as usize]
    }

    /// The spec's description of this status's row, exactly as written.
    #[must_use]
    pub const fn description(self) -> &'static str {
        self.row().description
    }

    /// The GUI status the spec pairs with this id status, if the row has one.
    #[must_use]
    pub const fn gui_status(self) -> Option<GuiStatus> {
        self.row().gui_status
    }
}

impl GuiStatus {
    /// The row of the spec's table this status is in (see
    /// [`IdStatus::row`]).
    #[must_use]
    pub const fn row(self) -> &'static PackageStatusRow {
        &ROWS[GUI_ROW[self as usize] as usize]
    }

    /// The spec's description of this status's row, exactly as written.
    #[must_use]
    pub const fn description(self) -> &'static str {
        self.row().description
    }

    /// The id statuses the spec pairs with this GUI status, in its order;
    /// empty when the row has none (e.g. "Validating").
    #[must_use]
    pub const fn id_statuses(self) -> &'static [IdStatus] {
        self.row().id_statuses
    }
}

mod sealed {
    /// A vocabulary whose every value is in one row of the package table.
    ///
    /// Public in name only, so that it may bound [`Reported`]'s package
    /// methods; it cannot be named outside the crate.
    ///
    /// [`Reported`]: crate::status::Reported
    pub trait InPackageTable: crate::status::vocabulary::Vocabulary {
        /// The row the value is in.
        fn row(self) -> &'static super::PackageStatusRow;
    }
}

use sealed::InPackageTable;

impl InPackageTable for IdStatus {
    fn row(self) -> &'static PackageStatusRow {
        IdStatus::row(self)
    }
}

impl InPackageTable for GuiStatus {
    fn row(self) -> &'static PackageStatusRow {
        GuiStatus::row(self)
    }
}

/// A package status as a VOD Dealer returned it for a query **by id**: an
/// [`IdStatus`], or whatever other string the server sent.
///
/// An alias, so that call sites say which column they read;
/// [`Reported`] has the methods.
///
/// ```
/// use getemms::status::package::{IdStatus, PackageStatus};
///
/// assert_eq!(PackageStatus::parse("canceled"), PackageStatus::Recognized(IdStatus::Canceled));
/// // Not the spec's spelling: kept, not rejected.
/// let odd = PackageStatus::parse(" Canceled");
/// assert_eq!(odd, PackageStatus::Unrecognized(" Canceled"));
/// assert_eq!(odd.to_string(), " Canceled");
/// ```
pub type PackageStatus<'a> = Reported<'a, IdStatus>;

/// A package status as a VOD Dealer showed it for a query **by name**: a
/// [`GuiStatus`], or whatever other string the server sent.
///
/// An alias, like [`PackageStatus`]; [`Reported`] has the methods.
///
/// ```
/// use getemms::status::package::{GuiStatus, PackageGuiStatus};
///
/// let status = PackageGuiStatus::parse("Validation Failed");
/// assert_eq!(status.recognized(), Some(GuiStatus::ValidationFailed));
/// assert_eq!(PackageGuiStatus::parse("Frobnicating").as_str(), "Frobnicating");
/// ```
pub type PackageGuiStatus<'a> = Reported<'a, GuiStatus>;

impl<T: InPackageTable> Reported<'_, T> {
    /// The spec's description, when the status is recognised.
    #[must_use]
    pub fn description(self) -> Option<&'static str> {
        self.recognized().map(|value| value.row().description)
    }

    /// The pipeline stage, when the status is recognised and its row has
    /// one; see [`PackageStatusRow::stage`].
    #[must_use]
    pub fn stage(self) -> Option<Stage> {
        self.recognized().and_then(|value| value.row().stage())
    }
}

impl PackageStatus<'_> {
    /// The GUI status the spec pairs with this status, when it is recognised
    /// and its row has one.
    #[must_use]
    pub const fn gui_status(self) -> Option<GuiStatus> {
        match self {
            Self::Recognized(id) => id.gui_status(),
            Self::Unrecognized(_) => None,
        }
    }
}

impl PackageGuiStatus<'_> {
    /// The id statuses the spec pairs with this GUI status; empty when it is
    /// unrecognised or its row has none.
    #[must_use]
    pub const fn id_statuses(self) -> &'static [IdStatus] {
        match self {
            Self::Recognized(gui) => gui.id_statuses(),
            Self::Unrecognized(_) => &[],
        }
    }
}

/// Renders the spec's table as markdown: a `### VOD Dealer package status`
/// heading, then one table line per spec row. Id statuses are code spans
/// separated by `<br>`; an empty cell means the spec's cell is empty.
///
/// # Errors
/// Only the errors of `out`.
///
/// ```
/// let mut out = String::new();
/// getemms::status::package::render_markdown(&mut out)?;
/// assert!(out.contains("| `queued` | Pull Queue | Package has been added to the pull queue. |"));
/// # Ok::<(), core::fmt::Error>(())
/// ```
pub fn render_markdown<W: fmt::Write + ?Sized>(out: &mut W) -> fmt::Result {
    write_head(
        out,
        "VOD Dealer package status",
        "",
        &[
            ("Status (if query by id)", Align::Left),
            ("GUI status (if query by name)", Align::Left),
            ("Description", Align::Left),
        ],
    )?;
    for row in ROWS {
        let gui: &dyn fmt::Display = match &row.gui_status {
            Some(gui) => gui,
            None => &"",
        };
        write_line(
            out,
            &[
                Cell::Code(&row.id_statuses, "<br>"),
                Cell::Text(gui),
                Cell::Text(&row.description),
            ],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The class builders and the row indexes run at compile time to build
    /// the table; run here once more, they must give the same values.
    #[test]
    fn test_classes_and_row_indexes_built_again_at_run_time() {
        let class = |stage, failure, terminal| Class {
            stage,
            failure,
            terminal,
        };
        assert_eq!(busy(Stage::Pull), class(Some(Stage::Pull), false, false));
        assert_eq!(failed(None), class(None, true, true));
        assert_eq!(
            retrying(Stage::Encrypt),
            class(Some(Stage::Encrypt), true, false)
        );
        assert_eq!(
            finished(Some(Stage::Metadata)),
            class(Some(Stage::Metadata), false, true)
        );

        assert_eq!(row_index::<{ IdStatus::VALUES.len() }>(Column::Id), ID_ROW);
        assert_eq!(
            row_index::<{ GuiStatus::VALUES.len() }>(Column::Gui),
            GUI_ROW
        );
        let row = PackageStatusRow::new(&[], None, "Not in the spec.", failed(None));
        assert_eq!(
            (row.id_statuses, row.gui_status, row.description),
            (&[][..], None, "Not in the spec.")
        );
        assert!(row.class.failure);
    }
}
