//! nom parsers for the `GetEMMs.cgi` body, named in the rusticata style.
//!
//! [`license_status`], [`short_header`] and [`header`] are *streaming*
//! parsers (the first two built on [`nom::number::streaming::be_u32`], the
//! full header read word by word once its length is checked): on a short input they
//! return `Err::Incomplete(Needed::new(n))` where `n` is the exact number of
//! bytes still missing for what they parse (not just for the field being
//! read). They never fail otherwise: every bit pattern is a valid header.
//!
//! [`body`] parses a *complete* body (the transport has said where it
//! ends): a full-form body, or an 8-byte short-form body. On a length that is
//! neither it returns `Err::Incomplete` with the bytes missing to the nearest
//! valid form, matching [`Error::Truncated`](crate::Error::Truncated).
//!
//! These parsers agree with [`Response::parse`](crate::Response::parse) (the
//! zerocopy path) on every input; the crate's property tests and fuzz targets
//! check it.

use nom::number::streaming::be_u32;
use nom::{Err, IResult, Needed, Parser};

use crate::header::Header;
use crate::response::Response;
use crate::status::LicenseStatus;
use crate::wire::{HEADER_LEN, SHORT_LEN};

/// The `Incomplete` result for an input of `len` bytes that needs `want`.
#[inline]
fn incomplete<'a, T>(len: usize, want: usize) -> IResult<&'a [u8], T> {
    Err(Err::Incomplete(Needed::new(want - len)))
}

/// Parses the license status (4 bytes, big-endian).
///
/// # Errors
/// `Err::Incomplete(Needed::new(4 - i.len()))` on fewer than 4 bytes.
#[inline]
pub fn license_status(i: &[u8]) -> IResult<&[u8], LicenseStatus> {
    be_u32.map(LicenseStatus::new).parse(i)
}

/// Parses the 8-byte fixed part of a short-form body: license status and
/// asset id. The returned [`Header`] has no key id.
///
/// # Errors
/// `Err::Incomplete(Needed::new(8 - i.len()))` on fewer than 8 bytes.
#[inline]
pub fn short_header(i: &[u8]) -> IResult<&[u8], Header> {
    if i.len() < SHORT_LEN {
        return incomplete(i.len(), SHORT_LEN);
    }
    let (i, (license_status, asset_id)) = (license_status, be_u32).parse(i)?;
    Ok((i, Header::short(license_status, asset_id)))
}

/// Parses the 12-byte header of a full-form body: license status, asset id,
/// key id.
///
/// ```
/// use getemms::parse;
/// use getemms::nom::{Err, Needed};
///
/// let (emm, header) = parse::header(&[0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 9]).unwrap();
/// assert_eq!((header.asset_id, header.key_id, emm), (2, Some(3), &[9][..]));
/// assert_eq!(parse::header(&[0, 0, 0, 1, 0]), Err(Err::Incomplete(Needed::new(7))));
/// ```
///
/// # Errors
/// `Err::Incomplete(Needed::new(12 - i.len()))` on fewer than 12 bytes.
#[inline]
pub fn header(i: &[u8]) -> IResult<&[u8], Header> {
    let (i, (license_status, asset_id, key_id)) = fields(i)?;
    Ok((i, Header::full(license_status, asset_id, key_id)))
}

/// Parses a complete body, short form accepted: the whole input is consumed
/// and the EMM borrows from it.
///
/// # Errors
/// `Err::Incomplete(Needed::new(n))` for 0–7 bytes (`n = 8 - len`) and
/// 9–11 bytes (`n = 12 - len`).
#[inline]
pub fn body(i: &[u8]) -> IResult<&[u8], Response<'_>> {
    if i.len() == SHORT_LEN {
        let (rest, header) = short_header(i)?;
        return Ok((
            rest,
            Response::rejection(header.license_status, header.asset_id),
        ));
    }
    if i.len() < SHORT_LEN {
        return incomplete(i.len(), SHORT_LEN);
    }
    let (emm, (license_status, asset_id, key_id)) = fields(i)?;
    let end = &emm[emm.len()..];
    Ok((end, Response::new(license_status, asset_id, key_id, emm)))
}

/// The three fields of a full header, with the exact `Needed` of the whole header.
///
/// Once the length is checked the words are read with `u32::from_be_bytes`:
/// nom's `be_u32`, generic over any input, re-checks the length and builds
/// its own results for each word, and three of them cost three times
/// hand-written slicing (99 instructions against 33 under `.ci/bench-gate`).
#[inline]
fn fields(i: &[u8]) -> IResult<&[u8], (LicenseStatus, u32, u32)> {
    let Some((words, rest)) = i.split_first_chunk::<HEADER_LEN>() else {
        return incomplete(i.len(), HEADER_LEN);
    };
    let [status, asset_id, key_id]: [[u8; 4]; 3] = zerocopy::transmute!(*words);
    Ok((
        rest,
        (
            LicenseStatus::new(u32::from_be_bytes(status)),
            u32::from_be_bytes(asset_id),
            u32::from_be_bytes(key_id),
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    static FULL: [u8; 14] = [
        0x00, 0x00, 0x03, 0x01, // license status = 769 (third party, retain license)
        0x00, 0x00, 0x00, 0x2A, // asset id = 42
        0x80, 0x00, 0x00, 0x01, // key id = 0x80000001
        0x01, 0x02, // EMM
    ];

    #[test]
    fn header_needs_exactly_the_missing_bytes() {
        for len in 0..HEADER_LEN {
            assert_eq!(
                header(&FULL[..len]),
                Err(Err::Incomplete(Needed::new(HEADER_LEN - len))),
                "length {len}"
            );
        }
        let (emm, parsed) = header(&FULL).unwrap();
        assert_eq!(
            parsed,
            Header::full(LicenseStatus::new(769), 42, 0x8000_0001)
        );
        assert_eq!(emm.as_ptr(), FULL[12..].as_ptr());
    }

    #[test]
    fn short_header_and_license_status_need_exactly_the_missing_bytes() {
        for len in 0..SHORT_LEN {
            assert_eq!(
                short_header(&FULL[..len]),
                Err(Err::Incomplete(Needed::new(SHORT_LEN - len)))
            );
        }
        for len in 0..4 {
            assert_eq!(
                license_status(&FULL[..len]),
                Err(Err::Incomplete(Needed::new(4 - len)))
            );
        }
        let (rest, parsed) = short_header(&FULL).unwrap();
        assert_eq!(parsed, Header::short(LicenseStatus::new(769), 42));
        assert_eq!(rest, &FULL[8..]);
    }

    #[test]
    fn body_on_every_length() {
        for len in 0..=FULL.len() {
            let result = body(&FULL[..len]);
            match len {
                0..8 => assert_eq!(result, Err(Err::Incomplete(Needed::new(8 - len)))),
                8 => assert_eq!(
                    result,
                    Ok((&[][..], Response::rejection(LicenseStatus::new(769), 42)))
                ),
                9..12 => assert_eq!(result, Err(Err::Incomplete(Needed::new(12 - len)))),
                _ => {
                    let (rest, response) = result.unwrap();
                    assert!(rest.is_empty());
                    assert_eq!(response, crate::Response::parse(&FULL[..len]).unwrap());
                    assert_eq!(response.emm().as_ptr(), FULL[12..].as_ptr());
                }
            }
        }
    }
}
