//! VOD Dealer package status (section 5 of "Status and Error Codes" 1.3).
//!
//! The VOD Dealer reports a package's progress in two vocabularies:
//!
//! - [`IdStatus`], the status returned when a package is queried **by id**
//!   (`queued`, `importStarted`, `exportRetry`, `error`, …);
//! - [`GuiStatus`], the status shown when it is queried **by name** (the GUI
//!   status: "Pull Queue", "Pulling", "Validation Failed", …).
//!
//! The spec's table lives once, in [`ROWS`]: each row has zero or more id
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
//! - Lossless: [`PackageStatus::parse`] and [`PackageGuiStatus::parse`] never
//!   fail. A string that is not in the table is kept, borrowed, as
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
//! assert_eq!(status.known(), Some(IdStatus::ImportStarted));
//! assert_eq!(status.gui_status(), Some(GuiStatus::Pulling));
//! assert_eq!(status.stage(), Some(Stage::Pull));
//!
//! // A status this crate does not know is kept as the server sent it.
//! let status = PackageStatus::parse("reticulating");
//! assert_eq!(status.known(), None);
//! assert_eq!(status.to_string(), "reticulating");
//! ```

use core::fmt;
use core::str::FromStr;

use crate::Error;

/// Defines a closed vocabulary of spec names: the enum, `ALL`, `as_str`,
/// `from_name`, `Display`, `FromStr` and (with the `serde` feature) serde as
/// the spec string.
macro_rules! vocabulary {
    (
        $(#[$enum_meta:meta])*
        pub enum $name:ident in $table:expr => {
            $( $variant:ident = $text:literal, )*
        }
    ) => {
        $(#[$enum_meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub enum $name {
            $(
                #[doc = concat!("`", $text, "`")]
                $variant,
            )*
        }

        impl $name {
            /// Every value, in the order of the spec's table.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// The name exactly as the spec spells it.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)*
                }
            }

            /// The value spelled exactly `name` (case-sensitive, no trimming).
            #[must_use]
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($text => Some(Self::$variant),)*
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = Error;

            /// # Errors
            /// [`Error::UnknownName`] when `name` is not spelled exactly as in
            /// the spec.
            fn from_str(name: &str) -> Result<Self, Error> {
                Self::from_name(name).ok_or(Error::UnknownName { table: $table })
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        write!(f, "a name from the {} table", $table)
                    }
                    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<$name, E> {
                        $name::from_name(name).ok_or_else(|| {
                            E::invalid_value(serde::de::Unexpected::Str(name), &self)
                        })
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

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
    /// assert!(status.is_failure() && !status.is_terminal());
    /// assert_eq!(IdStatus::Processing.gui_status(), Some(GuiStatus::Pulling));
    /// # Ok::<(), getemms::Error>(())
    /// ```
    pub enum IdStatus in super::Table::PackageIdStatus => {
        Queued = "queued",
        Processing = "processing",
        ImportStarted = "importStarted",
        ImportCompleted = "importCompleted",
        EncryptionStarted = "encryptionStarted",
        EncryptionCompleted = "encryptionCompleted",
        ImportFailed = "importFailed",
        ProcessingFailed = "processingFailed",
        Exporting = "exporting",
        ExportStarted = "exportStarted",
        ExportCompleted = "exportCompleted",
        ExportFailed = "exportFailed",
        ExportRetry = "exportRetry",
        Successful = "successful",
        Unknown = "unknown",
        Canceled = "canceled",
        PackageDeleteStarted = "packageDeleteStarted",
        PackageDeleteCompleted = "packageDeleteCompleted",
        PackageDeleteFailed = "packageDeleteFailed",
        Error = "error",
    }
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
    /// # Ok::<(), getemms::Error>(())
    /// ```
    pub enum GuiStatus in super::Table::PackageGuiStatus => {
        NotProcessed = "Not Processed",
        PullQueue = "Pull Queue",
        Pulling = "Pulling",
        Validating = "Validating",
        EncryptQueue = "Encrypt Queue",
        Encrypting = "Encrypting",
        UpdatingMetadata = "Updating Metadata",
        PullFailed = "Pull Failed",
        ValidationFailed = "Validation Failed",
        EncryptionFailed = "Encryption Failed",
        MetadataUpdateFailed = "Metadata Update Failed",
        PushQueue = "Push Queue",
        Pushing = "Pushing",
        ExportFailed = "Export Failed",
        Completed = "Completed",
        GeneralError = "General Error",
    }
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
    pub const ALL: &'static [Self] = &[
        Self::NotStarted,
        Self::Pull,
        Self::Validate,
        Self::Encrypt,
        Self::Metadata,
        Self::Push,
        Self::Delete,
        Self::Done,
    ];

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

/// The spec's "VOD Dealer package status" table, row by row, in its order.
pub const ROWS: &[PackageStatusRow] = &[
    PackageStatusRow::new(
        &[],
        Some(G::NotProcessed),
        "Package exists on ftp server but has not been processed.",
        busy(Stage::NotStarted),
    ),
    PackageStatusRow::new(
        &[I::Queued],
        Some(G::PullQueue),
        "Package has been added to the pull queue.",
        busy(Stage::Pull),
    ),
    PackageStatusRow::new(
        &[I::Processing, I::ImportStarted, I::ImportCompleted],
        Some(G::Pulling),
        "Package is being pulled from source.",
        busy(Stage::Pull),
    ),
    PackageStatusRow::new(
        &[],
        Some(G::Validating),
        "Package is being validated. The file sizes and checksums are being checked.",
        busy(Stage::Validate),
    ),
    PackageStatusRow::new(
        &[],
        Some(G::EncryptQueue),
        "Package has been added to the encrypt queue.",
        busy(Stage::Encrypt),
    ),
    PackageStatusRow::new(
        &[I::EncryptionStarted, I::EncryptionCompleted],
        Some(G::Encrypting),
        "Assets in the package are being encrypted.",
        busy(Stage::Encrypt),
    ),
    PackageStatusRow::new(
        &[],
        Some(G::UpdatingMetadata),
        "Package metadata is being updated",
        busy(Stage::Metadata),
    ),
    PackageStatusRow::new(
        &[I::ImportFailed],
        Some(G::PullFailed),
        "Problem importing file(s) from source.",
        failed(Some(Stage::Pull)),
    ),
    PackageStatusRow::new(
        &[],
        Some(G::ValidationFailed),
        "File size or checksum in metadata does not match physical file.",
        failed(Some(Stage::Validate)),
    ),
    PackageStatusRow::new(
        &[I::ProcessingFailed],
        Some(G::EncryptionFailed),
        "Problem occurred during encryption.",
        failed(Some(Stage::Encrypt)),
    ),
    PackageStatusRow::new(
        &[],
        Some(G::MetadataUpdateFailed),
        "Problem updating the metadata",
        failed(Some(Stage::Metadata)),
    ),
    PackageStatusRow::new(
        &[I::Exporting, I::ExportStarted, I::ExportCompleted],
        Some(G::PushQueue),
        "Package has been added to the push queue",
        busy(Stage::Push),
    ),
    PackageStatusRow::new(
        &[],
        Some(G::Pushing),
        "Package is being pushed to destination",
        busy(Stage::Push),
    ),
    PackageStatusRow::new(
        &[I::ExportFailed],
        Some(G::ExportFailed),
        "Problem exporting file(s) to destination.",
        failed(Some(Stage::Push)),
    ),
    PackageStatusRow::new(
        &[I::ExportRetry],
        None,
        "Export failed and will retry. Please take action to fix ftp problem.",
        Class {
            stage: Some(Stage::Push),
            failure: true,
            terminal: false,
        },
    ),
    PackageStatusRow::new(
        &[I::Successful],
        Some(G::Completed),
        "Package had been process without error",
        finished(Some(Stage::Done)),
    ),
    PackageStatusRow::new(
        &[I::Unknown],
        Some(G::GeneralError),
        "Unknown error was returned.",
        failed(None),
    ),
    PackageStatusRow::new(
        &[I::Canceled],
        None,
        "Request has been canceled.",
        finished(None),
    ),
    PackageStatusRow::new(
        &[I::PackageDeleteStarted],
        None,
        "Starting delete of package from source ftp server.",
        busy(Stage::Delete),
    ),
    PackageStatusRow::new(
        &[I::PackageDeleteCompleted],
        None,
        "Successfully completed delete of package from source ftp server.",
        finished(Some(Stage::Delete)),
    ),
    PackageStatusRow::new(
        &[I::PackageDeleteFailed],
        None,
        "Package delete failed.",
        failed(Some(Stage::Delete)),
    ),
    PackageStatusRow::new(
        &[I::Error],
        None,
        "Error returned from PackageNotify or PackageQuery. Check errorText attribute.",
        failed(None),
    ),
];

/// Marks a slot of a row index that no row has filled yet.
const NO_ROW: u8 = u8::MAX;

/// For each [`IdStatus`] (by discriminant), the index in [`ROWS`] of its row.
///
/// Built at compile time; the build fails if an id status is in no row or in
/// two, so the lookup in [`IdStatus::row`] cannot miss.
const ID_ROW: [u8; IdStatus::ALL.len()] = {
    assert!(ROWS.len() < NO_ROW as usize);
    let mut index = [NO_ROW; IdStatus::ALL.len()];
    let mut r = 0;
    while r < ROWS.len() {
        let ids = ROWS[r].id_statuses;
        let mut i = 0;
        while i < ids.len() {
            let slot = ids[i] as usize;
            assert!(index[slot] == NO_ROW, "an id status is in two rows");
            index[slot] = r as u8;
            i += 1;
        }
        r += 1;
    }
    let mut k = 0;
    while k < index.len() {
        assert!(IdStatus::ALL[k] as usize == k, "IdStatus::ALL out of order");
        assert!(index[k] != NO_ROW, "an id status is in no row");
        k += 1;
    }
    index
};

/// For each [`GuiStatus`] (by discriminant), the index in [`ROWS`] of its
/// row; checked like [`ID_ROW`].
const GUI_ROW: [u8; GuiStatus::ALL.len()] = {
    let mut index = [NO_ROW; GuiStatus::ALL.len()];
    let mut r = 0;
    while r < ROWS.len() {
        if let Some(gui) = ROWS[r].gui_status {
            let slot = gui as usize;
            assert!(index[slot] == NO_ROW, "a GUI status is in two rows");
            index[slot] = r as u8;
        }
        r += 1;
    }
    let mut k = 0;
    while k < index.len() {
        assert!(
            GuiStatus::ALL[k] as usize == k,
            "GuiStatus::ALL out of order"
        );
        assert!(index[k] != NO_ROW, "a GUI status is in no row");
        k += 1;
    }
    index
};

/// The methods both vocabularies answer from their row of the table.
macro_rules! row_methods {
    ($name:ident, $row_index:ident) => {
        impl $name {
            /// The row of the spec's table this status is in.
            #[must_use]
            pub const fn row(self) -> &'static PackageStatusRow {
                &ROWS[$row_index[self as usize] as usize]
            }

            /// The spec's description of this status's row, exactly as written.
            #[must_use]
            pub const fn description(self) -> &'static str {
                self.row().description
            }

            /// The pipeline stage; see [`PackageStatusRow::stage`].
            #[must_use]
            pub const fn stage(self) -> Option<Stage> {
                self.row().stage()
            }

            /// Whether this status reports a failure; see
            /// [`PackageStatusRow::is_failure`].
            #[must_use]
            pub const fn is_failure(self) -> bool {
                self.row().is_failure()
            }

            /// Whether the package will not move on by itself; see
            /// [`PackageStatusRow::is_terminal`].
            #[must_use]
            pub const fn is_terminal(self) -> bool {
                self.row().is_terminal()
            }
        }
    };
}

