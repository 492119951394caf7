//! [`Encoding`]: how a body is sent: its bytes as they are, or base64 text
//! laid out as a [`LineWrap`] says. The one answer to "how do I write this
//! response out", for the `http` feature's responses, the `arbitrary`
//! feature's answers and any caller's own transport.

use crate::base64::LineWrap;
use crate::decoder::Transport;
use crate::response::Response;

/// How a body is sent.
///
/// ```
/// # #[cfg(feature = "alloc")] {
/// use getemms::base64::LineWrap;
/// use getemms::{Encoding, Response, Transport};
///
/// let refusal = Response::rejection(600, 0);
/// let base64 = Encoding::Base64(LineWrap::None);
/// assert_eq!(base64.encoded_len(&refusal), 12);
/// assert_eq!(base64.content_type(), "text/plain");
/// assert_eq!(base64.transport(), Transport::Base64);
/// let mut text = Vec::new();
/// base64.encode(&refusal, &mut text);
/// assert_eq!(text, b"AAACWAAAAAA=");
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// The body's bytes as they are (`Content-Type: application/octet-stream`).
    Raw,
    /// Base64 text laid out as the [`LineWrap`] says (`Content-Type:
    /// text/plain`, `Content-Transfer-Encoding: base64`), as the public
    /// Widevine Classic license servers answer.
    Base64(LineWrap),
}

impl Encoding {
    /// The `Content-Type` this encoding is sent with.
    #[must_use]
    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Raw => "application/octet-stream",
            Self::Base64(_) => "text/plain",
        }
    }

    /// The [`Transport`] a decoder is given for a body sent this way.
    #[must_use]
    pub const fn transport(self) -> Transport {
        match self {
            Self::Raw => Transport::Raw,
            Self::Base64(_) => Transport::Base64,
        }
    }

    /// The length of `response` sent this way (its `Content-Length`).
    #[must_use]
    pub fn encoded_len(self, response: &Response<'_>) -> usize {
        match self {
            Self::Raw => response.encoded_len(),
            Self::Base64(wrap) => response.base64_len(wrap),
        }
    }

    /// Appends `response`, sent this way, to `out`.
    #[cfg(feature = "alloc")]
    pub fn encode(self, response: &Response<'_>, out: &mut alloc::vec::Vec<u8>) {
        match self {
            Self::Raw => {
                out.reserve(response.encoded_len());
                out.extend_from_slice(&response.header().to_bytes());
                out.extend_from_slice(response.emm());
            }
            Self::Base64(wrap) => response.encode_base64(wrap, out),
        }
    }
}
