//! Widevine license status: the first field of a `GetEMMs.cgi` body (spec
//! 1.3, section 3, "Widevine license status").
//!
//! [`LicenseStatus`] is lossless: every `u32` is a valid status. The spec's
//! table names codes 0–68; codes 512–768 and 769–999 are third-party codes a
//! license proxy defines itself, which make the client remove
//! ([`StoredLicenseAction::Remove`](super::StoredLicenseAction::Remove)) or retain ([`StoredLicenseAction::Retain`](super::StoredLicenseAction::Retain))
//! its stored license; 69–511 and 1000 and above are unlisted and print as
//! their number.
//!
//! The spec has no name column for this table, so a row's
//! [`name`](LicenseStatus::name) is its Rust constant name (`ASSET_NOT_FOUND`)
//! and its [`description`](LicenseStatus::description) is the spec's text,
//! typos included ("Servers-side", "geo-graphic", "Asset already exist").
//! 0 "Unknown" and 46 "Unknown code" are two different codes.
//!
//! The text of the third-party ranges is kept exactly as the spec's text
//! reads, "3 rd party-defined error codes (…)", with the space that the
//! superscript "rd" of the original left; it is not normalised to "3rd", so
//! that it matches what other tools extracted from the same document.
//!
//! [`LicenseStatus::category`] is a coarse grouping for a proxy to branch on;
//! the grouping is this crate's, not the spec's (see [`LicenseCategory`]).
//!
//! ```
//! use getemms::LicenseStatus;
//! use getemms::status::StoredLicenseAction;
//!
//! let status: LicenseStatus = "ASSET_NOT_FOUND".parse()?;
//! assert_eq!(status, LicenseStatus::new(2));
//! assert_eq!(status.to_string(), "2 (Server-side database error: Asset not found)");
//! assert_eq!(format!("{status:?}"), "LicenseStatus::ASSET_NOT_FOUND");
//!
//! let refusal = LicenseStatus::third_party(600)?;
//! assert_eq!(refusal.stored_license_action(), Some(StoredLicenseAction::Remove));
//! assert_eq!(LicenseStatus::new(1234).to_string(), "1234");
//! # Ok::<(), getemms::status::NameError>(())
//! ```

use core::fmt;

use super::macros::code_table;
use super::markdown::{Align, Cell, write_head, write_line};
use super::table::RowData;

/// A coarse grouping of license statuses that a proxy can branch on.
///
/// **The grouping is this crate's, not the spec's**: the spec lists the codes
/// without classes. Every code 0–68 is assigned deliberately (the README and
/// [`crate::status::markdown_tables`] show each code's category); codes
/// 512–999 are [`ThirdParty`](Self::ThirdParty); any other code is
/// [`Unknown`](Self::Unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum LicenseCategory {
    /// 1: the license was granted.
    Success,
    /// A server-side database operation on an asset, provider or policy
    /// record failed or conflicted (2–5, 56, 64).
    ServerDatabase,
    /// The server failed for reasons of its own (6 internal error, 60 asset
    /// key too large, 62 too many assets).
    ServerInternal,
    /// The request, as built by the client, portal or proxy, is missing data,
    /// is malformed, or names unknown or invalid identifiers or credentials
    /// (signature, provider, portal, asset id, key id, name, CCI, DCP, …).
    RequestValidation,
    /// The client device or its software failed verification, is tampered,
    /// revoked or not supported (tokens, hardware id, keybox, client version,
    /// make, model).
    ClientIntegrity,
    /// A business rule refused the license: policy, access criteria, blocking,
    /// device licenses, provider or portal rules.
    Policy,
    /// The request is outside the asset's geographic region or license window.
    GeographyOrWindow,
    /// A server or the network was unavailable or the request was aborted;
    /// retrying later may succeed.
    Availability,
    /// 512–999: a code defined by a third party (the license proxy).
    ThirdParty,
    /// 0 "Unknown", 46 "Unknown code", and every code the spec does not list.
    Unknown,
}

impl LicenseCategory {
    /// A short lower-case label (`"server database"`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            LicenseCategory::Success => "success",
            LicenseCategory::ServerDatabase => "server database",
            LicenseCategory::ServerInternal => "server internal",
            LicenseCategory::RequestValidation => "request validation",
            LicenseCategory::ClientIntegrity => "client integrity",
            LicenseCategory::Policy => "policy",
            LicenseCategory::GeographyOrWindow => "geography or window",
            LicenseCategory::Availability => "availability",
            LicenseCategory::ThirdParty => "third party",
            LicenseCategory::Unknown => "unknown",
        }
    }
}

impl fmt::Display for LicenseCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A row of the license table: the spec's text and our category.
pub(crate) struct LicenseRow {
    description: &'static str,
    category: LicenseCategory,
}

