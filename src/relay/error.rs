//! [`RelayError`]: why a relay stopped a body, and where.

use core::fmt;

use crate::error::Error;
use crate::header::Form;

/// Why a [`Relay`](super::Relay) stopped a body.
///
/// Once it has returned an error the relay returns it again on every call.
/// Whether anything was forwarded before is [`Relay::forwarded`](super::Relay::forwarded):
/// when it is not 0, the downstream body must be **aborted**, never ended
/// as if it were complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RelayError {
    /// The bytes are not a valid `GetEMMs.cgi` body: the error the
    /// decoders give for the same bytes, with the same kind and offset
    /// ([`Error::Truncated`], [`Error::InvalidBase64`], [`Error::EmmTooLong`], …).
    Body(Error),
    /// The header's 16th base64 letter did not come within the first
    /// `bound` bytes of text ([`HOLD_BACK`](super::HOLD_BACK)): only
    /// `letters` letters came among them, the rest line breaks or spaces.
    /// The relay holds no more than that.
    HoldBack {
        /// Letters of the header among the held bytes.
        letters: usize,
        /// The hold-back bound, which is also the offset of the refused byte.
        bound: usize,
    },
    /// The body is longer than `max_body_len`, in bytes as sent: the chunk
    /// that crossed it was refused.
    BodyTooLong {
        /// Bytes received with the refused chunk (at least this many).
        len: u64,
        /// The limit.
        limit: u64,
    },
    /// A [`Verdict::Rewrite`](super::Verdict::Rewrite) asked for a header
    /// of another form: that would change the body's length.
    FormChange {
        /// The form of the upstream's header.
        from: Form,
        /// The form of the rewritten header.
        to: Form,
    },
}

impl RelayError {
    /// The byte offset at which the error was found, in the body as sent
    /// (for [`Body`](Self::Body), as [`Error::offset`] says).
    #[must_use]
    pub const fn offset(&self) -> u64 {
        match *self {
            Self::Body(error) => error.offset() as u64,
            Self::HoldBack { bound, .. } => bound as u64,
            Self::BodyTooLong { limit, .. } => limit,
            Self::FormChange { .. } => 0,
        }
    }
}

impl From<Error> for RelayError {
    fn from(error: Error) -> Self {
        Self::Body(error)
    }
}

const fn form_name(form: Form) -> &'static str {
    match form {
        Form::Full => "full (12-byte header)",
        Form::Short => "short (8 bytes)",
    }
}

impl fmt::Display for RelayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Body(error) => fmt::Display::fmt(&error, f),
            Self::HoldBack { letters, bound } => write!(
                f,
                "GetEMMs header too spread out: expected its 16 base64 letters within the \
                 first {bound} bytes of text, got {letters}; refused at byte offset {bound}"
            ),
            Self::BodyTooLong { len, limit } => write!(
                f,
                "GetEMMs body too long: expected at most {limit} bytes, got at least {len}; \
                 refused at byte offset {limit}"
            ),
            Self::FormChange { from, to } => write!(
                f,
                "rewrite refused: expected a header of the upstream's form, {}, got {}; \
                 it would change the body's length (at byte offset 0)",
                form_name(from),
                form_name(to)
            ),
        }
    }
}

impl core::error::Error for RelayError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Body(error) => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::ToString;

    use super::*;

    #[test]
    fn test_each_message_is_one_line_with_its_offset() {
        let hold = RelayError::HoldBack {
            letters: 3,
            bound: 64,
        };
        assert_eq!(
            hold.to_string(),
            "GetEMMs header too spread out: expected its 16 base64 letters within the first \
             64 bytes of text, got 3; refused at byte offset 64"
        );
        assert_eq!(hold.offset(), 64);
        let long = RelayError::BodyTooLong { len: 9, limit: 8 };
        assert_eq!(
            long.to_string(),
            "GetEMMs body too long: expected at most 8 bytes, got at least 9; refused at byte offset 8"
        );
        assert_eq!(long.offset(), 8);
        let form = RelayError::FormChange {
            from: Form::Short,
            to: Form::Full,
        };
        assert_eq!(
            form.to_string(),
            "rewrite refused: expected a header of the upstream's form, short (8 bytes), got \
             full (12-byte header); it would change the body's length (at byte offset 0)"
        );
        assert_eq!(form.offset(), 0);
        let body = RelayError::from(Error::EmmTooLong { len: 3, limit: 2 });
        assert_eq!(
            body.to_string(),
            Error::EmmTooLong { len: 3, limit: 2 }.to_string()
        );
        assert_eq!(body.offset(), 14);
        assert!(core::error::Error::source(&body).is_some());
        assert!(core::error::Error::source(&form).is_none());
    }
}