row_methods!(IdStatus, ID_ROW);
row_methods!(GuiStatus, GUI_ROW);

impl IdStatus {
    /// The GUI status the spec pairs with this id status, if the row has one.
    #[must_use]
    pub const fn gui_status(self) -> Option<GuiStatus> {
        self.row().gui_status
    }
}

impl GuiStatus {
    /// The id statuses the spec pairs with this GUI status, in its order;
    /// empty when the row has none (e.g. "Validating").
    #[must_use]
    pub const fn id_statuses(self) -> &'static [IdStatus] {
        self.row().id_statuses
    }
}

/// Defines a lossless, borrowing wrapper around a vocabulary: known names
/// become the enum, anything else is kept verbatim.
macro_rules! lossless {
    (
        $(#[$meta:meta])*
        pub enum $name:ident => $known:ident, $what:literal
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        pub enum $name<'a> {
            #[doc = concat!("A ", $what, " spelled exactly as in the spec.")]
            Known($known),
            #[doc = concat!(
                "Any other string, kept exactly as it came (not trimmed, not ",
                "case-folded)."
            )]
            Unrecognized(&'a str),
        }

        impl<'a> $name<'a> {
            #[doc = concat!(
                "Reads a ", $what, ". Never fails: a string that is not ",
                "spelled exactly as in the spec is kept as `Unrecognized`."
            )]
            #[must_use]
            pub fn parse(text: &'a str) -> Self {
                match $known::from_name(text) {
                    Some(known) => Self::Known(known),
                    None => Self::Unrecognized(text),
                }
            }

            /// The known status, if the text was spelled as in the spec.
            #[must_use]
            pub const fn known(self) -> Option<$known> {
                match self {
                    Self::Known(known) => Some(known),
                    Self::Unrecognized(_) => None,
                }
            }

            /// The text, exactly as it came (or the spec's spelling).
            #[must_use]
            pub const fn as_str(self) -> &'a str {
                match self {
                    Self::Known(known) => known.as_str(),
                    Self::Unrecognized(text) => text,
                }
            }

            /// The spec's description, when the status is known.
            #[must_use]
            pub const fn description(self) -> Option<&'static str> {
                match self {
                    Self::Known(known) => Some(known.description()),
                    Self::Unrecognized(_) => None,
                }
            }

            /// The pipeline stage, when the status is known and its row has
            /// one; see [`PackageStatusRow::stage`].
            #[must_use]
            pub const fn stage(self) -> Option<Stage> {
                match self {
                    Self::Known(known) => known.stage(),
                    Self::Unrecognized(_) => None,
                }
            }
        }

        impl<'a> From<&'a str> for $name<'a> {
            fn from(text: &'a str) -> Self {
                Self::parse(text)
            }
        }

        impl From<$known> for $name<'_> {
            fn from(known: $known) -> Self {
                Self::Known(known)
            }
        }

        impl fmt::Display for $name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_str())
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        /// Known names deserialize from any string; an unrecognised one is
        /// kept only when the deserializer can lend the input's own string
        /// (e.g. `serde_json::from_str` without escapes), since nothing here
        /// allocates.
        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name<'de> {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl<'de> serde::de::Visitor<'de> for Visitor {
                    type Value = $name<'de>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a ", $what, " (a borrowed string when unrecognised)"))
                    }
                    fn visit_borrowed_str<E: serde::de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                        Ok($name::parse(text))
                    }
                    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
                        $known::from_name(text).map($name::Known).ok_or_else(|| {
                            E::invalid_value(serde::de::Unexpected::Str(text), &self)
                        })
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

