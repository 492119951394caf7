//! The parsed body: [`Header`] (the fixed fields) and [`Response`] (header
//! plus the borrowed EMM), with the one-shot parser and the serializer.
//!
//! Guarantees:
//! - [`Response::parse`] never copies and never allocates: the EMM is a
//!   sub-slice of the caller's body (`emm().as_ptr() == body[12..].as_ptr()`).
//! - Parsing is lossless: encoding a parsed response gives back the body
//!   byte for byte, and parsing an encoded response gives back the response.
//! - No function here panics, whatever the input or the output buffer.

use zerocopy::FromBytes;

use crate::error::Error;
use crate::status::LicenseStatus;
use crate::wire::{HEADER_LEN, SHORT_LEN, WireHeader, WireShortHeader};

/// Which of the two body forms a response has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// License status, asset id, key id and an EMM (possibly empty): 12 or more bytes.
    Full,
    /// License status and asset id only: exactly 8 bytes. License proxies send
    /// it when they refuse a request themselves.
    Short,
}

/// The fixed fields of a body: license status, asset id and, in the full
/// form, the key id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    /// The license status (bytes 0–3).
    pub license_status: LicenseStatus,
    /// The asset id (bytes 4–7); 0 when a proxy does not know it.
    pub asset_id: u32,
    /// The key id (bytes 8–11); `None` for the short form.
    pub key_id: Option<u32>,
}

impl Header {
    /// A full-form header.
    #[inline]
    #[must_use]
    pub const fn full(license_status: LicenseStatus, asset_id: u32, key_id: u32) -> Self {
        Self {
            license_status,
            asset_id,
            key_id: Some(key_id),
        }
    }

    /// A short-form header (no key id).
    #[inline]
    #[must_use]
    pub const fn short(license_status: LicenseStatus, asset_id: u32) -> Self {
        Self {
            license_status,
            asset_id,
            key_id: None,
        }
    }

    /// The form this header belongs to.
    #[inline]
    #[must_use]
    pub const fn form(&self) -> Form {
        match self.key_id {
            Some(_) => Form::Full,
            None => Form::Short,
        }
    }

    /// Bytes the header takes on the wire: 12, or 8 for the short form.
    #[inline]
    #[must_use]
    pub const fn encoded_len(&self) -> usize {
        match self.key_id {
            Some(_) => HEADER_LEN,
            None => SHORT_LEN,
        }
    }

    /// Writes the header into the front of `out` and returns the bytes written.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] if `out` is shorter than
    /// [`encoded_len`](Self::encoded_len); nothing is written then.
    #[inline]
    pub fn encode_into(&self, out: &mut [u8]) -> Result<usize, Error> {
        use zerocopy::IntoBytes;
        let status = self.license_status.code();
        let written = match self.key_id {
            Some(key_id) => WireHeader::new(status, self.asset_id, key_id)
                .write_to_prefix(out)
                .is_ok(),
            None => WireShortHeader::new(status, self.asset_id)
                .write_to_prefix(out)
                .is_ok(),
        };
        if written {
            Ok(self.encoded_len())
        } else {
            Err(Error::BufferTooSmall {
                needed: self.encoded_len(),
                available: out.len(),
            })
        }
    }

    /// The header as wire bytes, in a fixed array; only the first
    /// [`encoded_len`](Self::encoded_len) bytes are meaningful.
    #[inline]
    #[must_use]
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut bytes = [0; HEADER_LEN];
        // Cannot fail: the array holds the larger of the two forms.
        let _ = self.encode_into(&mut bytes);
        bytes
    }
}

/// Parse options for [`Response::parse_with`] and the incremental decoder.
///
/// ```
/// use getemms::{Options, Response};
///
/// let strict = Options { max_emm_len: Some(4), accept_short_form: false };
/// assert!(Response::parse_with(&[0, 0, 2, 88, 0, 0, 0, 0], &strict).is_err());
/// let same = Options::new().with_max_emm_len(4).with_short_form(false);
/// assert_eq!(strict, same);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Options {
    /// The longest EMM accepted, in bytes; `None` (the default) for no limit.
    pub max_emm_len: Option<usize>,
    /// Whether an 8-byte short-form body is accepted (the default) or is a
    /// truncated full header.
    pub accept_short_form: bool,
}

impl Options {
    /// The defaults: no EMM limit, short form accepted.
    pub const DEFAULT: Options = Options {
        max_emm_len: None,
        accept_short_form: true,
    };

    /// The defaults: no EMM limit, short form accepted.
    #[must_use]
    pub const fn new() -> Self {
        Self::DEFAULT
    }

