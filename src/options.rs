//! [`Options`]: the limits every reader of the crate enforces, the one-shot
//! parsers and the incremental decoders alike.

use crate::error::Error;

/// Parse options for [`Response::parse_with`](crate::Response::parse_with),
/// `OwnedResponse::parse_with` and the
/// incremental decoders.
///
/// ```
/// use getemms::{Options, Response};
///
/// let strict = Options { max_emm_len: Some(4), accept_short_form: false };
/// assert!(Response::parse_with(&[0, 0, 2, 88, 0, 0, 0, 0], &strict).is_err());
/// let same = Options::new().with_max_emm_len(4).with_short_form(false);
/// assert_eq!(strict, same);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Options {
    /// The longest EMM accepted, in bytes; `None` (the default) for no limit.
    pub max_emm_len: Option<usize>,
    /// Whether an 8-byte short-form body is accepted (the default) or is a
    /// truncated full header.
    pub accept_short_form: bool,
}

impl Options {
    /// The defaults: no EMM limit, short form accepted.
    pub const DEFAULT: Options = Options {
        max_emm_len: None,
        accept_short_form: true,
    };

    /// The defaults: no EMM limit, short form accepted.
    #[must_use]
    pub const fn new() -> Self {
        Self::DEFAULT
    }

    /// Sets the longest EMM accepted.
    #[must_use]
    pub const fn with_max_emm_len(mut self, max_emm_len: usize) -> Self {
        self.max_emm_len = Some(max_emm_len);
        self
    }

    /// Sets whether the 8-byte short form is accepted.
    #[must_use]
    pub const fn with_short_form(mut self, accept: bool) -> Self {
        self.accept_short_form = accept;
        self
    }

    /// Checks an EMM length against [`max_emm_len`](Self::max_emm_len).
    #[inline]
    pub(crate) const fn check_emm_len(&self, len: usize) -> Result<(), Error> {
        match self.max_emm_len {
            Some(limit) if len > limit => Err(Error::EmmTooLong { len, limit }),
            _ => Ok(()),
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Self::DEFAULT
    }
}
