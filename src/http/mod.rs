//! HTTP bodies (feature `http`): read a `GetEMMs.cgi` response from any
//! [`http_body::Body`] frame by frame, and build an [`http::Response`]
//! from a [`Response`](crate::Response).
//!
//! This module is runtime-agnostic: it uses the `http` and `http-body`
//! traits only, so hyper's `Incoming`, axum's `Body` or any other
//! `Body<Data = Bytes>` works, on any executor.
//!
//! - [`BodyReader`] (`read.rs`): the limits and the transport of one
//!   body, and [`BodyReader::read`], which drives the crate's incremental
//!   decoder over the body's frames as they arrive.
//! - [`ReadError`] (`error.rs`): what went wrong and where: the body's own
//!   error, the body-size limit, the transfer encoding, or the crate's
//!   [`Error`](crate::Error).
//! - [`build_response`] (`build.rs`): an `http::Response`
//!   carrying an encoded body, raw or base64, with its `Content-Length`.
//! - [`RelayBody`] and [`RelayBodyError`] (`relay/`): the zero-copy
//!   [`relay`](crate::relay) over any body, frames out as they arrive;
//!   with feature `tower`, `RelayLayer`, the relay as a tower layer over
//!   an HTTP client. Choose it over [`BodyReader`] when the policy reads
//!   only the header: nothing of the EMM is gathered, decoded or copied,
//!   at the price that an error after forwarding began aborts the
//!   response instead of becoming a clean refusal.
//!
//! # Guarantees
//! - Limits are enforced as frames arrive: a `Content-Length` (the body's
//!   size hint) over the body-size limit is refused before any frame is
//!   read, and the frame that crosses either limit is refused before its
//!   bytes are kept. Memory is bounded by the limits, never by the sender.
//! - A body that comes as one frame is not copied: the EMM of the
//!   [`OwnedResponse`](crate::OwnedResponse) is a slice of that frame's
//!   `Bytes`. A raw EMM split over several frames is copied once, at the
//!   end, into one buffer of exactly its length.
//! - The header, the EMM and the decode errors are those of the one-shot
//!   parse of the whole body ([`Response::parse_with`](crate::Response::parse_with),
//!   or [`Response::parse_base64`](crate::Response::parse_base64) for
//!   base64 text), whatever the frame sizes.

mod build;
mod error;
mod read;
mod relay;

pub use build::build_response;
pub use error::ReadError;
pub use read::BodyReader;
#[cfg(feature = "tower")]
pub use relay::{ClientEncoding, RelayLayer, RelayService, RelayServiceError, ResponseFuture};
pub use relay::{RelayBody, RelayBodyError};
