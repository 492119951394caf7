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
//! # Modules
//! - [`response`]: [`Response`] (borrowed, `Copy`), [`Header`], [`Options`];
//!   the one-shot parser and the serializer.
//! - [`parse`]: nom streaming parsers with exact `Needed` counts.
//! - [`wire`]: zerocopy header views and the field offsets.
//! - [`decoder`]: the sans-IO incremental [`Decoder`] for chunked bodies.
//! - [`transport`]: base64 bodies, one-shot and streaming, and [`Transport`].
//! - [`status`]: every status and error code table of the spec.
//! - [`error`]: the one [`Error`] type.
//!
//! # Guarantees
//! - `#![forbid(unsafe_code)]`; zero-copy reads come from zerocopy's derives.
//! - No panic, no unbounded allocation, on any input.
//! - [`Response::parse`] borrows the EMM from the caller's body and allocates
//!   nothing; the raw [`Decoder`] never buffers EMM bytes.
//! - Lossless: every body of 8 or 12+ bytes re-encodes to itself, and every
//!   code value, known or not, converts back unchanged.
//!
//! # Features
//! - `std` (default): implies `alloc`.
//! - `alloc`: `Response::to_vec`, base64 into a `Vec`, `TransportDecoder`,
//!   the collecting decoder.
//! - `bytes` (default): `Response::write_to` any `bytes::BufMut`, and
//!   `OwnedResponse`, an owned response whose EMM shares the body's `Bytes`
//!   allocation.
//! - `arbitrary`: `arbitrary::Arbitrary` for [`Response`] (both forms), for
//!   structure-aware fuzzing.
//! - `serde`: `Serialize`/`Deserialize` for the status and error code types.

#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub use nom;

pub mod decoder;
pub mod error;
#[cfg(feature = "alloc")]
#[doc(hidden)]
pub mod fuzzing;
#[cfg(feature = "bytes")]
pub mod owned;
pub mod parse;
pub mod response;
pub mod status;
pub mod transport;
pub mod wire;

pub use decoder::Decoder;
pub use error::Error;
#[cfg(feature = "bytes")]
pub use owned::OwnedResponse;
pub use response::{Form, Header, Options, Response};
pub use status::{ClientStatus, DcpStatus, LicenseCategory, LicenseStatus, StoredLicenseAction};
pub use status::{FtpError, PackageGuiStatus, PackageStatus, ReplyLine};
pub use transport::Transport;
#[cfg(feature = "alloc")]
pub use transport::TransportDecoder;
pub use wire::{HEADER_LEN, SHORT_LEN};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
