//! Widevine client status codes, `WVMKStatus_*` (spec 1.3, section 2,
//! "Widevine client error codes").
//!
//! [`ClientStatus`] is lossless: every `u32` is a valid status. A row's
//! [`name`](ClientStatus::name) is the spec's name (`WVMKStatus_Tamper_Detected`)
//! and its [`description`](ClientStatus::description) is the spec's
//! "Description" column, which in this table is the name. Codes 512–768 and
//! 769–999 are third-party codes with the same meaning as in the license
//! table (remove / retain the stored license, [`StoredLicenseAction`](super::StoredLicenseAction)).
//!
//! # Second source: the later client SDK
//!
//! The client SDK header `WVStreamControlAPI.h` (Widevine, 2011; public in
//! Android vendor trees, e.g. `proprietary/streamcontrol/include/WVStreamControlAPI.h`
//! of the `android_vendor_widevine` repositories) declares the same codes as
//! `enum WVStatus` with a `WV_Status_` prefix. Its names are kept as
//! [`sdk_name`](ClientStatus::sdk_name) and parse like the spec's names. The
//! header also declares five codes the 1.3 table does not have; they are
//! rows here too, with [`Source::LaterSdk`]:
//! 416 `WV_Status_Requested_Range_Not_Satisfiable`, 1000
//! `WV_Status_End_Of_Media`, 1016 `WV_Status_InvalidPiggybackFile`, 1017
//! `WV_Status_Configuration_Error`, 2014
//! `WV_Status_Warning_ContinuityErrorCounter`. The header has no name for 0
//! (`WVMKStatus_Unknown`) and 407 (`WVMKStatus_Proxy_Authentication_Required`).
//!
//! # The spec's duplicates, and how they are resolved
//!
//! The 1.3 table lists **1008 twice**, as `WVMKStatus_Configuration_Error`
//! and as `WVMKStatus_Key_Error`, and gives **`WVMKStatus_Internal_Error` to
//! both 1006 and 2008**. The SDK header settles both: 1008 is
//! `WV_Status_Key_Error` (configuration errors moved to their own code, 1017
//! `WV_Status_Configuration_Error`), 1006 is `WV_Status_WVMK_Internal_Error`
//! and 2008 is `WV_Status_Internal_Error`. So:
//!
//! - constants follow the SDK: [`KEY_ERROR`](ClientStatus::KEY_ERROR) = 1008,
//!   [`CONFIGURATION_ERROR`](ClientStatus::CONFIGURATION_ERROR) = 1017,
//!   [`WVMK_INTERNAL_ERROR`](ClientStatus::WVMK_INTERNAL_ERROR) = 1006,
//!   [`INTERNAL_ERROR`](ClientStatus::INTERNAL_ERROR) = 2008;
//! - `name()` of 1008 is `WVMKStatus_Key_Error`, and its
//!   [`spec_names`](ClientStatus::spec_names) are both spec names, in the
//!   spec's order; its description shows both:
//!   `WVMKStatus_Configuration_Error / WVMKStatus_Key_Error`;
//! - `name()` of 1006 and of 2008 is the spec's `WVMKStatus_Internal_Error`;
//! - a name lookup never picks silently: parsing `WVMKStatus_Configuration_Error`
//!   (1008 in the spec, 1017 in the SDK) or `WVMKStatus_Internal_Error` (1006
//!   and 2008) fails with [`NameError::Ambiguous`](super::NameError::Ambiguous) naming both codes, and
//!   [`ClientStatus::codes_named`] yields every candidate so the caller can
//!   choose. Every other name, including the SDK's
//!   (`WV_Status_Configuration_Error`, `WV_Status_WVMK_Internal_Error`,
//!   `WV_Status_Internal_Error`), and every constant name parses to one code.
//!
//! ```
//! use getemms::ClientStatus;
//! use getemms::status::NameError;
//!
//! assert_eq!(ClientStatus::KEY_ERROR.name(), Some("WVMKStatus_Key_Error"));
//! assert_eq!(
//!     ClientStatus::KEY_ERROR.spec_names(),
//!     ["WVMKStatus_Configuration_Error", "WVMKStatus_Key_Error"]
//! );
//! assert_eq!(
//!     "WVMKStatus_Internal_Error".parse::<ClientStatus>(),
//!     Err(NameError::Ambiguous {
//!         table: getemms::status::Table::ClientStatus,
//!         name: "WVMKStatus_Internal_Error",
//!         codes: [1006, 2008],
//!     })
//! );
//! let candidates: Vec<u32> = ClientStatus::codes_named("WVMKStatus_Configuration_Error")
//!     .map(ClientStatus::code)
//!     .collect();
//! assert_eq!(candidates, [1008, 1017]);
//! assert_eq!("WV_Status_Internal_Error".parse(), Ok(ClientStatus::INTERNAL_ERROR));
//! ```

