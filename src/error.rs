//! The one error type of the crate.
//!
//! [`Error`] is small, `Copy` and allocation-free, so it can be returned from
//! the parse path and from `no_std` code. Every variant says what was
//! expected, what came, and at which byte offset of the body, and its
//! `Display` is one line a proxy operator can act on.

use core::fmt;

use crate::status::{LicenseStatus, Table};
use crate::wire::field;

/// Everything that can go wrong while reading or writing a `GetEMMs.cgi` body.
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
    /// A third-party status was asked for outside 512–999.
    NotThirdParty {
        /// The code that was given.
        code: u32,
    },
    /// A name is not in a status table.
    UnknownName {
        /// The table that was searched.
        table: Table,
    },
    /// A name stands for two codes in the spec, and the caller must choose.
    AmbiguousName {
        /// The table that was searched.
        table: Table,
        /// The name, as the spec spells it.
        name: &'static str,
        /// The two codes the spec gives the name.
        codes: [u32; 2],
    },
    /// An FTP reply line is not `NNN text`, `NNN-text` or a bare `NNN`
    /// (RFC 959 section 4.2), optionally ended by `\r\n` or `\n`.
    BadReplyLine {
        /// Byte offset in the line where the problem is.
        offset: usize,
        /// What was expected there.
        expected: &'static str,
        /// The byte found there, or `None` when the line ended.
        found: Option<u8>,
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
        /// What was expected at that offset, in words.
        expected: &'static str,
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

// Every parse returns `Result<Response, Error>`; an `Error` larger than 32
// bytes makes that result 48 bytes instead of 40, which measurably slows a
// caller that stores it (criterion, `benches/parse.rs`: about 20 % behind
// hand-written slicing at 48 bytes, level at 40). Keep variants small.
const _: () = assert!(core::mem::size_of::<Error>() <= 32);

impl Error {
    /// The byte offset at which the error was found: in the body, except in
    /// the base64 text for [`Error::InvalidBase64`] and
    /// [`Error::TruncatedBase64`], and in the FTP reply line for
    /// [`Error::BadReplyLine`]. Errors not tied to any input (status-table
    /// look-ups) report 0.
    #[must_use]
    pub const fn offset(&self) -> usize {
        match *self {
            Error::Truncated { received, .. } => received,
            Error::EmmTooLong { limit, .. } => field::EMM.start + limit,
            Error::EmmInShortForm { .. } => crate::SHORT_LEN,
            Error::BufferTooSmall { available, .. } => available,
            Error::BadReplyLine { offset, .. } => offset,
            Error::AlreadyFinished { offset }
            | Error::InvalidBase64 { offset, .. }
            | Error::TruncatedBase64 { offset, .. } => offset,
            Error::NotThirdParty { .. }
            | Error::UnknownName { .. }
            | Error::AmbiguousName { .. } => 0,
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
    #[must_use]
    pub(crate) fn for_length(body: &[u8], accept_short_form: bool) -> Option<Error> {
        let received = body.len();
        let expected = match received {
            n if n >= crate::HEADER_LEN => return None,
            n if n == crate::SHORT_LEN && accept_short_form => return None,
            n if n < crate::SHORT_LEN && accept_short_form => crate::SHORT_LEN,
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
            Error::NotThirdParty { code } => write!(
                f,
                "not a third-party status: expected a code in 512..=768 (remove stored \
                 license) or 769..=999 (retain it), got {code}"
            ),
            Error::UnknownName { table } => {
                write!(f, "unknown name: expected a name from the {table} table")
            }
            Error::AmbiguousName { table, name, codes } => write!(
                f,
                "ambiguous name: {name} stands for both {} and {} in the {table} table; \
                 choose by code",
                codes[0], codes[1]
            ),
            Error::BadReplyLine {
                offset,
                expected,
                found,
            } => {
                write!(
                    f,
                    "bad FTP reply line: expected {expected} at byte offset {offset}, got "
                )?;
                match found {
                    None => f.write_str("the end of the line"),
                    Some(b) if b.is_ascii_graphic() => write!(f, "'{}'", char::from(b)),
                    Some(b) => write!(f, "byte 0x{b:02x}"),
                }
            }
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
