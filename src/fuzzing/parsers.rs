//! The whole-body targets: `Response::parse` on arbitrary bytes, the
//! encode-parse roundtrip of structured responses, and the nom, zerocopy and
//! reference parsers agreeing.

use alloc::vec;

use super::{assert_reportable, capped};
use crate::base64::LineWrap;
use crate::wire::{HEADER_LEN, SHORT_LEN};
use crate::{Error, Header, LicenseStatus, Options, Response, parse};

/// `Response::parse` on arbitrary bytes: a body of 8 or 12+ bytes parses and
/// re-encodes to itself with the EMM borrowed in place; any other length is
/// exactly the truncation error its length predicts.
pub fn parse(data: &[u8]) {
    match Response::parse(data) {
        Ok(response) => {
            assert!(data.len() == SHORT_LEN || data.len() >= HEADER_LEN);
            assert_eq!(response.encoded_len(), data.len());
            let mut out = vec![0u8; data.len()];
            assert_eq!(response.encode_into(&mut out), Ok(data.len()));
            assert_eq!(out, data, "re-encoding changed the body");
            assert_eq!(response.to_vec(), data);
            if let Some(emm) = data.get(HEADER_LEN..) {
                assert_eq!(response.emm().as_ptr(), emm.as_ptr(), "EMM was copied");
            }
            assert_eq!(response.form(), response.header().form());
            assert_eq!(response.is_short(), data.len() == SHORT_LEN);
            // One byte too few is refused, saying how many are needed.
            let too_small = Error::BufferTooSmall {
                needed: data.len(),
                available: data.len() - 1,
            };
            assert_eq!(response.encode_into(&mut out[1..]), Err(too_small));
            #[cfg(feature = "bytes")]
            assert_eq!(response.write_to(&mut &mut out[1..]), Err(too_small));
            assert_reportable(too_small);
            // A short-form header never carries an EMM.
            let short = Header::short(response.license_status(), response.asset_id());
            match Response::from_parts(short, response.emm()) {
                Ok(rejection) => assert!(response.emm().is_empty() && rejection.is_short()),
                Err(error) => {
                    let emm_len = response.emm().len();
                    assert_eq!(error, Error::EmmInShortForm { emm_len });
                    assert_reportable(error);
                }
            }
        }
        Err(error) => {
            assert_reportable(error);
            assert_eq!(error.offset(), data.len());
            let first_word = data.first_chunk::<4>().map(|w| u32::from_be_bytes(*w));
            assert_eq!(error.license_status().map(LicenseStatus::code), first_word);
            let predicted = Error::for_length(data, true);
            assert_eq!(
                Some(error),
                predicted,
                "error not the one the length predicts"
            );
        }
    }
    // The options path agrees with the default path, and limits bite exactly.
    let limit = data.len().saturating_sub(HEADER_LEN + 1);
    let limited = Response::parse_with(data, &Options::new().with_max_emm_len(limit));
    match Response::parse(data) {
        Ok(response) if response.emm().len() > limit => {
            let error = Error::EmmTooLong {
                len: response.emm().len(),
                limit,
            };
            assert_eq!(limited, Err(error));
            assert_reportable(error);
            assert_eq!(error.offset(), HEADER_LEN + limit);
        }
        other => assert_eq!(limited, other),
    }
}

/// A structure-aware response (both forms) → encode → parse → the same
/// response, through every serializer, raw and base64. Reads at most
/// [`MAX_BASE64_INPUT`](super::MAX_BASE64_INPUT) bytes.
pub fn roundtrip(data: &[u8]) {
    let Some(response) = structured(capped(data)) else {
        return;
    };
    let encoded = response.to_vec();
    assert_eq!(encoded.len(), response.encoded_len());
    assert_eq!(Response::parse(&encoded), Ok(response));
    let mut out = vec![0u8; encoded.len()];
    assert_eq!(response.encode_into(&mut out), Ok(encoded.len()));
    assert_eq!(out, encoded);
    #[cfg(feature = "bytes")]
    {
        let mut buf = bytes::BytesMut::new();
        assert_eq!(response.write_to(&mut buf), Ok(()));
        assert_eq!(&buf[..], &encoded[..]);
        let owned = crate::OwnedResponse::parse(buf.freeze());
        assert_eq!(owned.map(|o| o.as_response() == response), Ok(true));
        // Owned from the borrowed response, and apart and back together.
        let copied = crate::OwnedResponse::from(response);
        assert_eq!(copied.as_response(), response);
        assert_eq!(
            (copied.header(), &copied.emm()[..]),
            (response.header(), response.emm())
        );
        let (header, emm) = copied.into_parts();
        let rebuilt = crate::OwnedResponse::from_parts(header, emm);
        assert_eq!(rebuilt.map(|o| o.as_response() == response), Ok(true));
    }
    let (rest, nom) = parse::body(&encoded).expect("nom rejected an encoded response");
    assert!(rest.is_empty());
    assert_eq!(nom, response);
    for wrap in [LineWrap::None, LineWrap::Mime] {
        let mut text = vec![];
        response.encode_base64(wrap, &mut text);
        assert_eq!(text.len(), response.base64_len(wrap));
        let mut scratch = vec![];
        assert_eq!(
            Response::parse_base64(&text, &mut scratch, &Options::DEFAULT),
            Ok(response)
        );
    }
}

/// The response the fuzzer's bytes describe: with the `arbitrary` feature,
/// `Response`'s own `Arbitrary` impl (the one downstream fuzz targets use);
/// without it, [`from_words`].
fn structured(data: &[u8]) -> Option<Response<'_>> {
    #[cfg(feature = "arbitrary")]
    {
        let mut unstructured = arbitrary::Unstructured::new(data);
        <Response<'_> as arbitrary::Arbitrary>::arbitrary(&mut unstructured).ok()
    }
    #[cfg(not(feature = "arbitrary"))]
    from_words(data)
}

