//! VOD Dealer FTP errors (section 6 of "Status and Error Codes" 1.3).
//!
//! The VOD Dealer pulls packages from and pushes them to FTP servers, and
//! reports FTP failures with the rows of this table: one [`FtpError`] per
//! row, with its [`ReplyCode`] (an RFC 959 reply code, `NA` / `n/a` when the
//! failure has none, or the `5XX` catch-all), its description and the error
//! texts the spec lists for it. The table is written once, one line per
//! row, in the `vocabulary!` invocation below; `Display`, `FromStr`,
//! [`FtpError::rows`] and [`render_markdown`] derive from it.
//!
//! On top of the table:
//! - [`ReplyLine::parse`] (in its own module, re-exported here) reads a
//!   reply line as an FTP client sees it
//!   (`550 movie.ts: Disk quota exceeded\r\n`) into its code and text,
//!   borrowing the text;
//! - [`FtpError::from_reply`] classifies what a client saw (a reply code, or
//!   none when the failure came from the socket) into a row; the rules are on
//!   that function;
//! - [`FtpError::is_transient`] / [`FtpError::is_permanent`] carry RFC 959's
//!   4xx (retry) / 5xx (do not retry as is) semantics.
//!
//! # Guarantees
//! - Descriptions and error texts are exactly the spec's; `<file name>` in an
//!   error text is the spec's placeholder for the file's name (see
//!   [`FILE_NAME_PLACEHOLDER`]).
//! - No function here panics or allocates, on any input.
//!
//! ```
//! use getemms::status::ftp::{FtpError, ReplyLine};
//!
//! let line = ReplyLine::parse("550 movie.ts: Disk quota exceeded\r\n")?;
//! assert_eq!((line.code(), line.text()), (550, "movie.ts: Disk quota exceeded"));
//! let error = line.ftp_error().expect("550 is in the table");
//! assert_eq!(error, FtpError::FileUnavailable);
//! assert_eq!(error.known_text(line.text()), Some("<file name>: Disk quota exceeded"));
//! assert!(error.is_permanent());
//!
//! // No reply code: the control connection could not be opened.
//! let error = FtpError::from_reply(None, "java.net.ConnectException: Connection refused");
//! assert_eq!(error, Some(FtpError::ServerNotRunning));
//! # Ok::<(), getemms::status::ReplyLineError>(())
//! ```

use core::fmt;
use core::str::FromStr;

use super::macros::vocabulary;
use super::markdown::{Align, Cell, write_head, write_line};
use super::vocabulary::Vocabulary;
use super::{NameError, Table};

pub use super::reply_line::ReplyLine;

/// The placeholder the spec writes where an error text holds a file's name,
/// as in `<file name>: Disk quota exceeded`. [`FtpError::known_text`] lets it
/// stand for any non-empty file name.
pub const FILE_NAME_PLACEHOLDER: &str = "<file name>";

/// The "FTP Error Code" column: what the spec gives as a row's reply code.
///
/// `Display` and `FromStr` use the spec's exact spelling: `425`, `NA`, `n/a`,
/// `5XX`.
///
/// ```
/// use getemms::status::ftp::ReplyCode;
///
/// assert_eq!("n/a".parse::<ReplyCode>()?, ReplyCode::NSlashA);
/// assert_eq!(ReplyCode::Code(425).to_string(), "425");
/// assert!(ReplyCode::AnyPermanent.matches(599));
/// # Ok::<(), getemms::status::NameError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum ReplyCode {
    /// An RFC 959 three-digit reply code.
    Code(u16),
    /// No reply code, spelled `NA` by the spec: the failure happened before
    /// the FTP server could reply (row "FTP Server not running").
    Na,
    /// No reply code, spelled `n/a` by the spec (row "Timeout for receiving
    /// data from server"). Same meaning as [`ReplyCode::Na`]; kept apart so
    /// the column reads back exactly.
    NSlashA,
    /// Any 5xx reply, spelled `5XX` by the spec (row "Misc. FTP error").
    AnyPermanent,
}

impl ReplyCode {
    /// The three-digit code, for [`ReplyCode::Code`].
    #[must_use]
    pub const fn code(self) -> Option<u16> {
        match self {
            Self::Code(code) => Some(code),
            Self::Na | Self::NSlashA | Self::AnyPermanent => None,
        }
    }

    /// Whether the spec gives no reply code (`NA` or `n/a`): the failure was
    /// seen by the client's socket, not replied by the server.
    #[must_use]
    pub const fn is_code_less(self) -> bool {
        matches!(self, Self::Na | Self::NSlashA)
    }

