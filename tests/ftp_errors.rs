//! VOD Dealer FTP errors against a second, independent transcription of
//! section 6 of "Status and Error Codes" 1.3, and the reply-line parser and
//! classifier on what FTP clients really print.

use getemms::status::NameError;
use getemms::status::ftp::{self, FILE_NAME_PLACEHOLDER, FtpError, ReplyCode, ReplyLine};
use proptest::prelude::*;

/// The spec's table, typed again from the seed: (FTP Error Description, FTP
/// Error Code, Error Text). Continuation lines of the seed are further texts
/// of the row above.
const SPEC: &[(&str, &str, &[&str])] = &[
    ("FTP Server not running", "NA", &["Connection refused"]),
    (
        "Can't open data connection",
        "425",
        &[
            "Connection timed out",
            "No route to host",
            "Connection refused",
            "Failed to establish connection.",
            "Read timed out",
        ],
    ),
    (
        "Requested action not taken. File unavailable (e.g. file not found, no access)",
        "550",
        &["<file name>: Disk quota exceeded"],
    ),
    ("Connection closed; transfer aborted", "426", &[]),
    ("Timeout for receiving data from server", "n/a", &[]),
    ("Not logged in, wrong username or password", "530", &[]),
    (
        "Requested file action not taken. File unavailable (e.g. file busy)",
        "450",
        &[],
    ),
    (
        "Requested action aborted. local error in processing.",
        "451",
        &[
            "Failure writing to local file.",
            "Transfer aborted. Input/output error",
        ],
    ),
    ("Need account for storing files", "532", &[]),
    (
        "Requested action not taken. File name not allowed",
        "553",
        &["Could not create file."],
    ),
    (
        "Requested file action aborted. Exceeded storage allocation (for current directory or dataset)",
        "552",
        &["Transfer aborted. Disk quota exceeded"],
    ),
    (
        "Syntax error, command unrecognized. This may include errors such as command line too long",
        "500",
        &["OOPS: child died"],
    ),
    ("Misc. FTP error", "5XX", &[]),
];

#[test]
fn count_matches_the_spec_no_invented_rows() {
    assert_eq!(SPEC.len(), 13);
    assert_eq!(FtpError::rows().len(), SPEC.len());
    let texts: usize = SPEC.iter().map(|(_, _, texts)| texts.len()).sum();
    let ours: usize = FtpError::rows().map(|e| e.error_texts().len()).sum();
    assert_eq!(ours, texts);
    assert_eq!(ours, 12);
}

#[test]
fn every_row_matches_the_spec() {
    for (error, &(description, code, texts)) in FtpError::rows().zip(SPEC) {
        assert_eq!(error.description(), description);
        assert_eq!(error.to_string(), description);
        assert_eq!(error.reply_code().to_string(), code, "{description}");
        assert_eq!(code.parse::<ReplyCode>(), Ok(error.reply_code()));
        assert_eq!(error.error_texts(), texts, "{description}");
        assert_eq!(description.parse::<FtpError>(), Ok(error));
        assert_eq!(FtpError::from_description(description), Some(error));
    }
}

#[test]
fn every_known_text_is_recognised_in_its_row() {
    for error in FtpError::rows() {
        for &text in error.error_texts() {
            assert_eq!(error.known_text(text), Some(text), "{error:?}");
        }
    }
    let e = FtpError::FileUnavailable;
    assert_eq!(FILE_NAME_PLACEHOLDER, "<file name>");
    assert_eq!(
        e.known_text("movie.ts: Disk quota exceeded"),
        Some("<file name>: Disk quota exceeded")
    );
    assert_eq!(
        e.known_text("/in/pkg 7/movie.ts: Disk quota exceeded"),
        Some("<file name>: Disk quota exceeded")
    );
    assert_eq!(e.known_text(": Disk quota exceeded"), None);
    assert_eq!(e.known_text("movie.ts: disk quota exceeded"), None);
    assert_eq!(e.known_text("movie.ts: Disk quota exceeded."), None);
    assert_eq!(
        FtpError::CantOpenDataConnection.known_text("Connection timed"),
        None
    );
    assert_eq!(FtpError::Misc.known_text(""), None);
}

