//! The status tables against the spec ("Status and Error Codes" 1.3), typed
//! here a second time, row by row, independently of `src/status`: a row that
//! is missing, extra or misspelled on either side fails.

use std::collections::BTreeSet;

use getemms::status::{NameError, Row, Source, StoredLicenseAction};
use getemms::{ClientStatus, DcpStatus, LicenseCategory, LicenseStatus};
use proptest::prelude::*;

/// Section 3, "Widevine license status": every single-code row.
const LICENSE_ROWS: &[(u32, &str)] = &[
    (0, "Unknown"),
    (1, "OK, successful"),
    (2, "Server-side database error: Asset not found"),
    (3, "Servers-side database error: Asset save failed"),
    (4, "Server-side database error: Asset delete failed"),
    (5, "Server-side database error: Asset already exist"),
    (6, "Internal error"),
    (7, "Operation is not allowed"),
    (
        8,
        "Asset is currently blocked (see access criteria settings)",
    ),
    (9, "Asset is outside license window"),
    (10, "Asset is outside allowed geographic region"),
    (11, "Signature is missing in the EMM request"),
    (12, "Signature is not valid in the EMM request"),
    (13, "Provider is unknown"),
    (14, "Network error"),
    (15, "EMM format error"),
    (16, "EMM decode failed"),
    (17, "Client network error"),
    (18, "Request aborted"),
    (19, "Client key is missing"),
    (20, "Registration server is not responding"),
    (21, "Registration server is down"),
    (22, "Portal information is missing"),
    (23, "Portal is unknown"),
    (24, "Asset Id is missing"),
    (25, "Owner information is missing"),
    (26, "Provider information is missing"),
    (27, "Name is missing"),
    (28, "Invalid CCI"),
    (29, "Invalid DCP"),
    (30, "Invalid license window"),
    (31, "Policy not found"),
    (32, "License request rejected due to Policy"),
    (33, "Policy server is not responding"),
    (34, "Error processing token sent by client"),
    (35, "Invalid geo-graphic region"),
    (36, "Invalid Nonce"),
    (37, "Invalid Hardware Id"),
    (38, "Invalid Token"),
    (39, "Invalid asset Id"),
    (40, "Invalid name"),
    (41, "Invalid client diversity"),
    (42, "Invalid Key Id"),
    (43, "Model not supported"),
    (44, "Invalid keybox system Id"),
    (45, "No device license is available"),
    (46, "Unknown code"),
    (47, "Invalid access criteria"),
    (48, "Geographic region is missing"),
    (49, "Key verification failed"),
    (50, "Hash in client token failed"),
    (51, "Unable to get key for client token verification"),
    (52, "Wrong system Id sent by client"),
    (53, "Revoked client version"),
    (54, "Client version tampered"),
    (55, "Client version missing"),
    (56, "Asset provider already exists"),
    (57, "Missing diversity information"),
    (58, "Missing token"),
    (59, "Client model tampered"),
    (60, "Asset key is too large"),
    (61, "Failed decryption"),
    (62, "Too many assets"),
    (63, "Make not supported"),
    (64, "Policy already exists"),
    (65, "Invalid XML"),
    (66, "Provider violation"),
    (67, "Portal verification failed"),
    (68, "Portal override not allowed"),
];

/// Section 3: the two range rows.
const LICENSE_RANGES: &[(u32, u32, &str)] = &[
    (
        512,
        768,
        "3 rd party-defined error codes (remove existing stored license, if any)",
    ),
    (
        769,
        999,
        "3 rd party-defined error codes (retain existing stored license, if any)",
    ),
];