    /// Whether a reply with this `code` belongs to this column value:
    /// equal for [`ReplyCode::Code`], any of 500–599 for `5XX`, never for
    /// `NA` / `n/a`.
    #[must_use]
    pub const fn matches(self, code: u16) -> bool {
        match self {
            Self::Code(own) => own == code,
            Self::AnyPermanent => code >= 500 && code <= 599,
            Self::Na | Self::NSlashA => false,
        }
    }

    /// RFC 959 transient negative completion (4xx): the same command may
    /// succeed if tried again. False for `NA` / `n/a`, which are not reply
    /// codes (see [`FtpError::is_transient`] for those rows).
    #[must_use]
    pub const fn is_transient(self) -> bool {
        matches!(self, Self::Code(400..=499))
    }

    /// RFC 959 permanent negative completion (5xx, and `5XX`): the same
    /// command will fail again unless something is changed.
    #[must_use]
    pub const fn is_permanent(self) -> bool {
        matches!(self, Self::Code(500..=599) | Self::AnyPermanent)
    }
}

impl fmt::Display for ReplyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Code(code) => write!(f, "{code}"),
            Self::Na => f.write_str("NA"),
            Self::NSlashA => f.write_str("n/a"),
            Self::AnyPermanent => f.write_str("5XX"),
        }
    }
}

impl FromStr for ReplyCode {
    type Err = NameError;

    /// Reads `NA`, `n/a`, `5XX` or a three-digit code `100`–`999`, exactly
    /// (no sign, no leading zero, no whitespace), so that `Display` gives the
    /// same string back.
    ///
    /// # Errors
    /// [`NameError::Unknown`] for anything else.
    fn from_str(text: &str) -> Result<Self, NameError> {
        match text {
            "NA" => Ok(Self::Na),
            "n/a" => Ok(Self::NSlashA),
            "5XX" => Ok(Self::AnyPermanent),
            _ => match *text.as_bytes() {
                [a @ b'1'..=b'9', b @ b'0'..=b'9', c @ b'0'..=b'9'] => Ok(Self::Code(
                    u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0'),
                )),
                _ => Err(NameError::Unknown {
                    table: Table::FtpErrorCode,
                }),
            },
        }
    }
}

/// The columns of an FTP error row besides its description.
#[derive(Clone, Copy)]
struct FtpRow {
    reply_code: ReplyCode,
    error_texts: &'static [&'static str],
}

/// The "FTP Error Code" and "Error Text" cells of a row.
const fn row(reply_code: ReplyCode, error_texts: &'static [&'static str]) -> FtpRow {
    FtpRow {
        reply_code,
        error_texts,
    }
}

use ReplyCode::{AnyPermanent, Code, NSlashA, Na};

vocabulary! {
    /// A row of the spec's "VOD Dealer FTP errors" table.
    ///
    /// `Display` and `FromStr` use the row's description ("FTP Error
    /// Description"), exactly as the spec spells it.
    ///
    /// ```
    /// use getemms::status::ftp::{FtpError, ReplyCode};
    ///
    /// let error: FtpError = "Need account for storing files".parse()?;
    /// assert_eq!(error, FtpError::NeedAccount);
    /// assert_eq!(error.reply_code(), ReplyCode::Code(532));
    /// assert_eq!(
    ///     FtpError::LocalError.error_texts(),
    ///     ["Failure writing to local file.", "Transfer aborted. Input/output error"]
    /// );
    /// # Ok::<(), getemms::status::NameError>(())
    /// ```
    pub enum FtpError in Table::FtpError;
    row: FtpRow;
    /// `NA`: the control connection was refused.
    ServerNotRunning = "FTP Server not running" => row(Na, &["Connection refused"]);
    /// 425.
    CantOpenDataConnection = "Can't open data connection" => row(Code(425), &["Connection timed out", "No route to host", "Connection refused", "Failed to establish connection.", "Read timed out"]);
    /// 550.
    FileUnavailable = "Requested action not taken. File unavailable (e.g. file not found, no access)" => row(Code(550), &["<file name>: Disk quota exceeded"]);
    /// 426.
    ConnectionClosed = "Connection closed; transfer aborted" => row(Code(426), &[]);
    /// `n/a`: no reply came in time.
    ReceiveTimeout = "Timeout for receiving data from server" => row(NSlashA, &[]);
    /// 530.
    NotLoggedIn = "Not logged in, wrong username or password" => row(Code(530), &[]);
    /// 450.
    FileBusy = "Requested file action not taken. File unavailable (e.g. file busy)" => row(Code(450), &[]);
    /// 451.
    LocalError = "Requested action aborted. local error in processing." => row(Code(451), &["Failure writing to local file.", "Transfer aborted. Input/output error"]);
    /// 532.
    NeedAccount = "Need account for storing files" => row(Code(532), &[]);
    /// 553.
    FileNameNotAllowed = "Requested action not taken. File name not allowed" => row(Code(553), &["Could not create file."]);
    /// 552.
    StorageExceeded = "Requested file action aborted. Exceeded storage allocation (for current directory or dataset)" => row(Code(552), &["Transfer aborted. Disk quota exceeded"]);
    /// 500.
    SyntaxError = "Syntax error, command unrecognized. This may include errors such as command line too long" => row(Code(500), &["OOPS: child died"]);
    /// `5XX`: any 5xx reply not in another row.
    Misc = "Misc. FTP error" => row(AnyPermanent, &[]);
}

