//! Property tests of the core invariants (ARCHITECTURE.md lists them): lossless
//! round trips of both forms, no panic on any bytes, the exact truncation
//! error, and agreement of the nom and zerocopy paths.

// `getemms::fuzzing` and `Response::to_vec` need `alloc`.
#![cfg(feature = "alloc")]

use getemms::{Error, LicenseStatus, Options, Response, fuzzing, parse};
use proptest::prelude::*;

/// Either form: `None` key id is the 8-byte short form.
fn response_parts() -> impl Strategy<Value = (u32, u32, Option<u32>, Vec<u8>)> {
    (
        any::<u32>(),
        any::<u32>(),
        any::<Option<u32>>(),
        proptest::collection::vec(any::<u8>(), 0..512),
    )
        .prop_map(|(status, asset, key, emm)| {
            let emm = if key.is_some() { emm } else { Vec::new() };
            (status, asset, key, emm)
        })
}

fn build(status: u32, asset_id: u32, key_id: Option<u32>, emm: &[u8]) -> Response<'_> {
    match key_id {
        Some(key_id) => Response::new(LicenseStatus::from(status), asset_id, key_id, emm),
        None => Response::rejection(LicenseStatus::from(status), asset_id),
    }
}

/// Bodies of a valid length: exactly 8, or 12 and more.
fn valid_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 8..=8),
        proptest::collection::vec(any::<u8>(), 12..600),
    ]
}

proptest! {
    // Under miri each case costs thousands of times more: a few show UB as well.
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 8 } else { 2048 }))]

    #[test]
    fn parse_of_encode_is_identity((status, asset, key, emm) in response_parts()) {
        let response = build(status, asset, key, &emm);
        let encoded = response.to_vec();
        prop_assert_eq!(encoded.len(), response.encoded_len());
        prop_assert_eq!(Response::parse(&encoded), Ok(response));
        let mut buf = vec![0u8; encoded.len()];
        prop_assert_eq!(response.encode_into(&mut buf), Ok(encoded.len()));
        prop_assert_eq!(&buf, &encoded);
        let mut bytes_mut = bytes::BytesMut::new();
        prop_assert_eq!(response.write_to(&mut bytes_mut), Ok(()));
        prop_assert_eq!(&bytes_mut[..], &encoded[..]);
        // The header alone encodes to the body's first 8 or 12 bytes.
        let header = response.header();
        let header_len = header.encoded_len();
        let mut header_buf = [0u8; 12];
        prop_assert_eq!(header.encode_into(&mut header_buf), Ok(header_len));
        prop_assert_eq!(&header_buf[..header_len], &encoded[..header_len]);
        prop_assert_eq!(&*header.to_bytes(), &encoded[..header_len]);
    }

    #[test]
    fn encode_of_parse_is_identity(body in valid_body()) {
        let response = Response::parse(&body).unwrap();
        prop_assert_eq!(response.to_vec(), body.clone());
        prop_assert_eq!(response.key_id().is_none(), body.len() == 8);
        if let Some(emm) = body.get(12..) {
            prop_assert_eq!(response.emm().as_ptr(), emm.as_ptr());
        }
    }

    #[test]
    fn parse_never_panics_and_errors_are_exact(body in proptest::collection::vec(any::<u8>(), 0..64)) {
        fuzzing::parse(&body);
        if let Err(Error::Truncated { received, missing, license_status }) = Response::parse(&body) {
            prop_assert_eq!(received, body.len());
            prop_assert_eq!(missing, if body.len() < 8 { 8 - body.len() } else { 12 - body.len() });
            let first = body.get(..4).map(|b| LicenseStatus::from(u32::from_be_bytes(b.try_into().unwrap())));
            prop_assert_eq!(license_status, first);
        }
    }

    #[test]
    fn nom_and_zerocopy_agree(body in proptest::collection::vec(any::<u8>(), 0..64)) {
        fuzzing::differential(&body);
        let nom_path = parse::body(&body).map(|(_, r)| r).ok();
        prop_assert_eq!(nom_path, Response::parse(&body).ok());
    }

    #[test]
    fn structured_roundtrip(raw in proptest::collection::vec(any::<u8>(), 0..256)) {
        fuzzing::roundtrip(&raw);
    }

    #[test]
    fn limits_bite_exactly_above_the_limit(emm_len in 0usize..300, limit in 0usize..300) {
        let emm = vec![0x5Au8; emm_len];
        let body = Response::new(LicenseStatus::from(1), 1, 2, &emm).to_vec();
        let result = Response::parse_with(&body, &Options::new().with_max_emm_len(limit));
        if emm_len > limit {
            prop_assert_eq!(result, Err(Error::EmmTooLong { len: emm_len, limit }));
        } else {
            prop_assert!(result.is_ok());
        }
    }
}

#[test]
fn extreme_values_and_a_mebibyte_emm() {
    let emm = vec![0xA5u8; 1 << 20];
    let response = Response::new(LicenseStatus::from(u32::MAX), u32::MAX, u32::MAX, &emm);
    let body = response.to_vec();
    assert_eq!(body.len(), 12 + (1 << 20));
    assert_eq!(&body[..12], &[0xFF; 12]);
    let parsed = Response::parse(&body).unwrap();
    assert_eq!(parsed, response);
    assert_eq!(parsed.emm().as_ptr(), body[12..].as_ptr());
    assert_eq!(u32::from(parsed.license_status()), u32::MAX);
}