impl RowData for LicenseRow {
    fn description(&'static self) -> &'static str {
        self.description
    }
}

const fn row(description: &'static str, category: LicenseCategory) -> LicenseRow {
    LicenseRow {
        description,
        category,
    }
}

use LicenseCategory::{
    Availability, ClientIntegrity, GeographyOrWindow, Policy, RequestValidation, ServerDatabase,
    ServerInternal, Success, Unknown,
};

code_table! {
    /// A Widevine license status, the first field of a `GetEMMs.cgi` body.
    ///
    /// A lossless newtype over `u32`: every value is a valid `LicenseStatus`,
    /// known to the spec's table or not, and converts back unchanged. See the
    /// [module docs](self) for the table and the third-party ranges.
    ///
    /// ```
    /// use getemms::LicenseStatus;
    ///
    /// let status = LicenseStatus::from(600);
    /// assert_eq!(u32::from(status), 600);
    /// assert!(LicenseStatus::OK.is_ok());
    /// assert_eq!(LicenseStatus::UNKNOWN.code(), 0);
    /// assert_eq!(LicenseStatus::UNKNOWN_CODE.code(), 46);
    /// ```
    pub struct LicenseStatus in super::Table::LicenseStatus;
    third_party: "3 rd party-defined error codes (remove existing stored license, if any)", "3 rd party-defined error codes (retain existing stored license, if any)";
    row: LicenseRow;
    UNKNOWN = 0 => row("Unknown", Unknown);
    OK = 1 => row("OK, successful", Success);
    ASSET_NOT_FOUND = 2 => row("Server-side database error: Asset not found", ServerDatabase);
    ASSET_SAVE_FAILED = 3 => row("Servers-side database error: Asset save failed", ServerDatabase);
    ASSET_DELETE_FAILED = 4 => row("Server-side database error: Asset delete failed", ServerDatabase);
    ASSET_ALREADY_EXISTS = 5 => row("Server-side database error: Asset already exist", ServerDatabase);
    INTERNAL_ERROR = 6 => row("Internal error", ServerInternal);
    OPERATION_NOT_ALLOWED = 7 => row("Operation is not allowed", Policy);
    ASSET_BLOCKED = 8 => row("Asset is currently blocked (see access criteria settings)", Policy);
    OUTSIDE_LICENSE_WINDOW = 9 => row("Asset is outside license window", GeographyOrWindow);
    OUTSIDE_GEOGRAPHIC_REGION = 10 => row("Asset is outside allowed geographic region", GeographyOrWindow);
    SIGNATURE_MISSING = 11 => row("Signature is missing in the EMM request", RequestValidation);
    SIGNATURE_INVALID = 12 => row("Signature is not valid in the EMM request", RequestValidation);
    UNKNOWN_PROVIDER = 13 => row("Provider is unknown", RequestValidation);
    NETWORK_ERROR = 14 => row("Network error", Availability);
    EMM_FORMAT_ERROR = 15 => row("EMM format error", RequestValidation);
    EMM_DECODE_FAILED = 16 => row("EMM decode failed", RequestValidation);
    CLIENT_NETWORK_ERROR = 17 => row("Client network error", Availability);
    REQUEST_ABORTED = 18 => row("Request aborted", Availability);
    CLIENT_KEY_MISSING = 19 => row("Client key is missing", RequestValidation);
    REGISTRATION_SERVER_NOT_RESPONDING = 20 => row("Registration server is not responding", Availability);
    REGISTRATION_SERVER_DOWN = 21 => row("Registration server is down", Availability);
    PORTAL_INFORMATION_MISSING = 22 => row("Portal information is missing", RequestValidation);
    UNKNOWN_PORTAL = 23 => row("Portal is unknown", RequestValidation);
    ASSET_ID_MISSING = 24 => row("Asset Id is missing", RequestValidation);
    OWNER_INFORMATION_MISSING = 25 => row("Owner information is missing", RequestValidation);
    PROVIDER_INFORMATION_MISSING = 26 => row("Provider information is missing", RequestValidation);
    NAME_MISSING = 27 => row("Name is missing", RequestValidation);
    INVALID_CCI = 28 => row("Invalid CCI", RequestValidation);
    INVALID_DCP = 29 => row("Invalid DCP", RequestValidation);
    INVALID_LICENSE_WINDOW = 30 => row("Invalid license window", RequestValidation);
    POLICY_NOT_FOUND = 31 => row("Policy not found", Policy);
    REJECTED_BY_POLICY = 32 => row("License request rejected due to Policy", Policy);
    POLICY_SERVER_NOT_RESPONDING = 33 => row("Policy server is not responding", Availability);
    CLIENT_TOKEN_ERROR = 34 => row("Error processing token sent by client", ClientIntegrity);
    INVALID_GEOGRAPHIC_REGION = 35 => row("Invalid geo-graphic region", GeographyOrWindow);
    INVALID_NONCE = 36 => row("Invalid Nonce", ClientIntegrity);
    INVALID_HARDWARE_ID = 37 => row("Invalid Hardware Id", ClientIntegrity);
    INVALID_TOKEN = 38 => row("Invalid Token", ClientIntegrity);
    INVALID_ASSET_ID = 39 => row("Invalid asset Id", RequestValidation);
    INVALID_NAME = 40 => row("Invalid name", RequestValidation);
    INVALID_CLIENT_DIVERSITY = 41 => row("Invalid client diversity", ClientIntegrity);
    INVALID_KEY_ID = 42 => row("Invalid Key Id", RequestValidation);
    MODEL_NOT_SUPPORTED = 43 => row("Model not supported", ClientIntegrity);
    INVALID_KEYBOX_SYSTEM_ID = 44 => row("Invalid keybox system Id", ClientIntegrity);
    NO_DEVICE_LICENSE_AVAILABLE = 45 => row("No device license is available", Policy);
    UNKNOWN_CODE = 46 => row("Unknown code", Unknown);
    INVALID_ACCESS_CRITERIA = 47 => row("Invalid access criteria", RequestValidation);
    GEOGRAPHIC_REGION_MISSING = 48 => row("Geographic region is missing", RequestValidation);
    KEY_VERIFICATION_FAILED = 49 => row("Key verification failed", ClientIntegrity);
    CLIENT_TOKEN_HASH_FAILED = 50 => row("Hash in client token failed", ClientIntegrity);
    CLIENT_TOKEN_KEY_UNAVAILABLE = 51 => row("Unable to get key for client token verification", ClientIntegrity);
    WRONG_SYSTEM_ID = 52 => row("Wrong system Id sent by client", ClientIntegrity);
    REVOKED_CLIENT_VERSION = 53 => row("Revoked client version", ClientIntegrity);
    CLIENT_VERSION_TAMPERED = 54 => row("Client version tampered", ClientIntegrity);
    CLIENT_VERSION_MISSING = 55 => row("Client version missing", RequestValidation);
    ASSET_PROVIDER_ALREADY_EXISTS = 56 => row("Asset provider already exists", ServerDatabase);
    DIVERSITY_INFORMATION_MISSING = 57 => row("Missing diversity information", RequestValidation);
    TOKEN_MISSING = 58 => row("Missing token", RequestValidation);
    CLIENT_MODEL_TAMPERED = 59 => row("Client model tampered", ClientIntegrity);
    ASSET_KEY_TOO_LARGE = 60 => row("Asset key is too large", ServerInternal);
    DECRYPTION_FAILED = 61 => row("Failed decryption", ClientIntegrity);
    TOO_MANY_ASSETS = 62 => row("Too many assets", ServerInternal);
    MAKE_NOT_SUPPORTED = 63 => row("Make not supported", ClientIntegrity);
    POLICY_ALREADY_EXISTS = 64 => row("Policy already exists", ServerDatabase);
    INVALID_XML = 65 => row("Invalid XML", RequestValidation);
    PROVIDER_VIOLATION = 66 => row("Provider violation", Policy);
    PORTAL_VERIFICATION_FAILED = 67 => row("Portal verification failed", RequestValidation);
    PORTAL_OVERRIDE_NOT_ALLOWED = 68 => row("Portal override not allowed", Policy);
}

impl LicenseStatus {
    /// Whether this is 1, "OK, successful".
    #[inline]
    #[must_use]
    pub const fn is_ok(self) -> bool {
        self.0 == Self::OK.0
    }