impl FtpError {
    /// The "FTP Error Description" cell, exactly as the spec writes it.
    #[must_use]
    pub const fn description(self) -> &'static str {
        self.as_str()
    }

    /// The "FTP Error Code" cell.
    #[must_use]
    pub const fn reply_code(self) -> ReplyCode {
        self.spec_row().reply_code
    }

    /// The "Error Text" cell: the texts the spec lists for this row,
    /// exactly, in its order; empty when it lists none.
    /// [`FILE_NAME_PLACEHOLDER`] stands for a file's name.
    #[must_use]
    pub const fn error_texts(self) -> &'static [&'static str] {
        self.spec_row().error_texts
    }

    /// The row whose description is exactly `description`.
    #[must_use]
    pub fn from_description(description: &str) -> Option<Self> {
        Self::from_name(description)
    }
}

/// Fails the build when two of `rows` share a three-digit reply code:
/// `from_reply` relies on every code being in at most one row. Rows
/// without a code (`NA`, `n/a`, `5XX`) may repeat.
const fn assert_reply_codes_distinct(rows: &[FtpError]) {
    // Each row against every row before it: no pass of a loop is idle.
    let mut j = 1;
    while j < rows.len() {
        let mut i = 0;
        while i < j {
            if let (Some(a), Some(b)) = (rows[i].reply_code().code(), rows[j].reply_code().code()) {
                assert!(a != b, "two FTP error rows share a reply code");
            }
            i += 1;
        }
        j += 1;
    }
}

const _: () = assert_reply_codes_distinct(<FtpError as Vocabulary>::VALUES);

/// Texts that, with no reply code, mean the client timed out waiting for the
/// server: our rule for the `n/a` row, for which the spec lists no text.
/// `Read timed out` is Java's socket read timeout, which the spec lists under
/// 425 for the data connection.
const RECEIVE_TIMEOUT_TEXTS: &[&str] = &["Read timed out"];

impl FtpError {
    /// Classifies what an FTP client saw: the reply code, or `None` when the
    /// failure came from its socket with no reply, and the error text.
    ///
    /// Rules, in order:
    /// 1. A code in the table (425, 426, 450, 451, 500, 530, 532, 550, 552,
    ///    553) gives its row, whatever the text: the code is what the server
    ///    decided, the text is only its wording.
    /// 2. Any other 5xx code gives [`FtpError::Misc`] (`5XX`).
    /// 3. Any other code gives `None`: 1xx–3xx are not errors, and the table
    ///    has no row for the other 4xx codes (e.g. `421 Service not
    ///    available`); use [`ReplyLine::is_transient`] for those.
    /// 4. With no code, a text that contains (ASCII case-insensitively) an
    ///    error text of a code-less row gives that row: `Connection refused`
    ///    is [`FtpError::ServerNotRunning`]. With a code, `Connection refused`
    ///    is about the data connection and rule 1 gives 425.
    /// 5. With no code, a text that contains `Read timed out` (ASCII
    ///    case-insensitively) gives [`FtpError::ReceiveTimeout`] (`n/a`):
    ///    our rule, the spec lists no text for that row.
    /// 6. Any other code-less text gives `None`.
    ///
    /// Containment rather than equality, because Java clients wrap these
    /// texts (`java.net.ConnectException: Connection refused: connect`).
    ///
    /// ```
    /// use getemms::status::ftp::FtpError;
    ///
    /// assert_eq!(FtpError::from_reply(Some(425), "Connection refused"),
    ///            Some(FtpError::CantOpenDataConnection));
    /// assert_eq!(FtpError::from_reply(Some(599), "whatever"), Some(FtpError::Misc));
    /// assert_eq!(FtpError::from_reply(Some(421), "Service not available"), None);
    /// assert_eq!(FtpError::from_reply(None, "Read timed out"),
    ///            Some(FtpError::ReceiveTimeout));
    /// ```
    #[must_use]
    pub fn from_reply(code: Option<u16>, text: &str) -> Option<FtpError> {
        match code {
            Some(code) => Self::rows()
                .find(|row| row.reply_code() == ReplyCode::Code(code))
                .or_else(|| ReplyCode::AnyPermanent.matches(code).then_some(Self::Misc)),
            None => Self::rows()
                .filter(|row| row.reply_code().is_code_less())
                .find(|row| {
                    row.error_texts()
                        .iter()
                        .any(|known| contains_ignore_ascii_case(text, known))
                })
                .or_else(|| {
                    RECEIVE_TIMEOUT_TEXTS
                        .iter()
                        .any(|known| contains_ignore_ascii_case(text, known))
                        .then_some(Self::ReceiveTimeout)
                }),
        }
    }

