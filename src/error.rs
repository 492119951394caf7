//! [`Error`]: what can go wrong with a body and its transports (truncation,
//! limits, base64 text, decoder misuse, output buffers), and [`AnyError`],
//! for a caller that mixes it with the status tables' errors.
//!
//! Each domain has its own error, so a function's error type admits only
//! what it can return: [`Error`] here, [`NameError`] for name look-ups and
//! [`ReplyLineError`] for FTP reply lines (both in [`crate::status`]).
//!
//! [`Error`] is small, `Copy` and allocation-free, so it can be returned from
//! the parse path and from `no_std` code. Every variant says what was
//! expected, what came, and at which byte offset of the body (or of the
//! base64 text), and its `Display` is one line a proxy operator can act on.

use core::fmt;

use crate::status::{LicenseStatus, NameError, ReplyLineError};
use crate::wire::field;

/// Everything that can go wrong while reading or writing a `GetEMMs.cgi`
/// body, raw or as base64 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The body ended before a valid form was complete: it has 0–7 or 9–11
    /// bytes (or exactly 8 when the short form is not accepted).
    ///
    /// The body ends at byte offset `received`; `missing` more bytes would
    /// complete the nearest valid form (8 bytes for the short form, 12 for a
    /// full header). `license_status` is the status read from the first four
    /// bytes when at least four came, so that a proxy can still log it.
    Truncated {
        /// How many bytes the body had.
        received: usize,
        /// How many more bytes the nearest valid form needs.
        missing: usize,
        /// The license status, when the first four bytes came.
        license_status: Option<LicenseStatus>,
    },
    /// The EMM is longer than the configured `max_emm_len`.
    EmmTooLong {
        /// The EMM length seen (at least this many bytes; the incremental
        /// decoder reports what it has seen when it refuses the chunk).
        len: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A short-form header (no key id) was given an EMM: the short form is
    /// exactly 8 bytes.
    EmmInShortForm {
        /// Length of the EMM that was given.
        emm_len: usize,
    },
    /// An incremental decoder was fed, or finished, after it had already
    /// been finished: the body ended at byte offset `offset`. Call
    /// `reset()` (or make a new decoder) to decode the next body.
    AlreadyFinished {
        /// The length of the body that was finished.
        offset: usize,
    },
    /// A byte of a base64 body is not where base64 allows it.
    ///
    /// `offset` counts bytes of the base64 *text* (line breaks included),
    /// not of the decoded body.
    InvalidBase64 {
        /// Byte offset of the offending character in the text.
        offset: usize,
        /// The offending character.
        byte: u8,
        /// What was expected at that offset.
        expected: ExpectedBase64,
    },
    /// A base64 body ends inside a 4-character group (a lone final
    /// character, or `=` padding that stops short).
    TruncatedBase64 {
        /// The length of the text, which is where it ends.
        offset: usize,
        /// How many more characters the group needs (at least).
        missing: usize,
    },
    /// An output buffer cannot hold the encoded body.
    BufferTooSmall {
        /// Bytes the encoding needs.
        needed: usize,
        /// Bytes the buffer has room for.
        available: usize,
    },
}

// Every parse returns `Result<Response, Error>`. At 24 bytes, `Error` fits
// beside the EMM pointer of a `Response` (32 bytes), whose non-null niche
// then tells `Ok` from `Err`: the result is 32 bytes, no larger than the
// response itself (it was 40 while `InvalidBase64` carried a `&str`, and 48
// before the status tables' errors left this type). Keep variants small.
const _: () = assert!(core::mem::size_of::<Error>() <= 24);

/// What base64 allows where a text went wrong, as
/// [`Error::InvalidBase64`] reports it; `Display` says it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExpectedBase64 {
    /// A base64 character, `=` padding or a line break.
    Character,
    /// Only line breaks or trailing whitespace after the `=` padding.
    EndAfterPadding,
    /// `=` only where it pads the 3rd and 4th characters of a group.
    PaddingPosition,
    /// A line break or the end of the text after a space: a space followed
    /// by more base64 on its line is refused (it is how a `+` looks after a
    /// form-decoding mishap).
    NoSpaceInside,
    /// A final character whose unused low bits are zero (canonical base64).
    CanonicalLastCharacter,
}