lossless! {
    /// A package status as a VOD Dealer returned it for a query **by id**:
    /// an [`IdStatus`], or whatever other string the server sent.
    ///
    /// ```
    /// use getemms::status::package::{IdStatus, PackageStatus};
    ///
    /// assert_eq!(PackageStatus::parse("canceled"), PackageStatus::Known(IdStatus::Canceled));
    /// // Not the spec's spelling: kept, not rejected.
    /// let odd = PackageStatus::parse(" Canceled");
    /// assert_eq!(odd, PackageStatus::Unrecognized(" Canceled"));
    /// assert_eq!(odd.to_string(), " Canceled");
    /// ```
    pub enum PackageStatus => IdStatus, "VOD Dealer package status (query by id)"
}

lossless! {
    /// A package status as a VOD Dealer showed it for a query **by name**: a
    /// [`GuiStatus`], or whatever other string the server sent.
    ///
    /// ```
    /// use getemms::status::package::{GuiStatus, PackageGuiStatus};
    ///
    /// let status = PackageGuiStatus::parse("Validation Failed");
    /// assert_eq!(status.known(), Some(GuiStatus::ValidationFailed));
    /// assert_eq!(PackageGuiStatus::parse("Frobnicating").as_str(), "Frobnicating");
    /// ```
    pub enum PackageGuiStatus => GuiStatus, "VOD Dealer package GUI status (query by name)"
}