    /// The spec's error text of this row that `text` is, if any: exact
    /// equality, except that [`FILE_NAME_PLACEHOLDER`] at the start of a
    /// known text matches any non-empty file name.
    ///
    /// ```
    /// use getemms::status::ftp::FtpError;
    ///
    /// assert_eq!(FtpError::FileUnavailable.known_text("a b.ts: Disk quota exceeded"),
    ///            Some("<file name>: Disk quota exceeded"));
    /// assert_eq!(FtpError::FileUnavailable.known_text(": Disk quota exceeded"), None);
    /// ```
    #[must_use]
    pub fn known_text(self, text: &str) -> Option<&'static str> {
        self.error_texts().iter().copied().find(|known| {
            match known.strip_prefix(FILE_NAME_PLACEHOLDER) {
                Some(rest) => text.len() > rest.len() && text.ends_with(rest),
                None => text == *known,
            }
        })
    }

    /// RFC 959 transient: retrying may succeed. True for the 4xx rows (425,
    /// 426, 450, 451) and, by our decision, for the code-less rows
    /// ("FTP Server not running", "Timeout for receiving data from server"):
    /// a refused connection or a timeout passes when the server or the
    /// network recovers. Exactly one of `is_transient` and `is_permanent`
    /// holds for every row.
    #[must_use]
    pub const fn is_transient(self) -> bool {
        let code = self.reply_code();
        code.is_transient() || code.is_code_less()
    }

    /// RFC 959 permanent: the same command will fail again until something
    /// changes (credentials, quota, file name). True for the 5xx rows and
    /// `5XX`.
    #[must_use]
    pub const fn is_permanent(self) -> bool {
        self.reply_code().is_permanent()
    }
}

/// Whether `haystack` contains `needle`, ignoring ASCII case.
fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let needle = needle.as_bytes();
    needle.is_empty()
        || haystack
            .as_bytes()
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle))
}

/// Renders the spec's table as markdown: a `### VOD Dealer FTP errors`
/// heading, then one table line per [`FtpError`], derived from the data.
/// Error texts are code spans (so `<file name>` shows as written) separated
/// by `<br>`; an empty cell means the spec lists none.
///
/// # Errors
/// Only the errors of `out`.
///
/// ```
/// let mut out = String::new();
/// getemms::status::ftp::render_markdown(&mut out)?;
/// assert!(out.contains("| Misc. FTP error | 5XX | |"));
/// # Ok::<(), core::fmt::Error>(())
/// ```
pub fn render_markdown<W: fmt::Write + ?Sized>(out: &mut W) -> fmt::Result {
    write_head(
        out,
        "VOD Dealer FTP errors",
        "",
        &[
            ("FTP Error Description", Align::Left),
            ("FTP Error Code", Align::Left),
            ("Error Text", Align::Left),
        ],
    )?;
    for error in FtpError::rows() {
        write_line(
            out,
            &[
                Cell::Text(&error.description()),
                Cell::Text(&error.reply_code()),
                Cell::Code(&error.error_texts(), "<br>"),
            ],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_rows_with_distinct_codes_pass_the_build_check() {
        assert_reply_codes_distinct(<FtpError as Vocabulary>::VALUES);
        // 532 and 425; then two rows without a code.
        assert_reply_codes_distinct(&[FtpError::NeedAccount, FtpError::CantOpenDataConnection]);
        let code_less = [FtpError::ServerNotRunning, FtpError::ServerNotRunning];
        assert_eq!(code_less[0].reply_code().code(), None);
        assert_reply_codes_distinct(&code_less);
    }

    #[test]
    #[should_panic(expected = "two FTP error rows share a reply code")]
    fn test_a_reply_code_twice_fails_the_build_check() {
        assert_reply_codes_distinct(&[
            FtpError::ServerNotRunning,
            FtpError::NeedAccount,
            FtpError::ServerNotRunning,
            FtpError::NeedAccount,
        ]);
    }

    #[test]
    fn test_only_three_digit_reply_codes_have_a_code() {
        assert_eq!(ReplyCode::Code(425).code(), Some(425));
        for code_less in [ReplyCode::Na, ReplyCode::NSlashA, ReplyCode::AnyPermanent] {
            assert_eq!(code_less.code(), None);
        }
    }
}
