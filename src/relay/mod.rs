//! The zero-copy relay: inspect a `GetEMMs.cgi` body as it streams, and
//! forward it without decoding or copying its EMM.
//!
//! A license proxy's work on an upstream answer is to look at its header
//! (license status, asset id, key id), log it, sometimes rewrite a status
//! or turn the answer into a refusal, and pass the EMM on. [`Relay`] does
//! exactly that, sans-IO (`no_std`, no allocation): fed the upstream's
//! chunks in order, it holds back only the header, asks a [`Policy`] for a
//! [`Verdict`] once the header is known, and then hands every later chunk
//! back to be forwarded as it came.
//!
//! # The three verdicts
//! - [`Verdict::Forward`]: the body goes on byte for byte.
//! - [`Verdict::Rewrite`]: the header is replaced **in place**: raw, its 12
//!   bytes; base64, its 16 letters re-encoded with every line break where
//!   it was (12 bytes are exactly 16 letters). The body keeps its length
//!   and its layout, so a `Content-Length` stays right. A rewrite to the
//!   other form would change the length: it is refused
//!   ([`RelayError::FormChange`]).
//! - [`Verdict::Reject`]: a refusal (usually the 8-byte short form)
//!   replaces the whole body; nothing of the upstream body is forwarded.
//!
//! A full-form header is known at its 12th byte or 16th base64 letter; a
//! short-form header only when the body ends at 8 bytes (12 letters with
//! padding), so its verdict comes from [`Relay::finish`].
//!
//! # What is held, and what is read
//! At most [`HOLD_BACK`] bytes are held: a raw body's first 12, or a base64
//! text up to its header's 16th letter (whitespace included). Every chunk
//! after the verdict comes back as a slice of itself ([`Relayed::chunk`]).
//! Two verification levels ([`Verify`]):
//! - [`Verify::Header`], the default: the EMM is counted, not read; a
//!   chunk costs the same whatever its size.
//! - [`Verify::Body`]: every later base64 letter is checked as it passes,
//!   by the crate's streaming base64 rules, through a fixed stack buffer.
//!
//! # The trade-off against reading the whole body
//! `http::BodyReader` (feature `http`) waits for the
//! end of the body, so it refuses a bad body cleanly, with a well-formed
//! refusal. A relay forwards as it goes: an error found **after forwarding
//! has begun** ([`Relay::forwarded`] is not 0: a bad letter at
//! [`Verify::Body`], an EMM over the limit, the upstream failing) is
//! reported to the caller, who **must abort** the downstream body (for
//! hyper, yield an error from the body), so the client never receives a
//! complete-looking bad body. An error before any byte went out (a
//! truncated or invalid header) leaves the caller free to answer a refusal
//! instead.
//!
//! # Errors match the decoders'
//! The header is read by the crate's own [`Decoder`](crate::decoder::Decoder)
//! and [`Base64Stream`](crate::base64::Base64Stream): a body that ends
//! before its header, or whose header text is not base64, fails with the
//! error [`Response::parse_with`](crate::Response::parse_with) or
//! `Response::parse_base64` (`alloc`) gives (same
//! kind, same offset). So do later errors at [`Verify::Body`], and
//! `max_emm_len` for raw bodies. For base64 at [`Verify::Header`],
//! `max_emm_len` is held against an upper bound of the EMM, `3/4` of the
//! text after the header (no scan: counting letters would cost a pass
//! over the bytes, which this level exists to avoid).
//!
//! # A per-chunk filter
//! The way a Pingora `response_body_filter`, or any framework's per-chunk
//! hook, calls it (no dependency on any of them):
//!
//! ```
//! use getemms::relay::{Relay, RelayError, RelayOptions, Verdict};
//! use getemms::{Header, LicenseStatus, Transport};
//!
//! /// What a per-chunk hook would hold per response.
//! struct Filter<P> {
//!     relay: Relay<P>,
//! }
//!
//! impl<P: getemms::relay::Policy> Filter<P> {
//!     /// Called with each upstream chunk (`end` on the last); writes what
//!     /// goes downstream. An `Err` after bytes went out means: abort.
//!     fn on_chunk(&mut self, chunk: &[u8], end: bool, out: &mut Vec<u8>) -> Result<(), RelayError> {
//!         let relayed = self.relay.feed(chunk)?;
//!         out.extend_from_slice(relayed.held);
//!         out.extend_from_slice(relayed.chunk);
//!         if end {
//!             out.extend_from_slice(self.relay.finish()?.held);
//!         }
//!         Ok(())
//!     }
//! }
//!
//! let deny = |header: &Header| match header.asset_id {
//!     13 => Verdict::Reject(Header::short(LicenseStatus::from(600), 13)),
//!     _ if header.license_status == LicenseStatus::from(46) => {
//!         // "Unknown code" → "Internal error", same form, same length
//!         Verdict::Rewrite(Header { license_status: LicenseStatus::from(6), ..*header })
//!     }
//!     _ => Verdict::Forward,
//! };
//! let mut filter = Filter { relay: Relay::new(RelayOptions::new(Transport::Base64), deny) };
//! // asset 13, one line of base64 in two chunks: the refusal replaces it
//! let mut out = Vec::new();
//! filter.on_chunk(b"AAAAAQAAAA0AAA", false, &mut out)?;
//! filter.on_chunk(b"AHyv4=", true, &mut out)?;
//! assert_eq!(out, b"AAACWAAAAA0=");
//! # Ok::<(), RelayError>(())
//! ```
//!
//! # Transcoding
//! A client that wants the other transport gets the relay's output
//! through a [`Transcoder`]: raw to base64 (laid out by a
//! [`LineWrap`](crate::base64::LineWrap), at most 2 bytes carried) or
//! base64 to raw (at most 3 characters carried), chunk by chunk, one pass
//! over the bytes, into the caller's buffer.
//!
//! # The module
//! - [`Relay`], [`Relayed`], [`HOLD_BACK`] (`machine.rs`): the state machine.
//! - [`Verdict`], [`Policy`], [`ForwardAll`] (`verdict.rs`).
//! - [`RelayOptions`], [`Verify`] (`options.rs`).
//! - [`RelayError`] (`error.rs`).
//! - [`Transcoder`] (`transcode.rs`).
//! - `held.rs` (private): the held bytes, rewritten in place or replaced.
//!
//! The `http` feature wraps a relay as `http::RelayBody` over any
//! `http_body::Body`, and the `tower` feature as `http::RelayLayer` over
//! an HTTP client service.

mod error;
mod held;
mod machine;
mod options;
mod transcode;
mod verdict;

pub use error::RelayError;
pub use machine::{HOLD_BACK, Relay, Relayed};
pub use options::{RelayOptions, Verify};
pub use transcode::Transcoder;
pub use verdict::{ForwardAll, Policy, Verdict};