impl ExpectedBase64 {
    /// The expectation in words, as error messages print it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            ExpectedBase64::Character => {
                "a base64 character (A-Z a-z 0-9 + /), '=' padding or a line break"
            }
            ExpectedBase64::EndAfterPadding => {
                "only line breaks or trailing whitespace after the '=' padding"
            }
            ExpectedBase64::PaddingPosition => {
                "a base64 character ('=' may only pad the 3rd and 4th characters of a group)"
            }
            ExpectedBase64::NoSpaceInside => {
                "a line break or the end of the text after a space (a space inside base64 is \
                 often a mangled '+')"
            }
            ExpectedBase64::CanonicalLastCharacter => {
                "a final character whose unused low bits are zero (canonical base64)"
            }
        }
    }
}

impl fmt::Display for ExpectedBase64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Error {
    /// The byte offset at which the error was found: in the body, except in
    /// the base64 text for [`Error::InvalidBase64`] and
    /// [`Error::TruncatedBase64`], and in the output buffer for
    /// [`Error::BufferTooSmall`].
    #[must_use]
    pub const fn offset(&self) -> usize {
        match *self {
            Error::Truncated { received, .. } => received,
            Error::EmmTooLong { limit, .. } => field::EMM.start + limit,
            Error::EmmInShortForm { .. } => crate::SHORT_LEN,
            Error::BufferTooSmall { available, .. } => available,
            Error::AlreadyFinished { offset }
            | Error::InvalidBase64 { offset, .. }
            | Error::TruncatedBase64 { offset, .. } => offset,
        }
    }

    /// The license status read before the error, where one was.
    #[must_use]
    pub const fn license_status(&self) -> Option<LicenseStatus> {
        match *self {
            Error::Truncated { license_status, .. } => license_status,
            _ => None,
        }
    }

