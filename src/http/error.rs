//! [`ReadError`]: why [`BodyReader::read`](super::BodyReader::read)
//! failed, and where.

use core::fmt;

use crate::error::Error;

/// Why reading a response body failed, and where.
///
/// The body's own error (`E`, e.g. `hyper::Error` or `axum::Error`) is a
/// type parameter rather than a boxed trait object: reading allocates no
/// error, the caller keeps the concrete type (to ask hyper's error
/// `is_timeout()`, say), and `ReadError<E>` is `Copy` whenever `E` is. Use
/// [`map_body`](Self::map_body) to box or convert it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReadError<E> {
    /// The body failed while frames were being read (connection reset,
    /// transport timeout, …), after `offset` bytes of it had come.
    Body {
        /// The body's own error.
        error: E,
        /// Bytes of the body (as sent: text for base64) received before it.
        offset: u64,
    },
    /// The body is longer than the limit: its `Content-Length` said so
    /// before any frame was read, or the frame that crossed the limit
    /// arrived. Nothing past the limit was kept.
    BodyTooLong {
        /// The length announced, or received with the refused frame (at
        /// least this many bytes).
        len: u64,
        /// The limit, in bytes as sent.
        limit: u64,
    },
    /// The `Content-Transfer-Encoding` header names neither `base64` nor a
    /// raw encoding (`binary`, `8bit`, `7bit`); this crate decodes no other.
    UnsupportedTransferEncoding,
    /// The bytes are not a valid `GetEMMs.cgi` body: truncated, an EMM
    /// over `max_emm_len`, or invalid base64 (the offset is in the text).
    Decode(Error),
}

impl<E> ReadError<E> {
    /// The same error with the body's error converted by `f` (e.g. boxed).
    pub fn map_body<F>(self, f: impl FnOnce(E) -> F) -> ReadError<F> {
        match self {
            Self::Body { error, offset } => ReadError::Body {
                error: f(error),
                offset,
            },
            Self::BodyTooLong { len, limit } => ReadError::BodyTooLong { len, limit },
            Self::UnsupportedTransferEncoding => ReadError::UnsupportedTransferEncoding,
            Self::Decode(error) => ReadError::Decode(error),
        }
    }
}

impl<E> From<Error> for ReadError<E> {
    fn from(error: Error) -> Self {
        Self::Decode(error)
    }
}

impl<E: fmt::Display> fmt::Display for ReadError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Body { error, offset } => write!(
                f,
                "the GetEMMs body failed after {offset} bytes had come: {error}"
            ),
            Self::BodyTooLong { len, limit } => write!(
                f,
                "GetEMMs body too long: expected at most {limit} bytes, got at least {len}; \
                 refused at byte offset {limit}"
            ),
            Self::UnsupportedTransferEncoding => f.write_str(
                "unsupported Content-Transfer-Encoding: expected base64, binary, 8bit or 7bit",
            ),
            Self::Decode(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl<E: core::error::Error + 'static> core::error::Error for ReadError<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Body { error, .. } => Some(error),
            Self::Decode(error) => Some(error),
            Self::BodyTooLong { .. } | Self::UnsupportedTransferEncoding => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::convert::Infallible;
    use std::string::ToString;

    #[test]
    fn test_display_is_one_line() {
        let too_long = ReadError::<Infallible>::BodyTooLong {
            len: 2_000_000,
            limit: 1 << 20,
        };
        assert_eq!(
            too_long.to_string(),
            "GetEMMs body too long: expected at most 1048576 bytes, got at least 2000000; \
             refused at byte offset 1048576"
        );
        let decode = ReadError::<Infallible>::from(Error::EmmTooLong { len: 3, limit: 2 });
        assert_eq!(
            decode.to_string(),
            Error::EmmTooLong { len: 3, limit: 2 }.to_string()
        );
        let body = ReadError::Body {
            error: "connection reset",
            offset: 7,
        };
        assert_eq!(
            body.to_string(),
            "the GetEMMs body failed after 7 bytes had come: connection reset"
        );
        assert!(!body.to_string().contains('\n'));
    }

    #[test]
    fn test_copy_when_the_body_error_is() {
        fn copy<T: Copy>(_: T) {}
        copy(ReadError::<Infallible>::UnsupportedTransferEncoding);
        let boxed = ReadError::Body {
            error: 1_u8,
            offset: 0,
        }
        .map_body(u32::from);
        assert_eq!(
            boxed,
            ReadError::Body {
                error: 1_u32,
                offset: 0
            }
        );
    }
}
