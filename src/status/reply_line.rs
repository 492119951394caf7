//! One FTP reply line, RFC 959 section 4.2, as an FTP client receives it:
//! [`ReplyLine::parse`] reads `NNN text`, `NNN-text` or a bare `NNN` into its
//! code and text, borrowing the text, and [`ReplyLine::ftp_error`] classifies
//! it by the spec's "VOD Dealer FTP errors" table.
//!
//! Guarantees: no allocation and no panic on any input; a line that is not a
//! reply line is a [`ReplyLineError`] with the byte offset of the problem.

use core::fmt;

use super::ReplyLineError;
use super::ftp::{FtpError, ReplyCode};

/// What follows the three digits of a reply line.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Separator {
    /// `NNN text`: a single-line reply or the last line of a multi-line one.
    Space,
    /// `NNN-text`: the first line of a multi-line reply.
    Hyphen,
    /// A bare `NNN`, with no text.
    Nothing,
}

/// One FTP reply line with a code, as an FTP client receives it: `NNN text`,
/// `NNN-text` (the first line of a multi-line reply, RFC 959 section 4.2) or
/// a bare `NNN`. The text is borrowed from the line.
///
/// `Display` writes the line back exactly, without its line ending.
///
/// ```
/// use getemms::status::ftp::{FtpError, ReplyLine};
///
/// let line = ReplyLine::parse("425 Connection timed out\r\n")?;
/// assert_eq!(line.code(), 425);
/// assert_eq!(line.text(), "Connection timed out");
/// assert!(line.is_transient());
/// assert_eq!(line.ftp_error(), Some(FtpError::CantOpenDataConnection));
/// assert_eq!(line.to_string(), "425 Connection timed out");
/// # Ok::<(), getemms::status::ReplyLineError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ReplyLine<'a> {
    code: u16,
    separator: Separator,
    text: &'a str,
}

impl<'a> ReplyLine<'a> {
    /// Reads one reply line: three digits, the first `1`–`5` (RFC 959), then
    /// a space and the text, a `-` and the text, or nothing; one trailing
    /// `\r\n` or `\n` is dropped. The text is kept verbatim (not trimmed).
    ///
    /// # Errors
    /// [`ReplyLineError`], with the byte offset in `line`, when the
    /// line does not start with a reply code, the code is followed by
    /// anything but a space or `-`, or the text holds a line break (one line
    /// at a time).
    pub fn parse(line: &'a str) -> Result<Self, ReplyLineError> {
        let body = line
            .strip_suffix("\r\n")
            .or_else(|| line.strip_suffix('\n'))
            .unwrap_or(line);
        let bytes = body.as_bytes();
        let bad = |offset: usize, expected: &'static str| {
            ReplyLineError::new(offset, expected, bytes.get(offset).copied())
        };
        let digit = |offset: usize, range: core::ops::RangeInclusive<u8>| match bytes.get(offset) {
            Some(&b) if range.contains(&b) => Ok(u16::from(b - b'0')),
            _ => Err(bad(
                offset,
                if offset == 0 {
                    "a reply code starting with 1-5"
                } else {
                    "a reply code digit"
                },
            )),
        };
        let code =
            digit(0, b'1'..=b'5')? * 100 + digit(1, b'0'..=b'9')? * 10 + digit(2, b'0'..=b'9')?;
        let separator = match bytes.get(3) {
            None => Separator::Nothing,
            Some(b' ') => Separator::Space,
            Some(b'-') => Separator::Hyphen,
            Some(_) => return Err(bad(3, "' ' or '-' after the reply code")),
        };
        let text = body.get(4..).unwrap_or("");
        if let Some(at) = text.find(['\r', '\n']) {
            return Err(bad(4 + at, "the reply text to run to the end of the line"));
        }
        Ok(Self {
            code,
            separator,
            text,
        })
    }

    /// The three-digit reply code.
    #[must_use]
    pub const fn code(&self) -> u16 {
        self.code
    }

    /// The text after the code and its separator, verbatim; empty for a
    /// bare `NNN`.
    #[must_use]
    pub const fn text(&self) -> &'a str {
        self.text
    }

    /// Whether this is the first line of a multi-line reply (`NNN-text`).
    #[must_use]
    pub const fn is_multiline_start(&self) -> bool {
        matches!(self.separator, Separator::Hyphen)
    }

    /// RFC 959 transient negative completion: a 4xx code.
    #[must_use]
    pub const fn is_transient(&self) -> bool {
        ReplyCode::Code(self.code).is_transient()
    }

    /// RFC 959 permanent negative completion: a 5xx code.
    #[must_use]
    pub const fn is_permanent(&self) -> bool {
        ReplyCode::Code(self.code).is_permanent()
    }

    /// The table's row for this reply, by [`FtpError::from_reply`].
    #[must_use]
    pub fn ftp_error(&self) -> Option<FtpError> {
        FtpError::from_reply(Some(self.code), self.text)
    }
}

impl fmt::Display for ReplyLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let separator = match self.separator {
            Separator::Space => " ",
            Separator::Hyphen => "-",
            Separator::Nothing => "",
        };
        write!(f, "{:03}{separator}{}", self.code, self.text)
    }
}
