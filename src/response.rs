//! [`Response`]: a parsed body (the [`Header`] plus the borrowed EMM), with
//! the one-shot parsers (raw bytes, base64 text) and every serializer (raw
//! and base64) as its methods.
//!
//! Guarantees:
//! - [`Response::parse`] never copies and never allocates: the EMM is a
//!   sub-slice of the caller's body (`emm().as_ptr() == body[12..].as_ptr()`).
//! - Parsing is lossless: encoding a parsed response gives back the body
//!   byte for byte, and parsing an encoded response gives back the response.
//! - No function here panics, whatever the input or the output buffer.

use zerocopy::FromBytes;

use crate::base64::{self, LineWrap};
use crate::error::Error;
use crate::header::{Form, Header};
use crate::options::Options;
use crate::status::LicenseStatus;
use crate::wire::{HEADER_LEN, SHORT_LEN, WireHeader, WireShortHeader};

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
/// let mut out = [0u8; 14];
/// assert_eq!(response.encode_into(&mut out)?, 14);
/// assert_eq!(out, body);
/// # Ok::<(), getemms::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Response<'a> {
    header: Header,
    emm: &'a [u8],
}

// Layout, so that holding a parsed response costs what holding hand-written
// fields costs (a proxy stores it, returns it, keeps it across an `.await`):
// - `Response` is the fields and the slice, 32 bytes, no more than a
//   hand-written `(u32, u32, Option<u32>, &[u8])`;
// - `Error` is 24 bytes, so it fits beside the EMM pointer and the pointer's
//   non-null niche tells `Ok` from `Err`: `Result<Response, Error>` is 32
//   bytes too (it was 40, with an `Error` of 32);
// - the truncation error is built inline: an out-of-line constructor that
//   writes through a pointer made every caller build the result in memory
//   and copy it out, 12 extra loads and stores per parse.
// Measured with `cargo bench --bench parse` (`parse_held`: the whole result
// passed to `black_box`), 2-core VM: before, 2.0–3.3 ns against 1.3–1.7 ns
// hand-written (1.6–2.3×); after, level at every EMM size (the README's
// performance table has the figures of the last run). `.ci/bench-gate`
// holds the instruction count to ≤ 1.15× hand-written.
#[cfg(target_pointer_width = "64")]
const _: () = {
    assert!(core::mem::size_of::<Response<'_>>() == 32);
    assert!(core::mem::size_of::<Result<Response<'_>, Error>>() == 32);
};

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
        Self::parse_with(body, &Options::DEFAULT)
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
                    header: Header::from(wire),
                    emm,
                })
            }
            Err(_) => Self::parse_short(body, options.accept_short_form),
        }
    }

    /// Decodes a base64 body into `scratch` (cleared first, capacity kept,
    /// grown to at most `3/4` of the text) and parses it; the response
    /// borrows `scratch`.
    ///
    /// Without `alloc`, decode with
    /// [`base64::decode_into`](crate::base64::decode_into) into a buffer of
    /// your own, then [`parse_with`](Self::parse_with) it.
    ///
    /// ```
    /// use getemms::{LicenseStatus, Options, Response};
    ///
    /// let mut scratch = Vec::new();
    /// let response = Response::parse_base64(b"AAACWAAAAAA=\n", &mut scratch, &Options::new())?;
    /// assert_eq!(response.license_status(), LicenseStatus::from(600));
    /// assert!(response.is_short());
    /// # Ok::<(), getemms::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidBase64`] or [`Error::TruncatedBase64`] for text that
    /// is not base64 (see [`crate::base64`] for what is accepted), then as
    /// [`parse_with`](Self::parse_with).
    #[cfg(feature = "alloc")]
    pub fn parse_base64(
        text: &[u8],
        scratch: &'a mut alloc::vec::Vec<u8>,
        options: &Options,
    ) -> Result<Self, Error> {
        base64::decode(text, scratch)?;
        Self::parse_with(scratch, options)
    }

    /// A body shorter than a full header: the 8-byte short form when it is
    /// accepted, else a truncation error (built out of line, off the hot path).
    #[inline]
    fn parse_short(body: &'a [u8], accept_short_form: bool) -> Result<Self, Error> {
        match WireShortHeader::ref_from_bytes(body) {
            Ok(wire) if accept_short_form => Ok(Self {
                header: Header::from(wire),
                emm: &[],
            }),
            _ => Err(Self::truncated(body, accept_short_form)),
        }
    }

    /// The error for a body of 0–11 bytes that is not an accepted short
    /// form. Built inline, in registers: an out-of-line constructor writing
    /// through a pointer would make every caller build the whole result in
    /// memory and copy it out (see the layout note on [`Response`]).
    #[inline]
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
        let available = out.len();
        let too_small = Error::BufferTooSmall { needed, available };
        let Some((front, _)) = out.split_at_mut_checked(needed) else {
            return Err(too_small);
        };
        // Fixed-size writes, word by word: no length-dependent copy for the
        // header, so a short body costs a few stores.
        let status = self.header.license_status.code().to_be_bytes();
        let asset_id = self.header.asset_id.to_be_bytes();
        let emm_out = match self.header.key_id {
            Some(key_id) => match front.split_first_chunk_mut::<HEADER_LEN>() {
                Some((header, emm_out)) => {
                    *header = zerocopy::transmute!([status, asset_id, key_id.to_be_bytes()]);
                    emm_out
                }
                None => return Err(too_small),
            },
            None => match front.split_first_chunk_mut::<SHORT_LEN>() {
                Some((header, emm_out)) => {
                    *header = zerocopy::transmute!([status, asset_id]);
                    emm_out
                }
                None => return Err(too_small),
            },
        };
        emm_out.copy_from_slice(self.emm);
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
        out.extend_from_slice(&self.header.to_bytes());
        out.extend_from_slice(self.emm);
        out
    }

    /// The length of the body as base64 text laid out as `wrap` says.
    #[must_use]
    pub fn base64_len(&self, wrap: LineWrap) -> usize {
        base64::encoded_len(self.encoded_len(), wrap)
    }

    /// Writes the body as base64 text into the front of `out` and returns
    /// its length: one padded line ([`LineWrap::None`], as PHP's
    /// `base64_encode` does) or lines of 76 characters each ending in `\n`
    /// ([`LineWrap::Mime`], as Perl's `MIME::Base64::encode_base64` does).
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] when `out` is shorter than
    /// [`base64_len`](Self::base64_len).
    ///
    /// ```
    /// use getemms::base64::LineWrap;
    /// use getemms::Response;
    ///
    /// let mut text = [0u8; 16];
    /// let n = Response::rejection(600, 0).encode_base64_into(LineWrap::None, &mut text)?;
    /// assert_eq!(&text[..n], b"AAACWAAAAAA=");
    /// # Ok::<(), getemms::Error>(())
    /// ```
    pub fn encode_base64_into(&self, wrap: LineWrap, out: &mut [u8]) -> Result<usize, Error> {
        base64::encode_into(&self.header.to_bytes(), self.emm, wrap, out)
    }

    /// Appends the body as base64 text, laid out as `wrap` says, to `out`.
    ///
    /// ```
    /// use getemms::base64::LineWrap;
    /// use getemms::Response;
    ///
    /// let emm = [0u8; 100];
    /// let mut text = Vec::new();
    /// Response::new(1, 1, 2, &emm).encode_base64(LineWrap::Mime, &mut text);
    /// assert_eq!(text.len(), 152 + 2); // 112 bytes → 152 characters, 2 lines
    /// assert_eq!(text[76], b'\n');
    /// ```
    #[cfg(feature = "alloc")]
    pub fn encode_base64(&self, wrap: LineWrap, out: &mut alloc::vec::Vec<u8>) {
        let start = out.len();
        out.resize(start.saturating_add(self.base64_len(wrap)), 0);
        let written = out
            .get_mut(start..)
            .map_or(Ok(0), |slot| self.encode_base64_into(wrap, slot))
            .unwrap_or(0);
        out.truncate(start.saturating_add(written));
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
        assert!(!response.is_short());
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

        // A fixed buffer of exactly the body's length is enough.
        let mut exact = [0u8; 16];
        let mut slice: &mut [u8] = &mut exact;
        assert_eq!(Response::parse(&FULL).unwrap().write_to(&mut slice), Ok(()));
        assert!(slice.is_empty());
        assert_eq!(exact, FULL);
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

    #[test]
    fn test_encode_base64() {
        let response = Response::parse(&SHORT).unwrap();
        let mut text = [0u8; 13];
        assert_eq!(response.base64_len(LineWrap::None), 12);
        assert_eq!(
            response.encode_base64_into(LineWrap::None, &mut text),
            Ok(12)
        );
        assert_eq!(&text[..12], b"AAACWAAAAAA=");
        assert_eq!(response.base64_len(LineWrap::Mime), 13);
        assert_eq!(
            response.encode_base64_into(LineWrap::Mime, &mut text),
            Ok(13)
        );
        assert_eq!(&text, b"AAACWAAAAAA=\n");
        assert_eq!(
            response.encode_base64_into(LineWrap::None, &mut text[..11]),
            Err(Error::BufferTooSmall {
                needed: 12,
                available: 11
            })
        );
    }
}