#[test]
fn descriptions_are_exact() {
    for text in [
        "",
        "ftp server not running",
        "FTP Server not running ",
        "Misc. FTP Error",
        "Misc FTP error",
        "425",
    ] {
        assert_eq!(
            text.parse::<FtpError>(),
            Err(NameError::Unknown {
                table: getemms::status::Table::FtpError
            }),
            "{text:?}"
        );
    }
}

#[test]
fn reply_code_column_round_trips() {
    for code in 100..=999u16 {
        let text = code.to_string();
        let parsed: ReplyCode = text.parse().unwrap();
        assert_eq!(parsed, ReplyCode::Code(code));
        assert_eq!(parsed.to_string(), text);
    }
    for (text, code) in [
        ("NA", ReplyCode::Na),
        ("n/a", ReplyCode::NSlashA),
        ("5XX", ReplyCode::AnyPermanent),
    ] {
        assert_eq!(text.parse::<ReplyCode>(), Ok(code));
        assert_eq!(code.to_string(), text);
        assert_eq!(code.code(), None);
    }
    for text in [
        "", "na", "N/A", "n/A", "5xx", "4XX", "099", "0425", "+42", " 425", "425 ", "42", "1000",
    ] {
        assert!(text.parse::<ReplyCode>().is_err(), "{text:?}");
    }
    assert!(ReplyCode::Na.is_code_less() && ReplyCode::NSlashA.is_code_less());
    assert!(!ReplyCode::AnyPermanent.is_code_less());
    assert!(ReplyCode::AnyPermanent.matches(500) && ReplyCode::AnyPermanent.matches(599));
    assert!(!ReplyCode::AnyPermanent.matches(499) && !ReplyCode::AnyPermanent.matches(600));
    assert!(!ReplyCode::Na.matches(0));
}

#[test]
fn rfc_959_classes() {
    use FtpError as E;
    // (row, transient, permanent)
    let expected = [
        (E::ServerNotRunning, true, false),
        (E::CantOpenDataConnection, true, false),
        (E::FileUnavailable, false, true),
        (E::ConnectionClosed, true, false),
        (E::ReceiveTimeout, true, false),
        (E::NotLoggedIn, false, true),
        (E::FileBusy, true, false),
        (E::LocalError, true, false),
        (E::NeedAccount, false, true),
        (E::FileNameNotAllowed, false, true),
        (E::StorageExceeded, false, true),
        (E::SyntaxError, false, true),
        (E::Misc, false, true),
    ];
    assert_eq!(expected.len(), FtpError::rows().len());
    for (error, transient, permanent) in expected {
        assert_eq!(
            (error.is_transient(), error.is_permanent()),
            (transient, permanent),
            "{error:?}"
        );
    }
}

/// A reply line as an FTP client receives it and what the crate must make
/// of it.
struct Case {
    line: &'static str,
    code: u16,
    text: &'static str,
    row: Option<FtpError>,
    transient: bool,
    permanent: bool,
}