/// Section 2, "Widevine client error codes": every single-code row, in the
/// spec's order, 1008 twice.
const CLIENT_ROWS: &[(u32, &str)] = &[
    (0, "WVMKStatus_Unknown"),
    (200, "WVMKStatus_OK"),
    (400, "WVMKStatus_Bad_Request"),
    (401, "WVMKStatus_Unauthorized"),
    (404, "WVMKStatus_Not_Found"),
    (405, "WVMKStatus_Method_Not_Allowed"),
    (407, "WVMKStatus_Proxy_Authentication_Required"),
    (408, "WVMKStatus_Request_Timeout"),
    (415, "WVMKStatus_Unsupported_Media_Type"),
    (451, "WVMKStatus_Invalid_Parameter"),
    (454, "WVMKStatus_Session_Not_Found"),
    (455, "WVMKStatus_Method_Not_Valid_In_This_State"),
    (457, "WVMKStatus_Invalid_Range"),
    (461, "WVMKStatus_Unsupported_Transport"),
    (462, "WVMKStatus_Destination_Unreachable"),
    (463, "WVMKStatus_Terminate_Requested"),
    (500, "WVMKStatus_Internal_Server_Error"),
    (501, "WVMKStatus_Not_Implemented"),
    (503, "WVMKStatus_Service_Unavailable"),
    (504, "WVMKStatus_Service_Response_Error"),
    (1001, "WVMKStatus_Invalid_Data_Format"),
    (1002, "WVMKStatus_Invalid_Data_Version"),
    (1003, "WVMKStatus_Parse_Error"),
    (1004, "WVMKStatus_Tamper_Detected"),
    (1005, "WVMKStatus_Truncated_Media"),
    (1006, "WVMKStatus_Internal_Error"),
    (1007, "WVMKStatus_Entitlement_Error"),
    (1008, "WVMKStatus_Configuration_Error"),
    (1008, "WVMKStatus_Key_Error"),
    (1009, "WVMKStatus_Value_Out_Of_Range"),
    (1010, "WVMKStatus_System_Error"),
    (1011, "WVMKStatus_Invalid_Response"),
    (1012, "WVMKStatus_Unsupported_Transport_Type"),
    (1013, "WVMKStatus_FileSystem_Error"),
    (1014, "WVMKStatus_User_Cancel"),
    (1015, "WVMKStatus_InvalidState"),
    (2000, "WVMKStatus_Warning_Download_Stalled"),
    (2001, "WVMKStatus_Warning_Need_Key"),
    (2002, "WVMKStatus_Warning_Not_Available"),
    (2003, "WVMKStatus_Checking_Bandwidth"),
    (2004, "WVMKStatus_Error_Download_Stalled"),
    (2005, "WVMKStatus_Error_Need_Key"),
    (2006, "WVMKStatus_Error_Out_of_Memory"),
    (2007, "WVMKStatus_Uninitialized"),
    (2008, "WVMKStatus_Internal_Error"),
    (2009, "WVMKStatus_Error_Invalid_Chapter"),
    (2010, "WVMKStatus_Heartbeat_Configuration_Error"),
    (2011, "WVMKStatus_Invalid_Keybox"),
    (2012, "WVMKStatus_Error_NoAdaptiveTracks"),
];

/// Section 2: the two range rows.
const CLIENT_RANGES: &[(u32, u32, &str)] = &[
    (
        512,
        768,
        "3 rd Party Custom Application Errors (remove existing stored license)",
    ),
    (
        769,
        999,
        "3 rd Party Custom Application Errors (retain existing stored license)",
    ),
];

/// The second source: `enum WVStatus` of the client SDK header
/// `WVStreamControlAPI.h` (2011), every enumerator but the range markers
/// `WV_Status_Min_TP_Error = 512` and `WV_Status_Max_TP_Error = 768`.
const SDK_ROWS: &[(u32, &str)] = &[
    (200, "WV_Status_OK"),
    (400, "WV_Status_Bad_Request"),
    (401, "WV_Status_Unauthorized"),
    (404, "WV_Status_Not_Found"),
    (405, "WV_Status_Method_Not_Allowed"),
    (408, "WV_Status_Request_Timeout"),
    (415, "WV_Status_Unsupported_Media_Type"),
    (416, "WV_Status_Requested_Range_Not_Satisfiable"),
    (451, "WV_Status_Invalid_Parameter"),
    (454, "WV_Status_Session_Not_Found"),
    (455, "WV_Status_Method_Not_Valid_In_This_State"),
    (457, "WV_Status_Invalid_Range"),
    (461, "WV_Status_Unsupported_Transport"),
    (462, "WV_Status_Destination_Unreachable"),
    (463, "WV_Status_Terminate_Requested"),
    (500, "WV_Status_Internal_Server_Error"),
    (501, "WV_Status_Not_Implemented"),
    (503, "WV_Status_Service_Unavailable"),
    (504, "WV_Status_Service_Response_Error"),
    (1000, "WV_Status_End_Of_Media"),
    (1001, "WV_Status_Invalid_Data_Format"),
    (1002, "WV_Status_Invalid_Data_Version"),
    (1003, "WV_Status_Parse_Error"),
    (1004, "WV_Status_Tamper_Detected"),
    (1005, "WV_Status_Truncated_Media"),
    (1006, "WV_Status_WVMK_Internal_Error"),
    (1007, "WV_Status_Entitlement_Error"),
    (1008, "WV_Status_Key_Error"),
    (1009, "WV_Status_Value_Out_Of_Range"),
    (1010, "WV_Status_System_Error"),
    (1011, "WV_Status_Invalid_Response"),
    (1012, "WV_Status_Unsupported_Transport_Type"),
    (1013, "WV_Status_FileSystem_Error"),
    (1014, "WV_Status_User_Cancel"),
    (1015, "WV_Status_InvalidState"),
    (1016, "WV_Status_InvalidPiggybackFile"),
    (1017, "WV_Status_Configuration_Error"),
    (2000, "WV_Status_Warning_Download_Stalled"),
    (2001, "WV_Status_Warning_Need_Key"),
    (2002, "WV_Status_Warning_Not_Available"),
    (2003, "WV_Status_Checking_Bandwidth"),
    (2004, "WV_Status_Error_Download_Stalled"),
    (2005, "WV_Status_Error_Need_Key"),
    (2006, "WV_Status_Error_Out_Of_Memory"),
    (2007, "WV_Status_Uninitialized"),
    (2008, "WV_Status_Internal_Error"),
    (2009, "WV_Status_Error_Invalid_Chapter"),
    (2010, "WV_Status_Heartbeat_Configuration_Error"),
    (2011, "WV_Status_Invalid_Keybox"),
    (2012, "WV_Status_Error_NoAdaptiveTracks"),
    (2014, "WV_Status_Warning_ContinuityErrorCounter"),
];

