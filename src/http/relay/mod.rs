//! The relay over HTTP bodies: [`RelayBody`], any `http_body::Body`
//! relayed frame by frame, and (feature `tower`) [`RelayLayer`], the relay
//! as a tower layer over an HTTP client, the way `tower-http` wraps
//! decompression.
//!
//! - `body.rs`: [`RelayBody`], the body adapter.
//! - `headers.rs`: [`RelayBody::fix_headers`], the response headers that
//!   match the relayed body.
//! - `error.rs`: [`RelayBodyError`].
//! - `layer.rs`, `service.rs`, `future.rs` (feature `tower`): [`RelayLayer`],
//!   [`RelayService`] and its [`ResponseFuture`], and [`ClientEncoding`],
//!   the per-request extension that names the client's transport.

mod body;
mod error;
#[cfg(feature = "tower")]
mod future;
mod headers;
#[cfg(feature = "tower")]
mod layer;
#[cfg(feature = "tower")]
mod service;

pub use body::RelayBody;
pub use error::RelayBodyError;
#[cfg(feature = "tower")]
pub use future::ResponseFuture;
#[cfg(feature = "tower")]
pub use layer::RelayLayer;
#[cfg(feature = "tower")]
pub use service::{ClientEncoding, RelayService, RelayServiceError};