/// A response from plain bytes: a form byte (odd: short), then status,
/// asset id, key id as big-endian words, then the EMM. Compiled with every
/// feature set, so that its tests run where the mutation run builds.
#[cfg_attr(feature = "arbitrary", allow(dead_code))]
fn from_words(data: &[u8]) -> Option<Response<'_>> {
    let (&form, rest) = data.split_first()?;
    let (status, rest) = rest.split_first_chunk::<4>()?;
    let (asset_id, rest) = rest.split_first_chunk::<4>()?;
    let (status, asset_id) = (u32::from_be_bytes(*status), u32::from_be_bytes(*asset_id));
    if form & 1 == 1 {
        return Some(Response::rejection(status, asset_id));
    }
    let (key_id, emm) = rest.split_first_chunk::<4>()?;
    Some(Response::new(
        status,
        asset_id,
        u32::from_be_bytes(*key_id),
        emm,
    ))
}

/// The nom path, the zerocopy path and a trivial `from_be_bytes` reference
/// agree on every input.
pub fn differential(data: &[u8]) {
    let zerocopy = Response::parse(data);
    let nom = parse::body(data);
    match (reference(data), zerocopy, nom) {
        (Ok((status, asset_id, key_id, emm)), Ok(z), Ok((rest, n))) => {
            assert!(rest.is_empty());
            assert_eq!(z, n);
            assert_eq!(z.license_status(), LicenseStatus::new(status));
            assert_eq!(z.asset_id(), asset_id);
            assert_eq!(z.key_id(), key_id);
            assert_eq!(z.emm(), emm);
            if key_id.is_some() {
                assert_eq!(
                    z.emm().as_ptr(),
                    emm.as_ptr(),
                    "zerocopy path copied the EMM"
                );
                assert_eq!(n.emm().as_ptr(), emm.as_ptr(), "nom path copied the EMM");
            }
        }
        (Err(missing), Err(Error::Truncated { missing: m, .. }), Err(nom::Err::Incomplete(n))) => {
            assert_eq!(missing, m);
            assert_eq!(nom::Needed::new(missing), n);
        }
        (r, z, n) => panic!("paths disagree: reference {r:?}, zerocopy {z:?}, nom {n:?}"),
    }
    // The streaming header parser agrees with the zerocopy header view.
    let view = <crate::wire::WireHeader as zerocopy::FromBytes>::ref_from_prefix(data);
    match (parse::header(data), view) {
        (Ok((rest, header)), Ok((wire, emm))) => {
            assert_eq!(rest, emm);
            assert_eq!(header.license_status.code(), wire.license_status.get());
            assert_eq!(header.asset_id, wire.asset_id.get());
            assert_eq!(header.key_id, Some(wire.key_id.get()));
        }
        (Err(nom::Err::Incomplete(needed)), Err(_)) => {
            assert_eq!(needed, nom::Needed::new(HEADER_LEN - data.len()));
        }
        (h, v) => panic!("header paths disagree: nom {h:?}, zerocopy {:?}", v.is_ok()),
    }
}

/// The trivial reference: slicing and `u32::from_be_bytes`, as a careful
/// hand-written parser would do it. `Err` carries the missing byte count.
#[allow(clippy::type_complexity)]
fn reference(data: &[u8]) -> Result<(u32, u32, Option<u32>, &[u8]), usize> {
    let word = |at: usize| {
        let mut bytes = [0u8; 4];
        bytes.copy_from_slice(&data[at..at + 4]);
        u32::from_be_bytes(bytes)
    };
    match data.len() {
        n if n < 8 => Err(8 - n),
        8 => Ok((word(0), word(4), None, &data[8..])),
        n if n < 12 => Err(12 - n),
        _ => Ok((word(0), word(4), Some(word(8)), &data[12..])),
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use super::*;

    #[test]
    fn the_reference_parser_slices_big_endian_words() {
        let body = [0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0xEE];
        assert_eq!(reference(&body), Ok((1, 256, Some(65536), &body[12..])));
        assert_eq!(reference(&body[..8]), Ok((1, 256, None, &[][..])));
        assert_eq!(reference(&body[..12]), Ok((1, 256, Some(65536), &[][..])));
        assert_eq!(reference(&body[..3]), Err(5));
        assert_eq!(reference(&body[..7]), Err(1));
        assert_eq!(reference(&body[..9]), Err(3));
        assert_eq!(reference(&body[..11]), Err(1));
    }

    #[test]
    fn plain_bytes_describe_a_response_word_by_word() {
        let words = [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xEE, 0xFF];
        let full = [&[2][..], &words].concat();
        assert_eq!(
            from_words(&full),
            Some(Response::new(1, 2, 3, &words[12..]))
        );
        let short = [&[7][..], &words].concat();
        assert_eq!(from_words(&short), Some(Response::rejection(1, 2)));
        assert_eq!(from_words(&short[..9]), Some(Response::rejection(1, 2)));
        assert_eq!(from_words(&full[..13]), Some(Response::new(1, 2, 3, &[])));
        for len in [0, 1, 5, 8] {
            assert_eq!(from_words(&full[..len]), None);
        }
        assert_eq!(from_words(&full[..12]), None);
    }

    #[test]
    fn structured_responses_come_from_the_arbitrary_bytes() {
        // Whatever the feature set, the same bytes give the same response,
        // and too few bytes give none.
        let data: Vec<u8> = (1..=40).collect();
        assert_eq!(structured(&data), structured(&data));
        assert_eq!(structured(&[]).is_some(), cfg!(feature = "arbitrary"));
    }
}
