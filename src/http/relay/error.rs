//! [`RelayBodyError`]: why a [`RelayBody`](super::RelayBody) stopped, and
//! how much had gone downstream by then.

use core::fmt;

use crate::error::Error;
use crate::relay::RelayError;

/// Why a [`RelayBody`](super::RelayBody) stopped.
///
/// The body yields it as its error, so that hyper (or any server) aborts
/// the response: a client never receives a complete-looking body that was
/// not relayed whole. [`sent`](Self::sent) says whether anything had gone
/// downstream: when it is 0 (always the case for an error returned by
/// [`RelayBody::decide`](super::RelayBody::decide)), the caller may answer
/// a refusal instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RelayBodyError<E> {
    /// The upstream body failed (connection reset, timeout, …).
    Upstream {
        /// The upstream body's own error.
        error: E,
        /// Upstream bytes received before it.
        received: u64,
        /// Bytes yielded downstream before it.
        sent: u64,
    },
    /// The relay refused the body: invalid or truncated, over a limit, or
    /// a rewrite that would change its length.
    Relay {
        /// The relay's error.
        error: RelayError,
        /// Bytes yielded downstream before it.
        sent: u64,
    },
    /// The body could not be transcoded into the client's transport (base64
    /// text that is not base64, found while decoding it for a raw client).
    Transcode {
        /// The decoding error (its offset is in the upstream text).
        error: Error,
        /// Bytes yielded downstream before it.
        sent: u64,
    },
}

impl<E> RelayBodyError<E> {
    /// Bytes yielded downstream before the error: not 0 means the
    /// downstream response must be aborted, and was by the body.
    #[must_use]
    pub const fn sent(&self) -> u64 {
        match *self {
            Self::Upstream { sent, .. }
            | Self::Relay { sent, .. }
            | Self::Transcode { sent, .. } => sent,
        }
    }

    /// The same error with the upstream's error converted by `f` (e.g. boxed).
    pub fn map_upstream<F>(self, f: impl FnOnce(E) -> F) -> RelayBodyError<F> {
        match self {
            Self::Upstream {
                error,
                received,
                sent,
            } => RelayBodyError::Upstream {
                error: f(error),
                received,
                sent,
            },
            Self::Relay { error, sent } => RelayBodyError::Relay { error, sent },
            Self::Transcode { error, sent } => RelayBodyError::Transcode { error, sent },
        }
    }
}

impl<E: fmt::Display> fmt::Display for RelayBodyError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sent = self.sent();
        match self {
            Self::Upstream {
                error, received, ..
            } => write!(
                f,
                "the upstream GetEMMs body failed after {received} bytes had come: {error}"
            )?,
            Self::Relay { error, .. } => fmt::Display::fmt(error, f)?,
            Self::Transcode { error, .. } => write!(f, "transcoding failed: {error}")?,
        }
        if sent > 0 {
            write!(
                f,
                " ({sent} bytes were already sent: the response is aborted)"
            )?;
        }
        Ok(())
    }
}

impl<E: core::error::Error + 'static> core::error::Error for RelayBodyError<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Upstream { error, .. } => Some(error),
            Self::Relay { error, .. } => Some(error),
            Self::Transcode { error, .. } => Some(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::error::Error as _;
    use std::string::ToString;

    /// An upstream error for the tests: a message and no source.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Reset;

    impl fmt::Display for Reset {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("connection reset")
        }
    }

    impl core::error::Error for Reset {}

    #[test]
    fn test_messages_say_whether_the_response_was_aborted() {
        let upstream = |sent| RelayBodyError::Upstream {
            error: Reset,
            received: 40,
            sent,
        };
        assert_eq!(
            upstream(0).to_string(),
            "the upstream GetEMMs body failed after 40 bytes had come: connection reset"
        );
        assert_eq!(
            upstream(1).to_string(),
            "the upstream GetEMMs body failed after 40 bytes had come: connection reset \
             (1 bytes were already sent: the response is aborted)"
        );
        let relay = RelayBodyError::<Reset>::Relay {
            error: RelayError::BodyTooLong { len: 9, limit: 8 },
            sent: 0,
        };
        assert_eq!(
            relay.to_string(),
            RelayError::BodyTooLong { len: 9, limit: 8 }.to_string()
        );
        let transcode = RelayBodyError::<Reset>::Transcode {
            error: Error::AlreadyFinished { offset: 3 },
            sent: 5,
        };
        assert!(
            transcode.to_string().starts_with("transcoding failed: "),
            "{transcode}"
        );
        assert_eq!(transcode.sent(), 5);
        for error in [upstream(2), relay.map_upstream(|e| e), transcode] {
            assert!(!error.to_string().contains('\n'));
        }
    }

    #[test]
    fn test_the_source_is_the_cause() {
        let upstream = RelayBodyError::Upstream {
            error: Reset,
            received: 0,
            sent: 0,
        };
        assert_eq!(
            upstream.source().map(ToString::to_string).as_deref(),
            Some("connection reset")
        );
        let cause = RelayError::BodyTooLong { len: 9, limit: 8 };
        let relay = RelayBodyError::<Reset>::Relay {
            error: cause,
            sent: 0,
        };
        assert_eq!(
            relay.source().map(ToString::to_string),
            Some(cause.to_string())
        );
        let cause = Error::AlreadyFinished { offset: 3 };
        let transcode = RelayBodyError::<Reset>::Transcode {
            error: cause,
            sent: 0,
        };
        assert_eq!(
            transcode.source().map(ToString::to_string),
            Some(cause.to_string())
        );
    }
}