    /// Sets the longest EMM accepted.
    #[must_use]
    pub const fn with_max_emm_len(mut self, max_emm_len: usize) -> Self {
        self.max_emm_len = Some(max_emm_len);
        self
    }

    /// Sets whether the 8-byte short form is accepted.
    #[must_use]
    pub const fn with_short_form(mut self, accept: bool) -> Self {
        self.accept_short_form = accept;
        self
    }

    /// Checks an EMM length against [`max_emm_len`](Self::max_emm_len).
    ///
    /// # Errors
    /// [`Error::EmmTooLong`] when `len` is over the limit.
    #[inline]
    pub const fn check_emm_len(&self, len: usize) -> Result<(), Error> {
        match self.max_emm_len {
            Some(limit) if len > limit => Err(Error::EmmTooLong { len, limit }),
            _ => Ok(()),
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A parsed `GetEMMs.cgi` body: the header and the EMM, borrowed from the
/// caller's buffer.
///
/// Invariant: a short-form response (no key id) has an empty EMM.
///
/// ```
/// use getemms::{LicenseStatus, Response};
///
/// let body = [
///     0, 0, 0, 1, // license status 1: OK
///     0, 0, 0x30, 0x39, // asset id 12345
///     0, 0, 0, 7, // key id 7
///     0xCA, 0xFE, // EMM
/// ];
/// let response = Response::parse(&body)?;
/// assert_eq!(response.license_status(), LicenseStatus::from(1));
/// assert_eq!(response.asset_id(), 12345);
/// assert_eq!(response.key_id(), Some(7));
/// assert_eq!(response.emm(), &[0xCA, 0xFE]);
/// assert_eq!(response.to_vec(), body);
/// # Ok::<(), getemms::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Response<'a> {
    header: Header,
    emm: &'a [u8],
}

impl<'a> Response<'a> {
    /// A full-form response. `license_status` is a [`LicenseStatus`] or a
    /// plain `u32`.
    #[inline]
    #[must_use]
    pub fn new(
        license_status: impl Into<LicenseStatus>,
        asset_id: u32,
        key_id: u32,
        emm: &'a [u8],
    ) -> Self {
        Self {
            header: Header::full(license_status.into(), asset_id, key_id),
            emm,
        }
    }

    /// A short-form response: the 8-byte body a proxy sends when it refuses
    /// a request (often a third-party status such as 600, asset id 0 when
    /// unknown).
    /// `license_status` is a [`LicenseStatus`] or a plain `u32`.
    #[inline]
    #[must_use]
    pub fn rejection(license_status: impl Into<LicenseStatus>, asset_id: u32) -> Self {
        Self {
            header: Header::short(license_status.into(), asset_id),
            emm: &[],
        }
    }

    /// A response from a header and an EMM.
    ///
    /// # Errors
    /// [`Error::EmmInShortForm`] when `header` is a short-form header and
    /// `emm` is not empty: the short form has no EMM.
    #[inline]
    pub const fn from_parts(header: Header, emm: &'a [u8]) -> Result<Self, Error> {
        if header.key_id.is_none() && !emm.is_empty() {
            return Err(Error::EmmInShortForm { emm_len: emm.len() });
        }
        Ok(Self { header, emm })
    }

    /// Parses a complete body with the default [`Options`] (short form
    /// accepted, no EMM limit).
    ///
    /// The EMM is borrowed from `body`: nothing is copied or allocated.
    ///
    /// # Errors
    /// [`Error::Truncated`] for a body of 0–7 or 9–11 bytes.
    #[inline]
    pub fn parse(body: &'a [u8]) -> Result<Self, Error> {
        match WireHeader::ref_from_prefix(body) {
            Ok((wire, emm)) => Ok(Self {
                header: Header::full(
                    LicenseStatus::new(wire.license_status.get()),
                    wire.asset_id.get(),
                    wire.key_id.get(),
                ),
                emm,
            }),
            Err(_) => Self::parse_short(body, true),
        }
    }

    /// Parses a complete body with the given [`Options`].
    ///
    /// # Errors
    /// [`Error::Truncated`] for a body of 0–7 or 9–11 bytes (and 8 when the
    /// short form is not accepted); [`Error::EmmTooLong`] when the EMM is
    /// over `max_emm_len`.
    #[inline]
    pub fn parse_with(body: &'a [u8], options: &Options) -> Result<Self, Error> {
        match WireHeader::ref_from_prefix(body) {
            Ok((wire, emm)) => {
                options.check_emm_len(emm.len())?;
                Ok(Self {
                    header: Header::full(
                        LicenseStatus::new(wire.license_status.get()),
                        wire.asset_id.get(),
                        wire.key_id.get(),
                    ),
                    emm,
                })
            }
            Err(_) => Self::parse_short(body, options.accept_short_form),
        }
    }

    /// A body shorter than a full header: the 8-byte short form when it is
    /// accepted, else a truncation error (built out of line, off the hot path).
    #[inline]
    fn parse_short(body: &'a [u8], accept_short_form: bool) -> Result<Self, Error> {
        match WireShortHeader::ref_from_bytes(body) {
            Ok(wire) if accept_short_form => Ok(Self::rejection(
                LicenseStatus::new(wire.license_status.get()),
                wire.asset_id.get(),
            )),
            _ => Err(Self::truncated(body, accept_short_form)),
        }
    }

    /// The error for a body that is neither form.
    #[cold]
    #[inline(never)]
    fn truncated(body: &[u8], accept_short_form: bool) -> Error {
        // Every length that is not a valid form has an error; the fallback
        // is unreachable and only keeps this function free of panics.
        Error::for_length(body, accept_short_form).unwrap_or(Error::Truncated {
            received: body.len(),
            missing: 0,
            license_status: None,
        })
    }

    /// The fixed fields.
    #[inline]
    #[must_use]
    pub const fn header(&self) -> Header {
        self.header
    }

    /// Which form the body has.
    #[inline]
    #[must_use]
    pub const fn form(&self) -> Form {
        self.header.form()
    }

    /// Whether this is the 8-byte short form.
    #[inline]
    #[must_use]
    pub const fn is_short(&self) -> bool {
        self.header.key_id.is_none()
    }

    /// The license status (bytes 0–3).
    #[inline]
    #[must_use]
    pub const fn license_status(&self) -> LicenseStatus {
        self.header.license_status
    }

    /// The asset id (bytes 4–7).
    #[inline]
    #[must_use]
    pub const fn asset_id(&self) -> u32 {
        self.header.asset_id
    }

    /// The key id (bytes 8–11), `None` for the short form.
    #[inline]
    #[must_use]
    pub const fn key_id(&self) -> Option<u32> {
        self.header.key_id
    }

    /// The EMM: every byte after the key id, borrowed from the parsed body.
    /// Empty for the short form.
    #[inline]
    #[must_use]
    pub const fn emm(&self) -> &'a [u8] {
        self.emm
    }

    /// Bytes the encoded body takes.
    #[inline]
    #[must_use]
    pub const fn encoded_len(&self) -> usize {
        self.header.encoded_len() + self.emm.len()
    }

    /// Writes the body into the front of `out` and returns the bytes written.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] if `out` is shorter than
    /// [`encoded_len`](Self::encoded_len); nothing is written then.
    ///
    /// ```
    /// use getemms::{LicenseStatus, Response};
    ///
    /// let rejection = Response::rejection(LicenseStatus::from(600), 0);
    /// let mut out = [0u8; 16];
    /// let n = rejection.encode_into(&mut out)?;
    /// assert_eq!(&out[..n], &[0, 0, 2, 88, 0, 0, 0, 0]);
    /// assert!(rejection.encode_into(&mut out[..7]).is_err());
    /// # Ok::<(), getemms::Error>(())
    /// ```
    #[inline]
    pub fn encode_into(&self, out: &mut [u8]) -> Result<usize, Error> {
        let needed = self.encoded_len();
        let too_small = Error::BufferTooSmall {
            needed,
            available: out.len(),
        };
        let Some((front, _)) = out.split_at_mut_checked(needed) else {
            return Err(too_small);
        };
        let header_len = self.header.encode_into(front)?;
        match front.get_mut(header_len..) {
            Some(emm_out) => emm_out.copy_from_slice(self.emm),
            None => return Err(too_small),
        }
        Ok(needed)
    }

    /// Appends the body to a [`bytes::BufMut`] (a `Vec<u8>`, a `BytesMut`, …).
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] when the buffer cannot take
    /// [`encoded_len`](Self::encoded_len) more bytes (a fixed `&mut [u8]`);
    /// nothing is written then. Growable buffers never fail.
    #[cfg(feature = "bytes")]
    #[inline]
    pub fn write_to<B: bytes::BufMut + ?Sized>(&self, buf: &mut B) -> Result<(), Error> {
        let needed = self.encoded_len();
        if buf.remaining_mut() < needed {
            return Err(Error::BufferTooSmall {
                needed,
                available: buf.remaining_mut(),
            });
        }
        buf.put_u32(self.header.license_status.code());
        buf.put_u32(self.header.asset_id);
        if let Some(key_id) = self.header.key_id {
            buf.put_u32(key_id);
        }
        buf.put_slice(self.emm);
        Ok(())
    }

