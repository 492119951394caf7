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
