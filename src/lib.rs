//! Zero-copy parser and writer for Widevine Cypher `GetEMMs.cgi` responses,
//! and the status and error code tables of the Cypher components.
//!
//! A `GetEMMs.cgi` response body is, in network byte order:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | license status, `u32` ([`LicenseStatus`]) |
//! | 4 | 4 | asset id, `u32` |
//! | 8 | 4 | key id, `u32` |
//! | 12 | rest | EMM, opaque bytes running to the end of the body |
//!
//! or, when a license proxy refuses a request itself, the 8-byte *short
//! form*: license status and asset id only.
//!
//! ```
//! use getemms::{LicenseStatus, Response};
//!
//! // A proxy's refusal: third-party status 600, asset id unknown (0).
//! let body = [0x00, 0x00, 0x02, 0x58, 0x00, 0x00, 0x00, 0x00];
//! let response = Response::parse(&body)?;
//! assert_eq!(response.license_status(), LicenseStatus::from(600));
//! assert_eq!(response.key_id(), None);
//! assert!(response.emm().is_empty());
//!
//! // Build a full-form answer and write it out.
//! let emm = b"\x01\x02\x03";
//! let ok = Response::new(LicenseStatus::from(1), 42, 7, emm);
//! let mut out = [0u8; 64];
//! let len = ok.encode_into(&mut out)?;
//! assert_eq!(Response::parse(&out[..len])?, ok);
//! # Ok::<(), getemms::Error>(())
//! ```
//!
//! # One entry per input kind
//! | the body comes as | parse it with |
//! |---|---|
//! | bytes | [`Response::parse`] / [`Response::parse_with`] |
//! | a `bytes::Bytes` | `OwnedResponse::parse` / `OwnedResponse::parse_with` (`bytes`) |
//! | base64 text | `Response::parse_base64` (`alloc`), or [`base64::decode_into`] then [`Response::parse_with`] |
//! | chunks, raw or base64 | [`decoder::Decoder`]; `decoder::TransportDecoder`, `decoder::Collector` (`alloc`) |
//! | chunks to forward, header only read | [`relay::Relay`]; `http::RelayBody` (`http`), `http::RelayLayer` (`tower`) |
//!
//! Every encoder is a method of [`Response`]: [`encode_into`](Response::encode_into),
//! [`encode_base64_into`](Response::encode_base64_into), and `write_to`
//! (`bytes`), `to_vec` and `encode_base64` (`alloc`).
//!
//! # Modules
//! Each depends only on those listed before it:
//! - [`wire`]: the field offsets and the zerocopy header views.
//! - [`status`]: every status and error code table of the spec, with its
//!   own error types.
//! - [`Error`]: the error of the body and its transports.
//! - [`Header`], [`Form`], [`Options`]: the fixed fields and the limits.
//! - [`base64`]: base64 text ↔ bytes, one-shot and streaming.
//! - [`Response`]: the one-shot parsers and the serializers; [`parse`]: nom
//!   streaming parsers with exact `Needed` counts; `OwnedResponse` (`bytes`).
//! - [`decoder`]: the sans-IO incremental decoders for chunked bodies.
//! - [`relay`]: the sans-IO zero-copy relay: hold the header back, ask a
//!   policy (forward, rewrite in place, reject), forward the rest as it
//!   came; and transcoding to the other transport chunk by chunk.
//! - `arbitrary` (feature `arbitrary`): realistic upstream answers for
//!   downstream fuzz targets.
//! - `http` (feature `http`): bodies of the `http-body` traits (hyper,
//!   axum) read through the decoders or relayed (`RelayBody`; with
//!   `tower`, `RelayLayer`), and `http::Response`s built from a
//!   [`Response`].
//!
//! # Guarantees
//! - `#![forbid(unsafe_code)]`; zero-copy reads come from zerocopy's derives.
//! - No panic, no unbounded allocation, on any input.
//! - [`Response::parse`] borrows the EMM from the caller's body and allocates
//!   nothing; the raw [`decoder::Decoder`] never buffers EMM bytes.
//! - Lossless: every body of 8 or 12+ bytes re-encodes to itself, and every
//!   code value, known or not, converts back unchanged.
//!
//! # Features
//! - `std` (default): implies `alloc`.
//! - `alloc`: `Response::to_vec`, `Response::parse_base64`,
//!   `Response::encode_base64`, `TransportDecoder`, the collecting decoder.
//! - `bytes` (default): `Response::write_to` any `bytes::BufMut`, and
//!   `OwnedResponse`, an owned response whose EMM shares the body's `Bytes`
//!   allocation.
//! - `arbitrary`: `arbitrary::Arbitrary` for [`Response`] (both forms), for
//!   structure-aware fuzzing, and the `arbitrary` module: realistic upstream
//!   answers (`arbitrary::Answer`: real statuses, raw or base64, in chunks)
//!   for the fuzz targets of downstream proxies; implies `alloc`.
//! - `serde`: `Serialize`/`Deserialize` for the status and error code types.
//! - `http`: the `http` module, over the `http` 1 and `http-body` 1 traits
//!   (no runtime); implies `std` and `bytes`.
//! - `tower`: `http::RelayLayer`, the relay as a tower layer over an HTTP
//!   client (`tower-layer` and `tower-service`, no runtime); implies `http`.

#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub use nom;

#[cfg(feature = "arbitrary")]
pub mod arbitrary;
pub mod base64;
pub mod decoder;
mod encoding;
mod error;
#[cfg(feature = "alloc")]
#[doc(hidden)]
pub mod fuzzing;
mod header;
#[cfg(feature = "http")]
pub mod http;
mod lifecycle;
mod options;
#[cfg(feature = "bytes")]
mod owned;
pub mod parse;
pub mod relay;
mod response;
pub mod status;
pub mod wire;

pub use decoder::Transport;
pub use encoding::Encoding;
pub use error::{AnyError, Error, ExpectedBase64};
pub use header::{Form, Header, HeaderBytes};
pub use options::Options;
#[cfg(feature = "bytes")]
pub use owned::OwnedResponse;
pub use response::Response;
pub use status::{ClientStatus, DcpStatus, LicenseCategory, LicenseStatus, StoredLicenseAction};
pub use wire::{HEADER_LEN, SHORT_LEN};

/// The README's examples, compiled and run as doctests (they use `alloc`).
#[cfg(all(doctest, feature = "alloc"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