    /// The encoded body in a new `Vec`.
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut out = alloc::vec::Vec::with_capacity(self.encoded_len());
        out.extend_from_slice(&self.header.to_bytes()[..self.header.encoded_len()]);
        out.extend_from_slice(self.emm);
        out
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Response<'a> {
    /// One in two responses is a short-form rejection; the others carry an
    /// arbitrary EMM.
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let license_status = LicenseStatus::new(u.arbitrary()?);
        let asset_id = u.arbitrary()?;
        if u.arbitrary()? {
            return Ok(Self::rejection(license_status, asset_id));
        }
        Ok(Self::new(
            license_status,
            asset_id,
            u.arbitrary()?,
            u.arbitrary()?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A full-form OK response with a 4-byte EMM.
    static FULL: [u8; 16] = [
        0x00, 0x00, 0x00, 0x01, // license status = 1 (OK, successful)
        0x00, 0x00, 0x30, 0x39, // asset id = 12345
        0x00, 0x00, 0x00, 0x07, // key id = 7
        0xCA, 0xFE, 0xBA, 0xBE, // EMM, 4 bytes
    ];

    // A full-form error response with an empty EMM.
    static EMPTY_EMM: [u8; 12] = [
        0x00, 0x00, 0x00, 0x09, // license status = 9 (Asset is outside license window)
        0xFF, 0xFF, 0xFF, 0xFF, // asset id = u32::MAX
        0x00, 0x00, 0x00, 0x00, // key id = 0
    ];

    // A proxy's short-form rejection.
    static SHORT: [u8; 8] = [
        0x00, 0x00, 0x02, 0x58, // license status = 600 (third party, remove license)
        0x00, 0x00, 0x00, 0x00, // asset id = 0 (unknown)
    ];

    #[test]
    fn test_parse_full() {
        let response = Response::parse(&FULL).unwrap();
        assert_eq!(response.license_status(), LicenseStatus::new(1));
        assert_eq!(response.asset_id(), 12345);
        assert_eq!(response.key_id(), Some(7));
        assert_eq!(response.emm(), &[0xCA, 0xFE, 0xBA, 0xBE]);
        assert_eq!(response.form(), Form::Full);
        assert_eq!(response.emm().as_ptr(), FULL[HEADER_LEN..].as_ptr());
    }

    #[test]
    fn test_parse_empty_emm() {
        let response = Response::parse(&EMPTY_EMM).unwrap();
        assert_eq!(response.license_status(), LicenseStatus::new(9));
        assert_eq!(response.asset_id(), u32::MAX);
        assert_eq!(response.key_id(), Some(0));
        assert!(response.emm().is_empty());
        assert_eq!(response.emm().as_ptr(), EMPTY_EMM[HEADER_LEN..].as_ptr());
    }

    #[test]
    fn test_parse_short() {
        let response = Response::parse(&SHORT).unwrap();
        assert_eq!(response.license_status(), LicenseStatus::new(600));
        assert_eq!(response.asset_id(), 0);
        assert_eq!(response.key_id(), None);
        assert!(response.emm().is_empty());
        assert!(response.is_short());
        assert_eq!(response.form(), Form::Short);
    }

    #[test]
    fn test_construct_and_emit() {
        let mut out = [0u8; 16];
        let full = Response::new(LicenseStatus::new(1), 12345, 7, &FULL[12..]);
        assert_eq!(full.encoded_len(), 16);
        assert_eq!(full.encode_into(&mut out), Ok(16));
        assert_eq!(out, FULL);

        let empty = Response::new(LicenseStatus::new(9), u32::MAX, 0, &[]);
        assert_eq!(empty.encode_into(&mut out), Ok(12));
        assert_eq!(&out[..12], &EMPTY_EMM);

        let short = Response::rejection(LicenseStatus::new(600), 0);
        assert_eq!(short.encoded_len(), 8);
        assert_eq!(short.encode_into(&mut out), Ok(8));
        assert_eq!(&out[..8], &SHORT);
    }

    #[test]
    fn encode_into_too_small_writes_nothing() {
        let full = Response::parse(&FULL).unwrap();
        for len in 0..FULL.len() {
            let mut out = [0xEEu8; 16];
            assert_eq!(
                full.encode_into(&mut out[..len]),
                Err(Error::BufferTooSmall {
                    needed: 16,
                    available: len
                })
            );
            assert!(
                out.iter().all(|&b| b == 0xEE),
                "wrote into a {len}-byte buffer"
            );
        }
    }

    #[test]
    fn every_truncation_length_is_the_exact_error() {
        for len in 0..HEADER_LEN {
            let body = &FULL[..len];
            let result = Response::parse(body);
            if len == SHORT_LEN {
                // The first 8 bytes of a full body are a valid short form.
                assert_eq!(
                    result,
                    Ok(Response::rejection(LicenseStatus::new(1), 12345))
                );
                continue;
            }
            let expected = if len < SHORT_LEN {
                SHORT_LEN
            } else {
                HEADER_LEN
            };
            let license_status = (len >= 4).then_some(LicenseStatus::new(1));
            assert_eq!(
                result,
                Err(Error::Truncated {
                    received: len,
                    missing: expected - len,
                    license_status
                }),
                "length {len}"
            );
        }
    }

    #[test]
    fn short_form_refused_by_options() {
        let strict = Options::new().with_short_form(false);
        for len in 0..HEADER_LEN {
            let license_status = (len >= 4).then_some(LicenseStatus::new(600));
            let mut body = [0u8; HEADER_LEN];
            body[..8].copy_from_slice(&SHORT);
            assert_eq!(
                Response::parse_with(&body[..len], &strict),
                Err(Error::Truncated {
                    received: len,
                    missing: HEADER_LEN - len,
                    license_status
                }),
                "length {len}"
            );
        }
    }

    #[test]
    fn max_emm_len_is_inclusive() {
        let at_limit = Options::new().with_max_emm_len(4);
        assert!(Response::parse_with(&FULL, &at_limit).is_ok());
        let below = Options::new().with_max_emm_len(3);
        assert_eq!(
            Response::parse_with(&FULL, &below),
            Err(Error::EmmTooLong { len: 4, limit: 3 })
        );
        // The short form has no EMM, so no limit can refuse it.
        let zero = Options::new().with_max_emm_len(0);
        assert!(Response::parse_with(&SHORT, &zero).is_ok());
    }

    #[test]
    fn from_parts_keeps_the_short_form_invariant() {
        let short = Header::short(LicenseStatus::new(600), 0);
        assert_eq!(
            Response::from_parts(short, &[1]),
            Err(Error::EmmInShortForm { emm_len: 1 })
        );
        assert_eq!(
            Response::from_parts(short, &[]),
            Ok(Response::rejection(LicenseStatus::new(600), 0))
        );
    }

    #[test]
    fn header_to_bytes() {
        let header = Header::full(LicenseStatus::new(1), 12345, 7);
        assert_eq!(header.to_bytes(), FULL[..12]);
        assert_eq!(header.encoded_len(), 12);
        let short = Header::short(LicenseStatus::new(600), 0);
        assert_eq!(short.to_bytes()[..8], SHORT);
        assert_eq!(short.encoded_len(), 8);
    }

    #[cfg(feature = "bytes")]
    #[test]
    fn write_to_bufmut() {
        let mut vec = alloc::vec::Vec::new();
        Response::parse(&FULL).unwrap().write_to(&mut vec).unwrap();
        assert_eq!(vec, FULL);

        let mut fixed = [0u8; 10];
        let mut slice: &mut [u8] = &mut fixed;
        assert_eq!(
            Response::parse(&FULL).unwrap().write_to(&mut slice),
            Err(Error::BufferTooSmall {
                needed: 16,
                available: 10
            })
        );
        assert_eq!(fixed, [0; 10]);
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn to_vec_round_trips() {
        for body in [&FULL[..], &EMPTY_EMM[..], &SHORT[..]] {
            assert_eq!(Response::parse(body).unwrap().to_vec(), body);
        }
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn error_messages_say_what_where() {
        use alloc::string::ToString;
        let message = Response::parse(&FULL[..6]).unwrap_err().to_string();
        assert_eq!(
            message,
            "truncated GetEMMs body: expected at least 8 bytes (8 for the short form, 12 or more \
             for the full form), got 6; it ends at byte offset 6 in the asset id (2 more bytes \
             needed); license status read at offset 0: 1 (OK, successful)"
        );
        let message = Response::parse(&FULL[..11]).unwrap_err().to_string();
        assert!(message.contains("expected at least 12 bytes"), "{message}");
        assert!(
            message.contains("byte offset 11 in the key id (1 more byte needed)"),
            "{message}"
        );
        let message = Response::parse_with(&FULL, &Options::new().with_max_emm_len(2))
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "EMM too long: expected at most 2 bytes (max_emm_len), got 4; the limit is crossed \
             at byte offset 14"
        );
    }
}