    /// The truncation error for a complete body of `body.len()` bytes, when
    /// that length is not a valid form.
    ///
    /// Returns `None` for 8 bytes (when `accept_short_form`) and for 12 or more.
    #[inline]
    #[must_use]
    pub(crate) fn for_length(body: &[u8], accept_short_form: bool) -> Option<Error> {
        let received = body.len();
        let expected = match received {
            n if n >= crate::HEADER_LEN => return None,
            // One comparison with the short form's length, so that each
            // boundary is decided in one place.
            n if accept_short_form && n <= crate::SHORT_LEN => {
                if n == crate::SHORT_LEN {
                    return None;
                }
                crate::SHORT_LEN
            }
            _ => crate::HEADER_LEN,
        };
        let license_status = body
            .first_chunk::<4>()
            .map(|b| LicenseStatus::new(u32::from_be_bytes(*b)));
        Some(Error::Truncated {
            received,
            missing: expected - received,
            license_status,
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::Truncated {
                received,
                missing,
                license_status,
            } => {
                let expected = received + missing;
                let form = if expected == crate::SHORT_LEN {
                    "at least 8 bytes (8 for the short form, 12 or more for the full form)"
                } else {
                    "at least 12 bytes (full-form header)"
                };
                write!(
                    f,
                    "truncated GetEMMs body: expected {form}, got {received}; \
                     it ends at byte offset {received} in the {} ({missing} more byte{} needed)",
                    field::name_at(received),
                    if missing == 1 { "" } else { "s" },
                )?;
                if let Some(status) = license_status {
                    write!(f, "; license status read at offset 0: {status}")?;
                }
                Ok(())
            }
            Error::EmmTooLong { len, limit } => write!(
                f,
                "EMM too long: expected at most {limit} bytes (max_emm_len), got {len}; \
                 the limit is crossed at byte offset {}",
                field::EMM.start + limit
            ),
            Error::EmmInShortForm { emm_len } => write!(
                f,
                "short-form body cannot carry an EMM: expected the body to end at byte \
                 offset 8, got {emm_len} EMM byte{} after it",
                if emm_len == 1 { "" } else { "s" },
            ),
            Error::AlreadyFinished { offset } => write!(
                f,
                "decoder misuse: expected no more calls after finish(), got another; \
                 the body already ended at byte offset {offset} (reset() starts a new body)"
            ),
            Error::InvalidBase64 {
                offset,
                byte,
                expected,
            } => {
                write!(f, "invalid base64 body: expected {expected}, got ")?;
                if byte.is_ascii_graphic() {
                    write!(f, "'{}'", char::from(byte))?;
                } else {
                    write!(f, "byte 0x{byte:02X}")?;
                }
                write!(f, " at byte offset {offset} of the text")
            }
            Error::TruncatedBase64 { offset, missing } => write!(
                f,
                "truncated base64 body: expected {missing} more character{} to complete \
                 the last 4-character group, got the end of the text at byte offset {offset}",
                if missing == 1 { "" } else { "s" },
            ),
            Error::BufferTooSmall { needed, available } => write!(
                f,
                "output buffer too small: the encoded body needs {needed} bytes, \
                 the buffer has {available}; writing would stop at byte offset {available}"
            ),
        }
    }
}

impl core::error::Error for Error {}

/// Any error of this crate, for a caller that mixes the body's errors with
/// the status tables' (a proxy that looks a third-party code up, then
/// encodes the rejection, in one function with `?`).
///
/// ```
/// use getemms::{AnyError, LicenseStatus, Response};
///
/// fn refuse(code: u32, out: &mut [u8]) -> Result<usize, AnyError> {
///     let status = LicenseStatus::third_party(code)?; // a NameError
///     Ok(Response::rejection(status, 0).encode_into(out)?) // an Error
/// }
///
/// let mut out = [0u8; 8];
/// assert_eq!(refuse(600, &mut out), Ok(8));
/// assert!(matches!(refuse(1000, &mut out), Err(AnyError::Name(_))));
/// assert!(matches!(refuse(600, &mut out[..4]), Err(AnyError::Body(_))));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AnyError {
    /// A body or transport error.
    Body(Error),
    /// A status-table name look-up error.
    Name(NameError),
    /// An FTP reply line that is not one.
    ReplyLine(ReplyLineError),
}

impl From<Error> for AnyError {
    fn from(error: Error) -> Self {
        AnyError::Body(error)
    }
}

impl From<NameError> for AnyError {
    fn from(error: NameError) -> Self {
        AnyError::Name(error)
    }
}

impl From<ReplyLineError> for AnyError {
    fn from(error: ReplyLineError) -> Self {
        AnyError::ReplyLine(error)
    }
}

impl fmt::Display for AnyError {
    /// The inner error's one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnyError::Body(error) => error.fmt(f),
            AnyError::Name(error) => error.fmt(f),
            AnyError::ReplyLine(error) => error.fmt(f),
        }
    }
}