#[test]
fn classification_of_what_clients_see() {
    use FtpError as E;
    let cases = [
        Case {
            line: "550 movie.ts: Disk quota exceeded\r\n",
            code: 550,
            text: "movie.ts: Disk quota exceeded",
            row: Some(E::FileUnavailable),
            transient: false,
            permanent: true,
        },
        Case {
            line: "425 Connection timed out\r\n",
            code: 425,
            text: "Connection timed out",
            row: Some(E::CantOpenDataConnection),
            transient: true,
            permanent: false,
        },
        Case {
            line: "425 Connection refused",
            code: 425,
            text: "Connection refused",
            row: Some(E::CantOpenDataConnection),
            transient: true,
            permanent: false,
        },
        Case {
            line: "599 whatever",
            code: 599,
            text: "whatever",
            row: Some(E::Misc),
            transient: false,
            permanent: true,
        },
        Case {
            line: "554 Transfer failed",
            code: 554,
            text: "Transfer failed",
            row: Some(E::Misc),
            transient: false,
            permanent: true,
        },
        Case {
            line: "451 Failure writing to local file.\n",
            code: 451,
            text: "Failure writing to local file.",
            row: Some(E::LocalError),
            transient: true,
            permanent: false,
        },
        Case {
            line: "451 Transfer aborted. Input/output error",
            code: 451,
            text: "Transfer aborted. Input/output error",
            row: Some(E::LocalError),
            transient: true,
            permanent: false,
        },
        Case {
            line: "500 OOPS: child died\r\n",
            code: 500,
            text: "OOPS: child died",
            row: Some(E::SyntaxError),
            transient: false,
            permanent: true,
        },
        Case {
            line: "530 Login incorrect.",
            code: 530,
            text: "Login incorrect.",
            row: Some(E::NotLoggedIn),
            transient: false,
            permanent: true,
        },
        Case {
            line: "552 Transfer aborted. Disk quota exceeded",
            code: 552,
            text: "Transfer aborted. Disk quota exceeded",
            row: Some(E::StorageExceeded),
            transient: false,
            permanent: true,
        },
        Case {
            line: "553 Could not create file.",
            code: 553,
            text: "Could not create file.",
            row: Some(E::FileNameNotAllowed),
            transient: false,
            permanent: true,
        },
        // 421 is transient by RFC 959 but has no row in the table.
        Case {
            line: "421 Service not available, closing control connection.",
            code: 421,
            text: "Service not available, closing control connection.",
            row: None,
            transient: true,
            permanent: false,
        },
        Case {
            line: "226 Transfer complete.",
            code: 226,
            text: "Transfer complete.",
            row: None,
            transient: false,
            permanent: false,
        },
        Case {
            line: "230-Welcome to the VOD Dealer drop box\r\n",
            code: 230,
            text: "Welcome to the VOD Dealer drop box",
            row: None,
            transient: false,
            permanent: false,
        },
    ];
    for case in cases {
        let raw = case.line;
        let line = ReplyLine::parse(raw).unwrap();
        assert_eq!(
            (line.code(), line.text()),
            (case.code, case.text),
            "{raw:?}"
        );
        assert_eq!(line.ftp_error(), case.row, "{raw:?}");
        assert_eq!(FtpError::from_reply(Some(case.code), case.text), case.row);
        assert_eq!(
            (line.is_transient(), line.is_permanent()),
            (case.transient, case.permanent),
            "{raw:?}"
        );
        if let Some(row) = case.row {
            assert_eq!(row.is_transient(), case.transient, "{raw:?}");
            assert_eq!(row.is_permanent(), case.permanent, "{raw:?}");
        }
    }
    assert_eq!(
        FtpError::LocalError.known_text("Failure writing to local file."),
        Some("Failure writing to local file.")
    );
}

#[test]
fn classification_without_a_reply_code() {
    use FtpError as E;
    let cases = [
        ("Connection refused", Some(E::ServerNotRunning)),
        (
            "java.net.ConnectException: Connection refused: connect",
            Some(E::ServerNotRunning),
        ),
        ("connection refused", Some(E::ServerNotRunning)),
        ("Read timed out", Some(E::ReceiveTimeout)),
        (
            "java.net.SocketTimeoutException: Read timed out",
            Some(E::ReceiveTimeout),
        ),
        // Not in the table without a code: the caller keeps the text.
        ("No route to host", None),
        ("Connection timed out", None),
        ("Connection reset", None),
        ("", None),
    ];
    for (text, row) in cases {
        assert_eq!(FtpError::from_reply(None, text), row, "{text:?}");
    }
    // With a code the code decides, whatever the text says.
    assert_eq!(
        FtpError::from_reply(Some(425), "Read timed out"),
        Some(E::CantOpenDataConnection)
    );
    assert_eq!(
        FtpError::from_reply(Some(550), "Connection refused"),
        Some(E::FileUnavailable)
    );
    assert_eq!(FtpError::from_reply(Some(0), "Connection refused"), None);
    // Every code: a row exactly for the table's codes and the other 5xx.
    for code in 0..=u16::MAX {
        // The 4xx rows of the table, and any 5xx (its own row or 5XX).
        let expected = matches!(code, 425 | 426 | 450 | 451 | 500..=599);
        let row = FtpError::from_reply(Some(code), "Connection refused");
        assert_eq!(row.is_some(), expected, "{code}");
        assert!(row.is_none_or(|row| row.reply_code().matches(code)));
    }
    assert_eq!(FtpError::from_reply(Some(u16::MAX), ""), None);
}

