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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::LicenseStatus;

    /// A full-form OK response with a 4-byte EMM.
    static FULL: [u8; 16] = [
        0x00, 0x00, 0x00, 0x01, // license status = 1 (OK, successful)
        0x00, 0x00, 0x30, 0x39, // asset id = 12345
        0x00, 0x00, 0x00, 0x07, // key id = 7
        0xCA, 0xFE, 0xBA, 0xBE, // EMM, 4 bytes
    ];

    /// The short form: status 600, asset id 0.
    static SHORT: [u8; 8] = [
        0x00, 0x00, 0x02, 0x58, // license status = 600 (third party, remove license)
        0x00, 0x00, 0x00, 0x00, // asset id = 0 (unknown)
    ];

    #[test]
    fn test_parse_shares_the_body_allocation() {
        let body = Bytes::from_static(&FULL);
        let owned = OwnedResponse::parse(body.clone()).unwrap();
        assert_eq!(
            owned.header(),
            Header::full(LicenseStatus::new(1), 12345, 7)
        );
        assert_eq!(&owned.emm()[..], &FULL[12..]);
        assert_eq!(owned.emm().as_ptr(), body[12..].as_ptr());
        assert_eq!(owned.as_response(), Response::parse(&FULL).unwrap());
        let (header, emm) = owned.into_parts();
        assert_eq!(header.key_id, Some(7));
        assert_eq!(emm.as_ptr(), body[12..].as_ptr());
    }

    #[test]
    fn test_parse_short_and_limits() {
        let owned = OwnedResponse::parse(Bytes::from_static(&SHORT)).unwrap();
        assert_eq!(owned.header(), Header::short(LicenseStatus::new(600), 0));
        assert!(owned.emm().is_empty());
        assert!(owned.as_response().is_short());
        let strict = Options::new().with_max_emm_len(3);
        assert_eq!(
            OwnedResponse::parse_with(Bytes::from_static(&FULL), &strict),
            Err(Error::EmmTooLong { len: 4, limit: 3 })
        );
        assert_eq!(
            OwnedResponse::parse(Bytes::from_static(&FULL[..9])),
            Err(Error::Truncated {
                received: 9,
                missing: 3,
                license_status: Some(LicenseStatus::new(1)),
            })
        );
    }

    #[test]
    fn test_from_parts_and_from_response() {
        let short = Header::short(LicenseStatus::new(600), 0);
        assert_eq!(
            OwnedResponse::from_parts(short, Bytes::from_static(&[1])),
            Err(Error::EmmInShortForm { emm_len: 1 })
        );
        let full = Header::full(LicenseStatus::new(1), 12345, 7);
        let owned = OwnedResponse::from_parts(full, Bytes::from_static(&FULL[12..])).unwrap();
        assert_eq!(owned.as_response().to_vec(), FULL);
        let response = Response::parse(&FULL).unwrap();
        let copied = OwnedResponse::from(response);
        assert_eq!(copied, owned);
        assert_ne!(copied.emm().as_ptr(), FULL[12..].as_ptr());
    }
}