impl core::error::Error for AnyError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            AnyError::Body(error) => Some(error),
            AnyError::Name(error) => Some(error),
            AnyError::ReplyLine(error) => Some(error),
        }
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use crate::status::ReplyLine;
    use alloc::string::ToString;
    use core::error::Error as _;

    #[test]
    fn test_for_length_names_the_form_a_length_falls_short_of() {
        let body = [0u8, 0, 2, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        let truncated = |received: usize, missing: usize| {
            Some(Error::Truncated {
                received,
                missing,
                license_status: (received >= 4).then(|| LicenseStatus::new(520)),
            })
        };
        for accept_short_form in [true, false] {
            for len in 12..=body.len() {
                assert_eq!(Error::for_length(&body[..len], accept_short_form), None);
            }
            for len in 9..12 {
                let got = Error::for_length(&body[..len], accept_short_form);
                assert_eq!(got, truncated(len, 12 - len));
            }
        }
        for len in 0..8 {
            assert_eq!(
                Error::for_length(&body[..len], true),
                truncated(len, 8 - len)
            );
            assert_eq!(
                Error::for_length(&body[..len], false),
                truncated(len, 12 - len)
            );
        }
        // Exactly 8 bytes: the short form when it is accepted.
        assert_eq!(Error::for_length(&body[..8], true), None);
        assert_eq!(Error::for_length(&body[..8], false), truncated(8, 4));
    }

    #[test]
    fn test_every_message_is_one_line_with_what_where_and_how_much() {
        let cases = [
            (
                Error::Truncated {
                    received: 3,
                    missing: 5,
                    license_status: None,
                },
                "truncated GetEMMs body: expected at least 8 bytes (8 for the short form, 12 or more for the full form), got 3; it ends at byte offset 3 in the license status (5 more bytes needed)",
            ),
            (
                Error::EmmInShortForm { emm_len: 1 },
                "short-form body cannot carry an EMM: expected the body to end at byte offset 8, got 1 EMM byte after it",
            ),
            (
                Error::EmmInShortForm { emm_len: 2 },
                "short-form body cannot carry an EMM: expected the body to end at byte offset 8, got 2 EMM bytes after it",
            ),
            (
                Error::InvalidBase64 {
                    offset: 4,
                    byte: b'\r',
                    expected: ExpectedBase64::EndAfterPadding,
                },
                "invalid base64 body: expected only line breaks or trailing whitespace after the '=' padding, got byte 0x0D at byte offset 4 of the text",
            ),
            (
                Error::InvalidBase64 {
                    offset: 2,
                    byte: b'=',
                    expected: ExpectedBase64::PaddingPosition,
                },
                "invalid base64 body: expected a base64 character ('=' may only pad the 3rd and 4th characters of a group), got '=' at byte offset 2 of the text",
            ),
            (
                Error::InvalidBase64 {
                    offset: 9,
                    byte: b' ',
                    expected: ExpectedBase64::NoSpaceInside,
                },
                "invalid base64 body: expected a line break or the end of the text after a space (a space inside base64 is often a mangled '+'), got byte 0x20 at byte offset 9 of the text",
            ),
            (
                Error::InvalidBase64 {
                    offset: 10,
                    byte: b'B',
                    expected: ExpectedBase64::CanonicalLastCharacter,
                },
                "invalid base64 body: expected a final character whose unused low bits are zero (canonical base64), got 'B' at byte offset 10 of the text",
            ),
            (
                Error::TruncatedBase64 {
                    offset: 6,
                    missing: 2,
                },
                "truncated base64 body: expected 2 more characters to complete the last 4-character group, got the end of the text at byte offset 6",
            ),
            (
                Error::BufferTooSmall {
                    needed: 16,
                    available: 10,
                },
                "output buffer too small: the encoded body needs 16 bytes, the buffer has 10; writing would stop at byte offset 10",
            ),
        ];
        for (error, message) in cases {
            assert_eq!(error.to_string(), message, "{error:?}");
        }
    }

    #[test]
    fn test_offsets_and_license_status() {
        assert_eq!(Error::EmmInShortForm { emm_len: 3 }.offset(), 8);
        let too_small = Error::BufferTooSmall {
            needed: 16,
            available: 10,
        };
        assert_eq!(too_small.offset(), 10);
        assert_eq!(too_small.license_status(), None);
        assert_eq!(Error::EmmTooLong { len: 5, limit: 4 }.offset(), 16);
    }

    #[test]
    fn test_any_error_wraps_each_domain_and_says_its_line() {
        let body = Error::EmmInShortForm { emm_len: 1 };
        let name = LicenseStatus::third_party(1000).unwrap_err();
        let reply = ReplyLine::parse("no code here").unwrap_err();
        for (any, line) in [
            (AnyError::from(body), body.to_string()),
            (AnyError::from(name), name.to_string()),
            (AnyError::from(reply), reply.to_string()),
        ] {
            assert_eq!(any.to_string(), line);
            assert_eq!(any.source().map(ToString::to_string), Some(line));
        }
        assert_eq!(AnyError::from(body), AnyError::Body(body));
        assert_eq!(AnyError::from(name), AnyError::Name(name));
        assert_eq!(AnyError::from(reply), AnyError::ReplyLine(reply));
    }
}