/// Section 4, "DCP error codes".
const DCP_ROWS: &[(u32, &str)] = &[
    (0, "Unknown"),
    (1, "Normal"),
    (2, "Debugger detected"),
    (3, "Heartbeat failure"),
    (4, "Thread early exit"),
    (5, "DCP not running"),
    (6, "Illegal application"),
    (7, "Excessive writes"),
    (8, "Excessive network usage"),
    (9, "Excessive memory usage"),
    (10, "Virtual machine detected"),
    (11, "RDP detected"),
    (12, "Unhandled exception"),
];

fn codes<S: Copy + Into<u32>>(entries: impl Iterator<Item = Row<S>>) -> Vec<u32> {
    entries.map(|entry| entry.code()).collect()
}

fn distinct(rows: &[(u32, &str)]) -> Vec<u32> {
    rows.iter()
        .map(|&(code, _)| code)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

// ---------------------------------------------------------------- license

#[test]
fn license_table_is_the_spec_table() {
    for &(code, text) in LICENSE_ROWS {
        let status = LicenseStatus::new(code);
        assert_eq!(status.description(), Some(text), "license status {code}");
        assert!(status.is_known(), "license status {code}");
    }
    // No row invented: the known codes are exactly the spec's 69 rows.
    assert_eq!(LicenseStatus::rows().len(), 69);
    assert_eq!(codes(LicenseStatus::rows()), distinct(LICENSE_ROWS));
    for (entry, &(code, text)) in LicenseStatus::rows().zip(LICENSE_ROWS) {
        assert_eq!((entry.code(), entry.description()), (code, text));
        assert_eq!(entry.name(), entry.const_name());
        assert_eq!(entry.status().name(), Some(entry.const_name()));
    }
}

#[test]
fn license_ranges_are_the_spec_ranges() {
    let ranges = LicenseStatus::third_party_ranges();
    assert_eq!(ranges.len(), LICENSE_RANGES.len());
    for (range, &(first, last, text)) in ranges.iter().zip(LICENSE_RANGES) {
        assert_eq!(
            (range.first(), range.last(), range.description()),
            (first, last, text)
        );
        for code in [first, first + 1, last - 1, last] {
            assert_eq!(LicenseStatus::new(code).description(), Some(text));
            assert!(!LicenseStatus::new(code).is_known());
        }
    }
    assert_eq!(ranges[0].action(), StoredLicenseAction::Remove);
    assert_eq!(ranges[1].action(), StoredLicenseAction::Retain);
}

#[test]
fn license_unknown_and_unknown_code_are_two_codes() {
    assert_eq!(LicenseStatus::UNKNOWN.code(), 0);
    assert_eq!(LicenseStatus::UNKNOWN_CODE.code(), 46);
    assert_ne!(LicenseStatus::UNKNOWN, LicenseStatus::UNKNOWN_CODE);
    assert_eq!(LicenseStatus::UNKNOWN.description(), Some("Unknown"));
    assert_eq!(
        LicenseStatus::UNKNOWN_CODE.description(),
        Some("Unknown code")
    );
    assert_eq!("Unknown".parse(), Ok(LicenseStatus::UNKNOWN));
    assert_eq!("Unknown code".parse(), Ok(LicenseStatus::UNKNOWN_CODE));
    assert_eq!("UNKNOWN".parse(), Ok(LicenseStatus::UNKNOWN));
    assert_eq!("UNKNOWN_CODE".parse(), Ok(LicenseStatus::UNKNOWN_CODE));
    assert_eq!(LicenseStatus::UNKNOWN.to_string(), "0 (Unknown)");
    assert_eq!(LicenseStatus::UNKNOWN_CODE.to_string(), "46 (Unknown code)");
}

#[test]
fn license_range_boundaries() {
    let cases = [
        (511, None),
        (512, Some(StoredLicenseAction::Remove)),
        (768, Some(StoredLicenseAction::Remove)),
        (769, Some(StoredLicenseAction::Retain)),
        (999, Some(StoredLicenseAction::Retain)),
        (1000, None),
    ];
    for (code, action) in cases {
        let status = LicenseStatus::new(code);
        assert_eq!(status.stored_license_action(), action, "{code}");
        assert_eq!(status.is_third_party(), action.is_some(), "{code}");
        assert_eq!(
            StoredLicenseAction::for_code(code),
            action,
            "{code} (shared helper)"
        );
        match action {
            Some(_) => {
                assert_eq!(LicenseStatus::third_party(code), Ok(status));
                assert_eq!(status.category(), LicenseCategory::ThirdParty);
                assert!(status.description().is_some());
            }
            None => {
                assert_eq!(
                    LicenseStatus::third_party(code),
                    Err(NameError::NotThirdParty { code })
                );
                assert_eq!(status.category(), LicenseCategory::Unknown);
                assert_eq!(status.description(), None);
                assert_eq!(status.to_string(), code.to_string());
            }
        }
    }
    assert_eq!(
        LicenseStatus::new(600).to_string(),
        "600 (3 rd party-defined error codes (remove existing stored license, if any))"
    );
}

#[test]
fn license_categories_cover_every_row() {
    for entry in LicenseStatus::rows() {
        let category = entry.status().category();
        let expected_unknown = matches!(entry.code(), 0 | 46);
        assert_eq!(
            category == LicenseCategory::Unknown,
            expected_unknown,
            "license status {} is {category}",
            entry.code()
        );
        assert_ne!(category, LicenseCategory::ThirdParty);
    }
    use LicenseCategory::*;
    let samples = [
        (1, Success),
        (2, ServerDatabase),
        (3, ServerDatabase),
        (6, ServerInternal),
        (8, Policy),
        (9, GeographyOrWindow),
        (10, GeographyOrWindow),
        (12, RequestValidation),
        (14, Availability),
        (21, Availability),
        (32, Policy),
        (35, GeographyOrWindow),
        (53, ClientIntegrity),
        (54, ClientIntegrity),
        (59, ClientIntegrity),
        (69, Unknown),
        (511, Unknown),
        (1000, Unknown),
        (u32::MAX, Unknown),
    ];
    for (code, category) in samples {
        assert_eq!(LicenseStatus::new(code).category(), category, "{code}");
    }
    assert!(LicenseStatus::OK.is_ok());
    assert!(!LicenseStatus::UNKNOWN.is_ok());
}

#[test]
fn license_display_and_debug() {
    let status = LicenseStatus::ASSET_NOT_FOUND;
    assert_eq!(
        status.to_string(),
        "2 (Server-side database error: Asset not found)"
    );
    assert_eq!(format!("{status:?}"), "LicenseStatus::ASSET_NOT_FOUND");
    assert_eq!(
        format!("{:?}", LicenseStatus::new(1234)),
        "LicenseStatus(1234)"
    );
    assert_eq!(
        format!("{:?}", LicenseStatus::new(600)),
        "LicenseStatus(600)"
    );
    assert_eq!(LicenseStatus::new(1234).to_string(), "1234");
}

// ----------------------------------------------------------------- client

#[test]
fn client_table_is_the_spec_table() {
    for &(code, name) in CLIENT_ROWS {
        let status = ClientStatus::new(code);
        assert!(
            status.spec_names().contains(&name),
            "client status {code}: {:?} lacks {name}",
            status.spec_names()
        );
        assert!(
            status.description().is_some_and(|text| text.contains(name)),
            "client status {code}: description {:?} lacks {name}",
            status.description()
        );
        assert_eq!(status.source(), Some(Source::Spec1_3), "{code}");
    }
    // Every spec name of the crate is a spec row: none invented.
    let spec_rows: usize = ClientStatus::rows()
        .map(|entry| entry.status().spec_names().len())
        .sum();
    assert_eq!(spec_rows, CLIENT_ROWS.len());
    let spec_codes: Vec<u32> = ClientStatus::rows()
        .filter(|entry| entry.status().source() == Some(Source::Spec1_3))
        .map(|entry| entry.code())
        .collect();
    assert_eq!(spec_codes, distinct(CLIENT_ROWS));
    // Spec rows plus the later SDK's five, nothing else.
    assert_eq!(ClientStatus::rows().len(), 48 + 5);
}

#[test]
fn client_ranges_are_the_spec_ranges() {
    let ranges = ClientStatus::third_party_ranges();
    assert_eq!(ranges.len(), CLIENT_RANGES.len());
    for (range, &(first, last, text)) in ranges.iter().zip(CLIENT_RANGES) {
        assert_eq!(
            (range.first(), range.last(), range.description()),
            (first, last, text)
        );
        assert_eq!(ClientStatus::new(first).description(), Some(text));
        assert_eq!(ClientStatus::new(last).description(), Some(text));
    }
}

#[test]
fn client_range_boundaries() {
    let cases = [
        (511, None),
        (512, Some(StoredLicenseAction::Remove)),
        (768, Some(StoredLicenseAction::Remove)),
        (769, Some(StoredLicenseAction::Retain)),
        (999, Some(StoredLicenseAction::Retain)),
        (1000, None),
    ];
    for (code, action) in cases {
        let status = ClientStatus::new(code);
        assert_eq!(status.stored_license_action(), action, "{code}");
        assert_eq!(status.is_third_party(), action.is_some(), "{code}");
        match action {
            Some(_) => assert_eq!(ClientStatus::third_party(code), Ok(status)),
            None => assert_eq!(
                ClientStatus::third_party(code),
                Err(NameError::NotThirdParty { code })
            ),
        }
    }
    // 511 is unlisted; 1000 is the later SDK's End_Of_Media, not third party.
    assert_eq!(ClientStatus::new(511).description(), None);
    assert_eq!(ClientStatus::new(1000), ClientStatus::END_OF_MEDIA);
}

#[test]
fn client_names_match_the_sdk_header() {
    for &(code, name) in SDK_ROWS {
        let status = ClientStatus::new(code);
        assert_eq!(status.sdk_name(), Some(name), "client status {code}");
        assert_eq!(name.parse(), Ok(status), "{name}");
    }
    let with_sdk_name: Vec<u32> = ClientStatus::rows()
        .filter(|entry| entry.status().sdk_name().is_some())
        .map(|entry| entry.code())
        .collect();
    assert_eq!(with_sdk_name, distinct(SDK_ROWS));
    // The header has no name for these two spec codes.
    assert_eq!(ClientStatus::UNKNOWN.sdk_name(), None);
    assert_eq!(ClientStatus::PROXY_AUTHENTICATION_REQUIRED.sdk_name(), None);
}

#[test]
fn client_later_sdk_rows() {
    let later: Vec<u32> = ClientStatus::rows()
        .filter(|entry| entry.status().source() == Some(Source::LaterSdk))
        .map(|entry| entry.code())
        .collect();
    assert_eq!(later, [416, 1000, 1016, 1017, 2014]);
    for code in later {
        let status = ClientStatus::new(code);
        assert!(status.spec_names().is_empty(), "{code}");
        assert_eq!(status.name(), status.sdk_name(), "{code}");
    }
    assert_eq!(
        ClientStatus::END_OF_MEDIA.to_string(),
        "1000 (WV_Status_End_Of_Media)"
    );
}

#[test]
fn client_1008_1006_2008_resolution() {
    // 1008: Key_Error, with both spec names shown.
    assert_eq!(ClientStatus::KEY_ERROR.code(), 1008);
    assert_eq!(ClientStatus::KEY_ERROR.name(), Some("WVMKStatus_Key_Error"));
    assert_eq!(
        ClientStatus::KEY_ERROR.spec_names(),
        ["WVMKStatus_Configuration_Error", "WVMKStatus_Key_Error"]
    );
    let description = ClientStatus::KEY_ERROR.description().unwrap();
    assert!(description.contains("WVMKStatus_Configuration_Error"));
    assert!(description.contains("WVMKStatus_Key_Error"));
    assert_eq!("WVMKStatus_Key_Error".parse(), Ok(ClientStatus::KEY_ERROR));
    assert_eq!("KEY_ERROR".parse(), Ok(ClientStatus::KEY_ERROR));

    // Configuration errors: 1017 in the later SDK.
    assert_eq!(ClientStatus::CONFIGURATION_ERROR.code(), 1017);
    assert_eq!(
        "WV_Status_Configuration_Error".parse(),
        Ok(ClientStatus::CONFIGURATION_ERROR)
    );
    assert_eq!(
        "CONFIGURATION_ERROR".parse(),
        Ok(ClientStatus::CONFIGURATION_ERROR)
    );

    // 1006 and 2008.
    assert_eq!(ClientStatus::WVMK_INTERNAL_ERROR.code(), 1006);
    assert_eq!(ClientStatus::INTERNAL_ERROR.code(), 2008);
    for status in [
        ClientStatus::WVMK_INTERNAL_ERROR,
        ClientStatus::INTERNAL_ERROR,
    ] {
        assert_eq!(status.name(), Some("WVMKStatus_Internal_Error"));
        assert_eq!(status.spec_names(), ["WVMKStatus_Internal_Error"]);
    }
    assert_eq!(
        "WV_Status_WVMK_Internal_Error".parse(),
        Ok(ClientStatus::WVMK_INTERNAL_ERROR)
    );
    assert_eq!(
        "WV_Status_Internal_Error".parse(),
        Ok(ClientStatus::INTERNAL_ERROR)
    );

    // The two ambiguous names never parse silently, and list their codes.
    let ambiguous = [
        ("WVMKStatus_Configuration_Error", [1008, 1017]),
        ("WVMKStatus_Internal_Error", [1006, 2008]),
    ];
    for (name, pair) in ambiguous {
        assert_eq!(
            name.parse::<ClientStatus>(),
            Err(NameError::Ambiguous {
                table: getemms::status::Table::ClientStatus,
                name,
                codes: pair,
            })
        );
        let candidates: Vec<u32> = ClientStatus::codes_named(name)
            .map(ClientStatus::code)
            .collect();
        assert_eq!(candidates, pair, "{name}");
        let message = name.parse::<ClientStatus>().unwrap_err().to_string();
        assert!(message.contains(name), "{message}");
        assert!(message.contains(&pair[0].to_string()), "{message}");
        assert!(message.contains(&pair[1].to_string()), "{message}");
    }
}

#[test]
fn client_warnings_and_errors() {
    for code in 2000..=2003 {
        assert!(ClientStatus::new(code).is_warning(), "{code}");
    }
    for code in 2004..=2012 {
        assert!(!ClientStatus::new(code).is_warning(), "{code}");
    }
    assert!(ClientStatus::WARNING_CONTINUITY_ERROR_COUNTER.is_warning());
    assert!(!ClientStatus::OK.is_warning());
    assert!(ClientStatus::OK.is_ok());
    assert!(!ClientStatus::UNKNOWN.is_ok());
    assert!(!ClientStatus::new(201).is_ok());
    assert_eq!(ClientStatus::OK.code(), 200);
}

// -------------------------------------------------------------------- DCP

#[test]
fn dcp_table_is_the_spec_table() {
    for &(code, text) in DCP_ROWS {
        assert_eq!(DcpStatus::new(code).description(), Some(text), "DCP {code}");
    }
    assert_eq!(DcpStatus::rows().len(), DCP_ROWS.len());
    assert_eq!(codes(DcpStatus::rows()), distinct(DCP_ROWS));
    assert_eq!(DcpStatus::new(13).description(), None);
    assert_eq!(DcpStatus::new(13).to_string(), "13");
    assert_eq!(
        format!("{:?}", DcpStatus::RDP_DETECTED),
        "DcpStatus::RDP_DETECTED"
    );
    assert!(DcpStatus::NORMAL.is_normal());
    assert!(!DcpStatus::UNKNOWN.is_normal());
}

// ---------------------------------------------------- names and round trips

/// Every spelling a row answers to parses back to its code, exactly and in
/// other letter cases; the only exceptions are the two documented ambiguous
/// client names.
fn assert_names_round_trip<S>(spellings: impl Fn(S) -> Vec<String>, entries: Vec<Row<S>>)
where
    S: Copy + Into<u32> + std::str::FromStr<Err = NameError> + PartialEq + std::fmt::Debug,
{
    for entry in entries {
        for spelling in spellings(entry.status()) {
            for candidate in [
                spelling.clone(),
                spelling.to_ascii_lowercase(),
                spelling.to_ascii_uppercase(),
            ] {
                match candidate.parse::<S>() {
                    Ok(status) => assert_eq!(status, entry.status(), "{candidate}"),
                    Err(NameError::Ambiguous { codes, .. }) => {
                        assert!(
                            candidate.eq_ignore_ascii_case("WVMKStatus_Configuration_Error")
                                || candidate.eq_ignore_ascii_case("WVMKStatus_Internal_Error"),
                            "{candidate} is ambiguous: {codes:?}"
                        );
                        assert!(codes.contains(&entry.code()), "{candidate}");
                    }
                    Err(other) => panic!("{candidate}: {other}"),
                }
            }
        }
    }
}

#[test]
fn every_name_parses_back_to_its_code() {
    assert_names_round_trip(
        |status: LicenseStatus| {
            let name = status.const_name().unwrap();
            vec![
                name.to_owned(),
                format!("LicenseStatus::{name}"),
                status.description().unwrap().to_owned(),
            ]
        },
        LicenseStatus::rows().collect(),
    );
    assert_names_round_trip(
        |status: ClientStatus| {
            let name = status.const_name().unwrap();
            let mut spellings = vec![
                name.to_owned(),
                format!("ClientStatus::{name}"),
                status.name().unwrap().to_owned(),
                status.description().unwrap().to_owned(),
            ];
            spellings.extend(status.spec_names().iter().map(|&s| s.to_owned()));
            spellings.extend(status.sdk_name().map(str::to_owned));
            spellings
        },
        ClientStatus::rows().collect(),
    );
    assert_names_round_trip(
        |status: DcpStatus| {
            let name = status.const_name().unwrap();
            vec![
                name.to_owned(),
                format!("DcpStatus::{name}"),
                status.description().unwrap().to_owned(),
            ]
        },
        DcpStatus::rows().collect(),
    );
    // The spec's text of every row, from this file's transcription.
    for &(code, text) in LICENSE_ROWS {
        assert_eq!(text.parse(), Ok(LicenseStatus::new(code)), "{text}");
    }
    for &(code, text) in DCP_ROWS {
        assert_eq!(text.parse(), Ok(DcpStatus::new(code)), "{text}");
    }
}

#[test]
fn unknown_names_are_errors() {
    assert_eq!(
        "Asset not found".parse::<LicenseStatus>(),
        Err(NameError::Unknown {
            table: getemms::status::Table::LicenseStatus
        })
    );
    assert_eq!(
        "WVMKStatus_Nope".parse::<ClientStatus>(),
        Err(NameError::Unknown {
            table: getemms::status::Table::ClientStatus
        })
    );
    assert_eq!(
        "".parse::<DcpStatus>(),
        Err(NameError::Unknown {
            table: getemms::status::Table::DcpError
        })
    );
    assert_eq!(
        "4294967296".parse::<LicenseStatus>(),
        Err(NameError::Unknown {
            table: getemms::status::Table::LicenseStatus
        })
    );
    assert_eq!(LicenseStatus::codes_named("nope").count(), 0);
}

#[test]
fn every_code_up_to_70_000_round_trips() {
    for code in 0..=70_000u32 {
        let license = LicenseStatus::from(code);
        let client = ClientStatus::from(code);
        let dcp = DcpStatus::from(code);
        assert_eq!(u32::from(license), code);
        assert_eq!(u32::from(client), code);
        assert_eq!(u32::from(dcp), code);
        let decimal = code.to_string();
        assert_eq!(decimal.parse(), Ok(license));
        assert_eq!(decimal.parse(), Ok(client));
        assert_eq!(decimal.parse(), Ok(dcp));
        // Display always starts with the number; Debug names it or shows it.
        assert!(license.to_string().starts_with(&decimal));
        assert!(client.to_string().starts_with(&decimal));
        assert!(dcp.to_string().starts_with(&decimal));
        assert_eq!(
            format!("{license:?}").parse::<LicenseStatus>().ok(),
            license.const_name().map(|_| license)
        );
    }
}

#[test]
fn known_entries_are_sorted_and_consistent() {
    fn check<S: Copy + Into<u32> + std::fmt::Debug>(entries: Vec<Row<S>>, type_name: &str) {
        let codes: Vec<u32> = entries.iter().map(Row::code).collect();
        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]), "{codes:?}");
        for entry in entries {
            assert_eq!(
                format!("{:?}", entry.status()),
                format!("{type_name}::{}", entry.const_name())
            );
        }
    }
    check(LicenseStatus::rows().collect(), "LicenseStatus");
    check(ClientStatus::rows().collect(), "ClientStatus");
    check(DcpStatus::rows().collect(), "DcpStatus");
    assert_eq!(
        LicenseStatus::rows().next_back().map(|entry| entry.code()),
        Some(68)
    );
}