#[test]
fn reply_line_forms_round_trip() {
    for (raw, shown, multiline) in [
        (
            "425 Connection timed out",
            "425 Connection timed out",
            false,
        ),
        (
            "425 Connection timed out\r\n",
            "425 Connection timed out",
            false,
        ),
        (
            "425 Connection timed out\n",
            "425 Connection timed out",
            false,
        ),
        ("230-Welcome\r\n", "230-Welcome", true),
        ("426", "426", false),
        ("426 ", "426 ", false),
        ("426\r\n", "426", false),
        ("550  two spaces kept ", "550  two spaces kept ", false),
        ("550 é:ü", "550 é:ü", false),
    ] {
        let line = ReplyLine::parse(raw).unwrap();
        assert_eq!(line.to_string(), shown, "{raw:?}");
        assert_eq!(line.is_multiline_start(), multiline, "{raw:?}");
    }
    assert_eq!(ReplyLine::parse("426").unwrap().text(), "");
    assert_eq!(ReplyLine::parse("426 ").unwrap().text(), "");
    // The text is the caller's memory.
    let raw = "550 movie.ts: Disk quota exceeded";
    assert!(core::ptr::eq(
        ReplyLine::parse(raw).unwrap().text(),
        &raw[4..]
    ));
}

#[test]
fn bad_reply_lines_say_where_and_what() {
    let bad = |offset: usize, expected: &'static str, found: Option<u8>| (offset, expected, found);
    let first = "a reply code starting with 1-5";
    let digit = "a reply code digit";
    let separator = "' ' or '-' after the reply code";
    let one_line = "the reply text to run to the end of the line";
    for (raw, error) in [
        ("", bad(0, first, None)),
        ("\r\n", bad(0, first, None)),
        ("Connection refused", bad(0, first, Some(b'C'))),
        ("600 out of range", bad(0, first, Some(b'6'))),
        ("050 leading zero", bad(0, first, Some(b'0'))),
        (" 425 indented", bad(0, first, Some(b' '))),
        ("42", bad(2, digit, None)),
        ("4x5 text", bad(1, digit, Some(b'x'))),
        ("425x", bad(3, separator, Some(b'x'))),
        ("4250 text", bad(3, separator, Some(b'0'))),
        ("425\ttab", bad(3, separator, Some(b'\t'))),
        ("425 a\r\nb", bad(5, one_line, Some(b'\r'))),
        ("425 a\nb\n", bad(5, one_line, Some(b'\n'))),
        ("425 a\r", bad(5, one_line, Some(b'\r'))),
        ("425 a\r\n\r\n", bad(5, one_line, Some(b'\r'))),
    ] {
        let got = ReplyLine::parse(raw).unwrap_err();
        assert_eq!(
            (got.offset(), got.expected(), got.found()),
            error,
            "{raw:?}"
        );
    }
    assert_eq!(
        ReplyLine::parse("425x").unwrap_err().to_string(),
        "bad FTP reply line: expected ' ' or '-' after the reply code at byte offset 3, got 'x'"
    );
    assert_eq!(
        ReplyLine::parse("42").unwrap_err().to_string(),
        "bad FTP reply line: expected a reply code digit at byte offset 2, got the end of the line"
    );
    assert_eq!(
        ReplyLine::parse("425 a\rb").unwrap_err().to_string(),
        "bad FTP reply line: expected the reply text to run to the end of the line \
         at byte offset 5, got byte 0x0d"
    );
}

