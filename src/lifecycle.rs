//! [`Lifecycle`]: where a sans-IO machine of this crate stands (the raw
//! decoder, the base64 stream): open, finished, or failed with the error it
//! returns again on every later call.

use crate::error::Error;

/// Open, finished, or failed for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Lifecycle {
    /// Taking input.
    Open,
    /// `finish` succeeded.
    Finished,
    /// An error was returned; it is returned again on every call.
    Failed(Error),
}

impl Lifecycle {
    /// `Ok` while open; the stored error, or [`Error::AlreadyFinished`] at
    /// `offset` (where the input ended), otherwise.
    pub(crate) const fn check_open(self, offset: usize) -> Result<(), Error> {
        match self {
            Lifecycle::Open => Ok(()),
            Lifecycle::Finished => Err(Error::AlreadyFinished { offset }),
            Lifecycle::Failed(error) => Err(error),
        }
    }

    /// Whether `finish` succeeded.
    pub(crate) const fn is_finished(self) -> bool {
        matches!(self, Lifecycle::Finished)
    }

    /// The error the machine failed with, if it has.
    pub(crate) const fn error(self) -> Option<Error> {
        match self {
            Lifecycle::Failed(error) => Some(error),
            _ => None,
        }
    }
}