impl PackageStatus<'_> {
    /// The GUI status the spec pairs with this status, when it is known and
    /// its row has one.
    #[must_use]
    pub const fn gui_status(self) -> Option<GuiStatus> {
        match self {
            Self::Known(known) => known.gui_status(),
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
            Self::Known(known) => known.id_statuses(),
            Self::Unrecognized(_) => &[],
        }
    }
}

/// Writes `text` as a markdown table cell, escaping what markdown would
/// otherwise interpret.
pub(super) fn write_text_cell(out: &mut impl fmt::Write, text: &str) -> fmt::Result {
    for c in text.chars() {
        if matches!(c, '\\' | '|' | '`' | '*' | '_' | '<' | '>' | '[' | ']') {
            out.write_char('\\')?;
        }
        out.write_char(c)?;
    }
    Ok(())
}

/// Renders the spec's table as markdown: a `### VOD Dealer package status`
/// heading, then one table row per spec row, derived from [`ROWS`]. Id
/// statuses are code spans separated by `<br>`; an empty cell means the
/// spec's cell is empty.
///
/// # Errors
/// Whatever `out` returns.
///
/// ```
/// let mut out = String::new();
/// getemms::status::package::render_markdown(&mut out)?;
/// assert!(out.contains("| `queued` | Pull Queue | Package has been added to the pull queue. |"));
/// # Ok::<(), core::fmt::Error>(())
/// ```
pub fn render_markdown(out: &mut impl fmt::Write) -> fmt::Result {
    out.write_str("### VOD Dealer package status\n\n")?;
    out.write_str("| Status (if query by id) | GUI status (if query by name) | Description |\n")?;
    out.write_str("|---|---|---|\n")?;
    for row in ROWS {
        out.write_str("|")?;
        for (i, id) in row.id_statuses.iter().enumerate() {
            out.write_str(if i == 0 { " `" } else { "<br>`" })?;
            out.write_str(id.as_str())?;
            out.write_str("`")?;
        }
        out.write_str(" |")?;
        if let Some(gui) = row.gui_status {
            out.write_str(" ")?;
            write_text_cell(out, gui.as_str())?;
        }
        out.write_str(" | ")?;
        write_text_cell(out, row.description)?;
        out.write_str(" |\n")?;
    }
    Ok(())
}