#[test]
fn markdown_is_rendered_from_the_table() {
    let mut out = String::new();
    ftp::render_markdown(&mut out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "### VOD Dealer FTP errors");
    assert_eq!(lines[1], "");
    assert_eq!(
        lines[2],
        "| FTP Error Description | FTP Error Code | Error Text |"
    );
    assert_eq!(lines[3], "|---|---|---|");
    assert_eq!(lines.len(), 4 + SPEC.len());
    assert_eq!(
        lines[4],
        "| FTP Server not running | NA | `Connection refused` |"
    );
    assert_eq!(
        lines[6],
        "| Requested action not taken. File unavailable (e.g. file not found, no access) \
         | 550 | `<file name>: Disk quota exceeded` |"
    );
    assert_eq!(
        lines[8],
        "| Timeout for receiving data from server | n/a | |"
    );
    assert_eq!(
        lines[11],
        "| Requested action aborted. local error in processing. | 451 \
         | `Failure writing to local file.`<br>`Transfer aborted. Input/output error` |"
    );
    assert_eq!(lines[16], "| Misc. FTP error | 5XX | |");
    // Texts are written as code spans, which cannot hold these.
    for error in FtpError::rows() {
        assert!(error.error_texts().iter().all(|t| !t.contains(['`', '|'])));
    }
    for (line, (description, code, texts)) in lines[4..].iter().zip(SPEC) {
        assert!(
            line.starts_with(&format!("| {description} | {code} |")),
            "{line}"
        );
        for text in *texts {
            assert!(line.contains(&format!("`{text}`")), "{line}");
        }
    }
}

#[cfg(feature = "serde")]
#[test]
fn serde_uses_the_spec_strings() {
    for error in FtpError::rows() {
        let json = serde_json::to_string(&error).unwrap();
        assert_eq!(json, serde_json::to_string(error.description()).unwrap());
        assert_eq!(serde_json::from_str::<FtpError>(&json).unwrap(), error);
        let code = serde_json::to_string(&error.reply_code()).unwrap();
        assert_eq!(code, format!("\"{}\"", error.reply_code()));
        assert_eq!(
            serde_json::from_str::<ReplyCode>(&code).unwrap(),
            error.reply_code()
        );
    }
    assert_eq!(
        serde_json::to_string(&ReplyCode::NSlashA).unwrap(),
        "\"n/a\""
    );
    // The error says what was expected: a name of the table.
    let unknown = serde_json::from_str::<FtpError>("\"Misc FTP error\"").unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "invalid value: string \"Misc FTP error\", expected a name from the VOD Dealer FTP error table at line 1 column 16"
    );
    assert!(serde_json::from_str::<ReplyCode>("\"5xx\"").is_err());
    assert!(serde_json::from_str::<ReplyCode>("425").is_err());
}

proptest! {
    #[test]
    fn parsers_never_panic(text in any::<String>(), code in any::<Option<u16>>()) {
        if let Ok(line) = ReplyLine::parse(&text) {
            let body = text
                .strip_suffix("\r\n")
                .or_else(|| text.strip_suffix('\n'))
                .unwrap_or(&text);
            prop_assert_eq!(line.to_string(), body);
        }
        if let Ok(code) = text.parse::<ReplyCode>() {
            prop_assert_eq!(code.to_string(), text.as_str());
        }
        if let Ok(error) = text.parse::<FtpError>() {
            prop_assert_eq!(error.description(), text.as_str());
        }
        let row = FtpError::from_reply(code, &text);
        if let (Some(code), Some(row)) = (code, row) {
            prop_assert!(row.reply_code().matches(code));
        }
        for error in FtpError::rows() {
            let _ = error.known_text(&text);
        }
    }

    #[test]
    fn well_formed_lines_parse_and_round_trip(
        code in 100u16..=599,
        separator in prop::sample::select(&[" ", "-", ""][..]),
        text in "[^\r\n]*",
        ending in prop::sample::select(&["", "\n", "\r\n"][..]),
    ) {
        let text = if separator.is_empty() { String::new() } else { text };
        let raw = format!("{code}{separator}{text}{ending}");
        let line = ReplyLine::parse(&raw).unwrap();
        prop_assert_eq!(line.code(), code);
        prop_assert_eq!(line.text(), text.as_str());
        prop_assert_eq!(line.is_multiline_start(), separator == "-");
        prop_assert_eq!(line.to_string(), format!("{code}{separator}{text}"));
        prop_assert_eq!(line.is_transient(), (400..500).contains(&code));
        prop_assert_eq!(line.is_permanent(), (500..600).contains(&code));
        let row = line.ftp_error();
        prop_assert_eq!(row.is_some_and(|row| row.is_permanent()), line.is_permanent());
    }
}