use core::fmt;

use super::ThirdPartyRange;
use super::macros::code_table;
use super::markdown::{Align, Cell, write_head, write_line};
use super::table::RowData;

/// Where a client status row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Source {
    /// The table of "Status and Error Codes" 1.3, section 2.
    Spec1_3,
    /// Only the later client SDK header, `WVStreamControlAPI.h` (2011).
    LaterSdk,
}

impl Source {
    /// `"spec 1.3"` or `"later SDK"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Source::Spec1_3 => "spec 1.3",
            Source::LaterSdk => "later SDK",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A row of the client table.
pub(crate) struct ClientRow {
    /// The primary name: the spec's, or the SDK's for a later-SDK row.
    name: &'static str,
    /// The spec's names for the code, in the spec's order; `spec_count` used.
    spec_names: [&'static str; 2],
    spec_count: usize,
    /// The name in `WVStreamControlAPI.h`, where it has one.
    sdk_name: Option<&'static str>,
    /// The spec's "Description" column (both names where it has two).
    description: &'static str,
    source: Source,
    /// A 1.3 name that the spec gives another code but that the SDK moved to
    /// this one (1017 `WV_Status_Configuration_Error` for the spec's
    /// `WVMKStatus_Configuration_Error` of 1008): the row answers to it, so
    /// that looking the name up yields both candidates.
    moved_spec_name: Option<&'static str>,
}

impl RowData for ClientRow {
    fn description(&'static self) -> &'static str {
        self.description
    }

    fn name(&'static self) -> Option<&'static str> {
        Some(self.name)
    }

    fn other_spelling(&'static self, candidate: &str) -> Option<&'static str> {
        self.spec_names()
            .iter()
            .copied()
            .chain(self.sdk_name)
            .chain(self.moved_spec_name)
            .find(|spelling| spelling.eq_ignore_ascii_case(candidate))
    }
}

impl ClientRow {
    fn spec_names(&'static self) -> &'static [&'static str] {
        self.spec_names.get(..self.spec_count).unwrap_or(&[])
    }
}

/// A 1.3 row whose code the SDK header names `sdk_name`.
const fn spec(name: &'static str, sdk_name: &'static str) -> ClientRow {
    ClientRow {
        name,
        spec_names: [name, ""],
        spec_count: 1,
        sdk_name: Some(sdk_name),
        description: name,
        source: Source::Spec1_3,
        moved_spec_name: None,
    }
}

/// A 1.3 row the SDK header does not name.
const fn spec_only(name: &'static str) -> ClientRow {
    ClientRow {
        name,
        spec_names: [name, ""],
        spec_count: 1,
        sdk_name: None,
        description: name,
        source: Source::Spec1_3,
        moved_spec_name: None,
    }
}

/// A code the 1.3 table lists twice, under two names.
const fn spec_twice(
    name: &'static str,
    spec_names: [&'static str; 2],
    sdk_name: &'static str,
    description: &'static str,
) -> ClientRow {
    ClientRow {
        name,
        spec_names,
        spec_count: 2,
        sdk_name: Some(sdk_name),
        description,
        source: Source::Spec1_3,
        moved_spec_name: None,
    }
}

/// A code only the later SDK header declares.
const fn later_sdk(sdk_name: &'static str) -> ClientRow {
    ClientRow {
        name: sdk_name,
        spec_names: ["", ""],
        spec_count: 0,
        sdk_name: Some(sdk_name),
        description: sdk_name,
        source: Source::LaterSdk,
        moved_spec_name: None,
    }
}

/// A code only the later SDK header declares, to which it moved the meaning
/// of a name the 1.3 table gives another code.
const fn later_sdk_moved(sdk_name: &'static str, moved_spec_name: &'static str) -> ClientRow {
    ClientRow {
        moved_spec_name: Some(moved_spec_name),
        ..later_sdk(sdk_name)
    }
}

code_table! {
    /// A Widevine client status, `WVMKStatus_*`.
    ///
    /// A lossless newtype over `u32`: every value is a valid `ClientStatus`,
    /// known to the table or not. See the [module docs](self) for the
    /// spec's duplicate codes and names and how they are resolved.
    ///
    /// ```
    /// use getemms::ClientStatus;
    ///
    /// let status: ClientStatus = "WVMKStatus_Tamper_Detected".parse()?;
    /// assert_eq!(status, ClientStatus::TAMPER_DETECTED);
    /// assert_eq!(status.code(), 1004);
    /// assert_eq!(status.to_string(), "1004 (WVMKStatus_Tamper_Detected)");
    /// assert_eq!(format!("{status:?}"), "ClientStatus::TAMPER_DETECTED");
    /// assert_eq!(status.sdk_name(), Some("WV_Status_Tamper_Detected"));
    /// # Ok::<(), getemms::status::NameError>(())
    /// ```
    pub struct ClientStatus in super::Table::ClientStatus;
    third_party: "3 rd Party Custom Application Errors (remove existing stored license)", "3 rd Party Custom Application Errors (retain existing stored license)";
    row: ClientRow;
    UNKNOWN = 0 => spec_only("WVMKStatus_Unknown");
    OK = 200 => spec("WVMKStatus_OK", "WV_Status_OK");
    BAD_REQUEST = 400 => spec("WVMKStatus_Bad_Request", "WV_Status_Bad_Request");
    UNAUTHORIZED = 401 => spec("WVMKStatus_Unauthorized", "WV_Status_Unauthorized");
    NOT_FOUND = 404 => spec("WVMKStatus_Not_Found", "WV_Status_Not_Found");
    METHOD_NOT_ALLOWED = 405 => spec("WVMKStatus_Method_Not_Allowed", "WV_Status_Method_Not_Allowed");
    PROXY_AUTHENTICATION_REQUIRED = 407 => spec_only("WVMKStatus_Proxy_Authentication_Required");
    REQUEST_TIMEOUT = 408 => spec("WVMKStatus_Request_Timeout", "WV_Status_Request_Timeout");
    UNSUPPORTED_MEDIA_TYPE = 415 => spec("WVMKStatus_Unsupported_Media_Type", "WV_Status_Unsupported_Media_Type");
    REQUESTED_RANGE_NOT_SATISFIABLE = 416 => later_sdk("WV_Status_Requested_Range_Not_Satisfiable");
    INVALID_PARAMETER = 451 => spec("WVMKStatus_Invalid_Parameter", "WV_Status_Invalid_Parameter");
    SESSION_NOT_FOUND = 454 => spec("WVMKStatus_Session_Not_Found", "WV_Status_Session_Not_Found");
    METHOD_NOT_VALID_IN_THIS_STATE = 455 => spec("WVMKStatus_Method_Not_Valid_In_This_State", "WV_Status_Method_Not_Valid_In_This_State");
    INVALID_RANGE = 457 => spec("WVMKStatus_Invalid_Range", "WV_Status_Invalid_Range");
    UNSUPPORTED_TRANSPORT = 461 => spec("WVMKStatus_Unsupported_Transport", "WV_Status_Unsupported_Transport");
    DESTINATION_UNREACHABLE = 462 => spec("WVMKStatus_Destination_Unreachable", "WV_Status_Destination_Unreachable");
    TERMINATE_REQUESTED = 463 => spec("WVMKStatus_Terminate_Requested", "WV_Status_Terminate_Requested");
    INTERNAL_SERVER_ERROR = 500 => spec("WVMKStatus_Internal_Server_Error", "WV_Status_Internal_Server_Error");
    NOT_IMPLEMENTED = 501 => spec("WVMKStatus_Not_Implemented", "WV_Status_Not_Implemented");
    SERVICE_UNAVAILABLE = 503 => spec("WVMKStatus_Service_Unavailable", "WV_Status_Service_Unavailable");
    SERVICE_RESPONSE_ERROR = 504 => spec("WVMKStatus_Service_Response_Error", "WV_Status_Service_Response_Error");
    END_OF_MEDIA = 1000 => later_sdk("WV_Status_End_Of_Media");
    INVALID_DATA_FORMAT = 1001 => spec("WVMKStatus_Invalid_Data_Format", "WV_Status_Invalid_Data_Format");
    INVALID_DATA_VERSION = 1002 => spec("WVMKStatus_Invalid_Data_Version", "WV_Status_Invalid_Data_Version");
    PARSE_ERROR = 1003 => spec("WVMKStatus_Parse_Error", "WV_Status_Parse_Error");
    TAMPER_DETECTED = 1004 => spec("WVMKStatus_Tamper_Detected", "WV_Status_Tamper_Detected");
    TRUNCATED_MEDIA = 1005 => spec("WVMKStatus_Truncated_Media", "WV_Status_Truncated_Media");
    WVMK_INTERNAL_ERROR = 1006 => spec("WVMKStatus_Internal_Error", "WV_Status_WVMK_Internal_Error");
    ENTITLEMENT_ERROR = 1007 => spec("WVMKStatus_Entitlement_Error", "WV_Status_Entitlement_Error");
    KEY_ERROR = 1008 => spec_twice("WVMKStatus_Key_Error", ["WVMKStatus_Configuration_Error", "WVMKStatus_Key_Error"], "WV_Status_Key_Error", "WVMKStatus_Configuration_Error / WVMKStatus_Key_Error");
    VALUE_OUT_OF_RANGE = 1009 => spec("WVMKStatus_Value_Out_Of_Range", "WV_Status_Value_Out_Of_Range");
    SYSTEM_ERROR = 1010 => spec("WVMKStatus_System_Error", "WV_Status_System_Error");
    INVALID_RESPONSE = 1011 => spec("WVMKStatus_Invalid_Response", "WV_Status_Invalid_Response");
    UNSUPPORTED_TRANSPORT_TYPE = 1012 => spec("WVMKStatus_Unsupported_Transport_Type", "WV_Status_Unsupported_Transport_Type");
    FILE_SYSTEM_ERROR = 1013 => spec("WVMKStatus_FileSystem_Error", "WV_Status_FileSystem_Error");
    USER_CANCEL = 1014 => spec("WVMKStatus_User_Cancel", "WV_Status_User_Cancel");
    INVALID_STATE = 1015 => spec("WVMKStatus_InvalidState", "WV_Status_InvalidState");
    INVALID_PIGGYBACK_FILE = 1016 => later_sdk("WV_Status_InvalidPiggybackFile");
    CONFIGURATION_ERROR = 1017 => later_sdk_moved("WV_Status_Configuration_Error", "WVMKStatus_Configuration_Error");
    WARNING_DOWNLOAD_STALLED = 2000 => spec("WVMKStatus_Warning_Download_Stalled", "WV_Status_Warning_Download_Stalled");
    WARNING_NEED_KEY = 2001 => spec("WVMKStatus_Warning_Need_Key", "WV_Status_Warning_Need_Key");
    WARNING_NOT_AVAILABLE = 2002 => spec("WVMKStatus_Warning_Not_Available", "WV_Status_Warning_Not_Available");
    CHECKING_BANDWIDTH = 2003 => spec("WVMKStatus_Checking_Bandwidth", "WV_Status_Checking_Bandwidth");
    ERROR_DOWNLOAD_STALLED = 2004 => spec("WVMKStatus_Error_Download_Stalled", "WV_Status_Error_Download_Stalled");
    ERROR_NEED_KEY = 2005 => spec("WVMKStatus_Error_Need_Key", "WV_Status_Error_Need_Key");
    ERROR_OUT_OF_MEMORY = 2006 => spec("WVMKStatus_Error_Out_of_Memory", "WV_Status_Error_Out_Of_Memory");
    UNINITIALIZED = 2007 => spec("WVMKStatus_Uninitialized", "WV_Status_Uninitialized");
    INTERNAL_ERROR = 2008 => spec("WVMKStatus_Internal_Error", "WV_Status_Internal_Error");
    ERROR_INVALID_CHAPTER = 2009 => spec("WVMKStatus_Error_Invalid_Chapter", "WV_Status_Error_Invalid_Chapter");
    HEARTBEAT_CONFIGURATION_ERROR = 2010 => spec("WVMKStatus_Heartbeat_Configuration_Error", "WV_Status_Heartbeat_Configuration_Error");
    INVALID_KEYBOX = 2011 => spec("WVMKStatus_Invalid_Keybox", "WV_Status_Invalid_Keybox");
    ERROR_NO_ADAPTIVE_TRACKS = 2012 => spec("WVMKStatus_Error_NoAdaptiveTracks", "WV_Status_Error_NoAdaptiveTracks");
    WARNING_CONTINUITY_ERROR_COUNTER = 2014 => later_sdk("WV_Status_Warning_ContinuityErrorCounter");
}

impl ClientStatus {
    /// Whether this is 200, `WVMKStatus_OK`.
    #[inline]
    #[must_use]
    pub const fn is_ok(self) -> bool {
        self.0 == Self::OK.0
    }

    /// Whether the code is a warning: 2000–2003 (`…_Warning_Download_Stalled`,
    /// `…_Warning_Need_Key`, `…_Warning_Not_Available`, `…_Checking_Bandwidth`),
    /// which the client turns into the matching 2004+ errors if they last, and
    /// 2014 `WV_Status_Warning_ContinuityErrorCounter` of the later SDK, which
    /// its name marks as a warning too.
    ///
    /// ```
    /// use getemms::ClientStatus;
    ///
    /// assert!(ClientStatus::WARNING_NEED_KEY.is_warning());
    /// assert!(ClientStatus::CHECKING_BANDWIDTH.is_warning());
    /// assert!(!ClientStatus::ERROR_DOWNLOAD_STALLED.is_warning());
    /// ```
    #[inline]
    #[must_use]
    pub const fn is_warning(self) -> bool {
        matches!(self.0, 2000..=2003 | 2014)
    }

    /// Every name the 1.3 table gives the code, in the spec's order: one for
    /// most codes, two for 1008, none for later-SDK codes and unlisted codes.
    #[must_use]
    pub fn spec_names(self) -> &'static [&'static str] {
        match self.record() {
            Some(record) => record.data.spec_names(),
            None => &[],
        }
    }

    /// The code's name in the later SDK header `WVStreamControlAPI.h`
    /// (`WV_Status_…`), where it has one.
    #[must_use]
    pub const fn sdk_name(self) -> Option<&'static str> {
        match self.record() {
            Some(record) => record.data.sdk_name,
            None => None,
        }
    }

    /// Where the code's row comes from; `None` for a code without a row.
    #[must_use]
    pub const fn source(self) -> Option<Source> {
        match self.record() {
            Some(record) => Some(record.data.source),
            None => None,
        }
    }
}

/// Renders the client table as markdown: a `###` heading, the resolution of
/// the spec's duplicates, and one line per row and per third-party range.
///
/// # Errors
/// Only the errors of `out`.
pub fn render_markdown<W: fmt::Write + ?Sized>(out: &mut W) -> fmt::Result {
    write_head(
        out,
        "Widevine client status (`ClientStatus`, `WVMKStatus_*`)",
        "Spec section 2, with the names of the later client SDK header \
         `WVStreamControlAPI.h` beside them and the five codes only that header \
         declares. The spec lists 1008 twice (`WVMKStatus_Configuration_Error`, \
         `WVMKStatus_Key_Error`) and gives `WVMKStatus_Internal_Error` to 1006 and \
         2008; following the SDK, 1008 is `KEY_ERROR`, configuration errors are \
         1017, and those two spec names do not parse to one code (`NameError::Ambiguous`; \
         `ClientStatus::codes_named` lists the candidates).",
        &[
            ("Code", Align::Right),
            ("Constant", Align::Left),
            ("Spec 1.3 name(s)", Align::Left),
            ("SDK name", Align::Left),
            ("Source", Align::Left),
        ],
    )?;
    let mut ranges = ClientStatus::third_party_ranges().iter().peekable();
    for row in ClientStatus::rows() {
        // The range rows go where the spec has them, in code order.
        while let Some(range) = ranges.next_if(|range| range.first() < row.code()) {
            render_range(out, range)?;
        }
        let status = row.status();
        let source = status.source();
        let source: &dyn fmt::Display = match &source {
            Some(source) => source,
            None => &"",
        };
        write_line(
            out,
            &[
                Cell::Text(&row.code()),
                Cell::Code(&row.const_name(), ""),
                Cell::Code(&status.spec_names(), ", "),
                Cell::Code(&status.sdk_name(), ""),
                Cell::Text(source),
            ],
        )?;
    }
    for range in ranges {
        render_range(out, range)?;
    }
    Ok(())
}

fn render_range<W: fmt::Write + ?Sized>(out: &mut W, range: &ThirdPartyRange) -> fmt::Result {
    write_line(
        out,
        &[
            Cell::Text(&format_args!("{}–{}", range.first(), range.last())),
            Cell::Text(&""),
            Cell::Text(&range.description()),
            Cell::Text(&""),
            Cell::Text(&format_args!(
                "{} ({} stored license)",
                Source::Spec1_3,
                range.action()
            )),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The row builders run at compile time to build the table; run here
    /// once more, each must fill exactly the columns it names.
    #[test]
    fn test_row_builders_fill_the_columns_they_name() {
        let row = spec("WVMKStatus_OK", "WV_Status_OK");
        assert_eq!(
            (row.name, row.spec_names, row.spec_count, row.sdk_name),
            (
                "WVMKStatus_OK",
                ["WVMKStatus_OK", ""],
                1,
                Some("WV_Status_OK")
            )
        );
        assert_eq!(
            (row.description, row.source, row.moved_spec_name),
            ("WVMKStatus_OK", Source::Spec1_3, None)
        );

        let row = spec_only("WVMKStatus_Unknown");
        assert_eq!(
            (row.spec_count, row.sdk_name, row.source),
            (1, None, Source::Spec1_3)
        );

        let row = spec_twice("A_Error", ["A_Error", "B_Error"], "WV_A_Error", "A / B");
        assert_eq!(
            (row.name, row.spec_names, row.spec_count, row.description),
            ("A_Error", ["A_Error", "B_Error"], 2, "A / B")
        );
        assert_eq!(row.sdk_name, Some("WV_A_Error"));

        let row = later_sdk("WV_Status_New");
        assert_eq!(
            (row.name, row.spec_count, row.sdk_name, row.description),
            ("WV_Status_New", 0, Some("WV_Status_New"), "WV_Status_New")
        );
        assert_eq!((row.source, row.moved_spec_name), (Source::LaterSdk, None));

        let row = later_sdk_moved("WV_Status_Moved", "WVMKStatus_Moved");
        assert_eq!(
            (row.name, row.source, row.moved_spec_name),
            (
                "WV_Status_Moved",
                Source::LaterSdk,
                Some("WVMKStatus_Moved")
            )
        );
    }
}
