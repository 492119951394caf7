//! [`OwnedResponse`]: a parsed body that owns its EMM as a [`Bytes`] slice of
//! the body's own allocation, for proxies that keep a response past the
//! borrow of the receive buffer.
//!
//! Building one from a `Bytes` body bumps a reference count; the EMM bytes
//! are never copied.

use bytes::{Buf, Bytes};

use crate::error::Error;
use crate::header::Header;
use crate::options::Options;
use crate::response::Response;
use crate::wire::field;

/// A parsed body whose EMM is a [`Bytes`] that shares the body's allocation.
///
/// ```
/// use bytes::{Buf, Bytes};
/// use getemms::OwnedResponse;
///
/// let body = Bytes::from_static(&[0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xEE, 0xFF]);
/// let owned = OwnedResponse::parse(body.clone())?;
/// assert_eq!(owned.emm().as_ptr(), body[12..].as_ptr()); // same memory
/// assert_eq!(owned.as_response().key_id(), Some(3));
/// # Ok::<(), getemms::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OwnedResponse {
    header: Header,
    emm: Bytes,
}

impl OwnedResponse {
    /// Parses a complete body with the default [`Options`].
    ///
    /// # Errors
    /// As [`Response::parse`].
    #[inline]
    pub fn parse(body: Bytes) -> Result<Self, Error> {
        Self::parse_with(body, &Options::DEFAULT)
    }

    /// Parses a complete body with the given [`Options`].
    ///
    /// # Errors
    /// As [`Response::parse_with`].
    #[inline]
    pub fn parse_with(body: Bytes, options: &Options) -> Result<Self, Error> {
        let header = Response::parse_with(&body, options)?.header();
        // The body becomes its own EMM by moving its start past the header:
        // no second reference to count up and the first to count down.
        let mut emm = body;
        match header.key_id {
            Some(_) => emm.advance(field::EMM.start),
            None => emm.clear(),
        }
        Ok(Self { header, emm })
    }

    /// An owned response from a header and an EMM already held as `Bytes`.
    ///
    /// # Errors
    /// [`Error::EmmInShortForm`] when `header` is a short-form header and
    /// `emm` is not empty.
    pub fn from_parts(header: Header, emm: Bytes) -> Result<Self, Error> {
        Response::from_parts(header, &emm)?;
        Ok(Self { header, emm })
    }

    /// The borrowed view of this response.
    #[inline]
    #[must_use]
    pub fn as_response(&self) -> Response<'_> {
        // The invariant was checked when `self` was built.
        Response::from_parts(self.header, &self.emm).unwrap_or_else(|_| {
            Response::rejection(self.header.license_status, self.header.asset_id)
        })
    }

    /// The fixed fields.
    #[inline]
    #[must_use]
    pub const fn header(&self) -> Header {
        self.header
    }

    /// The EMM, sharing the body's allocation.
    #[inline]
    #[must_use]
    pub const fn emm(&self) -> &Bytes {
        &self.emm
    }

    /// The header and the EMM.
    #[must_use]
    pub fn into_parts(self) -> (Header, Bytes) {
        (self.header, self.emm)
    }
}

impl From<Response<'_>> for OwnedResponse {
    /// Copies the borrowed EMM into a new `Bytes` (one allocation of the EMM's length).
    fn from(response: Response<'_>) -> Self {
        Self {
            header: response.header(),
            emm: Bytes::copy_from_slice(response.emm()),
        }
    }
}
