//! [`RelayOptions`]: the transport, the limits and the verification level
//! of one relayed body.

use crate::base64::LineWrap;
use crate::decoder::Transport;
use crate::options::Options;

/// How much of a body a relay reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Verify {
    /// The default: the header is decoded and checked; the EMM is counted,
    /// not read. The cost of a chunk after the header does not depend on
    /// its size. A bad base64 letter in the EMM goes through; the client's
    /// own decoder will refuse it.
    #[default]
    Header,
    /// Every base64 letter after the header is checked as it passes, by
    /// the rules of [`Base64Stream`](crate::base64::Base64Stream)
    /// (alphabet, padding, whitespace, canonical last character), decoding
    /// into a fixed stack buffer and keeping nothing; `max_emm_len` is
    /// exact. A raw body has nothing more to check than at header level.
    Body,
}

/// The settings of one relayed body.
///
/// ```
/// use getemms::relay::{RelayOptions, Verify};
/// use getemms::{Options, Transport};
///
/// let options = RelayOptions::new(Transport::Base64)
///     .with_options(Options::new().with_max_emm_len(1 << 20))
///     .with_max_body_len(2 << 20)
///     .with_verify(Verify::Body);
/// assert_eq!(options.verify, Verify::Body);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RelayOptions {
    /// How the upstream body is carried; [`Transport::Auto`] decides by its
    /// first byte, as the decoders do.
    pub transport: Transport,
    /// `max_emm_len` and the short form. For base64 at
    /// [`Verify::Header`], `max_emm_len` is held against an upper bound of
    /// the EMM: `3/4` of the text bytes after the header's 16th letter
    /// (line breaks included, so a MIME text counts about 1.3 % over its
    /// EMM, one with `\r\n` about 2.6 %). At [`Verify::Body`], and for raw
    /// bodies, it is exact.
    pub options: Options,
    /// The longest body accepted, in bytes as sent (base64 text included);
    /// the chunk that crosses it is refused. `u64::MAX` (the default) for
    /// no limit: a relay holds at most [`HOLD_BACK`](super::HOLD_BACK)
    /// bytes whatever the length.
    pub max_body_len: u64,
    /// How much of the body is read.
    pub verify: Verify,
    /// The layout of a base64 refusal ([`Verdict::Reject`](super::Verdict::Reject)):
    /// one line by default.
    pub refusal_wrap: LineWrap,
}

impl RelayOptions {
    /// The defaults for a body carried by `transport`: default [`Options`],
    /// no body limit, [`Verify::Header`], one-line refusals.
    #[must_use]
    pub const fn new(transport: Transport) -> Self {
        Self {
            transport,
            options: Options::DEFAULT,
            max_body_len: u64::MAX,
            verify: Verify::Header,
            refusal_wrap: LineWrap::None,
        }
    }

    /// Sets `max_emm_len` and the short form.
    #[must_use]
    pub const fn with_options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// Sets the longest body accepted, in bytes as sent.
    #[must_use]
    pub const fn with_max_body_len(mut self, max_body_len: u64) -> Self {
        self.max_body_len = max_body_len;
        self
    }

    /// Sets the verification level.
    #[must_use]
    pub const fn with_verify(mut self, verify: Verify) -> Self {
        self.verify = verify;
        self
    }

    /// Sets the layout of base64 refusals.
    #[must_use]
    pub const fn with_refusal_wrap(mut self, wrap: LineWrap) -> Self {
        self.refusal_wrap = wrap;
        self
    }
}