#[cfg(feature = "serde")]
#[test]
fn serde_uses_the_bare_code() {
    assert_eq!(
        serde_json::to_string(&LicenseStatus::new(600)).unwrap(),
        "600"
    );
    assert_eq!(
        serde_json::to_string(&ClientStatus::KEY_ERROR).unwrap(),
        "1008"
    );
    assert_eq!(serde_json::to_string(&DcpStatus::NORMAL).unwrap(), "1");
    assert_eq!(
        serde_json::from_str::<LicenseStatus>("70000").unwrap(),
        LicenseStatus::new(70_000)
    );
    assert_eq!(
        serde_json::from_str::<ClientStatus>("2008").unwrap(),
        ClientStatus::INTERNAL_ERROR
    );
    assert_eq!(
        serde_json::from_str::<DcpStatus>("4294967295").unwrap(),
        DcpStatus::new(u32::MAX)
    );
    assert!(serde_json::from_str::<LicenseStatus>("-1").is_err());
    assert!(serde_json::from_str::<LicenseStatus>("\"OK\"").is_err());
}

proptest! {
    #[test]
    fn any_u32_round_trips(code in any::<u32>()) {
        prop_assert_eq!(LicenseStatus::from(code).code(), code);
        prop_assert_eq!(u32::from(ClientStatus::new(code)), code);
        prop_assert_eq!(u32::from(DcpStatus::new(code)), code);
        prop_assert_eq!(code.to_string().parse::<LicenseStatus>(), Ok(LicenseStatus::new(code)));
        prop_assert_eq!(code.to_string().parse::<ClientStatus>(), Ok(ClientStatus::new(code)));
        prop_assert_eq!(code.to_string().parse::<DcpStatus>(), Ok(DcpStatus::new(code)));
        let status = LicenseStatus::new(code);
        prop_assert!(status.to_string().starts_with(&code.to_string()));
        prop_assert_eq!(status.is_third_party(), (512..=999).contains(&code));
        prop_assert_eq!(
            status.category() == LicenseCategory::ThirdParty,
            (512..=999).contains(&code)
        );
    }

    #[test]
    fn any_string_parses_without_panic(input in ".{0,64}") {
        // Ok or a table error; never a panic.
        for result in [
            input.parse::<LicenseStatus>().map(u32::from),
            input.parse::<ClientStatus>().map(u32::from),
            input.parse::<DcpStatus>().map(u32::from),
        ] {
            match result {
                Ok(_) | Err(NameError::Unknown { .. }) | Err(NameError::Ambiguous { .. }) => {}
                Err(other) => prop_assert!(false, "unexpected error {other}"),
            }
        }
    }
}

/// A name may carry its type's `Type::` prefix (as `Debug` prints it),
/// in any case; only the type's own name counts as that prefix.
#[test]
fn names_take_their_own_type_prefix_only() {
    let license = |text: &str| text.parse::<LicenseStatus>().ok();
    let cases = [
        ("LicenseStatus::OK", Some(LicenseStatus::OK)),
        ("licensestatus::OK", Some(LicenseStatus::OK)),
        // The same length as the type's name, but another name.
        ("LicenseStatuz::OK", None),
        ("ClientStatus::OK", None),
        // The prefix without its `::` is not a prefix.
        ("LicenseStatusOK", None),
    ];
    for (text, want) in cases {
        assert_eq!(license(text), want, "{text}");
    }
    assert_eq!("ClientStatus::OK".parse(), Ok(ClientStatus::OK));
}
