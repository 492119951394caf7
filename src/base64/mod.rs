//! Base64 text ↔ body bytes, the way license proxies carry `GetEMMs.cgi`
//! bodies (`Content-Type: text/plain`, `Content-Transfer-Encoding: base64`):
//! PHP's `base64_encode` writes one padded line, Perl's
//! `MIME::Base64::encode_base64` wraps every 76 characters with `\n`.
//!
//! - [`Base64Stream`] (`stream.rs`): incremental text → bytes, sans-IO and
//!   `no_std`, carrying at most 3 characters between chunks.
//! - [`EncodeStream`] (`encode_stream.rs`): incremental bytes → text, sans-IO
//!   and `no_std`, carrying at most 2 bytes between chunks; its text is the
//!   one-shot encoders' for any split of the body.
//! - [`decode_into`] and, with `alloc`, `decode` (`decode.rs`): a whole
//!   text at once, into a caller's buffer.
//! - Encoding (`encode.rs`) is reached through the methods of
//!   [`Response`](crate::Response): `encode_base64_into`, `encode_base64`,
//!   `base64_len`, each taking a [`LineWrap`].
//!
//! This module knows nothing of the body's fields: it turns text into bytes
//! and bytes into text. Parsing the bytes is
//! `Response::parse_base64`'s or the
//! decoders' job. The codec itself is the `base64` crate's (standard
//! alphabet); this module strips line breaks, checks padding and carries
//! partial 4-character groups across chunks. (Inside this crate the
//! external crate is always spelled `::base64`.)
//!
//! # What base64 text is accepted
//! - The standard alphabet `A–Z a–z 0–9 + /`, with or without `=` padding.
//!   Padding, when present, must be complete (`AA==`, `AAA=`), and ends the
//!   text.
//! - `\r` and `\n` anywhere, any number of them.
//! - Spaces and tabs only at the end of a line or of the text (as MIME
//!   senders leave them). A space *followed by more base64 on the same line*
//!   is refused: it is how a `+` looks after a form-decoding mishap.
//! - The last character must be canonical (its unused low bits zero).
//!
//! Every refusal is [`Error::InvalidBase64`](crate::Error::InvalidBase64)
//! naming the byte offset in the text and the character, or
//! [`Error::TruncatedBase64`](crate::Error::TruncatedBase64) when the text
//! ends inside a group. Nothing panics, whatever the text.
//!
//! # Guarantees
//! - Decoding any split of a text gives the same bytes, or the same error,
//!   as decoding it whole.
//! - Memory: [`Base64Stream`] holds a few bytes and never allocates.

mod decode;
mod encode;
mod encode_stream;
mod stream;

#[cfg(feature = "alloc")]
pub use decode::decode;
pub use decode::decode_into;
pub(crate) use decode::decoded_len;
pub(crate) use encode::{encode_into, encoded_len};
pub use encode_stream::EncodeStream;
pub use stream::Base64Stream;

/// How encoded base64 text is laid out in lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineWrap {
    /// One padded line with no line break, as PHP's `base64_encode` writes it.
    None,
    /// Lines of 76 characters, each (the last included) ending in `\n`, as
    /// Perl's `MIME::Base64::encode_base64` writes it.
    Mime,
}

/// A character of the standard base64 alphabet (padding excluded).
#[inline]
pub(crate) const fn is_alphabet(byte: u8) -> bool {
    matches!(byte, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/')
}