    /// The coarse category of the code (this crate's grouping, not the spec's;
    /// see [`LicenseCategory`]).
    ///
    /// ```
    /// use getemms::{LicenseCategory, LicenseStatus};
    ///
    /// assert_eq!(LicenseStatus::REVOKED_CLIENT_VERSION.category(), LicenseCategory::ClientIntegrity);
    /// assert_eq!(LicenseStatus::new(700).category(), LicenseCategory::ThirdParty);
    /// assert_eq!(LicenseStatus::new(69).category(), LicenseCategory::Unknown);
    /// ```
    #[must_use]
    pub const fn category(self) -> LicenseCategory {
        match self.record() {
            Some(record) => record.data.category,
            None if self.is_third_party() => LicenseCategory::ThirdParty,
            None => LicenseCategory::Unknown,
        }
    }
}

/// Renders the license table as markdown: a `###` heading, a note, and one
/// line per row and per third-party range, each with its category.
///
/// # Errors
/// Only the errors of `out`.
pub fn render_markdown<W: fmt::Write + ?Sized>(out: &mut W) -> fmt::Result {
    write_head(
        out,
        "Widevine license status (`LicenseStatus`)",
        "The `GetEMMs.cgi` header field (spec section 3). The category column is \
         this crate's grouping (`LicenseStatus::category`), not the spec's.",
        &[
            ("Code", Align::Right),
            ("Constant", Align::Left),
            ("Description", Align::Left),
            ("Category", Align::Left),
        ],
    )?;
    for row in LicenseStatus::rows() {
        write_line(
            out,
            &[
                Cell::Text(&row.code()),
                Cell::Code(&row.const_name(), ""),
                Cell::Text(&row.description()),
                Cell::Text(&row.status().category()),
            ],
        )?;
    }
    for range in LicenseStatus::third_party_ranges() {
        write_line(
            out,
            &[
                Cell::Text(&format_args!("{}–{}", range.first(), range.last())),
                Cell::Text(&""),
                Cell::Text(&range.description()),
                Cell::Text(&format_args!(
                    "{} ({} stored license)",
                    LicenseCategory::ThirdParty,
                    range.action()
                )),
            ],
        )?;
    }
    Ok(())
}
